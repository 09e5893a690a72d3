/* SPDX-License-Identifier: MIT */
/*
 * Scheduled tasks: `task create|config|delete|run|end|query|list|history`
 * shaped like schtasks.exe, and `at TIME -- COMMAND...` for a one-shot.
 *
 * schtasks' switches are long options of the same names: /TN NAME is the
 * operand (or --tn), /TR --tr, /SC --sc, /MO --mo, /D --d, /ST --st,
 * /SD --sd, /RU --ru, /ET... no: the run-time limit is --limit SECONDS
 * (the XML's ExecutionTimeLimit).  --sc and its companions are turned
 * here into one trigger in its text form (docs/protocol.md, "Triggers"),
 * which --trigger gives directly, as often as wanted.
 *
 * A task's least privilege and sandbox take a service's options, in the
 * same words (--privileges, --sid-type, --writable, --restrict-network,
 * --private-tmp, --system-call-deny, --ip-address-deny, ...): cmd_config.c
 * reads them (scctl_config_option()), so both verbs send the same
 * parameters.  Its secrets are `scctl secret --task`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_TN = 256,
        OPT_TR,
        OPT_SC,
        OPT_MO,
        OPT_D,
        OPT_ST,
        OPT_SD,
        OPT_RU,
        OPT_TRIGGER,
        OPT_LIMIT,
        OPT_OVERLAP,
        OPT_DELAY,
        OPT_TZ,
        OPT_MISSED,
        OPT_ENABLE,
        OPT_DISABLE,
        OPT_ACCESS,
        OPT_SHARED, /* shared_options[opt - OPT_SHARED] */
};

/* The options of a service's create and config that a task takes too. */
static const char *const shared_options[] = {
        "privileges",
        "sid-type",
        "writable",
        "restrict-network",
        "allow-weak-isolation",
        "no-new-privileges",
        "private-tmp",
        "protect-system",
        "protect-home",
        "private-devices",
        "system-call-allow",
        "system-call-deny",
        "system-call-action",
        "address-families-allow",
        "address-families-deny",
        "ip-address-allow",
        "ip-address-deny",
        "socket-bind-allow",
        "socket-bind-deny",
};

static const struct option task_options[] = {
        {"tn", required_argument, NULL, OPT_TN},
        {"tr", required_argument, NULL, OPT_TR},
        {"sc", required_argument, NULL, OPT_SC},
        {"mo", required_argument, NULL, OPT_MO},
        {"d", required_argument, NULL, OPT_D},
        {"st", required_argument, NULL, OPT_ST},
        {"sd", required_argument, NULL, OPT_SD},
        {"ru", required_argument, NULL, OPT_RU},
        {"trigger", required_argument, NULL, OPT_TRIGGER},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"overlap", required_argument, NULL, OPT_OVERLAP},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"tz", required_argument, NULL, OPT_TZ},
        {"missed", required_argument, NULL, OPT_MISSED},
        {"enable", no_argument, NULL, OPT_ENABLE},
        {"disable", no_argument, NULL, OPT_DISABLE},
        {"access", required_argument, NULL, OPT_ACCESS},
        {"privileges", required_argument, NULL, OPT_SHARED + 0},
        {"sid-type", required_argument, NULL, OPT_SHARED + 1},
        {"writable", required_argument, NULL, OPT_SHARED + 2},
        {"restrict-network", optional_argument, NULL, OPT_SHARED + 3},
        {"allow-weak-isolation", optional_argument, NULL, OPT_SHARED + 4},
        {"no-new-privileges", required_argument, NULL, OPT_SHARED + 5},
        {"private-tmp", optional_argument, NULL, OPT_SHARED + 6},
        {"protect-system", required_argument, NULL, OPT_SHARED + 7},
        {"protect-home", required_argument, NULL, OPT_SHARED + 8},
        {"private-devices", optional_argument, NULL, OPT_SHARED + 9},
        {"system-call-allow", required_argument, NULL, OPT_SHARED + 10},
        {"system-call-deny", required_argument, NULL, OPT_SHARED + 11},
        {"system-call-action", required_argument, NULL, OPT_SHARED + 12},
        {"address-families-allow", required_argument, NULL, OPT_SHARED + 13},
        {"address-families-deny", required_argument, NULL, OPT_SHARED + 14},
        {"ip-address-allow", required_argument, NULL, OPT_SHARED + 15},
        {"ip-address-deny", required_argument, NULL, OPT_SHARED + 16},
        {"socket-bind-allow", required_argument, NULL, OPT_SHARED + 17},
        {"socket-bind-deny", required_argument, NULL, OPT_SHARED + 18},
        {},
};

