/* SPDX-License-Identifier: MIT */
/*
 * A service's process settings (process_config.h): their checks, their
 * protocol form, copying and freeing.  Applying a request's keys onto the
 * settings a service has is one function for create, change_config and
 * the database's load alike, so a value is judged by one rule wherever it
 * comes from.
 */
#include "process_config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "cleanup.h"
#include "cmdline.h"
#include "process_commands.h"

const char *const process_config_keys[] = {
        "working_directory",
        "environment",
        "environment_files",
        "umask",
        "limits",
        "stop_signal",
        "stop_timeout_ms",
        "idle_stop_ms",
        "accept_connections",
        "accept_stdio",
        "primary_group",
        "supplementary_groups",
        "runtime_directory",
        "runtime_directory_mode",
        "state_directory",
        "state_directory_mode",
        "cache_directory",
        "cache_directory_mode",
        "logs_directory",
        "logs_directory_mode",
        "configuration_directory",
        "configuration_directory_mode",
        "pam_name",
        "exec_start_pre",
        "exec_stop_post",
        "reload_command",
        "reload_signal",
        "pid_file",
        "remain_after_exit",
        "start_timeout_ms",
        "no_new_privileges",
        NULL,
};

const char *const process_folder_kind_names[_FOLDER_KIND_MAX] = {
        [FOLDER_RUNTIME] = "runtime",
        [FOLDER_STATE] = "state",
        [FOLDER_CACHE] = "cache",
        [FOLDER_LOGS] = "logs",
        [FOLDER_CONFIGURATION] = "configuration",
};

static const struct {
        const char *name;
        int resource;
} limit_names[] = {
        {"CPU", RLIMIT_CPU},           {"FSIZE", RLIMIT_FSIZE},
        {"DATA", RLIMIT_DATA},         {"STACK", RLIMIT_STACK},
        {"CORE", RLIMIT_CORE},         {"RSS", RLIMIT_RSS},
        {"NPROC", RLIMIT_NPROC},       {"NOFILE", RLIMIT_NOFILE},
        {"MEMLOCK", RLIMIT_MEMLOCK},   {"AS", RLIMIT_AS},
        {"LOCKS", RLIMIT_LOCKS},       {"SIGPENDING", RLIMIT_SIGPENDING},
        {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE},
        {"RTPRIO", RLIMIT_RTPRIO},     {"RTTIME", RLIMIT_RTTIME},
};
_Static_assert(ELEMENTSOF(limit_names) == PROCESS_LIMITS_MAX, "a slot for every limit");

int process_limit_from_name(const char *name) {
        const char *bare = strncasecmp(name, "LIMIT", 5) == 0 ? name + 5 : name;
        for (size_t i = 0; i < ELEMENTSOF(limit_names); i++)
                if (strcasecmp(limit_names[i].name, bare) == 0)
                        return limit_names[i].resource;
        return -1;
}

const char *process_limit_name(int resource) {
        for (size_t i = 0; i < ELEMENTSOF(limit_names); i++)
                if (limit_names[i].resource == resource)
                        return limit_names[i].name;
        return NULL;
}

static const struct {
        const char *name;
        int sig;
} signal_names[] = {
        {"TERM", SIGTERM}, {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"HUP", SIGHUP},
        {"KILL", SIGKILL}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"WINCH", SIGWINCH},
        {"ABRT", SIGABRT}, {"PWR", SIGPWR},   {"CONT", SIGCONT},
};

int process_signal_from_name(const char *name) {
        const char *bare = strncasecmp(name, "SIG", 3) == 0 ? name + 3 : name;
        for (size_t i = 0; i < ELEMENTSOF(signal_names); i++)
                if (strcasecmp(signal_names[i].name, bare) == 0)
                        return signal_names[i].sig;
        return 0;
}

const char *process_signal_name(int sig) {
        for (size_t i = 0; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i].sig == sig)
                        return signal_names[i].name;
        return NULL;
}

