/* SPDX-License-Identifier: MIT */
/*
 * The sd_notify socket: one datagram socket for every notify service, its
 * path handed to each as $NOTIFY_SOCKET, so existing Linux daemons work
 * unchanged.  A message is attributed by the sender's credentials as the
 * kernel stamps them at receive time (SO_PASSCRED), never by anything the
 * message says: the sender must be the service's main process or a process
 * whose cgroup is the service's, by its whole path (without cgroups: a
 * process in its session).  Anything else is dropped — also a message whose
 * sender has already been reaped when scmd reads it, since nothing can then
 * say whose it was (send READY=1 from the main process, or from a process
 * that outlives the send).
 *
 * The messages scmd takes: READY=1, STOPPING=1, STATUS=text,
 * EXTEND_TIMEOUT_USEC=n, ERRNO=n, WATCHDOG=1; others are ignored, as
 * systemd ignores what it does not know.  The text itself is read by
 * notify_message.c (a message holding a NUL byte is dropped whole).
 */
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <scm/types.h>

#include "cleanup.h"
#include "log.h"
#include "manager.h"
#include "notify_message.h"
#include "process.h"

#define NOTIFY_MESSAGE_MAX 4096

/* pid's cgroup v2 path as its "0::" line of /proc/PID/cgroup names it
 * ("/scm/web.service"), or "". */
static void cgroup_of(pid_t pid, char *buf, size_t size) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        buf[0] = '\0';
        char line[4096];
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        snprintf(buf, size, "%s", line + 3);
                        return;
                }
}

/* The whole path is compared, never a part of it: a process in some other
 * tree's "web.service" (systemd's, another scmd's) is not this service. */
static bool in_cgroup_of(const struct manager *m, const struct process *p, const char *cgroup) {
        if (!cgroup[0] || !p->cgroup_name || !m->cgroup_base_rel)
                return false;
        size_t base = strlen(m->cgroup_base_rel);
        return strncmp(cgroup, m->cgroup_base_rel, base) == 0 && cgroup[base] == '/' &&
               strcmp(cgroup + base + 1, p->cgroup_name) == 0;
}

static bool sent_by(const struct manager *m, const struct process *p, pid_t pid,
                    const char *cgroup) {
        if (pid == p->pid)
                return true;
        if (process_has_cgroup(p))
                return in_cgroup_of(m, p, cgroup);
        return getsid(pid) == p->pid; /* its session */
}

static struct service *find_sender(struct manager *m, pid_t pid) {
        char cgroup[4096];
        cgroup_of(pid, cgroup, sizeof(cgroup));
        for (struct service *s = m->active; s; s = s->active_next)
                if (s->config.kind == SCM_KIND_NOTIFY && s->process && s->process->pid > 0 &&
                    sent_by(m, s->process, pid, cgroup))
                        return s;
        return NULL;
}

static bool deliver(const char *name, const char *value, void *userdata) {
        struct service *s = userdata;
        service_notify(s, name, value);
        return s->process != NULL; /* else the message ended the service's run */
}

static void deliver_message(struct service *s, const char *buf, size_t size) {
        if (notify_message_parse(buf, size, deliver, s) == -EINVAL)
                log_debug("service %s: dropped a notify message holding a NUL byte",
                          s->config.name);
}

static void on_notify(struct loop_io *io, uint32_t events) {
        struct manager *m = container_of(io, struct manager, notify_io);
        (void)events;
        for (int i = 0; i < 64; i++) {
                char buf[NOTIFY_MESSAGE_MAX];
                union {
                        struct cmsghdr h;
                        char space[CMSG_SPACE(sizeof(struct ucred))];
                } control;
                struct iovec iov = {.iov_base = buf, .iov_len = NOTIFY_MESSAGE_MAX};
                struct msghdr msg = {.msg_iov = &iov,
                                     .msg_iovlen = 1,
                                     .msg_control = &control,
                                     .msg_controllen = sizeof(control)};
                ssize_t n = recvmsg(m->notify_fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
                if (n < 0)
                        return;
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS ||
                    (msg.msg_flags & MSG_TRUNC))
                        continue;
                struct ucred cred;
                memcpy(&cred, CMSG_DATA(c), sizeof(cred));
                struct service *s = find_sender(m, cred.pid);
                if (!s) {
                        log_debug("dropped a notify message from pid %d: not a notify service's",
                                  (int)cred.pid);
                        continue;
                }
                deliver_message(s, buf, (size_t)n);
        }
}

int notify_adopt(struct manager *m, const char *path, int fd) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        int r = loop_io_add(m->loop, &m->notify_io, fd, EPOLLIN, on_notify);
        if (r < 0) {
                close(fd);
                return r;
        }
        m->notify_fd = fd;
        m->notify_path = strdup(path);
        return 0;
}

int notify_open(struct manager *m, const char *path) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        strcpy(addr.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        int one = 1;
        unlink(path);
        if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
            bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
            /* Services run under their own accounts: anyone may send, and
             * the credentials decide who is heard. */
            chmod(path, 0666) < 0 ||
            loop_io_add(m->loop, &m->notify_io, fd, EPOLLIN, on_notify) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        m->notify_fd = fd;
        m->notify_path = strdup(path);
        return 0;
}

void notify_close(struct manager *m) {
        if (m->notify_fd < 0)
                return;
        loop_io_remove(m->loop, &m->notify_io);
        close(m->notify_fd);
        m->notify_fd = -1;
        if (m->notify_path)
                unlink(m->notify_path);
        free(m->notify_path);
        m->notify_path = NULL;
}
