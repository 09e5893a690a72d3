/* SPDX-License-Identifier: MIT */
/*
 * The vocabulary shared by scmd, libscm and every client: service states,
 * types, start types, error control, controls and the accepted-controls
 * mask.  The numbers are the Win32 ones, so that <scm/winsvc.h> can be a thin
 * map; on the wire every value travels as its lower-case name (see
 * docs/protocol.md), and scm_*_name()/scm_*_from_name() convert.
 */
#ifndef SCM_TYPES_H
#define SCM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum scm_state {
        SCM_STATE_STOPPED = 1,
        SCM_STATE_START_PENDING = 2,
        SCM_STATE_STOP_PENDING = 3,
        SCM_STATE_RUNNING = 4,
        SCM_STATE_CONTINUE_PENDING = 5,
        SCM_STATE_PAUSE_PENDING = 6,
        SCM_STATE_PAUSED = 7,
        _SCM_STATE_MAX,
        SCM_STATE_INVALID = -1,
};

enum scm_service_type {
        SCM_TYPE_KERNEL_DRIVER = 0x01,
        SCM_TYPE_OWN_PROCESS = 0x10,
        SCM_TYPE_SHARE_PROCESS = 0x20,
        SCM_TYPE_INVALID = -1,
};

enum scm_start_type {
        SCM_START_BOOT = 0,
        SCM_START_SYSTEM = 1,
        SCM_START_AUTO = 2,
        SCM_START_DEMAND = 3,
        SCM_START_DISABLED = 4,
        SCM_START_DELAYED_AUTO = 5, /* Win32: AUTO plus the delayed-start flag */
        _SCM_START_MAX,
        SCM_START_INVALID = -1,
};

enum scm_error_control {
        SCM_ERROR_IGNORE = 0,
        SCM_ERROR_NORMAL = 1,
        SCM_ERROR_SEVERE = 2,
        SCM_ERROR_CRITICAL = 3,
        _SCM_ERROR_CONTROL_MAX,
        SCM_ERROR_CONTROL_INVALID = -1,
};

/* How a service process talks to scmd (docs/protocol.md, "Kinds"). */
enum scm_service_kind {
        SCM_KIND_PLAIN = 0,   /* no protocol: running once exec succeeds, stopped by signal */
        SCM_KIND_NATIVE = 1,  /* links libscm: <scm/service.h> over SCM_CONTROL_FD */
        SCM_KIND_NOTIFY = 2,  /* speaks sd_notify on NOTIFY_SOCKET */
        SCM_KIND_FORKING = 3, /* daemonizes: running when its first process exits 0 */
        SCM_KIND_ONESHOT = 4, /* a job: a clean exit 0 is success */
        _SCM_KIND_MAX,
        SCM_KIND_INVALID = -1,
};

/* Control codes (ControlService). 128..255 are the service's own. */
enum scm_control {
        SCM_CONTROL_STOP = 1,
        SCM_CONTROL_PAUSE = 2,
        SCM_CONTROL_CONTINUE = 3,
        SCM_CONTROL_INTERROGATE = 4,
        SCM_CONTROL_SHUTDOWN = 5,
        SCM_CONTROL_PARAMCHANGE = 6,
        SCM_CONTROL_POWEREVENT = 13, /* event_type: SCM_POWER_* */
        SCM_CONTROL_SESSIONCHANGE =
                14, /* event_type: SCM_SESSION_*; event_data: struct scm_session_info */
        SCM_CONTROL_PRESHUTDOWN = 15,
        SCM_CONTROL_TIMECHANGE = 16,   /* event_data: struct scm_timechange_info */
        SCM_CONTROL_TRIGGEREVENT = 32, /* a start trigger fired while it runs */
        SCM_CONTROL_CUSTOM_FIRST = 128,
        SCM_CONTROL_CUSTOM_LAST = 255,
};

/* Bits of controls_accepted (SERVICE_ACCEPT_*). */
enum scm_accept {
        SCM_ACCEPT_STOP = 0x001,
        SCM_ACCEPT_PAUSE_CONTINUE = 0x002,
        SCM_ACCEPT_SHUTDOWN = 0x004,
        SCM_ACCEPT_PARAMCHANGE = 0x008,
        /* Accepted in a status; scmd never sends their controls. */
        SCM_ACCEPT_NETBINDCHANGE = 0x010,
        SCM_ACCEPT_HARDWAREPROFILECHANGE = 0x020,
        SCM_ACCEPT_POWEREVENT = 0x040,
        SCM_ACCEPT_SESSIONCHANGE = 0x080, /* logons and logoffs, as utmp records them */
        SCM_ACCEPT_PRESHUTDOWN = 0x100,
        SCM_ACCEPT_TIMECHANGE = 0x200,
        SCM_ACCEPT_TRIGGEREVENT = 0x400, /* service triggers (scctl triggers) */
};

/* POWEREVENT's event types (Windows' PBT_*): a suspend when the sleep hook
 * announces it (scctl power-event suspend), a resume when CLOCK_BOOTTIME
 * moves ahead of CLOCK_MONOTONIC. */
enum scm_power_event {
        SCM_POWER_SUSPEND = 0x04,          /* PBT_APMSUSPEND */
        SCM_POWER_RESUME_AUTOMATIC = 0x12, /* PBT_APMRESUMEAUTOMATIC */
};

/* SESSIONCHANGE's event types (Windows' WTS_*): a login session began or
 * ended, as the login program recorded it in utmp. */
enum scm_session_event {
        SCM_SESSION_LOGON = 5,  /* WTS_SESSION_LOGON */
        SCM_SESSION_LOGOFF = 6, /* WTS_SESSION_LOGOFF */
};

/* Limits enforced at the door; docs/protocol.md, "Limits". */
#define SCM_NAME_MAX_CHARS 256
#define SCM_DISPLAY_NAME_MAX_CHARS 256
#define SCM_DESCRIPTION_MAX_BYTES 4096
#define SCM_COMMAND_LINE_MAX_BYTES 32767
#define SCM_ACCOUNT_MAX_BYTES 256
#define SCM_GROUP_MAX_CHARS 256
#define SCM_DEPENDENCIES_MAX 256
#define SCM_ARGS_MAX 256
#define SCM_REQUEST_MAX_BYTES 65536
#define SCM_STATUS_TEXT_MAX_BYTES 256
#define SCM_CONTROL_TIMEOUT_DEFAULT_MS 30000
/* SERVICE_PRESHUTDOWN_INFO: the default, and "as long as it makes progress". */
#define SCM_PRESHUTDOWN_TIMEOUT_DEFAULT_MS 180000
#define SCM_PRESHUTDOWN_TIMEOUT_INFINITE 0xFFFFFFFFu

/* Names <-> values.  *_name() returns NULL for a value out of range;
 * *_from_name() returns the INVALID value for an unknown name. */
const char *scm_state_name(enum scm_state s);
enum scm_state scm_state_from_name(const char *name);
const char *scm_type_name(enum scm_service_type t);
enum scm_service_type scm_type_from_name(const char *name);
const char *scm_start_type_name(enum scm_start_type t);
enum scm_start_type scm_start_type_from_name(const char *name);
const char *scm_kind_name(enum scm_service_kind k);
enum scm_service_kind scm_kind_from_name(const char *name);
const char *scm_error_control_name(enum scm_error_control e);
enum scm_error_control scm_error_control_from_name(const char *name);

/* The accept bits as names ("stop", "pause-continue", ...), in bit order.
 * Writes at most max names to ret_names; returns how many apply. */
int scm_accept_names(uint32_t mask, const char **ret_names, int max);

#endif
