/* SPDX-License-Identifier: MIT */
/*
 * libscm, managing services: what scctl does beyond start and stop, as
 * typed calls with no third-party type in them.  QueryServiceConfig and
 * ChangeServiceConfig (every field of docs/protocol.md's config object),
 * QueryServiceConfig2 (least privilege, failure actions),
 * ChangeServiceConfig2 (failure actions), the group order, account
 * privileges, and a service's log.  Listing services (scm_enumerate(),
 * scm_enumerate_dependents()) and access lists are in <scm/client.h>,
 * events in <scm/notify.h>.
 *
 * The configuration has some sixty fields and grows; rather than a struct
 * that would break with each, a reply is a struct scm_object read field by
 * field with the protocol's names ("start_type", "dependencies", ...), and
 * a change is a struct scm_change that names only the fields it changes.
 *
 * As in <scm/client.h>: one thread at a time per client; >= 0 is success,
 * -errno a local failure, SCM_ERR(win32) an error of the SCM (then
 * scm_client_error_message() has its sentence); the library never logs.
 */
#ifndef SCM_MANAGE_H
#define SCM_MANAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <scm/client.h>

/* ---- Reading a reply: struct scm_object ---- */

/* One object of the protocol (a config, a security or failure actions
 * object), read by field name; the strings it gives are borrowed from it. */
struct scm_object;

/* A string field, or NULL when it is absent, null or not a string. */
const char *scm_object_string(const struct scm_object *o, const char *field);

/* A number or boolean field: 0, -ENOENT when absent or null, -EPROTO when
 * of another type. */
int scm_object_int(const struct scm_object *o, const char *field, int64_t *ret);
int scm_object_bool(const struct scm_object *o, const char *field, bool *ret);

/* A list of strings ("dependencies", "environment", ...): *ret is a
 * malloc'd NULL-terminated array of strings borrowed from o (free() the
 * array only).  -ENOENT when absent, -EPROTO when not a list of strings. */
int scm_object_strings(const struct scm_object *o, const char *field, const char ***ret);

/* Any field as JSON text ("\"web\"", "30000", "[\"db\",\"+Net\"]",
 * "null", "{...}" for "limits"), malloc'd; NULL when absent or out of
 * memory. */
char *scm_object_text(const struct scm_object *o, const char *field);

/* The object's field names, in the order scmd sent them: the i-th, or
 * NULL past the last. */
const char *scm_object_field(const struct scm_object *o, size_t i);

void scm_object_free(struct scm_object *o);

/* ---- Configuration ---- */

/* QueryServiceConfig: the config object of docs/protocol.md. */
int scm_query_config(struct scm_client *c, const char *name, struct scm_object **ret);

/* QueryServiceConfig2 for least privilege: the query_security object
 * (account, required_privileges, sid_type, isolation, ...). */
int scm_query_security(struct scm_client *c, const char *name, struct scm_object **ret);

/* A change: the fields it sets, each by the protocol's name, in the
 * vocabulary of docs/protocol.md ("start_type" takes "auto", "kind"
 * "notify", ...).  A field set twice keeps the last value.  Each setter
 * returns 0, -EINVAL (a NULL field, or text that is not JSON) or -ENOMEM;
 * the SCM checks names and values when the change is sent. */
struct scm_change;

struct scm_change *scm_change_new(void);
int scm_change_set_string(struct scm_change *ch, const char *field, const char *value);
int scm_change_set_int(struct scm_change *ch, const char *field, int64_t value);
int scm_change_set_bool(struct scm_change *ch, const char *field, bool value);
/* values is NULL-terminated; NULL or { NULL } is the empty list. */
int scm_change_set_strings(struct scm_change *ch, const char *field, const char *const *values);
/* null: "no limit" for the resource fields (memory_max, ...). */
int scm_change_set_null(struct scm_change *ch, const char *field);
/* Any value as JSON text: {"NOFILE":"1024:4096"} for "limits". */
int scm_change_set_text(struct scm_change *ch, const char *field, const char *json_text);
void scm_change_free(struct scm_change *ch);

/* ChangeServiceConfig (and ChangeServiceConfig2's least-privilege levels):
 * every field of ch in one transaction, all or none.  *ret_config (may be
 * NULL) receives the config after it. */
int scm_change_config(struct scm_client *c, const char *name, const struct scm_change *ch,
                      struct scm_object **ret_config);

/* CreateService with any field create takes: name, command_line, and the
 * fields of ch (may be NULL).  *ret_config (may be NULL) is the new config. */
