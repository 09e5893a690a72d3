/* SPDX-License-Identifier: MIT */
/*
 * The failure-action tables (schema migration 4, in db.c's list), on the
 * connection db.c opened:
 *
 *   service_failure_actions  one row per service whose failure actions were
 *                            ever set: reset period (seconds; NULL =
 *                            infinite), command, reboot message, and the
 *                            non-crash flag; it goes with its service.
 *   service_failure_steps    the actions in order: (action, delay in ms).
 *
 * A service without a row has the defaults: no action, reset period 0,
 * flag off (what QueryServiceConfig2 reports on Windows).  A change is
 * written whole in one transaction of its own.  Statements are prepared
 * per call: they run on a failure or a change, never in a loop.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db_util.h"

static int load_steps(struct db *db, int64_t id, struct failure_config *c) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                "SELECT action, delay_ms FROM service_failure_steps WHERE service_id = ?1"
                " ORDER BY position",
                &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct failure_action *v = realloc(c->actions, (c->n_actions + 1) * sizeof(*v));
                if (!v)
                        return -ENOMEM;
                c->actions = v;
                enum failure_action_type t =
                        failure_action_from_name((const char *)sqlite3_column_text(st, 0));
                int64_t delay = sqlite3_column_int64(st, 1);
                v[c->n_actions++] = (struct failure_action){
                        .type = t == FAILURE_ACTION_INVALID ? FAILURE_ACTION_NONE : t,
                        .delay_ms = delay < 0            ? 0
                                    : delay > UINT32_MAX ? UINT32_MAX
                                                         : (uint32_t)delay,
                };
        }
        return db_errno(rc);
}

int db_failure_load(struct db *db, int64_t id, struct failure_config *ret) {
        _cleanup_(failure_config_clear) struct failure_config c = {0};
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT reset_period, command, reboot_message, non_crash_failures"
                           " FROM service_failure_actions WHERE service_id = ?1",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                int64_t reset = sqlite3_column_int64(st, 0);
                c.reset_period_s = sqlite3_column_type(st, 0) == SQLITE_NULL
                                           ? FAILURE_RESET_INFINITE
                                   : reset < 0                       ? 0
                                   : reset >= FAILURE_RESET_INFINITE ? FAILURE_RESET_INFINITE - 1
                                                                     : (uint32_t)reset;
                c.command = db_column_strdup(st, 1);
                c.reboot_message = db_column_strdup(st, 2);
                c.non_crash_failures = sqlite3_column_int(st, 3) != 0;
        } else if (rc == SQLITE_DONE) {
                c.command = strdup("");
                c.reboot_message = strdup("");
        } else {
                return db_errno(rc);
        }
        if (!c.command || !c.reboot_message)
                return -ENOMEM;
        r = load_steps(db, id, &c);
        if (r < 0)
                return r;
        *ret = c;
        c = (struct failure_config){0};
        return 0;
}

static int save(struct db *db, int64_t id, const struct failure_config *c) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                "INSERT INTO service_failure_actions (service_id, reset_period, command,"
                " reboot_message, non_crash_failures) VALUES (?1, ?2, ?3, ?4, ?5)"
                " ON CONFLICT (service_id) DO UPDATE SET reset_period = excluded.reset_period,"
                " command = excluded.command, reboot_message = excluded.reboot_message,"
                " non_crash_failures = excluded.non_crash_failures",
                &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        if (c->reset_period_s == FAILURE_RESET_INFINITE)
                sqlite3_bind_null(st, 2);
        else
                sqlite3_bind_int64(st, 2, c->reset_period_s);
        sqlite3_bind_text(st, 3, c->command ? c->command : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, c->reboot_message ? c->reboot_message : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, c->non_crash_failures);
        r = db_errno(sqlite3_step(st));
        if (r < 0)
                return r;

        _cleanup_stmt_ sqlite3_stmt *clear = NULL, *add = NULL;
        r = db_prepare(db, "DELETE FROM service_failure_steps WHERE service_id = ?1", &clear);
        if (r >= 0)
                r = db_prepare(db,
                               "INSERT INTO service_failure_steps (service_id, position, action,"
                               " delay_ms) VALUES (?1, ?2, ?3, ?4)",
                               &add);
        if (r < 0)
                return r;
        sqlite3_bind_int64(clear, 1, id);
        r = db_errno(sqlite3_step(clear));
        for (size_t i = 0; r >= 0 && i < c->n_actions; i++) {
                sqlite3_reset(add);
                sqlite3_bind_int64(add, 1, id);
                sqlite3_bind_int64(add, 2, (int64_t)i);
                sqlite3_bind_text(add, 3, failure_action_name(c->actions[i].type), -1,
                                  SQLITE_STATIC);
                sqlite3_bind_int64(add, 4, c->actions[i].delay_ms);
                r = db_errno(sqlite3_step(add));
        }
        return r;
}

int db_failure_save(struct db *db, int64_t id, const struct failure_config *c) {
        int r = db_begin(db);
        if (r < 0)
                return r;
        r = save(db, id, c);
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}
