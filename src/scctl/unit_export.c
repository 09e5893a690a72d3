/* SPDX-License-Identifier: MIT */
/*
 * A service as a systemd unit document, for scctl export (unit_import.h):
 * the systemd directives for what systemd has words for, then an X-Scm-
 * key for every field those directives would not give back exactly.
 *
 * Exactness is not reasoned about field by field: the document written is
 * read and mapped again with unit_import_map(), and each field whose value
 * differs from the service's gets its X-Scm- key, which import applies
 * last.  So a new field of the protocol round-trips the day scmd reports
 * it, before anyone teaches export its systemd directive.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "unit_import.h"

/* ---- defaults ---- */

static json_t *defaults_of(bool failure) {
        static json_t *config, *fail;
        if (!config) {
                config = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:s, s:i, s:i, s:b, s:I,"
                                   " s:[], s:s, s:[], s:b, s:b, s:b}",
                                   "description", "", "type", "own", "start_type", "demand",
                                   "error_control", "normal", "account", "", "group", "",
                                   "dependencies", "kind", "plain", "control_timeout_ms", 30000,
                                   "watchdog_ms", 0, "pause_by_freeze", 0, "preshutdown_timeout_ms",
                                   (json_int_t)180000, "required_privileges", "sid_type", "none",
                                   "writable_paths", "allow_weak_isolation", 0, "restrict_network",
                                   0, "interactive", 0);
                /* issue 15's process settings (docs/protocol.md) */
                json_t *more =
                        json_pack("{s:b, s:s, s:s, s:[], s:[], s:i, s:{}, s:s, s:[], s:s, s:i, s:i,"
                                  " s:[], s:[], s:s, s:s, s:s}",
                                  "remain_after_exit", 0, "pid_file", "", "working_directory", "",
                                  "environment", "environment_files", "umask", 0022, "limits",
                                  "primary_group", "", "supplementary_groups", "stop_signal",
                                  "TERM", "stop_timeout_ms", 0, "start_timeout_ms", 0,
                                  "exec_start_pre", "exec_stop_post", "reload_command", "",
                                  "reload_signal", "", "pam_name", "");
                static const char *const folders[] = {"runtime", "state", "cache", "logs",
                                                      "configuration"};
                for (size_t i = 0; more && i < ELEMENTSOF(folders); i++) {
                        char key[64];
                        snprintf(key, sizeof(key), "%s_directory", folders[i]);
                        json_object_set_new(more, key, json_array());
                        strcat(key, "_mode");
                        json_object_set_new(more, key, json_integer(0755));
                }
                json_object_update(config, more);
                json_decref(more);
                fail = json_pack("{s:i, s:[], s:s, s:s, s:b}", "reset_period", 0, "actions",
                                 "command", "", "reboot_message", "", "non_crash_failures", 0);
        }
        return failure ? fail : config;
}

const json_t *unit_field_default(const char *field, bool failure) {
        return json_object_get(defaults_of(failure), field);
}

bool unit_field_is_default(const char *field, bool failure, const json_t *value) {
        const json_t *d = unit_field_default(field, failure);
        /* "" is what scmd may report for the default stop signal, TERM */
        if (!failure && !strcmp(field, "stop_signal") && json_is_string(value) &&
            !strcmp(json_string_value(value), ""))
                return true;
        return !value || json_is_null(value) || (d && json_equal(d, value));
}

char *unit_scm_key(const char *field, bool failure) {
        char *out = malloc(strlen(field) + 16), *o = out;
        if (!out)
                return NULL;
        o += sprintf(o, "X-Scm-%s", failure ? "Failure" : "");
        for (const char *p = field; *p; p++) {
                if (*p == '_')
                        continue;
                *o++ = p == field || p[-1] == '_' ? (char)toupper((unsigned char)*p) : *p;
        }
        *o = '\0';
        return out;
}

/* ---- writing ---- */

/* Text a unit value can hold as it is: no control character, no
 * whitespace at either end, not ending in a backslash. */
static bool plain_value(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\\')
                return false;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++)
                if (*p < ' ' || *p == 0x7f)
                        return false;
        return true;
}

/* s with '%' doubled, for a value the reader expands specifiers in. */
static void put_escaped_percent(FILE *f, const char *s) {
        for (; *s; s++) {
                if (*s == '%')
                        fputc('%', f);
                fputc(*s, f);
        }
}

/* A word of a list directive (Environment=, SupplementaryGroups=): in
 * double quotes with C escapes when it needs them. */
static void put_list_word(FILE *f, const char *w) {
        bool plain = *w != '\0';
        for (const char *p = w; *p && plain; p++)
                plain = (unsigned char)*p > ' ' && !strchr("\"'\\", *p) && *p != 0x7f;
        if (plain) {
                put_escaped_percent(f, w);
                return;
        }
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *)w; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < ' ' || *p == 0x7f)
                        fprintf(f, "\\x%02x", *p);
                else if (*p == '%')
                        fputs("%%", f);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}

