/* SPDX-License-Identifier: MIT */
/*
 * systemd directives onto scm's fields (unit_import.h).  The field names
 * are the protocol's (docs/protocol.md); the table in docs/from-systemd.md
 * says the same for people, and both must change together.
 *
 * Two passes.  The first files each assignment into the slot of its
 * directive: a single value keeps the last assignment (the ones before are
 * reported as replaced), a list keeps every one (an empty assignment
 * resets it, the dropped ones reported as reset).  The second maps each
 * slot, reading others where meanings combine (Restart= with RestartSec=,
 * PIDFile= with Type=), and writes one report entry for every assignment.
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
#include "unit_import.h"
#include "validate.h"

struct item {
        const struct unit_assignment *a;
        char *value; /* specifiers expanded */
};

struct slot {
        struct item *items;
        size_t n;
};

struct mapper;
typedef int map_fn(struct mapper *m, struct slot *s);

struct directive {
        const char *section; /* NULL: any */
        const char *key;
        bool list;
        map_fn *map;
};

struct mapper {
        const struct unit_file *u;
        const struct unit_import_options *o;
        struct unit_import *out;
        struct slot *slots; /* one per directives[] entry */
        json_t *deps;       /* dependencies, in the order first named */
        json_t *scm_keys;   /* X-Scm- fields, applied last */
};

/* ---- the report ---- */

static char *where(const struct unit_assignment *a) {
        char *s = NULL;
        return asprintf(&s, "%s:%u", a->file, a->line) < 0 ? NULL : s;
}

static int report(struct mapper *m, const struct item *it, const char *value, const char *status,
                  const char *field, const char *format, ...) __attribute__((format(printf, 6, 7)));
static int report(struct mapper *m, const struct item *it, const char *value, const char *status,
                  const char *field, const char *format, ...) {
        _cleanup_free_ char *w = where(it->a);
        json_t *e = json_pack("{s:s, s:s, s:s, s:s}", "directive", it->a->key, "value",
                              value ? value : it->value, "where", w ? w : "?", "status", status);
        if (!e)
                return -ENOMEM;
        if (field)
                json_object_set_new(e, "field", json_string(field));
        if (format) {
                char reason[512];
                va_list ap;
                va_start(ap, format);
                vsnprintf(reason, sizeof(reason), format, ap);
                va_end(ap);
                json_object_set_new(e, "reason", json_string(reason));
        }
        json_object_set_new(e, "_order", json_integer((json_int_t)(it->a - m->u->assignments)));
        if (strcmp(status, "refused") == 0)
                m->out->refused = true;
        return json_array_append_new(m->out->report, e) < 0 ? -ENOMEM : 0;
}

#define MAPPED(m, it, field) report(m, it, NULL, "mapped", field, NULL)
#define MAPPED_NOTE(m, it, field, ...) report(m, it, NULL, "mapped", field, __VA_ARGS__)
#define NOT_MAPPED(m, it, ...) report(m, it, NULL, "not-mapped", NULL, __VA_ARGS__)
#define NOT_NEEDED(m, it, ...) report(m, it, NULL, "not-needed", NULL, __VA_ARGS__)
#define REFUSED(m, it, ...) report(m, it, NULL, "refused", NULL, __VA_ARGS__)

static int set(struct mapper *m, const char *field, json_t *value) {
        if (!value)
                return -ENOMEM;
        return json_object_set_new(m->out->config, field, value) < 0 ? -ENOMEM : 0;
}

static const struct item *last(const struct slot *s) {
        return s->n ? &s->items[s->n - 1] : NULL;
}

static const struct directive directives[];
static size_t n_directives(void);

static struct slot *slot_of(struct mapper *m, const char *key) {
        for (size_t i = 0; i < n_directives(); i++)
                if (strcmp(directives[i].key, key) == 0)
                        return &m->slots[i];
        return NULL;
}

static const char *value_of(struct mapper *m, const char *key) {
        struct slot *s = slot_of(m, key);
        return s && s->n ? s->items[s->n - 1].value : NULL;
}

/* ---- small value helpers ---- */

static int words(const char *value, char ***ret, const char **reason) {
        return unit_split_words(value, ret, reason);
}

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

static int map_exec_start(struct mapper *m, struct slot *s) {
        if (s->n > 1) {
                for (size_t i = 0; i + 1 < s->n; i++)
                        NOT_MAPPED(m, &s->items[i],
                                   "scm runs one command: only the last ExecStart= is used");
        }
        const struct item *it = last(s);
        _cleanup_free_ char *line = NULL;
        unsigned flags = 0;
        int r = exec_command(m, it, EXEC_IGNORE_FAILURE, &flags, &line);
        if (r <= 0)
                return r;
        if ((r = set(m, "command_line", json_string(line))) < 0)
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
        return set(m, field, list);
}

static int map_exec_start_pre(struct mapper *m, struct slot *s) {
        return map_exec_list(m, s, "exec_start_pre", true);
}

