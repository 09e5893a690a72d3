/* SPDX-License-Identifier: MIT */
/*
 * scmd as a service of another manager (a host's systemd, Type=notify):
 * READY=1 once its socket accepts, WATCHDOG=1 from the loop.
 */
#pragma once

#include "loop.h"

/* Sends READY=1 (and MAINPID) to $NOTIFY_SOCKET when there is one, and
 * arms WATCHDOG=1 every half of $WATCHDOG_USEC when that is set for this
 * process.  Nothing without NOTIFY_SOCKET. */
void selfnotify_ready(struct loop *l);
