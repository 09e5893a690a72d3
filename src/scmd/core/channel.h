/* SPDX-License-Identifier: MIT */
/*
 * A native service's control channel (SOCK_SEQPACKET): start, controls
 * and their answers, status reports.
 */
#pragma once

struct process;
struct service;
struct control_request;

struct control_status;

/* Opens the control channel of process p about to be spawned for native
 * service s; *ret_child_fd is the process's end (owned by the caller).
 * Queues the start message of s with args. */
int channel_open(struct process *p, struct service *s, char **args, int *ret_child_fd);
/* Takes fd (scmd's end of p's channel, kept by the holder while an earlier
 * scmd went) as p's channel; the dispatcher's hello was heard by that scmd. */
int channel_adopt(struct process *p, int fd);
/* Sends req (a control for s's handler); answered through req->fn. */
int channel_deliver(struct service *s, struct control_request *req);
/* Every control of s still unanswered gets win32 (s leaves its process). */
void channel_forget(struct service *s, int win32);
/* Closes p's channel; every control of its members still unanswered gets win32. */
void channel_close(struct process *p, int win32);
