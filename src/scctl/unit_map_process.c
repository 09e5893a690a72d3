/* SPDX-License-Identifier: MIT */
/*
 * The mapping of a unit's Exec lines and process settings onto scm's fields
 * (unit_map.h): ExecStart/ExecStartPre/ExecStopPost/ExecReload, Type=,
 * PIDFile=, the account and groups, working directory, environment, umask,
 * limits, timeouts, stop signal, folders, PAM, one-shot, network and
 * watchdog settings, description.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "unit_map.h"
#include "validate.h"

/* ---- small value helpers ---- */

static bool parse_octal(const char *s, unsigned max, unsigned *ret) {
        char *end;
        unsigned long v = strtoul(s, &end, 8);
        if (!*s || *end || v > max || *s == '-' || *s == '+')
                return false;
        *ret = (unsigned)v;
        return true;
}

/* "SIGQUIT", "QUIT", "3" -> "QUIT"; NULL when not a signal. */
static const char *signal_name(const char *s) {
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        char *end;
        long n = strtol(s, &end, 10);
        if (*s && !*end)
                return n > 0 && n < NSIG ? sigabbrev_np((int)n) : NULL;
        for (int i = 1; i < NSIG; i++) {
                const char *name = sigabbrev_np(i);
                if (name && strcasecmp(name, s) == 0)
                        return name;
        }
        return NULL;
}

/* ---- Exec lines ---- */

/* Variables systemd sets itself that scm's environment has not. */
static const char *const manager_variables[] = {
        "MAINPID",        "MANAGERPID",     "INVOCATION_ID", "LISTEN_FDS",
        "LISTEN_PID",     "LISTEN_FDNAMES", "TRIGGER_UNIT",  "MONITOR_SERVICE_RESULT",
        "SERVICE_RESULT", "EXIT_CODE",      "EXIT_STATUS",   NULL,
};

static const char *manager_variable_in(char *const *argv) {
        for (size_t i = 0; argv[i]; i++)
                for (size_t j = 0; manager_variables[j]; j++) {
                        char a[64], b[64];
                        snprintf(a, sizeof(a), "$%s", manager_variables[j]);
                        snprintf(b, sizeof(b), "${%s}", manager_variables[j]);
                        if (strcmp(argv[i], a) == 0 || strstr(argv[i], b))
                                return manager_variables[j];
                }
        return NULL;
}

/* One Exec line as an scm command line into *ret (malloc'd): refused (with
 * a report) for prefixes other than allowed, and for variables only systemd
 * sets; $VAR references go through /bin/sh.  Returns 1 when mapped, 0 when
 * refused (reported), -ENOMEM. */
static int exec_command(struct mapper *m, const struct item *it, unsigned allowed,
                        unsigned *ret_flags, char **ret) {
        struct exec_line e;
        const char *reason = NULL;
        int r = unit_parse_exec(it->value, &e, &reason);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return REFUSED(m, it, "%s", reason) ?: 0;
        unsigned other = e.flags & ~allowed & ~(unsigned)EXEC_NO_ENV_EXPAND;
        const char *var = e.has_variables ? manager_variable_in(e.argv) : NULL;
        if (other) {
                r = REFUSED(m, it, "the prefix %s has no scm equivalent",
                            other & EXEC_ARGV0             ? "'@' (another argv[0])"
                            : other & EXEC_FULL_PRIVILEGES ? "'+' (full privileges)"
                            : other & EXEC_IGNORE_FAILURE  ? "'-' (ignore its failure)"
                                                           : "'!' / '!!' (privileges by hand)");
        } else if (var) {
                r = REFUSED(m, it, "$%s is set by systemd, and scm has no such variable", var);
        } else {
                *ret = unit_join_command_line(e.argv, e.has_variables);
                *ret_flags = e.flags;
                r = *ret ? 1 : -ENOMEM;
        }
        exec_line_done(&e);
        return r;
}

