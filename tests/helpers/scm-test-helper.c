/* SPDX-License-Identifier: MIT */
/*
 * scm-test-helper: the one test service.  It runs under scmd like any plain
 * service and reports facts from inside the service to a report file, so a
 * test asserts on what really happened in the process (its session, its
 * environment, the signals it got), not on the daemon's opinion of itself.
 *
 * The report file (--report FILE) is appended to, one `key=value` line per
 * fact, each line written with one write() on an O_APPEND descriptor and
 * fsync'd, so a test can poll it while the service runs and several
 * processes (grandchild, orphan) can share it without tearing lines.
 *
 * At start it reports, in this order: pid, ppid, uid, gid, groups (the
 * supplementary groups, getgroups() order, space separated), sid, pgid,
 * argc, one argv= per argument (argv[0] included), one env=KEY=VALUE per
 * variable, cwd, stdin, stdout, stderr (the readlink of /proc/self/fd/N),
 * cgroup (the path of the "0::" line of /proc/self/cgroup), one folder= per
 * folder its RUNTIME_DIRECTORY, STATE_DIRECTORY, ... name ("KEY PATH UID
 * GID MODE", as lstat() sees it), then the facts of the modes
 * that act at start (grandchild=, orphan=, flood=), and last ready=1.  Later
 * events: signal=TERM|INT|HUP, exit=N, crash=SEGV, orphan-exit=PID.
 *
 * Modes (combinable):
 *   --print TEXT         at start, "stdout: TEXT" on stdout and "stderr: TEXT" on stderr
 *   --print-every MS     "tick N" on stdout every MS milliseconds
 *   --exit-after MS      exit by itself after MS ms, with --exit-code N (default 0)
 *   --crash-after MS     die of SIGSEGV after MS ms
 *   --ignore-term        report SIGTERM but keep running
 *   --spawn-grandchild   fork a child that sleeps forever in its own process group
 *   --orphan             double-fork a process that exits after 200 ms (reparented)
 *   --flood BYTES        write BYTES bytes of log lines to stdout at start
 * sd_notify modes (a notify service; messages go to $NOTIFY_SOCKET, or to
 * --notify-socket PATH, and each is reported as notify=MESSAGE):
 *   --notify-status TEXT       STATUS=TEXT at start
 *   --notify-ready-after MS    READY=1 after MS ms
 *   --notify-from-grandchild   READY=1 comes from a forked child that then
 *                              sleeps (grandchild=PID, notify-from=PID)
 *   --notify-watchdog-for MS   WATCHDOG=1 every $WATCHDOG_USEC/4 until MS ms
 *                              after start, then never (watchdog-stopped=1)
 *   --notify-errno N           ERRNO=N before exiting
 *   --notify-stopping          STOPPING=1 before exiting
 *   --notify-send MESSAGE      not a service: send MESSAGE once and exit
 * Order stamps (--stamp FILE --name NAME): lines "start NAME T" at start,
 * "ready NAME T" as it becomes ready (just before READY=1 for a notify
 * service, at ready=1 otherwise), "stop NAME T" at SIGTERM/SIGINT and "exit
 * NAME T" as it exits, T in CLOCK_MONOTONIC nanoseconds, appended to one
 * file that several services share (one write() each, O_APPEND), so a test
 * can check the order services started and stopped in.
 * Default: sleep until SIGTERM (or SIGINT), report it, exit 0.
 * Arguments after the options (a service's start arguments) are only reported.
 * Least-privilege modes (--report-security, --try-write PATH, --try-read PATH,
 * --try-bind PORT, --try-privileged, --exec-without-landlock): see
 * helper_security.c.  Resource modes (--alloc-mb N, --fork-loop, --spin,
 * --keep-file PATH, --try-syscall NAME, --try-socket FAMILY):
 * see helper_resources.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helper_resources.h"
#include "helper_security.h"

extern char **environ;

struct options {
        const char *report;
        const char *print;
        long print_every_ms;
        long exit_after_ms;
        int exit_code;
        long crash_after_ms;
        bool ignore_term;
        bool spawn_grandchild;
        bool orphan;
        long long flood_bytes;
        const char *notify_socket;
        const char *notify_status;
        long notify_ready_after_ms;
        bool notify_from_grandchild;
        long notify_watchdog_for_ms;
        long notify_errno;
        bool notify_stopping;
        const char *notify_send;
        const char *stamp;
        const char *name;
};

static int report_fd = -1;
static int stamp_fd = -1;
static const char *stamp_name = "?";

/* Appends "WHAT NAME T" to the stamp file (--stamp). */
static void stamp(const char *what) {
        struct timespec ts;
        char line[512];
        if (stamp_fd < 0)
                return;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        int n = snprintf(line, sizeof(line), "%s %s %lld\n", what, stamp_name,
                         (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
        if (n > 0 && n < (int)sizeof(line) && write(stamp_fd, line, (size_t)n) != n)
                fprintf(stderr, "scm-test-helper: cannot write the stamp: %m\n");
}

/* Appends one "key=value" line to the report and fsyncs it.  A report that
 * cannot be written is not a reason to stop the service: it is said once on
 * stderr, which scmd keeps in the service's log. */
__attribute__((format(printf, 1, 2))) static void report(const char *fmt, ...) {
        static bool warned;
        char *line = NULL;
        va_list ap;

        if (report_fd < 0)
                return;
        va_start(ap, fmt);
        int n = vasprintf(&line, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        /* One line per fact: a newline inside a value would forge a key. */
        for (char *p = line; *p; p++)
                if (*p == '\n')
                        *p = ' ';
        line[n] = '\n';
        ssize_t w = write(report_fd, line, (size_t)n + 1);
        if ((w != n + 1 || fsync(report_fd) < 0) && !warned) {
                warned = true;
                fprintf(stderr, "scm-test-helper: cannot write the report: %m\n");
        }
        free(line);
}

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void report_link(const char *key, const char *path) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n < 0) {
                report("%s=(none: %s)", key, strerror(errno));
                return;
        }
        target[n] = '\0';
        report("%s=%s", key, target);
}

static void report_cgroup(void) {
        FILE *f = fopen("/proc/self/cgroup", "re");
        char line[4096];
        bool found = false;

        if (f) {
                while (fgets(line, sizeof(line), f))
                        if (strncmp(line, "0::", 3) == 0) {
                                line[strcspn(line, "\n")] = '\0';
                                report("cgroup=%s", line + 3);
                                found = true;
                                break;
                        }
                fclose(f);
        }
        if (!found)
                report("cgroup=(none)");
}

/* "groups=G1 G2 ..." in getgroups() order. */
static void report_groups(void) {
        gid_t groups[256];
        int n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
        char line[256 * 12] = "";
        size_t len = 0;
        for (int i = 0; i < n && len < sizeof(line) - 12; i++)
                len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%u", i ? " " : "",
                                        (unsigned)groups[i]);
        report("groups=%s", n < 0 ? "(unknown)" : line);
}

