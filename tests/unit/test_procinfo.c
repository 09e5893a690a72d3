/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/scmd/exec/procinfo.c: how scmd knows a process again
 * after a restart.  A child's start time is read as /proc shows it, stays
 * the same while it runs, and is gone once it has ended (its zombie does
 * not count); a pidfd says when it ended.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "procinfo.h"

static pid_t sleeper(void) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                pause();
                _exit(0);
        }
        return pid;
}

static void test_start_time_of_a_child(void **state) {
        (void)state;
        pid_t pid = sleeper();
        uint64_t a = 0, b = 0, self = 0;
        assert_int_equal(proc_start_time(pid, &a), 0);
        assert_int_equal(proc_start_time(pid, &b), 0);
        assert_true(a > 0);
        assert_true(a == b); /* the same process: the same start time */
        assert_int_equal(proc_start_time(getpid(), &self), 0);
        assert_true(self <= a); /* we started first */
        int pidfd = proc_pidfd_open(pid);
        assert_true(pidfd >= 0);
        assert_int_equal(proc_pidfd_exited(pidfd), 0);
        kill(pid, SIGKILL);
        siginfo_t si;
        /* Ended, not yet waited for: a zombie is no process to take back. */
        assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
        assert_int_equal(proc_pidfd_exited(pidfd), 1);
        assert_int_equal(proc_start_time(pid, &a), -ESRCH);
        waitpid(pid, NULL, 0);
        assert_int_equal(proc_start_time(pid, &a), -ESRCH);
        close(pidfd);
}

static void test_cgroup_line(void **state) {
        (void)state;
        char buf[4096];
        int r = proc_cgroup(getpid(), buf, sizeof(buf));
        if (r == -ENOENT)
                skip(); /* no cgroup v2 line here */
        assert_int_equal(r, 0);
        assert_true(buf[0] == '/');
        assert_null(strchr(buf, '\n'));
}

static void test_no_such_process(void **state) {
        (void)state;
        uint64_t t;
        char buf[64];
        assert_int_equal(proc_start_time(0x7ffffff0, &t), -ESRCH);
        assert_true(proc_cgroup(0x7ffffff0, buf, sizeof(buf)) < 0);
        assert_string_equal(buf, "");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_start_time_of_a_child),
                cmocka_unit_test(test_cgroup_line),
                cmocka_unit_test(test_no_such_process),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