static int map_exec_stop_post(struct mapper *m, struct slot *s) {
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

static int map_exec_reload(struct mapper *m, struct slot *s) {
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
                if ((r = set(m, "reload_signal", json_string(sig))) < 0)
                        return r;
                r = MAPPED(m, kill_item, "reload_signal");
        } else if (command_item) {
                _cleanup_free_ char *line = NULL;
                unsigned flags = 0;
                r = exec_command(m, command_item, 0, &flags, &line);
                if (r > 0 && (r = set(m, "reload_command", json_string(line))) >= 0)
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

static int map_type(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        static const char *const kinds[][2] = {
                {"simple", "plain"},    {"exec", "plain"},           {"idle", "plain"},
                {"notify", "notify"},   {"notify-reload", "notify"}, {"forking", "forking"},
                {"oneshot", "oneshot"},
        };
        for (size_t i = 0; i < ELEMENTSOF(kinds); i++)
                if (strcmp(it->value, kinds[i][0]) == 0) {
                        int r = set(m, "kind", json_string(kinds[i][1]));
                        if (r < 0)
                                return r;
                        if (strcmp(it->value, "idle") == 0)
                                return MAPPED_NOTE(m, it, "kind",
                                                   "idle's wait for other jobs is not kept");
                        if (strcmp(it->value, "notify-reload") == 0) {
                                if (!value_of(m, "ExecReload") &&
                                    (r = set(m, "reload_signal", json_string("HUP"))) < 0)
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

static int map_pid_file(struct mapper *m, struct slot *s) {
        const char *type = value_of(m, "Type");
        const struct item *it = last(s);
        if (!type || strcmp(type, "forking") != 0)
                return NOT_NEEDED(m, it, "the main pid is the process scm starts (Type=%s)",
                                  type ? type : "simple");
        if (it->value[0] != '/')
                return REFUSED(m, it, "the PID file must be an absolute path");
        int r = set(m, "pid_file", json_string(it->value));
        return r < 0 ? r : MAPPED(m, it, "pid_file");
}

static int map_user(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        if (m->o->user_exists && !m->o->user_exists(it->value))
                return REFUSED(m, it,
                               "the account '%s' does not exist on this machine (create "
                               "it first: the service would run as scmd's own)",
                               it->value);
        int r = set(m, "account", json_string(it->value));
        return r < 0 ? r : MAPPED(m, it, "account");
}

static int map_dynamic_user(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        int b = unit_parse_boolean(it->value);
        if (b <= 0)
                return b < 0 ? REFUSED(m, it, "not a boolean") : NOT_NEEDED(m, it, "the default");
        if (value_of(m, "User"))
                return NOT_NEEDED(m, it, "User= names the account");
        int r = set(m, "account", json_string("LocalService"));
        return r < 0 ? r
                     : MAPPED_NOTE(m, it, "account",
                                   "LocalService: an unprivileged account of scm's");
}

static int map_group(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        if (m->o->group_exists && !m->o->group_exists(it->value))
                return REFUSED(m, it, "the group '%s' does not exist on this machine", it->value);
        int r = set(m, "primary_group", json_string(it->value));
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
                int n = words(s->items[i].value, &w, &reason);
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
        return set(m, field, list);
}

static const char *check_group(struct mapper *m, const char *g) {
        return m->o->group_exists && !m->o->group_exists(g) ? "no such group on this machine"
                                                            : NULL;
}

static int map_supplementary_groups(struct mapper *m, struct slot *s) {
        return map_word_list(m, s, "supplementary_groups", check_group);
}

static int map_working_directory(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
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
        int r = set(m, "working_directory", json_string(dir));
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

static int map_environment(struct mapper *m, struct slot *s) {
        return map_word_list(m, s, "environment", check_assignment);
}

static int map_environment_file(struct mapper *m, struct slot *s) {
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
        return set(m, "environment_files", list);
}

static int map_umask(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        unsigned v;
        if (!parse_octal(it->value, 0777, &v))
                return REFUSED(m, it, "not an octal mask 0000-0777");
        int r = set(m, "umask", json_integer(v));
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

static int map_limits(struct mapper *m) {
        static const char *const names[] = {
                "NOFILE", "NPROC", "CORE",   "MEMLOCK",  "STACK",      "AS",    "DATA",   "FSIZE",
                "RSS",    "NICE",  "RTPRIO", "MSGQUEUE", "SIGPENDING", "LOCKS", "RTTIME", "CPU"};
        json_t *limits = json_object();
        int r = limits ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(names); i++) {
                char key[32];
                snprintf(key, sizeof(key), "Limit%s", names[i]);
                struct slot *s = slot_of(m, key);
                const struct item *it = s ? last(s) : NULL;
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
        return set(m, "limits", limits);
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
        int r = set(m, field, json_integer((json_int_t)ms));
        return r < 0 ? r : MAPPED(m, it, field);
}

static int map_timeouts(struct mapper *m) {
        struct slot *both = slot_of(m, "TimeoutSec"), *start = slot_of(m, "TimeoutStartSec"),
                    *stop = slot_of(m, "TimeoutStopSec");
        int r = 0;
        if (both->n && start->n)
                r = NOT_NEEDED(m, last(both), "TimeoutStartSec= sets the start timeout");
        else if (both->n)
                r = map_timeout(m, last(both), "start_timeout_ms");
        if (r >= 0 && both->n && stop->n)
                r = NOT_NEEDED(m, last(both), "TimeoutStopSec= sets the stop timeout");
        else if (r >= 0 && both->n)
                r = map_timeout(m, last(both), "stop_timeout_ms");
        if (r >= 0 && start->n)
                r = map_timeout(m, last(start), "start_timeout_ms");
        if (r >= 0 && stop->n)
                r = map_timeout(m, last(stop), "stop_timeout_ms");
        return r;
}

static int map_kill_signal(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        const char *name = signal_name(it->value);
        if (!name)
                return REFUSED(m, it, "not a signal");
        int r = set(m, "stop_signal", json_string(name));
        return r < 0 ? r : MAPPED(m, it, "stop_signal");
}

static const char *check_relative(struct mapper *m, const char *w) {
        (void)m;
        if (w[0] == '/' || strstr(w, "..") || strchr(w, ':'))
                return "a directory name relative to its base, without '..' or ':'";
        return NULL;
}

static const char *const folder_kinds[] = {"Runtime", "State", "Cache", "Logs", "Configuration"};

static int map_folders(struct mapper *m) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(folder_kinds); i++) {
                char key[64], field[64];
                snprintf(key, sizeof(key), "%sDirectory", folder_kinds[i]);
                snprintf(field, sizeof(field), "%s_directory", folder_kinds[i]);
                field[0] = (char)tolower((unsigned char)field[0]);
                struct slot *s = slot_of(m, key);
                if (s->n)
                        r = map_word_list(m, s, field, check_relative);
                snprintf(key, sizeof(key), "%sDirectoryMode", folder_kinds[i]);
                strcat(field, "_mode");
                s = slot_of(m, key);
                const struct item *it = last(s);
                unsigned mode;
                if (r < 0 || !it)
                        continue;
                if (!parse_octal(it->value, 07777, &mode))
                        r = REFUSED(m, it, "not an octal mode");
                else if ((r = set(m, field, json_integer(mode))) >= 0)
                        r = MAPPED(m, it, field);
        }
        return r;
}

static int map_pam_name(struct mapper *m, struct slot *s) {
        int r = set(m, "pam_name", json_string(last(s)->value));
        return r < 0 ? r : MAPPED(m, last(s), "pam_name");
}

static int map_remain_after_exit(struct mapper *m, struct slot *s) {
        int b = unit_parse_boolean(last(s)->value);
        if (b < 0)
                return REFUSED(m, last(s), "not a boolean");
        int r = set(m, "remain_after_exit", json_boolean(b));
        return r < 0 ? r : MAPPED(m, last(s), "remain_after_exit");
}

static int map_private_network(struct mapper *m, struct slot *s) {
        int b = unit_parse_boolean(last(s)->value);
        if (b < 0)
                return REFUSED(m, last(s), "not a boolean");
        int r = set(m, "restrict_network", json_boolean(b));
        return r < 0 ? r : MAPPED(m, last(s), "restrict_network");
}

static int map_watchdog(struct mapper *m, struct slot *s) {
        unsigned long long ms;
        const struct item *it = last(s);
        if (unit_parse_timespan_ms(it->value, &ms) < 0 || ms > 24ULL * 3600 * 1000)
                return REFUSED(m, it, "not a time span of at most 24 hours");
        int r = set(m, "watchdog_ms", json_integer(ms == UINT64_MAX ? 0 : (json_int_t)ms));
        return r < 0 ? r : MAPPED(m, it, "watchdog_ms");
}

static int map_description(struct mapper *m, struct slot *s) {
        int r = set(m, "description", json_string(last(s)->value));
        return r < 0 ? r : MAPPED(m, last(s), "description");
}

/* ---- security ---- */

static int map_read_write_paths(struct mapper *m) {
        struct slot *a = slot_of(m, "ReadWritePaths"), *b = slot_of(m, "ReadWriteDirectories");
        json_t *list = json_array();
        int r = list ? 0 : -ENOMEM;
        for (int pass = 0; pass < 2 && r >= 0; pass++) {
                struct slot *s = pass ? b : a;
                for (size_t i = 0; r >= 0 && i < s->n; i++) {
                        char **w = NULL;
                        const char *reason;
                        int n = words(s->items[i].value, &w, &reason);
                        if (n < 0) {
                                r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                                continue;
                        }
                        bool optional = false;
                        for (int j = 0; j < n && r >= 0; j++) {
                                const char *p = w[j];
                                while (*p == '-' || *p == '+')
                                        optional |= *p++ == '-';
                                if (p[0] != '/')
                                        r = REFUSED(m, &s->items[i], "'%s' is not absolute", p);
                                else if (json_array_append_new(list, json_string(p)))
                                        r = -ENOMEM;
                        }
                        strv_free(w);
                        if (r >= 0)
                                r = optional ? MAPPED_NOTE(m, &s->items[i], "writable_paths",
                                                           "'-' dropped: a restricted service's "
                                                           "writable path must exist at start")
                                             : MAPPED(m, &s->items[i], "writable_paths");
                }
        }
        if (r < 0 || json_array_size(list) == 0) {
                json_decref(list);
                return r;
        }
        return set(m, "writable_paths", list);
}

static int map_protect_system(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        if (strcmp(it->value, "strict") == 0) {
                int r = set(m, "sid_type", json_string("restricted"));
                return r < 0 ? r
                             : MAPPED_NOTE(m, it, "sid_type",
                                           "restricted: writes only to its folders, "
                                           "writable_paths, /tmp and /dev/shm (Landlock)");
        }
        if (unit_parse_boolean(it->value) == 0)
                return NOT_NEEDED(m, it, "the default");
        return NOT_MAPPED(m, it,
                          "read-only /usr, /boot, /etc comes with the limits-and-fences "
                          "issue; only 'strict' maps (sid_type restricted)");
}

/* Capability names of every item of s, upper case, CAP_ prefixed, into
 * *ret; an item it could not take is reported here, one it took is left
 * for the caller to report ((*ret_taken)[i] true, malloc'd). */
static int capability_list(struct mapper *m, struct slot *s, json_t **ret, bool **ret_taken) {
        json_t *list = json_array();
        bool *taken = calloc(s->n ? s->n : 1, sizeof(bool));
        int r = list && taken ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const char *v = s->items[i].value;
                if (v[0] == '~') {
                        r = NOT_MAPPED(m, &s->items[i],
                                       "an inverted list ('~') cannot be required privileges: "
                                       "list the ones the service needs");
                        continue;
                }
                char **w = NULL;
                const char *reason;
                int n = words(v, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        char name[64];
                        snprintf(name, sizeof(name), "%s%s",
                                 strncasecmp(w[j], "CAP_", 4) == 0 ? "" : "CAP_", w[j]);
                        for (char *p = name; *p; p++)
                                *p = (char)toupper((unsigned char)*p);
                        bool dup = false;
                        size_t k;
                        json_t *e;
                        json_array_foreach(list, k, e)
                                dup |= !strcmp(json_string_value(e), name);
                        if (!dup && json_array_append_new(list, json_string(name)) < 0)
                                r = -ENOMEM;
                }
                strv_free(w);
                taken[i] = r >= 0;
        }
        if (r < 0) {
                json_decref(list);
                free(taken);
                return r;
        }
        *ret = list;
        *ret_taken = taken;
        return 0;
}

/* Reports the items of s that capability_list() took. */
static int report_capabilities(struct mapper *m, struct slot *s, const bool *taken,
                               const char *status, const char *reason) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < s->n; i++)
                if (taken && taken[i])
                        r = report(m, &s->items[i], NULL, status,
                                   strcmp(status, "mapped") ? NULL : "required_privileges",
                                   reason ? "%s" : NULL, reason);
        return r;
}

/* AmbientCapabilities= when it names any, else CapabilityBoundingSet=. */
static int map_capabilities(struct mapper *m) {
        struct slot *ambient = slot_of(m, "AmbientCapabilities"),
                    *bounding = slot_of(m, "CapabilityBoundingSet");
        _cleanup_json_ json_t *a = NULL, *b = NULL;
        _cleanup_free_ bool *a_taken = NULL, *b_taken = NULL;
        int r = 0;
        if (ambient->n && (r = capability_list(m, ambient, &a, &a_taken)) < 0)
                return r;
        if (bounding->n && (r = capability_list(m, bounding, &b, &b_taken)) < 0)
                return r;
        bool from_ambient = json_array_size(a) > 0;
        json_t *use = from_ambient ? a : b;
        if (!use)
                return 0;
        const char *user = json_string_value(json_object_get(m->out->config, "account"));
        if (json_array_size(use) == 0 && (!user || !strcmp(user, "root")))
                return report_capabilities(m, bounding, b_taken, "not-mapped",
                                           "an empty list for root: scm's [] keeps root's own "
                                           "privileges");
        r = report_capabilities(m, ambient, a_taken, "mapped", NULL);
        if (r >= 0)
                r = report_capabilities(m, bounding, b_taken,
                                        from_ambient ? "not-needed" : "mapped",
                                        from_ambient ? "the service holds exactly its "
                                                       "required privileges (AmbientCapabilities=)"
                                                     : NULL);
        return r < 0 ? r : set(m, "required_privileges", json_incref(use));
}

static int map_no_new_privileges(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        int b = unit_parse_boolean(it->value);
        if (b <= 0)
                return b < 0 ? REFUSED(m, it, "not a boolean") : NOT_NEEDED(m, it, "the default");
        return NOT_NEEDED(m, it,
                          "scm sets no_new_privs for a service with required privileges "
                          "or a restricted sid type; for others it comes with the "
                          "limits-and-fences issue");
}

/* ---- dependencies and installation ---- */

static bool known_service(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->o->known_services, i, v)
                if (json_is_string(v) && names_equal(json_string_value(v), name))
                        return true;
        return false;
}

static bool has_dependency(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->deps, i, v)
                if (names_equal(json_string_value(v), name))
                        return true;
        return false;
}

