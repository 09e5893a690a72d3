/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for scctl import's pure parts: the systemd unit-file reader
 * (src/scctl/unit_file.c: lines, sections, continuations, comments, drop-ins
 * and their order, templates, specifiers, quoted words, Exec lines, time
 * spans), the mapping onto scm's fields (unit_import.c: what is mapped,
 * refused, reported) and the export (unit_export.c: a document import takes
 * back unchanged).  Files are written to a temporary folder per test.
 */
#include <errno.h>
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

#include "cmdline.h"
#include "unit_file.h"
#include "unit_import.h"

/* ---- helpers ---- */

static char tmp_root[] = "/tmp/test_unit_file.XXXXXX";

static void write_file(const char *rel, const char *text) {
        char path[512], dir[512];
        snprintf(path, sizeof(path), "%s/%s", tmp_root, rel);
        snprintf(dir, sizeof(dir), "%s", path);
        for (char *p = dir + strlen(tmp_root) + 1; (p = strchr(p, '/')); p++) {
                *p = '\0';
                mkdir(dir, 0755);
                *p = '/';
        }
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
}

static int setup(void **state) {
        (void)state;
        strcpy(tmp_root, "/tmp/test_unit_file.XXXXXX");
        return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state) {
        (void)state;
        char cmd[600];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
        return system(cmd) == 0 ? 0 : -1;
}

static void parse_text(struct unit_file *u, const char *name, const char *text) {
        *u = (struct unit_file){0};
        assert_int_equal(unit_file_set_name(u, name), 0);
        assert_int_equal(unit_file_parse(u, "t.service", text), 0);
}

static const char *value_at(const struct unit_file *u, size_t i) {
        assert_true(i < u->n_assignments);
        return u->assignments[i].value;
}

/* Maps text as unit name with no look-ups; the caller frees m. */
static void map_text(struct unit_import *m, const char *name, const char *text,
                     const struct unit_import_options *o) {
        struct unit_file u;
        struct unit_import_options none = {0};
        parse_text(&u, name, text);
        int r = unit_import_map(&u, o ? o : &none, m);
        unit_file_done(&u);
        assert_int_equal(r, 0);
}

/* The report entry of directive (and value, when not NULL), or NULL. */
static json_t *entry(const struct unit_import *m, const char *directive, const char *value) {
        size_t i;
        json_t *e;
        json_array_foreach(m->report, i, e) {
                if (strcmp(json_string_value(json_object_get(e, "directive")), directive) != 0)
                        continue;
                if (!value || !strcmp(json_string_value(json_object_get(e, "value")), value))
                        return e;
        }
        return NULL;
}

static const char *status_of(const struct unit_import *m, const char *directive,
                             const char *value) {
        json_t *e = entry(m, directive, value);
        return e ? json_string_value(json_object_get(e, "status")) : "(none)";
}

static const char *config_str(const struct unit_import *m, const char *field) {
        return json_string_value(json_object_get(m->config, field));
}

/* ---- the reader ---- */

static void test_sections_and_assignments(void **state) {
        (void)state;
        struct unit_file u;
        parse_text(&u, "a",
                   "# a comment\n; another\n\n[Unit]\nDescription = spaced value  \n"
                   "[Service]\nExecStart=/bin/echo a \\\n  b \\\n# skipped inside\n  c\n"
                   "Environment=\n");
        assert_string_equal(u.name, "a.service");
        assert_int_equal(u.n_assignments, 3);
        assert_string_equal(u.assignments[0].section, "Unit");
        assert_string_equal(u.assignments[0].key, "Description");
        assert_string_equal(value_at(&u, 0), "spaced value");
        assert_string_equal(u.assignments[1].section, "Service");
        assert_string_equal(value_at(&u, 1), "/bin/echo a    b    c");
        assert_int_equal(u.assignments[1].line, 7);
        assert_string_equal(value_at(&u, 2), "");
        unit_file_done(&u);
}

static void test_syntax_errors(void **state) {
        (void)state;
        static const char *const bad[] = {"Key=before a section\n", "[Service]\nno equals sign\n",
                                          "[Service\nA=b\n", "[]\n", "[Service]\n=value\n"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                struct unit_file u = {0};
                assert_int_equal(unit_file_set_name(&u, "x.service"), 0);
                assert_int_equal(unit_file_parse(&u, "bad.service", bad[i]), -EINVAL);
                assert_non_null(strstr(u.error, "bad.service:"));
                unit_file_done(&u);
        }
}

