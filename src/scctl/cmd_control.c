/* SPDX-License-Identifier: MIT */
/*
 * The verbs that change what a service is doing: start (StartService);
 * stop, pause, continue, interrogate and control (ControlService).
 *
 * Each prints the status that comes back, as sc.exe's queryex block.  With
 * --wait the verb subscribes to the service's state changes before it sends
 * the request, then waits for the event that takes the service out of its
 * pending state, or for the --timeout deadline (exit 4).  Nothing is
 * polled, and no change can slip between the request and the wait: the
 * reply's sequence number says which events are older than it.  A start
 * that ends stopped is a failure, reported with the service's exit codes:
 * the daemon accepted the start, but the service did not stay up.
 *
 * On a terminal (standard error a tty, no --json) the wait shows one live
 * line on standard error: the state, the checkpoint and wait hint as the
 * service advances them, its status text and the time so far.  It comes
 * from the subscription's progress events (scmd sends one per change
 * within a state) and is erased before the final block is printed, so what
 * stays on the screen, and all that a pipe or a file gets, is the same as
 * without a terminal.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <scm/notify.h>
#include <scm/raw.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_WAIT = 0x100,
        OPT_WITH_DEPENDENTS,
};

static const struct option wait_options[] = {
        {"wait", no_argument, NULL, OPT_WAIT},
        {},
};

static const struct option stop_options[] = {
        {"wait", no_argument, NULL, OPT_WAIT},
        {"with-dependents", no_argument, NULL, OPT_WITH_DEPENDENTS},
        {},
};

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool state_pending(enum scm_state s) {
        return s == SCM_STATE_START_PENDING || s == SCM_STATE_STOP_PENDING ||
               s == SCM_STATE_CONTINUE_PENDING || s == SCM_STATE_PAUSE_PENDING;
}

/* How often the live line's clock is redrawn while nothing happens. */
#define LIVE_REDRAW_MS 250

/* Whether the wait shows a live line: a person is watching standard error. */
static bool live_wanted(const struct scctl *ctx) {
        return !ctx->json && isatty(STDERR_FILENO);
}

/* Draws the live line over the last one: "web: start-pending, checkpoint 3,
 * wait hint 5000 ms, 1.2 s: Loading the cache". */
static void live_draw(const struct scctl *ctx, const struct scm_status *s, const json_t *status,
                      int64_t elapsed_ms) {
        const char *text = json_string_value(json_object_get(status, "status_text"));
        fprintf(stderr, "\r\033[K%s: %s, checkpoint %u, wait hint %u ms, %.1f s%s%s", ctx->name,
                scm_state_name(s->state), s->checkpoint, s->wait_hint, elapsed_ms / 1000.0,
                text && *text ? ": " : "", text && *text ? text : "");
        fflush(stderr);
}

static void live_erase(void) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
}

/* wait_settled()'s word that a service marked for delete has stopped and,
 * so, is gone: the stop succeeded.  Not an exit status. */
#define WAIT_DELETED (-2)

/* Subscribes to ctx->name's changes before the request that makes them,
 * so that none can come between the request and the wait.  Returns 0 or
 * an exit status. */
static int subscribe_for_wait(struct scctl *ctx) {
        const char *const names[] = {ctx->name, NULL};
        int r = scctl_connect(ctx);
        if (r != 0)
                return r;
        uint32_t mask = SCM_NOTIFY_ALL_STATES | SCM_NOTIFY_DELETED;
        if (live_wanted(ctx))
                mask |= SCM_NOTIFY_PROGRESS;
        r = scm_subscribe(ctx->client, names, mask, NULL);
        return r < 0 ? output_call_error(ctx, r) : 0;
}

/* A service marked for delete that has stopped goes in the same breath,
 * unless a handle holds it: a query, answered after that, tells. */
static bool gone_after_stop(struct scctl *ctx, const struct scm_status *s) {
        json_t *result = NULL;
        if (s->state != SCM_STATE_STOPPED || !s->marked_for_delete)
                return false;
        int r = scm_call(ctx->client, "query_status", json_pack("{s:s}", "name", ctx->name),
                         &result);
        json_decref(result);
        return r == SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST);
}

