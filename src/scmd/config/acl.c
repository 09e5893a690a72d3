/* SPDX-License-Identifier: MIT */
/*
 * Access lists: the Linux form of the security descriptors Windows puts
 * on the SCM and on every service.  This file owns the rights and their
 * names, the principals, the text form (parse and format) and the one
 * question every request asks: which of the rights it needs does this
 * caller hold on this object?
 *
 * An access list is a list of (principal, allowed rights); a caller holds
 * the union of the rights of every entry that matches it.  There are no
 * deny entries: an allow-only list cannot be ordered wrongly.  A NULL
 * list is the object's default list (acl_default()).  Admins (uid 0,
 * scmd's own uid, members of --admin-group) hold every right whatever
 * the list says, so no list can lock them out.
 *
 * The text form (docs/protocol.md, "Access lists"):
 *
 *     allow everyone query-status,query-config; allow user:alice start,stop
 *
 * acl_format() writes it canonically (each principal once, in the order
 * first given; rights in the order of the rights table; "all" when an
 * entry holds every right of the object), so that a text read back by
 * acl_parse() formats to the same bytes.
 *
 * user:NAME and group:NAME are looked up when the list is parsed (at
 * sdset: an unknown name is refused; at load: an entry whose name no
 * longer resolves matches nobody, and stays in the text).  The principal
 * "account", the account the service runs as, is looked up when an entry
 * of it is needed by a check.
 */
#include "acl.h"

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "cleanup.h"

static const char *const right_names[_ACL_RIGHT_MAX] = {
        [ACL_CONNECT] = "connect",
        [ACL_CREATE_SERVICE] = "create-service",
        [ACL_ENUMERATE] = "enumerate",
        [ACL_LOCK] = "lock",
        [ACL_QUERY_LOCK_STATUS] = "query-lock-status",
        [ACL_MODIFY_BOOT_CONFIG] = "modify-boot-config",
        [ACL_QUERY_CONFIG] = "query-config",
        [ACL_CHANGE_CONFIG] = "change-config",
        [ACL_QUERY_STATUS] = "query-status",
        [ACL_ENUMERATE_DEPENDENTS] = "enumerate-dependents",
        [ACL_START] = "start",
        [ACL_STOP] = "stop",
        [ACL_PAUSE_CONTINUE] = "pause-continue",
        [ACL_INTERROGATE] = "interrogate",
        [ACL_USER_DEFINED_CONTROL] = "user-defined-control",
        [ACL_DELETE] = "delete",
        [ACL_READ_CONTROL] = "read-control",
        [ACL_WRITE_DAC] = "write-dac",
        [ACL_READ_LOG] = "read-log",
};
_Static_assert(ELEMENTSOF(right_names) == _ACL_RIGHT_MAX, "every right has a name");

static const char *const object_names[] = {
        [ACL_OBJECT_SCM] = "the SCM", [ACL_OBJECT_SERVICE] = "a service"};

#define R(x) ACL_BIT(ACL_##x)

/* Windows' defaults: SCM: authenticated users connect, enumerate, query
 * the lock status and read the descriptor.  Service: interactive and
 * authenticated users query, interrogate, send user-defined controls and
 * read the descriptor; the service's own account queries and interrogates
 * itself. */
static const struct acl_entry scm_defaults[] = {
        {.kind = ACL_PRINCIPAL_EVERYONE,
         .rights = R(CONNECT) | R(ENUMERATE) | R(QUERY_LOCK_STATUS) | R(READ_CONTROL)},
};
static const struct acl_entry service_defaults[] = {
        {.kind = ACL_PRINCIPAL_EVERYONE,
         .rights = R(QUERY_CONFIG) | R(QUERY_STATUS) | R(ENUMERATE_DEPENDENTS) | R(INTERROGATE) |
                   R(USER_DEFINED_CONTROL) | R(READ_CONTROL)},
        {.kind = ACL_PRINCIPAL_ACCOUNT,
         .rights = R(QUERY_CONFIG) | R(QUERY_STATUS) | R(INTERROGATE)},
};
static const struct acl default_lists[] = {
        [ACL_OBJECT_SCM] = {.n = ELEMENTSOF(scm_defaults),
                            .entries = (struct acl_entry *)scm_defaults},
        [ACL_OBJECT_SERVICE] = {.n = ELEMENTSOF(service_defaults),
                                .entries = (struct acl_entry *)service_defaults},
};

