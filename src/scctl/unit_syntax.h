/* SPDX-License-Identifier: MIT */
/*
 * The value syntaxes of systemd unit files (systemd.syntax(7),
 * systemd.service(5) "Command lines", systemd.time(7)) that scctl import
 * and export need, as pure functions: quoted words, Exec lines, command
 * lines written back, time spans, booleans.  Errors come back as -errno
 * with a sentence for a person; nothing here logs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Splits value into words as systemd does for lists and Environment=:
 * whitespace separates, "..." and '...' quote (also inside a word), C
 * escapes (\n \t \\ \" \' \xHH \NNN \uHHHH) are decoded.  Returns the
 * count, or -EINVAL (bad quoting or escape; *ret_reason) or -ENOMEM; the
 * NULL-terminated *ret_words is malloc'd (strv_free()). */
int unit_split_words(const char *value, char ***ret_words, const char **ret_reason);

/* The prefixes of an Exec line. */
enum {
        EXEC_IGNORE_FAILURE = 1 << 0,  /* '-' */
        EXEC_ARGV0 = 1 << 1,           /* '@' */
        EXEC_FULL_PRIVILEGES = 1 << 2, /* '+' */
        EXEC_NO_SETUID = 1 << 3,       /* '!' */
        EXEC_NO_AMBIENT = 1 << 4,      /* '!!' */
        EXEC_NO_ENV_EXPAND = 1 << 5,   /* ':' */
};

struct exec_line {
        unsigned flags;
        char **argv; /* the words, "$$" already "$", $VAR references kept as written */
        int argc;
        bool has_variables; /* a $VAR or ${VAR} reference outside "$$" */
};

/* Parses one Exec line (after specifier expansion).  Returns 0, -EINVAL
 * (*ret_reason) or -ENOMEM. */
int unit_parse_exec(const char *value, struct exec_line *ret, const char **ret_reason);
void exec_line_done(struct exec_line *e);

/* Joins words into an scm command line (docs/protocol.md "Command line"):
 * each word that needs it in single quotes.  When shell_variables, the
 * words are instead written for /bin/sh: $VAR stays outside quotes (split
 * into words), ${VAR} in double quotes (one word).  malloc'd, or NULL. */
char *unit_join_command_line(char *const *argv, bool shell_variables);

/* A word for an Exec line of a unit file: quoted and escaped so that
 * unit_parse_exec() gives it back ('$' as "$$", '%' as "%%").  malloc'd. */
char *unit_quote_exec_word(const char *word);

/* A systemd time span ("5", "5s", "1min 30s", "500ms", "infinity") in
 * milliseconds (bare numbers are seconds); infinity gives UINT64_MAX.
 * Returns 0 or -EINVAL. */
int unit_parse_timespan_ms(const char *value, unsigned long long *ret_ms);

/* 1 (yes, true, on, 1), 0 (no, false, off, 0) or -EINVAL. */
int unit_parse_boolean(const char *value);
