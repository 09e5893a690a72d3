/* SPDX-License-Identifier: MIT */
/*
 * The control channel of a native service's process: scmd's end of the
 * SOCK_SEQPACKET socketpair whose other end the process inherits as fd 3.
 * The channel is the process's (struct process); every message but the
 * dispatcher's hello names the service it is about, and is handed to the
 * member of that name.
 *
 * Controls are serialised per service, never globally: each one is sent
 * at once with an id and its own deadline (the service's control timeout);
 * the service's dispatcher answers them in order.  A handler that blocks
 * makes only its own service's controls time out (SERVICE_REQUEST_TIMEOUT);
 * every other service keeps answering, and scmd never waits on a service.
 *
 * Everything that arrives is checked (size, JSON, type, fields, service
 * name) before it touches the service; a bad packet is logged and dropped,
 * and a service that keeps sending garbage cannot do more than fill its
 * own log.
 */
#include "channel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scm/error.h>

#include "log.h"
#include "manager.h"
#include "process.h"

struct pending_control {
        struct pending_control *next;
        struct service *service;
        uint32_t id;
        struct control_request *request;
        struct loop_timer timer;
};

static void answer(struct service *s, struct pending_control *p, int win32) {
        struct pending_control **pp = &s->controls;
        while (*pp && *pp != p)
                pp = &(*pp)->next;
        if (*pp)
                *pp = p->next;
        loop_timer_disarm(s->manager->loop, &p->timer);
        struct control_request *req = p->request;
        free(p);
        req->fn(req, s, win32);
}

static void on_control_timeout(struct loop_timer *t) {
        struct pending_control *p = container_of(t, struct pending_control, timer);
        struct service *s = p->service;
        log_warning("service %s: its handler did not answer control %u within %u ms",
                    s->config.name, p->request->code, s->config.control_timeout_ms);
        answer(s, p, SCM_ERROR_SERVICE_REQUEST_TIMEOUT);
}

