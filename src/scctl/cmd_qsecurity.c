/* SPDX-License-Identifier: MIT */
/*
 * qsecurity NAME: every fence of a service in one view, with an exposure
 * score in the spirit of systemd-analyze security.  Each fence left open
 * adds its weight; the score is the open weight over the total, on 0.0
 * (every fence closed) to 10.0 (none), and each open fence says the
 * command that would close it.
 *
 * The weights say how much a fence narrows what a compromised service can
 * do to the rest of the machine: running as root opens everything (15);
 * writes anywhere its account can, the whole network (2 left by rules that
 * deny every address but those allowed), system calls that
 * reconfigure the kernel, and a writable /usr or /etc (10 each); the rest
 * (/tmp shared, homes, devices, memory unbounded) 5, an unlimited task count
 * 3.  The view reads query_config and query_security: it is the client's
 * arithmetic, not scmd's, and judges the configuration (what the next
 * start gets).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "scctl.h"

struct fence_row {
        const char *fence;
        char state[64];
        int exposure; /* 0: closed */
        int weight;
        char close[160];
};

#define ROWS_MAX 12

struct view {
        struct fence_row rows[ROWS_MAX];
        size_t n;
        const char *name;
};

/* close is "VERB ARGS": the command that closes the fence is
 * "scctl VERB NAME ARGS". */
static void row(struct view *v, const char *fence, int weight, int exposure, const char *state,
                const char *close) {
        if (v->n >= ROWS_MAX)
                return;
        struct fence_row *r = &v->rows[v->n++];
        r->fence = fence;
        r->weight = weight;
        r->exposure = exposure;
        snprintf(r->state, sizeof(r->state), "%s", state);
        const char *args = strchr(close, ' ');
        if (exposure > 0)
                snprintf(r->close, sizeof(r->close), "scctl %.*s %s%s", (int)(args - close), close,
                         v->name, args);
        else
                r->close[0] = '\0';
}

static const char *str(const json_t *o, const char *key) {
        const char *s = json_string_value(json_object_get(o, key));
        return s ? s : "";
}

static bool is_root_account(const char *account) {
        return !account[0] || !strcasecmp(account, "LocalSystem") || !strcmp(account, "root") ||
               !strcasecmp(account, "NT AUTHORITY\\LocalSystem");
}

static void account_rows(struct view *v, const json_t *config, const json_t *security) {
        const char *account = str(config, "account");
        bool root = is_root_account(account) && getuid() == 0;
        row(v, "account", 15, root ? 15 : 0, account[0] ? account : "(scmd's own)",
            "config --account LocalService");
        const char *sid = str(security, "sid_type");
        bool restricted = !strcmp(sid, "restricted");
        row(v, "writes (sid type)", 10, restricted ? 0 : 10, sid[0] ? sid : "none",
            "sidtype restricted");
}

/* Closed by a network namespace of loopback only, nearly so by rules that
 * deny every address but those allowed, half by other rules. */
static void network_row(struct view *v, const json_t *config, const json_t *security) {
        bool loopback = json_is_true(json_object_get(security, "restrict_network"));
        const json_t *deny = json_object_get(config, "ip_address_deny");
        bool deny_any = false, rules = json_array_size(deny) > 0 ||
                                       json_array_size(json_object_get(config, "ip_address_allow"));
        size_t i;
        const json_t *e;
        json_array_foreach(deny, i, e)
                deny_any = deny_any || !strcmp(json_string_value(e) ?: "", "any");
        row(v, "network", 10,
            loopback   ? 0
            : deny_any ? 2
            : rules    ? 6
                       : 10,
            loopback   ? "loopback only"
            : deny_any ? "allowed addresses only"
            : rules    ? "address rules"
                       : "all",
            "config --ip-address-deny any --ip-address-allow localhost");
}

static void fence_rows(struct view *v, const json_t *config) {
        bool tmp = json_is_true(json_object_get(config, "private_tmp"));
        row(v, "private /tmp", 5, tmp ? 0 : 5, tmp ? "yes" : "no", "config --private-tmp");
        const char *sys = str(config, "protect_system");
        int sys_open = !strcmp(sys, "strict") ? 0
                       : !strcmp(sys, "full") ? 3
                       : !strcmp(sys, "yes")  ? 6
                                              : 10;
        row(v, "system folders", 10, sys_open, sys[0] ? sys : "no",
            "config --protect-system strict");
        const char *home = str(config, "protect_home");
        int home_open = !strcmp(home, "yes") || !strcmp(home, "tmpfs") ? 0
                        : !strcmp(home, "read-only")                   ? 2
                                                                       : 5;
        row(v, "home folders", 5, home_open, home[0] ? home : "no", "config --protect-home yes");
        bool dev = json_is_true(json_object_get(config, "private_devices"));
        row(v, "devices", 5, dev ? 0 : 5, dev ? "pseudo-devices only" : "all",
            "config --private-devices");
}

