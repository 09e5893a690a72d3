/* SPDX-License-Identifier: MIT */
/*
 * scctl's entry point: the verb table, the global options (accepted before
 * and after the verb), help and version, and the one connection to scmd
 * that every verb shares.  A verb parses its own options through
 * scctl_next_option(), which merges the global ones in, so
 * "scctl --json query web" and "scctl query web --json" mean the same.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdline.h"
#include "scctl.h"
#include "validate.h"

#ifndef SCM_VERSION
#define SCM_VERSION "unknown"
#endif

#define TIMEOUT_DEFAULT_MS 30000
#define TIMEOUT_MAX_SECONDS 86400.0
/* A call may take longer than connecting (a start waits for exec). */
#define CALL_TIMEOUT_MIN_MS 60000

/* sc.exe's verbs, then systemctl's words (cmd_habits.c). */
static const struct scctl_verb *const verbs[] = {
        &verb_create,
        &verb_config,
        &verb_delete,
        &verb_qc,
        &verb_start,
        &verb_stop,
        &verb_pause,
        &verb_continue,
        &verb_interrogate,
        &verb_control,
        &verb_query,
        &verb_queryex,
        &verb_logs,
        &verb_privs,
        &verb_qprivs,
        &verb_sidtype,
        &verb_qsidtype,
        &verb_showsid,
        &verb_privilege,
        &verb_failure,
        &verb_qfailure,
        &verb_failureflag,
        &verb_qfailureflag,
        &verb_boot,
        &verb_lkg,
        &verb_watch,
        &verb_analyze,
        &verb_secret,
        &verb_shutdown,
        &verb_group_order,
        &verb_enumdepend,
        &verb_sdshow,
        &verb_sdset,
        &verb_lock,
        &verb_querylock,
        &verb_bridge,
        &verb_metrics,
        &verb_import,
        &verb_export,
        &verb_getkeyname,
        &verb_getdisplayname,
        &verb_param,
        &verb_description,
        &verb_qdescription,
        &verb_daemon_reexec,
        &verb_power_event,
        &verb_message,
        &verb_reload,
        &verb_task,
        &verb_at,
        &verb_sockets,
        &verb_triggers,
        &verb_triggerinfo,
        &verb_qtriggerinfo,
        &verb_trigger,
        &verb_apply,
        &verb_restart,
        &verb_status,
        &verb_enable,
        &verb_disable,
        &verb_list,
        &verb_list_units,
        &verb_cat,
        &verb_show,
        &verb_is_active,
        &verb_is_enabled,
        &verb_kill,
        &verb_qsecurity,
};

enum {
        OPT_ROOT = 0x1000,
        OPT_USER,
        OPT_SYSTEM,
        OPT_SOCKET,
        OPT_TIMEOUT,
        OPT_JSON,
        OPT_HOST,
        OPT_HOSTS,
        OPT_PARALLEL,
        OPT_REMOTE_SCCTL,
        OPT_WAIT_SCMD,
        OPT_VERSION,
};

static const struct option global_options[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"user", no_argument, NULL, OPT_USER},
        {"system", no_argument, NULL, OPT_SYSTEM},
        {"socket", required_argument, NULL, OPT_SOCKET},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"json", no_argument, NULL, OPT_JSON},
        {"host", required_argument, NULL, OPT_HOST},
        {"hosts", required_argument, NULL, OPT_HOSTS},
        {"parallel", required_argument, NULL, OPT_PARALLEL},
        {"remote-scctl", required_argument, NULL, OPT_REMOTE_SCCTL},
        {"wait", no_argument, NULL, OPT_WAIT_SCMD},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
};

