/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for base/loop.c's timers: they fire in the order of their
 * deadlines and never before them; one disarmed does not fire; one armed
 * for now from a callback fires at the next turn, after the I/O that is
 * ready; a loop with no timer waits for I/O alone.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "loop.h"

#define MAX_FIRED 16

static struct loop *l;
static char fired[MAX_FIRED + 1];
static size_t n_fired;
static usec_t fired_at[MAX_FIRED];

struct named_timer {
        struct loop_timer t;
        char name;
        bool quits;
};

static void note(char c) {
        if (n_fired < MAX_FIRED) {
                fired_at[n_fired] = now_usec();
                fired[n_fired++] = c;
                fired[n_fired] = '\0';
        }
}

static void on_timer(struct loop_timer *t) {
        struct named_timer *nt = container_of(t, struct named_timer, t);
        note(nt->name);
        if (nt->quits)
                loop_quit(l);
}

static int setup(void **state) {
        (void)state;
        n_fired = 0;
        fired[0] = '\0';
        return loop_new(&l) < 0 ? -1 : 0;
}

static int teardown(void **state) {
        (void)state;
        loop_free(l);
        return 0;
}

static void test_order_and_deadlines(void **state) {
        (void)state;
        usec_t start = now_usec();
        struct named_timer c = {.name = 'c', .quits = true}, a = {.name = 'a'}, b = {.name = 'b'};
        loop_timer_arm(l, &c.t, start + 30 * USEC_PER_MSEC, on_timer);
        loop_timer_arm(l, &a.t, start + 10 * USEC_PER_MSEC, on_timer);
        loop_timer_arm(l, &b.t, start + 20 * USEC_PER_MSEC, on_timer);
        assert_int_equal(loop_run(l), 0);
        assert_string_equal(fired, "abc");
        /* Never early: each ran at or after its deadline. */
        assert_true(fired_at[0] >= start + 10 * USEC_PER_MSEC);
        assert_true(fired_at[1] >= start + 20 * USEC_PER_MSEC);
        assert_true(fired_at[2] >= start + 30 * USEC_PER_MSEC);
        assert_false(loop_timer_armed(&a.t) || loop_timer_armed(&b.t) || loop_timer_armed(&c.t));
}

static void test_disarmed_does_not_fire(void **state) {
        (void)state;
        usec_t now = now_usec();
        struct named_timer gone = {.name = 'x'}, end = {.name = 'e', .quits = true};
        loop_timer_arm(l, &gone.t, now, on_timer);
        loop_timer_arm(l, &end.t, now + 5 * USEC_PER_MSEC, on_timer);
        loop_timer_disarm(l, &gone.t);
        assert_int_equal(loop_run(l), 0);
        assert_string_equal(fired, "e");
}

/* A timer re-armed for now from its own callback, and an io ready all
 * the while: the io is served between the timer's turns, and the timer
 * does not run twice in one turn. */
static struct named_timer again = {.name = 't'};
static struct loop_io pipe_io;
static int pipe_fds[2];
static unsigned turns;

static void on_again(struct loop_timer *t) {
        note('t');
        if (++turns == 3)
                loop_quit(l);
        else
                loop_timer_arm(l, t, now_usec(), on_again);
}

static void on_pipe(struct loop_io *io, uint32_t events) {
        (void)io;
        (void)events;
        note('i'); /* left unread: ready at every turn */
}

static void test_now_from_a_callback(void **state) {
        (void)state;
        turns = 0;
        assert_int_equal(pipe(pipe_fds), 0);
        assert_int_equal(write(pipe_fds[1], "x", 1), 1);
        assert_int_equal(loop_io_add(l, &pipe_io, pipe_fds[0], EPOLLIN, on_pipe), 0);
        loop_timer_arm(l, &again.t, now_usec(), on_again);
        assert_int_equal(loop_run(l), 0);
        /* Three turns of the timer, each pair separated by the io. */
        assert_int_equal(n_fired, 5);
        assert_string_equal(fired, "titit");
        loop_io_remove(l, &pipe_io);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
}

/* With no timer, the loop waits for I/O alone: an io that quits ends it. */
static void on_quit_io(struct loop_io *io, uint32_t events) {
        (void)io;
        (void)events;
        note('q');
        loop_quit(l);
}

static void test_no_timer_waits_for_io(void **state) {
        (void)state;
        assert_int_equal(pipe(pipe_fds), 0);
        assert_int_equal(loop_io_add(l, &pipe_io, pipe_fds[0], EPOLLIN, on_quit_io), 0);
        assert_int_equal(write(pipe_fds[1], "x", 1), 1);
        assert_int_equal(loop_run(l), 0);
        assert_string_equal(fired, "q");
        loop_io_remove(l, &pipe_io);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_order_and_deadlines, setup, teardown),
                cmocka_unit_test_setup_teardown(test_disarmed_does_not_fire, setup, teardown),
                cmocka_unit_test_setup_teardown(test_now_from_a_callback, setup, teardown),
                cmocka_unit_test_setup_teardown(test_no_timer_waits_for_io, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
