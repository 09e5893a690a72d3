/* SPDX-License-Identifier: MIT */
/*
 * create and change_config: the least-privilege parameters of a request
 * (required_privileges, sid_type, writable_paths, allow_weak_isolation,
 * restrict_network, interactive) read onto a configuration, then checked
 * against the rest of it, allocating the service's group when it first
 * gets an identity; and their form in a reply (query_security).  And the
 * rest of a sandbox: the fences (a private view of the filesystem, network
 * rules) and the system-call filter.
 * task_create and task_change (rpc_task.c) use the same, a task standing
 * in as a service keyed by its identity key.  The plan they become at
 * start is exec/security.c's.
 */
#include "rpc_config_security.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>

#include "account.h"
#include "cleanup.h"
#include "cmdline.h"
#include "fence_config.h"
#include "identity.h"
#include "manager.h"
#include "paths.h"
#include "privilege_names.h"
#include "rpc.h"
#include "sandbox.h"
#include "security_config.h"
#include "service_config.h"
#include "syscall_config.h"
#include "validate.h"

#define WRITABLE_PATHS_MAX 64

static const char *const security_keys[] = {
        "required_privileges",  "sid_type",         "writable_paths",
        "allow_weak_isolation", "restrict_network", "interactive",
};

static int read_privileges(struct rpc_call *call, struct service_security *sec) {
        _cleanup_(strv_free_p) char **names = NULL;
        int r = rpc_get_string_list(call, "required_privileges", 64, &names);
        if (r < 0 || !names)
                return r;
        uint64_t caps = 0;
        for (char **n = names; *n; n++) {
                int cap = privilege_from_name(*n);
                if (cap < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "'%.64s' is not a privilege: give capability names such "
                                        "as CAP_NET_BIND_SERVICE",
                                        *n);
                if (cap > privilege_last_cap())
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "this kernel does not know the capability %s",
                                        privilege_name(cap));
                caps |= 1ULL << cap;
        }
        sec->privileges = caps;
        return 0;
}

/* True when a component of path is "..". */
static bool has_dot_dot(const char *path) {
        for (const char *c = path; *c; c += strcspn(c, "/")) {
                c += strspn(c, "/");
                if (strncmp(c, "..", 2) == 0 && (c[2] == '/' || c[2] == '\0'))
                        return true;
        }
        return false;
}

static int read_writable(struct rpc_call *call, struct service_security *sec) {
        char **paths;
        int r = rpc_get_string_list(call, "writable_paths", WRITABLE_PATHS_MAX, &paths);
        if (r < 0 || !paths)
                return r;
        for (char **p = paths; *p; p++) {
                const char *why = NULL;
                if ((*p)[0] != '/')
                        why = "it is not an absolute path";
                else if (strlen(*p) >= PATH_MAX)
                        why = "it is too long";
                else if (utf8_text_chars(*p) < 0)
                        why = "it holds a control character or invalid UTF-8";
                else if (has_dot_dot(*p))
                        why = "it goes up with '..'";
                if (why) {
                        r = rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                     "the writable path '%.256s' is refused: %s", *p, why);
                        strv_free(paths);
                        return r;
                }
        }
        strv_free(sec->writable_paths);
        sec->writable_paths = paths;
        return 0;
}

static int read_flag(struct rpc_call *call, const char *key, bool *field) {
        json_t *v = json_object_get(call->params, key);
        if (!v)
                return 0;
        if (!json_is_boolean(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be true or false", key);
        *field = json_is_true(v);
        return 0;
}

int security_read_config(struct rpc_call *call, struct service_config *c) {
        bool any = false;
        for (size_t i = 0; i < ELEMENTSOF(security_keys); i++)
                any = any || json_object_get(call->params, security_keys[i]);
        if (!any)
                return 0;
        if (!c->security && !(c->security = calloc(1, sizeof(*c->security))))
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        struct service_security *sec = c->security;

        const char *sid;
        int r = rpc_get_string(call, "sid_type", false, 32, &sid);
        if (r < 0)
                return r;
        if (sid && (sec->sid_type = sid_type_from_name(sid)) == SID_TYPE_INVALID)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "unknown sid type '%s' (none, unrestricted, restricted)", sid);
        r = read_privileges(call, sec);
        if (r >= 0)
                r = read_writable(call, sec);
        if (r >= 0)
                r = read_flag(call, "allow_weak_isolation", &sec->allow_weak_isolation);
        if (r >= 0)
                r = read_flag(call, "restrict_network", &sec->restrict_network);
        if (r >= 0)
                r = read_flag(call, "interactive", &sec->interactive);
        return r;
}

int security_check_config(struct rpc_call *call, const struct service_config *c) {
        struct service_security *sec = c->security;
        if (!sec)
                return 0;
        if (sec->interactive && !account_is_local_system(c->account))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "an interactive service must run as LocalSystem, not as '%s'",
                                c->account);
        if (sec->sid_type != SID_TYPE_NONE && sec->gid == 0) {
                int r = identity_allocate_gid(call->manager->db, c->name, &sec->gid);
                if (r == -ENOSPC) {
                        gid_t min, max;
                        identity_gid_range(&min, &max);
                        return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                        "no group id is left for %s: every one of "
                                        "%u-%u has been given out",
                                        c->name, (unsigned)min, (unsigned)max);
                }
                if (r < 0)
                        return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                        "the configuration database could not be read (%s); "
                                        "nothing was changed",
                                        strerror(-r));
        }
        return 0;
}

