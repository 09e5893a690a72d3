/* SPDX-License-Identifier: MIT */
/*
 * The verbs about a service's configuration: create (CreateService), config
 * (ChangeServiceConfig), delete (DeleteService) and qc (QueryServiceConfig).
 *
 * create and config share one option table; each option given becomes one
 * field of the request's params and no other field is sent, so config
 * changes exactly what was named.  The checks made here before sending
 * (name rules, command-line splitting, lengths) only give the SCM's answer
 * earlier; scmd judges again.
 */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "scctl.h"
#include "validate.h"

enum {
        OPT_EXEC = 0x100,
        OPT_START,
        OPT_TYPE,
        OPT_ERROR_CONTROL,
        OPT_DISPLAY_NAME,
        OPT_DESCRIPTION,
        OPT_GROUP,
        OPT_DEPEND,
        OPT_ACCOUNT,
        OPT_KIND,
        OPT_CONTROL_TIMEOUT,
        OPT_WATCHDOG,
        OPT_PAUSE_BY_FREEZE,
        OPT_INTERACTIVE,
        OPT_RESTRICT_NETWORK,
        OPT_WRITABLE,
        OPT_ALLOW_WEAK_ISOLATION,
        OPT_PRESHUTDOWN_TIMEOUT,
        OPT_WORKING_DIRECTORY,
        OPT_ENV,
        OPT_ENV_FILE,
        OPT_UMASK,
        OPT_LIMIT,
        OPT_STOP_SIGNAL,
        OPT_STOP_TIMEOUT,
        OPT_IDLE_STOP,
        OPT_ACCEPT,
        OPT_ACCEPT_STDIO,
        OPT_PRIMARY_GROUP,
        OPT_SUPPLEMENTARY_GROUPS,
        /* a folder option and its mode option for each kind, in this order */
        OPT_RUNTIME_DIRECTORY,
        OPT_RUNTIME_DIRECTORY_MODE,
        OPT_STATE_DIRECTORY,
        OPT_STATE_DIRECTORY_MODE,
        OPT_CACHE_DIRECTORY,
        OPT_CACHE_DIRECTORY_MODE,
        OPT_LOGS_DIRECTORY,
        OPT_LOGS_DIRECTORY_MODE,
        OPT_CONFIGURATION_DIRECTORY,
        OPT_CONFIGURATION_DIRECTORY_MODE,
        OPT_PAM_NAME,
        OPT_START_TIMEOUT,
        OPT_NO_NEW_PRIVILEGES,
        OPT_EXEC_START_PRE,
        OPT_EXEC_STOP_POST,
        OPT_RELOAD_COMMAND,
        OPT_RELOAD_SIGNAL,
        OPT_PID_FILE,
        OPT_REMAIN_AFTER_EXIT,
        OPT_MEMORY_MAX,
        OPT_MEMORY_HIGH,
        OPT_MEMORY_SWAP_MAX,
        OPT_CPU_WEIGHT,
        OPT_CPU_QUOTA,
        OPT_TASKS_MAX,
        OPT_IO_WEIGHT,
        OPT_PRIVATE_TMP,
        OPT_PROTECT_SYSTEM,
        OPT_PROTECT_HOME,
        OPT_PRIVATE_DEVICES,
        OPT_SYSCALL_ALLOW,
        OPT_SYSCALL_DENY,
        OPT_SYSCALL_ACTION,
        OPT_FAMILIES_ALLOW,
        OPT_FAMILIES_DENY,
        OPT_IP_ALLOW,
        OPT_IP_DENY,
        OPT_BIND_ALLOW,
        OPT_BIND_DENY,
        OPT_PRIVILEGES,
        OPT_SID_TYPE,
};

