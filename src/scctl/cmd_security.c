/* SPDX-License-Identifier: MIT */
/*
 * The verbs of least privilege, named after sc.exe's: privs and qprivs (a
 * service's required privileges), sidtype and qsidtype (its identity),
 * showsid (its group and folders), and privilege (the account privilege
 * policy, which sc.exe leaves to secpol.msc).
 *
 * privs and sidtype change one field each through change_config; the
 * query verbs read query_security; privilege uses the account-rights
 * methods.  Privileges are capability names (CAP_NET_BIND_SERVICE), given
 * as separate arguments or joined with '/' as sc.exe joins them (',' works
 * too); scmd checks them.
 */
#include <string.h>

#include "cleanup.h"
#include "scctl.h"

#define INDENT "        "

/* Reads a verb's options (only the global ones) and expects at least min
 * and at most max operands; returns 0 or an exit status. */
static int parse_operands(struct scctl *ctx, int argc, char **argv, int min, int max) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        int n = argc - optind;
        if (n < min || (max >= 0 && n > max))
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        return 0;
}

/* The privilege names in args (each split on '/' and ','), as a JSON list. */
static json_t *privilege_list(char **args, int n) {
        json_t *list = json_array();
        for (int i = 0; list && i < n; i++)
                for (const char *p = args[i]; *p;) {
                        size_t len = strcspn(p, "/,");
                        if (len > 0 && json_array_append_new(list, json_stringn(p, len)) < 0) {
                                json_decref(list);
                                return NULL;
                        }
                        p += len + (p[len] != '\0');
                }
        return list;
}

static void print_list(const char *label, const json_t *list, const char *none) {
        size_t i;
        json_t *v;
        if (json_array_size(list) == 0) {
                printf(INDENT "%-19s: %s\n", label, none);
                return;
        }
        json_array_foreach(list, i, v)
                printf(INDENT "%-19s: %s\n", i == 0 ? label : "", json_string_value(v));
}

static void print_upper(const char *s) {
        for (; s && *s; s++)
                putchar(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
}

static int change(struct scctl *ctx, json_t *params) {
        return scctl_change_service(ctx, "change_config", params);
}

static int query(struct scctl *ctx, json_t **ret) {
        return scctl_query_service(ctx, "query_security", ret);
}

/* ---- privs, qprivs ---- */

static int run_privs(struct scctl *ctx, int argc, char **argv) {
        int r = parse_operands(ctx, argc, argv, 2, -1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        json_t *list = privilege_list(argv + optind + 1, argc - optind - 1);
        if (!list)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "the privileges are not valid UTF-8 text");
        return change(ctx, json_pack("{s:o}", "required_privileges", list));
}

static int run_qprivs(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = query(ctx, &result);
        if (r != 0 || ctx->json)
                return r;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", ctx->name);
        print_list("PRIVILEGES", json_object_get(result, "required_privileges"),
                   "(none listed: the account's own)");
        return 0;
}

/* ---- sidtype, qsidtype, showsid ---- */

static int run_sidtype(struct scctl *ctx, int argc, char **argv) {
        int r = parse_operands(ctx, argc, argv, 2, 2);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r != 0)
                return r;
        const char *type = argv[optind + 1];
        if (strcmp(type, "none") != 0 && strcmp(type, "unrestricted") != 0 &&
            strcmp(type, "restricted") != 0)
                return scctl_usage_error(ctx, "'%s' is not one of: none, unrestricted, restricted",
                                         type);
        return change(ctx, json_pack("{s:s}", "sid_type", type));
}

static const char *yes_no(const json_t *v) {
        return json_is_true(v) ? "yes" : "no";
}