/* The filesystem fences of the request (fence_config.c), when it names any. */
int security_read_fences(struct rpc_call *call, struct service_config *c) {
        bool any = false;
        for (const char *const *k = fence_config_keys; *k; k++)
                any = any || json_object_get(call->params, *k);
        if (!any)
                return 0;
        _cleanup_free_ char *why = NULL;
        int r = service_fences_apply_json(&c->fences, call->params, &why);
        if (r == -EINVAL)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s", why);
        return r < 0 ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory") : 0;
}

/* The system-call filter of the request (syscall_config.c), when it names any. */
int security_read_syscalls(struct rpc_call *call, struct service_config *c) {
        bool any = false;
        for (const char *const *k = syscall_config_keys; *k; k++)
                any = any || json_object_get(call->params, *k);
        if (!any)
                return 0;
        _cleanup_free_ char *why = NULL;
        int r = service_syscalls_apply_json(&c->syscalls, call->params, &why);
        if (r == -EINVAL)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER, "%s", why);
        return r < 0 ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory") : 0;
}

static json_t *string_or_null(const char *s) {
        return s ? json_string(s) : json_null();
}

/* How the writes of a restricted service (or task) are held on this kernel. */
static json_t *isolation_json(const struct service_security *sec) {
        if (!sec || sec->sid_type != SID_TYPE_RESTRICTED)
                return json_null();
        int abi = sandbox_landlock_abi();
        if (abi > 0)
                return json_pack("{s:s, s:i}", "mechanism", "landlock", "landlock_abi", abi);
        return json_pack("{s:s, s:i, s:s}", "mechanism",
                         sec->allow_weak_isolation ? "weak" : "none", "landlock_abi", 0, "warning",
                         sec->allow_weak_isolation
                                 ? "this kernel has no Landlock: the service's writes are not "
                                   "restricted, only its account and group hold it (weak "
                                   "isolation is allowed)"
                                 : "this kernel has no Landlock: the service will not start "
                                   "unless weak isolation is allowed");
}

json_t *security_settings_json(const struct scm_paths *paths, enum owner_kind owner,
                               const char *name, const struct service_security *sec) {
        static const struct service_security defaults = {.sid_type = SID_TYPE_NONE};
        const struct service_security *v = sec ? sec : &defaults;
        _cleanup_free_ char *state = NULL, *runtime = NULL, *logs = NULL;
        if (v->sid_type != SID_TYPE_NONE &&
            identity_folders(paths, owner, name, &state, &runtime, &logs) < 0)
                return NULL;
        json_t *list = json_array();
        for (char **p = v->writable_paths; list && p && *p; p++)
                json_array_append_new(list, json_string(*p));
        json_t *caps = privileges_to_json(v->privileges);
        if (!list || !caps) {
                json_decref(list);
                json_decref(caps);
                return NULL;
        }
        return json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o}",
                         "required_privileges", caps, "sid_type", sid_type_name(v->sid_type),
                         "service_gid", v->gid ? json_integer(v->gid) : json_null(),
                         "state_directory", string_or_null(state), "runtime_directory",
                         string_or_null(runtime), "logs_directory", string_or_null(logs),
                         "writable_paths", list, "allow_weak_isolation", v->allow_weak_isolation,
                         "restrict_network", v->restrict_network, "interactive", v->interactive,
                         "isolation", isolation_json(sec));
}
