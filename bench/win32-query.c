/* SPDX-License-Identifier: MIT */
/*
 * bench-win32-query: what the Win32 layer adds to a call.
 * QueryServiceStatusEx (libscm-win32) against scm_query_status (libscm)
 * on the same service, each on a connection of its own to the same scmd,
 * in alternating blocks of 1,000 calls for a fixed time, so that both see
 * the same machine load.  Every call is timed with CLOCK_MONOTONIC.
 *
 *   SCM_SOCKET=SOCKET bench-win32-query NAME SECONDS
 *
 * Prints "<scm p50 us> <win32 p50 us> <win32/scm ratio of the p50s> <calls each>".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <scm/client.h>
#include <windows.h>

#define BLOCK 1000
#define MAX_SAMPLES (4 * 1000 * 1000)

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

static int64_t median(int64_t *v, size_t n) {
        qsort(v, n, sizeof(*v), by_value);
        return v[n / 2];
}

/* One block of each; false on the first failure (printed). */
static bool one_round(struct scm_client *c, SC_HANDLE s, const char *name, int64_t *lib,
                      int64_t *win, size_t *n) {
        struct scm_status st;
        SERVICE_STATUS_PROCESS sp;
        DWORD needed;
        for (int i = 0; i < BLOCK; i++) {
                int64_t t0 = now_ns();
                if (scm_query_status(c, name, &st) < 0) {
                        fprintf(stderr, "bench-win32-query: scm_query_status failed\n");
                        return false;
                }
                int64_t t1 = now_ns();
                if (!QueryServiceStatusEx(s, SC_STATUS_PROCESS_INFO, (LPBYTE)&sp, sizeof(sp),
                                          &needed)) {
                        fprintf(stderr, "bench-win32-query: QueryServiceStatusEx: error %u\n",
                                (unsigned)GetLastError());
                        return false;
                }
                lib[*n] = t1 - t0;
                win[*n] = now_ns() - t1;
                (*n)++;
        }
        return true;
}

int main(int argc, char **argv) {
        if (argc != 3) {
                fprintf(stderr, "usage: SCM_SOCKET=SOCKET bench-win32-query NAME SECONDS\n");
                return 2;
        }
        int64_t duration = (int64_t)(atof(argv[2]) * 1e9);
        int64_t *lib = malloc(MAX_SAMPLES * sizeof(*lib)),
                *win = malloc(MAX_SAMPLES * sizeof(*win));
        struct scm_client *c;
        if (!lib || !win || scm_connect(getenv("SCM_SOCKET"), 30000, &c) < 0) {
                fprintf(stderr, "bench-win32-query: cannot connect to $SCM_SOCKET\n");
                return 1;
        }
        SC_HANDLE m = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT);
        SC_HANDLE s = m ? OpenServiceA(m, argv[1], SERVICE_QUERY_STATUS) : NULL;
        if (!s) {
                fprintf(stderr, "bench-win32-query: OpenService %s: error %u\n", argv[1],
                        (unsigned)GetLastError());
                return 1;
        }
        size_t n = 0;
        /* One round first, so both connections and scmd are warm. */
        if (!one_round(c, s, argv[1], lib, win, &n))
                return 1;
        n = 0;
        int64_t start = now_ns();
        while (now_ns() - start < duration && n + BLOCK <= MAX_SAMPLES)
                if (!one_round(c, s, argv[1], lib, win, &n))
                        return 1;
        double p_lib = (double)median(lib, n) / 1e3, p_win = (double)median(win, n) / 1e3;
        printf("%.1f %.1f %.3f %zu\n", p_lib, p_win, p_win / p_lib, n);
        CloseServiceHandle(s);
        CloseServiceHandle(m);
        scm_disconnect(c);
        free(lib);
        free(win);
        return 0;
}