static int add_dependency(struct mapper *m, const char *name) {
        size_t i;
        json_t *v;
        json_array_foreach(m->deps, i, v)
                if (names_equal(json_string_value(v), name))
                        return 0;
        return json_array_append_new(m->deps, json_string(name)) < 0 ? -ENOMEM : 0;
}

/* hard: Requires=-like, mapped whether or not the service is known. */
static int map_units(struct mapper *m, struct slot *s, bool hard) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                char **w = NULL;
                const char *reason;
                int n = words(s->items[i].value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        const char *unit = w[j];
                        size_t len = strlen(unit);
                        if (len > 8 && strcmp(unit + len - 8, ".service") == 0) {
                                _cleanup_free_ char *name = strndup(unit, len - 8);
                                if (!name)
                                        r = -ENOMEM;
                                else if (names_equal(name, m->out->name))
                                        r = report(m, &s->items[i], unit, "not-needed", NULL,
                                                   "the service itself");
                                else if (has_dependency(m, name))
                                        r = report(m, &s->items[i], unit, "mapped", "dependencies",
                                                   NULL);
                                else if (hard || known_service(m, name))
                                        r = add_dependency(m, name)
                                                    ?: report(m, &s->items[i], unit, "mapped",
                                                              "dependencies",
                                                              hard ? NULL
                                                                   : "stronger than %s=: it is "
                                                                     "started first and must run",
                                                              s->items[i].a->key);
                                else
                                        r = report(m, &s->items[i], unit, "not-mapped", NULL,
                                                   "'%s' is not an scm service (nor imported "
                                                   "with it): the ordering is dropped",
                                                   name);
                        } else if (len > 7 && strcmp(unit + len - 7, ".target") == 0) {
                                r = report(m, &s->items[i], unit, "not-needed", NULL,
                                           "scm has no targets: auto-start runs after the "
                                           "system's own start-up");
                        } else {
                                r = report(m, &s->items[i], unit, "not-mapped", NULL,
                                           "scm depends only on services");
                        }
                }
                strv_free(w);
        }
        return r;
}

