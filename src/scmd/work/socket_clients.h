/* SPDX-License-Identifier: MIT */
/*
 * Whether a service's activation sockets have a client now
 * (socket_clients.c): for the idle stop of work/activation.c.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Whether a connection accepted from one of the n listening stream
 * sockets fds is open: an established TCP connection on a listener's
 * port, or a connected Unix stream socket on a listener's path.  Datagram
 * sockets have no connections: their clients are seen as they come. */
bool socket_clients(const int *fds, size_t n);