/* For each folder in $RUNTIME_DIRECTORY, $STATE_DIRECTORY, ... (':'
 * separated): "folder=KEY PATH UID GID MODE" (MODE octal), as lstat()
 * sees it from inside, or "folder=KEY PATH ERRNO". */
static void report_folders(void) {
        static const char *const keys[] = {"RUNTIME_DIRECTORY", "STATE_DIRECTORY",
                                           "CACHE_DIRECTORY", "LOGS_DIRECTORY",
                                           "CONFIGURATION_DIRECTORY"};
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                const char *v = getenv(keys[k]);
                char *copy = v ? strdup(v) : NULL, *save = NULL;
                for (char *p = copy ? strtok_r(copy, ":", &save) : NULL; p;
                     p = strtok_r(NULL, ":", &save)) {
                        struct stat st;
                        if (lstat(p, &st) < 0)
                                report("folder=%s %s %s", keys[k], p, strerrorname_np(errno));
                        else
                                report("folder=%s %s %u %u %04o%s", keys[k], p, (unsigned)st.st_uid,
                                       (unsigned)st.st_gid, (unsigned)(st.st_mode & 07777),
                                       S_ISDIR(st.st_mode) ? "" : " not-a-folder");
                }
                free(copy);
        }
}

static void report_identity(int argc, char **argv) {
        char cwd[PATH_MAX];

        report("pid=%d", (int)getpid());
        report("ppid=%d", (int)getppid());
        report("uid=%d", (int)getuid());
        report("gid=%d", (int)getgid());
        report_groups();
        report("sid=%d", (int)getsid(0));
        report("pgid=%d", (int)getpgid(0));
        report("argc=%d", argc);
        for (int i = 0; i < argc; i++)
                report("argv=%s", argv[i]);
        for (char **e = environ; e && *e; e++)
                report("env=%s", *e);
        report("cwd=%s", getcwd(cwd, sizeof(cwd)) ? cwd : "(unknown)");
        report_link("stdin", "/proc/self/fd/0");
        report_link("stdout", "/proc/self/fd/1");
        report_link("stderr", "/proc/self/fd/2");
        report_cgroup();
        report_folders();
}

