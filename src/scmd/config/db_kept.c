/* SPDX-License-Identifier: MIT */
/*
 * Statements kept for their next use (db_prepare(), db_release()).
 *
 * Parsing and planning a small statement costs more than running it, and
 * scmd runs the same few dozen statements at every start and stop of a
 * service.  So each text is prepared once, kept, and reset (its bindings
 * cleared) when its user lets it go.  The text is the key, so a statement
 * built at run time (a table's name in it) is kept like a literal one.
 *
 * A statement asked for while its kept one is still in use (a nested
 * use) is prepared again and kept as well; once STMT_KEPT are kept, one
 * is prepared for that use alone and finalised when let go.  db_release() finds the kept one by its
 * handle (sqlite3_db_handle()) in the list of open sets: scmd has one database, a test a few.
 */
#include "db_kept.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db_util.h"

#define STMT_KEPT 128

struct kept_stmt {
        sqlite3_stmt *st;
        uint32_t hash; /* of its text */
        bool in_use;
};

struct db_kept {
        sqlite3 *sql;
        struct db_kept *next_open;
        unsigned n;
        struct kept_stmt stmt[STMT_KEPT];
};

static struct db_kept *open_sets;

static uint32_t text_hash(const char *s) {
        uint32_t h = 2166136261u; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (uint8_t)*s) * 16777619u;
        return h;
}

struct db_kept *db_kept_new(sqlite3 *sql) {
        struct db_kept *k = calloc(1, sizeof(*k));
        if (!k)
                return NULL;
        k->sql = sql;
        k->next_open = open_sets;
        open_sets = k;
        return k;
}

void db_kept_free(struct db_kept *k) {
        if (!k)
                return;
        for (struct db_kept **p = &open_sets; *p; p = &(*p)->next_open)
                if (*p == k) {
                        *p = k->next_open;
                        break;
                }
        for (unsigned i = 0; i < k->n; i++)
                sqlite3_finalize(k->stmt[i].st);
        free(k);
}

int db_kept_prepare(struct db_kept *k, const char *sql, sqlite3_stmt **ret) {
        uint32_t h = text_hash(sql);
        for (unsigned i = 0; i < k->n; i++) {
                struct kept_stmt *e = &k->stmt[i];
                if (e->hash != h || strcmp(sqlite3_sql(e->st), sql) != 0)
                        continue;
                if (e->in_use)
                        continue; /* a nested use: another with the same text, or a new one */
                e->in_use = true;
                *ret = e->st;
                return 0;
        }
        bool keep = k->n < STMT_KEPT;
        sqlite3_stmt *st = NULL;
        int r = db_errno(sqlite3_prepare_v3(k->sql, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0,
                                            &st, NULL));
        if (r < 0)
                return r;
        /* Kept only when it is the whole text: sqlite3_sql() is the key. */
        if (keep && st && strcmp(sqlite3_sql(st), sql) == 0)
                k->stmt[k->n++] = (struct kept_stmt){.st = st, .hash = h, .in_use = true};
        *ret = st;
        return 0;
}

void db_release(sqlite3_stmt *st) {
        if (!st)
                return;
        sqlite3 *sql = sqlite3_db_handle(st);
        for (struct db_kept *k = open_sets; k; k = k->next_open) {
                if (k->sql != sql)
                        continue;
                for (unsigned i = 0; i < k->n; i++)
                        if (k->stmt[i].st == st) {
                                if (!k->stmt[i].in_use)
                                        return; /* let go twice: it is kept, not freed */
                                sqlite3_reset(st);
                                sqlite3_clear_bindings(st);
                                k->stmt[i].in_use = false;
                                return;
                        }
        }
        sqlite3_finalize(st);
}
