/* SPDX-License-Identifier: MIT */
/*
 * Everything scctl prints: the sc.exe-style blocks for a status and a
 * config, the aligned table, JSON lines, and error reports.  Results go to
 * stdout; errors go to stderr as "scctl: VERB NAME: WIN32_NAME (N): message"
 * followed by at most one "hint:" line, or, under --json, to stdout as the
 * SCM's own {"error": {...}} object, so a script reads one stream.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "paths.h"
#include "scctl.h"
#include "validate.h"

/* The field labels of sc.exe are padded to 19 columns after an 8-space
 * indent; a state's control list lines up under the state's name. */
#define FIELD_INDENT "        "
#define STATE_CONTINUATION_INDENT "                                "

void output_json(const json_t *value) {
        json_dumpf(value, stdout, JSON_COMPACT | JSON_ENCODE_ANY);
        putchar('\n');
}

/* A wire name in sc.exe's spelling: "start-pending" -> "START_PENDING". */
static void print_upper(const char *wire) {
        for (const char *p = wire; p && *p; p++)
                putchar(*p == '-' ? '_' : (*p >= 'a' && *p <= 'z') ? *p - 'a' + 'A' : *p);
}

static const char *string_field(const json_t *obj, const char *key) {
        const char *s = json_string_value(json_object_get(obj, key));
        return s ? s : "";
}