static void test_names(void **state) {
        (void)state;
        struct unit_file u = {0};
        assert_int_equal(unit_file_set_name(&u, "redis-server@a.service"), 0);
        assert_string_equal(u.prefix, "redis-server");
        assert_string_equal(u.instance, "a");
        assert_int_equal(unit_file_set_name(&u, "nginx"), 0);
        assert_string_equal(u.name, "nginx.service");
        assert_null(u.instance);
        assert_int_equal(unit_file_set_name(&u, "x.socket"), -EINVAL);
        assert_int_equal(unit_file_set_name(&u, "tmpl@.service"), -EINVAL);
        assert_non_null(strstr(u.error, "template"));
        unit_file_done(&u);
}

static void test_dropins_order_and_override(void **state) {
        (void)state;
        write_file("high/web.service.d/20-b.conf", "[Service]\nEnvironment=FROM=high20\n");
        write_file("low/web.service", "[Service]\nExecStart=/bin/true\nEnvironment=FROM=unit\n");
        write_file("low/web.service.d/10-a.conf", "[Service]\nEnvironment=FROM=low10\n");
        write_file("low/web.service.d/20-b.conf", "[Service]\nEnvironment=FROM=hidden\n");
        write_file("low/web.service.d/30-c.conf", "[Service]\nEnvironment=FROM=low30\n");
        write_file("low/web.service.d/ignored.txt", "[Service]\nEnvironment=FROM=txt\n");
        char high[512], low[512];
        snprintf(high, sizeof(high), "%s/high", tmp_root);
        snprintf(low, sizeof(low), "%s/low", tmp_root);
        const char *paths[] = {high, low, NULL};
        struct unit_file u = {0};
        assert_int_equal(unit_file_load(&u, "web", paths), 0);
        assert_int_equal(u.n_assignments, 5);
        assert_string_equal(value_at(&u, 1), "FROM=unit");
        assert_string_equal(value_at(&u, 2), "FROM=low10");
        assert_string_equal(value_at(&u, 3), "FROM=high20"); /* the earlier path wins */
        assert_string_equal(value_at(&u, 4), "FROM=low30");
        char masked[600];
        snprintf(masked, sizeof(masked), "%s/masked.service", high);
        assert_int_equal(symlink("/dev/null", masked), 0);
        assert_int_equal(unit_file_load(&u, "masked", paths), -ENOENT);
        assert_non_null(strstr(u.error, "masked"));
        assert_int_equal(unit_file_load(&u, "missing", paths), -ENOENT);
        assert_non_null(strstr(u.error, "missing.service"));
        unit_file_done(&u);
}

static void test_template_instance(void **state) {
        (void)state;
        write_file("t/db@.service", "[Service]\nExecStart=/bin/db --conf /etc/db/%i.conf %%\n");
        write_file("t/db@.service.d/a.conf", "[Service]\nEnvironment=N=%n P=%p\n");
        write_file("t/db@main.service.d/b.conf", "[Service]\nEnvironment=I=%I\n");
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/t", tmp_root);
        const char *paths[] = {dir, NULL};
        struct unit_file u = {0};
        assert_int_equal(unit_file_load(&u, "db@main.service", paths), 0);
        assert_non_null(strstr(u.path, "db@.service"));
        assert_int_equal(u.n_assignments, 3);
        char *out, bad;
        assert_int_equal(unit_expand_specifiers(&u, value_at(&u, 0), &out, &bad), 0);
        assert_string_equal(out, "/bin/db --conf /etc/db/main.conf %");
        assert_int_equal(bad, '\0');
        free(out);
        assert_int_equal(unit_expand_specifiers(&u, value_at(&u, 1), &out, &bad), 0);
        assert_string_equal(out, "N=db@main.service P=db");
        free(out);
        unit_file_done(&u);
}

static void test_specifiers(void **state) {
        (void)state;
        struct unit_file u = {0};
        assert_int_equal(unit_file_set_name(&u, "a-b@x\\x2dy-z.service"), 0);
        char *out, bad;
        assert_int_equal(
                unit_expand_specifiers(&u, "%N|%p|%i|%I|%j|%t|%S|%C|%L|%E|%T|%V|%h|%u|%U|%s|%%",
                                       &out, &bad),
                0);
        assert_string_equal(out, "a-b@x\\x2dy-z|a-b|x\\x2dy-z|x-y/z|b|/run|/var/lib|/var/cache|"
                                 "/var/log|/etc|/tmp|/var/tmp|/root|root|0|/bin/sh|%");
        assert_int_equal(bad, '\0');
        free(out);
        assert_int_equal(unit_expand_specifiers(&u, "boot %b and %o", &out, &bad), 0);
        assert_string_equal(out, "boot %b and %o");
        assert_int_equal(bad, 'b');
        free(out);
        unit_file_done(&u);
}

