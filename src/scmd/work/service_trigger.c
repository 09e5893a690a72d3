/* SPDX-License-Identifier: MIT */
/*
 * Service triggers (service_trigger.h has the grammar and what an event
 * does).
 *
 * Each service that declares triggers has an entry here: its texts (as
 * stored), their parsed form and, per trigger, why it is not watched.
 * The sources are opened when a trigger first needs them and kept until
 * scmd exits; none wakes scmd on a timer:
 *   - paths: one inotify descriptor; a trigger watches its file's folder
 *     (which must exist) for the name being created, moved in, written
 *     and closed, or having its attributes changed;
 *   - devices: a NETLINK_KOBJECT_UEVENT socket on the kernel's group
 *     (messages from the kernel only, port 0), in scmd's network
 *     namespace, which is where a net device's events go;
 *   - addresses: a NETLINK_ROUTE socket on the address groups; at each
 *     message the addresses are counted again with a dump, and a count
 *     going from 0 to more fires address:first, to 0 address:last;
 *   - mounts: work/mounts.c's watch of the mount table (main.c passes its
 *     changes on);
 *   - custom events: fire_trigger (api/rpc_trigger.c).
 * An event that exists when the watch starts (a file already there, an
 * address already up) does not fire: triggers react to changes.
 */
#include "service_trigger.h"

#include <errno.h>
#include <fnmatch.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <unistd.h>

#include <scm/error.h>

#include "cleanup.h"
#include "cmdline.h"
#include "db.h"
#include "db_text_list.h"
#include "depend.h"
#include "log.h"
#include "loop.h"
#include "manager.h"
#include "mounts.h"
#include "registry.h"
#include "service.h"

struct triggered {
        struct triggered *next;
        struct service *service;
        char **texts;
        size_t n;
        struct trigger_spec specs[TRIGGERS_MAX];
        int wds[TRIGGERS_MAX];      /* path: the folder's inotify watch, or -1 */
        char *errors[TRIGGERS_MAX]; /* why it is not watched, or NULL */
};

struct source {
        int fd;
        struct loop_io io;
};

static struct {
        struct manager *m;
        struct triggered *entries;
        struct source inotify, uevent, route;
        int addresses; /* global or site scope, counted at each change */
} W = {.inotify.fd = -1, .uevent.fd = -1, .route.fd = -1};

/* ---- acting --------------------------------------------------------------- */

static void triggerevent_answered(struct control_request *req, struct service *s, int win32) {
        if (win32)
                log_info("service %s: its handler answered TRIGGEREVENT with %d", s->config.name,
                         win32);
        free(req);
}

static enum trigger_outcome notify_running(struct service *s) {
        if (s->state != SCM_STATE_RUNNING || !(s->controls_accepted & SCM_ACCEPT_TRIGGEREVENT))
                return TRIGGER_NOTHING;
        struct control_request *req = calloc(1, sizeof(*req));
        if (!req)
                return TRIGGER_FAILED;
        *req = (struct control_request){.code = SCM_CONTROL_TRIGGEREVENT,
                                        .fn = triggerevent_answered};
        int r = service_control(s, EV_CUSTOM, req);
        if (r != 1)
                free(req);
        return r >= 0 ? TRIGGER_NOTIFIED : TRIGGER_FAILED;
}

static enum trigger_outcome act(struct service *s, bool stop, const char *event) {
        const char *name = s->config.name;
        if (!stop) {
                if (s->state != SCM_STATE_STOPPED)
                        return notify_running(s);
                log_info("service %s: trigger %s: starting it", name, event);
                _cleanup_free_ char *why = NULL;
                int r = depend_start_service(s, &why);
                if (r >= 0)
                        return TRIGGER_STARTED;
                log_warning("service %s: the start trigger %s asked for failed: %s", name, event,
                            why ? why : scm_error_name(scm_error_win32(r)) ?: strerror(-r));
                return TRIGGER_FAILED;
        }
        if (s->state == SCM_STATE_STOPPED || s->state == SCM_STATE_STOP_PENDING)
                return TRIGGER_NOTHING;
        if (depend_dependents_running(s)) {
                log_warning("service %s: trigger %s: not stopped, services that depend on it run",
                            name, event);
                return TRIGGER_FAILED;
        }
        log_info("service %s: trigger %s: stopping it", name, event);
        int r = service_stop(s);
        if (r >= 0)
                return TRIGGER_STOPPED;
        log_warning("service %s: the stop trigger %s asked for failed: %s", name, event,
                    scm_error_name(scm_error_win32(r)) ?: strerror(-r));
        return TRIGGER_FAILED;
}

