/* SPDX-License-Identifier: MIT */
/*
 * Scheduled tasks in the database (migration 14, in db.c's list): a task's
 * row, its triggers in their text form, and its bounded run history; its
 * least-privilege settings, fences and system-call filter (migration 19)
 * through db_security.c and db_resource.c, in the same transaction as the
 * row.
 * What the texts mean is work/trigger.c's; this file only stores them.
 * Workload: read whole at start-up; a write per change by a client, one
 * per due run (checked_until) and two per run (begin, end).
 */
#include "db_task.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "acl.h"
#include "db_util.h"
#include "log.h"
#include "security_config.h"

static int load_triggers(struct db *db, int64_t id, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db, "SELECT spec FROM task_triggers WHERE task_id = ?1 ORDER BY position", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int rc = SQLITE_ROW;
        while (v && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                char **nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv)
                        break;
                v = nv;
                v[n] = db_column_strdup(st, 0);
                v[++n] = NULL;
                if (!v[n - 1])
                        break;
        }
        if (!v || rc == SQLITE_ROW) {
                for (size_t i = 0; v && i < n; i++)
                        free(v[i]);
                free(v);
                return -ENOMEM;
        }
        *ret = v;
        return db_errno(rc);
}

static int row_to_task(struct db *db, sqlite3_stmt *st, struct task_config *c) {
        c->name = db_column_strdup(st, 1);
        c->command_line = db_column_strdup(st, 2);
        c->account = db_column_strdup(st, 3);
        c->enabled = sqlite3_column_int(st, 4) != 0;
        c->time_limit_s = (uint32_t)sqlite3_column_int64(st, 5);
        c->overlap = task_overlap_from_name((const char *)sqlite3_column_text(st, 6));
        if (c->overlap == TASK_OVERLAP_INVALID)
                c->overlap = TASK_OVERLAP_SKIP;
        c->run_missed = sqlite3_column_int(st, 7) != 0;
        c->random_delay_s = (uint32_t)sqlite3_column_int64(st, 8);
        c->time_zone = db_column_strdup(st, 9);
        c->setuid_allowed = sqlite3_column_int(st, 12) != 0;
        if (!c->name || !c->command_line || !c->account || !c->time_zone)
                return -ENOMEM;
        _cleanup_free_ char *key = task_identity_key(c->name);
        if (!key)
                return -ENOMEM;
        int64_t id = sqlite3_column_int64(st, 0);
        int e = db_task_security_load(db, id, key, &c->security);
        if (e >= 0)
                e = db_task_fence_load(db, id, c->name, &c->fences);
        if (e >= 0)
                e = db_task_syscall_load(db, id, c->name, &c->syscalls);
        if (e < 0)
                return e;
        const char *access = (const char *)sqlite3_column_text(st, 10);
        if (access) {
                _cleanup_free_ char *why = NULL;
                int r = acl_parse(access, ACL_OBJECT_SERVICE, false, &c->access, &why);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) { /* fail closed: admins only */
                        log_warning("task %s: its stored access list no longer parses (%s): "
                                    "admins only",
                                    c->name, why ? why : "?");
                        c->access = calloc(1, sizeof(*c->access));
                        if (!c->access)
                                return -ENOMEM;
                }
        }
        return load_triggers(db, id, &c->triggers);
}

int db_task_load(struct db *db, db_task_load_fn *fn, void *userdata) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT id, name, command_line, account, enabled, time_limit_s, overlap,"
                           " run_missed, random_delay_s, time_zone, access, checked_until,"
                           " setuid_allowed FROM tasks ORDER BY id",
                           &st);
        if (r < 0)
                return r;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct task_config c = {0};
                r = row_to_task(db, st, &c);
                if (r >= 0)
                        r = fn(userdata, sqlite3_column_int64(st, 0), &c,
                               sqlite3_column_int64(st, 11));
                task_config_clear(&c);
                if (r < 0)
                        return r;
        }
        return db_errno(rc);
}