int map_exec_start(struct mapper *m, struct slot *s) {
        if (s->n > 1) {
                for (size_t i = 0; i + 1 < s->n; i++)
                        NOT_MAPPED(m, &s->items[i],
                                   "scm runs one command: only the last ExecStart= is used");
        }
        const struct item *it = map_last(s);
        _cleanup_free_ char *line = NULL;
        unsigned flags = 0;
        int r = exec_command(m, it, EXEC_IGNORE_FAILURE, &flags, &line);
        if (r <= 0)
                return r;
        if ((r = map_set(m, "command_line", json_string(line))) < 0)
                return r;
        if (flags & EXEC_IGNORE_FAILURE)
                return MAPPED_NOTE(m, it, "command_line",
                                   "the '-' prefix (its exit status ignored) is not mapped: "
                                   "an exit is judged as any other");
        if (strncmp(line, "/bin/sh -c ", 11) == 0)
                return MAPPED_NOTE(m, it, "command_line",
                                   "through /bin/sh -c, which expands its $VARIABLES from the "
                                   "service's environment at each start");
        return MAPPED(m, it, "command_line");
}

static int map_exec_list(struct mapper *m, struct slot *s, const char *field, bool keep_dash) {
        json_t *list = json_array();
        int r = list ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                _cleanup_free_ char *line = NULL;
                unsigned flags = 0;
                r = exec_command(m, &s->items[i], EXEC_IGNORE_FAILURE, &flags, &line);
                if (r <= 0)
                        continue;
                _cleanup_free_ char *entry = NULL;
                if (asprintf(&entry, "%s%s", keep_dash && (flags & EXEC_IGNORE_FAILURE) ? "-" : "",
                             line) < 0)
                        r = -ENOMEM;
                else if (json_array_append_new(list, json_string(entry)) < 0)
                        r = -ENOMEM;
                else if (!keep_dash && (flags & EXEC_IGNORE_FAILURE))
                        r = MAPPED_NOTE(m, &s->items[i], field,
                                        "'-' dropped: its failure is only logged anyway");
                else
                        r = MAPPED(m, &s->items[i], field);
        }
        if (r < 0) {
                json_decref(list);
                return r;
        }
        return map_set(m, field, list);
}

int map_exec_start_pre(struct mapper *m, struct slot *s) {
        return map_exec_list(m, s, "exec_start_pre", true);
}

int map_exec_stop_post(struct mapper *m, struct slot *s) {
        return map_exec_list(m, s, "exec_stop_post", false);
}

/* "kill -HUP $MAINPID", "/bin/kill -s USR1 ${MAINPID}", "kill -1 $MAINPID":
 * the signal's name, else NULL. */
static const char *kill_mainpid_signal(const char *value) {
        struct exec_line e;
        const char *reason, *sig = NULL;
        if (unit_parse_exec(value, &e, &reason) < 0)
                return NULL;
        const char *prog = strrchr(e.argv[0], '/');
        prog = prog ? prog + 1 : e.argv[0];
        const char *target = e.argv[e.argc - 1];
        if (strcmp(prog, "kill") == 0 &&
            (strcmp(target, "$MAINPID") == 0 || strcmp(target, "${MAINPID}") == 0)) {
                if (e.argc == 2)
                        sig = "TERM";
                else if (e.argc == 3 && e.argv[1][0] == '-')
                        sig = signal_name(e.argv[1] + 1);
                else if (e.argc == 4 &&
                         (strcmp(e.argv[1], "-s") == 0 || strcmp(e.argv[1], "--signal") == 0))
                        sig = signal_name(e.argv[2]);
        }
        exec_line_done(&e);
        return sig;
}