/* Acts on every trigger that match() accepts.  A service is acted on once
 * per event even when several of its triggers match. */
static void fire(bool (*match)(const struct trigger_spec *t, int wd, const void *ctx), int wd,
                 const void *ctx) {
        /* act() may start or stop services, never delete one: the list
         * stays as it is. */
        for (struct triggered *e = W.entries; e; e = e->next)
                for (size_t i = 0; i < e->n; i++)
                        if (!e->errors[i] && e->wds[i] == wd && match(&e->specs[i], wd, ctx)) {
                                act(e->service, e->specs[i].stop, e->texts[i]);
                                break;
                        }
}

/* ---- paths (inotify) ------------------------------------------------------ */

static const char *base_name(const char *path) {
        return strrchr(path, '/') + 1;
}

static bool match_path(const struct trigger_spec *t, int wd, const void *ctx) {
        (void)wd;
        return t->kind == TRIGGER_PATH && strcmp(base_name(t->arg), ctx) == 0;
}

static void on_inotify(struct loop_io *io, uint32_t events) {
        (void)io;
        (void)events;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        for (;;) {
                ssize_t len = read(W.inotify.fd, buf, sizeof(buf));
                if (len <= 0)
                        return;
                for (char *p = buf; p < buf + len;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        p += sizeof(*ev) + ev->len;
                        if (ev->len == 0)
                                continue;
                        fire(match_path, ev->wd, ev->name);
                }
        }
}

static int open_source(struct source *src, int fd, loop_io_fn *fn) {
        if (fd < 0)
                return -errno;
        src->io.fd = -1;
        int r = loop_io_add(W.m->loop, &src->io, fd, EPOLLIN, fn);
        if (r < 0) {
                close(fd);
                return r;
        }
        src->fd = fd;
        return 0;
}

static void close_source(struct source *src) {
        if (src->fd < 0)
                return;
        loop_io_remove(W.m->loop, &src->io);
        close(src->fd);
        src->fd = -1;
}

#define PATH_EVENTS (IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR)

static int watch_path(const struct trigger_spec *t, int *ret_wd) {
        if (W.inotify.fd < 0) {
                int r = open_source(&W.inotify, inotify_init1(IN_NONBLOCK | IN_CLOEXEC),
                                    on_inotify);
                if (r < 0)
                        return r;
        }
        size_t dir_len = (size_t)(base_name(t->arg) - t->arg);
        _cleanup_free_ char *dir = strndup(t->arg, dir_len > 1 ? dir_len - 1 : 1);
        if (!dir)
                return -ENOMEM;
        int wd = inotify_add_watch(W.inotify.fd, dir, PATH_EVENTS);
        if (wd < 0)
                return -errno;
        *ret_wd = wd;
        return 0;
}

static void unwatch_path(int wd) {
        for (struct triggered *e = W.entries; e; e = e->next)
                for (size_t i = 0; i < e->n; i++)
                        if (e->wds[i] == wd)
                                return; /* another trigger watches that folder */
        inotify_rm_watch(W.inotify.fd, wd);
}

/* ---- devices (uevent netlink) --------------------------------------------- */

struct uevent {
        const char *action, *subsystem, *devtype, *name;
};

static bool match_device(const struct trigger_spec *t, int wd, const void *ctx) {
        const struct uevent *u = ctx;
        (void)wd;
        enum strigger_kind k = strcmp(u->action, "add") == 0      ? TRIGGER_DEVICE_ARRIVAL
                               : strcmp(u->action, "remove") == 0 ? TRIGGER_DEVICE_REMOVAL
                                                                  : (enum strigger_kind) - 1;
        return t->kind == k && u->subsystem && strcmp(t->arg, u->subsystem) == 0 &&
               (!t->devtype || (u->devtype && strcmp(t->devtype, u->devtype) == 0)) &&
               (!t->devname || (u->name && fnmatch(t->devname, u->name, 0) == 0));
}

