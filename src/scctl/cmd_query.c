/* SPDX-License-Identifier: MIT */
/*
 * The status verbs: query and queryex (QueryServiceStatusEx for each NAME
 * given, EnumServicesStatusEx when none is).
 *
 * With NAMEs each service gets sc.exe's block, and a service that cannot be
 * queried does not hide the others: its error is reported, the rest are
 * printed, and the exit status is the first failure's.  Without NAMEs one
 * aligned table lists every service the filters let through.  The table's
 * START column comes from the enumerate entry when scmd puts start_type
 * there, else from one query_config per service.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_STATE = 0x100,
        OPT_TYPE,
        OPT_GROUP,
        OPT_BOOT,
        OPT_FAILED_DRIVERS,
};

static const struct option query_options[] = {
        {"state", required_argument, NULL, OPT_STATE},
        {"type", required_argument, NULL, OPT_TYPE},
        {"group", required_argument, NULL, OPT_GROUP},
        {"boot", no_argument, NULL, OPT_BOOT},
        {"failed-drivers", no_argument, NULL, OPT_FAILED_DRIVERS},
        {},
};

/* Stores one filter option in filters; returns 0 or an exit status. */
static int filter_option(struct scctl *ctx, int opt, const char *arg, json_t *filters) {
        switch (opt) {
        case OPT_STATE:
                if (strcmp(arg, "active") != 0 && strcmp(arg, "inactive") != 0 &&
                    strcmp(arg, "all") != 0)
                        return scctl_usage_error(ctx,
                                                 "--state '%s' is not one of: active, "
                                                 "inactive, all",
                                                 arg);
                json_object_set_new(filters, "state", json_string(arg));
                return 0;
        case OPT_TYPE:
                if (scm_type_from_name(arg) == SCM_TYPE_INVALID)
                        return scctl_usage_error(ctx,
                                                 "--type '%s' is not one of: own, share, "
                                                 "kernel-driver",
                                                 arg);
                json_object_set_new(filters, "type", json_string(arg));
                return 0;
        case OPT_GROUP: {
                json_t *group = json_string(arg);
                if (!group)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "--group is not valid UTF-8 text");
                json_object_set_new(filters, "group", group);
                return 0;
        }
        default:
                return scctl_usage_error(ctx, "unexpected option");
        }
}

/* The block (or JSON line) of one service; returns 0 or an exit status. */
static int query_one(struct scctl *ctx, const char *name, bool ex, bool first) {
        _cleanup_json_ json_t *status = NULL;

        int r = scctl_set_service(ctx, name);
        if (r == 0)
                r = scctl_call(ctx, "query_status", json_pack("{s:s}", "name", name), &status);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(status);
                return 0;
        }
        if (!first)
                putchar('\n');
        output_status_block(status, ex);
        _cleanup_json_ json_t *resources = NULL;
        /* Limits beside usage; an scmd without the method shows none. */
        if (ex && scm_call(ctx->client, "query_resources", json_pack("{s:s}", "name", name),
                           &resources) >= 0)
                output_resource_usage(resources);
        else if (ex)
                output_status_usage(status); /* the status's own usage, without limits */
        return 0;
}

static int query_names(struct scctl *ctx, char **names, int n, bool ex) {
        int status = 0;

        for (int i = 0; i < n; i++) {
                int r = query_one(ctx, names[i], ex, i == 0);
                if (r == SCCTL_EXIT_UNREACHABLE)
                        return r; /* the next ones would fail the same way */
                if (status == 0)
                        status = r;
        }
        return status;
}

/* The start type of an enumerate entry, as a static string.  Asks scmd
 * when the entry does not say; "-" when the service went meanwhile.
 * Returns NULL after reporting a failure of the connection (*ret_status). */
static const char *start_type_of(struct scctl *ctx, const json_t *entry, int *ret_status) {
        _cleanup_json_ json_t *config = NULL;
        const char *s = json_string_value(json_object_get(entry, "start_type"));

        if (!s) {
                const char *name = json_string_value(json_object_get(entry, "name"));
                int r = scm_call(ctx->client, "query_config",
                                 json_pack("{s:s}", "name", name ?: ""), &config);
                if (r < 0 && scm_error_win32(r) == 0) {
                        *ret_status = output_call_error(ctx, r);
                        return NULL;
                }
                if (r < 0)
                        return "-";
                s = json_string_value(json_object_get(config, "start_type"));
        }
        enum scm_start_type t = scm_start_type_from_name(s);
        return t == SCM_START_INVALID ? "?" : scm_start_type_name(t);
}

