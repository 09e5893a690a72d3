/* SPDX-License-Identifier: MIT */
/*
 * Triggers of scheduled tasks: parsing the text form and the next due time
 * (trigger.h has the grammar).
 *
 * The calendar is the C library's: a candidate day and time of day are
 * turned into a unix time by mktime() with tm_isdst = -1, under the task's
 * time zone set in TZ for the length of the call (scmd has one thread, so
 * nothing else reads TZ meanwhile).  So a time that does not exist on a
 * day (skipped when summer time begins) is taken as the time the clock
 * shows an hour later, and a time that comes twice (when it ends) runs
 * once, at whichever of the two mktime() gives.  Interval triggers count
 * seconds, not the calendar: "every 1d" is every 86400 seconds.
 */
#include "trigger.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

static int fail(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

/* A whole decimal number of digits only, in [min, max]. */
static bool number(const char *s, size_t len, long min, long max, long *ret) {
        if (len == 0 || len > 9)
                return false;
        long v = 0;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                v = v * 10 + (s[i] - '0');
        }
        if (v < min || v > max)
                return false;
        *ret = v;
        return true;
}

static bool parse_time(const char *s, struct trigger *t) {
        long h, m, sec = 0;
        size_t len = strlen(s);
        if ((len != 5 && len != 8) || s[2] != ':' || (len == 8 && s[5] != ':'))
                return false;
        if (!number(s, 2, 0, 23, &h) || !number(s + 3, 2, 0, 59, &m) ||
            (len == 8 && !number(s + 6, 2, 0, 59, &sec)))
                return false;
        t->hour = (int)h;
        t->minute = (int)m;
        t->second = (int)sec;
        return true;
}

static bool parse_date(const char *s, size_t len, struct trigger *t) {
        long y, mo, d;
        if (len != 10 || s[4] != '-' || s[7] != '-' || !number(s, 4, 1970, 9999, &y) ||
            !number(s + 5, 2, 1, 12, &mo) || !number(s + 8, 2, 1, 31, &d))
                return false;
        t->year = (int)y;
        t->month = (int)mo;
        t->day = (int)d;
        return true;
}

/* DATE TIME as words[0] (and words[1]), or DATE'T'TIME as one word; the
 * number of words used, or -1. */
static int parse_date_time(char **words, int n, struct trigger *t) {
        if (n >= 1 && strlen(words[0]) > 11 && words[0][10] == 'T')
                return parse_date(words[0], 10, t) && parse_time(words[0] + 11, t) ? 1 : -1;
        if (n >= 2 && parse_date(words[0], strlen(words[0]), t) && parse_time(words[1], t))
                return 2;
        return -1;
}

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static bool parse_weekdays(const char *s, uint32_t *ret) {
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;
        uint32_t days = 0;
        if (!copy)
                return false;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                int found = -1;
                for (int i = 0; i < 7; i++)
                        if (strcasecmp(w, day_names[i]) == 0)
                                found = i;
                if (found < 0)
                        return false;
                days |= 1u << found;
        }
        *ret = days;
        return days != 0;
}

static bool parse_monthdays(const char *s, uint32_t *ret) {
        _cleanup_free_ char *copy = strdup(s);
        char *save = NULL;
        uint32_t days = 0;
        long d;
        if (!copy)
                return false;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                if (!number(w, strlen(w), 1, 31, &d))
                        return false;
                days |= 1u << d;
        }
        *ret = days;
        return days != 0;
}

static bool parse_interval(const char *s, uint64_t *ret) {
        size_t len = strlen(s);
        long n;
        if (len < 2 || !number(s, len - 1, 1, 999999999, &n))
                return false;
        uint64_t unit = s[len - 1] == 's'   ? 1
                        : s[len - 1] == 'm' ? 60
                        : s[len - 1] == 'h' ? 3600
                        : s[len - 1] == 'd' ? 86400
                                            : 0;
        if (!unit || (uint64_t)n * unit > TRIGGER_INTERVAL_MAX_S)
                return false;
        *ret = (uint64_t)n * unit;
        return true;
}

