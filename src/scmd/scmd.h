/* SPDX-License-Identifier: MIT */
/*
 * scmd's internal header: the objects of the daemon and the prototypes of
 * each file, grouped by file.  docs/architecture.md tells how they fit.
 *
 * Ownership in one paragraph: the manager owns the registry, which owns
 * every service; a running service holds a reference on its struct process,
 * which owns what belongs to the operating system's process (pid, pidfd,
 * exec report pipe, log pipe, cgroup, control channel) and lists its member
 * services; the process goes when its last member lets go of it.  A service
 * owns its state, its timers, its pending controls and its pending start
 * replies; the server owns the connections.  Memory follows the database: a
 * change is committed first, then applied to the in-memory object, then
 * made visible.
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include <scm/error.h>
#include <scm/types.h>

#include "control.h"
#include "loop.h"
#include "paths.h"

struct db;
struct server;
struct conn;
struct service;
struct process;
struct rpc_call;
struct pending_control;
struct manager;
struct acl;

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
 * client or from scmd itself); the rest are facts reported by the system
 * or by the service. */
enum svc_event {
        EV_START,
        EV_STOP,
        EV_PAUSE,
        EV_CONTINUE,
        EV_INTERROGATE,
        EV_PARAMCHANGE,
        EV_CUSTOM,
        EV_SHUTDOWN,    /* scmd's shutdown, to a service that accepts it (shutdown.c) */
        EV_PRESHUTDOWN, /* the same, before everything else, waited for on progress */
        _EV_REQUEST_MAX,
        EV_SPAWNED = _EV_REQUEST_MAX, /* exec succeeded */
        EV_SPAWN_FAILED,              /* a step before exec failed */
        EV_EXITED,                    /* the process and all of its cgroup ended */
        EV_STOP_TIMEOUT,              /* the stop grace period passed */
        EV_HANG,                      /* a pending state made no progress in time */
        EV_CONNECTED,                 /* native: the dispatcher said hello */
        EV_LEFT_PROCESS,              /* share: it reported STOPPED; its process goes on */
        EV_READY,                     /* notify: READY=1 */
        EV_STOPPING,                  /* notify: STOPPING=1 */
        EV_WATCHDOG,                  /* notify: WATCHDOG=1 did not come in time */
        /* native: the service reported a state; in the order of enum scm_state */
        EV_REPORT_STOPPED,
        EV_REPORT_START_PENDING,
        EV_REPORT_STOP_PENDING,
        EV_REPORT_RUNNING,
        EV_REPORT_CONTINUE_PENDING,
        EV_REPORT_PAUSE_PENDING,
        EV_REPORT_PAUSED,
        _EV_MAX
};

#define EV_REPORT(state) ((enum svc_event)(EV_REPORT_STOPPED + (state)-SCM_STATE_STOPPED))

/* Side effects of a transition, carried out by service.c in this order. */
enum svc_effect {
        EFF_RESET_EXIT = 1u << 0,  /* clear exit codes before a new run */
        EFF_SPAWN = 1u << 1,       /* start the process */
        EFF_ACK_START = 1u << 2,   /* the start is under way: answer the client */
        EFF_SIGNAL_STOP = 1u << 3, /* SIGTERM to the process; arm the stop timer */
        EFF_STOP_TIMER = 1u << 4,  /* arm the stop timer only (it is going by itself) */
        EFF_DELIVER = 1u << 5,     /* send the control to the service's handler */
        EFF_FREEZE = 1u << 6,      /* freeze the cgroup (pause) */
        EFF_THAW = 1u << 7,        /* thaw the cgroup (continue, and before a stop) */
        EFF_KILL = 1u << 8,        /* kill every process of the service */
        EFF_ABORTED = 1u << 9,     /* win32 exit code := PROCESS_ABORTED, unless set */
        EFF_TIMED_OUT = 1u << 10,  /* win32 exit code := SERVICE_REQUEST_TIMEOUT, unless set */
        EFF_START_HANG = 1u << 11, /* win32 exit code := SERVICE_START_HANG, unless set */
        EFF_FINISH = 1u << 12,     /* release the process handles; persist the result */
        EFF_UNLOAD = 1u << 13,     /* kernel driver: unload the module (driver.c) */
};

/* The table's rows: a service's kind, or a kernel driver's rows whatever
 * its kind (state_rows_of()). */
enum svc_rows {
        SVC_ROWS_PLAIN = SCM_KIND_PLAIN,
        SVC_ROWS_NATIVE = SCM_KIND_NATIVE,
        SVC_ROWS_NOTIFY = SCM_KIND_NOTIFY,
        SVC_ROWS_DRIVER = _SCM_KIND_MAX, /* type kernel-driver: a module, no process */
        _SVC_ROWS_MAX,
};

struct transition {
        enum scm_state to;     /* 0: the state does not change */
        uint32_t effects;      /* enum svc_effect bits */
        int refuse;            /* requests only: the Win32 error; 0 accepts */
        uint32_t needs_accept; /* requests only: SCM_ACCEPT_* bit the service must accept */
};

/* The transition for event in state; never NULL.  An all-zero entry means
 * the event is ignored in that state. */
const struct transition *state_transition(enum svc_rows rows, enum scm_state state,
                                          enum svc_event event);
struct service_config;
/* Which rows of the table a service with config c follows. */
enum svc_rows state_rows_of(const struct service_config *c);
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
        /* Least privilege (security.c); NULL: every default. */
        struct service_security *security;
        /* Who may do what to it (acl.c); NULL: the default list. */
        struct acl *access;
        enum scm_service_kind kind;
        uint32_t control_timeout_ms; /* a control's answer; a native start's first report */
        uint32_t watchdog_ms;        /* notify: WATCHDOG=1 at least this often; 0 off */
        bool pause_by_freeze;        /* plain/notify: pause freezes the cgroup */
        /* native: how long a preshutdown may take while it makes progress;
         * SCM_PRESHUTDOWN_TIMEOUT_INFINITE: as long as it makes progress */
        uint32_t preshutdown_timeout_ms;
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

/* timeline.c: when a service's last run entered its states, realtime
 * microseconds since the epoch; 0 never.  A run begins when it leaves
 * STOPPED; start_requested is when a start through depend.c was asked for. */
struct service_timeline {
        int64_t start_requested;
        int64_t start_pending;
        int64_t running;
        int64_t stop_pending;
        int64_t stopped;
        bool request_waiting; /* start_requested is for the run to come */
};

struct service {
        struct manager *manager;
        int64_t id; /* database row */
        struct service_config config;

        /* Current state (QueryServiceStatusEx) and desired state. */
        enum scm_state state;
        enum scm_state desired; /* RUNNING or STOPPED */
        bool stop_requested;    /* a client or the shutdown asked it to stop (failure.c) */
        uint32_t controls_accepted;
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        uint32_t checkpoint;
        uint32_t wait_hint;
        enum process_exit_kind exit_kind;
        int exit_value;

        bool marked_for_delete;
        unsigned open_handles;

        /* The process it runs in (process.c); NULL when it has none. */
        struct process *process;
        struct service *member_next; /* the process's other members */
        struct loop_timer timer;     /* stop timeout */
        char *log_path;

        /* Hang detection: a pending state must progress before this fires. */
        struct loop_timer progress_timer;
        /* notify: WATCHDOG=1 must come before this fires. */
        struct loop_timer watchdog_timer;
        char status_text[SCM_STATUS_TEXT_MAX_BYTES + 1]; /* notify STATUS= */

        /* native: controls on the process's channel (channel.c). */
        struct pending_control *controls; /* sent, not yet answered; oldest first */
        uint32_t next_control_id;
        struct control_request *control_request; /* borrowed during service_control() */

