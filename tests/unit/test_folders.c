/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for a service's groups and named folders as process settings
 * (process_config.c: checks, protocol form, defaults elided) and for
 * exec/folders.c in a temporary folder (user mode, its $XDG_ folders
 * there) as scmd's own account: the base of
 * each kind in each mode, making folders (a link in a folder's place or
 * inside a name refused, nothing behind it touched), the joined paths,
 * and removing the runtime ones without following a link inside them.
 * The owners and what the service sees are tested for real, as root, by
 * tests/integration/test_process_folders.sh.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <scm/error.h>

#include "folders.h"
#include "paths.h"
#include "process_config.h"
#include "service_config.h"

/* Applies the JSON text onto *p; returns what apply returned. */
static int apply(struct service_process **p, const char *text, char **why) {
        json_t *o = json_loads(text, 0, NULL);
        assert_non_null(o);
        *why = NULL;
        int r = service_process_apply_json(p, o, why);
        json_decref(o);
        return r;
}

static void refused(const char *text, const char *field) {
        struct service_process *p = NULL;
        char *why = NULL;
        assert_int_equal(apply(&p, text, &why), -EINVAL);
        assert_non_null(why);
        assert_non_null(strstr(why, field));
        assert_null(p);
        free(why);
}

static void test_settings(void **state) {
        (void)state;
        struct service_process *p = NULL;
        char *why = NULL;
        assert_int_equal(apply(&p,
                               "{\"primary_group\":\"daemon\",\"supplementary_groups\":[\"adm\","
                               "\"4242\"],\"runtime_directory\":[\"a\",\"b/c\"],"
                               "\"state_directory_mode\":448}",
                               &why),
                         0);
        assert_non_null(p);
        assert_string_equal(p->primary_group, "daemon");
        assert_string_equal(p->supplementary_groups[1], "4242");
        assert_string_equal(p->folders[FOLDER_RUNTIME].names[1], "b/c");
        assert_int_equal(p->folders[FOLDER_STATE].mode, 0700);
        assert_int_equal(p->folders[FOLDER_CACHE].mode, -1);

        struct service_process *c = service_process_dup(p);
        json_t *j = service_process_json(c);
        char *text = json_dumps(j, JSON_COMPACT);
        assert_non_null(strstr(text, "\"primary_group\":\"daemon\""));
        assert_non_null(strstr(text, "\"runtime_directory\":[\"a\",\"b/c\"]"));
        assert_non_null(strstr(text, "\"state_directory_mode\":448"));
        assert_non_null(strstr(text, "\"cache_directory_mode\":493"));
        free(text);
        json_decref(j);
        service_process_free(c);

        /* Everything back to its default: no settings at all. */
        assert_int_equal(apply(&p,
                               "{\"primary_group\":\"\",\"supplementary_groups\":[],"
                               "\"runtime_directory\":[],\"state_directory_mode\":493}",
                               &why),
                         0);
        assert_null(p);

        refused("{\"primary_group\":\"two words\"}", "primary_group");
        refused("{\"primary_group\":\"-x\"}", "primary_group");
        refused("{\"primary_group\":\"99999999999\"}", "primary_group");
        refused("{\"supplementary_groups\":[\"\"]}", "supplementary_groups");
        refused("{\"state_directory\":[\"../x\"]}", "state_directory");
        refused("{\"state_directory\":[\"/x\"]}", "state_directory");
        refused("{\"cache_directory\":[\"a/./b\"]}", "cache_directory");
        refused("{\"logs_directory\":[\"a//b\"]}", "logs_directory");
        refused("{\"logs_directory\":[\"a/\"]}", "logs_directory");
        refused("{\"runtime_directory\":[\"a:b\"]}", "runtime_directory");
        refused("{\"runtime_directory\":\"a\"}", "runtime_directory");
        refused("{\"runtime_directory_mode\":4096}", "runtime_directory_mode");
        refused("{\"configuration_directory_mode\":-1}", "configuration_directory_mode");
}

static void test_bases(void **state) {
        (void)state;
        struct scm_paths sys = {.mode = SCM_MODE_SYSTEM},
                         root = {.mode = SCM_MODE_ROOT, .root = "/r"},
                         user = {.mode = SCM_MODE_USER, .run_dir = "/u/run"};
        const char *const want_sys[] = {"/run", "/var/lib", "/var/cache", "/var/log", "/etc"};
        /* --root as root: the machine's folders; as another user: DIR/folders. */
        const char *const want_root_user[] = {"/r/folders/runtime", "/r/folders/state",
                                              "/r/folders/cache", "/r/folders/logs",
                                              "/r/folders/configuration"};
        const char *const *want_root = geteuid() == 0 ? want_sys : want_root_user;
        setenv("HOME", "/home/u", 1);
        unsetenv("XDG_RUNTIME_DIR");
        unsetenv("XDG_STATE_HOME");
        unsetenv("XDG_CACHE_HOME");
        setenv("XDG_CONFIG_HOME", "/cfg", 1);
        const char *const want_user[] = {"/u/run/runtime", "/home/u/.local/state", "/home/u/.cache",
                                         "/home/u/.local/state/log", "/cfg"};
        for (int k = 0; k < _FOLDER_KIND_MAX; k++) {
                char *s = service_folders_base(&sys, k), *r = service_folders_base(&root, k),
                     *u = service_folders_base(&user, k);
                assert_string_equal(s, want_sys[k]);
                assert_string_equal(r, want_root[k]);
                assert_string_equal(u, want_user[k]);
                free(s);
                free(r);
                free(u);
        }
        setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
        char *u = service_folders_base(&user, FOLDER_RUNTIME);
        assert_string_equal(u, "/run/user/1000");
        free(u);
}