static const struct option config_options[] = {
        {"exec", required_argument, NULL, OPT_EXEC},
        {"start", required_argument, NULL, OPT_START},
        {"type", required_argument, NULL, OPT_TYPE},
        {"error-control", required_argument, NULL, OPT_ERROR_CONTROL},
        {"display-name", required_argument, NULL, OPT_DISPLAY_NAME},
        {"description", required_argument, NULL, OPT_DESCRIPTION},
        {"group", required_argument, NULL, OPT_GROUP},
        {"depend", required_argument, NULL, OPT_DEPEND},
        {"account", required_argument, NULL, OPT_ACCOUNT},
        {"kind", required_argument, NULL, OPT_KIND},
        {"control-timeout", required_argument, NULL, OPT_CONTROL_TIMEOUT},
        {"watchdog", required_argument, NULL, OPT_WATCHDOG},
        {"pause-by-freeze", required_argument, NULL, OPT_PAUSE_BY_FREEZE},
        {"interactive", optional_argument, NULL, OPT_INTERACTIVE},
        {"restrict-network", optional_argument, NULL, OPT_RESTRICT_NETWORK},
        {"writable", required_argument, NULL, OPT_WRITABLE},
        {"allow-weak-isolation", optional_argument, NULL, OPT_ALLOW_WEAK_ISOLATION},
        {"preshutdown-timeout", required_argument, NULL, OPT_PRESHUTDOWN_TIMEOUT},
        {"working-directory", required_argument, NULL, OPT_WORKING_DIRECTORY},
        {"env", required_argument, NULL, OPT_ENV},
        {"env-file", required_argument, NULL, OPT_ENV_FILE},
        {"umask", required_argument, NULL, OPT_UMASK},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"stop-signal", required_argument, NULL, OPT_STOP_SIGNAL},
        {"stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT},
        {"idle-stop", required_argument, NULL, OPT_IDLE_STOP},
        {"accept", required_argument, NULL, OPT_ACCEPT},
        {"accept-stdio", required_argument, NULL, OPT_ACCEPT_STDIO},
        {"primary-group", required_argument, NULL, OPT_PRIMARY_GROUP},
        {"supplementary-groups", required_argument, NULL, OPT_SUPPLEMENTARY_GROUPS},
        {"runtime-directory", required_argument, NULL, OPT_RUNTIME_DIRECTORY},
        {"runtime-directory-mode", required_argument, NULL, OPT_RUNTIME_DIRECTORY_MODE},
        {"state-directory", required_argument, NULL, OPT_STATE_DIRECTORY},
        {"state-directory-mode", required_argument, NULL, OPT_STATE_DIRECTORY_MODE},
        {"cache-directory", required_argument, NULL, OPT_CACHE_DIRECTORY},
        {"cache-directory-mode", required_argument, NULL, OPT_CACHE_DIRECTORY_MODE},
        {"logs-directory", required_argument, NULL, OPT_LOGS_DIRECTORY},
        {"logs-directory-mode", required_argument, NULL, OPT_LOGS_DIRECTORY_MODE},
        {"configuration-directory", required_argument, NULL, OPT_CONFIGURATION_DIRECTORY},
        {"configuration-directory-mode", required_argument, NULL, OPT_CONFIGURATION_DIRECTORY_MODE},
        {"pam-name", required_argument, NULL, OPT_PAM_NAME},
        {"start-timeout", required_argument, NULL, OPT_START_TIMEOUT},
        {"no-new-privileges", required_argument, NULL, OPT_NO_NEW_PRIVILEGES},
        {"exec-start-pre", required_argument, NULL, OPT_EXEC_START_PRE},
        {"exec-stop-post", required_argument, NULL, OPT_EXEC_STOP_POST},
        {"reload-command", required_argument, NULL, OPT_RELOAD_COMMAND},
        {"reload-signal", required_argument, NULL, OPT_RELOAD_SIGNAL},
        {"pid-file", required_argument, NULL, OPT_PID_FILE},
        {"remain-after-exit", optional_argument, NULL, OPT_REMAIN_AFTER_EXIT},
        {"memory-max", required_argument, NULL, OPT_MEMORY_MAX},
        {"memory-high", required_argument, NULL, OPT_MEMORY_HIGH},
        {"memory-swap-max", required_argument, NULL, OPT_MEMORY_SWAP_MAX},
        {"cpu-weight", required_argument, NULL, OPT_CPU_WEIGHT},
        {"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
        {"tasks-max", required_argument, NULL, OPT_TASKS_MAX},
        {"io-weight", required_argument, NULL, OPT_IO_WEIGHT},
        {"private-tmp", optional_argument, NULL, OPT_PRIVATE_TMP},
        {"protect-system", required_argument, NULL, OPT_PROTECT_SYSTEM},
        {"protect-home", required_argument, NULL, OPT_PROTECT_HOME},
        {"private-devices", optional_argument, NULL, OPT_PRIVATE_DEVICES},
        {"system-call-allow", required_argument, NULL, OPT_SYSCALL_ALLOW},
        {"system-call-deny", required_argument, NULL, OPT_SYSCALL_DENY},
        {"ip-address-allow", required_argument, NULL, OPT_IP_ALLOW},
        {"ip-address-deny", required_argument, NULL, OPT_IP_DENY},
        {"socket-bind-allow", required_argument, NULL, OPT_BIND_ALLOW},
        {"socket-bind-deny", required_argument, NULL, OPT_BIND_DENY},
        {"system-call-action", required_argument, NULL, OPT_SYSCALL_ACTION},
        {"address-families-allow", required_argument, NULL, OPT_FAMILIES_ALLOW},
        {"address-families-deny", required_argument, NULL, OPT_FAMILIES_DENY},
        {"privileges", required_argument, NULL, OPT_PRIVILEGES},
        {"sid-type", required_argument, NULL, OPT_SID_TYPE},
        {},
};

static bool valid_start_type(const char *s) {
        return scm_start_type_from_name(s) != SCM_START_INVALID;
}

static bool valid_type(const char *s) {
        return scm_type_from_name(s) != SCM_TYPE_INVALID;
}

static bool valid_error_control(const char *s) {
        return scm_error_control_from_name(s) != SCM_ERROR_CONTROL_INVALID;
}

static bool valid_kind(const char *s) {
        return scm_kind_from_name(s) != SCM_KIND_INVALID;
}

static bool valid_ms(const char *s) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        return s[0] >= '0' && s[0] <= '9' && !*end && v <= 24UL * 3600 * 1000;
}

