/* SPDX-License-Identifier: MIT */
/*
 * A service's configuration as scmd holds it (struct service_config):
 * freeing and copying it.  The configuration's parts with rules of their
 * own have files of their own beside this one (security_config.c,
 * failure_config.c, acl.c).
 */
#include "service_config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "cmdline.h"
#include "process_config.h"
#include "fence_config.h"
#include "syscall_config.h"
#include "resource_config.h"
#include "security_config.h"

void service_config_clear(struct service_config *c) {
        free(c->name);
        free(c->display_name);
        free(c->description);
        free(c->command_line);
        free(c->account);
        free(c->group);
        strv_free(c->dependencies);
        service_security_free(c->security);
        service_process_free(c->process);
        service_resources_free(c->resources);
        service_fences_free(c->fences);
        service_syscalls_free(c->syscalls);
        acl_free(c->access);
        *c = (struct service_config){0};
}

int service_config_copy(const struct service_config *from, struct service_config *to) {
        struct service_config c = {
                .name = strdup(from->name ? from->name : ""),
                .display_name = strdup(from->display_name ? from->display_name : ""),
                .description = strdup(from->description ? from->description : ""),
                .type = from->type,
                .start_type = from->start_type,
                .error_control = from->error_control,
                .command_line = strdup(from->command_line ? from->command_line : ""),
                .account = strdup(from->account ? from->account : ""),
                .group = strdup(from->group ? from->group : ""),
                .dependencies = strv_copy(from->dependencies),
                .security = service_security_dup(from->security),
                .process = service_process_dup(from->process),
                .resources = service_resources_dup(from->resources),
                .fences = service_fences_dup(from->fences),
                .syscalls = service_syscalls_dup(from->syscalls),
                .access = acl_dup(from->access),
                .kind = from->kind,
                .control_timeout_ms = from->control_timeout_ms,
                .watchdog_ms = from->watchdog_ms,
                .pause_by_freeze = from->pause_by_freeze,
                .preshutdown_timeout_ms = from->preshutdown_timeout_ms,
        };
        if (!c.name || !c.display_name || !c.description || !c.command_line || !c.account ||
            !c.group || !c.dependencies || (from->security && !c.security) ||
            (from->process && !c.process) || (from->resources && !c.resources) ||
            (from->fences && !c.fences) || (from->syscalls && !c.syscalls) ||
            (from->access && !c.access)) {
                service_config_clear(&c);
                return -ENOMEM;
        }
        *to = c;
        return 0;
}

/* The name as a file name: itself when short, else a prefix and a hash,
 * so that "NAME.service" and "NAME.log.N" stay under NAME_MAX. */
char *service_file_name(const char *name) {
        size_t len = strlen(name);
        if (len <= 200)
                return strdup(name);
        uint64_t h = 1469598103934665603ULL;
        for (const char *p = name; *p; p++)
                h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        size_t cut = 180;
        while (cut > 0 && ((unsigned char)name[cut] & 0xc0) == 0x80)
                cut--; /* never split a UTF-8 sequence */
        char *s;
        return asprintf(&s, "%.*s~%016llx", (int)cut, name, (unsigned long long)h) < 0 ? NULL : s;
}