/* What --sc and its companions say, before they become a trigger. */
struct schedule {
        const char *sc, *mo, *d, *st, *sd;
};

static int parse_seconds(struct scctl *ctx, const char *option, const char *v, json_int_t *ret) {
        char *end;
        errno = 0;
        long long n = strtoll(v, &end, 10);
        if (errno || end == v || *end || n < 0 || n > 366LL * 24 * 3600)
                return scctl_usage_error(ctx, "%s takes seconds (0 to 31622400), not '%s'", option,
                                         v);
        *ret = n;
        return 0;
}

static void today(char *date, size_t dsize, char *clock, size_t csize) {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(date, dsize, "%Y-%m-%d", &tm);
        strftime(clock, csize, "%H:%M", &tm);
}

static bool is_sc(const char *sc, const char *name) {
        return strcasecmp(sc, name) == 0;
}

/* schtasks' /SC ... as a trigger's text (malloc'd in *ret), or a usage error. */
static int schedule_trigger(struct scctl *ctx, const struct schedule *s, char **ret) {
        char date[16], clock[16];
        today(date, sizeof(date), clock, sizeof(clock));
        const char *sd = s->sd ? s->sd : date, *st = s->st ? s->st : clock;
        long mo = s->mo ? strtol(s->mo, NULL, 10) : 1;
        if (mo < 1)
                return scctl_usage_error(ctx, "--mo takes a count of at least 1, not '%s'", s->mo);
        int n = -1;
        const char *sc = s->sc;
        if (is_sc(sc, "ONCE"))
                n = asprintf(ret, "once %s %s", sd, st);
        else if (is_sc(sc, "SECOND") || is_sc(sc, "MINUTE") || is_sc(sc, "HOURLY"))
                n = s->st || s->sd ? asprintf(ret, "every %ld%c from %s %s", mo,
                                              is_sc(sc, "SECOND")   ? 's'
                                              : is_sc(sc, "MINUTE") ? 'm'
                                                                    : 'h',
                                              sd, st)
                                   : asprintf(ret, "every %ld%c", mo,
                                              is_sc(sc, "SECOND")   ? 's'
                                              : is_sc(sc, "MINUTE") ? 'm'
                                                                    : 'h');
        else if (is_sc(sc, "DAILY"))
                n = mo > 1 ? asprintf(ret, "every %ldd from %s %s", mo, sd, st)
                           : asprintf(ret, "daily %s", st);
        else if (is_sc(sc, "WEEKLY") || is_sc(sc, "MONTHLY")) {
                if (mo > 1)
                        return scctl_usage_error(ctx,
                                                 "--mo with --sc %s is not supported: list the "
                                                 "days with --d",
                                                 sc);
                bool weekly = is_sc(sc, "WEEKLY");
                char wday[4] = "";
                if (weekly && !s->d) {
                        time_t now = time(NULL);
                        struct tm tm;
                        localtime_r(&now, &tm);
                        strftime(wday, sizeof(wday), "%a", &tm);
                        for (char *p = wday; *p; p++)
                                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
                }
                n = asprintf(ret, "%s %s %s", weekly ? "weekly" : "monthly",
                             s->d     ? s->d
                             : weekly ? wday
                                      : "1",
                             st);
        } else if (is_sc(sc, "ONSTART"))
                n = asprintf(ret, "boot");
        else
                return scctl_usage_error(ctx,
                                         "--sc takes ONCE, SECOND, MINUTE, HOURLY, DAILY, WEEKLY, "
                                         "MONTHLY or ONSTART, not '%s'",
                                         sc);
        if (n < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "out of memory");
        for (char *p = *ret; *p; p++) /* "MON,FRI" -> "mon,fri" */
                *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        return 0;
}

