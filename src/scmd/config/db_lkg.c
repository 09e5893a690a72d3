/* SPDX-License-Identifier: MIT */
/*
 * The last known good configuration: a copy of the configuration tables
 * inside the same database, the Linux form of the LastKnownGood control
 * set.
 *
 * The copy of table T is the table lkg_T, made at each save with CREATE
 * TABLE ... AS SELECT, and last_known_good (migration 4) says when it was
 * made.  Making the copy's tables anew at each save, rather than in a
 * migration, means a later migration that adds a column to T never has to
 * remember the copy: a restore moves the columns both have, and a column
 * the copy lacks takes its default.  (A migration that changes what a
 * column means must convert lkg_T too, or drop it.)
 *
 * Which tables are configuration is listed below, parents first; those
 * that do not hang on services (the group order list) are copied and put
 * back whole.  A table
 * in the list that does not exist (an older schema) is skipped.  Every
 * table that refers to services(id) must be in the list or be status
 * (service_status, kept by name across a restore): a restore deletes
 * every service row, and the cascade takes everything that hangs on it.
 *
 * A save and a restore are each one transaction, so a crash leaves the
 * old state or the new one: never a half-made copy, never a half-restored
 * configuration.  Services marked for delete are not copied.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmdline.h"
#include "db_util.h"
#include "log.h"

/* The configuration that does not hang on services: copied and put back
 * whole.  A copy made before it existed leaves the current one. */
static const char *const whole_tables[] = {
        "group_order",
};

/* The configuration, parents first (the order rows are put back in). */
static const char *const config_tables[] = {
        "services",
        "dependencies",
        "service_security",
        "service_writable_paths",
        "service_failure_actions",
        "service_failure_steps",
        "service_access",
        "service_process_settings",
        "service_parameters",
        "service_resource_limits",
        "service_fences",
        "service_syscall_filter",
        "service_sockets",
        "service_triggers",
};

static void sqlite_freep(char **p) {
        sqlite3_free(*p);
}
#define _cleanup_sqlite_free_ _cleanup_(sqlite_freep)

static int exec_sql(struct db *db, const char *sql) {
        char *err = NULL;
        int rc = sqlite3_exec(db_sqlite(db), sql, NULL, NULL, &err);
        if (rc != SQLITE_OK)
                log_debug("last known good: %s: %s", sql, err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        return db_errno(rc);
}

/* fmt is sqlite3_mprintf()'s: %w quotes an identifier. */
static int exec_fmt(struct db *db, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        char *sql = sqlite3_vmprintf(fmt, ap);
        va_end(ap);
        if (!sql)
                return -ENOMEM;
        int r = exec_sql(db, sql);
        sqlite3_free(sql);
        return r;
}

/* 1 when table exists in the main schema, 0 when not, or -errno. */
static int table_exists(struct db *db, const char *table) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db_sqlite(db),
                                    "SELECT 1 FROM main.sqlite_master WHERE type = 'table'"
                                    " AND name = ?1",
                                    -1, &st, NULL);
        if (rc != SQLITE_OK)
                return db_errno(rc);
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_errno(rc);
}

/* The columns of main.table, in order, NULL-terminated. */
static int table_columns(struct db *db, const char *table, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db_sqlite(db), "SELECT name FROM pragma_table_info(?1, 'main')",
                                    -1, &st, NULL);
        if (rc != SQLITE_OK)
                return db_errno(rc);
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        while (v && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                char **nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv)
                        break;
                v = nv;
                v[n] = strdup((const char *)sqlite3_column_text(st, 0));
                v[n + 1] = NULL;
                if (!v[n++])
                        break;
        }
        if (!v || rc == SQLITE_ROW) {
                strv_free(v);
                return -ENOMEM;
        }
        if (rc != SQLITE_DONE) {
                strv_free(v);
                return db_errno(rc);
        }
        *ret = v;
        return 0;
}

