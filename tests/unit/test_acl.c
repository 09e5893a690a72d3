/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for access lists (acl.c, db_acl.c, rpc.c's table): the text
 * form round-trips byte for byte, every parse error names the word that
 * is wrong, the check grants exactly the union of the matching entries,
 * admins pass everything, every method of the protocol names the right it
 * needs, and lists survive the database and go with their service.  The
 * check against real users over the socket is
 * tests/integration/test_acl.sh.
 */
#include <errno.h>
#include <pwd.h>
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
#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "acl.h"
#include "db.h"
#include "rpc.h"
#include "service_config.h"

#define R(x) ACL_BIT(ACL_##x)

/* text parsed (strictly) and formatted again. */
static char *canonical(const char *text, enum acl_object object) {
        struct acl *acl = NULL;
        char *error = NULL;
        int r = acl_parse(text, object, true, &acl, &error);
        if (r < 0)
                fail_msg("'%s' does not parse: %s", text, error ? error : "?");
        char *out = acl_format(acl, object);
        acl_free(acl);
        return out;
}

static void assert_canonical(const char *text, enum acl_object object, const char *expected) {
        char *out = canonical(text, object);
        assert_string_equal(out, expected);
        /* And the canonical form is a fixed point: sdshow -> sdset -> sdshow. */
        char *again = canonical(out, object);
        assert_string_equal(again, out);
        free(again);
        free(out);
}

static void test_round_trip(void **state) {
        (void)state;
        const enum acl_object S = ACL_OBJECT_SERVICE, M = ACL_OBJECT_SCM;
        assert_canonical("allow everyone query-status,query-config; allow user:root start,stop", S,
                         "allow everyone query-config,query-status; allow user:root start,stop");
        /* Any spacing, commas or blanks between rights, a trailing ';'. */
        assert_canonical("  allow\teveryone  stop ,start;;allow uid:007 delete ; ", S,
                         "allow everyone start,stop; allow uid:7 delete");
        /* One entry per principal, where it first came; rights merged. */
        assert_canonical("allow gid:5 stop; allow everyone start; allow gid:5 start,stop", S,
                         "allow gid:5 start,stop; allow everyone start");
        assert_canonical("allow group:root all; allow account interrogate", S,
                         "allow group:root all; allow account interrogate");
        /* Every right listed one by one is "all". */
        assert_canonical("allow uid:1 query-config,change-config,query-status,enumerate-dependents,"
                         "start,stop,pause-continue,interrogate,user-defined-control,delete,"
                         "read-control,write-dac,read-log",
                         S, "allow uid:1 all");
        assert_canonical("allow everyone connect,enumerate; allow uid:4294967294 write-dac", M,
                         "allow everyone connect,enumerate; allow uid:4294967294 write-dac");
        /* The empty list: admins only. */
        assert_canonical("", S, "");
        assert_canonical(" ; ", M, "");

        /* The defaults, as sdshow shows them. */
        char *t = acl_format(NULL, S);
        assert_string_equal(t, "allow everyone query-config,query-status,enumerate-dependents,"
                               "interrogate,user-defined-control,read-control; allow account "
                               "query-config,query-status,interrogate");
        free(t);
        t = acl_format(NULL, M);
        assert_string_equal(t, "allow everyone connect,enumerate,query-lock-status,read-control");
        free(t);
}

static void assert_parse_error(const char *text, enum acl_object object, const char *word) {
        struct acl *acl = NULL;
        char *error = NULL;
        assert_int_equal(acl_parse(text, object, true, &acl, &error), -EINVAL);
        assert_null(acl);
        assert_non_null(error);
        if (!strstr(error, word))
                fail_msg("the error for '%s' (%s) does not name '%s'", text, error, word);
        free(error);
}

static void test_parse_errors(void **state) {
        (void)state;
        const enum acl_object S = ACL_OBJECT_SERVICE, M = ACL_OBJECT_SCM;
        assert_parse_error("allow everyone stopp", S, "'stopp'");
        /* A right of the other object. */
        assert_parse_error("allow everyone connect", S, "'connect'");
        assert_parse_error("allow everyone start", M, "'start'");
        assert_parse_error("allow bob stop", S, "'bob'");
        assert_parse_error("allow uid:x stop", S, "'uid:x'");
        assert_parse_error("allow uid:-1 stop", S, "'uid:-1'");
        assert_parse_error("allow gid:4294967295 stop", S, "'gid:4294967295'");
        assert_parse_error("allow user: stop", S, "'user:'");
        assert_parse_error("permit everyone stop", S, "'permit'");
        assert_parse_error("allow", S, "'allow'");
        assert_parse_error("allow everyone", S, "'everyone'");
        assert_parse_error("allow account stop", M, "'account'");
        assert_parse_error("allow user:scm-no-such-user-x stop", S, "'scm-no-such-user-x'");
        assert_parse_error("allow group:scm-no-such-group-x stop", S, "'scm-no-such-group-x'");

        /* Not strict (a list read back from the database): a name that no
         * longer exists stays, and matches nobody. */
        struct acl *acl = NULL;
        assert_int_equal(acl_parse("allow user:scm-no-such-user-x stop", S, false, &acl, NULL), 0);
        struct acl_caller c = {.uid = 4242, .gid = 4242};
        assert_int_equal(acl_granted(acl, S, &c, NULL, R(STOP)), 0);
        char *t = acl_format(acl, S);
        assert_string_equal(t, "allow user:scm-no-such-user-x stop");
        free(t);
        acl_free(acl);

        /* Too many entries, too long. */
        char big[ACL_TEXT_MAX_BYTES + 2];
        memset(big, ' ', sizeof(big) - 1);
        big[sizeof(big) - 1] = '\0';
        assert_parse_error(big, S, "longer");
        char many[4096] = "";
        for (int i = 0; i <= ACL_ENTRIES_MAX; i++)
                snprintf(many + strlen(many), sizeof(many) - strlen(many), "allow uid:%d stop;", i);
        assert_parse_error(many, S, "entries");
}

static struct acl *parse(const char *text, enum acl_object object) {
        struct acl *acl = NULL;
        assert_int_equal(acl_parse(text, object, true, &acl, NULL), 0);
        return acl;
}

static void test_checks(void **state) {
        (void)state;
        const enum acl_object S = ACL_OBJECT_SERVICE;
        gid_t groups[] = {300, 301};
        struct acl_caller alice = {.uid = 1001, .gid = 100, .groups = groups, .n_groups = 2};
        struct acl_caller bob = {.uid = 1002, .gid = 100};

        struct acl *acl = parse("allow everyone query-status; allow uid:1001 stop; "
                                "allow gid:301 start; allow gid:100 interrogate",
                                S);
        assert_int_equal(acl_granted(acl, S, &alice, NULL, R(STOP)), R(STOP));
        assert_int_equal(acl_granted(acl, S, &bob, NULL, R(STOP)), 0);
        /* Supplementary groups count, and the primary group. */
        assert_int_equal(acl_granted(acl, S, &alice, NULL, R(START)), R(START));
        assert_int_equal(acl_granted(acl, S, &bob, NULL, R(START)), 0);
        assert_int_equal(acl_granted(acl, S, &bob, NULL, R(INTERROGATE)), R(INTERROGATE));
        /* The union of the entries, and only what was asked. */
        assert_int_equal(acl_granted(acl, S, &alice, NULL, R(STOP) | R(START) | R(DELETE)),
                         R(STOP) | R(START));
        assert_int_equal(acl_granted(acl, S, &bob, NULL, R(QUERY_STATUS)), R(QUERY_STATUS));
        /* An admin holds every right, whatever the list. */
        struct acl_caller admin = bob;
        admin.admin = true;
        assert_int_equal(acl_granted(acl, S, &admin, NULL, R(DELETE) | R(WRITE_DAC)),
                         R(DELETE) | R(WRITE_DAC));
        acl_free(acl);

        /* The empty list: nobody but admins. */
        acl = parse("", S);
        assert_int_equal(acl_granted(acl, S, &alice, NULL, R(QUERY_STATUS)), 0);
        assert_int_equal(acl_granted(acl, S, &admin, NULL, R(QUERY_STATUS)), R(QUERY_STATUS));
        acl_free(acl);

        /* Names resolve when parsed: user:root is uid 0. */
        acl = parse("allow user:root stop; allow group:root start", S);
        struct acl_caller root_like = {.uid = 0, .gid = 0};
        assert_int_equal(acl_granted(acl, S, &root_like, NULL, R(STOP) | R(START)),
                         R(STOP) | R(START));
        assert_int_equal(acl_granted(acl, S, &alice, NULL, R(STOP) | R(START)), 0);
        acl_free(acl);

        /* The defaults. */
        assert_int_equal(acl_granted(NULL, S, &alice, NULL,
                                     R(QUERY_STATUS) | R(QUERY_CONFIG) | R(INTERROGATE) |
                                             R(ENUMERATE_DEPENDENTS) | R(USER_DEFINED_CONTROL) |
                                             R(READ_CONTROL)),
                         R(QUERY_STATUS) | R(QUERY_CONFIG) | R(INTERROGATE) |
                                 R(ENUMERATE_DEPENDENTS) | R(USER_DEFINED_CONTROL) |
                                 R(READ_CONTROL));
        assert_int_equal(acl_granted(NULL, S, &alice, NULL,
                                     R(START) | R(STOP) | R(PAUSE_CONTINUE) | R(CHANGE_CONFIG) |
                                             R(DELETE) | R(WRITE_DAC)),
                         0);
        const enum acl_object M = ACL_OBJECT_SCM;
        assert_int_equal(acl_granted(NULL, M, &alice, NULL, R(CONNECT) | R(ENUMERATE)),
                         R(CONNECT) | R(ENUMERATE));
        assert_int_equal(
                acl_granted(NULL, M, &alice, NULL,
                            R(CREATE_SERVICE) | R(LOCK) | R(MODIFY_BOOT_CONFIG) | R(WRITE_DAC)),
                0);
}

static void test_account_principal(void **state) {
        (void)state;
        struct passwd *pw = getpwnam("nobody");
        if (!pw)
                skip();
        const enum acl_object S = ACL_OBJECT_SERVICE;
        struct acl_caller nobody = {.uid = pw->pw_uid, .gid = pw->pw_gid};
        struct acl_caller other = {.uid = pw->pw_uid - 1, .gid = pw->pw_gid};
        struct acl *acl = parse("allow account stop", S);
        assert_int_equal(acl_granted(acl, S, &nobody, "nobody", R(STOP)), R(STOP));
        assert_int_equal(acl_granted(acl, S, &other, "nobody", R(STOP)), 0);
        assert_int_equal(acl_granted(acl, S, &nobody, "", R(STOP)), 0); /* LocalSystem */
        acl_free(acl);
}

static void test_admins(void **state) {
        (void)state;
        assert_true(acl_caller_is_admin(0, 0, NULL, 0));
        assert_true(acl_caller_is_admin(geteuid(), 12345, NULL, 0));
        if (geteuid() != 4242)
                assert_false(acl_caller_is_admin(4242, 4242, NULL, 0));
}

static void test_every_method_names_its_right(void **state) {
        (void)state;
        size_t n;
        const struct rpc_method *m = rpc_methods(&n);
        assert_true(n > 0);
        for (size_t i = 0; i < n; i++) {
                if (m[i].object == RPC_ADMINS_ONLY)
                        continue;
                if (m[i].rights == 0 && !m[i].rights_of)
                        fail_msg("method '%s' names no right: only admins could call it",
                                 m[i].name);
                enum acl_object object =
                        m[i].object == RPC_ON_SCM ? ACL_OBJECT_SCM : ACL_OBJECT_SERVICE;
                if (m[i].rights & ~acl_object_rights(object))
                        fail_msg("method '%s' needs a right its object does not have", m[i].name);
                assert_ptr_equal(rpc_find_method(m[i].name), &m[i]);
        }
        assert_null(rpc_find_method("no_such_method"));
}

static uint32_t control_right(json_t *control) {
        json_t *params = json_pack("{s:s, s:o}", "name", "web", "control", control);
        struct rpc_call call = {.params = params};
        uint32_t r = rpc_control_rights(&call);
        assert_null(call.error);
        json_decref(params);
        return r;
}

static void test_control_rights(void **state) {
        (void)state;
        assert_int_equal(control_right(json_string("stop")), R(STOP));
        assert_int_equal(control_right(json_string("pause")), R(PAUSE_CONTINUE));
        assert_int_equal(control_right(json_string("continue")), R(PAUSE_CONTINUE));
        assert_int_equal(control_right(json_string("paramchange")), R(PAUSE_CONTINUE));
        assert_int_equal(control_right(json_string("interrogate")), R(INTERROGATE));
        assert_int_equal(control_right(json_integer(200)), R(USER_DEFINED_CONTROL));
}

static int collect(void *userdata, int64_t id, struct service_config *config,
                   const struct db_status *status) {
        (void)id;
        (void)status;
        char **out = userdata;
        *out = acl_format(config->access, ACL_OBJECT_SERVICE);
        assert_non_null(*out);
        if (!config->access) {
                free(*out);
                *out = strdup("(default)");
        }
        return 0;
}

static void test_database(void **state) {
        (void)state;
        char dir[] = "/tmp/scm-unit-acl.XXXXXX", path[64];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/scm.db", dir);
        struct db *db;
        assert_int_equal(db_open(path, &db), 0);

        struct service_config c = {
                .name = (char *)"web",
                .display_name = (char *)"web",
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_DEMAND,
                .error_control = SCM_ERROR_NORMAL,
                .command_line = (char *)"/bin/true",
        };
        int64_t id;
        assert_int_equal(db_insert_service(db, &c, &id), 0);

        /* A new service has no list of its own: the default. */
        char *loaded = NULL;
        assert_int_equal(db_load(db, collect, &loaded), 0);
        assert_string_equal(loaded, "(default)");
        free(loaded);

        struct acl *acl = parse("allow everyone query-status; allow uid:5 all", ACL_OBJECT_SERVICE);
        assert_int_equal(db_acl_save_service(db, id, acl), 0);
        acl_free(acl);
        assert_int_equal(db_load(db, collect, &loaded), 0);
        assert_string_equal(loaded, "allow everyone query-status; allow uid:5 all");
        free(loaded);

        /* Back to the default. */
        assert_int_equal(db_acl_save_service(db, id, NULL), 0);
        assert_int_equal(db_load(db, collect, &loaded), 0);
        assert_string_equal(loaded, "(default)");
        free(loaded);

        /* The SCM's own. */
        struct acl *scm = NULL;
        assert_int_equal(db_acl_load_scm(db, &scm), 0);
        assert_null(scm);
        acl = parse("allow gid:10 connect,create-service", ACL_OBJECT_SCM);
        assert_int_equal(db_acl_save_scm(db, acl), 0);
        acl_free(acl);
        assert_int_equal(db_acl_load_scm(db, &scm), 0);
        char *t = acl_format(scm, ACL_OBJECT_SCM);
        assert_string_equal(t, "allow gid:10 connect,create-service");
        free(t);
        acl_free(scm);

        /* A deleted service's list goes with it. */
        acl = parse("allow uid:5 stop", ACL_OBJECT_SERVICE);
        assert_int_equal(db_acl_save_service(db, id, acl), 0);
        acl_free(acl);
        assert_int_equal(db_delete_service(db, id), 0);
        assert_int_equal(db_insert_service(db, &c, &id), 0);
        assert_int_equal(db_load(db, collect, &loaded), 0);
        assert_string_equal(loaded, "(default)");
        free(loaded);
        struct acl *none = NULL;
        assert_int_equal(db_acl_load_service(db, id, "web", &none), 0);
        assert_null(none);

        db_close(db);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_parse_errors),
                cmocka_unit_test(test_checks),
                cmocka_unit_test(test_account_principal),
                cmocka_unit_test(test_admins),
                cmocka_unit_test(test_every_method_names_its_right),
                cmocka_unit_test(test_control_rights),
                cmocka_unit_test(test_database),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
