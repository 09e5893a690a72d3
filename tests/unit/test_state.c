/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/scmd/state.c: the transition table is the only
 * authority on service states, so every (kind, state, event) triple is
 * walked and held to the rules of docs/protocol.md ("control" gating) and
 * of docs/architecture.md (STOPPED is entered only once every process is
 * gone; what each kind may do).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdbool.h>

#include <cmocka.h>
#include <scm/error.h>
#include <scm/types.h>

#include "process_config.h"
#include "service_config.h"
#include "state.h"

#define FOR_EACH_KIND(k) for (enum svc_rows k = 0; k < _SVC_ROWS_MAX; k++)
#define FOR_EACH_STATE(s) for (enum scm_state s = SCM_STATE_STOPPED; s < _SCM_STATE_MAX; s++)
#define FOR_EACH_EVENT(e) for (enum svc_event e = 0; e < _EV_MAX; e++)

static bool is_control(enum svc_event e) {
        return svc_event_is_request(e) && e != EV_START;
}

/* A kernel driver has no pause: it never enters these; a one-shot job is
 * never RUNNING unless it remains after exit, and never pauses. */
static bool entered(enum svc_rows k, enum scm_state s) {
        bool basic = s == SCM_STATE_STOPPED || s == SCM_STATE_START_PENDING ||
                     s == SCM_STATE_STOP_PENDING;
        if (k == SVC_ROWS_ONESHOT)
                return basic;
        if (k == SVC_ROWS_DRIVER || k == SVC_ROWS_ONESHOT_REMAIN)
                return basic || s == SCM_STATE_RUNNING;
        return true;
}

/* A job remaining after exit has no process: its stop is immediate. */
static bool remaining(enum svc_rows k, enum scm_state s) {
        return k == SVC_ROWS_ONESHOT_REMAIN && s == SCM_STATE_RUNNING;
}

/* The kinds scmd drives by signals. */
static bool signalled(enum svc_rows k) {
        return k == SVC_ROWS_PLAIN || k == SVC_ROWS_NOTIFY || k == SVC_ROWS_FORKING ||
               k == SVC_ROWS_ONESHOT || k == SVC_ROWS_ONESHOT_REMAIN;
}

static bool accepted(const struct transition *t) {
        return t->refuse == 0;
}

static const struct transition *T(enum svc_rows k, enum scm_state s, enum svc_event e) {
        return state_transition(k, s, e);
}

/* A request is either refused (and then changes nothing) or accepted;
 * facts are never refused. */
static void test_refusals_change_nothing(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s)
                        FOR_EACH_EVENT(e) {
                                const struct transition *t = T(k, s, e);
                                if (!svc_event_is_request(e)) {
                                        assert_int_equal(t->refuse, 0);
                                        assert_int_equal(t->needs_accept, 0);
                                } else if (t->refuse) {
                                        assert_int_equal(t->to, 0);
                                        assert_int_equal(t->effects, 0);
                                        assert_non_null(scm_error_name(t->refuse));
                                }
                        }
}

static void test_stopped_takes_only_start(void **state) {
        (void)state;
        FOR_EACH_KIND(k) {
                const struct transition *t = T(k, SCM_STATE_STOPPED, EV_START);
                assert_true(accepted(t));
                assert_int_equal(t->to, SCM_STATE_START_PENDING);
                assert_true(t->effects & EFF_SPAWN);
                assert_true(t->effects & EFF_RESET_EXIT);
                FOR_EACH_EVENT(e)
                        if (is_control(e))
                                assert_int_equal(T(k, SCM_STATE_STOPPED, e)->refuse,
                                                 SCM_ERROR_SERVICE_NOT_ACTIVE);
        }
}

/* Stop-pending takes nothing; start-pending takes only a stop (a kernel
 * driver's load, not even that). */
