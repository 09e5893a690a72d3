/* SPDX-License-Identifier: MIT */
/*
 * sc.exe's description and qdescription: a service's description set
 * (ChangeServiceConfig2 SERVICE_CONFIG_DESCRIPTION, the method
 * change_config) and printed in sc.exe's layout (query_config).
 */
#include <stdio.h>

#include "scctl.h"

static int operands(struct scctl *ctx, int argc, char **argv, int want) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (opt > 0 || argc - optind != want)
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        return scctl_set_service(ctx, argv[optind]);
}

static int run_description(struct scctl *ctx, int argc, char **argv) {
        int r = operands(ctx, argc, argv, 2);
        if (r != 0)
                return r;
        return scctl_change_service(ctx, "change_config",
                                    json_pack("{s:s}", "description", argv[optind + 1]));
}

static int run_qdescription(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *config = NULL;
        int r = operands(ctx, argc, argv, 1);
        if (r == 0)
                r = scctl_query_service(ctx, "query_config", &config);
        if (r != 0 || ctx->json)
                return r;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\nDESCRIPTION:  %s\n",
               ctx->name, json_string_value(json_object_get(config, "description")) ?: "");
        return 0;
}

const struct scctl_verb verb_description = {
        .name = "description",
        .synopsis = "NAME TEXT",
        .summary = "Set a service's description (ChangeServiceConfig2), as sc.exe's",
        .help = "The same as scctl config NAME --description TEXT.  Needs change-config.\n",
        .run = run_description,
};

const struct scctl_verb verb_qdescription = {
        .name = "qdescription",
        .synopsis = "NAME",
        .summary = "Print a service's description (QueryServiceConfig2), as sc.exe's",
        .help = "Needs query-config.\n",
        .run = run_qdescription,
};
