/* SPDX-License-Identifier: MIT */
/* Name and text validation; see validate.h. */
#include "validate.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <scm/types.h>

#include "utf8.h"

int utf8_text_chars(const char *s) {
        const unsigned char *p = (const unsigned char *)s;
        int chars = 0;

        while (*p) {
                if (*p < 0x20 || *p == 0x7f)
                        return -1;
                /* A NUL ends the string: at most 4 bytes are looked at, and
                 * a NUL inside them is no continuation byte. */
                int n = utf8_sequence(p, 4);
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
