/* SPDX-License-Identifier: MIT */
/*
 * The least-privilege tables (schema migration 3, in db.c's list), on the
 * connection db.c opened:
 *
 *   service_security        one row per service with settings other than
 *                           the defaults: required privileges (capability
 *                           names, comma-separated), sid type, and the
 *                           flags allow_weak_isolation, restrict_network,
 *                           interactive; it goes with its service.
 *   service_writable_paths  a restricted service's --writable paths, in order.
 *   service_groups          the gid given to each service name; rows are
 *                           never deleted, so a gid is never given to
 *                           another name.
 *   account_privileges      the account privilege policy: (user, capability).
 *
 * and a scheduled task's (migration 19): task_security and
 * task_writable_paths, of the same shape, written and read by the same
 * code (struct owner_tables names the tables); a task's gid is recorded in
 * service_groups under its identity key, "task/NAME" (task_config.h).
 *
 * A service's settings are written inside db.c's transaction of the
 * insert or update, a task's inside db_task.c's, so a configuration is
 * saved whole or not at all; the policy has transactions of its own.
 * Prepared per call: these run on a change of configuration or a start,
 * never in a loop.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmdline.h"
#include "db_util.h"
#include "log.h"
#include "privilege_names.h"
#include "security_config.h"

static char *caps_to_names(uint64_t caps) {
        char *text = privileges_to_text(caps);
        /* "CAP_A, CAP_B" -> "CAP_A,CAP_B" */
        for (char *p = text, *q = text; p && (*q = *p); p++)
                q += *p != ' ';
        return text;
}

static uint64_t caps_from_names(const char *text, const char *whose) {
        uint64_t caps = 0;
        _cleanup_free_ char *copy = strdup(text ? text : "");
        char *save = NULL;
        for (char *n = copy ? strtok_r(copy, ",", &save) : NULL; n;
             n = strtok_r(NULL, ",", &save)) {
                int cap = privilege_from_name(n);
                if (cap < 0)
                        log_warning("%s: the database names an unknown capability '%s'; ignored",
                                    whose, n);
                else
                        caps |= 1ULL << cap;
        }
        return caps;
}

/* Where an owner's settings are: a service's tables or a task's. */
struct owner_tables {
        const char *settings, *paths, *id_column;
};

static const struct owner_tables service_tables = {"service_security", "service_writable_paths",
                                                   "service_id"};
static const struct owner_tables task_tables = {"task_security", "task_writable_paths", "task_id"};

/* Prepares the statement fmt makes with the tables' names. */
static int prepare_sql(struct db *db, sqlite3_stmt **ret, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int prepare_sql(struct db *db, sqlite3_stmt **ret, const char *fmt, ...) {
        _cleanup_free_ char *sql = NULL;
        va_list ap;
        va_start(ap, fmt);
        int n = vasprintf(&sql, fmt, ap);
        va_end(ap);
        if (n < 0) {
                sql = NULL;
                return -ENOMEM;
        }
        return db_prepare(db, sql, ret);
}

/* DELETE FROM table WHERE column = id. */
static int delete_rows(struct db *db, const char *table, const char *column, int64_t id) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = prepare_sql(db, &st, "DELETE FROM %s WHERE %s = ?1", table, column);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        return db_errno(sqlite3_step(st));
}

/* The gid is the key's for good: record it once, and make sure nobody
 * else holds it. */
static int record_gid(struct db *db, const char *key, gid_t gid) {
        _cleanup_stmt_ sqlite3_stmt *g = NULL;
        int r = db_prepare(
                db, "INSERT OR IGNORE INTO service_groups (gid, service_name) VALUES (?1, ?2)", &g);
        if (r < 0)
                return r;
        sqlite3_bind_int64(g, 1, gid);
        sqlite3_bind_text(g, 2, key, -1, SQLITE_STATIC);
        r = db_errno(sqlite3_step(g));
        gid_t recorded;
        if (r >= 0 && (r = db_security_gid_of(db, key, &recorded)) >= 0 &&
            (r == 0 || recorded != gid))
                r = -EEXIST;
        return r < 0 ? r : 0;
}

static int save_paths(struct db *db, const struct owner_tables *t, int64_t id, char **paths) {
        int r = 0;
        for (int i = 0; r >= 0 && paths && paths[i]; i++) {
                _cleanup_stmt_ sqlite3_stmt *p = NULL;
                r = prepare_sql(db, &p, "INSERT INTO %s (%s, position, path) VALUES (?1, ?2, ?3)",
                                t->paths, t->id_column);
                if (r < 0)
                        break;
                sqlite3_bind_int64(p, 1, id);
                sqlite3_bind_int(p, 2, i);
                sqlite3_bind_text(p, 3, paths[i], -1, SQLITE_STATIC);
                r = db_errno(sqlite3_step(p));
        }
        return r;
}

/* Replaces the settings of owner id (its identity kept under key) by sec
 * (NULL: the defaults, no row). */
