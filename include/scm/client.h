/* SPDX-License-Identifier: MIT */
/*
 * libscm, the client side: talk to scmd over its socket (docs/protocol.md).
 * The Linux form of OpenSCManager, CreateService, ChangeServiceConfig,
 * DeleteService, StartService, ControlService and QueryServiceStatusEx.
 *
 * A struct scm_client is one connection; use it from one thread at a time.
 * Every function returns >= 0 on success, -errno for a local failure
 * (-ECONNREFUSED, -ETIMEDOUT, -EPROTO, -ENOMEM, ...) and SCM_ERR(win32) for
 * an error the SCM reported; then scm_client_error_message() holds the SCM's
 * sentence.  The library never logs and never exits.
 *
 * No third-party header comes with this one: the typed calls of
 * <scm/manage.h> and scm_enumerate() below cover what scctl does; <scm/raw.h> is the escape hatch,
 * any method of docs/protocol.md as JSON (jansson).
 */
#ifndef SCM_CLIENT_H
#define SCM_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <scm/error.h>
#include <scm/types.h>

struct scm_client;

/* Connects to the socket at path (NULL: $SCM_SOCKET, else the system or
 * user socket by uid).  On success *ret is a new client owned by the caller.
 * Fails at once when no scmd runs there: -ENOENT (no socket) or
 * -ECONNREFUSED (nobody listens); waits up to timeout_ms (negative: 30 s)
 * only while the socket's scmd is starting (it holds its lock, scmd.lock
 * beside the socket, and has not opened the socket yet).  -ETIMEDOUT when
 * scmd did not accept in time. */
int scm_connect(const char *path, int timeout_ms, struct scm_client **ret);

/* scm_connect, but waiting up to timeout_ms for a scmd to come, as for one
 * that is about to be started (scctl --wait). */
int scm_connect_wait(const char *path, int timeout_ms, struct scm_client **ret);

/* A client on fd, a connected stream socket the caller made (one end of a
 * socketpair whose other end is an ssh running "scctl bridge", say: the
 * protocol is the same over any stream).  On success the client owns fd,
 * made non-blocking and close-on-exec; on failure (-ENOTSOCK for anything
 * but a stream socket, -ENOMEM) fd is still the caller's. */
int scm_connect_fd(int fd, struct scm_client **ret);

/* Closes the connection and frees the client; NULL is fine. */
void scm_disconnect(struct scm_client *c);

/* Sets the deadline for each later call (negative: 60 s, the default). */
void scm_client_set_timeout(struct scm_client *c, int timeout_ms);

/* The SCM's message for the last SCM_ERR() returned on c, or "". */
const char *scm_client_error_message(const struct scm_client *c);

/* What QueryServiceStatusEx returns. */
struct scm_status {
        enum scm_state state;
        enum scm_service_type type;
        uint32_t controls_accepted; /* SCM_ACCEPT_* bits */
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        uint32_t checkpoint;
        uint32_t wait_hint; /* milliseconds */
        pid_t pid;          /* 0 when no process runs */
        bool marked_for_delete;
        uint64_t seq; /* the service's sequence number (<scm/notify.h>) */
};

int scm_query_status(struct scm_client *c, const char *name, struct scm_status *ret);

/* Starts name with args (NULL-terminated, may be NULL); *ret (may be NULL)
 * receives the status once exec has succeeded. */
int scm_start_service(struct scm_client *c, const char *name, const char *const *args,
                      struct scm_status *ret);

/* Sends control (SCM_CONTROL_* or 128..255); *ret (may be NULL) receives
 * the status afterwards. */
int scm_control_service(struct scm_client *c, const char *name, int control,
                        struct scm_status *ret);

/* The same with a stop reason (ControlServiceEx): reason is Windows'
 * SERVICE_STOP_REASON_* code (0: none), comment at most 128 characters
 * (NULL: none); scmd records both with the stop (query_status shows them). */
int scm_control_service_reason(struct scm_client *c, const char *name, int control, uint32_t reason,
                               const char *comment, struct scm_status *ret);

/* Deletes name; *ret_marked (may be NULL) is true when the service was only
 * marked for delete because it is running or open. */
int scm_delete_service(struct scm_client *c, const char *name, bool *ret_marked);

/* What CreateService takes.  Start from SCM_SERVICE_CONFIG_INIT; NULL
 * strings take the defaults of docs/protocol.md; dependencies is
 * NULL-terminated, "+Group" naming a group. */
struct scm_service_config {
        const char *name;
        const char *display_name;
        const char *description;
        enum scm_service_type type;
        enum scm_start_type start_type;
        enum scm_error_control error_control;
        const char *command_line;
        const char *account;
        const char *group;
        const char *const *dependencies;
};

#define SCM_SERVICE_CONFIG_INIT                                                                    \
        {                                                                                          \
                .type = SCM_TYPE_OWN_PROCESS, .start_type = SCM_START_DEMAND,                      \
                .error_control = SCM_ERROR_NORMAL                                                  \
        }

int scm_create_service(struct scm_client *c, const struct scm_service_config *config);

/* The access list of service name, or of the SCM when name is NULL, in its
 * text form (docs/protocol.md, "Access lists"): QueryServiceObjectSecurity.
 * *ret is malloc'd.  SCM_ERR(SCM_ERROR_ACCESS_DENIED) without read-control. */
int scm_query_object_security(struct scm_client *c, const char *name, char **ret);

/* Replaces that list with text, or with the default list when text is
 * NULL: SetServiceObjectSecurity.  Needs write-dac. */
int scm_set_object_security(struct scm_client *c, const char *name, const char *text);

/* The name of the service whose display name is display_name, ignoring case
 * (GetServiceKeyName); every other call takes that name, not the display
 * name, as Windows' OpenService does.  *ret is malloc'd.
 * SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST) when no service shows it. */
int scm_get_key_name(struct scm_client *c, const char *display_name, char **ret);

/* The display name of service name (GetServiceDisplayName); *ret is
 * malloc'd.  Both need only connect on the SCM. */
int scm_get_display_name(struct scm_client *c, const char *name, char **ret);

/* Listing services: EnumServicesStatusEx and EnumDependentServices. */
enum scm_enum_state {
        SCM_ENUM_ALL = 0,      /* SERVICE_STATE_ALL */
        SCM_ENUM_ACTIVE = 1,   /* SERVICE_ACTIVE: not stopped */
        SCM_ENUM_INACTIVE = 2, /* SERVICE_INACTIVE: stopped */
};

/* What scm_enumerate() lists; zeroed (or a NULL filter) lists every service. */
struct scm_enum_filter {
        enum scm_service_type type; /* 0: any type */
        enum scm_enum_state state;
        const char *group; /* NULL: any; "": the services of no group */
};

struct scm_service_entry {
        char *name;
        char *display_name;
        enum scm_start_type start_type; /* SCM_START_INVALID from scm_enumerate_dependents() */
        struct scm_status status;
};

/* The services the caller may see that pass filter, sorted by name:
 * *ret (free with scm_service_entries_free()) holds *ret_n entries. */
int scm_enumerate(struct scm_client *c, const struct scm_enum_filter *filter,
                  struct scm_service_entry **ret, size_t *ret_n);

/* Every service that depends on name, directly or not, in stop order
 * (each before the services it depends on), in state. */
int scm_enumerate_dependents(struct scm_client *c, const char *name, enum scm_enum_state state,
                             struct scm_service_entry **ret, size_t *ret_n);

void scm_service_entries_free(struct scm_service_entry *v, size_t n);

#endif
