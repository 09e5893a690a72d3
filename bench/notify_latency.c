/* SPDX-License-Identifier: MIT */
/*
 * bench-notify-latency: how long a status change takes to reach its
 * subscribers.  It starts a private scmd (--root in a temporary folder),
 * creates one service, and for each subscriber count opens that many
 * connections subscribed to the service's every state; then it starts and
 * stops the service CYCLES times (4 events a cycle) and, for each event on
 * each connection, takes the time from the change (the event's time_us,
 * stamped by scmd as it fans the event out after the new state is
 * persisted) to the moment the event could be read (CLOCK_REALTIME right
 * after epoll_wait() returned with it).
 *
 *   bench-notify-latency [--scmd PATH | --floor] [--cycles N] [SUBSCRIBERS...]
 *
 * SUBSCRIBERS defaults to 1 100 1000; PATH to the scmd beside this build
 * (../scmd from this program); CYCLES to 100.  One change at a time: the
 * next start or stop is sent once every subscriber has the previous one's
 * events, so what is measured is the fan-out, not a queue.  All
 * connections are read by one thread of this process, which is part of
 * what is measured at 1000.  Prints one line per count:
 *
 *   subscribers  deliveries  median_us  p99_us  max_us
 *
 * --floor measures the least any fan-out can cost on this machine, the
 * floor scmd is measured against: no scmd and no service; a process of
 * its own holds the other ends of the connections (socketpairs) and, for
 * each change, stamps one event of a real one's size and sends it with
 * one send() per connection; the same number of events as with scmd, one
 * at a time (scmd's come two a change, the second after a start's spawn
 * or a stop's exit).  Read and timed by the same code as scmd's.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scm/client.h>
#include <scm/notify.h>

#define SERVICE "bench-latency"
#define ROUND_DEADLINE_MS (10 * 60 * 1000)

static char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static bool floor_mode;

static int64_t realtime_us(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t monotonic_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void die(const char *what, int r) {
        fprintf(stderr, "bench-notify-latency: %s: %s\n", what, strerror(r < 0 ? -r : r));
        exit(1);
}

static int by_value(const void *a, const void *b) {
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return (x > y) - (x < y);
}

/* ---- scmd ---- */

static pid_t start_scmd(const char *scmd, const char *root) {
        char log[PATH_MAX];
        snprintf(log, sizeof(log), "%s/scmd.log", root);
        pid_t pid = fork();
        if (pid == 0) {
                int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (fd >= 0) {
                        dup2(fd, STDERR_FILENO);
                        dup2(fd, STDOUT_FILENO);
                }
                execl(scmd, scmd, "--root", root, "--foreground", (char *)NULL);
                _exit(127);
        }
        return pid;
}

/* ---- subscribers: raw sockets, read with epoll ---- */

struct subscriber {
        int fd;
        char buf[1 << 16];
        size_t len;
};

static int subscribe_one(struct subscriber *s) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        memcpy(sa.sun_path, socket_path, sizeof(sa.sun_path));
        static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\","
                                  "\"params\":{\"services\":[\"" SERVICE "\"],"
                                  "\"states\":[\"start-pending\",\"running\",\"stop-pending\","
                                  "\"stopped\"]}}\n";
        s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            write(s->fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
                return -errno;
        /* The report of the current state, then the reply. */
        s->len = 0;
        while (!memmem(s->buf, s->len, "\"result\"", 8)) {
                ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
                if (n <= 0)
                        return -EPROTO;
                s->len += (size_t)n;
        }
        s->len = 0;
        fcntl(s->fd, F_SETFL, O_NONBLOCK);
        return 0;
}

/* Reads what s has; for each whole event line, records now - time_us.
 * Returns the number of events read. */
static int drain(struct subscriber *s, int64_t now, int64_t *samples, size_t *n, size_t max) {
        int events = 0;
        for (;;) {
                ssize_t r = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
                if (r <= 0)
                        break;
                s->len += (size_t)r;
        }
        char *start = s->buf, *nl;
        while ((nl = memchr(start, '\n', s->len - (size_t)(start - s->buf)))) {
                char *t = memmem(start, (size_t)(nl - start), "\"time_us\":", 10);
                if (t) {
                        int64_t at = strtoll(t + 10, NULL, 10);
                        if (*n < max)
                                samples[(*n)++] = now - at;
                        events++;
                }
                start = nl + 1;
        }
        s->len -= (size_t)(start - s->buf);
        memmove(s->buf, start, s->len);
        return events;
}

/* ---- one round ---- */

/* The driver: on each byte from go, the next change (start, stop);
 * answers with one byte once it was made. */
