/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for timeline.c: which times a run keeps.  A run begins when a
 * service leaves STOPPED and clears the run before; the first RUNNING and
 * the first STOP_PENDING of a run stay (pause and continue do not move
 * them); a start request counts for the run it was made for only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <scm/types.h>

#include "manager.h"
#include "service.h"
#include "timeline.h"

/* Moves s to state through the hook, as service.c's enter() does. */
static void go(struct service *s, enum scm_state state) {
        enum scm_state old = s->state;
        s->state = state;
        timeline_service_entered(s, old);
}

static void test_a_run(void **state) {
        (void)state;
        struct service s = {.state = SCM_STATE_STOPPED};
        go(&s, SCM_STATE_START_PENDING);
        assert_true(s.timeline.start_pending > 0);
        assert_true(s.timeline.running == 0 && s.timeline.stopped == 0);
        go(&s, SCM_STATE_RUNNING);
        int64_t running = s.timeline.running;
        assert_true(running >= s.timeline.start_pending);
        go(&s, SCM_STATE_PAUSE_PENDING);
        go(&s, SCM_STATE_PAUSED);
        go(&s, SCM_STATE_CONTINUE_PENDING);
        go(&s, SCM_STATE_RUNNING);
        assert_true(s.timeline.running == running); /* the first RUNNING stays */
        go(&s, SCM_STATE_STOP_PENDING);
        go(&s, SCM_STATE_STOPPED);
        assert_true(s.timeline.stop_pending >= running);
        assert_true(s.timeline.stopped >= s.timeline.stop_pending);

        /* The next run clears this one's times. */
        go(&s, SCM_STATE_START_PENDING);
        assert_true(s.timeline.running == 0 && s.timeline.stop_pending == 0 &&
                    s.timeline.stopped == 0);
}

static void test_straight_to_running(void **state) {
        (void)state;
        struct service s = {.state = SCM_STATE_STOPPED};
        go(&s, SCM_STATE_RUNNING);
        assert_true(s.timeline.start_pending > 0);
        assert_true(s.timeline.running == s.timeline.start_pending);
}

static void test_start_request(void **state) {
        (void)state;
        struct service s = {.state = SCM_STATE_STOPPED};
        timeline_start_requested(&s);
        int64_t requested = s.timeline.start_requested;
        assert_true(requested > 0);
        go(&s, SCM_STATE_START_PENDING);
        assert_true(s.timeline.start_requested == requested); /* for this run */
        go(&s, SCM_STATE_RUNNING);
        timeline_start_requested(&s); /* not stopped: ignored */
        assert_true(s.timeline.start_requested == requested);
        go(&s, SCM_STATE_STOPPED);
        /* A run started without waiting drops the old request. */
        go(&s, SCM_STATE_START_PENDING);
        assert_true(s.timeline.start_requested == 0);
}

static void test_manager_times(void **state) {
        (void)state;
        struct manager m = {0};
        timeline_scmd_started(&m);
        timeline_autostart_began(&m);
        assert_true(m.timeline.autostart_started >= m.timeline.scmd_started);
        assert_true(m.timeline.autostart_done == 0);
        timeline_autostart_done(&m);
        assert_true(m.timeline.autostart_done >= m.timeline.autostart_started);
        json_t *o = timeline_manager_json(&m);
        assert_non_null(o);
        assert_true(json_integer_value(json_object_get(o, "now")) >= m.timeline.autostart_done);
        assert_int_equal(json_array_size(json_object_get(o, "group_order")), 0);
        json_decref(o);
}

static void test_service_json(void **state) {
        (void)state;
        char *deps[] = {"db", "+Net", NULL};
        struct service s = {.state = SCM_STATE_STOPPED,
                            .config = {.name = "web",
                                       .display_name = "Web",
                                       .group = "",
                                       .dependencies = deps,
                                       .start_type = SCM_START_AUTO}};
        go(&s, SCM_STATE_START_PENDING);
        json_t *o = timeline_service_json(&s);
        assert_non_null(o);
        assert_string_equal(json_string_value(json_object_get(o, "state")), "start-pending");
        assert_int_equal(json_array_size(json_object_get(o, "dependencies")), 2);
        assert_true(json_integer_value(json_object_get(o, "start_pending_at")) ==
                    s.timeline.start_pending);
        assert_true(json_is_null(json_object_get(o, "running_at")));
        assert_true(json_is_null(json_object_get(o, "start_requested_at")));
        json_decref(o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_a_run),         cmocka_unit_test(test_straight_to_running),
                cmocka_unit_test(test_start_request), cmocka_unit_test(test_manager_times),
                cmocka_unit_test(test_service_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