static int set_string(struct scctl *ctx, json_t *params, const char *key, const char *option,
                      const char *v) {
        json_t *s = json_string(v);
        if (!s)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "%s is not valid UTF-8 text", option);
        json_object_set_new(params, key, s);
        return 0;
}

static int add_trigger(struct scctl *ctx, json_t *params, const char *text) {
        json_t *list = json_object_get(params, "triggers");
        if (!list) {
                list = json_array();
                json_object_set_new(params, "triggers", list);
        }
        json_t *s = json_string(text);
        if (!s)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "--trigger is not valid UTF-8 text");
        json_array_append_new(list, s);
        return 0;
}

static int task_option(struct scctl *ctx, int opt, const char *arg, json_t *params,
                       struct schedule *s, const char **name) {
        json_int_t n = 0;
        int r;
        switch (opt) {
        case OPT_TN:
                *name = arg;
                return 0;
        case OPT_TR:
                return set_string(ctx, params, "command_line", "--tr", arg);
        case OPT_RU:
                return set_string(ctx, params, "account", "--ru", arg);
        case OPT_TZ:
                return set_string(ctx, params, "time_zone", "--tz", arg);
        case OPT_OVERLAP:
                return set_string(ctx, params, "overlap", "--overlap", arg);
        case OPT_ACCESS:
                return set_string(ctx, params, "access", "--access", arg);
        case OPT_SC:
                s->sc = arg;
                return 0;
        case OPT_MO:
                s->mo = arg;
                return 0;
        case OPT_D:
                s->d = arg;
                return 0;
        case OPT_ST:
                s->st = arg;
                return 0;
        case OPT_SD:
                s->sd = arg;
                return 0;
        case OPT_TRIGGER:
                return add_trigger(ctx, params, arg);
        case OPT_LIMIT:
        case OPT_DELAY:
                r = parse_seconds(ctx, opt == OPT_LIMIT ? "--limit" : "--delay", arg, &n);
                if (r == 0)
                        json_object_set_new(params,
                                            opt == OPT_LIMIT ? "time_limit_s" : "random_delay_s",
                                            json_integer(n));
                return r;
        case OPT_MISSED:
                if (strcmp(arg, "run") && strcmp(arg, "skip"))
                        return scctl_usage_error(ctx, "--missed takes run or skip, not '%s'", arg);
                json_object_set_new(params, "run_missed", json_boolean(strcmp(arg, "run") == 0));
                return 0;
        case OPT_ENABLE:
        case OPT_DISABLE:
                json_object_set_new(params, "enabled", json_boolean(opt == OPT_ENABLE));
                return 0;
        default:
                if (opt >= OPT_SHARED && opt < OPT_SHARED + (int)ELEMENTSOF(shared_options))
                        return scctl_config_option(ctx, shared_options[opt - OPT_SHARED], arg,
                                                   params);
                return scctl_usage_error(ctx, "unexpected option");
        }
}

/* The options of create and config, into params; *name from --tn or the
 * operand after the action. */
static int parse_settings(struct scctl *ctx, int argc, char **argv, json_t *params,
                          const char **name) {
        struct schedule s = {0};
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                int r = task_option(ctx, opt, optarg, params, &s, name);
                if (r != 0)
                        return r;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (!s.sc && (s.mo || s.d || s.st || s.sd))
                return scctl_usage_error(ctx, "--mo, --d, --st and --sd go with --sc");
        if (s.sc) {
                _cleanup_free_ char *text = NULL;
                int r = schedule_trigger(ctx, &s, &text);
                if (r == 0)
                        r = add_trigger(ctx, params, text);
                if (r != 0)
                        return r;
        }
        return 0;
}

