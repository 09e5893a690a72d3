/* SPDX-License-Identifier: MIT */
/* Compact JSON text without a tree; see json_writer.h. */
#include "json_writer.h"

#include <stdio.h>
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

/* The escape of byte c, or NULL when it stands for itself. */
static const char *escape_of(unsigned char c, char tmp[7]) {
        switch (c) {
        case '"':
                return "\\\"";
        case '\\':
                return "\\\\";
        case '\b':
                return "\\b";
        case '\f':
                return "\\f";
        case '\n':
                return "\\n";
        case '\r':
                return "\\r";
        case '\t':
                return "\\t";
        default:
                if (c >= 0x20)
                        return NULL;
                snprintf(tmp, 7, "\\u%04X", c);
                return tmp;
        }
}

static void put_string(struct json_writer *w, const char *s) {
        const unsigned char *p = (const unsigned char *)s;
        size_t left = strlen(s);
        put_char(w, '"');
        while (left > 0) {
                /* The longest run that stands for itself, in one copy. */
                size_t run = 0;
                while (run < left && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' &&
                       p[run] != '\\')
                        run++;
                json_write_raw(w, (const char *)p, run);
                p += run;
                left -= run;
                if (left == 0)
                        break;
                char tmp[7];
                const char *esc = escape_of(p[0], tmp);
                if (esc) {
                        json_write_raw(w, esc, strlen(esc));
                        p++, left--;
                        continue;
                }
                int n = utf8_sequence(p, left);
                if (n > 0)
                        json_write_raw(w, (const char *)p, (size_t)n);
                else
                        json_write_raw(w, "\xef\xbf\xbd", 3); /* U+FFFD */
                p += n > 0 ? n : 1;
                left -= n > 0 ? (size_t)n : 1;
        }
        put_char(w, '"');
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
