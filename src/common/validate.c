/* SPDX-License-Identifier: MIT */
/* Name and text validation; see validate.h. */
#include "validate.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <scm/types.h>

/* Length of the UTF-8 sequence at s, or 0 when it is not a valid one
 * (overlong forms, surrogates and values past U+10FFFF are invalid). */
static int utf8_sequence(const unsigned char *s) {
        uint32_t c;
        int n;

        if (s[0] < 0x80)
                return 1;
        if ((s[0] & 0xe0) == 0xc0)
                n = 2, c = s[0] & 0x1f;
        else if ((s[0] & 0xf0) == 0xe0)
                n = 3, c = s[0] & 0x0f;
        else if ((s[0] & 0xf8) == 0xf0)
                n = 4, c = s[0] & 0x07;
        else
                return 0;
        for (int i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return n;
}

int utf8_text_chars(const char *s) {
        const unsigned char *p = (const unsigned char *)s;
        int chars = 0;

        while (*p) {
                if (*p < 0x20 || *p == 0x7f)
                        return -1;
                int n = utf8_sequence(p);
                if (n == 0)
                        return -1;
                p += n;
                chars++;
        }
        return chars;
}

int validate_text(const char *s, int max_chars, bool allow_empty, const char **ret_reason) {
        int chars = s ? utf8_text_chars(s) : -1;

        if (chars < 0) {
                *ret_reason = "it is not valid UTF-8 text or contains a control character";
                return -EINVAL;
        }
        if (chars == 0 && !allow_empty) {
                *ret_reason = "it is empty";
                return -EINVAL;
        }
        if (chars > max_chars) {
                *ret_reason = "it is longer than 256 characters";
                return -EINVAL;
        }
        return 0;
}

int validate_service_name(const char *name, const char **ret_reason) {
        int r = validate_text(name, SCM_NAME_MAX_CHARS, false, ret_reason);
        if (r < 0)
                return r;
        if (strpbrk(name, "/\\")) {
                *ret_reason = "a service name cannot contain '/' or '\\'";
                return -EINVAL;
        }
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
                *ret_reason = "a service name cannot be '.' or '..'";
                return -EINVAL;
        }
        return 0;
}

bool names_equal(const char *a, const char *b) {
        return strcasecmp(a, b) == 0;
}
