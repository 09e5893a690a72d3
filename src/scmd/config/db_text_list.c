/* SPDX-License-Identifier: MIT */
/*
 * A service's ordered lists of texts in the database (db_text_list.h):
 * rows (service_id, position, spec) of one table per list, in order, going
 * with their service (ON DELETE CASCADE).  The lists' meaning is their
 * owners' (work/activation.c, work/service_trigger.c); this file only
 * stores them.
 */
#include "db_text_list.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmdline.h"
#include "db_util.h"

static const char *const tables[] = {
        [DB_LIST_SOCKETS] = "service_sockets",
        [DB_LIST_TRIGGERS] = "service_triggers",
};

int db_text_list_load(struct db *db, enum db_text_list list, int64_t id, char ***ret) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT spec FROM %s WHERE service_id = ?1 ORDER BY position",
                 tables[list]);
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(db, sql, &st);
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
                v[n] = db_column_strdup(st, 0);
                v[n + 1] = NULL;
                if (!v[n++]) {
                        strv_free(v);
                        return -ENOMEM;
                }
        }
        r = db_errno(rc);
        if (r < 0) {
                strv_free(v);
                return r;
        }
        *ret = v;
        return 0;
}

int db_text_list_save(struct db *db, enum db_text_list list, int64_t id, char *const *texts) {
        char del_sql[96], add_sql[128];
        snprintf(del_sql, sizeof(del_sql), "DELETE FROM %s WHERE service_id = ?1", tables[list]);
        snprintf(add_sql, sizeof(add_sql),
                 "INSERT INTO %s (service_id, position, spec) VALUES (?1, ?2, ?3)", tables[list]);
        int r = db_begin(db);
        if (r < 0)
                return r;
        _cleanup_stmt_ sqlite3_stmt *del = NULL, *add = NULL;
        r = db_prepare(db, del_sql, &del);
        if (r >= 0)
                r = db_prepare(db, add_sql, &add);
        if (r >= 0) {
                sqlite3_bind_int64(del, 1, id);
                r = db_errno(sqlite3_step(del));
        }
        for (int i = 0; r >= 0 && texts && texts[i]; i++) {
                sqlite3_reset(add);
                sqlite3_bind_int64(add, 1, id);
                sqlite3_bind_int(add, 2, i);
                sqlite3_bind_text(add, 3, texts[i], -1, SQLITE_STATIC);
                r = db_errno(sqlite3_step(add));
        }
        if (r >= 0)
                r = db_commit(db);
        if (r < 0)
                db_rollback(db);
        return r;
}