static void print_time(json_int_t t) {
        time_t when = (time_t)t;
        struct tm tm;
        char buf[32];
        if (t > 0 && localtime_r(&when, &tm) &&
            strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
                fputs(buf, stdout);
        else
                fputs("N/A", stdout);
}

static const char *status_of(const json_t *task) {
        if (json_integer_value(json_object_get(task, "running")) > 0)
                return "Running";
        return json_is_true(json_object_get(task, "enabled")) ? "Ready" : "Disabled";
}

/* LABEL and each entry of list on a line of its own (none: the text none).
 * The value starts in column 22, after one blank at least. */
static void print_list(const char *label, const json_t *list, const char *none) {
        size_t i;
        json_t *e;
        if (json_array_size(list) == 0)
                printf("%-20s %s\n", label, none);
        json_array_foreach(list, i, e)
                printf("%-20s %s\n", i ? "" : label, json_string_value(e));
}

static const char *yes_no(const json_t *t, const char *key) {
        return json_is_true(json_object_get(t, key)) ? "yes" : "no";
}

static const char *text_of(const json_t *t, const char *key) {
        const char *s = json_string_value(json_object_get(t, key));
        return s ? s : "?";
}

/* Its least privilege, in qprivs' and qsidtype's words, then its sandbox:
 * every setting, so that a filtered task never reads as an open one. */
static void print_security(const json_t *t) {
        print_list("Privileges:", json_object_get(t, "required_privileges"), "(the account's own)");
        printf("SID Type:            %s\n", text_of(t, "sid_type"));
        json_t *gid = json_object_get(t, "service_gid");
        if (json_is_integer(gid))
                printf("Task Group:          %lld\n", (long long)json_integer_value(gid));
        const char *state = json_string_value(json_object_get(t, "state_directory"));
        if (state)
                printf("State Directory:     %s\n", state);
        print_list("Writable Paths:", json_object_get(t, "writable_paths"), "(none)");
        if (json_is_true(json_object_get(t, "allow_weak_isolation")))
                printf("Weak Isolation:      allowed\n");
        printf("Restrict Network:    %s\n", yes_no(t, "restrict_network"));
        printf("No New Privileges:   %s\n", yes_no(t, "no_new_privileges"));
        printf("Private Tmp:         %s\n", yes_no(t, "private_tmp"));
        printf("Protect System:      %s\n", text_of(t, "protect_system"));
        printf("Protect Home:        %s\n", text_of(t, "protect_home"));
        printf("Private Devices:     %s\n", yes_no(t, "private_devices"));
        const json_t *allow = json_object_get(t, "system_call_allow");
        const json_t *deny = json_object_get(t, "system_call_deny");
        if (json_array_size(allow))
                print_list("System Calls Only:", allow, "");
        print_list("System Calls Denied:", deny, "(none)");
        if (json_array_size(allow) || json_array_size(deny))
                printf("System Call Action:  %s\n", text_of(t, "system_call_action"));
        if (json_array_size(json_object_get(t, "address_families_allow")))
                print_list("Families Allowed:", json_object_get(t, "address_families_allow"), "");
        if (json_array_size(json_object_get(t, "address_families_deny")))
                print_list("Families Denied:", json_object_get(t, "address_families_deny"), "");
        if (json_array_size(json_object_get(t, "ip_address_allow")))
                print_list("IP Addresses Allowed:", json_object_get(t, "ip_address_allow"), "");
        print_list("IP Addresses Denied:", json_object_get(t, "ip_address_deny"), "(none)");
        if (json_array_size(json_object_get(t, "socket_bind_allow")))
                print_list("Bind Allowed:", json_object_get(t, "socket_bind_allow"), "");
        if (json_array_size(json_object_get(t, "socket_bind_deny")))
                print_list("Bind Denied:", json_object_get(t, "socket_bind_deny"), "");
}

/* schtasks /query /v /fo list, in its words. */
static void print_task(const json_t *t) {
        printf("TaskName:            %s\n", json_string_value(json_object_get(t, "name")));
        printf("Next Run Time:       ");
        print_time(json_integer_value(json_object_get(t, "next_run")));
        printf("\nStatus:              %s\n", status_of(t));
        printf("Task To Run:         %s\n", json_string_value(json_object_get(t, "command_line")));
        const char *account = json_string_value(json_object_get(t, "account"));
        printf("Run As User:         %s\n", account && account[0] ? account : "LocalSystem");
        json_t *triggers = json_object_get(t, "triggers"), *e;
        size_t i;
        if (json_array_size(triggers) == 0)
                printf("Schedule:            (none: run by hand only)\n");
        json_array_foreach(triggers, i, e)
                printf("%s%s\n",
                       i ? "                     " : "Schedule:            ", json_string_value(e));
        const char *tz = json_string_value(json_object_get(t, "time_zone"));
        printf("Time Zone:           %s\n", tz && tz[0] ? tz : "(scmd's local time)");
        json_int_t limit = json_integer_value(json_object_get(t, "time_limit_s"));
        if (limit)
                printf("Stop If Runs:        %lld s\n", (long long)limit);
        else
                printf("Stop If Runs:        (no limit)\n");
        printf("If Still Running:    %s\n", json_string_value(json_object_get(t, "overlap")));
        printf("Missed Runs:         %s\n",
               json_is_true(json_object_get(t, "run_missed")) ? "run once at start" : "skipped");
        printf("Random Delay:        %lld s\n",
               (long long)json_integer_value(json_object_get(t, "random_delay_s")));
        printf("Access:              %s\n", json_string_value(json_object_get(t, "access")));
        print_security(t);
}

static int need_name(struct scctl *ctx, int argc, char **argv, const char **name) {
        if (!*name && optind + 1 < argc)
                *name = argv[++optind];
        if (!*name || optind + 1 != argc)
                return scctl_usage_error(ctx, "expects one task NAME (or --tn NAME)");
        return scctl_set_service(ctx, *name);
}

static int run_create_or_config(struct scctl *ctx, int argc, char **argv, bool create) {
        _cleanup_json_ json_t *params = json_object();
        const char *name = NULL;
        int r = parse_settings(ctx, argc, argv, params, &name);
        if (r == 0)
                r = need_name(ctx, argc, argv, &name);
        if (r != 0)
                return r;
        if (create && !json_object_get(params, "command_line"))
                return scctl_usage_error(ctx, "create needs the program to run: --tr COMMAND");
        json_object_set_new(params, "name", json_string(name));
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, create ? "task_create" : "task_change", json_incref(params), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("SUCCESS: The scheduled task \"%s\" has %s.\n", name,
                       create ? "successfully been created" : "been changed");
        return 0;
}

static int run_simple(struct scctl *ctx, int argc, char **argv, const char *method) {
        const char *name = NULL;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == OPT_TN)
                        name = optarg;
                else
                        return scctl_usage_error(ctx, "this action takes only --tn");
        if (opt < 0)
                return ctx->exit_status;
        int r = need_name(ctx, argc, argv, &name);
        if (r != 0)
                return r;
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, method, json_pack("{s:s}", "name", name), &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        if (strcmp(method, "task_query") == 0)
                print_task(result);
        else if (strcmp(method, "task_run") == 0)
                printf("SUCCESS: Attempted to run the scheduled task \"%s\": %s.\n", name,
                       json_string_value(json_object_get(result, "outcome")));
        else if (strcmp(method, "task_end") == 0)
                printf("SUCCESS: The scheduled task \"%s\" is being terminated.\n", name);
        else
                printf("SUCCESS: The scheduled task \"%s\" was successfully deleted.\n", name);
        return 0;
}

