/* SPDX-License-Identifier: MIT */
/*
 * On-demand activation (struct activation): a service that declares
 * listening sockets (its process setting `listen`, listen_config.h) has
 * them bound by scmd as soon as it exists: at load, at create, at a change
 * of them.  While the service is STOPPED scmd watches them; the first
 * connection or datagram starts it, with its dependencies, as a client's
 * start would (depend_start_service()), and the process receives the very
 * sockets as descriptors 3, 4, ... with LISTEN_FDS, LISTEN_FDNAMES and
 * LISTEN_PID, as sd_listen_fds() expects (core/process.c, exec/spawn.c),
 * so it answers the connection that woke it.  While it runs scmd does not
 * look at them; when it stops they stay bound and watched, so no
 * connection is refused in between.  A start that fails is not tried
 * again for a second, so a waiting connection cannot spin scmd.
 */
#include "activation.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <scm/types.h>

#include "cleanup.h"
#include "cmdline.h"
#include "depend.h"
#include "listen_config.h"
#include "log.h"
#include "manager.h"
#include "process_config.h"
#include "service.h"

#define RETRY_AFTER_FAILURE (1 * USEC_PER_SEC)

struct listener {
        struct loop_io io;
        struct activation *owner;
};

struct activation {
        struct service *service;
        char **specs; /* what is bound, to notice a change */
        size_t n;
        int fds[LISTEN_SOCKETS_MAX]; /* the process gets these (service.h) */
        struct listener listeners[LISTEN_SOCKETS_MAX];
        bool watching;
        struct loop_timer retry;
};

static void on_ready(struct loop_io *io, uint32_t events);

static void watch(struct activation *a, bool on) {
        struct loop *l = a->service->manager->loop;
        if (a->watching == on)
                return;
        for (size_t i = 0; i < a->n; i++)
                if (on)
                        loop_io_add(l, &a->listeners[i].io, a->fds[i], EPOLLIN, on_ready);
                else
                        loop_io_remove(l, &a->listeners[i].io);
        a->watching = on;
}

static void release(struct activation *a) {
        watch(a, false);
        loop_timer_disarm(a->service->manager->loop, &a->retry);
        for (size_t i = 0; i < a->n; i++) {
                struct listen_spec spec;
                const char *why;
                if (listen_spec_parse(a->specs[i], &spec, &why) == 0 && spec.family == AF_UNIX)
                        unlink(((struct sockaddr_un *)&spec.addr)->sun_path);
                close(a->fds[i]);
        }
        a->service->listen_fds = NULL;
        a->service->n_listen_fds = 0;
        a->service->activation = NULL;
        strv_free(a->specs);
        free(a);
}

/* A stale socket file of an earlier scmd goes; anything else at the path stays. */
static void clear_unix_path(const struct listen_spec *spec) {
        const char *path = ((const struct sockaddr_un *)&spec->addr)->sun_path;
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
                unlink(path);
}

static int bind_one(const char *text, int *ret) {
        struct listen_spec spec;
        const char *why;
        if (listen_spec_parse(text, &spec, &why) < 0)
                return -EINVAL;
        _cleanup_close_ int fd = socket(spec.family, spec.type | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        int one = 1;
        if (spec.family != AF_UNIX)
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        else
                clear_unix_path(&spec);
        if (bind(fd, (struct sockaddr *)&spec.addr, spec.addr_len) < 0)
                return -errno;
        if (spec.family == AF_UNIX &&
            chmod(((struct sockaddr_un *)&spec.addr)->sun_path, spec.mode) < 0)
                return -errno;
        if (spec.type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0)
                return -errno;
        *ret = TAKE_FD(fd);
        return 0;
}

static bool same_specs(char *const *a, char *const *b) {
        for (; a && b && *a && *b; a++, b++)
                if (strcmp(*a, *b) != 0)
                        return false;
        return (!a || !*a) && (!b || !*b);
}

int activation_sync(struct service *s) {
        char **want = s->config.process ? s->config.process->listen : NULL;
        if (s->activation && same_specs(s->activation->specs, want))
                return 0;
        if (s->activation)
                release(s->activation);
        if (!want || !want[0])
                return 0;
        struct activation *a = calloc(1, sizeof(*a));
        if (!a || !(a->specs = strv_copy(want))) {
                free(a);
                return -ENOMEM;
        }
        a->service = s;
        s->activation = a;
        for (; a->n < LISTEN_SOCKETS_MAX && want[a->n]; a->n++) {
                int r = bind_one(want[a->n], &a->fds[a->n]);
                if (r < 0) {
                        log_error("service %s: cannot listen on %s: %s; it is not started on "
                                  "demand until its sockets are set again",
                                  s->config.name, want[a->n], strerror(-r));
                        release(a);
                        return r;
                }
                a->listeners[a->n] = (struct listener){.io = {.fd = -1}, .owner = a};
        }
        s->listen_fds = a->fds;
        s->n_listen_fds = a->n;
        log_info("service %s: listening on %zu socket%s; started by the first connection",
                 s->config.name, a->n, a->n == 1 ? "" : "s");
        watch(a, s->state == SCM_STATE_STOPPED);
        return 0;
}

static void on_retry(struct loop_timer *t) {
        struct activation *a = container_of(t, struct activation, retry);
        watch(a, a->service->state == SCM_STATE_STOPPED);
}

static void on_ready(struct loop_io *io, uint32_t events) {
        (void)events;
        struct activation *a = container_of(io, struct listener, io)->owner;
        struct service *s = a->service;
        watch(a, false);
        if (s->state != SCM_STATE_STOPPED)
                return;
        if (s->config.start_type == SCM_START_DISABLED || s->marked_for_delete) {
                log_warning("service %s: a connection came, but it is %s; not started",
                            s->config.name,
                            s->marked_for_delete ? "marked for delete" : "disabled");
                loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_AFTER_FAILURE,
                               on_retry);
                return;
        }
        log_info("service %s: started by a connection", s->config.name);
        _cleanup_free_ char *message = NULL;
        int r = depend_start_service(s, &message);
        if (r < 0) {
                log_warning("service %s: its start on demand failed: %s", s->config.name,
                            message ? message : "see above");
                loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_AFTER_FAILURE,
                               on_retry);
        }
}

void activation_service_entered(struct service *s, enum scm_state old) {
        (void)old;
        struct activation *a = s->activation;
        if (!a || s->state != SCM_STATE_STOPPED) {
                if (a)
                        watch(a, false);
                return;
        }
        if (s->win32_exit_code) /* it failed: not at once again */
                loop_timer_arm(s->manager->loop, &a->retry, now_usec() + RETRY_AFTER_FAILURE,
                               on_retry);
        else
                watch(a, true);
}

void activation_service_gone(struct service *s) {
        if (s->activation)
                release(s->activation);
}