/* "        LABEL              :" and, when value is not empty, " value". */
static void field(const char *label, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void field(const char *label, const char *format, ...) {
        char value[512];
        va_list ap;

        va_start(ap, format);
        vsnprintf(value, sizeof(value), format, ap);
        va_end(ap);
        printf(FIELD_INDENT "%-19s:%s%s\n", label, value[0] ? " " : "", value);
}

/* A field whose text may be long or span lines: the later lines go under
 * an empty label, the way sc.exe lists dependencies. */
static void field_text(const char *label, const char *text) {
        const char *p = text;
        do {
                size_t n = strcspn(p, "\n");
                printf(FIELD_INDENT "%-19s:%s%.*s\n", label, n ? " " : "", (int)n, p);
                label = "";
                p += n;
        } while (*p++ == '\n' && *p);
}

static void field_type(const json_t *obj) {
        const char *type = string_field(obj, "type");
        enum scm_service_type t = scm_type_from_name(type);
        const char *label = t == SCM_TYPE_OWN_PROCESS     ? "WIN32_OWN_PROCESS"
                            : t == SCM_TYPE_SHARE_PROCESS ? "WIN32_SHARE_PROCESS"
                            : t == SCM_TYPE_KERNEL_DRIVER ? "KERNEL_DRIVER"
                                                          : type;
        field("TYPE", "%x  %s", t == SCM_TYPE_INVALID ? 0u : (unsigned)t, label);
}

/* How a Win32 exit code reads: "0  (0x0)", "1067  PROCESS_ABORTED (0x42b)". */
static void format_exit_code(char *buf, size_t size, unsigned code) {
        const char *name = code ? scm_error_name((int)code) : NULL;
        snprintf(buf, size, "%u  %s%s(0x%x)", code, name ? name : "", name ? " " : "", code);
}

/* "(STOPPABLE, NOT_PAUSABLE, IGNORES_SHUTDOWN)" and the rarer bits. */
static void print_accepted(uint32_t accepted) {
        printf(STATE_CONTINUATION_INDENT "(%s, %s, %s%s%s%s%s%s)\n",
               accepted & SCM_ACCEPT_STOP ? "STOPPABLE" : "NOT_STOPPABLE",
               accepted & SCM_ACCEPT_PAUSE_CONTINUE ? "PAUSABLE" : "NOT_PAUSABLE",
               accepted & SCM_ACCEPT_SHUTDOWN ? "ACCEPTS_SHUTDOWN" : "IGNORES_SHUTDOWN",
               accepted & SCM_ACCEPT_PARAMCHANGE ? ", ACCEPTS_PARAMCHANGE" : "",
               accepted & SCM_ACCEPT_PRESHUTDOWN ? ", ACCEPTS_PRESHUTDOWN" : "",
               accepted & SCM_ACCEPT_POWEREVENT ? ", ACCEPTS_POWEREVENT" : "",
               accepted & SCM_ACCEPT_SESSIONCHANGE ? ", ACCEPTS_SESSIONCHANGE" : "",
               accepted & SCM_ACCEPT_TIMECHANGE ? ", ACCEPTS_TIMECHANGE" : "");
}

bool output_process_exit(const json_t *status, char *buf, size_t size) {
        const json_t *exit = json_object_get(status, "process_exit");
        json_t *code = json_object_get(exit, "code");
        json_t *sig = json_object_get(exit, "signal");

        if (json_is_integer(code))
                snprintf(buf, size, "exited with code %lld", (long long)json_integer_value(code));
        else if (json_is_integer(sig))
                snprintf(buf, size, "killed by signal %lld (SIG%s)",
                         (long long)json_integer_value(sig),
                         sigabbrev_np((int)json_integer_value(sig)) ?: "?");
        json_t *oom = json_object_get(exit, "oom_kills");
        size_t len = strnlen(buf, size);
        if (json_integer_value(oom) > 0 && len < size)
                snprintf(buf + len, size - len, ": out of memory at its limit (%lld OOM kill%s)",
                         (long long)json_integer_value(oom),
                         json_integer_value(oom) > 1 ? "s" : "");
        return json_is_integer(code) || json_is_integer(sig);
}

/* How the last process ended, from the status's process_exit. */
static void field_process_exit(const json_t *status) {
        char how[128];
        if (output_process_exit(status, how, sizeof(how)))
                field("PROCESS_EXIT", "%s", how);
}

/* The reason the last stop was asked with (ControlServiceEx), when one was:
 * the code, its parts as sc.exe's FLAG:MAJOR:MINOR, and the comment. */
static void field_stop_reason(const json_t *status) {
        const json_t *why = json_object_get(status, "stop_reason");
        if (!json_is_object(why))
                return;
        uint32_t r = (uint32_t)json_integer_value(json_object_get(why, "reason"));
        field("STOP_REASON", "0x%08x  (%u:%u:%u)", r, r >> 28, (r >> 16) & 0xff, r & 0xffff);
        const char *comment = string_field(why, "comment");
        if (comment[0])
                field_text("STOP_COMMENT", comment);
}

void output_status_usage(const json_t *status) {
        const json_t *u = json_object_get(status, "usage");
        if (!json_is_object(u))
                return;
        const json_t *mem = json_object_get(u, "memory_bytes");
        const json_t *cpu = json_object_get(u, "cpu_usec");
        const json_t *tasks = json_object_get(u, "tasks");
        if (json_is_integer(mem))
                field("MEMORY", "%lld bytes", (long long)json_integer_value(mem));
        else
                field("MEMORY", "-");
        if (json_is_integer(cpu))
                field("CPU", "%.3f s", (double)json_integer_value(cpu) / 1e6);
        else
                field("CPU", "-");
        if (json_is_integer(tasks))
                field("TASKS", "%lld", (long long)json_integer_value(tasks));
        else
                field("TASKS", "-");
}

void output_status_block(const json_t *status, bool ex) {
        struct scm_status s;
        char code[64];

        if (scm_status_from_json(status, &s) < 0) {
                output_json(status); /* not ours to judge; show what came */
                return;
        }
        printf("SERVICE_NAME: %s\n", string_field(status, "name"));
        field_type(status);
        printf(FIELD_INDENT "%-19s: %d  ", "STATE", (int)s.state);
        print_upper(scm_state_name(s.state));
        putchar('\n');
        print_accepted(s.controls_accepted);
        format_exit_code(code, sizeof(code), s.win32_exit_code);
        field("WIN32_EXIT_CODE", "%s", code);
        field("SERVICE_EXIT_CODE", "%u  (0x%x)", s.service_exit_code, s.service_exit_code);
        field("CHECKPOINT", "0x%x", s.checkpoint);
        field("WAIT_HINT", "0x%x", s.wait_hint);
        json_t *result = json_object_get(status, "control_result");
        if (json_is_integer(result))
                field("CONTROL_RESULT", "%lld  (the handler's answer)",
                      (long long)json_integer_value(result));
        const char *text = string_field(status, "status_text");
        if (text[0])
                field_text("STATUS_TEXT", text);
        json_t *instances = json_object_get(status, "instances");
        if (json_is_integer(instances))
                field("INSTANCES", "%lld  (one per connection)",
                      (long long)json_integer_value(instances));
        if (!ex)
                return;
        field("PID", "%d", (int)s.pid);
        field("FLAGS", "%s", s.marked_for_delete ? "MARKED_FOR_DELETE" : "");
        field_process_exit(status);
        field_stop_reason(status);
}

static void field_start_type(const json_t *config) {
        enum scm_start_type t = scm_start_type_from_name(string_field(config, "start_type"));
        static const char *const labels[_SCM_START_MAX] = {
                [SCM_START_BOOT] = "BOOT_START",
                [SCM_START_SYSTEM] = "SYSTEM_START",
                [SCM_START_AUTO] = "AUTO_START",
                [SCM_START_DEMAND] = "DEMAND_START",
                [SCM_START_DISABLED] = "DISABLED",
                [SCM_START_DELAYED_AUTO] = "AUTO_START  (DELAYED)",
        };

        if (t == SCM_START_INVALID)
                field("START_TYPE", "%s", string_field(config, "start_type"));
        else
                field("START_TYPE", "%-3d %s", t == SCM_START_DELAYED_AUTO ? SCM_START_AUTO : t,
                      labels[t]);
}

static void field_error_control(const json_t *config) {
        const char *name = string_field(config, "error_control");
        enum scm_error_control e = scm_error_control_from_name(name);

        printf(FIELD_INDENT "%-19s: %-3d ", "ERROR_CONTROL", (int)e);
        print_upper(name);
        putchar('\n');
}

static void field_dependencies(const json_t *config) {
        json_t *deps = json_object_get(config, "dependencies");
        const char *label = "DEPENDENCIES";
        size_t i;
        json_t *dep;

        json_array_foreach(deps, i, dep) {
                field(label, "%s", json_string_value(dep) ?: "?");
                label = "";
        }
        if (json_array_size(deps) == 0)
                field(label, "%s", "");
}

void output_config_block(const json_t *config) {
        const char *account = string_field(config, "account");

        printf("SERVICE_NAME: %s\n", string_field(config, "name"));
        field_type(config);
        field_start_type(config);
        field_error_control(config);
        field_text("BINARY_PATH_NAME", string_field(config, "command_line"));
        field_text("LOAD_ORDER_GROUP", string_field(config, "group"));
        field_dependencies(config);
        field_text("SERVICE_START_NAME", account[0] ? account : "(scmd's own account)");
        field_text("DISPLAY_NAME", string_field(config, "display_name"));
        field_text("DESCRIPTION", string_field(config, "description"));
        field_text("LOG_FILE", string_field(config, "log_file"));
        field_text("KIND", string_field(config, "kind"));
        json_t *timeout = json_object_get(config, "control_timeout_ms");
        if (json_is_integer(timeout))
                field("CONTROL_TIMEOUT", "%lld ms", (long long)json_integer_value(timeout));
        json_t *watchdog = json_object_get(config, "watchdog_ms");
        if (json_integer_value(watchdog) > 0)
                field("WATCHDOG", "%lld ms", (long long)json_integer_value(watchdog));
        if (json_is_true(json_object_get(config, "pause_by_freeze")))
                field_text("PAUSE", "by freezing its cgroup");
        json_t *preshutdown = json_object_get(config, "preshutdown_timeout_ms");
        if (json_integer_value(preshutdown) == SCM_PRESHUTDOWN_TIMEOUT_INFINITE)
                field_text("PRESHUTDOWN_TIMEOUT", "infinite (while it makes progress)");
        else if (json_is_integer(preshutdown))
                field("PRESHUTDOWN_TIMEOUT", "%lld ms", (long long)json_integer_value(preshutdown));
        output_process_settings(config);
}

static void output_groups_and_folders(const json_t *config);

/* The process settings that are not at their default. */
void output_process_settings(const json_t *config) {
        const char *wd = string_field(config, "working_directory");
        if (wd[0])
                field_text("WORKING_DIRECTORY", wd);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(config, "environment"), i, v)
                field_text("ENVIRONMENT", json_string_value(v));
        json_array_foreach(json_object_get(config, "environment_files"), i, v)
                field_text("ENVIRONMENT_FILE", json_string_value(v));
        json_t *umask = json_object_get(config, "umask");
        if (json_is_integer(umask) && json_integer_value(umask) != 022)
                field("UMASK", "%04llo", (long long)json_integer_value(umask));
        const char *name;
        json_object_foreach(json_object_get(config, "limits"), name, v)
                field("LIMIT", "%s=%s", name, json_string_value(v));
        const char *sig = string_field(config, "stop_signal");
        if (sig[0] && strcmp(sig, "TERM") != 0)
                field_text("STOP_SIGNAL", sig);
        json_t *stop = json_object_get(config, "stop_timeout_ms");
        if (json_integer_value(stop) > 0)
                field("STOP_TIMEOUT", "%lld ms", (long long)json_integer_value(stop));
        json_t *idle = json_object_get(config, "idle_stop_ms");
        if (json_integer_value(idle) > 0)
                field("IDLE_STOP", "%lld ms", (long long)json_integer_value(idle));
        json_t *accept = json_object_get(config, "accept_connections");
        if (json_integer_value(accept) > 0)
                field("ACCEPT", "%lld instances at most, one per connection%s",
                      (long long)json_integer_value(accept),
                      json_is_true(json_object_get(config, "accept_stdio"))
                              ? " (on its stdin and stdout too)"
                              : "");
        output_groups_and_folders(config);
        output_process_commands(config);
        output_resource_limits(config);
}

