/* SPDX-License-Identifier: MIT */
/*
 * A service's two names, named after sc.exe's verbs: getkeyname turns a
 * display name into the service's name (GetServiceKeyName), getdisplayname
 * the other way (GetServiceDisplayName).  Every other verb takes the name,
 * as sc.exe's do; docs/protocol.md, "get_key_name".
 */
#include <stdio.h>

#include "scctl.h"

static int one_operand(struct scctl *ctx, int argc, char **argv, const char **ret) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0 || optind != argc - 1)
                return scctl_usage_error(ctx, "takes one operand");
        *ret = argv[optind];
        return 0;
}

/* Prints sc.exe's two lines, or the result under --json. */
static int print_name(struct scctl *ctx, const char *call, const json_t *result,
                      const char *field) {
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] %s SUCCESS\nName = %s\n", call,
                       json_string_value(json_object_get(result, field)) ?: "");
        return 0;
}

static int run_getkeyname(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        const char *display;
        int r = one_operand(ctx, argc, argv, &display);
        if (r == 0)
                r = scctl_call(ctx, "get_key_name", json_pack("{ss}", "display_name", display),
                               &result);
        return r != 0 ? r : print_name(ctx, "GetServiceKeyName", result, "name");
}

static int run_getdisplayname(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        const char *name;
        int r = one_operand(ctx, argc, argv, &name);
        if (r == 0)
                r = scctl_set_service(ctx, name);
        if (r == 0)
                r = scctl_call(ctx, "get_display_name", json_pack("{ss}", "name", name), &result);
        return r != 0 ? r : print_name(ctx, "GetServiceDisplayName", result, "display_name");
}

const struct scctl_verb verb_getkeyname = {
        .name = "getkeyname",
        .synopsis = "DISPLAY_NAME",
        .summary = "Print the name of the service with this display name (GetServiceKeyName)",
        .help = "Ignores case.  Every other verb takes the service's name, as sc.exe's do.\n"
                "Needs only connect on the SCM.\n",
        .run = run_getkeyname,
};

const struct scctl_verb verb_getdisplayname = {
        .name = "getdisplayname",
        .synopsis = "NAME",
        .summary = "Print a service's display name (GetServiceDisplayName)",
        .help = "Needs only connect on the SCM.\n",
        .run = run_getdisplayname,
};
