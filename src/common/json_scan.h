/* SPDX-License-Identifier: MIT */
/*
 * A strict reader of JSON text in place, for the few messages read
 * thousands of times a second (a query_status request in scmd, its reply
 * in libscm), where building a jansson tree is most of the cost.
 *
 * It takes a subset of what jansson takes and nothing more: whatever it
 * accepts, jansson's loader (without flags) accepts with the same values.
 * Every function fails with -1 both for text that is not valid JSON and for
 * valid JSON outside the subset (a number with a fraction or exponent, an
 * integer of more than 18 digits, nesting deeper than JSON_SCAN_MAX_DEPTH),
 * so a caller answers -1 by giving the whole text to jansson, which then
 * reads it or says what is wrong.  Strings are decoded (escapes, surrogate
 * pairs), checked as UTF-8, and never hold a NUL (\u0000 is refused, as
 * jansson refuses it).  tests/fuzz/fuzz_status_reply.c and
 * fuzz_named_call.c compare the two readers.  Pure: no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_SCAN_MAX_DEPTH 32

struct json_scan {
        const char *p, *end;
};

void json_scan_init(struct json_scan *s, const char *text, size_t len);
/* Skips whitespace and takes c if it comes next: true when it did. */
bool json_scan_take(struct json_scan *s, char c);
/* Whether only whitespace is left. */
bool json_scan_at_end(struct json_scan *s);

/* A string: 0 with *ret_len its decoded length, and out (cap bytes, may
 * be NULL) holding it NUL-terminated when it fits (*ret_len < cap), else
 * "".  -1 when the next value is no valid string. */
int json_scan_string(struct json_scan *s, char *out, size_t cap, size_t *ret_len);
/* An integer of at most 18 digits. */
int json_scan_int(struct json_scan *s, int64_t *ret);
int json_scan_bool(struct json_scan *s, bool *ret);
/* Any value of the subset, checked and passed over. */
int json_scan_skip(struct json_scan *s);

/* The members of an object whose '{' has been taken, *first true before
 * the first: 1 with the next key in key (cap bytes; a longer key reads as
 * "", a name no reader knows) and its ':' taken, 0 at the object's end
 * ('}' taken), -1 when the text is wrong. */
int json_scan_next_key(struct json_scan *s, bool *first, char *key, size_t cap);
/* The items of an array whose '[' has been taken: 1 when an item follows,
 * 0 at the end (']' taken), -1 when the text is wrong. */
int json_scan_next_item(struct json_scan *s, bool *first);