/* Groups and folders (process settings) that are not at their default. */
static void output_groups_and_folders(const json_t *config) {
        const char *group = string_field(config, "primary_group");
        if (group[0])
                field_text("PRIMARY_GROUP", group);
        const char *pam = string_field(config, "pam_name");
        if (pam[0])
                field_text("PAM_NAME", pam);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(config, "supplementary_groups"), i, v)
                field_text("SUPPLEMENTARY_GROUP", json_string_value(v));
        static const char *const kinds[][2] = {{"runtime", "RUNTIME_DIRECTORY"},
                                               {"state", "STATE_DIRECTORY"},
                                               {"cache", "CACHE_DIRECTORY"},
                                               {"logs", "LOGS_DIRECTORY"},
                                               {"configuration", "CONFIG_DIRECTORY"}};
        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                char key[64];
                snprintf(key, sizeof(key), "%s_directory_mode", kinds[k][0]);
                json_int_t mode = json_integer_value(json_object_get(config, key));
                key[strlen(key) - 5] = '\0';
                json_array_foreach(json_object_get(config, key), i, v) {
                        if (mode == 0755)
                                field_text(kinds[k][1], json_string_value(v));
                        else
                                field(kinds[k][1], "%s (mode %04llo)", json_string_value(v),
                                      (long long)mode);
                }
        }
}

