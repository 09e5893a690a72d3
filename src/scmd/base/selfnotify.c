/* SPDX-License-Identifier: MIT */
/*
 * scmd's own readiness and liveness, told to the manager that runs it
 * (packaging/scmd.service: Type=notify, WatchdogSec=).  The sd_notify
 * protocol from the sending side: one datagram to the socket named by
 * NOTIFY_SOCKET (a path, or "@name" for the abstract namespace).  READY=1
 * goes once the listening socket accepts, so "systemctl start scm && scctl
 * ..." never races; WATCHDOG=1 comes from a timer of the loop, so a loop
 * that hangs stops it and the host's manager restarts scmd, which takes
 * its services back.  After daemon-reexec the new scmd says READY=1 again
 * (same pid).
 */
#include "selfnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

static struct loop_timer watchdog_timer;
static usec_t watchdog_period;
static struct loop *watchdog_loop;

static int send_message(const char *text) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (!path || !path[0] || strlen(path) >= sizeof(addr.sun_path))
                return -EINVAL;
        memcpy(addr.sun_path, path, strlen(path));
        socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
        if (addr.sun_path[0] == '@')
                addr.sun_path[0] = '\0';
        else
                len++; /* a path counts its NUL */
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&addr, len) < 0)
                return -errno;
        return 0;
}

static void on_watchdog(struct loop_timer *t) {
        send_message("WATCHDOG=1");
        loop_timer_arm(watchdog_loop, t, now_usec() + watchdog_period, on_watchdog);
}

void selfnotify_ready(struct loop *l) {
        char text[64];
        snprintf(text, sizeof(text), "READY=1\nMAINPID=%d", (int)getpid());
        if (!getenv("NOTIFY_SOCKET"))
                return;
        int r = send_message(text);
        if (r < 0)
                log_warning("cannot tell NOTIFY_SOCKET that scmd is ready: %s", strerror(-r));
        const char *usec = getenv("WATCHDOG_USEC"), *pid = getenv("WATCHDOG_PID");
        if (!usec || (pid && atoi(pid) != (int)getpid()))
                return;
        unsigned long long v = strtoull(usec, NULL, 10);
        if (v == 0)
                return;
        watchdog_period = (usec_t)(v / 2);
        watchdog_loop = l;
        loop_timer_arm(l, &watchdog_timer, now_usec() + watchdog_period, on_watchdog);
}
