/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store's table (schema migration 5, in db.c's list),
 * on the connection db.c opened:
 *
 *   service_secrets  (service_name, key) -> nonce, ciphertext, size, times
 *
 * Only sealed values are stored here: secrets.c seals a value before it
 * reaches this file and opens it after it leaves, so neither the database
 * nor its WAL ever holds a plaintext byte.  The row is keyed by the
 * service's name, not by its row id, and has no foreign key: a roll back
 * to the last known good configuration deletes and re-inserts every
 * service row, and a cascade would take every secret with it (secrets are
 * not configuration; Windows keeps LSA secrets outside the control set
 * too).  Deleting a service deletes its secrets explicitly, in the
 * transaction of the delete (db.c), and rows of names that no longer have
 * a service are dropped after a roll back (db_lkg.c) and at start-up.
 *
 * A scheduled task's secrets are rows of the same table under its identity
 * key, "task/NAME" (task_config.h), which no service name can be; its
 * delete takes them (db_task.c), and they are no orphans while it exists.
 *
 * Prepared per call: these run on a client's request or a start, never in
 * a loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_util.h"
#include "task_config.h"

int db_secret_put(struct db *db, const char *service, const char *key,
                  const struct sealed_secret *sealed, bool *ret_replaced) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_begin(db);
        if (r < 0)
                return r;
        r = db_prepare(db, "SELECT 1 FROM service_secrets WHERE service_name = ?1 AND key = ?2",
                       &st);
        bool replaced = false;
        if (r >= 0) {
                sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
                int rc = sqlite3_step(st);
                replaced = rc == SQLITE_ROW;
                r = db_errno(rc);
                db_release(st);
                st = NULL;
        }
        if (r >= 0)
                r = db_prepare(db,
                               "INSERT INTO service_secrets (service_name, key, nonce, ciphertext,"
                               " size) VALUES (?1, ?2, ?3, ?4, ?5)"
                               " ON CONFLICT (service_name, key) DO UPDATE SET"
                               " nonce = excluded.nonce, ciphertext = excluded.ciphertext,"
                               " size = excluded.size, updated_at = strftime('%s','now')",
                               &st);
        if (r >= 0) {
                sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
                sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
                sqlite3_bind_blob(st, 3, sealed->nonce, sizeof(sealed->nonce), SQLITE_STATIC);
                sqlite3_bind_blob(st, 4, sealed->ciphertext, (int)sealed->ciphertext_size,
                                  SQLITE_STATIC);
                sqlite3_bind_int64(st, 5, (sqlite3_int64)sealed->plaintext_size);
                r = db_errno(sqlite3_step(st));
        }
        if (r >= 0)
                r = db_commit(db);
        if (r < 0) {
                db_rollback(db);
                return r;
        }
        if (ret_replaced)
                *ret_replaced = replaced;
        return 0;
}

int db_secret_delete(struct db *db, const char *service, const char *key) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "DELETE FROM service_secrets WHERE service_name = ?1 AND key = ?2",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
        r = db_errno(sqlite3_step(st));
        if (r < 0)
                return r;
        return sqlite3_changes(db_sqlite(db)) > 0 ? 0 : -ENOENT;
}

int db_secret_delete_service(struct db *db, int64_t id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "DELETE FROM service_secrets WHERE service_name ="
                           " (SELECT name FROM services WHERE id = ?1)",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        return db_errno(sqlite3_step(st));
}

int db_secret_drop_orphans(struct db *db) {
        return db_exec(db, "DELETE FROM service_secrets WHERE service_name NOT IN"
                           " (SELECT name FROM services) AND service_name NOT IN"
                           " (SELECT '" TASK_IDENTITY_PREFIX "' || name FROM tasks)");
}

int db_secret_count(struct db *db, int64_t *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT count(*) FROM service_secrets", &st);
        if (r < 0)
                return r;
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return db_errno(rc) < 0 ? db_errno(rc) : -EIO;
        *ret = sqlite3_column_int64(st, 0);
        return 0;
}

int db_secret_list(struct db *db, const char *service, db_secret_fn *fn, void *userdata) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT key, size, created_at, updated_at, nonce, ciphertext"
                           " FROM service_secrets WHERE service_name = ?1 ORDER BY key",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct db_secret_row row = {
                        .key = (const char *)sqlite3_column_text(st, 0),
                        .size = (size_t)sqlite3_column_int64(st, 1),
                        .created_at = sqlite3_column_int64(st, 2),
                        .updated_at = sqlite3_column_int64(st, 3),
                        .nonce = sqlite3_column_blob(st, 4),
                        .nonce_size = (size_t)sqlite3_column_bytes(st, 4),
                        .ciphertext = sqlite3_column_blob(st, 5),
                        .ciphertext_size = (size_t)sqlite3_column_bytes(st, 5),
                };
                if (!row.key)
                        return -ENOMEM;
                r = fn(userdata, &row);
                if (r < 0)
                        return r;
        }
        return rc == SQLITE_DONE ? 0 : db_errno(rc);
}
