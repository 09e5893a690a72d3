/* SPDX-License-Identifier: MIT */
/*
 * The delayed-auto step's progress across a crash or re-exec of scmd
 * (boot_progress.c).
 */
#ifndef SCMD_BOOT_PROGRESS_H
#define SCMD_BOOT_PROGRESS_H

#include <stdint.h>

struct manager;

enum delayed_plan {
        DELAYED_NEW,  /* a new plan: arm the timer for *due_ms */
        DELAYED_KEPT, /* an earlier scmd's plan in this boot: the same */
        DELAYED_NOW,  /* an earlier scmd began the step and did not finish it */
        DELAYED_DONE, /* an earlier scmd of this boot finished it: nothing to do */
};

/* At the end of an auto-start round: what the delayed-auto step does, and
 * when (wall-clock ms) for DELAYED_NEW and DELAYED_KEPT.  A new plan is
 * recorded. */
enum delayed_plan boot_progress_plan(struct manager *m, int64_t delay_ms, int64_t *ret_due_ms);
/* The step began, and ended. */
void boot_progress_began(struct manager *m);
void boot_progress_finished(struct manager *m);
/* An orderly shutdown or a roll back: the next round plans anew. */
void boot_progress_forget(struct manager *m);

#endif
