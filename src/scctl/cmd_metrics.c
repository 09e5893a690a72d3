/* SPDX-License-Identifier: MIT */
/*
 * scctl metrics: the Prometheus text exposition format (version 0.0.4) of
 * what scmd knows, for node_exporter's textfile collector or any scraper
 * that runs a command.
 *
 * Per service: its state (one series per state, 1 for the one it is in),
 * its start type and kind, its failure count now, how long it has been
 * running, its last Win32 exit code; and memory, CPU time and tasks of its
 * cgroup (memory.current, cpu.stat, pids.current), as scmd reports them in
 * the status's "usage" (or, from an scmd that does not, read here where
 * this scctl can: on the same machine, as a user allowed to).
 * scmd's own counters: connections open, accepted and cut off, requests
 * and failures per method (query_counters).  A service the caller may not
 * query is left out, as enumerate leaves it out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <scm/types.h>

#include "cleanup.h"
#include "scctl.h"

/* value with \, " and newline escaped for a label, into buf. */
static const char *label(const char *value, char *buf, size_t size) {
        size_t o = 0;
        for (const char *c = value ? value : ""; *c && o + 3 < size; c++) {
                if (*c == '\\' || *c == '"' || *c == '\n') {
                        buf[o++] = '\\';
                        buf[o++] = *c == '\n' ? 'n' : *c;
                } else
                        buf[o++] = *c;
        }
        buf[o] = '\0';
        return buf;
}