#define MAX_WORDS 6

static int parse_words(char **w, int n, struct trigger *t, char **ret_error) {
        const char *kind = w[0];
        if (strcmp(kind, "boot") == 0) {
                t->kind = TRIGGER_BOOT;
                return n == 1 ? 0 : fail(ret_error, "'boot' takes nothing after it");
        }
        if (strcmp(kind, "once") == 0) {
                t->kind = TRIGGER_ONCE;
                if (parse_date_time(w + 1, n - 1, t) != n - 1)
                        return fail(ret_error, "'once' takes a date and a time: once "
                                               "YYYY-MM-DD HH:MM[:SS]");
                return 0;
        }
        if (strcmp(kind, "every") == 0) {
                t->kind = TRIGGER_EVERY;
                if (n < 2 || !parse_interval(w[1], &t->interval_s))
                        return fail(ret_error,
                                    "'every' takes a count and a unit, 1s to 366d: every 90s, "
                                    "every 15m, every 2h, every 1d");
                if (n == 2)
                        return 0;
                if (strcmp(w[2], "from") != 0 || parse_date_time(w + 3, n - 3, t) != n - 3)
                        return fail(ret_error,
                                    "after 'every %s' only 'from YYYY-MM-DD HH:MM' "
                                    "may follow",
                                    w[1]);
                return 0;
        }
        bool daily = strcmp(kind, "daily") == 0, weekly = strcmp(kind, "weekly") == 0,
             monthly = strcmp(kind, "monthly") == 0;
        if (!daily && !weekly && !monthly)
                return fail(ret_error,
                            "'%s' is not a trigger: once, every, daily, weekly, monthly or boot",
                            kind);
        t->kind = daily ? TRIGGER_DAILY : weekly ? TRIGGER_WEEKLY : TRIGGER_MONTHLY;
        int want = daily ? 2 : 3;
        if (n != want || !parse_time(w[want - 1], t))
                return fail(ret_error, "expected '%s%s HH:MM[:SS]'", kind,
                            daily    ? ""
                            : weekly ? " mon,tue,..."
                                     : " 1,15,...");
        if (weekly && !parse_weekdays(w[1], &t->days))
                return fail(ret_error, "'%s' is not a list of days (mon,tue,wed,thu,fri,sat,sun)",
                            w[1]);
        if (monthly && !parse_monthdays(w[1], &t->days))
                return fail(ret_error, "'%s' is not a list of days of the month (1 to 31)", w[1]);
        return 0;
}

int trigger_parse(const char *text, struct trigger *ret, char **ret_error) {
        *ret_error = NULL;
        if (!text || strlen(text) > TRIGGER_TEXT_MAX_BYTES)
                return fail(ret_error, "a trigger is at most %d bytes", TRIGGER_TEXT_MAX_BYTES);
        _cleanup_free_ char *copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        char *w[MAX_WORDS + 1], *save = NULL;
        int n = 0;
        for (char *p = strtok_r(copy, " \t", &save); p; p = strtok_r(NULL, " \t", &save)) {
                if (n == MAX_WORDS)
                        return fail(ret_error, "the trigger '%s' has too many words", text);
                w[n++] = p;
        }
        if (n == 0)
                return fail(ret_error, "a trigger is empty: once, every, daily, weekly, monthly "
                                       "or boot");
        struct trigger t = {0};
        int r = parse_words(w, n, &t, ret_error);
        if (r < 0)
                return r;
        *ret = t;
        return 0;
}

/* TZ set to the task's zone for the length of a computation. */
struct tz_scope {
        char *saved;
        bool changed;
};

static void tz_enter(struct tz_scope *s, const char *tz) {
        *s = (struct tz_scope){0};
        if (!tz || !tz[0])
                return;
        const char *old = getenv("TZ");
        s->saved = old ? strdup(old) : NULL;
        s->changed = true;
        setenv("TZ", tz, 1);
        tzset();
}