static int run_qsidtype(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = query(ctx, &result);
        if (r != 0 || ctx->json)
                return r;
        printf("[SC] QueryServiceConfig2 SUCCESS\n\nSERVICE_NAME: %s\n", ctx->name);
        printf(INDENT "%-19s: ", "SERVICE_SID_TYPE");
        print_upper(json_string_value(json_object_get(result, "sid_type")));
        putchar('\n');
        print_list("WRITABLE_PATHS", json_object_get(result, "writable_paths"), "");
        printf(INDENT "%-19s: %s\n", "WEAK_ISOLATION_OK",
               yes_no(json_object_get(result, "allow_weak_isolation")));
        printf(INDENT "%-19s: %s\n", "RESTRICT_NETWORK",
               yes_no(json_object_get(result, "restrict_network")));
        printf(INDENT "%-19s: %s\n", "INTERACTIVE", yes_no(json_object_get(result, "interactive")));
        json_t *iso = json_object_get(result, "isolation");
        const char *mechanism = json_string_value(json_object_get(iso, "mechanism"));
        if (mechanism && strcmp(mechanism, "landlock") == 0)
                printf(INDENT "%-19s: Landlock (ABI %lld)\n", "ISOLATION",
                       (long long)json_integer_value(json_object_get(iso, "landlock_abi")));
        else if (mechanism)
                printf(INDENT "%-19s: %s\nWARNING: %s\n", "ISOLATION",
                       strcmp(mechanism, "weak") == 0 ? "WEAK" : "NONE (will not start)",
                       json_string_value(json_object_get(iso, "warning")));
        return 0;
}

static int run_showsid(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL, *status = NULL;
        int r = parse_operands(ctx, argc, argv, 1, 1);
        if (r == 0)
                r = scctl_set_service(ctx, argv[optind]);
        if (r == 0)
                r = query(ctx, &result);
        if (r != 0 || ctx->json)
                return r;
        r = scctl_call(ctx, "query_status", json_pack("{s:s}", "name", ctx->name), &status);
        if (r != 0)
                return r;
        const char *state = json_string_value(json_object_get(status, "state"));
        json_t *gid = json_object_get(result, "service_gid");
        const char *sid = json_string_value(json_object_get(result, "sid_type"));

        printf("%-19s: %s\n", "NAME", ctx->name);
        if (json_is_integer(gid))
                printf("%-19s: %lld%s\n", "SERVICE GID", (long long)json_integer_value(gid),
                       sid && strcmp(sid, "none") == 0
                               ? " (kept for it; not used while its sid type is none)"
                               : "");
        else
                printf("%-19s: (none: its sid type is none)\n", "SERVICE GID");
        printf("%-19s: %s\n", "SID TYPE", sid ? sid : "none");
        static const char *const folders[][2] = {{"STATE_DIRECTORY", "state_directory"},
                                                 {"RUNTIME_DIRECTORY", "runtime_directory"},
                                                 {"LOGS_DIRECTORY", "logs_directory"}};
        for (size_t i = 0; i < ELEMENTSOF(folders); i++) {
                const char *path = json_string_value(json_object_get(result, folders[i][1]));
                if (path)
                        printf("%-19s: %s\n", folders[i][0], path);
        }
        printf("%-19s: %s\n", "STATUS",
               state && strcmp(state, "stopped") != 0 ? "Active" : "Inactive");
        return 0;
}

/* ---- privilege grant|revoke|show ACCOUNT ---- */