static int map_requires(struct mapper *m, struct slot *s) {
        return map_units(m, s, true);
}

static int map_soft_dependency(struct mapper *m, struct slot *s) {
        return map_units(m, s, false);
}

static int map_wanted_by(struct mapper *m, struct slot *s) {
        int r = 0;
        bool automatic = false;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                char **w = NULL;
                const char *reason;
                int n = words(s->items[i].value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, &s->items[i], "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++) {
                        if (!strcmp(w[j], "multi-user.target") || !strcmp(w[j], "default.target") ||
                            !strcmp(w[j], "graphical.target")) {
                                automatic = true;
                                r = report(m, &s->items[i], w[j], "mapped", "start_type", "auto");
                        } else {
                                r = report(m, &s->items[i], w[j], "not-mapped", NULL,
                                           "only multi-user.target (and default, graphical) "
                                           "mean something to scm: auto start");
                        }
                }
                strv_free(w);
        }
        if (r >= 0 && automatic)
                r = set(m, "start_type", json_string("auto"));
        return r;
}

/* ---- failure actions ---- */

static int map_restart(struct mapper *m, struct slot *s) {
        const struct item *it = last(s);
        const char *v = it->value;
        bool restart = !strcmp(v, "on-failure") || !strcmp(v, "always") ||
                       !strcmp(v, "on-abnormal") || !strcmp(v, "on-abort") ||
                       !strcmp(v, "on-watchdog");
        if (!strcmp(v, "no"))
                return NOT_NEEDED(m, it, "the default: no failure actions");
        if (!restart)
                return REFUSED(m, it, "'%s': scm restarts only after a failure", v);

        unsigned long long delay = 100, interval = 10000, burst = 5;
        const char *sec = value_of(m, "RestartSec");
        const char *iv = value_of(m, "StartLimitIntervalSec") ?: value_of(m, "StartLimitInterval");
        const char *bu = value_of(m, "StartLimitBurst");
        if (sec && unit_parse_timespan_ms(sec, &delay) < 0)
                return REFUSED(m, last(slot_of(m, "RestartSec")), "not a time span");
        if (iv && unit_parse_timespan_ms(iv, &interval) < 0)
                interval = 10000;
        if (bu)
                burst = strtoull(bu, NULL, 10);
        if (delay > UINT32_MAX)
                delay = UINT32_MAX;
        json_t *actions = json_array();
        if (!actions)
                return -ENOMEM;
        bool limited = interval > 0 && interval != UINT64_MAX && burst > 0 && burst <= 63;
        for (unsigned long long i = 0; i < (limited ? burst : 1); i++)
                json_array_append_new(actions, json_pack("{s:s, s:I}", "type", "restart",
                                                         "delay_ms", (json_int_t)delay));
        if (limited)
                json_array_append_new(actions,
                                      json_pack("{s:s, s:i}", "type", "none", "delay_ms", 0));
        m->out->failure =
                json_pack("{s:o, s:I, s:b}", "actions", actions, "reset_period",
                          (json_int_t)(limited ? (interval + 999) / 1000 : 0), "non_crash_failures",
                          !strcmp(v, "on-failure") || !strcmp(v, "always"));
        if (!m->out->failure)
                return -ENOMEM;
        return MAPPED_NOTE(m, it, "actions",
                           limited ? "restart after %llu ms, up to %llu times until %llu s pass "
                                     "without a failure (StartLimitBurst=, "
                                     "StartLimitIntervalSec=)"
                                   : "restart after %llu ms, every time",
                           delay, burst, (interval + 999) / 1000);
}

