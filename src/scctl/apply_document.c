/* SPDX-License-Identifier: MIT */
/*
 * The configuration document (apply_document.h; docs/config-as-code.md).
 *
 * A service of the document is what scmd reports of it, gathered from
 * several queries into one object: the fields of query_config (less name
 * and log_file, which cannot be set), the least-privilege settings of
 * query_security, "failure_actions" (query_failure_actions' settable
 * fields), "access_list" (the text form, null for the default list),
 * "parameters" (key -> value name -> {type, data}) and "managed" (the mark
 * of apply_document.h, which is not shown among the parameters).
 *
 * A document read from a file is checked before anything is sent, and the
 * spellings scmd takes but reports otherwise (SIGTERM, "0027", LimitNOFILE,
 * an access list's order) are written as scmd reports them, so that the
 * same document compares equal the next time.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "apply_document.h"
#include "cleanup.h"
#include "validate.h"

#define DOCUMENT_VERSION 1

/* The settings of query_security that create and change_config take. */
static const char *const security_fields[] = {
        "required_privileges",  "sid_type",         "writable_paths",
        "allow_weak_isolation", "restrict_network", "interactive",
};
/* Fields of query_config that are not settings. */
static const char *const read_only_fields[] = {"name", "log_file"};
/* The settable fields of query_failure_actions. */
static const char *const failure_fields[] = {"reset_period", "actions", "command", "reboot_message",
                                             "non_crash_failures"};

static bool in_list(const char *s, const char *const *list, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (!strcmp(s, list[i]))
                        return true;
        return false;
}

/* ---- calls ---- */

/* A call that prints nothing: 0, or its error (SCM_ERR() or -errno); r > 0
 * an exit status when connecting failed (printed). */
int apply_call_quiet(struct scctl *ctx, const char *method, json_t *params, json_t **ret) {
        int r = scctl_connect(ctx);
        if (r != 0) {
                json_decref(params);
                return r;
        }
        json_t *result = NULL;
        r = scm_call(ctx->client, method, params, &result);
        if (ret)
                *ret = result;
        else
                json_decref(result);
        return r;
}

int apply_report_call(struct scctl *ctx, int r) {
        return r > 0 ? r : output_call_error(ctx, r);
}

/* ---- reading a service ---- */

/* Adds the values of key (and of its subkeys, depth first) to params. */
static int fetch_parameters(struct scctl *ctx, const char *name, const char *key, json_t *params) {
        _cleanup_json_ json_t *res = NULL;
        int r = apply_call_quiet(ctx, "query_parameters",
                                 json_pack("{s:s, s:s}", "name", name, "key", key), &res);
        if (r == SCM_ERR(SCM_ERROR_FILE_NOT_FOUND))
                return 0;
        if (r != 0)
                return r;
        size_t i;
        json_t *v;
        json_t *values = json_object();
        json_array_foreach(json_object_get(res, "values"), i, v) {
                json_object_set_new(values, json_string_value(json_object_get(v, "name")),
                                    json_pack("{s:O, s:O}", "type", json_object_get(v, "type"),
                                              "data", json_object_get(v, "data")));
        }
        const char *real_key = json_string_value(json_object_get(res, "key"));
        if (json_object_size(values) > 0)
                json_object_set_new(params, real_key ? real_key : key, values);
        else
                json_decref(values);
        json_array_foreach(json_object_get(res, "subkeys"), i, v) {
                _cleanup_free_ char *sub = NULL;
                if (asprintf(&sub, "%s\\%s", real_key ? real_key : key, json_string_value(v)) < 0)
                        return -ENOMEM;
                if ((r = fetch_parameters(ctx, name, sub, params)) != 0)
                        return r;
        }
        return 0;
}

/* Moves the managed marker out of params into doc's "managed". */
static void take_marker(json_t *doc, json_t *params) {
        const char *key;
        json_t *values;
        bool managed = false;
        void *tmp;
        json_object_foreach_safe(params, tmp, key, values) {
                if (strcasecmp(key, APPLY_MARKER_KEY) != 0)
                        continue;
                const char *vname;
                json_t *v;
                void *tmp2;
                json_object_foreach_safe(values, tmp2, vname, v) {
                        if (strcasecmp(vname, APPLY_MARKER_VALUE) == 0) {
                                managed = true;
                                json_object_del(values, vname);
                        }
                }
                if (json_object_size(values) == 0)
                        json_object_del(params, key);
        }
        json_object_set_new(doc, "managed", json_boolean(managed));
}

