/* SPDX-License-Identifier: MIT */
/*
 * Access lists: the rights, the principals, the text form and the one
 * question every request asks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * acl.c, db_acl.c and rpc_acl.c: who may do what to the SCM and to each
 * service, checked on every request by rpc.c's dispatcher.
 * docs/architecture.md, "Access lists"; docs/protocol.md, the text form.
 */

/* The rights, one bit each (ACL_BIT()); the first six are the SCM's,
 * read-control and write-dac belong to both objects, the rest to a
 * service.  Their names are docs/protocol.md's. */
enum acl_right {
        ACL_CONNECT,
        ACL_CREATE_SERVICE,
        ACL_ENUMERATE,
        ACL_LOCK,
        ACL_QUERY_LOCK_STATUS,
        ACL_MODIFY_BOOT_CONFIG,
        ACL_QUERY_CONFIG,
        ACL_CHANGE_CONFIG,
        ACL_QUERY_STATUS,
        ACL_ENUMERATE_DEPENDENTS,
        ACL_START,
        ACL_STOP,
        ACL_PAUSE_CONTINUE,
        ACL_INTERROGATE,
        ACL_USER_DEFINED_CONTROL,
        ACL_DELETE,
        ACL_READ_CONTROL,
        ACL_WRITE_DAC,
        ACL_READ_LOG, /* a service's: read_log; no Windows equivalent, in no default list */
        _ACL_RIGHT_MAX
};
#define ACL_BIT(right) (1u << (right))

enum acl_object { ACL_OBJECT_SCM, ACL_OBJECT_SERVICE };

enum acl_principal_kind {
        ACL_PRINCIPAL_EVERYONE,
        ACL_PRINCIPAL_UID,
        ACL_PRINCIPAL_GID,
        ACL_PRINCIPAL_USER,    /* by name, looked up when parsed */
        ACL_PRINCIPAL_GROUP,   /* by name, looked up when parsed */
        ACL_PRINCIPAL_ACCOUNT, /* the account the service runs as (services only) */
};

#define ACL_ENTRIES_MAX 64
#define ACL_TEXT_MAX_BYTES 8192

struct acl_entry {
        enum acl_principal_kind kind;
        uint32_t id;   /* uid or gid; for user/group when resolved */
        bool resolved; /* user/group: the name was found; uid/gid: always */
        char *name;    /* user/group: the name as given; else NULL */
        uint32_t rights;
};

struct acl {
        size_t n;
        struct acl_entry *entries;
};

/* Who is asking: SO_PEERCRED and SO_PEERGROUPS of the connection, and
 * whether that makes it an admin (acl_caller_is_admin()). */
struct acl_caller {
        uid_t uid;
        gid_t gid;
        gid_t *groups;
        size_t n_groups;
        bool admin;
};

/* acl.c */

const char *acl_right_name(enum acl_right right);
/* Every right that applies to object. */
uint32_t acl_object_rights(enum acl_object object);
/* The list an object without one of its own has (static; never freed). */
const struct acl *acl_default(enum acl_object object);
void acl_free(struct acl *acl);
/* A deep copy; NULL for NULL, and NULL on out-of-memory. */
struct acl *acl_dup(const struct acl *acl);
/* Parses the text form into *ret.  strict: a user or group name that does
 * not exist is an error (sdset); else such an entry matches nobody (load).
 * Returns 0, -EINVAL with *ret_error (malloc'd; names the word that is
 * wrong), or -ENOMEM. */
int acl_parse(const char *text, enum acl_object object, bool strict, struct acl **ret,
              char **ret_error);
/* The canonical text form of acl (NULL: the default list), malloc'd; NULL
 * on out-of-memory. */
char *acl_format(const struct acl *acl, enum acl_object object);
/* "start,stop" (or "all"), and "user:alice": parts of the text form. */
char *acl_format_rights(uint32_t rights, enum acl_object object);
char *acl_format_principal(const struct acl_entry *e);
/* Whether these credentials are an admin's: uid 0, scmd's own uid, or
 * a member of --admin-group. */
bool acl_caller_is_admin(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups);
/* The rights of wanted that c holds on an object with list acl (NULL: the
 * default).  account: the service's account setting, for the principal
 * "account" (NULL for the SCM). */
uint32_t acl_granted(const struct acl *acl, enum acl_object object, const struct acl_caller *c,
                     const char *account, uint32_t wanted);
/* scmd's --admin-group; prints why on stderr and returns -EINVAL when
 * refused. */
int acl_set_option(const char *name, const char *value);
extern const char acl_options_help[];
