/* SPDX-License-Identifier: MIT */
/*
 * scm-test-native: the native test service.  It links libscm and registers
 * itself with scm_service_dispatcher(), as a Windows service test binary
 * registers itself with StartServiceCtrlDispatcher, and reports what
 * happened inside it to a report file, so tests/integration/test_native.sh
 * asserts on facts (the arguments ServiceMain got, the controls its handler
 * received) rather than on scmd's opinion of itself.
 *
 * The report (--report FILE) is appended to as scm-test-helper's is: one
 * `key=value` line per fact, one write() on an O_APPEND descriptor, then
 * fsync, so a test can poll it while the service runs.  The facts:
 *   pid=N, process_argc=N, cgroup=PATH   at once, from main (PATH: the
 *                            "0::" line of /proc/self/cgroup)
 *   started argc=N           ServiceMain began; then one argv=S per argument
 *   message=R                what scm_service_message() returned (--message)
 *   checkpoint=N             each START_PENDING checkpoint reported
 *   running=1                RUNNING reported
 *   control=N                each control the handler receives, BEFORE it acts
 *   answered=N:W             the handler returns W for control N
 *   event_type=N:E           control N came with event type E (not 0)
 *   timechange=NEW:OLD       TIMECHANGE's event data (FILETIME units)
 *   session=E:ID:SIZE        SESSIONCHANGE's event type, session and cbSize
 *   bad_status=W, bad_accept=W  what scm_set_service_status() returned for a
 *                            status that does not exist (--bad-status): the
 *                            Win32 number of an SCM_ERR(), else the -errno
 *   raw_bad_packet=sent      (--raw-bad-packet)
 *   stopped=1                STOPPED reported
 *   result=0|NAME|-ERRNO     what scm_service_dispatcher() returned
 * Each control is also printed to stdout ("control N received"), so
 * `scctl logs` shows it too.
 *
 * Modes:
 *   --progress N --wait-hint MS --step MS   START_PENDING with checkpoints
 *                        1..N, one every step, then RUNNING (defaults 0,
 *                        1000, 100)
 *   --never-report       register, report START_PENDING once with the wait
 *                        hint, then nothing ever again
 *   --no-dispatcher      never call scm_service_dispatcher(): just sleep
 *   --block-handler CODE the handler sleeps forever when it gets CODE
 *   --slow-handler MS    the handler takes MS before it answers POWEREVENT
 *   --accept LIST        controls_accepted while running: a comma list of
 *                        stop, pause, paramchange, shutdown, preshutdown,
 *                        timechange, powerevent, sessionchange,
 *                        triggerevent, or none
 *                        (default stop)
 *   --start-accept LIST  controls_accepted while START_PENDING (default none)
 *   --exit-code N        stop ends with STOPPED, win32 1066 and code N
 *   --stop-slowly MS     stop: STOP_PENDING with checkpoints from a worker
 *                        thread for MS, then STOPPED
 *   --preshutdown-progress MS  preshutdown (accept it with --accept
 *                        preshutdown): STOP_PENDING with a new checkpoint
 *                        every --step from a worker thread for MS, then
 *                        STOPPED (also reported: preshutdown_checkpoint=N)
 *   --preshutdown-hang   preshutdown: STOP_PENDING (wait hint --wait-hint)
 *                        once, then nothing
 *   (a stop, and a shutdown when accepted, report STOP_PENDING with a wait
 *   hint of 10 s, then STOPPED as soon as ServiceMain has done its work)
 *   --stop-hang          stop: STOP_PENDING (wait hint 500) once, then nothing
 *   --pause-hang         pause: PAUSE_PENDING (wait hint 300) once, then nothing
 *   --stall-reports      START_PENDING with checkpoint 1 and the wait hint,
 *                        the very same report every step, forever
 *   --fail-start N       while starting, report STOPPED with win32 1066 and
 *                        service-specific code N (a failed initialisation)
 *   --linger-after-stop  the process stays after the dispatcher returned
 *   --handler-error W    custom controls (128-255) answer W
 *   --message TEXT       scm_service_message(TEXT) at start
 *   --message-users TEXT scm_service_message_ex(TEXT, SCM_MESSAGE_TO_USERS)
 *                        at start (reported as message_users=R)
 *   --serve-sockets      at start, scm_listen_fds() (reported as listen_fds=N
 *                        and listen_name=NAME each), then answers each
 *                        connection to the first with "native PID\n"
 *   --bad-status         once running, report state 99 and an unknown
 *                        accept bit through the library
 *   --raw-bad-packet     once running, send() malformed packets on fd 3
 *                        past the library, and a message whose text holds
 *                        a newline and an escape sequence
 *   --services A,B,...   host these services (a shared process): the
 *                        dispatcher table has one entry per name, every
 *                        mode applies to each, and each fact of a service
 *                        is reported as NAME:key=value (pid=, process_argc=,
 *                        cgroup= and result= are the process's, unprefixed)
 * Run outside scmd, the dispatcher fails: it prints the Win32 name
 * (FAILED_SERVICE_CONTROLLER_CONNECT) and exits 3.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <strings.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <scm/service.h>

static struct {
        const char *report;
        long progress;
        long wait_hint_ms;
        long step_ms;
        bool never_report;
        bool no_dispatcher;
        long block_code;
        long slow_handler_ms;
        uint32_t accept;
        uint32_t start_accept;
        long exit_code;
        long stop_slowly_ms;
        bool stop_hang;
        long preshutdown_ms;
        bool preshutdown_hang;
        bool pause_hang;
        bool stall_reports;
        long fail_start;
        bool linger_after_stop;
        long handler_error;
        const char *message;
        const char *message_users;
        bool serve_sockets;
        bool bad_status;
        bool raw_bad_packet;
        const char *services;
} opt = {
        .wait_hint_ms = 1000,
        .step_ms = 100,
        .block_code = -1,
        .accept = SCM_ACCEPT_STOP,
        .exit_code = -1,
        .stop_slowly_ms = -1,
        .preshutdown_ms = -1,
        .fail_start = -1,
};

static int report_fd = -1;

#define HOSTED_MAX 16
/* The wait hint of the STOP_PENDING a stop gets (--stop-hang: 500 ms). */
#define STOP_WAIT_HINT_MS 10000