static void head(const char *name, const char *type, const char *help) {
        printf("# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup, or elsewhere on
 * a hybrid machine); "" when it is not. */
static const char *cgroup2_root(void) {
        static char root[256];
        static bool looked;
        if (looked)
                return root;
        looked = true;
        char dev[64], mnt[256], type[32];
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mounts", "re");
        while (f && fscanf(f, "%63s %255s %31s %*[^\n]", dev, mnt, type) == 3)
                if (strcmp(type, "cgroup2") == 0) {
                        snprintf(root, sizeof(root), "%s", mnt);
                        break;
                }
        return root;
}

/* The first number of key in a cgroup file of the service's main pid's
 * cgroup (key NULL: the file's first number); false when not readable. */
static bool cgroup_value(long pid, const char *file, const char *key, double *ret) {
        char path[1024], line[512], cg[512] = "";
        snprintf(path, sizeof(path), "/proc/%ld/cgroup", pid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(cg, sizeof(cg), "%s", line + 3);
                }
        if (!cg[0] || !cgroup2_root()[0])
                return false;
        snprintf(path, sizeof(path), "%s%s/%s", cgroup2_root(), cg, file);
        _cleanup_fclose_ FILE *g = fopen(path, "re");
        while (g && fgets(line, sizeof(line), g)) {
                char k[64];
                double v;
                if (!key && sscanf(line, "%lf", &v) == 1)
                        return *ret = v, true;
                if (key && sscanf(line, "%63s %lf", k, &v) == 2 && strcmp(k, key) == 0)
                        return *ret = v, true;
        }
        return false;
}

struct service_row {
        const char *name, *state, *start_type, *kind, *type;
        long pid;
        const json_t *usage; /* the status's "usage" (scmd read its cgroup), or NULL */
        double exit_code, failures, uptime;
        bool has_failures, has_uptime;
};

static void print_services(const struct scctl *ctx, struct service_row *rows, size_t n) {
        static const char *const states[] = {"stopped", "start-pending",    "stop-pending",
                                             "running", "continue-pending", "pause-pending",
                                             "paused"};
        char a[512], b[64], c[64], d[64];
        head("scm_service_state", "gauge", "1 for the state the service is in, 0 for the others");
        for (size_t i = 0; i < n; i++)
                for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++)
                        printf("scm_service_state{service=\"%s\",state=\"%s\"} %d\n",
                               label(rows[i].name, a, sizeof(a)), states[s],
                               strcmp(rows[i].state, states[s]) == 0);
        head("scm_service_info", "gauge", "The service's start type, type and kind, as labels");
        for (size_t i = 0; i < n; i++)
                printf("scm_service_info{service=\"%s\",start_type=\"%s\",type=\"%s\",kind=\"%s\"} "
                       "1\n",
                       label(rows[i].name, a, sizeof(a)), label(rows[i].start_type, b, sizeof(b)),
                       label(rows[i].type, c, sizeof(c)), label(rows[i].kind, d, sizeof(d)));
        head("scm_service_last_exit_code", "gauge", "The Win32 exit code of its last run");
        for (size_t i = 0; i < n; i++)
                printf("scm_service_last_exit_code{service=\"%s\"} %.0f\n",
                       label(rows[i].name, a, sizeof(a)), rows[i].exit_code);
        head("scm_service_failures", "gauge",
             "Its failure count now (reset after its reset period)");
        for (size_t i = 0; i < n; i++)
                if (rows[i].has_failures)
                        printf("scm_service_failures{service=\"%s\"} %.0f\n",
                               label(rows[i].name, a, sizeof(a)), rows[i].failures);
        head("scm_service_uptime_seconds", "gauge", "How long it has been running");
        for (size_t i = 0; i < n; i++)
                if (rows[i].has_uptime)
                        printf("scm_service_uptime_seconds{service=\"%s\"} %.3f\n",
                               label(rows[i].name, a, sizeof(a)), rows[i].uptime);
        /* The cgroup's usage as scmd read it (the status's "usage", on any
         * host); from an older scmd, the cgroup's own files on this
         * machine, where readable. */
        static const struct {
                const char *metric, *type, *help, *usage, *file, *key;
                double scale;
        } cg[] = {
                {"scm_service_memory_bytes", "gauge", "memory.current of its cgroup",
                 "memory_bytes", "memory.current", NULL, 1},
                {"scm_service_cpu_seconds_total", "counter", "CPU time of its cgroup (cpu.stat)",
                 "cpu_usec", "cpu.stat", "usage_usec", 1e-6},
                {"scm_service_tasks", "gauge", "pids.current of its cgroup", "tasks",
                 "pids.current", NULL, 1},
        };
        for (size_t k = 0; k < sizeof(cg) / sizeof(cg[0]); k++) {
                head(cg[k].metric, cg[k].type, cg[k].help);
                for (size_t i = 0; i < n; i++) {
                        const json_t *u = json_object_get(rows[i].usage, cg[k].usage);
                        double v = (double)json_integer_value(u);
                        if (rows[i].usage
                                    ? json_is_integer(u)
                                    : !ctx->host && rows[i].pid > 0 &&
                                              cgroup_value(rows[i].pid, cg[k].file, cg[k].key, &v))
                                printf("%s{service=\"%s\"} %.6g\n", cg[k].metric,
                                       label(rows[i].name, a, sizeof(a)), v * cg[k].scale);
                }
        }
}

static void print_counters(const json_t *counters) {
        const json_t *conn = json_object_get(counters, "connections");
        static const struct {
                const char *metric, *type, *key, *help;
        } c[] = {
                {"scm_connections_open", "gauge", "open", "Connections to scmd now"},
                {"scm_connections_accepted_total", "counter", "accepted",
                 "Connections scmd accepted since it started"},
                {"scm_connections_cut_off_total", "counter", "cut_off",
                 "Connections scmd ended (over a bound, bad framing, lagging)"},
                {"scm_connections_lagging_total", "counter", "lagging",
                 "Of those, clients that did not read their events"},
        };
        for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
                head(c[i].metric, c[i].type, c[i].help);
                printf("%s %" JSON_INTEGER_FORMAT "\n", c[i].metric,
                       json_integer_value(json_object_get(conn, c[i].key)));
        }
        const char *method;
        const json_t *v;
        head("scm_requests_total", "counter", "Requests by method since scmd started");
        json_object_foreach((json_t *)json_object_get(counters, "requests"), method, v)
                printf("scm_requests_total{method=\"%s\"} %" JSON_INTEGER_FORMAT "\n", method,
                       json_integer_value(json_object_get(v, "calls")));
        head("scm_request_failures_total", "counter", "Requests by method that failed");
        json_object_foreach((json_t *)json_object_get(counters, "requests"), method, v)
                printf("scm_request_failures_total{method=\"%s\"} %" JSON_INTEGER_FORMAT "\n",
                       method, json_integer_value(json_object_get(v, "failures")));
}

