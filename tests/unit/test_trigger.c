/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for work/trigger.c: the text form of a task's triggers (what
 * is accepted, and that every refusal says why) and the next due time on
 * the calendar of a time zone, including the days summer time begins and
 * ends in Europe/Paris.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "trigger.h"

/* The unix time of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s) {
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = h,
                        .tm_min = mi,
                        .tm_sec = s};
        return (int64_t)timegm(&tm);
}

static int64_t next(const char *text, const char *tz, int64_t after) {
        struct trigger t;
        char *why = NULL;
        assert_int_equal(trigger_parse(text, &t, &why), 0);
        assert_null(why);
        int64_t when = 0;
        assert_int_equal(trigger_next(&t, tz, after, &when), 0);
        return when;
}

static void refused(const char *text, const char *word) {
        struct trigger t;
        char *why = NULL;
        assert_int_equal(trigger_parse(text, &t, &why), -EINVAL);
        assert_non_null(why);
        if (word && !strstr(why, word))
                fail_msg("the refusal of '%s' does not name '%s': %s", text, word, why);
        free(why);
}

static void test_refusals(void **state) {
        (void)state;
        refused("", "empty");
        refused("hourly 10:00", "hourly");
        refused("daily 25:00", "HH:MM");
        refused("daily", "HH:MM");
        refused("weekly moon 10:00", "moon");
        refused("monthly 32 10:00", "32");
        refused("every 0s", "every");
        refused("every 10y", "every");
        refused("every 367d", "every");
        refused("every 5m until 2026-01-01 10:00", "from");
        refused("once 2026-13-01 10:00", "once");
        refused("once tomorrow", "once");
        refused("boot now", "boot");
}

static void test_once_and_every(void **state) {
        (void)state;
        int64_t t0 = utc(2026, 12, 4, 19, 0, 0);
        assert_int_equal(next("once 2026-12-04 19:30", "UTC", t0), utc(2026, 12, 4, 19, 30, 0));
        assert_int_equal(next("once 2026-12-04T19:30:05", "UTC", t0), utc(2026, 12, 4, 19, 30, 5));
        struct trigger t;
        char *why = NULL;
        int64_t when;
        assert_int_equal(trigger_parse("once 2026-12-04 18:00", &t, &why), 0);
        assert_int_equal(trigger_next(&t, "UTC", t0, &when), -ENOENT); /* past */
        assert_int_equal(trigger_parse("boot", &t, &why), 0);
        assert_int_equal(trigger_next(&t, "UTC", t0, &when), -ENOENT);
        /* Counted from the epoch: every 15m falls on :00, :15, :30, :45. */
        assert_int_equal(next("every 15m", "UTC", t0 + 1), utc(2026, 12, 4, 19, 15, 0));
        assert_int_equal(next("every 15m", "UTC", t0), utc(2026, 12, 4, 19, 15, 0)); /* after */
        assert_int_equal(next("every 2s", "", t0 + 1), t0 + 2);
        /* From an anchor, and before it. */
        assert_int_equal(next("every 1h from 2026-12-04 10:20", "UTC", t0),
                         utc(2026, 12, 4, 19, 20, 0));
        assert_int_equal(next("every 1h from 2026-12-05 10:20", "UTC", t0),
                         utc(2026, 12, 5, 10, 20, 0));
}

static void test_calendar(void **state) {
        (void)state;
        int64_t fri = utc(2026, 12, 4, 19, 0, 0); /* a Friday */
        assert_int_equal(next("daily 19:30", "UTC", fri), utc(2026, 12, 4, 19, 30, 0));
        assert_int_equal(next("daily 18:30", "UTC", fri), utc(2026, 12, 5, 18, 30, 0));
        assert_int_equal(next("weekly mon,wed 08:00", "UTC", fri), utc(2026, 12, 7, 8, 0, 0));
        assert_int_equal(next("weekly FRI 20:00", "UTC", fri), utc(2026, 12, 4, 20, 0, 0));
        assert_int_equal(next("monthly 1,15 06:00", "UTC", fri), utc(2026, 12, 15, 6, 0, 0));
        /* A month without a 31st is skipped: from 2027-01-31, February's
         * has none, so March 31. */
        assert_int_equal(next("monthly 31 06:00", "UTC", utc(2027, 1, 31, 7, 0, 0)),
                         utc(2027, 3, 31, 6, 0, 0));
        if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) != 0)
                return; /* no tz database: test_summer_time says skipped */
        /* The task's zone, not scmd's: 20:30 in Paris is 19:30 UTC in winter,
         * and 19:30 in Paris has passed at 19:00 UTC. */
        assert_int_equal(next("daily 20:30", "Europe/Paris", fri), utc(2026, 12, 4, 19, 30, 0));
        assert_int_equal(next("daily 19:30", "Europe/Paris", fri), utc(2026, 12, 5, 18, 30, 0));
        /* and TZ is put back as it was */
        assert_int_equal(next("daily 19:30", "UTC", fri), utc(2026, 12, 4, 19, 30, 0));
}

static void test_summer_time(void **state) {
        (void)state;
        if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) != 0)
                skip();
        /* 2027-03-28: Paris' clocks go from 02:00 to 03:00; 02:30 does not
         * exist that day and is taken as 03:30 (01:30 UTC). */
        assert_int_equal(next("daily 02:30", "Europe/Paris", utc(2027, 3, 27, 12, 0, 0)),
                         utc(2027, 3, 28, 1, 30, 0));
        /* The next day, summer time: 02:30 is 00:30 UTC. */
        assert_int_equal(next("daily 02:30", "Europe/Paris", utc(2027, 3, 28, 12, 0, 0)),
                         utc(2027, 3, 29, 0, 30, 0));
        /* 2027-10-31: 02:30 comes twice; it runs once that day. */
        int64_t first = next("daily 02:30", "Europe/Paris", utc(2027, 10, 30, 12, 0, 0));
        int64_t then = next("daily 02:30", "Europe/Paris", first);
        assert_true(first == utc(2027, 10, 31, 0, 30, 0) || first == utc(2027, 10, 31, 1, 30, 0));
        assert_int_equal(then, utc(2027, 11, 1, 1, 30, 0));
}

static void test_time_zones(void **state) {
        (void)state;
        char *why = NULL;
        assert_true(trigger_time_zone_valid("", &why));
        assert_true(trigger_time_zone_valid("UTC", &why));
        if (access("/usr/share/zoneinfo/Europe/Paris", R_OK) == 0)
                assert_true(trigger_time_zone_valid("Europe/Paris", &why));
        assert_false(trigger_time_zone_valid("Mars/Olympus", &why));
        assert_non_null(strstr(why, "Mars/Olympus"));
        free(why);
        assert_false(trigger_time_zone_valid("../../etc/passwd", &why));
        free(why);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_refusals),   cmocka_unit_test(test_once_and_every),
                cmocka_unit_test(test_calendar),   cmocka_unit_test(test_summer_time),
                cmocka_unit_test(test_time_zones),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
