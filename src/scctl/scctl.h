/* SPDX-License-Identifier: MIT */
/*
 * scctl, the command-line client of scmd: verbs named after sc.exe, long
 * options the Linux way.  This header is internal to src/scctl/: the
 * context every verb works in, the verb descriptor, and the prototypes,
 * grouped by the file that defines them.
 *
 * Convention: a function that reports a failure to the user returns an exit
 * status (enum scctl_exit): 0 when all went well and the verb goes on, > 0
 * once the failure has been printed, SCCTL_EXIT_DONE when the verb is over
 * with success before doing anything (--help), so a caller passes any
 * non-zero value up with "if (r != 0) return r;".  Helpers that print
 * nothing return -errno as everywhere else.
 */
#pragma once

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>

#include <scm/client.h>
#include <scm/raw.h>

#include "paths.h"

/* Documented in scctl --help and docs/scctl.1. */
enum scctl_exit {
        SCCTL_EXIT_OK = 0,
        SCCTL_EXIT_REFUSED = 1,      /* the SCM (or a check before sending) refused */
        SCCTL_EXIT_USAGE = 2,        /* bad command line */
        SCCTL_EXIT_UNREACHABLE = 3,  /* scmd could not be reached, or the connection broke */
        SCCTL_EXIT_WAIT_TIMEOUT = 4, /* a --wait deadline passed */
        SCCTL_EXIT_DONE = -1,        /* finished early (--help, --version): exit 0 */
};

struct scctl;

/* A json_t * local released at the end of its scope (json_decrefp() is
 * jansson's own, since 2.9). */
#ifndef _cleanup_json_
#define _cleanup_json_ __attribute__((cleanup(json_decrefp)))
#endif

/* One verb.  options (NULL-terminated, may be NULL) and short_options are
 * the verb's own; the global options are accepted as well. */
struct scctl_verb {
        const char *name;
        const char *synopsis; /* what follows "scctl NAME" */
        const char *summary;  /* one line for scctl --help */
        const char *help;     /* the verb's options and notes, for scctl VERB --help */
        const char *short_options;
        const struct option *options;
        int (*run)(struct scctl *ctx, int argc, char **argv);
};

struct scctl {
        const struct scctl_verb *verb; /* NULL while reading options before the verb */
        const char *name;              /* the service the current request is about, or NULL */
        enum scm_mode mode;            /* --root, --user, --system; else AUTO */
        const char *root;
        const char *socket_option; /* --socket PATH */
        char *socket_path;         /* resolved when connecting */
        int timeout_ms;            /* --timeout: connect deadline and --wait deadline */
        bool json;
        bool wait_scmd;            /* --wait: wait up to the timeout for scmd to come */
        struct scm_client *client; /* connected on first use */
        const char *host;          /* --host [USER@]HOST[:PORT]: through ssh (remote.c) */
        const char *hosts;         /* --hosts FILE|H1,H2,...: once per host */
        const char *remote_scctl;  /* --remote-scctl CMD: the scctl ssh runs there */
        unsigned parallel;         /* --parallel N: hosts at a time */
        int exit_status;           /* set when scctl_next_option() returns -1 */
};

/* main.c: options, connection, calls */

/* Reads the next option of argv (the verb's argv when ctx->verb is set:
 * argv[0] is the verb; reset optind to 0 before the first call).  Global
 * options are handled here.  Returns the verb option's val (> 0), 0 when
 * the options are done (operands start at optind), or -1 when the verb must
 * end now with ctx->exit_status (after --help, --version, or a usage error,
 * already printed). */
int scctl_next_option(struct scctl *ctx, int argc, char **argv);

/* Sets the service the verb is about (ctx->name, for messages and hints)
 * and checks it against the name rules before anything is sent.  Returns 0,
 * or SCCTL_EXIT_REFUSED once INVALID_NAME has been reported. */
int scctl_set_service(struct scctl *ctx, const char *name);

