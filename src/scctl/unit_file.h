/* SPDX-License-Identifier: MIT */
/*
 * A reader of systemd unit files, for scctl import: the syntax of
 * systemd.syntax(7) and systemd.unit(5) that the directives scm maps need,
 * and nothing of their meaning (unit_import.c gives that).
 *
 * A unit is read into a flat list of assignments in the order systemd
 * applies them: the unit file, then its drop-ins (NAME.d/ *.conf, and for an
 * instance TEMPLATE@.service.d/ *.conf too, found in every search path, a
 * name in an earlier path hiding the same name in a later one, applied in
 * lexical order of their file names).  Each assignment keeps its section, key, raw
 * value and where it was written; whether a key is a list (an empty value
 * resetting it) or a single value (the last one wins) is the mapping's call.
 *
 * Also here: the specifiers, which need the unit's name; the other value
 * syntaxes are unit_syntax.h's.  Nothing here logs; errors come back as
 * -errno with a sentence for a person.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "unit_syntax.h"

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

/* ---- specifiers ---- */

/* Replaces the specifiers of value (%n %N %p %P %i %I %j %J %f %u %U %g %G
 * %h %s %t %S %C %L %E %T %V %H %l %m %v %%) into a malloc'd *ret.  An unknown or unsupported
 * specifier is left as it is and *ret_unsupported gets its letter (the
 * first one; '\0' when none).  Returns 0 or -ENOMEM. */
int unit_expand_specifiers(const struct unit_file *u, const char *value, char **ret,
                           char *ret_unsupported);