static void test_pending_gates(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_EVENT(e)
                        if (is_control(e)) {
                                assert_int_equal(T(k, SCM_STATE_STOP_PENDING, e)->refuse,
                                                 SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
                                const struct transition *t = T(k, SCM_STATE_START_PENDING, e);
                                if (e == EV_STOP && k != SVC_ROWS_DRIVER) {
                                        assert_true(accepted(t));
                                        assert_int_equal(t->needs_accept, SCM_ACCEPT_STOP);
                                } else {
                                        assert_int_equal(t->refuse,
                                                         SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
                                }
                        }
}

static void test_start_refused_unless_stopped(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s)
                        if (s != SCM_STATE_STOPPED)
                                assert_int_equal(T(k, s, EV_START)->refuse,
                                                 SCM_ERROR_SERVICE_ALREADY_RUNNING);
}

/* An accepted stop needs the stop bit and leaves scmd in stop-pending, so
 * no further control follows it; it is carried out by signal or by the
 * handler, by kind. */
static void test_stop(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s) {
                        const struct transition *t = T(k, s, EV_STOP);
                        if (!accepted(t) || !entered(k, s))
                                continue;
                        assert_int_equal(t->needs_accept, SCM_ACCEPT_STOP);
                        if (remaining(k, s)) {
                                assert_int_equal(t->to, SCM_STATE_STOPPED);
                                assert_int_equal(t->effects, 0);
                                continue;
                        }
                        assert_int_equal(t->to, SCM_STATE_STOP_PENDING);
                        if (k == SVC_ROWS_NATIVE)
                                assert_int_equal(t->effects, EFF_DELIVER);
                        else if (k == SVC_ROWS_DRIVER)
                                assert_int_equal(t->effects, EFF_UNLOAD);
                        else
                                assert_true(t->effects & EFF_SIGNAL_STOP);
                }
}

static void test_interrogate_and_custom(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s) {
                        const struct transition *t = T(k, s, EV_INTERROGATE);
                        if (accepted(t)) {
                                assert_int_equal(t->needs_accept, 0);
                                assert_int_equal(t->to, 0);
                        }
                        t = T(k, s, EV_CUSTOM);
                        bool active = s == SCM_STATE_RUNNING || s == SCM_STATE_PAUSED ||
                                      s == SCM_STATE_PAUSE_PENDING ||
                                      s == SCM_STATE_CONTINUE_PENDING;
                        if (!active || !entered(k, s))
                                continue;
                        if (k == SVC_ROWS_NATIVE) {
                                /* Always delivered: 128-255 need no accept bit. */
                                assert_true(accepted(t));
                                assert_int_equal(t->needs_accept, 0);
                                assert_int_equal(t->effects, EFF_DELIVER);
                        } else {
                                assert_int_equal(t->refuse, SCM_ERROR_INVALID_SERVICE_CONTROL);
                        }
                }
}

/* STOPPED is entered only by facts (never by a request) and always with
 * the process handles released: when the process has gone, or, for a
 * member of a shared process, when it left a process that goes on. */
static void test_stopped_only_when_gone(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s)
                        FOR_EACH_EVENT(e) {
                                const struct transition *t = T(k, s, e);
                                if (t->to != SCM_STATE_STOPPED || remaining(k, s) || !entered(k, s))
                                        continue;
                                assert_true(e == EV_EXITED || e == EV_SUCCEEDED ||
                                            e == EV_SPAWN_FAILED || e == EV_LEFT_PROCESS);
                                assert_true(t->effects & EFF_FINISH);
                        }
}

/* A process that ends by itself anywhere but in stop-pending was not asked
 * to: PROCESS_ABORTED.  In stop-pending it is the stop completing. */
static void test_exit_outcomes(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s) {
                        const struct transition *t = T(k, s, EV_EXITED);
                        if (!entered(k, s) || remaining(k, s))
                                continue;
                        if (s == SCM_STATE_STOPPED) {
                                assert_int_equal(t->to, 0);
                                assert_int_equal(t->effects, 0);
                                continue;
                        }
                        assert_int_equal(t->to, SCM_STATE_STOPPED);
                        assert_int_equal(!!(t->effects & EFF_ABORTED), s != SCM_STATE_STOP_PENDING);
                }
}

