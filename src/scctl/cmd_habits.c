/* SPDX-License-Identifier: MIT */
/*
 * systemctl's verbs, for the hands of a Linux admin, where scm has the
 * thing: restart, status, enable, disable, list (list-units), cat, show,
 * is-active, is-enabled and kill.  Most are another verb with other
 * words (cat is qc, enable is config --start auto, list is query); the
 * rest put scm's answers the way systemctl does, with systemctl's exit
 * codes where scripts test them (is-active: 0 active, 3 not; is-enabled:
 * 0 enabled, 1 not; status: 0 running, 3 not; 4 no such service).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <scm/types.h>

#include "cleanup.h"
#include "scctl.h"

/* systemctl's exit codes (LSB). */
enum {
        EXIT_NOT_ACTIVE = 3,
        EXIT_NO_SUCH_UNIT = 4,
};

#define STATUS_LOG_LINES "10"
#define TREE_DEPTH_MAX 8

/* Runs verb with argv (NULL-terminated, argv[0] the verb's name) in ctx,
 * as though it had been typed. */
static int run_verb(struct scctl *ctx, const struct scctl_verb *verb, char **argv) {
        const struct scctl_verb *was = ctx->verb;
        int argc = 0;
        while (argv[argc])
                argc++;
        ctx->verb = verb;
        optind = 0;
        int r = verb->run(ctx, argc, argv);
        ctx->verb = was;
        return r;
}

/* Reads the verb's options (none of its own but the global ones) and one
 * NAME; leaves optind after it. */
static int parse_name(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                ;
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        return scctl_set_service(ctx, argv[optind++]);
}

/* query_status of ctx->name without printing anything: 0 with *ret, the
 * Win32 error (> 0) the SCM answered, or an exit status (< 0, negated)
 * once printed. */
static int status_quietly(struct scctl *ctx, json_t **ret) {
        int r = scctl_connect(ctx);
        if (r != 0)
                return -r;
        r = scm_call(ctx->client, "query_status", json_pack("{s:s}", "name", ctx->name), ret);
        if (r < 0 && scm_error_win32(r) > 0)
                return scm_error_win32(r);
        return r < 0 ? -output_call_error(ctx, r) : 0;
}

/* ---- restart ---- */

static int run_restart(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *status = NULL;
        int r = parse_name(ctx, argc, argv);
        if (r != 0)
                return r;
        r = status_quietly(ctx, &status);
        if (r < 0)
                return -r;
        char *name = (char *)ctx->name;
        if (r == 0 &&
            strcmp(json_string_value(json_object_get(status, "state")) ?: "", "stopped")) {
                r = run_verb(ctx, &verb_stop, (char *[]){"stop", name, "--wait", NULL});
                if (r != 0)
                        return r;
        }
        return run_verb(ctx, &verb_start, (char *[]){"start", name, "--wait", NULL});
}

/* ---- enable, disable ---- */

static int run_enable(struct scctl *ctx, int argc, char **argv) {
        int r = parse_name(ctx, argc, argv);
        if (r != 0)
                return r;
        bool enable = strcmp(ctx->verb->name, "enable") == 0;
        return run_verb(ctx, &verb_config,
                        (char *[]){"config", (char *)ctx->name, "--start",
                                   enable ? "auto" : "demand", NULL});
}

/* ---- list, list-units, cat ---- */

static int run_list(struct scctl *ctx, int argc, char **argv) {
        (void)argc;
        argv[0] = "query"; /* the filters are query's own */
        return run_verb(ctx, &verb_query, argv);
}

static int run_cat(struct scctl *ctx, int argc, char **argv) {
        (void)argc;
        argv[0] = "qc";
        return run_verb(ctx, &verb_qc, argv);
}

/* ---- is-active, is-enabled ---- */

static const struct option quiet_options[] = {
        {"quiet", no_argument, NULL, 'q'},
        {},
};

/* systemctl's word for a state, and whether it counts as active. */
static const char *active_word(const json_t *status, bool *ret_active) {
        const char *state = json_string_value(json_object_get(status, "state")) ?: "";
        *ret_active = false;
        if (strcmp(state, "start_pending") == 0)
                return "activating";
        if (strcmp(state, "stop_pending") == 0)
                return "deactivating";
        if (strcmp(state, "stopped") == 0)
                return json_integer_value(json_object_get(status, "win32_exit_code")) != 0
                               ? "failed"
                               : "inactive";
        *ret_active = true; /* running, and paused or on the way: its process lives */
        return "active";
}

