/* SPDX-License-Identifier: MIT */
/*
 * import and export: systemd service units in and out of scm.
 *
 * import reads each unit (unit_file.c), maps it (unit_import.c), and
 * creates the service, or, when one of that name exists, changes it to
 * what the unit says: a field the unit does not set goes back to its
 * default.  The failure actions follow with change_failure_actions.  A
 * directive whose loss would change the service's behaviour materially
 * stops the import unless --force; every directive not mapped is listed.
 * --dry-run prints the requests, one JSON line each, without connecting.
 *
 * export writes the unit document of a service from query_config,
 * query_security and query_failure_actions (unit_export.c).
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "scctl.h"
#include "unit_file.h"
#include "unit_import.h"

enum {
        OPT_NAME = 0x100,
        OPT_FORCE,
        OPT_DRY_RUN,
        OPT_UNIT_PATH,
};

static const struct option import_options[] = {
        {"name", required_argument, NULL, OPT_NAME},
        {"force", no_argument, NULL, OPT_FORCE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"unit-path", required_argument, NULL, OPT_UNIT_PATH},
        {},
};

/* The settings of query_security that create and change_config take. */
static const char *const security_fields[] = {"required_privileges", "sid_type",
                                              "writable_paths",      "allow_weak_isolation",
                                              "restrict_network",    "interactive"};

struct import_run {
        const char *name; /* --name */
        bool force, dry_run;
        const char *paths[UNIT_SEARCH_PATHS_MAX + 1];
        size_t n_paths;
        json_t *known; /* service names dependencies may point to */
};

static bool user_exists(const char *name) {
        return getpwnam(name) != NULL;
}

static bool group_exists(const char *name) {
        return getgrnam(name) != NULL;
}

static const char *const *search_paths(struct import_run *run) {
        size_t n = run->n_paths;
        for (size_t i = 0; unit_default_search_paths[i] && n < UNIT_SEARCH_PATHS_MAX; i++)
                run->paths[n++] = unit_default_search_paths[i];
        run->paths[n] = NULL;
        return run->paths;
}

/* The service name a unit argument gives ("/x/nginx.service" -> "nginx"). */
static char *service_name_of(const char *arg) {
        const char *base = strrchr(arg, '/');
        base = base ? base + 1 : arg;
        size_t n = strlen(base);
        if (n > 8 && !strcmp(base + n - 8, ".service"))
                n -= 8;
        return strndup(base, n);
}

/* ---- the report ---- */

static void print_report(FILE *f, const struct unit_file *u, const struct unit_import *m,
                         const char *what) {
        fprintf(f, "%s (%s) -> service %s: %s\n", u->name, u->path, m->name, what);
        size_t i;
        json_t *e;
        json_array_foreach(m->report, i, e) {
                const char *status = json_string_value(json_object_get(e, "status"));
                const char *field = json_string_value(json_object_get(e, "field"));
                const char *reason = json_string_value(json_object_get(e, "reason"));
                fprintf(f, "  %-11s %s=%s", status,
                        json_string_value(json_object_get(e, "directive")),
                        json_string_value(json_object_get(e, "value")));
                if (field)
                        fprintf(f, " -> %s", field);
                if (reason)
                        fprintf(f, "%s%s", field ? " (" : ": ", reason);
                if (field && reason)
                        fputc(')', f);
                fprintf(f, "  [%s]\n", json_string_value(json_object_get(e, "where")));
        }
        static const char *const statuses[] = {"mapped", "not-mapped", "not-needed", "refused"};
        fprintf(f, " ");
        for (size_t k = 0; k < ELEMENTSOF(statuses); k++) {
                size_t n = 0;
                json_array_foreach(m->report, i, e)
                        n += !strcmp(json_string_value(json_object_get(e, "status")), statuses[k]);
                fprintf(f, " %zu %s%s", n, statuses[k], k + 1 < ELEMENTSOF(statuses) ? "," : "\n");
        }
}

