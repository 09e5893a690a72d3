/* SPDX-License-Identifier: MIT */
/*
 * bench-tool: the measuring half of bench/run.sh.  Every interval it
 * reports is two CLOCK_MONOTONIC readings, and where a service is involved
 * the far end is the service's own stamp (bench/svc.c), never a manager's
 * status output and never the moment this tool happened to look.  Waiting
 * is on inotify or pidfds, not on sleeps, so the tool costs the measured
 * machine nothing while it waits.
 *
 *   now                                    CLOCK_MONOTONIC in ns
 *   start STAMPS N TIMEOUT_MS STALL_MS PIDFILE LOG -- CMD...
 *        t0, then runs CMD (own session, output to LOG, its pid to PIDFILE)
 *        and waits until STAMPS holds N stamps; prints the latest stamp - t0
 *        in ms.  CMD is left running.  Prints "timeout K" when TIMEOUT_MS
 *        passed with only K stamps, "stalled K" when no stamp came for
 *        STALL_MS after the first (a manager that has given up on the rest).
 *   wait STAMPS N TIMEOUT_MS               waits until STAMPS holds N stamps
 *   time CMD...                            runs CMD, waits for it; prints ms
 *   stop STAMPS TIMEOUT_MS signal PID SIG | exec CMD...
 *        a pidfd on every pid in STAMPS, t0, the signal or CMD, then waits
 *        until every one of those processes has ended; prints ms.
 *   restart STAMPS REPS RUN_MS AGAIN_MS TIMEOUT_MS
 *        REPS times: kill -9 the service once it has run RUN_MS, wait for
 *        its successor's stamp; kill that one AGAIN_MS after it came back,
 *        wait again.  Prints "A B" per rep: kill -> new stamp, in ms.
 *   pss ROOT EXE        sum of Pss (smaps_rollup) over ROOT and its
 *                       descendants, leaving out processes running EXE
 *                       (the services): prints "kB processes"
 *   switches ROOT EXE   the same sum of voluntary + nonvoluntary context
 *                       switches (/proc/PID/status)
 *   kill-tree ROOT      SIGSTOP ROOT and every descendant (until the set no
 *                       longer grows, so nothing respawns), then SIGKILL them
 *   mkservices DIR N SERVICE STAMPS
 *        N service folders DIR/svc00000 ... for runsvdir, s6-svscan and
 *        svscan: ./run a symbolic link to SERVICE, ./stamps one to STAMPS
 *        (10,000 of them in a blink, where a shell loop takes half a minute)
 *
 * With BENCH_NESTED_PIDS set, the pids in STAMPS are those of a PID
 * namespace below this one (systemd as PID 1 of its own): stop and
 * restart find each one's pid here through /proc/PID/status's NSpid.
 *
 * Exit status: 0 done, 2 usage, 3 a deadline passed, 1 anything else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EXIT_DEADLINE 3

static int64_t now_ns(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void sleep_until_ns(int64_t t) {
        struct timespec ts = {.tv_sec = t / 1000000000LL, .tv_nsec = t % 1000000000LL};
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                ;
}

static void raise_fd_limit(void) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
                rl.rlim_cur = rl.rlim_max;
                setrlimit(RLIMIT_NOFILE, &rl);
        }
}

/* ---- pids of a nested PID namespace ---- */

struct pid_pair {
        pid_t inner, here;
};
static struct pid_pair *pairs;
static size_t npairs;

/* One pass over /proc: every process of a namespace below this one, with
 * its pid there (NSpid's last field) and here (its first). */
static void pairs_scan(void) {
        npairs = 0;
        DIR *d = opendir("/proc");
        if (!d)
                return;
        size_t cap = 0;
        struct dirent *e;
        while ((e = readdir(d))) {
                char *end, path[64], line[256];
                long pid = strtol(e->d_name, &end, 10);
                if (*end || pid <= 0)
                        continue;
                snprintf(path, sizeof(path), "/proc/%ld/status", pid);
                FILE *f = fopen(path, "re");
                if (!f)
                        continue;
                long last = 0;
                int fields = 0;
                while (fgets(line, sizeof(line), f)) {
                        if (strncmp(line, "NSpid:", 6) != 0)
                                continue;
                        for (char *t = strtok(line + 6, " \t\n"); t;
                             t = strtok(NULL, " \t\n"), fields++)
                                last = strtol(t, NULL, 10);
                        break;
                }
                fclose(f);
                if (fields < 2)
                        continue;
                if (npairs == cap) {
                        cap = cap ? cap * 2 : 1024;
                        struct pid_pair *v = realloc(pairs, cap * sizeof(*v));
                        if (!v)
                                break;
                        pairs = v;
                }
                pairs[npairs++] = (struct pid_pair){.inner = (pid_t)last, .here = (pid_t)pid};
        }
        closedir(d);
}