/* Fills rows from enumerate, query_timeline and each service's failure
 * count; returns the count or an exit status (negative). */
static int collect(struct scctl *ctx, const json_t *list, const json_t *timeline,
                   struct service_row *rows) {
        size_t i, n = 0;
        const json_t *s;
        json_int_t now = json_integer_value(json_object_get(timeline, "now"));
        json_array_foreach(list, i, s) {
                const json_t *st = json_object_get(s, "status");
                struct service_row *r = &rows[n++];
                *r = (struct service_row){
                        .name = json_string_value(json_object_get(s, "name")),
                        .state = json_string_value(json_object_get(st, "state")),
                        .start_type = json_string_value(json_object_get(s, "start_type")),
                        .type = json_string_value(json_object_get(st, "type")),
                        .pid = (long)json_integer_value(json_object_get(st, "pid")),
                        .usage = json_object_get(st, "usage"),
                        .exit_code =
                                (double)json_integer_value(json_object_get(st, "win32_exit_code")),
                };
                size_t k;
                const json_t *t;
                json_array_foreach(json_object_get(timeline, "services"), k, t) {
                        const json_t *at = json_object_get(t, "running_at");
                        if (strcmp(json_string_value(json_object_get(t, "name")), r->name) == 0 &&
                            json_is_integer(at) && strcmp(r->state, "running") == 0) {
                                r->uptime = (double)(now - json_integer_value(at)) / 1e6;
                                r->has_uptime = true;
                        }
                }
                _cleanup_json_ json_t *config = NULL, *failures = NULL;
                if (scm_call(ctx->client, "query_config", json_pack("{s:s}", "name", r->name),
                             &config) >= 0)
                        r->kind = strdup(json_string_value(json_object_get(config, "kind")) ?: "");
                if (scm_call(ctx->client, "query_failure_actions",
                             json_pack("{s:s}", "name", r->name), &failures) >= 0) {
                        r->failures = (double)json_integer_value(
                                json_object_get(failures, "failure_count"));
                        r->has_failures = true;
                }
        }
        return (int)n;
}

static int run_metrics(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                ;
        if (opt < 0)
                return ctx->exit_status;
        if (optind < argc)
                return scctl_usage_error(ctx, "takes no operand");
        _cleanup_json_ json_t *list = NULL, *timeline = NULL, *counters = NULL;
        int r = scctl_call(ctx, "enumerate", NULL, &list);
        if (r == 0)
                r = scctl_call(ctx, "query_timeline", NULL, &timeline);
        if (r == 0)
                r = scctl_call(ctx, "query_counters", NULL, &counters);
        if (r != 0)
                return r;
        const json_t *services = json_object_get(list, "services");
        size_t n = json_array_size(services);
        _cleanup_free_ struct service_row *rows = calloc(n ? n : 1, sizeof(*rows));
        if (!rows)
                return scctl_usage_error(ctx, "out of memory");
        int count = collect(ctx, services, timeline, rows);
        print_services(ctx, rows, (size_t)count);
        print_counters(counters);
        for (int i = 0; i < count; i++)
                free((char *)rows[i].kind);
        return 0;
}

const struct scctl_verb verb_metrics = {
        .name = "metrics",
        .synopsis = "",
        .summary = "print scmd's and every service's metrics in Prometheus' text format",
        .help = "Per service: state, start type, kind, failure count, uptime, last exit code, and\n"
                "memory, CPU time and tasks of its cgroup (each where its controller is on).\n"
                "scmd's own: connections open, accepted, cut off; requests and failures per\n"
                "method.  For node_exporter's textfile collector:\n"
                "  scctl metrics > /var/lib/node_exporter/scm.prom.$$ && mv ... scm.prom\n",
        .run = run_metrics,
};
