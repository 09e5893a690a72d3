/* SPDX-License-Identifier: MIT */
/*
 * A service's message shown on people's desktops (desktop.c).
 */
#ifndef SCMD_DESKTOP_H
#define SCMD_DESKTOP_H

/* Sends text, from the service named, as a desktop notification to every
 * user with a login session in utmp whose session bus runs
 * (/run/user/UID/bus).  Returns how many buses it went to (each by a
 * short-lived child), or -errno when utmp cannot be read. */
int desktop_notify(const char *service, const char *text);

#endif