static int map_restart_parts(struct mapper *m, struct slot *s) {
        const char *restart = value_of(m, "Restart");
        if (restart && strcmp(restart, "no") != 0)
                return MAPPED(m, last(s), "actions");
        return NOT_NEEDED(m, last(s), "without Restart= there is nothing to restart");
}

/* ---- X-Scm- keys ---- */

/* "ControlTimeoutMs" -> "control_timeout_ms". */
static char *snake_case(const char *camel) {
        char *out = malloc(strlen(camel) * 2 + 1), *o = out;
        if (!out)
                return NULL;
        for (const char *p = camel; *p; p++) {
                if (isupper((unsigned char)*p) && p != camel)
                        *o++ = '_';
                *o++ = (char)tolower((unsigned char)*p);
        }
        *o = '\0';
        return out;
}

static int file_scm_key(struct mapper *m, const struct item *it) {
        const char *camel = it->a->key + strlen("X-Scm-");
        bool failure = strncmp(camel, "Failure", 7) == 0 && camel[7];
        _cleanup_free_ char *field = snake_case(failure ? camel + 7 : camel);
        if (!field)
                return -ENOMEM;
        json_error_t error;
        json_t *v = json_loads(it->value, JSON_DECODE_ANY, &error);
        if (!v || !(it->value[0] == '"' || it->value[0] == '[' || it->value[0] == '{' ||
                    isdigit((unsigned char)it->value[0]) || json_is_boolean(v))) {
                json_decref(v);
                v = json_string(it->value); /* plain text */
        }
        if (!v)
                return REFUSED(m, it, "not UTF-8 text");
        json_t *target = failure ? m->scm_keys : m->scm_keys;
        char key[128];
        snprintf(key, sizeof(key), "%s%s", failure ? "failure:" : "", field);
        json_object_set_new(target, key, v);
        return report(m, it, NULL, "mapped", field, NULL);
}

