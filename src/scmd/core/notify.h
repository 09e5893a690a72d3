/* SPDX-License-Identifier: MIT */
/*
 * The sd_notify socket: READY=1, STATUS=, WATCHDOG=1 and the rest from
 * notify services.
 */
#pragma once

struct manager;

/* Opens the sd_notify socket at path (datagrams, credentials passed). */
int notify_open(struct manager *m, const char *path);
void notify_close(struct manager *m);
/* As notify_open() for the socket an earlier scmd bound at path, kept by
 * the descriptor holder (fd taken over): what was sent meanwhile waits in it. */
int notify_adopt(struct manager *m, const char *path, int fd);