static int save_row(struct db *db, int64_t id, const struct task_config *c, int64_t *ret_id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db,
                id > 0 ? "UPDATE tasks SET name = ?1, command_line = ?2, account = ?3,"
                         " enabled = ?4, time_limit_s = ?5, overlap = ?6, run_missed = ?7,"
                         " random_delay_s = ?8, time_zone = ?9, access = ?10,"
                         " setuid_allowed = ?12 WHERE id = ?11"
                       : "INSERT INTO tasks (name, command_line, account, enabled, time_limit_s,"
                         " overlap, run_missed, random_delay_s, time_zone, access, checked_until,"
                         " setuid_allowed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
                         " strftime('%s','now'), ?12)",
                &st);
        if (r < 0)
                return r;
        _cleanup_free_ char *access = c->access ? acl_format(c->access, ACL_OBJECT_SERVICE) : NULL;
        if (c->access && !access)
                return -ENOMEM;
        sqlite3_bind_text(st, 1, c->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, c->command_line, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, c->account ? c->account : "", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, c->enabled);
        sqlite3_bind_int64(st, 5, c->time_limit_s);
        sqlite3_bind_text(st, 6, task_overlap_name(c->overlap), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, c->run_missed);
        sqlite3_bind_int64(st, 8, c->random_delay_s);
        sqlite3_bind_text(st, 9, c->time_zone ? c->time_zone : "", -1, SQLITE_STATIC);
        if (access)
                sqlite3_bind_text(st, 10, access, -1, SQLITE_STATIC);
        if (id > 0)
                sqlite3_bind_int64(st, 11, id);
        sqlite3_bind_int(st, 12, c->setuid_allowed);
        r = db_errno(sqlite3_step(st));
        if (r >= 0)
                *ret_id = id > 0 ? id : sqlite3_last_insert_rowid(db_sqlite(db));
        return r;
}

static int save_triggers(struct db *db, int64_t id, char **triggers) {
        _cleanup_stmt_ sqlite3_stmt *del = NULL, *add = NULL;
        int r = db_prepare(db, "DELETE FROM task_triggers WHERE task_id = ?1", &del);
        if (r >= 0)
                r = db_prepare(db,
                               "INSERT INTO task_triggers (task_id, position, spec)"
                               " VALUES (?1, ?2, ?3)",
                               &add);
        if (r < 0)
                return r;
        sqlite3_bind_int64(del, 1, id);
        r = db_errno(sqlite3_step(del));
        for (int i = 0; r >= 0 && triggers && triggers[i]; i++) {
                sqlite3_reset(add);
                sqlite3_bind_int64(add, 1, id);
                sqlite3_bind_int(add, 2, i);
                sqlite3_bind_text(add, 3, triggers[i], -1, SQLITE_STATIC);
                r = db_errno(sqlite3_step(add));
        }
        return r;
}

int db_task_save(struct db *db, int64_t id, const struct task_config *c, int64_t *ret_id) {
        int r = db_begin(db);
        if (r < 0)
                return r;
        int64_t new_id = 0;
        r = save_row(db, id, c, &new_id);
        if (r >= 0)
                r = save_triggers(db, new_id, c->triggers);
        _cleanup_free_ char *key = r >= 0 ? task_identity_key(c->name) : NULL;
        if (r >= 0 && !key)
                r = -ENOMEM;
        if (r >= 0)
                r = db_task_security_save(db, new_id, key, c->security);
        if (r >= 0)
                r = db_task_fence_save(db, new_id, c->fences);
        if (r >= 0)
                r = db_task_syscall_save(db, new_id, c->syscalls);
        if (r >= 0)
                r = db_commit(db);
        if (r < 0) {
                db_rollback(db);
                return r;
        }
        if (ret_id)
                *ret_id = new_id;
        return 0;
}

/* sql with its parameters ?1 and ?2 (when it has them) bound to a and b. */
static int exec_ints(struct db *db, const char *sql, int64_t a, int64_t b) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, sql, &st);
        if (r < 0)
                return r;
        int n = sqlite3_bind_parameter_count(st);
        if (n >= 1)
                sqlite3_bind_int64(st, 1, a);
        if (n >= 2)
                sqlite3_bind_int64(st, 2, b);
        return db_errno(sqlite3_step(st));
}

