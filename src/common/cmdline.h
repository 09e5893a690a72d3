/* SPDX-License-Identifier: MIT */
/*
 * Splitting a command line into words the way a POSIX shell does (quotes
 * and backslashes) without ever running a shell: no expansion of any kind.
 * Rules: docs/protocol.md, "Command line".
 */
#pragma once

/* Splits line into a NULL-terminated vector of malloc'd words, stored in
 * *ret_argv (free with strv_free()); *ret_argc gets the count.
 * Returns 0, -EINVAL (empty, unterminated quote, trailing backslash; a
 * reason in *ret_reason) or -ENOMEM. */
int cmdline_split(const char *line, char ***ret_argv, int *ret_argc, const char **ret_reason);

/* Frees a NULL-terminated vector of strings and the vector; NULL is fine. */
void strv_free(char **v);

/* A deep copy of the NULL-terminated vector v (NULL: an empty vector), or
 * NULL when memory ran out. */
char **strv_copy(char *const *v);

static inline void strv_free_p(char ***v) {
        strv_free(*v);
}