int map_exec_reload(struct mapper *m, struct slot *s) {
        const struct item *kill_item = NULL, *command_item = NULL;
        const char *sig = NULL;
        for (size_t i = 0; i < s->n; i++) {
                const char *k = kill_mainpid_signal(s->items[i].value);
                if (k && !kill_item) {
                        kill_item = &s->items[i];
                        sig = k;
                } else if (!command_item && !k) {
                        command_item = &s->items[i];
                }
        }
        int r = 0;
        if (kill_item) {
                if ((r = map_set(m, "reload_signal", json_string(sig))) < 0)
                        return r;
                r = MAPPED(m, kill_item, "reload_signal");
        } else if (command_item) {
                _cleanup_free_ char *line = NULL;
                unsigned flags = 0;
                r = exec_command(m, command_item, 0, &flags, &line);
                if (r > 0 && (r = map_set(m, "reload_command", json_string(line))) >= 0)
                        r = MAPPED(m, command_item, "reload_command");
        }
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const struct item *it = &s->items[i];
                if (it == kill_item || (!kill_item && it == command_item))
                        continue;
                if (kill_item && it < kill_item)
                        r = NOT_MAPPED(m, it,
                                       "scm reloads with one action: the signal of a later "
                                       "ExecReload= is sent without this check before it");
                else
                        r = REFUSED(m, it,
                                    "scm reloads with one action: this further "
                                    "ExecReload= would not run");
        }
        return r;
}

/* ---- process settings ---- */

int map_type(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        static const char *const kinds[][2] = {
                {"simple", "plain"},    {"exec", "plain"},           {"idle", "plain"},
                {"notify", "notify"},   {"notify-reload", "notify"}, {"forking", "forking"},
                {"oneshot", "oneshot"},
        };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (strcmp(it->value, kinds[i][0]) == 0) {
                        int r = map_set(m, "kind", json_string(kinds[i][1]));
                        if (r < 0)
                                return r;
                        if (strcmp(it->value, "idle") == 0)
                                return MAPPED_NOTE(m, it, "kind",
                                                   "idle's wait for other jobs is not kept");
                        if (strcmp(it->value, "notify-reload") == 0) {
                                if (!map_value_of(m, "ExecReload") &&
                                    (r = map_set(m, "reload_signal", json_string("HUP"))) < 0)
                                        return r;
                                return MAPPED_NOTE(m, it, "kind",
                                                   "notify, reloaded by SIGHUP (reload_signal)");
                        }
                        return MAPPED(m, it, "kind");
                }
        if (strcmp(it->value, "dbus") == 0)
                return REFUSED(m, it,
                               "scm does not watch the D-Bus name: the service would be "
                               "running as soon as it was started");
        return REFUSED(m, it, "'%s' is not a Type= systemd knows", it->value);
}

int map_pid_file(struct mapper *m, struct slot *s) {
        const char *type = map_value_of(m, "Type");
        const struct item *it = map_last(s);
        if (!type || strcmp(type, "forking") != 0)
                return NOT_NEEDED(m, it, "the main pid is the process scm starts (Type=%s)",
                                  type ? type : "simple");
        if (it->value[0] != '/')
                return REFUSED(m, it, "the PID file must be an absolute path");
        int r = map_set(m, "pid_file", json_string(it->value));
        return r < 0 ? r : MAPPED(m, it, "pid_file");
}

int map_user(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        if (m->o->user_exists && !m->o->user_exists(it->value))
                return REFUSED(m, it,
                               "the account '%s' does not exist on this machine (create "
                               "it first: the service would run as scmd's own)",
                               it->value);
        int r = map_set(m, "account", json_string(it->value));
        return r < 0 ? r : MAPPED(m, it, "account");
}

int map_dynamic_user(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        int b = unit_parse_boolean(it->value);
        if (b <= 0)
                return b < 0 ? REFUSED(m, it, "not a boolean") : NOT_NEEDED(m, it, "the default");
        if (map_value_of(m, "User"))
                return NOT_NEEDED(m, it, "User= names the account");
        int r = map_set(m, "account", json_string("LocalService"));
        return r < 0 ? r
                     : MAPPED_NOTE(m, it, "account",
                                   "LocalService: an unprivileged account of scm's");
}