static bool have_admin_gid;
static gid_t admin_gid;

const char acl_options_help[] =
        "  --admin-group NAME    members of group NAME hold every right on the SCM and every\n"
        "                        service, as root does (default: none)\n";

int acl_set_option(const char *name, const char *value) {
        if (strcmp(name, "admin-group") != 0)
                return -EINVAL;
        struct group *g = getgrnam(value);
        if (!g) {
                fprintf(stderr, "scmd: --admin-group: no group is named '%s'\n", value);
                return -EINVAL;
        }
        admin_gid = g->gr_gid;
        have_admin_gid = true;
        return 0;
}

const char *acl_right_name(enum acl_right right) {
        return right >= 0 && right < _ACL_RIGHT_MAX ? right_names[right] : NULL;
}

uint32_t acl_object_rights(enum acl_object object) {
        return object == ACL_OBJECT_SCM
                       ? R(CONNECT) | R(CREATE_SERVICE) | R(ENUMERATE) | R(LOCK) |
                                 R(QUERY_LOCK_STATUS) | R(MODIFY_BOOT_CONFIG) | R(READ_CONTROL) |
                                 R(WRITE_DAC)
                       : R(QUERY_CONFIG) | R(CHANGE_CONFIG) | R(QUERY_STATUS) |
                                 R(ENUMERATE_DEPENDENTS) | R(START) | R(STOP) | R(PAUSE_CONTINUE) |
                                 R(INTERROGATE) | R(USER_DEFINED_CONTROL) | R(DELETE) |
                                 R(READ_CONTROL) | R(WRITE_DAC) | R(READ_LOG);
}

const struct acl *acl_default(enum acl_object object) {
        return &default_lists[object];
}

/* ---- the list ---- */

void acl_free(struct acl *acl) {
        if (!acl)
                return;
        for (size_t i = 0; i < acl->n; i++)
                free(acl->entries[i].name);
        free(acl->entries);
        free(acl);
}

struct acl *acl_dup(const struct acl *acl) {
        if (!acl)
                return NULL;
        struct acl *copy = calloc(1, sizeof(*copy));
        if (!copy)
                return NULL;
        copy->entries = calloc(acl->n ? acl->n : 1, sizeof(copy->entries[0]));
        if (!copy->entries) {
                free(copy);
                return NULL;
        }
        for (size_t i = 0; i < acl->n; i++) {
                copy->entries[i] = acl->entries[i];
                copy->entries[i].name = NULL;
                copy->n = i + 1;
                if (acl->entries[i].name &&
                    !(copy->entries[i].name = strdup(acl->entries[i].name))) {
                        acl_free(copy);
                        return NULL;
                }
        }
        return copy;
}

static bool same_principal(const struct acl_entry *a, const struct acl_entry *b) {
        if (a->kind != b->kind)
                return false;
        switch (a->kind) {
        case ACL_PRINCIPAL_UID:
        case ACL_PRINCIPAL_GID:
                return a->id == b->id;
        case ACL_PRINCIPAL_USER:
        case ACL_PRINCIPAL_GROUP:
                return strcmp(a->name, b->name) == 0;
        default:
                return true;
        }
}

/* ---- parsing ---- */

struct parser {
        enum acl_object object;
        bool strict;
        char *error;
};

static int parse_fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int parse_fail(struct parser *p, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        free(p->error);
        if (vasprintf(&p->error, fmt, ap) < 0)
                p->error = NULL;
        va_end(ap);
        return -EINVAL;
}

/* The decimal id in s (0 .. 2^32 - 2), or -1. */
static int64_t parse_id(const char *s) {
        if (!*s || strlen(s) > 10)
                return -1;
        int64_t v = 0;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                v = v * 10 + (*s - '0');
        }
        return v < (int64_t)UINT32_MAX ? v : -1;
}

