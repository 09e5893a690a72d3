/* SPDX-License-Identifier: MIT */
/*
 * Statements kept for their next use (db_kept.c): db.c's, behind
 * db_prepare(); db_release() (db_util.h) lets one go.
 */
#pragma once

#include <sqlite3.h>

struct db_kept;

/* The kept statements of the handle sql; NULL on out-of-memory. */
struct db_kept *db_kept_new(sqlite3 *sql);
/* Finalises them all, before the handle is closed. */
void db_kept_free(struct db_kept *k);
/* A statement for sql, kept or prepared now; 0 or -errno. */
int db_kept_prepare(struct db_kept *k, const char *sql, sqlite3_stmt **ret);