/* One hosted service's state, shared by its ServiceMain and its handler. */
struct hosted {
        char name[256];
        scm_status_handle *handle;
        struct scm_service_status status;
        bool stop_requested;
        bool preshutdown_requested;
        pthread_cond_t wake;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct hosted hosted[HOSTED_MAX];
static int n_hosted;
static bool prefix_facts; /* --services: NAME:key=value */
/* The service this thread works for (ServiceMain's and its handler's). */
static __thread struct hosted *self;

__attribute__((format(printf, 1, 2))) static void report(const char *fmt, ...) {
        char line[4096];
        va_list ap;

        if (report_fd < 0)
                return;
        int n = 0;
        if (prefix_facts && self)
                n = snprintf(line, sizeof(line), "%s:", self->name);
        va_start(ap, fmt);
        int m = vsnprintf(line + n, sizeof(line) - 1 - (size_t)n, fmt, ap);
        va_end(ap);
        if (m < 0)
                return;
        n += m;
        if (n > (int)sizeof(line) - 2)
                n = (int)sizeof(line) - 2;
        for (int i = 0; i < n; i++)
                if (line[i] == '\n')
                        line[i] = ' ';
        line[n] = '\n';
        if (write(report_fd, line, (size_t)n + 1) == n + 1)
                fsync(report_fd);
}

static void sleep_ms(long ms) {
        struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static _Noreturn void sleep_forever(void) {
        for (;;)
                sleep_ms(3600 * 1000);
}

/* The Win32 number of an SCM_ERR(), else the -errno itself. */
static int win32_or_errno(int r) {
        int win32 = scm_error_win32(r);
        return win32 ? win32 : r;
}

/* Reports a status of this thread's service; the caller holds lock. */
static void set_status(uint32_t state, uint32_t checkpoint, uint32_t wait_hint) {
        struct scm_service_status status = self->status;
        status.state = state;
        status.checkpoint = checkpoint;
        status.wait_hint = wait_hint;
        switch (state) {
        case SCM_STATE_START_PENDING:
                status.controls_accepted = opt.start_accept;
                break;
        case SCM_STATE_RUNNING:
        case SCM_STATE_PAUSED:
                status.controls_accepted = opt.accept;
                break;
        default:
                status.controls_accepted = 0;
        }
        self->status = status;
        int r = scm_set_service_status(self->handle, &status);
        if (r < 0)
                report("set_status_error=%d", win32_or_errno(r));
}

static uint32_t handler(uint32_t control, uint32_t event_type, void *event_data, void *context) {
        uint32_t result = 0;
        self = context;

        report("control=%u", control);
        if (event_type)
                report("event_type=%u:%u", control, event_type);
        if (control == SCM_CONTROL_TIMECHANGE && event_data) {
                const struct scm_timechange_info *t = event_data;
                report("timechange=%lld:%lld", (long long)t->new_time, (long long)t->old_time);
        }
        if (control == SCM_CONTROL_SESSIONCHANGE && event_data) {
                const struct scm_session_info *si = event_data;
                report("session=%u:%u:%u", event_type, si->session_id, si->size);
        }
        printf("control %u received\n", control);
        fflush(stdout);
        if (opt.block_code >= 0 && control == (uint32_t)opt.block_code)
                sleep_forever();
        if (opt.slow_handler_ms && control == SCM_CONTROL_POWEREVENT)
                sleep_ms(opt.slow_handler_ms);

        pthread_mutex_lock(&lock);
        switch (control) {
        case SCM_CONTROL_PRESHUTDOWN:
                set_status(SCM_STATE_STOP_PENDING, 1,
                           opt.preshutdown_hang ? (uint32_t)opt.wait_hint_ms : 2000);
                self->preshutdown_requested = self->stop_requested = true;
                pthread_cond_broadcast(&self->wake);
                break;
        case SCM_CONTROL_SHUTDOWN:
        case SCM_CONTROL_STOP:
                /* ServiceMain reports STOPPED at once; the hint is only
                 * scmd's deadline for it, ample for ASan on a busy machine. */
                set_status(SCM_STATE_STOP_PENDING, 1, opt.stop_hang ? 500 : STOP_WAIT_HINT_MS);
                self->stop_requested = true; /* ServiceMain does the rest */
                pthread_cond_broadcast(&self->wake);
                break;
        case SCM_CONTROL_PAUSE:
                if (opt.pause_hang)
                        set_status(SCM_STATE_PAUSE_PENDING, 1, 300);
                else
                        set_status(SCM_STATE_PAUSED, 0, 0);
                break;
        case SCM_CONTROL_CONTINUE:
                set_status(SCM_STATE_RUNNING, 0, 0);
                break;
        case SCM_CONTROL_INTERROGATE:
                set_status(self->status.state, self->status.checkpoint, self->status.wait_hint);
                break;
        case SCM_CONTROL_PARAMCHANGE:
        case SCM_CONTROL_TIMECHANGE:
        case SCM_CONTROL_POWEREVENT:
        case SCM_CONTROL_SESSIONCHANGE:
        case SCM_CONTROL_TRIGGEREVENT:
                break;
        default:
                if (control >= SCM_CONTROL_CUSTOM_FIRST && control <= SCM_CONTROL_CUSTOM_LAST)
                        result = (uint32_t)(opt.handler_error > 0 ? opt.handler_error : 0);
                else
                        result = 120; /* ERROR_CALL_NOT_IMPLEMENTED */
        }
        pthread_mutex_unlock(&lock);
        report("answered=%u:%u", control, result);
        return result;
}

/* Past the library: packets scmd must drop without harm. */
static void send_raw_bad_packets(const char *name) {
        char buf[512];
        const char *truncated = "{\"type\":\"status\",\"service\":";
        send(3, truncated, strlen(truncated), MSG_NOSIGNAL);
        snprintf(buf, sizeof(buf),
                 "{\"type\":\"status\",\"service\":\"%s\",\"state\":99,\"controls_accepted\":0,"
                 "\"win32_exit_code\":0,\"service_exit_code\":0,\"checkpoint\":0,"
                 "\"wait_hint\":0}",
                 name);
        send(3, buf, strlen(buf), MSG_NOSIGNAL);
        /* Taken, but its newline must not start a line of scmd's log. */
        snprintf(buf, sizeof(buf),
                 "{\"type\":\"message\",\"service\":\"%s\",\"text\":\"one\\nFORGED "
                 "error: \\u001b[2Jtwo\"}",
                 name);
        send(3, buf, strlen(buf), MSG_NOSIGNAL);
        report("raw_bad_packet=sent");
}

/* Preshutdown's work: a new checkpoint every step for preshutdown_ms. */
static void preshutdown_work(void) {
        if (opt.preshutdown_hang)
                sleep_forever();
        long step = opt.step_ms > 0 ? opt.step_ms : 100;
        uint32_t checkpoint = 2;
        for (long done = 0; done < opt.preshutdown_ms; done += step) {
                sleep_ms(step);
                pthread_mutex_lock(&lock);
                set_status(SCM_STATE_STOP_PENDING, checkpoint, (uint32_t)step * 4 + 1000);
                pthread_mutex_unlock(&lock);
                report("preshutdown_checkpoint=%u", checkpoint++);
        }
}

static void stop_work(void) {
        if (self->preshutdown_requested)
                preshutdown_work();
        else if (opt.stop_hang)
                sleep_forever();
        if (!self->preshutdown_requested && opt.stop_slowly_ms > 0) {
                long step = opt.stop_slowly_ms / 5 > 0 ? opt.stop_slowly_ms / 5 : 1;
                uint32_t checkpoint = 2;
                for (long done = 0; done < opt.stop_slowly_ms; done += step) {
                        sleep_ms(step);
                        pthread_mutex_lock(&lock);
                        set_status(SCM_STATE_STOP_PENDING, checkpoint++, (uint32_t)step * 4);
                        pthread_mutex_unlock(&lock);
                }
        }
        pthread_mutex_lock(&lock);
        if (opt.exit_code >= 0) {
                self->status.win32_exit_code = SCM_ERROR_SERVICE_SPECIFIC_ERROR;
                self->status.service_exit_code = (uint32_t)opt.exit_code;
        }
        report("stopped=1");
        set_status(SCM_STATE_STOPPED, 0, 0);
        pthread_mutex_unlock(&lock);
}

/* The hosted service scmd started as name: the only one, or by name. */
static struct hosted *find_hosted(const char *name) {
        if (n_hosted == 1)
                return &hosted[0];
        for (int i = 0; i < n_hosted; i++)
                if (strcasecmp(hosted[i].name, name) == 0)
                        return &hosted[i];
        return NULL;
}

/* Answers each connection to the first activation socket. */
static void *serve(void *arg) {
        (void)arg;
        for (;;) {
                int c = accept(SCM_LISTEN_FDS_START, NULL, NULL);
                if (c < 0)
                        return NULL;
                dprintf(c, "native %d\n", (int)getpid());
                close(c);
        }
}

static void take_sockets(void) {
        char **names = NULL;
        int n = scm_listen_fds(&names);
        report("listen_fds=%d", n);
        for (int i = 0; n > 0 && names[i]; i++)
                report("listen_name=%s", names[i]);
        scm_listen_names_free(names);
        report("listen_fds_again=%d", scm_listen_fds(NULL));
        pthread_t t;
        if (n > 0 && pthread_create(&t, NULL, serve, NULL) == 0)
                pthread_detach(t);
}

static void service_main(int argc, char **argv) {
        self = find_hosted(argv[0]);
        if (!self)
                return; /* the dispatcher starts only what its table has */
        pthread_mutex_lock(&lock);
        self->stop_requested = self->preshutdown_requested = false; /* it may start again */
        self->status = (struct scm_service_status){0};
        pthread_mutex_unlock(&lock);
        report("started argc=%d", argc);
        for (int i = 0; i < argc; i++)
                report("argv=%s", argv[i]);
        int r = scm_register_handler(argv[0], handler, self, &self->handle);
        if (r < 0) {
                report("register_error=%d", win32_or_errno(r));
                return;
        }
        if (opt.message)
                report("message=%d",
                       win32_or_errno(scm_service_message(self->handle, opt.message)));
        if (opt.message_users)
                report("message_users=%d",
                       win32_or_errno(scm_service_message_ex(self->handle, opt.message_users,
                                                             SCM_MESSAGE_TO_USERS)));
        if (opt.serve_sockets)
                take_sockets();

        pthread_mutex_lock(&lock);
        if (opt.never_report) {
                set_status(SCM_STATE_START_PENDING, 0, (uint32_t)opt.wait_hint_ms);
                pthread_mutex_unlock(&lock);
                sleep_forever();
        }
        if (opt.fail_start >= 0) {
                self->status.win32_exit_code = SCM_ERROR_SERVICE_SPECIFIC_ERROR;
                self->status.service_exit_code = (uint32_t)opt.fail_start;
                report("stopped=1");
                set_status(SCM_STATE_STOPPED, 0, 0);
                pthread_mutex_unlock(&lock);
                return;
        }
        while (opt.stall_reports) {
                set_status(SCM_STATE_START_PENDING, 1, (uint32_t)opt.wait_hint_ms);
                report("checkpoint=1");
                pthread_mutex_unlock(&lock);
                sleep_ms(opt.step_ms);
                pthread_mutex_lock(&lock);
        }
        for (long i = 1; i <= opt.progress && !self->stop_requested; i++) {
                set_status(SCM_STATE_START_PENDING, (uint32_t)i, (uint32_t)opt.wait_hint_ms);
                report("checkpoint=%ld", i);
                pthread_mutex_unlock(&lock);
                sleep_ms(opt.step_ms);
                pthread_mutex_lock(&lock);
        }
        if (!self->stop_requested) {
                set_status(SCM_STATE_RUNNING, 0, 0);
                report("running=1");
        }
        pthread_mutex_unlock(&lock);

        if (opt.bad_status) {
                struct scm_service_status bad = {.state = 99};
                report("bad_status=%d", win32_or_errno(scm_set_service_status(self->handle, &bad)));
                bad = (struct scm_service_status){.state = SCM_STATE_RUNNING,
                                                  .controls_accepted = 0x8000};
                report("bad_accept=%d", win32_or_errno(scm_set_service_status(self->handle, &bad)));
        }
        if (opt.raw_bad_packet)
                send_raw_bad_packets(argv[0]);

        pthread_mutex_lock(&lock);
        while (!self->stop_requested)
                pthread_cond_wait(&self->wake, &lock);
        pthread_mutex_unlock(&lock);
        stop_work();
}

static void report_cgroup(void) {
        FILE *f = fopen("/proc/self/cgroup", "re");
        char line[4096];
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        report("cgroup=%s", line + 3);
                        break;
                }
        if (f)
                fclose(f);
}

static long parse_long(const char *name, const char *s, long min, long max) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max) {
                fprintf(stderr, "scm-test-native: %s needs a number in %ld..%ld, not '%s'\n", name,
                        min, max, s);
                exit(2);
        }
        return v;
}