static const char global_help[] =
        "Global options (before or after the verb):\n"
        "  --root DIR       the scmd started with --root DIR (socket DIR/run/scm.sock)\n"
        "  --user           your own scmd ($XDG_RUNTIME_DIR/scm/scm.sock)\n"
        "  --system         the system scmd (/run/scm/scm.sock)\n"
        "  --socket PATH    the scmd listening on PATH (wins over the three above)\n"
        "  --timeout SECS   how long to wait for a starting scmd to accept, and for --wait\n"
        "                   (default 30)\n"
        "  --wait           wait up to --timeout for scmd to come; without it, no scmd\n"
        "                   running is an error at once (RPC_S_SERVER_UNAVAILABLE)\n"
        "  --json           print the SCM's result, or its error, as one line of JSON\n"
        "  --host [USER@]HOST[:PORT]\n"
        "                   the scmd of HOST, through ssh ($SCM_SSH, default ssh) running\n"
        "                   'scctl bridge' there; --root/--user/--system/--socket are HOST's\n"
        "  --hosts FILE|H1,H2,...\n"
        "                   run on every host (a file: one a line), --parallel N at a time\n"
        "                   (8); output prefixed by host (--json: one object per host)\n"
        "  --remote-scctl CMD  the scctl to run on the remote host ($SCM_REMOTE_SCCTL; scctl)\n"
        "  -h, --help       this help; scctl VERB --help for a verb's own\n"
        "  --version        print the version\n";

static const char exit_help[] = "Exit status:\n"
                                "  0  success\n"
                                "  1  the SCM refused the request; its Win32 error was printed\n"
                                "  2  usage error\n"
                                "  3  scmd cannot be reached (RPC_S_SERVER_UNAVAILABLE, 1722)\n"
                                "  4  a --wait deadline passed\n";

static void print_main_help(void) {
        printf("usage: scctl [OPTIONS] VERB [ARGS...]\n\n"
               "Create, configure, start, stop and query the services of scmd, the\n"
               "Service Control Manager.  The verbs are those of Windows sc.exe.\n\n"
               "Verbs:\n");
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                printf("  %-12s %s\n", verbs[i]->name, verbs[i]->summary);
        printf("\n%s\n"
               "Without --socket, --root, --user or --system, $SCM_SOCKET is used when set,\n"
               "else the system socket for root and the user socket for anyone else.\n\n"
               "%s",
               global_help, exit_help);
}

static void print_verb_help(const struct scctl_verb *verb) {
        printf("usage: scctl %s %s\n\n%s.\n", verb->name, verb->synopsis, verb->summary);
        if (verb->help && verb->help[0])
                printf("\n%s", verb->help);
        printf("\n%s\n%s", global_help, exit_help);
}

/* A usage error under --json: one JSON error object on stdout, as the
 * SCM's own (INVALID_PARAMETER), with the usage in its data. */
static void usage_error_json(const struct scctl *ctx, const char *message) {
        _cleanup_free_ char *usage = NULL;
        if (ctx->verb && asprintf(&usage, "scctl %s %s", ctx->verb->name, ctx->verb->synopsis) < 0)
                usage = NULL;
        json_t *error = json_pack(
                "{s:{s:i, s:s, s:{s:s, s:i, s:s, s:b}}}", "error", "code", -32602, "message",
                message, "data", "error", "INVALID_PARAMETER", "win32", SCM_ERROR_INVALID_PARAMETER,
                "usage", usage ? usage : "scctl [OPTIONS] VERB [ARGS...]", "usage_error", 1);
        if (error)
                output_json(error);
        json_decref(error);
}

int scctl_usage_error(struct scctl *ctx, const char *format, ...) {
        va_list ap;

        fflush(stdout);
        if (ctx->json) {
                _cleanup_free_ char *message = NULL;
                va_start(ap, format);
                int n = vasprintf(&message, format, ap);
                va_end(ap);
                usage_error_json(ctx, n < 0 ? "usage error" : message);
                return SCCTL_EXIT_USAGE;
        }
        fprintf(stderr, "scctl: %s%s", ctx->verb ? ctx->verb->name : "", ctx->verb ? ": " : "");
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        if (ctx->verb)
                fprintf(stderr, "\nusage: scctl %s %s\n(see scctl %s --help)\n", ctx->verb->name,
                        ctx->verb->synopsis, ctx->verb->name);
        else
                fprintf(stderr, "\n(see scctl --help)\n");
        return SCCTL_EXIT_USAGE;
}

/* SECS as milliseconds: a decimal number of seconds, fractions allowed. */
static int parse_timeout(const char *arg, int *ret_ms) {
        char *end;
        errno = 0;
        double seconds = strtod(arg, &end);
        if (errno != 0 || end == arg || *end != '\0' || !isfinite(seconds) || seconds < 0 ||
            seconds > TIMEOUT_MAX_SECONDS)
                return -EINVAL;
        *ret_ms = (int)(seconds * 1000 + 0.5);
        return 0;
}