        struct service_recovery *recovery; /* failure.c, lkg.c; NULL until needed */
        struct start_target *start_target; /* depend.c: the cascade bringing it up, or NULL */
        struct start_waiter *start_waiters;
        char **start_args;  /* borrowed during service_start() only */
        char *last_error;   /* the sentence for the last failed start */
        bool connected;     /* native: the dispatcher said hello this run */
        bool cut_loose;     /* share: given up on while the other members run */
        bool stop_reported; /* native: it reported STOPPED; its codes stand */

        /* boot.c: a delayed-auto start runs at the lowest CPU priority until RUNNING */
        bool start_low_priority; /* the next spawn lowers it */
        bool low_priority;       /* this run was lowered and is not back yet */

        /* driver.c: a kernel driver's load or unload under way */
        struct driver_job *driver_job;

        /* shutdown.c */
        bool preshutdown_sent;       /* it took PRESHUTDOWN: no SHUTDOWN follows */
        bool preshutdown_settled;    /* stopped, cut off, or back to running */
        usec_t preshutdown_deadline; /* monotonic; 0: none but progress */

        /* supervisor.c: the services that have a process */
        struct service *active_prev, *active_next;
        bool active;

        /* registry.c */
        struct service *next_by_name;
        struct service *next_by_display;

        /* secrets.c: its delivered secrets' folder while it has a process; NULL none */
        char *credentials_dir;

        /* events.c: state changes since loaded or created; the subscriptions naming it */
        uint64_t event_changes;
        struct event_watch *event_watches;
        struct service_timeline timeline; /* timeline.c */
};

/* Creates a stopped service owning config (moved in, *config zeroed).
 * Returns 0 or -ENOMEM. */
int service_new(struct manager *m, int64_t id, struct service_config *config, struct service **ret);
/* Frees a service that has no process (pid 0). */
void service_free(struct service *s);

/* Delivers a request or fact.  For requests returns 0 when accepted, or
 * SCM_ERR(win32) when the state table refuses it. */
int service_dispatch(struct service *s, enum svc_event event);

/* A control on its way to a native handler (channel.c): answered through
 * fn once the handler returned (win32 = its result) or timed out. */
struct control_request {
        uint32_t code; /* SCM_CONTROL_* or 128..255 */
        void (*fn)(struct control_request *r, struct service *s, int win32);
        bool delivered; /* set when it went out: the answer comes later */
};

/* Sends a control: gated by the table, then delivered (native) or carried
 * out at once.  Returns 0 when done at once, 1 when req->fn will be called
 * later, or SCM_ERR(win32) when refused. */
int service_control(struct service *s, enum svc_event event, struct control_request *req);

/* scmd's own stop (shutdown): as a client's, with nobody waiting. */
int service_stop(struct service *s);

/* native: a status report from the service (channel.c), already checked. */
void service_report(struct service *s, const struct control_status *st);
/* native: the dispatcher connected. */
void service_connected(struct service *s);
/* notify: READY=1, STOPPING=1, STATUS=, EXTEND_TIMEOUT_USEC=, ERRNO=, WATCHDOG=1. */
void service_notify(struct service *s, const char *key, const char *value);

/* Starts s with extra arguments (NULL-terminated, may be NULL). */
int service_start(struct service *s, char **args, char **ret_message);
/* A start of stopped s that could not begin (a dependency failed): win32
 * becomes its exit code and message its last error, persisted. */
void service_fail_start(struct service *s, int win32, const char *message);

/* The sentence for a failed start (kept in s->last_error). */
void service_set_last_error(struct service *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* The name as a file name: itself when short, else a prefix and a hash,
 * so "NAME.service" and "NAME.log.N" stay under NAME_MAX.  malloc'd. */
char *service_file_name(const char *name);

/* ------------------------------------------------------------ process.c */

/* One process of the operating system and everything scmd holds for it.
 * A service runs in one; its members are the services attached to it.
 * pid 0 and fds -1 when none. */
struct process {
        struct manager *manager;
        unsigned refs;           /* one per member, plus short holds */
        struct service *members; /* attached, linked by member_next */
        pid_t pid;
        int pidfd;
        struct loop_io pidfd_io;
        int exec_report_fd;
        struct loop_io exec_report_io;
        bool main_exited;
        bool exec_failed; /* the exec report named a failed step */
        enum process_exit_kind exit_kind;
        int exit_value;
        int cgroup_fd; /* its cgroup folder; -1 without cgroups */
        int cgroup_events_fd;
        char *cgroup_name; /* the folder's name while it has one */
        struct loop_io cgroup_io;
        struct loop_timer drain_timer; /* killed, the cgroup must empty by then */
        struct log_capture log;
        char *log_path;
        /* native: the control channel (channel.c). */
        int channel_fd;
        struct loop_io channel_io;
        bool connected; /* the dispatcher said hello */
        /* type share (share.c): what its members must have in common. */
        bool shared;
        bool closed; /* it takes no new members */
        char *command_line;
        char *account;
        bool restrict_network;
        uint64_t caps; /* its capabilities; 0: the account's own */
        bool root;     /* its account is uid 0, whose own are every capability */
};

/* The EFF_SPAWN effect: starts s's process.  On failure s stays STOPPED
 * with a sentence in last_error; returns SCM_ERR(win32). */
int process_spawn(struct service *s);
/* The EFF_FINISH effect: s lets go of its process, whose handles are
 * released when no member is left (every process has gone by then). */
void process_release(struct service *s);
/* Signals s's main process (through its pidfd). */
void process_signal(struct service *s, int sig);
/* Arms the stop timer: EV_STOP_TIMEOUT after scmd's --stop-timeout. */
void process_arm_stop_timer(struct service *s);
/* Collects the main process's exit if it has ended (pidfd or SIGCHLD). */
void process_reap(struct process *p);
/* Asks every process of s to go now (shutdown escalation). */
void service_kill(struct service *s);
/* A short hold on p across calls that may let members go; the last
 * unref releases its handles. */
void process_ref(struct process *p);
void process_unref(struct process *p);
/* s's main pid, 0 when it has no process. */
pid_t service_pid(const struct service *s);
/* The member of p called name (any case), or NULL. */
struct service *process_member(struct process *p, const char *name);
/* A name for p in the log: its first member's. */
const char *process_name(const struct process *p);
/* native share: s reported STOPPED.  True when other members still run in
 * its process, so s leaves it (EV_LEFT_PROCESS); false when s is the last,
 * and the process is expected to end. */
bool process_member_leaves(struct service *s);

/* -------------------------------------------------------------- share.c */

/* create/change_config: the rules of type share; 0 or rpc_fail(). */
int share_check_config(struct rpc_call *call, const struct service_config *c);
/* For a share service about to start: 1 with *ret, the running process it
 * joins; 0 when it needs a new process; SCM_ERR(win32) with s->last_error
 * when it may not run in the process of its command line
 * (DIFFERENT_SERVICE_ACCOUNT, PRIVILEGE_NOT_HELD, INVALID_PARAMETER). */
int share_find_process(struct service *s, struct process **ret);
/* The capabilities s's process needs: s's own, or for a share service the
 * union of every configured member's.  A member that requires none has
 * the account's own: every capability for root (root: the account is uid
 * 0; then the union is 0, unrestricted), none for any other account. */
uint64_t share_required_privileges(const struct service *s, bool root);
/* Whether two account settings name the same account ("" is LocalSystem). */
bool share_accounts_equal(const char *a, const char *b);

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
 * Returns a folder fd, its path in *ret_path and the path as
 * /proc/PID/cgroup shows it ("/scm") in *ret_rel, or -errno when cgroups
 * cannot be used (then services are held by their process group). */
int cgroup_setup(const char *instance, char **ret_path, char **ret_rel);
/* Removes the instance folder if it is empty (at exit). */
void cgroup_teardown(const char *path);
/* Creates (if needed) and opens the folder for a service. */
int cgroup_service_open(int base_fd, const char *dirname);
/* Kills every process in the cgroup; 0 or -errno. */
int cgroup_kill(int cgroup_fd);
/* Freezes (pause) or thaws every process in the cgroup; 0 or -errno. */
int cgroup_freeze(int cgroup_fd, bool frozen);
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
        SPAWN_STAGE_PRIORITY,
        SPAWN_STAGE_ACCOUNT,
        SPAWN_STAGE_CONSOLE,
        SPAWN_STAGE_NETWORK,
        SPAWN_STAGE_PRIVILEGES,
        SPAWN_STAGE_KEYRING,
        SPAWN_STAGE_SANDBOX,
        SPAWN_STAGE_CHDIR,
        SPAWN_STAGE_EXEC,
        _SPAWN_STAGE_MAX
};