static void parse_uevent(char *buf, size_t len, struct uevent *u) {
        const char *devpath = NULL, *interface = NULL, *devname = NULL;
        for (char *p = buf; p < buf + len; p += strlen(p) + 1) {
                if (strncmp(p, "ACTION=", 7) == 0)
                        u->action = p + 7;
                else if (strncmp(p, "SUBSYSTEM=", 10) == 0)
                        u->subsystem = p + 10;
                else if (strncmp(p, "DEVTYPE=", 8) == 0)
                        u->devtype = p + 8;
                else if (strncmp(p, "DEVPATH=", 8) == 0)
                        devpath = p + 8;
                else if (strncmp(p, "INTERFACE=", 10) == 0)
                        interface = p + 10;
                else if (strncmp(p, "DEVNAME=", 8) == 0)
                        devname = p + 8;
        }
        u->name = interface ? interface
                  : devname ? devname
                  : devpath ? (strrchr(devpath, '/') ? strrchr(devpath, '/') + 1 : devpath)
                            : NULL;
}

static void on_uevent(struct loop_io *io, uint32_t events) {
        (void)io;
        (void)events;
        char buf[8192];
        for (;;) {
                struct sockaddr_nl from = {0};
                socklen_t from_len = sizeof(from);
                ssize_t len = recvfrom(W.uevent.fd, buf, sizeof(buf) - 1, 0,
                                       (struct sockaddr *)&from, &from_len);
                if (len <= 0)
                        return;
                if (from.nl_pid != 0) /* not the kernel's */
                        continue;
                buf[len] = '\0';
                struct uevent u = {0};
                parse_uevent(buf, (size_t)len, &u);
                if (!u.action || !u.subsystem)
                        continue;
                fire(match_device, -1, &u);
        }
}

static int watch_devices(void) {
        if (W.uevent.fd >= 0)
                return 0;
        int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
                        NETLINK_KOBJECT_UEVENT);
        if (fd < 0)
                return -errno;
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = 1};
        if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return open_source(&W.uevent, fd, on_uevent);
}

/* ---- addresses (rtnetlink) ------------------------------------------------ */

/* The addresses of global or site scope, not tentative: -errno or the count. */
static int count_addresses(void) {
        _cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
                return -errno;
        struct {
                struct nlmsghdr h;
                struct ifaddrmsg a;
        } req = {.h = {.nlmsg_len = sizeof(req),
                       .nlmsg_type = RTM_GETADDR,
                       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
                       .nlmsg_seq = 1},
                 .a = {.ifa_family = AF_UNSPEC}};
        if (send(fd, &req, sizeof(req), 0) < 0)
                return -errno;
        char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
        int count = 0;
        for (;;) {
                ssize_t len = recv(fd, buf, sizeof(buf), 0);
                if (len < 0)
                        return -errno;
                for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
                     h = NLMSG_NEXT(h, len)) {
                        if (h->nlmsg_type == NLMSG_DONE)
                                return count;
                        if (h->nlmsg_type == NLMSG_ERROR)
                                return -EIO;
                        if (h->nlmsg_type != RTM_NEWADDR)
                                continue;
                        const struct ifaddrmsg *a = NLMSG_DATA(h);
                        if (a->ifa_scope < RT_SCOPE_LINK &&
                            !(a->ifa_flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
                                count++;
                }
        }
}

static bool match_kind(const struct trigger_spec *t, int wd, const void *ctx) {
        (void)wd;
        return t->kind == *(const enum strigger_kind *)ctx;
}

static void on_route(struct loop_io *io, uint32_t events) {
        (void)io;
        (void)events;
        char buf[8192];
        while (recv(W.route.fd, buf, sizeof(buf), 0) > 0)
                ; /* what changed does not matter: the count is made again */
        int n = count_addresses();
        if (n < 0) {
                log_warning("service triggers: cannot count the IP addresses: %s", strerror(-n));
                return;
        }
        int old = W.addresses;
        W.addresses = n;
        enum strigger_kind k;
        if (old == 0 && n > 0)
                k = TRIGGER_ADDRESS_FIRST;
        else if (old > 0 && n == 0)
                k = TRIGGER_ADDRESS_LAST;
        else
                return;
        fire(match_kind, -1, &k);
}

static int watch_addresses(void) {
        if (W.route.fd >= 0)
                return 0;
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
        if (fd < 0)
                return -errno;
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK,
                                 .nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR};
        int r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
        if (r >= 0)
                r = count_addresses();
        if (r < 0) {
                close(fd);
                return r;
        }
        W.addresses = r;
        return open_source(&W.route, fd, on_route);
}