/* Each effect only where it belongs. */
static void test_effects_in_place(void **state) {
        (void)state;
        FOR_EACH_KIND(k)
                FOR_EACH_STATE(s)
                        FOR_EACH_EVENT(e) {
                                uint32_t eff = T(k, s, e)->effects;
                                if (eff & EFF_SPAWN)
                                        assert_true(s == SCM_STATE_STOPPED && e == EV_START);
                                if (eff & EFF_KILL)
                                        assert_true(e == EV_STOP_TIMEOUT || e == EV_HANG ||
                                                    e == EV_WATCHDOG);
                                if (eff & EFF_DELIVER)
                                        assert_int_equal(k, SVC_ROWS_NATIVE);
                                if (eff & (EFF_FREEZE | EFF_THAW | EFF_SIGNAL_STOP))
                                        assert_true(signalled(k));
                                if (eff & EFF_RELOAD)
                                        assert_true((k == SVC_ROWS_PLAIN || k == SVC_ROWS_NOTIFY ||
                                                     k == SVC_ROWS_FORKING) &&
                                                    s == SCM_STATE_RUNNING && e == EV_PARAMCHANGE);
                                if (e == EV_FORKED && (eff || T(k, s, e)->to))
                                        assert_int_equal(k, SVC_ROWS_FORKING);
                                if (eff & EFF_UNLOAD)
                                        assert_int_equal(k, SVC_ROWS_DRIVER);
                                if (eff & EFF_START_HANG)
                                        assert_true(s == SCM_STATE_START_PENDING && e == EV_HANG);
                                /* The start is answered after the state is entered, which
                                 * STOPPED may free. */
                                if (eff & EFF_ACK_START)
                                        assert_int_not_equal(T(k, s, e)->to, SCM_STATE_STOPPED);
                                if (e >= EV_READY && e <= EV_WATCHDOG && (eff || T(k, s, e)->to))
                                        assert_int_equal(k, SVC_ROWS_NOTIFY);
                                if ((e >= EV_REPORT_STOPPED || e == EV_LEFT_PROCESS) &&
                                    (eff || T(k, s, e)->to))
                                        assert_int_equal(k, SVC_ROWS_NATIVE);
                        }
}

/* A start is answered once it is under way: at exec for plain and notify,
 * at the dispatcher's hello for native. */
static void test_start_acknowledged(void **state) {
        (void)state;
        assert_true(T(SVC_ROWS_PLAIN, SCM_STATE_START_PENDING, EV_SPAWNED)->effects &
                    EFF_ACK_START);
        assert_int_equal(T(SVC_ROWS_PLAIN, SCM_STATE_START_PENDING, EV_SPAWNED)->to,
                         SCM_STATE_RUNNING);
        assert_true(T(SVC_ROWS_NOTIFY, SCM_STATE_START_PENDING, EV_SPAWNED)->effects &
                    EFF_ACK_START);
        assert_int_equal(T(SVC_ROWS_NOTIFY, SCM_STATE_START_PENDING, EV_SPAWNED)->to, 0);
        assert_int_equal(T(SVC_ROWS_NOTIFY, SCM_STATE_START_PENDING, EV_READY)->to,
                         SCM_STATE_RUNNING);
        assert_int_equal(T(SVC_ROWS_NATIVE, SCM_STATE_START_PENDING, EV_SPAWNED)->effects, 0);
        assert_true(T(SVC_ROWS_NATIVE, SCM_STATE_START_PENDING, EV_CONNECTED)->effects &
                    EFF_ACK_START);
}

/* A native service's reports move it where it says, and a report of
 * STOPPED waits, stop-pending, for its process to go. */
static void test_native_reports(void **state) {
        (void)state;
        FOR_EACH_STATE(s)
                FOR_EACH_STATE(reported) {
                        if (s == SCM_STATE_STOPPED)
                                continue;
                        const struct transition *t = T(SVC_ROWS_NATIVE, s, EV_REPORT(reported));
                        if (reported == SCM_STATE_STOPPED) {
                                assert_true(t->effects & EFF_STOP_TIMER);
                                assert_true(t->to == SCM_STATE_STOP_PENDING || t->to == 0);
                        } else {
                                assert_int_equal(t->to, reported);
                        }
                }
}