static uint32_t parse_accept(const char *list) {
        uint32_t mask = 0;
        char *copy = strdup(list), *save = NULL;
        if (!copy)
                exit(1);
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                if (strcmp(w, "stop") == 0)
                        mask |= SCM_ACCEPT_STOP;
                else if (strcmp(w, "pause") == 0)
                        mask |= SCM_ACCEPT_PAUSE_CONTINUE;
                else if (strcmp(w, "paramchange") == 0)
                        mask |= SCM_ACCEPT_PARAMCHANGE;
                else if (strcmp(w, "shutdown") == 0)
                        mask |= SCM_ACCEPT_SHUTDOWN;
                else if (strcmp(w, "preshutdown") == 0)
                        mask |= SCM_ACCEPT_PRESHUTDOWN;
                else if (strcmp(w, "timechange") == 0)
                        mask |= SCM_ACCEPT_TIMECHANGE;
                else if (strcmp(w, "powerevent") == 0)
                        mask |= SCM_ACCEPT_POWEREVENT;
                else if (strcmp(w, "sessionchange") == 0)
                        mask |= SCM_ACCEPT_SESSIONCHANGE;
                else if (strcmp(w, "triggerevent") == 0)
                        mask |= SCM_ACCEPT_TRIGGEREVENT;
                else if (strcmp(w, "none") != 0) {
                        fprintf(stderr, "scm-test-native: unknown control '%s' to accept\n", w);
                        exit(2);
                }
        }
        free(copy);
        return mask;
}

