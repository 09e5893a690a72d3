/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the pure parts of least privilege: capability names
 * (privileges.c), sid type names and the service folders and gid range
 * (identity.c), the well-known accounts (account.c), and a service's
 * settings surviving the database (db_security.c) with the gid kept for
 * its name after a delete.  What the kernel does with them is tested for
 * real, as root, by tests/integration/test_security.sh.
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
#include <jansson.h>
#include <scm/error.h>
#include <scm/types.h>

#include "account.h"
#include "db.h"
#include "identity.h"
#include "manager.h"
#include "privilege_names.h"
#include "security_config.h"
#include "service_config.h"

static void test_privilege_names(void **state) {
        (void)state;
        assert_int_equal(privilege_from_name("CAP_NET_BIND_SERVICE"), 10);
        assert_int_equal(privilege_from_name("cap_net_bind_service"), 10);
        assert_int_equal(privilege_from_name("NET_BIND_SERVICE"), 10);
        assert_int_equal(privilege_from_name("CAP_CHOWN"), 0);
        assert_int_equal(privilege_from_name("CAP_CHECKPOINT_RESTORE"), 40);
        assert_int_equal(privilege_from_name("CAP_NOT_A_THING"), -1);
        assert_int_equal(privilege_from_name(""), -1);
        assert_int_equal(privilege_from_name("CAP_"), -1);
        assert_int_equal(privilege_from_name(NULL), -1);
        for (int i = 0; i <= 40; i++)
                assert_int_equal(privilege_from_name(privilege_name(i)), i);
        assert_null(privilege_name(-1));
        assert_null(privilege_name(64));
        assert_true(privilege_last_cap() >= 0 && privilege_last_cap() <= 63);
}

static void test_privileges_text_and_json(void **state) {
        (void)state;
        char *t = privileges_to_text((1ULL << 10) | (1ULL << 25));
        assert_string_equal(t, "CAP_NET_BIND_SERVICE, CAP_SYS_TIME");
        free(t);
        t = privileges_to_text(0);
        assert_string_equal(t, "");
        free(t);
        json_t *j = privileges_to_json((1ULL << 0) | (1ULL << 10));
        assert_int_equal(json_array_size(j), 2);
        assert_string_equal(json_string_value(json_array_get(j, 0)), "CAP_CHOWN");
        assert_string_equal(json_string_value(json_array_get(j, 1)), "CAP_NET_BIND_SERVICE");
        json_decref(j);
}

static void test_sid_types(void **state) {
        (void)state;
        for (int i = 0; i < _SID_TYPE_MAX; i++)
                assert_int_equal(sid_type_from_name(sid_type_name(i)), i);
        assert_int_equal(sid_type_from_name("Restricted"), SID_TYPE_INVALID);
        assert_int_equal(sid_type_from_name(NULL), SID_TYPE_INVALID);
        assert_null(sid_type_name(_SID_TYPE_MAX));
}

static void test_well_known_accounts(void **state) {
        (void)state;
        assert_true(account_is_local_system(""));
        assert_true(account_is_local_system("LocalSystem"));
        assert_true(account_is_local_system("localsystem"));
        assert_true(account_is_local_system("NT AUTHORITY\\LocalSystem"));
        assert_false(account_is_local_system("LocalService"));
        assert_false(account_is_local_system("root"));
        assert_true(account_is_well_known("LocalService"));
        assert_true(account_is_well_known("NETWORKSERVICE"));
        assert_false(account_is_well_known("nobody"));
        char *u = account_policy_name("LocalService");
        assert_string_equal(u, ACCOUNT_LOCAL_SERVICE_USER);
        free(u);
        u = account_policy_name("NetworkService");
        assert_string_equal(u, ACCOUNT_NETWORK_SERVICE_USER);
        free(u);
        assert_null(account_policy_name("no-such-user-scm-unit"));
}