struct spawn_request {
        const char *path; /* resolved program */
        int control_fd;   /* native: becomes fd 3; -1 none */
        char **argv;
        char **envp;
        int stdout_fd; /* also stderr */
        int cgroup_fd; /* -1: none */
        /* The account, its privileges, its confinement; NULL: none. */
        const struct security_plan *security;
        bool low_priority; /* nice 19 and SCHED_IDLE (a delayed-auto start, boot.c) */
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

/* ------------------------------------------------------------ channel.c */

struct control_status;

/* Opens the control channel of process p about to be spawned for native
 * service s; *ret_child_fd is the process's end (owned by the caller).
 * Queues the start message of s with args. */
int channel_open(struct process *p, struct service *s, char **args, int *ret_child_fd);
/* Sends req (a control for s's handler); answered through req->fn. */
int channel_deliver(struct service *s, struct control_request *req);
/* Every control of s still unanswered gets win32 (s leaves its process). */
void channel_forget(struct service *s, int win32);
/* Closes p's channel; every control of its members still unanswered gets win32. */
void channel_close(struct process *p, int win32);

/* ------------------------------------------------------------- notify.c */

/* Opens the sd_notify socket at path (datagrams, credentials passed). */
int notify_open(struct manager *m, const char *path);
void notify_close(struct manager *m);

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
/* The peer as access lists see it: uid, gid and groups (SO_PEERGROUPS,
 * else the groups of its uid's user) read at accept, and whether it is an
 * admin then. */
const struct acl_caller *conn_caller(const struct conn *c);
/* Where rpc_config.c keeps the connection's open handles. */
struct conn_handles **conn_handles_slot(struct conn *c);

struct iovec;
struct conn_events;
/* Queues the concatenated parts (whole lines) on c.  counted: an event,
 * held to the events' bound (a reply's otherwise); over it the client is
 * cut off with SERVICE_NOTIFY_CLIENT_LAGGING.  Never frees c. */
void conn_send_event(struct conn *c, const struct iovec *parts, size_t n_parts, bool counted);
/* Ends c after one last error line (id null) saying why: it stops being
 * read, unsent output is dropped, and it is closed once the line is out. */
void conn_cut_off(struct conn *c, int win32, const char *message);
/* Where events.c keeps the connection's subscriptions. */
struct conn_events **conn_events_slot(struct conn *c);

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

/* Which object a method's rights are checked on (rpc.c's dispatcher). */
enum rpc_object {
        RPC_ON_SCM,            /* the SCM */
        RPC_ON_SERVICE,        /* the service params.name names */
        RPC_ON_SERVICE_OR_SCM, /* the SCM when params.scm is true, else params.name's service */
        RPC_ADMINS_ONLY,       /* no right grants it: admins only */
};

/* One method of the protocol: its handler, and what a caller needs to
 * call it.  Besides these rights, every method needs connect on the SCM. */
struct rpc_method {
        const char *name;
        rpc_handler_fn *fn;
        enum rpc_object object;
        uint32_t rights; /* ACL_BIT()s needed on the object */
        /* Instead of rights, when they depend on the parameters. */
        uint32_t (*rights_of)(const struct rpc_call *call);
};

/* The method named name, or NULL. */
const struct rpc_method *rpc_find_method(const char *name);
/* The whole table (tests/unit/test_acl.c checks every entry names a right). */
const struct rpc_method *rpc_methods(size_t *ret_n);
/* Checks the caller's rights for m (rpc_acl.c) and runs m's handler.  A
 * method without a right in the table is refused for everyone but admins:
 * the check fails closed. */
int rpc_dispatch(const struct rpc_method *m, struct rpc_call *call, json_t **ret_result);

/* Parameter helpers: each returns 0, or rpc_fail(INVALID_PARAMETER). */
int rpc_check_keys(struct rpc_call *call, const char *const *allowed);
int rpc_get_string(struct rpc_call *call, const char *key, bool required, size_t max_bytes,
                   const char **ret);
int rpc_get_service(struct rpc_call *call, struct service **ret);
/* Logs a failed database write (-errno r) once and fails the call with
 * SERVICE_DATABASE_LOCKED: nothing was changed. */
int rpc_database_failed(struct rpc_call *call, int r);
/* rpc_check_keys(allowed), then rpc_get_service(): the start of most methods. */
int rpc_get_service_checked(struct rpc_call *call, const char *const *allowed,
                            struct service **ret);
int rpc_get_string_list(struct rpc_call *call, const char *key, size_t max_entries, char ***ret);

/* Handlers, by file. */
rpc_handler_fn rpc_ping, rpc_query_status, rpc_query_config, rpc_enumerate,
        rpc_query_timeline;                                                    /* rpc_query.c */
rpc_handler_fn rpc_create, rpc_change_config, rpc_delete, rpc_open, rpc_close; /* rpc_config.c */
rpc_handler_fn rpc_start, rpc_control;                                         /* rpc_control.c */
/* The right a control needs: stop, pause-continue, interrogate or user-defined-control. */
uint32_t rpc_control_rights(const struct rpc_call *call);
rpc_handler_fn rpc_subscribe, rpc_unsubscribe, rpc_service_message; /* rpc_events.c */

/* Per-connection open handles (rpc_config.c). */
void conn_handles_release(struct manager *m, struct conn *c);

/* ------------------------------------------------------------- events.c */

/* Beside state changes, a subscription may ask for these. */
enum events_kind {
        EVENTS_CREATED = 1u << 0,
        EVENTS_DELETED = 1u << 1,
        EVENTS_MESSAGE = 1u << 2,
        EVENTS_PROGRESS = 1u << 3, /* changes within a state: checkpoint, wait hint, status text */
};

/* A state's bit in a subscription's mask (Win32's SERVICE_NOTIFY_*). */
#define EVENTS_STATE_BIT(state) (1u << ((state)-1))
#define EVENTS_ALL_STATES (EVENTS_STATE_BIT(_SCM_STATE_MAX) - 1)

#define EVENTS_SUBSCRIPTIONS_MAX 64 /* per connection */
#define EVENTS_SERVICES_MAX 1024    /* names in one subscription */
#define EVENTS_MESSAGE_MAX_BYTES 1024

struct event_sub;
struct event_watch;

/* The subscriptions of the manager; all zero is none. */
struct event_hub {
        struct event_sub *all; /* subscriptions to every service */
        uint64_t generation;   /* counts fan-outs */
};

/* Subscribes conn to the state changes of services (n_services of them,
 * reordered; NULL: every service, also those created later) whose new
 * state is in states (EVENTS_STATE_BIT()s), and to kinds (enum
 * events_kind).  The current state of each service is reported at once
 * when it is in states.  Returns 0 with *ret_id, -E2BIG when conn has
 * EVENTS_SUBSCRIPTIONS_MAX, or -ENOMEM. */
int events_subscribe(struct manager *m, struct conn *conn, struct service **services,
                     size_t n_services, uint32_t states, uint32_t kinds, uint32_t *ret_id);
/* Cancels subscription id of conn; -ENOENT when conn has none such. */
int events_unsubscribe(struct manager *m, struct conn *conn, uint32_t id);
/* Cancels every subscription of conn (server.c, when it closes). */
void events_conn_closed(struct manager *m, struct conn *conn);

/* The hooks: service.c calls the first when s entered a new state (after
 * persisting it), the next two when s was created (rpc_config.c) and just
 * before it is deleted (service.c). */
void events_status_changed(struct service *s, enum scm_state old);
/* s stayed in its state but its checkpoint, wait hint or status text
 * changed (service.c): a status_progress event to the subscriptions that
 * asked for progress and whose states hold s's state.  seq stays. */
void events_status_progress(struct service *s);
void events_service_created(struct service *s);
void events_service_deleted(struct service *s);
/* A message from s for the interactive user (MessageBox with
 * MB_SERVICE_NOTIFICATION): logged, and sent to the subscribers of
 * messages.  text is cut to EVENTS_MESSAGE_MAX_BYTES; control characters
 * and invalid UTF-8 are replaced. */
void events_service_message(struct service *s, const char *text);
/* s's sequence number: 1 when loaded or created, +1 per state change. */
uint64_t events_seq(const struct service *s);

/* --------------------------------------------------------- supervisor.c */

struct manager_options {
        usec_t stop_timeout;
        uint64_t log_max_size;
        unsigned log_keep;
        usec_t shutdown_budget;    /* shutdown.c: the stop phase, then kill (--shutdown-budget) */
        usec_t delayed_auto_delay; /* boot.c: auto-start done -> delayed-auto (--delayed-auto-delay)
                                    */
};

/* boot.c: where the boot sequence is. */
enum boot_step {
        BOOT_STEP_DRIVERS,      /* boot and system drivers checked, loaded when not yet */
        BOOT_STEP_AUTO_START,   /* auto-start services, group order, dependencies first */
        BOOT_STEP_DELAYED_WAIT, /* the delay before the delayed-auto services */
        BOOT_STEP_DELAYED_AUTO, /* delayed-auto services, at the lowest CPU priority */
        BOOT_STEP_DONE,
        _BOOT_STEP_MAX,
};

struct boot_sequence {
        enum boot_step step;
        int64_t since;           /* unix time the step began */
        int64_t delayed_at;      /* unix time the delayed-auto services start; 0: not armed */
        bool lower_priority;     /* scmd can raise a lowered priority back (CAP_SYS_NICE) */
        int normal_nice;         /* scmd's own nice: what a service goes back to */
        struct loop_timer timer; /* the delay before the delayed-auto services */
};

struct driver_job;

/* driver.c: the kernel drivers' loads and unloads under way. */
struct driver_state {
        struct driver_job *jobs; /* modprobe runs, or a settle is due */
        size_t boot_pending;     /* the boot's drivers step waits for these */
        void (*boot_done)(struct manager *m);
        struct loop_timer boot_timer;
};

/* shutdown.c: where the shutdown sequence is. */
enum shutdown_phase {
        SHUTDOWN_NONE,
        SHUTDOWN_PRESHUTDOWN, /* waiting for the services that took PRESHUTDOWN */
        SHUTDOWN_STOPPING,    /* SHUTDOWN or stop to the rest, within the budget */
        SHUTDOWN_KILLING,     /* the budget passed: what is left was killed */
        _SHUTDOWN_PHASE_MAX,
};

struct shutdown_state {
        enum shutdown_phase phase;
        usec_t began;           /* monotonic: the shutdown began */
        usec_t since;           /* monotonic: the phase began */
        int64_t since_unix;     /* the same, unix time */
        usec_t budget_deadline; /* monotonic: the stop phase ends */
        usec_t next_log;        /* monotonic: the next waiting lines */
        bool finished;          /* the loop was told to quit */
        struct loop_timer timer;
};

/* timeline.c: scmd's own times, as struct service_timeline's. */
struct boot_timeline {
        int64_t scmd_started;
        int64_t autostart_started;
        int64_t autostart_done;
};

/* The service database lock (rpc_lock.c). */
struct scm_lock {
        bool held;
        uint64_t conn_id; /* the connection holding it */
        uid_t uid;        /* its peer */
        int64_t since;    /* unix time */
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
        char *cgroup_base_rel; /* as /proc/PID/cgroup names it */
        int signal_fd;
        struct loop_io signal_io;
        struct boot_sequence boot;
        struct shutdown_state shutdown;
        struct driver_state drivers;
        struct service *active; /* list of services with a process */
        int notify_fd;          /* the sd_notify socket; -1 none */
        struct loop_io notify_io;
        char *notify_path;
        struct event_hub events;
        char **group_order;     /* depend.c: the group order list (NULL-terminated) */
        struct acl *scm_access; /* the SCM's access list (acl.c); NULL: the default */
        struct scm_lock lock;   /* rpc_lock.c */
        bool shutting_down;
        int exit_status;
        struct boot_timeline timeline; /* timeline.c */
};

/* Loads the database into memory and sweeps leftovers of an earlier run. */
int manager_load(struct manager *m);
/* Hooks up signals (SIGCHLD reaping, SIGTERM/SIGINT/SIGPWR shutdown). */
int manager_setup_signals(struct manager *m);
/* Begins the shutdown sequence (shutdown.c); the loop quits when done. */
void manager_begin_shutdown(struct manager *m);
/* Called by service.c when a service reached STOPPED. */
void manager_service_stopped(struct manager *m, struct service *s);
/* The process of a service by its main pid, or NULL. */
struct process *manager_find_process(struct manager *m, pid_t pid);
/* Adds s to / removes s from the services that have a process. */
void manager_track(struct manager *m, struct service *s);
void manager_untrack(struct manager *m, struct service *s);
/* Frees everything the manager holds. */
void manager_free(struct manager *m);

/* --------------------------------------------------------------- boot.c */

/* The boot sequence, from main.c once the socket is open: drivers, then an
 * auto-start round, then (after the delay) the delayed-auto services. */
void boot_start(struct manager *m);
/* One auto-start round and what follows it; lkg.c runs it again after a
 * roll back. */
void manager_autostart(struct manager *m);
/* The shutdown began: nothing more is started. */
void boot_shutdown_begins(struct manager *m);
/* A roll back began (lkg.c): the delayed-auto timer is off and no
 * delayed-auto service keeps the lowered priority of its next spawn; the
 * auto-start round after it arms the timer again. */
void boot_rollback_begins(struct manager *m);
/* A start by a client: at once, at normal priority (rpc_start). */
void boot_start_by_hand(struct service *s);
/* service.c: s reached RUNNING; a lowered priority goes back to normal. */
void boot_service_running(struct service *s);
/* query_boot_phase's result (docs/protocol.md). */
json_t *boot_phase_json(struct manager *m);
const char *boot_step_name(enum boot_step step);
/* scmd's --delayed-auto-delay and --shutdown-budget (seconds), by name
 * without dashes, into o; prints why on stderr and returns -EINVAL. */
int boot_set_option(struct manager_options *o, const char *name, const char *value);
extern const char boot_options_help[];

/* ------------------------------------------------------------- driver.c */

/* The EFF_SPAWN effect of a kernel driver: RUNNING (through the loop) when
 * its module is loaded, else `modprobe` in a child.  The EFF_UNLOAD effect:
 * `modprobe -r`.  0, or SCM_ERR(win32) with s->last_error naming the
 * module: PRIVILEGE_NOT_HELD (no CAP_SYS_MODULE), FILE_NOT_FOUND (no
 * modules for this kernel, no modprobe), INVALID_PARAMETER (no module
 * named). */
int driver_load(struct service *s);
int driver_unload(struct service *s);
/* A module name as the kernel takes it: letters, digits, '_', '-'. */
bool driver_module_name_valid(const char *name);
/* supervisor.c's reaping, for a child that is no service's: true when it
 * was a modprobe of driver.c (si from a WNOWAIT peek; the caller reaps). */
bool driver_child_exited(struct manager *m, const siginfo_t *si);
/* service_free(): s goes; its job (if any) finishes without it. */
void driver_service_gone(struct service *s);
/* boot.c's drivers step: boot, system and auto drivers are loaded, demand
 * and disabled ones found loaded are running; done(m), through the loop,
 * once no load of the step is under way. */
void driver_boot(struct manager *m, void (*done)(struct manager *m));
/* The boot and system drivers that are not loaded (after the drivers step). */
json_t *driver_failed_json(struct manager *m);
/* At exit (manager_free()): kills what modprobe still runs. */
void driver_finish(struct manager *m);

/* ----------------------------------------------------------- shutdown.c */

/* Begins the shutdown sequence (manager_begin_shutdown()). */
void shutdown_begin(struct manager *m);
/* supervisor.c: a service reached STOPPED while shutting down. */
void shutdown_service_stopped(struct manager *m);
const char *shutdown_phase_name(enum shutdown_phase phase);
/* The services the current phase waits for, with their progress. */
json_t *shutdown_pending_json(struct manager *m);

/* ----------------------------------------------------------- rpc_boot.c */
rpc_handler_fn rpc_query_boot_phase, rpc_shutdown;

/* -------------------------------------------------------- access lists */
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

/* db_acl.c: the tables of the access-list migration, on db.c's connection.
 * Each stores the canonical text form. */

/* Service id's stored list, or *ret NULL when it has none (the default).
 * A stored text that no longer parses is logged and read as the empty
 * list (admins only): fail closed.  0 or -errno. */
int db_acl_load_service(struct db *db, int64_t id, const char *name, struct acl **ret);
/* Stores acl as service id's list (NULL: back to the default), in one
 * transaction. */
int db_acl_save_service(struct db *db, int64_t id, const struct acl *acl);
int db_acl_load_scm(struct db *db, struct acl **ret);
int db_acl_save_scm(struct db *db, const struct acl *acl);

/* rpc_acl.c */

/* The caller of call. */
const struct acl_caller *rpc_caller(const struct rpc_call *call);
/* Whether call's caller holds every right of rights on s (NULL: the SCM);
 * no message, for silent filtering. */
bool rpc_may(const struct rpc_call *call, const struct service *s, uint32_t rights);
/* Whether the owner of connection c may query s's status (events.c). */
bool conn_may_query(const struct conn *c, const struct service *s);
/* Removes from list (strings, or objects with "name") every entry that
 * names a service the caller may not query-status, or no service at all;
 * nothing for admins.  For the SCM-wide queries that name services. */
void rpc_hide_unqueryable(const struct rpc_call *call, json_t *list);
/* rpc_may(), or rpc_fail(ACCESS_DENIED) naming the caller, the first right
 * missing and the object. */
int rpc_require(struct rpc_call *call, const struct service *s, uint32_t rights);
rpc_handler_fn rpc_query_object_security, rpc_set_object_security;

/* rpc_lock.c: the service database lock (struct manager's lock). */
rpc_handler_fn rpc_lock_service_database, rpc_unlock_service_database, rpc_query_lock_status;
/* Lets go of the lock when connection conn_id held it (server.c). */
void lock_conn_closed(struct manager *m, uint64_t conn_id);

/* ------------------------------------------------------ least privilege */
/*
 * account.c, privileges.c, identity.c, sandbox.c, security.c,
 * db_security.c and rpc_security.c: the service's account and logon
 * session, its required privileges (capabilities) and the account privilege
 * policy, its identity (a group of its own, its folders) and its write
 * restriction (Landlock).  docs/architecture.md, "Least privilege".
 */

struct passwd;

/* SERVICE_SID_TYPE_*: what identity a service has beside its account. */
enum sid_type {
        SID_TYPE_NONE,         /* the account's identity only */
        SID_TYPE_UNRESTRICTED, /* plus a group of its own and its own folders */
        SID_TYPE_RESTRICTED,   /* plus writes only where it is granted */
        _SID_TYPE_MAX,
        SID_TYPE_INVALID = -1,
};

/* A service's least-privilege settings, part of its configuration; a NULL
 * pointer in a service_config means every default. */
struct service_security {
        uint64_t privileges; /* required capabilities, bit n = capability n; 0: the account's own */
        enum sid_type sid_type;
        gid_t gid;             /* the service's group, kept for its name; 0: none allocated */
        char **writable_paths; /* restricted: more paths it may write; NULL-terminated, or NULL */
        bool allow_weak_isolation; /* restricted: run without Landlock when the kernel lacks it */
        bool restrict_network;     /* a network namespace of its own with only loopback */
        bool interactive;          /* LocalSystem only: standard I/O on scmd's --console */
};

/* What a service's process does between fork and exec to become the
 * service (built by security_plan_build() in scmd, carried out by
 * security_enter() in the child). */
struct security_plan {
        struct passwd *pw; /* the account: name, uid, gid, home, shell (owned) */
        bool switch_ids;   /* setresgid/setresuid to pw's ids */
        bool set_groups;   /* setgroups(groups) */
        gid_t *groups;
        size_t n_groups;
        bool set_caps; /* bounding, permitted, effective, inheritable (and ambient) := caps */
        bool ambient;  /* raise caps into the ambient set (the account is not root) */
        uint64_t caps;
        bool no_new_privs;
        int console_fd;  /* interactive: becomes stdin, stdout and stderr; -1 none */
        bool new_netns;  /* a network namespace with only loopback up */
        int landlock_fd; /* restricted: the ruleset to enforce; -1 none */
        char *state_dir; /* the service's folders (sid type other than none), else NULL */
        char *runtime_dir;
        char *logs_dir;
};

/* security.c */

/* Frees sec and everything it holds; NULL is fine. */
void service_security_free(struct service_security *sec);
/* A deep copy; NULL for NULL, and NULL with errno ENOMEM on failure. */
struct service_security *service_security_dup(const struct service_security *sec);
/* create/change_config: applies the least-privilege parameters of the
 * request onto c (rpc_config.c's read_config), then checks them against the
 * rest of c and allocates the service's group when it first gets an
 * identity (check_config).  Each returns 0 or rpc_fail(). */
int security_read_config(struct rpc_call *call, struct service_config *c);
int security_check_config(struct rpc_call *call, const struct service_config *c);
/* Sets scmd's --console or --service-gid-range (name without dashes) from
 * the command line; prints why on stderr and returns -EINVAL when refused. */
int security_set_option(const char *name, const char *value);
/* The help lines of those options, for scmd --help. */
extern const char security_options_help[];

/* Works out everything s's process must do to run as its account, with its
 * privileges, identity and restrictions, and prepares what must be made
 * before the fork (the account on first use, folders, the Landlock ruleset,
 * the console).  Returns 0 with *ret, or SCM_ERR(win32) with s->last_error
 * set: SERVICE_LOGON_FAILED, PRIVILEGE_NOT_HELD, NOT_SUPPORTED (no
 * Landlock), PATH_NOT_FOUND (a writable path), ... */
int security_plan_build(struct service *s, struct security_plan **ret);
/* Adds STATE_DIRECTORY, RUNTIME_DIRECTORY and LOGS_DIRECTORY when the
 * service has folders.  0 or -ENOMEM. */
int security_plan_env(const struct security_plan *p, char ***envp);
void security_plan_free(struct security_plan *p);
static inline void security_plan_freep(struct security_plan **p) {
        security_plan_free(*p);
}
/* In the child, at the account stage: console, network namespace, groups,
 * ids, capabilities, session keyring, no_new_privs, Landlock, in that
 * order.  Returns 0, or -1 with errno set and *ret_stage the step. */
int security_enter(const struct security_plan *p, enum spawn_stage *ret_stage);

/* account.c */

/* The well-known accounts: "" and LocalSystem are scmd's own; LocalService
 * and NetworkService are system users scmd creates on first use. */
#define ACCOUNT_LOCAL_SERVICE_USER "scm-localservice"
#define ACCOUNT_NETWORK_SERVICE_USER "scm-networkservice"
bool account_is_local_system(const char *account);
bool account_is_well_known(const char *account);
/* The user name an account setting stands for ("LocalService" ->
 * "scm-localservice"; LocalSystem -> the name of scmd's own user), for the
 * privilege policy.  NULL when account is not a well-known name and has
 * no passwd entry.  Malloc'd. */
char *account_policy_name(const char *account);
/* The passwd entry of a service's account, copied (free with free()),
 * creating LocalService's or NetworkService's user when it does not exist
 * yet.  -ENOENT when the account does not exist, -EPERM when it would have
 * to be created and scmd is not root, else -errno; *ret_error says why. */
int account_lookup(const char *account, struct passwd **ret, char **ret_error);
/* The supplementary groups of pw's user (getgrouplist) plus extra (0:
 * none), malloc'd.  0 or -errno. */
int account_groups(const struct passwd *pw, gid_t extra, gid_t **ret, size_t *ret_n);

/* privileges.c */

/* The capability named name ("CAP_NET_BIND_SERVICE", any case, "CAP_"
 * optional), or -1. */
int privilege_from_name(const char *name);
const char *privilege_name(int cap);
/* The highest capability this kernel knows. */
int privilege_last_cap(void);
/* caps as a JSON list of names, lowest first; NULL on out-of-memory. */
json_t *privileges_to_json(uint64_t caps);
/* The capabilities in caps, as "CAP_A, CAP_B" (malloc'd). */
char *privileges_to_text(uint64_t caps);
/* In the child: bounding, permitted, effective and inheritable sets :=
 * caps, ambient too when ambient, around the switch of ids (setresgid,
 * setresuid) when switch_ids.  0 or -errno. */
int privileges_drop_bounding(uint64_t caps);
int privileges_keep_across_setuid(bool keep);
int privileges_apply(uint64_t caps, bool ambient);

/* identity.c */

const char *sid_type_name(enum sid_type t);
enum sid_type sid_type_from_name(const char *name);
/* The range service groups are allocated from (--service-gid-range). */
void identity_gid_range(gid_t *ret_min, gid_t *ret_max);
int identity_set_gid_range(gid_t min, gid_t max);
/* The group of service name: the one recorded for it, else the lowest gid
 * of the range that no service was ever given and no group of the system
 * uses.  -ENOSPC when the range is used up. */
int identity_allocate_gid(struct db *db, const char *name, gid_t *ret);
/* The service's state, runtime and logs folders (malloc'd). */
int identity_folders(const struct manager *m, const char *name, char **ret_state,
                     char **ret_runtime, char **ret_logs);
/* Creates the folders of plan (and their parents) owned by root and the
 * service's group, mode 2770, fixing an existing folder's owner and mode.
 * 0 or -errno with *ret_path the folder that failed. */
int identity_make_folders(const struct security_plan *p, gid_t gid, const char **ret_path);

/* sandbox.c */

/* The Landlock ABI version of this kernel; 0 when it has none. */
int sandbox_landlock_abi(void);
/* A Landlock ruleset that allows writing only beneath paths (NULL-
 * terminated) and to the device files every program writes (/dev/null,
 * ...); reads and execution are not restricted.  Returns the ruleset fd, or
 * -errno with *ret_path the path that failed (-ENOENT: it does not exist). */
int sandbox_ruleset(char *const *paths, const char **ret_path);
/* In the child: a new network namespace with loopback up.  0 or -errno. */
int sandbox_new_netns(void);

/* db_security.c: the tables of migration 3, on db.c's connection. */

struct sqlite3 *db_sqlite(struct db *db);
/* In db.c's transaction of an insert or update: saves c->security. */
int db_security_save(struct db *db, int64_t id, const struct service_config *c);
/* Loads the settings of service id (named name) into *ret (NULL when all are defaults). */
int db_security_load(struct db *db, int64_t id, const char *name, struct service_security **ret);
/* The gid recorded for service name: 1 with *ret, 0 when none. */
int db_security_gid_of(struct db *db, const char *name, gid_t *ret);
/* 1 when gid was ever given to any service. */
int db_security_gid_used(struct db *db, gid_t gid);
/* The capabilities granted to the account user (a user name). */
int db_account_privileges(struct db *db, const char *user, uint64_t *ret);
/* Grants add and revokes remove for user, in one transaction. */
int db_account_privileges_change(struct db *db, const char *user, uint64_t add, uint64_t remove);

/* rpc_security.c */
rpc_handler_fn rpc_add_account_rights, rpc_remove_account_rights, rpc_query_account_rights,
        rpc_query_security;

/* ------------------------------------------------- failure and recovery */
/*
 * failure.c, lkg.c, db_failure.c, db_lkg.c and rpc_failure.c: failure
 * actions with a reset period, error control at boot, and the last known
 * good configuration.  docs/architecture.md, "Failure and recovery".
 */

/* SC_ACTION_TYPE: what a failure makes scmd do. */
enum failure_action_type {
        FAILURE_ACTION_NONE,
        FAILURE_ACTION_RESTART,
        FAILURE_ACTION_RUN, /* run the failure command */
        FAILURE_ACTION_REBOOT,
        _FAILURE_ACTION_MAX,
        FAILURE_ACTION_INVALID = -1,
};

struct failure_action {
        enum failure_action_type type;
        uint32_t delay_ms; /* after the failure */
};

#define FAILURE_RESET_INFINITE UINT32_MAX /* the failure count never goes back to 0 */
#define FAILURE_ACTIONS_MAX 64
#define FAILURE_REBOOT_MESSAGE_MAX_BYTES 1024

/* SERVICE_FAILURE_ACTIONS plus SERVICE_FAILURE_ACTIONS_FLAG. */
struct failure_config {
        uint32_t reset_period_s; /* seconds without a failure before the count is 0 again */
        struct failure_action *actions;
        size_t n_actions;
        char *command;           /* run: a command line, "%1%" = the failure count; "" none */
        char *reboot_message;    /* reboot: broadcast before; "" the default sentence */
        bool non_crash_failures; /* STOPPED with a non-zero Win32 exit code is a failure too */
};

/* Why a stop is a failure. */
enum failure_kind {
        FAILURE_NOT,       /* not a failure */
        FAILURE_CRASH,     /* the process ended without reporting STOPPED (1067) */
        FAILURE_HANG,      /* a start hang, a pending hang or a missed watchdog (1070, 1053) */
        FAILURE_NON_CRASH, /* STOPPED with a non-zero exit code, and the flag is set */
};

/* What scmd keeps for one service beyond its status; allocated on first
 * need, freed with the service (failure_service_free). */
struct service_recovery {
        struct service *service;
        unsigned failure_count;
        usec_t last_failure; /* monotonic; meaningful while failure_count > 0 */
        struct loop_timer action_timer;
        enum failure_action_type pending; /* what action_timer carries out */
        unsigned pending_count;           /* for the failure with that number */
        bool boot_pending; /* lkg.c: an auto-start service the boot still waits for */
};

/* failure.c */

const char *failure_action_name(enum failure_action_type t);
enum failure_action_type failure_action_from_name(const char *name);
void failure_config_clear(struct failure_config *c);

/* The arithmetic (pure; tests/unit/test_failure.c).  The failure count as
 * it stands at now: count, or 0 once the reset period has passed since
 * the last failure. */
unsigned failure_count_current(unsigned count, usec_t last_failure, usec_t now,
                               uint32_t reset_period_s);
/* The action of failure number count (1 = the first): the Nth action, the
 * last one for any later failure; NULL when there are none. */
const struct failure_action *failure_action_for(const struct failure_config *c, unsigned count);
/* Whether a service that reached STOPPED with win32 failed. */
enum failure_kind failure_classify(uint32_t win32, bool desired_running, bool stop_requested,
                                   bool exec_failed, bool non_crash_failures);
/* cmd with every "%1%" replaced by count (malloc'd), or NULL. */
char *failure_expand_command(const char *cmd, unsigned count);

/* Hooks.  service.c's enter() calls failure_service_entered() after a
 * state change (before a STOPPED service is reaped), service_free() calls
 * failure_service_free(), supervisor.c's reap_children() offers every
 * ended child that is not a service's to failure_command_reap(). */
void failure_service_entered(struct service *s, enum scm_state old);
void failure_service_free(struct service *s);
/* s->recovery, allocated if it was not yet; NULL on out-of-memory. */
struct service_recovery *failure_recovery_of(struct service *s);
void failure_command_reap(struct manager *m, pid_t pid);
/* Cancels every waiting action (a roll back to last known good). */
void failure_cancel_all(struct manager *m);
/* The failure count now and the waiting action, added to o (a
 * query_failure_actions result). */
int failure_runtime_json(const struct service *s, const struct failure_config *c, json_t *o);

/* scmd's options of this section (--reboot-command, --boot-accept), by
 * name without dashes; prints why on stderr and returns -EINVAL when
 * refused. */
int recovery_set_option(const char *name, const char *value);
extern const char recovery_options_help[];
/* After the loop (main.c): runs the reboot hook if a reboot action asked
 * for it, and lets go of everything of this section. */
void recovery_finish(struct manager *m);

/* lkg.c */

/* supervisor.c's manager_autostart(), once every auto-start service has
 * reached RUNNING or failed (depend_start_all()'s done): judges them; the
 * boot waits for any one still pending. */
void lkg_autostart_done(struct manager *m);
/* From failure_service_entered() and failure_service_free(). */
void lkg_service_entered(struct service *s, enum scm_state old);
void lkg_service_gone(struct service *s);
int lkg_set_boot_accept(const char *value);
void lkg_finish(void);
/* The methods' work: each returns 0, or SCM_ERR(win32) with *ret_error
 * (malloc'd) saying why. */
int lkg_accept_boot(struct manager *m, char **ret_error);
int lkg_reject_boot(struct manager *m, char **ret_error);
int lkg_restore_by_hand(struct manager *m, json_t **ret_result, char **ret_error);
json_t *lkg_boot_status_json(struct manager *m);
/* The service the boot status's reason names (a roll back at boot), or
 * NULL; rpc_failure.c words the reason without it for whoever may not
 * query that service. */
const char *lkg_reason_service(void);

/* db_failure.c: the failure tables of migration 4, on db.c's connection. */

/* A service's failure actions; the defaults (none, reset 0) when it has
 * none saved.  0 or -errno. */
int db_failure_load(struct db *db, int64_t id, struct failure_config *ret);
/* Saves c as service id's failure actions, in one transaction. */
int db_failure_save(struct db *db, int64_t id, const struct failure_config *c);

/* db_lkg.c: the last known good copy, in the same database. */

struct db_lkg_info {
        int64_t saved_at; /* unix time */
        int64_t services;
};
/* Copies the configuration tables into the last known good copy, in one
 * transaction.  0 or -errno. */
int db_lkg_save(struct db *db, struct db_lkg_info *ret);
/* 1 with *ret when a copy exists, 0 when none, or -errno. */
int db_lkg_info(struct db *db, struct db_lkg_info *ret);
/* Replaces the configuration tables with the copy, in one transaction;
 * the status records of services that stay are kept.  -ENOENT when there
 * is no copy. */
int db_lkg_restore(struct db *db);

/* rpc_failure.c */
rpc_handler_fn rpc_change_failure_actions, rpc_query_failure_actions, rpc_query_boot_status,
        rpc_notify_boot_config_status, rpc_restore_last_known_good;

/* ----------------------------------------------------------- timeline.c */

/* The hooks (one line each where it happens).  enter() in service.c calls
 * timeline_service_entered() after every change of state; a start that
 * waits before START_PENDING (for its dependencies) calls
 * timeline_start_requested() when the request came (ignored unless s is
 * stopped); main.c and manager_autostart() call the others. */
void timeline_service_entered(struct service *s, enum scm_state old);
void timeline_start_requested(struct service *s);
void timeline_scmd_started(struct manager *m);
/* The auto-start began (clears the end), and it ended: every auto-start
 * service has been started (or failed to). */
void timeline_autostart_began(struct manager *m);
void timeline_autostart_done(struct manager *m);
/* The query_timeline entry of s, and scmd's own times plus "now" and the
 * group order (both
 * docs/protocol.md, query_timeline); NULL on out-of-memory. */
json_t *timeline_service_json(const struct service *s);
json_t *timeline_manager_json(const struct manager *m);

/* ------------------------------------------------- machine secret store */
/*
 * secrets.c, db_secret.c and rpc_secret.c: secrets held by scmd for a
 * service, sealed at rest with the machine key, handed to the service at
 * start as files in a private memory-backed folder ($CREDENTIALS_DIRECTORY).
 * docs/architecture.md, "The machine secret store".
 */

#define SECRET_MACHINE_KEY_BYTES 32 /* crypto_aead_xchacha20poly1305_ietf_KEYBYTES */
#define SECRET_NONCE_BYTES 24       /* ..._NPUBBYTES: random, one per value */
#define SECRET_TAG_BYTES 16         /* ..._ABYTES */
#define SECRET_VALUE_MAX_BYTES 32768
#define SECRET_KEY_NAME_MAX 64
#define SECRETS_PER_SERVICE_MAX 64

/* A value sealed for (service, key): what the database holds. */
struct sealed_secret {
        unsigned char nonce[SECRET_NONCE_BYTES];
        unsigned char *ciphertext; /* plaintext_size + SECRET_TAG_BYTES bytes, malloc'd */
        size_t ciphertext_size;
        size_t plaintext_size;
};

/* secrets.c */

/* sodium_init(); at start-up, before anything else here.  0 or -EIO. */
int secrets_init(void);
/* Wipes and frees the machine key held in memory (at exit). */
void secrets_finish(void);
/* A key name is a safe file name: 1..64 of [A-Za-z0-9_.-], not "." or "..".
 * Returns 0, or -EINVAL with *ret_reason saying why. */
int secret_key_name_check(const char *name, const char **ret_reason);
/* The machine key (SECRET_MACHINE_KEY_BYTES), read from DB_DIR/secrets.key
 * on first need and kept in locked memory; created (random, 0600, written
 * aside and renamed into place) when create is set and there is none.
 * Returns 0 with *ret (owned by secrets.c), -ENOENT when there is none and
 * create is not set, -ENOKEY when there is none but the database holds
 * secrets (sealed with the lost one: never replaced behind them), or
 * -errno with *ret_error (malloc'd) saying what is wrong with the file
 * (too open, wrong size, another owner, ...). */
int secrets_machine_key(const struct manager *m, bool create, const unsigned char **ret,
                        char **ret_error);
/* Seals len bytes of plain for (service, key) under machine_key with a
 * fresh random nonce; the pair is bound as associated data, so the row
 * opens only for the same service and key.  0 or -ENOMEM. */
int secret_seal(const unsigned char *machine_key, const char *service, const char *key,
                const void *plain, size_t len, struct sealed_secret *ret);
void sealed_secret_clear(struct sealed_secret *s);
/* Opens a sealed value: 0 with *ret_plain (malloc'd; wipe with
 * secret_plain_free()) and *ret_len, -EBADMSG when it does not
 * authenticate (another key, another service or key name, a changed
 * byte), -ENOMEM. */
int secret_open(const unsigned char *machine_key, const char *service, const char *key,
                const unsigned char *nonce, size_t nonce_size, const unsigned char *ciphertext,
                size_t ciphertext_size, unsigned char **ret_plain, size_t *ret_len);
/* Wipes len bytes at p and frees it; NULL is fine. */
void secret_plain_free(void *p, size_t len);
/* Before a start: when s has secrets, makes its private memory-backed
 * folder RUN_DIR/credentials/NAME (a tmpfs mount as root; a folder on a
 * tmpfs RUN_DIR otherwise), readable only by the account of plan (or the
 * service's group), and writes each secret into it as a read-only file.
 * Sets s->credentials_dir (NULL when s has no secrets).  Returns 0, or
 * SCM_ERR(win32) with s->last_error set; nothing is left on failure. */
int secrets_deliver(struct service *s, const struct security_plan *plan);
/* RUN_DIR/credentials, where each service's folder is, by its file name
 * (service_file_name()); malloc'd, NULL on out-of-memory. */
char *secrets_folder_root(const struct manager *m);
/* Removes s's folder (unmount, remove) when it has one. */
void secrets_withdraw(struct service *s);
/* At start-up: removes every folder an earlier scmd left in RUN_DIR/credentials. */
void secrets_sweep(const struct manager *m);

/* db_secret.c: the table of migration 5, on db.c's connection. */

struct db_secret_row {
        const char *key;
        size_t size;
        int64_t created_at, updated_at; /* unix time */
        const unsigned char *nonce;
        size_t nonce_size;
        const unsigned char *ciphertext;
        size_t ciphertext_size;
};
/* Called per row, in key order; the row is valid during the call only.
 * A negative return stops the walk and is returned. */
typedef int db_secret_fn(void *userdata, const struct db_secret_row *row);

/* Sets (adds or replaces) service's key, in one transaction. */
int db_secret_put(struct db *db, const char *service, const char *key,
                  const struct sealed_secret *sealed, bool *ret_replaced);
/* -ENOENT when service has no such key. */
int db_secret_delete(struct db *db, const char *service, const char *key);
/* Every secret of service id; inside db.c's transaction of the delete. */
int db_secret_delete_service(struct db *db, int64_t id);
/* How many secrets the table holds, of every service. */
int db_secret_count(struct db *db, int64_t *ret);
/* Drops the secrets of names that have no service (after a roll back). */
int db_secret_drop_orphans(struct db *db);
int db_secret_list(struct db *db, const char *service, db_secret_fn *fn, void *userdata);

/* rpc_secret.c */
rpc_handler_fn rpc_set_secret, rpc_list_secrets, rpc_delete_secret;
/* ------------------------------------------------------------- depend.c */
/*
 * depend.c, db_group.c and rpc_depend.c: groups, dependencies, the group
 * order list, and the orders of start and stop that follow from them.
 * docs/architecture.md, "Groups and dependencies".
 */

struct start_target;

/* Starts every service of start type `type` (SCM_START_AUTO or
 * SCM_START_DELAYED_AUTO) that is stopped and not marked for delete: group
 * by group in the group order list (groups not in the list and ungrouped
 * services after), each after its dependencies (cascading into dependencies
 * of any start type), all that are independent in parallel.  Calls done(m)
 * once every one has reached RUNNING or failed (also at once when there are
 * none; done may be NULL).  A stop of every service (depend_stop_all() with
 * services NULL) cancels it: done is then not called. */
void depend_start_all(struct manager *m, enum scm_start_type type, void (*done)(struct manager *m));
/* Stops every service in services (n of them; NULL: every service that has
 * a process), each only after every running dependent of it has stopped;
 * independent ones in parallel.  stop(s) is what "stop" means for one
 * service (NULL: service_stop(), and service_kill() if it cannot take a
 * stop now); done(m) once all have stopped.  With services NULL it first
 * cancels every start still waiting for its dependencies (their clients get
 * SHUTDOWN_IN_PROGRESS). */
void depend_stop_all(struct manager *m, struct service **services, size_t n,
                     void (*stop)(struct service *s), void (*done)(struct manager *m));

/* Answers every start still waiting for its dependencies with win32 and
 * message (their dependents the same, no exit code recorded) and drops the
 * boot's start_all jobs (their done is not called): shutdown_begin()
 * (SHUTDOWN_IN_PROGRESS), a roll back (ALREADY_RUNNING_LKG). */
void depend_cancel_starts(struct manager *m, int win32, const char *message);

/* A client's start of s: after its dependencies (rpc_start).  Returns what
 * service_start() returns when s can start now (every dependency running,
 * or none): the caller answers as it would without dependencies, and w is
 * not used.  Returns 1 when w will be called: with 0 once s's own start is
 * under way (s's start waiters' rule: the caller gets the status then), or
 * with the error.  Returns SCM_ERR(win32) with *ret_message when it fails
 * at once: SERVICE_DEPENDENCY_DELETED (a dependency does not exist or is
 * marked for delete), SERVICE_DEPENDENCY_FAIL (one is disabled, stopping,
 * or failed to start). */
int depend_start(struct service *s, char **args, struct start_waiter *w, char **ret_message);

/* Whether s is to start once its dependencies run (query_boot_phase). */
bool depend_start_waiting(const struct service *s);

/* scmd's own start of s (a failure action's restart): after its stopped
 * dependencies, as depend_start() but with nobody waiting.  Returns 0 when
 * the start is under way (now, or once the dependencies run), or
 * SCM_ERR(win32) with *ret_message (may be NULL) when it failed at once. */
int depend_start_service(struct service *s, char **ret_message);

/* A client's stop of s with its dependents (rpc_control): stops every
 * running service that depends on s, directly or not, dependents first.
 * Returns 0 when none is running (nothing to do), 1 when done(userdata, 0,
 * NULL) will be called once all have stopped (or done(userdata, win32,
 * message) when one refused its stop), or -ENOMEM. */
int depend_stop_dependents(struct service *s,
                           void (*done)(void *userdata, int win32, const char *message),
                           void *userdata);

/* Every service that depends on s, directly or through others (by name, or
 * on s's group), in stop order: each before every service it depends on.
 * Returns the count with *ret (a malloc'd array; services borrowed), or
 * -ENOMEM. */
ssize_t depend_dependents(struct manager *m, struct service *s, struct service ***ret);

/* Whether the dependencies make a cycle, with c in place of the service of
 * its name (added when there is none; NULL: no change) and order as the
 * group order list (NULL: the current one).  A group dependency reaches
 * every member of the group, and a group in the order list comes after the
 * group before it.  Returns 0 when there is none, 1 with *ret_cycle
 * ("a -> b -> +G -> a", malloc'd), or -ENOMEM. */
int depend_find_cycle(struct manager *m, const struct service_config *c, char *const *order,
                      char **ret_cycle);

/* The boot phase of group: its index in the group order list, or the
 * list's length for a group not in it and for "" (no group). */
size_t depend_group_rank(const struct manager *m, const char *group);

/* Loads the group order list into m (manager_load()).  0 or -errno. */
int depend_load(struct manager *m);
/* Replaces the group order list: persisted, then in memory.  0 or -errno. */
int depend_set_group_order(struct manager *m, char **groups);

/* The hooks: service.c calls the first after s entered a new state, the
 * second when s is freed; supervisor.c calls the last at exit. */
void depend_service_entered(struct service *s, enum scm_state old);
void depend_service_gone(struct service *s);
void depend_free(struct manager *m);

/* db_group.c: the group order list (migration 7), on db.c's connection. */

/* The list, NULL-terminated, malloc'd.  0 or -errno. */
int db_group_order_load(struct db *db, char ***ret);
/* Replaces the list, in one transaction.  0 or -errno. */
int db_group_order_save(struct db *db, char *const *groups);

/* rpc_depend.c */
rpc_handler_fn rpc_query_group_order, rpc_set_group_order, rpc_enumerate_dependents;