static void drive(int go, int done) {
        struct scm_client *c;
        char b;
        if (scm_connect(socket_path, 10000, &c) < 0)
                _exit(1);
        for (bool start = true; read(go, &b, 1) == 1; start = !start) {
                int r = start ? scm_start_service(c, SERVICE, NULL, NULL)
                              : scm_control_service(c, SERVICE, SCM_CONTROL_STOP, NULL);
                if (r < 0 ||
                    (!start && scm_wait_status(c, SERVICE, SCM_NOTIFY_STOPPED, 20000, NULL) < 0))
                        _exit(2);
                if (write(done, "x", 1) != 1)
                        _exit(3);
        }
        scm_disconnect(c);
        _exit(0);
}

/* The floor's driver: on each byte from go, one event to every fd of
 * peers, stamped when its fan-out begins, as scmd stamps its own;
 * answers with one byte once it was sent. */
static void drive_floor(int go, int done, const int *peers, int n) {
        char b, line[512];
        for (long seq = 2; read(go, &b, 1) == 1; seq++) {
                /* As long as scmd's status_changed for this service. */
                int len = snprintf(line, sizeof(line),
                                   "{\"jsonrpc\":\"2.0\",\"method\":\"status_changed\","
                                   "\"params\":{\"subscriptions\":[1],\"name\":\"" SERVICE "\","
                                   "\"seq\":%ld,\"previous\":\"stopped\",\"time_us\":%lld,"
                                   "\"status\":{\"name\":\"" SERVICE "\",\"type\":\"own\","
                                   "\"state\":\"start-pending\",\"controls_accepted\":[],"
                                   "\"win32_exit_code\":0,\"service_exit_code\":0,"
                                   "\"checkpoint\":0,\"wait_hint\":0,\"pid\":0,"
                                   "\"desired\":\"running\",\"marked_for_delete\":false,"
                                   "\"process_exit\":null,\"status_text\":\"\",\"seq\":%ld,"
                                   "\"reloading\":false,\"last_reload\":null}}}\n",
                                   seq, (long long)realtime_us(), seq);
                for (int i = 0; i < n; i++)
                        if (send(peers[i], line, (size_t)len, MSG_NOSIGNAL) != len)
                                _exit(2);
                if (write(done, "x", 1) != 1)
                        _exit(3);
        }
        _exit(0);
}

/* Connects the subscribers to the floor's driver instead of scmd: the
 * other ends go to *ret_peers. */
static int pair_all(struct subscriber *subs, int n, int **ret_peers) {
        int *peers = calloc((size_t)n, sizeof(*peers));
        if (!peers)
                return -ENOMEM;
        for (int i = 0; i < n; i++) {
                int sv[2];
                if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                        return -errno;
                subs[i].fd = sv[0];
                peers[i] = sv[1];
                fcntl(subs[i].fd, F_SETFL, O_NONBLOCK);
        }
        *ret_peers = peers;
        return 0;
}

static void round_of(int subscribers, int cycles) {
        struct subscriber *subs = calloc((size_t)subscribers, sizeof(*subs));
        size_t max = (size_t)subscribers * (size_t)cycles * 4, n = 0;
        int64_t *samples = malloc(max * sizeof(*samples));
        int ep = epoll_create1(EPOLL_CLOEXEC);
        int *peers = NULL;
        if (!subs || !samples || ep < 0)
                die("setting up", ENOMEM);
        if (floor_mode && (errno = -pair_all(subs, subscribers, &peers)) > 0)
                die("socketpair", errno);
        for (int i = 0; i < subscribers; i++) {
                int r = floor_mode ? 0 : subscribe_one(&subs[i]);
                if (r < 0)
                        die("subscribing", r);
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &subs[i]};
                epoll_ctl(ep, EPOLL_CTL_ADD, subs[i].fd, &ev);
        }

        int go[2], done[2];
        if (pipe2(go, O_CLOEXEC) < 0 || pipe2(done, O_CLOEXEC) < 0)
                die("pipe", errno);
        pid_t driver = fork();
        if (driver == 0) {
                close(go[1]); /* so that it sees the end when we close ours */
                if (floor_mode)
                        drive_floor(go[0], done[1], peers, subscribers);
                drive(go[0], done[1]);
        }
        for (int i = 0; peers && i < subscribers; i++)
                close(peers[i]); /* the driver's now */
        free(peers);

        struct epoll_event *ready = calloc((size_t)subscribers, sizeof(*ready));
        int64_t deadline = monotonic_ms() + ROUND_DEADLINE_MS;
        /* A start or a stop gives two events; the floor's changes one. */
        int per_change = floor_mode ? 1 : 2, changes = cycles * 4 / per_change;
        for (int change = 0; change < changes && monotonic_ms() < deadline; change++) {
                long want = (long)subscribers * per_change, got = 0;
                char b;
                if (write(go[1], "x", 1) != 1)
                        die("driver", EPIPE);
                while (got < want && monotonic_ms() < deadline) {
                        int k = epoll_wait(ep, ready, subscribers, 1000);
                        int64_t now = realtime_us();
                        for (int i = 0; i < k; i++)
                                got += drain(ready[i].data.ptr, now, samples, &n, max);
                }
                if (read(done[0], &b, 1) != 1)
                        die("driver", EPIPE);
        }
        close(go[1]);
        waitpid(driver, NULL, 0);

        qsort(samples, n, sizeof(*samples), by_value);
        if (n > 0)
                printf("%11d  %10zu  %9lld  %6lld  %6lld\n", subscribers, n,
                       (long long)samples[n / 2], (long long)samples[n * 99 / 100],
                       (long long)samples[n - 1]);
        else
                printf("%11d  %10d  -  -  -\n", subscribers, 0);
        fflush(stdout);
        for (int i = 0; i < subscribers; i++)
                close(subs[i].fd);
        close(ep);
        close(go[0]);
        close(done[0]);
        close(done[1]);
        free(ready);
        free(subs);
        free(samples);
}

