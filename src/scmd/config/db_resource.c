/* SPDX-License-Identifier: MIT */
/*
 * The tables of limits and fences (schema migration 13, in db.c's list),
 * on the connection db.c opened:
 *
 *   service_resource_limits  one row per service with a limit set: the
 *                    limits in their protocol form (a JSON object,
 *                    resource_config.c);
 *   service_fences   one row per service with a fence: the fences in their
 *                    protocol form (fence_config.c);
 *   service_syscall_filter  one row per service with a system-call filter:
 *                    its protocol form (syscall_config.c).
 *
 * Each goes with its service (ON DELETE CASCADE) and is part of the last
 * known good copy (db_lkg.c).  A scheduled task's fences and filter are
 * kept the same way in task_fences and task_syscall_filter (migration 19),
 * by the same code, in db_task.c's transaction.
 *
 * The protocol form is stored, as the process settings are
 * (db_process_settings.c): it is the documented form, a new limit needs
 * no migration, and a row is read and written whole, inside db.c's
 * transaction of the service.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>
#include <sqlite3.h>

#include "db_util.h"
#include "log.h"
#include "fence_config.h"
#include "resource_config.h"
#include "syscall_config.h"

/* Where a kind of settings is kept: the table, its id column (service_id
 * or task_id), its JSON column, and whose they are (for a sentence). */
struct json_table {
        const char *table, *id, *column, *owner;
};

static const struct json_table service_limits = {"service_resource_limits", "service_id", "limits",
                                                 "service"},
                               service_fence_table = {"service_fences", "service_id", "fences",
                                                      "service"},
                               service_filter_table = {"service_syscall_filter", "service_id",
                                                       "filter", "service"},
                               task_fence_table = {"task_fences", "task_id", "fences", "task"},
                               task_filter_table = {"task_syscall_filter", "task_id", "filter",
                                                    "task"};

/* Saves o (NULL: deletes the row) as the JSON text of t's column. */
static int save_json(struct db *db, const struct json_table *t, int64_t id, json_t *o, bool set) {
        _cleanup_free_ char *text = NULL, *sql = NULL;
        if (set) {
                text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
                if (!text)
                        return -ENOMEM;
        }
        int n = set ? asprintf(&sql,
                               "INSERT INTO %s (%s, %s) VALUES (?1, ?2) ON CONFLICT "
                               "(%s) DO UPDATE SET %s = excluded.%s",
                               t->table, t->id, t->column, t->id, t->column, t->column)
                    : asprintf(&sql, "DELETE FROM %s WHERE %s = ?1", t->table, t->id);
        if (n < 0)
                return -ENOMEM;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int e = db_prepare(db, sql, &st);
        if (e < 0)
                return e;
        sqlite3_bind_int64(st, 1, id);
        if (set)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        return db_errno(sqlite3_step(st));
}

/* Loads t's JSON for id into *ret (NULL: no row). */
static int load_json(struct db *db, const struct json_table *t, int64_t id, json_t **ret) {
        _cleanup_free_ char *sql = NULL;
        if (asprintf(&sql, "SELECT %s FROM %s WHERE %s = ?1", t->column, t->table, t->id) < 0)
                return -ENOMEM;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int e = db_prepare(db, sql, &st);
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
        *ret = json_loads(text ? text : "", 0, NULL);
        return *ret ? 1 : -EINVAL;
}

int db_resource_save(struct db *db, int64_t id, const struct service_resources *r) {
        json_t *o = r ? service_resources_json(r) : NULL;
        int e = save_json(db, &service_limits, id, o, r != NULL);
        json_decref(o);
        return e;
}

static int fence_save(struct db *db, const struct json_table *t, int64_t id,
                      const struct service_fences *f) {
        json_t *o = f ? service_fences_json(f) : NULL;
        int e = save_json(db, t, id, o, f != NULL);
        json_decref(o);
        return e;
}

int db_fence_save(struct db *db, int64_t id, const struct service_fences *f) {
        return fence_save(db, &service_fence_table, id, f);
}

int db_task_fence_save(struct db *db, int64_t id, const struct service_fences *f) {
        return fence_save(db, &task_fence_table, id, f);
}

/* How a load ended: settings that cannot be read are logged and left out
 * (the service or task runs without them), not a failure of the load. */
static int loaded(int e, const struct json_table *t, const char *name, const char *what,
                  const char *error) {
        if (e != -EINVAL)
                return e < 0 ? e : 0;
        log_error("%s %s: its stored %s cannot be read (%s); it runs without them until "
                  "they are set again",
                  t->owner, name, what, error ? error : "not JSON");
        return 0;
}

int db_resource_load(struct db *db, int64_t id, const char *name, struct service_resources **ret) {
        json_t *o = NULL;
        *ret = NULL;
        int e = load_json(db, &service_limits, id, &o);
        _cleanup_free_ char *error = NULL;
        if (e > 0)
                e = service_resources_apply_json(ret, o, &error);
        json_decref(o);
        return loaded(e, &service_limits, name, "resource limits", error);
}

static int fence_load(struct db *db, const struct json_table *t, int64_t id, const char *name,
                      struct service_fences **ret) {
        json_t *o = NULL;
        *ret = NULL;
        int e = load_json(db, t, id, &o);
        _cleanup_free_ char *error = NULL;
        if (e > 0)
                e = service_fences_apply_json(ret, o, &error);
        json_decref(o);
        return loaded(e, t, name, "fences", error);
}

int db_fence_load(struct db *db, int64_t id, const char *name, struct service_fences **ret) {
        return fence_load(db, &service_fence_table, id, name, ret);
}

int db_task_fence_load(struct db *db, int64_t id, const char *name, struct service_fences **ret) {
        return fence_load(db, &task_fence_table, id, name, ret);
}

static int syscall_save(struct db *db, const struct json_table *t, int64_t id,
                        const struct service_syscalls *s) {
        json_t *o = s ? service_syscalls_json(s) : NULL;
        int e = save_json(db, t, id, o, s != NULL);
        json_decref(o);
        return e;
}

int db_syscall_save(struct db *db, int64_t id, const struct service_syscalls *s) {
        return syscall_save(db, &service_filter_table, id, s);
}

int db_task_syscall_save(struct db *db, int64_t id, const struct service_syscalls *s) {
        return syscall_save(db, &task_filter_table, id, s);
}

static int syscall_load(struct db *db, const struct json_table *t, int64_t id, const char *name,
                        struct service_syscalls **ret) {
        json_t *o = NULL;
        *ret = NULL;
        int e = load_json(db, t, id, &o);
        _cleanup_free_ char *error = NULL;
        if (e > 0)
                e = service_syscalls_apply_json(ret, o, &error);
        json_decref(o);
        return loaded(e, t, name, "system-call filter", error);
}

int db_syscall_load(struct db *db, int64_t id, const char *name, struct service_syscalls **ret) {
        return syscall_load(db, &service_filter_table, id, name, ret);
}

int db_task_syscall_load(struct db *db, int64_t id, const char *name,
                         struct service_syscalls **ret) {
        return syscall_load(db, &task_filter_table, id, name, ret);
}