/* A list of query_sockets or query_triggers (entries {key: TEXT, ...}) as
 * the document has it: the texts (not the triggers scmd shows "from" the
 * sockets: those are the sockets'). */
static int fetch_texts(struct scctl *ctx, const char *method, const char *name, const char *list,
                       const char *key, json_t *doc) {
        _cleanup_json_ json_t *res = NULL;
        int r = apply_call_quiet(ctx, method, json_pack("{s:s}", "name", name), &res);
        if (r != 0)
                return r;
        json_t *texts = json_array(), *e;
        size_t i;
        json_array_foreach(json_object_get(res, list), i, e) {
                if (!json_object_get(e, "from"))
                        json_array_append(texts, json_object_get(e, key));
        }
        json_object_set_new(doc, list, texts);
        return 0;
}

/* The document's form of service name as scmd has it (*ret), or *ret NULL
 * when there is no such service.  0, or an error (SCM_ERR(), -errno, or an
 * exit status already printed). */
int apply_fetch_service(struct scctl *ctx, const char *name, json_t **ret) {
        _cleanup_json_ json_t *config = NULL, *security = NULL, *failure = NULL, *acl = NULL;
        *ret = NULL;
        int r = apply_call_quiet(ctx, "query_config", json_pack("{s:s}", "name", name), &config);
        if (r == SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST))
                return 0;
        if (r == 0)
                r = apply_call_quiet(ctx, "query_security", json_pack("{s:s}", "name", name),
                                     &security);
        if (r == 0)
                r = apply_call_quiet(ctx, "query_failure_actions", json_pack("{s:s}", "name", name),
                                     &failure);
        if (r == 0)
                r = apply_call_quiet(ctx, "query_object_security", json_pack("{s:s}", "name", name),
                                     &acl);
        if (r != 0)
                return r;

        json_t *doc = json_deep_copy(config);
        for (size_t i = 0; i < ELEMENTSOF(read_only_fields); i++)
                json_object_del(doc, read_only_fields[i]);
        for (size_t i = 0; i < ELEMENTSOF(security_fields); i++) {
                json_t *v = json_object_get(security, security_fields[i]);
                if (v)
                        json_object_set(doc, security_fields[i], v);
        }
        json_t *fa = json_object();
        for (size_t i = 0; i < ELEMENTSOF(failure_fields); i++) {
                json_t *v = json_object_get(failure, failure_fields[i]);
                if (v)
                        json_object_set(fa, failure_fields[i], v);
        }
        json_object_set_new(doc, "failure_actions", fa);
        json_object_set(doc, "access_list",
                        json_is_true(json_object_get(acl, "default"))
                                ? json_null()
                                : json_object_get(acl, "access_list"));
        json_t *params = json_object();
        json_object_set_new(doc, "parameters", params);
        r = fetch_parameters(ctx, name, "Parameters", params);
        if (r == 0)
                r = fetch_texts(ctx, "query_sockets", name, "sockets", "socket", doc);
        if (r == 0)
                r = fetch_texts(ctx, "query_triggers", name, "triggers", "trigger", doc);
        if (r != 0) {
                json_decref(doc);
                return r;
        }
        take_marker(doc, params);
        *ret = doc;
        return 0;
}

/* ---- export --document ---- */

static int print_document(json_t *doc) {
        char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (!text)
                return -ENOMEM;
        printf("%s\n", text);
        free(text);
        return 0;
}

/* The fields of a task that are its settings (task_list reports more):
 * its own, then its least privilege and sandbox in a service's words. */
static const char *const task_fields[] = {
        "command_line",
        "account",
        "triggers",
        "enabled",
        "time_limit_s",
        "overlap",
        "random_delay_s",
        "run_missed",
        "time_zone",
        "access",
        "required_privileges",
        "sid_type",
        "writable_paths",
        "allow_weak_isolation",
        "restrict_network",
        "no_new_privileges",
        "private_tmp",
        "protect_system",
        "protect_home",
        "private_devices",
        "ip_address_allow",
        "ip_address_deny",
        "socket_bind_allow",
        "socket_bind_deny",
        "system_call_allow",
        "system_call_deny",
        "system_call_action",
        "address_families_allow",
        "address_families_deny",
};

