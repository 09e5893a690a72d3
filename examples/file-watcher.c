/* SPDX-License-Identifier: MIT */
/*
 * file-watcher: logs every file created, written, moved or deleted in one
 * folder, using inotify.  A small real service of the kind that runs for a
 * long time and does nothing until the world changes.  SIGTERM ends it with
 * exit status 0.
 *
 *   scctl create watcher --exec "/path/to/file-watcher /srv/incoming"
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <unistd.h>

static const char *event_name(uint32_t mask) {
        if (mask & IN_CREATE)
                return "created";
        if (mask & IN_CLOSE_WRITE)
                return "written";
        if (mask & IN_MOVED_FROM)
                return "moved away";
        if (mask & IN_MOVED_TO)
                return "moved in";
        if (mask & IN_DELETE)
                return "deleted";
        if (mask & (IN_DELETE_SELF | IN_IGNORED))
                return "watched folder went away";
        return "changed";
}

int main(int argc, char **argv) {
        /* Aligned for struct inotify_event, large enough for at least one. */
        char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
                __attribute__((aligned(__alignof__(struct inotify_event))));
        sigset_t mask;

        if (argc != 2) {
                fprintf(stderr, "usage: file-watcher FOLDER\n");
                return 2;
        }
        setvbuf(stdout, NULL, _IOLBF, 0);
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);

        struct pollfd fds[2] = {
                {.fd = signalfd(-1, &mask, SFD_CLOEXEC), .events = POLLIN},
                {.fd = inotify_init1(IN_CLOEXEC), .events = POLLIN},
        };
        if (fds[0].fd < 0 || fds[1].fd < 0 ||
            inotify_add_watch(fds[1].fd, argv[1],
                              IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE |
                                      IN_DELETE_SELF) < 0) {
                fprintf(stderr, "file-watcher: cannot watch %s: %m\n", argv[1]);
                return 1;
        }
        printf("file-watcher: watching %s\n", argv[1]);

        for (;;) {
                if (poll(fds, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("file-watcher: poll");
                        return 1;
                }
                if (fds[0].revents & POLLIN) {
                        printf("file-watcher: stopping\n");
                        return 0;
                }
                ssize_t n = read(fds[1].fd, buf, sizeof(buf));
                if (n <= 0)
                        continue;
                for (char *p = buf; p < buf + n;) {
                        const struct inotify_event *ev = (const struct inotify_event *)p;
                        printf("file-watcher: %s%s%s\n", ev->len ? ev->name : "",
                               ev->len ? ": " : "", event_name(ev->mask));
                        if (ev->mask & (IN_DELETE_SELF | IN_IGNORED))
                                return 1;
                        p += sizeof(*ev) + ev->len;
                }
        }
}