/* Connects unless connected.  Returns 0, or SCCTL_EXIT_UNREACHABLE after
 * printing why (RPC_S_SERVER_UNAVAILABLE, the socket tried, a hint). */
int scctl_connect(struct scctl *ctx);

/* scm_call() that connects first and reports failures: returns 0 with
 * *ret_result (the caller's reference), or an exit status once printed.
 * params is consumed. */
int scctl_call(struct scctl *ctx, const char *method, json_t *params, json_t **ret_result);

/* ChangeServiceConfig2-style verbs: method with params (consumed) plus the
 * current service's name; prints the result (--json) or "[SC] ... SUCCESS".
 * Returns an exit status. */
int scctl_change_service(struct scctl *ctx, const char *method, json_t *params);
/* Query verbs: method for the current service; *ret is the result, also
 * printed with --json.  Returns an exit status. */
int scctl_query_service(struct scctl *ctx, const char *method, json_t **ret);

/* cmd_config.c: one option of create and config (option its long name
 * without "--", arg NULL for a flag given without =no) into params, as
 * those verbs take it; task create and config share the least-privilege
 * and sandbox ones.  Returns 0 or an exit status once printed. */
int scctl_config_option(struct scctl *ctx, const char *option, const char *arg, json_t *params);

/* The help of the least-privilege options create, config and task share. */
#define SCCTL_SECURITY_OPTIONS_HELP                                                                \
        "  --privileges CAP,...   required privileges: exactly these capabilities\n"               \
        "                         (CAP_NET_BIND_SERVICE; ',' or '/' between; \"\": the\n"          \
        "                         account's own), each granted to the account\n"                   \
        "  --sid-type TYPE        none; unrestricted: a group and folders of its own;\n"           \
        "                         restricted: and writes only where granted (Landlock)\n"          \
        "  --restrict-network[=no]  a network namespace of its own, only loopback up\n"            \
        "  --writable PATH,...    restricted: more paths it may write (\"\" for none)\n"           \
        "  --allow-weak-isolation[=no]  restricted: start even without Landlock\n"

/* The help of the sandbox options create, config and task share. */
#define SCCTL_SANDBOX_OPTIONS_HELP                                                                 \
        "A private view of the filesystem (a mount namespace of its own):\n"                       \
        "  --private-tmp[=no]     /tmp and /var/tmp its own, empty, gone at stop\n"                \
        "  --protect-system LEVEL  no; yes: /usr, /boot, /efi read-only; full: /etc too;\n"        \
        "                         strict: all but /dev, /proc, /sys, /run, /tmp, /var/tmp\n"       \
        "  --protect-home LEVEL   no; yes: /home, /root, /run/user empty; read-only; tmpfs\n"      \
        "  --private-devices[=no]  a /dev with only null, zero, full, random, urandom, tty\n"      \
        "A system-call filter (seccomp), loaded last before exec:\n"                               \
        "  --system-call-allow NAME,...  only these calls and groups (\"\" for no list)\n"         \
        "  --system-call-deny NAME,...   these calls and groups refused (\"\" for none)\n"         \
        "                         groups: @mount, @reboot, @swap, @module, @raw-io,\n"             \
        "                         @clock, @debug, @privileged\n"                                   \
        "  --system-call-action ERRNO|kill  what a refused call gets (default EPERM)\n"            \
        "  --address-families-allow AF_INET,...  socket() of only these families\n"                \
        "  --address-families-deny AF_PACKET,...  socket() of these fails (EAFNOSUPPORT)\n"        \
        "Network rules (on its cgroup; an allow rule wins over a deny rule; \"\" for none):\n"     \
        "  --ip-address-allow RULE,...  ADDRESS[/PREFIX], any, localhost, link-local,\n"           \
        "                         multicast: reached and reachable though denied\n"                \
        "  --ip-address-deny RULE,...   packets to and from these are dropped (EPERM)\n"           \
        "  --socket-bind-allow RULE,...  [ipv4:|ipv6:][tcp:|udp:]PORT[-PORT] or any\n"             \
        "  --socket-bind-deny RULE,...   bind() to these fails (EPERM)\n"

