/* SPDX-License-Identifier: MIT */
/*
 * The methods of the machine secret store: set_secret, list_secrets and
 * delete_secret (the Linux form of LsaStorePrivateData for a service's
 * own store).  No method ever returns a value: list_secrets gives key
 * names, sizes and times.  A value is taken from the request, sealed
 * (secrets.c) and wiped from the request before the reply; it is never
 * logged, and no error message quotes it.
 *
 * A value is JSON text ("value") or any bytes as base64 ("value_base64",
 * what scctl sends); at most SECRET_VALUE_MAX_BYTES, which keeps the
 * base64 form of the largest value inside the 64 KiB request line.
 *
 * Who may call is rpc.c's access check: set_secret and delete_secret
 * need change-config on the service, list_secrets query-config (names
 * and sizes only, as query_config shows the rest of the configuration).
 *
 * A scheduled task has a store of its own, the same methods named
 * task_set_secret, task_list_secrets and task_delete_secret, its rights
 * checked on the task's own list (rpc_task_named()).  Its rows are kept
 * under its identity key, "task/NAME", which is also what each value is
 * sealed for: a service of the same name can neither read nor be given
 * them.  Each method below works on a struct owner, whichever it is.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <scm/error.h>
#include <sodium.h>

#include "acl.h"
#include "cleanup.h"
#include "log.h"
#include "manager.h"
#include "rpc.h"
#include "secrets.h"
#include "security_config.h"
#include "service.h"
#include "task.h"

/* Whose secrets a request is about. */
struct owner {
        enum owner_kind kind;
        const char *name; /* as people say it */
        const char *key;  /* in the store and in the seal: the name, or the task's key */
        char *owned_key;
        bool marked; /* a service marked for delete */
};

static void owner_clear(struct owner *o) {
        free(o->owned_key);
        o->owned_key = NULL;
}

/* The key name a method names, checked. */
static int get_key(struct rpc_call *call, const char **ret_key) {
        const char *key, *reason;
        int r = rpc_get_string(call, "key", true, SECRET_KEY_NAME_MAX * 4, &key);
        if (r < 0)
                return r;
        if (secret_key_name_check(key, &reason) < 0)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "'%.64s' is not a valid secret key name: %s", key, reason);
        *ret_key = key;
        return 0;
}

/* The start of each method: parameters, the service (its rights checked
 * by rpc.c's table) or the task (rights checked on its own list), the key
 * name when want_key. */
static int get_target(struct rpc_call *call, bool task, const char *const *keys, uint32_t rights,
                      bool want_key, struct owner *ret, const char **ret_key) {
        int r;
        *ret = (struct owner){.kind = task ? OWNER_TASK : OWNER_SERVICE};
        if (task) {
                struct task *t;
                r = rpc_task_named(call, keys, rights, &t);
                if (r >= 0 && !(ret->owned_key = task_identity_key(t->config.name)))
                        r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
                if (r >= 0) {
                        ret->name = t->config.name;
                        ret->key = ret->owned_key;
                }
        } else {
                struct service *s;
                r = rpc_get_service_checked(call, keys, &s); /* rights: rpc.c's table */
                if (r >= 0) {
                        ret->name = ret->key = s->config.name;
                        ret->marked = s->marked_for_delete;
                }
        }
        if (r >= 0 && want_key)
                r = get_key(call, ret_key);
        if (r < 0)
                owner_clear(ret);
        return r;
}

/* A JSON string's bytes, wiped where jansson keeps them. */
static void wipe_string(json_t *v) {
        if (json_is_string(v))
                sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

static void wipe_values(struct rpc_call *call) {
        wipe_string(json_object_get(call->params, "value"));
        wipe_string(json_object_get(call->params, "value_base64"));
}

/* The value's bytes: *ret points into the request ("value") or to a
 * malloc'd decoded copy (*ret_owned, "value_base64"). */
static int get_value(struct rpc_call *call, const unsigned char **ret, size_t *ret_len,
                     unsigned char **ret_owned) {
        json_t *text = json_object_get(call->params, "value");
        json_t *b64 = json_object_get(call->params, "value_base64");
        if (!text == !b64)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "give the secret in exactly one of 'value' and 'value_base64'");
        json_t *v = text ? text : b64;
        if (!json_is_string(v))
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter '%s' must be a string",
                                text ? "value" : "value_base64");
        size_t n = json_string_length(v);
        const char *s = json_string_value(v);
        if (text) {
                if (n > SECRET_VALUE_MAX_BYTES)
                        return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                        "the secret is %zu bytes long; at most %d are allowed", n,
                                        SECRET_VALUE_MAX_BYTES);
                *ret = (const unsigned char *)s;
                *ret_len = n;
                *ret_owned = NULL;
                return 0;
        }
        unsigned char *bytes = malloc(n / 4 * 3 + 3);
        if (!bytes)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        size_t len = 0;
        if (sodium_base642bin(bytes, n / 4 * 3 + 3, s, n, NULL, &len, NULL,
                              sodium_base64_VARIANT_ORIGINAL) != 0) {
                secret_plain_free(bytes, n / 4 * 3 + 3);
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the parameter 'value_base64' is not base64 (RFC 4648, with "
                                "padding)");
        }
        if (len > SECRET_VALUE_MAX_BYTES) {
                secret_plain_free(bytes, n / 4 * 3 + 3);
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "the secret is %zu bytes long; at most %d are allowed", len,
                                SECRET_VALUE_MAX_BYTES);
        }
        *ret = bytes;
        *ret_len = len;
        *ret_owned = bytes;
        return 0;
}

struct census {
        const char *key;
        size_t n;
        bool has_key;
};