static void test_words(void **state) {
        (void)state;
        char **w;
        const char *reason;
        assert_int_equal(unit_split_words("a \"b c\" 'd \"e' f\\tg \"x\\x41\\101\\u00e9\" h\"i j\"",
                                          &w, &reason),
                         6);
        assert_string_equal(w[0], "a");
        assert_string_equal(w[1], "b c");
        assert_string_equal(w[2], "d \"e");
        assert_string_equal(w[3], "f\tg");
        assert_string_equal(w[4], "xAA\xc3\xa9");
        assert_string_equal(w[5], "hi j");
        strv_free(w);
        assert_int_equal(unit_split_words("\"open", &w, &reason), -EINVAL);
        assert_non_null(strstr(reason, "quote"));
        assert_int_equal(unit_split_words("bad\\q", &w, &reason), -EINVAL);
        assert_int_equal(unit_split_words("   ", &w, &reason), 0);
        strv_free(w);
}

static void test_exec_lines(void **state) {
        (void)state;
        struct exec_line e;
        const char *reason;
        assert_int_equal(unit_parse_exec("-/bin/x 'a b' $$HOME", &e, &reason), 0);
        assert_int_equal(e.flags, EXEC_IGNORE_FAILURE);
        assert_int_equal(e.argc, 3);
        assert_false(e.has_variables);
        char *line = unit_join_command_line(e.argv, false);
        assert_string_equal(line, "/bin/x 'a b' '$HOME'");
        free(line);
        exec_line_done(&e);

        assert_int_equal(unit_parse_exec("@+!/bin/x", &e, &reason), 0);
        assert_int_equal(e.flags, EXEC_ARGV0 | EXEC_FULL_PRIVILEGES | EXEC_NO_SETUID);
        exec_line_done(&e);
        assert_int_equal(unit_parse_exec("!!/bin/x", &e, &reason), 0);
        assert_int_equal(e.flags, EXEC_NO_AMBIENT);
        exec_line_done(&e);

        assert_int_equal(unit_parse_exec("/usr/sbin/sshd -D $OPTS --x=${ONE}y it's", &e, &reason),
                         -EINVAL); /* an unclosed quote */
        assert_int_equal(
                unit_parse_exec("/usr/sbin/sshd -D $OPTS --x=${ONE}y \"it's\"", &e, &reason), 0);
        assert_true(e.has_variables);
        line = unit_join_command_line(e.argv, true);
        assert_string_equal(line, "/bin/sh -c 'set -f; exec /usr/sbin/sshd -D $OPTS "
                                  "--x=\"${ONE}\"y '\\''it'\\''\\'\\'''\\''s'\\'''");
        /* the scm command line splits back into sh -c SCRIPT */
        char **argv;
        int argc;
        assert_int_equal(cmdline_split(line, &argv, &argc, &reason), 0);
        assert_int_equal(argc, 3);
        assert_string_equal(argv[2], "set -f; exec /usr/sbin/sshd -D $OPTS --x=\"${ONE}\"y "
                                     "'it'\\''s'");
        strv_free(argv);
        free(line);
        exec_line_done(&e);

        assert_int_equal(unit_parse_exec(":/bin/x $A", &e, &reason), 0);
        assert_false(e.has_variables);
        exec_line_done(&e);
        assert_int_equal(unit_parse_exec("/bin/a ; /bin/b", &e, &reason), -EINVAL);
        assert_int_equal(unit_parse_exec("-", &e, &reason), -EINVAL);
}

static void test_exec_word_quoting_round_trips(void **state) {
        (void)state;
        static const char *const words[] = {"plain", "a b",  "it's", "q\"uote", "back\\slash",
                                            "$HOME", "100%", ";",    "",        "tab\there"};
        for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
                char *q = unit_quote_exec_word(words[i]);
                struct exec_line e;
                const char *reason;
                char line[128];
                snprintf(line, sizeof(line), "/bin/x %s", q);
                struct unit_file u = {0};
                assert_int_equal(unit_file_set_name(&u, "x"), 0);
                char *expanded, bad;
                assert_int_equal(unit_expand_specifiers(&u, line, &expanded, &bad), 0);
                assert_int_equal(unit_parse_exec(expanded, &e, &reason), 0);
                assert_int_equal(e.argc, 2);
                assert_false(e.has_variables);
                char *joined = unit_join_command_line(e.argv, false);
                char **argv;
                int argc;
                assert_int_equal(cmdline_split(joined, &argv, &argc, &reason), 0);
                assert_string_equal(argv[1], words[i]);
                strv_free(argv);
                free(joined);
                free(expanded);
                free(q);
                exec_line_done(&e);
                unit_file_done(&u);
        }
}