/* Prints "scctl: VERB: <message>" and a pointer to --help to stderr;
 * returns SCCTL_EXIT_USAGE. */
int scctl_usage_error(struct scctl *ctx, const char *format, ...)
        __attribute__((format(printf, 2, 3)));

/* output.c: everything printed */

/* Prints a result as one line of JSON on stdout. */
void output_json(const json_t *value);

/* The sc.exe block of a status object; ex adds PID and FLAGS (queryex). */
void output_status_block(const json_t *status, bool ex);

/* How the status's last process ended, "exited with code 3" or "killed by
 * signal 9 (SIGKILL)", into buf; false (buf untouched) when none has. */
bool output_process_exit(const json_t *status, char *buf, size_t size);

/* The process settings of a config object not at their default, as qc lines. */
void output_process_settings(const json_t *config);
void output_process_commands(const json_t *config);
/* What its cgroup uses now, from a status's "usage" (MEMORY, CPU, TASKS,
 * "-" when a controller is not enabled); queryex shows it when scmd has
 * no query_resources. */
void output_status_usage(const json_t *status);
/* The resource limits set in a config (qc), and usage beside the limits in
 * force (queryex, from query_resources). */
void output_resource_limits(const json_t *config);
void output_resource_usage(const json_t *result);

/* The sc.exe QueryServiceConfig block of a config object. */
void output_config_block(const json_t *config);

/* Prints rows of ncols cells (row-major, rows * ncols strings) under
 * header, columns aligned; the last column is not padded. */
void output_table(const char *const *header, size_t ncols, const char *const *cells, size_t rows);

/* Reports that scmd could not be reached at ctx->socket_path (r from
 * scm_connect()): RPC_S_SERVER_UNAVAILABLE, why, and how to start scmd.
 * Returns SCCTL_EXIT_UNREACHABLE. */
int output_unreachable(struct scctl *ctx, int r);

/* Reports the failure r of a call (SCM_ERR() or -errno) on stderr, or as a
 * JSON error object on stdout under --json, with a hint where one helps.
 * Returns the exit status for it. */
int output_call_error(struct scctl *ctx, int r);

/* Reports an error found before anything was sent, or a failure seen in a
 * result (a start that ended stopped), the way the SCM reports its own:
 * win32 names it, the message says what went wrong.  data (may be NULL) is
 * consumed and merged into the JSON error's "data".  Returns status. */
int output_error(struct scctl *ctx, int status, int win32, json_t *data, const char *format, ...)
        __attribute__((format(printf, 5, 6)));

/* Prints "hint: " and a line, where "{scctl}" stands for the command with
 * the connection options in use and "{name}" for ctx->name, both quoted
 * for the shell. */
void output_hint(struct scctl *ctx, const char *template);

/* sc_syntax.c: sc.exe's "key= value" pairs (create NAME binPath= ... start= auto)
 * as scctl's options.  When argv (argv[0] the verb) holds one, *ret_argv is a
 * new malloc'd vector of malloc'd strings (free with strv_free()); otherwise
 * *ret_argv is left alone.  Returns 0 or an exit status once printed. */
int sc_syntax_translate(struct scctl *ctx, int argc, char **argv, int *ret_argc, char ***ret_argv);

/* sddl.c: sc.exe's SDDL and the access list's text form.  0, or -1 with
 * *error (malloc'd) saying why. */
int sddl_to_access_list(const char *sddl, bool scm, char **ret, char **error);
/* The entries of a query_object_security result as SDDL (malloc'd). */
int sddl_from_entries(const json_t *entries, bool scm, char **ret);

/* suggest.c: the candidate nearest to typed (edit distance, any case),
 * or NULL when none is near enough to be a likely typo. */
