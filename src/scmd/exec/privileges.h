/* SPDX-License-Identifier: MIT */
/*
 * Required privileges applied in the child: the capability sets.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* In the child: bounding, permitted, effective and inheritable sets :=
 * caps, ambient too when ambient, around the switch of ids (setresgid,
 * setresuid) when switch_ids.  0 or -errno. */
/* What scmd itself can give: its permitted set within its bounding set. */
uint64_t privileges_held(void);
int privileges_drop_bounding(uint64_t caps);
int privileges_keep_across_setuid(bool keep);
int privileges_apply(uint64_t caps, bool ambient);