/* Instances per connection at most at once: 0 (off) to 1024. */
static bool valid_accept(const char *s) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        return s[0] >= '0' && s[0] <= '9' && !*end && v <= 1024;
}

/* Milliseconds up to 0xFFFFFFFF, or "infinite" (that value). */
static bool valid_preshutdown_ms(const char *s) {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        return !strcmp(s, "infinite") ||
               (s[0] >= '0' && s[0] <= '9' && !*end && v <= SCM_PRESHUTDOWN_TIMEOUT_INFINITE);
}

static bool valid_umask(const char *s) {
        char *end;
        unsigned long v = strtoul(s, &end, 8);
        return s[0] >= '0' && s[0] <= '7' && !*end && v <= 0777;
}

static bool valid_mode(const char *s) {
        char *end;
        unsigned long v = strtoul(s, &end, 8);
        return s[0] >= '0' && s[0] <= '7' && !*end && v <= 07777;
}

static bool is_folder_option(int opt) {
        return opt >= OPT_RUNTIME_DIRECTORY && opt <= OPT_CONFIGURATION_DIRECTORY_MODE &&
               (opt - OPT_RUNTIME_DIRECTORY) % 2 == 0;
}

static bool is_folder_mode_option(int opt) {
        return opt >= OPT_RUNTIME_DIRECTORY && opt <= OPT_CONFIGURATION_DIRECTORY_MODE &&
               (opt - OPT_RUNTIME_DIRECTORY) % 2 == 1;
}

/* NAME=SOFT[:HARD]; scmd judges the name and the numbers. */
static bool valid_limit(const char *s) {
        return strchr(s, '=') && s[0] != '=';
}

/* "none" (back to the default), or a number with an optional suffix:
 * K, M, G, T (powers of 1024) for bytes, % for a quota.  Returns false
 * when s is neither; *ret -1 for "none". */
static bool parse_amount(const char *s, bool bytes, long long *ret) {
        if (!strcmp(s, "none"))
                return *ret = -1, true;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (s[0] < '0' || s[0] > '9' || v > (1ULL << 53))
                return false;
        static const char units[] = "KMGT";
        const char *u = bytes && *end ? strchr(units, *end) : NULL;
        if (u && *u) {
                v <<= 10 * (u - units + 1);
                end++;
        } else if (!bytes && *end == '%') {
                end++;
        }
        return !*end && (*ret = (long long)v, true);
}

static bool valid_bytes(const char *s) {
        long long v;
        return parse_amount(s, true, &v);
}

static bool valid_count(const char *s) {
        long long v;
        return parse_amount(s, false, &v);
}

static bool valid_tasks(const char *s) {
        return !strcmp(s, "infinity") || valid_count(s);
}

static bool valid_protect_system(const char *s) {
        return !strcmp(s, "no") || !strcmp(s, "yes") || !strcmp(s, "full") || !strcmp(s, "strict");
}

static bool valid_protect_home(const char *s) {
        return !strcmp(s, "no") || !strcmp(s, "yes") || !strcmp(s, "read-only") ||
               !strcmp(s, "tmpfs");
}

static bool valid_yes_no(const char *s) {
        return !strcmp(s, "yes") || !strcmp(s, "no");
}

static bool valid_sid_type(const char *s) {
        return !strcmp(s, "none") || !strcmp(s, "unrestricted") || !strcmp(s, "restricted");
}