static void test_timespans_and_booleans(void **state) {
        (void)state;
        unsigned long long ms;
        assert_int_equal(unit_parse_timespan_ms("5", &ms), 0);
        assert_int_equal(ms, 5000);
        assert_int_equal(unit_parse_timespan_ms("1min 30s", &ms), 0);
        assert_int_equal(ms, 90000);
        assert_int_equal(unit_parse_timespan_ms("1h2m", &ms), 0);
        assert_int_equal(ms, 3720000);
        assert_int_equal(unit_parse_timespan_ms("500ms", &ms), 0);
        assert_int_equal(ms, 500);
        assert_int_equal(unit_parse_timespan_ms("1.5s", &ms), 0);
        assert_int_equal(ms, 1500);
        assert_int_equal(unit_parse_timespan_ms("infinity", &ms), 0);
        assert_true(ms == UINT64_MAX);
        assert_int_equal(unit_parse_timespan_ms("soon", &ms), -EINVAL);
        assert_int_equal(unit_parse_timespan_ms("", &ms), -EINVAL);
        assert_int_equal(unit_parse_boolean("On"), 1);
        assert_int_equal(unit_parse_boolean("no"), 0);
        assert_int_equal(unit_parse_boolean("maybe"), -EINVAL);
}

/* ---- the mapping ---- */

static bool no_such_account(const char *name) {
        return strcmp(name, "ghost") != 0;
}

