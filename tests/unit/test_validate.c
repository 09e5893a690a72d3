/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for src/common/validate.c: the name rules of docs/protocol.md
 * ("Name rules").  Lengths are counted in characters, not bytes, so the
 * boundary cases are built from multibyte UTF-8 as well as ASCII.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <scm/types.h>

#include "validate.h"

/* A malloc'd string of n copies of unit (a UTF-8 character as a string). */
static char *repeat(const char *unit, int n) {
        size_t len = strlen(unit);
        char *s = malloc(len * (size_t)n + 1);
        assert_non_null(s);
        for (int i = 0; i < n; i++)
                memcpy(s + len * (size_t)i, unit, len);
        s[len * (size_t)n] = '\0';
        return s;
}

static void expect_valid_name(const char *name) {
        const char *reason = NULL;
        int r = validate_service_name(name, &reason);
        if (r != 0)
                fail_msg("name \"%s\" refused (%s), expected valid", name, reason ? reason : "?");
}

static void expect_invalid_name(const char *name) {
        const char *reason = NULL;
        int r = validate_service_name(name, &reason);
        if (r != -EINVAL)
                fail_msg("name \"%s\" gave %d, expected -EINVAL", name, r);
        assert_non_null(reason);
        assert_true(strlen(reason) > 0);
}

static void test_ordinary_names(void **state) {
        (void)state;
        expect_valid_name("web");
        expect_valid_name("a");
        expect_valid_name("My Service 2");
        expect_valid_name("svc-with_punct.and:colons@x");
        expect_valid_name("...");
        expect_valid_name(".hidden");
        expect_valid_name("a..b");
        expect_valid_name("Dienst für Grüße");
        expect_valid_name("\xe6\x9c\x8d\xe5\x8a\xa1"); /* 服务 */
        expect_valid_name("\xf0\x9f\x9a\x80");         /* U+1F680, 4 bytes */
}

static void test_slashes(void **state) {
        (void)state;
        expect_invalid_name("/");
        expect_invalid_name("a/b");
        expect_invalid_name("/abs");
        expect_invalid_name("trailing/");
        expect_invalid_name("\\");
        expect_invalid_name("a\\b");
        expect_invalid_name("..\\x");
}

static void test_dots(void **state) {
        (void)state;
        expect_invalid_name(".");
        expect_invalid_name("..");
}

static void test_empty(void **state) {
        (void)state;
        expect_invalid_name("");
}

static void test_length_ascii(void **state) {
        (void)state;
        char *s256 = repeat("a", 256);
        char *s257 = repeat("a", 257);
        expect_valid_name(s256);
        expect_invalid_name(s257);
        free(s256);
        free(s257);
}

static void test_length_multibyte(void **state) {
        (void)state;
        /* 256 characters of 2, 3 and 4 bytes are fine; 257 are not, though
         * far fewer bytes than some valid ASCII-free strings. */
        static const char *const units[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
                char *ok = repeat(units[i], SCM_NAME_MAX_CHARS);
                char *bad = repeat(units[i], SCM_NAME_MAX_CHARS + 1);
                assert_int_equal(utf8_text_chars(ok), SCM_NAME_MAX_CHARS);
                expect_valid_name(ok);
                expect_invalid_name(bad);
                free(ok);
                free(bad);
        }
}

static void test_control_chars(void **state) {
        (void)state;
        char name[4] = {'a', 0, 'b', 0};
        for (int c = 1; c < 0x20; c++) {
                name[1] = (char)c;
                expect_invalid_name(name);
        }
        expect_invalid_name("a\x7f"
                            "b");
        expect_invalid_name("tab\tname");
        expect_invalid_name("new\nline");
}

