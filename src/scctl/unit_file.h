/* SPDX-License-Identifier: MIT */
/*
 * A reader of systemd unit files, for scctl import: the syntax of
 * systemd.syntax(7) and systemd.unit(5) that the directives scm maps need,
 * and nothing of their meaning (unit_import.c gives that).
 *
 * A unit is read into a flat list of assignments in the order systemd
 * applies them: the unit file, then its drop-ins (NAME.d/ *.conf, and for an
 * instance TEMPLATE@.service.d/ first, found in every search path, a name in
 * an earlier path hiding the same name in a later one, applied in lexical
 * order of their file names).  Each assignment keeps its section, key, raw
 * value and where it was written; whether a key is a list (an empty value
 * resetting it) or a single value (the last one wins) is the mapping's call.
 *
 * Also here: the value syntaxes (specifiers, quoted words with C escapes,
 * Exec lines with their prefixes and $VAR references, time spans, booleans)
 * as pure functions.  Nothing here logs; errors come back as -errno with a
 * sentence for a person.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define UNIT_SEARCH_PATHS_MAX 16

struct unit_assignment {
        char *section; /* "Service", without brackets */
        char *key;
        char *value; /* continuation lines joined, whitespace trimmed */
        char *file;
        unsigned line;
};

struct unit_file {
        char *name;     /* the unit's full name: "redis-server@a.service" */
        char *prefix;   /* "redis-server" (before '@', or the name without suffix) */
        char *instance; /* "a" for an instance, else NULL */
        char *path;     /* the file read (the template's for an instance) */
        struct unit_assignment *assignments;
        size_t n_assignments;
        char error[256]; /* why a load or parse failed */
};

/* The search paths of system units, highest priority first. */
extern const char *const unit_default_search_paths[];

/* Splits NAME ("nginx.service", "redis-server@a.service", "nginx") into u's
 * name, prefix and instance; ".service" is added when no suffix is given.
 * Returns 0, -EINVAL (not a service unit name; u->error says why) or
 * -ENOMEM. */
int unit_file_set_name(struct unit_file *u, const char *name);

/* Parses the text of one file (its name for messages) and appends its
 * assignments to u.  Returns 0, -EINVAL (u->error names the file and line)
 * or -ENOMEM. */
int unit_file_parse(struct unit_file *u, const char *file, const char *text);

/* Loads a unit: ARG is a path (it contains '/') or a unit name looked up in
 * paths (NULL-terminated; NULL: the defaults).  For a path, the drop-ins
 * are looked for beside it and in paths.  Returns 0, -ENOENT (no such unit;
 * u->error lists where it looked), -EINVAL, -ENOMEM or another -errno of
 * reading.  u is set up from scratch (unit_file_done() it in any case). */
int unit_file_load(struct unit_file *u, const char *arg, const char *const *paths);

void unit_file_done(struct unit_file *u);

/* ---- value syntaxes ---- */

/* Replaces the specifiers of value (%n %N %p %P %i %I %j %J %f %u %U %g %G
 * %h %s %t %S %C %L %E %T %V %H %l %m %v %%) into a malloc'd *ret.  An unknown or unsupported
 * specifier is left as it is and *ret_unsupported gets its letter (the
 * first one; '\0' when none).  Returns 0 or -ENOMEM. */
int unit_expand_specifiers(const struct unit_file *u, const char *value, char **ret,
                           char *ret_unsupported);

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
