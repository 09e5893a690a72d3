/* SPDX-License-Identifier: MIT */
/* UTF-8 sequences; see utf8.h. */
#include "utf8.h"

#include <stdint.h>

int utf8_sequence(const unsigned char *s, size_t left) {
        uint32_t c;
        size_t n;

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
        if (n > left)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return (int)n;
}

bool utf8_valid(const char *s) {
        const unsigned char *p = (const unsigned char *)s;
        size_t left = 0;
        while (p[left])
                left++;
        while (left > 0) {
                int n = utf8_sequence(p, left);
                if (n == 0)
                        return false;
                p += n;
                left -= (size_t)n;
        }
        return true;
}