/* The commands around the process, and the settings of some kinds. */
void output_process_commands(const json_t *config) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(config, "exec_start_pre"), i, v)
                field_text("EXEC_START_PRE", json_string_value(v));
        json_array_foreach(json_object_get(config, "exec_stop_post"), i, v)
                field_text("EXEC_STOP_POST", json_string_value(v));
        const char *reload = string_field(config, "reload_command");
        if (reload[0])
                field_text("RELOAD_COMMAND", reload);
        const char *sig = string_field(config, "reload_signal");
        if (sig[0])
                field_text("RELOAD_SIGNAL", sig);
        const char *pid_file = string_field(config, "pid_file");
        if (pid_file[0])
                field_text("PID_FILE", pid_file);
        json_t *start = json_object_get(config, "start_timeout_ms");
        if (json_integer_value(start) > 0)
                field("START_TIMEOUT", "%lld ms", (long long)json_integer_value(start));
        if (json_is_false(json_object_get(config, "no_new_privileges")))
                field_text("NO_NEW_PRIVILEGES", "no (setuid programs may raise it)");
        if (json_is_true(json_object_get(config, "remain_after_exit")))
                field_text("REMAIN_AFTER_EXIT", "yes");
}

/* One limit or usage value: bytes as K/M/G, "max" as is, absent as "-". */
static void format_amount(char *buf, size_t size, const json_t *v, bool bytes) {
        static const char units[] = "KMGT";
        if (json_is_string(v)) {
                snprintf(buf, size, "%s", json_string_value(v));
                return;
        }
        if (!json_is_integer(v)) {
                snprintf(buf, size, "-");
                return;
        }
        long long n = json_integer_value(v);
        int u = -1;
        while (bytes && n >= 1024 && n % 1024 == 0 && u < 3) {
                n /= 1024;
                u++;
        }
        if (u >= 0)
                snprintf(buf, size, "%lld%c", n, units[u]);
        else
                snprintf(buf, size, "%lld", n);
}

static const struct {
        const char *key, *label;
        bool bytes;
        const char *suffix;
} limit_fields[] = {
        {"memory_max", "MEMORY_MAX", true, ""},
        {"memory_high", "MEMORY_HIGH", true, ""},
        {"memory_swap_max", "MEMORY_SWAP_MAX", true, ""},
        {"cpu_weight", "CPU_WEIGHT", false, ""},
        {"cpu_quota_percent", "CPU_QUOTA", false, "%"},
        {"tasks_max", "TASKS_MAX", false, ""},
        {"io_weight", "IO_WEIGHT", false, ""},
};

/* The fences that are up (qc). */
static void field_fences(const json_t *config) {
        if (json_is_true(json_object_get(config, "private_tmp")))
                field_text("PRIVATE_TMP", "yes");
        const char *system = string_field(config, "protect_system");
        if (system[0] && strcmp(system, "no") != 0)
                field_text("PROTECT_SYSTEM", system);
        const char *home = string_field(config, "protect_home");
        if (home[0] && strcmp(home, "no") != 0)
                field_text("PROTECT_HOME", home);
        if (json_is_true(json_object_get(config, "private_devices")))
                field_text("PRIVATE_DEVICES", "yes");
}

/* The system-call filter, when there is one (qc). */
/* A list of config's key as LABEL: a,b,c; whether it had any. */
static bool field_list(const json_t *config, const char *key, const char *label) {
        const json_t *list = json_object_get(config, key);
        size_t i, len = 0;
        const json_t *v;
        char line[1024] = "";
        json_array_foreach(list, i, v) {
                len += (size_t)snprintf(line + len, len < sizeof(line) ? sizeof(line) - len : 0,
                                        "%s%s", i ? "," : "", json_string_value(v));
        }
        if (json_array_size(list) == 0)
                return false;
        field_text(label, line);
        return true;
}

static void field_syscalls(const json_t *config) {
        bool any = field_list(config, "system_call_allow", "SYSTEM_CALL_ALLOW");
        any |= field_list(config, "system_call_deny", "SYSTEM_CALL_DENY");
        field_list(config, "address_families_allow", "ADDRESS_FAMILIES");
        field_list(config, "address_families_deny", "ADDRESS_FAMILIES_DENY");
        if (any)
                field_text("SYSTEM_CALL_ACTION", string_field(config, "system_call_action"));
}

/* The network rules, when there are some (qc). */
static void field_network(const json_t *config) {
        field_list(config, "ip_address_allow", "IP_ADDRESS_ALLOW");
        field_list(config, "ip_address_deny", "IP_ADDRESS_DENY");
        field_list(config, "socket_bind_allow", "SOCKET_BIND_ALLOW");
        field_list(config, "socket_bind_deny", "SOCKET_BIND_DENY");
}

/* The resource limits that are set, the fences and the filter (qc). */
void output_resource_limits(const json_t *config) {
        char buf[32];
        field_fences(config);
        field_syscalls(config);
        field_network(config);
        for (size_t i = 0; i < ELEMENTSOF(limit_fields); i++) {
                const json_t *v = json_object_get(config, limit_fields[i].key);
                if (!v || json_is_null(v))
                        continue;
                format_amount(buf, sizeof(buf), v, limit_fields[i].bytes);
                field(limit_fields[i].label, "%s%s", buf,
                      json_is_integer(v) ? limit_fields[i].suffix : "");
        }
}

