/* SPDX-License-Identifier: MIT */
/* A strict JSON reader in place; see json_scan.h. */
#include "json_scan.h"

#include <string.h>

#include "utf8.h"

void json_scan_init(struct json_scan *s, const char *text, size_t len) {
        s->p = text;
        s->end = text + len;
}

static void skip_ws(struct json_scan *s) {
        while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
                s->p++;
}

bool json_scan_take(struct json_scan *s, char c) {
        skip_ws(s);
        if (s->p < s->end && *s->p == c) {
                s->p++;
                return true;
        }
        return false;
}

bool json_scan_at_end(struct json_scan *s) {
        skip_ws(s);
        return s->p == s->end;
}

static int hex4(const char *p, const char *end, unsigned *ret) {
        unsigned v = 0;
        if (end - p < 4)
                return -1;
        for (int i = 0; i < 4; i++) {
                char c = p[i];
                unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                                    : 16u;
                if (d == 16)
                        return -1;
                v = v << 4 | d;
        }
        *ret = v;
        return 0;
}

/* The code point of the \u escape at s->p (past its backslash and u),
 * with its low surrogate when it is a high one; -1 for a lone surrogate
 * and for U+0000. */
static int unicode_escape(struct json_scan *s, unsigned *ret) {
        unsigned c, low;
        if (hex4(s->p, s->end, &c) < 0)
                return -1;
        s->p += 4;
        if (c >= 0xdc00 && c <= 0xdfff)
                return -1;
        if (c >= 0xd800 && c <= 0xdbff) {
                if (s->end - s->p < 6 || s->p[0] != '\\' || s->p[1] != 'u' ||
                    hex4(s->p + 2, s->end, &low) < 0 || low < 0xdc00 || low > 0xdfff)
                        return -1;
                s->p += 6;
                c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        }
        if (c == 0)
                return -1;
        *ret = c;
        return 0;
}

static size_t utf8_encode(unsigned c, char out[4]) {
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xc0 | c >> 6);
                out[1] = (char)(0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xe0 | c >> 12);
                out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
                out[2] = (char)(0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char)(0xf0 | c >> 18);
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        return 4;
}

/* The one-character escapes: the byte each stands for, 0 for none. */
static char simple_escape(char c) {
        switch (c) {
        case '"':
                return '"';
        case '\\':
                return '\\';
        case '/':
                return '/';
        case 'b':
                return '\b';
        case 'f':
                return '\f';
        case 'n':
                return '\n';
        case 'r':
                return '\r';
        case 't':
                return '\t';
        default:
                return 0;
        }
}

/* The decoded bytes of the next piece of a string (a run of plain
 * characters, or one escape) at s->p, into piece/len (pointing into the
 * text, or into tmp); -1 when the text there is wrong. */
static int string_piece(struct json_scan *s, char tmp[4], const char **piece, size_t *len) {
        const unsigned char *p = (const unsigned char *)s->p;
        if (*p == '\\') {
                if (s->end - s->p < 2)
                        return -1;
                char e = simple_escape(s->p[1]);
                s->p += 2;
                if (e) {
                        tmp[0] = e;
                        *piece = tmp;
                        *len = 1;
                        return 0;
                }
                unsigned c;
                if (s->p[-1] != 'u' || unicode_escape(s, &c) < 0)
                        return -1;
                *piece = tmp;
                *len = utf8_encode(c, tmp);
                return 0;
        }
        const unsigned char *q = p, *end = (const unsigned char *)s->end;
        while (q < end && *q != '"' && *q != '\\') {
                if (*q < 0x20)
                        return -1;
                if (*q < 0x80) {
                        q++;
                        continue;
                }
                int n = utf8_sequence(q, (size_t)(end - q));
                if (n == 0)
                        return -1;
                q += n;
        }
        *piece = s->p;
        *len = (size_t)(q - p);
        s->p = (const char *)q;
        return 0;
}

