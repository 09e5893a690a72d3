/* SPDX-License-Identifier: MIT */
/*
 * The service side of libscm: the control dispatcher (<scm/service.h>).
 *
 * One dispatcher per process, on the thread that calls
 * scm_service_dispatcher().  It owns the control channel's reading side:
 * start messages become ServiceMain threads, control messages are queued
 * for their service's handler thread (made at the service's first control),
 * which calls the handler one control at a time and sends the result back.
 * A handler that blocks so holds up its own service only: in a shared
 * process the other services' controls are answered meanwhile, which is
 * scmd's promise that controls are serialised per service, never globally.
 * Status reports are sent from whatever thread calls
 * scm_set_service_status(); a SOCK_SEQPACKET send is one whole message, so
 * messages from several threads never interleave.  A report of STOPPED, and
 * a handler's end, wake the dispatcher through an eventfd; it returns once
 * every service it started has stopped and every control it took has been
 * answered.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scm/service.h>

#include "cleanup.h"
#include "control.h"
#include "validate.h"

#define HOSTED_MAX 64

/* A control waiting for its service's handler thread. */
struct queued_control {
        struct queued_control *next;
        uint32_t id;
        uint32_t control;
        uint32_t event_type;
        struct scm_timechange_info time; /* TIMECHANGE's event data */
        struct scm_session_info session; /* SESSIONCHANGE's */
        char service[];                  /* the name scmd sent it with */
};

struct scm_status_handle {
        char *name;     /* the table's */
        char *scm_name; /* scmd's, from its start message: what reports carry */
        scm_service_main_fn *main;
        scm_handler_fn *handler;
        void *context;
        bool started;
        bool stopped;
        /* The handler thread and its queue, under D.lock. */
        bool has_thread;
        bool busy; /* a control is in the handler now */
        pthread_cond_t wake;
        struct queued_control *queue, **queue_tail;
};

static struct {
        pthread_mutex_t lock;
        bool running;
        int fd;
        int wake_fd;
        struct scm_status_handle hosted[HOSTED_MAX];
        int count;
} D = {.lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1, .wake_fd = -1};

