/* SPDX-License-Identifier: MIT */
/*
 * scmd's own log: to stderr in the foreground, else to its file.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* Logs to stderr (foreground) or to the file set by log_open_file(). */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int log_open_file(const char *path);
/* In a child of scmd about to close every other descriptor: the log moves
 * onto standard error. */
void log_to_stderr(void);
void log_set_level(enum log_level max);
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* One source's warnings (a service's channel, say): at most LOG_BURST in a
 * window of LOG_WINDOW_SEC seconds; the rest are counted, and the count is
 * said once with the first warning of a later window (log_ratelimit.c). */
#define LOG_BURST 10
#define LOG_WINDOW_SEC 10
struct log_ratelimit {
        unsigned long long window_start_us;
        unsigned shown;
        unsigned suppressed;
};
/* Whether a warning of source may be written now. */
bool log_ratelimit_pass(struct log_ratelimit *rl, const char *source);
/* The same window for something else than warnings: whether one more may
 * happen now, at most burst in window_sec; rl->suppressed counts those
 * refused in this window. */
bool ratelimit_take(struct log_ratelimit *rl, unsigned burst, unsigned window_sec);
#define log_warning_limited(rl, source, ...)                                                       \
        do {                                                                                       \
                if (log_ratelimit_pass((rl), (source)))                                            \
                        log_warning(__VA_ARGS__);                                                  \
        } while (0)
