/* SPDX-License-Identifier: MIT */
/*
 * A service's private view of the filesystem, made in the child before it
 * leaves root (fence_config.h says what; fences.c how).
 */
#pragma once

struct service_fences;

/* In the child, while it still has CAP_SYS_ADMIN: a mount namespace of its
 * own, then the fences f asks for (NULL or none: nothing at all).  0 or
 * -errno of the first step that failed. */
int fences_enter(const struct service_fences *f);