static int set_mode(struct scctl *ctx, enum scm_mode mode, const char *root) {
        if (ctx->mode != SCM_MODE_AUTO && ctx->mode != mode)
                return scctl_usage_error(ctx, "--root, --user and --system exclude each other");
        ctx->mode = mode;
        ctx->root = root;
        return 0;
}

/* Handles one global option; returns 0 or an exit status. */
static int global_option(struct scctl *ctx, int opt, const char *arg) {
        switch (opt) {
        case OPT_ROOT:
                if (!arg[0])
                        return scctl_usage_error(ctx, "--root needs a directory");
                return set_mode(ctx, SCM_MODE_ROOT, arg);
        case OPT_USER:
                return set_mode(ctx, SCM_MODE_USER, NULL);
        case OPT_SYSTEM:
                return set_mode(ctx, SCM_MODE_SYSTEM, NULL);
        case OPT_SOCKET:
                if (!arg[0])
                        return scctl_usage_error(ctx, "--socket needs a path");
                ctx->socket_option = arg;
                return 0;
        case OPT_TIMEOUT:
                if (parse_timeout(arg, &ctx->timeout_ms) < 0)
                        return scctl_usage_error(ctx,
                                                 "--timeout '%s' is not a number of seconds "
                                                 "from 0 to 86400",
                                                 arg);
                return 0;
        case OPT_JSON:
                ctx->json = true;
                return 0;
        case OPT_HOST:
                if (!arg[0])
                        return scctl_usage_error(ctx, "--host needs [USER@]HOST[:PORT]");
                ctx->host = arg;
                return 0;
        case OPT_HOSTS:
                ctx->hosts = arg;
                return 0;
        case OPT_PARALLEL: {
                char *end;
                unsigned long n = strtoul(arg, &end, 10);
                if (!arg[0] || *end || n < 1 || n > 256)
                        return scctl_usage_error(ctx, "--parallel takes a number from 1 to 256");
                ctx->parallel = (unsigned)n;
                return 0;
        }
        case OPT_REMOTE_SCCTL:
                ctx->remote_scctl = arg;
                return 0;
        case OPT_WAIT_SCMD:
                ctx->wait_scmd = true;
                return 0;
        default:
                abort(); /* only called for the options of global_options[] */
        }
}

static bool is_global_option(int opt) {
        return opt >= OPT_ROOT && opt < OPT_VERSION;
}

/* The long options of ctx's verb followed by the global ones, terminated;
 * malloc'd. */
static struct option *merged_options(const struct scctl *ctx) {
        size_t n = 0;
        while (ctx->verb && ctx->verb->options && ctx->verb->options[n].name)
                n++;
        struct option *all = calloc(n + ELEMENTSOF(global_options) + 1, sizeof(*all));
        if (!all)
                return NULL;
        if (n > 0)
                memcpy(all, ctx->verb->options, n * sizeof(*all));
        memcpy(all + n, global_options, sizeof(global_options));
        return all;
}

/* The long option of ctx's verb, or a global one, nearest to typed (its
 * name, without "--" and any "=VALUE"). */
static const char *nearest_option(const struct scctl *ctx, const char *typed) {
        _cleanup_free_ struct option *options = merged_options(ctx);
        char word[128];
        snprintf(word, sizeof(word), "%.*s", (int)strcspn(typed, "="), typed);
        size_t n = 0;
        while (options && options[n].name)
                n++;
        _cleanup_free_ const char **names = calloc(n + 1, sizeof(*names));
        if (!names)
                return NULL;
        for (size_t i = 0; i < n; i++)
                names[i] = options[i].name;
        return suggest_nearest(word, names, n);
}

/* Reports what getopt_long() refused: an unknown option (opt '?') or one
 * without its value (':').  A long option is still argv[optind - 1]; a
 * short one is optopt, as it may sit inside a cluster such as -fx. */
