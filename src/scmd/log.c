/* SPDX-License-Identifier: MIT */
/*
 * scmd's own log: one line per event, "LEVEL message", to stderr in the
 * foreground or appended to scmd.log in the log folder otherwise.  Each
 * event is logged once, where it is handled.
 */
#include "scmd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int log_fd = STDERR_FILENO;
static enum log_level max_level = LOG_LEVEL_INFO;

static const char *const level_names[] = {
        [LOG_LEVEL_ERROR] = "error",
        [LOG_LEVEL_WARNING] = "warning",
        [LOG_LEVEL_INFO] = "info",
        [LOG_LEVEL_DEBUG] = "debug",
};

int log_open_file(const char *path) {
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0)
                return -errno;
        log_fd = fd;
        return 0;
}

void log_set_level(enum log_level max) {
        max_level = max;
}

void log_msg(enum log_level level, const char *fmt, ...) {
        if (level > max_level)
                return;
        int saved = errno;
        char line[2048];
        struct timespec ts;
        struct tm tm;
        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        size_t n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
        n += (size_t)snprintf(line + n, sizeof(line) - n,
                              ".%03ldZ scmd[%d] %s: ", ts.tv_nsec / 1000000, (int)getpid(),
                              level_names[level]);
        va_list ap;
        va_start(ap, fmt);
        errno = saved; /* for %m */
        int m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
        va_end(ap);
        n = m < 0 ? n : n + (size_t)m;
        if (n > sizeof(line) - 2)
                n = sizeof(line) - 2;
        line[n++] = '\n';
        (void)!write(log_fd, line, n);
        errno = saved;
}