/* A deny list that holds @privileged, or any allow list, closes it. */
static void syscall_row(struct view *v, const json_t *config) {
        const json_t *allow = json_object_get(config, "system_call_allow");
        const json_t *deny = json_object_get(config, "system_call_deny");
        bool privileged = false;
        size_t i;
        const json_t *e;
        json_array_foreach(deny, i, e)
                privileged = privileged || !strcmp(json_string_value(e) ?: "", "@privileged");
        int open = json_array_size(allow) > 0 || privileged ? 0
                   : json_array_size(deny) > 0              ? 5
                                                            : 10;
        row(v, "system calls", 10, open,
            json_array_size(allow)  ? "allow list"
            : json_array_size(deny) ? "deny list"
                                    : "all",
            "config --system-call-deny @privileged");
}

static void limit_rows(struct view *v, const json_t *config) {
        bool mem = json_is_integer(json_object_get(config, "memory_max"));
        row(v, "memory", 5, mem ? 0 : 5, mem ? "bounded" : "unbounded", "config --memory-max 512M");
        const char *tasks = str(config, "tasks_max");
        bool unlimited = !strcmp(tasks, "infinity");
        row(v, "tasks", 3, unlimited ? 3 : 0, unlimited ? "unlimited" : "capped",
            "config --tasks-max none");
}

static double score_of(const struct view *v) {
        int open = 0, total = 0;
        for (size_t i = 0; i < v->n; i++) {
                open += v->rows[i].exposure;
                total += v->rows[i].weight;
        }
        return total ? (double)((open * 100 + total / 2) / total) / 10.0 : 0.0;
}

static const char *verdict(double score) {
        return score <= 2.0 ? "OK" : score <= 5.0 ? "MEDIUM" : score <= 8.0 ? "EXPOSED" : "UNSAFE";
}

static void print_view(const struct view *v, double score) {
        printf("SERVICE_NAME: %s\n", v->name);
        printf("  %-18s %-20s %-8s %s\n", "FENCE", "STATE", "EXPOSURE", "TO CLOSE IT");
        for (size_t i = 0; i < v->n; i++) {
                const struct fence_row *r = &v->rows[i];
                printf("  %-18s %-20s %2d/%-5d %s\n", r->fence, r->state, r->exposure, r->weight,
                       r->close);
        }
        printf("EXPOSURE: %.1f %s\n", score, verdict(score));
}

static json_t *view_json(const struct view *v, double score) {
        json_t *rows = json_array();
        for (size_t i = 0; rows && i < v->n; i++) {
                const struct fence_row *r = &v->rows[i];
                json_array_append_new(rows,
                                      json_pack("{s:s, s:s, s:i, s:i, s:s}", "fence", r->fence,
                                                "state", r->state, "exposure", r->exposure,
                                                "weight", r->weight, "close", r->close));
        }
        return json_pack("{s:s, s:f, s:s, s:o}", "name", v->name, "score", score, "verdict",
                         verdict(score), "fences", rows);
}

static int run_qsecurity(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *config = NULL, *security = NULL;
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = scctl_call(ctx, "query_config", json_pack("{s:s}", "name", ctx->name), &config);
        if (r == 0)
                r = scctl_call(ctx, "query_security", json_pack("{s:s}", "name", ctx->name),
                               &security);
        if (r != 0)
                return r;
        struct view v = {.name = ctx->name};
        account_rows(&v, config, security);
        network_row(&v, config, security);
        fence_rows(&v, config);
        syscall_row(&v, config);
        limit_rows(&v, config);
        double score = score_of(&v);
        if (ctx->json) {
                _cleanup_json_ json_t *o = view_json(&v, score);
                output_json(o);
        } else {
                print_view(&v, score);
        }
        return 0;
}

const struct scctl_verb verb_qsecurity = {
        .name = "qsecurity",
        .synopsis = "NAME",
        .summary = "Every fence of a service, with an exposure score (0.0 closed - 10.0 open)",
        .help = "Each row is one fence: its state, how much it leaves open of its weight,\n"
                "and the command that would close it.  The score is the open weight over\n"
                "the total: 0.0 every fence closed, 10.0 none.  Running as root opens\n"
                "everything else a fence would close, so the account weighs most.\n",
        .run = run_qsecurity,
};
