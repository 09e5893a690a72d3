/* SPDX-License-Identifier: MIT */
/*
 * The commands around a service's process (process_commands.h).  A command
 * is a command line as the service's own is (cmdline.c's quoting), run as
 * the service; in a list, a '-' before it means its failure is ignored, as
 * in a systemd unit.  Nothing here runs anything: core/command.c does.
 */
#include "process_commands.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "cmdline.h"
#include "process_config.h"

#define COMMANDS_MAX 16

const char *process_command_line(const char *entry, bool *ret_may_fail) {
        bool may_fail = entry[0] == '-';
        if (ret_may_fail)
                *ret_may_fail = may_fail;
        return entry + may_fail;
}

/* A command line that splits into at least a program. */
static const char *command_problem(const char *line) {
        char **argv = NULL;
        int argc = 0;
        const char *reason = NULL;
        int r = cmdline_split(line, &argv, &argc, &reason);
        strv_free(argv);
        if (r == -ENOMEM)
                return NULL;
        if (r < 0)
                return reason ? reason : "it cannot be split into words";
        return argc == 0 ? "it names no program" : NULL;
}

static int read_commands(const json_t *v, const char *key, char ***ret, char **ret_error) {
        if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0)) {
                *ret = NULL;
                return 0;
        }
        if (!json_is_array(v) || json_array_size(v) > COMMANDS_MAX)
                return process_config_say(
                        ret_error, "the parameter '%s' must be a list of at most %d command lines",
                        key, COMMANDS_MAX);
        _cleanup_(strv_free_p) char **list = calloc(json_array_size(v) + 1, sizeof(char *));
        if (!list)
                return -ENOMEM;
        size_t i;
        const json_t *e;
        json_array_foreach(v, i, e) {
                const char *s = json_string_value(e);
                const char *why =
                        s ? command_problem(process_command_line(s, NULL)) : "it is not a string";
                if (why)
                        return process_config_say(ret_error, "'%s' entry %zu: %s", key, i + 1, why);
                if (!(list[i] = strdup(s)))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(list);
        return 0;
}

static int read_text(const json_t *v, const char *key, bool path, char **ret, char **ret_error) {
        const char *s = json_string_value(v);
        const char *why = !s                                    ? "must be a string"
                          : path && s[0] && s[0] != '/'         ? "must be an absolute path"
                          : strlen(s) >= PATH_MAX               ? "is too long"
                          : !path && s[0] && command_problem(s) ? command_problem(s)
                                                                : NULL;
        if (why)
                return process_config_say(ret_error, "the parameter '%s' %s (\"\" for none)", key,
                                          why);
        free(*ret);
        *ret = s[0] ? strdup(s) : NULL;
        return s[0] && !*ret ? -ENOMEM : 0;
}

static int apply_lists(struct service_process *p, const json_t *o, char **ret_error) {
        const json_t *v;
        char **list;
        int r;
        if ((v = json_object_get(o, "exec_start_pre"))) {
                if ((r = read_commands(v, "exec_start_pre", &list, ret_error)) < 0)
                        return r;
                strv_free(p->start_pre);
                p->start_pre = list;
        }
        if ((v = json_object_get(o, "exec_stop_post"))) {
                if ((r = read_commands(v, "exec_stop_post", &list, ret_error)) < 0)
                        return r;
                strv_free(p->stop_post);
                p->stop_post = list;
        }
        return 0;
}

int process_commands_apply(struct service_process *p, const json_t *o, char **ret_error) {
        const json_t *v;
        int r = apply_lists(p, o, ret_error);
        if (r >= 0 && (v = json_object_get(o, "reload_command")))
                r = read_text(v, "reload_command", false, &p->reload_command, ret_error);
        if (r >= 0 && (v = json_object_get(o, "pid_file")))
                r = read_text(v, "pid_file", true, &p->pid_file, ret_error);
        if (r < 0)
                return r;
        if ((v = json_object_get(o, "reload_signal"))) {
                const char *s = json_string_value(v);
                int sig = s && s[0] ? process_signal_from_name(s) : 0;
                if (!s || (s[0] && !sig))
                        return process_config_say(
                                ret_error, "the parameter 'reload_signal' must name a signal "
                                           "(HUP, USR1, USR2, ...), or \"\" for none");
                p->reload_signal = sig;
        }
        if ((v = json_object_get(o, "start_timeout_ms"))) {
                if (!json_is_integer(v) || json_integer_value(v) < 0 ||
                    json_integer_value(v) > 24LL * 3600 * 1000)
                        return process_config_say(
                                ret_error, "the parameter 'start_timeout_ms' must be a number of "
                                           "milliseconds up to a day (0: control_timeout_ms)");
                p->start_timeout_ms = (uint32_t)json_integer_value(v);
        }
        if ((v = json_object_get(o, "remain_after_exit"))) {
                if (!json_is_boolean(v))
                        return process_config_say(
                                ret_error, "the parameter 'remain_after_exit' must be true or "
                                           "false");
                p->remain_after_exit = json_is_true(v);
        }
        return 0;
}

int process_commands_json(const struct service_process *p, json_t *o) {
        const char *sig = p && p->reload_signal ? process_signal_name(p->reload_signal) : NULL;
        json_t *add = json_pack("{s:o, s:o, s:s, s:s, s:s, s:b, s:I}", "exec_start_pre",
                                process_strv_json(p ? p->start_pre : NULL), "exec_stop_post",
                                process_strv_json(p ? p->stop_post : NULL), "reload_command",
                                p && p->reload_command ? p->reload_command : "", "reload_signal",
                                sig ? sig : "", "pid_file", p && p->pid_file ? p->pid_file : "",
                                "remain_after_exit", p && p->remain_after_exit, "start_timeout_ms",
                                (json_int_t)(p ? p->start_timeout_ms : 0));
        int r = add && json_object_update(o, add) == 0 ? 0 : -ENOMEM;
        json_decref(add);
        return r;
}

int process_commands_copy(struct service_process *to, const struct service_process *from) {
        to->start_pre = from->start_pre ? strv_copy(from->start_pre) : NULL;
        to->stop_post = from->stop_post ? strv_copy(from->stop_post) : NULL;
        to->reload_command = from->reload_command ? strdup(from->reload_command) : NULL;
        to->pid_file = from->pid_file ? strdup(from->pid_file) : NULL;
        if ((from->start_pre && !to->start_pre) || (from->stop_post && !to->stop_post) ||
            (from->reload_command && !to->reload_command) || (from->pid_file && !to->pid_file))
                return -ENOMEM;
        return 0;
}

void process_commands_free(struct service_process *p) {
        strv_free(p->start_pre);
        strv_free(p->stop_post);
        free(p->reload_command);
        free(p->pid_file);
}

bool process_commands_default(const struct service_process *p) {
        return !p->start_pre && !p->stop_post && !p->reload_command && !p->reload_signal &&
               !p->pid_file && !p->remain_after_exit && !p->start_timeout_ms;
}
