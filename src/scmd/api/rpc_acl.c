/* SPDX-License-Identifier: MIT */
/*
 * Access lists on the wire: the check rpc.c's dispatcher makes before
 * every handler (rpc_require), the silent one of methods that cover many
 * services (rpc_may), and the methods that read and replace a list,
 * query_object_security and set_object_security (QueryServiceObjectSecurity
 * and SetServiceObjectSecurity), on a service (`name`) or on the SCM
 * (`scm: true`).
 *
 * A denial names the caller, the first right it lacks and the object, so
 * the person reading it knows what to ask an administrator for.
 */
#include "rpc_acl.h"

#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>

#include "cleanup.h"
#include "db.h"
#include "log.h"
#include "manager.h"
#include "registry.h"
#include "rpc.h"
#include "server.h"
#include "service.h"

const struct acl_caller *rpc_caller(const struct rpc_call *call) {
        return conn_caller(call->conn);
}

static uint32_t granted(const struct acl_caller *c, const struct manager *m,
                        const struct service *s, uint32_t rights) {
        if (s)
                return acl_granted(s->config.access, ACL_OBJECT_SERVICE, c, s->config.account,
                                   rights);
        return acl_granted(m->scm_access, ACL_OBJECT_SCM, c, NULL, rights);
}

bool rpc_may(const struct rpc_call *call, const struct service *s, uint32_t rights) {
        return granted(rpc_caller(call), call->manager, s, rights) == rights;
}

bool conn_may_query(const struct conn *c, const struct service *s) {
        const uint32_t q = ACL_BIT(ACL_QUERY_STATUS);
        return granted(conn_caller(c), s->manager, s, q) == q;
}

int rpc_require(struct rpc_call *call, const struct service *s, uint32_t rights) {
        const struct acl_caller *c = rpc_caller(call);
        uint32_t missing = rights & ~granted(c, call->manager, s, rights);
        if (!missing)
                return 0;
        int right = __builtin_ctz(missing);
        char buf[1024];
        struct passwd pw, *res = NULL;
        getpwuid_r(c->uid, &pw, buf, sizeof(buf), &res);
        const char *who = res ? res->pw_name : "?";
        if (s)
                return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                                "access denied: user '%s' (uid %u) lacks the right '%s' on "
                                "service '%s'",
                                who, (unsigned)c->uid, acl_right_name(right), s->config.name);
        return rpc_fail(call, SCM_ERROR_ACCESS_DENIED,
                        "access denied: user '%s' (uid %u) lacks the right '%s' on the SCM", who,
                        (unsigned)c->uid, acl_right_name(right));
}

void rpc_hide_unqueryable(const struct rpc_call *call, json_t *list) {
        if (rpc_caller(call)->admin)
                return;
        for (size_t i = json_array_size(list); i-- > 0;) {
                json_t *e = json_array_get(list, i);
                const char *name = json_is_string(e)
                                           ? json_string_value(e)
                                           : json_string_value(json_object_get(e, "name"));
                const struct service *s =
                        name ? registry_find(call->manager->registry, name) : NULL;
                if (!s || !rpc_may(call, s, ACL_BIT(ACL_QUERY_STATUS)))
                        json_array_remove(list, i);
        }
}

/* ---- the methods ---- */

/* The object of the call: 0 with *ret the service or NULL for the SCM. */
static int read_object(struct rpc_call *call, const char *const *keys, struct service **ret) {
        int r = rpc_check_keys(call, keys);
        if (r < 0)
                return r;
        json_t *scm = json_object_get(call->params, "scm");
        if (scm && !json_is_boolean(scm))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'scm' must be true or false");
        bool on_scm = json_is_true(scm);
        if (on_scm && json_object_get(call->params, "name"))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "give either 'name' (a service) or 'scm': true, not both");
        if (on_scm) {
                *ret = NULL;
                return 0;
        }
        return rpc_get_service(call, ret);
}