int apply_fetch_tasks(struct scctl *ctx, json_t **ret) {
        _cleanup_json_ json_t *list = NULL;
        *ret = NULL;
        int r = apply_call_quiet(ctx, "task_list", NULL, &list);
        if (r == SCM_ERR(SCM_ERROR_NOT_SUPPORTED))
                return 0; /* no scheduler runs: no tasks to speak of */
        if (r != 0)
                return r;
        json_t *tasks = json_object(), *t;
        size_t i;
        json_array_foreach(json_object_get(list, "tasks"), i, t) {
                json_t *doc = json_object();
                for (size_t f = 0; f < ELEMENTSOF(task_fields); f++)
                        json_object_set(doc, task_fields[f], json_object_get(t, task_fields[f]));
                json_object_set_new(tasks, json_string_value(json_object_get(t, "name")), doc);
        }
        *ret = tasks;
        return 0;
}

/* Every service's name (sorted by scmd), into names. */
int apply_all_names(struct scctl *ctx, json_t *names) {
        _cleanup_json_ json_t *list = NULL;
        int r = scctl_call(ctx, "enumerate", NULL, &list);
        if (r != 0)
                return r;
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(list, "services"), i, s)
                json_array_append(names, json_object_get(s, "name"));
        return 0;
}

int apply_export_document(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *names = json_array();
        _cleanup_json_ json_t *doc =
                json_pack("{s:i, s:{}}", "scm_config", DOCUMENT_VERSION, "services");
        int r = 0;
        if (argc == 0) {
                _cleanup_json_ json_t *order = NULL;
                if ((r = apply_all_names(ctx, names)) != 0)
                        return r;
                if ((r = scctl_call(ctx, "query_group_order", NULL, &order)) != 0)
                        return r;
                json_object_set(doc, "group_order", json_object_get(order, "groups"));
                json_decref(order);
                if ((r = scctl_call(ctx, "query_object_security", json_pack("{s:b}", "scm", 1),
                                    &order)) != 0)
                        return r;
                json_object_set(doc, "scm_access_list",
                                json_is_true(json_object_get(order, "default"))
                                        ? json_null()
                                        : json_object_get(order, "access_list"));
                json_t *tasks;
                if ((r = apply_fetch_tasks(ctx, &tasks)) != 0)
                        return apply_report_call(ctx, r);
                if (tasks)
                        json_object_set_new(doc, "tasks", tasks);
        }
        for (int i = 0; i < argc; i++) {
                if ((r = scctl_set_service(ctx, argv[i])) != 0)
                        return r;
                json_array_append_new(names, json_string(argv[i]));
        }
        size_t i;
        json_t *n;
        json_array_foreach(names, i, n) {
                json_t *service;
                ctx->name = json_string_value(n);
                r = apply_fetch_service(ctx, ctx->name, &service);
                if (r != 0)
                        return apply_report_call(ctx, r);
                if (!service)
                        return output_error(ctx, SCCTL_EXIT_REFUSED,
                                            SCM_ERROR_SERVICE_DOES_NOT_EXIST, NULL,
                                            "no service is named '%s'", ctx->name);
                json_object_set_new(json_object_get(doc, "services"), ctx->name, service);
        }
        return print_document(doc) < 0
                       ? output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                      "out of memory")
                       : 0;
}

/* ---- reading and checking a document ---- */

static int bad_document(struct scctl *ctx, const char *file, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

static int bad_document(struct scctl *ctx, const char *file, const char *format, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, format);
        vsnprintf(msg, sizeof(msg), format, ap);
        va_end(ap);
        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL, "%s: %s",
                            file, msg);
}

/* The rights of a service and of the SCM, in the order of the canonical
 * text form; NULL-terminated. */
static const char *const scm_rights[] = {
        "connect",      "create-service",    "enumerate",
        "lock",         "query-lock-status", "modify-boot-config",
        "read-control", "write-dac",         NULL,
};
static const char *const service_rights[] = {
        "query-config", "change-config",  "query-status", "enumerate-dependents", "start",
        "stop",         "pause-continue", "interrogate",  "user-defined-control", "delete",
        "read-control", "write-dac",      NULL,
};

static size_t count_rights(const char *const *rights) {
        size_t n = 0;
        while (rights[n])
                n++;
        return n;
}

/* Reads one entry's rights ("a, b,c" or "all") as bits; -1 when one is not
 * one of rights (scmd will say which). */