/* A kernel driver: loading is start-pending until modprobe ends, a failed
 * load is stopped, a stop unloads it, and a failed unload leaves it
 * running; its facts are the process events (driver.c). */
static void test_driver(void **state) {
        (void)state;
        const enum svc_rows d = SVC_ROWS_DRIVER;
        assert_true(T(d, SCM_STATE_STOPPED, EV_START)->effects & EFF_SPAWN);
        const struct transition *t = T(d, SCM_STATE_START_PENDING, EV_SPAWNED);
        assert_int_equal(t->to, SCM_STATE_RUNNING);
        assert_true(t->effects & EFF_ACK_START);
        t = T(d, SCM_STATE_START_PENDING, EV_SPAWN_FAILED);
        assert_int_equal(t->to, SCM_STATE_STOPPED);
        assert_true(t->effects & EFF_FINISH);
        assert_int_equal(T(d, SCM_STATE_START_PENDING, EV_STOP)->refuse,
                         SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        t = T(d, SCM_STATE_RUNNING, EV_STOP);
        assert_int_equal(t->to, SCM_STATE_STOP_PENDING);
        assert_int_equal(t->effects, EFF_UNLOAD);
        assert_int_equal(T(d, SCM_STATE_RUNNING, EV_PAUSE)->refuse,
                         SCM_ERROR_INVALID_SERVICE_CONTROL);
        assert_int_equal(T(d, SCM_STATE_STOP_PENDING, EV_EXITED)->to, SCM_STATE_STOPPED);
        assert_int_equal(T(d, SCM_STATE_STOP_PENDING, EV_SPAWN_FAILED)->to, SCM_STATE_RUNNING);
        struct service_config c = {.type = SCM_TYPE_KERNEL_DRIVER, .kind = SCM_KIND_NATIVE};
        assert_int_equal(state_rows_of(&c), SVC_ROWS_DRIVER);
        c.type = SCM_TYPE_OWN_PROCESS;
        assert_int_equal(state_rows_of(&c), SVC_ROWS_NATIVE);
}

/* Shutdown and preshutdown (scmd's own, shutdown.c) reach only a native
 * handler that accepts them, in an active state, and leave it stopping as
 * a stop does; plain and notify services have no handler for them. */
static void test_shutdown_controls(void **state) {
        (void)state;
        const struct {
                enum svc_event event;
                uint32_t bit;
        } ending[] = {{EV_SHUTDOWN, SCM_ACCEPT_SHUTDOWN}, {EV_PRESHUTDOWN, SCM_ACCEPT_PRESHUTDOWN}};
        for (size_t i = 0; i < sizeof(ending) / sizeof(ending[0]); i++)
                FOR_EACH_KIND(k)
                        FOR_EACH_STATE(s) {
                                const struct transition *t = T(k, s, ending[i].event);
                                bool active = s == SCM_STATE_RUNNING || s == SCM_STATE_PAUSED ||
                                              s == SCM_STATE_PAUSE_PENDING ||
                                              s == SCM_STATE_CONTINUE_PENDING;
                                if (!active || !entered(k, s)) {
                                        assert_int_not_equal(t->refuse, 0);
                                        continue;
                                }
                                if (k != SVC_ROWS_NATIVE) {
                                        assert_int_equal(t->refuse,
                                                         SCM_ERROR_INVALID_SERVICE_CONTROL);
                                        continue;
                                }
                                assert_true(accepted(t));
                                assert_int_equal(t->needs_accept, ending[i].bit);
                                assert_int_equal(t->to, SCM_STATE_STOP_PENDING);
                                assert_int_equal(t->effects, EFF_DELIVER);
                        }
}

/* A start that never makes progress is a start hang; other pending states
 * that hang are killed. */
static void test_hangs(void **state) {
        (void)state;
        const enum svc_rows watched[] = {SVC_ROWS_NATIVE, SVC_ROWS_NOTIFY};
        for (size_t i = 0; i < 2; i++) {
                uint32_t eff = T(watched[i], SCM_STATE_START_PENDING, EV_HANG)->effects;
                assert_true(eff & EFF_KILL);
                assert_true(eff & EFF_START_HANG);
        }
        assert_true(T(SVC_ROWS_NATIVE, SCM_STATE_STOP_PENDING, EV_HANG)->effects & EFF_KILL);
        assert_true(T(SVC_ROWS_NATIVE, SCM_STATE_PAUSE_PENDING, EV_HANG)->effects & EFF_KILL);
        assert_true(T(SVC_ROWS_NOTIFY, SCM_STATE_RUNNING, EV_WATCHDOG)->effects & EFF_KILL);
}

/* A job: its clean end is a success (STOPPED, or RUNNING with its process
 * released when it remains), any other end an abort; EV_SUCCEEDED is
 * EV_EXITED for every other kind. */
static void test_oneshot(void **state) {
        (void)state;
        const struct transition *t = T(SVC_ROWS_ONESHOT, SCM_STATE_START_PENDING, EV_SUCCEEDED);
        assert_int_equal(t->to, SCM_STATE_STOPPED);
        assert_int_equal(t->effects & EFF_ABORTED, 0);
        t = T(SVC_ROWS_ONESHOT_REMAIN, SCM_STATE_START_PENDING, EV_SUCCEEDED);
        assert_int_equal(t->to, SCM_STATE_RUNNING);
        assert_true(t->effects & EFF_FINISH);
        assert_true(T(SVC_ROWS_ONESHOT, SCM_STATE_START_PENDING, EV_EXITED)->effects & EFF_ABORTED);
        assert_int_equal(T(SVC_ROWS_ONESHOT, SCM_STATE_START_PENDING, EV_SPAWNED)->to, 0);
        assert_int_equal(T(SVC_ROWS_ONESHOT_REMAIN, SCM_STATE_RUNNING, EV_PAUSE)->refuse,
                         SCM_ERROR_INVALID_SERVICE_CONTROL);
        FOR_EACH_STATE(s)
                if (s != SCM_STATE_START_PENDING)
                        assert_ptr_equal(T(SVC_ROWS_PLAIN, s, EV_SUCCEEDED),
                                         T(SVC_ROWS_PLAIN, s, EV_EXITED));
        assert_true(T(SVC_ROWS_PLAIN, SCM_STATE_RUNNING, EV_SUCCEEDED)->effects & EFF_ABORTED);
        struct service_process remain = {.remain_after_exit = true};
        struct service_config c = {.kind = SCM_KIND_ONESHOT, .process = &remain};
        assert_int_equal(state_rows_of(&c), SVC_ROWS_ONESHOT_REMAIN);
        c.process = NULL;
        assert_int_equal(state_rows_of(&c), SVC_ROWS_ONESHOT);
}

/* A forking daemon is RUNNING when it is known, not at exec; its start is
 * answered then. */
static void test_forking(void **state) {
        (void)state;
        const enum svc_rows f = SVC_ROWS_FORKING;
        assert_int_equal(T(f, SCM_STATE_START_PENDING, EV_SPAWNED)->to, 0);
        assert_int_equal(T(f, SCM_STATE_START_PENDING, EV_SPAWNED)->effects, 0);
        assert_int_equal(T(f, SCM_STATE_START_PENDING, EV_FORKED)->to, SCM_STATE_RUNNING);
        assert_true(T(f, SCM_STATE_START_PENDING, EV_FORKED)->effects & EFF_ACK_START);
        assert_true(T(f, SCM_STATE_RUNNING, EV_EXITED)->effects & EFF_ABORTED);
        assert_true(T(f, SCM_STATE_START_PENDING, EV_HANG)->effects & EFF_KILL);
}

/* PARAMCHANGE reloads a running plain, notify or forking service (when its
 * accept bit, set only with a reload configured, is there). */
static void test_reload(void **state) {
        (void)state;
        const enum svc_rows k[] = {SVC_ROWS_PLAIN, SVC_ROWS_NOTIFY, SVC_ROWS_FORKING};
        for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
                const struct transition *t = T(k[i], SCM_STATE_RUNNING, EV_PARAMCHANGE);
                assert_true(t->effects & EFF_RELOAD);
                assert_int_equal(t->needs_accept, SCM_ACCEPT_PARAMCHANGE);
                assert_int_equal(t->to, 0);
                assert_int_equal(T(k[i], SCM_STATE_PAUSED, EV_PARAMCHANGE)->refuse,
                                 SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        }
}

/* Which states each kind can reach, from STOPPED, by any event. */
static void test_reachability(void **state) {
        (void)state;
        FOR_EACH_KIND(k) {
                bool reach[_SCM_STATE_MAX] = {[SCM_STATE_STOPPED] = true};
                for (int round = 0; round < _SCM_STATE_MAX; round++)
                        FOR_EACH_STATE(s)
                                if (reach[s])
                                        FOR_EACH_EVENT(e) {
                                                const struct transition *t = T(k, s, e);
                                                if (accepted(t) && t->to)
                                                        reach[t->to] = true;
                                        }
                FOR_EACH_STATE(s) {
                        bool two_step =
                                s == SCM_STATE_PAUSE_PENDING || s == SCM_STATE_CONTINUE_PENDING;
                        /* Plain and notify services pause in one step (freezing);
                         * a kernel driver does not pause. */
                        assert_int_equal(reach[s],
                                         entered(k, s) && (k == SVC_ROWS_NATIVE || !two_step));
                }
        }
}

static void test_out_of_range_is_ignored(void **state) {
        (void)state;
        const struct transition *t = T(SVC_ROWS_PLAIN, 0, EV_START);
        assert_int_equal(t->to, 0);
        assert_int_equal(t->effects, 0);
        assert_int_equal(T(_SVC_ROWS_MAX, SCM_STATE_STOPPED, EV_START)->to, 0);
        assert_int_equal(T(SVC_ROWS_PLAIN, SCM_STATE_RUNNING, _EV_MAX)->to, 0);
        assert_string_equal(svc_event_name(EV_REPORT_PAUSED), "report-paused");
        assert_string_equal(svc_event_name(_EV_MAX), "?");
        assert_int_equal(EV_REPORT(SCM_STATE_PAUSED), EV_REPORT_PAUSED);
}

/* A member of a shared process that reports STOPPED while others run in
 * it leaves at once from every active state; other kinds never share. */
static void test_left_process(void **state) {
        (void)state;
        FOR_EACH_STATE(s) {
                const struct transition *t = T(SVC_ROWS_NATIVE, s, EV_LEFT_PROCESS);
                if (s == SCM_STATE_STOPPED) {
                        assert_int_equal(t->to, 0);
                        continue;
                }
                assert_int_equal(t->to, SCM_STATE_STOPPED);
                assert_int_equal(t->effects, EFF_FINISH);
                assert_int_equal(T(SVC_ROWS_PLAIN, s, EV_LEFT_PROCESS)->to, 0);
                assert_int_equal(T(SVC_ROWS_NOTIFY, s, EV_LEFT_PROCESS)->to, 0);
        }
        assert_string_equal(svc_event_name(EV_LEFT_PROCESS), "left-process");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_refusals_change_nothing),
                cmocka_unit_test(test_stopped_takes_only_start),
                cmocka_unit_test(test_pending_gates),
                cmocka_unit_test(test_start_refused_unless_stopped),
                cmocka_unit_test(test_stop),
                cmocka_unit_test(test_interrogate_and_custom),
                cmocka_unit_test(test_stopped_only_when_gone),
                cmocka_unit_test(test_exit_outcomes),
                cmocka_unit_test(test_effects_in_place),
                cmocka_unit_test(test_start_acknowledged),
                cmocka_unit_test(test_native_reports),
                cmocka_unit_test(test_hangs),
                cmocka_unit_test(test_shutdown_controls),
                cmocka_unit_test(test_driver),
                cmocka_unit_test(test_oneshot),
                cmocka_unit_test(test_forking),
                cmocka_unit_test(test_reload),
                cmocka_unit_test(test_reachability),
                cmocka_unit_test(test_out_of_range_is_ignored),
                cmocka_unit_test(test_left_process),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
