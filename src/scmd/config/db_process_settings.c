/* SPDX-License-Identifier: MIT */
/*
 * The process-settings table (schema migration 9, in db.c's list), on the
 * connection db.c opened:
 *
 *   service_process_settings  one row per service with a setting not at its
 *                    default: the settings in their protocol form (a JSON
 *                    object, process_config.c); it goes with its service
 *                    (ON DELETE CASCADE), and is part of the last known
 *                    good copy (db_lkg.c).
 *
 * The protocol form is stored rather than a column per setting: it is the
 * documented form anyway, a new setting needs no migration, and a row is
 * read and written whole, inside db.c's transaction of the service.
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "db_util.h"
#include "log.h"
#include "process_config.h"

int db_process_settings_save(struct db *db, int64_t id, const struct service_process *p) {
        _cleanup_free_ char *text = NULL;
        if (p) {
                json_t *o = service_process_json(p);
                text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
                json_decref(o);
                if (!text)
                        return -ENOMEM;
        }
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                p ? "INSERT INTO service_process_settings (service_id, settings) VALUES (?1, ?2)"
                    " ON CONFLICT (service_id) DO UPDATE SET settings = excluded.settings"
                  : "DELETE FROM service_process_settings WHERE service_id = ?1",
                &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        if (p)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        return db_errno(sqlite3_step(st));
}

int db_process_settings_load(struct db *db, int64_t id, const char *name,
                             struct service_process **ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db, "SELECT settings FROM service_process_settings WHERE service_id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        *ret = NULL;
        if (rc == SQLITE_DONE)
                return 0;
        if (rc != SQLITE_ROW)
                return db_errno(rc);
        const char *text = (const char *)sqlite3_column_text(st, 0);
        json_t *o = json_loads(text ? text : "", 0, NULL);
        _cleanup_free_ char *error = NULL;
        r = o ? service_process_apply_json(ret, o, &error) : -EINVAL;
        json_decref(o);
        if (r == -EINVAL) {
                log_error("service %s: its stored process settings cannot be read (%s); it runs "
                          "with the defaults until they are set again",
                          name, error ? error : "not JSON");
                return 0;
        }
        return r;
}
