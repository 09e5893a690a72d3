/* SPDX-License-Identifier: MIT */
/*
 * The verbs of groups and dependencies: group-order (the group order list,
 * Windows' ServiceGroupOrder, which sc.exe leaves to regedit) and
 * enumdepend (EnumDependentServices: a service's dependents, transitively,
 * in the order they would stop).  A service's own Group and dependencies
 * are set with create/config --group and --depend.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_STATE = 0x100,
};

/* "A,B,C" as a JSON list; "" is the empty list. */
static json_t *split_groups(const char *arg) {
        json_t *list = json_array();
        _cleanup_free_ char *copy = strdup(arg);
        if (!list || !copy) {
                json_decref(list);
                return NULL;
        }
        for (char *p = copy, *g; p && (g = strsep(&p, ","));)
                if (g[0] && json_array_append_new(list, json_string(g)) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

static void print_groups(const json_t *result) {
        const json_t *groups = json_object_get(result, "groups");
        size_t i;
        json_t *g;
        if (json_array_size(groups) == 0) {
                printf("The group order list is empty: grouped services start after nothing but "
                       "their dependencies.\n");
                return;
        }
        printf("GROUP ORDER (auto-start runs the groups in this order, then every other "
               "service):\n");
        json_array_foreach(groups, i, g)
                printf("  %zu. %s\n", i + 1, json_string_value(g));
}

static int run_group_order(struct scctl *ctx, int argc, char **argv) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0)
                return scctl_usage_error(ctx, "unexpected option");
        int n = argc - optind;
        _cleanup_json_ json_t *result = NULL;
        int r;
        if (n == 0) {
                r = scctl_call(ctx, "query_group_order", json_object(), &result);
        } else if (n == 2 && strcmp(argv[optind], "set") == 0) {
                json_t *groups = split_groups(argv[optind + 1]);
                if (!groups)
                        return output_call_error(ctx, -ENOMEM);
                r = scctl_call(ctx, "set_group_order", json_pack("{s:o}", "groups", groups),
                               &result);
        } else {
                return scctl_usage_error(ctx, "expects nothing, or: set GROUP,GROUP,...");
        }
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                print_groups(result);
        return 0;
}

static const struct option enumdepend_options[] = {
        {"state", required_argument, NULL, OPT_STATE},
        {},
};

static int run_enumdepend(struct scctl *ctx, int argc, char **argv) {
        const char *state = NULL;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                if (opt == OPT_STATE)
                        state = optarg;
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        json_t *params = json_pack("{s:s}", "name", ctx->name);
        if (state)
                json_object_set_new(params, "state", json_string(state));
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, "enumerate_dependents", params, &result);
        if (r != 0)
                return r;
        json_t *services = json_object_get(result, "services");
        if (!json_is_array(services))
                return output_call_error(ctx, -EPROTO);
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        size_t n = json_array_size(services), i;
        _cleanup_free_ const char **cells = calloc(3 * n + 1, sizeof(*cells));
        if (!cells)
                return output_call_error(ctx, -ENOMEM);
        json_t *e;
        json_array_foreach(services, i, e) {
                cells[3 * i] = json_string_value(json_object_get(e, "name"));
                cells[3 * i + 1] =
                        json_string_value(json_object_get(json_object_get(e, "status"), "state"));
                cells[3 * i + 2] = json_string_value(json_object_get(e, "display_name"));
        }
        static const char *const header[] = {"SERVICE_NAME", "STATE", "DISPLAY_NAME"};
        printf("[SC] EnumDependentServices: %zu dependents of %s, in stop order\n", n, ctx->name);
        if (n > 0)
                output_table(header, 3, cells, n);
        return 0;
}

const struct scctl_verb verb_group_order = {
        .name = "group-order",
        .synopsis = "[set GROUP,GROUP,...]",
        .summary = "Show or set the group order list (ServiceGroupOrder)",
        .help = "Without arguments, shows the list.  'set A,B,C' replaces it ('set \"\"'\n"
                "empties it).  Auto-start starts the services of group A first, then B, then\n"
                "C, then every other service; a service of an earlier group may not depend on a\n"
                "later group (CIRCULAR_DEPENDENCY).\n",
        .run = run_group_order,
};

const struct scctl_verb verb_enumdepend = {
        .name = "enumdepend",
        .synopsis = "NAME [--state active|inactive|all]",
        .summary = "List the services that depend on a service, in stop order "
                   "(EnumDependentServices)",
        .help = "  --state S   only the active (not stopped) or inactive ones (default all)\n\n"
                "Lists every service that depends on NAME, directly or through others (also\n"
                "through NAME's group), each before the services it depends on.\n",
        .options = enumdepend_options,
        .run = run_enumdepend,
};
