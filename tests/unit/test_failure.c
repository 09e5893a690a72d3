/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for failure and recovery: the failure-action arithmetic
 * (which action the Nth failure takes, when the count resets, what counts
 * as a failure, %1%), the failure tables (db_failure.c), and the last
 * known good copy (db_lkg.c) against a real SQLite file: a save and a
 * restore are whole, status records survive a restore, services marked for
 * delete are not copied, a column added after the save takes its default,
 * and a process killed inside the restore transaction leaves the
 * configuration exactly as it was.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdbool.h>

#include <cmocka.h>
#include <scm/error.h>
#include <scm/types.h>
#include <sqlite3.h>

#include "db.h"
#include "db_util.h"
#include "failure.h"
#include "failure_config.h"
#include "loop.h"
#include "service_config.h"

#define SEC USEC_PER_SEC

/* ---- the arithmetic ---- */

static void test_nth_action_then_the_last(void **state) {
        (void)state;
        struct failure_action a[] = {{FAILURE_ACTION_RESTART, 0},
                                     {FAILURE_ACTION_RESTART, 500},
                                     {FAILURE_ACTION_RUN, 1000}};
        struct failure_config c = {.actions = a, .n_actions = 3};
        assert_null(failure_action_for(&c, 0));
        assert_ptr_equal(failure_action_for(&c, 1), &a[0]);
        assert_ptr_equal(failure_action_for(&c, 2), &a[1]);
        assert_ptr_equal(failure_action_for(&c, 3), &a[2]);
        assert_ptr_equal(failure_action_for(&c, 4), &a[2]);
        assert_ptr_equal(failure_action_for(&c, 1000000), &a[2]);
        struct failure_config none = {0};
        assert_null(failure_action_for(&none, 1));
}

static void test_reset_period(void **state) {
        (void)state;
        usec_t t = 1000 * SEC;
        /* No failure yet: 0 whatever the period. */
        assert_int_equal(failure_count_current(0, 0, t, 2), 0);
        /* Within the period the count stands; from the period on it is 0. */
        assert_int_equal(failure_count_current(3, t, t + 1 * SEC, 2), 3);
        assert_int_equal(failure_count_current(3, t, t + 2 * SEC - 1, 2), 3);
        assert_int_equal(failure_count_current(3, t, t + 2 * SEC, 2), 0);
        /* Infinite: never. */
        assert_int_equal(failure_count_current(3, t, t + 1000000 * SEC, FAILURE_RESET_INFINITE), 3);
        /* 0 s: every failure is the first. */
        assert_int_equal(failure_count_current(5, t, t, 0), 0);
        /* A clock that went nowhere (same instant) is not a reset. */
        assert_int_equal(failure_count_current(1, t, t, 10), 1);
}

static void test_classify(void **state) {
        (void)state;
        const uint32_t aborted = SCM_ERROR_PROCESS_ABORTED, hang = SCM_ERROR_SERVICE_START_HANG,
                       timeout = SCM_ERROR_SERVICE_REQUEST_TIMEOUT,
                       specific = SCM_ERROR_SERVICE_SPECIFIC_ERROR;
        /* win32, desired running, stop requested, exec failed, non-crash flag */
        assert_int_equal(failure_classify(aborted, true, false, false, false), FAILURE_CRASH);
        assert_int_equal(failure_classify(hang, true, false, false, false), FAILURE_HANG);
        assert_int_equal(failure_classify(timeout, true, false, false, false), FAILURE_HANG);
        /* A stop somebody asked for is never a failure, whatever the code. */
        assert_int_equal(failure_classify(aborted, true, true, false, true), FAILURE_NOT);
        assert_int_equal(failure_classify(timeout, false, true, false, true), FAILURE_NOT);
        /* Nor a start that failed before exec. */
        assert_int_equal(failure_classify(SCM_ERROR_FILE_NOT_FOUND, true, false, true, true),
                         FAILURE_NOT);
        /* A clean stop is never one. */
        assert_int_equal(failure_classify(0, true, false, false, true), FAILURE_NOT);
        /* A stop with an error: only with the flag. */
        assert_int_equal(failure_classify(specific, false, false, false, false), FAILURE_NOT);
        assert_int_equal(failure_classify(specific, false, false, false, true), FAILURE_NON_CRASH);
        assert_int_equal(failure_classify(specific, true, false, false, true), FAILURE_NON_CRASH);
        /* A service that said it was stopping and then hung: not a hang of its
         * run, but a stop with an error. */
        assert_int_equal(failure_classify(timeout, false, false, false, false), FAILURE_NOT);
        assert_int_equal(failure_classify(timeout, false, false, false, true), FAILURE_NON_CRASH);
}