/* A stamp's pid as this namespace knows it (itself unless BENCH_NESTED_PIDS). */
static pid_t pid_here(pid_t pid) {
        if (!getenv("BENCH_NESTED_PIDS"))
                return pid;
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < npairs; i++)
                        if (pairs[i].inner == pid)
                                return pairs[i].here;
                pairs_scan();
        }
        return 0;
}

/* ---- the stamp file: read as it grows ---- */

struct stamp {
        int64_t ns;
        pid_t pid;
};

struct stamps {
        int fd;
        int inotify_fd;
        char partial[128]; /* an incomplete last line */
        size_t partial_len;
        struct stamp *v;
        size_t n, cap;
        int64_t latest; /* the greatest stamp seen */
};

static int stamps_open(struct stamps *s, const char *path) {
        *s = (struct stamps){.fd = -1, .inotify_fd = -1};
        s->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (s->fd < 0) {
                fprintf(stderr, "bench-tool: cannot open %s: %m\n", path);
                return -1;
        }
        s->inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (s->inotify_fd < 0 || inotify_add_watch(s->inotify_fd, path, IN_MODIFY) < 0) {
                fprintf(stderr, "bench-tool: cannot watch %s: %m\n", path);
                return -1;
        }
        return 0;
}

static int stamps_add(struct stamps *s, const char *line) {
        long long ns;
        int pid;
        if (sscanf(line, "%lld %d", &ns, &pid) != 2)
                return 0; /* not a stamp; ignore */
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 1024;
                struct stamp *v = realloc(s->v, cap * sizeof(*v));
                if (!v)
                        return -1;
                s->v = v;
                s->cap = cap;
        }
        s->v[s->n++] = (struct stamp){.ns = ns, .pid = pid};
        if (ns > s->latest)
                s->latest = ns;
        return 0;
}

/* Reads whatever was appended since the last call. */
static int stamps_read(struct stamps *s) {
        char buf[65536];
        ssize_t n;
        while ((n = read(s->fd, buf, sizeof(buf))) > 0) {
                for (ssize_t i = 0; i < n; i++) {
                        if (buf[i] != '\n') {
                                if (s->partial_len < sizeof(s->partial) - 1)
                                        s->partial[s->partial_len++] = buf[i];
                                continue;
                        }
                        s->partial[s->partial_len] = '\0';
                        s->partial_len = 0;
                        if (stamps_add(s, s->partial) < 0)
                                return -1;
                }
        }
        return n < 0 ? -1 : 0;
}

/* Waits until the file holds at least n stamps, or until deadline_ns, or
 * until no stamp came for stall_ns (0: no such limit).  Returns 0,
 * -ETIMEDOUT or -EBUSY (stalled). */
static int stamps_wait_count_or_stall(struct stamps *s, size_t n, int64_t deadline_ns,
                                      int64_t stall_ns) {
        size_t last_n = s->n;
        int64_t last_progress = now_ns();
        for (;;) {
                if (stamps_read(s) < 0)
                        return -EIO;
                if (s->n >= n)
                        return 0;
                int64_t t = now_ns(), left = deadline_ns - t;
                if (s->n != last_n) {
                        last_n = s->n;
                        last_progress = t;
                }
                if (left <= 0)
                        return -ETIMEDOUT;
                if (stall_ns > 0 && s->n > 0 && t - last_progress >= stall_ns)
                        return -EBUSY;
                struct pollfd p = {.fd = s->inotify_fd, .events = POLLIN};
                /* inotify wakes us on each append; the bounded timeout only
                 * guards against an event missed between read and poll. */
                int ms = left / 1000000 + 1;
                poll(&p, 1, ms > 50 ? 50 : ms);
                char ev[4096];
                while (read(s->inotify_fd, ev, sizeof(ev)) > 0)
                        ;
        }
}

static int stamps_wait_count(struct stamps *s, size_t n, int64_t deadline_ns) {
        return stamps_wait_count_or_stall(s, n, deadline_ns, 0);
}

static double ms_of(int64_t ns) {
        return (double)ns / 1e6;
}

/* ---- start ---- */

