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
#include "log.h"
#include "manager.h"
#include "privilege_names.h"
#include "rpc.h"
#include "rpc_config_security.h"
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

int rpc_query_security(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct service *s;
        int r = rpc_get_service_checked(call, keys, &s);
        if (r < 0)
                return r;
        json_t *o = security_settings_json(&s->manager->paths, OWNER_SERVICE, s->config.name,
                                           s->config.security);
        *ret = o ? json_pack("{s:s, s:s}", "name", s->config.name, "account",
                             s->config.account ? s->config.account : "")
                 : NULL;
        if (*ret && json_object_update(*ret, o) < 0) {
                json_decref(*ret);
                *ret = NULL;
        }
        json_decref(o);
        return *ret ? 0 : rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
}
