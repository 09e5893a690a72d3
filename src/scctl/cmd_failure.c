/* SPDX-License-Identifier: MIT */
/*
 * The verbs of failure and recovery: failure and qfailure (a service's
 * failure actions), failureflag and qfailureflag (whether a stop with an
 * error counts as a failure), named as sc.exe names them; boot (the
 * boot's status, NotifyBootConfigStatus) and lkg (the last known good
 * configuration), which sc.exe leaves to the system.
 *
 * --actions is sc.exe's list: TYPE/DELAY pairs joined with '/', the
 * types restart, run, reboot and none, the delays in milliseconds, e.g.
 * restart/5000/run/1000/reboot/0.  It is checked here before anything is
 * sent; scmd checks again.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "cmdline.h"
#include "scctl.h"

#define INDENT "        "

enum {
        OPT_RESET = 0x100,
        OPT_ACTIONS,
        OPT_COMMAND,
        OPT_REBOOT_MESSAGE,
};

static const struct option failure_options[] = {
        {"reset", required_argument, NULL, OPT_RESET},
        {"actions", required_argument, NULL, OPT_ACTIONS},
        {"command", required_argument, NULL, OPT_COMMAND},
        {"reboot-message", required_argument, NULL, OPT_REBOOT_MESSAGE},
        {},
};

/* Reads a verb's options (only the global ones) and expects at least min
 * and at most max operands; returns 0 or an exit status. */
static int parse_operands(struct scctl *ctx, int argc, char **argv, int min, int max) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0)
                return scctl_usage_error(ctx, "unexpected option");
        int n = argc - optind;
        if (n < min || n > max)
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        return 0;
}

static bool parse_u32(const char *s, uint32_t *ret) {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        if (s[0] < '0' || s[0] > '9' || *end || errno || v > UINT32_MAX)
                return false;
        *ret = (uint32_t)v;
        return true;
}

/* "restart/5000/run/1000" as a JSON list of actions; NULL after a usage
 * error (*ret_status). */
static json_t *parse_actions(struct scctl *ctx, const char *text, int *ret_status) {
        json_t *list = json_array();
        _cleanup_free_ char *copy = strdup(text);
        if (!list || !copy) {
                json_decref(list);
                *ret_status = output_call_error(ctx, -ENOMEM);
                return NULL;
        }
        if (!copy[0])
                return list; /* "": no actions */
        char *p = copy;
        for (;;) {
                char *type = strsep(&p, "/"), *delay = p ? strsep(&p, "/") : NULL;
                uint32_t ms;
                const char *t = !type[0] ? "none" : type; /* sc.exe writes none as "" */
                if (strcmp(t, "restart") != 0 && strcmp(t, "run") != 0 &&
                    strcmp(t, "reboot") != 0 && strcmp(t, "none") != 0) {
                        json_decref(list);
                        *ret_status = scctl_usage_error(
                                ctx,
                                "--actions: '%s' is not an action (restart, run, reboot, none)",
                                type);
                        return NULL;
                }
                if (!delay || !parse_u32(delay, &ms)) {
                        json_decref(list);
                        *ret_status = scctl_usage_error(ctx,
                                                        "--actions: '%s' needs a delay in "
                                                        "milliseconds (TYPE/DELAY/TYPE/DELAY...)",
                                                        type);
                        return NULL;
                }
                json_array_append_new(
                        list, json_pack("{s:s, s:I}", "type", t, "delay_ms", (json_int_t)ms));
                if (!p)
                        return list;
        }
}

/* Adds one option of failure to params; returns 0 or an exit status. */
static int failure_option(struct scctl *ctx, int opt, const char *arg, json_t *params) {
        int status = 0;
        switch (opt) {
        case OPT_RESET: {
                uint32_t v;
                if (strcmp(arg, "infinite") == 0 || strcmp(arg, "INFINITE") == 0) {
                        json_object_set_new(params, "reset_period", json_string("infinite"));
                        return 0;
                }
                if (!parse_u32(arg, &v) || v == UINT32_MAX)
                        return scctl_usage_error(ctx,
                                                 "--reset '%s' is not a number of seconds or "
                                                 "'infinite'",
                                                 arg);
                json_object_set_new(params, "reset_period", json_integer(v));
                return 0;
        }
        case OPT_ACTIONS: {
                json_t *list = parse_actions(ctx, arg, &status);
                if (!list)
                        return status;
                json_object_set_new(params, "actions", list);
                return 0;
        }
        case OPT_COMMAND: {
                char **argv;
                int argc;
                const char *reason;
                if (arg[0] && cmdline_split(arg, &argv, &argc, &reason) < 0)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "bad --command: %s", reason);
                if (arg[0])
                        strv_free(argv);
                json_t *v = json_string(arg);
                if (!v)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "--command is not valid UTF-8 text");
                json_object_set_new(params, "command", v);
                return 0;
        }
        case OPT_REBOOT_MESSAGE: {
                json_t *v = json_string(arg);
                if (!v)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "--reboot-message is not valid UTF-8 text");
                json_object_set_new(params, "reboot_message", v);
                return 0;
        }
        default:
                return scctl_usage_error(ctx, "unexpected option");
        }
}