int channel_deliver(struct service *s, struct control_request *req) {
        struct process *proc = s->process;
        if (!proc || proc->channel_fd < 0)
                return SCM_ERR(SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        struct pending_control *p = calloc(1, sizeof(*p));
        if (!p)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        p->service = s;
        p->id = ++s->next_control_id;
        p->request = req;
        struct control_event ev = {req->code, req->event_type, req->new_time, req->old_time,
                                   req->session_id};
        int r = control_send(proc->channel_fd, control_control(s->config.name, p->id, &ev),
                             MSG_DONTWAIT);
        if (r < 0) {
                free(p);
                log_warning("service %s: cannot send control %u: %s", s->config.name, req->code,
                            strerror(-r));
                /* A full channel means a dispatcher that reads nothing. */
                return SCM_ERR(r == -EAGAIN ? SCM_ERROR_SERVICE_REQUEST_TIMEOUT
                                            : SCM_ERROR_SERVICE_CANNOT_ACCEPT_CTRL);
        }
        struct pending_control **tail = &s->controls;
        while (*tail)
                tail = &(*tail)->next;
        *tail = p;
        loop_timer_arm(s->manager->loop, &p->timer,
                       now_usec() + (usec_t)s->config.control_timeout_ms * USEC_PER_MSEC,
                       on_control_timeout);
        req->delivered = true;
        return 0;
}

static void on_result(struct service *s, const struct control_msg *m) {
        for (struct pending_control *p = s->controls; p; p = p->next)
                if (p->id == m->id) {
                        answer(s, p, (int)m->result);
                        return;
                }
        /* Late: its control already timed out. */
        log_debug("service %s: result for control id %u came after its timeout", s->config.name,
                  m->id);
}

/* The dispatcher said hello: every member hears it. */
static void on_hello(struct process *p) {
        p->connected = true;
        for (struct service *s = p->members, *next; s; s = next) {
                next = s->member_next;
                service_connected(s);
        }
}

static void handle(struct process *p, const struct control_msg *m) {
        if (m->type == CTL_HELLO) {
                on_hello(p);
                return;
        }
        struct service *s = process_member(p, m->service);
        if (!s) {
                log_warning_limited(&p->warnings, process_name(p),
                                    "service %s: dropped a message for another service ('%.64s')",
                                    process_name(p), m->service);
                return;
        }
        switch (m->type) {
        case CTL_STATUS:
                service_report(s, &m->status);
                break;
        case CTL_RESULT:
                on_result(s, m);
                break;
        case CTL_MESSAGE:
                log_info("service %s says%s: %s", s->config.name,
                         m->users ? " to the logged-in users" : "", m->text);
                if (s->manager->hooks.message)
                        s->manager->hooks.message(s, m->text, m->users);
                break;
        default:
                log_warning_limited(&p->warnings, process_name(p),
                                    "service %s: dropped a message scmd does not take",
                                    s->config.name);
                break;
        }
}

static void read_packets(struct process *p) {
        /* At most a few packets per wake-up, so one chatty service cannot
         * starve the loop. */
        for (int i = 0; i < 16 && p->channel_fd >= 0 && p->members; i++) {
                char buf[CONTROL_PACKET_MAX + 1];
                ssize_t n = recv(p->channel_fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC);
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                        return;
                if (n <= 0) {
                        /* The process closed it: ended, or its dispatcher returned. */
                        channel_close(p, SCM_ERROR_EXCEPTION_IN_SERVICE);
                        return;
                }
                if ((size_t)n > CONTROL_PACKET_MAX) {
                        log_warning_limited(&p->warnings, process_name(p),
                                            "service %s: dropped a packet of %zd bytes (limit %d)",
                                            process_name(p), n, CONTROL_PACKET_MAX);
                        continue;
                }
                struct control_msg m;
                const char *why;
                if (control_msg_parse(buf, (size_t)n, &m, &why) < 0) {
                        log_warning_limited(&p->warnings, process_name(p),
                                            "service %s: dropped a bad message: %s",
                                            process_name(p), why);
                        continue;
                }
                handle(p, &m);
                control_msg_clear(&m);
        }
}

static void on_channel(struct loop_io *io, uint32_t events) {
        struct process *p = container_of(io, struct process, channel_io);
        (void)events;
        process_ref(p); /* what a message does must not free p under us */
        read_packets(p);
        process_unref(p);
}

int channel_open(struct process *p, struct service *s, char **args, int *ret_child_fd) {
        int fds[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
                return -errno;
        fcntl(fds[0], F_SETFL, O_NONBLOCK);
        int r = control_send(fds[0], control_start(s->config.name, args), MSG_DONTWAIT);
        if (r >= 0)
                r = loop_io_add(p->manager->loop, &p->channel_io, fds[0], EPOLLIN, on_channel);
        if (r < 0) {
                close(fds[0]);
                close(fds[1]);
                return r;
        }
        p->channel_fd = fds[0];
        s->next_control_id = 0;
        *ret_child_fd = fds[1];
        return 0;
}

int channel_adopt(struct process *p, int fd) {
        fcntl(fd, F_SETFL, O_NONBLOCK);
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        int r = loop_io_add(p->manager->loop, &p->channel_io, fd, EPOLLIN, on_channel);
        if (r < 0) {
                close(fd);
                return r;
        }
        p->channel_fd = fd;
        return 0;
}

void channel_forget(struct service *s, int win32) {
        while (s->controls)
                answer(s, s->controls, win32);
}

void channel_close(struct process *p, int win32) {
        if (p->channel_fd >= 0) {
                loop_io_remove(p->manager->loop, &p->channel_io);
                close(p->channel_fd);
                p->channel_fd = -1;
        }
        for (struct service *s = p->members; s; s = s->member_next)
                channel_forget(s, win32);
}
