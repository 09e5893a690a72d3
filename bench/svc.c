/* SPDX-License-Identifier: MIT */
/*
 * bench-svc: the trivial service that every manager in the benchmark runs,
 * scm, the peers and the floor alike.  Its first act is to read
 * CLOCK_MONOTONIC; it appends "<nanoseconds> <pid>\n" to the stamp file
 * and then waits for a signal, doing nothing else.  The benchmark measures
 * start-up from these stamps, written by the services themselves, and
 * never from a manager's opinion of its services.
 *
 * The stamp file is argv[1] when that is an absolute path, else "stamps"
 * in the working folder: runsv, s6-supervise and supervise run ./run in
 * the service folder (s6-supervise with the service's name as argument),
 * so there ./run is a symbolic link to this binary and ./stamps one to the
 * shared stamp file, and no shell is spent on a run script.  One write() on an O_APPEND descriptor
 * is one line: lines of concurrent services never tear.  The binary is linked statically, so its
 * exec costs the same under every manager.
 */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);

        const char *path = argc > 1 && argv[1][0] == '/' ? argv[1] : "stamps";
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0)
                return 1;
        char line[64];
        int n = snprintf(line, sizeof(line), "%lld %d\n",
                         (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, (int)getpid());
        if (write(fd, line, (size_t)n) != n)
                return 1;
        close(fd);

        for (;;)
                pause(); /* until a signal ends it (default actions only) */
}