int json_scan_string(struct json_scan *s, char *out, size_t cap, size_t *ret_len) {
        if (!json_scan_take(s, '"'))
                return -1;
        size_t len = 0;
        for (;;) {
                if (s->p >= s->end)
                        return -1;
                if (*s->p == '"') {
                        s->p++;
                        break;
                }
                char tmp[4];
                const char *piece;
                size_t n;
                if (string_piece(s, tmp, &piece, &n) < 0)
                        return -1;
                if (out && len + n < cap)
                        memcpy(out + len, piece, n);
                len += n;
        }
        if (out && cap > 0)
                out[len < cap ? len : 0] = '\0';
        if (ret_len)
                *ret_len = len;
        return 0;
}

/* The digits of a JSON number's integer part at s->p, after an optional
 * '-'; -1 when there are none, a leading zero, or more than 18. */
int json_scan_int(struct json_scan *s, int64_t *ret) {
        skip_ws(s);
        bool negative = s->p < s->end && *s->p == '-';
        const char *p = s->p + negative, *start = p;
        int64_t v = 0;
        while (p < s->end && *p >= '0' && *p <= '9') {
                if (p - start == 18)
                        return -1;
                v = v * 10 + (*p - '0');
                p++;
        }
        if (p == start || (*start == '0' && p - start > 1))
                return -1;
        /* A fraction or an exponent makes it a real: not in the subset. */
        if (p < s->end && (*p == '.' || *p == 'e' || *p == 'E'))
                return -1;
        s->p = p;
        *ret = negative ? -v : v;
        return 0;
}

static bool take_word(struct json_scan *s, const char *word, size_t len) {
        skip_ws(s);
        if ((size_t)(s->end - s->p) < len || memcmp(s->p, word, len) != 0)
                return false;
        s->p += len;
        return true;
}

int json_scan_bool(struct json_scan *s, bool *ret) {
        if (take_word(s, "true", 4))
                *ret = true;
        else if (take_word(s, "false", 5))
                *ret = false;
        else
                return -1;
        return 0;
}

static int skip_at(struct json_scan *s, int depth);

static int skip_object(struct json_scan *s, int depth) {
        bool first = true;
        char key[1];
        int r;
        while ((r = json_scan_next_key(s, &first, key, sizeof(key))) > 0)
                if (skip_at(s, depth + 1) < 0)
                        return -1;
        return r;
}

static int skip_array(struct json_scan *s, int depth) {
        bool first = true;
        int r;
        while ((r = json_scan_next_item(s, &first)) > 0)
                if (skip_at(s, depth + 1) < 0)
                        return -1;
        return r;
}

static int skip_at(struct json_scan *s, int depth) {
        if (depth >= JSON_SCAN_MAX_DEPTH)
                return -1;
        skip_ws(s);
        if (s->p >= s->end)
                return -1;
        int64_t i;
        bool b;
        switch (*s->p) {
        case '{':
                s->p++;
                return skip_object(s, depth);
        case '[':
                s->p++;
                return skip_array(s, depth);
        case '"':
                return json_scan_string(s, NULL, 0, NULL);
        case 't':
        case 'f':
                return json_scan_bool(s, &b);
        case 'n':
                return take_word(s, "null", 4) ? 0 : -1;
        default:
                return json_scan_int(s, &i);
        }
}

int json_scan_skip(struct json_scan *s) {
        return skip_at(s, 0);
}

int json_scan_next_key(struct json_scan *s, bool *first, char *key, size_t cap) {
        if (json_scan_take(s, '}'))
                return 0; /* after '{' or a value; after ',' a key is read */
        if (!*first && !json_scan_take(s, ','))
                return -1;
        *first = false;
        if (json_scan_string(s, key, cap, NULL) < 0 || !json_scan_take(s, ':'))
                return -1;
        return 1;
}

int json_scan_next_item(struct json_scan *s, bool *first) {
        if (json_scan_take(s, ']'))
                return 0;
        if (!*first && !json_scan_take(s, ','))
                return -1;
        *first = false;
        return 1;
}
