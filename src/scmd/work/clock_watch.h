/* SPDX-License-Identifier: MIT */
/*
 * Noticing that the wall clock was set or the machine slept
 * (clock_watch.c).
 */
#ifndef SCMD_CLOCK_WATCH_H
#define SCMD_CLOCK_WATCH_H

struct manager;

int clock_watch_start(struct manager *m);
void clock_watch_free(struct manager *m);

#endif
