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
        OPT_SDDL,
};

static const struct option sdshow_options[] = {
        {"scm", no_argument, NULL, OPT_SCM},
        {"sddl", no_argument, NULL, OPT_SDDL},
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
                else if (opt == OPT_DEFAULT || opt == OPT_SDDL)
                        *ret_default = true; /* --sddl for sdshow, --default for sdset */
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
        _cleanup_free_ char *sddl = NULL;
        if (ctx->json)
                output_json(result);
        else if (!dflt)
                printf("%s\n", json_string_value(json_object_get(result, "access_list")));
        else if (sddl_from_entries(json_object_get(result, "entries"), scm, &sddl) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, 8, NULL, "out of memory");
        else
                printf("\n%s\n", sddl);
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
        const char *text = argv[argc - 1];
        _cleanup_free_ char *converted = NULL, *error = NULL;
        if (!dflt && (!strncmp(text, "D:", 2) || !strncmp(text, "S:", 2) ||
                      !strncmp(text, "O:", 2) || !strncmp(text, "G:", 2))) {
                if (sddl_to_access_list(text, scm, &converted, &error) < 0) {
                        json_decref(params);
                        return output_error(ctx, SCCTL_EXIT_REFUSED, 87, NULL,
                                            "the SDDL cannot be an access list here: %s",
                                            error ? error : "out of memory");
                }
                text = converted;
        }
        if (dflt)
                json_object_set_new(params, "default", json_true());
        else
                json_object_set_new(params, "access_list", json_string(text));
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
        .synopsis = "NAME | --scm [--sddl]",
        .summary = "Print the access list of a service or of the SCM (QueryServiceObjectSecurity)",
        .help = "  --scm    the SCM's own list instead of a service's\n"
                "  --sddl   print it as sc.exe does, in SDDL "
                "(D:(A;;RPWP;;;WD)...)\n\n" TEXT_FORM_HELP,
        .options = sdshow_options,
        .run = run_sdshow,
};

const struct scctl_verb verb_sdset = {
        .name = "sdset",
        .synopsis = "NAME TEXT | NAME --default | --scm TEXT | --scm --default",
        .summary = "Replace the access list of a service or of the SCM (SetServiceObjectSecurity)",
        .help = "  --scm      the SCM's own list instead of a service's\n"
                "  --default  back to the default list (docs/protocol.md)\n\n"
                "Needs the right write-dac on the object.  TEXT may be sc.exe's SDDL\n"
                "(D:(A;;RPWP;;;WD)(A;;CCLC;;;S-1-22-1-1000)): allow entries of Everyone (WD,\n"
                "AU), users S-1-22-1-UID and groups S-1-22-2-GID; BA and SY are skipped,\n"
                "admins hold every right anyway.\n\n" TEXT_FORM_HELP,
        .options = sdset_options,
        .run = run_sdset,
};
