/* SPDX-License-Identifier: MIT */
/*
 * The resource-limits table (schema migration 13, in db.c's list), on the
 * connection db.c opened:
 *
 *   service_resource_limits  one row per service with a limit set: the
 *                    limits in their protocol form (a JSON object,
 *                    resource_config.c); it goes with its service (ON
 *                    DELETE CASCADE) and is part of the last known good
 *                    copy (db_lkg.c).
 *
 * The protocol form is stored, as the process settings are
 * (db_process_settings.c): it is the documented form, a new limit needs
 * no migration, and a row is read and written whole, inside db.c's
 * transaction of the service.
 */
#include <errno.h>
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "db_util.h"
#include "log.h"
#include "resource_config.h"

int db_resource_save(struct db *db, int64_t id, const struct service_resources *r) {
        _cleanup_free_ char *text = NULL;
        if (r) {
                json_t *o = service_resources_json(r);
                text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
                json_decref(o);
                if (!text)
                        return -ENOMEM;
        }
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int e = db_prepare(db,
                           r ? "INSERT INTO service_resource_limits (service_id, limits)"
                               " VALUES (?1, ?2) ON CONFLICT (service_id)"
                               " DO UPDATE SET limits = excluded.limits"
                             : "DELETE FROM service_resource_limits WHERE service_id = ?1",
                           &st);
        if (e < 0)
                return e;
        sqlite3_bind_int64(st, 1, id);
        if (r)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        return db_errno(sqlite3_step(st));
}

int db_resource_load(struct db *db, int64_t id, const char *name, struct service_resources **ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int e = db_prepare(db, "SELECT limits FROM service_resource_limits WHERE service_id = ?1",
                           &st);
        if (e < 0)
                return e;
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
        e = o ? service_resources_apply_json(ret, o, &error) : -EINVAL;
        json_decref(o);
        if (e == -EINVAL) {
                log_error("service %s: its stored resource limits cannot be read (%s); it runs "
                          "with the defaults until they are set again",
                          name, error ? error : "not JSON");
                return 0;
        }
        return e;
}
