/* SPDX-License-Identifier: MIT */
/*
 * notify-daemon: an ordinary Linux daemon that speaks the sd_notify
 * protocol, with no scm code in it, to show that such daemons run
 * unchanged as notify services.  It initialises for a while (saying so
 * with STATUS= and EXTEND_TIMEOUT_USEC=), sends READY=1, pets the watchdog
 * if $WATCHDOG_USEC asks for it, and on SIGTERM sends STOPPING=1 and ends.
 *
 *   scctl create nd --kind notify --exec "/path/to/notify-daemon 1500"
 *
 * The argument is how many milliseconds "initialising" takes (default 500).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t terminate;

static void on_term(int sig) {
        (void)sig;
        terminate = 1;
}

/* sd_notify(3) in a dozen lines: one datagram to $NOTIFY_SOCKET. */
static void notify(const char *fmt, ...) {
        const char *path = getenv("NOTIFY_SOCKET");
        if (!path || !path[0])
                return;
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
        if (addr.sun_path[0] == '@')
                addr.sun_path[0] = '\0'; /* abstract namespace */
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return;
        sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&addr, sizeof(addr));
        close(fd);
}

static void sleep_ms(long ms) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
        long init_ms = argc > 1 ? atol(argv[1]) : 500;
        const char *wd = getenv("WATCHDOG_USEC");
        long watchdog_ms = wd ? atol(wd) / 1000 : 0;

        signal(SIGTERM, on_term);
        printf("notify-daemon: initialising for %ld ms\n", init_ms);
        fflush(stdout);
        notify("STATUS=initialising\nEXTEND_TIMEOUT_USEC=%ld", (init_ms + 1000) * 1000);
        sleep_ms(init_ms);

        notify("READY=1\nSTATUS=serving");
        printf("notify-daemon: ready\n");
        fflush(stdout);

        long tick = watchdog_ms > 0 ? watchdog_ms / 2 : 1000;
        while (!terminate) {
                sleep_ms(tick);
                if (watchdog_ms > 0)
                        notify("WATCHDOG=1");
        }

        notify("STOPPING=1\nSTATUS=shutting down");
        printf("notify-daemon: stopping\n");
        fflush(stdout);
        return 0;
}