/* systemctl's word for a start type, and whether it counts as enabled. */
static const char *enabled_word(const char *start_type, bool *ret_enabled) {
        enum scm_start_type t = scm_start_type_from_name(start_type ?: "");
        *ret_enabled = t == SCM_START_BOOT || t == SCM_START_SYSTEM || t == SCM_START_AUTO ||
                       t == SCM_START_DELAYED_AUTO;
        if (*ret_enabled)
                return "enabled";
        return t == SCM_START_DISABLED ? "masked" : "disabled";
}

static int run_is(struct scctl *ctx, int argc, char **argv) {
        bool quiet = false, active_verb = strcmp(ctx->verb->name, "is-active") == 0;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == 'q')
                        quiet = true;
        if (opt < 0)
                return ctx->exit_status;
        if (optind >= argc)
                return scctl_usage_error(ctx, "expects one or more service NAMEs");
        int status = active_verb ? EXIT_NOT_ACTIVE : 1;
        for (int i = optind; i < argc; i++) {
                int r = scctl_set_service(ctx, argv[i]);
                if (r != 0)
                        return r;
                _cleanup_json_ json_t *result = NULL;
                r = scctl_connect(ctx);
                if (r != 0)
                        return r;
                r = scm_call(ctx->client, active_verb ? "query_status" : "query_config",
                             json_pack("{s:s}", "name", ctx->name), &result);
                const char *word;
                bool yes = false;
                if (scm_error_win32(r) == SCM_ERROR_SERVICE_DOES_NOT_EXIST) {
                        word = active_verb ? "inactive" : "not-found";
                        if (status != 0)
                                status = active_verb ? EXIT_NOT_ACTIVE : EXIT_NO_SUCH_UNIT;
                } else if (r < 0) {
                        return output_call_error(ctx, r);
                } else {
                        word = active_verb ? active_word(result, &yes)
                                           : enabled_word(json_string_value(json_object_get(
                                                                  result, "start_type")),
                                                          &yes);
                        if (yes)
                                status = 0; /* as systemctl: any one of them */
                }
                if (quiet)
                        continue;
                if (ctx->json) {
                        json_t *o = json_pack("{s:s, s:s}", "name", ctx->name, "state", word);
                        if (o)
                                output_json(o);
                        json_decref(o);
                } else {
                        printf("%s\n", word);
                }
        }
        return status;
}

/* ---- status ---- */

static bool on_path(char **path, size_t depth, const char *name) {
        for (size_t i = 0; i < depth; i++)
                if (strcmp(path[i], name) == 0)
                        return true;
        return false;
}

/* Prints the services name depends on, one level deeper each, as a tree. */
static void print_tree(struct scctl *ctx, const char *name, char **path, size_t depth) {
        _cleanup_json_ json_t *config = NULL, *status = NULL;
        if (scm_call(ctx->client, "query_config", json_pack("{s:s}", "name", name), &config) < 0)
                return;
        json_t *deps = json_object_get(config, "dependencies");
        size_t i;
        json_t *d;
        path[depth] = (char *)name;
        json_array_foreach(deps, i, d) {
                const char *dep = json_string_value(d);
                if (!dep)
                        continue;
                printf("%*s%s %s", (int)(2 + depth * 4), "",
                       i + 1 == json_array_size(deps) ? "└─" : "├─", dep);
                if (dep[0] == '+') {
                        printf(" (group)\n");
                        continue;
                }
                json_decref(status);
                status = NULL;
                if (scm_call(ctx->client, "query_status", json_pack("{s:s}", "name", dep),
                             &status) < 0) {
                        printf(" (not found)\n");
                        continue;
                }
                printf(" (%s)\n", json_string_value(json_object_get(status, "state")) ?: "?");
                if (on_path(path, depth + 1, dep))
                        printf("%*s(a cycle: %s again)\n", (int)(6 + depth * 4), "", dep);
                else if (depth + 1 < TREE_DEPTH_MAX)
                        print_tree(ctx, dep, path, depth + 1);
        }
}

static const struct option status_options[] = {
        {"lines", required_argument, NULL, 'n'},
        {},
};

