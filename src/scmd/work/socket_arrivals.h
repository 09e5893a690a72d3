/* SPDX-License-Identifier: MIT */
/*
 * What has arrived at a listening socket, counted by the kernel
 * (socket_arrivals.c): for the idle stop of work/activation.c.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct socket_arrivals {
        const volatile uint64_t *count; /* the kernel's count, mapped; NULL: not counted */
        uint64_t seen;                  /* the count when last looked at */
};

/* Has the kernel count what arrives at fd from now on: TCP clients' first
 * segments, datagrams (UDP, Unix).  False, and the socket left as it was,
 * for a Unix stream socket, a socket with a filter on it already (the
 * service's, or an earlier scmd's), or where the kernel refuses. */
bool socket_arrivals_count(struct socket_arrivals *a, int fd);

/* Whether anything arrived since the last call (or since counting began);
 * false for a socket not counted. */
bool socket_arrivals_new(struct socket_arrivals *a);

/* Forgets the count (the socket, and the count the kernel keeps for it, go
 * on until it is closed). */
void socket_arrivals_end(struct socket_arrivals *a);

/* Forgets the count and takes its filter off fd, for the next scmd to put
 * its own: before scmd executes itself again. */
void socket_arrivals_detach(struct socket_arrivals *a, int fd);
