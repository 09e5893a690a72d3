/* SPDX-License-Identifier: MIT */
/*
 * A service: its configuration, its current and desired state, and what
 * it holds while it runs.  service_dispatch() is the only way it changes
 * state (state.h's table); what the layers above do at each change is
 * in struct service_hooks (manager.h).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <scm/types.h>

#include "control.h"
#include "log.h"
#include "loop.h"
#include "service_config.h"
#include "state.h"
#include "timeline.h"

struct manager;
struct process;
struct pending_control;
struct service_recovery;
struct start_target;
struct driver_job;
struct event_watch;
struct control_status;
struct service_command;

/* A callback waiting for the outcome of a start: error is 0 on success,
 * else a Win32 error with message. */
struct start_waiter {
        struct start_waiter *next;
        void (*fn)(struct start_waiter *w, struct service *s, int win32, const char *message);
};

enum process_exit_kind { EXIT_NONE, EXIT_CODE, EXIT_SIGNAL };

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
        bool stop_requested; /* a client or the shutdown asked it to stop (failure.c) */
        bool persist_open;   /* apply(): a transaction is open for enter() to commit */
        bool marked_for_delete;
        unsigned open_handles;
        long oom_kills; /* at that exit: its cgroup's OOM kills (resource.c) */

        /* command.c: its pre-start, reload or post-stop command running; NULL none */
        struct service_command *command;
        enum process_exit_kind reload_exit_kind; /* EXIT_NONE: none, or it could not start */
        int reload_exit_value;
        bool reloading;     /* a reload command, or notify RELOADING=1 */
        bool reload_failed; /* the last reload command's end */

        /* native: the dispatcher said hello this run */
        bool connected;
        bool cut_loose;     /* share: given up on while the other members run */
        bool stop_reported; /* native: it reported STOPPED; its codes stand */

        /* boot.c: a delayed-auto start runs at the lowest CPU priority until RUNNING */
        bool start_low_priority; /* the next spawn lowers it */
        bool low_priority;       /* this run was lowered and is not back yet */

        /* shutdown.c */
        bool preshutdown_sent;       /* it took PRESHUTDOWN: no SHUTDOWN follows */
        bool preshutdown_settled;    /* stopped, cut off, or back to running */
        bool active;                 /* supervisor.c: in the list of those with a process */
        usec_t preshutdown_deadline; /* monotonic; 0: none but progress */

        /* The process it runs in (process.c); NULL when it has none. */
        struct process *process;
        struct service *member_next; /* the process's other members */
        struct loop_timer timer;     /* stop timeout */
        char *log_path;

        /* Hang detection: a pending state must progress before this fires. */
        struct loop_timer progress_timer;
        /* notify: WATCHDOG=1 must come before this fires. */
        struct loop_timer watchdog_timer;
        /* notify STATUS= (at most SCM_STATUS_TEXT_MAX_BYTES), malloc'd; NULL
         * none (service_status_text()) */
        char *status_text;
        struct log_ratelimit to_users; /* its own messages for people (api/events.c) */
        /* Failures of its per-connection instances (work/): one a connection
         * would let any client fill scmd's log. */
        struct log_ratelimit instance_warnings;

        /* native: controls on the process's channel (channel.c). */
        struct pending_control *controls;        /* sent, not yet answered; oldest first */
        struct control_request *control_request; /* borrowed during service_control() */
        uint32_t next_control_id;

        /* The reason the last stop was asked with (ControlServiceEx;
         * rpc_control.c): Windows' SERVICE_STOP_REASON_* code, 0 for none. */
        uint32_t stop_reason;
        char *stop_comment;          /* malloc'd, or NULL */
        int64_t stop_reason_time_us; /* when, microseconds since the epoch */

        struct service_recovery *recovery; /* failure.c, lkg.c; NULL until needed */
        struct start_target *start_target; /* depend.c: the cascade bringing it up, or NULL */
        struct start_waiter *start_waiters;
        char **start_args; /* borrowed during service_start() only */
        char *last_error;  /* the sentence for the last failed start */

        /* driver.c: a kernel driver's load or unload under way */
        struct driver_job *driver_job;

        /* supervisor.c: the services that have a process (active) */
        struct service *active_prev, *active_next;

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

/* Its notify STATUS= text, "" for none. */
static inline const char *service_status_text(const struct service *s) {
        return s->status_text ? s->status_text : "";
}

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
        uint32_t code;              /* SCM_CONTROL_* or 128..255 */
        uint32_t event_type;        /* HandlerEx's dwEventType (POWEREVENT), or 0 */
        int64_t new_time, old_time; /* TIMECHANGE: FILETIME units */
        uint32_t session_id;        /* SESSIONCHANGE: the session */
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
/* Its configuration has just changed: what scmd accepts for it follows. */
void service_config_changed(struct service *s);
/* command.c: a reload command has ended (its result is in s). */
void service_reload_ended(struct service *s);
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

void service_add_start_waiter(struct service *s, struct start_waiter *w);

struct json_writer;
/* service_status.c: the members of s's status object (docs/protocol.md,
 * "Status") into the object w has open, after any it holds. */
void service_status_write(const struct service *s, struct json_writer *w);
/* The same as an object; NULL on out-of-memory. */
json_t *service_status_json(const struct service *s);
/* What write puts into an open object, as an object (a tree of values,
 * for the general path); NULL on out-of-memory. */
typedef void service_status_writer(const struct service *s, struct json_writer *w);
json_t *service_status_object(const struct service *s, service_status_writer *write);
json_t *service_config_json(const struct service *s);

/* Deletes s now if it is marked for delete, stopped and not open.
 * Returns true when s was deleted (and freed). */
bool service_reap_if_deleted(struct service *s);
/* core/adopt.c: s, attached to its process again after a restart of
 * scmd, enters the state recorded (a pending change: RUNNING), with the
 * accepted controls recorded for a native service. */
void service_adopt(struct service *s, enum scm_state state, uint32_t accepted);
/* core/adopt.c: s was in state when scmd went, and its process has ended
 * since: it stops as aborted (PROCESS_ABORTED), its failure actions run. */
void service_adopt_gone(struct service *s, enum scm_state state);
/* s's sequence number: 1 when loaded or created, +1 per state change. */
uint64_t events_seq(const struct service *s);