static int save_in(struct db *db, const struct owner_tables *t, int64_t id, const char *key,
                   const struct service_security *sec) {
        int r = delete_rows(db, t->settings, t->id_column, id);
        if (r >= 0)
                r = delete_rows(db, t->paths, t->id_column, id);
        if (r < 0 || !sec)
                return r;

        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        _cleanup_free_ char *caps = caps_to_names(sec->privileges);
        if (!caps)
                return -ENOMEM;
        r = prepare_sql(db, &st,
                        "INSERT INTO %s (%s, required_privileges, sid_type,"
                        " allow_weak_isolation, restrict_network, interactive)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        t->settings, t->id_column);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, caps, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, sid_type_name(sec->sid_type), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, sec->allow_weak_isolation);
        sqlite3_bind_int(st, 5, sec->restrict_network);
        sqlite3_bind_int(st, 6, sec->interactive);
        r = db_errno(sqlite3_step(st));
        if (r >= 0)
                r = save_paths(db, t, id, sec->writable_paths);
        if (r < 0 || sec->gid == 0)
                return r;
        return record_gid(db, key, sec->gid);
}

int db_security_save(struct db *db, int64_t id, const struct service_config *c) {
        return save_in(db, &service_tables, id, c->name, c->security);
}

int db_task_security_save(struct db *db, int64_t id, const char *key,
                          const struct service_security *sec) {
        return save_in(db, &task_tables, id, key, sec);
}

static int load_paths(struct db *db, const struct owner_tables *t, int64_t id, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = prepare_sql(db, &st, "SELECT path FROM %s WHERE %s = ?1 ORDER BY position",
                            t->paths, t->id_column);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        char **v = NULL;
        size_t n = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                char **nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv) {
                        strv_free(v);
                        return -ENOMEM;
                }
                v = nv;
                const unsigned char *text = sqlite3_column_text(st, 0);
                v[n] = strdup(text ? (const char *)text : "");
                v[n + 1] = NULL;
                if (!v[n++]) {
                        strv_free(v);
                        return -ENOMEM;
                }
        }
        if (rc != SQLITE_DONE) {
                strv_free(v);
                return db_errno(rc);
        }
        *ret = v;
        return 0;
}

/* The settings of owner id, its identity kept under key. */
static int load_from(struct db *db, const struct owner_tables *t, int64_t id, const char *key,
                     struct service_security **ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = prepare_sql(db, &st,
                            "SELECT required_privileges, sid_type, allow_weak_isolation,"
                            " restrict_network, interactive FROM %s WHERE %s = ?1",
                            t->settings, t->id_column);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                return db_errno(rc);
        gid_t gid = 0;
        r = db_security_gid_of(db, key, &gid);
        if (r < 0)
                return r;
        if (rc == SQLITE_DONE && gid == 0) {
                *ret = NULL;
                return 0;
        }

        struct service_security *sec = calloc(1, sizeof(*sec));
        if (!sec)
                return -ENOMEM;
        sec->gid = gid;
        if (rc == SQLITE_ROW) {
                sec->privileges = caps_from_names((const char *)sqlite3_column_text(st, 0), key);
                sec->sid_type = sid_type_from_name((const char *)sqlite3_column_text(st, 1));
                if (sec->sid_type == SID_TYPE_INVALID)
                        sec->sid_type = SID_TYPE_RESTRICTED; /* the CHECK forbids it; be safe */
                sec->allow_weak_isolation = sqlite3_column_int(st, 2) != 0;
                sec->restrict_network = sqlite3_column_int(st, 3) != 0;
                sec->interactive = sqlite3_column_int(st, 4) != 0;
                r = load_paths(db, t, id, &sec->writable_paths);
                if (r < 0) {
                        service_security_free(sec);
                        return r;
                }
        }
        *ret = sec;
        return 0;
}

int db_security_load(struct db *db, int64_t id, const char *name, struct service_security **ret) {
        return load_from(db, &service_tables, id, name, ret);
}

int db_task_security_load(struct db *db, int64_t id, const char *key,
                          struct service_security **ret) {
        return load_from(db, &task_tables, id, key, ret);
}

int db_security_gid_of(struct db *db, const char *name, gid_t *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT gid FROM service_groups WHERE service_name = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
                *ret = (gid_t)sqlite3_column_int64(st, 0);
                return 1;
        }
        return rc == SQLITE_DONE ? 0 : db_errno(rc);
}

int db_security_gid_used(struct db *db, gid_t gid) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT 1 FROM service_groups WHERE gid = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, gid);
        int rc = sqlite3_step(st);
        return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : db_errno(rc);
}

/* ---- the account privilege policy ---- */

int db_account_privileges(struct db *db, const char *user, uint64_t *ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT privilege FROM account_privileges WHERE account = ?1", &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        uint64_t caps = 0;
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                int cap = privilege_from_name((const char *)sqlite3_column_text(st, 0));
                if (cap >= 0)
                        caps |= 1ULL << cap;
        }
        if (rc != SQLITE_DONE)
                return db_errno(rc);
        *ret = caps;
        return 0;
}

static int change_one(struct db *db, const char *sql, const char *user, int cap) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, sql, &st);
        if (r < 0)
                return r;
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, privilege_name(cap), -1, SQLITE_STATIC);
        return db_errno(sqlite3_step(st));
}

int db_account_privileges_change(struct db *db, const char *user, uint64_t add, uint64_t remove) {
        int r = db_begin(db);
        if (r < 0)
                return r;
        for (int i = 0; r >= 0 && i < 64; i++) {
                if (add & (1ULL << i))
                        r = change_one(db,
                                       "INSERT OR IGNORE INTO account_privileges (account,"
                                       " privilege) VALUES (?1, ?2)",
                                       user, i);
                else if (remove & (1ULL << i))
                        r = change_one(db,
                                       "DELETE FROM account_privileges WHERE account = ?1"
                                       " AND privilege = ?2",
                                       user, i);
        }
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}