static int run_privilege(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_operands(ctx, argc, argv, 2, -1);
        if (r != 0)
                return r;
        const char *action = argv[optind], *account = argv[optind + 1];
        int nprivs = argc - optind - 2;
        const char *method = strcmp(action, "grant") == 0    ? "add_account_rights"
                             : strcmp(action, "revoke") == 0 ? "remove_account_rights"
                             : strcmp(action, "show") == 0   ? "query_account_rights"
                                                             : NULL;
        if (!method)
                return scctl_usage_error(ctx, "'%s' is not one of: grant, revoke, show", action);
        if (strcmp(action, "show") == 0 ? nprivs != 0 : nprivs < 1)
                return scctl_usage_error(ctx, "%s",
                                         strcmp(action, "show") == 0
                                                 ? "show takes only an ACCOUNT"
                                                 : "name at least one privilege");
        json_t *params = json_pack("{s:s}", "account", account);
        if (!params)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "the account is not valid UTF-8 text");
        if (nprivs > 0) {
                json_t *list = privilege_list(argv + optind + 2, nprivs);
                if (!list) {
                        json_decref(params);
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "the privileges are not valid UTF-8 text");
                }
                json_object_set_new(params, "privileges", list);
        }
        r = scctl_call(ctx, method, params, &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        printf("%-19s: %s\n%-19s: %s\n", "ACCOUNT", account, "USER",
               json_string_value(json_object_get(result, "user")));
        if (json_is_true(json_object_get(result, "all")))
                printf("%-19s: (all: root holds every privilege)\n", "PRIVILEGES");
        else {
                json_t *list = json_object_get(result, "privileges");
                size_t i;
                json_t *v;
                if (json_array_size(list) == 0)
                        printf("%-19s: (none)\n", "PRIVILEGES");
                json_array_foreach(list, i, v)
                        printf("%-19s: %s\n", i == 0 ? "PRIVILEGES" : "", json_string_value(v));
        }
        return 0;
}

const struct scctl_verb verb_privs = {
        .name = "privs",
        .synopsis = "NAME PRIVILEGE[/PRIVILEGE...]...",
        .summary = "Set the privileges a service requires (ChangeServiceConfig2)",
        .help = "PRIVILEGE is a capability name such as CAP_NET_BIND_SERVICE; join several\n"
                "with '/' (or ','), or give them as separate arguments.  \"\" clears the list.\n"
                "The service then runs with exactly those capabilities (bounding, permitted,\n"
                "effective, inheritable and, for an account other than root, ambient) and\n"
                "no_new_privs.  An empty list keeps the account's default: root holds all,\n"
                "any other account none.  The account must be granted each one (see\n"
                "scctl privilege), or the start fails with PRIVILEGE_NOT_HELD.\n",
        .run = run_privs,
};

const struct scctl_verb verb_qprivs = {
        .name = "qprivs",
        .synopsis = "NAME",
        .summary = "Print the privileges a service requires (QueryServiceConfig2)",
        .run = run_qprivs,
};

const struct scctl_verb verb_sidtype = {
        .name = "sidtype",
        .synopsis = "NAME none|unrestricted|restricted",
        .summary = "Set a service's identity type (ChangeServiceConfig2)",
        .help = "  none          the account's identity only (the default)\n"
                "  unrestricted  a group of its own (added to its process) and its own state,\n"
                "                runtime and logs folders, in STATE_DIRECTORY, RUNTIME_DIRECTORY\n"
                "                and LOGS_DIRECTORY\n"
                "  restricted    as unrestricted, and it may write only to its folders, the\n"
                "                paths of config --writable, /tmp and /dev/shm (Landlock); a\n"
                "                kernel without Landlock refuses to start it unless config\n"
                "                --allow-weak-isolation was given\n",
        .run = run_sidtype,
};

const struct scctl_verb verb_qsidtype = {
        .name = "qsidtype",
        .synopsis = "NAME",
        .summary = "Print a service's identity type and how it is isolated (QueryServiceConfig2)",
        .run = run_qsidtype,
};

const struct scctl_verb verb_showsid = {
        .name = "showsid",
        .synopsis = "NAME",
        .summary = "Print a service's group id and folders, and whether it runs",
        .run = run_showsid,
};

const struct scctl_verb verb_privilege = {
        .name = "privilege",
        .synopsis = "grant|revoke ACCOUNT PRIVILEGE... | show ACCOUNT",
        .summary = "Change or show which privileges an account may hold (the policy)",
        .help = "ACCOUNT is a user name, or LocalSystem, LocalService or NetworkService.\n"
                "A service may require only privileges its account is granted; root holds\n"
                "every privilege, and none can be revoked from it.\n",
        .run = run_privilege,
};
