/* SPDX-License-Identifier: MIT */
/*
 * An instance per connection (inetd style, systemd's Accept=yes): a
 * process of a service made for one connection scmd accepted, which it
 * gets as descriptor 3 (LISTEN_FDS=1, LISTEN_FDNAMES=connection) and, with
 * accept_stdio, as its stdin and stdout.  work/activation.c accepts and
 * decides when; this file makes, signals and reaps the processes.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

struct instance;
struct manager;
struct service;

/* Called once an instance has gone (its process and all it left), with
 * the userdata given at its start; the instance is freed after it. */
typedef void instance_gone_fn(struct instance *i, void *userdata);

/* Starts an instance of s for the connection conn_fd (borrowed: the
 * instance has its own copy; with on_stdio also its stdin and stdout),
 * peer the client's address in words.  0, or SCM_ERR(win32) with s's last
 * error saying why. */
int instance_start(struct service *s, int conn_fd, bool on_stdio, const char *peer,
                   instance_gone_fn *gone, void *userdata);
/* s's instances: how many run, and each after `after` (NULL: the first). */
unsigned instance_count(const struct service *s);
const struct instance *instance_next(const struct service *s, const struct instance *after);
pid_t instance_pid(const struct instance *i);
const char *instance_peer(const struct instance *i);
/* sig to the main process of each instance of s; SIGKILL to all their
 * processes.  The instances_signal hook: a stop's signal and a kill. */
void instance_signal_all(struct service *s, int sig);
/* The supervisor's hook for children that are no service's main process:
 * true when si's child was an instance, now recorded (not reaped). */
bool instance_child_exited(struct manager *m, const siginfo_t *si);
/* s is going away (deleted, or scmd ends): its instances are killed and
 * forgotten, without their gone callbacks. */
void instance_abandon_all(struct service *s);