void service_process_free(struct service_process *p) {
        if (!p)
                return;
        free(p->working_directory);
        strv_free(p->environment);
        strv_free(p->environment_files);
        free(p->primary_group);
        free(p->pam_name);
        strv_free(p->supplementary_groups);
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                strv_free(p->folders[k].names);
        process_commands_free(p);
        free(p);
}

struct service_process *service_process_dup(const struct service_process *p) {
        if (!p)
                return NULL;
        struct service_process *c = malloc(sizeof(*c));
        if (!c)
                return NULL;
        *c = *p;
        c->working_directory = p->working_directory ? strdup(p->working_directory) : NULL;
        c->environment = p->environment ? strv_copy(p->environment) : NULL;
        c->environment_files = p->environment_files ? strv_copy(p->environment_files) : NULL;
        c->primary_group = p->primary_group ? strdup(p->primary_group) : NULL;
        c->pam_name = p->pam_name ? strdup(p->pam_name) : NULL;
        c->supplementary_groups =
                p->supplementary_groups ? strv_copy(p->supplementary_groups) : NULL;
        bool lost = false;
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++) {
                c->folders[k].names = p->folders[k].names ? strv_copy(p->folders[k].names) : NULL;
                lost = lost || (p->folders[k].names && !c->folders[k].names);
        }
        int r = process_commands_copy(c, p);
        if (r < 0 || lost || (p->working_directory && !c->working_directory) ||
            (p->environment && !c->environment) ||
            (p->environment_files && !c->environment_files) ||
            (p->primary_group && !c->primary_group) || (p->pam_name && !c->pam_name) ||
            (p->supplementary_groups && !c->supplementary_groups)) {
                service_process_free(c);
                errno = ENOMEM;
                return NULL;
        }
        return c;
}

int process_config_say(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

/* A list of strings (each checked by ok), or null for none. */
int config_read_list(const json_t *v, const char *key, size_t max,
                     bool (*ok)(const char *s, const char **why), char ***ret, char **ret_error) {
        if (json_is_null(v)) {
                *ret = NULL;
                return 0;
        }
        if (!json_is_array(v) || json_array_size(v) > max)
                return process_config_say(
                        ret_error, "the parameter '%s' must be a list of at most %zu strings", key,
                        max);
        char **list = calloc(json_array_size(v) + 1, sizeof(char *));
        if (!list)
                return -ENOMEM;
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e) {
                const char *s = json_string_value(e), *why = "it is not a string";
                if (!s || !ok(s, &why)) {
                        strv_free(list);
                        return process_config_say(ret_error, "'%s' entry %zu: %s", key, i + 1, why);
                }
                if (!(list[i] = strdup(s))) {
                        strv_free(list);
                        return -ENOMEM;
                }
        }
        *ret = json_array_size(v) ? list : (strv_free(list), NULL);
        return 0;
}

static bool is_assignment(const char *s, const char **why) {
        size_t key = strcspn(s, "=");
        *why = "it must be KEY=VALUE with a KEY of letters, digits and '_', not starting with a "
               "digit";
        if (key == 0 || !s[key] || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < key; i++)
                if (!(s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= '0' && s[i] <= '9')))
                        return false;
        return true;
}

static bool is_env_file(const char *s, const char **why) {
        *why = "it must be an absolute path (a '-' before it: the file may be missing)";
        return s[s[0] == '-'] == '/' && strlen(s) < PATH_MAX;
}

