/* SPDX-License-Identifier: MIT */
/*
 * The value syntaxes of systemd unit files that scctl import needs
 * (unit_syntax.h): quoted words with C escapes, Exec lines with their
 * prefixes and $VAR references, command lines written back for scm and for
 * unit files, time spans and booleans.  Pure functions over strings.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "cmdline.h"
#include "unit_syntax.h"

/* ---- words ---- */

static int hex_value(char c) {
        return c >= '0' && c <= '9'   ? c - '0'
               : c >= 'a' && c <= 'f' ? c - 'a' + 10
               : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                      : -1;
}

static void put_utf8(FILE *f, unsigned long cp) {
        if (cp < 0x80) {
                fputc((int)cp, f);
        } else if (cp < 0x800) {
                fputc((int)(0xC0 | (cp >> 6)), f);
                fputc((int)(0x80 | (cp & 0x3F)), f);
        } else if (cp < 0x10000) {
                fputc((int)(0xE0 | (cp >> 12)), f);
                fputc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
                fputc((int)(0x80 | (cp & 0x3F)), f);
        } else {
                fputc((int)(0xF0 | (cp >> 18)), f);
                fputc((int)(0x80 | ((cp >> 12) & 0x3F)), f);
                fputc((int)(0x80 | ((cp >> 6) & 0x3F)), f);
                fputc((int)(0x80 | (cp & 0x3F)), f);
        }
}

/* Decodes the C escape at *p (just after the backslash) into f; moves *p
 * past it.  Returns 0 or -EINVAL. */