/* Looks up a user or group name: resolved, or not (the entry then
 * matches nobody); in strict mode an unknown name is an error. */
static int resolve_name(struct parser *p, struct acl_entry *e) {
        bool user = e->kind == ACL_PRINCIPAL_USER;
        char buf[4096];
        int rc;
        if (user) {
                struct passwd pw, *res = NULL;
                rc = getpwnam_r(e->name, &pw, buf, sizeof(buf), &res);
                if (res)
                        e->id = pw.pw_uid;
                e->resolved = res != NULL;
        } else {
                struct group gr, *res = NULL;
                rc = getgrnam_r(e->name, &gr, buf, sizeof(buf), &res);
                if (res)
                        e->id = gr.gr_gid;
                e->resolved = res != NULL;
        }
        if (!e->resolved && p->strict)
                return rc != 0 && rc != ENOENT && rc != ESRCH
                               ? parse_fail(p, "cannot look up the %s '%s': %s",
                                            user ? "user" : "group", e->name, strerror(rc))
                               : parse_fail(p, "no %s is named '%s'", user ? "user" : "group",
                                            e->name);
        return 0;
}

static int parse_principal(struct parser *p, const char *word, struct acl_entry *e) {
        static const struct {
                const char *prefix;
                enum acl_principal_kind kind;
        } prefixes[] = {
                {"uid:", ACL_PRINCIPAL_UID},
                {"gid:", ACL_PRINCIPAL_GID},
                {"user:", ACL_PRINCIPAL_USER},
                {"group:", ACL_PRINCIPAL_GROUP},
        };
        *e = (struct acl_entry){0};
        if (strcmp(word, "everyone") == 0) {
                e->kind = ACL_PRINCIPAL_EVERYONE;
                return 0;
        }
        if (strcmp(word, "account") == 0 && p->object == ACL_OBJECT_SERVICE) {
                e->kind = ACL_PRINCIPAL_ACCOUNT;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(prefixes); i++) {
                size_t len = strlen(prefixes[i].prefix);
                if (strncmp(word, prefixes[i].prefix, len) != 0)
                        continue;
                const char *rest = word + len;
                e->kind = prefixes[i].kind;
                if (e->kind == ACL_PRINCIPAL_UID || e->kind == ACL_PRINCIPAL_GID) {
                        int64_t id = parse_id(rest);
                        if (id < 0)
                                return parse_fail(p,
                                                  "'%s' is not a principal: '%s' takes a number "
                                                  "from 0 to 4294967294",
                                                  word, prefixes[i].prefix);
                        e->id = (uint32_t)id;
                        e->resolved = true;
                        return 0;
                }
                if (!*rest || strlen(rest) > 256)
                        return parse_fail(p, "'%s' is not a principal: '%s' takes a name", word,
                                          prefixes[i].prefix);
                if (!(e->name = strdup(rest)))
                        return -ENOMEM;
                int r = resolve_name(p, e);
                if (r < 0)
                        free(TAKE_PTR(e->name));
                return r;
        }
        return parse_fail(p,
                          "unknown principal '%s' (principals: uid:N, gid:N, user:NAME, "
                          "group:NAME, everyone%s)",
                          word, p->object == ACL_OBJECT_SERVICE ? ", account" : "");
}

/* Every right name of object, ", "-separated, for messages. */
static void object_right_names(enum acl_object object, char *buf, size_t size) {
        uint32_t mask = acl_object_rights(object);
        size_t n = 0;
        buf[0] = '\0';
        for (int i = 0; i < _ACL_RIGHT_MAX && n < size; i++)
                if (mask & ACL_BIT(i))
                        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
                                              right_names[i]);
}