static json_t *request(const char *method, const char *name, const json_t *params) {
        json_t *p = json_deep_copy(params);
        if (!p)
                return NULL;
        json_object_set_new(p, "name", json_string(name));
        return json_pack("{s:s, s:o}", "method", method, "params", p);
}

/* ---- updating an existing service ---- */

/* Adds to params the default of every field of current (one query's
 * result) that the unit does not set and that is not at its default. */
static void add_resets(json_t *params, const json_t *current, bool failure, const char *name) {
        const char *field;
        json_t *v;
        json_object_foreach((json_t *)current, field, v) {
                if (json_object_get(params, field))
                        continue;
                if (!failure && !strcmp(field, "display_name")) {
                        if (strcmp(json_string_value(v) ?: "", name) != 0)
                                json_object_set_new(params, field, json_string(name));
                        continue;
                }
                const json_t *d = unit_field_default(field, failure);
                if (d && !unit_field_is_default(field, failure, v))
                        json_object_set(params, field, (json_t *)d);
        }
}

/* The requests for m: create, or change_config with resets when the
 * service exists (looked up unless dry_run), then the failure actions. */
static int plan_requests(struct scctl *ctx, const struct import_run *run,
                         const struct unit_import *m, json_t **ret) {
        _cleanup_json_ json_t *current = NULL, *security = NULL, *failure_now = NULL;
        bool exists = false;
        if (!run->dry_run) {
                int r = scctl_connect(ctx);
                if (r != 0)
                        return r;
                r = scm_call(ctx->client, "query_config", json_pack("{s:s}", "name", m->name),
                             &current);
                if (r < 0 && scm_error_win32(r) != SCM_ERROR_SERVICE_DOES_NOT_EXIST)
                        return output_call_error(ctx, r);
                exists = r >= 0;
                if (exists && (r = scctl_call(ctx, "query_security",
                                              json_pack("{s:s}", "name", m->name), &security)))
                        return r;
                if (exists && (r = scctl_call(ctx, "query_failure_actions",
                                              json_pack("{s:s}", "name", m->name), &failure_now)))
                        return r;
        }
        json_t *list = json_array();
        _cleanup_json_ json_t *config = json_deep_copy(m->config);
        if (exists) {
                _cleanup_json_ json_t *now = json_deep_copy(current);
                json_object_del(now, "name");
                json_object_del(now, "log_file");
                for (size_t i = 0; i < ELEMENTSOF(security_fields); i++) {
                        json_t *v = json_object_get(security, security_fields[i]);
                        if (v)
                                json_object_set(now, security_fields[i], v);
                }
                add_resets(config, now, false, m->name);
        }
        json_array_append_new(list, request(exists ? "change_config" : "create", m->name, config));
        _cleanup_json_ json_t *failure = m->failure ? json_deep_copy(m->failure) : json_object();
        if (exists) {
                json_object_del(failure_now, "name");
                json_object_del(failure_now, "failure_count");
                json_object_del(failure_now, "pending_action");
                add_resets(failure, failure_now, true, m->name);
        }
        if (json_object_size(failure) > 0) {
                if (json_object_get(failure, "actions") &&
                    !json_object_get(failure, "reset_period"))
                        json_object_set_new(failure, "reset_period", json_integer(0));
                json_array_append_new(list, request("change_failure_actions", m->name, failure));
        }
        *ret = list;
        return 0;
}

static int send_requests(struct scctl *ctx, const json_t *requests) {
        size_t i;
        json_t *rq;
        json_array_foreach(requests, i, rq) {
                _cleanup_json_ json_t *result = NULL;
                int r = scctl_call(ctx, json_string_value(json_object_get(rq, "method")),
                                   json_incref(json_object_get(rq, "params")), &result);
                if (r != 0)
                        return r;
        }
        return 0;
}