/* A group: a name as useradd(8) takes it, or a gid. */
static bool is_group(const char *s, const char **why) {
        *why = "it must be a group name (letters, digits, '_', '-', '.', not starting with '-') "
               "or a gid";
        size_t n = strlen(s);
        if (n == 0 || n > 64 || s[0] == '-')
                return false;
        bool digits = true;
        for (size_t i = 0; i < n; i++) {
                char c = s[i];
                digits = digits && c >= '0' && c <= '9';
                if (!(c == '_' || c == '-' || c == '.' || (c >= 'a' && c <= 'z') ||
                      (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c == '$' && i == n - 1)))
                        return false;
        }
        if (digits && (n > 10 || strtoull(s, NULL, 10) >= (unsigned long long)(gid_t)-1))
                return *why = "the gid is out of range", false;
        return true;
}

/* A PAM service's name: a file name of /etc/pam.d, never a path. */
static bool is_pam_name(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 64 || s[0] == '.')
                return false;
        for (size_t i = 0; i < n; i++)
                if (!(s[i] == '_' || s[i] == '-' || s[i] == '.' || (s[i] >= 'a' && s[i] <= 'z') ||
                      (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
                        return false;
        return true;
}

/* A folder's name: relative to its kind's base, each component a name
 * (no "", ".", ".." or a leading '/'), so it can never leave the base. */
static bool is_folder_name(const char *s, const char **why) {
        *why = "it must be a relative name such as 'redis' or 'app/cache': no leading '/', no "
               "'.' or '..' component, no empty component, no ':'";
        size_t n = strlen(s);
        if (n == 0 || n >= 1024 || s[0] == '/' || s[n - 1] == '/' || strchr(s, ':'))
                return false;
        for (const char *c = s; *c;) {
                size_t len = strcspn(c, "/");
                if (len == 0 || (len == 1 && c[0] == '.') ||
                    (len == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c += len + (c[len] == '/');
        }
        return true;
}

/* "N", "SOFT:HARD", "infinity": systemd's LimitX= values. */
static bool parse_rlim(const char *s, rlim_t *ret) {
        if (strcmp(s, "infinity") == 0)
                return *ret = RLIM_INFINITY, true;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        return s[0] >= '0' && s[0] <= '9' && !*end && (*ret = (rlim_t)v, true);
}

static int read_limits(const json_t *v, struct service_process *p, char **ret_error) {
        if (json_is_null(v)) {
                p->n_limits = 0;
                return 0;
        }
        if (!json_is_object(v))
                return process_config_say(ret_error,
                                          "the parameter 'limits' must be an object of NAME: "
                                          "\"SOFT[:HARD]\"");
        size_t n = 0;
        const char *name;
        const json_t *e;
        json_object_foreach((json_t *)v, name, e) {
                int resource = process_limit_from_name(name);
                const char *value = json_string_value(e);
                char soft[32] = "", *hard;
                if (resource < 0)
                        return process_config_say(
                                ret_error,
                                "'limits': unknown limit '%s' (NOFILE, NPROC, CORE, "
                                "MEMLOCK, STACK, AS, DATA, FSIZE, ...)",
                                name);
                if (!value || strlen(value) >= sizeof(soft))
                        return process_config_say(ret_error, "'limits': %s must be \"SOFT[:HARD]\"",
                                                  name);
                strcpy(soft, value);
                hard = strchr(soft, ':');
                if (hard)
                        *hard++ = '\0';
                /* "NOFILE" and "LimitNOFILE" are one limit: the later wins. */
                size_t i = 0;
                while (i < n && p->limits[i].resource != resource)
                        i++;
                if (i == PROCESS_LIMITS_MAX)
                        return process_config_say(ret_error, "'limits': too many");
                struct process_limit *l = &p->limits[i];
                l->resource = resource;
                if (!parse_rlim(soft, &l->soft) || !parse_rlim(hard ? hard : soft, &l->hard) ||
                    (l->soft != RLIM_INFINITY && l->hard != RLIM_INFINITY && l->soft > l->hard) ||
                    (l->soft == RLIM_INFINITY && l->hard != RLIM_INFINITY))
                        return process_config_say(
                                ret_error,
                                "'limits': %s is \"%s\"; it must be a number or \"infinity\", "
                                "or SOFT:HARD with SOFT no greater than HARD",
                                name, value);
                if (i == n)
                        n++;
        }
        p->n_limits = n;
        return 0;
}

static bool is_default(const struct service_process *p) {
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                if (p->folders[k].names || p->folders[k].mode >= 0)
                        return false;
        return !p->working_directory && !p->environment && !p->environment_files && p->umask < 0 &&
               p->n_limits == 0 && p->stop_signal == 0 && p->stop_timeout_ms == 0 &&
               p->idle_stop_ms == 0 && p->accept_connections == 0 && !p->accept_stdio &&
               !p->primary_group && !p->supplementary_groups && !p->pam_name &&
               process_commands_default(p);
}

/* o's key, when there, into *field: milliseconds up to a day; zero says
 * what zero_means. */
static int read_day_ms(const json_t *o, const char *key, const char *zero_means, uint32_t *field,
                       char **ret_error) {
        json_t *v = json_object_get(o, key);
        if (!v)
                return 0;
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > 24LL * 3600 * 1000)
                return process_config_say(ret_error,
                                          "the parameter '%s' must be a number of milliseconds "
                                          "up to a day (0: %s)",
                                          key, zero_means);
        *field = (uint32_t)json_integer_value(v);
        return 0;
}

/* Per-connection instances: how many at once, and whether their standard
 * input and output are the connection. */
static int apply_accept(struct service_process *p, const json_t *o, char **ret_error) {
        const json_t *v;
        if ((v = json_object_get(o, "accept_connections"))) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    json_integer_value(v) > PROCESS_ACCEPT_MAX)
                        return process_config_say(
                                ret_error,
                                "the parameter 'accept_connections' must be a number of "
                                "instances from 1 to %d (0: the service accepts its connections "
                                "itself)",
                                PROCESS_ACCEPT_MAX);
                p->accept_connections = (uint32_t)json_integer_value(v);
        }
        if ((v = json_object_get(o, "accept_stdio"))) {
                if (!json_is_boolean(v))
                        return process_config_say(ret_error,
                                                  "the parameter 'accept_stdio' must be true or "
                                                  "false");
                p->accept_stdio = json_is_true(v);
        }
        return 0;
}

static int apply_scalars(struct service_process *p, const json_t *o, char **ret_error) {
        const json_t *v;
        if ((v = json_object_get(o, "working_directory"))) {
                const char *s = json_string_value(v);
                if (!s || (s[0] && (s[0] != '/' || strlen(s) >= PATH_MAX)))
                        return process_config_say(ret_error,
                                                  "the parameter 'working_directory' must be an "
                                                  "absolute path, or \"\" for /");
                free(p->working_directory);
                p->working_directory = s[0] ? strdup(s) : NULL;
                if (s[0] && !p->working_directory)
                        return -ENOMEM;
        }
        if ((v = json_object_get(o, "umask"))) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    json_integer_value(v) > 0777)
                        return process_config_say(
                                ret_error, "the parameter 'umask' must be a number from 0 to "
                                           "0777 (511)");
                p->umask = (int)json_integer_value(v) == 022 ? -1 : (int)json_integer_value(v);
        }
        if ((v = json_object_get(o, "stop_signal"))) {
                const char *s = json_string_value(v);
                int sig = s && s[0] ? process_signal_from_name(s) : SIGTERM;
                if (!s || !sig)
                        return process_config_say(ret_error,
                                                  "the parameter 'stop_signal' must name a signal "
                                                  "(TERM, INT, QUIT, HUP, USR1, ...)");
                p->stop_signal = sig == SIGTERM ? 0 : sig;
        }
        if ((v = json_object_get(o, "primary_group"))) {
                const char *s = json_string_value(v), *why = "it is not a string";
                if (!s || (s[0] && !is_group(s, &why)))
                        return process_config_say(
                                ret_error,
                                "the parameter 'primary_group': %s (\"\" for the account's own)",
                                why);
                free(p->primary_group);
                p->primary_group = s[0] ? strdup(s) : NULL;
                if (s[0] && !p->primary_group)
                        return -ENOMEM;
        }
        if ((v = json_object_get(o, "pam_name"))) {
                const char *s = json_string_value(v);
                if (!s || (s[0] && !is_pam_name(s)))
                        return process_config_say(
                                ret_error,
                                "the parameter 'pam_name' must name a PAM service (a file of "
                                "/etc/pam.d: letters, digits, '_', '-', '.', not starting "
                                "with '.'), or \"\" for none");
                free(p->pam_name);
                p->pam_name = s[0] ? strdup(s) : NULL;
                if (s[0] && !p->pam_name)
                        return -ENOMEM;
        }
        int r = read_day_ms(o, "stop_timeout_ms", "scmd's own", &p->stop_timeout_ms, ret_error);
        if (r >= 0)
                r = read_day_ms(o, "idle_stop_ms", "never", &p->idle_stop_ms, ret_error);
        return r < 0 ? r : apply_accept(p, o, ret_error);
}

