/* SPDX-License-Identifier: MIT */
/*
 * bench-scm-query: the library round trip of QueryServiceStatusEx.  One
 * connection, scm_query_status() on one service in a loop for a fixed
 * time; every call is timed with CLOCK_MONOTONIC.
 *
 *   bench-scm-query SOCKET NAME SECONDS
 *
 * Prints "<queries per second> <p50 us> <p99 us> <calls>".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scm/client.h>

#define MAX_SAMPLES (8 * 1000 * 1000)

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

int main(int argc, char **argv) {
        if (argc != 4) {
                fprintf(stderr, "usage: bench-scm-query SOCKET NAME SECONDS\n");
                return 2;
        }
        int64_t duration = (int64_t)(atof(argv[3]) * 1e9);
        int64_t *lat = malloc(MAX_SAMPLES * sizeof(*lat));
        struct scm_client *c;
        int r = lat ? scm_connect(argv[1], 30000, &c) : -1;
        if (r < 0) {
                fprintf(stderr, "bench-scm-query: cannot connect to %s: %s\n", argv[1],
                        strerror(-r));
                return 1;
        }
        struct scm_status st;
        /* One call first, so the connection and scmd's caches are warm. */
        if ((r = scm_query_status(c, argv[2], &st)) < 0) {
                fprintf(stderr, "bench-scm-query: %s: %s\n", argv[2], scm_client_error_message(c));
                return 1;
        }
        size_t n = 0;
        int64_t start = now_ns(), t = start;
        while (t - start < duration && n < MAX_SAMPLES) {
                int64_t t1;
                r = scm_query_status(c, argv[2], &st);
                t1 = now_ns();
                if (r < 0) {
                        fprintf(stderr, "bench-scm-query: call %zu failed: %d\n", n, r);
                        return 1;
                }
                lat[n++] = t1 - t;
                t = t1;
        }
        double elapsed = (double)(t - start) / 1e9;
        qsort(lat, n, sizeof(*lat), by_value);
        printf("%.0f %.1f %.1f %zu\n", (double)n / elapsed, (double)lat[n / 2] / 1e3,
               (double)lat[n * 99 / 100] / 1e3, n);
        scm_disconnect(c);
        free(lat);
        return 0;
}