static int cmd_start(int argc, char **argv) {
        if (argc < 9 || strcmp(argv[7], "--") != 0)
                return 2;
        const char *stamps_path = argv[1];
        size_t n = strtoul(argv[2], NULL, 10);
        int64_t timeout = strtoll(argv[3], NULL, 10) * 1000000LL;
        int64_t stall = strtoll(argv[4], NULL, 10) * 1000000LL;
        const char *pidfile = argv[5], *logfile = argv[6];
        char **cmd = argv + 8;

        struct stamps s;
        if (stamps_open(&s, stamps_path) < 0)
                return 1;
        int log_fd = open(logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (log_fd < 0) {
                fprintf(stderr, "bench-tool: cannot open %s: %m\n", logfile);
                return 1;
        }

        int64_t t0 = now_ns();
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                setsid();
                int null_fd = open("/dev/null", O_RDONLY);
                dup2(null_fd, 0);
                dup2(log_fd, 1);
                dup2(log_fd, 2);
                execvp(cmd[0], cmd);
                fprintf(stderr, "bench-tool: cannot run %s: %m\n", cmd[0]);
                _exit(127);
        }
        FILE *f = fopen(pidfile, "we");
        if (f) {
                fprintf(f, "%d\n", (int)pid);
                fclose(f);
        }
        int r = stamps_wait_count_or_stall(&s, n, t0 + timeout, stall);
        if (r == -ETIMEDOUT || r == -EBUSY) {
                printf("%s %zu\n", r == -EBUSY ? "stalled" : "timeout", s.n);
                return EXIT_DEADLINE;
        }
        if (r < 0)
                return 1;
        printf("%.3f\n", ms_of(s.latest - t0));
        return 0;
}

static int cmd_wait(int argc, char **argv) {
        if (argc != 4)
                return 2;
        struct stamps s;
        if (stamps_open(&s, argv[1]) < 0)
                return 1;
        int r = stamps_wait_count(&s, strtoul(argv[2], NULL, 10),
                                  now_ns() + strtoll(argv[3], NULL, 10) * 1000000LL);
        if (r == -ETIMEDOUT) {
                printf("timeout %zu\n", s.n);
                return EXIT_DEADLINE;
        }
        return r < 0 ? 1 : 0;
}

static int cmd_time(int argc, char **argv) {
        if (argc < 2)
                return 2;
        int64_t t0 = now_ns();
        pid_t pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0)
                return 1;
        int64_t t1 = now_ns();
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                fprintf(stderr, "bench-tool: %s failed\n", argv[1]);
                return 1;
        }
        printf("%.3f\n", ms_of(t1 - t0));
        return 0;
}

/* ---- stop ---- */

static int cmd_stop(int argc, char **argv) {
        if (argc < 5)
                return 2;
        int64_t timeout = strtoll(argv[2], NULL, 10) * 1000000LL;
        bool by_signal = strcmp(argv[3], "signal") == 0;
        if (by_signal ? argc != 6 : strcmp(argv[3], "exec") != 0)
                return 2;
        raise_fd_limit();

        struct stamps s;
        if (stamps_open(&s, argv[1]) < 0 || stamps_read(&s) < 0)
                return 1;
        int ep = epoll_create1(EPOLL_CLOEXEC);
        size_t watching = 0;
        for (size_t i = 0; i < s.n; i++) {
                pid_t pid = pid_here(s.v[i].pid);
                int fd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
                if (fd < 0)
                        continue; /* already gone (a service that was restarted) */
                struct epoll_event e = {.events = EPOLLIN, .data.fd = fd};
                if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) < 0) {
                        fprintf(stderr, "bench-tool: cannot watch pid %d: %m\n", s.v[i].pid);
                        return 1;
                }
                watching++;
        }

        int64_t t0 = now_ns();
        if (by_signal) {
                if (kill((pid_t)atoi(argv[4]), atoi(argv[5])) < 0) {
                        fprintf(stderr, "bench-tool: cannot signal %s: %m\n", argv[4]);
                        return 1;
                }
        } else {
                pid_t pid = fork();
                if (pid == 0) {
                        int null_fd = open("/dev/null", O_RDWR);
                        dup2(null_fd, 0);
                        dup2(null_fd, 1);
                        execvp(argv[4], argv + 4);
                        _exit(127);
                }
        }
        size_t gone = 0;
        struct epoll_event ev[256];
        while (gone < watching) {
                int64_t left = timeout - (now_ns() - t0);
                if (left <= 0) {
                        printf("timeout %zu/%zu\n", gone, watching);
                        return EXIT_DEADLINE;
                }
                int k = epoll_wait(ep, ev, 256, (int)(left / 1000000) + 1);
                for (int i = 0; i < k; i++) {
                        epoll_ctl(ep, EPOLL_CTL_DEL, ev[i].data.fd, NULL);
                        close(ev[i].data.fd);
                        gone++;
                }
        }
        int64_t t1 = now_ns();
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ; /* the stop command, if it is done */
        printf("%.3f\n", ms_of(t1 - t0));
        return 0;
}

