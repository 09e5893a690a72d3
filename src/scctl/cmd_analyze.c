/* SPDX-License-Identifier: MIT */
/*
 * analyze: why the machine took the time it took.  One query_timeline
 * call, then analyze.c's answers printed: blame (the services by how long
 * they took from START_PENDING to RUNNING, longest first), critical-chain
 * (what a service waited for, back through its dependencies), plot (an SVG
 * timeline on stdout) and dot (the dependency graph for Graphviz).
 *
 * Times are printed in seconds since time zero, the earliest time scmd
 * reported (its own start).  blame and critical-chain take --json; plot
 * and dot are formats of their own and refuse it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyze.h"
#include "cleanup.h"
#include "scctl.h"

static double seconds(int64_t us) {
        return (double)us / 1e6;
}

/* Reads the timeline into *tl; returns 0 or an exit status. */
static int fetch(struct scctl *ctx, struct analyze_timeline *tl) {
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "query_timeline", json_object(), &result);
        if (r != 0)
                return r;
        r = analyze_timeline_read(result, tl);
        return r < 0 ? output_call_error(ctx, r) : 0;
}

/* A time as JSON: null for never. */
static json_t *time_json(int64_t t) {
        return t ? json_integer((json_int_t)t) : json_null();
}

/* ---- blame ---- */

static void print_blame(const struct analyze_timeline *tl, const size_t *order, size_t n) {
        int width = 0;
        for (size_t i = 0; i < n; i++) {
                const struct analyze_service *s = &tl->services[order[i]];
                int w = snprintf(NULL, 0, "%.3f", seconds(s->running - s->start_pending));
                width = w > width ? w : width;
        }
        for (size_t i = 0; i < n; i++) {
                const struct analyze_service *s = &tl->services[order[i]];
                printf("%*.3fs %s\n", width + 2, seconds(s->running - s->start_pending), s->name);
        }
}

static int blame_json(const struct analyze_timeline *tl, const size_t *order, size_t n) {
        _cleanup_json_ json_t *list = json_array();
        for (size_t i = 0; list && i < n; i++) {
                const struct analyze_service *s = &tl->services[order[i]];
                if (json_array_append_new(
                            list, json_pack("{s:s, s:I, s:I, s:I}", "name", s->name,
                                            "start_pending_at", (json_int_t)s->start_pending,
                                            "running_at", (json_int_t)s->running, "duration_us",
                                            (json_int_t)(s->running - s->start_pending))) < 0)
                        return -ENOMEM;
        }
        _cleanup_json_ json_t *o = list ? json_pack("{s:O}", "services", list) : NULL;
        if (!o)
                return -ENOMEM;
        output_json(o);
        return 0;
}

static int run_blame(struct scctl *ctx, const struct analyze_timeline *tl) {
        _cleanup_free_ size_t *order = calloc(tl->n_services + 1, sizeof(size_t));
        if (!order)
                return output_call_error(ctx, -ENOMEM);
        size_t n = analyze_blame(tl, order);
        if (ctx->json)
                return blame_json(tl, order, n) < 0 ? output_call_error(ctx, -ENOMEM) : 0;
        print_blame(tl, order, n);
        if (n == 0)
                fprintf(stderr, "scctl: analyze: no service has gone from start-pending to "
                                "running since scmd started\n");
        return 0;
}

/* ---- critical-chain ---- */

static void print_chain_entry(const struct analyze_service *s, int64_t origin, size_t depth,
                              const char *via) {
        for (size_t i = 1; i < depth; i++)
                fputs("  ", stdout);
        printf("%s%s", depth ? "\xe2\x94\x94\xe2\x94\x80" : "", s->name); /* └─ */
        if (s->start_pending)
                printf(" @%.3fs", seconds(s->start_pending - origin));
        if (s->running)
                printf(" +%.3fs", seconds(s->running - s->start_pending));
        else
                printf(s->start_pending ? " (not running)" : " (not started)");
        if (via)
                printf(via[0] == '+' ? " (for %s)" : " (%s)", via);
        putchar('\n');
}

static int chain_json(const struct analyze_timeline *tl, const size_t *chain, size_t n,
                      int64_t origin) {
        _cleanup_json_ json_t *list = json_array();
        for (size_t i = 0; list && i < n; i++) {
                const struct analyze_service *s = &tl->services[chain[i]];
                const char *via =
                        i > 0 ? analyze_held_by(tl, &tl->services[chain[i - 1]], chain[i]) : NULL;
                json_t *e =
                        json_pack("{s:s, s:o, s:o, s:o}", "name", s->name, "start_pending_at",
                                  time_json(s->start_pending), "running_at", time_json(s->running),
                                  "via", via ? json_string(via) : json_null());
                if (json_array_append_new(list, e) < 0)
                        return -ENOMEM;
        }
        _cleanup_json_ json_t *o =
                list ? json_pack("{s:I, s:O}", "origin", (json_int_t)origin, "chain", list) : NULL;
        if (!o)
                return -ENOMEM;
        output_json(o);
        return 0;
}