/* Waits on the subscription of subscribe_for_wait() until *status is no
 * longer pending, replacing *status with each newer one, and with live
 * draws the live line as it goes (the caller erases it).  Returns 0,
 * WAIT_TIMEOUT (not yet reported: the caller prints the status first),
 * WAIT_DELETED when goal is stopped and the service went as it got there,
 * or the exit status of a failure (reported, the live line erased). */
static int wait_events(struct scctl *ctx, json_t **status, enum scm_state goal, bool live) {
        int64_t started = now_ms(), deadline = started + ctx->timeout_ms;
        struct scm_status s;

        if (scm_status_from_json(*status, &s) < 0)
                return output_call_error(ctx, -EPROTO);
        while (state_pending(s.state)) {
                int64_t left = deadline - now_ms();
                struct scm_event e;
                if (live)
                        live_draw(ctx, &s, *status, now_ms() - started);
                int slice = left > 0 ? (int)left : 0;
                if (live && slice > LIVE_REDRAW_MS)
                        slice = LIVE_REDRAW_MS;
                int r = scm_wait_event(ctx->client, slice, &e);
                if (r == -ETIMEDOUT && left > slice)
                        continue; /* only the live line's clock to redraw */
                if (r == -ETIMEDOUT)
                        return SCCTL_EXIT_WAIT_TIMEOUT;
                if (r < 0) {
                        if (live)
                                live_erase();
                        return output_call_error(ctx, r);
                }
                if (e.type == SCM_EVENT_DELETED) {
                        scm_event_clear(&e);
                        if (goal == SCM_STATE_STOPPED)
                                return WAIT_DELETED;
                        if (live)
                                live_erase();
                        return output_error(
                                ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_SERVICE_DOES_NOT_EXIST, NULL,
                                "the service was deleted while it was %s", scm_state_name(s.state));
                }
                /* Events up to the reply's seq are older than the reply; progress
                 * comes within the state of its seq. */
                if ((e.type == SCM_EVENT_STATUS && e.seq > s.seq) ||
                    (e.type == SCM_EVENT_PROGRESS && e.seq == s.seq)) {
                        s = e.status;
                        json_decref(*status);
                        *status = json_incref(json_object_get(e.params, "status"));
                }
                scm_event_clear(&e);
        }
        if (goal == SCM_STATE_STOPPED && gone_after_stop(ctx, &s))
                return WAIT_DELETED;
        return 0;
}

static int wait_settled(struct scctl *ctx, json_t **status, enum scm_state goal) {
        bool live = live_wanted(ctx);
        int r = wait_events(ctx, status, goal, live);
        if (live)
                live_erase();
        return r;
}

/* " (the process exited with code 3)" or " (... killed by signal 9)". */
static void describe_process_exit(const json_t *status, char *buf, size_t size) {
        const json_t *exit = json_object_get(status, "process_exit");
        json_t *code = json_object_get(exit, "code");
        json_t *sig = json_object_get(exit, "signal");

        buf[0] = '\0';
        if (json_is_integer(code))
                snprintf(buf, size, "; the process exited with code %lld",
                         (long long)json_integer_value(code));
        else if (json_is_integer(sig))
                snprintf(buf, size, "; the process was killed by signal %lld (SIG%s)",
                         (long long)json_integer_value(sig),
                         sigabbrev_np((int)json_integer_value(sig)) ?: "?");
}

/* The service accepted the start but is stopped now.  The error is its
 * win32_exit_code; SERVICE_NOT_ACTIVE when it stopped without one. */
static int report_start_failed(struct scctl *ctx, const json_t *status,
                               const struct scm_status *s) {
        char how[128];
        int win32 = s->win32_exit_code ? (int)s->win32_exit_code : SCM_ERROR_SERVICE_NOT_ACTIVE;

        describe_process_exit(status, how, sizeof(how));
        return output_error(ctx, SCCTL_EXIT_REFUSED, win32, json_pack("{s:O}", "status", status),
                            "the service stopped during its start (WIN32_EXIT_CODE %u, "
                            "SERVICE_EXIT_CODE %u)%s",
                            s->win32_exit_code, s->service_exit_code, how);
}

