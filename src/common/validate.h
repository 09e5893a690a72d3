/* SPDX-License-Identifier: MIT */
/*
 * The name rules of docs/protocol.md ("Name rules"), in one place, so scmd
 * and clients judge a name the same way.  Pure functions; no allocation.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Characters in s if it is valid UTF-8 without control characters, else -1. */
int utf8_text_chars(const char *s);

/* 0 when name is a valid service name, else -EINVAL with a reason for a
 * person in *ret_reason (a static string). */
int validate_service_name(const char *name, const char **ret_reason);

/* 0 when s is valid display or group text of at most max_chars characters
 * (allow_empty: "" is accepted), else -EINVAL with *ret_reason. */
int validate_text(const char *s, int max_chars, bool allow_empty, const char **ret_reason);

/* ASCII case-insensitive equality, the folding the name rules use. */
bool names_equal(const char *a, const char *b);