static int count_one(void *userdata, const struct db_secret_row *row) {
        struct census *c = userdata;
        c->n++;
        c->has_key |= strcmp(row->key, c->key) == 0;
        return 0;
}

static int store(struct rpc_call *call, const struct owner *o, const char *key,
                 const unsigned char *value, size_t len, bool *ret_replaced) {
        struct census c = {.key = key};
        int r = db_secret_list(call->manager->db, o->key, count_one, &c);
        if (r < 0)
                return rpc_database_failed(call, r);
        if (c.n >= SECRETS_PER_SERVICE_MAX && !c.has_key)
                return rpc_fail(call, SCM_ERROR_INVALID_PARAMETER,
                                "%s %s already has %d secrets, the most it may have",
                                owner_kind_name(o->kind), o->name, SECRETS_PER_SERVICE_MAX);
        const unsigned char *mkey;
        _cleanup_free_ char *why = NULL;
        r = secrets_machine_key(&call->manager->paths, call->manager->db, true, &mkey, &why);
        if (r < 0) {
                log_error("the secret store cannot be used: %s", why ? why : strerror(-r));
                return rpc_fail(call, SCM_ERROR_INVALID_DATA, "the secret store cannot be used: %s",
                                why ? why : strerror(-r));
        }
        struct sealed_secret sealed;
        if (secret_seal(mkey, o->key, key, value, len, &sealed) < 0)
                return rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        r = db_secret_put(call->manager->db, o->key, key, &sealed, ret_replaced);
        sealed_secret_clear(&sealed);
        return r < 0 ? rpc_database_failed(call, r) : 0;
}

static int set_secret(struct rpc_call *call, bool task, json_t **ret) {
        static const char *const keys[] = {"name", "key", "value", "value_base64", NULL};
        struct owner o;
        const char *key = NULL;
        const unsigned char *value = NULL;
        size_t len = 0;
        unsigned char *owned = NULL;
        bool replaced = false;
        int r = get_target(call, task, keys, ACL_BIT(ACL_CHANGE_CONFIG), true, &o, &key);
        if (r >= 0 && o.marked)
                r = rpc_fail(call, SCM_ERROR_SERVICE_MARKED_FOR_DELETE,
                             "service %s is marked for delete", o.name);
        if (r >= 0)
                r = get_value(call, &value, &len, &owned);
        if (r >= 0)
                r = store(call, &o, key, value, len, &replaced);
        secret_plain_free(owned, len);
        wipe_values(call);
        if (r >= 0) {
                log_info("%s %s: secret %s %s (%zu bytes)", owner_kind_name(o.kind), o.name, key,
                         replaced ? "replaced" : "added", len);
                *ret = json_pack("{s:s, s:s, s:I, s:b}", "name", o.name, "key", key, "size",
                                 (json_int_t)len, "replaced", replaced);
                if (!*ret)
                        r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        owner_clear(&o);
        return r;
}

static int list_one(void *userdata, const struct db_secret_row *row) {
        json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "key", row->key, "size",
                              (json_int_t)row->size, "created", (json_int_t)row->created_at,
                              "updated", (json_int_t)row->updated_at);
        return o && json_array_append_new(userdata, o) == 0 ? 0 : -ENOMEM;
}

static int list_secrets(struct rpc_call *call, bool task, json_t **ret) {
        static const char *const keys[] = {"name", NULL};
        struct owner o;
        int r = get_target(call, task, keys, ACL_BIT(ACL_QUERY_CONFIG), false, &o, NULL);
        if (r < 0)
                return r;
        json_t *list = json_array();
        r = list ? db_secret_list(call->manager->db, o.key, list_one, list) : -ENOMEM;
        if (r < 0)
                r = r == -ENOMEM ? rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory")
                                 : rpc_fail(call, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                            "the configuration database could not be read (%s)",
                                            strerror(-r));
        if (r >= 0 && !(*ret = json_pack("{s:s, s:O}", "name", o.name, "secrets", list)))
                r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        json_decref(list);
        owner_clear(&o);
        return r;
}

static int delete_secret(struct rpc_call *call, bool task, json_t **ret) {
        static const char *const keys[] = {"name", "key", NULL};
        struct owner o;
        const char *key = NULL;
        int r = get_target(call, task, keys, ACL_BIT(ACL_CHANGE_CONFIG), true, &o, &key);
        if (r < 0)
                return r;
        r = db_secret_delete(call->manager->db, o.key, key);
        if (r == -ENOENT)
                r = rpc_fail(call, SCM_ERROR_FILE_NOT_FOUND, "%s %s has no secret '%s'",
                             owner_kind_name(o.kind), o.name, key);
        else if (r < 0)
                r = rpc_database_failed(call, r);
        if (r >= 0) {
                log_info("%s %s: secret %s deleted", owner_kind_name(o.kind), o.name, key);
                if (!(*ret = json_object()))
                        r = rpc_fail(call, SCM_ERROR_NOT_ENOUGH_MEMORY, "out of memory");
        }
        owner_clear(&o);
        return r;
}

int rpc_set_secret(struct rpc_call *call, json_t **ret) {
        return set_secret(call, false, ret);
}

int rpc_list_secrets(struct rpc_call *call, json_t **ret) {
        return list_secrets(call, false, ret);
}

int rpc_delete_secret(struct rpc_call *call, json_t **ret) {
        return delete_secret(call, false, ret);
}

int rpc_task_set_secret(struct rpc_call *call, json_t **ret) {
        return set_secret(call, true, ret);
}

int rpc_task_list_secrets(struct rpc_call *call, json_t **ret) {
        return list_secrets(call, true, ret);
}

int rpc_task_delete_secret(struct rpc_call *call, json_t **ret) {
        return delete_secret(call, true, ret);
}