struct fixture {
        char dir[64];
        struct scm_paths paths;
        struct service_config config;
        char *error;
};

/* User mode, each kind's base in the temporary folder:
 * DIR/folders/{runtime,state,cache,config}, logs under state's log/. */
static void fixture_open(struct fixture *f, const char *settings) {
        snprintf(f->dir, sizeof(f->dir), "/tmp/scm-folders.XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        static const char *const vars[][2] = {{"XDG_RUNTIME_DIR", "runtime"},
                                              {"XDG_STATE_HOME", "state"},
                                              {"XDG_CACHE_HOME", "cache"},
                                              {"XDG_CONFIG_HOME", "configuration"}};
        for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
                char v[128];
                snprintf(v, sizeof(v), "%s/folders/%s", f->dir, vars[i][1]);
                setenv(vars[i][0], v, 1);
        }
        f->paths = (struct scm_paths){.mode = SCM_MODE_USER, .run_dir = f->dir};
        f->config = (struct service_config){.name = "svc"};
        char *why = NULL;
        assert_int_equal(apply(&f->config.process, settings, &why), 0);
        f->error = NULL;
}

static int make(struct fixture *f, struct folders_request *rq) {
        *rq = (struct folders_request){.config = &f->config,
                                       .paths = &f->paths,
                                       .uid = geteuid(),
                                       .gid = getegid(),
                                       .error = &f->error};
        return service_folders_make(rq);
}

static void joined_free(struct folders_request *rq) {
        for (int k = 0; k < _FOLDER_KIND_MAX; k++)
                free(rq->joined[k]);
}

static void fixture_close(struct fixture *f) {
        char cmd[128];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
        assert_int_equal(system(cmd), 0);
        service_process_free(f->config.process);
        free(f->error);
}

static char *path_of(struct fixture *f, const char *rel) {
        char *p;
        assert_true(asprintf(&p, "%s/%s", f->dir, rel) > 0);
        return p;
}

static void test_make_and_remove(void **state) {
        (void)state;
        struct fixture f;
        fixture_open(&f, "{\"runtime_directory\":[\"r\",\"n/sub\"],\"state_directory\":[\"s\"],"
                         "\"state_directory_mode\":448}");
        struct folders_request rq;
        assert_int_equal(make(&f, &rq), 0);
        char *want;
        assert_true(asprintf(&want, "%s/folders/runtime/r:%s/folders/runtime/n/sub", f.dir, f.dir) >
                    0);
        assert_string_equal(rq.joined[FOLDER_RUNTIME], want);
        free(want);
        assert_null(rq.joined[FOLDER_CACHE]);
        joined_free(&rq);
        struct stat st;
        char *s = path_of(&f, "folders/state/s");
        assert_int_equal(stat(s, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0700);

        /* A link inside the runtime folder, to a file outside: removal
         * takes the link away, never what it points to. */
        char *outside = path_of(&f, "outside"), *link = path_of(&f, "folders/runtime/r/link"),
             *inner = path_of(&f, "folders/runtime/r/deep/er");
        assert_int_equal(mkdir(outside, 0755), 0);
        char *kept = path_of(&f, "outside/kept");
        close(open(kept, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
        assert_int_equal(symlink(outside, link), 0);
        char *deep = path_of(&f, "folders/runtime/r/deep");
        assert_int_equal(mkdir(deep, 0755), 0);
        assert_int_equal(mkdir(inner, 0755), 0);
        service_folders_remove(&f.config, &f.paths);
        char *r = path_of(&f, "folders/runtime/r"), *n = path_of(&f, "folders/runtime/n"),
             *nsub = path_of(&f, "folders/runtime/n/sub");
        assert_int_equal(lstat(r, &st), -1);
        assert_int_equal(lstat(nsub, &st), -1);
        assert_int_equal(stat(n, &st), 0);
        assert_int_equal(stat(kept, &st), 0);
        assert_int_equal(stat(s, &st), 0);
        free(r);
        free(n);
        free(nsub);
        free(deep);
        free(inner);
        free(link);
        free(kept);

        /* A link where the state folder belongs: refused, not followed. */
        assert_int_equal(rmdir(s), 0);
        assert_int_equal(symlink(outside, s), 0);
        assert_int_equal(chmod(outside, 0711), 0);
        assert_int_equal(make(&f, &rq), SCM_ERR(SCM_ERROR_PATH_NOT_FOUND));
        joined_free(&rq);
        assert_non_null(strstr(f.error, "symbolic link"));
        assert_int_equal(stat(outside, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0711);
        free(outside);
        free(s);
        fixture_close(&f);
}

static void test_link_inside_a_name(void **state) {
        (void)state;
        struct fixture f;
        fixture_open(&f, "{\"cache_directory\":[\"via/sub\"]}");
        char *cache = path_of(&f, "folders/cache"), *via = path_of(&f, "folders/cache/via"),
             *target = path_of(&f, "target"), *sub = path_of(&f, "target/sub");
        char *folders = path_of(&f, "folders");
        assert_int_equal(mkdir(folders, 0755), 0);
        free(folders);
        assert_int_equal(mkdir(cache, 0755), 0);
        assert_int_equal(mkdir(target, 0755), 0);
        assert_int_equal(symlink(target, via), 0);
        struct folders_request rq;
        assert_int_equal(make(&f, &rq), SCM_ERR(SCM_ERROR_PATH_NOT_FOUND));
        joined_free(&rq);
        assert_non_null(strstr(f.error, "symbolic link"));
        struct stat st;
        assert_int_equal(stat(sub, &st), -1);
        free(cache);
        free(via);
        free(target);
        free(sub);
        fixture_close(&f);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_settings),
                cmocka_unit_test(test_bases),
                cmocka_unit_test(test_make_and_remove),
                cmocka_unit_test(test_link_inside_a_name),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