static void test_expand_command(void **state) {
        (void)state;
        char *s = failure_expand_command("/bin/page %1% --count=%1%", 12);
        assert_string_equal(s, "/bin/page 12 --count=12");
        free(s);
        s = failure_expand_command("no marker %1 %% 1%", 3);
        assert_string_equal(s, "no marker %1 %% 1%");
        free(s);
        s = failure_expand_command("%1%%1%", 4294967295u);
        assert_string_equal(s, "42949672954294967295");
        free(s);
}

static void test_action_names(void **state) {
        (void)state;
        for (int t = 0; t < _FAILURE_ACTION_MAX; t++)
                assert_int_equal(failure_action_from_name(failure_action_name(t)), t);
        assert_int_equal(failure_action_from_name("RESTART"), FAILURE_ACTION_INVALID);
        assert_int_equal(failure_action_from_name(NULL), FAILURE_ACTION_INVALID);
}

/* ---- the database ---- */

struct fixture {
        char dir[64];
        char path[128];
        struct db *db;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof(*f));
        strcpy(f->dir, "/tmp/scm-test-failure-XXXXXX");
        if (!mkdtemp(f->dir))
                return -1;
        snprintf(f->path, sizeof(f->path), "%s/scm.db", f->dir);
        if (db_open(f->path, &f->db) < 0)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;
        char cmd[256];
        db_close(f->db);
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        (void)!system(cmd);
        free(f);
        return 0;
}

static char *no_deps[] = {NULL};
static char *deps_b[] = {"a", "+Net", NULL};

static struct service_config config(const char *name, const char *cmd, char **deps) {
        return (struct service_config){
                .name = (char *)name,
                .display_name = (char *)name,
                .description = "",
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_AUTO,
                .error_control = SCM_ERROR_CRITICAL,
                .command_line = (char *)cmd,
                .account = "",
                .group = "",
                .dependencies = deps,
                .kind = SCM_KIND_PLAIN,
                .control_timeout_ms = 30000,
        };
}

static int64_t insert(struct db *db, const char *name, const char *cmd, char **deps) {
        struct service_config c = config(name, cmd, deps);
        int64_t id;
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        return id;
}

struct row {
        int64_t id;
        struct service_config config;
        struct db_status status;
};

struct rows {
        struct row v[16];
        int n;
};

static int collect(void *userdata, int64_t id, struct service_config *c,
                   const struct db_status *st) {
        struct rows *l = userdata;
        assert_true(l->n < 16);
        l->v[l->n] = (struct row){.id = id, .config = *c, .status = *st};
        *c = (struct service_config){0};
        l->n++;
        return 0;
}

static void rows_clear(struct rows *l) {
        for (int i = 0; i < l->n; i++)
                service_config_clear(&l->v[i].config);
        l->n = 0;
}

static const struct row *find(const struct rows *l, const char *name) {
        for (int i = 0; i < l->n; i++)
                if (strcmp(l->v[i].config.name, name) == 0)
                        return &l->v[i];
        return NULL;
}