static void test_map_process_settings(void **state) {
        (void)state;
        struct unit_import m;
        map_text(&m, "web",
                 "[Unit]\nDescription=Web %n\nRequires=db.service\nAfter=db.service cache.service "
                 "network.target\nWants=other.socket\n"
                 "[Service]\nType=forking\nPIDFile=/run/web.pid\nExecStartPre=-/bin/check\n"
                 "ExecStart=/usr/bin/web -c /etc/web.conf\nExecStopPost=-/bin/cleanup\n"
                 "ExecReload=/bin/kill -s USR1 $MAINPID\nUser=www\nGroup=www\n"
                 "SupplementaryGroups=a b\nSupplementaryGroups=c\nWorkingDirectory=/srv/web\n"
                 "Environment=A=1 \"B=two words\"\nEnvironment=\nEnvironment=C=3\n"
                 "EnvironmentFile=-/etc/default/web\nUMask=0027\nLimitNOFILE=65535\n"
                 "LimitCORE=infinity\nLimitMEMLOCK=64M:1G\nTimeoutStartSec=1min\n"
                 "TimeoutStopSec=5\nKillSignal=SIGQUIT\nRuntimeDirectory=web web/sub\n"
                 "RuntimeDirectoryMode=0750\nStateDirectory=web\nCacheDirectory=web\n"
                 "LogsDirectory=web\nConfigurationDirectory=web\nPAMName=login\n"
                 "RemainAfterExit=no\nPrivateNetwork=yes\nMemoryMax=1G\nPrivateTmp=yes\n"
                 "[Install]\nWantedBy=multi-user.target\n",
                 NULL);
        assert_false(m.refused);
        assert_string_equal(config_str(&m, "description"), "Web web.service");
        assert_string_equal(config_str(&m, "kind"), "forking");
        assert_string_equal(config_str(&m, "pid_file"), "/run/web.pid");
        assert_string_equal(config_str(&m, "command_line"), "/usr/bin/web -c /etc/web.conf");
        assert_string_equal(
                json_string_value(json_array_get(json_object_get(m.config, "exec_start_pre"), 0)),
                "-/bin/check");
        assert_string_equal(
                json_string_value(json_array_get(json_object_get(m.config, "exec_stop_post"), 0)),
                "/bin/cleanup");
        assert_string_equal(config_str(&m, "reload_signal"), "USR1");
        assert_string_equal(config_str(&m, "account"), "www");
        assert_string_equal(config_str(&m, "primary_group"), "www");
        assert_int_equal(json_array_size(json_object_get(m.config, "supplementary_groups")), 3);
        assert_string_equal(config_str(&m, "working_directory"), "/srv/web");
        json_t *env = json_object_get(m.config, "environment");
        assert_int_equal(json_array_size(env), 1); /* the empty assignment reset A and B */
        assert_string_equal(json_string_value(json_array_get(env, 0)), "C=3");
        assert_string_equal(status_of(&m, "Environment", "A=1 \"B=two words\""), "not-needed");
        assert_string_equal(json_string_value(json_array_get(
                                    json_object_get(m.config, "environment_files"), 0)),
                            "-/etc/default/web");
        assert_int_equal(json_integer_value(json_object_get(m.config, "umask")), 027);
        json_t *limits = json_object_get(m.config, "limits");
        assert_string_equal(json_string_value(json_object_get(limits, "NOFILE")), "65535");
        assert_string_equal(json_string_value(json_object_get(limits, "CORE")), "infinity");
        assert_string_equal(json_string_value(json_object_get(limits, "MEMLOCK")),
                            "67108864:1073741824");
        assert_int_equal(json_integer_value(json_object_get(m.config, "start_timeout_ms")), 60000);
        assert_int_equal(json_integer_value(json_object_get(m.config, "stop_timeout_ms")), 5000);
        assert_string_equal(config_str(&m, "stop_signal"), "QUIT");
        assert_int_equal(json_array_size(json_object_get(m.config, "runtime_directory")), 2);
        assert_int_equal(json_integer_value(json_object_get(m.config, "runtime_directory_mode")),
                         0750);
        assert_int_equal(json_array_size(json_object_get(m.config, "configuration_directory")), 1);
        assert_string_equal(config_str(&m, "pam_name"), "login");
        assert_true(json_is_false(json_object_get(m.config, "remain_after_exit")));
        assert_true(json_is_true(json_object_get(m.config, "restrict_network")));
        assert_string_equal(config_str(&m, "start_type"), "auto");
        json_t *deps = json_object_get(m.config, "dependencies");
        assert_int_equal(json_array_size(deps), 1); /* cache is no scm service */
        assert_string_equal(json_string_value(json_array_get(deps, 0)), "db");
        assert_string_equal(status_of(&m, "After", "cache.service"), "not-mapped");
        assert_string_equal(status_of(&m, "After", "network.target"), "not-needed");
        assert_string_equal(status_of(&m, "Wants", "other.socket"), "not-mapped");
        assert_string_equal(status_of(&m, "MemoryMax", NULL), "mapped");
        assert_int_equal(json_integer_value(json_object_get(m.config, "memory_max")),
                         1024LL * 1024 * 1024);
        assert_string_equal(status_of(&m, "PrivateTmp", NULL), "mapped");
        assert_true(json_is_true(json_object_get(m.config, "private_tmp")));
        assert_null(m.failure);
        unit_import_done(&m);
}

static void test_map_every_assignment_reported(void **state) {
        (void)state;
        static const char text[] = "[Unit]\nDescription=x\nFoo=bar\nConditionPathExists=/x\n"
                                   "[Service]\nExecStart=/bin/true\nExecStart=/bin/false\n"
                                   "Nice=5\nKillMode=process\nType=simple\nType=notify\n"
                                   "X-Other=1\nStandardOutput=journal\nEnvironment=\n"
                                   "CapabilityBoundingSet=\n";
        struct unit_file u;
        struct unit_import m;
        struct unit_import_options o = {0};
        parse_text(&u, "r", text);
        assert_int_equal(unit_import_map(&u, &o, &m), 0);
        for (size_t i = 0; i < u.n_assignments; i++) {
                char where[64];
                snprintf(where, sizeof(where), "t.service:%u", u.assignments[i].line);
                bool found = false;
                size_t k;
                json_t *e;
                json_array_foreach(m.report, k, e)
                        found |= !strcmp(json_string_value(json_object_get(e, "where")), where);
                assert_true(found);
        }
        assert_string_equal(config_str(&m, "command_line"), "/bin/false");
        assert_string_equal(config_str(&m, "kind"), "notify");
        assert_string_equal(status_of(&m, "Type", "simple"), "not-needed");
        assert_string_equal(status_of(&m, "ExecStart", "/bin/true"), "not-mapped");
        assert_string_equal(status_of(&m, "Foo", NULL), "not-mapped");
        assert_string_equal(status_of(&m, "StandardOutput", NULL), "not-needed");
        assert_false(m.refused);
        unit_import_done(&m);
        unit_file_done(&u);
}