/* ---- mounts ---------------------------------------------------------------- */

static bool match_mount(const struct trigger_spec *t, int wd, const void *ctx) {
        const struct mount_entry *e = ((const void *const *)ctx)[0];
        const char *action = ((const void *const *)ctx)[1];
        (void)wd;
        enum strigger_kind k = strcmp(action, "mounted") == 0     ? TRIGGER_MOUNT
                               : strcmp(action, "unmounted") == 0 ? TRIGGER_UNMOUNT
                                                                  : (enum strigger_kind) - 1;
        return t->kind == k && strcmp(t->arg, e->mount_point) == 0;
}

void service_triggers_mount_changed(struct manager *m, const char *action,
                                    const struct mount_entry *e) {
        (void)m;
        const void *ctx[] = {e, action};
        fire(match_mount, -1, ctx);
}

/* ---- entries --------------------------------------------------------------- */

static struct triggered *find(const struct service *s) {
        for (struct triggered *e = W.entries; e; e = e->next)
                if (e->service == s)
                        return e;
        return NULL;
}

/* Starts watching trigger i of e; a failure is kept for query_triggers. */
static void watch_one(struct triggered *e, size_t i) {
        struct trigger_spec *t = &e->specs[i];
        _cleanup_free_ char *why = NULL;
        int r = trigger_spec_parse(e->texts[i], t, &why);
        if (r >= 0) {
                switch (t->kind) {
                case TRIGGER_PATH:
                        r = watch_path(t, &e->wds[i]);
                        break;
                case TRIGGER_ADDRESS_FIRST:
                case TRIGGER_ADDRESS_LAST:
                        r = watch_addresses();
                        break;
                case TRIGGER_DEVICE_ARRIVAL:
                case TRIGGER_DEVICE_REMOVAL:
                        r = watch_devices();
                        break;
                default: /* mounts come from main.c, custom events from clients */
                        break;
                }
                if (r < 0 && asprintf(&why, "cannot watch it: %s", strerror(-r)) < 0)
                        why = NULL;
        }
        if (r < 0) {
                log_warning("service %s: trigger '%s' is not watched: %s", e->service->config.name,
                            e->texts[i], why ? why : "out of memory");
                e->errors[i] = why ? TAKE_PTR(why) : strdup("out of memory");
        }
}

static void clear(struct triggered *e) {
        size_t n = e->n;
        e->n = 0; /* so that unwatch_path() does not count e's own watches */
        for (size_t i = 0; i < n; i++) {
                if (e->wds[i] >= 0)
                        unwatch_path(e->wds[i]);
                trigger_spec_done(&e->specs[i]);
                free(e->errors[i]);
                e->errors[i] = NULL;
                e->wds[i] = -1;
        }
        strv_free(e->texts);
        e->texts = NULL;
}

static void entry_free(struct triggered *e) {
        clear(e);
        for (struct triggered **p = &W.entries; *p; p = &(*p)->next)
                if (*p == e) {
                        *p = e->next;
                        break;
                }
        free(e);
}

/* Takes texts (a NULL-terminated vector). */
static void publish(struct service *s, char **texts) {
        struct triggered *e = find(s);
        if (e)
                clear(e);
        if (!texts || !texts[0]) {
                strv_free(texts);
                if (e)
                        entry_free(e);
                return;
        }
        if (!e) {
                e = calloc(1, sizeof(*e));
                if (!e) {
                        strv_free(texts);
                        return;
                }
                e->service = s;
                e->next = W.entries;
                W.entries = e;
        }
        e->texts = texts;
        size_t n = 0;
        while (n < TRIGGERS_MAX && texts[n])
                n++;
        for (size_t i = 0; i < n; i++)
                e->wds[i] = -1;
        for (size_t i = 0; i < n; i++) {
                watch_one(e, i);
                e->n = i + 1;
        }
}