int scm_create_service_with(struct scm_client *c, const char *name, const char *command_line,
                            const struct scm_change *ch, struct scm_object **ret_config);

/* ---- Failure actions (docs/protocol.md, "Failure actions") ---- */

enum scm_action_type {
        SCM_ACTION_NONE = 0,
        SCM_ACTION_RESTART = 1,
        SCM_ACTION_REBOOT = 2,
        SCM_ACTION_RUN = 3, /* Windows' SC_ACTION_RUN_COMMAND */
        SCM_ACTION_INVALID = -1,
};

struct scm_failure_action {
        enum scm_action_type type;
        uint32_t delay_ms;
};

/* reset_period: seconds, or this: the count never goes back to 0. */
#define SCM_RESET_INFINITE INT64_C(-1)
/* In a struct scm_failure_actions_change: leave the field as it is. */
#define SCM_KEEP INT64_C(-2)

struct scm_failure_actions {
        int64_t reset_period; /* seconds or SCM_RESET_INFINITE */
        struct scm_failure_action *actions;
        size_t n_actions;
        char *command;        /* "" for none */
        char *reboot_message; /* "" for the default sentence */
        bool non_crash_failures;
        uint32_t failure_count; /* the count now */
        bool pending;           /* an action waits: the three below */
        struct scm_failure_action pending_action;
        uint32_t pending_failure;
        int64_t pending_in_ms;
};

/* Start from SCM_FAILURE_ACTIONS_CHANGE_INIT: it changes nothing. */
struct scm_failure_actions_change {
        int64_t reset_period; /* seconds, SCM_RESET_INFINITE, or SCM_KEEP */
        bool set_actions;     /* replace the actions with these (none: remove them all) */
        const struct scm_failure_action *actions;
        size_t n_actions;
        const char *command;        /* NULL: keep; "": remove */
        const char *reboot_message; /* NULL: keep; "": the default sentence */
        int non_crash_failures;     /* -1: keep; 0 or 1 */
};

#define SCM_FAILURE_ACTIONS_CHANGE_INIT                                                            \
        { .reset_period = SCM_KEEP, .non_crash_failures = -1 }

/* Free what *ret holds with scm_failure_actions_clear(). */
int scm_query_failure_actions(struct scm_client *c, const char *name,
                              struct scm_failure_actions *ret);
/* One transaction; *ret (may be NULL) receives the actions after it. */
int scm_change_failure_actions(struct scm_client *c, const char *name,
                               const struct scm_failure_actions_change *ch,
                               struct scm_failure_actions *ret);
void scm_failure_actions_clear(struct scm_failure_actions *fa);

const char *scm_action_type_name(enum scm_action_type t);
enum scm_action_type scm_action_type_from_name(const char *name);

/* ---- Groups and account privileges ---- */

/* ServiceGroupOrder: *ret is a malloc'd NULL-terminated list (free with
 * scm_strings_free()). */
int scm_query_group_order(struct scm_client *c, char ***ret);
int scm_set_group_order(struct scm_client *c, const char *const *groups);

/* LsaAddAccountRights, LsaRemoveAccountRights, LsaEnumerateAccountRights:
 * privileges (capability names, NULL-terminated) for account; *ret (may be
 * NULL; free with scm_strings_free()) receives every privilege the account
 * holds afterwards, and *ret_all (may be NULL) whether it holds all (root). */
int scm_add_account_rights(struct scm_client *c, const char *account, const char *const *privileges,
                           char ***ret);
int scm_remove_account_rights(struct scm_client *c, const char *account,
                              const char *const *privileges, char ***ret);
int scm_query_account_rights(struct scm_client *c, const char *account, char ***ret, bool *ret_all);

void scm_strings_free(char **v);

/* ---- A service's log (its standard output and error) ---- */

struct scm_log_chunk {
        char *data; /* malloc'd, NUL-terminated text; "" when nothing new */
        size_t size;
        uint64_t offset;  /* ask from here next */
        uint64_t file_id; /* with this */
};

/* The last lines lines (0 - 100000) of the log, served by scmd to a caller
 * who holds read-log on the service (the files stay root's). */
int scm_read_log_tail(struct scm_client *c, const char *name, unsigned lines,
                      struct scm_log_chunk *ret);
/* What came after a previous chunk (its offset and file_id): following the
 * log across a rotation loses nothing.  At most 1 MiB a call. */
int scm_read_log_from(struct scm_client *c, const char *name, uint64_t file_id, uint64_t offset,
                      struct scm_log_chunk *ret);
void scm_log_chunk_clear(struct scm_log_chunk *chunk);

#endif