int map_group(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        if (m->o->group_exists && !m->o->group_exists(it->value))
                return REFUSED(m, it, "the group '%s' does not exist on this machine", it->value);
        int r = map_set(m, "primary_group", json_string(it->value));
        return r < 0 ? r : MAPPED(m, it, "primary_group");
}

/* A list of words from every item (an empty item was a reset, handled by
 * the first pass), each checked by valid(); reported per item. */
static int map_word_list(struct mapper *m, struct slot *s, const char *field,
                         const char *(*check)(struct mapper *m, const char *word)) {
        json_t *list = json_array();
        int r = list ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                char **w = NULL;
                const char *reason = NULL;
                int n = unit_split_words(s->items[i].value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                const char *bad = NULL;
                for (int j = 0; j < n && !bad; j++)
                        if (check && (bad = check(m, w[j])))
                                r = REFUSED(m, &s->items[i], "'%s': %s", w[j], bad);
                for (int j = 0; j < n && !bad && r >= 0; j++)
                        if (json_array_append_new(list, json_string(w[j])))
                                r = -ENOMEM;
                strv_free(w);
                if (!bad && r >= 0)
                        r = MAPPED(m, &s->items[i], field);
        }
        if (r < 0) {
                json_decref(list);
                return r;
        }
        return map_set(m, field, list);
}

static const char *check_group(struct mapper *m, const char *g) {
        return m->o->group_exists && !m->o->group_exists(g) ? "no such group on this machine"
                                                            : NULL;
}

int map_supplementary_groups(struct mapper *m, struct slot *s) {
        return map_word_list(m, s, "supplementary_groups", check_group);
}

int map_working_directory(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *dir = it->value;
        bool optional = dir[0] == '-';
        if (optional)
                dir++;
        if (dir[0] == '~')
                return REFUSED(m, it,
                               "'~' (the account's home) is not supported: write the "
                               "path");
        if (dir[0] != '/')
                return REFUSED(m, it, "the working directory must be an absolute path");
        int r = map_set(m, "working_directory", json_string(dir));
        if (r < 0)
                return r;
        return optional ? MAPPED_NOTE(m, it, "working_directory",
                                      "'-' dropped: a missing directory fails the start")
                        : MAPPED(m, it, "working_directory");
}

static const char *check_assignment(struct mapper *m, const char *w) {
        (void)m;
        const char *eq = strchr(w, '=');
        if (!eq || eq == w)
                return "not KEY=VALUE";
        for (const char *p = w; p < eq; p++)
                if (!(isalnum((unsigned char)*p) || *p == '_'))
                        return "the variable's name is not letters, digits and _";
        return NULL;
}

int map_environment(struct mapper *m, struct slot *s) {
        return map_word_list(m, s, "environment", check_assignment);
}

int map_environment_file(struct mapper *m, struct slot *s) {
        json_t *list = json_array();
        int r = list ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const char *v = s->items[i].value;
                if (v[v[0] == '-'] != '/')
                        r = REFUSED(m, &s->items[i], "the file must be an absolute path");
                else if (json_array_append_new(list, json_string(v)) < 0)
                        r = -ENOMEM;
                else
                        r = MAPPED(m, &s->items[i], "environment_files");
        }
        if (r < 0) {
                json_decref(list);
                return r;
        }
        return map_set(m, "environment_files", list);
}

int map_umask(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        unsigned v;
        if (!parse_octal(it->value, 0777, &v))
                return REFUSED(m, it, "not an octal mask 0000-0777");
        int r = map_set(m, "umask", json_integer(v));
        return r < 0 ? r : MAPPED(m, it, "umask");
}