/* Usage beside the limits in force (queryex; query_resources's result). */
void output_resource_usage(const json_t *result) {
        const json_t *u = json_object_get(result, "usage");
        char now[32], peak[32], max[32], high[32];
        if (!json_is_object(u))
                return;
        if (json_object_get(u, "memory_current")) {
                format_amount(now, sizeof(now), json_object_get(u, "memory_current"), true);
                format_amount(peak, sizeof(peak), json_object_get(u, "memory_peak"), true);
                format_amount(max, sizeof(max), json_object_get(u, "memory_max"), true);
                format_amount(high, sizeof(high), json_object_get(u, "memory_high"), true);
                field("MEMORY", "%s  (peak %s; high %s, max %s)", now, peak, high, max);
        }
        json_t *cpu = json_object_get(u, "cpu_usage_usec");
        if (json_is_integer(cpu)) {
                format_amount(max, sizeof(max), json_object_get(u, "cpu_quota_percent"), false);
                format_amount(high, sizeof(high), json_object_get(u, "cpu_weight"), false);
                field("CPU", "%lld.%03lld s  (weight %s, quota %s%s)",
                      (long long)json_integer_value(cpu) / 1000000,
                      (long long)json_integer_value(cpu) / 1000 % 1000, high, max,
                      json_is_integer(json_object_get(u, "cpu_quota_percent")) ? "%" : "");
        }
        if (json_object_get(u, "tasks_current")) {
                format_amount(now, sizeof(now), json_object_get(u, "tasks_current"), false);
                format_amount(max, sizeof(max), json_object_get(u, "tasks_max"), false);
                field("TASKS", "%s  (max %s)", now, max);
        }
        json_t *io = json_object_get(u, "io_weight");
        if (json_is_integer(io))
                field("IO_WEIGHT", "%lld", (long long)json_integer_value(io));
        json_t *oom = json_object_get(u, "oom_kills");
        if (json_integer_value(oom) > 0)
                field("OOM_KILLS", "%lld", (long long)json_integer_value(oom));
}

/* Columns on screen: characters, not bytes, for UTF-8 names. */
static size_t text_width(const char *s) {
        int chars = utf8_text_chars(s);
        return chars < 0 ? strlen(s) : (size_t)chars;
}

void output_table(const char *const *header, size_t ncols, const char *const *cells, size_t rows) {
        _cleanup_free_ size_t *width = calloc(ncols, sizeof(size_t));
        if (!width)
                return;
        for (size_t c = 0; c < ncols; c++) {
                width[c] = text_width(header[c]);
                for (size_t r = 0; r < rows; r++) {
                        size_t w = text_width(cells[r * ncols + c]);
                        width[c] = w > width[c] ? w : width[c];
                }
        }
        for (size_t r = 0; r <= rows; r++) {
                const char *const *row = r == 0 ? header : cells + (r - 1) * ncols;
                for (size_t c = 0; c < ncols; c++) {
                        fputs(row[c], stdout);
                        if (c + 1 < ncols)
                                printf("%*s", (int)(width[c] - text_width(row[c]) + 2), "");
                }
                putchar('\n');
        }
}

/* Shell-safe as it stands, or single-quoted. */
static void print_quoted(FILE *f, const char *s) {
        if (s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "_@%+=:,./-") == strlen(s)) {
                fputs(s, f);
                return;
        }
        fputc('\'', f);
        for (; *s; s++) {
                if (*s == '\'')
                        fputs("'\\''", f);
                else
                        fputc(*s, f);
        }
        fputc('\'', f);
}

/* "scctl" and the connection options in use, so a hint can be pasted. */
static void print_command(const struct scctl *ctx, FILE *f) {
        fputs("scctl", f);
        if (ctx->socket_option) {
                fputs(" --socket ", f);
                print_quoted(f, ctx->socket_option);
        } else if (ctx->mode == SCM_MODE_ROOT) {
                fputs(" --root ", f);
                print_quoted(f, ctx->root);
        } else if (ctx->mode != SCM_MODE_AUTO) {
                fprintf(f, " --%s", scm_mode_name(ctx->mode));
        }
}

/* Names an error's message gives, for its hint: the account, the
 * privileges (empty when the message names none). */
static char hint_account[128], hint_privileges[512];

/* Copies into buf the text of message between after and stop; empty when
 * either is not in message or the text is not made of name characters.
 * Commas become spaces: a list, as scctl takes it. */
static void text_between(char *buf, size_t size, const char *message, const char *after,
                         const char *stop) {
        buf[0] = '\0';
        const char *p = message ? strstr(message, after) : NULL;
        if (!p)
                return;
        p += strlen(after);
        const char *end = strstr(p, stop);
        size_t n = end ? (size_t)(end - p) : 0;
        if (n == 0 || n >= size)
                return;
        for (size_t i = 0; i < n; i++)
                if (!(isalnum((unsigned char)p[i]) || strchr("_-.@$ ,", p[i])))
                        return;
        memcpy(buf, p, n);
        buf[n] = '\0';
        char *w = buf; /* "A, B" -> "A B" */
        for (const char *c = buf; *c; c++)
                if (*c != ',')
                        *w++ = *c;
        *w = '\0';
}

