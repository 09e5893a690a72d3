/* SPDX-License-Identifier: MIT */
/*
 * The verbs of access lists, named after sc.exe's: sdshow prints the
 * access list of a service (or, with --scm, of the SCM) in its text form,
 * sdset replaces it (SetServiceObjectSecurity).  sdshow prints the text
 * alone on one line, so that
 *
 *     scctl sdset web "$(scctl sdshow web)"
 *
 * puts back exactly what was there; docs/protocol.md describes the form.
 */
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

enum {
        OPT_SCM = 0x100,
        OPT_DEFAULT,
};

static const struct option sdshow_options[] = {
        {"scm", no_argument, NULL, OPT_SCM},
        {},
};

static const struct option sdset_options[] = {
        {"scm", no_argument, NULL, OPT_SCM},
        {"default", no_argument, NULL, OPT_DEFAULT},
        {},
};

/* Reads --scm and --default; returns 0 or an exit status. */
static int read_options(struct scctl *ctx, int argc, char **argv, bool *ret_scm,
                        bool *ret_default) {
        int opt;
        *ret_scm = *ret_default = false;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_SCM)
                        *ret_scm = true;
                else if (opt == OPT_DEFAULT)
                        *ret_default = true;
                else
                        return scctl_usage_error(ctx, "unexpected option");
        }
        return opt < 0 ? ctx->exit_status : 0;
}

/* The object's params: {"scm":true}, or {"name":NAME} once NAME is checked. */
static int object_params(struct scctl *ctx, bool scm, const char *name, json_t **ret) {
        if (scm) {
                *ret = json_pack("{s:b}", "scm", true);
                return 0;
        }
        int r = scctl_set_service(ctx, name);
        if (r != 0)
                return r;
        *ret = json_pack("{s:s}", "name", name);
        return 0;
}

static int run_sdshow(struct scctl *ctx, int argc, char **argv) {
        bool scm, dflt;
        int r = read_options(ctx, argc, argv, &scm, &dflt);
        if (r != 0)
                return r;
        if (argc - optind != (scm ? 0 : 1))
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        json_t *params;
        r = object_params(ctx, scm, scm ? NULL : argv[optind], &params);
        if (r != 0)
                return r;
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, "query_object_security", params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("%s\n", json_string_value(json_object_get(result, "access_list")));
        return 0;
}

static int run_sdset(struct scctl *ctx, int argc, char **argv) {
        bool scm, dflt;
        int r = read_options(ctx, argc, argv, &scm, &dflt);
        if (r != 0)
                return r;
        int want = (scm ? 0 : 1) + (dflt ? 0 : 1);
        if (argc - optind != want)
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        json_t *params;
        r = object_params(ctx, scm, scm ? NULL : argv[optind], &params);
        if (r != 0)
                return r;
        if (dflt)
                json_object_set_new(params, "default", json_true());
        else
                json_object_set_new(params, "access_list", json_string(argv[argc - 1]));
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, "set_object_security", params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] SetServiceObjectSecurity SUCCESS\n");
        return 0;
}

#define TEXT_FORM_HELP                                                                             \
        "The text form: entries \"allow PRINCIPAL RIGHT,RIGHT...\" joined by \"; \".\n"            \
        "Principals: everyone, uid:N, gid:N, user:NAME, group:NAME, and for a service\n"           \
        "account (the account it runs as).  Rights of a service: query-config,\n"                  \
        "change-config, query-status, enumerate-dependents, start, stop, pause-continue,\n"        \
        "interrogate, user-defined-control, delete, read-control, write-dac.  Rights of\n"         \
        "the SCM: connect, create-service, enumerate, lock, query-lock-status,\n"                  \
        "modify-boot-config, read-control, write-dac.  \"all\": every right of the object.\n"      \
        "Administrators (root, scmd's own user, --admin-group) hold every right whatever\n"        \
        "the list says.\n"

const struct scctl_verb verb_sdshow = {
        .name = "sdshow",
        .synopsis = "NAME | --scm",
        .summary = "Print the access list of a service or of the SCM (QueryServiceObjectSecurity)",
        .help = "  --scm    the SCM's own list instead of a service's\n\n" TEXT_FORM_HELP,
        .options = sdshow_options,
        .run = run_sdshow,
};

const struct scctl_verb verb_sdset = {
        .name = "sdset",
        .synopsis = "NAME TEXT | NAME --default | --scm TEXT | --scm --default",
        .summary = "Replace the access list of a service or of the SCM (SetServiceObjectSecurity)",
        .help = "  --scm      the SCM's own list instead of a service's\n"
                "  --default  back to the default list (docs/protocol.md)\n\n"
                "Needs the right write-dac on the object.\n\n" TEXT_FORM_HELP,
        .options = sdset_options,
        .run = run_sdset,
};
