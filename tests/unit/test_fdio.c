/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/fdio.c: iov_copy_tail, what a short write of
 * an iovec left, at every point it can stop (scmd's events go out with one
 * sendmsg, and only what the socket did not take is queued).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include <cmocka.h>

#include "fdio.h"

static void test_every_skip(void **state) {
        (void)state;
        /* An empty part between others, as an event with no ids would have. */
        char a[] = "{\"head\":[", b[] = "", c[] = "1,2],", d[] = "\"body\":1}\n";
        const struct iovec parts[] = {
                {.iov_base = a, .iov_len = strlen(a)},
                {.iov_base = b, .iov_len = 0},
                {.iov_base = c, .iov_len = strlen(c)},
                {.iov_base = d, .iov_len = strlen(d)},
        };
        char whole[64];
        snprintf(whole, sizeof(whole), "%s%s%s%s", a, b, c, d);
        size_t total = strlen(whole);
        for (size_t skip = 0; skip <= total; skip++) {
                char out[64];
                memset(out, '#', sizeof(out));
                size_t n = iov_copy_tail(out, parts, 4, skip);
                assert_int_equal(n, total - skip);
                assert_memory_equal(out, whole + skip, n);
                assert_int_equal(out[n], '#'); /* nothing written past the tail */
        }
}

static void test_no_parts(void **state) {
        (void)state;
        char out[1] = {'#'};
        assert_int_equal(iov_copy_tail(out, NULL, 0, 0), 0);
        assert_int_equal(out[0], '#');
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_skip),
                cmocka_unit_test(test_no_parts),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