/* ---- the directive table ---- */

#define LIMIT(name)                                                                                \
        { "Service", "Limit" name, false, NULL }
#define FOLDER(kind)                                                                               \
        {"Service", kind "Directory", true, NULL}, {                                               \
                "Service", kind "DirectoryMode", false, NULL                                       \
        }

static const struct directive directives[] = {
        {"Unit", "Description", false, map_description},
        {"Unit", "Requires", true, map_requires},
        {"Unit", "BindsTo", true, map_requires},
        {"Unit", "Requisite", true, map_requires},
        {"Unit", "Wants", true, map_soft_dependency},
        {"Unit", "After", true, map_soft_dependency},
        {"Unit", "StartLimitIntervalSec", false, map_restart_parts},
        {"Unit", "StartLimitBurst", false, map_restart_parts},
        {"Service", "StartLimitInterval", false, map_restart_parts},
        {"Install", "WantedBy", true, map_wanted_by},
        {"Install", "RequiredBy", true, map_wanted_by},
        {"Service", "Type", false, map_type},
        {"Service", "ExecStart", true, map_exec_start},
        {"Service", "ExecStartPre", true, map_exec_start_pre},
        {"Service", "ExecStopPost", true, map_exec_stop_post},
        {"Service", "ExecReload", true, map_exec_reload},
        {"Service", "PIDFile", false, map_pid_file},
        {"Service", "User", false, map_user},
        {"Service", "DynamicUser", false, map_dynamic_user},
        {"Service", "Group", false, map_group},
        {"Service", "SupplementaryGroups", true, map_supplementary_groups},
        {"Service", "WorkingDirectory", false, map_working_directory},
        {"Service", "Environment", true, map_environment},
        {"Service", "EnvironmentFile", true, map_environment_file},
        {"Service", "UMask", false, map_umask},
        LIMIT("NOFILE"),
        LIMIT("NPROC"),
        LIMIT("CORE"),
        LIMIT("MEMLOCK"),
        LIMIT("STACK"),
        LIMIT("AS"),
        LIMIT("DATA"),
        LIMIT("FSIZE"),
        LIMIT("RSS"),
        LIMIT("NICE"),
        LIMIT("RTPRIO"),
        LIMIT("MSGQUEUE"),
        LIMIT("SIGPENDING"),
        LIMIT("LOCKS"),
        LIMIT("RTTIME"),
        LIMIT("CPU"),
        {"Service", "Restart", false, map_restart},
        {"Service", "RestartSec", false, map_restart_parts},
        {"Service", "TimeoutSec", false, NULL},
        {"Service", "TimeoutStartSec", false, NULL},
        {"Service", "TimeoutStopSec", false, NULL},
        {"Service", "KillSignal", false, map_kill_signal},
        FOLDER("Runtime"),
        FOLDER("State"),
        FOLDER("Cache"),
        FOLDER("Logs"),
        FOLDER("Configuration"),
        {"Service", "ReadWritePaths", true, NULL},
        {"Service", "ReadWriteDirectories", true, NULL},
        {"Service", "ProtectSystem", false, map_protect_system},
        {"Service", "NoNewPrivileges", false, map_no_new_privileges},
        {"Service", "CapabilityBoundingSet", true, NULL},
        {"Service", "AmbientCapabilities", true, NULL},
        {"Service", "PAMName", false, map_pam_name},
        {"Service", "RemainAfterExit", false, map_remain_after_exit},
        {"Service", "PrivateNetwork", false, map_private_network},
        {"Service", "WatchdogSec", false, map_watchdog},
};

static size_t n_directives(void) {
        return ELEMENTSOF(directives);
}

