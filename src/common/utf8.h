/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 as the protocol takes it (RFC 3629): no overlong form, no
 * surrogate, nothing past U+10FFFF.  Pure functions over byte ranges.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The length (1-4) of the valid UTF-8 sequence at s, which has left bytes
 * (left > 0), or 0 when the bytes there are not one. */
int utf8_sequence(const unsigned char *s, size_t left);

/* Whether the NUL-terminated s is valid UTF-8 (control characters and
 * all). */
bool utf8_valid(const char *s);