int db_task_delete(struct db *db, int64_t id) {
        int r = db_begin(db);
        if (r < 0)
                return r;
        /* Its secrets have no foreign key (db_secret.c): they go here. */
        r = exec_ints(db,
                      "DELETE FROM service_secrets WHERE service_name ="
                      " (SELECT '" TASK_IDENTITY_PREFIX "' || name FROM tasks WHERE id = ?1)",
                      id, 0);
        if (r >= 0)
                r = exec_ints(db, "DELETE FROM tasks WHERE id = ?1", id, 0);
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}

int db_task_set_checked(struct db *db, int64_t id, int64_t t) {
        return exec_ints(db, "UPDATE tasks SET checked_until = ?2 WHERE id = ?1", id, t);
}

int db_task_run_begin(struct db *db, int64_t task_id, const char *reason, int64_t started_at_ms,
                      int pid, int64_t *ret_run_id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "INSERT INTO task_runs (task_id, reason, started_at_ms, pid)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, task_id);
        sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, started_at_ms);
        sqlite3_bind_int(st, 4, pid);
        r = db_errno(sqlite3_step(st));
        if (r < 0)
                return r;
        *ret_run_id = sqlite3_last_insert_rowid(db_sqlite(db));
        /* Bounded: only the newest TASK_HISTORY_MAX runs of the task stay. */
        return exec_ints(db,
                         "DELETE FROM task_runs WHERE task_id = ?1 AND id NOT IN (SELECT id FROM"
                         " task_runs WHERE task_id = ?1 ORDER BY id DESC LIMIT ?2)",
                         task_id, TASK_HISTORY_MAX);
}

int db_task_run_end(struct db *db, int64_t run_id, int64_t ended_at_ms, const char *result,
                    int exit_code, int signal, int win32, const char *error) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "UPDATE task_runs SET ended_at_ms = ?2, result = ?3, exit_code = ?4,"
                           " signal = ?5, error = ?6, win32_exit_code = ?7 WHERE id = ?1",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, ended_at_ms);
        sqlite3_bind_text(st, 3, result, -1, SQLITE_STATIC);
        if (exit_code >= 0)
                sqlite3_bind_int(st, 4, exit_code);
        if (signal > 0)
                sqlite3_bind_int(st, 5, signal);
        if (error)
                sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 7, win32);
        return db_errno(sqlite3_step(st));
}

int db_task_runs_interrupted(struct db *db, int64_t now_ms) {
        return exec_ints(db,
                         "UPDATE task_runs SET result = 'interrupted', ended_at_ms = ?1"
                         " WHERE result = 'running'",
                         now_ms, 0);
}

int db_task_history(struct db *db, int64_t task_id, struct task_run_record **ret, size_t *ret_n) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db,
                           "SELECT id, reason, started_at_ms, ended_at_ms, pid, result, exit_code,"
                           " signal, error, win32_exit_code FROM task_runs WHERE task_id = ?1"
                           " ORDER BY id DESC",
                           &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, task_id);
        struct task_run_record *v = NULL;
        size_t n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                struct task_run_record *nv = realloc(v, (n + 1) * sizeof(*v));
                if (!nv) {
                        task_run_records_free(v, n);
                        return -ENOMEM;
                }
                v = nv;
                struct task_run_record *e = &v[n++];
                *e = (struct task_run_record){
                        .id = sqlite3_column_int64(st, 0),
                        .reason = db_column_strdup(st, 1),
                        .started_at_ms = sqlite3_column_int64(st, 2),
                        .ended_at_ms = sqlite3_column_int64(st, 3),
                        .pid = sqlite3_column_int(st, 4),
                        .result = db_column_strdup(st, 5),
                        .exit_code = sqlite3_column_type(st, 6) == SQLITE_NULL
                                             ? -1
                                             : sqlite3_column_int(st, 6),
                        .signal = sqlite3_column_int(st, 7),
                        .error = sqlite3_column_type(st, 8) == SQLITE_NULL
                                         ? NULL
                                         : db_column_strdup(st, 8),
                        .win32_exit_code = sqlite3_column_int(st, 9),
                };
                if (!e->reason || !e->result) {
                        task_run_records_free(v, n);
                        return -ENOMEM;
                }
        }
        r = db_errno(rc);
        if (r < 0) {
                task_run_records_free(v, n);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}