int service_triggers_start(struct manager *m) {
        W.m = m;
        _cleanup_free_ struct service **all = NULL;
        ssize_t n = registry_sorted(m->registry, &all);
        if (n < 0)
                return (int)n;
        for (ssize_t i = 0; i < n; i++) {
                char **texts = NULL;
                int r = db_text_list_load(m->db, DB_LIST_TRIGGERS, all[i]->id, &texts);
                if (r < 0)
                        log_warning("service %s: cannot load its triggers: %s", all[i]->config.name,
                                    strerror(-r));
                else if (texts)
                        publish(all[i], texts);
        }
        return 0;
}

void service_triggers_free(struct manager *m) {
        (void)m;
        while (W.entries)
                entry_free(W.entries);
        if (!W.m)
                return;
        close_source(&W.inotify);
        close_source(&W.uevent);
        close_source(&W.route);
}

void service_triggers_deleted(struct service *s) {
        struct triggered *e = find(s);
        if (e)
                entry_free(e);
}

static int fail_set(char **ret_error, int win32, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail_set(char **ret_error, int win32, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0) {
                *ret_error = NULL;
                win32 = SCM_ERROR_NOT_ENOUGH_MEMORY;
        }
        va_end(ap);
        return SCM_ERR(win32);
}

int service_triggers_set(struct service *s, char **texts, char **ret_error) {
        *ret_error = NULL;
        size_t n = 0;
        while (texts && texts[n])
                n++;
        if (n > TRIGGERS_MAX)
                return fail_set(ret_error, SCM_ERROR_INVALID_PARAMETER,
                                "a service has at most %d triggers", TRIGGERS_MAX);
        for (size_t i = 0; i < n; i++) {
                struct trigger_spec t;
                _cleanup_free_ char *why = NULL;
                int r = trigger_spec_parse(texts[i], &t, &why);
                if (r < 0)
                        return fail_set(ret_error, SCM_ERROR_INVALID_PARAMETER, "trigger %zu: %s",
                                        i + 1, why ? why : "out of memory");
                trigger_spec_done(&t);
        }
        char **copy = n ? strv_copy(texts) : NULL;
        if (n && !copy)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        int r = db_text_list_save(s->manager->db, DB_LIST_TRIGGERS, s->id, texts);
        if (r < 0) {
                strv_free(copy);
                return fail_set(ret_error, SCM_ERROR_SERVICE_DATABASE_LOCKED,
                                "the database could not be written (%s); nothing was changed",
                                strerror(-r));
        }
        W.m = s->manager;
        publish(s, copy);
        return 0;
}

size_t service_triggers_query(struct service *s, char ***ret_texts, const char ***ret_errors) {
        struct triggered *e = find(s);
        if (!e)
                return 0;
        *ret_texts = e->texts;
        *ret_errors = (const char **)e->errors;
        return e->n;
}

int service_triggers_fire(struct manager *m, const char *event, const char *data,
                          bool (*may)(void *userdata, struct service *s, bool stop),
                          void (*each)(void *userdata, struct service *s, bool stop,
                                       enum trigger_outcome o),
                          void *userdata) {
        (void)m;
        _cleanup_free_ char *what = NULL;
        if (asprintf(&what, "custom:%s%s%s", event, data ? " " : "", data ? data : "") < 0)
                what = NULL;
        int matched = 0;
        for (struct triggered *e = W.entries; e; e = e->next)
                for (size_t i = 0; i < e->n; i++) {
                        const struct trigger_spec *t = &e->specs[i];
                        if (e->errors[i] || t->kind != TRIGGER_CUSTOM || strcmp(t->arg, event) ||
                            (t->data && (!data || strcmp(t->data, data))))
                                continue;
                        matched++;
                        enum trigger_outcome o =
                                may(userdata, e->service, t->stop)
                                        ? act(e->service, t->stop, what ? what : event)
                                        : TRIGGER_DENIED;
                        each(userdata, e->service, t->stop, o);
                        break;
                }
        return matched;
}