static void test_map_refusals(void **state) {
        (void)state;
        static const char *const refused[][2] = {
                {"Type=dbus\n", "Type"},
                {"User=ghost\n", "User"},
                {"ExecStartPre=@/bin/x y\n", "ExecStartPre"},
                {"ExecStartPre=+/bin/x\n", "ExecStartPre"},
                {"ExecStartPre=/bin/x $MAINPID\n", "ExecStartPre"},
                {"Environment=A=%b\n", "Environment"},
                {"Restart=on-success\n", "Restart"},
                {"WorkingDirectory=~\n", "WorkingDirectory"},
                {"UMask=0999\n", "UMask"},
                {"LimitNOFILE=lots\n", "LimitNOFILE"},
                {"ExecReload=/bin/a\nExecReload=/bin/b\n", "ExecReload"},
        };
        struct unit_import_options o = {.user_exists = no_such_account};
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text), "[Service]\nExecStart=/bin/true\n%s", refused[i][0]);
                struct unit_import m;
                map_text(&m, "r", text, &o);
                assert_true(m.refused);
                json_t *e;
                size_t k;
                bool found = false;
                json_array_foreach(m.report, k, e)
                        found |= !strcmp(json_string_value(json_object_get(e, "status")),
                                         "refused") &&
                                 !strcmp(json_string_value(json_object_get(e, "directive")),
                                         refused[i][1]);
                if (!found)
                        fail_msg("%s was not refused", refused[i][0]);
                unit_import_done(&m);
        }
        struct unit_file u;
        struct unit_import m;
        parse_text(&u, "r", "[Service]\nType=oneshot\n");
        assert_int_equal(unit_import_map(&u, &o, &m), -EINVAL);
        assert_non_null(strstr(m.error, "ExecStart"));
        unit_import_done(&m);
        unit_file_done(&u);
}

static void test_map_reload_forms(void **state) {
        (void)state;
        static const char *const forms[][2] = {
                {"/bin/kill -HUP $MAINPID", "HUP"},           {"kill -SIGUSR2 ${MAINPID}", "USR2"},
                {"/usr/bin/kill -s TERM $MAINPID", "TERM"},   {"/bin/kill -1 $MAINPID", "HUP"},
                {"/bin/kill --signal USR1 $MAINPID", "USR1"},
        };
        for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
                char text[256];
                snprintf(text, sizeof(text), "[Service]\nExecStart=/bin/d\nExecReload=%s\n",
                         forms[i][0]);
                struct unit_import m;
                map_text(&m, "r", text, NULL);
                assert_false(m.refused);
                assert_string_equal(config_str(&m, "reload_signal"), forms[i][1]);
                assert_null(json_object_get(m.config, "reload_command"));
                unit_import_done(&m);
        }
        struct unit_import m;
        map_text(&m, "r",
                 "[Service]\nType=notify\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\n"
                 "ExecReload=/usr/sbin/sshd -t\nExecReload=/bin/kill -HUP $MAINPID\n",
                 NULL);
        assert_false(m.refused);
        assert_string_equal(config_str(&m, "reload_signal"), "HUP");
        assert_string_equal(status_of(&m, "ExecReload", "/usr/sbin/sshd -t"), "not-mapped");
        assert_string_equal(config_str(&m, "command_line"),
                            "/bin/sh -c 'set -f; exec /usr/sbin/sshd -D $SSHD_OPTS'");
        unit_import_done(&m);
}