static int change(struct scctl *ctx, json_t *params) {
        return scctl_change_service(ctx, "change_failure_actions", params);
}

static int query(struct scctl *ctx, json_t **ret) {
        return scctl_query_service(ctx, "query_failure_actions", ret);
}

/* ---- failure, qfailure ---- */

static int run_failure(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *params = json_object();
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                int r = failure_option(ctx, opt, optarg, params);
                if (r != 0)
                        return r;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one NAME");
        if (json_object_size(params) == 0)
                return scctl_usage_error(ctx, "nothing to change: give --reset, --actions, "
                                              "--command or --reboot-message");
        if (json_object_get(params, "actions") && !json_object_get(params, "reset_period"))
                return scctl_usage_error(ctx, "--actions needs --reset too (the period after "
                                              "which the failure count goes back to 0)");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        return change(ctx, json_incref(params));
}

static const char *action_label(const char *type) {
        if (!type)
                return "?";
        if (strcmp(type, "restart") == 0)
                return "RESTART";
        if (strcmp(type, "run") == 0)
                return "RUN PROCESS";
        if (strcmp(type, "reboot") == 0)
                return "REBOOT";
        return "NONE";
}

#define LABEL "%-29s"

static int run_qfailure(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = query(ctx, &result);
        if (r != 0 || ctx->json)
                return r;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", ctx->name);
        json_t *reset = json_object_get(result, "reset_period");
        if (json_is_integer(reset))
                printf(INDENT LABEL ": %lld\n", "RESET_PERIOD (in seconds)",
                       (long long)json_integer_value(reset));
        else
                printf(INDENT LABEL ": INFINITE\n", "RESET_PERIOD (in seconds)");
        printf(INDENT LABEL ": %s\n", "REBOOT_MESSAGE",
               json_string_value(json_object_get(result, "reboot_message")) ?: "");
        printf(INDENT LABEL ": %s\n", "COMMAND_LINE",
               json_string_value(json_object_get(result, "command")) ?: "");
        json_t *actions = json_object_get(result, "actions"), *a;
        size_t i;
        if (json_array_size(actions) == 0)
                printf(INDENT LABEL ":\n", "FAILURE_ACTIONS");
        json_array_foreach(actions, i, a)
                printf(INDENT LABEL "%s %s -- Delay = %lld milliseconds.\n",
                       i == 0 ? "FAILURE_ACTIONS" : "", i == 0 ? ":" : " ",
                       action_label(json_string_value(json_object_get(a, "type"))),
                       (long long)json_integer_value(json_object_get(a, "delay_ms")));
        printf(INDENT LABEL ": %lld\n", "FAILURE_COUNT",
               (long long)json_integer_value(json_object_get(result, "failure_count")));
        json_t *pending = json_object_get(result, "pending_action");
        if (json_is_object(pending))
                printf(INDENT LABEL ": %s in %lld ms (failure %lld)\n", "PENDING_ACTION",
                       action_label(json_string_value(json_object_get(pending, "type"))),
                       (long long)json_integer_value(json_object_get(pending, "in_ms")),
                       (long long)json_integer_value(json_object_get(pending, "failure")));
        return 0;
}

/* ---- failureflag, qfailureflag ---- */

static int run_failureflag(struct scctl *ctx, int argc, char **argv) {
        int r = parse_operands(ctx, argc, argv, 2, 2);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        const char *flag = argv[optind + 1];
        if (strcmp(flag, "0") != 0 && strcmp(flag, "1") != 0)
                return scctl_usage_error(ctx, "the flag is 0 or 1, not '%s'", flag);
        return change(ctx, json_pack("{s:b}", "non_crash_failures", flag[0] == '1'));
}

