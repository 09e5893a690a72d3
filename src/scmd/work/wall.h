/* SPDX-License-Identifier: MIT */
/*
 * A service's message written to people's terminals (wall.c).
 */
#ifndef SCMD_WALL_H
#define SCMD_WALL_H

#include <stddef.h>

struct utmp_session;

/* Writes text, from the service named, to the terminal of each of the n
 * login sessions v whose owner allows messages, marking those that refuse
 * them quiet.  Returns how many terminals took it whole, or -ENOMEM.
 * Blocks on NSS: for the messenger's child only. */
int wall_write(const char *service, const char *text, struct utmp_session *v, size_t n);

#endif