const char *suggest_nearest(const char *typed, const char *const *candidates, size_t n);

/* The verbs, one file per group. */

/* cmd_config.c */
extern const struct scctl_verb verb_create, verb_config, verb_delete, verb_qc;
/* cmd_control.c */
extern const struct scctl_verb verb_start, verb_stop, verb_pause, verb_continue, verb_interrogate,
        verb_control, verb_reload;
/* cmd_query.c */
extern const struct scctl_verb verb_query, verb_queryex;
/* cmd_logs.c */
extern const struct scctl_verb verb_logs;
/* cmd_failure.c */
extern const struct scctl_verb verb_failure, verb_qfailure, verb_failureflag, verb_qfailureflag,
        verb_boot, verb_lkg;
/* cmd_qsecurity.c */
extern const struct scctl_verb verb_qsecurity;
/* cmd_security.c */
extern const struct scctl_verb verb_privs, verb_qprivs, verb_sidtype, verb_qsidtype, verb_showsid,
        verb_privilege;
/* cmd_acl.c */
extern const struct scctl_verb verb_sdshow, verb_sdset;
/* cmd_lock.c */
extern const struct scctl_verb verb_lock, verb_querylock;
/* cmd_names.c */
extern const struct scctl_verb verb_getkeyname, verb_getdisplayname;
/* cmd_describe.c */
extern const struct scctl_verb verb_description, verb_qdescription;
/* cmd_param.c */
extern const struct scctl_verb verb_param;
/* cmd_watch.c */
extern const struct scctl_verb verb_watch;
/* cmd_analyze.c */
extern const struct scctl_verb verb_analyze;
/* cmd_secret.c */
extern const struct scctl_verb verb_secret;
/* cmd_habits.c: systemctl's verbs */
extern const struct scctl_verb verb_restart, verb_status, verb_enable, verb_disable, verb_list,
        verb_list_units, verb_cat, verb_show, verb_is_active, verb_is_enabled, verb_kill;
/* cmd_task.c */
extern const struct scctl_verb verb_task, verb_at;
/* cmd_sockets.c */
extern const struct scctl_verb verb_sockets;
extern const struct scctl_verb verb_triggers, verb_triggerinfo, verb_qtriggerinfo, verb_trigger;

/* cmd_boot.c: query --boot (or, failed_drivers_only, --failed-drivers);
 * returns 0 or an exit status. */
int scctl_query_boot(struct scctl *ctx, bool failed_drivers_only);
extern const struct scctl_verb verb_shutdown;
extern const struct scctl_verb verb_daemon_reexec;
extern const struct scctl_verb verb_power_event;
extern const struct scctl_verb verb_message;
/* cmd_depend.c */
extern const struct scctl_verb verb_group_order, verb_enumdepend;
/* cmd_import.c */
extern const struct scctl_verb verb_import, verb_export;

/* remote.c: other machines through ssh */

/* Runs ssh to ctx->host with "scctl bridge" and a client over it (*ret).
 * 0, or -errno when ssh could not be started. */
int remote_connect(struct scctl *ctx, struct scm_client **ret);
/* What ssh wrote on its standard error so far (its last words when the
 * connection failed), trailing newlines cut; "" when nothing. */
const char *remote_ssh_error(void);
/* Waits for the ssh of remote_connect() to end (after the client closed). */
void remote_finish(void);
/* --hosts: runs scctl once per host (argv with --host HOST instead) at
 * most ctx->parallel at a time, prints each host's output and a summary;
 * returns the worst exit status of the hosts'. */
int remote_run_hosts(struct scctl *ctx, int argc, char **argv);

/* cmd_apply.c: configuration as code; export --document prints the
 * document of the services named in argv (every one when argc is 0). */
extern const struct scctl_verb verb_apply;
int apply_export_document(struct scctl *ctx, int argc, char **argv);

/* cmd_bridge.c, cmd_metrics.c */
extern const struct scctl_verb verb_bridge, verb_metrics;