static int run_list(struct scctl *ctx) {
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "task_list", json_object(), &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        json_t *tasks = json_object_get(result, "tasks"), *t;
        size_t i;
        printf("%-32s %-22s %s\n", "TaskName", "Next Run Time", "Status");
        json_array_foreach(tasks, i, t) {
                printf("%-32s ", json_string_value(json_object_get(t, "name")));
                json_int_t next = json_integer_value(json_object_get(t, "next_run"));
                if (next)
                        print_time(next);
                else
                        fputs("N/A                ", stdout);
                printf("    %s\n", status_of(t));
        }
        return 0;
}

static void print_run(const json_t *run) {
        json_int_t started = json_integer_value(json_object_get(run, "started_at_ms"));
        print_time(started / 1000);
        json_t *d = json_object_get(run, "duration_ms");
        if (d)
                printf("  %8.1fs", (double)json_integer_value(d) / 1000.0);
        else
                printf("  %9s", "-");
        printf("  %-9s %-21s", json_string_value(json_object_get(run, "reason")),
               json_string_value(json_object_get(run, "result")));
        json_t *code = json_object_get(run, "exit_code"), *sig = json_object_get(run, "signal");
        if (code)
                printf("  exit %lld", (long long)json_integer_value(code));
        if (sig)
                printf("  signal %lld", (long long)json_integer_value(sig));
        json_int_t win32 = json_integer_value(json_object_get(run, "win32_exit_code"));
        if (win32)
                printf("  %s (%lld)", scm_error_name((int)win32), (long long)win32);
        const char *error = json_string_value(json_object_get(run, "error"));
        if (error)
                printf("  (%s)", error);
        putchar('\n');
}