/* What the reader saw that scm does not map, and why. */
static const struct {
        const char *key;
        const char *status;
        const char *reason;
} unmapped[] = {
        {"Documentation", "not-needed", "scm keeps no documentation links"},
        {"DefaultDependencies", "not-needed", "scm has no implicit dependencies"},
        {"Alias", "not-needed", "scm services have one name"},
        {"Also", "not-needed", "import each unit by name"},
        {"DefaultInstance", "not-needed", "import an instance by its name"},
        {"StandardOutput", "not-needed", "scm keeps stdout and stderr in the service's log"},
        {"StandardError", "not-needed", "scm keeps stdout and stderr in the service's log"},
        {"StandardInput", "not-needed", "stdin is /dev/null"},
        {"SyslogIdentifier", "not-needed", "the service's log is its own"},
        {"SyslogFacility", "not-needed", "the service's log is its own"},
        {"SyslogLevel", "not-needed", "the service's log is its own"},
        {"NotifyAccess", "not-needed",
         "scm hears the main process and every process of its cgroup"},
        {"GuessMainPID", "not-needed",
         "a forking service's main pid comes from its PID file or "
         "its cgroup"},
        {"SendSIGKILL", "not-needed", "scm always kills after the stop timeout"},
        {"ExecStop", "not-mapped",
         "scm stops with stop_signal (KillSignal=) and kills after "
         "the stop timeout; a stop command is not run"},
        {"ExecStartPost", "not-mapped", "scm has no post-start commands"},
        {"ExecCondition", "not-mapped", "scm starts without conditions"},
        {"KillMode", "not-mapped",
         "scm stops the whole cgroup: no process of the service "
         "outlives its stop"},
        {"RestartPreventExitStatus", "not-mapped",
         "scm's failure actions do not look at the "
         "exit status"},
        {"RestartForceExitStatus", "not-mapped",
         "scm's failure actions do not look at the "
         "exit status"},
        {"SuccessExitStatus", "not-mapped", "only exit 0 is a success"},
        {"Before", "not-mapped",
         "scm orders by the dependent's dependencies: import the "
         "dependent with Requires= or After= on this one"},
        {"Conflicts", "not-mapped", "scm has no conflicts between services"},
        {"PartOf", "not-mapped",
         "scm does not propagate stops to services that are not "
         "dependents"},
        {"OnFailure", "not-mapped",
         "use the failure actions' run command (scctl failure "
         "--command)"},
        {"Nice", "not-mapped", "scheduling comes with the limits-and-fences issue"},
        {"OOMScoreAdjust", "not-mapped", "comes with the limits-and-fences issue"},
        {"CPUSchedulingPolicy", "not-mapped", "scheduling comes with the limits-and-fences issue"},
        {"IOSchedulingClass", "not-mapped", "scheduling comes with the limits-and-fences issue"},
};

/* Resource control and fences: the limits-and-fences issue. */
static const char *const later[] = {
        "MemoryMax",
        "MemoryHigh",
        "MemoryLow",
        "MemoryMin",
        "MemorySwapMax",
        "MemoryLimit",
        "CPUWeight",
        "CPUQuota",
        "CPUShares",
        "TasksMax",
        "IOWeight",
        "IOReadBandwidthMax",
        "IOWriteBandwidthMax",
        "Slice",
        "PrivateTmp",
        "ProtectHome",
        "PrivateDevices",
        "ProtectKernelTunables",
        "ProtectKernelModules",
        "ProtectKernelLogs",
        "ProtectControlGroups",
        "ProtectClock",
        "ProtectHostname",
        "ProtectProc",
        "ProcSubset",
        "RestrictAddressFamilies",
        "RestrictNamespaces",
        "RestrictRealtime",
        "RestrictSUIDSGID",
        "LockPersonality",
        "MemoryDenyWriteExecute",
        "SystemCallFilter",
        "SystemCallArchitectures",
        "SystemCallErrorNumber",
        "PrivateUsers",
        "RemoveIPC",
        "ReadOnlyPaths",
        "ReadOnlyDirectories",
        "InaccessiblePaths",
        "InaccessibleDirectories",
        "NoExecPaths",
        "ExecPaths",
        "TemporaryFileSystem",
        "BindPaths",
        "BindReadOnlyPaths",
        "DevicePolicy",
        "DeviceAllow",
        "IPAddressAllow",
        "IPAddressDeny",
        "PrivateIPC",
        "PrivateMounts",
        "KeyringMode",
        "CPUAffinity",
        "AllowedCPUs",
        "Delegate",
};

static int report_unmapped(struct mapper *m, const struct item *it) {
        const char *key = it->a->key;
        for (size_t i = 0; i < ELEMENTSOF(unmapped); i++)
                if (!strcmp(unmapped[i].key, key))
                        return report(m, it, NULL, unmapped[i].status, NULL, "%s",
                                      unmapped[i].reason);
        for (size_t i = 0; i < ELEMENTSOF(later); i++)
                if (!strcmp(later[i], key))
                        return NOT_MAPPED(m, it,
                                          "resource control and fences come with a "
                                          "later issue (limits and fences)");
        if (!strncmp(key, "Condition", 9) || !strncmp(key, "Assert", 6))
                return NOT_MAPPED(m, it, "scm starts a service without conditions");
        if (!strncmp(key, "X-", 2))
                return NOT_NEEDED(m, it, "an extension key of another tool");
        return NOT_MAPPED(m, it, "scm has no equivalent of %s= in [%s]", key, it->a->section);
}

/* ---- the passes ---- */

static const struct directive *directive_of(const struct unit_assignment *a, size_t *ret_index) {
        for (size_t i = 0; i < n_directives(); i++) {
                const struct directive *d = &directives[i];
                if (strcmp(a->key, d->key) == 0) {
                        if (d->section && strcmp(d->section, a->section) != 0)
                                continue;
                        *ret_index = i;
                        return d;
                }
        }
        return NULL;
}

static void slot_clear(struct slot *s) {
        for (size_t i = 0; i < s->n; i++)
                free(s->items[i].value);
        s->n = 0;
}