static int rights_bits(const char *text, const char *const *rights) {
        size_t all = count_rights(rights);
        int bits = 0;
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -1;
        for (char *save = NULL, *r = strtok_r(copy, ",", &save); r;
             r = strtok_r(NULL, ",", &save)) {
                r += strspn(r, " \t");
                size_t n = strlen(r);
                while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\t'))
                        r[--n] = '\0';
                size_t i = 0;
                if (!strcmp(r, "all")) {
                        bits = (1 << all) - 1;
                        continue;
                }
                while (i < all && strcmp(r, rights[i]))
                        i++;
                if (i == all)
                        return -1;
                bits |= 1 << i;
        }
        return bits;
}

/* An access list in the canonical text form scmd reports (docs/protocol.md,
 * "The text form"): one entry per principal, first-given order, rights in
 * their order or "all".  NULL when the text does not read (scmd judges). */
static char *canonical_acl(const char *text, const char *const *rights) {
        size_t all = count_rights(rights);
        char *principals[64];
        int bits[64];
        size_t n = 0;
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return NULL;
        for (char *save = NULL, *e = strtok_r(copy, ";", &save); e;
             e = strtok_r(NULL, ";", &save)) {
                e += strspn(e, " \t");
                if (!*e)
                        continue;
                char *p = NULL, *rest = NULL;
                if (strncmp(e, "allow", 5) || !strchr(" \t", e[5]) || !e[5])
                        return NULL;
                p = e + 5 + strspn(e + 5, " \t");
                rest = p + strcspn(p, " \t");
                if (!*rest)
                        return NULL;
                *rest++ = '\0';
                int b = rights_bits(rest, rights);
                if (b < 0)
                        return NULL;
                size_t i = 0;
                while (i < n && strcmp(principals[i], p))
                        i++;
                if (i == n) {
                        if (n == ELEMENTSOF(principals))
                                return NULL;
                        principals[n] = p;
                        bits[n++] = 0;
                }
                bits[i] |= b;
        }
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        if (!f)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                fprintf(f, "%sallow %s ", i ? "; " : "", principals[i]);
                if (bits[i] == (1 << all) - 1) {
                        fputs("all", f);
                        continue;
                }
                bool first = true;
                for (size_t r = 0; r < all; r++)
                        if (bits[i] & (1 << r)) {
                                fprintf(f, "%s%s", first ? "" : ",", rights[r]);
                                first = false;
                        }
        }
        fclose(f);
        return out;
}

/* The spellings scmd takes but reports otherwise, written as it reports
 * them, so that a document in either form compares equal the next time. */
/* prefix (when missing) and s, upper-cased, as a new JSON string. */
static json_t *upper_with(const char *prefix, const char *s) {
        char buf[128];
        snprintf(buf, sizeof(buf), "%s%s", strncasecmp(s, prefix, strlen(prefix)) ? prefix : "", s);
        for (char *c = buf; *c; c++)
                *c = (char)toupper((unsigned char)*c);
        return json_string(buf);
}

/* limits: names without "Limit" and upper-cased, "N:N" as "N". */
static json_t *normalized_limits(json_t *limits) {
        json_t *norm = json_object(), *p;
        const char *k;
        json_object_foreach(limits, k, p) {
                _cleanup_json_ json_t *name =
                        upper_with("", strncasecmp(k, "LIMIT", 5) ? k : k + 5);
                const char *val = json_string_value(p);
                const char *colon = val ? strchr(val, ':') : NULL;
                size_t n = colon ? (size_t)(colon - val) : 0;
                if (colon && strlen(colon + 1) == n && !strncmp(val, colon + 1, n))
                        json_object_set_new(norm, json_string_value(name), json_stringn(val, n));
                else
                        json_object_set(norm, json_string_value(name), p);
        }
        return norm;
}

static void normalize_service(json_t *s) {
        json_t *v = json_object_get(s, "access_list");
        if (json_is_string(v)) {
                char *acl = canonical_acl(json_string_value(v), service_rights);
                if (acl)
                        json_object_set_new(s, "access_list", json_string(acl));
                free(acl);
        }
        v = json_object_get(s, "stop_signal");
        if (json_is_string(v)) {
                const char *t = json_string_value(v);
                json_object_set_new(s, "stop_signal",
                                    upper_with("", strncasecmp(t, "SIG", 3) ? t : t + 3));
        }
        v = json_object_get(s, "umask");
        if (json_is_string(v) && json_string_value(v)[0]) {
                char *end;
                long m = strtol(json_string_value(v), &end, 8);
                if (!*end)
                        json_object_set_new(s, "umask", json_integer(m));
        }
        size_t i;
        json_t *p;
        v = json_object_get(s, "required_privileges");
        json_array_foreach(v, i, p) {
                if (json_is_string(p))
                        json_array_set_new(v, i, upper_with("CAP_", json_string_value(p)));
        }
        v = json_object_get(s, "limits");
        if (json_is_object(v))
                json_object_set_new(s, "limits", normalized_limits(v));
}