static json_t *entries_json(const struct acl *acl, enum acl_object object) {
        if (!acl)
                acl = acl_default(object);
        json_t *list = json_array();
        for (size_t i = 0; list && i < acl->n; i++) {
                json_t *rights = json_array();
                for (int k = 0; rights && k < _ACL_RIGHT_MAX; k++)
                        if (acl->entries[i].rights & acl_object_rights(object) & ACL_BIT(k))
                                json_array_append_new(rights, json_string(acl_right_name(k)));
                _cleanup_free_ char *principal = acl_format_principal(&acl->entries[i]);
                json_t *e = principal && rights ? json_pack("{s:s, s:o}", "principal", principal,
                                                            "rights", rights)
                                                : NULL;
                if (!e || json_array_append_new(list, e) < 0) {
                        json_decref(list);
                        return NULL;
                }
        }
        return list;
}

static int object_security(struct rpc_call *call, const struct service *s, json_t **ret) {
        enum acl_object object = s ? ACL_OBJECT_SERVICE : ACL_OBJECT_SCM;
        const struct acl *acl = s ? s->config.access : call->manager->scm_access;
        _cleanup_free_ char *text = acl_format(acl, object);
        json_t *entries = entries_json(acl, object);
        json_t *o = text && entries ? json_pack("{s:s, s:b, s:o}", "access_list", text, "default",
                                                acl == NULL, "entries", entries)
                                    : NULL;
        if (o && s)
                json_object_set_new(o, "name", json_string(s->config.name));
        else if (o)
                json_object_set_new(o, "scm", json_true());
        if (!o)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        *ret = o;
        return 0;
}

int rpc_query_object_security(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "scm", NULL};
        struct service *s;
        int r = read_object(call, keys, &s);
        return r < 0 ? r : object_security(call, s, ret);
}

/* The new list: the text of access_list, or NULL for "default": true. */
static int read_new_list(struct rpc_call *call, enum acl_object object, struct acl **ret) {
        json_t *dflt = json_object_get(call->params, "default");
        const char *text;
        if (dflt && !json_is_boolean(dflt))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'default' must be true or false");
        bool to_default = json_is_true(dflt);
        int r = rpc_get_string(call, "access_list", !to_default, ACL_TEXT_MAX_BYTES, &text);
        if (r < 0)
                return r;
        if (to_default && text)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "give either 'access_list' or 'default': true, not both");
        if (to_default) {
                *ret = NULL;
                return 0;
        }
        _cleanup_free_ char *error = NULL;
        r = acl_parse(text, object, true, ret, &error);
        if (r == -ENOMEM)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        if (r < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the access list is not valid: %s", error ? error : "?");
        return 0;
}

int rpc_set_object_security(struct rpc_call *call, json_t **ret) {
        static const char *const keys[] = {"name", "scm", "access_list", "default", NULL};
        struct service *s;
        struct acl *acl = NULL;
        int r = read_object(call, keys, &s);
        if (r >= 0)
                r = read_new_list(call, s ? ACL_OBJECT_SERVICE : ACL_OBJECT_SCM, &acl);
        if (r < 0)
                return r;
        if (s && s->marked_for_delete) {
                acl_free(acl);
                return rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                                "service %s is marked for delete; it cannot be changed",
                                s->config.name);
        }
        struct manager *m = call->manager;
        r = s ? db_acl_save_service(m->db, s->id, acl) : db_acl_save_scm(m->db, acl);
        if (r < 0) {
                acl_free(acl);
                return rpc_database_failed(call, r);
        }
        /* Committed: now memory. */
        struct acl **slot = s ? &s->config.access : &m->scm_access;
        acl_free(*slot);
        *slot = acl;
        _cleanup_free_ char *text = acl_format(acl, s ? ACL_OBJECT_SERVICE : ACL_OBJECT_SCM);
        log_info("%s%s: access list set by uid %u: %s", s ? "service " : "the SCM",
                 s ? s->config.name : "", (unsigned)rpc_caller(call)->uid, text ? text : "?");
        return object_security(call, s, ret);
}
