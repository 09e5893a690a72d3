/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the usage of a process's cgroup (src/scmd/exec/cgroup_usage.c
 * and process_cgroup_usage() in src/scmd/core/process.c), over a plain
 * folder that stands in for a cgroup folder: the numbers are read from the
 * files of the enabled controllers only, files held open read what the
 * files hold now, at most PROCESS_USAGE_HELD_MAX processes hold theirs, and
 * a file that could not be opened at the first query is not lost for the
 * rest of the process's life.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup_usage.h"
#include "manager.h"
#include "process.h"
#include "resource_config.h"

#define ALL_CONTROLLERS (RESOURCE_CTL_MEMORY | RESOURCE_CTL_PIDS)

static void put_file(int dir_fd, const char *name, const char *text) {
        int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
}

/* A folder with the three files of a cgroup's usage; its descriptor. */
static int fake_cgroup(char *path, size_t size) {
        snprintf(path, size, "/tmp/scm-test-usage.XXXXXX");
        assert_non_null(mkdtemp(path));
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        put_file(fd, "memory.current", "4096\n");
        put_file(fd, "cpu.stat", "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\n");
        put_file(fd, "pids.current", "3\n");
        return fd;
}

static void remove_fake(int fd, const char *path) {
        unlinkat(fd, "memory.current", 0);
        unlinkat(fd, "cpu.stat", 0);
        unlinkat(fd, "pids.current", 0);
        close(fd);
        assert_int_equal(rmdir(path), 0);
}

static void test_read_enabled_controllers_only(void **state) {
        (void)state;
        char path[64];
        int fd = fake_cgroup(path, sizeof(path));
        struct cgroup_usage u;
        cgroup_usage_read(fd, NULL, ALL_CONTROLLERS, &u);
        assert_true(u.memory_bytes == 4096 && u.cpu_usec == 1234 && u.tasks == 3);
        cgroup_usage_read(fd, NULL, 0, &u);
        assert_true(u.memory_bytes == -1 && u.cpu_usec == 1234 && u.tasks == -1);
        struct cgroup_usage_files f;
        assert_int_equal(cgroup_usage_open(fd, NULL, 0, &f), 0);
        assert_true(f.fd[0] == -1 && f.fd[1] >= 0 && f.fd[2] == -1);
        cgroup_usage_close(&f);
        remove_fake(fd, path);
}

/* Held files read what the files hold at each reading, not at the open. */
static void test_held_files_read_anew(void **state) {
        (void)state;
        char path[64];
        int fd = fake_cgroup(path, sizeof(path));
        struct manager m = {.cgroup_base_fd = -1, .cgroup_controllers = ALL_CONTROLLERS};
        struct process p = {.manager = &m, .cgroup_fd = fd};
        struct cgroup_usage u;
        assert_true(process_cgroup_usage(&p, &u));
        assert_true(p.usage_held);
        assert_int_equal(m.usage_held, 1);
        assert_true(u.memory_bytes == 4096 && u.cpu_usec == 1234 && u.tasks == 3);
        /* Written in place, as the kernel makes the text again. */
        int w = openat(fd, "memory.current", O_WRONLY | O_CLOEXEC);
        assert_true(w >= 0);
        assert_int_equal(pwrite(w, "8192\n", 5, 0), 5);
        close(w);
        assert_true(process_cgroup_usage(&p, &u));
        assert_true(u.memory_bytes == 8192);
        cgroup_usage_close(&p.usage_files);
        remove_fake(fd, path);
}

/* The file of an enabled controller that could not be opened at the first
 * query (the descriptors ran out, say) is read at the next one: holding
 * the others must not make the field null until the process ends. */
static void test_file_missing_at_first_query_read_later(void **state) {
        (void)state;
        char path[64];
        int fd = fake_cgroup(path, sizeof(path));
        assert_int_equal(unlinkat(fd, "pids.current", 0), 0);
        struct manager m = {.cgroup_base_fd = -1, .cgroup_controllers = ALL_CONTROLLERS};
        struct process p = {.manager = &m, .cgroup_fd = fd};
        struct cgroup_usage u;
        assert_true(process_cgroup_usage(&p, &u));
        assert_true(u.memory_bytes == 4096 && u.cpu_usec == 1234 && u.tasks == -1);
        put_file(fd, "pids.current", "5\n");
        assert_true(process_cgroup_usage(&p, &u));
        assert_true(u.memory_bytes == 4096 && u.cpu_usec == 1234);
        assert_true(u.tasks == 5);
        assert_true(p.usage_held);
        assert_int_equal(m.usage_held, 1);
        cgroup_usage_close(&p.usage_files);
        remove_fake(fd, path);
}

/* At most PROCESS_USAGE_HELD_MAX processes hold their files; the others
 * read by opening and closing, to the same numbers. */
static void test_held_cap(void **state) {
        (void)state;
        char path[64];
        int fd = fake_cgroup(path, sizeof(path));
        struct manager m = {.cgroup_base_fd = -1, .cgroup_controllers = ALL_CONTROLLERS};
        enum { N = PROCESS_USAGE_HELD_MAX + 3 };
        static struct process p[N];
        for (int i = 0; i < N; i++) {
                p[i] = (struct process){.manager = &m, .cgroup_fd = fd};
                struct cgroup_usage u;
                assert_true(process_cgroup_usage(&p[i], &u));
                assert_true(u.memory_bytes == 4096 && u.cpu_usec == 1234 && u.tasks == 3);
                assert_true(p[i].usage_held == (i < PROCESS_USAGE_HELD_MAX));
        }
        assert_int_equal(m.usage_held, PROCESS_USAGE_HELD_MAX);
        for (int i = 0; i < PROCESS_USAGE_HELD_MAX; i++)
                cgroup_usage_close(&p[i].usage_files);
        remove_fake(fd, path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_read_enabled_controllers_only),
                cmocka_unit_test(test_held_files_read_anew),
                cmocka_unit_test(test_file_missing_at_first_query_read_later),
                cmocka_unit_test(test_held_cap),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