/* ---- restart ---- */

/* Waits for a stamp of a process other than old, at or after t. */
static int wait_successor(struct stamps *s, pid_t old, int64_t t, int64_t deadline,
                          struct stamp *ret) {
        for (size_t seen = s->n;;) {
                if (stamps_wait_count(s, seen + 1, deadline) < 0)
                        return -ETIMEDOUT;
                for (; seen < s->n; seen++)
                        if (s->v[seen].pid != old && s->v[seen].ns >= t) {
                                *ret = s->v[seen];
                                return 0;
                        }
        }
}

static int cmd_restart(int argc, char **argv) {
        if (argc != 6)
                return 2;
        int reps = atoi(argv[2]);
        int64_t run = strtoll(argv[3], NULL, 10) * 1000000LL;
        int64_t again = strtoll(argv[4], NULL, 10) * 1000000LL;
        int64_t timeout = strtoll(argv[5], NULL, 10) * 1000000LL;
        struct stamps s;
        if (stamps_open(&s, argv[1]) < 0 || stamps_wait_count(&s, 1, now_ns() + timeout) < 0)
                return 1;
        struct stamp cur = s.v[s.n - 1];
        for (int rep = 0; rep < reps; rep++) {
                double lat[2];
                for (int phase = 0; phase < 2; phase++) {
                        sleep_until_ns(cur.ns + (phase == 0 ? run : again));
                        int64_t t = now_ns();
                        pid_t pid = pid_here(cur.pid);
                        if (pid <= 0 || kill(pid, SIGKILL) < 0) {
                                fprintf(stderr, "bench-tool: cannot kill %d: %m\n", cur.pid);
                                return 1;
                        }
                        struct stamp next;
                        if (wait_successor(&s, cur.pid, t, t + timeout, &next) < 0) {
                                printf("timeout\n");
                                return EXIT_DEADLINE;
                        }
                        lat[phase] = ms_of(next.ns - t);
                        cur = next;
                }
                printf("%.3f %.3f\n", lat[0], lat[1]);
                fflush(stdout);
        }
        return 0;
}

/* ---- process trees ---- */

struct proc {
        pid_t pid, ppid;
};

/* Every process's parent, from /proc/PID/stat. */
static size_t list_procs(struct proc **ret) {
        DIR *d = opendir("/proc");
        struct proc *v = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
                char *end;
                long pid = strtol(e->d_name, &end, 10);
                if (*end || pid <= 0)
                        continue;
                char path[64], buf[512];
                snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                ssize_t k = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                if (k <= 0)
                        continue;
                buf[k] = '\0';
                char *p = strrchr(buf, ')'); /* comm may hold spaces and parens */
                int ppid;
                if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 4096;
                        v = realloc(v, cap * sizeof(*v));
                        if (!v)
                                exit(1);
                }
                v[n++] = (struct proc){.pid = (pid_t)pid, .ppid = ppid};
        }
        if (d)
                closedir(d);
        *ret = v;
        return n;
}

static int by_ppid(const void *a, const void *b) {
        const struct proc *x = a, *y = b;
        return (x->ppid > y->ppid) - (x->ppid < y->ppid);
}

/* ROOT and its descendants, ROOT first, parents before children.  The
 * process list is sorted by parent, so this is O(n log n) even with
 * 20,000 supervisors and services. */
static size_t tree(pid_t root, pid_t **ret) {
        struct proc *all;
        size_t n = list_procs(&all);
        qsort(all, n, sizeof(*all), by_ppid);
        pid_t *out = malloc((n + 1) * sizeof(*out));
        if (!out)
                exit(1);
        size_t k = 0;
        if (kill(root, 0) == 0)
                out[k++] = root;
        for (size_t i = 0; i < k; i++) { /* breadth first: out grows as we go */
                size_t lo = 0, hi = n;
                while (lo < hi) { /* the first entry whose parent is out[i] */
                        size_t mid = (lo + hi) / 2;
                        if (all[mid].ppid < out[i])
                                lo = mid + 1;
                        else
                                hi = mid;
                }
                for (size_t j = lo; j < n && all[j].ppid == out[i]; j++)
                        if (all[j].pid != root && k < n + 1)
                                out[k++] = all[j].pid;
        }
        free(all);
        *ret = out;
        return k;
}

static bool runs_exe(pid_t pid, const char *exe) {
        char path[64], target[PATH_MAX];
        snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
        ssize_t k = readlink(path, target, sizeof(target) - 1);
        if (k < 0)
                return false;
        target[k] = '\0';
        return strcmp(target, exe) == 0;
}

