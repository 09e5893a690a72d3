/* SPDX-License-Identifier: MIT */
/*
 * Telling handlers of logons and logoffs (session_watch.c).
 */
#ifndef SCMD_SESSION_WATCH_H
#define SCMD_SESSION_WATCH_H

struct manager;

int session_watch_start(struct manager *m);
void session_watch_free(struct manager *m);

#endif
