/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/scmd/state.c: the transition table is the only
 * authority on service states, so every (state, event) pair is walked and
 * held to the rules of docs/protocol.md ("control" gating) and of
 * docs/architecture.md (STOPPED is entered only once every process is gone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scmd.h"

#define FOR_EACH_STATE(s) for (enum scm_state s = SCM_STATE_STOPPED; s < _SCM_STATE_MAX; s++)
#define FOR_EACH_EVENT(e) for (enum svc_event e = 0; e < _EV_MAX; e++)

static bool is_control(enum svc_event e) {
        return svc_event_is_request(e) && e != EV_START;
}

static bool accepted(const struct transition *t) {
        return t->refuse == 0;
}

/* A request is either refused (and then changes nothing) or accepted. */
static void test_refusals_change_nothing(void **state) {
        (void)state;
        FOR_EACH_STATE(s)
                FOR_EACH_EVENT(e) {
                        const struct transition *t = state_transition(s, e);
                        if (!svc_event_is_request(e)) {
                                assert_int_equal(t->refuse, 0);
                                assert_int_equal(t->needs_accept, 0);
                                continue;
                        }
                        if (t->refuse) {
                                assert_int_equal(t->to, 0);
                                assert_int_equal(t->effects, 0);
                                assert_non_null(scm_error_name(t->refuse));
                        }
                }
}

static void test_stopped_takes_only_start(void **state) {
        (void)state;
        const struct transition *t = state_transition(SCM_STATE_STOPPED, EV_START);
        assert_true(accepted(t));
        assert_int_equal(t->to, SCM_STATE_START_PENDING);
        assert_true(t->effects & EFF_SPAWN);
        assert_true(t->effects & EFF_RESET_EXIT);
        FOR_EACH_EVENT(e)
                if (is_control(e))
                        assert_int_equal(state_transition(SCM_STATE_STOPPED, e)->refuse,
                                         SCM_ERROR_SERVICE_NOT_ACTIVE);
}

static void test_pending_states_refuse_controls(void **state) {
        (void)state;
        const enum scm_state pending[] = {SCM_STATE_START_PENDING, SCM_STATE_STOP_PENDING};
        for (size_t i = 0; i < 2; i++)
                FOR_EACH_EVENT(e)
                        if (is_control(e))
                                assert_int_equal(state_transition(pending[i], e)->refuse,
                                                 SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
}

static void test_start_refused_unless_stopped(void **state) {
        (void)state;
        FOR_EACH_STATE(s)
                if (s != SCM_STATE_STOPPED)
                        assert_int_equal(state_transition(s, EV_START)->refuse,
                                         SCM_ERROR_SERVICE_ALREADY_RUNNING);
}

/* A stop from any state where the process runs needs the stop bit and
 * always asks the process first. */
static void test_stop_needs_accept_bit(void **state) {
        (void)state;
        FOR_EACH_STATE(s) {
                const struct transition *t = state_transition(s, EV_STOP);
                if (!accepted(t))
                        continue;
                assert_int_equal(t->needs_accept, SCM_ACCEPT_STOP);
                assert_int_equal(t->to, SCM_STATE_STOP_PENDING);
                assert_true(t->effects & EFF_SIGNAL_STOP);
        }
        assert_true(accepted(state_transition(SCM_STATE_RUNNING, EV_STOP)));
        assert_true(accepted(state_transition(SCM_STATE_PAUSED, EV_STOP)));
}

static void test_interrogate_needs_no_bit(void **state) {
        (void)state;
        FOR_EACH_STATE(s) {
                const struct transition *t = state_transition(s, EV_INTERROGATE);
                if (accepted(t)) {
                        assert_int_equal(t->needs_accept, 0);
                        assert_int_equal(t->to, 0);
                }
        }
}

/* STOPPED is entered only by facts (never by a request) and always with
 * the process handles released. */
static void test_stopped_only_when_gone(void **state) {
        (void)state;
        FOR_EACH_STATE(s)
                FOR_EACH_EVENT(e) {
                        const struct transition *t = state_transition(s, e);
                        if (t->to != SCM_STATE_STOPPED)
                                continue;
                        assert_false(svc_event_is_request(e));
                        assert_true(e == EV_EXITED || e == EV_SPAWN_FAILED);
                        assert_true(t->effects & EFF_FINISH);
                }
}

/* A process that ends by itself anywhere but in stop-pending was not asked
 * to: PROCESS_ABORTED.  In stop-pending it is the stop completing. */
static void test_exit_outcomes(void **state) {
        (void)state;
        FOR_EACH_STATE(s) {
                const struct transition *t = state_transition(s, EV_EXITED);
                if (s == SCM_STATE_STOPPED) {
                        assert_int_equal(t->to, 0);
                        assert_int_equal(t->effects, 0);
                        continue;
                }
                assert_int_equal(t->to, SCM_STATE_STOPPED);
                if (s == SCM_STATE_STOP_PENDING)
                        assert_false(t->effects & EFF_ABORTED);
                else
                        assert_true(t->effects & EFF_ABORTED);
        }
}

/* Spawning happens only from STOPPED; killing only on a stop timeout. */
static void test_effects_in_place(void **state) {
        (void)state;
        FOR_EACH_STATE(s)
                FOR_EACH_EVENT(e) {
                        const struct transition *t = state_transition(s, e);
                        if (t->effects & EFF_SPAWN)
                                assert_true(s == SCM_STATE_STOPPED && e == EV_START);
                        if (t->effects & EFF_KILL)
                                assert_true(s == SCM_STATE_STOP_PENDING && e == EV_STOP_TIMEOUT);
                        if (t->to)
                                assert_non_null(scm_state_name(t->to));
                }
}

/* Every state but PAUSED is reachable from STOPPED by requests and process
 * facts, and STOPPED from every state.  PAUSED is entered only when a
 * service reports it (native services, not yet in the table). */
static void test_reachability(void **state) {
        (void)state;
        bool reach[_SCM_STATE_MAX] = {[SCM_STATE_STOPPED] = true};
        for (int round = 0; round < _SCM_STATE_MAX; round++)
                FOR_EACH_STATE(s)
                        if (reach[s])
                                FOR_EACH_EVENT(e) {
                                        const struct transition *t = state_transition(s, e);
                                        if (accepted(t) && t->to)
                                                reach[t->to] = true;
                                }
        FOR_EACH_STATE(s) {
                assert_true(reach[s] == (s != SCM_STATE_PAUSED));
                assert_int_equal(state_transition(s, EV_EXITED)->to,
                                 s == SCM_STATE_STOPPED ? 0 : SCM_STATE_STOPPED);
        }
}

static void test_out_of_range_is_ignored(void **state) {
        (void)state;
        const struct transition *t = state_transition(0, EV_START);
        assert_int_equal(t->to, 0);
        assert_int_equal(t->effects, 0);
        t = state_transition(SCM_STATE_RUNNING, _EV_MAX);
        assert_int_equal(t->to, 0);
        assert_string_equal(svc_event_name(EV_STOP_TIMEOUT), "stop-timeout");
        assert_string_equal(svc_event_name(_EV_MAX), "?");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_refusals_change_nothing),
                cmocka_unit_test(test_stopped_takes_only_start),
                cmocka_unit_test(test_pending_states_refuse_controls),
                cmocka_unit_test(test_start_refused_unless_stopped),
                cmocka_unit_test(test_stop_needs_accept_bit),
                cmocka_unit_test(test_interrogate_needs_no_bit),
                cmocka_unit_test(test_stopped_only_when_gone),
                cmocka_unit_test(test_exit_outcomes),
                cmocka_unit_test(test_effects_in_place),
                cmocka_unit_test(test_reachability),
                cmocka_unit_test(test_out_of_range_is_ignored),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
