/* SPDX-License-Identifier: MIT */
/*
 * scmd's internal header: the objects of the daemon and the prototypes of
 * each file, grouped by file.  docs/architecture.md tells how they fit.
 *
 * Ownership in one paragraph: the manager owns the registry, which owns
 * every service; a service owns its process handles (pidfd, exec report
 * pipe, log pipe, cgroup) and its pending start replies; the server owns
 * the connections.  Memory follows the database: a change is committed
 * first, then applied to the in-memory object, then made visible.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include <scm/error.h>
#include <scm/types.h>

#include "loop.h"
#include "paths.h"

struct db;
struct server;
struct conn;
struct service;
struct manager;

/* ---------------------------------------------------------------- log.c */

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Logs to stderr (foreground) or to the file set by log_open_file(). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_open_file(const char *path);
void log_set_level(enum log_level max);
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* -------------------------------------------------------------- state.c */

/* What can happen to a service.  The first group are requests (from a
 * client or from scmd itself); the rest are facts reported by the system. */
enum svc_event {
        EV_START,
        EV_STOP,
        EV_PAUSE,
        EV_CONTINUE,
        EV_INTERROGATE,
        EV_PARAMCHANGE,
        EV_CUSTOM,
        _EV_REQUEST_MAX,
        EV_SPAWNED = _EV_REQUEST_MAX, /* exec succeeded */
        EV_SPAWN_FAILED,              /* a step before exec failed */
        EV_EXITED,                    /* the process and all of its cgroup ended */
        EV_STOP_TIMEOUT,              /* the stop grace period passed */
        _EV_MAX
};

/* Side effects of a transition, carried out by service.c in this order. */
enum svc_effect {
        EFF_RESET_EXIT = 1u << 0,  /* clear exit codes before a new run */
        EFF_SPAWN = 1u << 1,       /* start the process */
        EFF_SIGNAL_STOP = 1u << 2, /* ask the process to stop; arm the stop timer */
        EFF_KILL = 1u << 3,        /* kill every process of the service */
        EFF_ABORTED = 1u << 4,     /* win32 exit code := PROCESS_ABORTED */
        EFF_TIMED_OUT = 1u << 5,   /* win32 exit code := SERVICE_REQUEST_TIMEOUT */
        EFF_FINISH = 1u << 6,      /* release the process handles; persist the result */
};

struct transition {
        enum scm_state to;     /* 0: the state does not change */
        uint32_t effects;      /* enum svc_effect bits */
        int refuse;            /* requests only: the Win32 error; 0 accepts */
        uint32_t needs_accept; /* requests only: SCM_ACCEPT_* bit the service must accept */
};

/* The transition for event in state; never NULL.  An all-zero entry means
 * the event is ignored in that state. */
const struct transition *state_transition(enum scm_state state, enum svc_event event);
const char *svc_event_name(enum svc_event event);
/* True for events that a client may request (and that may be refused). */
bool svc_event_is_request(enum svc_event event);

/* ------------------------------------------------------------ service.c */

struct service_config {
        char *name;
        char *display_name;
        char *description;
        enum scm_service_type type;
        enum scm_start_type start_type;
        enum scm_error_control error_control;
        char *command_line;
        char *account;
        char *group;
        char **dependencies; /* NULL-terminated; "+Group" for a group */
        enum scm_service_kind kind;
        uint32_t control_timeout_ms; /* a control's answer; a native start's first report */
        uint32_t watchdog_ms;        /* notify: WATCHDOG=1 at least this often; 0 off */
        bool pause_by_freeze;        /* plain/notify: pause freezes the cgroup */
};

/* A callback waiting for the outcome of a start: error is 0 on success,
 * else a Win32 error with message. */
struct start_waiter {
        struct start_waiter *next;
        void (*fn)(struct start_waiter *w, struct service *s, int win32, const char *message);
};

enum process_exit_kind { EXIT_NONE, EXIT_CODE, EXIT_SIGNAL };