/* A one-shot job that ended with exit code 0 and no error: its start
 * succeeded. */
static bool ran_to_end(const json_t *status, const struct scm_status *s) {
        json_t *code = json_object_get(json_object_get(status, "process_exit"), "code");
        return s->win32_exit_code == 0 && json_is_integer(code) && json_integer_value(code) == 0;
}

static int report_wait_timeout(struct scctl *ctx, const json_t *status,
                               const struct scm_status *s) {
        return output_error(ctx, SCCTL_EXIT_WAIT_TIMEOUT, SCM_ERROR_TIMEOUT,
                            json_pack("{s:O}", "status", status),
                            "still %s after %g s (checkpoint 0x%x, wait hint %u ms)",
                            scm_state_name(s->state), ctx->timeout_ms / 1000.0, s->checkpoint,
                            s->wait_hint);
}

static int report_other_state(struct scctl *ctx, const json_t *status, const struct scm_status *s,
                              enum scm_state goal) {
        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_EXCEPTION_IN_SERVICE,
                            json_pack("{s:O}", "status", status), "the service settled %s, not %s",
                            scm_state_name(s->state), scm_state_name(goal));
}

/* A service marked for delete stopped and went; --json shows it as a
 * result of its own shape, since there is no status left to show. */
static int report_deleted(struct scctl *ctx) {
        if (ctx->json) {
                json_t *result = json_pack("{s:s, s:s, s:b}", "name", ctx->name, "state", "stopped",
                                           "deleted", true);
                output_json(result);
                json_decref(result);
        } else {
                printf("Service %s has stopped and, being marked for delete, is deleted.\n",
                       ctx->name);
        }
        return 0;
}

/* Waits if asked, prints the status, and judges it against goal (0: any
 * state will do).  status is consumed. */
static int finish(struct scctl *ctx, json_t *status, bool wait, enum scm_state goal) {
        _cleanup_json_ json_t *current = status;
        struct scm_status s;

        int r = wait ? wait_settled(ctx, &current, goal) : 0;
        if (r == WAIT_DELETED)
                return report_deleted(ctx);
        if (r != 0 && r != SCCTL_EXIT_WAIT_TIMEOUT)
                return r;
        if (scm_status_from_json(current, &s) < 0)
                return output_call_error(ctx, -EPROTO);
        if (!ctx->json)
                output_status_block(current, true);
        if (r == SCCTL_EXIT_WAIT_TIMEOUT)
                return report_wait_timeout(ctx, current, &s);
        if (goal == SCM_STATE_RUNNING && s.state == SCM_STATE_STOPPED &&
            strcmp(ctx->verb->name, "start") == 0 && !ran_to_end(current, &s))
                return report_start_failed(ctx, current, &s);
        if (wait && goal != 0 && s.state != goal && !ran_to_end(current, &s))
                return report_other_state(ctx, current, &s, goal);
        if (ctx->json)
                output_json(current);
        return 0;
}

/* Reads [--wait] NAME and leaves optind at what follows NAME. */
static int parse_wait_and_name(struct scctl *ctx, int argc, char **argv, bool *ret_wait) {
        int opt;
        *ret_wait = false;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == OPT_WAIT)
                        *ret_wait = ctx->wait_scmd = true;
        if (opt < 0)
                return ctx->exit_status;
        if (optind >= argc)
                return scctl_usage_error(ctx, "expects a service NAME");
        return scctl_set_service(ctx, argv[optind++]);
}

static int start_params(struct scctl *ctx, char **args, int nargs, json_t **ret) {
        json_t *params = json_pack("{s:s}", "name", ctx->name);
        json_t *list = json_array();

        if (nargs > SCM_ARGS_MAX) {
                json_decref(params);
                json_decref(list);
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "more than 256 start arguments");
        }
        for (int i = 0; i < nargs; i++)
                if (json_array_append_new(list, json_string(args[i])) < 0) {
                        json_decref(params);
                        json_decref(list);
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "start argument %d is not valid UTF-8", i + 1);
                }
        if (nargs > 0)
                json_object_set(params, "args", list);
        json_decref(list);
        *ret = params;
        return 0;
}