static void print_origin(int64_t origin) {
        char when[64] = "unknown";
        time_t t = (time_t)(origin / 1000000);
        struct tm tm;
        if (origin && gmtime_r(&t, &tm))
                strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
        printf("The time a service started (START_PENDING) is after \"@\", in seconds since %s;\n"
               "how long it took to become RUNNING is after \"+\".\n\n",
               when);
}

static int run_critical_chain(struct scctl *ctx, const struct analyze_timeline *tl,
                              const char *name) {
        ssize_t first = name ? analyze_find(tl, name) : analyze_last_running(tl);
        if (first < 0 && name)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_SERVICE_DOES_NOT_EXIST, NULL,
                                    "there is no service '%s'", name);
        if (first < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_SERVICE_DOES_NOT_EXIST, NULL,
                                    "no service has become running since scmd started: name "
                                    "one");
        _cleanup_free_ size_t *chain = calloc(tl->n_services + 1, sizeof(size_t));
        if (!chain)
                return output_call_error(ctx, -ENOMEM);
        size_t n = analyze_critical_chain(tl, (size_t)first, chain);
        int64_t origin = analyze_origin(tl);
        if (ctx->json)
                return chain_json(tl, chain, n, origin) < 0 ? output_call_error(ctx, -ENOMEM) : 0;
        print_origin(origin);
        for (size_t i = 0; i < n; i++)
                print_chain_entry(&tl->services[chain[i]], origin, i,
                                  i > 0 ? analyze_held_by(tl, &tl->services[chain[i - 1]], chain[i])
                                        : NULL);
        return 0;
}

/* ---- plot and dot ---- */

static int run_writer(struct scctl *ctx, const struct analyze_timeline *tl,
                      int (*write)(FILE *f, const struct analyze_timeline *tl)) {
        int r = write(stdout, tl);
        return r < 0 ? output_call_error(ctx, r) : 0;
}

/* ---- the verb ---- */

static int run_analyze(struct scctl *ctx, int argc, char **argv) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0)
                return scctl_usage_error(ctx, "unexpected option");
        if (optind >= argc)
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        const char *what = argv[optind++];
        int operands = argc - optind;
        bool chain = strcmp(what, "critical-chain") == 0;
        bool drawing = strcmp(what, "plot") == 0 || strcmp(what, "dot") == 0;

        if (!chain && !drawing && strcmp(what, "blame") != 0)
                return scctl_usage_error(
                        ctx, "'%s' is not one of: blame, critical-chain, plot, dot", what);
        if (operands > (chain ? 1 : 0))
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        if (drawing && ctx->json)
                return scctl_usage_error(ctx,
                                         "%s writes %s: --json is for blame and "
                                         "critical-chain",
                                         what, what[0] == 'p' ? "SVG" : "DOT");
        const char *name = chain && operands ? argv[optind] : NULL;
        if (name) {
                int r = scctl_set_service(ctx, name);
                if (r != 0)
                        return r;
        }

        struct analyze_timeline tl;
        int r = fetch(ctx, &tl);
        if (r != 0)
                return r;
        if (chain)
                r = run_critical_chain(ctx, &tl, name);
        else if (strcmp(what, "plot") == 0)
                r = run_writer(ctx, &tl, analyze_write_svg);
        else if (strcmp(what, "dot") == 0)
                r = run_writer(ctx, &tl, analyze_write_dot);
        else
                r = run_blame(ctx, &tl);
        analyze_timeline_clear(&tl);
        return r;
}

const struct scctl_verb verb_analyze = {
        .name = "analyze",
        .synopsis = "blame | critical-chain [NAME] | plot | dot",
        .summary = "Why the boot took the time it took: blame, critical chain, timeline, graph",
        .help = "  blame               the services by how long they took from START_PENDING to\n"
                "                      RUNNING in their last run, longest first\n"
                "  critical-chain [NAME]  what NAME waited for: each dependency that became\n"
                "                      RUNNING last before the one above it started, with\n"
                "                      \"@start +duration\" in seconds; a \"+Group\" dependency\n"
                "                      is the member that ran first; an auto-start service\n"
                "                      also waited for the groups before its own in the\n"
                "                      group order.  Without NAME, the service that became\n"
                "                      RUNNING last\n"
                "  plot                an SVG timeline on stdout (scctl analyze plot > boot.svg,\n"
                "                      then open it in a browser): one row per service\n"
                "  dot                 the dependency graph in Graphviz's language on stdout\n"
                "                      (scctl analyze dot | dot -Tsvg > deps.svg)\n"
                "Times come from scmd's memory: the last run of each service since scmd\n"
                "started.  --json applies to blame and critical-chain.\n",
        .run = run_analyze,
};
