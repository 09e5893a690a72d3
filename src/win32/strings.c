/* SPDX-License-Identifier: MIT */
/*
 * Strings across the layer's edge.  Inside, everything is UTF-8, as
 * libscm and the protocol are; the A functions pass their strings through
 * (the "ANSI code page" is UTF-8), the W functions convert WCHAR (wchar_t,
 * UTF-32 on Linux) to and from it here.  A malformed UTF-8 sequence
 * becomes U+FFFD; a WCHAR that is no code point becomes U+FFFD too.
 *
 * The packer fills a caller's buffer the way advapi32 does: the fixed
 * structures first, the strings they point to after them, and when the
 * buffer is too small nothing at all, but the count of bytes needed.
 */
#include <stdlib.h>
#include <string.h>

#include "w32.h"

/* Decodes one code point at *s, moving *s past it. */
static uint32_t utf8_next(const unsigned char **s) {
        const unsigned char *p = *s;
        uint32_t c = p[0];
        int n = c < 0x80 ? 0 : c >= 0xf0 && c < 0xf5 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;
        if (n < 0 || (c >= 0xf5)) {
                *s = p + 1;
                return 0xfffd;
        }
        c &= n == 0 ? 0x7f : (0x3f >> n);
        for (int i = 1; i <= n; i++) {
                if ((p[i] & 0xc0) != 0x80) {
                        *s = p + i;
                        return 0xfffd;
                }
                c = (c << 6) | (p[i] & 0x3f);
        }
        *s = p + n + 1;
        return c;
}

/* Encodes c into out (room for 4); returns the bytes written. */
static size_t utf8_put(uint32_t c, char *out) {
        if (c > 0x10ffff || (c >= 0xd800 && c < 0xe000))
                c = 0xfffd;
        if (c < 0x80) {
                out[0] = (char)c;
                return 1;
        }
        if (c < 0x800) {
                out[0] = (char)(0xc0 | (c >> 6));
                out[1] = (char)(0x80 | (c & 0x3f));
                return 2;
        }
        if (c < 0x10000) {
                out[0] = (char)(0xe0 | (c >> 12));
                out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
                out[2] = (char)(0x80 | (c & 0x3f));
                return 3;
        }
        out[0] = (char)(0xf0 | (c >> 18));
        out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
        out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
        out[3] = (char)(0x80 | (c & 0x3f));
        return 4;
}

/* Converts n WCHARs (NULs included) to UTF-8 with a final NUL. */
static char *utf8_of(const WCHAR *w, size_t n, bool *ret_oom) {
        char *out = malloc(n * 4 + 1);
        if (!out) {
                if (ret_oom)
                        *ret_oom = true;
                return NULL;
        }
        size_t o = 0;
        for (size_t i = 0; i < n; i++)
                o += utf8_put((uint32_t)w[i], out + o);
        out[o] = 0;
        return out;
}

char *w32_utf8(const WCHAR *w, bool *ret_oom) {
        return w ? utf8_of(w, wcslen(w), ret_oom) : NULL;
}

char *w32_utf8_multi(const WCHAR *w, bool *ret_oom) {
        if (!w)
                return NULL;
        if (!w[0])
                return utf8_of(w, 1, ret_oom); /* "": an empty list; nothing after it is read */
        size_t n = 0;
        while (w[n] || w[n + 1])
                n++;
        n++; /* the NUL of the last string; utf8_of adds the second */
        return utf8_of(w, n + 1, ret_oom);
}

size_t w32_wide_len(const char *s) {
        size_t n = 0;
        const unsigned char *p = (const unsigned char *)s;
        while (*p) {
                utf8_next(&p);
                n++;
        }
        return n;
}

void w32_wide_write(const char *s, WCHAR *out) {
        const unsigned char *p = (const unsigned char *)s;
        while (*p)
                *out++ = (WCHAR)utf8_next(&p);
        *out = 0;
}

WCHAR *w32_wide(const char *s) {
        if (!s)
                return NULL;
        WCHAR *w = malloc((w32_wide_len(s) + 1) * sizeof(WCHAR));
        if (w)
                w32_wide_write(s, w);
        return w;
}

char **w32_multi_split(const char *multi, bool *ret_oom) {
        if (!multi)
                return NULL;
        size_t count = 0, bytes = 0;
        for (const char *p = multi; *p; p += strlen(p) + 1, count++)
                bytes += strlen(p) + 1;
        char **list = malloc((count + 1) * sizeof(char *) + bytes);
        if (!list) {
                *ret_oom = true;
                return NULL;
        }
        char *store = (char *)(list + count + 1);
        size_t i = 0;
        for (const char *p = multi; *p; p += strlen(p) + 1) {
                list[i++] = strcpy(store, p);
                store += strlen(p) + 1;
        }
        list[i] = NULL;
        return list;
}

/* ---- the packer ------------------------------------------------------------ */

void pack_init(struct w32_pack *p, void *buf, size_t size, size_t fixed, bool wide) {
        *p = (struct w32_pack){.buf = buf, .size = buf ? size : 0, .used = fixed, .wide = wide};
}

bool pack_fits(const struct w32_pack *p) {
        return p->used <= p->size;
}

static void *reserve(struct w32_pack *p, size_t bytes, size_t align) {
        p->used = (p->used + align - 1) / align * align;
        size_t at = p->used;
        p->used += bytes;
        return p->used <= p->size ? p->buf + at : NULL;
}

void *pack_reserve(struct w32_pack *p, size_t n) {
        return reserve(p, n, sizeof(void *));
}

void *pack_string(struct w32_pack *p, const char *s) {
        if (!s)
                return NULL;
        if (!p->wide) {
                char *out = reserve(p, strlen(s) + 1, 1);
                if (out)
                        memcpy(out, s, strlen(s) + 1);
                return out;
        }
        WCHAR *out = reserve(p, (w32_wide_len(s) + 1) * sizeof(WCHAR), sizeof(WCHAR));
        if (out)
                w32_wide_write(s, out);
        return out;
}

void *pack_multi(struct w32_pack *p, const char *const *list) {
        size_t unit = p->wide ? sizeof(WCHAR) : 1, bytes = unit;
        for (size_t i = 0; list && list[i]; i++)
                bytes += ((p->wide ? w32_wide_len(list[i]) : strlen(list[i])) + 1) * unit;
        uint8_t *out = reserve(p, bytes, unit), *at = out;
        if (!out)
                return NULL;
        for (size_t i = 0; list && list[i]; i++) {
                if (p->wide) {
                        w32_wide_write(list[i], (WCHAR *)at);
                        at += (w32_wide_len(list[i]) + 1) * unit;
                } else {
                        at = (uint8_t *)stpcpy((char *)at, list[i]) + 1;
                }
        }
        memset(at, 0, unit);
        return out;
}