static const char *str(const json_t *obj, const char *key) {
        const char *s = json_string_value(json_object_get(obj, key));
        return s ? s : "";
}

static json_int_t num(const json_t *obj, const char *key) {
        return json_integer_value(json_object_get(obj, key));
}

/* "ExecStart=" and the words of the command line; false when it does not
 * split (then X-Scm-CommandLine carries it). */
static bool put_exec(FILE *f, const char *key, const char *line) {
        char **argv = NULL;
        int argc;
        const char *reason;
        const char *dash = "";
        if (line[0] == '-' && !strcmp(key, "ExecStartPre")) {
                dash = "-";
                line++;
        }
        if (cmdline_split(line, &argv, &argc, &reason) < 0)
                return false;
        fprintf(f, "%s=%s", key, dash);
        for (int i = 0; i < argc; i++) {
                _cleanup_free_ char *w = unit_quote_exec_word(argv[i]);
                fprintf(f, "%s%s", i ? " " : "", w ? w : "");
        }
        fputc('\n', f);
        strv_free(argv);
        return true;
}

static void put_list(FILE *f, const char *key, const json_t *list) {
        size_t i;
        json_t *v;
        if (json_array_size(list) == 0)
                return;
        fprintf(f, "%s=", key);
        json_array_foreach(list, i, v) {
                if (i)
                        fputc(' ', f);
                put_list_word(f, json_string_value(v) ?: "");
        }
        fputc('\n', f);
}

static void put_text(FILE *f, const char *key, const char *s) {
        if (!plain_value(s))
                return; /* X-Scm- carries it */
        fprintf(f, "%s=", key);
        put_escaped_percent(f, s);
        fputc('\n', f);
}

static bool is_well_known_account(const char *a) {
        return !strcasecmp(a, "LocalSystem") || !strcasecmp(a, "LocalService") ||
               !strcasecmp(a, "NetworkService") || !strncasecmp(a, "NT AUTHORITY\\", 13);
}

static void write_unit_section(FILE *f, const json_t *config) {
        fprintf(f, "[Unit]\n");
        put_text(f, "Description", str(config, "description"));
        json_t *deps = json_object_get(config, "dependencies"), *v;
        size_t i;
        bool any = false;
        for (int pass = 0; pass < 2; pass++) {
                any = false;
                json_array_foreach(deps, i, v) {
                        const char *d = json_string_value(v);
                        if (!d || d[0] == '+' || !plain_value(d) || strpbrk(d, " \"'\\%"))
                                continue;
                        fprintf(f, "%s%s.service", any ? " " : pass ? "After=" : "Requires=", d);
                        any = true;
                }
                if (any)
                        fputc('\n', f);
        }
}

/* Restart= and its companions from failure actions of the form import
 * makes: N restarts with one delay, optionally then none. */
static void write_restart(FILE *f, FILE *unit_extra, const json_t *failure) {
        json_t *actions = json_object_get(failure, "actions"), *a;
        size_t i, restarts = 0;
        json_int_t delay = -1;
        bool trailing_none = false;
        json_array_foreach(actions, i, a) {
                const char *type = str(a, "type");
                if (!strcmp(type, "restart") && !trailing_none &&
                    (delay < 0 || delay == num(a, "delay_ms"))) {
                        delay = num(a, "delay_ms");
                        restarts++;
                } else if (!strcmp(type, "none") && i + 1 == json_array_size(actions) && restarts) {
                        trailing_none = true;
                } else {
                        return; /* X-Scm-FailureActions carries it */
                }
        }
        if (!restarts)
                return;
        fprintf(f, "Restart=%s\nRestartSec=%lldms\n",
                json_is_true(json_object_get(failure, "non_crash_failures")) ? "on-failure"
                                                                             : "on-abnormal",
                (long long)delay);
        if (trailing_none)
                fprintf(unit_extra, "StartLimitBurst=%zu\nStartLimitIntervalSec=%lld\n", restarts,
                        (long long)num(failure, "reset_period"));
        else
                fprintf(unit_extra, "StartLimitIntervalSec=0\n");
}

/* "5s" for 5000 ms, "1500ms" for 1500, into buf (32 bytes). */
static const char *timespan(json_int_t ms, char *buf) {
        if (ms % 1000 == 0)
                snprintf(buf, 32, "%llds", (long long)(ms / 1000));
        else
                snprintf(buf, 32, "%lldms", (long long)ms);
        return buf;
}