static int apply_lists(struct service_process *p, const json_t *o, char **ret_error) {
        const json_t *v;
        char **list;
        int r;
        if ((v = json_object_get(o, "environment"))) {
                r = config_read_list(v, "environment", PROCESS_ENV_MAX, is_assignment, &list,
                                     ret_error);
                if (r < 0)
                        return r;
                strv_free(p->environment);
                p->environment = list;
        }
        if ((v = json_object_get(o, "environment_files"))) {
                r = config_read_list(v, "environment_files", 64, is_env_file, &list, ret_error);
                if (r < 0)
                        return r;
                strv_free(p->environment_files);
                p->environment_files = list;
        }
        if ((v = json_object_get(o, "supplementary_groups"))) {
                r = config_read_list(v, "supplementary_groups", PROCESS_GROUPS_MAX, is_group, &list,
                                     ret_error);
                if (r < 0)
                        return r;
                strv_free(p->supplementary_groups);
                p->supplementary_groups = list;
        }
        if ((v = json_object_get(o, "limits")))
                return read_limits(v, p, ret_error);
        return 0;
}

static int apply_folders(struct service_process *p, const json_t *o, char **ret_error) {
        for (size_t k = 0; k < _FOLDER_KIND_MAX; k++) {
                char key[64];
                snprintf(key, sizeof(key), "%s_directory", process_folder_kind_names[k]);
                const json_t *v = json_object_get(o, key);
                if (v) {
                        char **list;
                        int r = config_read_list(v, key, PROCESS_FOLDERS_MAX, is_folder_name, &list,
                                                 ret_error);
                        if (r < 0)
                                return r;
                        strv_free(p->folders[k].names);
                        p->folders[k].names = list;
                }
                strcat(key, "_mode");
                if ((v = json_object_get(o, key))) {
                        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                            json_integer_value(v) > 07777)
                                return process_config_say(
                                        ret_error,
                                        "the parameter '%s' must be a mode from 0 to 07777 "
                                        "(4095), default 0755 (493)",
                                        key);
                        int mode = (int)json_integer_value(v);
                        p->folders[k].mode = mode == PROCESS_FOLDER_MODE_DEFAULT ? -1 : mode;
                }
        }
        return 0;
}

