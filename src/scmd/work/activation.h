/* SPDX-License-Identifier: MIT */
/*
 * Socket activation: the listening sockets services declare, bound by
 * scmd and watched while their service is stopped; the first connection
 * or datagram starts the service, which receives them as sd_listen_fds()
 * expects (LISTEN_FDS, LISTEN_PID, LISTEN_FDNAMES, descriptors from 3).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <scm/types.h>

struct fdholder_entry;
struct manager;
struct service;

/* Loads every service's sockets, binds them and watches those of stopped
 * services (main.c, before the boot sequence).  A socket an earlier scmd
 * left with the descriptor holder (in kept, n_kept: what the holder gave
 * back) is taken from there when it is still the configured one; those
 * taken are marked (n_fds 0).  Each bound socket is given to the holder.
 * 0 or -errno. */
int activation_start(struct manager *m, struct fdholder_entry *kept, size_t n_kept);
void activation_free(struct manager *m);
/* scmd executes itself again.  The next one takes no instance back: every
 * instance is killed now, with what it left (without cgroups no sweep of
 * the next scmd could find them).  The counts of arrivals are taken off
 * the sockets, for the next one to put its own. */
void activation_before_exec(struct manager *m);
/* Hooks (main.c chains them with events.c's): s changed state (watched
 * while STOPPED, not otherwise); s is deleted (its sockets close). */
void activation_state_changed(struct service *s, enum scm_state old);
void activation_service_deleted(struct service *s);
/* s's configuration has changed (change_config): its idle stop and its
 * instances' cap take effect at once. */
void activation_config_changed(struct service *s);
/* The hook core/process.c asks at each spawn: s's sockets (*ret_fds, n
 * returned) and their names joined by ':' (*ret_names); 0 when none. */
size_t activation_listen_fds(struct service *s, const int **ret_fds, const char **ret_names);
/* Replaces s's sockets by specs (NULL-terminated texts; NULL: none):
 * checked, persisted, then the old ones closed and the new ones bound.
 * 0, or SCM_ERR(win32) with *ret_error (malloc'd). */
int activation_set(struct service *s, char **specs, char **ret_error);
/* The hook of core/process.c's start of a service whose connections scmd
 * accepts, an instance for each: the accepting begins (EV_SPAWNED on the
 * loop's next turn).  0, or SCM_ERR(win32) with s's last error: no stream
 * socket listens, an instance could not be prepared. */
int activation_accept_start(struct service *s);
/* How many instances s may have at once: its accepting run's cap while it
 * runs (which a change to 0 leaves until it stops), else its
 * configuration's; 0 when s accepts its connections itself. */
uint32_t activation_accept_cap(const struct service *s);
/* s's socket texts (borrowed; NULL-terminated) and, per socket, the error
 * of its binding (NULL: bound).  0 when it has none. */
size_t activation_query(struct service *s, char ***ret_specs, const char ***ret_errors);