static int bad_option(struct scctl *ctx, int opt, char **argv) {
        const char *what = argv[optind - 1];
        bool is_long = strncmp(what, "--", 2) == 0;

        if (is_long && opt == ':')
                return scctl_usage_error(ctx, "option %s needs a value", what);
        if (is_long) {
                const char *near = nearest_option(ctx, what + 2);
                if (near)
                        return scctl_usage_error(ctx, "unknown option %s; did you mean --%s?", what,
                                                 near);
                return scctl_usage_error(ctx, "unknown option %s", what);
        }
        return opt == ':' ? scctl_usage_error(ctx, "option -%c needs a value", optopt)
                          : scctl_usage_error(ctx, "unknown option -%c", optopt);
}

int scctl_next_option(struct scctl *ctx, int argc, char **argv) {
        _cleanup_free_ struct option *options = merged_options(ctx);
        char shortopts[64];

        if (!options) {
                fprintf(stderr, "scctl: out of memory\n");
                ctx->exit_status = SCCTL_EXIT_REFUSED;
                return -1;
        }
        /* Before the verb, stop at the first operand: it is the verb. */
        snprintf(shortopts, sizeof(shortopts), "%s:h%s", ctx->verb ? "" : "+",
                 ctx->verb && ctx->verb->short_options ? ctx->verb->short_options : "");
        opterr = 0;
        for (;;) {
                int opt = getopt_long(argc, argv, shortopts, options, NULL);
                if (opt == -1)
                        return 0;
                if (opt == '?' || opt == ':') {
                        ctx->exit_status = bad_option(ctx, opt, argv);
                        return -1;
                }
                if (opt == 'h' || opt == OPT_VERSION) {
                        if (opt == OPT_VERSION)
                                printf("scctl %s\n", SCM_VERSION);
                        else if (ctx->verb)
                                print_verb_help(ctx->verb);
                        else
                                print_main_help();
                        ctx->exit_status = SCCTL_EXIT_DONE;
                        return -1;
                }
                if (!is_global_option(opt))
                        return opt;
                ctx->exit_status = global_option(ctx, opt, optarg);
                if (ctx->exit_status != 0)
                        return -1;
        }
}

int scctl_set_service(struct scctl *ctx, const char *name) {
        const char *reason;

        ctx->name = name;
        if (validate_service_name(name, &reason) < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_NAME, NULL,
                                    "'%s' is not a valid service name: %s", name, reason);
        return 0;
}

static int resolve_socket(struct scctl *ctx) {
        if (ctx->socket_path)
                return 0;
        ctx->socket_path = ctx->socket_option ? strdup(ctx->socket_option)
                                              : scm_client_socket_path(ctx->mode, ctx->root);
        return ctx->socket_path ? 0 : -(errno > 0 ? errno : ENOMEM);
}

/* Through ssh to ctx->host: connected once a ping comes back. */
static int connect_remote(struct scctl *ctx) {
        free(ctx->socket_path);
        if (asprintf(&ctx->socket_path, "%s (through ssh)", ctx->host) < 0) {
                ctx->socket_path = NULL;
                return output_unreachable(ctx, -ENOMEM);
        }
        int r = remote_connect(ctx, &ctx->client);
        if (r < 0)
                return output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE,
                                    json_pack("{s:s}", "host", ctx->host), "cannot run ssh: %s",
                                    strerror(-r));
        scm_client_set_timeout(ctx->client, ctx->timeout_ms);
        _cleanup_json_ json_t *pong = NULL;
        r = scm_call(ctx->client, "ping", NULL, &pong);
        if (r < 0 && scm_error_win32(r) <= 0) {
                const char *said = remote_ssh_error();
                scm_disconnect(ctx->client);
                ctx->client = NULL;
                return output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE,
                                    json_pack("{s:s}", "host", ctx->host),
                                    "cannot reach scmd on %s through ssh: %s", ctx->host,
                                    said[0] ? said : strerror(-r));
        }
        scm_client_set_timeout(ctx->client, ctx->timeout_ms > CALL_TIMEOUT_MIN_MS
                                                    ? ctx->timeout_ms
                                                    : CALL_TIMEOUT_MIN_MS);
        return 0;
}

