/* SPDX-License-Identifier: MIT */
/*
 * A service's private view of the filesystem, made in the child before it
 * leaves root (fence_config.h says what; fences.c how).
 */
#pragma once

struct service_fences;

/* In the child, while it still has CAP_SYS_ADMIN: a mount namespace of its
 * own, then the fences f asks for (NULL or none: nothing at all).  keep
 * (may be NULL) is a folder of scmd's that stays visible even under a
 * private /tmp (its run folder: the sd_notify socket, the credentials),
 * for an scmd whose --root is under /tmp.  0 or -errno of the first step
 * that failed. */
int fences_enter(const struct service_fences *f, const char *keep);