static int run_qfailureflag(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = query(ctx, &result);
        if (r != 0 || ctx->json)
                return r;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", ctx->name);
        printf(INDENT "FAILURE_ACTIONS_ON_NONCRASH_FAILURES: %s\n",
               json_is_true(json_object_get(result, "non_crash_failures")) ? "TRUE" : "FALSE");
        return 0;
}

/* ---- boot, lkg ---- */

static const char *utc(const json_t *t, char *buf, size_t size) {
        time_t v = (time_t)json_integer_value(t);
        struct tm tm;
        if (!json_is_integer(t) || !gmtime_r(&v, &tm) ||
            strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
                snprintf(buf, size, "?");
        return buf;
}

#define BOOT_LABEL "%-18s"

static void print_boot_status(const json_t *st) {
        char when[64];
        const char *conf = json_string_value(json_object_get(st, "configuration"));
        const char *reason = json_string_value(json_object_get(st, "reason"));
        printf(BOOT_LABEL ": %s\n", "CONFIGURATION",
               conf && strcmp(conf, "last-known-good") == 0 ? "last known good" : "current");
        printf(BOOT_LABEL ": %s\n", "REASON",
               reason && reason[0] ? reason
                                   : "as saved: nothing was rolled back since scmd started");
        json_t *accepted = json_object_get(st, "accepted");
        const char *phase = json_string_value(json_object_get(st, "boot")) ?: "?";
        if (json_is_object(accepted))
                printf(BOOT_LABEL ": accepted (by %s at %s)\n", "BOOT",
                       json_string_value(json_object_get(accepted, "by")) ?: "?",
                       utc(json_object_get(accepted, "at"), when, sizeof(when)));
        else
                printf(BOOT_LABEL ": %s\n", "BOOT", phase);
        printf(BOOT_LABEL ": %s\n", "BOOT_ACCEPT",
               json_string_value(json_object_get(st, "boot_accept")) ?: "?");
        printf(BOOT_LABEL ": %lld\n", "AUTO-START ROUNDS",
               (long long)json_integer_value(json_object_get(st, "round")));
        json_t *list = json_object_get(st, "pending"), *v;
        size_t i;
        if (json_array_size(list) == 0)
                printf(BOOT_LABEL ": (none)\n", "WAITING FOR");
        json_array_foreach(list, i, v)
                printf(BOOT_LABEL ": %s\n", i == 0 ? "WAITING FOR" : "", json_string_value(v));
        list = json_object_get(st, "failures");
        if (json_array_size(list) == 0)
                printf(BOOT_LABEL ": (none)\n", "FAILURES");
        json_array_foreach(list, i, v) {
                const char *message = json_string_value(json_object_get(v, "message"));
                printf(BOOT_LABEL ": %s (%s, round %lld): %s (%lld)%s%s\n",
                       i == 0 ? "FAILURES" : "",
                       json_string_value(json_object_get(v, "name")) ?: "?",
                       json_string_value(json_object_get(v, "error_control")) ?: "?",
                       (long long)json_integer_value(json_object_get(v, "round")),
                       json_string_value(json_object_get(v, "error")) ?: "?",
                       (long long)json_integer_value(json_object_get(v, "win32_exit_code")),
                       message && message[0] ? ": " : "", message ? message : "");
        }
        json_t *lkg = json_object_get(st, "last_known_good");
        if (json_is_object(lkg))
                printf(BOOT_LABEL ": saved %s, %lld services\n", "LAST_KNOWN_GOOD",
                       utc(json_object_get(lkg, "saved_at"), when, sizeof(when)),
                       (long long)json_integer_value(json_object_get(lkg, "services")));
        else
                printf(BOOT_LABEL ": (none: no boot was accepted yet)\n", "LAST_KNOWN_GOOD");
}

static int run_boot(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r != 0)
                return r;
        const char *what = argv[optind];
        if (strcmp(what, "status") == 0) {
                r = scctl_call(ctx, "query_boot_status", json_object(), &result);
        } else if (strcmp(what, "accept") == 0 || strcmp(what, "reject") == 0) {
                r = scctl_call(ctx, "notify_boot_config_status",
                               json_pack("{s:b}", "acceptable", what[0] == 'a'), &result);
        } else {
                return scctl_usage_error(ctx, "'%s' is not one of: status, accept, reject", what);
        }
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else if (strcmp(what, "status") == 0)
                print_boot_status(result);
        else if (what[0] == 'a')
                printf("[SC] NotifyBootConfigStatus SUCCESS: the configuration is saved as last "
                       "known good\n");
        else
                printf("[SC] NotifyBootConfigStatus SUCCESS: every service stops, the last known "
                       "good configuration is restored, and the auto-start runs again\n");
        return 0;
}