struct log_capture {
        struct loop *loop;
        const char *path; /* borrowed from the service */
        int pipe_fd;      /* read end, -1 when closed */
        struct loop_io io;
        int file_fd; /* -1 when closed */
        uint64_t file_size;
        bool at_line_start;
};

struct service {
        struct manager *manager;
        int64_t id; /* database row */
        struct service_config config;

        /* Current state (QueryServiceStatusEx) and desired state. */
        enum scm_state state;
        enum scm_state desired; /* RUNNING or STOPPED */
        uint32_t controls_accepted;
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        uint32_t checkpoint;
        uint32_t wait_hint;
        enum process_exit_kind exit_kind;
        int exit_value;

        bool marked_for_delete;
        unsigned open_handles;

        /* The running process; pid 0 and fds -1 when none. */
        pid_t pid;
        int pidfd;
        struct loop_io pidfd_io;
        int exec_report_fd;
        struct loop_io exec_report_io;
        bool main_exited;
        int cgroup_fd; /* the service's cgroup folder; -1 without cgroups */
        int cgroup_events_fd;
        struct loop_io cgroup_io;
        struct loop_timer timer; /* stop timeout, then drain deadline */
        struct log_capture log;
        char *log_path;

        struct start_waiter *start_waiters;
        char **start_args; /* borrowed during service_start() only */
        char *last_error;  /* the sentence for the last failed start */
        bool exec_failed;  /* the exec report named a failed step */

        /* supervisor.c: the services that have a process */
        struct service *active_prev, *active_next;
        bool active;

        /* registry.c */
        struct service *next_by_name;
        struct service *next_by_display;
};

/* Creates a stopped service owning config (moved in, *config zeroed).
 * Returns 0 or -ENOMEM. */
int service_new(struct manager *m, int64_t id, struct service_config *config, struct service **ret);
/* Frees a service that has no process (pid 0). */
void service_free(struct service *s);

/* Delivers a request or fact.  For requests returns 0 when accepted, or
 * SCM_ERR(win32) when the state table refuses it. */
int service_dispatch(struct service *s, enum svc_event event);

/* Starts s with extra arguments (NULL-terminated, may be NULL). */
int service_start(struct service *s, char **args, char **ret_message);

/* Collects the main process's exit if it has ended (pidfd or SIGCHLD). */
void service_reap(struct service *s);

/* Asks every process of s to go now (shutdown escalation). */
void service_kill(struct service *s);

void service_add_start_waiter(struct service *s, struct start_waiter *w);

/* A status object (docs/protocol.md, "Status"); NULL on out-of-memory. */
json_t *service_status_json(const struct service *s);
json_t *service_config_json(const struct service *s);

/* Frees the strings of a config and zeroes it. */
void service_config_clear(struct service_config *c);
/* Deep copy; returns 0 or -ENOMEM. */
int service_config_copy(const struct service_config *from, struct service_config *to);

/* Deletes s now if it is marked for delete, stopped and not open.
 * Returns true when s was deleted (and freed). */
bool service_reap_if_deleted(struct service *s);

/* ----------------------------------------------------------- registry.c */

struct registry;

int registry_new(struct registry **ret);
void registry_free(struct registry *r); /* frees every service */
int registry_add(struct registry *r, struct service *s);
void registry_remove(struct registry *r, struct service *s);
struct service *registry_find(const struct registry *r, const char *name);
/* The service whose name or display name is text, ignoring case. */
struct service *registry_find_name_or_display(const struct registry *r, const char *text);
size_t registry_count(const struct registry *r);
/* Every service sorted by name into a malloc'd array (caller frees the
 * array, not the services).  Returns the count or -ENOMEM. */
ssize_t registry_sorted(const struct registry *r, struct service ***ret);
/* Re-files s after its display name changed from old_display. */
void registry_rename_display(struct registry *r, struct service *s, const char *old_display);

/* ----------------------------------------------------------------- db.c */

struct db_status {
        enum scm_state state;
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        pid_t pid;
        bool marked_for_delete;
};

typedef int db_load_fn(void *userdata, int64_t id, struct service_config *config,
                       const struct db_status *status);