static void write_service_section(FILE *f, FILE *unit_extra, const json_t *config,
                                  const json_t *failure) {
        char t[32];
        const char *kind = str(config, "kind");
        static const char *const types[][2] = {{"plain", "simple"},
                                               {"notify", "notify"},
                                               {"forking", "forking"},
                                               {"oneshot", "oneshot"},
                                               {"native", "simple"}};
        fprintf(f, "\n[Service]\n");
        for (size_t i = 0; i < ELEMENTSOF(types); i++)
                if (!strcmp(kind, types[i][0]))
                        fprintf(f, "Type=%s\n", types[i][1]);
        put_exec(f, "ExecStart", str(config, "command_line"));
        json_t *v;
        size_t i;
        json_array_foreach(json_object_get(config, "exec_start_pre"), i, v)
                put_exec(f, "ExecStartPre", json_string_value(v) ?: "");
        json_array_foreach(json_object_get(config, "exec_stop_post"), i, v)
                put_exec(f, "ExecStopPost", json_string_value(v) ?: "");
        if (str(config, "reload_signal")[0])
                fprintf(f, "ExecReload=/bin/kill -%s $MAINPID\n", str(config, "reload_signal"));
        else if (str(config, "reload_command")[0])
                put_exec(f, "ExecReload", str(config, "reload_command"));
        put_text(f, "PIDFile", str(config, "pid_file"));
        const char *account = str(config, "account");
        if (account[0] && !is_well_known_account(account))
                put_text(f, "User", account);
        put_text(f, "Group", str(config, "primary_group"));
        put_list(f, "SupplementaryGroups", json_object_get(config, "supplementary_groups"));
        put_text(f, "WorkingDirectory", str(config, "working_directory"));
        put_list(f, "Environment", json_object_get(config, "environment"));
        json_array_foreach(json_object_get(config, "environment_files"), i, v)
                put_text(f, "EnvironmentFile", json_string_value(v) ?: "");
        json_t *umask = json_object_get(config, "umask");
        if (json_is_integer(umask))
                fprintf(f, "UMask=%04llo\n", (unsigned long long)json_integer_value(umask));
        const char *name;
        json_object_foreach(json_object_get(config, "limits"), name, v)
                fprintf(f, "Limit%s=%s\n", name, json_string_value(v) ?: "");
        if (num(config, "start_timeout_ms") > 0)
                fprintf(f, "TimeoutStartSec=%s\n", timespan(num(config, "start_timeout_ms"), t));
        if (num(config, "stop_timeout_ms") > 0)
                fprintf(f, "TimeoutStopSec=%s\n", timespan(num(config, "stop_timeout_ms"), t));
        if (str(config, "stop_signal")[0])
                fprintf(f, "KillSignal=SIG%s\n", str(config, "stop_signal"));
        static const char *const folders[][2] = {{"runtime", "Runtime"},
                                                 {"state", "State"},
                                                 {"cache", "Cache"},
                                                 {"logs", "Logs"},
                                                 {"configuration", "Configuration"}};
        for (size_t k = 0; k < ELEMENTSOF(folders); k++) {
                char field[64], key[64];
                snprintf(field, sizeof(field), "%s_directory", folders[k][0]);
                snprintf(key, sizeof(key), "%sDirectory", folders[k][1]);
                put_list(f, key, json_object_get(config, field));
                strcat(field, "_mode");
                json_t *mode = json_object_get(config, field);
                if (json_is_integer(mode) && json_integer_value(mode) != 0755)
                        fprintf(f, "%sMode=%04llo\n", key,
                                (unsigned long long)json_integer_value(mode));
        }
        put_list(f, "ReadWritePaths", json_object_get(config, "writable_paths"));
        if (!strcmp(str(config, "sid_type"), "restricted"))
                fprintf(f, "ProtectSystem=strict\n");
        json_t *privs = json_object_get(config, "required_privileges");
        if (json_array_size(privs) > 0) {
                put_list(f, "CapabilityBoundingSet", privs);
                if (account[0] && strcmp(account, "root") && !is_well_known_account(account))
                        put_list(f, "AmbientCapabilities", privs);
        }
        put_text(f, "PAMName", str(config, "pam_name"));
        if (json_is_true(json_object_get(config, "remain_after_exit")))
                fprintf(f, "RemainAfterExit=yes\n");
        if (json_is_true(json_object_get(config, "restrict_network")))
                fprintf(f, "PrivateNetwork=yes\n");
        if (num(config, "watchdog_ms") > 0)
                fprintf(f, "WatchdogSec=%s\n", timespan(num(config, "watchdog_ms"), t));
        if (failure)
                write_restart(f, unit_extra, failure);
}

