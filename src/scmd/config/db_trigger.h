/* SPDX-License-Identifier: MIT */
/*
 * A service's triggers in the database (migration 16's service_triggers):
 * rows in order, in their text form ("start path:/run/x"; work/
 * service_trigger.c says what a text means), going with their service
 * (ON DELETE CASCADE).
 */
#pragma once

#include <stdint.h>

struct db;

/* Service id's trigger texts, NULL-terminated and malloc'd (strv_free()),
 * or *ret NULL when it has none.  0 or -errno. */
int db_trigger_load(struct db *db, int64_t id, char ***ret);
/* Replaces service id's triggers by texts (NULL: none) in one transaction. */
int db_trigger_save(struct db *db, int64_t id, char *const *texts);
