/* SPDX-License-Identifier: MIT */
/*
 * A service's message for people, delivered away from scmd's loop
 * (messenger.c).
 */
#ifndef SCMD_MESSENGER_H
#define SCMD_MESSENGER_H

/* Hands text, from the service named, to a new messenger child, which
 * writes it to the login sessions' terminals (wall.c) and desktops
 * (desktop.c), logs where it went and exits.  Returns 0, -EBUSY when
 * MESSENGERS_MAX of them are still at work (the message is not sent), or
 * -errno when none could be started. */
#define MESSENGERS_MAX 4
int messenger_send(const char *service, const char *text);

#endif