/* The names scmd's message carries (security.c, rpc_config.c). */
static void hint_names_from(const char *message) {
        text_between(hint_account, sizeof(hint_account), message, "its account ", " ");
        if (!hint_account[0])
                text_between(hint_account, sizeof(hint_account), message, "the account '", "'");
        text_between(hint_privileges, sizeof(hint_privileges), message, "the privileges ",
                     ", which");
        if (!hint_privileges[0])
                text_between(hint_privileges, sizeof(hint_privileges), message, "the privilege ",
                             ", which");
}

void output_hint(struct scctl *ctx, const char *template) {
        if (ctx->json || (strstr(template, "{name}") && !ctx->name))
                return;
        fputs("hint: ", stderr);
        for (const char *p = template; *p;) {
                if (strncmp(p, "{scctl}", 7) == 0) {
                        print_command(ctx, stderr);
                        p += 7;
                } else if (strncmp(p, "{name}", 6) == 0) {
                        print_quoted(stderr, ctx->name);
                        p += 6;
                } else if (strncmp(p, "{account}", 9) == 0) {
                        fputs(hint_account[0] ? hint_account : "ACCOUNT", stderr);
                        p += 9;
                } else if (strncmp(p, "{privileges}", 12) == 0) {
                        fputs(hint_privileges[0] ? hint_privileges : "PRIVILEGE...", stderr);
                        p += 12;
                } else {
                        fputc(*p++, stderr);
                }
        }
        fputc('\n', stderr);
}

/* What to do about a refusal by an access list (the SCM's message starts
 * "access denied:"; docs/protocol.md, "Access lists"). */
static const char *access_hint(const struct scctl *ctx, const char *message) {
        if (strstr(message, "administrators only"))
                return "run it as root, or as a member of scmd's --admin-group";
        if (strstr(message, "on the SCM") || !ctx->name)
                return "'{scctl} sdshow --scm' shows who holds which right on the SCM; an "
                       "administrator grants one with: {scctl} sdset --scm TEXT";
        return "'{scctl} sdshow {name}' shows who holds which right; an administrator grants "
               "one with: {scctl} sdset {name} TEXT";
}

/* What to do about a failed create: the service is not there, so no hint
 * may point at changing it. */
static const char *create_hint(int win32) {
        switch (win32) {
        case SCM_ERROR_SERVICE_EXISTS:
                return "change it with: {scctl} config {name} OPTIONS";
        case SCM_ERROR_DUPLICATE_SERVICE_NAME:
                return "choose another --display-name; '{scctl} query' lists the names in use";
        case SCM_ERROR_INVALID_SERVICE_ACCOUNT:
                return "the account must exist here ('getent passwd {account}'); create the "
                       "service with an account that does";
        case SCM_ERROR_INVALID_NAME:
                return "a name is 1-256 characters of UTF-8 without '/', '\\' or control "
                       "characters, and not '.' or '..'";
        case SCM_ERROR_CIRCULAR_DEPENDENCY:
                return "break the cycle the message names: create it with another --depend or "
                       "--group";
        default:
                return NULL;
        }
}

/* What to do about an error of a task verb: {name} is a task, which the
 * service verbs do not change. */
static const char *task_hint(int win32) {
        switch (win32) {
        case SCM_ERROR_SERVICE_EXISTS:
                return "change it with: {scctl} task config {name} OPTIONS";
        case SCM_ERROR_PRIVILEGE_NOT_HELD:
                return "grant it to the account with: {scctl} privilege grant {account} "
                       "{privileges}, or change what the task requires with: {scctl} task "
                       "config {name} --privileges PRIVILEGE,...";
        case SCM_ERROR_PATH_NOT_FOUND:
                return "make that folder, or change the task's writable paths with: {scctl} "
                       "task config {name} --writable PATH,...";
        default:
                return NULL;
        }
}