static int check_parameters(struct scctl *ctx, const char *file, const char *name,
                            const json_t *params) {
        const char *key, *vname;
        json_t *values, *v;
        if (!json_is_object(params))
                return bad_document(ctx, file, "service '%s': \"parameters\" is not an object",
                                    name);
        json_object_foreach((json_t *)params, key, values) {
                if (strncasecmp(key, "Parameters", 10) != 0 || (key[10] && key[10] != '\\'))
                        return bad_document(ctx, file,
                                            "service '%s': parameter key '%s' is not Parameters "
                                            "or Parameters\\SUB...",
                                            name, key);
                if (!json_is_object(values))
                        return bad_document(ctx, file, "service '%s': key '%s' is not an object",
                                            name, key);
                json_object_foreach(values, vname, v) {
                        if (!strcasecmp(key, APPLY_MARKER_KEY) &&
                            !strcasecmp(vname, APPLY_MARKER_VALUE))
                                return bad_document(ctx, file,
                                                    "service '%s': the value %s\\%s is scctl's "
                                                    "mark: write \"managed\" instead",
                                                    name, APPLY_MARKER_KEY, APPLY_MARKER_VALUE);
                        if (!json_is_object(v) || !json_is_string(json_object_get(v, "type")) ||
                            !json_object_get(v, "data") || json_object_size(v) != 2)
                                return bad_document(ctx, file,
                                                    "service '%s': parameter '%s\\%s' is not "
                                                    "{\"type\": ..., \"data\": ...}",
                                                    name, key, vname);
                }
        }
        return 0;
}

static bool is_text_list(const json_t *v) {
        size_t i;
        json_t *e;
        if (!json_is_array(v))
                return false;
        json_array_foreach(v, i, e) {
                if (!json_is_string(e))
                        return false;
        }
        return true;
}

/* A task of the document: an object of task_fields, each of its kind. */
static int check_task(struct scctl *ctx, const char *file, const char *name, json_t *t) {
        const char *reason, *key;
        json_t *v;
        if (validate_service_name(name, &reason) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_NAME, NULL,
                                    "%s: '%s' is not a valid task name: %s", file, name, reason);
        if (!json_is_object(t))
                return bad_document(ctx, file, "task '%s' is not an object", name);
        json_object_foreach(t, key, v) {
                if (!in_list(key, task_fields, ELEMENTSOF(task_fields)))
                        return bad_document(ctx, file,
                                            "task '%s': unknown field \"%s\" (known: "
                                            "command_line, account, triggers, enabled, "
                                            "time_limit_s, overlap, random_delay_s, run_missed, "
                                            "time_zone, access, and a service's "
                                            "required_privileges, sid_type, writable_paths, "
                                            "allow_weak_isolation, restrict_network, "
                                            "no_new_privileges, fences, network rules and "
                                            "system-call filter)",
                                            name, key);
                if (!strcmp(key, "triggers") && !is_text_list(v))
                        return bad_document(ctx, file,
                                            "task '%s': \"triggers\" is not a list "
                                            "of texts",
                                            name);
        }
        if (!json_is_string(json_object_get(t, "command_line")))
                return bad_document(ctx, file, "task '%s' has no \"command_line\"", name);
        normalize_service(t); /* the spellings of a service's fields, as scmd reports them */
        return 0;
}

static int check_tasks(struct scctl *ctx, const char *file, json_t *tasks) {
        const char *name;
        json_t *t;
        if (!json_is_object(tasks))
                return bad_document(ctx, file, "\"tasks\" is not an object");
        json_object_foreach(tasks, name, t) {
                int r = check_task(ctx, file, name, t);
                if (r != 0)
                        return r;
        }
        return 0;
}