/* Opens (creating if needed) and migrates the database.  -errno, or
 * -EPROTO when the file's schema is newer than this scmd knows. */
int db_open(const char *path, struct db **ret);
void db_close(struct db *db);
int db_schema_version(struct db *db);
/* Calls fn for every service; fn takes ownership of the config strings. */
int db_load(struct db *db, db_load_fn *fn, void *userdata);
int db_insert_service(struct db *db, const struct service_config *c, int64_t *ret_id);
int db_update_service(struct db *db, int64_t id, const struct service_config *c);
int db_delete_service(struct db *db, int64_t id);
int db_mark_for_delete(struct db *db, int64_t id);
int db_save_status(struct db *db, int64_t id, const struct db_status *st);

/* ------------------------------------------------------------- cgroup.c */

/* Finds scmd's own cgroup v2 folder and creates instance below it.
 * Returns a folder fd and its path in *ret_path, or -errno when cgroups
 * cannot be used (then services are held by their process group). */
int cgroup_setup(const char *instance, char **ret_path);
/* Removes the instance folder if it is empty (at exit). */
void cgroup_teardown(const char *path);
/* Creates (if needed) and opens the folder for a service. */
int cgroup_service_open(int base_fd, const char *dirname);
/* Kills every process in the cgroup; 0 or -errno. */
int cgroup_kill(int cgroup_fd);
/* 1 populated, 0 empty, -errno. */
int cgroup_populated(int cgroup_fd);
/* Opens cgroup.events for EPOLLPRI watching. */
int cgroup_events_open(int cgroup_fd);
/* Removes an empty service cgroup; errors are ignored. */
void cgroup_service_remove(int base_fd, const char *dirname);
/* Kills and removes every service cgroup left by an earlier scmd. */
void cgroup_sweep(int base_fd);

/* -------------------------------------------------------------- spawn.c */

enum spawn_stage {
        SPAWN_STAGE_SIGNALS,
        SPAWN_STAGE_SESSION,
        SPAWN_STAGE_STDIO,
        SPAWN_STAGE_CGROUP,
        SPAWN_STAGE_ACCOUNT,
        SPAWN_STAGE_CHDIR,
        SPAWN_STAGE_EXEC,
        _SPAWN_STAGE_MAX
};

struct spawn_request {
        const char *path; /* resolved program */
        char **argv;
        char **envp;
        int stdout_fd; /* also stderr */
        int cgroup_fd; /* -1: none */
        bool switch_account;
        uid_t uid;
        gid_t gid;
        const char *user; /* for initgroups */
};

struct spawn_result {
        pid_t pid;
        int pidfd;
        int report_fd; /* EOF: exec succeeded; else a struct spawn_report */
};

struct spawn_report {
        int32_t stage;
        int32_t error;
};

int spawn_process(const struct spawn_request *req, struct spawn_result *ret);
/* 0: exec succeeded; 1: *ret filled with the failure; -EAGAIN: not yet. */
int spawn_read_report(int report_fd, struct spawn_report *ret);
const char *spawn_stage_name(enum spawn_stage stage);
/* Finds program in PATH (or checks it when it holds a '/').  Returns a
 * malloc'd path, or NULL with errno (ENOENT, EACCES, ...). */
char *spawn_resolve_program(const char *program);

/* --------------------------------------------------------- logcapture.c */

void log_capture_init(struct log_capture *lc);
/* Opens the pipe and the log file at path (kept borrowed); *ret_write_fd
 * is the service's end, owned by the caller.  Returns 0 or -errno. */
int log_capture_open(struct log_capture *lc, struct loop *l, const char *path, int *ret_write_fd);
/* Reads what the pipe still holds, then closes it and the file. */
void log_capture_close(struct log_capture *lc);
void log_capture_set_limits(uint64_t max_size, unsigned keep);

/* ------------------------------------------------------------- server.c */