int service_process_apply_json(struct service_process **pp, const json_t *o, char **ret_error) {
        struct service_process *p = *pp ? service_process_dup(*pp) : calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        if (!*pp) {
                p->umask = -1;
                for (size_t k = 0; k < _FOLDER_KIND_MAX; k++)
                        p->folders[k].mode = -1;
        }
        int r = apply_scalars(p, o, ret_error);
        if (r >= 0)
                r = apply_lists(p, o, ret_error);
        if (r >= 0)
                r = apply_folders(p, o, ret_error);
        if (r >= 0)
                r = process_commands_apply(p, o, ret_error);
        if (r < 0) {
                service_process_free(p);
                return r;
        }
        service_process_free(*pp);
        if (is_default(p)) {
                service_process_free(p);
                p = NULL;
        }
        *pp = p;
        return 0;
}

json_t *process_strv_json(char *const *v) {
        json_t *list = json_array();
        for (; list && v && *v; v++)
                if (json_array_append_new(list, json_string(*v)) < 0) {
                        json_decref(list);
                        return NULL;
                }
        return list;
}

static json_t *limits_json(const struct service_process *p) {
        json_t *o = json_object();
        for (size_t i = 0; o && p && i < p->n_limits; i++) {
                char v[64], soft[24], hard[24];
                const struct process_limit *l = &p->limits[i];
                snprintf(soft, sizeof(soft), l->soft == RLIM_INFINITY ? "infinity" : "%llu",
                         (unsigned long long)l->soft);
                snprintf(hard, sizeof(hard), l->hard == RLIM_INFINITY ? "infinity" : "%llu",
                         (unsigned long long)l->hard);
                if (strcmp(soft, hard) == 0)
                        snprintf(v, sizeof(v), "%s", soft);
                else
                        snprintf(v, sizeof(v), "%s:%s", soft, hard);
                if (json_object_set_new(o, process_limit_name(l->resource), json_string(v)) < 0) {
                        json_decref(o);
                        return NULL;
                }
        }
        return o;
}

