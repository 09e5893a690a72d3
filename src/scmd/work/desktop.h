/* SPDX-License-Identifier: MIT */
/*
 * A service's message shown on people's desktops (desktop.c).
 */
#ifndef SCMD_DESKTOP_H
#define SCMD_DESKTOP_H

#include <stddef.h>

struct utmp_session;

/* Sends text, from the service named, as a desktop notification to each
 * user of the n login sessions v whose session bus runs
 * (/run/user/UID/bus) and who does not refuse messages on all of their
 * terminals (wall_write marked them).  Returns how many notification
 * services took it, or -ENOMEM.  Forks and waits: for the messenger's
 * child only. */
int desktop_notify(const char *service, const char *text, const struct utmp_session *v, size_t n);

#endif