static bool strv_has(char **v, const char *s) {
        for (; v && *v; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

/* The columns of both tables (those of a, but not skip), as "x","y" and,
 * when prefix is given, as prefix."x",prefix."y".  0, or -ENOENT when they
 * have none in common. */
static int common_columns(struct db *db, const char *a, const char *b, const char *skip,
                          const char *prefix, char **ret_list, char **ret_prefixed) {
        _cleanup_(strv_free_p) char **ca = NULL, **cb = NULL;
        int r = table_columns(db, a, &ca);
        if (r >= 0)
                r = table_columns(db, b, &cb);
        if (r < 0)
                return r;
        char *list = sqlite3_mprintf("%s", ""), *prefixed = sqlite3_mprintf("%s", "");
        for (char **c = ca; list && prefixed && *c; c++) {
                if (!strv_has(cb, *c) || (skip && strcmp(*c, skip) == 0))
                        continue;
                const char *sep = list[0] ? "," : "";
                char *nl = sqlite3_mprintf("%s%s\"%w\"", list, sep, *c);
                char *np = sqlite3_mprintf("%s%s%s%s\"%w\"", prefixed, sep, prefix ? prefix : "",
                                           prefix ? "." : "", *c);
                sqlite3_free(list);
                sqlite3_free(prefixed);
                list = nl;
                prefixed = np;
        }
        if (!list || !prefixed) {
                sqlite3_free(list);
                sqlite3_free(prefixed);
                return -ENOMEM;
        }
        if (!list[0]) {
                sqlite3_free(list);
                sqlite3_free(prefixed);
                return -ENOENT;
        }
        *ret_list = list;
        *ret_prefixed = prefixed;
        return 0;
}

static int read_info(struct db *db, struct db_lkg_info *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db_sqlite(db),
                                    "SELECT saved_at, services FROM last_known_good WHERE id = 1",
                                    -1, &st, NULL);
        if (rc != SQLITE_OK)
                return db_errno(rc);
        rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
                return 0;
        if (rc != SQLITE_ROW)
                return db_errno(rc);
        *ret = (struct db_lkg_info){.saved_at = sqlite3_column_int64(st, 0),
                                    .services = sqlite3_column_int64(st, 1)};
        return 1;
}

int db_lkg_info(struct db *db, struct db_lkg_info *ret) {
        return read_info(db, ret);
}

/* Commits when r >= 0, else rolls back; returns r or the commit's error. */
static int end(struct db *db, int r) {
        if (r >= 0)
                r = exec_sql(db, "COMMIT");
        if (r < 0)
                exec_sql(db, "ROLLBACK");
        return r;
}

static int save(struct db *db) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(config_tables); i++) {
                const char *t = config_tables[i];
                int exists = table_exists(db, t);
                r = exists < 0 ? exists : exec_fmt(db, "DROP TABLE IF EXISTS \"lkg_%w\"", t);
                if (r < 0 || !exists)
                        continue;
                if (i == 0)
                        r = exec_fmt(db,
                                     "CREATE TABLE \"lkg_%w\" AS SELECT * FROM \"%w\""
                                     " WHERE marked_for_delete = 0",
                                     t, t);
                else
                        r = exec_fmt(db,
                                     "CREATE TABLE \"lkg_%w\" AS SELECT * FROM \"%w\" WHERE"
                                     " service_id IN (SELECT id FROM services"
                                     " WHERE marked_for_delete = 0)",
                                     t, t);
        }
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(whole_tables); i++) {
                const char *t = whole_tables[i];
                int exists = table_exists(db, t);
                r = exists < 0 ? exists : exec_fmt(db, "DROP TABLE IF EXISTS \"lkg_%w\"", t);
                if (r >= 0 && exists)
                        r = exec_fmt(db, "CREATE TABLE \"lkg_%w\" AS SELECT * FROM \"%w\"", t, t);
        }
        if (r >= 0)
                r = exec_sql(db, "INSERT INTO last_known_good (id, saved_at, services)"
                                 " VALUES (1, strftime('%s','now'), (SELECT count(*) FROM"
                                 " lkg_services)) ON CONFLICT (id) DO UPDATE SET"
                                 " saved_at = excluded.saved_at, services = excluded.services");
        return r;
}

