/* SPDX-License-Identifier: MIT */
/*
 * Taking back, at start-up, the processes an earlier scmd left running.
 */
#pragma once

#include <stddef.h>

struct manager;
struct fdholder_entry;

/* After manager_load(): every service whose process the database recorded
 * and that still runs is attached to it again and keeps its state; one
 * whose process has gone stops as aborted (its failure actions run); what
 * else runs in the service cgroups is killed.  held: what the descriptor
 * holder kept (the entries used are taken, the rest closed).  Returns how
 * many services were taken back, or -errno. */
int adopt_all(struct manager *m, struct fdholder_entry *held, size_t n_held);
