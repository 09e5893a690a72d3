/* SPDX-License-Identifier: MIT */
/*
 * bench-roundtrip-floor: the least a library round trip over a unix stream
 * socket can cost on this machine, with no JSON and no work at all.  A
 * child answers each request as scmd does (epoll_wait, recv, send of a
 * reply of REPLY bytes); the parent sends REQUEST bytes and waits for the
 * whole reply, for SECONDS, first sleeping in poll() as libscm did, then
 * reading without sleeping as libscm's query does now (client.c,
 * reply_spin()).  Neither side is pinned to a CPU.
 *
 *   bench-roundtrip-floor [SECONDS [REQUEST REPLY]]   (1 s, 80 and 420 bytes)
 *
 * Prints "poll <round trips/s> <p50 us>" and "spin <round trips/s> <p50 us>".
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES (4 * 1000 * 1000)
#define MAX_BYTES 4096

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int by_value(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* The server: one reply of reply_len bytes for each read, until EOF. */
static void serve(int fd, size_t reply_len) {
        char buf[MAX_BYTES];
        int ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = {.events = EPOLLIN};
        if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
                _exit(1);
        memset(buf, 'r', sizeof(buf));
        for (;;) {
                if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
                        _exit(1);
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n == 0)
                        _exit(0);
                if (n > 0 && send(fd, buf, reply_len, MSG_NOSIGNAL) < 0)
                        _exit(1);
        }
}

/* Reads reply_len bytes, sleeping in poll() between reads unless spin. */
static int receive(int fd, size_t reply_len, int spin) {
        char buf[MAX_BYTES];
        size_t got = 0;
        while (got < reply_len) {
                ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
                if (n > 0) {
                        got += (size_t)n;
                        continue;
                }
                if (n == 0 || errno != EAGAIN)
                        return -1;
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (!spin && poll(&p, 1, 10000) <= 0)
                        return -1;
        }
        return 0;
}

static int run(int fd, double seconds, size_t request_len, size_t reply_len, int spin,
               int64_t *lat) {
        char req[MAX_BYTES];
        memset(req, 'q', sizeof(req));
        size_t n = 0;
        int64_t start = now_ns(), t = start, end = start + (int64_t)(seconds * 1e9);
        while (t < end && n < MAX_SAMPLES) {
                if (send(fd, req, request_len, MSG_NOSIGNAL) < 0 ||
                    receive(fd, reply_len, spin) < 0)
                        return -1;
                int64_t t1 = now_ns();
                lat[n++] = t1 - t;
                t = t1;
        }
        qsort(lat, n, sizeof(*lat), by_value);
        printf("%s %.0f %.1f\n", spin ? "spin" : "poll", (double)n / ((double)(t - start) / 1e9),
               (double)lat[n / 2] / 1e3);
        return 0;
}

int main(int argc, char **argv) {
        double seconds = argc > 1 ? atof(argv[1]) : 1;
        size_t request_len = argc > 3 ? (size_t)atol(argv[2]) : 80;
        size_t reply_len = argc > 3 ? (size_t)atol(argv[3]) : 420;
        int sv[2];
        int64_t *lat = malloc(MAX_SAMPLES * sizeof(*lat));
        if (!lat || seconds <= 0 || request_len < 1 || request_len > MAX_BYTES || reply_len < 1 ||
            reply_len > MAX_BYTES || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
                fprintf(stderr, "usage: bench-roundtrip-floor [SECONDS [REQUEST REPLY]]\n");
                return 2;
        }
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                close(sv[0]);
                serve(sv[1], reply_len);
        }
        close(sv[1]);
        int r = run(sv[0], seconds, request_len, reply_len, 0, lat);
        if (r == 0)
                r = run(sv[0], seconds, request_len, reply_len, 1, lat);
        close(sv[0]);
        waitpid(pid, NULL, 0);
        free(lat);
        return r < 0 ? 1 : 0;
}