/* Each option of config_options[] and the params field it sets. */
static const struct config_field {
        int opt;
        const char *option;
        const char *key;
        bool (*valid)(const char *value); /* NULL: any text */
        const char *values;               /* what valid() accepts, for people */
} config_fields[] = {
        {OPT_EXEC, "--exec", "command_line", NULL, NULL},
        {OPT_START, "--start", "start_type", valid_start_type,
         "boot, system, auto, delayed-auto, demand, disabled"},
        {OPT_TYPE, "--type", "type", valid_type, "own, share, kernel-driver"},
        {OPT_ERROR_CONTROL, "--error-control", "error_control", valid_error_control,
         "ignore, normal, severe, critical"},
        {OPT_DISPLAY_NAME, "--display-name", "display_name", NULL, NULL},
        {OPT_DESCRIPTION, "--description", "description", NULL, NULL},
        {OPT_GROUP, "--group", "group", NULL, NULL},
        {OPT_DEPEND, "--depend", "dependencies", NULL, NULL},
        {OPT_ACCOUNT, "--account", "account", NULL, NULL},
        {OPT_KIND, "--kind", "kind", valid_kind, "plain, native, notify, forking, oneshot"},
        {OPT_CONTROL_TIMEOUT, "--control-timeout", "control_timeout_ms", valid_ms, "milliseconds"},
        {OPT_WATCHDOG, "--watchdog", "watchdog_ms", valid_ms, "milliseconds (0: off)"},
        {OPT_PAUSE_BY_FREEZE, "--pause-by-freeze", "pause_by_freeze", valid_yes_no, "yes, no"},
        {OPT_INTERACTIVE, "--interactive", "interactive", valid_yes_no, "yes, no"},
        {OPT_RESTRICT_NETWORK, "--restrict-network", "restrict_network", valid_yes_no, "yes, no"},
        {OPT_WRITABLE, "--writable", "writable_paths", NULL, NULL},
        {OPT_ALLOW_WEAK_ISOLATION, "--allow-weak-isolation", "allow_weak_isolation", valid_yes_no,
         "yes, no"},
        {OPT_PRESHUTDOWN_TIMEOUT, "--preshutdown-timeout", "preshutdown_timeout_ms",
         valid_preshutdown_ms, "milliseconds up to 4294967295, or infinite"},
        {OPT_WORKING_DIRECTORY, "--working-directory", "working_directory", NULL, NULL},
        {OPT_ENV, "--env", "environment", NULL, NULL},
        {OPT_ENV_FILE, "--env-file", "environment_files", NULL, NULL},
        {OPT_UMASK, "--umask", "umask", valid_umask, "an octal mode such as 0027"},
        {OPT_LIMIT, "--limit", "limits", valid_limit, "NAME=SOFT[:HARD], e.g. NOFILE=65535"},
        {OPT_STOP_SIGNAL, "--stop-signal", "stop_signal", NULL, NULL},
        {OPT_STOP_TIMEOUT, "--stop-timeout", "stop_timeout_ms", valid_ms,
         "milliseconds (0: scmd's)"},
        {OPT_IDLE_STOP, "--idle-stop", "idle_stop_ms", valid_ms, "milliseconds (0: never)"},
        {OPT_ACCEPT, "--accept", "accept_connections", valid_accept,
         "a number of instances, 0 to 1024 (0: the service accepts)"},
        {OPT_ACCEPT_STDIO, "--accept-stdio", "accept_stdio", valid_yes_no, "yes, no"},
        {OPT_PRIMARY_GROUP, "--primary-group", "primary_group", NULL, NULL},
        {OPT_SUPPLEMENTARY_GROUPS, "--supplementary-groups", "supplementary_groups", NULL, NULL},
        {OPT_RUNTIME_DIRECTORY, "--runtime-directory", "runtime_directory", NULL, NULL},
        {OPT_RUNTIME_DIRECTORY_MODE, "--runtime-directory-mode", "runtime_directory_mode",
         valid_mode, "an octal mode such as 0750"},
        {OPT_STATE_DIRECTORY, "--state-directory", "state_directory", NULL, NULL},
        {OPT_STATE_DIRECTORY_MODE, "--state-directory-mode", "state_directory_mode", valid_mode,
         "an octal mode such as 0750"},
        {OPT_CACHE_DIRECTORY, "--cache-directory", "cache_directory", NULL, NULL},
        {OPT_CACHE_DIRECTORY_MODE, "--cache-directory-mode", "cache_directory_mode", valid_mode,
         "an octal mode such as 0750"},
        {OPT_LOGS_DIRECTORY, "--logs-directory", "logs_directory", NULL, NULL},
        {OPT_LOGS_DIRECTORY_MODE, "--logs-directory-mode", "logs_directory_mode", valid_mode,
         "an octal mode such as 0750"},
        {OPT_CONFIGURATION_DIRECTORY, "--configuration-directory", "configuration_directory", NULL,
         NULL},
        {OPT_CONFIGURATION_DIRECTORY_MODE, "--configuration-directory-mode",
         "configuration_directory_mode", valid_mode, "an octal mode such as 0750"},
        {OPT_PAM_NAME, "--pam-name", "pam_name", NULL, NULL},
        {OPT_START_TIMEOUT, "--start-timeout", "start_timeout_ms", valid_ms,
         "milliseconds (0: --control-timeout)"},
        {OPT_NO_NEW_PRIVILEGES, "--no-new-privileges", "no_new_privileges", valid_yes_no,
         "yes, no"},
        {OPT_EXEC_START_PRE, "--exec-start-pre", "exec_start_pre", NULL, NULL},
        {OPT_EXEC_STOP_POST, "--exec-stop-post", "exec_stop_post", NULL, NULL},
        {OPT_RELOAD_COMMAND, "--reload-command", "reload_command", NULL, NULL},
        {OPT_RELOAD_SIGNAL, "--reload-signal", "reload_signal", NULL, NULL},
        {OPT_PID_FILE, "--pid-file", "pid_file", NULL, NULL},
        {OPT_REMAIN_AFTER_EXIT, "--remain-after-exit", "remain_after_exit", valid_yes_no,
         "yes, no"},
        {OPT_MEMORY_MAX, "--memory-max", "memory_max", valid_bytes,
         "bytes with K, M, G or T, or none"},
        {OPT_MEMORY_HIGH, "--memory-high", "memory_high", valid_bytes,
         "bytes with K, M, G or T, or none"},
        {OPT_MEMORY_SWAP_MAX, "--memory-swap-max", "memory_swap_max", valid_bytes,
         "bytes with K, M, G or T, or none"},
        {OPT_CPU_WEIGHT, "--cpu-weight", "cpu_weight", valid_count, "1 to 10000, or none"},
        {OPT_CPU_QUOTA, "--cpu-quota", "cpu_quota_percent", valid_count,
         "a percentage of one CPU such as 50% or 200%, or none"},
        {OPT_TASKS_MAX, "--tasks-max", "tasks_max", valid_tasks, "a number, infinity or none"},
        {OPT_IO_WEIGHT, "--io-weight", "io_weight", valid_count, "1 to 10000, or none"},
        {OPT_PRIVATE_TMP, "--private-tmp", "private_tmp", valid_yes_no, "yes, no"},
        {OPT_PROTECT_SYSTEM, "--protect-system", "protect_system", valid_protect_system,
         "no, yes, full, strict"},
        {OPT_PROTECT_HOME, "--protect-home", "protect_home", valid_protect_home,
         "no, yes, read-only, tmpfs"},
        {OPT_PRIVATE_DEVICES, "--private-devices", "private_devices", valid_yes_no, "yes, no"},
        {OPT_SYSCALL_ALLOW, "--system-call-allow", "system_call_allow", NULL, NULL},
        {OPT_SYSCALL_DENY, "--system-call-deny", "system_call_deny", NULL, NULL},
        {OPT_SYSCALL_ACTION, "--system-call-action", "system_call_action", NULL, NULL},
        {OPT_FAMILIES_ALLOW, "--address-families-allow", "address_families_allow", NULL, NULL},
        {OPT_FAMILIES_DENY, "--address-families-deny", "address_families_deny", NULL, NULL},
        {OPT_IP_ALLOW, "--ip-address-allow", "ip_address_allow", NULL, NULL},
        {OPT_IP_DENY, "--ip-address-deny", "ip_address_deny", NULL, NULL},
        {OPT_BIND_ALLOW, "--socket-bind-allow", "socket_bind_allow", NULL, NULL},
        {OPT_BIND_DENY, "--socket-bind-deny", "socket_bind_deny", NULL, NULL},
        {OPT_PRIVILEGES, "--privileges", "required_privileges", NULL, NULL},
        {OPT_SID_TYPE, "--sid-type", "sid_type", valid_sid_type, "none, unrestricted, restricted"},
};