/* Opens the listening socket at path (removing a stale one). */
int server_new(struct manager *m, const char *path, struct server **ret);
void server_free(struct server *s);
/* Writes a reply for request id on connection conn_id, if it still exists.
 * result or (win32, message) — result is consumed. */
void server_reply(struct server *srv, uint64_t conn_id, json_t *id, json_t *result);
void server_reply_error(struct server *srv, uint64_t conn_id, json_t *id, int code, int win32,
                        const char *message);

struct ucred;
struct conn_handles;
/* The peer's credentials (SO_PEERCRED at accept). */
const struct ucred *conn_peer(const struct conn *c);
/* Where rpc_config.c keeps the connection's open handles. */
struct conn_handles **conn_handles_slot(struct conn *c);

/* ---------------------------------------------------------------- rpc.c */

/* One request being served.  Handlers fail with rpc_fail(). */
struct rpc_call {
        struct manager *manager;
        struct conn *conn;
        uint64_t conn_id;
        json_t *id;       /* borrowed */
        json_t *params;   /* borrowed; an object (empty when absent) */
        char *error;      /* message of the failure */
        int jsonrpc_code; /* for protocol-level failures, else 0 */
};

#define RPC_DEFERRED 1

typedef int rpc_handler_fn(struct rpc_call *call, json_t **ret_result);

/* Records a failure with a message and returns SCM_ERR(win32). */
int rpc_fail(struct rpc_call *call, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
rpc_handler_fn *rpc_find_handler(const char *method);

/* Parameter helpers: each returns 0, or rpc_fail(INVALID_PARAMETER). */
int rpc_check_keys(struct rpc_call *call, const char *const *allowed);
int rpc_get_string(struct rpc_call *call, const char *key, bool required, size_t max_bytes,
                   const char **ret);
int rpc_get_service(struct rpc_call *call, struct service **ret);
/* rpc_check_keys(allowed), then rpc_get_service(): the start of most methods. */
int rpc_get_service_checked(struct rpc_call *call, const char *const *allowed,
                            struct service **ret);
int rpc_get_string_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret);

/* Handlers, by file. */
rpc_handler_fn rpc_ping, rpc_query_status, rpc_query_config, rpc_enumerate;    /* rpc_query.c */
rpc_handler_fn rpc_create, rpc_change_config, rpc_delete, rpc_open, rpc_close; /* rpc_config.c */
rpc_handler_fn rpc_start, rpc_control;                                         /* rpc_control.c */

/* Per-connection open handles (rpc_config.c). */
void conn_handles_release(struct manager *m, struct conn *c);

/* --------------------------------------------------------- supervisor.c */

struct manager_options {
        usec_t stop_timeout;
        uint64_t log_max_size;
        unsigned log_keep;
};

struct manager {
        struct loop *loop;
        struct db *db;
        struct registry *registry;
        struct server *server;
        struct scm_paths paths;
        struct manager_options options;
        int cgroup_base_fd; /* -1: no cgroups */
        char *cgroup_base_path;
        int signal_fd;
        struct loop_io signal_io;
        struct loop_timer shutdown_timer;
        struct loop_timer delayed_timer;
        struct service *active; /* list of services with a process */
        bool shutting_down;
        int exit_status;
};

/* Loads the database into memory and sweeps leftovers of an earlier run. */
int manager_load(struct manager *m);
/* Hooks up signals (SIGCHLD reaping, SIGTERM/SIGINT/SIGPWR shutdown). */
int manager_setup_signals(struct manager *m);
/* Starts every auto-start service. */
void manager_autostart(struct manager *m);
/* Begins the orderly stop of every service; the loop quits when done. */
void manager_begin_shutdown(struct manager *m);
/* Called by service.c when a service reached STOPPED. */
void manager_service_stopped(struct manager *m, struct service *s);
/* A service by main pid, or NULL. */
struct service *manager_find_pid(struct manager *m, pid_t pid);
/* Adds s to / removes s from the services that have a process. */
void manager_track(struct manager *m, struct service *s);
void manager_untrack(struct manager *m, struct service *s);
/* Frees everything the manager holds. */
void manager_free(struct manager *m);
