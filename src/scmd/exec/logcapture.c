/* SPDX-License-Identifier: MIT */
/*
 * A service's standard output and error: one pipe per run, read by the
 * loop and appended to the service's log file with a UTC timestamp at the
 * start of each line.  When the file passes the size limit it is renamed
 * NAME.log.1 (older ones shift up to the keep count, the oldest is
 * dropped) and a new file is begun, so a chatty service can never fill the
 * disk.  A service blocked on a full pipe only ever blocks itself.
 *
 * The file is open only while output is being written (created by the
 * run's first output, then opened, appended to and closed for each read):
 * a running service costs scmd one descriptor for its output, the pipe,
 * and a quiet one no file at all.
 */
#include "logcapture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

static uint64_t max_size = 1024 * 1024;
static unsigned keep = 3;

void log_capture_set_limits(uint64_t size, unsigned count) {
        max_size = size;
        keep = count;
}

void log_capture_init(struct log_capture *lc) {
        *lc = (struct log_capture){.pipe_fd = -1, .io = {.fd = -1}, .file_fd = -1};
}

/* The size on disk is the file's own, whoever else wrote to it. */
static int file_open(struct log_capture *lc) {
        if (lc->file_fd >= 0)
                return 0;
        lc->file_fd = open(lc->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (lc->file_fd < 0)
                return -errno;
        struct stat st;
        lc->file_size = fstat(lc->file_fd, &st) == 0 ? (uint64_t)st.st_size : 0;
        return 0;
}

static void file_close(struct log_capture *lc) {
        if (lc->file_fd >= 0)
                close(lc->file_fd);
        lc->file_fd = -1;
}

/* A run begins with no file opened: it is created by the first output (a
 * quiet service costs no file, and a start no file system work). */
static void run_begin(struct log_capture *lc) {
        lc->drop = false;
        lc->warned = false;
        lc->at_line_start = true;
}

/* The file for output at hand.  One that cannot be had is said once a
 * run; what was read meanwhile is lost.  A lasting reason (the path is a
 * link, a folder, not permitted, read-only) drops the rest of the run's
 * output; a passing one (no descriptor or memory left) is tried again at
 * the next read. */
static bool file_ready(struct log_capture *lc) {
        if (lc->drop)
                return false;
        int r = file_open(lc);
        if (r >= 0)
                return true;
        if (!lc->warned)
                log_warning("cannot open log file %s, the service's output is dropped: %s",
                            lc->path, strerror(-r));
        lc->warned = true;
        lc->drop = r != -EMFILE && r != -ENFILE && r != -ENOMEM && r != -EINTR && r != -EAGAIN;
        return false;
}

static int rotate(struct log_capture *lc) {
        size_t len = strlen(lc->path) + 16;
        _cleanup_free_ char *from = malloc(len), *to = malloc(len);
        if (!from || !to)
                return -ENOMEM;
        for (unsigned i = keep; i > 1; i--) {
                snprintf(from, len, "%s.%u", lc->path, i - 1);
                snprintf(to, len, "%s.%u", lc->path, i);
                rename(from, to);
        }
        if (keep == 0) {
                unlink(lc->path);
        } else {
                snprintf(to, len, "%s.1", lc->path);
                rename(lc->path, to);
        }
        int fd = open(lc->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0)
                return -errno;
        close(lc->file_fd);
        lc->file_fd = fd;
        lc->file_size = 0;
        return 0;
}

static void write_all(struct log_capture *lc, const char *p, size_t n) {
        while (n > 0) {
                ssize_t w = write(lc->file_fd, p, n);
                if (w < 0) {
                        if (errno == EINTR)
                                continue;
                        return; /* a full disk loses log lines, never the service */
                }
                p += w;
                n -= (size_t)w;
                lc->file_size += (uint64_t)w;
        }
}

static void write_stamp(struct log_capture *lc) {
        char stamp[40];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t)snprintf(stamp + n, sizeof(stamp) - n, ".%03ldZ ", ts.tv_nsec / 1000000);
        write_all(lc, stamp, n);
}

static void append(struct log_capture *lc, const char *buf, size_t len) {
        while (len > 0) {
                if (lc->at_line_start) {
                        if (lc->file_size >= max_size && rotate(lc) < 0)
                                log_warning("cannot rotate a service log: %m");
                        write_stamp(lc);
                        lc->at_line_start = false;
                }
                const char *nl = memchr(buf, '\n', len);
                size_t chunk = nl ? (size_t)(nl - buf) + 1 : len;
                write_all(lc, buf, chunk);
                if (nl)
                        lc->at_line_start = true;
                buf += chunk;
                len -= chunk;
        }
}

/* Reads at most one pipe's worth per call so one service cannot starve
 * the loop.  Returns false at EOF or error. */
static bool pump(struct log_capture *lc) {
        char buf[65536];
        ssize_t n = read(lc->pipe_fd, buf, sizeof(buf));
        if (n > 0) {
                if (file_ready(lc)) {
                        append(lc, buf, (size_t)n);
                        file_close(lc);
                }
                return true;
        }
        return n < 0 && (errno == EAGAIN || errno == EINTR);
}

static void close_pipe(struct log_capture *lc) {
        loop_io_remove(lc->loop, &lc->io);
        if (lc->pipe_fd >= 0)
                close(lc->pipe_fd);
        lc->pipe_fd = -1;
}

static void on_pipe(struct loop_io *io, uint32_t events) {
        struct log_capture *lc = container_of(io, struct log_capture, io);
        (void)events;
        if (!pump(lc))
                close_pipe(lc); /* every writer has gone */
}

int log_capture_open(struct log_capture *lc, struct loop *l, const char *path, int *ret_write_fd) {
        log_capture_close(lc);
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        fcntl(fds[0], F_SETFL, O_NONBLOCK);
        lc->loop = l;
        lc->path = path;
        lc->pipe_fd = fds[0];
        run_begin(lc);
        int r = loop_io_add(l, &lc->io, lc->pipe_fd, EPOLLIN, on_pipe);
        if (r < 0) {
                close(fds[1]);
                log_capture_close(lc);
                return r;
        }
        *ret_write_fd = fds[1];
        return 0;
}

int log_capture_adopt(struct log_capture *lc, struct loop *l, const char *path, int pipe_fd) {
        log_capture_close(lc);
        fcntl(pipe_fd, F_SETFL, O_NONBLOCK);
        fcntl(pipe_fd, F_SETFD, FD_CLOEXEC);
        lc->loop = l;
        lc->path = path;
        lc->pipe_fd = pipe_fd;
        run_begin(lc);
        int r = loop_io_add(l, &lc->io, lc->pipe_fd, EPOLLIN, on_pipe);
        if (r < 0)
                log_capture_close(lc);
        return r;
}

void log_capture_close(struct log_capture *lc) {
        if (lc->pipe_fd >= 0) {
                /* Bounded: the writers are gone, so the pipe holds at most its buffer. */
                for (int i = 0; i < 64 && pump(lc); i++)
                        ;
                close_pipe(lc);
        }
        if (!lc->at_line_start && lc->path && !lc->drop && file_open(lc) == 0)
                write_all(lc, "\n", 1);
        lc->at_line_start = true;
        file_close(lc);
}
