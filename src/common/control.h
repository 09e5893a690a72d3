/* SPDX-License-Identifier: MIT */
/*
 * The control channel between scmd and a native service process: one
 * SOCK_SEQPACKET socketpair per process, the service's end inherited as
 * the descriptor named by $SCM_CONTROL_FD.  Each packet is one JSON
 * object (docs/protocol.md, "The control channel").  This file owns the
 * message vocabulary and its validation, shared by scmd and libscm, so the
 * two sides can never read a message differently.  No I/O but send/recv
 * of single packets, no logging.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SCM_CONTROL_FD_ENV "SCM_CONTROL_FD"
#define SCM_CONTROL_FD_NUMBER 3
/* A native service's activation sockets: from 4 on (3 is its control
 * channel), named by SCM_LISTEN_FDS, SCM_LISTEN_PID and
 * SCM_LISTEN_FDNAMES, so that no sd_listen_fds() takes its channel for a
 * socket.  libscm's scm_listen_fds() reads them. */
#define SCM_LISTEN_FDS_NATIVE_START 4
#define CONTROL_PACKET_MAX 65536
#define CONTROL_PROTOCOL_VERSION 1

enum control_type {
        CTL_HELLO,   /* service -> scmd: the dispatcher is connected */
        CTL_START,   /* scmd -> service: run a service's main with args */
        CTL_CONTROL, /* scmd -> service: a control for a service's handler */
        CTL_STATUS,  /* service -> scmd: SetServiceStatus */
        CTL_RESULT,  /* service -> scmd: what a handler returned */
        CTL_MESSAGE, /* service -> scmd: a message for the interactive user */
        _CTL_MAX,
};

struct control_status {
        uint32_t state;
        uint32_t controls_accepted;
        uint32_t win32_exit_code;
        uint32_t service_exit_code;
        uint32_t checkpoint;
        uint32_t wait_hint;
};

/* A parsed packet; strings and args are borrowed from root. */
struct control_msg {
        enum control_type type;
        json_t *root;
        const char *service;          /* every type but HELLO */
        uint32_t id;                  /* CONTROL, RESULT */
        uint32_t control;             /* CONTROL */
        uint32_t event_type;          /* CONTROL: HandlerEx's dwEventType, or 0 */
        int64_t new_time, old_time;   /* CONTROL TIMECHANGE: FILETIME units, or 0 */
        uint32_t session_id;          /* CONTROL SESSIONCHANGE: the session, or 0 */
        uint32_t result;              /* RESULT: the handler's Win32 result */
        struct control_status status; /* STATUS */
        const char *text;             /* MESSAGE */
        bool users;                   /* MESSAGE: also to logged-in users' terminals */
        json_t *args;                 /* START: array of strings, args[0] the service name */
        uint32_t version;             /* HELLO */
};

/* Parses and validates one packet.  Returns 0, or -EBADMSG with a reason
 * (static text) when anything is missing, of the wrong type or out of
 * range; *ret is then cleared. */
int control_msg_parse(const char *buf, size_t len, struct control_msg *ret,
                      const char **ret_reason);
void control_msg_clear(struct control_msg *m);

/* Checks a status as SetServiceStatus would: a known state, only known
 * accept bits.  Returns 0 or -EINVAL with *ret_reason. */
int control_status_check(const struct control_status *st, const char **ret_reason);

/* Builders: new JSON objects for each message (NULL on out-of-memory). */
json_t *control_hello(void);
json_t *control_start(const char *service, char *const *args);
/* A control with what HandlerEx gets beside it. */
struct control_event {
        uint32_t control;
        uint32_t event_type;
        int64_t new_time, old_time; /* TIMECHANGE's SERVICE_TIMECHANGE_INFO */
        uint32_t session_id;        /* SESSIONCHANGE's WTSSESSION_NOTIFICATION */
};
json_t *control_control(const char *service, uint32_t id, const struct control_event *ev);
json_t *control_status_msg(const char *service, const struct control_status *st);
json_t *control_result(const char *service, uint32_t id, uint32_t result);
json_t *control_message(const char *service, const char *text, bool users);

/* Sends msg (consumed) as one packet.  flags: MSG_DONTWAIT or 0.
 * Returns 0 or -errno (-EMSGSIZE when over CONTROL_PACKET_MAX). */
int control_send(int fd, json_t *msg, int flags);
