/* SPDX-License-Identifier: MIT */
/*
 * The little SQLite vocabulary the database files share (db.c owns the
 * handle; db_security.c, db_failure.c and db_lkg.c own their tables): one
 * mapping of result codes to -errno, one way to prepare, step, read a text
 * column and let a statement go.  Only the db*.c files include this.
 */
#pragma once

#include <sqlite3.h>

#include "cleanup.h"
#include "db.h"

/* SQLite result codes to 0 (OK, DONE, ROW) or -errno; busy/locked is
 * -EBUSY, a constraint -EEXIST, corruption -EBADMSG. */
int db_errno(int rc);

/* A statement for sql on db's handle, prepared once and kept (db_kept.c):
 * let it go with db_release(), never sqlite3_finalize(); 0 or -errno. */
int db_prepare(struct db *db, const char *sql, sqlite3_stmt **ret);
/* Lets a statement of db_prepare() go: a kept one is reset for its next
 * use, any other finalised.  NULL is fine. */
void db_release(sqlite3_stmt *st);

/* sqlite3_exec on db's handle, for statements without rows; 0 or -errno. */
int db_exec(struct db *db, const char *sql);

/* A text column as a malloc'd string ("" for NULL); NULL on out-of-memory. */
char *db_column_strdup(sqlite3_stmt *st, int i);

static inline void db_releasep(sqlite3_stmt **st) {
        db_release(*st);
}
#define _cleanup_stmt_ _cleanup_(db_releasep)
