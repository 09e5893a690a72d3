/* SPDX-License-Identifier: MIT */
/*
 * The boot and shutdown sequences seen from the command line: `query
 * --boot` (where the boot, or the shutdown, is and what it waits for),
 * `query --failed-drivers` (boot and system drivers that are not loaded),
 * both from query_boot_phase; and `shutdown`, which asks scmd to shut down
 * as SIGTERM does and returns once the sequence has begun.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cleanup.h"
#include "scctl.h"

#define LABEL "%-18s"

static const char *utc(json_int_t t, char *buf, size_t size) {
        time_t v = (time_t)t;
        struct tm tm;
        if (!gmtime_r(&v, &tm) || strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
                snprintf(buf, size, "?");
        return buf;
}

static const char *str(const json_t *o, const char *key) {
        return json_string_value(json_object_get(o, key)) ?: "";
}

static json_int_t num(const json_t *o, const char *key) {
        return json_integer_value(json_object_get(o, key));
}

static void print_pending(const json_t *list) {
        json_t *v;
        size_t i;
        if (json_array_size(list) == 0)
                printf(LABEL ": (none)\n", "WAITING FOR");
        json_array_foreach(list, i, v) {
                const char *text = str(v, "status_text");
                printf(LABEL ": %s (%s, checkpoint %lld, wait hint %lld ms%s%s%s)\n",
                       i == 0 ? "WAITING FOR" : "", str(v, "name"), str(v, "state"),
                       (long long)num(v, "checkpoint"), (long long)num(v, "wait_hint"),
                       text[0] ? ", \"" : "", text, text[0] ? "\"" : "");
        }
}

static void print_failed_drivers(const json_t *list, const char *label) {
        json_t *v;
        size_t i;
        if (json_array_size(list) == 0)
                printf(LABEL ": (none)\n", label);
        json_array_foreach(list, i, v)
                printf(LABEL ": %s (%s): %s (%lld): %s\n", i == 0 ? label : "", str(v, "name"),
                       str(v, "start_type"), str(v, "error"), (long long)num(v, "win32_exit_code"),
                       str(v, "message"));
}

static void print_boot_phase(const json_t *st) {
        char when[64];
        printf(LABEL ": %s (since %s)\n", "PHASE", str(st, "phase"),
               utc(num(st, "since"), when, sizeof(when)));
        json_t *at = json_object_get(st, "delayed_auto_at");
        if (json_is_integer(at))
                printf(LABEL ": at %s (%lld s after the auto-start)\n", "DELAYED-AUTO",
                       utc(json_integer_value(at), when, sizeof(when)),
                       (long long)num(st, "delayed_auto_delay_s"));
        print_pending(json_object_get(st, "pending"));
        print_failed_drivers(json_object_get(st, "failed_drivers"), "FAILED DRIVERS");
}

int scctl_query_boot(struct scctl *ctx, bool failed_drivers_only) {
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "query_boot_phase", json_object(), &result);
        if (r != 0)
                return r;
        json_t *failed = json_object_get(result, "failed_drivers");
        if (ctx->json)
                output_json(failed_drivers_only ? failed : result);
        else if (failed_drivers_only)
                print_failed_drivers(failed, "FAILED DRIVERS");
        else
                print_boot_phase(result);
        return 0;
}

/* A verb without operands that calls method and has *ret printed by the
 * caller (--json prints it here).  Returns an exit status. */
static int call_bare(struct scctl *ctx, int argc, char **argv, const char *method, json_t **ret) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (optind != argc)
                return scctl_usage_error(ctx, "takes no operands");
        return scctl_call(ctx, method, json_object(), ret);
}

static int run_shutdown(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = call_bare(ctx, argc, argv, "shutdown", &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] shutdown SUCCESS: scmd is shutting down (%s)\n", str(result, "phase"));
        return 0;
}

const struct scctl_verb verb_shutdown = {
        .name = "shutdown",
        .synopsis = "",
        .summary = "Shut scmd down as SIGTERM does: preshutdown, stop every service, exit",
        .help = "Answers once the shutdown has begun.  First PRESHUTDOWN to the services\n"
                "that accept it, waited for while they make progress (up to each one's\n"
                "preshutdown timeout); then SHUTDOWN or stop to the rest, dependents first,\n"
                "within scmd's --shutdown-budget; then what is left is killed.\n"
                "`scctl query --boot` shows where it is.\n",
        .run = run_shutdown,
};

static int run_daemon_reexec(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = call_bare(ctx, argc, argv, "daemon_reexec", &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] daemon-reexec SUCCESS: scmd (pid %lld) executes itself again\n",
                       (long long)json_integer_value(json_object_get(result, "pid")));
        return 0;
}

const struct scctl_verb verb_daemon_reexec = {
        .name = "daemon-reexec",
        .synopsis = "",
        .summary = "Execute scmd again (an upgrade in place); the services run on",
        .help = "For administrators.  scmd answers, tells every client connection, and\n"
                "executes its binary again (the new one after an upgrade), with the same\n"
                "options; the new scmd takes every running service back, with the same\n"
                "pid, its output and control channel, and its failure count.  No service\n"
                "is signalled or restarted.  A request sent meanwhile waits for the new\n"
                "scmd (libscm retries it).\n",
        .run = run_daemon_reexec,
};

enum { OPT_MAX_WAIT = 0x100 };

static const struct option power_event_options[] = {
        {"max-wait", required_argument, NULL, OPT_MAX_WAIT},
        {},
};

static int run_power_event(struct scctl *ctx, int argc, char **argv) {
        long long max_wait = -1;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                char *end;
                errno = 0;
                max_wait = strtoll(optarg, &end, 10);
                if (errno || end == optarg || *end || max_wait < 0)
                        return scctl_usage_error(ctx, "--max-wait takes a number of milliseconds");
        }
        if (opt < 0)
                return ctx->exit_status;
        if (optind + 1 != argc)
                return scctl_usage_error(ctx, "takes one operand: suspend");
        json_t *params = json_pack("{s:s}", "event", argv[optind]);
        if (params && max_wait >= 0)
                json_object_set_new(params, "timeout_ms", json_integer(max_wait));
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "power_event", params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] power-event SUCCESS: %lld service(s) told of the %s, %lld answered "
                       "with an error, %lld had not answered in time\n",
                       (long long)num(result, "told"), argv[optind],
                       (long long)num(result, "failed"), (long long)num(result, "late"));
        return 0;
}

const struct scctl_verb verb_power_event = {
        .name = "power-event",
        .synopsis = "suspend [--max-wait MS]",
        .summary = "Tell the services the machine is about to suspend (the sleep hook's)",
        .help = "For administrators; the host's sleep hook runs it before the machine\n"
                "sleeps (/usr/lib/systemd/system-sleep/scm, which systemd-sleep runs).\n"
                "Every native service whose status accepts POWEREVENT gets it with\n"
                "PBT_APMSUSPEND; the verb returns once each has answered, but after 5 s\n"
                "at most, so the machine sleeps after they are ready and a hung handler\n"
                "does not hold the sleep back.  It says how many had not answered.\n"
                "A resume needs no verb: scmd notices it and sends PBT_APMRESUMEAUTOMATIC.\n"
                "  --max-wait MS  wait this long at most instead (0 to 30000)\n",
        .options = power_event_options,
        .run = run_power_event,
};