static void parse_options(int argc, char **argv) {
        enum {
                OPT_REPORT = 256,
                OPT_PROGRESS,
                OPT_WAIT_HINT,
                OPT_STEP,
                OPT_NEVER_REPORT,
                OPT_NO_DISPATCHER,
                OPT_BLOCK_HANDLER,
                OPT_SLOW_HANDLER,
                OPT_ACCEPT,
                OPT_START_ACCEPT,
                OPT_EXIT_CODE,
                OPT_STOP_SLOWLY,
                OPT_STOP_HANG,
                OPT_PRESHUTDOWN_PROGRESS,
                OPT_PRESHUTDOWN_HANG,
                OPT_PAUSE_HANG,
                OPT_STALL_REPORTS,
                OPT_FAIL_START,
                OPT_LINGER_AFTER_STOP,
                OPT_HANDLER_ERROR,
                OPT_MESSAGE,
                OPT_MESSAGE_USERS,
                OPT_SERVE_SOCKETS,
                OPT_BAD_STATUS,
                OPT_RAW_BAD_PACKET,
                OPT_SERVICES,
        };
        static const struct option longopts[] = {
                {"report", required_argument, NULL, OPT_REPORT},
                {"progress", required_argument, NULL, OPT_PROGRESS},
                {"wait-hint", required_argument, NULL, OPT_WAIT_HINT},
                {"step", required_argument, NULL, OPT_STEP},
                {"never-report", no_argument, NULL, OPT_NEVER_REPORT},
                {"no-dispatcher", no_argument, NULL, OPT_NO_DISPATCHER},
                {"block-handler", required_argument, NULL, OPT_BLOCK_HANDLER},
                {"slow-handler", required_argument, NULL, OPT_SLOW_HANDLER},
                {"accept", required_argument, NULL, OPT_ACCEPT},
                {"start-accept", required_argument, NULL, OPT_START_ACCEPT},
                {"exit-code", required_argument, NULL, OPT_EXIT_CODE},
                {"stop-slowly", required_argument, NULL, OPT_STOP_SLOWLY},
                {"stop-hang", no_argument, NULL, OPT_STOP_HANG},
                {"preshutdown-progress", required_argument, NULL, OPT_PRESHUTDOWN_PROGRESS},
                {"preshutdown-hang", no_argument, NULL, OPT_PRESHUTDOWN_HANG},
                {"pause-hang", no_argument, NULL, OPT_PAUSE_HANG},
                {"stall-reports", no_argument, NULL, OPT_STALL_REPORTS},
                {"fail-start", required_argument, NULL, OPT_FAIL_START},
                {"linger-after-stop", no_argument, NULL, OPT_LINGER_AFTER_STOP},
                {"handler-error", required_argument, NULL, OPT_HANDLER_ERROR},
                {"message", required_argument, NULL, OPT_MESSAGE},
                {"message-users", required_argument, NULL, OPT_MESSAGE_USERS},
                {"serve-sockets", no_argument, NULL, OPT_SERVE_SOCKETS},
                {"bad-status", no_argument, NULL, OPT_BAD_STATUS},
                {"raw-bad-packet", no_argument, NULL, OPT_RAW_BAD_PACKET},
                {"services", required_argument, NULL, OPT_SERVICES},
                {0},
        };
        int c;
        while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
                switch (c) {
                case OPT_REPORT:
                        opt.report = optarg;
                        break;
                case OPT_PROGRESS:
                        opt.progress = parse_long("--progress", optarg, 0, 1000);
                        break;
                case OPT_WAIT_HINT:
                        opt.wait_hint_ms = parse_long("--wait-hint", optarg, 0, INT_MAX);
                        break;
                case OPT_STEP:
                        opt.step_ms = parse_long("--step", optarg, 0, INT_MAX);
                        break;
                case OPT_NEVER_REPORT:
                        opt.never_report = true;
                        break;
                case OPT_NO_DISPATCHER:
                        opt.no_dispatcher = true;
                        break;
                case OPT_SLOW_HANDLER:
                        opt.slow_handler_ms = parse_long("--slow-handler", optarg, 0, 60000);
                        break;
                case OPT_BLOCK_HANDLER:
                        opt.block_code = parse_long("--block-handler", optarg, 0, 255);
                        break;
                case OPT_ACCEPT:
                        opt.accept = parse_accept(optarg);
                        break;
                case OPT_START_ACCEPT:
                        opt.start_accept = parse_accept(optarg);
                        break;
                case OPT_EXIT_CODE:
                        opt.exit_code = parse_long("--exit-code", optarg, 0, INT_MAX);
                        break;
                case OPT_STOP_SLOWLY:
                        opt.stop_slowly_ms = parse_long("--stop-slowly", optarg, 0, INT_MAX);
                        break;
                case OPT_STOP_HANG:
                        opt.stop_hang = true;
                        break;
                case OPT_PRESHUTDOWN_PROGRESS:
                        opt.preshutdown_ms =
                                parse_long("--preshutdown-progress", optarg, 0, INT_MAX);
                        break;
                case OPT_PRESHUTDOWN_HANG:
                        opt.preshutdown_hang = true;
                        break;
                case OPT_PAUSE_HANG:
                        opt.pause_hang = true;
                        break;
                case OPT_STALL_REPORTS:
                        opt.stall_reports = true;
                        break;
                case OPT_FAIL_START:
                        opt.fail_start = parse_long("--fail-start", optarg, 0, INT_MAX);
                        break;
                case OPT_LINGER_AFTER_STOP:
                        opt.linger_after_stop = true;
                        break;
                case OPT_HANDLER_ERROR:
                        opt.handler_error = parse_long("--handler-error", optarg, 0, INT_MAX);
                        break;
                case OPT_MESSAGE:
                        opt.message = optarg;
                        break;
                case OPT_MESSAGE_USERS:
                        opt.message_users = optarg;
                        break;
                case OPT_SERVE_SOCKETS:
                        opt.serve_sockets = true;
                        break;
                case OPT_BAD_STATUS:
                        opt.bad_status = true;
                        break;
                case OPT_RAW_BAD_PACKET:
                        opt.raw_bad_packet = true;
                        break;
                case OPT_SERVICES:
                        opt.services = optarg;
                        break;
                default:
                        fprintf(stderr, "usage: scm-test-native [--report FILE] [MODES...]\n");
                        exit(2);
                }
        }
}