int scctl_connect(struct scctl *ctx) {
        if (ctx->client)
                return 0;
        if (ctx->host)
                return connect_remote(ctx);
        int r = resolve_socket(ctx);
        if (r >= 0)
                r = (ctx->wait_scmd ? scm_connect_wait
                                    : scm_connect)(ctx->socket_path, ctx->timeout_ms, &ctx->client);
        if (r < 0)
                return output_unreachable(ctx, r);
        scm_client_set_timeout(ctx->client, ctx->timeout_ms > CALL_TIMEOUT_MIN_MS
                                                    ? ctx->timeout_ms
                                                    : CALL_TIMEOUT_MIN_MS);
        return 0;
}

int scctl_call(struct scctl *ctx, const char *method, json_t *params, json_t **ret_result) {
        int r = scctl_connect(ctx);
        if (r != 0) {
                json_decref(params);
                return r;
        }
        r = scm_call(ctx->client, method, params, ret_result);
        return r < 0 ? output_call_error(ctx, r) : 0;
}

int scctl_change_service(struct scctl *ctx, const char *method, json_t *params) {
        _cleanup_json_ json_t *result = NULL;
        json_object_set_new(params, "name", json_string(ctx->name));
        int r = scctl_call(ctx, method, params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] ChangeServiceConfig2 SUCCESS\n");
        return 0;
}

int scctl_query_service(struct scctl *ctx, const char *method, json_t **ret) {
        int r = scctl_call(ctx, method, json_pack("{s:s}", "name", ctx->name), ret);
        if (r == 0 && ctx->json)
                output_json(*ret);
        return r;
}

static const struct scctl_verb *find_verb(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                if (strcmp(verbs[i]->name, name) == 0)
                        return verbs[i];
        return NULL;
}

static int run(struct scctl *ctx, int argc, char **argv) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (optind >= argc)
                return scctl_usage_error(ctx, "no verb given");

        ctx->verb = find_verb(argv[optind]);
        if (!ctx->verb) {
                const char *name = argv[optind], *names[ELEMENTSOF(verbs)];
                for (size_t i = 0; i < ELEMENTSOF(verbs); i++)
                        names[i] = verbs[i]->name;
                const char *near = suggest_nearest(name, names, ELEMENTSOF(verbs));
                if (near)
                        return scctl_usage_error(ctx, "unknown verb '%s'; did you mean '%s'?", name,
                                                 near);
                return scctl_usage_error(ctx, "unknown verb '%s'", name);
        }
        int verb_argc = argc - optind;
        char **verb_argv = argv + optind;
        _cleanup_(strv_free_p) char **translated = NULL;
        int r = sc_syntax_translate(ctx, verb_argc, verb_argv, &verb_argc, &translated);
        if (r != 0)
                return r;
        optind = 0; /* a fresh scan of the verb's own argv */
        return ctx->verb->run(ctx, verb_argc, translated ? translated : verb_argv);
}

/* --hosts, read before anything else (with --json and --parallel, which
 * shape its output): the verb then runs once per host, each in a scctl of
 * its own (remote.c). */
static void prescan_hosts(struct scctl *ctx, int argc, char **argv) {
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
                const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
                if (strcmp(a, "--hosts") == 0 && v)
                        ctx->hosts = argv[++i];
                else if (strncmp(a, "--hosts=", 8) == 0)
                        ctx->hosts = a + 8;
                else if (strcmp(a, "--json") == 0)
                        ctx->json = true;
                else if (strcmp(a, "--parallel") == 0 && v)
                        (void)global_option(ctx, OPT_PARALLEL, argv[++i]);
        }
}

int main(int argc, char **argv) {
        struct scctl ctx = {.mode = SCM_MODE_AUTO, .timeout_ms = TIMEOUT_DEFAULT_MS, .parallel = 8};

        prescan_hosts(&ctx, argc, argv);
        int status = ctx.hosts ? remote_run_hosts(&ctx, argc, argv) : run(&ctx, argc, argv);
        if (status == SCCTL_EXIT_DONE)
                status = SCCTL_EXIT_OK;
        scm_disconnect(ctx.client);
        remote_finish();
        free(ctx.socket_path);
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "scctl: cannot write the output: %m\n");
                if (status == SCCTL_EXIT_OK)
                        status = SCCTL_EXIT_REFUSED;
        }
        return status;
}
