/* SPDX-License-Identifier: MIT */
/* Compact JSON text without a tree; see json_writer.h. */
#include "json_writer.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void json_writer_reset(struct json_writer *w) {
        w->len = 0;
        w->failed = false;
        w->depth = 0;
        w->has_member = 0;
        w->after_key = false;
        if (w->buf)
                w->buf[0] = '\0';
}

void json_writer_free(struct json_writer *w) {
        free(w->buf);
        *w = (struct json_writer)JSON_WRITER_INIT;
}

void json_writer_shrink(struct json_writer *w) {
        if (w->cap > JSON_WRITER_KEEP_BYTES)
                json_writer_free(w);
        else
                json_writer_reset(w);
}

/* Room for n more bytes and the NUL; false (and failed) when there is none. */
static bool reserve(struct json_writer *w, size_t n) {
        if (w->failed)
                return false;
        if (w->len + n + 1 <= w->cap)
                return true;
        size_t cap = w->cap ? w->cap : 512;
        while (cap < w->len + n + 1)
                cap *= 2;
        char *buf = realloc(w->buf, cap);
        if (!buf) {
                w->failed = true;
                return false;
        }
        w->buf = buf;
        w->cap = cap;
        return true;
}

void json_write_raw(struct json_writer *w, const char *text, size_t len) {
        if (!reserve(w, len))
                return;
        memcpy(w->buf + w->len, text, len);
        w->len += len;
        w->buf[w->len] = '\0';
}

static void put_char(struct json_writer *w, char c) {
        json_write_raw(w, &c, 1);
}

/* The comma before a value, unless it is a member's value. */
static void before_value(struct json_writer *w) {
        if (w->after_key) {
                w->after_key = false;
                return;
        }
        if (w->depth > 0 && (w->has_member & (1u << w->depth)))
                put_char(w, ',');
        w->has_member |= 1u << w->depth;
}

static void open_nested(struct json_writer *w, char c) {
        before_value(w);
        if (w->depth + 1 >= JSON_WRITER_MAX_DEPTH) {
                w->failed = true;
                return;
        }
        w->depth++;
        w->has_member &= ~(1u << w->depth);
        put_char(w, c);
}

static void close_nested(struct json_writer *w, char c) {
        if (w->depth == 0) {
                w->failed = true;
                return;
        }
        w->depth--;
        put_char(w, c);
}

void json_write_object_begin(struct json_writer *w) {
        open_nested(w, '{');
}

void json_write_object_end(struct json_writer *w) {
        close_nested(w, '}');
}

void json_write_array_begin(struct json_writer *w) {
        open_nested(w, '[');
}

void json_write_array_end(struct json_writer *w) {
        close_nested(w, ']');
}

/* The escape of byte c below 0x20, '"' or '\\', into out: its length. */
static size_t escape(unsigned char c, char *out) {
        static const char hex[] = "0123456789ABCDEF";
        char short_form = c == '"'    ? '"'
                          : c == '\\' ? '\\'
                          : c == '\b' ? 'b'
                          : c == '\f' ? 'f'
                          : c == '\n' ? 'n'
                          : c == '\r' ? 'r'
                          : c == '\t' ? 't'
                                      : 0;
        out[0] = '\\';
        if (short_form) {
                out[1] = short_form;
                return 2;
        }
        memcpy(out + 1, "u00", 3);
        out[4] = hex[c >> 4];
        out[5] = hex[c & 0xf];
        return 6;
}

/* s as a JSON string, written in place: one reserve() for the longest it
 * can be (each byte escaped to six, or replaced by three). */
static void put_string(struct json_writer *w, const char *s) {
        size_t left = strlen(s);
        if (left > SIZE_MAX / 8) {
                w->failed = true;
                return;
        }
        if (!reserve(w, left * 6 + 2))
                return;
        const unsigned char *p = (const unsigned char *)s;
        char *o = w->buf + w->len;
        *o++ = '"';
        while (left > 0) {
                unsigned char c = *p;
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                        *o++ = (char)c;
                        p++, left--;
                        continue;
                }
                if (c < 0x80) {
                        o += escape(c, o);
                        p++, left--;
                        continue;
                }
                int n = utf8_sequence(p, left);
                if (n > 0) {
                        memcpy(o, p, (size_t)n);
                        o += n;
                } else {
                        memcpy(o, "\xef\xbf\xbd", 3); /* U+FFFD */
                        o += 3;
                        n = 1;
                }
                p += n;
                left -= (size_t)n;
        }
        *o++ = '"';
        *o = '\0';
        w->len = (size_t)(o - w->buf);
}

void json_write_key(struct json_writer *w, const char *key) {
        before_value(w);
        put_string(w, key);
        put_char(w, ':');
        w->after_key = true;
}

void json_write_string(struct json_writer *w, const char *s) {
        before_value(w);
        if (s)
                put_string(w, s);
        else
                json_write_raw(w, "null", 4);
}

void json_write_int(struct json_writer *w, int64_t v) {
        /* By hand: snprintf() would cost more than the rest of a status. */
        char tmp[24];
        char *end = tmp + sizeof(tmp), *p = end;
        uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
        do
                *--p = (char)('0' + u % 10);
        while ((u /= 10) > 0);
        if (v < 0)
                *--p = '-';
        before_value(w);
        json_write_raw(w, p, (size_t)(end - p));
}

void json_write_bool(struct json_writer *w, bool v) {
        before_value(w);
        json_write_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void json_write_null(struct json_writer *w) {
        before_value(w);
        json_write_raw(w, "null", 4);
}
