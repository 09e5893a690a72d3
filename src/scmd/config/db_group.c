/* SPDX-License-Identifier: MIT */
/*
 * The group order list (Windows' Control\ServiceGroupOrder): the table
 * group_order of migration 7, one row per group, by position.  It is read
 * whole at start-up and replaced whole by set_group_order, in one
 * transaction, so a crash leaves the old list or the new one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "db_util.h"

int db_group_order_load(struct db *db, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, "SELECT name FROM group_order ORDER BY position", &st);
        if (r < 0)
                return r;
        char **v = calloc(1, sizeof(char *));
        size_t n = 0;
        int rc;
        while (v && (rc = sqlite3_step(st)) == SQLITE_ROW) {
                char **nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv)
                        break;
                v = nv;
                v[n + 1] = NULL;
                if (!(v[n++] = db_column_strdup(st, 0)))
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

static int insert_all(struct db *db, char *const *groups) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_exec(db, "DELETE FROM group_order");
        if (r >= 0)
                r = db_prepare(db, "INSERT INTO group_order (position, name) VALUES (?1, ?2)", &st);
        for (int i = 0; r >= 0 && groups && groups[i]; i++) {
                sqlite3_bind_int(st, 1, i);
                sqlite3_bind_text(st, 2, groups[i], -1, SQLITE_STATIC);
                r = db_errno(sqlite3_step(st));
                sqlite3_reset(st);
        }
        return r;
}

int db_group_order_save(struct db *db, char *const *groups) {
        int r = db_begin(db);
        if (r < 0)
                return r;
        r = insert_all(db, groups);
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}