static int check_service(struct scctl *ctx, const char *file, const char *name, json_t *s) {
        const char *reason;
        if (validate_service_name(name, &reason) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_NAME, NULL,
                                    "%s: '%s' is not a valid service name: %s", file, name, reason);
        if (!json_is_object(s))
                return bad_document(ctx, file, "service '%s' is not an object", name);
        const char *key;
        json_t *v;
        json_object_foreach(s, key, v) {
                if (in_list(key, read_only_fields, ELEMENTSOF(read_only_fields)))
                        return bad_document(ctx, file,
                                            "service '%s': \"%s\" cannot be set (the name is "
                                            "the key of \"services\"; the log file is scmd's)",
                                            name, key);
                if (!strcmp(key, "managed") && !json_is_boolean(v))
                        return bad_document(ctx, file,
                                            "service '%s': \"managed\" is not true or false", name);
                if (!strcmp(key, "access_list") && !json_is_string(v) && !json_is_null(v))
                        return bad_document(ctx, file,
                                            "service '%s': \"access_list\" is not a string or null",
                                            name);
                if ((!strcmp(key, "sockets") || !strcmp(key, "triggers")) && !is_text_list(v))
                        return bad_document(ctx, file,
                                            "service '%s': \"%s\" is not a list of texts", name,
                                            key);
        }
        json_t *fa = json_object_get(s, "failure_actions");
        if (fa && !json_is_object(fa))
                return bad_document(ctx, file, "service '%s': \"failure_actions\" is not an object",
                                    name);
        json_object_foreach(fa, key, v) {
                if (!in_list(key, failure_fields, ELEMENTSOF(failure_fields)))
                        return bad_document(
                                ctx, file,
                                "service '%s': unknown field \"failure_actions\".\"%s\" "
                                "(known: reset_period, actions, command, "
                                "reboot_message, non_crash_failures)",
                                name, key);
        }
        json_t *params = json_object_get(s, "parameters");
        if (params) {
                int r = check_parameters(ctx, file, name, params);
                if (r != 0)
                        return r;
        }
        normalize_service(s);
        return 0;
}

/* Reads and checks the document of file ("-": standard input). */
int apply_load_document(struct scctl *ctx, const char *file, json_t **ret) {
        json_error_t error;
        json_t *doc = !strcmp(file, "-") ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &error)
                                         : json_load_file(file, JSON_REJECT_DUPLICATES, &error);
        if (!doc)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_DATA, NULL,
                                    "%s: line %d: %s", file, error.line, error.text);
        *ret = doc;
        if (!json_is_object(doc))
                return bad_document(ctx, file, "the document is not a JSON object");
        const char *key;
        json_t *v;
        json_object_foreach(doc, key, v) {
                if (strcmp(key, "scm_config") && strcmp(key, "services") &&
                    strcmp(key, "group_order") && strcmp(key, "scm_access_list") &&
                    strcmp(key, "tasks"))
                        return bad_document(ctx, file,
                                            "unknown field \"%s\" (known: scm_config, services, "
                                            "group_order, scm_access_list, tasks)",
                                            key);
        }
        v = json_object_get(doc, "scm_config");
        if (v && (!json_is_integer(v) || json_integer_value(v) != DOCUMENT_VERSION))
                return bad_document(ctx, file,
                                    "\"scm_config\" is not %d, the version this scctl reads",
                                    DOCUMENT_VERSION);
        v = json_object_get(doc, "scm_access_list");
        if (v && !json_is_string(v) && !json_is_null(v))
                return bad_document(ctx, file, "\"scm_access_list\" is not a string or null");
        if (json_is_string(v)) {
                char *acl = canonical_acl(json_string_value(v), scm_rights);
                if (acl)
                        json_object_set_new(doc, "scm_access_list", json_string(acl));
                free(acl);
        }
        v = json_object_get(doc, "tasks");
        if (v) {
                int r = check_tasks(ctx, file, v);
                if (r != 0)
                        return r;
        }
        v = json_object_get(doc, "group_order");
        if (v && !json_is_array(v))
                return bad_document(ctx, file, "\"group_order\" is not a list of group names");
        json_t *services = json_object_get(doc, "services");
        if (!json_is_object(services))
                return bad_document(ctx, file, "\"services\" is missing or not an object");
        const char *name;
        json_object_foreach(services, name, v) {
                int r = check_service(ctx, file, name, v);
                if (r != 0)
                        return r;
                const char *other;
                json_t *w;
                json_object_foreach(services, other, w) {
                        if (other != name && names_equal(other, name) && strcmp(other, name) < 0)
                                return bad_document(ctx, file,
                                                    "services '%s' and '%s' are one name (names "
                                                    "ignore case)",
                                                    other, name);
                }
        }
        return 0;
}
