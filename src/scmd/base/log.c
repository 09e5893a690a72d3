/* SPDX-License-Identifier: MIT */
/*
 * scmd's own log: one line per event, "LEVEL message", to stderr in the
 * foreground or appended to scmd.log in the log folder otherwise.  Each
 * event is logged once, where it is handled.
 *
 * Messages carry text from outside (a service's message, a module's error,
 * names): a control character in it is written escaped ("\n", "\x1b"), so
 * that a line of the log is always one event of scmd's and nobody can
 * forge one, or a terminal's escape sequence, through what scmd logs.
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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
        int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
        if (fd < 0)
                return -errno;
        log_fd = fd;
        return 0;
}

void log_to_stderr(void) {
        if (log_fd != STDERR_FILENO && dup2(log_fd, STDERR_FILENO) == STDERR_FILENO)
                log_fd = STDERR_FILENO;
}

void log_set_level(enum log_level max) {
        max_level = max;
}

/* Appends text to buf (holding n bytes, at most size) with each control
 * character escaped; cut where the next character would not fit.  The new
 * length. */
static size_t escape_into(char *buf, size_t n, size_t size, const char *text) {
        for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
                char esc[5];
                size_t len = 1;
                if (*p == '\n' || *p == '\t' || *p == '\r')
                        len = (size_t)snprintf(esc, sizeof(esc), "\\%c",
                                               *p == '\n'   ? 'n'
                                               : *p == '\t' ? 't'
                                                            : 'r');
                else if (*p < 0x20 || *p == 0x7f)
                        len = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", *p);
                else
                        esc[0] = (char)*p;
                if (n + len > size)
                        break;
                memcpy(buf + n, esc, len);
                n += len;
        }
        return n;
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
        char text[2048];
        va_list ap;
        va_start(ap, fmt);
        errno = saved; /* for %m */
        if (vsnprintf(text, sizeof(text), fmt, ap) < 0)
                text[0] = '\0';
        va_end(ap);
        n = escape_into(line, n, sizeof(line) - 1, text);
        line[n++] = '\n';
        (void)!write(log_fd, line, n);
        errno = saved;
}