int db_lkg_save(struct db *db, struct db_lkg_info *ret) {
        int r = exec_sql(db, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        r = end(db, save(db));
        if (r < 0)
                return r;
        r = read_info(db, ret);
        return r < 0 ? r : r == 0 ? -EIO : 0;
}

/* The status records, kept aside by service name across the restore. */
static int keep_status(struct db *db) {
        int r = exec_sql(db, "DROP TABLE IF EXISTS temp.lkg_kept_status");
        return r < 0 ? r
                     : exec_sql(
                               db,
                               "CREATE TEMP TABLE lkg_kept_status AS SELECT s.name AS lkg_name, t.*"
                               " FROM service_status t JOIN services s ON s.id = t.service_id");
}

static int put_back_status(struct db *db) {
        _cleanup_sqlite_free_ char *list = NULL, *prefixed = NULL;
        /* Both are service_status's columns: the copy was made from it. */
        int r = common_columns(db, "service_status", "service_status", "service_id", "k", &list,
                               &prefixed);
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        r = exec_fmt(db,
                     "INSERT INTO service_status (service_id,%s) SELECT s.id,%s FROM"
                     " temp.lkg_kept_status k JOIN services s ON s.name = k.lkg_name",
                     list, prefixed);
        return r < 0 ? r : exec_sql(db, "DROP TABLE temp.lkg_kept_status");
}

/* A test can have scmd die inside the restore transaction, just before
 * it commits: tests/integration/test_lkg.sh checks that nothing of it
 * is left after the crash. */
static void crash_point(void) {
        const char *p = getenv("SCMD_TEST_CRASH_POINT");
        if (p && strcmp(p, "lkg-restore") == 0) {
                log_warning("SCMD_TEST_CRASH_POINT=lkg-restore: dying inside the restore");
                raise(SIGKILL);
        }
}

/* Puts the copy of table t back into it, the columns both have;
 * nothing when either does not exist. */
static int put_back(struct db *db, const char *t) {
        _cleanup_free_ char *copy = NULL;
        if (asprintf(&copy, "lkg_%s", t) < 0)
                return -ENOMEM;
        int have = table_exists(db, t), have_copy = table_exists(db, copy);
        if (have < 0 || have_copy < 0)
                return have < 0 ? have : have_copy;
        if (!have || !have_copy)
                return 0;
        _cleanup_sqlite_free_ char *list = NULL, *prefixed = NULL;
        int r = common_columns(db, t, copy, NULL, NULL, &list, &prefixed);
        if (r == -ENOENT)
                return 0;
        return r < 0 ? r
                     : exec_fmt(db, "INSERT INTO \"%w\" (%s) SELECT %s FROM \"%w\"", t, list, list,
                                copy);
}

/* The tables of whole_tables whose copy exists are emptied and refilled. */
static int put_back_whole(struct db *db) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(whole_tables); i++) {
                _cleanup_free_ char *copy = NULL;
                if (asprintf(&copy, "lkg_%s", whole_tables[i]) < 0)
                        return -ENOMEM;
                int have_copy = table_exists(db, copy);
                if (have_copy <= 0) {
                        r = have_copy;
                        continue;
                }
                r = exec_fmt(db, "DELETE FROM \"%w\"", whole_tables[i]);
                if (r >= 0)
                        r = put_back(db, whole_tables[i]);
        }
        return r;
}

static int restore(struct db *db) {
        struct db_lkg_info info;
        int r = read_info(db, &info);
        if (r == 0)
                return -ENOENT;
        if (r >= 0)
                r = keep_status(db);
        if (r >= 0)
                r = exec_sql(db, "DELETE FROM services"); /* and, by cascade, what hangs on them */
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(config_tables); i++)
                r = put_back(db, config_tables[i]);
        if (r >= 0)
                r = put_back_whole(db);
        if (r >= 0)
                r = put_back_status(db);
        /* Secrets are not configuration and are not copied (db_secret.c):
         * those of services that stay are kept, those of services the copy
         * does not have go. */
        if (r >= 0)
                r = db_secret_drop_orphans(db);
        if (r >= 0)
                crash_point();
        return r;
}

int db_lkg_restore(struct db *db) {
        int r = exec_sql(db, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        return end(db, restore(db));
}
