/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/scmd/db.c against a real SQLite file in a temporary
 * folder: the schema is created and versioned, a service survives a close
 * and reopen byte for byte, uniqueness is case-insensitive, a failed
 * change leaves nothing behind, and a database from a newer scmd is
 * refused rather than touched; a scheduled task's least privilege comes
 * back whole, and its group and secrets are kept under its own key, apart
 * from a service's of the same name.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stdbool.h>

#include <cmocka.h>
#include <scm/error.h>
#include <scm/types.h>
#include <sqlite3.h>

#include "db.h"
#include "cmdline.h"
#include "db_task.h"
#include "db_util.h"
#include "log.h"
#include "security_config.h"
#include "service_config.h"
#include "task_config.h"

/* The schema this scmd writes; bump with each migration added to db.c. */
#define SCHEMA_VERSION_NOW 20

struct fixture {
        char dir[64];
        char path[128];
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/scm-test-db-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/scm.db", f->dir);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        (void)!system(cmd);
        free(f);
        return 0;
}

static char *deps_web[] = {"db", "+Network", NULL};

static struct service_config web(void) {
        return (struct service_config){
                .name = "Web",
                .display_name = "Web server",
                .description = "serves",
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_AUTO,
                .error_control = SCM_ERROR_SEVERE,
                .command_line = "/usr/bin/python3 -m http.server",
                .account = "nobody",
                .group = "Net",
                .dependencies = deps_web,
                .kind = SCM_KIND_NOTIFY,
                .control_timeout_ms = 1234,
                .watchdog_ms = 5000,
                .pause_by_freeze = true,
                .preshutdown_timeout_ms = 0xFFFFFFFFu,
        };
}

struct loaded {
        int count;
        int64_t id;
        struct service_config config;
        struct db_status status;
};

static int collect(void *userdata, int64_t id, struct service_config *c,
                   const struct db_status *st) {
        struct loaded *l = userdata;
        l->count++;
        l->id = id;
        service_config_clear(&l->config);
        l->config = *c;
        *c = (struct service_config){0};
        l->status = *st;
        return 0;
}

static void test_schema_version(void **state) {
        struct fixture *f = *state;
        struct db *db;
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_schema_version(db), SCHEMA_VERSION_NOW);
        db_close(db);
        /* Reopening migrates nothing and keeps the version. */
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_schema_version(db), SCHEMA_VERSION_NOW);
        db_close(db);
}

static void test_round_trip(void **state) {
        struct fixture *f = *state;
        struct db *db;
        struct service_config c = web();
        int64_t id;
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        struct db_status st = {.state = SCM_STATE_RUNNING, .win32_exit_code = 1067, .pid = 99};
        assert_int_equal(db_save_status(db, id, &st), 0);
        db_close(db);

        struct loaded l = {0};
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_int_equal(l.count, 1);
        assert_int_equal(l.id, id);
        assert_string_equal(l.config.name, "Web");
        assert_string_equal(l.config.display_name, "Web server");
        assert_string_equal(l.config.description, "serves");
        assert_int_equal(l.config.start_type, SCM_START_AUTO);
        assert_int_equal(l.config.error_control, SCM_ERROR_SEVERE);
        assert_string_equal(l.config.command_line, "/usr/bin/python3 -m http.server");
        assert_string_equal(l.config.account, "nobody");
        assert_string_equal(l.config.group, "Net");
        assert_string_equal(l.config.dependencies[0], "db");
        assert_string_equal(l.config.dependencies[1], "+Network");
        assert_null(l.config.dependencies[2]);
        assert_int_equal(l.config.kind, SCM_KIND_NOTIFY);
        assert_int_equal(l.config.control_timeout_ms, 1234);
        assert_int_equal(l.config.watchdog_ms, 5000);
        assert_true(l.config.pause_by_freeze);
        assert_int_equal(l.config.preshutdown_timeout_ms, 0xFFFFFFFFu);
        assert_int_equal(l.status.state, SCM_STATE_RUNNING);
        assert_int_equal(l.status.win32_exit_code, 1067);
        assert_false(l.status.marked_for_delete);
        service_config_clear(&l.config);
        db_close(db);
}

static void test_names_unique_ignoring_case(void **state) {
        struct fixture *f = *state;
        struct db *db;
        struct service_config c = web();
        int64_t id;
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        c.name = "WEB";
        c.display_name = "other";
        assert_int_equal(db_insert_service(db, &c, &id), -EEXIST);
        c.name = "other";
        c.display_name = "WEB SERVER";
        assert_int_equal(db_insert_service(db, &c, &id), -EEXIST);

        /* The failed inserts left nothing, not even dependencies. */
        struct loaded l = {0};
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_int_equal(l.count, 1);
        service_config_clear(&l.config);
        db_close(db);
}