/* The dispatcher table: one entry, which runs whatever scmd calls the
 * service, or one per name of --services. */
static void set_hosted(struct scm_dispatch_entry *table) {
        char *copy = strdup(opt.services ? opt.services : "scm-test-native"), *save = NULL;
        for (char *w = strtok_r(copy, ",", &save); w && n_hosted < HOSTED_MAX;
             w = strtok_r(NULL, ",", &save)) {
                struct hosted *h = &hosted[n_hosted];
                snprintf(h->name, sizeof(h->name), "%s", w);
                pthread_cond_init(&h->wake, NULL);
                table[n_hosted++] = (struct scm_dispatch_entry){h->name, service_main};
        }
        free(copy);
        prefix_facts = opt.services != NULL;
}

int main(int argc, char **argv) {
        parse_options(argc, argv);
        if (opt.report) {
                report_fd = open(opt.report, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
                if (report_fd < 0)
                        fprintf(stderr, "scm-test-native: cannot open report %s: %m\n", opt.report);
        }
        report("pid=%d", (int)getpid());
        report("process_argc=%d", argc);
        report_cgroup();
        if (opt.no_dispatcher) {
                report("no_dispatcher=1");
                sleep_forever();
        }

        struct scm_dispatch_entry table[HOSTED_MAX + 1] = {{0}};
        set_hosted(table);
        int r = scm_service_dispatcher(table);
        if (r < 0) {
                int win32 = scm_error_win32(r);
                const char *name = win32 ? scm_error_name(win32) : NULL;
                if (name) {
                        report("result=%s", name);
                        printf("%s\n", name);
                } else {
                        report("result=%d", r);
                        printf("%s\n", strerror(-r));
                }
                return 3;
        }
        report("result=0");
        if (opt.linger_after_stop)
                sleep_forever();
        return 0;
}
