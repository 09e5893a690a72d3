/* SPDX-License-Identifier: MIT */
/*
 * What a crash of scmd must not lose, in the tables of migration 11:
 * service_process, the process each service runs in (pid, its start time
 * in clock ticks since boot, its cgroup folder, the state and accepted
 * controls scmd last gave the service), written when the process is made
 * and at each state change, deleted when the service lets go of it; and
 * service_recovery, the failure count and reset-period clock of failure.c
 * (and, migration 17, the failure action waiting on its delay); and
 * boot_progress (migration 18), how far this boot's delayed-auto step got.
 * The next scmd reads them at start-up: core/adopt.c takes the processes
 * back, boot/failure.c its counts, boot/boot.c its progress.  Each write is one statement, so its
 * own transaction.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/types.h>

#include "db_util.h"

int db_process_save(struct db *db, int64_t id, const struct db_process *p) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                "INSERT INTO service_process (service_id, pid, start_time, cgroup, state,"
                " controls_accepted) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                " ON CONFLICT (service_id) DO UPDATE SET pid = excluded.pid,"
                " start_time = excluded.start_time, cgroup = excluded.cgroup,"
                " state = excluded.state,"
                " controls_accepted = excluded.controls_accepted",
                &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, p->pid);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)p->start_time);
        sqlite3_bind_text(st, 4, p->cgroup ? p->cgroup : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, scm_state_name(p->state), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 6, p->controls_accepted);
        return db_errno(sqlite3_step(st));
}

int db_process_delete(struct db *db, int64_t id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "DELETE FROM service_process WHERE service_id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        return db_errno(sqlite3_step(st));
}

int db_process_recorded(struct db *db, int64_t id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT 1 FROM service_process WHERE service_id = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_errno(rc);
}

int db_process_load(struct db *db, db_process_fn *fn, void *userdata) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT service_id, pid, start_time, cgroup, state, controls_accepted"
                           " FROM service_process ORDER BY service_id",
                           &st);
        int rc = SQLITE_DONE;
        while (r >= 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                const char *state = (const char *)sqlite3_column_text(st, 4);
                struct db_process p = {
                        .pid = (pid_t)sqlite3_column_int64(st, 1),
                        .start_time = (uint64_t)sqlite3_column_int64(st, 2),
                        .cgroup = (const char *)sqlite3_column_text(st, 3),
                        .state = scm_state_from_name(state ? state : ""),
                        .controls_accepted = (uint32_t)sqlite3_column_int64(st, 5),
                };
                r = fn(userdata, sqlite3_column_int64(st, 0), &p);
        }
        if (r >= 0 && rc != SQLITE_DONE)
                r = db_errno(rc);
        return r;
}

int db_recovery_save_failure(struct db *db, int64_t id, uint32_t failure_count, int64_t started_at,
                             const char *action, uint32_t count, int64_t due_ms) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "INSERT INTO service_recovery (service_id, failure_count,"
                           " period_started_at, pending_action, pending_count, pending_due)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (service_id)"
                           " DO UPDATE SET failure_count = excluded.failure_count,"
                           " period_started_at = excluded.period_started_at,"
                           " pending_action = excluded.pending_action,"
                           " pending_count = excluded.pending_count,"
                           " pending_due = excluded.pending_due",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, failure_count);
        sqlite3_bind_int64(st, 3, started_at);
        if (action)
                sqlite3_bind_text(st, 4, action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, action ? count : 0);
        sqlite3_bind_int64(st, 6, action ? due_ms : 0);
        return db_errno(sqlite3_step(st));
}

int db_recovery_load(struct db *db, int64_t id, uint32_t *ret_count, int64_t *ret_started_at) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT failure_count, period_started_at FROM service_recovery"
                           " WHERE service_id = ?1",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                *ret_count = (uint32_t)sqlite3_column_int64(st, 0);
                *ret_started_at = sqlite3_column_int64(st, 1);
                return 1;
        }
        *ret_count = 0;
        *ret_started_at = 0;
        return rc == SQLITE_DONE ? 0 : db_errno(rc);
}

int db_recovery_save_pending(struct db *db, int64_t id, const char *action, uint32_t count,
                             int64_t due_ms) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "INSERT INTO service_recovery (service_id, pending_action,"
                           " pending_count, pending_due) VALUES (?1, ?2, ?3, ?4)"
                           " ON CONFLICT (service_id) DO UPDATE SET"
                           " pending_action = excluded.pending_action,"
                           " pending_count = excluded.pending_count,"
                           " pending_due = excluded.pending_due",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        if (action)
                sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, action ? count : 0);
        sqlite3_bind_int64(st, 4, action ? due_ms : 0);
        return db_errno(sqlite3_step(st));
}

int db_recovery_load_pending(struct db *db, int64_t id, char **ret_action, uint32_t *ret_count,
                             int64_t *ret_due_ms) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT pending_action, pending_count, pending_due FROM service_recovery"
                           " WHERE service_id = ?1 AND pending_action IS NOT NULL",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return rc == SQLITE_DONE ? 0 : db_errno(rc);
        *ret_action = strdup((const char *)sqlite3_column_text(st, 0));
        *ret_count = (uint32_t)sqlite3_column_int64(st, 1);
        *ret_due_ms = sqlite3_column_int64(st, 2);
        return *ret_action ? 1 : -ENOMEM;
}

int db_boot_progress_save(struct db *db, const struct db_boot_progress *p) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "INSERT OR REPLACE INTO boot_progress (id, boot_id, delayed_due,"
                           " delayed_state) VALUES (1, ?1, ?2, ?3)",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, p->boot_id, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, p->delayed_due_ms);
        sqlite3_bind_int(st, 3, p->delayed_state);
        return db_errno(sqlite3_step(st));
}

int db_boot_progress_load(struct db *db, struct db_boot_progress *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        *ret = (struct db_boot_progress){0};
        int r = db_prepare(db,
                           "SELECT boot_id, delayed_due, delayed_state FROM boot_progress"
                           " WHERE id = 1",
                           &st);
        if (r < 0)
                return r;
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW)
                return rc == SQLITE_DONE ? 0 : db_errno(rc);
        snprintf(ret->boot_id, sizeof(ret->boot_id), "%s",
                 (const char *)sqlite3_column_text(st, 0));
        ret->delayed_due_ms = sqlite3_column_int64(st, 1);
        ret->delayed_state = sqlite3_column_int(st, 2);
        return 1;
}

int db_boot_progress_delete(struct db *db) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "DELETE FROM boot_progress", &st);
        return r < 0 ? r : db_errno(sqlite3_step(st));
}