/* Fills one table row from an enumerate entry; pid is the row's buffer. */
static int table_row(struct scctl *ctx, const json_t *entry, const char **row, char *pid,
                     size_t size) {
        const json_t *status = json_object_get(entry, "status");
        json_int_t p = json_integer_value(json_object_get(status, "pid"));
        int r = 0;

        if (p > 0)
                snprintf(pid, size, "%lld", (long long)p);
        else
                snprintf(pid, size, "-");
        row[0] = json_string_value(json_object_get(entry, "name")) ?: "?";
        row[1] = json_string_value(json_object_get(status, "state")) ?: "?";
        row[2] = pid;
        row[3] = start_type_of(ctx, entry, &r);
        row[4] = json_string_value(json_object_get(entry, "display_name")) ?: "";
        return row[3] ? 0 : r;
}

#define TABLE_COLUMNS 5
#define PID_CHARS 24

static int print_table(struct scctl *ctx, const json_t *services) {
        static const char *const header[TABLE_COLUMNS] = {"NAME", "STATE", "PID", "START",
                                                          "DISPLAY NAME"};
        size_t n = json_array_size(services);
        _cleanup_free_ const char **cells = calloc(n * TABLE_COLUMNS + 1, sizeof(char *));
        _cleanup_free_ char *pids = calloc(n + 1, PID_CHARS);

        if (!cells || !pids)
                return output_call_error(ctx, -ENOMEM);
        for (size_t i = 0; i < n; i++) {
                int r = table_row(ctx, json_array_get(services, i), cells + i * TABLE_COLUMNS,
                                  pids + i * PID_CHARS, PID_CHARS);
                if (r != 0)
                        return r;
        }
        output_table(header, TABLE_COLUMNS, cells, n);
        return 0;
}

static int query_table(struct scctl *ctx, json_t *filters) {
        _cleanup_json_ json_t *result = NULL;

        int r = scctl_call(ctx, "enumerate", json_incref(filters), &result);
        if (r != 0)
                return r;
        json_t *services = json_object_get(result, "services");
        if (!json_is_array(services))
                return output_call_error(ctx, -EPROTO);
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        return print_table(ctx, services);
}

static int run_query(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *filters = json_object();
        bool ex = strcmp(ctx->verb->name, "queryex") == 0;
        int opt, boot = 0;

        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_BOOT || opt == OPT_FAILED_DRIVERS) {
                        boot = opt;
                        continue;
                }
                int r = filter_option(ctx, opt, optarg, filters);
                if (r != 0)
                        return r;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (boot && (optind != argc || json_object_size(filters) > 0))
                return scctl_usage_error(ctx, "--boot and --failed-drivers take no NAME and "
                                              "no filter");
        if (boot)
                return scctl_query_boot(ctx, boot == OPT_FAILED_DRIVERS);
        if (optind == argc)
                return query_table(ctx, filters);
        if (json_object_size(filters) > 0)
                return scctl_usage_error(ctx, "--state, --type and --group filter the list of all "
                                              "services: give them without NAME");
        return query_names(ctx, argv + optind, argc - optind, ex);
}

#define QUERY_HELP                                                                                 \
        "Without NAME, a table of every service: NAME, STATE, PID, START, DISPLAY NAME.\n"         \
        "These options filter it:\n"                                                               \
        "  --state STATE   active (not stopped), inactive (stopped) or all (the default)\n"        \
        "  --type TYPE     own, share or kernel-driver\n"                                          \
        "  --group GROUP   the services of one load-order group (\"\" for those in none)\n"        \
        "--boot: where the boot sequence (drivers, auto-start, delayed-auto) or the\n"             \
        "shutdown is, since when, and what it waits for.  --failed-drivers: the boot\n"            \
        "and system drivers that should be loaded and are not.\n"

const struct scctl_verb verb_query = {
        .name = "query",
        .synopsis = "[NAME...] [--state active|inactive|all] [--type TYPE] [--group GROUP] | "
                    "--boot | --failed-drivers",
        .summary = "Print the status of services (QueryServiceStatus), or list them all",
        .help = "With NAMEs, the status of each, as sc.exe prints it.\n" QUERY_HELP,
        .options = query_options,
        .run = run_query,
};

const struct scctl_verb verb_queryex = {
        .name = "queryex",
        .synopsis = "[NAME...] [--state active|inactive|all] [--type TYPE] [--group GROUP]",
        .summary = "Like query, with the PID and flags (QueryServiceStatusEx)",
        .help = "With NAMEs, the status of each with its PID and flags, as sc.exe prints "
                "it.\n" QUERY_HELP,
        .options = query_options,
        .run = run_query,
};