static int run_history(struct scctl *ctx, int argc, char **argv) {
        const char *name = NULL;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == OPT_TN)
                        name = optarg;
                else
                        return scctl_usage_error(ctx, "history takes only --tn");
        if (opt < 0)
                return ctx->exit_status;
        int r = need_name(ctx, argc, argv, &name);
        if (r != 0)
                return r;
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, "task_history", json_pack("{s:s}", "name", name), &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        json_t *runs = json_object_get(result, "runs"), *run;
        size_t i;
        printf("%-19s  %9s  %-9s %-21s  %s\n", "STARTED", "DURATION", "REASON", "RESULT", "EXIT");
        json_array_foreach(runs, i, run)
                print_run(run);
        return 0;
}

static int run_task(struct scctl *ctx, int argc, char **argv) {
        /* The action is the first operand: read it before the options. */
        const char *action = NULL;
        for (int i = 1; i < argc && !action; i++)
                if (argv[i][0] != '-')
                        action = argv[i];
        if (!action) {
                /* --help (and the global options) come before any action. */
                if (scctl_next_option(ctx, argc, argv) < 0)
                        return ctx->exit_status;
                return scctl_usage_error(ctx, "expects an action: %s", ctx->verb->synopsis);
        }
        if (strcmp(action, "create") == 0 || strcmp(action, "config") == 0)
                return run_create_or_config(ctx, argc, argv, action[1] == 'r');
        if (strcmp(action, "list") == 0) {
                int opt = scctl_next_option(ctx, argc, argv);
                if (opt < 0)
                        return ctx->exit_status;
                if (opt > 0 || argc - optind != 1)
                        return scctl_usage_error(ctx, "list takes nothing more");
                return run_list(ctx);
        }
        if (strcmp(action, "history") == 0)
                return run_history(ctx, argc, argv);
        static const char *const simple[][2] = {{"delete", "task_delete"},
                                                {"run", "task_run"},
                                                {"end", "task_end"},
                                                {"query", "task_query"}};
        for (size_t i = 0; i < ELEMENTSOF(simple); i++)
                if (strcmp(action, simple[i][0]) == 0)
                        return run_simple(ctx, argc, argv, simple[i][1]);
        return scctl_usage_error(ctx,
                                 "'%s' is not one of: create, config, delete, run, end, query, "
                                 "list, history",
                                 action);
}