/* The fields of want that the mapping of text does not give back. */
static int add_scm_keys(FILE *f, const json_t *want, const json_t *got, bool failure,
                        const char *name) {
        const char *field;
        json_t *v;
        json_object_foreach((json_t *)want, field, v) {
                const json_t *g = json_object_get(got, field);
                bool same;
                if (!failure && !strcmp(field, "display_name"))
                        same = !strcmp(json_string_value(v) ?: "", name) || (g && json_equal(g, v));
                else
                        same = g ? json_equal(g, v)
                                 : unit_field_is_default(field, failure, v) || json_is_null(v);
                if (same)
                        continue;
                _cleanup_free_ char *key = unit_scm_key(field, failure);
                const char *s = json_string_value(v);
                bool plain = s && plain_value(s) && !strchr("\"[{0123456789", s[0]) &&
                             strcmp(s, "true") && strcmp(s, "false") && !strchr(s, '\\');
                if (!key)
                        return -ENOMEM;
                if (plain) {
                        fprintf(f, "%s=%s\n", key, s);
                } else {
                        _cleanup_free_ char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
                        if (!text)
                                return -ENOMEM;
                        fprintf(f, "%s=%s\n", key, text);
                }
        }
        return 0;
}

/* The fields a document should give back: config without what is not
 * configuration (name, log_file). */
static json_t *wanted_config(const json_t *config) {
        json_t *want = json_deep_copy(config);
        if (want) {
                json_object_del(want, "name");
                json_object_del(want, "log_file");
        }
        return want;
}

static json_t *wanted_failure(const json_t *failure) {
        if (!failure)
                return NULL;
        json_t *want = json_object();
        static const char *const keep[] = {"reset_period", "actions", "command", "reboot_message",
                                           "non_crash_failures"};
        for (size_t i = 0; want && i < ELEMENTSOF(keep); i++) {
                json_t *v = json_object_get(failure, keep[i]);
                if (v)
                        json_object_set_new(want, keep[i], json_deep_copy(v));
        }
        return want;
}

/* What import makes of text (with no look-ups), or -errno. */
static int map_text(const char *text, const char *name, struct unit_import *ret) {
        struct unit_file u = {0};
        int r = unit_file_set_name(&u, name);
        if (r >= 0)
                r = unit_file_parse(&u, "export", text);
        struct unit_import_options o = {.name = name};
        if (r >= 0)
                r = unit_import_map(&u, &o, ret);
        unit_file_done(&u);
        return r == -EINVAL ? 0 : r; /* no command: every field then goes to X-Scm- */
}

char *unit_export(const json_t *config, const json_t *failure) {
        const char *name = str(config, "name");
        size_t size = 0, extra_size = 0;
        char *body = NULL, *extra = NULL, *out = NULL;
        FILE *f = open_memstream(&body, &size), *x = open_memstream(&extra, &extra_size);
        if (!f || !x) {
                if (f)
                        fclose(f);
                if (x)
                        fclose(x);
                free(body);
                free(extra);
                return NULL;
        }
        fprintf(f,
                "# %s.service: written by scctl export; scctl import takes it back.\n"
                "# X-Scm- keys are scm's own settings (systemd ignores them).\n",
                name);
        write_unit_section(f, config);
        write_service_section(f, x, config, failure);
        if (!strcmp(str(config, "start_type"), "auto"))
                fprintf(f, "\n[Install]\nWantedBy=multi-user.target\n");
        bool ok = fclose(x) == 0;
        ok = fflush(f) == 0 && ok;

        /* The [Unit] extras (StartLimit*) go in before [Service]. */
        _cleanup_free_ char *doc = NULL;
        if (ok) {
                char *service = strstr(body, "\n[Service]\n");
                if (asprintf(&doc, "%.*s%s%s", (int)(service - body), body, extra, service) < 0)
                        doc = NULL;
        }
        struct unit_import m = {0};
        _cleanup_json_ json_t *want = wanted_config(config);
        _cleanup_json_ json_t *want_failure = wanted_failure(failure);
        _cleanup_json_ json_t *none = json_object();
        int r = doc && want && none ? map_text(doc, name, &m) : -ENOMEM;
        size_t keys_size = 0;
        char *keys = NULL;
        FILE *k = r >= 0 ? open_memstream(&keys, &keys_size) : NULL;
        if (k) {
                r = add_scm_keys(k, want, m.config ? m.config : none, false, name);
                if (r >= 0 && want_failure)
                        r = add_scm_keys(k, want_failure, m.failure ? m.failure : none, true, name);
                if (fclose(k) != 0)
                        r = -ENOMEM;
        }
        if (r >= 0 && keys &&
            asprintf(&out, "%s%s%s", doc, keys[0] ? "\n[Service]\n" : "", keys) < 0)
                out = NULL;
        free(keys);
        unit_import_done(&m);
        fclose(f);
        free(body);
        free(extra);
        return out;
}