static void test_invalid_utf8(void **state) {
        (void)state;
        expect_invalid_name("\xff");
        expect_invalid_name("a\x80");                /* lone continuation byte */
        expect_invalid_name("\xc3");                 /* truncated 2-byte sequence */
        expect_invalid_name("\xe2\x82");             /* truncated 3-byte sequence */
        expect_invalid_name("\xc0\xaf");             /* overlong '/' */
        expect_invalid_name("\xe0\x80\xaf");         /* overlong '/', 3 bytes */
        expect_invalid_name("\xed\xa0\x80");         /* UTF-16 surrogate U+D800 */
        expect_invalid_name("\xf4\x90\x80\x80");     /* U+110000, past the end */
        expect_invalid_name("\xf8\x88\x80\x80\x80"); /* 5-byte form */
}

static void test_utf8_text_chars(void **state) {
        (void)state;
        assert_int_equal(utf8_text_chars(""), 0);
        assert_int_equal(utf8_text_chars("abc"), 3);
        assert_int_equal(utf8_text_chars("gr\xc3\xbc\xc3\x9f"
                                         "e"),
                         5);
        assert_int_equal(utf8_text_chars("\xf0\x9f\x98\x80x"), 2);
        assert_int_equal(utf8_text_chars("a\x01"), -1);
        assert_int_equal(utf8_text_chars("\xc3"), -1);
}

static void test_validate_text(void **state) {
        (void)state;
        const char *reason = NULL;
        /* Display names may hold '/', '\\', '.' — only names may not. */
        assert_int_equal(
                validate_text("Web / API \\ .", SCM_DISPLAY_NAME_MAX_CHARS, false, &reason), 0);
        assert_int_equal(validate_text(".", SCM_DISPLAY_NAME_MAX_CHARS, false, &reason), 0);
        assert_int_equal(validate_text("", SCM_GROUP_MAX_CHARS, true, &reason), 0);

        reason = NULL;
        assert_int_equal(validate_text("", SCM_DISPLAY_NAME_MAX_CHARS, false, &reason), -EINVAL);
        assert_non_null(reason);
        reason = NULL;
        assert_int_equal(validate_text("bad\x1b[0m", SCM_DISPLAY_NAME_MAX_CHARS, false, &reason),
                         -EINVAL);
        assert_non_null(reason);
        reason = NULL;
        assert_int_equal(validate_text(NULL, SCM_DISPLAY_NAME_MAX_CHARS, true, &reason), -EINVAL);
        assert_non_null(reason);

        char *s256 = repeat("\xc3\xa9", 256);
        char *s257 = repeat("\xc3\xa9", 257);
        assert_int_equal(validate_text(s256, SCM_DISPLAY_NAME_MAX_CHARS, false, &reason), 0);
        assert_int_equal(validate_text(s257, SCM_DISPLAY_NAME_MAX_CHARS, false, &reason), -EINVAL);
        free(s256);
        free(s257);
}

static void test_names_equal(void **state) {
        (void)state;
        assert_true(names_equal("web", "web"));
        assert_true(names_equal("Web", "wEB"));
        assert_true(names_equal("MY-SERVICE_1", "my-service_1"));
        assert_true(names_equal("", ""));
        assert_false(names_equal("web", "web2"));
        assert_false(names_equal("web", "we"));
        assert_false(names_equal("web", "wéb"));
        /* ASCII folding only: non-ASCII letters are compared as bytes. */
        assert_false(names_equal("\xc3\xa9", "\xc3\x89")); /* é vs É */
        assert_true(names_equal("\xc3\xa9x", "\xc3\xa9X"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ordinary_names),
                cmocka_unit_test(test_slashes),
                cmocka_unit_test(test_dots),
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_length_ascii),
                cmocka_unit_test(test_length_multibyte),
                cmocka_unit_test(test_control_chars),
                cmocka_unit_test(test_invalid_utf8),
                cmocka_unit_test(test_utf8_text_chars),
                cmocka_unit_test(test_validate_text),
                cmocka_unit_test(test_names_equal),
        };
        return cmocka_run_group_tests_name("validate", tests, NULL, NULL);
}