/* Writes all of buf to fd; a full pipe simply blocks us, as it would any
 * service that logs faster than its log is read. */
static int write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                buf += n;
                len -= (size_t)n;
        }
        return 0;
}

/* Writes bytes bytes of numbered 100-byte lines to stdout. */
static void flood(long long bytes) {
        char line[101];
        long long written = 0;

        for (long long i = 0; written < bytes; i++) {
                int n = snprintf(line, sizeof(line), "flood %012lld ", i);
                memset(line + n, 'x', 99 - (size_t)n);
                line[99] = '\n';
                size_t len = bytes - written < 100 ? (size_t)(bytes - written) : 100;
                if (write_all(STDOUT_FILENO, line, len) < 0)
                        break;
                written += (long long)len;
        }
        report("flood=%lld", written);
}

/* Resets what a forked child inherits from the main loop's signal setup. */
static void child_reset_signals(int sfd) {
        sigset_t all;
        if (sfd >= 0)
                close(sfd);
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
}

static void spawn_grandchild(int sfd) {
        pid_t pid = fork();
        if (pid < 0) {
                report("grandchild-error=%s", strerror(errno));
                return;
        }
        if (pid == 0) {
                child_reset_signals(sfd);
                /* Its own process group: only a cgroup-wide kill reaches it. */
                setpgid(0, 0);
                for (;;)
                        pause();
        }
        setpgid(pid, pid);
        report("grandchild=%d", (int)pid);
}

static void spawn_orphan(int sfd) {
        pid_t middle = fork();
        if (middle < 0) {
                report("orphan-error=%s", strerror(errno));
                return;
        }
        if (middle == 0) {
                child_reset_signals(sfd);
                pid_t orphan = fork();
                if (orphan == 0) {
                        sleep_ms(200);
                        report("orphan-exit=%d", (int)getpid());
                        _exit(0);
                }
                if (orphan > 0)
                        report("orphan=%d", (int)orphan);
                else
                        report("orphan-error=%s", strerror(errno));
                _exit(0);
        }
        /* Reap the middle process at once: the orphan is then nobody's
         * child but the subreaper's (scmd) or PID 1's. */
        while (waitpid(middle, NULL, 0) < 0 && errno == EINTR)
                ;
}

/* sd_notify(3): one datagram to path ('@': the abstract namespace).
 * Returns 0 or -errno. */
static int notify_send(const char *path, const char *msg) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (!path || !path[0])
                return -ENOENT;
        size_t len = strlen(path);
        if (len >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        memcpy(addr.sun_path, path, len);
        if (addr.sun_path[0] == '@')
                addr.sun_path[0] = '\0';
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        int r = 0;
        if (sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&addr,
                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
                r = -errno;
        close(fd);
        return r;
}

/* Sends msg to the service's notify socket and reports it. */
static void notify(const struct options *o, const char *msg) {
        int r = notify_send(o->notify_socket ? o->notify_socket : getenv("NOTIFY_SOCKET"), msg);
        if (r < 0)
                report("notify-error=%s: %s", msg, strerror(-r));
        else
                report("notify=%s", msg);
}

/* READY=1 from a child of the service's main process, which then stays
 * (a message is attributed to its sender while the sender lives). */
static void notify_ready_from_grandchild(const struct options *o, int sfd) {
        pid_t pid = fork();
        if (pid < 0) {
                report("grandchild-error=%s", strerror(errno));
                return;
        }
        if (pid == 0) {
                child_reset_signals(sfd);
                report("notify-from=%d", (int)getpid());
                notify(o, "READY=1");
                for (;;)
                        pause();
        }
        report("grandchild=%d", (int)pid);
}

/* What a notify service says as it exits. */
static void notify_exiting(const struct options *o) {
        char msg[64];
        if (o->notify_errno >= 0) {
                snprintf(msg, sizeof(msg), "ERRNO=%ld", o->notify_errno);
                notify(o, msg);
        }
        if (o->notify_stopping)
                notify(o, "STOPPING=1");
}

static void crash(void) {
        struct rlimit no_core = {0, 0};
        sigset_t segv;

        report("crash=SEGV");
        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGSEGV, SIG_DFL);
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        sigprocmask(SIG_UNBLOCK, &segv, NULL);
        raise(SIGSEGV);
        abort();
}