/* The inherited channel, or -1 when this process was not started by scmd. */
static int channel_fd(void) {
        const char *env = getenv(SCM_CONTROL_FD_ENV);
        if (!env)
                return -1;
        char *end;
        long fd = strtol(env, &end, 10);
        if (*end || fd < 3 || fd > 1 << 20)
                return -1;
        int type;
        socklen_t len = sizeof(type);
        if (getsockopt((int)fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
                return -1;
        return (int)fd;
}

/* The hosted service for name: the only one in a one-entry table. */
static struct scm_status_handle *find_hosted(const char *name) {
        if (D.count == 1)
                return &D.hosted[0];
        for (int i = 0; name && i < D.count; i++)
                if (names_equal(D.hosted[i].name, name))
                        return &D.hosted[i];
        return NULL;
}

struct main_args {
        scm_service_main_fn *main;
        int argc;
        char **argv;
};

static void *run_main(void *p) {
        struct main_args *a = p;
        a->main(a->argc, a->argv);
        for (int i = 0; i < a->argc; i++)
                free(a->argv[i]);
        free(a->argv);
        free(a);
        return NULL;
}

static int send_status(const char *name, uint32_t state, uint32_t win32) {
        struct control_status st = {.state = state, .win32_exit_code = win32};
        return control_send(D.fd, control_status_msg(name, &st), 0);
}

/* Starts ServiceMain for a start message on a thread of its own. */
/* The hosted service a start is for, marked started; NULL when this
 * process has none free for it. */
static struct scm_status_handle *take_start(const char *name) {
        struct scm_status_handle *h = find_hosted(name);
        if (!h)
                return NULL;
        bool renamed = !h->scm_name || !names_equal(h->scm_name, name);
        /* A one-entry table runs one service at a time, whatever its name:
         * a second service of a shared process is not in this program. */
        if (renamed && h->started && !h->stopped)
                return NULL;
        if (renamed) {
                char *copy = strdup(name);
                if (copy) {
                        free(h->scm_name);
                        h->scm_name = copy;
                }
        }
        h->started = true;
        h->stopped = false; /* a service of a shared process may start again */
        return h;
}

static void on_start(const struct control_msg *m) {
        pthread_mutex_lock(&D.lock);
        struct scm_status_handle *h = take_start(m->service);
        pthread_mutex_unlock(&D.lock);
        if (!h) {
                send_status(m->service, SCM_STATE_STOPPED, SCM_ERROR_SERVICE_NOT_IN_EXE);
                return;
        }
        struct main_args *a = calloc(1, sizeof(*a));
        size_t n = json_array_size(m->args);
        if (a)
                a->argv = calloc(n + 1, sizeof(char *));
        for (size_t i = 0; a && a->argv && i < n; i++)
                a->argv[i] = strdup(json_string_value(json_array_get(m->args, i)));
        if (a) {
                a->main = h->main;
                a->argc = (int)n;
        }
        pthread_t thread;
        if (!a || !a->argv || pthread_create(&thread, NULL, run_main, a) != 0) {
                send_status(m->service, SCM_STATE_STOPPED, SCM_ERROR_SERVICE_NO_THREAD);
                pthread_mutex_lock(&D.lock);
                h->stopped = true;
                pthread_mutex_unlock(&D.lock);
                if (a)
                        free(a->argv);
                free(a);
                return;
        }
        pthread_detach(thread);
}

static void wake_dispatcher(void) {
        uint64_t one = 1;
        (void)!write(D.wake_fd, &one, sizeof(one));
}

/* Calls h's handler for q (without the lock) and sends the result. */
static void run_handler(struct scm_status_handle *h, struct queued_control *q) {
        pthread_mutex_lock(&D.lock);
        scm_handler_fn *fn = h->handler;
        void *context = h->context;
        pthread_mutex_unlock(&D.lock);
        void *data = q->control == SCM_CONTROL_TIMECHANGE      ? (void *)&q->time
                     : q->control == SCM_CONTROL_SESSIONCHANGE ? (void *)&q->session
                                                               : NULL;
        uint32_t result = fn ? fn(q->control, q->event_type, data, context)
                             : SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL;
        control_send(D.fd, control_result(q->service, q->id, result), 0);
}

/* A service's handler thread: its controls, one at a time, for ever. */
static void *handler_thread(void *p) {
        struct scm_status_handle *h = p;
        pthread_mutex_lock(&D.lock);
        for (;;) {
                while (!h->queue)
                        pthread_cond_wait(&h->wake, &D.lock);
                struct queued_control *q = h->queue;
                h->queue = q->next;
                if (!h->queue)
                        h->queue_tail = &h->queue;
                h->busy = true;
                pthread_mutex_unlock(&D.lock);
                run_handler(h, q);
                free(q);
                pthread_mutex_lock(&D.lock);
                h->busy = false;
                wake_dispatcher();
        }
        return NULL;
}

/* Queues a control for its service's handler thread, making the thread at
 * the service's first control.  Answered here at once when it cannot be. */
static void on_control(const struct control_msg *m) {
        size_t len = strlen(m->service) + 1;
        struct queued_control *q = malloc(sizeof(*q) + len);
        pthread_mutex_lock(&D.lock);
        struct scm_status_handle *h = find_hosted(m->service);
        if (h && q && !h->has_thread) {
                pthread_t thread;
                h->has_thread = pthread_create(&thread, NULL, handler_thread, h) == 0;
                if (h->has_thread)
                        pthread_detach(thread);
        }
        if (!h || !q || !h->has_thread) {
                pthread_mutex_unlock(&D.lock);
                free(q);
                uint32_t result = !h   ? SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL
                                  : !q ? SCM_ERROR_NOT_ENOUGH_MEMORY
                                       : SCM_ERROR_SERVICE_NO_THREAD;
                control_send(D.fd, control_result(m->service, m->id, result), 0);
                return;
        }
        *q = (struct queued_control){.id = m->id,
                                     .control = m->control,
                                     .event_type = m->event_type,
                                     .time = {m->new_time, m->old_time},
                                     .session = {sizeof(struct scm_session_info), m->session_id}};
        memcpy(q->service, m->service, len);
        *h->queue_tail = q;
        h->queue_tail = &q->next;
        pthread_cond_signal(&h->wake);
        pthread_mutex_unlock(&D.lock);
}

static bool all_stopped(void) {
        pthread_mutex_lock(&D.lock);
        bool any_started = false, all = true;
        for (int i = 0; i < D.count; i++) {
                const struct scm_status_handle *h = &D.hosted[i];
                any_started |= h->started;
                if ((h->started && !h->stopped) || h->busy || h->queue)
                        all = false;
        }
        pthread_mutex_unlock(&D.lock);
        return any_started && all;
}

/* Reads and handles one packet.  Returns 0, or -ECONNRESET at EOF. */
static int read_one(void) {
        char buf[CONTROL_PACKET_MAX + 1];
        ssize_t n = recv(D.fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        if (n == 0)
                return -ECONNRESET;
        struct control_msg m;
        const char *why;
        if ((size_t)n > CONTROL_PACKET_MAX || control_msg_parse(buf, (size_t)n, &m, &why) < 0)
                return 0; /* not from scmd as we know it: nothing to do with it */
        if (m.type == CTL_START)
                on_start(&m);
        else if (m.type == CTL_CONTROL)
                on_control(&m);
        control_msg_clear(&m);
        return 0;
}

static int run(void) {
        int r = control_send(D.fd, control_hello(), 0);
        while (r >= 0 && !all_stopped()) {
                struct pollfd p[2] = {{.fd = D.fd, .events = POLLIN},
                                      {.fd = D.wake_fd, .events = POLLIN}};
                if (poll(p, 2, -1) < 0) {
                        r = errno == EINTR ? 0 : -errno;
                        continue;
                }
                if (p[1].revents & POLLIN) {
                        uint64_t v;
                        (void)!read(D.wake_fd, &v, sizeof(v));
                }
                if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
                        r = read_one();
        }
        return r;
}

static int setup(const struct scm_dispatch_entry *table, int fd) {
        D.count = 0;
        for (; table->name && D.count < HOSTED_MAX; table++) {
                if (!table->main)
                        return -EINVAL;
                struct scm_status_handle *h = &D.hosted[D.count];
                *h = (struct scm_status_handle){.name = strdup(table->name), .main = table->main};
                if (!h->name)
                        return -ENOMEM;
                h->queue_tail = &h->queue;
                pthread_cond_init(&h->wake, NULL);
                D.count++;
        }
        if (D.count == 0)
                return -EINVAL;
        D.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (D.wake_fd < 0)
                return -errno;
        D.fd = fd;
        return 0;
}

int scm_service_dispatcher(const struct scm_dispatch_entry *table) {
        if (!table)
                return -EINVAL;
        int fd = channel_fd();
        if (fd < 0)
                return SCM_ERR(SCM_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT);
        pthread_mutex_lock(&D.lock);
        if (D.running) {
                pthread_mutex_unlock(&D.lock);
                return SCM_ERR(SCM_ERROR_SERVICE_ALREADY_RUNNING);
        }
        int r = setup(table, fd);
        D.running = r >= 0;
        pthread_mutex_unlock(&D.lock);
        if (r < 0)
                return r;
        r = run();
        return r < 0 ? r : 0;
}

int scm_register_handler(const char *name, scm_handler_fn *fn, void *context,
                         scm_status_handle **ret) {
        if (!fn || !ret)
                return -EINVAL;
        pthread_mutex_lock(&D.lock);
        struct scm_status_handle *h = D.running ? find_hosted(name) : NULL;
        if (h) {
                h->handler = fn;
                h->context = context;
        }
        bool running = D.running;
        pthread_mutex_unlock(&D.lock);
        if (!running)
                return SCM_ERR(SCM_ERROR_FAILED_SERVICE_CONTROLLER_CONNECT);
        if (!h)
                return SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST);
        *ret = h;
        return 0;
}

/* The name scmd knows the service by (from its start), else the table's. */
static const char *reported_name(const struct scm_status_handle *h) {
        return h->scm_name ? h->scm_name : h->name;
}

int scm_set_service_status(scm_status_handle *h, const struct scm_service_status *status) {
        if (!h)
                return SCM_ERR(SCM_ERROR_INVALID_HANDLE);
        if (!status)
                return -EINVAL;
        struct control_status st = {
                .state = status->state,
                .controls_accepted = status->controls_accepted,
                .win32_exit_code = status->win32_exit_code,
                .service_exit_code = status->service_exit_code,
                .checkpoint = status->checkpoint,
                .wait_hint = status->wait_hint,
        };
        const char *why;
        if (control_status_check(&st, &why) < 0)
                return SCM_ERR(SCM_ERROR_INVALID_DATA);
        int r = control_send(D.fd, control_status_msg(reported_name(h), &st), 0);
        if (r < 0)
                return r;
        if (st.state == SCM_STATE_STOPPED) {
                pthread_mutex_lock(&D.lock);
                h->stopped = true;
                pthread_mutex_unlock(&D.lock);
                wake_dispatcher();
        }
        return 0;
}

int scm_service_message_ex(scm_status_handle *h, const char *text, unsigned flags) {
        if (!h)
                return SCM_ERR(SCM_ERROR_INVALID_HANDLE);
        if (!text || strlen(text) > 1024 || (flags & ~SCM_MESSAGE_TO_USERS))
                return -EINVAL;
        return control_send(
                D.fd, control_message(reported_name(h), text, flags & SCM_MESSAGE_TO_USERS), 0);
}

int scm_service_message(scm_status_handle *h, const char *text) {
        return scm_service_message_ex(h, text, 0);
}