/* One "infinity" or number with an optional 1024-based suffix. */
static bool limit_value(const char *s, size_t n, bool sizes, char *out, size_t size) {
        if (n == 8 && strncmp(s, "infinity", 8) == 0) {
                snprintf(out, size, "infinity");
                return true;
        }
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (end == s || s[0] == '-')
                return false;
        static const char suffixes[] = "KMGTPE";
        if ((size_t)(end - s) + 1 == n && sizes && strchr(suffixes, *end) && *end) {
                for (const char *p = suffixes; *p && v; p++) {
                        if (v > UINT64_MAX / 1024)
                                return false;
                        v *= 1024;
                        if (*p == *end)
                                break;
                }
        } else if ((size_t)(end - s) != n) {
                return false;
        }
        snprintf(out, size, "%llu", v);
        return true;
}

int map_limits(struct mapper *m) {
        static const char *const names[] = {
                "NOFILE", "NPROC", "CORE",   "MEMLOCK",  "STACK",      "AS",    "DATA",   "FSIZE",
                "RSS",    "NICE",  "RTPRIO", "MSGQUEUE", "SIGPENDING", "LOCKS", "RTTIME", "CPU"};
        json_t *limits = json_object();
        int r = limits ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(names); i++) {
                char key[32];
                snprintf(key, sizeof(key), "Limit%s", names[i]);
                struct slot *s = map_slot_of(m, key);
                const struct item *it = s ? map_last(s) : NULL;
                if (!it)
                        continue;
                bool sizes = !strcmp(names[i], "CORE") || !strcmp(names[i], "MEMLOCK") ||
                             !strcmp(names[i], "STACK") || !strcmp(names[i], "AS") ||
                             !strcmp(names[i], "DATA") || !strcmp(names[i], "FSIZE") ||
                             !strcmp(names[i], "RSS") || !strcmp(names[i], "MSGQUEUE");
                const char *v = it->value, *colon = strchr(v, ':');
                char soft[32], hard[32], both[80];
                bool ok = limit_value(v, colon ? (size_t)(colon - v) : strlen(v), sizes, soft,
                                      sizeof(soft)) &&
                          (!colon ||
                           limit_value(colon + 1, strlen(colon + 1), sizes, hard, sizeof(hard)));
                if (!ok) {
                        r = REFUSED(m, it, "not SOFT[:HARD] of numbers or 'infinity'%s",
                                    sizes ? " (K, M, G, T, P, E suffixes allowed)" : "");
                        continue;
                }
                snprintf(both, sizeof(both), "%s%s%s", soft, colon ? ":" : "", colon ? hard : "");
                if (json_object_set_new(limits, names[i], json_string(both)) < 0)
                        r = -ENOMEM;
                else
                        r = MAPPED(m, it, "limits");
        }
        if (r < 0 || json_object_size(limits) == 0) {
                json_decref(limits);
                return r;
        }
        return map_set(m, "limits", limits);
}

static int map_timeout(struct mapper *m, const struct item *it, const char *field) {
        unsigned long long ms;
        if (unit_parse_timespan_ms(it->value, &ms) < 0)
                return REFUSED(m, it, "not a time span (5s, 1min 30s, 500ms, infinity)");
        if (ms == 0 || ms == UINT64_MAX)
                return NOT_MAPPED(m, it, "scm has no endless %s: the default applies",
                                  strcmp(field, "stop_timeout_ms") == 0 ? "stop timeout (scmd's "
                                                                          "--stop-timeout)"
                                                                        : "start timeout");
        if (ms > 24ULL * 3600 * 1000)
                return REFUSED(m, it, "longer than 24 hours");
        int r = map_set(m, field, json_integer((json_int_t)ms));
        return r < 0 ? r : MAPPED(m, it, field);
}