static void test_map_restart_and_security(void **state) {
        (void)state;
        struct unit_import m;
        map_text(&m, "r",
                 "[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n"
                 "[Service]\nExecStart=/bin/d\nRestart=on-failure\nRestartSec=2s\nUser=svc\n"
                 "AmbientCapabilities=CAP_NET_BIND_SERVICE\nCapabilityBoundingSet=net_bind_service "
                 "cap_net_raw\nProtectSystem=strict\nReadWritePaths=-/var/lib/r /srv/r\n"
                 "ReadWriteDirectories=/etc/r\nNoNewPrivileges=yes\n",
                 NULL);
        assert_false(m.refused);
        json_t *actions = json_object_get(m.failure, "actions");
        assert_int_equal(json_array_size(actions), 4);
        assert_string_equal(json_string_value(json_object_get(json_array_get(actions, 0), "type")),
                            "restart");
        assert_int_equal(
                json_integer_value(json_object_get(json_array_get(actions, 2), "delay_ms")), 2000);
        assert_string_equal(json_string_value(json_object_get(json_array_get(actions, 3), "type")),
                            "none");
        assert_int_equal(json_integer_value(json_object_get(m.failure, "reset_period")), 60);
        assert_true(json_is_true(json_object_get(m.failure, "non_crash_failures")));
        json_t *privs = json_object_get(m.config, "required_privileges");
        assert_int_equal(json_array_size(privs), 1); /* ambient wins over the bounding set */
        assert_string_equal(json_string_value(json_array_get(privs, 0)), "CAP_NET_BIND_SERVICE");
        assert_string_equal(status_of(&m, "AmbientCapabilities", NULL), "mapped");
        assert_string_equal(status_of(&m, "CapabilityBoundingSet", NULL), "not-needed");
        assert_string_equal(config_str(&m, "sid_type"), "restricted");
        json_t *paths = json_object_get(m.config, "writable_paths");
        assert_int_equal(json_array_size(paths), 3);
        assert_string_equal(json_string_value(json_array_get(paths, 0)), "/var/lib/r");
        unit_import_done(&m);

        map_text(&m, "r",
                 "[Service]\nExecStart=/bin/d\nCapabilityBoundingSet=x\n"
                 "CapabilityBoundingSet=~CAP_SYS_ADMIN\n",
                 NULL);
        assert_string_equal(status_of(&m, "CapabilityBoundingSet", "x"), "mapped");
        assert_string_equal(status_of(&m, "CapabilityBoundingSet", "~CAP_SYS_ADMIN"), "not-mapped");
        unit_import_done(&m);

        map_text(&m, "r",
                 "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/d\nRestart=always\n",
                 NULL);
        actions = json_object_get(m.failure, "actions");
        assert_int_equal(json_array_size(actions), 1); /* the last action repeats: no limit */
        assert_int_equal(
                json_integer_value(json_object_get(json_array_get(actions, 0), "delay_ms")), 100);
        unit_import_done(&m);
}

static void test_map_known_dependencies_and_scm_keys(void **state) {
        (void)state;
        json_t *known = json_pack("[s]", "Cache");
        struct unit_import_options o = {.name = "front", .known_services = known};
        struct unit_import m;
        map_text(&m, "web",
                 "[Unit]\nAfter=cache.service\nWants=gone.service\n[Service]\nExecStart=/bin/d\n"
                 "X-Scm-StartType=delayed-auto\nX-Scm-ControlTimeoutMs=5000\n"
                 "X-Scm-Dependencies=[\"cache\",\"+Net\"]\nX-Scm-FailureCommand=/bin/page %1%\n"
                 "X-Scm-Description=\"  spaced\"\n",
                 &o);
        assert_string_equal(m.name, "front");
        assert_string_equal(config_str(&m, "start_type"), "delayed-auto");
        assert_int_equal(json_integer_value(json_object_get(m.config, "control_timeout_ms")), 5000);
        assert_int_equal(json_array_size(json_object_get(m.config, "dependencies")), 2);
        assert_string_equal(config_str(&m, "description"), "  spaced");
        assert_string_equal(json_string_value(json_object_get(m.failure, "command")),
                            "/bin/page %1%");
        assert_string_equal(status_of(&m, "Wants", "gone.service"), "not-mapped");
        unit_import_done(&m);
        json_decref(known);
}

/* ---- export ---- */

static void export_round_trip(json_t *config, json_t *failure) {
        char *text = unit_export(config, failure);
        assert_non_null(text);
        struct unit_import m;
        map_text(&m, json_string_value(json_object_get(config, "name")), text, NULL);
        assert_false(m.refused);
        const char *field;
        json_t *v;
        json_object_foreach(config, field, v) {
                if (!strcmp(field, "name") || !strcmp(field, "log_file"))
                        continue;
                json_t *got = json_object_get(m.config, field);
                bool same = got ? json_equal(got, v) : unit_field_is_default(field, false, v);
                if (!strcmp(field, "display_name") && !got)
                        same = json_equal(v, json_object_get(config, "name"));
                if (!same)
                        fail_msg("%s does not come back from:\n%s", field, text);
        }
        json_object_foreach(failure, field, v) {
                json_t *got = m.failure ? json_object_get(m.failure, field) : NULL;
                if (!(got ? json_equal(got, v) : unit_field_is_default(field, true, v)))
                        fail_msg("failure %s does not come back from:\n%s", field, text);
        }
        unit_import_done(&m);
        free(text);
}

