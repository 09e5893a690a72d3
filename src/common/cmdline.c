/* SPDX-License-Identifier: MIT */
/* Shell-like word splitting without a shell; see cmdline.h. */
#include "cmdline.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void strv_free(char **v) {
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

char **strv_copy(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        char **c = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; c && i < n; i++)
                if (!(c[i] = strdup(v[i]))) {
                        strv_free(c);
                        return NULL;
                }
        return c;
}

static int push_word(char ***argv, int *argc, char *word) {
        char **v = realloc(*argv, sizeof(char *) * (size_t)(*argc + 2));
        if (!v)
                return -ENOMEM;
        v[(*argc)++] = word;
        v[*argc] = NULL;
        *argv = v;
        return 0;
}

/* Inside double quotes a backslash escapes only these (POSIX). */
static bool dquote_escapable(char c) {
        return c == '"' || c == '\\' || c == '$' || c == '`' || c == '\n';
}

int cmdline_split(const char *line, char ***ret_argv, int *ret_argc, const char **ret_reason) {
        size_t len = strlen(line);
        char **argv = NULL;
        int argc = 0;
        char *word = NULL;
        size_t w = 0;
        bool in_word = false;
        enum { PLAIN, SINGLE, DOUBLE } quote = PLAIN;

        /* A word is never longer than the line, so one buffer of that size
         * per word is enough. */
        for (size_t i = 0; i <= len; i++) {
                char c = line[i];

                if (!word) {
                        word = malloc(len + 1);
                        if (!word)
                                goto oom;
                        w = 0;
                }
                if (quote == PLAIN && (c == '\0' || c == ' ' || c == '\t' || c == '\n')) {
                        if (in_word) {
                                word[w] = '\0';
                                if (push_word(&argv, &argc, word) < 0)
                                        goto oom;
                                word = NULL;
                                in_word = false;
                        }
                        continue;
                }
                if (c == '\0') {
                        *ret_reason = "the command line has an unterminated quote";
                        goto invalid;
                }
                in_word = true;
                if (quote == SINGLE) {
                        if (c == '\'')
                                quote = PLAIN;
                        else
                                word[w++] = c;
                } else if (c == '\\' && (quote == PLAIN || dquote_escapable(line[i + 1]))) {
                        if (line[i + 1] == '\0') {
                                *ret_reason = "the command line ends with a backslash";
                                goto invalid;
                        }
                        word[w++] = line[++i];
                } else if (quote == DOUBLE) {
                        if (c == '"')
                                quote = PLAIN;
                        else
                                word[w++] = c;
                } else if (c == '\'') {
                        quote = SINGLE;
                } else if (c == '"') {
                        quote = DOUBLE;
                } else {
                        word[w++] = c;
                }
        }
        free(word);
        if (argc == 0) {
                *ret_reason = "the command line is empty";
                strv_free(argv);
                return -EINVAL;
        }
        *ret_argv = argv;
        *ret_argc = argc;
        return 0;

invalid:
        free(word);
        strv_free(argv);
        return -EINVAL;
oom:
        free(word);
        strv_free(argv);
        return -ENOMEM;
}