static void test_update_and_delete(void **state) {
        struct fixture *f = *state;
        struct db *db;
        struct service_config c = web();
        int64_t id;
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        c.start_type = SCM_START_DISABLED;
        c.dependencies = NULL;
        assert_int_equal(db_update_service(db, id, &c), 0);
        struct loaded l = {0};
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_int_equal(l.config.start_type, SCM_START_DISABLED);
        assert_null(l.config.dependencies[0]);
        service_config_clear(&l.config);

        assert_int_equal(db_mark_for_delete(db, id), 0);
        l = (struct loaded){0};
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_true(l.status.marked_for_delete);
        service_config_clear(&l.config);

        assert_int_equal(db_delete_service(db, id), 0);
        l = (struct loaded){0};
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_int_equal(l.count, 0);
        db_close(db);
}

static int count_services(struct db *db) {
        struct loaded l = {0};
        assert_int_equal(db_load(db, collect, &l), 0);
        service_config_clear(&l.config);
        return l.count;
}

/* A batch commits or rolls back whole; a change that fails inside it is
 * undone alone (a savepoint) and the batch goes on. */
static void test_batch(void **state) {
        struct fixture *f = *state;
        struct db *db;
        struct service_config c = web();
        int64_t id;
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_batch_begin(db), 0);
        assert_int_equal(db_batch_begin(db), -EBUSY);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        assert_int_equal(db_insert_service(db, &c, &id), -EEXIST);
        c.name = "other";
        c.display_name = "other";
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        assert_int_equal(count_services(db), 2);
        assert_int_equal(db_batch_end(db, false), 0);
        assert_int_equal(count_services(db), 0);

        assert_int_equal(db_batch_begin(db), 0);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        c = web();
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        assert_int_equal(db_batch_end(db, true), 0);
        assert_int_equal(db_batch_end(db, true), -EINVAL);
        db_close(db);

        /* What was committed is on disk; a change after a batch is its own
         * transaction again. */
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(count_services(db), 2);
        assert_int_equal(db_delete_service(db, id), 0);
        assert_int_equal(count_services(db), 1);
        db_close(db);
}