/* The groups and folders, added to o. */
static int groups_and_folders_json(const struct service_process *p, json_t *o) {
        int r = json_object_set_new(o, "primary_group",
                                    json_string(p && p->primary_group ? p->primary_group : ""));
        if (r == 0)
                r = json_object_set_new(o, "pam_name",
                                        json_string(p && p->pam_name ? p->pam_name : ""));
        if (r == 0)
                r = json_object_set_new(o, "supplementary_groups",
                                        process_strv_json(p ? p->supplementary_groups : NULL));
        for (size_t k = 0; r == 0 && k < _FOLDER_KIND_MAX; k++) {
                char key[64];
                snprintf(key, sizeof(key), "%s_directory", process_folder_kind_names[k]);
                r = json_object_set_new(o, key, process_strv_json(p ? p->folders[k].names : NULL));
                strcat(key, "_mode");
                int mode = p && p->folders[k].mode >= 0 ? p->folders[k].mode
                                                        : PROCESS_FOLDER_MODE_DEFAULT;
                if (r == 0)
                        r = json_object_set_new(o, key, json_integer(mode));
        }
        return r < 0 ? -ENOMEM : 0;
}

json_t *service_process_json(const struct service_process *p) {
        json_t *o = json_pack(
                "{s:s, s:o, s:o, s:i, s:o, s:s, s:I, s:I}", "working_directory",
                p && p->working_directory ? p->working_directory : "", "environment",
                process_strv_json(p ? p->environment : NULL), "environment_files",
                process_strv_json(p ? p->environment_files : NULL), "umask",
                p && p->umask >= 0 ? p->umask : 022, "limits", limits_json(p), "stop_signal",
                process_signal_name(p && p->stop_signal ? p->stop_signal : SIGTERM) ?: "TERM",
                "stop_timeout_ms", (json_int_t)(p ? p->stop_timeout_ms : 0), "idle_stop_ms",
                (json_int_t)(p ? p->idle_stop_ms : 0));
        if (o && (json_object_set_new(o, "accept_connections",
                                      json_integer(p ? p->accept_connections : 0)) < 0 ||
                  json_object_set_new(o, "accept_stdio", json_boolean(p && p->accept_stdio)) < 0 ||
                  groups_and_folders_json(p, o) < 0 || process_commands_json(p, o) < 0)) {
                json_decref(o);
                o = NULL;
        }
        return o;
}