/* What to do about an error, when there is one thing to say. */
static const char *hint_for(const struct scctl *ctx, int win32, const char *message) {
        bool starting = ctx->verb && strcmp(ctx->verb->name, "start") == 0;

        hint_names_from(message);
        if (ctx->verb && strcmp(ctx->verb->name, "create") == 0)
                return create_hint(win32);
        if (ctx->verb &&
            (strcmp(ctx->verb->name, "task") == 0 || strcmp(ctx->verb->name, "at") == 0))
                return task_hint(win32);

        if (win32 == SCM_ERROR_ACCESS_DENIED && message &&
            strncmp(message, "access denied:", 14) == 0)
                return access_hint(ctx, message);
        switch (win32) {
        case SCM_ERROR_SERVICE_DISABLED:
                return "enable it with: {scctl} config {name} --start demand";
        case SCM_ERROR_SERVICE_DOES_NOT_EXIST:
                return "'{scctl} query' lists the services";
        case SCM_ERROR_SERVICE_ALREADY_RUNNING:
                return "stop it first with: {scctl} stop {name}";
        case SCM_ERROR_SERVICE_NOT_ACTIVE:
                return starting ? "its output is in: {scctl} logs {name}"
                                : "start it with: {scctl} start {name}";
        case SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL:
                return "it is starting or stopping; see where it is with: {scctl} queryex {name}";
        case SCM_ERROR_INVALID_SERVICE_CONTROL:
                return "'{scctl} queryex {name}' shows the controls it accepts now";
        case SCM_ERROR_SERVICE_MARKED_FOR_DELETE:
                return "it goes once it has stopped and no client holds it open; "
                       "'{scctl} queryex {name}' shows its state";
        case SCM_ERROR_SERVICE_EXISTS:
                return "change it with: {scctl} config {name} OPTIONS";
        case SCM_ERROR_DUPLICATE_SERVICE_NAME:
                return "choose another --display-name; '{scctl} query' lists the names in use";
        case SCM_ERROR_FILE_NOT_FOUND:
        case SCM_ERROR_ACCESS_DENIED:
        case SCM_ERROR_BAD_EXE_FORMAT:
                return starting ? "'{scctl} qc {name}' shows the command line; change it with: "
                                  "{scctl} config {name} --exec CMDLINE"
                                : NULL;
        case SCM_ERROR_INVALID_SERVICE_ACCOUNT:
                return "the account must exist here ('getent passwd {account}'); change it with: "
                       "{scctl} config {name} --account USER";
        case SCM_ERROR_CIRCULAR_DEPENDENCY:
                return "break the cycle the message names: change a service's --depend or "
                       "--group, or the order ({scctl} group-order)";
        case SCM_ERROR_DEPENDENT_SERVICES_RUNNING:
                return "'{scctl} enumdepend {name}' lists them; stop them all with: {scctl} stop "
                       "{name} --with-dependents";
        case SCM_ERROR_SERVICE_DEPENDENCY_DELETED:
                return "'{scctl} qc {name}' shows its dependencies; change them with: {scctl} "
                       "config {name} --depend A,B,+GROUP";
        case SCM_ERROR_SERVICE_DEPENDENCY_FAIL:
                return "the message names the dependency that could not run; '{scctl} qc {name}' "
                       "lists the dependencies";
        case SCM_ERROR_SERVICE_LOGON_FAILED:
                return "the account and the groups it names must exist ('getent passwd USER', "
                       "'getent group GROUP'), and running a service as another account or "
                       "group needs scmd to run as root";
        case SCM_ERROR_PRIVILEGE_NOT_HELD:
                return "grant it to the account with: {scctl} privilege grant {account} "
                       "{privileges}, or change what the service requires with: {scctl} privs "
                       "{name} PRIVILEGE...";
        case SCM_ERROR_INVALID_NAME:
                return "a name is 1-256 characters of UTF-8 without '/', '\\' or control "
                       "characters, and not '.' or '..'";
        case SCM_ERROR_PROCESS_ABORTED:
                return "its output is in: {scctl} logs {name}";
        case SCM_ERROR_TIMEOUT:
                return "it may still get there; watch it with: {scctl} queryex {name}";
        default:
                return NULL;
        }
}

/* The JSON-RPC code scmd uses for a Win32 error (docs/protocol.md). */
static int jsonrpc_code(int win32) {
        return win32 == SCM_ERROR_INVALID_PARAMETER ? -32602 : win32;
}

static void print_json_error(int win32, json_t *data, const char *message) {
        json_t *d = json_pack("{s:s, s:i}", "error", scm_error_name(win32) ?: "UNKNOWN", "win32",
                              win32);
        if (d && data)
                json_object_update(d, data);
        json_t *error = json_pack("{s:{s:i, s:s, s:o*}}", "error", "code", jsonrpc_code(win32),
                                  "message", message, "data", d);
        if (error)
                output_json(error);
        json_decref(error);
}

/* "scctl: [HOST: ]VERB NAME: " */
static void print_prefix(const struct scctl *ctx) {
        fprintf(stderr, "scctl: %s%s%s", ctx->host ? ctx->host : "", ctx->host ? ": " : "",
                ctx->verb ? ctx->verb->name : "");
        if (ctx->name)
                fprintf(stderr, " %s", ctx->name);
        fputs(": ", stderr);
}

/* The service name nearest to ctx->name, asked of scmd (scm_enumerate());
 * malloc'd, or NULL. */
static char *nearest_service(struct scctl *ctx) {
        struct scm_service_entry *v = NULL;
        size_t n = 0;
        if (!ctx->client || !ctx->name || scm_enumerate(ctx->client, NULL, &v, &n) < 0)
                return NULL;
        const char **names = calloc(n + 1, sizeof(*names));
        const char *near = NULL;
        for (size_t i = 0; names && i < n; i++)
                names[i] = v[i].name;
        if (names)
                near = suggest_nearest(ctx->name, names, n);
        char *ret = near && strcmp(near, ctx->name) != 0 ? strdup(near) : NULL;
        free(names);
        scm_service_entries_free(v, n);
        return ret;
}

static int report(struct scctl *ctx, int status, int win32, json_t *data, const char *message) {
        fflush(stdout);
        if (ctx->json) {
                print_json_error(win32, data, message);
        } else {
                print_prefix(ctx);
                const char *name = scm_error_name(win32);
                if (name)
                        fprintf(stderr, "%s (%d): %s\n", name, win32, message);
                else /* a number scm has no name for: the number alone */
                        fprintf(stderr, "%d: %s\n", win32, message);
                _cleanup_free_ char *near =
                        win32 == SCM_ERROR_SERVICE_DOES_NOT_EXIST ? nearest_service(ctx) : NULL;
                const char *hint = hint_for(ctx, win32, message);
                if (near) {
                        fputs("hint: did you mean ", stderr);
                        print_quoted(stderr, near);
                        fputs("?\n", stderr);
                } else if (hint) {
                        output_hint(ctx, hint);
                }
        }
        json_decref(data);
        return status;
}