static int import_one(struct scctl *ctx, struct import_run *run, const char *arg) {
        struct unit_file u = {0};
        struct unit_import m = {0};
        _cleanup_json_ json_t *requests = NULL;
        int status = 0;

        int r = unit_file_load(&u, arg, search_paths(run));
        if (r == -ENOMEM)
                status = output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                      "out of memory");
        else if (r < 0)
                status = output_error(ctx, SCCTL_EXIT_REFUSED,
                                      r == -ENOENT ? SCM_ERROR_FILE_NOT_FOUND
                                                   : SCM_ERROR_INVALID_DATA,
                                      NULL, "%s", u.error);
        struct unit_import_options o = {.name = run->name,
                                        .known_services = run->known,
                                        .user_exists = user_exists,
                                        .group_exists = group_exists};
        if (status == 0 && (r = unit_import_map(&u, &o, &m)) < 0)
                status = output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                      "%s", r == -ENOMEM ? "out of memory" : m.error);
        ctx->name = m.name;
        bool refused = status == 0 && m.refused && !run->force;
        if (status == 0 && !refused)
                status = plan_requests(ctx, run, &m, &requests);
        if (status == 0 && !refused && !run->dry_run)
                status = send_requests(ctx, requests);

        const char *what =
                refused        ? "refused"
                : status != 0  ? "failed"
                : run->dry_run ? "dry run, nothing sent"
                : !strcmp(json_string_value(json_object_get(json_array_get(requests, 0), "method")),
                          "create")
                        ? "created"
                        : "changed";
        if (m.report && ctx->json) {
                _cleanup_json_ json_t *out =
                        json_pack("{s:s, s:s, s:s, s:s, s:O, s:O}", "unit", u.name, "file", u.path,
                                  "name", m.name, "result", what, "requests",
                                  requests ? requests : json_null(), "directives", m.report);
                if (out)
                        output_json(out);
        } else if (m.report) {
                if (run->dry_run && requests) {
                        size_t i;
                        json_t *rq;
                        json_array_foreach(requests, i, rq)
                                output_json(rq);
                }
                fflush(stdout);
                print_report(run->dry_run ? stderr : stdout, &u, &m, what);
        }
        if (refused)
                status = output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                      "%s: a directive marked refused would change what the "
                                      "service does; fix the unit (a drop-in), or import "
                                      "without it with --force",
                                      u.name);
        unit_import_done(&m);
        unit_file_done(&u);
        ctx->name = NULL;
        return status;
}

/* Every scm service name, for After=/Wants= (nothing when dry). */
static int known_services(struct scctl *ctx, struct import_run *run, int argc, char **argv) {
        run->known = json_array();
        for (int i = 0; i < argc; i++) {
                _cleanup_free_ char *name = service_name_of(argv[i]);
                if (name)
                        json_array_append_new(run->known, json_string(name));
        }
        if (run->dry_run)
                return 0;
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, "enumerate", json_object(), &result);
        if (r != 0)
                return r;
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(result, "services"), i, s)
                json_array_append(run->known, json_object_get(s, "name"));
        return 0;
}

static int run_import(struct scctl *ctx, int argc, char **argv) {
        struct import_run run = {0};
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_NAME)
                        run.name = optarg;
                else if (opt == OPT_FORCE)
                        run.force = true;
                else if (opt == OPT_DRY_RUN)
                        run.dry_run = true;
                else if (opt == OPT_UNIT_PATH && run.n_paths < UNIT_SEARCH_PATHS_MAX / 2)
                        run.paths[run.n_paths++] = optarg;
                else
                        return scctl_usage_error(ctx, "too many --unit-path");
        }
        if (opt < 0)
                return ctx->exit_status;
        if (optind >= argc)
                return scctl_usage_error(ctx, "name at least one UNIT.service");
        if (run.name && argc - optind > 1)
                return scctl_usage_error(ctx, "--name goes with one unit only");
        if (run.name && scctl_set_service(ctx, run.name) != 0)
                return SCCTL_EXIT_REFUSED;
        int status = known_services(ctx, &run, argc - optind, argv + optind);
        for (int i = optind; status == 0 && i < argc; i++)
                status = import_one(ctx, &run, argv[i]);
        json_decref(run.known);
        return status;
}