int main(int argc, char **argv) {
        char scmd[PATH_MAX + 16] = "", root[] = "/tmp/bench-notify.XXXXXX";
        int cycles = 100, counts[16], n_counts = 0;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--scmd") == 0 && i + 1 < argc)
                        snprintf(scmd, sizeof(scmd), "%s", argv[++i]);
                else if (strcmp(argv[i], "--floor") == 0)
                        floor_mode = true;
                else if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc)
                        cycles = atoi(argv[++i]);
                else if (atoi(argv[i]) > 0 && n_counts < 16)
                        counts[n_counts++] = atoi(argv[i]);
                else {
                        fprintf(stderr, "usage: bench-notify-latency [--scmd PATH | --floor] "
                                        "[--cycles N] [SUBSCRIBERS...]\n");
                        return 2;
                }
        }
        if (n_counts == 0) {
                counts[n_counts++] = 1;
                counts[n_counts++] = 100;
                counts[n_counts++] = 1000;
        }
        if (!scmd[0]) {
                char self[PATH_MAX];
                ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
                self[k > 0 ? k : 0] = '\0';
                char *slash = strrchr(self, '/');
                if (slash)
                        *slash = '\0';
                snprintf(scmd, sizeof(scmd), "%s/../scmd", self);
        }
        /* 1000 subscribers and scmd's own descriptors. */
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        signal(SIGPIPE, SIG_IGN);

        if (floor_mode) {
                printf("notify latency floor: no scmd, %d events sent straight to socketpairs, "
                       "one at a time, per count\n",
                       cycles * 4);
                printf("subscribers  deliveries  median_us  p99_us  max_us\n");
                for (int i = 0; i < n_counts; i++)
                        round_of(counts[i], cycles);
                return 0;
        }
        if (!mkdtemp(root))
                die("mkdtemp", errno);
        snprintf(socket_path, sizeof(socket_path), "%s/run/scm.sock", root);
        pid_t scmd_pid = start_scmd(scmd, root);
        /* scm_connect does not wait for the socket to appear: wait for it
         * first (up to 15 s), while scmd opens its database. */
        for (int i = 0; i < 1500 && access(socket_path, F_OK) < 0; i++)
                usleep(10000);
        struct scm_client *c;
        int r = scm_connect(socket_path, 15000, &c);
        if (r < 0)
                die(scmd, r);
        struct scm_service_config config = SCM_SERVICE_CONFIG_INIT;
        config.name = SERVICE;
        config.command_line = "sleep 100000";
        if ((r = scm_create_service(c, &config)) < 0)
                die("create", r);

        printf("notify latency: a status change -> its delivery, %d start/stop cycles "
               "(%d events) per count\n",
               cycles, cycles * 4);
        printf("subscribers  deliveries  median_us  p99_us  max_us\n");
        for (int i = 0; i < n_counts; i++)
                round_of(counts[i], cycles);

        scm_delete_service(c, SERVICE, NULL);
        scm_disconnect(c);
        kill(scmd_pid, SIGTERM);
        waitpid(scmd_pid, NULL, 0);
        char cmd[PATH_MAX + 16];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        return system(cmd) == 0 ? 0 : 1;
}
