/* SPDX-License-Identifier: MIT */
/*
 * The boot analysis of scctl analyze, apart from any connection: the
 * timeline scmd returns (query_timeline) read into plain structs, and the
 * pure work on it (blame order, critical chain, the plot's rows, escaping),
 * plus the SVG and DOT writers.  tests/unit/test_analyze.c tests these
 * without a daemon; cmd_analyze.c fetches the timeline and prints.
 *
 * Times are microseconds since the epoch as scmd gave them, 0 for never.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct analyze_service {
        const char *name; /* borrowed from the JSON the timeline was read from */
        const char *display_name;
        const char *group; /* "" when in none */
        const char **dependencies;
        size_t n_dependencies;
        const char *state; /* a wire state name: "running", "start-pending", ... */
        const char *start_type;
        int64_t start_requested, start_pending, running, stop_pending, stopped;
        uint32_t win32_exit_code;
};

struct analyze_timeline {
        int64_t scmd_started, autostart_started, autostart_done, now;
        struct analyze_service *services;
        size_t n_services;
        const char **group_order; /* the auto-start's phases, first to last */
        size_t n_group_order;
        json_t *source; /* holds the strings */
};

/* Reads a query_timeline result (a reference is taken).  -EPROTO when it
 * does not have the documented shape, -ENOMEM. */
int analyze_timeline_read(json_t *result, struct analyze_timeline *ret);
void analyze_timeline_clear(struct analyze_timeline *tl);

/* The service called name (case-insensitively), or -1. */
ssize_t analyze_find(const struct analyze_timeline *tl, const char *name);

/* Time zero of the analysis: the earliest time known (scmd's start, as a
 * rule).  The end: the latest transition (at least origin + 1 ms). */
int64_t analyze_origin(const struct analyze_timeline *tl);
int64_t analyze_end(const struct analyze_timeline *tl);

/* How a service is drawn. */
enum analyze_class {
        ANALYZE_RUNNING, /* running, paused, or pausing and continuing */
        ANALYZE_STOPPED, /* stopped with exit code 0 */
        ANALYZE_FAILED,  /* stopped with a non-zero Win32 exit code */
        ANALYZE_PENDING, /* start-pending or stop-pending */
        _ANALYZE_CLASS_MAX
};
enum analyze_class analyze_class_of(const struct analyze_service *s);
const char *analyze_class_name(enum analyze_class c);

/* Blame: the indexes of the services that went from START_PENDING to
 * RUNNING in their last run, longest first (ties by name), into ret (room
 * for n_services).  Returns how many. */
size_t analyze_blame(const struct analyze_timeline *tl, size_t *ret);

/* The plot's rows: the services that started, by when they entered
 * START_PENDING (ties by name),
 * into ret (room for n_services).  Returns how many. */
size_t analyze_plot_rows(const struct analyze_timeline *tl, size_t *ret);

/* The service whose dependency on dep (a name, or "+Group") was met first:
 * the service itself, or the member of the group that became RUNNING
 * first.  -1 when none ran. */
ssize_t analyze_resolve_dependency(const struct analyze_timeline *tl, const char *dep);

/* The critical chain ending in service first: first, then what held it
 * back, and so on back, into ret (room for n_services).  What held a
 * service back is, of its dependencies and (when the auto-start started
 * it) of the auto-start services of the groups before its own in the
 * group order, the one that became RUNNING (or, for the latter, failed)
 * last before it entered START_PENDING.  Returns the length (at least 1). */
size_t analyze_critical_chain(const struct analyze_timeline *tl, size_t first, size_t *ret);

/* Why service s waited for service next in a chain: "+Group" when through
 * a group dependency, "group order" when through the auto-start's phases,
 * NULL when s names next itself. */
const char *analyze_held_by(const struct analyze_timeline *tl, const struct analyze_service *s,
                            size_t next);

/* The service that became RUNNING last, or -1 when none did (critical-chain
 * without a name). */
ssize_t analyze_last_running(const struct analyze_timeline *tl);

/* Writes text with XML's five special characters escaped; a character XML
 * 1.0 does not allow (a control other than tab and newline) becomes '?'. */
void analyze_xml_escape(FILE *f, const char *text);
/* Writes text as a DOT quoted ID, quotes included: '"' escaped, '\\' and
 * '&' as HTML entities (a backslash before the closing quote would escape
 * it; Graphviz shows entities in labels as their characters), control
 * characters dropped. */
void analyze_dot_quote(FILE *f, const char *text);

/* The SVG timeline and the Graphviz graph of tl.  0, or -EIO when f
 * failed. */
int analyze_write_svg(FILE *f, const struct analyze_timeline *tl);
int analyze_write_dot(FILE *f, const struct analyze_timeline *tl);