/* Repeatable options gather into a list (--env, --env-file, --*-directory) or an object
 * (--limit NAME=VALUE); "" (--env '') empties the list. */
static int gather(json_t *params, const char *key, int opt, const char *arg) {
        json_t *have = json_object_get(params, key);
        if (opt == OPT_LIMIT) {
                if (!have && json_object_set_new(params, key, have = json_object()) < 0)
                        return -1;
                const char *eq = strchr(arg, '=');
                char name[64];
                snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
                return json_object_set_new(have, name, json_string(eq + 1));
        }
        if (!have && json_object_set_new(params, key, have = json_array()) < 0)
                return -1;
        return arg[0] ? json_array_append_new(have, json_string(arg)) : 0;
}

/* A resource limit's value: a number, "infinity" (--tasks-max), or null
 * for "none". */
static json_t *limit_value(int opt, const char *arg) {
        long long amount;
        if (!strcmp(arg, "infinity"))
                return json_string(arg);
        parse_amount(arg, opt <= OPT_MEMORY_SWAP_MAX, &amount);
        return amount < 0 ? json_null() : json_integer(amount);
}

static const struct config_field *config_field_of(int opt) {
        for (size_t i = 0; i < ELEMENTSOF(config_fields); i++)
                if (config_fields[i].opt == opt)
                        return &config_fields[i];
        return NULL;
}

/* "A,B,+GROUP" as a list, split at any of separators; empty entries are
 * dropped, so "" is none.  NULL when an entry is not UTF-8 (or memory ran
 * out). */
static json_t *split_list(const char *arg, const char *separators) {
        json_t *list = json_array();

        for (const char *p = arg; list && *p;) {
                size_t n = strcspn(p, separators);
                if (n > 0 && json_array_append_new(list, json_stringn(p, n)) < 0) {
                        json_decref(list);
                        return NULL;
                }
                p += n + (p[n] != '\0');
        }
        return list;
}

