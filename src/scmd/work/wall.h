/* SPDX-License-Identifier: MIT */
/*
 * A service's message written to people's terminals (wall.c).
 */
#ifndef SCMD_WALL_H
#define SCMD_WALL_H

/* Writes text, from the service named, to the terminal of every login
 * session utmp records whose owner allows messages.  Returns how many
 * terminals took it whole, or -errno when utmp cannot be read. */
int wall_write(const char *service, const char *text);

#endif
