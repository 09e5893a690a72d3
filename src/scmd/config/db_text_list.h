/* SPDX-License-Identifier: MIT */
/*
 * A service's ordered lists of texts in the database (db_text_list.c):
 * its listening sockets (service_sockets, migration 14) and its triggers
 * (service_triggers, migration 16).
 */
#pragma once

#include <stdint.h>

struct db;

enum db_text_list { DB_LIST_SOCKETS, DB_LIST_TRIGGERS };

/* Service id's list, NULL-terminated (strv_free), empty for none. */
int db_text_list_load(struct db *db, enum db_text_list list, int64_t id, char ***ret);
/* Replaces service id's list by texts (NULL: none), in one transaction. */
int db_text_list_save(struct db *db, enum db_text_list list, int64_t id, char *const *texts);