static int parse_right(struct parser *p, const char *word, uint32_t *rights) {
        uint32_t mask = acl_object_rights(p->object);
        if (strcmp(word, "all") == 0) {
                *rights |= mask;
                return 0;
        }
        for (int i = 0; i < _ACL_RIGHT_MAX; i++)
                if (strcmp(word, right_names[i]) == 0 && (mask & ACL_BIT(i))) {
                        *rights |= ACL_BIT(i);
                        return 0;
                }
        char names[512];
        object_right_names(p->object, names, sizeof(names));
        return parse_fail(p, "unknown right '%s' (the rights of %s: %s, or all)", word,
                          object_names[p->object], names);
}

#define ACL_SEPARATORS " \t\n"

/* One entry "allow PRINCIPAL RIGHT[,RIGHT...]" (piece is modified). */
static int parse_entry(struct parser *p, char *piece, struct acl_entry *ret) {
        char *save = NULL;
        char *verb = strtok_r(piece, ACL_SEPARATORS, &save);
        if (strcmp(verb, "allow") != 0)
                return parse_fail(p, "unknown word '%s': an entry starts with 'allow'", verb);
        char *principal = strtok_r(NULL, ACL_SEPARATORS, &save);
        if (!principal)
                return parse_fail(p, "'allow' is not followed by a principal");
        struct acl_entry e;
        int r = parse_principal(p, principal, &e);
        if (r < 0)
                return r;
        for (char *w; (w = strtok_r(NULL, ACL_SEPARATORS ",", &save));)
                if ((r = parse_right(p, w, &e.rights)) < 0) {
                        free(e.name);
                        return r;
                }
        if (e.rights == 0) {
                free(e.name);
                return parse_fail(p, "the entry for '%s' names no right", principal);
        }
        *ret = e;
        return 0;
}

/* Adds e to acl, merged into the entry of the same principal if any. */
static void add_entry(struct acl *acl, struct acl_entry *e) {
        for (size_t i = 0; i < acl->n; i++)
                if (same_principal(&acl->entries[i], e)) {
                        acl->entries[i].rights |= e->rights;
                        free(e->name);
                        return;
                }
        acl->entries[acl->n++] = *e;
}

int acl_parse(const char *text, enum acl_object object, bool strict, struct acl **ret,
              char **ret_error) {
        struct parser p = {.object = object, .strict = strict};
        if (strlen(text) > ACL_TEXT_MAX_BYTES) {
                if (ret_error && asprintf(ret_error, "the access list is longer than %d bytes",
                                          ACL_TEXT_MAX_BYTES) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }
        _cleanup_free_ char *copy = strdup(text);
        struct acl *acl = calloc(1, sizeof(*acl));
        if (acl)
                acl->entries = calloc(ACL_ENTRIES_MAX, sizeof(acl->entries[0]));
        if (!copy || !acl || !acl->entries) {
                acl_free(acl);
                return -ENOMEM;
        }
        int r = 0;
        char *save = NULL;
        for (char *piece = strtok_r(copy, ";", &save); piece && r >= 0;
             piece = strtok_r(NULL, ";", &save)) {
                if (piece[strspn(piece, ACL_SEPARATORS)] == '\0')
                        continue; /* an empty entry: "a; ; b", or a trailing ';' */
                if (acl->n == ACL_ENTRIES_MAX) {
                        r = parse_fail(&p, "the access list has more than %d entries",
                                       ACL_ENTRIES_MAX);
                        break;
                }
                struct acl_entry e;
                r = parse_entry(&p, piece, &e);
                if (r >= 0)
                        add_entry(acl, &e);
        }
        if (r < 0) {
                acl_free(acl);
                if (ret_error)
                        *ret_error = TAKE_PTR(p.error);
                free(p.error);
                return r;
        }
        *ret = acl;
        return 0;
}

/* ---- formatting ---- */

static int format_principal(const struct acl_entry *e, FILE *f) {
        switch (e->kind) {
        case ACL_PRINCIPAL_EVERYONE:
                return fputs("everyone", f);
        case ACL_PRINCIPAL_ACCOUNT:
                return fputs("account", f);
        case ACL_PRINCIPAL_UID:
                return fprintf(f, "uid:%" PRIu32, e->id);
        case ACL_PRINCIPAL_GID:
                return fprintf(f, "gid:%" PRIu32, e->id);
        case ACL_PRINCIPAL_USER:
                return fprintf(f, "user:%s", e->name);
        case ACL_PRINCIPAL_GROUP:
                return fprintf(f, "group:%s", e->name);
        }
        return -1;
}

char *acl_format_rights(uint32_t rights, enum acl_object object) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        uint32_t mask = acl_object_rights(object);
        if ((rights & mask) == mask) {
                fputs("all", f);
        } else {
                bool first = true;
                for (int i = 0; i < _ACL_RIGHT_MAX; i++)
                        if (rights & mask & ACL_BIT(i)) {
                                fprintf(f, "%s%s", first ? "" : ",", right_names[i]);
                                first = false;
                        }
        }
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *acl_format_principal(const struct acl_entry *e) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        format_principal(e, f);
        if (fclose(f) != 0) {
                free(buf);
                return NULL;
        }
        return buf;
}