/* Stores one option in params; returns 0 or an exit status. */
static int config_option(struct scctl *ctx, int opt, const char *arg, json_t *params) {
        const struct config_field *f = config_field_of(opt);
        if (!f)
                return scctl_usage_error(ctx, "unexpected option");
        if (!arg)
                arg = "yes"; /* a flag given without =no */
        if (f->valid && !f->valid(arg))
                return scctl_usage_error(ctx, "%s '%s' is not one of: %s", f->option, arg,
                                         f->values);

        if (opt == OPT_ENV || opt == OPT_ENV_FILE || opt == OPT_LIMIT ||
            opt == OPT_EXEC_START_PRE || opt == OPT_EXEC_STOP_POST || is_folder_option(opt))
                return gather(params, f->key, opt, arg) < 0
                               ? output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                              NULL, "%s is not valid UTF-8 text", f->option)
                               : 0;
        json_t *value;
        if (opt >= OPT_MEMORY_MAX && opt <= OPT_IO_WEIGHT)
                value = limit_value(opt, arg);
        else if (opt == OPT_UMASK || is_folder_mode_option(opt))
                value = json_integer(strtol(arg, NULL, 8));
        else if (opt == OPT_STOP_TIMEOUT || opt == OPT_START_TIMEOUT || opt == OPT_IDLE_STOP ||
                 opt == OPT_ACCEPT)
                value = json_integer(strtoll(arg, NULL, 10));
        else if (opt == OPT_DEPEND || opt == OPT_WRITABLE || opt == OPT_SUPPLEMENTARY_GROUPS ||
                 opt == OPT_SYSCALL_ALLOW || opt == OPT_SYSCALL_DENY || opt == OPT_FAMILIES_ALLOW ||
                 opt == OPT_FAMILIES_DENY || (opt >= OPT_IP_ALLOW && opt <= OPT_BIND_DENY))
                value = split_list(arg, ",");
        else if (opt == OPT_PRIVILEGES) /* joined with '/' as sc.exe privs joins them */
                value = split_list(arg, ",/");
        else if (opt == OPT_CONTROL_TIMEOUT || opt == OPT_WATCHDOG)
                value = json_integer(strtoll(arg, NULL, 10));
        else if (opt == OPT_PRESHUTDOWN_TIMEOUT)
                value = json_integer(!strcmp(arg, "infinite") ? SCM_PRESHUTDOWN_TIMEOUT_INFINITE
                                                              : strtoll(arg, NULL, 10));
        else if (opt == OPT_PAUSE_BY_FREEZE || opt == OPT_INTERACTIVE ||
                 opt == OPT_RESTRICT_NETWORK || opt == OPT_ALLOW_WEAK_ISOLATION ||
                 opt == OPT_REMAIN_AFTER_EXIT || opt == OPT_NO_NEW_PRIVILEGES ||
                 opt == OPT_PRIVATE_TMP || opt == OPT_PRIVATE_DEVICES || opt == OPT_ACCEPT_STDIO)
                value = json_boolean(!strcmp(arg, "yes"));
        else
                value = json_string(arg);
        if (!value)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "%s is not valid UTF-8 text", f->option);
        json_object_set_new(params, f->key, value);
        return 0;
}

int scctl_config_option(struct scctl *ctx, const char *option, const char *arg, json_t *params) {
        for (size_t i = 0; i < ELEMENTSOF(config_fields); i++)
                if (!strcmp(config_fields[i].option + 2, option))
                        return config_option(ctx, config_fields[i].opt, arg, params);
        return scctl_usage_error(ctx, "unexpected option --%s", option);
}

/* Reads the options of create and config into params, then the one NAME. */
static int parse_config(struct scctl *ctx, int argc, char **argv, json_t *params) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                int r = config_option(ctx, opt, optarg, params);
                if (r != 0)
                        return r;
        }
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        return scctl_set_service(ctx, argv[optind]);
}

static int refuse(struct scctl *ctx, const char *option, const char *reason) {
        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL, "%s: %s",
                            option, reason);
}

static int check_command_line(struct scctl *ctx, const char *line) {
        char **argv = NULL;
        int argc;
        const char *reason = NULL;

        if (strlen(line) > SCM_COMMAND_LINE_MAX_BYTES)
                return refuse(ctx, "--exec", "the command line is longer than 32,767 bytes");
        int r = cmdline_split(line, &argv, &argc, &reason);
        strv_free(argv);
        if (r == -EINVAL)
                return refuse(ctx, "--exec", reason);
        return 0; /* out of memory here is no reason to refuse */
}

static int check_dependencies(struct scctl *ctx, const json_t *deps) {
        size_t i;
        json_t *dep;

        if (json_array_size(deps) > SCM_DEPENDENCIES_MAX)
                return refuse(ctx, "--depend", "more than 256 dependencies");
        json_array_foreach(deps, i, dep) {
                const char *s = json_string_value(dep);
                const char *reason;
                int r = s[0] == '+' ? validate_text(s + 1, SCM_GROUP_MAX_CHARS, false, &reason)
                                    : validate_service_name(s, &reason);
                if (r == 0 && s[0] != '+' && names_equal(s, ctx->name))
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_CIRCULAR_DEPENDENCY,
                                            NULL, "--depend: '%s' is the service itself", s);
                if (r < 0)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER,
                                            NULL, "--depend: '%s' is not a valid %s name: %s", s,
                                            s[0] == '+' ? "group" : "service", reason);
        }
        return 0;
}

/* The checks scmd will make too, made before sending for an early answer. */
static int check_config(struct scctl *ctx, const json_t *params) {
        const char *line = json_string_value(json_object_get(params, "command_line"));
        const char *display = json_string_value(json_object_get(params, "display_name"));
        const char *group = json_string_value(json_object_get(params, "group"));
        const char *description = json_string_value(json_object_get(params, "description"));
        const char *account = json_string_value(json_object_get(params, "account"));
        const char *reason;
        int r;

        if (line && (r = check_command_line(ctx, line)) != 0)
                return r;
        if (display && validate_text(display, SCM_DISPLAY_NAME_MAX_CHARS, false, &reason) < 0)
                return refuse(ctx, "--display-name", reason);
        if (group && validate_text(group, SCM_GROUP_MAX_CHARS, true, &reason) < 0)
                return refuse(ctx, "--group", reason);
        if (description && strlen(description) > SCM_DESCRIPTION_MAX_BYTES)
                return refuse(ctx, "--description", "it is longer than 4,096 bytes");
        if (account && strlen(account) > SCM_ACCOUNT_MAX_BYTES)
                return refuse(ctx, "--account", "it is longer than 256 bytes");
        return check_dependencies(ctx, json_object_get(params, "dependencies"));
}

