/* SPDX-License-Identifier: MIT */
/*
 * scm-test-listener: a small server started on demand, as existing daemons
 * are: it takes its listening sockets the way sd_listen_fds() does
 * (LISTEN_PID must be its own pid, LISTEN_FDS of them from descriptor 3,
 * LISTEN_FDNAMES their names), writes what it got to a report file
 * (--report FILE: pid=, listen_fds=, listen_names=, then a line a
 * connection), and answers every connection on descriptor 3 with one line,
 * "hello from PID", until SIGTERM.  Without sockets it says so and exits 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static FILE *report;

/* One "key=value" line of the report. */
static void say(const char *key, const char *value) {
        fprintf(report, "%s=%s\n", key, value);
        fflush(report);
}

int main(int argc, char **argv) {
        if (argc != 3 || strcmp(argv[1], "--report") != 0) {
                fprintf(stderr, "usage: scm-test-listener --report FILE\n");
                return 2;
        }
        report = fopen(argv[2], "ae");
        if (!report)
                return 2;
        char pid[16];
        snprintf(pid, sizeof(pid), "%d", (int)getpid());
        say("pid", pid);
        const char *lpid = getenv("LISTEN_PID"), *lfds = getenv("LISTEN_FDS");
        const char *names = getenv("LISTEN_FDNAMES");
        if (!lpid || !lfds || strcmp(lpid, pid) != 0 || atoi(lfds) < 1) {
                say("no-sockets", lpid ? lpid : "(no LISTEN_PID)");
                return 3;
        }
        say("listen_fds", lfds);
        say("listen_names", names ? names : "");
        for (;;) {
                int c = accept4(3, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0) {
                        if (errno == EINTR)
                                continue;
                        say("accept-failed", strerror(errno));
                        return 1;
                }
                say("connection", "1");
                dprintf(c, "hello from %s\n", pid);
                close(c);
        }
}