static void test_newer_schema_refused(void **state) {
        struct fixture *f = *state;
        sqlite3 *sql;
        assert_int_equal(sqlite3_open(f->path, &sql), SQLITE_OK);
        assert_int_equal(sqlite3_exec(sql, "PRAGMA user_version = 99", NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(sql);
        struct db *db;
        assert_int_equal(db_open(f->path, &db), -EPROTO);
        /* Untouched. */
        assert_int_equal(sqlite3_open(f->path, &sql), SQLITE_OK);
        sqlite3_stmt *st;
        sqlite3_prepare_v2(sql, "PRAGMA user_version", -1, &st, NULL);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 99);
        sqlite3_finalize(st);
        sqlite3_close(sql);
}

/* A database written by the first schema keeps its services and their
 * rows in other tables through every migration, and they get the defaults
 * of the columns added since. */
static void test_migrates_version_1(void **state) {
        struct fixture *f = *state;
        sqlite3 *sql;
        assert_int_equal(sqlite3_open(f->path, &sql), SQLITE_OK);
        assert_int_equal(
                sqlite3_exec(
                        sql,
                        "CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE"
                        " COLLATE NOCASE, display_name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
                        " description TEXT NOT NULL DEFAULT '', type TEXT NOT NULL, start_type"
                        " TEXT NOT NULL, error_control TEXT NOT NULL, command_line TEXT NOT NULL,"
                        " account TEXT NOT NULL DEFAULT '', load_group TEXT NOT NULL DEFAULT '',"
                        " marked_for_delete INTEGER NOT NULL DEFAULT 0);"
                        "CREATE TABLE dependencies (service_id INTEGER NOT NULL REFERENCES"
                        " services(id) ON DELETE CASCADE, position INTEGER NOT NULL, target TEXT"
                        " NOT NULL, PRIMARY KEY (service_id, position));"
                        "CREATE TABLE service_status (service_id INTEGER PRIMARY KEY REFERENCES"
                        " services(id) ON DELETE CASCADE, state TEXT NOT NULL, win32_exit_code"
                        " INTEGER NOT NULL DEFAULT 0, service_exit_code INTEGER NOT NULL DEFAULT"
                        " 0, pid INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL DEFAULT"
                        " 0);"
                        "INSERT INTO services (name, display_name, type, start_type,"
                        " error_control, command_line) VALUES ('old', 'Old', 'own', 'auto',"
                        " 'normal', '/bin/true');"
                        "INSERT INTO dependencies VALUES (1, 0, 'other');"
                        "PRAGMA user_version = 1;",
                        NULL, NULL, NULL),
                SQLITE_OK);
        sqlite3_close(sql);

        struct db *db;
        struct loaded l = {0};
        assert_int_equal(db_open(f->path, &db), 0);
        assert_int_equal(db_schema_version(db), SCHEMA_VERSION_NOW);
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_int_equal(l.count, 1);
        assert_string_equal(l.config.name, "old");
        assert_int_equal(l.config.start_type, SCM_START_AUTO);
        assert_int_equal(l.config.kind, SCM_KIND_PLAIN);
        assert_int_equal(l.config.control_timeout_ms, 30000);
        assert_int_equal(l.config.watchdog_ms, 0);
        assert_false(l.config.pause_by_freeze);
        assert_int_equal(l.config.preshutdown_timeout_ms, 180000);
        /* Migration 12 makes the services table again: its references hold. */
        assert_non_null(l.config.dependencies);
        assert_string_equal(l.config.dependencies[0], "other");
        service_config_clear(&l.config);
        db_close(db);
}

static int take_task(void *userdata, int64_t id, struct task_config *c, int64_t checked) {
        (void)id;
        (void)checked;
        *(struct task_config *)userdata = *c;
        memset(c, 0, sizeof(*c));
        return 0;
}

static int count_secret(void *userdata, const struct db_secret_row *row) {
        (void)row;
        ++*(int *)userdata;
        return 0;
}

static int secrets_of(struct db *db, const char *owner) {
        int n = 0;
        assert_int_equal(db_secret_list(db, owner, count_secret, &n), 0);
        return n;
}

static void put_secret(struct db *db, const char *owner) {
        unsigned char bytes[4] = {1, 2, 3, 4};
        struct sealed_secret sealed = {
                .ciphertext = bytes, .ciphertext_size = sizeof(bytes), .plaintext_size = 0};
        assert_int_equal(db_secret_put(db, owner, "pw", &sealed, NULL), 0);
}

static void test_task_security(void **state) {
        struct fixture *f = *state;
        struct db *db;
        assert_int_equal(db_open(f->path, &db), 0);
        struct service_config web_config = web();
        int64_t service_id, task_id;
        assert_int_equal(db_insert_service(db, &web_config, &service_id), 0);

        char *paths[] = {"/srv/a", "/srv/b", NULL};
        struct service_security sec = {.privileges = 1ULL << 10 | 1ULL << 13,
                                       .sid_type = SID_TYPE_RESTRICTED,
                                       .gid = 815000,
                                       .writable_paths = paths,
                                       .restrict_network = true};
        struct task_config t = {.name = "Web",
                                .command_line = "true",
                                .account = "nobody",
                                .time_zone = "",
                                .enabled = true,
                                .security = &sec,
                                .setuid_allowed = true};
        assert_int_equal(db_task_save(db, 0, &t, &task_id), 0);
        gid_t gid = 0;
        assert_int_equal(db_security_gid_of(db, "task/Web", &gid), 1);
        assert_int_equal(gid, 815000);
        assert_int_equal(db_security_gid_of(db, "Web", &gid), 0); /* the service has none */
        db_close(db);

        assert_int_equal(db_open(f->path, &db), 0);
        struct task_config got = {0};
        assert_int_equal(db_task_load(db, take_task, &got), 0);
        assert_string_equal(got.name, "Web");
        assert_true(got.setuid_allowed);
        assert_non_null(got.security);
        assert_int_equal(got.security->privileges, sec.privileges);
        assert_int_equal(got.security->sid_type, SID_TYPE_RESTRICTED);
        assert_int_equal(got.security->gid, 815000);
        assert_true(got.security->restrict_network);
        assert_false(got.security->allow_weak_isolation);
        assert_string_equal(got.security->writable_paths[0], "/srv/a");
        assert_string_equal(got.security->writable_paths[1], "/srv/b");
        assert_null(got.security->writable_paths[2]);

        /* A task's secrets are no orphans; a name with neither service nor
         * task has; deleting the task takes its own, not the service's. */
        put_secret(db, "task/Web");
        put_secret(db, "Web");
        put_secret(db, "gone");
        assert_int_equal(db_secret_drop_orphans(db), 0);
        assert_int_equal(secrets_of(db, "task/Web"), 1);
        assert_int_equal(secrets_of(db, "Web"), 1);
        assert_int_equal(secrets_of(db, "gone"), 0);
        assert_int_equal(db_task_delete(db, task_id), 0);
        assert_int_equal(secrets_of(db, "task/Web"), 0);
        assert_int_equal(secrets_of(db, "Web"), 1);
        /* Its group stays its key's, and its settings went with it. */
        assert_int_equal(db_security_gid_of(db, "task/Web", &gid), 1);
        struct service_security *left = NULL;
        assert_int_equal(db_task_security_load(db, task_id, "task/none", &left), 0);
        assert_null(left);
        task_config_clear(&got);
        db_close(db);
}

static void test_not_a_database(void **state) {
        struct fixture *f = *state;
        FILE *fp = fopen(f->path, "w");
        fputs("this is not an SQLite database, and it is long enough to have a header......\n", fp);
        fclose(fp);
        struct db *db;
        assert_true(db_open(f->path, &db) < 0);
}

/* Statements of db_prepare() are kept: the same text gives the same
 * statement again, with its bindings cleared and its last run reset; a
 * nested use gets one of its own; past the limit, none is kept; two
 * databases keep theirs apart. */
static void test_statements_kept(void **state) {
        struct fixture *f = *state;
        struct db *db;
        assert_int_equal(db_open(f->path, &db), 0);
        const char *sql = "SELECT ?1, name FROM group_order";
        sqlite3_stmt *a = NULL, *b = NULL;
        assert_int_equal(db_prepare(db, sql, &a), 0);
        sqlite3_bind_int(a, 1, 7);
        assert_int_equal(sqlite3_step(a), SQLITE_DONE);
        /* In use: a nested use of the same text is another statement. */
        assert_int_equal(db_prepare(db, sql, &b), 0);
        assert_ptr_not_equal(a, b);
        db_release(b);
        db_release(a);
        sqlite3_stmt *again = NULL;
        assert_int_equal(db_prepare(db, sql, &again), 0);
        assert_ptr_equal(again, a);
        assert_false(sqlite3_stmt_busy(again));
        assert_int_equal(sqlite3_bind_parameter_count(again), 1);
        /* Bindings cleared: ?1 reads NULL until bound again. */
        assert_int_equal(db_exec(db, "INSERT INTO group_order (position, name) VALUES (1, 'G')"),
                         0);
        assert_int_equal(sqlite3_step(again), SQLITE_ROW);
        assert_int_equal(sqlite3_column_type(again, 0), SQLITE_NULL);
        /* Let go mid-run: reset, so a write can follow. */
        db_release(again);
        db_release(again); /* twice: still kept, not freed (ASan would see a use after it) */
        assert_int_equal(db_exec(db, "DELETE FROM group_order"), 0);
        assert_int_equal(db_prepare(db, sql, &again), 0);
        assert_ptr_equal(again, a);
        db_release(again);

        /* A text built at run time is kept by its text, not its address. */
        char buf[64];
        sqlite3_stmt *x = NULL, *y = NULL;
        snprintf(buf, sizeof(buf), "SELECT %d", 1);
        assert_int_equal(db_prepare(db, buf, &x), 0);
        db_release(x);
        snprintf(buf, sizeof(buf), "SELECT %d", 2);
        assert_int_equal(db_prepare(db, buf, &y), 0);
        assert_int_equal(sqlite3_step(y), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(y, 0), 2);
        db_release(y);

        /* Many texts: those past the limit are finalised when let go. */
        int before = 0, after = 0;
        for (sqlite3_stmt *st = sqlite3_next_stmt(db_sqlite(db), NULL); st;
             st = sqlite3_next_stmt(db_sqlite(db), st))
                before++;
        for (int i = 0; i < 400; i++) {
                sqlite3_stmt *st = NULL;
                snprintf(buf, sizeof(buf), "SELECT %d + 1000", i);
                assert_int_equal(db_prepare(db, buf, &st), 0);
                assert_int_equal(sqlite3_step(st), SQLITE_ROW);
                assert_int_equal(sqlite3_column_int(st, 0), i + 1000);
                db_release(st);
        }
        for (sqlite3_stmt *st = sqlite3_next_stmt(db_sqlite(db), NULL); st;
             st = sqlite3_next_stmt(db_sqlite(db), st))
                after++;
        assert_true(after - before < 200);

        /* A second database: its own statements, released to it. */
        char path2[160];
        snprintf(path2, sizeof(path2), "%s/other.db", f->dir);
        struct db *db2;
        assert_int_equal(db_open(path2, &db2), 0);
        sqlite3_stmt *c = NULL, *d = NULL;
        assert_int_equal(db_prepare(db2, sql, &c), 0);
        assert_ptr_not_equal(c, a);
        assert_ptr_equal(sqlite3_db_handle(c), db_sqlite(db2));
        db_release(c);
        assert_int_equal(db_prepare(db2, sql, &d), 0);
        assert_ptr_equal(d, c);
        db_release(d);
        db_close(db2);
        db_close(db);
}

int main(void) {
        log_set_level(LOG_LEVEL_ERROR);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
                cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_names_unique_ignoring_case, setup, teardown),
                cmocka_unit_test_setup_teardown(test_update_and_delete, setup, teardown),
                cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
                cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_migrates_version_1, setup, teardown),
                cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
                cmocka_unit_test_setup_teardown(test_task_security, setup, teardown),
                cmocka_unit_test_setup_teardown(test_statements_kept, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