/* ---- export ---- */

enum { OPT_DOCUMENT = 0x200 };

static const struct option export_options[] = {
        {"document", no_argument, NULL, OPT_DOCUMENT},
        {},
};

static int run_export(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *config = NULL, *security = NULL, *failure = NULL;
        bool document = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                document |= opt == OPT_DOCUMENT;
        if (opt < 0)
                return ctx->exit_status;
        if (document) /* the declarative document of scctl apply (cmd_apply.c) */
                return apply_export_document(ctx, argc - optind, argv + optind);
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        int r = scctl_set_service(ctx, argv[optind]);
        json_t *params = json_pack("{s:s}", "name", ctx->name);
        if (r == 0)
                r = scctl_call(ctx, "query_config", json_incref(params), &config);
        if (r == 0)
                r = scctl_call(ctx, "query_security", json_incref(params), &security);
        if (r == 0)
                r = scctl_call(ctx, "query_failure_actions", json_incref(params), &failure);
        json_decref(params);
        if (r != 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(security_fields); i++) {
                json_t *v = json_object_get(security, security_fields[i]);
                if (v && !json_object_get(config, security_fields[i]))
                        json_object_set(config, security_fields[i], v);
        }
        _cleanup_free_ char *text = unit_export(config, failure);
        if (!text)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "out of memory");
        if (ctx->json) {
                _cleanup_json_ json_t *out =
                        json_pack("{s:s, s:s}", "name", ctx->name, "unit", text);
                output_json(out);
        } else {
                fputs(text, stdout);
        }
        return 0;
}

const struct scctl_verb verb_import = {
        .name = "import",
        .synopsis = "[--name NAME] [--force] [--dry-run] [--unit-path DIR] UNIT.service...",
        .summary = "Create or change services from systemd unit files (and their drop-ins)",
        .help = "UNIT is a path, or a unit name looked up (with its drop-ins, NAME.d/*.conf)\n"
                "in --unit-path DIRs, then /etc/systemd/system, /run/systemd/system,\n"
                "/lib/systemd/system and /usr/lib/systemd/system; NAME@INSTANCE.service\n"
                "reads the template NAME@.service.  The service is named after the unit\n"
                "without .service; one that exists is changed to what the unit says.\n"
                "Every directive is listed: mapped (to which field), not mapped, not needed.\n"
                "  --name NAME      the service's name (one unit only)\n"
                "  --force          import even when a directive is refused (one whose loss\n"
                "                   would change what the service does)\n"
                "  --dry-run        print the requests, one JSON line each, and send nothing\n"
                "                   (the report goes to stderr)\n"
                "  --unit-path DIR  look for units in DIR first (repeatable)\n"
                "  --json           the report as one JSON object per unit\n"
                "docs/from-systemd.md lists every directive and what becomes of it.\n",
        .options = import_options,
        .run = run_import,
};

const struct scctl_verb verb_export = {
        .name = "export",
        .synopsis = "NAME | --document [NAME...]",
        .summary = "Print a service as a systemd unit file that import takes back unchanged",
        .help = "The systemd directives for what systemd has words for; X-Scm- keys for\n"
                "scm's own settings (systemd ignores them).  scctl import of the output\n"
                "gives the same configuration back.  --json: {\"name\":..,\"unit\":TEXT}.\n"
                "  --document  instead, the named services (every service, and the group\n"
                "              order, when none is named) as the JSON document scctl apply\n"
                "              takes: apply of it changes nothing (docs/config-as-code.md)\n",
        .options = export_options,
        .run = run_export,
};
