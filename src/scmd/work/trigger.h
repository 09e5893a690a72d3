/* SPDX-License-Identifier: MIT */
/*
 * A scheduled task's trigger: its text form (the one vocabulary of the
 * database, the protocol and scctl) and the arithmetic of its next due
 * time on the calendar of a time zone.  Pure logic, no state.
 *
 *   once DATE TIME          once, at that local time
 *   every N(s|m|h|d) [from DATE TIME]
 *                           every N seconds, minutes, hours or days,
 *                           counted from DATE TIME (default: the epoch)
 *   daily TIME              every day at TIME
 *   weekly DAYS TIME        DAYS: mon,tue,wed,thu,fri,sat,sun (comma-separated)
 *   monthly DAYS TIME       DAYS: 1-31 (comma-separated); a month without
 *                           that day is skipped
 *   boot                    once scmd has begun its auto-start round
 *
 * DATE is YYYY-MM-DD, TIME HH:MM or HH:MM:SS (24 h); DATE TIME may be one
 * word joined by a T.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum trigger_kind {
        TRIGGER_ONCE,
        TRIGGER_EVERY,
        TRIGGER_DAILY,
        TRIGGER_WEEKLY,
        TRIGGER_MONTHLY,
        TRIGGER_BOOT,
        _TRIGGER_KIND_MAX,
};

struct trigger {
        enum trigger_kind kind;
        int year, month, day;     /* once's date, every's anchor; 0: none */
        int hour, minute, second; /* the time of day */
        uint64_t interval_s;      /* every */
        uint32_t days;            /* weekly: bit 0 Sunday .. bit 6 Saturday; monthly: bit d day d */
};

#define TRIGGER_TEXT_MAX_BYTES 256
#define TRIGGER_INTERVAL_MAX_S (366ULL * 24 * 3600)

/* Parses text into *ret.  0, -EINVAL with *ret_error (malloc'd: names the
 * word that is wrong and what is expected), or -ENOMEM. */
int trigger_parse(const char *text, struct trigger *ret, char **ret_error);
/* The first due time of t strictly after the unix time after, on the
 * calendar of time zone tz ("" or NULL: scmd's own).  0 with *ret, or
 * -ENOENT when there is none (a boot trigger; once, past). */
int trigger_next(const struct trigger *t, const char *tz, int64_t after, int64_t *ret);
/* Whether tz is "" or names a zone of the tz database (a file under
 * /usr/share/zoneinfo, or UTC).  false with *ret_error (malloc'd). */
bool trigger_time_zone_valid(const char *tz, char **ret_error);