static void print_names(const char *label, const json_t *list) {
        json_t *v;
        size_t i;
        json_array_foreach(list, i, v)
                printf("%s%s", i == 0 ? label : ", ", json_string_value(v));
        if (json_array_size(list) > 0)
                putchar('\n');
}

static int run_lkg(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r != 0)
                return r;
        if (strcmp(argv[optind], "restore") != 0)
                return scctl_usage_error(ctx, "'%s' is not one of: restore", argv[optind]);
        r = scctl_call(ctx, "restore_last_known_good", json_object(), &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        char when[64];
        printf("[SC] the last known good configuration (saved %s, %lld services) is restored\n",
               utc(json_object_get(result, "saved_at"), when, sizeof(when)),
               (long long)json_integer_value(json_object_get(result, "services")));
        print_names("created again: ", json_object_get(result, "added"));
        print_names("deleted: ", json_object_get(result, "removed"));
        return 0;
}

/* ---- the verbs ---- */

const struct scctl_verb verb_failure = {
        .name = "failure",
        .synopsis = "NAME [--reset SECS|infinite --actions LIST] [--command CMD] "
                    "[--reboot-message TEXT]",
        .summary = "Change a service's failure actions (ChangeServiceConfig2)",
        .help = "  --reset SECS       seconds without a failure after which the failure count\n"
                "                     goes back to 0; 'infinite': never (needed with --actions)\n"
                "  --actions LIST     TYPE/DELAY pairs joined by '/': the Nth failure takes the\n"
                "                     Nth, later ones the last.  TYPE is restart, run (the\n"
                "                     command), reboot or none; DELAY is in milliseconds.\n"
                "                     \"\" removes every action.\n"
                "  --command CMD      the command line of run; %1% becomes the failure count;\n"
                "                     it runs as the service's account.  \"\" removes it.\n"
                "  --reboot-message TEXT  broadcast before a reboot.  \"\" removes it.\n"
                "Example: scctl failure web --reset 86400 --actions restart/5000/run/1000/reboot/0 "
                "\\\n"
                "             --command \"/usr/local/bin/page-admin web %1%\"\n",
        .options = failure_options,
        .run = run_failure,
};

const struct scctl_verb verb_qfailure = {
        .name = "qfailure",
        .synopsis = "NAME",
        .summary = "Print a service's failure actions and its failure count (QueryServiceConfig2)",
        .run = run_qfailure,
};

const struct scctl_verb verb_failureflag = {
        .name = "failureflag",
        .synopsis = "NAME 0|1",
        .summary = "Whether a stop with an error counts as a failure, not only a crash",
        .help = "1: the failure actions also run when the service stops by itself with a\n"
                "non-zero Win32 exit code (FailureActionsOnNonCrashFailures).\n",
        .run = run_failureflag,
};

const struct scctl_verb verb_qfailureflag = {
        .name = "qfailureflag",
        .synopsis = "NAME",
        .summary = "Print a service's non-crash failure flag",
        .run = run_qfailureflag,
};

const struct scctl_verb verb_boot = {
        .name = "boot",
        .synopsis = "status|accept|reject",
        .summary = "The boot: which configuration runs and why; accept or reject it "
                   "(NotifyBootConfigStatus)",
        .help = "  status   which configuration runs (current or last known good) and why, the\n"
                "           boot's acceptance, its failures, the last known good copy\n"
                "  accept   save the configuration as last known good now (scmd --boot-accept\n"
                "           manual waits for this; auto does it when auto-start succeeded)\n"
                "  reject   stop every service, restore the last known good configuration and\n"
                "           run the auto-start again\n",
        .run = run_boot,
};

const struct scctl_verb verb_lkg = {
        .name = "lkg",
        .synopsis = "restore",
        .summary = "Restore the last known good configuration by hand",
        .help = "  restore  replace the configuration with the last known good copy, in one\n"
                "           transaction; running services keep running with the settings\n"
                "           they started with\n",
        .run = run_lkg,
};