static long parse_long(const char *opt, const char *s, long min, long max) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max) {
                fprintf(stderr, "scm-test-helper: %s needs a number in %ld..%ld, not '%s'\n", opt,
                        min, max, s);
                exit(2);
        }
        return v;
}

static void usage(FILE *f) {
        fputs("usage: scm-test-helper [--report FILE] [--print TEXT] [--print-every MS]\n"
              "         [--exit-after MS [--exit-code N]] [--crash-after MS] [--ignore-term]\n"
              "         [--spawn-grandchild] [--orphan] [--flood BYTES]\n"
              "         [--stamp FILE --name NAME]\n"
              "         [--notify-socket PATH] [--notify-status TEXT] [--notify-ready-after MS]\n"
              "         [--notify-from-grandchild] [--notify-watchdog-for MS]\n"
              "         [--notify-errno N] [--notify-stopping] [ARGS...]\n"
              "       scm-test-helper [--notify-socket PATH] --notify-send MESSAGE\n",
              f);
}

static void parse_options(int argc, char **argv, struct options *o) {
        enum {
                OPT_REPORT = 256,
                OPT_PRINT,
                OPT_PRINT_EVERY,
                OPT_EXIT_AFTER,
                OPT_EXIT_CODE,
                OPT_CRASH_AFTER,
                OPT_IGNORE_TERM,
                OPT_GRANDCHILD,
                OPT_ORPHAN,
                OPT_FLOOD,
                OPT_NOTIFY_SOCKET,
                OPT_NOTIFY_STATUS,
                OPT_NOTIFY_READY_AFTER,
                OPT_NOTIFY_FROM_GRANDCHILD,
                OPT_NOTIFY_WATCHDOG_FOR,
                OPT_NOTIFY_ERRNO,
                OPT_NOTIFY_STOPPING,
                OPT_NOTIFY_SEND,
                OPT_STAMP,
                OPT_NAME,
        };
        static const struct option longopts[] = {
                {"report", required_argument, NULL, OPT_REPORT},
                {"print", required_argument, NULL, OPT_PRINT},
                {"print-every", required_argument, NULL, OPT_PRINT_EVERY},
                {"exit-after", required_argument, NULL, OPT_EXIT_AFTER},
                {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
                {"crash-after", required_argument, NULL, OPT_CRASH_AFTER},
                {"ignore-term", no_argument, NULL, OPT_IGNORE_TERM},
                {"spawn-grandchild", no_argument, NULL, OPT_GRANDCHILD},
                {"orphan", no_argument, NULL, OPT_ORPHAN},
                {"flood", required_argument, NULL, OPT_FLOOD},
                {"notify-socket", required_argument, NULL, OPT_NOTIFY_SOCKET},
                {"notify-status", required_argument, NULL, OPT_NOTIFY_STATUS},
                {"notify-ready-after", required_argument, NULL, OPT_NOTIFY_READY_AFTER},
                {"notify-from-grandchild", no_argument, NULL, OPT_NOTIFY_FROM_GRANDCHILD},
                {"notify-watchdog-for", required_argument, NULL, OPT_NOTIFY_WATCHDOG_FOR},
                {"notify-errno", required_argument, NULL, OPT_NOTIFY_ERRNO},
                {"notify-stopping", no_argument, NULL, OPT_NOTIFY_STOPPING},
                {"notify-send", required_argument, NULL, OPT_NOTIFY_SEND},
                {"stamp", required_argument, NULL, OPT_STAMP},
                {"name", required_argument, NULL, OPT_NAME},
                {"help", no_argument, NULL, 'h'},
                {0},
        };
        int c;

        *o = (struct options){.print_every_ms = -1,
                              .exit_after_ms = -1,
                              .crash_after_ms = -1,
                              .notify_ready_after_ms = -1,
                              .notify_watchdog_for_ms = -1,
                              .notify_errno = -1};
        /* '+': stop at the first non-option, so start arguments that look
         * like options are reported, not parsed. */
        while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_REPORT:
                        o->report = optarg;
                        break;
                case OPT_STAMP:
                        o->stamp = optarg;
                        break;
                case OPT_NAME:
                        o->name = optarg;
                        break;
                case OPT_PRINT:
                        o->print = optarg;
                        break;
                case OPT_PRINT_EVERY:
                        o->print_every_ms = parse_long("--print-every", optarg, 1, INT_MAX);
                        break;
                case OPT_EXIT_AFTER:
                        o->exit_after_ms = parse_long("--exit-after", optarg, 0, INT_MAX);
                        break;
                case OPT_EXIT_CODE:
                        o->exit_code = (int)parse_long("--exit-code", optarg, 0, 255);
                        break;
                case OPT_CRASH_AFTER:
                        o->crash_after_ms = parse_long("--crash-after", optarg, 0, INT_MAX);
                        break;
                case OPT_IGNORE_TERM:
                        o->ignore_term = true;
                        break;
                case OPT_GRANDCHILD:
                        o->spawn_grandchild = true;
                        break;
                case OPT_ORPHAN:
                        o->orphan = true;
                        break;
                case OPT_FLOOD:
                        o->flood_bytes = parse_long("--flood", optarg, 0, LONG_MAX);
                        break;
                case OPT_NOTIFY_SOCKET:
                        o->notify_socket = optarg;
                        break;
                case OPT_NOTIFY_STATUS:
                        o->notify_status = optarg;
                        break;
                case OPT_NOTIFY_READY_AFTER:
                        o->notify_ready_after_ms =
                                parse_long("--notify-ready-after", optarg, 0, INT_MAX);
                        break;
                case OPT_NOTIFY_FROM_GRANDCHILD:
                        o->notify_from_grandchild = true;
                        break;
                case OPT_NOTIFY_WATCHDOG_FOR:
                        o->notify_watchdog_for_ms =
                                parse_long("--notify-watchdog-for", optarg, 0, INT_MAX);
                        break;
                case OPT_NOTIFY_ERRNO:
                        o->notify_errno = parse_long("--notify-errno", optarg, 0, INT_MAX);
                        break;
                case OPT_NOTIFY_STOPPING:
                        o->notify_stopping = true;
                        break;
                case OPT_NOTIFY_SEND:
                        o->notify_send = optarg;
                        break;
                case 'h':
                        usage(stdout);
                        exit(0);
                default:
                        usage(stderr);
                        exit(2);
                }
        }
}