static int run_status(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *status = NULL;
        const char *lines = STATUS_LOG_LINES;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == 'n')
                        lines = optarg;
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        r = status_quietly(ctx, &status);
        if (r == SCM_ERROR_SERVICE_DOES_NOT_EXIST) {
                output_error(ctx, EXIT_NO_SUCH_UNIT, r, NULL, "the service %s does not exist",
                             ctx->name);
                return EXIT_NO_SUCH_UNIT;
        }
        if (r != 0)
                return r < 0 ? -r : output_call_error(ctx, SCM_ERR(r));
        char *name = (char *)ctx->name;
        bool active;
        active_word(status, &active);
        if (ctx->json) {
                output_json(status);
                return active ? 0 : EXIT_NOT_ACTIVE;
        }
        r = run_verb(ctx, &verb_queryex, (char *[]){"queryex", name, NULL});
        if (r != 0)
                return r;
        printf("\nDEPENDENCIES:\n  %s\n", name);
        char *path[TREE_DEPTH_MAX + 1];
        print_tree(ctx, name, path, 0);
        printf("\nLOG (last %s lines):\n", lines);
        fflush(stdout);
        (void)run_verb(ctx, &verb_logs, (char *[]){"logs", name, "-n", (char *)lines, NULL});
        return active ? 0 : EXIT_NOT_ACTIVE;
}

/* ---- show ---- */

/* Prints an object's scalar members as Key=value lines, systemctl show's way. */
static void print_properties(const json_t *object) {
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)object, key, value) {
                if (json_is_string(value)) {
                        printf("%s=%s\n", key, json_string_value(value));
                } else {
                        _cleanup_free_ char *text =
                                json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
                        printf("%s=%s\n", key, text ? text : "");
                }
        }
}

static int run_show(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *status = NULL, *config = NULL;
        int r = parse_name(ctx, argc, argv);
        if (r == 0)
                r = scctl_call(ctx, "query_status", json_pack("{s:s}", "name", ctx->name), &status);
        if (r == 0)
                r = scctl_call(ctx, "query_config", json_pack("{s:s}", "name", ctx->name), &config);
        if (r != 0)
                return r;
        if (ctx->json) {
                json_t *o = json_pack("{s:O, s:O}", "status", status, "config", config);
                if (o)
                        output_json(o);
                json_decref(o);
                return 0;
        }
        print_properties(config);
        json_object_del(status, "name"); /* printed once */
        print_properties(status);
        return 0;
}

/* ---- kill ---- */

static const struct option kill_options[] = {
        {"signal", required_argument, NULL, 's'},
        {},
};

/* A signal by name (TERM, SIGTERM, any case) or number; -1 if none. */
static int parse_signal(const char *s) {
        char *end;
        long n = strtol(s, &end, 10);
        if (s[0] && !*end)
                return n > 0 && n < NSIG ? (int)n : -1;
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (int i = 1; i < NSIG; i++) {
                const char *abbrev = sigabbrev_np(i);
                if (abbrev && strcasecmp(abbrev, s) == 0)
                        return i;
        }
        return -1;
}

static int run_kill(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *status = NULL;
        const char *signame = "TERM";
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == 's')
                        signame = optarg;
        if (opt < 0)
                return ctx->exit_status;
        int sig = parse_signal(signame);
        if (sig < 0)
                return scctl_usage_error(ctx, "'%s' is not a signal (TERM, SIGHUP, 9, ...)",
                                         signame);
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = scctl_call(ctx, "query_status", json_pack("{s:s}", "name", ctx->name), &status);
        if (r != 0)
                return r;
        json_int_t pid = json_integer_value(json_object_get(status, "pid"));
        if (pid <= 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_SERVICE_NOT_ACTIVE, NULL,
                                    "no process of %s runs", ctx->name);
        if (kill((pid_t)pid, sig) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, scm_error_from_errno(errno), NULL,
                                    "cannot send SIG%s to %s's process %lld: %s",
                                    sigabbrev_np(sig) ?: "?", ctx->name, (long long)pid,
                                    strerror(errno));
        if (!ctx->json)
                printf("[SC] SIG%s sent to process %lld of %s\n", sigabbrev_np(sig) ?: "?",
                       (long long)pid, ctx->name);
        return 0;
}

/* ---- the verbs ---- */