static int run_start(struct scctl *ctx, int argc, char **argv) {
        bool wait;
        json_t *params = NULL, *status = NULL;

        int r = parse_wait_and_name(ctx, argc, argv, &wait);
        if (r == 0)
                r = start_params(ctx, argv + optind, argc - optind, &params);
        if (r == 0 && wait)
                r = subscribe_for_wait(ctx);
        if (r == 0)
                r = scctl_call(ctx, "start", params, &status);
        else
                json_decref(params);
        return r != 0 ? r : finish(ctx, status, wait, SCM_STATE_RUNNING);
}

/* Sends control (with extra params, consumed; may be NULL) to ctx->name
 * and finishes towards goal. */
static int send_control_with(struct scctl *ctx, json_t *control, json_t *extra, bool wait,
                             enum scm_state goal) {
        json_t *status = NULL;
        int r = wait ? subscribe_for_wait(ctx) : 0;
        if (r != 0) {
                json_decref(control);
                json_decref(extra);
                return r;
        }
        json_t *params = json_pack("{s:s, s:o}", "name", ctx->name, "control", control);
        if (extra) {
                json_object_update(params, extra);
                json_decref(extra);
        }
        r = scctl_call(ctx, "control", params, &status);
        return r != 0 ? r : finish(ctx, status, wait, goal);
}

static int send_control(struct scctl *ctx, json_t *control, bool wait, enum scm_state goal) {
        return send_control_with(ctx, control, NULL, wait, goal);
}

/* A stop reason as sc.exe writes it, FLAG:MAJOR:MINOR in decimal (flags
 * 1 unplanned, 2 custom, 4 planned, added), or the code as a number. */
static int parse_reason(const char *text, uint32_t *ret) {
        unsigned long flag, major, minor;
        char *end;
        if (strchr(text, ':')) {
                errno = 0;
                flag = strtoul(text, &end, 10);
                if (*end++ != ':')
                        return -EINVAL;
                major = strtoul(end, &end, 10);
                if (*end++ != ':')
                        return -EINVAL;
                minor = strtoul(end, &end, 10);
                if (errno || *end || flag > 7 || major > 0xff || minor > 0xffff)
                        return -EINVAL;
                *ret = (uint32_t)(flag << 28 | major << 16 | minor);
                return 0;
        }
        errno = 0;
        unsigned long long v = strtoull(text, &end, 0);
        if (errno || end == text || *end || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t)v;
        return 0;
}

/* stop [--wait] [--with-dependents] NAME [REASON [COMMENT]] */
static int run_stop(struct scctl *ctx, int argc, char **argv) {
        bool wait = false, with_dependents = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_WAIT)
                        wait = ctx->wait_scmd = true;
                else if (opt == OPT_WITH_DEPENDENTS)
                        with_dependents = true;
        }
        if (opt < 0)
                return ctx->exit_status;
        int n = argc - optind;
        if (n < 1 || n > 3)
                return scctl_usage_error(ctx, "expects a service NAME, a REASON and a COMMENT");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        json_t *extra = json_object();
        if (with_dependents)
                json_object_set_new(extra, "with_dependents", json_true());
        if (n >= 2) {
                uint32_t reason;
                if (parse_reason(argv[optind + 1], &reason) < 0) {
                        json_decref(extra);
                        return scctl_usage_error(ctx,
                                                 "'%s' is not a stop reason: FLAG:MAJOR:MINOR as "
                                                 "sc.exe's (flag 1 unplanned, 2 custom, 4 "
                                                 "planned), or the code as a number",
                                                 argv[optind + 1]);
                }
                json_object_set_new(extra, "reason", json_integer(reason));
        }
        if (n == 3)
                json_object_set_new(extra, "comment", json_string(argv[optind + 2]));
        return send_control_with(ctx, json_string("stop"), extra, wait, SCM_STATE_STOPPED);
}

