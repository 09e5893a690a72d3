/* SPDX-License-Identifier: MIT */
/*
 * A scheduled task's configuration in memory: names of the overlap
 * policies, the key of its identity, copying and freeing (task_config.h).
 */
#include "task_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cmdline.h"
#include "fence_config.h"
#include "security_config.h"
#include "syscall_config.h"

static const char *const overlap_names[_TASK_OVERLAP_MAX] = {
        [TASK_OVERLAP_SKIP] = "skip",
        [TASK_OVERLAP_QUEUE] = "queue",
        [TASK_OVERLAP_PARALLEL] = "parallel",
        [TASK_OVERLAP_STOP_OLD] = "stop_old",
};

char *task_identity_key(const char *name) {
        char *key;
        return asprintf(&key, TASK_IDENTITY_PREFIX "%s", name) < 0 ? NULL : key;
}

const char *task_overlap_name(enum task_overlap o) {
        return o >= 0 && o < _TASK_OVERLAP_MAX ? overlap_names[o] : "invalid";
}

enum task_overlap task_overlap_from_name(const char *name) {
        for (int i = 0; name && i < _TASK_OVERLAP_MAX; i++)
                if (strcmp(overlap_names[i], name) == 0)
                        return (enum task_overlap)i;
        return TASK_OVERLAP_INVALID;
}

void task_config_clear(struct task_config *c) {
        free(c->name);
        free(c->command_line);
        free(c->account);
        strv_free(c->triggers);
        free(c->time_zone);
        acl_free(c->access);
        service_security_free(c->security);
        service_fences_free(c->fences);
        service_syscalls_free(c->syscalls);
        memset(c, 0, sizeof(*c));
}

static int dup_str(const char *from, char **to) {
        *to = from ? strdup(from) : NULL;
        return from && !*to ? -ENOMEM : 0;
}

int task_config_copy(const struct task_config *from, struct task_config *to) {
        *to = *from;
        to->name = to->command_line = to->account = to->time_zone = NULL;
        to->triggers = NULL;
        to->access = NULL;
        to->security = NULL;
        to->fences = NULL;
        to->syscalls = NULL;
        int r = dup_str(from->name, &to->name);
        if (r >= 0)
                r = dup_str(from->command_line, &to->command_line);
        if (r >= 0)
                r = dup_str(from->account, &to->account);
        if (r >= 0)
                r = dup_str(from->time_zone, &to->time_zone);
        if (r >= 0 && from->access && !(to->access = acl_dup(from->access)))
                r = -ENOMEM;
        if (r >= 0 && from->security && !(to->security = service_security_dup(from->security)))
                r = -ENOMEM;
        if (r >= 0 && from->fences && !(to->fences = service_fences_dup(from->fences)))
                r = -ENOMEM;
        if (r >= 0 && from->syscalls && !(to->syscalls = service_syscalls_dup(from->syscalls)))
                r = -ENOMEM;
        size_t n = 0;
        while (from->triggers && from->triggers[n])
                n++;
        if (r >= 0 && from->triggers && !(to->triggers = calloc(n + 1, sizeof(char *))))
                r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = dup_str(from->triggers[i], &to->triggers[i]);
        if (r < 0)
                task_config_clear(to);
        return r;
}

void task_run_records_free(struct task_run_record *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].reason);
                free(v[i].result);
                free(v[i].error);
        }
        free(v);
}