static void test_failure_round_trip(void **state) {
        struct fixture *f = *state;
        int64_t id = insert(f->db, "a", "/bin/true", no_deps);
        struct failure_config c = {0};
        /* Nothing saved: the defaults. */
        assert_int_equal(db_failure_load(f->db, id, &c), 0);
        assert_int_equal(c.n_actions, 0);
        assert_int_equal(c.reset_period_s, 0);
        assert_string_equal(c.command, "");
        assert_false(c.non_crash_failures);
        failure_config_clear(&c);

        struct failure_action a[] = {{FAILURE_ACTION_RESTART, 5000},
                                     {FAILURE_ACTION_RUN, 1000},
                                     {FAILURE_ACTION_REBOOT, 0}};
        struct failure_config w = {.reset_period_s = 86400,
                                   .actions = a,
                                   .n_actions = 3,
                                   .command = "/bin/echo %1%",
                                   .reboot_message = "going down",
                                   .non_crash_failures = true};
        assert_int_equal(db_failure_save(f->db, id, &w), 0);
        assert_int_equal(db_failure_load(f->db, id, &c), 0);
        assert_int_equal(c.reset_period_s, 86400);
        assert_int_equal(c.n_actions, 3);
        for (int i = 0; i < 3; i++) {
                assert_int_equal(c.actions[i].type, a[i].type);
                assert_int_equal(c.actions[i].delay_ms, a[i].delay_ms);
        }
        assert_string_equal(c.command, "/bin/echo %1%");
        assert_string_equal(c.reboot_message, "going down");
        assert_true(c.non_crash_failures);
        failure_config_clear(&c);

        /* Fewer actions and an infinite period replace the old ones whole. */
        w.n_actions = 1;
        w.reset_period_s = FAILURE_RESET_INFINITE;
        assert_int_equal(db_failure_save(f->db, id, &w), 0);
        assert_int_equal(db_failure_load(f->db, id, &c), 0);
        assert_int_equal(c.n_actions, 1);
        assert_int_equal(c.reset_period_s, FAILURE_RESET_INFINITE);
        failure_config_clear(&c);

        /* They go with their service. */
        assert_int_equal(db_delete_service(f->db, id), 0);
        assert_int_equal(db_failure_load(f->db, id, &c), 0);
        assert_int_equal(c.n_actions, 0);
        failure_config_clear(&c);
}

static void test_lkg_none(void **state) {
        struct fixture *f = *state;
        struct db_lkg_info info;
        assert_int_equal(db_lkg_info(f->db, &info), 0);
        assert_int_equal(db_lkg_restore(f->db), -ENOENT);
}

static void test_lkg_save_and_restore(void **state) {
        struct fixture *f = *state;
        int64_t a = insert(f->db, "a", "/bin/good-a", no_deps);
        int64_t b = insert(f->db, "b", "/bin/good-b", deps_b);
        int64_t gone = insert(f->db, "gone", "/bin/gone", no_deps);
        assert_int_equal(db_mark_for_delete(f->db, gone), 0);
        struct failure_action act[] = {{FAILURE_ACTION_RESTART, 250}};
        struct failure_config fc = {.reset_period_s = 60,
                                    .actions = act,
                                    .n_actions = 1,
                                    .command = "",
                                    .reboot_message = ""};
        assert_int_equal(db_failure_save(f->db, a, &fc), 0);

        struct db_lkg_info info;
        assert_int_equal(db_lkg_save(f->db, &info), 0);
        assert_int_equal(info.services, 2); /* not the one marked for delete */
        assert_true(info.saved_at > 0);

        /* A bad change, a new service, a deleted one, other failure actions. */
        struct service_config broken = config("a", "/nonexistent/a", no_deps);
        assert_int_equal(db_update_service(f->db, a, &broken), 0);
        int64_t c = insert(f->db, "c", "/bin/c", no_deps);
        assert_int_equal(db_delete_service(f->db, b), 0);
        fc.n_actions = 0;
        assert_int_equal(db_failure_save(f->db, a, &fc), 0);
        struct db_status st = {.state = SCM_STATE_STOPPED, .win32_exit_code = 2};
        assert_int_equal(db_save_status(f->db, a, &st), 0);
        assert_int_equal(db_save_status(f->db, c, &st), 0);

        assert_int_equal(db_lkg_restore(f->db), 0);
        struct rows l = {0};
        assert_int_equal(db_load(f->db, collect, &l), 0);
        assert_int_equal(l.n, 2); /* "gone" was marked for delete: never copied */
        const struct row *ra = find(&l, "a"), *rb = find(&l, "b");
        assert_non_null(ra);
        assert_non_null(rb);
        assert_null(find(&l, "c"));
        assert_string_equal(ra->config.command_line, "/bin/good-a");
        assert_int_equal(ra->id, a);
        assert_string_equal(rb->config.command_line, "/bin/good-b");
        assert_string_equal(rb->config.dependencies[0], "a");
        assert_string_equal(rb->config.dependencies[1], "+Net");
        assert_null(rb->config.dependencies[2]);
        /* The status record of a service that stayed is kept. */
        assert_int_equal(ra->status.win32_exit_code, 2);
        rows_clear(&l);

        struct failure_config back = {0};
        assert_int_equal(db_failure_load(f->db, a, &back), 0);
        assert_int_equal(back.n_actions, 1);
        assert_int_equal(back.actions[0].delay_ms, 250);
        assert_int_equal(back.reset_period_s, 60);
        failure_config_clear(&back);

        /* The copy is still there: restoring twice gives the same. */
        assert_int_equal(db_lkg_info(f->db, &info), 1);
        assert_int_equal(db_lkg_restore(f->db), 0);
        assert_int_equal(db_load(f->db, collect, &l), 0);
        assert_int_equal(l.n, 2);
        rows_clear(&l);
}