const struct scctl_verb verb_restart = {
        .name = "restart",
        .synopsis = "NAME",
        .summary = "Stop a service if it runs, then start it (systemctl restart)",
        .help = "Stops NAME and waits until it has stopped (as stop --wait), then starts it\n"
                "and waits until it runs (as start --wait).  A stopped service is started.\n",
        .run = run_restart,
};

const struct scctl_verb verb_status = {
        .name = "status",
        .synopsis = "NAME [-n N]",
        .summary = "Status, dependency tree and last log lines of a service (systemctl status)",
        .help = "queryex NAME, the services it depends on as a tree with their states, and the\n"
                "last N lines of its log (10; logs -n N).  Exit status as systemctl's: 0 when\n"
                "it runs, 3 when it does not, 4 when there is no such service.\n"
                "  -n, --lines N   log lines to print\n",
        .short_options = "n:",
        .options = status_options,
        .run = run_status,
};

const struct scctl_verb verb_enable = {
        .name = "enable",
        .synopsis = "NAME",
        .summary = "Start a service with the system: config NAME --start auto (systemctl enable)",
        .run = run_enable,
};

const struct scctl_verb verb_disable = {
        .name = "disable",
        .synopsis = "NAME",
        .summary = "Start a service only on demand: config NAME --start demand "
                   "(systemctl disable)",
        .run = run_enable,
};

#define LIST_HELP "The options and the table are query's (scctl query --help).\n"

const struct scctl_verb verb_list = {
        .name = "list",
        .synopsis = "[--state active|inactive|all] [--type TYPE] [--group GROUP]",
        .summary = "List the services: query without NAME (systemctl list-units)",
        .help = LIST_HELP,
        .options = NULL,
        .run = run_list,
};

const struct scctl_verb verb_list_units = {
        .name = "list-units",
        .synopsis = "[--state active|inactive|all] [--type TYPE] [--group GROUP]",
        .summary = "The same as list",
        .help = LIST_HELP,
        .run = run_list,
};

const struct scctl_verb verb_cat = {
        .name = "cat",
        .synopsis = "NAME",
        .summary = "A service's configuration: qc NAME (systemctl cat)",
        .run = run_cat,
};

const struct scctl_verb verb_show = {
        .name = "show",
        .synopsis = "NAME [--json]",
        .summary = "A service's configuration and status as Key=value lines (systemctl show)",
        .help = "With --json, one object: {\"status\": ..., \"config\": ...}, as query_status\n"
                "and query_config answer them (docs/protocol.md).\n",
        .run = run_show,
};

#define IS_HELP "  -q, --quiet   print nothing; the exit status says it\n"

const struct scctl_verb verb_is_active = {
        .name = "is-active",
        .synopsis = "NAME... [-q]",
        .summary = "Print whether services run; exit 0 if one does (systemctl is-active)",
        .help = "Prints active (running, or paused), activating, deactivating, inactive or\n"
                "failed (stopped with an error) for each NAME; inactive for one that does\n"
                "not exist.  Exit status 0 when at least one is active, else 3.\n" IS_HELP,
        .short_options = "q",
        .options = quiet_options,
        .run = run_is,
};

const struct scctl_verb verb_is_enabled = {
        .name = "is-enabled",
        .synopsis = "NAME... [-q]",
        .summary = "Print whether services start with the system (systemctl is-enabled)",
        .help = "Prints enabled (start type boot, system, auto or delayed-auto), disabled\n"
                "(demand) or masked (disabled: it cannot be started) for each NAME, and\n"
                "not-found for one that does not exist.  Exit status 0 when at least one\n"
                "is enabled, 4 when one does not exist, else 1.\n" IS_HELP,
        .short_options = "q",
        .options = quiet_options,
        .run = run_is,
};

const struct scctl_verb verb_kill = {
        .name = "kill",
        .synopsis = "NAME [-s|--signal SIG]",
        .summary = "Send a signal to a service's main process (systemctl kill)",
        .help = "  -s, --signal SIG   the signal, by name (TERM, SIGHUP) or number (default\n"
                "                     TERM)\n\n"
                "scctl sends it itself, to the PID queryex shows: you need the right to\n"
                "query the service, and the kernel's permission to signal that process\n"
                "(root, or the same user).  A signal is not a stop: scmd sees the process\n"
                "end as any other end (failure actions apply).\n",
        .short_options = "s:",
        .options = kill_options,
        .run = run_kill,
};