static int file_assignment(struct mapper *m, const struct unit_assignment *a) {
        struct item it = {.a = a};
        char bad = '\0';
        bool scm_key = strncmp(a->key, "X-Scm-", 6) == 0 && a->key[6];
        if (scm_key)
                it.value = strdup(a->value);
        else if (unit_expand_specifiers(m->u, a->value, &it.value, &bad) < 0)
                return -ENOMEM;
        if (!it.value)
                return -ENOMEM;
        if (bad) {
                int r = REFUSED(m, &it, "the specifier %%%c is not supported: write its value",
                                bad);
                free(it.value);
                return r;
        }
        if (scm_key) {
                int r = file_scm_key(m, &it);
                free(it.value);
                return r;
        }
        size_t index;
        const struct directive *d = directive_of(a, &index);
        if (!d) {
                int r = report_unmapped(m, &it);
                free(it.value);
                return r;
        }
        struct slot *s = &m->slots[index];
        int r = 0;
        if (d->list && !it.value[0]) {
                for (size_t i = 0; r >= 0 && i < s->n; i++)
                        r = NOT_NEEDED(m, &s->items[i], "an empty %s= later resets the list",
                                       a->key);
                slot_clear(s);
                /* An empty capability set is a set: it stays for the mapping. */
                if (!strstr(a->key, "Capabilit")) {
                        if (r >= 0)
                                r = NOT_NEEDED(m, &it, "it empties the list");
                        free(it.value);
                        return r;
                }
        } else if (!d->list && s->n) {
                r = NOT_NEEDED(m, &s->items[0], "a later %s= replaces it", a->key);
                slot_clear(s);
        }
        struct item *grown = realloc(s->items, (s->n + 1) * sizeof(*grown));
        if (!grown) {
                free(it.value);
                return -ENOMEM;
        }
        s->items = grown;
        grown[s->n++] = it;
        return r;
}

static int map_slots(struct mapper *m) {
        int r = 0;
        for (size_t i = 0; r >= 0 && i < n_directives(); i++)
                if (m->slots[i].n && directives[i].map)
                        r = directives[i].map(m, &m->slots[i]);
        if (r >= 0)
                r = map_limits(m);
        if (r >= 0)
                r = map_timeouts(m);
        if (r >= 0)
                r = map_folders(m);
        if (r >= 0)
                r = map_read_write_paths(m);
        if (r >= 0)
                r = map_capabilities(m);
        if (r >= 0 && json_array_size(m->deps) > 0)
                r = set(m, "dependencies", json_incref(m->deps));
        return r;
}

/* The X-Scm- keys win over the directives. */
static int apply_scm_keys(struct mapper *m) {
        const char *key;
        json_t *v;
        json_object_foreach(m->scm_keys, key, v) {
                if (!strncmp(key, "failure:", 8)) {
                        if (!m->out->failure && !(m->out->failure = json_object()))
                                return -ENOMEM;
                        json_object_set(m->out->failure, key + 8, v);
                } else {
                        json_object_set(m->out->config, key, v);
                }
        }
        return 0;
}

static int by_order(const void *a, const void *b) {
        json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "_order"));
        json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "_order"));
        return x < y ? -1 : x > y;
}

/* The report in the order of the assignments (stable: qsort of indexes
 * whose ties keep their order through the second key). */
static int sort_report(json_t *report) {
        size_t n = json_array_size(report);
        json_t **v = calloc(n ? n : 1, sizeof(*v));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                v[i] = json_incref(json_array_get(report, i));
                json_int_t order = json_integer_value(json_object_get(v[i], "_order"));
                json_object_set_new(v[i], "_order", json_integer(order * 100000 + (json_int_t)i));
        }
        qsort(v, n, sizeof(*v), by_order);
        json_array_clear(report);
        for (size_t i = 0; i < n; i++) {
                json_object_del(v[i], "_order");
                json_array_append_new(report, v[i]);
        }
        free(v);
        return 0;
}

void unit_import_done(struct unit_import *m) {
        free(m->name);
        json_decref(m->config);
        json_decref(m->failure);
        json_decref(m->report);
        *m = (struct unit_import){0};
}

int unit_import_map(const struct unit_file *u, const struct unit_import_options *o,
                    struct unit_import *ret) {
        *ret = (struct unit_import){0};
        ret->name = o->name ? strdup(o->name) : strndup(u->name, strlen(u->name) - 8);
        ret->config = json_object();
        ret->report = json_array();
        struct mapper m = {.u = u,
                           .o = o,
                           .out = ret,
                           .deps = json_array(),
                           .scm_keys = json_object(),
                           .slots = calloc(n_directives(), sizeof(struct slot))};
        int r = ret->name && ret->config && ret->report && m.deps && m.scm_keys && m.slots
                        ? 0
                        : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < u->n_assignments; i++)
                r = file_assignment(&m, &u->assignments[i]);
        if (r >= 0)
                r = map_slots(&m);
        if (r >= 0)
                r = apply_scm_keys(&m);
        if (r >= 0)
                r = sort_report(ret->report);
        if (r >= 0 && !json_object_get(ret->config, "command_line")) {
                snprintf(ret->error, sizeof(ret->error),
                         "%s has no ExecStart= that scm can run: a service needs a command",
                         u->name);
                r = -EINVAL;
        }
        for (size_t i = 0; m.slots && i < n_directives(); i++) {
                slot_clear(&m.slots[i]);
                free(m.slots[i].items);
        }
        free(m.slots);
        json_decref(m.deps);
        json_decref(m.scm_keys);
        return r;
}