/* stop, pause, continue and interrogate: the verb is the control's name. */
static int run_named_control(struct scctl *ctx, int argc, char **argv) {
        const char *control = ctx->verb->name;
        enum scm_state goal = strcmp(control, "stop") == 0       ? SCM_STATE_STOPPED
                              : strcmp(control, "pause") == 0    ? SCM_STATE_PAUSED
                              : strcmp(control, "continue") == 0 ? SCM_STATE_RUNNING
                                                                 : 0;
        bool wait;

        int r = parse_wait_and_name(ctx, argc, argv, &wait);
        if (r != 0)
                return r;
        if (optind < argc)
                return scctl_usage_error(ctx, "expects one service NAME");
        return send_control(ctx, json_string(control), wait, goal);
}

/* CODE: a control's name, or a number that scmd judges (128-255 are a
 * service's own). */
static int parse_control_code(struct scctl *ctx, const char *arg, json_t **ret) {
        static const char *const names[] = {"stop", "pause", "continue", "interrogate",
                                            "paramchange"};

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcmp(arg, names[i]) == 0) {
                        *ret = json_string(arg);
                        return 0;
                }
        char *end;
        errno = 0;
        long code = strtol(arg, &end, 0);
        if (!isdigit((unsigned char)arg[0]) || *end || errno)
                return scctl_usage_error(ctx,
                                         "CODE '%s' is neither a number nor one of: "
                                         "paramchange, stop, pause, continue, interrogate",
                                         arg);
        if (code < SCM_CONTROL_CUSTOM_FIRST || code > SCM_CONTROL_CUSTOM_LAST)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "control code %ld is not one of a service's own (128-255)",
                                    code);
        *ret = json_integer(code);
        return 0;
}

static int run_control(struct scctl *ctx, int argc, char **argv) {
        json_t *control = NULL;

        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 2)
                return scctl_usage_error(ctx, "expects a service NAME and a CODE");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = parse_control_code(ctx, argv[optind + 1], &control);
        return r != 0 ? r : send_control(ctx, control, false, 0);
}

/* Until the reload ends (status "reloading" false), at most --timeout;
 * *status is replaced by the last one read. */
static int wait_reloaded(struct scctl *ctx, json_t **status) {
        struct timespec step = {0, 20 * 1000 * 1000};
        for (int waited = 0; json_is_true(json_object_get(*status, "reloading")); waited += 20) {
                if (waited >= ctx->timeout_ms)
                        return output_error(ctx, SCCTL_EXIT_WAIT_TIMEOUT, SCM_ERROR_TIMEOUT, NULL,
                                            "service %s is still reloading after %g s", ctx->name,
                                            ctx->timeout_ms / 1000.0);
                nanosleep(&step, NULL);
                json_t *next = NULL;
                int r = scctl_call(ctx, "query_status", json_pack("{s:s}", "name", ctx->name),
                                   &next);
                if (r != 0)
                        return r;
                json_decref(*status);
                *status = next;
        }
        return 0;
}

/* reload NAME: PARAMCHANGE, which runs the service's reload command or
 * sends its reload signal (a native service's handler takes it); then, for
 * a command, its end. */
static int run_reload(struct scctl *ctx, int argc, char **argv) {
        bool wait;
        int r = parse_wait_and_name(ctx, argc, argv, &wait);
        if (r != 0)
                return r;
        if (optind < argc)
                return scctl_usage_error(ctx, "expects one service NAME");
        _cleanup_json_ json_t *status = NULL;
        r = scctl_call(ctx, "control",
                       json_pack("{s:s, s:s}", "name", ctx->name, "control", "paramchange"),
                       &status);
        if (r == 0)
                r = wait_reloaded(ctx, &status);
        if (r != 0)
                return r;
        json_t *last = json_object_get(status, "last_reload");
        if (json_is_false(json_object_get(last, "succeeded"))) {
                char how[128];
                _cleanup_json_ json_t *ended =
                        json_pack("{s:O}", "process_exit", json_object_get(last, "exit"));
                describe_process_exit(ended, how, sizeof(how));
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_EXCEPTION_IN_SERVICE,
                                    json_pack("{s:O}", "status", status),
                                    "the reload command of %s failed%s; the service runs on as "
                                    "before",
                                    ctx->name, how);
        }
        if (ctx->json)
                output_json(status);
        else if (json_is_true(json_object_get(last, "succeeded")))
                printf("Service %s has reloaded (its reload command ended well).\n", ctx->name);
        else
                printf("Service %s was asked to reload (its reload signal, or its handler's "
                       "PARAMCHANGE).\n",
                       ctx->name);
        return 0;
}

