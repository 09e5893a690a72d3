/* SPDX-License-Identifier: MIT */
/*
 * bench-win32-query: QueryServiceStatusEx through the Win32 layer, in the
 * same loop as bench-scm-query (scm_query_status through libscm), so the
 * two rates side by side are the layer's cost per call.
 *
 *   SCM_SOCKET=SOCKET bench-win32-query NAME SECONDS
 *
 * Prints "<queries per second> <p50 us> <p99 us> <calls>".
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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
        if (argc != 3) {
                fprintf(stderr, "usage: SCM_SOCKET=SOCKET bench-win32-query NAME SECONDS\n");
                return 2;
        }
        int64_t duration = (int64_t)(atof(argv[2]) * 1e9);
        int64_t *lat = malloc(MAX_SAMPLES * sizeof(*lat));
        SC_HANDLE m = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT);
        SC_HANDLE s = m ? OpenServiceA(m, argv[1], SERVICE_QUERY_STATUS) : NULL;
        SERVICE_STATUS_PROCESS st;
        DWORD needed;
        if (!lat || !s ||
            !QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st), &needed)) {
                fprintf(stderr, "bench-win32-query: %s: error %u\n", argv[1],
                        (unsigned)GetLastError());
                return 1;
        }
        size_t n = 0;
        int64_t start = now_ns(), t = start;
        while (t - start < duration && n < MAX_SAMPLES) {
                BOOL ok = QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (BYTE *)&st, sizeof(st),
                                               &needed);
                int64_t t1 = now_ns();
                if (!ok) {
                        fprintf(stderr, "bench-win32-query: call %zu failed: %u\n", n,
                                (unsigned)GetLastError());
                        return 1;
                }
                lat[n++] = t1 - t;
                t = t1;
        }
        double elapsed = (double)(t - start) / 1e9;
        qsort(lat, n, sizeof(*lat), by_value);
        printf("%.0f %.1f %.1f %zu\n", (double)n / elapsed, (double)lat[n / 2] / 1e3,
               (double)lat[n * 99 / 100] / 1e3, n);
        CloseServiceHandle(s);
        CloseServiceHandle(m);
        free(lat);
        return 0;
}