static int c_escape(const char **p, FILE *f) {
        static const char simple[] = "a\ab\bf\fn\nr\rt\tv\v\\\\\"\"''  $$;;";
        const char *s = *p;
        for (size_t i = 0; simple[i]; i += 2)
                if (*s == simple[i]) {
                        fputc(simple[i + 1], f);
                        *p = s + 1;
                        return 0;
                }
        if (*s == 'x' && hex_value(s[1]) >= 0 && hex_value(s[2]) >= 0) {
                int v = hex_value(s[1]) * 16 + hex_value(s[2]);
                if (v == 0)
                        return -EINVAL;
                fputc(v, f);
                *p = s + 3;
                return 0;
        }
        if (*s >= '0' && *s <= '3' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
                int v = (s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0');
                if (v == 0)
                        return -EINVAL;
                fputc(v, f);
                *p = s + 3;
                return 0;
        }
        if (*s == 'u' || *s == 'U') {
                int digits = *s == 'u' ? 4 : 8;
                unsigned long cp = 0;
                for (int i = 1; i <= digits; i++) {
                        int h = hex_value(s[i]);
                        if (h < 0)
                                return -EINVAL;
                        cp = cp * 16 + (unsigned long)h;
                }
                if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                        return -EINVAL;
                put_utf8(f, cp);
                *p = s + 1 + digits;
                return 0;
        }
        return -EINVAL;
}

/* The next word of *p into *ret (NULL at the end).  keep_dollars: "$$"
 * is kept doubled (Exec lines decide later). */
static int next_word(const char **p, char **ret, bool *ret_bare, const char **ret_reason) {
        const char *s = *p;
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
                s++;
        if (!*s) {
                *p = s;
                *ret = NULL;
                return 0;
        }
        size_t size = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        char quote = '\0';
        int r = 0;
        *ret_bare = true;
        while (*s && r == 0) {
                if (!quote && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
                        break;
                if (*s == quote) {
                        quote = '\0';
                        s++;
                } else if (!quote && (*s == '"' || *s == '\'')) {
                        quote = *s++;
                        *ret_bare = false;
                } else if (*s == '\\') {
                        s++;
                        *ret_bare = false;
                        if (c_escape(&s, f) < 0) {
                                *ret_reason = "a backslash starts no escape systemd knows "
                                              "(\\n \\t \\\\ \\\" \\' \\xHH \\NNN \\uHHHH)";
                                r = -EINVAL;
                        }
                } else {
                        fputc(*s++, f);
                }
        }
        if (r == 0 && quote) {
                *ret_reason = "a quote is not closed";
                r = -EINVAL;
        }
        if (fclose(f) != 0 && r == 0)
                r = -ENOMEM;
        if (r < 0) {
                free(buf);
                return r;
        }
        *p = s;
        *ret = buf;
        return 0;
}

/* unit_split_words(), and *ret_separator when a bare ";" word was met. */
static int split_words(const char *value, char ***ret_words, bool *ret_separator,
                       const char **ret_reason) {
        char **words = calloc(1, sizeof(char *));
        int n = 0;
        if (!words)
                return -ENOMEM;
        *ret_separator = false;
        for (const char *p = value;;) {
                char *w;
                bool bare;
                int r = next_word(&p, &w, &bare, ret_reason);
                if (r < 0) {
                        strv_free(words);
                        return r;
                }
                if (!w)
                        break;
                char **grown = realloc(words, (size_t)(n + 2) * sizeof(char *));
                if (!grown) {
                        free(w);
                        strv_free(words);
                        return -ENOMEM;
                }
                words = grown;
                words[n++] = w;
                words[n] = NULL;
                *ret_separator |= bare && !strcmp(w, ";");
        }
        *ret_words = words;
        return n;
}

int unit_split_words(const char *value, char ***ret_words, const char **ret_reason) {
        bool separator;
        return split_words(value, ret_words, &separator, ret_reason);
}

/* ---- Exec lines ---- */

void exec_line_done(struct exec_line *e) {
        strv_free(e->argv);
        *e = (struct exec_line){0};
}

static bool is_name_start(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool is_name_char(char c) {
        return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Length of a variable reference at s ("$NAME" as a whole word, or
 * "${NAME}"), or 0 when none starts there. */
static size_t variable_at(const char *s, bool whole_word_start) {
        if (s[0] != '$')
                return 0;
        if (s[1] == '{' && is_name_start(s[2])) {
                size_t n = 3;
                while (is_name_char(s[n]))
                        n++;
                return s[n] == '}' ? n + 1 : 0;
        }
        if (whole_word_start && is_name_start(s[1])) {
                size_t n = 2;
                while (is_name_char(s[n]))
                        n++;
                return s[n] == '\0' ? n : 0;
        }
        return 0;
}

static bool word_has_variable(const char *w) {
        for (const char *s = w; *s; s++) {
                if (s[0] == '$' && s[1] == '$') {
                        s++;
                        continue;
                }
                if (variable_at(s, s == w))
                        return true;
        }
        return false;
}

int unit_parse_exec(const char *value, struct exec_line *ret, const char **ret_reason) {
        struct exec_line e = {0};
        const char *p = value;
        for (;; p++) {
                if (*p == '-')
                        e.flags |= EXEC_IGNORE_FAILURE;
                else if (*p == '@')
                        e.flags |= EXEC_ARGV0;
                else if (*p == '+')
                        e.flags |= EXEC_FULL_PRIVILEGES;
                else if (*p == ':')
                        e.flags |= EXEC_NO_ENV_EXPAND;
                else if (*p == '!' && p[1] == '!' && ++p)
                        e.flags |= EXEC_NO_AMBIENT;
                else if (*p == '!')
                        e.flags |= EXEC_NO_SETUID;
                else
                        break;
        }
        bool separator;
        int n = split_words(p, &e.argv, &separator, ret_reason);
        if (n < 0)
                return n;
        e.argc = n;
        if (n == 0) {
                strv_free(e.argv);
                *ret_reason = "the command line is empty";
                return -EINVAL;
        }
        for (int i = 0; i < n; i++) {
                if (separator) {
                        strv_free(e.argv);
                        *ret_reason = "several commands on one line (';') are not supported: "
                                      "write one Exec line per command";
                        return -EINVAL;
                }
                if (!(e.flags & EXEC_NO_ENV_EXPAND) && word_has_variable(e.argv[i]))
                        e.has_variables = true;
        }
        *ret = e;
        return 0;
}

/* ---- writing command lines ---- */

static bool needs_quotes(const char *w) {
        if (!*w)
                return true;
        for (const char *s = w; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                      (*s >= '0' && *s <= '9') || strchr("/._-+=:,@%^", *s)))
                        return true;
        return false;
}

/* w in single quotes for a POSIX shell ('\'' for a quote) into f. */
static void put_single_quoted(FILE *f, const char *w, size_t n) {
        fputc('\'', f);
        for (size_t i = 0; i < n; i++) {
                if (w[i] == '\'')
                        fputs("'\\''", f);
                else
                        fputc(w[i], f);
        }
        fputc('\'', f);
}

/* Literal text for /bin/sh: as it is when it needs no quotes. */
static void put_shell_literal(FILE *f, const char *text) {
        if (needs_quotes(text) || strchr(text, '%'))
                put_single_quoted(f, text, strlen(text));
        else
                fputs(text, f);
}

/* An Exec word with "$$" made "$": the literal text. */
static char *literal_word(const char *w) {
        char *out = malloc(strlen(w) + 1), *o = out;
        if (!out)
                return NULL;
        for (const char *s = w; *s; s++) {
                *o++ = *s;
                if (s[0] == '$' && s[1] == '$')
                        s++;
        }
        *o = '\0';
        return out;
}

/* One Exec word as /bin/sh text: literal parts single-quoted, "$NAME" as
 * the word unquoted, "${NAME}" in double quotes. */
static void put_shell_word(FILE *f, const char *w) {
        size_t len = variable_at(w, true);
        if (len == strlen(w) && w[1] != '{') {
                fputs(w, f); /* $NAME alone: split into words, as systemd does */
                return;
        }
        const char *lit = w;
        bool any = false;
        for (const char *s = w; *s;) {
                if (s[0] == '$' && s[1] == '$') {
                        s += 2;
                        continue;
                }
                size_t v = variable_at(s, false);
                if (!v) {
                        s++;
                        continue;
                }
                if (s > lit) {
                        _cleanup_free_ char *part = strndup(lit, (size_t)(s - lit));
                        _cleanup_free_ char *text = part ? literal_word(part) : NULL;
                        if (text)
                                put_shell_literal(f, text);
                }
                fprintf(f, "\"%.*s\"", (int)v, s);
                s += v;
                lit = s;
                any = true;
        }
        if (*lit || !any) {
                _cleanup_free_ char *text = literal_word(lit);
                if (text)
                        put_shell_literal(f, text);
        }
}

char *unit_join_command_line(char *const *argv, bool shell_variables) {
        size_t size = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        if (shell_variables) {
                size_t ssize = 0;
                char *script = NULL;
                FILE *s = open_memstream(&script, &ssize);
                if (!s) {
                        fclose(f);
                        free(buf);
                        return NULL;
                }
                fputs("set -f; exec", s);
                for (size_t i = 0; argv[i]; i++) {
                        fputc(' ', s);
                        put_shell_word(s, argv[i]);
                }
                if (fclose(s) != 0) {
                        fclose(f);
                        free(buf);
                        return NULL;
                }
                fputs("/bin/sh -c ", f);
                put_single_quoted(f, script, strlen(script));
                free(script);
        } else {
                for (size_t i = 0; argv[i]; i++) {
                        _cleanup_free_ char *w = literal_word(argv[i]);
                        if (!w)
                                continue;
                        if (i > 0)
                                fputc(' ', f);
                        if (needs_quotes(w))
                                put_single_quoted(f, w, strlen(w));
                        else
                                fputs(w, f);
                }
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *unit_quote_exec_word(const char *word) {
        size_t size = 0;
        char *buf = NULL;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        if (strcmp(word, ";") == 0) {
                fclose(f);
                free(buf);
                return strdup("\\;"); /* a bare ";" separates commands */
        }
        bool plain = *word != '\0';
        for (const char *s = word; *s && plain; s++)
                plain = (unsigned char)*s > ' ' && !strchr("\"'\\", *s) && *s != 0x7f;
        if (!plain)
                fputc('"', f);
        for (const unsigned char *s = (const unsigned char *)word; *s; s++) {
                if (*s == '$')
                        fputs("$$", f);
                else if (*s == '%')
                        fputs("%%", f);
                else if (plain)
                        fputc(*s, f);
                else if (*s == '"' || *s == '\\')
                        fprintf(f, "\\%c", *s);
                else if (*s < ' ' || *s == 0x7f)
                        fprintf(f, "\\x%02x", *s);
                else
                        fputc(*s, f);
        }
        if (!plain)
                fputc('"', f);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* ---- time spans, booleans ---- */

static const struct {
        const char *suffix;
        double ms;
} time_units[] = {
        {"usec", 0.001},
        {"us", 0.001},
        {"µs", 0.001},
        {"msec", 1},
        {"ms", 1},
        {"seconds", 1000},
        {"second", 1000},
        {"sec", 1000},
        {"s", 1000},
        {"minutes", 60000},
        {"minute", 60000},
        {"min", 60000},
        {"months", 2629800000.0},
        {"month", 2629800000.0},
        {"M", 2629800000.0},
        {"m", 60000},
        {"hours", 3600000},
        {"hour", 3600000},
        {"hr", 3600000},
        {"h", 3600000},
        {"days", 86400000},
        {"day", 86400000},
        {"d", 86400000},
        {"weeks", 604800000},
        {"week", 604800000},
        {"w", 604800000},
        {"years", 31557600000.0},
        {"year", 31557600000.0},
        {"y", 31557600000.0},
};

int unit_parse_timespan_ms(const char *value, unsigned long long *ret_ms) {
        const char *s = value;
        while (*s == ' ')
                s++;
        if (strcmp(s, "infinity") == 0) {
                *ret_ms = UINT64_MAX;
                return 0;
        }
        double total = 0;
        bool any = false;
        while (*s) {
                char *end;
                if (!(*s >= '0' && *s <= '9') && *s != '.')
                        return -EINVAL;
                double v = strtod(s, &end);
                if (end == s || !isfinite(v) || v < 0)
                        return -EINVAL;
                s = end;
                while (*s == ' ')
                        s++;
                double unit = 1000; /* a bare number is seconds */
                for (size_t i = 0; i < ELEMENTSOF(time_units); i++) {
                        size_t n = strlen(time_units[i].suffix);
                        if (strncmp(s, time_units[i].suffix, n) == 0 &&
                            !((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'))) {
                                unit = time_units[i].ms;
                                s += n;
                                break;
                        }
                }
                total += v * unit;
                any = true;
                while (*s == ' ')
                        s++;
        }
        if (!any || total > 1e15)
                return -EINVAL;
        *ret_ms = (unsigned long long)(total + 0.5);
        return 0;
}

int unit_parse_boolean(const char *value) {
        static const char *const yes[] = {"1", "yes", "y", "true", "t", "on"};
        static const char *const no[] = {"0", "no", "n", "false", "f", "off"};
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcasecmp(value, yes[i]) == 0)
                        return 1;
                if (strcasecmp(value, no[i]) == 0)
                        return 0;
        }
        return -EINVAL;
}
