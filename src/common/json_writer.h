/* SPDX-License-Identifier: MIT */
/*
 * Compact JSON text written straight into a growing buffer, without a tree
 * of values: for the replies a client asks for thousands of times a second
 * (query_status) and their requests.  The text is byte for byte what
 * jansson's json_dumps(JSON_COMPACT) makes of the same values in the same
 * order (tests/unit/test_json_fast.c holds it to that), so a reader cannot
 * tell which wrote it.
 *
 * Commas are the writer's business: a value or key follows the last one of
 * its object or array with one.  Nesting is at most JSON_WRITER_MAX_DEPTH.
 * Out of memory, or nesting past the bound, sets failed and the text is
 * not to be used.  Pure: no I/O, no logging.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_WRITER_MAX_DEPTH 32

struct json_writer {
        char *buf; /* NUL-terminated text when not failed */
        size_t len, cap;
        bool failed;
        unsigned depth;
        uint32_t has_member; /* bit d: the object or array at depth d has one */
        bool after_key;      /* a key was written: its value needs no comma */
};

#define JSON_WRITER_INIT                                                                           \
        { 0 }

/* Empties w for new text, keeping its buffer. */
void json_writer_reset(struct json_writer *w);
/* Frees w's buffer; w is empty afterwards. */
void json_writer_free(struct json_writer *w);
/* For a writer kept between messages, once its text has been used: frees
 * the buffer when it grew past JSON_WRITER_KEEP_BYTES (one large reply
 * must not hold its memory for the life of the process), else keeps it
 * for the next message.  w is empty afterwards either way. */
void json_writer_shrink(struct json_writer *w);
#define JSON_WRITER_KEEP_BYTES (1u << 20)

void json_write_object_begin(struct json_writer *w);
void json_write_object_end(struct json_writer *w);
void json_write_array_begin(struct json_writer *w);
void json_write_array_end(struct json_writer *w);
/* A member's key; its value follows. */
void json_write_key(struct json_writer *w, const char *key);
/* A string, escaped as jansson escapes it; a byte that does not begin a
 * valid UTF-8 sequence is written as U+FFFD (jansson would refuse the
 * whole text instead).  NULL is written as null. */
void json_write_string(struct json_writer *w, const char *s);
void json_write_int(struct json_writer *w, int64_t v);
void json_write_bool(struct json_writer *w, bool v);
void json_write_null(struct json_writer *w);
/* Appends len bytes as they are, outside the comma rules: framing. */
void json_write_raw(struct json_writer *w, const char *text, size_t len);