/* A column that a later migration adds takes its default in a restore. */
static void test_lkg_newer_schema(void **state) {
        struct fixture *f = *state;
        insert(f->db, "a", "/bin/a", no_deps);
        struct db_lkg_info info;
        assert_int_equal(db_lkg_save(f->db, &info), 0);
        assert_int_equal(sqlite3_exec(db_sqlite(f->db),
                                      "ALTER TABLE services ADD COLUMN later INTEGER NOT NULL "
                                      "DEFAULT 42",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        assert_int_equal(db_lkg_restore(f->db), 0);
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_prepare_v2(db_sqlite(f->db),
                                            "SELECT later FROM services WHERE name = 'a'", -1, &st,
                                            NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int(st, 0), 42);
        sqlite3_finalize(st);
}

/* Killed inside the restore transaction: nothing of it is left. */
static void test_lkg_crash_inside_restore(void **state) {
        struct fixture *f = *state;
        int64_t a = insert(f->db, "a", "/bin/good", no_deps);
        struct db_lkg_info info;
        assert_int_equal(db_lkg_save(f->db, &info), 0);
        struct service_config broken = config("a", "/bin/broken", no_deps);
        assert_int_equal(db_update_service(f->db, a, &broken), 0);
        insert(f->db, "new", "/bin/new", no_deps);

        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* A connection of its own, as another scmd process would have. */
                struct db *db;
                if (db_open(f->path, &db) < 0)
                        _exit(1);
                setenv("SCMD_TEST_CRASH_POINT", "lkg-restore", 1);
                db_lkg_restore(db);
                _exit(0); /* not reached */
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

        /* Reopen, as the next scmd would: the broken configuration is still
         * there whole, and so is the copy. */
        db_close(f->db);
        assert_int_equal(db_open(f->path, &f->db), 0);
        struct rows l = {0};
        assert_int_equal(db_load(f->db, collect, &l), 0);
        assert_int_equal(l.n, 2);
        assert_string_equal(find(&l, "a")->config.command_line, "/bin/broken");
        assert_non_null(find(&l, "new"));
        rows_clear(&l);
        assert_int_equal(db_lkg_info(f->db, &info), 1);
        assert_int_equal(info.services, 1);
        /* And the restore works now. */
        assert_int_equal(db_lkg_restore(f->db), 0);
        assert_int_equal(db_load(f->db, collect, &l), 0);
        assert_int_equal(l.n, 1);
        assert_string_equal(find(&l, "a")->config.command_line, "/bin/good");
        rows_clear(&l);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nth_action_then_the_last),
                cmocka_unit_test(test_reset_period),
                cmocka_unit_test(test_classify),
                cmocka_unit_test(test_expand_command),
                cmocka_unit_test(test_action_names),
                cmocka_unit_test_setup_teardown(test_failure_round_trip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lkg_none, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lkg_save_and_restore, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lkg_newer_schema, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lkg_crash_inside_restore, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
