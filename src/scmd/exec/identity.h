/* SPDX-License-Identifier: MIT */
/*
 * A service's identity: a group of its own and its folders.
 */
#pragma once

#include <sys/types.h>

#include "security_config.h"

struct db;
struct scm_paths;
struct security_plan;

/* The range service groups are allocated from (--service-gid-range). */
void identity_gid_range(gid_t *ret_min, gid_t *ret_max);
int identity_set_gid_range(gid_t min, gid_t max);
/* The group of service name: the one recorded for it, else the lowest gid
 * of the range that no service was ever given and no group of the system
 * uses.  -ENOSPC when the range is used up. */
int identity_allocate_gid(struct db *db, const char *name, gid_t *ret);
/* The state, runtime and logs folders of the service (or task, by owner)
 * name (malloc'd). */
int identity_folders(const struct scm_paths *paths, enum owner_kind owner, const char *name,
                     char **ret_state, char **ret_runtime, char **ret_logs);
/* Creates the folders of plan (and their parents) owned by root and the
 * service's group, mode 2770, fixing an existing folder's owner and mode.
 * 0 or -errno with *ret_path the folder that failed. */
int identity_make_folders(const struct security_plan *p, gid_t gid, const char **ret_path);