/* Sends method with params plus the name, and prints the config that
 * comes back. */
static int send_config(struct scctl *ctx, const char *method, json_t *params) {
        _cleanup_json_ json_t *result = NULL;

        json_object_set_new(params, "name", json_string(ctx->name));
        int r = scctl_call(ctx, method, json_incref(params), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                output_config_block(result);
        return 0;
}

static int run_create(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *params = json_object();
        int r = parse_config(ctx, argc, argv, params);
        if (r != 0)
                return r;
        if (!json_object_get(params, "command_line"))
                return scctl_usage_error(ctx, "--exec CMDLINE is required");
        r = check_config(ctx, params);
        return r != 0 ? r : send_config(ctx, "create", params);
}

static int run_config(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *params = json_object();
        int r = parse_config(ctx, argc, argv, params);
        if (r != 0)
                return r;
        if (json_object_size(params) == 0)
                return scctl_usage_error(ctx, "nothing to change: give at least one option");
        r = check_config(ctx, params);
        return r != 0 ? r : send_config(ctx, "change_config", params);
}

/* Reads the one NAME of a verb without options of its own. */
static int parse_name_only(struct scctl *ctx, int argc, char **argv) {
        int opt = scctl_next_option(ctx, argc, argv);
        if (opt < 0)
                return ctx->exit_status;
        if (argc - optind != 1)
                return scctl_usage_error(ctx, "expects one service NAME");
        return scctl_set_service(ctx, argv[optind]);
}

/* Says why a service was only marked for delete: it runs, or a client
 * holds it open. */
static void explain_marked(struct scctl *ctx) {
        _cleanup_json_ json_t *status = NULL;
        struct scm_status s;

        int r = scm_call(ctx->client, "query_status", json_pack("{s:s}", "name", ctx->name),
                         &status);
        if (r < 0 || scm_status_from_json(status, &s) < 0)
                return;
        if (s.state == SCM_STATE_STOPPED) {
                printf("It is stopped, but a client holds it open; it goes when that handle is "
                       "closed.\n");
                return;
        }
        printf("It is %s (PID %d); it goes once it has stopped and no client holds it open.\n",
               scm_state_name(s.state), (int)s.pid);
        output_hint(ctx, "stop it with: {scctl} stop {name}");
}

static int run_delete(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_name_only(ctx, argc, argv);
        if (r != 0)
                return r;
        r = scctl_call(ctx, "delete", json_pack("{s:s}", "name", ctx->name), &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        if (json_is_true(json_object_get(result, "deleted"))) {
                printf("Deleted service %s.\n", ctx->name);
                return 0;
        }
        printf("Service %s is marked for delete, not deleted yet.\n", ctx->name);
        fflush(stdout);
        explain_marked(ctx);
        return 0;
}

static int run_qc(struct scctl *ctx, int argc, char **argv) {
        _cleanup_json_ json_t *result = NULL;
        int r = parse_name_only(ctx, argc, argv);
        if (r != 0)
                return r;
        r = scctl_call(ctx, "query_config", json_pack("{s:s}", "name", ctx->name), &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                output_config_block(result);
        return 0;
}

#define CONFIG_OPTIONS_HELP                                                                        \
        "  --start TYPE           boot, system (kernel drivers only), auto, delayed-auto,\n"       \
        "                         demand (the default) or disabled\n"                              \
        "  --type TYPE            own (the default), share or kernel-driver\n"                     \
        "  --display-name TEXT    the name people see (default: NAME)\n"                           \
        "  --description TEXT     what the service does\n"                                         \
        "  --group GROUP          the load-order group\n"                                          \
        "  --depend A,B,+GROUP    services, and groups with a '+', that must run first;\n"         \
        "                         \"\" for none\n"                                                 \
        "  --account USER         the account it runs as (default: scmd's own)\n"                  \
        "  --error-control LEVEL  ignore, normal (the default), severe or critical\n"              \
        "  --kind KIND            how it talks to scmd: plain (the default: running once\n"        \
        "                         exec succeeds), native (libscm's <scm/service.h>) or\n"          \
        "                         notify (sd_notify READY=1)\n"                                    \
        "  --control-timeout MS   how long a control (and a native start) may take\n"              \
        "                         (default 30000)\n"                                               \
        "  --watchdog MS          notify: WATCHDOG=1 must come at least this often\n"              \
        "  --pause-by-freeze yes|no  plain/notify: pause freezes every process (cgroup)\n"         \
        "  --preshutdown-timeout MS|infinite  native: how long PRESHUTDOWN may take at\n"          \
        "                         shutdown while it makes progress (default 180000)\n"             \
        "  --interactive[=no]     LocalSystem only: standard I/O on scmd's "                       \
        "--console\n" SCCTL_SECURITY_OPTIONS_HELP                                                  \
        "  --working-directory DIR  where it starts (default /)\n"                                 \
        "  --env KEY=VALUE        added to its environment (repeat; --env '' clears)\n"            \
        "  --env-file [-]PATH     KEY=VALUE lines read at each start (repeat; - : may be\n"        \
        "                         missing; --env-file '' clears)\n"                                \
        "  --umask MODE           octal (default 0022)\n"                                          \
        "  --limit NAME=SOFT[:HARD]  a resource limit: NOFILE, NPROC, CORE, MEMLOCK, STACK,\n"     \
        "                         AS, ...; a number or infinity (repeat)\n"                        \
        "  --stop-signal SIG      what asks it to stop (default TERM; e.g. QUIT, INT)\n"           \
        "  --stop-timeout MS      before a stop kills it (0: scmd's --stop-timeout)\n"             \
        "  --idle-stop MS         socket activation: stop it after MS with no client (0: never)\n" \
        "  --accept N             socket activation: scmd accepts each connection and starts\n"    \
        "                         an instance for it (fd 3), at most N at once (0: off)\n"         \
        "  --accept-stdio yes|no  with --accept: the connection is also its stdin and stdout\n"    \
        "  --primary-group GROUP  its primary group, a name or gid (\"\": the account's)\n"        \
        "  --supplementary-groups G1,G2  more groups it is in (\"\" for none)\n"                   \
        "  --runtime-directory NAME  a folder made under /run before each start and\n"             \
        "                         removed after it stops (repeat; '' clears)\n"                    \
        "  --state-directory NAME, --cache-directory NAME, --logs-directory NAME,\n"               \
        "  --configuration-directory NAME  folders made under /var/lib, /var/cache,\n"             \
        "                         /var/log, /etc (repeat; '' clears); names relative\n"            \
        "  --KIND-directory-mode MODE  octal (default 0755), KIND one of the above\n"              \
        "  --pam-name NAME        a logon session of PAM service NAME (/etc/pam.d/NAME,\n"         \
        "                         e.g. scm) around its process ('': none)\n"                       \
        "  --no-new-privileges yes|no  an account other than root that requires no\n"              \
        "                         privilege runs with none, not even through a setuid\n"           \
        "                         program (yes, the default); no lets setuid work\n"               \
        "  --exec-start-pre CMDLINE  run before it starts, as it; a failure fails the\n"           \
        "                         start ('-' first: may fail; repeat; '' clears)\n"                \
        "  --exec-stop-post CMDLINE  run after its processes have gone (repeat, as above)\n"       \
        "  --start-timeout MS     forking, notify, pre-start: the start must be done by\n"         \
        "                         then (0: --control-timeout)\n"                                   \
        "  --reload-command CMDLINE  what reload (paramchange) runs, as it (MAINPID set)\n"        \
        "  --reload-signal SIG    or the signal reload sends it (HUP, USR1, ...; '' none)\n"       \
        "  --pid-file PATH        forking: where the daemon writes its pid\n"                      \
        "  --remain-after-exit[=no]  oneshot: RUNNING after it exits 0, until stopped\n"           \
        "Resource limits (cgroup v2; none: back to the default):\n"                                \
        "  --memory-max BYTES     the hard limit: beyond it the kernel kills (K, M, G, T)\n"       \
        "  --memory-high BYTES    the throttling point, below --memory-max\n"                      \
        "  --memory-swap-max BYTES  swap it may use (0: none)\n"                                   \
        "  --cpu-weight N         its share of busy CPUs, 1 to 10000 (default 100)\n"              \
        "  --cpu-quota PERCENT    at most this much of one CPU (200%: two)\n"                      \
        "  --tasks-max N|infinity  processes and threads (default 4096)\n"                         \
        "  --io-weight N          its share of busy disks, 1 to 10000 (default "                   \
        "100)\n" SCCTL_SANDBOX_OPTIONS_HELP

const struct scctl_verb verb_create = {
        .name = "create",
        .synopsis = "NAME --exec CMDLINE [OPTIONS]",
        .summary = "Create a service (CreateService) and print its configuration",
        .help = "  --exec CMDLINE         the program and its arguments, split like a shell\n"
                "                         would but never run through one\n" CONFIG_OPTIONS_HELP,
        .options = config_options,
        .run = run_create,
};

const struct scctl_verb verb_config = {
        .name = "config",
        .synopsis = "NAME OPTION...",
        .summary = "Change a service's configuration (ChangeServiceConfig)",
        .help = "  --exec CMDLINE         the program and its arguments\n" CONFIG_OPTIONS_HELP
                "\nOnly the options given change.  A running process keeps the settings it\n"
                "started with.\n",
        .options = config_options,
        .run = run_config,
};

const struct scctl_verb verb_delete = {
        .name = "delete",
        .synopsis = "NAME",
        .summary = "Delete a service (DeleteService), or mark it for delete while it runs",
        .help = "A service that is running, or held open by a client, is only marked for\n"
                "delete; it goes once it has stopped and the last handle is closed.\n",
        .run = run_delete,
};

const struct scctl_verb verb_qc = {
        .name = "qc",
        .synopsis = "NAME",
        .summary = "Print a service's configuration (QueryServiceConfig)",
        .run = run_qc,
};
