/* SPDX-License-Identifier: MIT */
/*
 * libscm, the service side: what a native service process links to talk to
 * scmd.  The Linux form of StartServiceCtrlDispatcher,
 * RegisterServiceCtrlHandlerEx and SetServiceStatus.
 *
 * The pattern, as on Windows:
 *
 *   main()          -> scm_service_dispatcher(table): connects to scmd
 *                      through the inherited control channel and returns
 *                      only when every service it hosts has stopped;
 *   ServiceMain     -> runs on a thread of its own with argv[0] = the
 *                      service's name and the start arguments after it;
 *                      calls scm_register_handler() first, reports
 *                      START_PENDING with checkpoints while it starts, then
 *                      RUNNING;
 *   the handler     -> runs for every control on a thread of its service's
 *                      own, one control at a time, in the order they came;
 *                      it should not block (set STOP_PENDING, hand the slow
 *                      work to another thread, return NO_ERROR), but a
 *                      handler that does holds up only its own service's
 *                      controls: the other services of a shared process
 *                      keep answering (unlike Windows, where every handler
 *                      of a process runs on the dispatcher's one thread).
 *
 * Every function is thread-safe, never logs and returns >= 0, -errno, or
 * SCM_ERR(win32): outside scmd, SCM_ERR(FAILED_SERVICE_CONTROLLER_CONNECT).
 */
#ifndef SCM_SERVICE_H
#define SCM_SERVICE_H

#include <stdint.h>

#include <scm/error.h>
#include <scm/types.h>

/* ServiceMain. */
typedef void scm_service_main_fn(int argc, char **argv);

/* SERVICE_TIMECHANGE_INFO: the wall clock's time before and after it was
 * set, in 100-nanosecond intervals since 1601-01-01 UTC (FILETIME). */
struct scm_timechange_info {
        int64_t new_time;
        int64_t old_time;
};

/* WTSSESSION_NOTIFICATION: which login session a SESSIONCHANGE is about.
 * The session's number is the process id of its login program (the one
 * utmp records: login, sshd's session process, a display manager's). */
struct scm_session_info {
        uint32_t size; /* sizeof(struct scm_session_info) */
        uint32_t session_id;
};

/* HandlerEx: returns NO_ERROR (0) or a Win32 error.  event_type and
 * event_data are 0 and NULL but for SCM_CONTROL_POWEREVENT (event_type
 * SCM_POWER_*, no data), SCM_CONTROL_SESSIONCHANGE (event_type
 * SCM_SESSION_*, event_data a struct scm_session_info) and
 * SCM_CONTROL_TIMECHANGE (event_data a struct scm_timechange_info); the
 * data is valid during the call. */
typedef uint32_t scm_handler_fn(uint32_t control, uint32_t event_type, void *event_data,
                                void *context);

/* One line of SERVICE_TABLE_ENTRY; the table ends with a NULL name.  A
 * table of one entry runs that entry whatever the service is called (an
 * own-process service), one service at a time; with several, scmd's start
 * names the entry (a shared process). */
struct scm_dispatch_entry {
        const char *name;
        scm_service_main_fn *main;
};

/* SERVICE_STATUS without the type. */
struct scm_service_status {
        uint32_t state;             /* SCM_STATE_* */
        uint32_t controls_accepted; /* SCM_ACCEPT_* */
        uint32_t win32_exit_code;
        uint32_t service_exit_code; /* with win32_exit_code SERVICE_SPECIFIC_ERROR */
        uint32_t checkpoint;
        uint32_t wait_hint; /* milliseconds */
};

typedef struct scm_status_handle scm_status_handle;

/* Runs the dispatcher on the calling thread until every service it started
 * has reported STOPPED and every control it took has been answered.  Returns 0;
 * SCM_ERR(FAILED_SERVICE_CONTROLLER_CONNECT) when not started by scmd;
 * SCM_ERR(SERVICE_ALREADY_RUNNING) when a dispatcher already runs in this process; -ECONNRESET when
 * scmd went away. */
int scm_service_dispatcher(const struct scm_dispatch_entry *table);

/* Registers the handler of service name (ignored in a one-entry table) with
 * a context passed back to it.  *ret is valid for the process's life. */
int scm_register_handler(const char *name, scm_handler_fn *fn, void *context,
                         scm_status_handle **ret);

/* Reports a status.  SCM_ERR(INVALID_DATA) for a state or accept bit that
 * does not exist; SCM_ERR(INVALID_HANDLE) for a NULL handle. */
int scm_set_service_status(scm_status_handle *h, const struct scm_service_status *status);

/* A message for the interactive user (MessageBox with
 * MB_SERVICE_NOTIFICATION): at most 1024 bytes; it reaches scmd's log and
 * whoever watches the SCM. */
int scm_service_message(scm_status_handle *h, const char *text);

/* scm_service_message_ex's flags. */
#define SCM_MESSAGE_TO_USERS 0x1u /* also every logged-in user's terminal, as wall(1) */

/* scm_service_message with flags: SCM_MESSAGE_TO_USERS writes it also to
 * the terminal of every login session utmp records whose owner allows
 * messages (mesg y), and sends it as a desktop notification to those
 * users whose session bus runs.  -EINVAL for an unknown flag. */
int scm_service_message_ex(scm_status_handle *h, const char *text, unsigned flags);

/* Socket activation for a native service (scctl sockets NAME --listen):
 * the listening sockets scmd bound for it, which it gets at descriptors
 * SCM_LISTEN_FDS_START, SCM_LISTEN_FDS_START + 1, ... (3 is its control
 * channel).  Returns how many there are (0: none, or they are another
 * process's), and in *ret_names, when ret_names is not NULL, their names
 * (each socket's name=, else "unknown"): a malloc'd NULL-terminated array
 * the caller frees with scm_listen_names_free().  Each socket is made
 * close-on-exec, and the variables that name them are removed, so a
 * second call returns 0.  -ENOMEM. */
#define SCM_LISTEN_FDS_START 4
int scm_listen_fds(char ***ret_names);
void scm_listen_names_free(char **names);

#endif
