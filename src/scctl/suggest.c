/* SPDX-License-Identifier: MIT */
/*
 * "Did you mean": the known word nearest to a mistyped one (a verb, an
 * option, a service name), by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours, any case).  A word too far
 * from every candidate has no suggestion: a guess that is wrong is worse
 * than none.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scctl.h"

#define WORD_MAX 256

/* The optimal-string-alignment distance of a and b, ignoring case. */
static size_t distance(const char *a, const char *b) {
        size_t n = strlen(a), m = strlen(b);
        if (n > WORD_MAX || m > WORD_MAX)
                return (size_t)-1;
        static size_t d[WORD_MAX + 1][WORD_MAX + 1];
        for (size_t i = 0; i <= n; i++)
                d[i][0] = i;
        for (size_t j = 0; j <= m; j++)
                d[0][j] = j;
        for (size_t i = 1; i <= n; i++) {
                for (size_t j = 1; j <= m; j++) {
                        size_t cost = tolower((unsigned char)a[i - 1]) !=
                                      tolower((unsigned char)b[j - 1]);
                        size_t best = d[i - 1][j] + 1;
                        if (d[i][j - 1] + 1 < best)
                                best = d[i][j - 1] + 1;
                        if (d[i - 1][j - 1] + cost < best)
                                best = d[i - 1][j - 1] + cost;
                        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                            d[i - 2][j - 2] + 1 < best)
                                best = d[i - 2][j - 2] + 1;
                        d[i][j] = best;
                }
        }
        return d[n][m];
}

const char *suggest_nearest(const char *typed, const char *const *candidates, size_t n) {
        size_t len = strlen(typed), limit = len < 4 ? 1 : len < 8 ? 2 : 3;
        const char *best = NULL;
        size_t best_d = limit + 1;
        for (size_t i = 0; i < n; i++) {
                if (!candidates[i])
                        continue;
                size_t d = distance(typed, candidates[i]);
                if (d < best_d) {
                        best = candidates[i];
                        best_d = d;
                }
        }
        return best;
}
