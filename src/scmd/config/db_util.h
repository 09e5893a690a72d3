/* SPDX-License-Identifier: MIT */
/*
 * The little SQLite vocabulary the database files share (db.c owns the
 * handle; db_security.c, db_failure.c and db_lkg.c own their tables): one
 * mapping of result codes to -errno, one way to prepare, step, read a text
 * column and finalise.  Only the db*.c files include this.
 */
#pragma once

#include <sqlite3.h>

#include "cleanup.h"
#include "db.h"

/* SQLite result codes to 0 (OK, DONE, ROW) or -errno; busy/locked is
 * -EBUSY, a constraint -EEXIST, corruption -EBADMSG. */
int db_errno(int rc);

/* sqlite3_prepare_v2 on db's handle; 0 or -errno. */
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **ret);

/* sqlite3_exec on db's handle, for statements without rows; 0 or -errno. */
int db_exec(struct db *db, const char *sql);

/* A text column as a malloc'd string ("" for NULL); NULL on out-of-memory. */
char *db_column_strdup(sqlite3_stmt *st, int i);

static inline void db_finalizep(sqlite3_stmt **st) {
        sqlite3_finalize(*st);
}
#define _cleanup_stmt_ _cleanup_(db_finalizep)