int map_timeouts(struct mapper *m) {
        struct slot *both = map_slot_of(m, "TimeoutSec"),
                    *start = map_slot_of(m, "TimeoutStartSec"),
                    *stop = map_slot_of(m, "TimeoutStopSec");
        int r = 0;
        if (both->n && start->n)
                r = NOT_NEEDED(m, map_last(both), "TimeoutStartSec= sets the start timeout");
        else if (both->n)
                r = map_timeout(m, map_last(both), "start_timeout_ms");
        if (r >= 0 && both->n && stop->n)
                r = NOT_NEEDED(m, map_last(both), "TimeoutStopSec= sets the stop timeout");
        else if (r >= 0 && both->n)
                r = map_timeout(m, map_last(both), "stop_timeout_ms");
        if (r >= 0 && start->n)
                r = map_timeout(m, map_last(start), "start_timeout_ms");
        if (r >= 0 && stop->n)
                r = map_timeout(m, map_last(stop), "stop_timeout_ms");
        return r;
}

int map_kill_signal(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *name = signal_name(it->value);
        if (!name)
                return REFUSED(m, it, "not a signal");
        int r = map_set(m, "stop_signal", json_string(name));
        return r < 0 ? r : MAPPED(m, it, "stop_signal");
}

static const char *check_relative(struct mapper *m, const char *w) {
        (void)m;
        if (w[0] == '/' || strstr(w, "..") || strchr(w, ':'))
                return "a directory name relative to its base, without '..' or ':'";
        return NULL;
}

static const char *const folder_kinds[] = {"Runtime", "State", "Cache", "Logs", "Configuration"};

int map_folders(struct mapper *m) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(folder_kinds); i++) {
                char key[64], field[64];
                snprintf(key, sizeof(key), "%sDirectory", folder_kinds[i]);
                snprintf(field, sizeof(field), "%s_directory", folder_kinds[i]);
                field[0] = (char)tolower((unsigned char)field[0]);
                struct slot *s = map_slot_of(m, key);
                if (s->n)
                        r = map_word_list(m, s, field, check_relative);
                snprintf(key, sizeof(key), "%sDirectoryMode", folder_kinds[i]);
                strcat(field, "_mode");
                s = map_slot_of(m, key);
                const struct item *it = map_last(s);
                unsigned mode;
                if (r < 0 || !it)
                        continue;
                if (!parse_octal(it->value, 07777, &mode))
                        r = REFUSED(m, it, "not an octal mode");
                else if ((r = map_set(m, field, json_integer(mode))) >= 0)
                        r = MAPPED(m, it, field);
        }
        return r;
}

int map_pam_name(struct mapper *m, struct slot *s) {
        int r = map_set(m, "pam_name", json_string(map_last(s)->value));
        return r < 0 ? r : MAPPED(m, map_last(s), "pam_name");
}

int map_remain_after_exit(struct mapper *m, struct slot *s) {
        int b = unit_parse_boolean(map_last(s)->value);
        if (b < 0)
                return REFUSED(m, map_last(s), "not a boolean");
        int r = map_set(m, "remain_after_exit", json_boolean(b));
        return r < 0 ? r : MAPPED(m, map_last(s), "remain_after_exit");
}

int map_private_network(struct mapper *m, struct slot *s) {
        int b = unit_parse_boolean(map_last(s)->value);
        if (b < 0)
                return REFUSED(m, map_last(s), "not a boolean");
        int r = map_set(m, "restrict_network", json_boolean(b));
        return r < 0 ? r : MAPPED(m, map_last(s), "restrict_network");
}

int map_watchdog(struct mapper *m, struct slot *s) {
        unsigned long long ms;
        const struct item *it = map_last(s);
        if (unit_parse_timespan_ms(it->value, &ms) < 0 || ms > 24ULL * 3600 * 1000)
                return REFUSED(m, it, "not a time span of at most 24 hours");
        int r = map_set(m, "watchdog_ms", json_integer(ms == UINT64_MAX ? 0 : (json_int_t)ms));
        return r < 0 ? r : MAPPED(m, it, "watchdog_ms");
}

int map_description(struct mapper *m, struct slot *s) {
        int r = map_set(m, "description", json_string(map_last(s)->value));
        return r < 0 ? r : MAPPED(m, map_last(s), "description");
}