static const char wait_help[] =
        "  --wait   wait until the service has left its pending state (at most --timeout\n"
        "           seconds; exit status 4 when it has not)\n";

const struct scctl_verb verb_start = {
        .name = "start",
        .synopsis = "NAME [ARGS...] [--wait]",
        .summary = "Start a service (StartService) with optional arguments",
        .help = "  --wait   wait until the service is running or has stopped (at most --timeout\n"
                "           seconds; exit status 4 when it is still starting)\n\n"
                "ARGS are passed after the command line's own words; put ARGS that begin with\n"
                "'-' after '--'.  A start that ends with the service stopped fails (exit\n"
                "status 1) and shows the service's exit codes.\n",
        .options = wait_options,
        .run = run_start,
};

const struct scctl_verb verb_stop = {
        .name = "stop",
        .synopsis = "NAME [REASON [COMMENT]] [--wait] [--with-dependents]",
        .summary = "Stop a service (ControlService STOP; with a reason, ControlServiceEx)",
        .help = "  --wait             wait until the service has stopped (at most --timeout\n"
                "                     seconds; exit status 4 when it has not)\n"
                "  --with-dependents  first stop every running service that depends on it,\n"
                "                     dependents first (scctl enumdepend NAME lists them);\n"
                "                     without it such a stop fails with\n"
                "                     DEPENDENT_SERVICES_RUNNING\n"
                "REASON is sc.exe's FLAG:MAJOR:MINOR (flag 1 unplanned, 2 custom, 4 planned;\n"
                "e.g. 4:4:5, planned, software, reconfiguration) or the code as a number;\n"
                "scmd records it and the COMMENT (128 characters) with the stop, and\n"
                "queryex shows them.\n",
        .options = stop_options,
        .run = run_stop,
};

const struct scctl_verb verb_pause = {
        .name = "pause",
        .synopsis = "NAME [--wait]",
        .summary = "Pause a service (ControlService PAUSE)",
        .help = wait_help,
        .options = wait_options,
        .run = run_named_control,
};

const struct scctl_verb verb_continue = {
        .name = "continue",
        .synopsis = "NAME [--wait]",
        .summary = "Resume a paused service (ControlService CONTINUE)",
        .help = wait_help,
        .options = wait_options,
        .run = run_named_control,
};

const struct scctl_verb verb_interrogate = {
        .name = "interrogate",
        .synopsis = "NAME",
        .summary = "Ask a service to report its status now (ControlService INTERROGATE)",
        .run = run_named_control,
};

const struct scctl_verb verb_reload = {
        .name = "reload",
        .synopsis = "NAME",
        .summary = "Reload a service's configuration (ControlService PARAMCHANGE)",
        .help = "Runs the service's reload command (--reload-command) and waits for its end\n"
                "(at most --timeout seconds), or sends its reload signal (--reload-signal); a\n"
                "native service's handler receives PARAMCHANGE.  A failed reload command is\n"
                "reported (exit status 1) while the service stays running.\n",
        .options = wait_options,
        .run = run_reload,
};

const struct scctl_verb verb_control = {
        .name = "control",
        .synopsis = "NAME CODE|paramchange",
        .summary = "Send a control to a service (ControlService): paramchange or 128-255",
        .help = "CODE is paramchange, a number from 128 to 255 that the service defines, or\n"
                "one of stop, pause, continue, interrogate.\n",
        .run = run_control,
};
