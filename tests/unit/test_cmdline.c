/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/cmdline.c: splitting a command line into words
 * the way a POSIX shell would, without a shell (docs/protocol.md, "Command
 * line").  Each case gives a line and the exact words it must give, or the
 * failure it must report.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmdline.h"

/* Splits line and checks the words against expected (NULL-terminated). */
static void check_split(const char *line, const char *const *expected) {
        char **argv = NULL;
        int argc = -1;
        const char *reason = NULL;

        int r = cmdline_split(line, &argv, &argc, &reason);
        if (r != 0)
                fail_msg("cmdline_split(\"%s\") = %d (%s), expected success", line, r,
                         reason ? reason : "no reason");

        int n = 0;
        while (expected[n])
                n++;
        assert_int_equal(argc, n);
        for (int i = 0; i < n; i++)
                assert_string_equal(argv[i], expected[i]);
        assert_null(argv[n]);
        strv_free(argv);
}

/* Splits line and checks that it fails with -EINVAL, a reason, and that the
 * out-parameters were left alone. */
static void check_invalid(const char *line) {
        char **argv = (char **)(uintptr_t)0x1;
        int argc = -7;
        const char *reason = NULL;

        int r = cmdline_split(line, &argv, &argc, &reason);
        if (r != -EINVAL)
                fail_msg("cmdline_split(\"%s\") = %d, expected -EINVAL", line, r);
        assert_non_null(reason);
        assert_true(strlen(reason) > 0);
        assert_ptr_equal(argv, (char **)(uintptr_t)0x1);
        assert_int_equal(argc, -7);
}

#define WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_plain_words(void **state) {
        (void)state;
        check_split("/bin/true", WORDS("/bin/true"));
        check_split("/usr/bin/prog -a --bee c", WORDS("/usr/bin/prog", "-a", "--bee", "c"));
}

static void test_whitespace(void **state) {
        (void)state;
        check_split("  a   b\t\tc\n d  ", WORDS("a", "b", "c", "d"));
}

static void test_single_quotes(void **state) {
        (void)state;
        check_split("echo 'hello world'", WORDS("echo", "hello world"));
        /* Nothing is special inside single quotes, not even a backslash. */
        check_split("echo 'a\\b \"c\" $x'", WORDS("echo", "a\\b \"c\" $x"));
        check_split("'' x", WORDS("", "x"));
}

static void test_double_quotes(void **state) {
        (void)state;
        check_split("echo \"hello world\"", WORDS("echo", "hello world"));
        check_split("echo \"it's\"", WORDS("echo", "it's"));
        check_split("\"\"", WORDS(""));
}

static void test_double_quote_escapes(void **state) {
        (void)state;
        /* \" \\ \$ \` are escapes inside double quotes ... */
        check_split("p \"a\\\"b\"", WORDS("p", "a\"b"));
        check_split("p \"a\\\\b\"", WORDS("p", "a\\b"));
        check_split("p \"\\$HOME\"", WORDS("p", "$HOME"));
        check_split("p \"\\`x\\`\"", WORDS("p", "`x`"));
        /* ... any other backslash stays as it is (POSIX). */
        check_split("p \"a\\nb\"", WORDS("p", "a\\nb"));
}

static void test_backslash_outside_quotes(void **state) {
        (void)state;
        check_split("p a\\ b", WORDS("p", "a b"));
        check_split("p \\'x\\'", WORDS("p", "'x'"));
        check_split("p \\\\", WORDS("p", "\\"));
        check_split("p \\n", WORDS("p", "n"));
}

static void test_adjacent_parts_join(void **state) {
        (void)state;
        check_split("p a'b c'\"d e\"f", WORDS("p", "ab cd ef"));
}

static void test_no_expansion(void **state) {
        (void)state;
        check_split(
                "p $HOME * ~ `id` $(id) a|b > out ; c &",
                WORDS("p", "$HOME", "*", "~", "`id`", "$(id)", "a|b", ">", "out", ";", "c", "&"));
}

static void test_utf8_words(void **state) {
        (void)state;
        check_split("p 'grüße' \xe2\x82\xac", WORDS("p", "grüße", "\xe2\x82\xac"));
}

static void test_empty(void **state) {
        (void)state;
        check_invalid("");
        check_invalid("   ");
        check_invalid("\t\n ");
}

static void test_unterminated_quote(void **state) {
        (void)state;
        check_invalid("p 'abc");
        check_invalid("p \"abc");
        check_invalid("p \"abc\\\"");
        check_invalid("'");
}

static void test_trailing_backslash(void **state) {
        (void)state;
        check_invalid("p \\");
        check_invalid("\\");
        check_invalid("p abc\\");
}

static void test_long_line(void **state) {
        (void)state;
        /* Many words, so the vector has to grow many times. */
        enum { N = 3000 };
        char *line = malloc(N * 2 + 1);
        assert_non_null(line);
        for (int i = 0; i < N; i++) {
                line[2 * i] = 'x';
                line[2 * i + 1] = ' ';
        }
        line[N * 2] = '\0';

        char **argv = NULL;
        int argc = 0;
        const char *reason = NULL;
        assert_int_equal(cmdline_split(line, &argv, &argc, &reason), 0);
        assert_int_equal(argc, N);
        assert_string_equal(argv[N - 1], "x");
        assert_null(argv[N]);
        strv_free(argv);
        free(line);
}

static void test_strv_copy(void **state) {
        (void)state;
        char *words[] = {"a", "two words", "", NULL};
        char **copy = strv_copy(words);
        assert_non_null(copy);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(copy[i], words[i]);
                assert_ptr_not_equal(copy[i], words[i]);
        }
        assert_null(copy[3]);
        strv_free(copy);
        copy = strv_copy(NULL);
        assert_non_null(copy);
        assert_null(copy[0]);
        strv_free(copy);
}

static void test_strv_free_null(void **state) {
        (void)state;
        strv_free(NULL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_plain_words),
                cmocka_unit_test(test_whitespace),
                cmocka_unit_test(test_single_quotes),
                cmocka_unit_test(test_double_quotes),
                cmocka_unit_test(test_double_quote_escapes),
                cmocka_unit_test(test_backslash_outside_quotes),
                cmocka_unit_test(test_adjacent_parts_join),
                cmocka_unit_test(test_no_expansion),
                cmocka_unit_test(test_utf8_words),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_unterminated_quote),
                cmocka_unit_test(test_trailing_backslash),
                cmocka_unit_test(test_long_line),
                cmocka_unit_test(test_strv_free_null),
                cmocka_unit_test(test_strv_copy),
        };
        return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