int output_error(struct scctl *ctx, int status, int win32, json_t *data, const char *format, ...) {
        _cleanup_free_ char *message = NULL;
        va_list ap;

        va_start(ap, format);
        int r = vasprintf(&message, format, ap);
        va_end(ap);
        return report(ctx, status, win32, data, r < 0 ? "(out of memory)" : message);
}

static bool connection_lost(int r) {
        return r == -ECONNRESET || r == -EPIPE || r == -ENOTCONN || r == -ETIMEDOUT;
}

int output_call_error(struct scctl *ctx, int r) {
        int win32 = scm_error_win32(r);

        if (win32 > 0) {
                if (ctx->json) {
                        /* The SCM's error object, exactly as it came. */
                        json_t *error =
                                json_pack("{s:O}", "error", scm_client_error_object(ctx->client));
                        fflush(stdout);
                        if (error)
                                output_json(error);
                        json_decref(error);
                        return SCCTL_EXIT_REFUSED;
                }
                return report(ctx, SCCTL_EXIT_REFUSED, win32, NULL,
                              scm_client_error_message(ctx->client));
        }
        if (r == -ETIMEDOUT)
                return output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE,
                                    NULL, "scmd at %s did not answer in time", ctx->socket_path);
        if (connection_lost(r))
                return output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE,
                                    NULL, "the connection to scmd at %s broke: %s",
                                    ctx->socket_path, strerror(-r));
        if (r == -EPROTO || r == -EMSGSIZE)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_DATA, NULL,
                                    "scmd's reply could not be read: %s", strerror(-r));
        return output_error(ctx, SCCTL_EXIT_REFUSED, scm_error_from_errno(-r), NULL, "%s",
                            strerror(-r));
}

/* Why connecting failed, for a person. */
static const char *unreachable_reason(int r) {
        switch (r) {
        case -ENOENT:
                return "there is no socket there: no scmd runs for it";
        case -ECONNREFUSED:
                return "nothing listens on that socket: the scmd that made it has ended";
        case -ETIMEDOUT:
                return "no scmd accepted in time";
        case -EACCES:
        case -EPERM:
                return "permission denied";
        case -ENAMETOOLONG:
                return "the path is too long for a socket";
        default:
                return strerror(-r);
        }
}

/* The system scmd's socket exists while this user, not root, looked
 * elsewhere: it is likely the scmd they mean. */
static bool system_scmd_likely(const struct scctl *ctx) {
        if (geteuid() == 0 || ctx->socket_option || ctx->mode == SCM_MODE_SYSTEM ||
            ctx->mode == SCM_MODE_ROOT || (ctx->mode == SCM_MODE_AUTO && getenv("SCM_SOCKET")))
                return false;
        _cleanup_free_ char *system = scm_client_socket_path(SCM_MODE_SYSTEM, NULL);
        struct stat st;
        return system && strcmp(system, ctx->socket_path) != 0 && stat(system, &st) == 0 &&
               S_ISSOCK(st.st_mode);
}

static void unreachable_hint(struct scctl *ctx, int r) {
        if (r == -EACCES || r == -EPERM)
                output_hint(ctx, "that socket is not yours: run scctl as root, or use --user "
                                 "for your own scmd");
        else if (system_scmd_likely(ctx))
                output_hint(ctx, "the system scmd runs: reach it with scctl --system (its access "
                                 "lists say what you may do), or start your own with: scmd "
                                 "--user");
        else if (ctx->socket_option || (ctx->mode == SCM_MODE_AUTO && getenv("SCM_SOCKET")))
                output_hint(ctx, "is scmd running, and listening on that socket? --wait waits "
                                 "for one to come");
        else if (ctx->mode == SCM_MODE_ROOT) {
                fprintf(stderr, "hint: is scmd running? start it with: scmd --root ");
                print_quoted(stderr, ctx->root);
                fputc('\n', stderr);
        } else if (ctx->mode == SCM_MODE_SYSTEM || (ctx->mode == SCM_MODE_AUTO && geteuid() == 0))
                output_hint(ctx, "is scmd running? start it as root with: scmd --system");
        else
                output_hint(ctx, "is scmd running? start it with: scmd --user");
}

int output_unreachable(struct scctl *ctx, int r) {
        if (!ctx->socket_path)
                return output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE,
                                    NULL,
                                    "cannot tell which socket to use (%s); give --socket or --root",
                                    strerror(-r));

        json_t *data = json_pack("{s:s}", "socket", ctx->socket_path);
        char waited[64] = "";
        if (r == -ETIMEDOUT)
                snprintf(waited, sizeof(waited), " (waited %g s)", ctx->timeout_ms / 1000.0);
        output_error(ctx, SCCTL_EXIT_UNREACHABLE, SCM_ERROR_RPC_SERVER_UNAVAILABLE, data,
                     "cannot reach scmd at %s: %s%s", ctx->socket_path, unreachable_reason(r),
                     waited);
        if (!ctx->json)
                unreachable_hint(ctx, r);
        return SCCTL_EXIT_UNREACHABLE;
}