const struct scctl_verb verb_task = {
        .name = "task",
        .synopsis = "create|config|delete|run|end|query|list|history [NAME] [OPTIONS]",
        .summary = "Scheduled tasks, as schtasks.exe (create, run, query, history, ...)",
        .help = "  create NAME --tr COMMAND [--sc ... | --trigger SPEC]... [OPTIONS]\n"
                "  config NAME [OPTIONS]   change what is given (triggers: all replaced)\n"
                "  delete NAME             its runs are stopped, its history goes\n"
                "  run NAME                a run now (under its overlap policy)\n"
                "  end NAME                stop its runs\n"
                "  query NAME              its settings, next run and status\n"
                "  list                    every task you may see\n"
                "  history NAME            its last runs: start, duration, reason, result,\n"
                "                          exit code (the newest 50 are kept)\n"
                "schtasks' switches (/TN /TR /SC /MO /D /ST /SD /RU) are the options:\n"
                "  --tn NAME               the task (or the operand after the action)\n"
                "  --tr COMMAND            the program and its arguments (no shell)\n"
                "  --sc SCHEDULE           ONCE, SECOND, MINUTE, HOURLY, DAILY, WEEKLY, MONTHLY,\n"
                "                          ONSTART (SECOND is scm's, for short intervals)\n"
                "  --mo N                  every N of the unit (SECOND .. DAILY)\n"
                "  --d DAYS                WEEKLY: mon,tue,...; MONTHLY: 1,15,...\n"
                "  --st HH:MM[:SS]         the time (default: now)\n"
                "  --sd YYYY-MM-DD         the date (ONCE; the start of an interval)\n"
                "  --ru ACCOUNT            the account it runs as (default LocalSystem)\n"
                "  --trigger SPEC          a trigger in its text form, repeatable: once DATE\n"
                "                          TIME, every N(s|m|h|d) [from DATE TIME], daily TIME,\n"
                "                          weekly DAYS TIME, monthly DAYS TIME, boot\n"
                "  --tz ZONE               the calendar's time zone (Europe/Paris; default\n"
                "                          scmd's)\n"
                "  --limit SECONDS         stop a run past this (0: no limit)\n"
                "  --overlap POLICY        while a run goes on: skip (default), queue,\n"
                "                          parallel, stop_old\n"
                "  --delay SECONDS         each due run waits a random 0..SECONDS more\n"
                "  --missed run|skip       a run due while scmd was down: once at start (run,\n"
                "                          default) or not\n"
                "  --enable, --disable     whether its triggers fire\n"
                "  --access TEXT           its access list (as sdset's); a service's rights:\n"
                "                          query-status, change-config, start (run), stop\n"
                "                          (end), delete, read-control, write-dac\n"
                "Least privilege, as a service's (scctl config):\n" SCCTL_SECURITY_OPTIONS_HELP
                "  --no-new-privileges yes|no  an account other than root that requires no\n"
                "                         privilege runs with none, not even through a setuid\n"
                "                         program (yes, the default)\n" SCCTL_SANDBOX_OPTIONS_HELP
                "Its secrets: scctl secret --task set|list|delete NAME [KEY].\n",
        .options = task_options,
        .run = run_task,
};

/* ---- at ---- */

/* TIME as a once trigger: HH:MM[:SS] today, or tomorrow when past;
 * "YYYY-MM-DD HH:MM[:SS]" as given; +N (seconds from now). */
