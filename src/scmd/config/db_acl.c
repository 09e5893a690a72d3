/* SPDX-License-Identifier: MIT */
/*
 * The access-list tables (schema migration 5, in db.c's list), on the
 * connection db.c opened:
 *
 *   service_access  one row per service whose access list was ever set:
 *                   its canonical text form (acl.c); it goes with its
 *                   service (ON DELETE CASCADE), and is part of the last
 *                   known good copy (db_lkg.c).
 *   scm_access      at most one row: the SCM's own list.
 *
 * No row means the default list.  The text form is stored rather than a
 * row per entry: it is the documented, versioned form anyway, and a list
 * is read whole and written whole.  A stored text that no longer parses
 * (a right a later scmd dropped) reads as the empty list, which only
 * admins pass: a damaged list never grants more than it said.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "db_util.h"
#include "log.h"

/* The list in column 0 of st's row, for an object called what. */
static int row_to_acl(sqlite3_stmt *st, enum acl_object object, const char *what,
                      struct acl **ret) {
        const char *text = (const char *)sqlite3_column_text(st, 0);
        _cleanup_free_ char *error = NULL;
        int r = acl_parse(text ? text : "", object, false, ret, &error);
        if (r != -EINVAL)
                return r;
        log_error("%s: the stored access list cannot be read (%s); only administrators have "
                  "access until it is set again",
                  what, error ? error : "?");
        return acl_parse("", object, false, ret, NULL);
}

static int load(struct db *db, const char *sql, int64_t id, enum acl_object object,
                const char *what, struct acl **ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, sql, &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE) {
                *ret = NULL;
                return 0;
        }
        if (rc != SQLITE_ROW)
                return db_errno(rc);
        return row_to_acl(st, object, what, ret);
}

int db_acl_load_service(struct db *db, int64_t id, const char *name, struct acl **ret) {
        _cleanup_free_ char *what = NULL;
        if (asprintf(&what, "service %s", name) < 0)
                return -ENOMEM;
        return load(db, "SELECT access_list FROM service_access WHERE service_id = ?1", id,
                    ACL_OBJECT_SERVICE, what, ret);
}

int db_acl_load_scm(struct db *db, struct acl **ret) {
        return load(db, "SELECT access_list FROM scm_access WHERE id = ?1", 1, ACL_OBJECT_SCM,
                    "the SCM", ret);
}

/* Replaces (acl) or removes (NULL) the row of id in one transaction. */
static int save(struct db *db, const char *upsert, const char *remove, int64_t id,
                const struct acl *acl, enum acl_object object) {
        _cleanup_free_ char *text = acl ? acl_format(acl, object) : NULL;
        if (acl && !text)
                return -ENOMEM;
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, acl ? upsert : remove, &st);
        if (r < 0)
                return r;
        sqlite3_bind_int64(st, 1, id);
        if (acl)
                sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
        r = db_begin(db);
        if (r < 0)
                return r;
        r = db_errno(sqlite3_step(st));
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}

int db_acl_save_service(struct db *db, int64_t id, const struct acl *acl) {
        return save(db,
                    "INSERT INTO service_access (service_id, access_list) VALUES (?1, ?2)"
                    " ON CONFLICT (service_id) DO UPDATE SET access_list = excluded.access_list",
                    "DELETE FROM service_access WHERE service_id = ?1", id, acl,
                    ACL_OBJECT_SERVICE);
}

int db_acl_save_scm(struct db *db, const struct acl *acl) {
        return save(db,
                    "INSERT INTO scm_access (id, access_list) VALUES (?1, ?2)"
                    " ON CONFLICT (id) DO UPDATE SET access_list = excluded.access_list",
                    "DELETE FROM scm_access WHERE id = ?1", 1, acl, ACL_OBJECT_SCM);
}