/* Milliseconds until the earliest of the armed deadlines (-1: none). */
static int next_timeout(int64_t now, const int64_t *deadlines, size_t n) {
        int64_t best = -1;
        for (size_t i = 0; i < n; i++)
                if (deadlines[i] >= 0 && (best < 0 || deadlines[i] < best))
                        best = deadlines[i];
        if (best < 0)
                return -1;
        return best <= now ? 0 : (int)(best - now > INT_MAX ? INT_MAX : best - now);
}

int main(int argc, char **argv) {
        struct options o;
        sigset_t mask;

        argc = security_modes_take(argc, argv);
        argc = resource_modes_take(argc, argv);
        parse_options(argc, argv, &o);

        if (o.report) {
                report_fd = open(o.report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
                if (report_fd < 0)
                        fprintf(stderr, "scm-test-helper: cannot open report %s: %m\n", o.report);
        }
        if (o.stamp) {
                stamp_fd = open(o.stamp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
                if (stamp_fd < 0)
                        fprintf(stderr, "scm-test-helper: cannot open stamp file %s: %m\n",
                                o.stamp);
                stamp_name = o.name ? o.name : "?";
        }
        stamp("start");
        if (o.notify_send) {
                int r = notify_send(o.notify_socket ? o.notify_socket : getenv("NOTIFY_SOCKET"),
                                    o.notify_send);
                if (r < 0) {
                        fprintf(stderr, "scm-test-helper: cannot send '%s': %s\n", o.notify_send,
                                strerror(-r));
                        return 1;
                }
                report("notify-sent=%s", o.notify_send);
                return 0;
        }

        /* Signals arrive through a signalfd, so the loop has no handler races. */
        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
        if (sfd < 0) {
                fprintf(stderr, "scm-test-helper: signalfd: %m\n");
                return 1;
        }

        report_identity(argc, argv);
        security_modes_run(report);
        resource_modes_run(report);

        if (o.print) {
                printf("stdout: %s\n", o.print);
                fflush(stdout);
                fprintf(stderr, "stderr: %s\n", o.print);
        }
        if (o.spawn_grandchild)
                spawn_grandchild(sfd);
        if (o.orphan)
                spawn_orphan(sfd);
        if (o.flood_bytes > 0)
                flood(o.flood_bytes);
        report("ready=1");
        if (o.notify_ready_after_ms < 0)
                stamp("ready");
        if (o.notify_status) {
                char *msg;
                if (asprintf(&msg, "STATUS=%s", o.notify_status) >= 0) {
                        notify(&o, msg);
                        free(msg);
                }
        }

        int64_t start = now_ms();
        const char *wd = getenv("WATCHDOG_USEC");
        long pet_ms = wd ? atol(wd) / 4000 : 0;
        if (o.notify_watchdog_for_ms < 0 || pet_ms <= 0)
                pet_ms = 0;
        enum { PRINT, EXIT, CRASH, NOTIFY_READY, WATCHDOG, N_DEADLINES };
        int64_t deadlines[N_DEADLINES] = {
                [PRINT] = o.print_every_ms > 0 ? start + o.print_every_ms : -1,
                [EXIT] = o.exit_after_ms >= 0 ? start + o.exit_after_ms : -1,
                [CRASH] = o.crash_after_ms >= 0 ? start + o.crash_after_ms : -1,
                [NOTIFY_READY] =
                        o.notify_ready_after_ms >= 0 ? start + o.notify_ready_after_ms : -1,
                [WATCHDOG] = pet_ms > 0 ? start : -1,
        };
        long ticks = 0;

        for (;;) {
                struct pollfd pfd = {.fd = sfd, .events = POLLIN};
                int64_t now = now_ms();
                int r = poll(&pfd, 1, next_timeout(now, deadlines, N_DEADLINES));
                if (r < 0 && errno != EINTR) {
                        fprintf(stderr, "scm-test-helper: poll: %m\n");
                        return 1;
                }

                if (r > 0 && (pfd.revents & POLLIN)) {
                        struct signalfd_siginfo si;
                        if (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
                                const char *name = si.ssi_signo == SIGTERM  ? "TERM"
                                                   : si.ssi_signo == SIGINT ? "INT"
                                                                            : "HUP";
                                report("signal=%s", name);
                                if (si.ssi_signo != SIGHUP)
                                        stamp("stop");
                                if ((si.ssi_signo == SIGTERM && !o.ignore_term) ||
                                    si.ssi_signo == SIGINT) {
                                        notify_exiting(&o);
                                        report("exit=0");
                                        stamp("exit");
                                        return 0;
                                }
                        }
                }

                now = now_ms();
                if (deadlines[CRASH] >= 0 && now >= deadlines[CRASH])
                        crash();
                if (deadlines[EXIT] >= 0 && now >= deadlines[EXIT]) {
                        notify_exiting(&o);
                        report("exit=%d", o.exit_code);
                        stamp("exit");
                        return o.exit_code;
                }
                if (deadlines[NOTIFY_READY] >= 0 && now >= deadlines[NOTIFY_READY]) {
                        deadlines[NOTIFY_READY] = -1;
                        stamp("ready");
                        if (o.notify_from_grandchild)
                                notify_ready_from_grandchild(&o, sfd);
                        else
                                notify(&o, "READY=1");
                }
                if (deadlines[WATCHDOG] >= 0 && now >= deadlines[WATCHDOG]) {
                        if (now - start < o.notify_watchdog_for_ms) {
                                notify(&o, "WATCHDOG=1");
                                deadlines[WATCHDOG] = now + pet_ms;
                        } else {
                                report("watchdog-stopped=1");
                                deadlines[WATCHDOG] = -1;
                        }
                }
                if (deadlines[PRINT] >= 0 && now >= deadlines[PRINT]) {
                        printf("tick %ld\n", ++ticks);
                        fflush(stdout);
                        deadlines[PRINT] += o.print_every_ms;
                        if (deadlines[PRINT] < now)
                                deadlines[PRINT] = now + o.print_every_ms;
                }
        }
}
