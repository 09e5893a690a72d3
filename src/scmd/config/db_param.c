/* SPDX-License-Identifier: MIT */
/*
 * Service parameters, the registry way (migration 10, in db.c's list): the
 * table service_parameters holds each value a service keeps under
 * HKLM\SYSTEM\CurrentControlSet\Services\NAME\Parameters and its subkeys,
 * one row per (service, key path, value name), with its type and its data
 * as the registry's bytes (strings in UTF-8, REG_MULTI_SZ each string
 * NUL-terminated, REG_DWORD and REG_QWORD little-endian).  What the bytes
 * mean and which are valid is rpc_param.c's; this file only stores them.
 * A value goes with its service (ON DELETE CASCADE) and is part of the last
 * known good copy (db_lkg.c lists the table).  A key exists while it holds
 * a value; Parameters always exists.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "db_util.h"

static int value_exists(struct db *db, int64_t id, const struct db_param_row *row) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT 1 FROM service_parameters WHERE service_id = ?1 AND key = ?2"
                           " AND value_name = ?3",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, row->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, row->value_name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_errno(rc);
}

int db_param_set(struct db *db, int64_t id, const struct db_param_row *row, bool *ret_replaced) {
        int exists = value_exists(db, id, row);
        if (exists < 0)
                return exists;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                "INSERT INTO service_parameters (service_id, key, value_name, type, data)"
                " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (service_id, key, value_name)"
                " DO UPDATE SET type = excluded.type, data = excluded.data",
                &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, row->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, row->value_name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, row->type, -1, SQLITE_STATIC);
        /* A zero-length blob, not NULL, for an empty value. */
        sqlite3_bind_blob(st, 5, row->size ? row->data : "", (int)row->size, SQLITE_STATIC);
        r = db_errno(sqlite3_step(st));
        if (r >= 0 && ret_replaced)
                *ret_replaced = exists;
        return r;
}

int db_param_delete(struct db *db, int64_t id, const char *key, const char *value_name) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "DELETE FROM service_parameters WHERE service_id = ?1 AND key = ?2"
                           " AND value_name = ?3",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, value_name, -1, SQLITE_STATIC);
        r = db_errno(sqlite3_step(st));
        if (r < 0)
                return r;
        return sqlite3_changes(db_sqlite(db)) > 0 ? 0 : -ENOENT;
}

/* 1 when key has a subkey (a value under "key\..."), 0 when not. */
static int has_subkey(struct db *db, int64_t id, const char *key) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT 1 FROM service_parameters WHERE service_id = ?1"
                           " AND substr(key, 1, length(?2) + 1) = ?2 || '\\' COLLATE NOCASE"
                           " LIMIT 1",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_errno(rc);
}

int db_param_delete_key(struct db *db, int64_t id, const char *key) {
        int r = has_subkey(db, id, key);
        if (r != 0)
                return r < 0 ? r : -ENOTEMPTY;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        r = db_prepare(db, "DELETE FROM service_parameters WHERE service_id = ?1 AND key = ?2",
                       &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        r = db_errno(sqlite3_step(st));
        if (r < 0)
                return r;
        return sqlite3_changes(db_sqlite(db)) > 0 ? 0 : -ENOENT;
}

int db_param_list(struct db *db, int64_t id, const char *key, db_param_fn *fn, void *userdata) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        /* key itself, or below it: "key\..." (the backslash sorts alone). */
        int r = db_prepare(db,
                           "SELECT key, value_name, type, data FROM service_parameters"
                           " WHERE service_id = ?1 AND (?2 IS NULL OR key = ?2"
                           "   OR substr(key, 1, length(?2) + 1) = ?2 || '\\' COLLATE NOCASE)"
                           " ORDER BY key COLLATE NOCASE, value_name COLLATE NOCASE",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        if (key)
                sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct db_param_row row = {
                        .key = (const char *)sqlite3_column_text(st, 0),
                        .value_name = (const char *)sqlite3_column_text(st, 1),
                        .type = (const char *)sqlite3_column_text(st, 2),
                        .data = sqlite3_column_blob(st, 3),
                        .size = (size_t)sqlite3_column_bytes(st, 3),
                };
                if (!row.key || !row.value_name || !row.type)
                        return -ENOMEM;
                r = fn(userdata, &row);
                if (r < 0)
                        return r;
        }
        return db_errno(rc);
}

int db_param_count(struct db *db, int64_t id, int64_t *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT count(*) FROM service_parameters WHERE service_id = ?1",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return db_errno(rc);
        *ret = sqlite3_column_int64(st, 0);
        return 0;
}
