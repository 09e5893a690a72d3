/* SPDX-License-Identifier: MIT */
/*
 * The sockets of socket activation kept by the descriptor holder
 * (exec/fdholder.c) across a restart of scmd (listen_held.c).  Each is
 * keyed by its service's name and its place in the service's list, with
 * its file's identity for a Unix path.
 */
#pragma once

#include <stddef.h>

#include "listen.h"

struct fdholder;
struct fdholder_entry;

/* What the holder gave back at start-up (kept, n), for the takes that
 * follow, until listen_held_end(). */
void listen_held_begin(struct fdholder_entry *kept, size_t n);
/* The socket an earlier scmd bound for socket index of service, when the
 * holder kept it and it is still spec's (listen_adopt()); the descriptor,
 * with *ret_id, or -1.  One that is not spec's is dropped from the holder
 * (waited for, so its address is free) and closed. */
int listen_held_take(struct fdholder *h, const char *service, size_t index,
                     const struct listen_spec *spec, struct listen_id *ret_id);
/* Drops from the holder every socket nobody took (waited for) and closes
 * it; returns how many. */
size_t listen_held_end(struct fdholder *h);
/* Gives the holder a copy of fd, socket index of service; 0 or -errno. */
int listen_held_put(struct fdholder *h, const char *service, size_t index, int fd,
                    const struct listen_id *id);
/* The holder closes its copy, and scmd waits until it has (its address is
 * free again for a new bind). */
void listen_held_drop(struct fdholder *h, const char *service, size_t index,
                      const struct listen_id *id);
