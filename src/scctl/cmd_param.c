/* SPDX-License-Identifier: MIT */
/*
 * Service parameters, the registry way: scctl param NAME [VALUE [DATA...]]
 * reads and writes the values under
 * HKLM\SYSTEM\CurrentControlSet\Services\NAME\Parameters (or --key's
 * subkey, or with --key "" the service's own key, read-only), printing them
 * as reg.exe's query does; docs/protocol.md, "Service parameters".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "scctl.h"

#define SERVICES_KEY "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\"

enum { OPT_TYPE = 0x2000, OPT_KEY, OPT_DELETE };

static const struct option param_options[] = {
        {"type", required_argument, NULL, OPT_TYPE},
        {"key", required_argument, NULL, OPT_KEY},
        {"delete", no_argument, NULL, OPT_DELETE},
        {},
};

static const char *const type_names[][2] = {
        {"sz", "REG_SZ"},       {"expand_sz", "REG_EXPAND_SZ"}, {"multi_sz", "REG_MULTI_SZ"},
        {"dword", "REG_DWORD"}, {"qword", "REG_QWORD"},         {"binary", "REG_BINARY"},
};

/* The protocol's type for "dword" or "REG_DWORD" (any case), or NULL. */
static const char *type_of(const char *text) {
        for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
                if (strcasecmp(text, type_names[i][0]) == 0 ||
                    strcasecmp(text, type_names[i][1]) == 0)
                        return type_names[i][0];
        return NULL;
}

static const char *reg_name(const char *type) {
        for (size_t i = 0; i < ELEMENTSOF(type_names); i++)
                if (strcmp(type, type_names[i][0]) == 0)
                        return type_names[i][1];
        return type;
}

struct param_args {
        const char *type, *key;
        bool delete;
};

static int read_options(struct scctl *ctx, int argc, char **argv, struct param_args *a) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_TYPE && !(a->type = type_of(optarg)))
                        return scctl_usage_error(ctx,
                                                 "unknown --type '%s': REG_SZ, REG_EXPAND_SZ, "
                                                 "REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY",
                                                 optarg);
                if (opt == OPT_KEY)
                        a->key = optarg;
                if (opt == OPT_DELETE)
                        a->delete = true;
        }
        return opt < 0 ? ctx->exit_status : 0;
}

/* DATA operands as the protocol's data for type. */
static int data_of(struct scctl *ctx, const char *type, char **v, int n, json_t **ret) {
        if (strcmp(type, "multi_sz") == 0) {
                *ret = json_array();
                for (int i = 0; i < n; i++)
                        json_array_append_new(*ret, json_string(v[i]));
                return 0;
        }
        if (n != 1)
                return scctl_usage_error(ctx, "a %s value takes one DATA operand", reg_name(type));
        if (strcmp(type, "dword") == 0 || strcmp(type, "qword") == 0) {
                char *end;
                errno = 0;
                unsigned long long x = strtoull(v[0], &end, 0);
                if (errno || end == v[0] || *end || v[0][0] == '-' || x > INT64_MAX)
                        return scctl_usage_error(ctx, "'%s' is not a number for %s", v[0],
                                                 reg_name(type));
                *ret = json_integer((json_int_t)x);
                return 0;
        }
        *ret = json_string(v[0]);
        return *ret ? 0 : scctl_usage_error(ctx, "'%s' is not valid UTF-8", v[0]);
}

static void print_data(const char *type, const json_t *data) {
        size_t i;
        const json_t *e;
        if (json_is_integer(data))
                printf("0x%" PRIx64, (uint64_t)json_integer_value(data));
        else if (json_is_array(data))
                json_array_foreach(data, i, e)
                        printf("%s%s", i ? "\\0" : "", json_string_value(e));
        else if (strcmp(type, "binary") == 0)
                for (const char *p = json_string_value(data); p && *p; p++)
                        putchar(*p >= 'a' && *p <= 'f' ? *p - 'a' + 'A' : *p);
        else
                fputs(json_string_value(data) ?: "", stdout);
}

/* reg.exe query's layout: the key's path, then "    NAME    TYPE    DATA"
 * lines, then each subkey's path. */
static void print_listing(const char *service, const json_t *result) {
        const char *key = json_string_value(json_object_get(result, "key"));
        size_t i;
        const json_t *v;
        printf("\n" SERVICES_KEY "%s%s%s\n", service, key[0] ? "\\" : "", key);
        json_array_foreach(json_object_get(result, "values"), i, v) {
                const char *name = json_string_value(json_object_get(v, "name"));
                const char *type = json_string_value(json_object_get(v, "type"));
                printf("    %s    %s    ", name[0] ? name : "(Default)", reg_name(type));
                print_data(type, json_object_get(v, "data"));
                putchar('\n');
        }
        if (json_array_size(json_object_get(result, "subkeys")))
                putchar('\n');
        json_array_foreach(json_object_get(result, "subkeys"), i, v)
                printf(SERVICES_KEY "%s%s%s\\%s\n", service, key[0] ? "\\" : "", key,
                       json_string_value(v));
}

static int run_param(struct scctl *ctx, int argc, char **argv) {
        struct param_args a = {0};
        int r = read_options(ctx, argc, argv, &a);
        if (r != 0)
                return r;
        int n = argc - optind;
        if (n < 1)
                return scctl_usage_error(ctx, "names no service");
        if ((r = scctl_set_service(ctx, argv[optind])) != 0)
                return r;
        if (a.delete &&(n > 2 || (n == 1 && !a.key)))
                return scctl_usage_error(ctx, "--delete takes NAME and VALUE (a value), or NAME "
                                              "and --key PATH alone (the key and its values)");
        _cleanup_json_ json_t *params = json_pack("{s:s}", "name", argv[optind]), *result = NULL;
        if (a.key)
                json_object_set_new(params, "key", json_string(a.key));
        if (n >= 2)
                json_object_set_new(params, "value", json_string(argv[optind + 1]));
        const char *method = a.delete &&n == 1 ? "delete_parameter_key"
                             : a.delete        ? "delete_parameter"
                             : n > 2           ? "set_parameter"
                                               : "query_parameters";
        if (n > 2) {
                json_t *data;
                const char *type = a.type ? a.type : "sz";
                if ((r = data_of(ctx, type, argv + optind + 2, n - 2, &data)) != 0)
                        return r;
                json_object_set_new(params, "type", json_string(type));
                json_object_set_new(params, "data", data);
        }
        r = scctl_call(ctx, method, json_incref(params), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else if (strcmp(method, "query_parameters") == 0)
                print_listing(argv[optind], result);
        else
                printf("The operation completed successfully.\n");
        return 0;
}

const struct scctl_verb verb_param = {
        .name = "param",
        .synopsis = "NAME [VALUE [DATA...]]",
        .summary = "Read and write a service's parameters under its registry key",
        .help = "  --key PATH    the key below the service's: Parameters (the default),\n"
                "                Parameters\\SUB..., or \"\" for the service's own key, which\n"
                "                shows its configuration (ImagePath, Start, ...) read-only\n"
                "  --type TYPE   REG_SZ (the default), REG_EXPAND_SZ, REG_MULTI_SZ (one DATA\n"
                "                per string), REG_DWORD, REG_QWORD (decimal or 0x hex),\n"
                "                REG_BINARY (hex digits)\n"
                "  --delete      delete VALUE; with --key and no VALUE, the key and its\n"
                "                values (a key with subkeys stays: delete them first)\n"
                "No VALUE lists the key; VALUE alone shows it; with DATA it is set.\n"
                "Reading needs query-config on the service, writing change-config.\n",
        .options = param_options,
        .run = run_param,
};