static int at_trigger(struct scctl *ctx, const char *when, char **ret) {
        time_t now = time(NULL), t;
        struct tm tm;
        localtime_r(&now, &tm);
        int h, m, s = 0, n = 0;
        if (when[0] == '+') {
                char *end;
                long secs = strtol(when + 1, &end, 10);
                if (*end || secs < 1 || secs > 366L * 86400)
                        return scctl_usage_error(ctx, "+N takes seconds, not '%s'", when);
                t = now + secs;
        } else if (strchr(when, '-')) {
                return asprintf(ret, "once %s", when) < 0 ? SCCTL_EXIT_REFUSED : 0;
        } else if ((sscanf(when, "%d:%d:%d%n", &h, &m, &s, &n) == 3 && !when[n]) ||
                   (s = 0, sscanf(when, "%d:%d%n", &h, &m, &n) == 2 && !when[n])) {
                tm.tm_hour = h;
                tm.tm_min = m;
                tm.tm_sec = s;
                tm.tm_isdst = -1;
                t = mktime(&tm);
                if (t <= now) {
                        tm.tm_mday++;
                        tm.tm_isdst = -1;
                        t = mktime(&tm);
                }
        } else {
                return scctl_usage_error(ctx,
                                         "TIME is HH:MM[:SS], 'YYYY-MM-DD HH:MM' or +SECONDS, "
                                         "not '%s'",
                                         when);
        }
        localtime_r(&t, &tm);
        char buf[32];
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
        return asprintf(ret, "once %s", buf) < 0 ? SCCTL_EXIT_REFUSED : 0;
}

/* The words as one command line, each quoted for cmdline_split(). */
static char *join_command(char **words, int n) {
        size_t size = 1;
        for (int i = 0; i < n; i++)
                size += strlen(words[i]) * 4 + 3;
        char *line = malloc(size), *p = line;
        if (!line)
                return NULL;
        for (int i = 0; i < n; i++) {
                if (i)
                        *p++ = ' ';
                *p++ = '\'';
                for (const char *c = words[i]; *c; c++) {
                        if (*c == '\'') {
                                memcpy(p, "'\\''", 4);
                                p += 4;
                        } else {
                                *p++ = *c;
                        }
                }
                *p++ = '\'';
        }
        *p = '\0';
        return line;
}

static int run_at(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *params = json_object();
        struct schedule s = {0};
        const char *name = NULL;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt != OPT_RU && opt != OPT_TN && opt != OPT_LIMIT)
                        return scctl_usage_error(ctx, "at takes --ru, --tn and --limit");
                int r = task_option(ctx, opt, optarg, params, &s, &name);
                if (r != 0)
                        return r;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind < 2)
                return scctl_usage_error(ctx, "expects TIME -- COMMAND [ARG...]");
        _cleanup_free_ char *trigger = NULL, *line = NULL, *auto_name = NULL;
        int r = at_trigger(ctx, argv[optind], &trigger);
        if (r != 0)
                return r;
        if (!(line = join_command(argv + optind + 1, argc - optind - 1)))
                return SCCTL_EXIT_REFUSED;
        if (!name) { /* At1, At2, ... as at.exe's: here the time and scctl's pid */
                if (asprintf(&auto_name, "at-%lld-%d", (long long)time(NULL), (int)getpid()) < 0)
                        return SCCTL_EXIT_REFUSED;
                name = auto_name;
        }
        r = scctl_set_service(ctx, name);
        if (r != 0)
                return r;
        json_object_set_new(params, "name", json_string(name));
        json_object_set_new(params, "command_line", json_string(line));
        json_object_set_new(params, "triggers", json_pack("[s]", trigger));
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, "task_create", json_incref(params), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("Added a new job with job ID = %s (%s)\n", name, trigger);
        return 0;
}

const struct scctl_verb verb_at = {
        .name = "at",
        .synopsis = "TIME [--ru ACCOUNT] [--tn NAME] [--limit SECONDS] -- COMMAND [ARG...]",
        .summary = "Run a command once at a time, as at.exe (a task with one 'once' trigger)",
        .help = "  TIME        HH:MM[:SS] (today, or tomorrow when it has passed),\n"
                "              'YYYY-MM-DD HH:MM[:SS]', or +SECONDS from now\n"
                "  --ru ACCOUNT, --tn NAME (default at-TIME-PID), --limit SECONDS: as task create\n"
                "The task stays after its run, for `scctl task history NAME`; delete it with\n"
                "`scctl task delete NAME`.\n",
        .options = task_options,
        .run = run_at,
};
