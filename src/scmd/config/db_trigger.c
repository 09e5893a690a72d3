/* SPDX-License-Identifier: MIT */
/*
 * A service's triggers in the database (db_trigger.h): rows of
 * service_triggers in order, going with their service (ON DELETE CASCADE).
 */
#include "db_trigger.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "cmdline.h"
#include "db_util.h"

int db_trigger_load(struct db *db, int64_t id, char ***ret) {
        _cleanup_stmt_ sqlite3_stmt *st = NULL;
        int r = db_prepare(
                db, "SELECT spec FROM service_triggers WHERE service_id = ?1 ORDER BY position",
                &st);
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

int db_trigger_save(struct db *db, int64_t id, char *const *texts) {
        int r = db_exec(db, "BEGIN IMMEDIATE");
        if (r < 0)
                return r;
        _cleanup_stmt_ sqlite3_stmt *del = NULL, *add = NULL;
        r = db_prepare(db, "DELETE FROM service_triggers WHERE service_id = ?1", &del);
        if (r >= 0)
                r = db_prepare(db,
                               "INSERT INTO service_triggers (service_id, position, spec)"
                               " VALUES (?1, ?2, ?3)",
                               &add);
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
                r = db_exec(db, "COMMIT");
        if (r < 0)
                db_exec(db, "ROLLBACK");
        return r;
}
