/* SPDX-License-Identifier: MIT */
/*
 * The methods of least privilege that are not part of create and
 * change_config: the account privilege policy (LsaAddAccountRights,
 * LsaRemoveAccountRights, LsaEnumerateAccountRights) and query_security
 * (QueryServiceConfig2 for required privileges and the service SID type,
 * with what scmd derived from them: the service's group and folders, and
 * how its writes are restricted on this kernel).
 *
 * The policy is keyed by user name: the well-known accounts stand for
 * their users (LocalService -> scm-localservice), so it may be set before
 * scmd has made that user.  Root holds every privilege and cannot lose
 * one; a grant to root changes nothing.
 */
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <scm/error.h>

#include "account.h"
#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "identity.h"
#include "log.h"
#include "manager.h"
#include "privilege_names.h"
#include "rpc.h"
#include "sandbox.h"
#include "security_config.h"
#include "service.h"

#define ALL_CAPS(last) ((last) >= 63 ? ~0ULL : (1ULL << ((last) + 1)) - 1)

/* The user an "account" parameter names, and whether it is root. */
static int get_account(struct rpc_call *call, char **ret_user, bool *ret_root) {
        const char *account;
        int r = rpc_get_string(call, "account", true, SCM_ACCOUNT_MAX_BYTES, &account);
        if (r < 0)
                return r;
        char *user = account_policy_name(account);
        if (!user && errno == ENOMEM)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (!user)
                return rpc_fail(call, SCM_ERROR_INVALID_SERVICE_ACCOUNT,
                                "the account '%s' does not exist on this machine", account);
        struct passwd *pw = getpwnam(user);
        *ret_root = pw && pw->pw_uid == 0;
        *ret_user = user;
        return 0;
}

static int get_privileges(struct rpc_call *call, uint64_t *ret) {
        _cleanup_(strv_free_p) char **names = NULL;
        int r = rpc_get_string_list(call, "privileges", 64, &names);
        if (r < 0)
                return r;
        if (!names || !names[0])
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'privileges' must name at least one privilege");
        uint64_t caps = 0;
        for (char **n = names; *n; n++) {
                int cap = privilege_from_name(*n);
                if (cap < 0)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "'%.64s' is not a privilege: give capability names such "
                                        "as CAP_NET_BIND_SERVICE",
                                        *n);
                caps |= 1ULL << cap;
        }
        *ret = caps;
        return 0;
}

static int rights_result(struct rpc_call *call, const char *user, bool root, json_t **ret) {
        uint64_t caps = ALL_CAPS(privilege_last_cap());
        if (!root) {
                int r = db_account_privileges(call->manager->db, user, &caps);
                if (r < 0)
                        return rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                        "the configuration database could not be read (%s)",
                                        strerror(-r));
        }
        json_t *list = privileges_to_json(caps);
        *ret = list ? json_pack("{s:s, s:s, s:o, s:b}", "account",
                                json_string_value(json_object_get(call->params, "account")), "user",
                                user, "privileges", list, "all", root)
                    : NULL;
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}

static int change_rights(struct rpc_call *call, bool grant, json_t **ret) {
        static const char *const keys[] = {"account", "privileges", NULL};
        _cleanup_free_ char *user = NULL;
        bool root = false;
        uint64_t caps = 0;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = get_account(call, &user, &root);
        if (r >= 0)
                r = get_privileges(call, &caps);
        if (r < 0)
                return r;
        if (root && !grant)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "%s is root, which holds every privilege; none can be revoked",
                                user);
        if (!root) {
                r = db_account_privileges_change(call->manager->db, user, grant ? caps : 0,
                                                 grant ? 0 : caps);
                if (r < 0)
                        return rpc_database_failed(call, r);
                _cleanup_free_ char *names = privileges_to_text(caps);
                log_info("account %s: %s %s", user, grant ? "granted" : "revoked",
                         names ? names : "privileges");
        }
        return rights_result(call, user, root, ret);
}

int rpc_add_account_rights(struct rpc_call *call, json_t **ret) {
        return change_rights(call, true, ret);
}

int rpc_remove_account_rights(struct rpc_call *call, json_t **ret) {
        return change_rights(call, false, ret);
}

int rpc_query_account_rights(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"account", NULL};
        _cleanup_free_ char *user = NULL;
        bool root = false;
        int r = rpc_check_keys(call, keys);
        if (r >= 0)
                r = get_account(call, &user, &root);
        return r < 0 ? r : rights_result(call, user, root, ret);
}

/* ---- query_security ---- */

static json_t *string_or_null(const char *s) {
        return s ? json_string(s) : json_null();
}

/* How the writes of a restricted service are held on this kernel. */
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

int rpc_query_security(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        const struct service_security *sec = s->config.security;
        static const struct service_security defaults = {.sid_type = SID_TYPE_NONE};
        const struct service_security *v = sec ? sec : &defaults;

        _cleanup_free_ char *state = NULL, *runtime = NULL, *logs = NULL;
        if (v->sid_type != SID_TYPE_NONE &&
            identity_folders(&s->manager->paths, s->config.name, &state, &runtime, &logs) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        json_t *paths = json_array();
        for (char **p = v->writable_paths; paths && p && *p; p++)
                json_array_append_new(paths, json_string(*p));
        json_t *caps = privileges_to_json(v->privileges);
        if (!paths || !caps) {
                json_decref(paths);
                json_decref(caps);
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        *ret = json_pack("{s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b, s:o}",
                         "name", s->config.name, "account",
                         s->config.account ? s->config.account : "", "required_privileges", caps,
                         "sid_type", sid_type_name(v->sid_type), "service_gid",
                         v->gid ? json_integer(v->gid) : json_null(), "state_directory",
                         string_or_null(state), "runtime_directory", string_or_null(runtime),
                         "logs_directory", string_or_null(logs), "writable_paths", paths,
                         "allow_weak_isolation", v->allow_weak_isolation, "restrict_network",
                         v->restrict_network, "interactive", v->interactive, "isolation",
                         isolation_json(sec));
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