/* Sums "KEY: value" lines of /proc/PID/FILE whose key is one of keys. */
static long long sum_fields(pid_t pid, const char *file, const char *const *keys) {
        char path[64], line[256];
        snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
        FILE *f = fopen(path, "re");
        long long sum = 0;
        while (f && fgets(line, sizeof(line), f))
                for (const char *const *k = keys; *k; k++) {
                        size_t len = strlen(*k);
                        if (strncmp(line, *k, len) == 0 && line[len] == ':')
                                sum += atoll(line + len + 1);
                }
        if (f)
                fclose(f);
        return sum;
}

static int cmd_sum(int argc, char **argv, const char *file, const char *const *keys) {
        if (argc != 3)
                return 2;
        char exe[PATH_MAX];
        if (!realpath(argv[2], exe))
                snprintf(exe, sizeof(exe), "%s", argv[2]);
        pid_t *pids;
        size_t n = tree((pid_t)atoi(argv[1]), &pids);
        long long sum = 0;
        size_t counted = 0;
        for (size_t i = 0; i < n; i++) {
                if (runs_exe(pids[i], exe))
                        continue;
                sum += sum_fields(pids[i], file, keys);
                counted++;
        }
        printf("%lld %zu\n", sum, counted);
        return 0;
}

static int cmd_kill_tree(int argc, char **argv) {
        if (argc != 2)
                return 2;
        pid_t root = (pid_t)atoi(argv[1]);
        pid_t *pids = NULL;
        size_t n = 0, before;
        /* Freeze first: a stopped supervisor cannot respawn what we kill,
         * and a stopped process keeps its children in the tree. */
        for (int round = 0; round < 20; round++) {
                free(pids);
                before = n;
                n = tree(root, &pids);
                for (size_t i = 0; i < n; i++)
                        kill(pids[i], SIGSTOP);
                if (n == before && round > 0)
                        break;
        }
        for (size_t i = 0; i < n; i++)
                kill(pids[i], SIGKILL);
        for (size_t i = 0; i < n; i++)
                kill(pids[i], SIGCONT);
        printf("%zu\n", n);
        free(pids);
        return 0;
}

static int cmd_mkservices(int argc, char **argv) {
        if (argc != 5)
                return 2;
        long n = atol(argv[2]);
        if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
                fprintf(stderr, "bench-tool: cannot create %s: %m\n", argv[1]);
                return 1;
        }
        for (long i = 0; i < n; i++) {
                char dir[PATH_MAX], link[PATH_MAX + 16];
                snprintf(dir, sizeof(dir), "%s/svc%05ld", argv[1], i);
                if (mkdir(dir, 0755) < 0 ||
                    (snprintf(link, sizeof(link), "%s/run", dir), symlink(argv[3], link) < 0) ||
                    (snprintf(link, sizeof(link), "%s/stamps", dir), symlink(argv[4], link) < 0)) {
                        fprintf(stderr, "bench-tool: cannot make %s: %m\n", dir);
                        return 1;
                }
        }
        return 0;
}

int main(int argc, char **argv) {
        static const char *const pss[] = {"Pss", NULL};
        static const char *const switches[] = {"voluntary_ctxt_switches",
                                               "nonvoluntary_ctxt_switches", NULL};
        int r = 2;
        if (argc >= 2) {
                const char *c = argv[1];
                argc--;
                argv++;
                if (strcmp(c, "now") == 0) {
                        printf("%lld\n", (long long)now_ns());
                        r = 0;
                } else if (strcmp(c, "start") == 0)
                        r = cmd_start(argc, argv);
                else if (strcmp(c, "wait") == 0)
                        r = cmd_wait(argc, argv);
                else if (strcmp(c, "time") == 0)
                        r = cmd_time(argc, argv);
                else if (strcmp(c, "stop") == 0)
                        r = cmd_stop(argc, argv);
                else if (strcmp(c, "restart") == 0)
                        r = cmd_restart(argc, argv);
                else if (strcmp(c, "pss") == 0)
                        r = cmd_sum(argc, argv, "smaps_rollup", pss);
                else if (strcmp(c, "switches") == 0)
                        r = cmd_sum(argc, argv, "status", switches);
                else if (strcmp(c, "kill-tree") == 0)
                        r = cmd_kill_tree(argc, argv);
                else if (strcmp(c, "mkservices") == 0)
                        r = cmd_mkservices(argc, argv);
        }
        if (r == 2)
                fprintf(stderr, "bench-tool: bad usage (see the comment at the top of "
                                "bench/tool.c)\n");
        return r;
}