char *acl_format(const struct acl *acl, enum acl_object object) {
        if (!acl)
                acl = acl_default(object);
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        if (!f)
                return NULL;
        bool ok = true;
        for (size_t i = 0; i < acl->n && ok; i++) {
                _cleanup_free_ char *rights = acl_format_rights(acl->entries[i].rights, object);
                ok = rights != NULL;
                fprintf(f, "%sallow ", i ? "; " : "");
                format_principal(&acl->entries[i], f);
                fprintf(f, " %s", rights ? rights : "");
        }
        if (fclose(f) != 0 || !ok) {
                free(buf);
                return NULL;
        }
        return buf;
}

/* ---- the check ---- */

bool acl_caller_is_admin(uid_t uid, gid_t gid, const gid_t *groups, size_t n_groups) {
        if (uid == 0 || uid == geteuid())
                return true;
        if (!have_admin_gid)
                return false;
        if (gid == admin_gid)
                return true;
        for (size_t i = 0; i < n_groups; i++)
                if (groups[i] == admin_gid)
                        return true;
        return false;
}

static bool caller_in_group(const struct acl_caller *c, gid_t gid) {
        if (c->gid == gid)
                return true;
        for (size_t i = 0; i < c->n_groups; i++)
                if (c->groups[i] == gid)
                        return true;
        return false;
}

/* The uid account (a service's account setting) runs as. */
static bool account_uid(const char *account, uid_t *ret) {
        if (account_is_local_system(account)) {
                *ret = geteuid();
                return true;
        }
        _cleanup_free_ char *user = account_policy_name(account);
        if (!user)
                return false;
        char buf[4096];
        struct passwd pw, *res = NULL;
        if (getpwnam_r(user, &pw, buf, sizeof(buf), &res) != 0 || !res)
                return false;
        *ret = pw.pw_uid;
        return true;
}

static bool entry_matches(const struct acl_entry *e, const struct acl_caller *c,
                          const char *account) {
        uid_t uid;
        switch (e->kind) {
        case ACL_PRINCIPAL_EVERYONE:
                return true;
        case ACL_PRINCIPAL_UID:
                return c->uid == e->id;
        case ACL_PRINCIPAL_GID:
                return caller_in_group(c, e->id);
        case ACL_PRINCIPAL_USER:
                return e->resolved && c->uid == e->id;
        case ACL_PRINCIPAL_GROUP:
                return e->resolved && caller_in_group(c, e->id);
        case ACL_PRINCIPAL_ACCOUNT:
                return account && account_uid(account, &uid) && uid == c->uid;
        }
        return false;
}

uint32_t acl_granted(const struct acl *acl, enum acl_object object, const struct acl_caller *c,
                     const char *account, uint32_t wanted) {
        if (c->admin)
                return wanted;
        if (!acl)
                acl = acl_default(object);
        uint32_t granted = 0;
        for (size_t i = 0; i < acl->n && granted != wanted; i++) {
                const struct acl_entry *e = &acl->entries[i];
                /* Only entries that would add something are looked at: a
                 * lookup (account) is made only when it can matter. */
                if ((e->rights & wanted & ~granted) && entry_matches(e, c, account))
                        granted |= e->rights & wanted;
        }
        return granted;
}