static void tz_leave(struct tz_scope *s) {
        if (!s->changed)
                return;
        if (s->saved)
                setenv("TZ", s->saved, 1);
        else
                unsetenv("TZ");
        tzset();
        free(s->saved);
}

static int64_t local_time(int year, int month, int day, const struct trigger *t) {
        struct tm tm = {.tm_year = year - 1900,
                        .tm_mon = month - 1,
                        .tm_mday = day,
                        .tm_hour = t->hour,
                        .tm_min = t->minute,
                        .tm_sec = t->second,
                        .tm_isdst = -1};
        return (int64_t)mktime(&tm);
}

static bool day_matches(const struct trigger *t, const struct tm *day) {
        switch (t->kind) {
        case TRIGGER_WEEKLY:
                return t->days & (1u << day->tm_wday);
        case TRIGGER_MONTHLY:
                return t->days & (1u << day->tm_mday);
        default:
                return true;
        }
}

/* daily, weekly, monthly: the first matching day (from after's) whose
 * time of day is later than after; within 400 days (a monthly 31 finds
 * one within two months). */
static int next_on_calendar(const struct trigger *t, int64_t after, int64_t *ret) {
        time_t a = (time_t)after;
        struct tm base;
        if (!localtime_r(&a, &base))
                return -EINVAL;
        for (int i = 0; i < 400; i++) {
                struct tm day = {.tm_year = base.tm_year,
                                 .tm_mon = base.tm_mon,
                                 .tm_mday = base.tm_mday + i,
                                 .tm_hour = 12,
                                 .tm_isdst = -1};
                if (mktime(&day) == (time_t)-1 || !day_matches(t, &day))
                        continue;
                int64_t when = local_time(day.tm_year + 1900, day.tm_mon + 1, day.tm_mday, t);
                if (when > after) {
                        *ret = when;
                        return 0;
                }
        }
        return -ENOENT;
}

static int next_of(const struct trigger *t, int64_t after, int64_t *ret) {
        switch (t->kind) {
        case TRIGGER_ONCE: {
                int64_t when = local_time(t->year, t->month, t->day, t);
                if (when <= after)
                        return -ENOENT;
                *ret = when;
                return 0;
        }
        case TRIGGER_EVERY: {
                int64_t anchor = t->year ? local_time(t->year, t->month, t->day, t) : 0;
                int64_t n = (int64_t)t->interval_s;
                if (after < anchor) {
                        *ret = anchor;
                        return 0;
                }
                *ret = anchor + ((after - anchor) / n + 1) * n;
                return 0;
        }
        case TRIGGER_DAILY:
        case TRIGGER_WEEKLY:
        case TRIGGER_MONTHLY:
                return next_on_calendar(t, after, ret);
        default:
                return -ENOENT;
        }
}

int trigger_next(const struct trigger *t, const char *tz, int64_t after, int64_t *ret) {
        struct tz_scope scope;
        tz_enter(&scope, tz);
        int r = next_of(t, after, ret);
        tz_leave(&scope);
        return r;
}

bool trigger_time_zone_valid(const char *tz, char **ret_error) {
        *ret_error = NULL;
        if (!tz || !tz[0] || strcmp(tz, "UTC") == 0)
                return true;
        bool ok = strlen(tz) < 128 && tz[0] != '/' && !strstr(tz, "..");
        for (const char *p = tz; ok && *p; p++)
                ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= '0' && *p <= '9') || strchr("/_+-", *p);
        _cleanup_free_ char *path = NULL;
        if (ok && asprintf(&path, "/usr/share/zoneinfo/%s", tz) < 0)
                path = NULL;
        if (ok && path && access(path, R_OK) == 0)
                return true;
        fail(ret_error,
             "'%.128s' is not a time zone of the tz database (a name such as Europe/Paris, "
             "under /usr/share/zoneinfo), nor UTC",
             tz);
        return false;
}