static void test_export_round_trip(void **state) {
        (void)state;
        json_t *config = json_pack(
                "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s], s:s, s:s, s:i, s:i, s:b,"
                " s:I, s:[s], s:s, s:[s], s:b, s:b, s:b}",
                "name", "web", "display_name", "Web server", "description", "100% \"web\"", "type",
                "own", "start_type", "auto", "error_control", "severe", "command_line",
                "/usr/bin/web --name \"a b\" '$HOME' ';' %1", "account", "nobody", "group", "Front",
                "dependencies", "db", "+Net", "log_file", "/var/log/scm/web.log", "kind", "notify",
                "control_timeout_ms", 5000, "watchdog_ms", 2000, "pause_by_freeze", 1,
                "preshutdown_timeout_ms", (json_int_t)180000, "required_privileges",
                "CAP_NET_BIND_SERVICE", "sid_type", "restricted", "writable_paths", "/srv/web",
                "allow_weak_isolation", 1, "restrict_network", 1, "interactive", 0);
        /* issue 15's fields */
        json_t *more = json_pack(
                "{s:s, s:[s,s], s:[s], s:i, s:{s:s, s:s}, s:s, s:[s], s:s, s:I, s:I,"
                " s:[s], s:i, s:[s], s:[s], s:s, s:s, s:b, s:s}",
                "working_directory", "/srv/web", "environment", "A=1", "B=two words $x",
                "environment_files", "-/etc/default/web", "umask", 027, "limits", "NOFILE", "65535",
                "CORE", "0:infinity", "primary_group", "www", "supplementary_groups", "adm",
                "stop_signal", "QUIT", "stop_timeout_ms", (json_int_t)5000, "start_timeout_ms",
                (json_int_t)90500, "runtime_directory", "web", "runtime_directory_mode", 0750,
                "exec_start_pre", "-/usr/bin/web -t", "exec_stop_post", "/bin/rm -f x",
                "reload_signal", "HUP", "pam_name", "web", "remain_after_exit", 0, "pid_file", "");
        json_object_update(config, more);
        json_decref(more);
        json_t *failure =
                json_pack("{s:i, s:[{s:s, s:i}, {s:s, s:i}, {s:s, s:i}], s:s, s:s, s:b}",
                          "reset_period", 30, "actions", "type", "restart", "delay_ms", 500, "type",
                          "restart", "delay_ms", 500, "type", "none", "delay_ms", 0, "command", "",
                          "reboot_message", "", "non_crash_failures", 1);
        export_round_trip(config, failure);

        /* what systemd has no words for goes through X-Scm- keys */
        json_object_set_new(config, "account", json_string("LocalService"));
        json_object_set_new(config, "kind", json_string("native"));
        json_object_set_new(config, "description", json_string("two\nlines"));
        json_object_set_new(config, "start_type", json_string("disabled"));
        json_object_set_new(config, "command_line", json_string("/bin/x  \"double\"  spaces"));
        json_object_set_new(config, "reload_signal", json_string(""));
        json_object_set_new(config, "reload_command", json_string("/bin/web reload"));
        json_object_set_new(failure, "actions",
                            json_pack("[{s:s, s:i}, {s:s, s:i}]", "type", "run", "delay_ms", 0,
                                      "type", "reboot", "delay_ms", 1000));
        json_object_set_new(failure, "command", json_string("/bin/page %1%"));
        json_object_set_new(failure, "reboot_message", json_string("bye"));
        export_round_trip(config, failure);
        char *text = unit_export(config, failure);
        assert_non_null(strstr(text, "X-Scm-Kind=native"));
        assert_non_null(strstr(text, "X-Scm-Account=LocalService"));
        assert_non_null(strstr(text, "X-Scm-CommandLine="));
        free(text);
        json_decref(config);
        json_decref(failure);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sections_and_assignments),
                cmocka_unit_test(test_syntax_errors),
                cmocka_unit_test(test_names),
                cmocka_unit_test_setup_teardown(test_dropins_order_and_override, setup, teardown),
                cmocka_unit_test_setup_teardown(test_template_instance, setup, teardown),
                cmocka_unit_test(test_specifiers),
                cmocka_unit_test(test_words),
                cmocka_unit_test(test_exec_lines),
                cmocka_unit_test(test_exec_word_quoting_round_trips),
                cmocka_unit_test(test_timespans_and_booleans),
                cmocka_unit_test(test_map_process_settings),
                cmocka_unit_test(test_map_every_assignment_reported),
                cmocka_unit_test(test_map_refusals),
                cmocka_unit_test(test_map_reload_forms),
                cmocka_unit_test(test_map_restart_and_security),
                cmocka_unit_test(test_map_known_dependencies_and_scm_keys),
                cmocka_unit_test(test_export_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