static void test_folders_and_range(void **state) {
        (void)state;
        struct manager m = {.paths = {.db_dir = (char *)"/r/db/",
                                      .run_dir = (char *)"/r/run",
                                      .log_dir = (char *)"/r/log"}};
        char *st, *rt, *lg;
        assert_int_equal(identity_folders(&m.paths, OWNER_SERVICE, "web", &st, &rt, &lg), 0);
        assert_string_equal(st, "/r/db-services/web");
        assert_string_equal(rt, "/r/run/services/web");
        assert_string_equal(lg, "/r/log-services/web");
        free(st);
        free(rt);
        free(lg);

        gid_t lo, hi;
        identity_gid_range(&lo, &hi);
        assert_int_equal(lo, 810000);
        assert_int_equal(hi, 819999);
        assert_int_equal(identity_set_gid_range(999, 2000), -EINVAL);
        assert_int_equal(identity_set_gid_range(3000, 2000), -EINVAL);
        assert_int_equal(identity_set_gid_range(810000, 819999), 0);
}

static int collect(void *userdata, int64_t id, struct service_config *c,
                   const struct db_status *status) {
        struct service_security **ret = userdata;
        (void)id;
        (void)status;
        *ret = c->security;
        c->security = NULL;
        return 0;
}

static void test_database(void **state) {
        (void)state;
        char dir[] = "/tmp/scm-unit-security.XXXXXX", path[64];
        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/scm.db", dir);
        struct db *db;
        assert_int_equal(db_open(path, &db), 0);

        char *paths[] = {(char *)"/srv/a", (char *)"/srv/b", NULL};
        struct service_security sec = {
                .privileges = (1ULL << 10) | (1ULL << 25),
                .sid_type = SID_TYPE_RESTRICTED,
                .writable_paths = paths,
                .allow_weak_isolation = true,
                .restrict_network = true,
        };
        assert_int_equal(identity_allocate_gid(db, "web", &sec.gid), 0);
        assert_int_equal(sec.gid, 810000);
        struct service_config c = {
                .name = (char *)"web",
                .display_name = (char *)"web",
                .type = SCM_TYPE_OWN_PROCESS,
                .start_type = SCM_START_DEMAND,
                .error_control = SCM_ERROR_NORMAL,
                .command_line = (char *)"/bin/true",
                .security = &sec,
        };
        int64_t id;
        assert_int_equal(db_insert_service(db, &c, &id), 0);

        struct service_security *l = NULL;
        assert_int_equal(db_load(db, collect, &l), 0);
        assert_non_null(l);
        assert_true(l->privileges == sec.privileges);
        assert_int_equal(l->sid_type, SID_TYPE_RESTRICTED);
        assert_int_equal(l->gid, 810000);
        assert_string_equal(l->writable_paths[0], "/srv/a");
        assert_string_equal(l->writable_paths[1], "/srv/b");
        assert_null(l->writable_paths[2]);
        assert_true(l->allow_weak_isolation);
        assert_true(l->restrict_network);
        assert_false(l->interactive);
        service_security_free(l);

        /* The gid stays the name's after a delete, and no other name gets it. */
        assert_int_equal(db_delete_service(db, id), 0);
        gid_t g;
        assert_int_equal(identity_allocate_gid(db, "other", &g), 0);
        assert_int_equal(g, 810001);
        assert_int_equal(identity_allocate_gid(db, "WEB", &g), 0);
        assert_int_equal(g, 810000);

        /* The account privilege policy. */
        uint64_t caps;
        assert_int_equal(db_account_privileges_change(db, "nobody", 1ULL << 10, 0), 0);
        assert_int_equal(db_account_privileges_change(db, "nobody", 1ULL << 25, 0), 0);
        assert_int_equal(db_account_privileges_change(db, "nobody", 0, 1ULL << 10), 0);
        assert_int_equal(db_account_privileges(db, "nobody", &caps), 0);
        assert_true(caps == 1ULL << 25);
        assert_int_equal(db_account_privileges(db, "someone", &caps), 0);
        assert_true(caps == 0);

        db_close(db);
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_privilege_names),
                cmocka_unit_test(test_privileges_text_and_json),
                cmocka_unit_test(test_sid_types),
                cmocka_unit_test(test_well_known_accounts),
                cmocka_unit_test(test_folders_and_range),
                cmocka_unit_test(test_database),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
