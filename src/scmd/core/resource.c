/* SPDX-License-Identifier: MIT */
/*
 * A service's resource limits at the moments of its life (resource.h).
 * The cgroup work is exec/resources.c's; this file ties it to a service:
 * its configuration, its last error, its exit.
 *
 * A limit set but not applicable fails the start (NOT_SUPPORTED, with the
 * sentence in the log and the service's last error): running a service
 * without the bound it was given would be a silent lie.  The default task
 * cap is scmd's, not the service's, so where the pids controller is
 * missing it is simply not there (said once at start-up).
 */
#include "resource.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <scm/error.h>

#include "cleanup.h"
#include "log.h"
#include "manager.h"
#include "process.h"
#include "resource_config.h"
#include "resources.h"
#include "service.h"

int resource_apply(struct service *s, int cgroup_fd) {
        const struct service_resources *r = s->config.resources;
        if (cgroup_fd < 0) {
                if (service_resources_controllers(r) == 0)
                        return 0;
                service_set_last_error(s,
                                       "service %s: cannot apply its resource limits: it has no "
                                       "cgroup (scmd holds its services by process group here)",
                                       s->config.name);
                return SCM_ERR(SCM_ERROR_NOT_SUPPORTED);
        }
        _cleanup_free_ char *why = NULL;
        int e = resources_apply(cgroup_fd, r, s->manager->cgroup_controllers, &why);
        if (e >= 0)
                return 0;
        service_set_last_error(s, "service %s: cannot apply its resource limits: %s",
                               s->config.name, why ? why : strerror(-e));
        return SCM_ERR(e == -EOPNOTSUPP ? SCM_ERROR_NOT_SUPPORTED : scm_error_from_errno(-e));
}

void resource_note_exit(struct process *p) {
        long kills = process_cgroup(p) >= 0 ? resources_oom_kills(p->cgroup_fd) : 0;
        for (struct service *s = p->members; s; s = s->member_next) {
                s->oom_kills = kills;
                if (kills > 0)
                        log_warning("service %s: the kernel killed %ld of its processes at its "
                                    "memory limit (memory.events oom_kill)",
                                    s->config.name, kills);
        }
}

json_t *resource_usage_json(const struct service *s) {
        json_t *limits = service_resources_json(s->config.resources);
        struct process *p = s->process;
        json_t *usage =
                p && process_cgroup(p) >= 0 ? resources_usage_json(p->cgroup_fd) : json_null();
        if (p)
                process_cgroup_let_go(p);
        json_t *o =
                json_pack("{s:s, s:o, s:o, s:I}", "name", s->config.name, "limits", limits, "usage",
                          usage, "tasks_max_default", (json_int_t)RESOURCE_TASKS_MAX_DEFAULT);
        if (o && s->manager->cgroup_controllers_why)
                json_object_set_new(o, "unavailable",
                                    json_string(s->manager->cgroup_controllers_why));
        return o;
}
