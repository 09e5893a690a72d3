/* SPDX-License-Identifier: MIT */
/*
 * watch: a live view of the SCM.  One subscription (<scm/notify.h>) to
 * every state of the services named, or of every service plus creations,
 * deletions and services' messages when none is (with --progress, also
 * the changes within a state); then one line per event
 * until SIGINT or SIGTERM, which end it with status 0.
 *
 * The loop polls two descriptors, the connection and a signalfd, and
 * takes every event the library holds before it sleeps again, so an event
 * read during a call is never left waiting.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <scm/client.h>
#include <scm/notify.h>
#include <scm/raw.h>

#include "cleanup.h"
#include "scctl.h"

/* "2024-05-01 12:00:00.123" in local time. */
static void format_time(int64_t time_us, char *buf, size_t size) {
        time_t t = (time_t)(time_us / 1000000);
        struct tm tm;
        size_t n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
        snprintf(buf + n, size - n, ".%03d", (int)(time_us % 1000000 / 1000));
}

/* What a status says beyond its state: the pid while there is a process,
 * the exit codes once stopped, and the service's own status text. */
static void print_status_detail(const struct scm_event *e) {
        const json_t *status = json_object_get(e->params, "status");
        const char *text = json_string_value(json_object_get(status, "status_text"));
        if (e->status.state == SCM_STATE_STOPPED) {
                const char *name = scm_error_name((int)e->status.win32_exit_code);
                printf("  win32_exit_code %u%s%s, service_exit_code %u", e->status.win32_exit_code,
                       e->status.win32_exit_code && name ? " " : "",
                       e->status.win32_exit_code && name ? name : "", e->status.service_exit_code);
                char how[128];
                if (output_process_exit(status, how, sizeof(how)))
                        printf(" (%s)", how);
        } else if (e->status.pid > 0) {
                printf("  pid %d", (int)e->status.pid);
        }
        if (text && text[0])
                printf("  \"%s\"", text);
}

/* The columns of a line: the name padded to the longest name known (the
 * services there were at the start, wider when a longer one comes), the
 * change padded to the longest common one ("continue-pending -> running"),
 * so that the details after them line up. */
#define CHANGE_W 27
static int name_width;

static void widen_names(const char *name) {
        int len = name ? (int)strlen(name) : 0;
        if (len > name_width)
                name_width = len;
}

/* The width the services there are now need (or the NAMEs given). */
static void plan_columns(struct scctl *ctx, const char *const *names) {
        struct scm_service_entry *v = NULL;
        size_t n = 0;
        for (size_t i = 0; names && names[i]; i++)
                widen_names(names[i]);
        if (names || scm_enumerate(ctx->client, NULL, &v, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++)
                widen_names(v[i].name);
        scm_service_entries_free(v, n);
}

/* What changed, as the middle column says it. */
static void format_change(const struct scm_event *e, char *buf, size_t size) {
        switch (e->type) {
        case SCM_EVENT_STATUS:
                if (e->previous)
                        snprintf(buf, size, "%s -> %s", scm_state_name(e->previous),
                                 scm_state_name(e->status.state));
                else
                        snprintf(buf, size, "is %s", scm_state_name(e->status.state));
                break;
        case SCM_EVENT_CREATED:
                snprintf(buf, size, "created");
                break;
        case SCM_EVENT_DELETED:
                snprintf(buf, size, "deleted");
                break;
        case SCM_EVENT_MESSAGE:
                snprintf(buf, size, "message:");
                break;
        case SCM_EVENT_MOUNT:
                snprintf(buf, size, "%s", e->mount_action);
                break;
        case SCM_EVENT_PROGRESS:
                snprintf(buf, size, "%s", scm_state_name(e->status.state));
                break;
        }
}

static void print_event(struct scctl *ctx, const struct scm_event *e) {
        if (ctx->json) {
                static const char *const names[] = {
                        [SCM_EVENT_STATUS] = "status_changed",
                        [SCM_EVENT_CREATED] = "service_created",
                        [SCM_EVENT_DELETED] = "service_deleted",
                        [SCM_EVENT_MESSAGE] = "service_message",
                        [SCM_EVENT_PROGRESS] = "status_progress",
                        [SCM_EVENT_MOUNT] = "mount_changed",
                };
                json_t *line = json_pack("{s:s}", "event", names[e->type]);
                json_object_update(line, e->params);
                json_object_del(line, "subscriptions");
                output_json(line);
                json_decref(line);
                fflush(stdout);
                return;
        }
        char when[64], change[96];
        format_time(e->time_us, when, sizeof(when));
        format_change(e, change, sizeof(change));
        widen_names(e->name);
        printf("%s  %-*s  ", when, name_width, e->name);
        switch (e->type) {
        case SCM_EVENT_STATUS:
                printf("%-*s", CHANGE_W, change);
                print_status_detail(e);
                break;
        case SCM_EVENT_MESSAGE:
                printf("%s %s", change, e->text);
                break;
        case SCM_EVENT_MOUNT:
                printf("%-*s  %s (source %s)", CHANGE_W, change, e->mount_fstype, e->mount_source);
                break;
        case SCM_EVENT_PROGRESS:
                printf("%-*s  checkpoint %u, wait hint %u ms", CHANGE_W, change,
                       e->status.checkpoint, e->status.wait_hint);
                print_status_detail(e);
                break;
        default:
                fputs(change, stdout);
                break;
        }
        putchar('\n');
        fflush(stdout);
}

/* Prints every event the client holds or can read now.  Returns 0 or an
 * exit status. */
static int drain(struct scctl *ctx) {
        for (;;) {
                struct scm_event e;
                int r = scm_next_event(ctx->client, &e);
                if (r == 0)
                        return 0;
                if (r < 0)
                        return output_call_error(ctx, r);
                print_event(ctx, &e);
                scm_event_clear(&e);
        }
}

/* SIGINT and SIGTERM, blocked and readable from a descriptor.  Also when
 * they came ignored, as for a background job of a script: the watch must
 * still end on them. */
static int signal_fd(void) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGTERM);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
                return -errno;
        int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
        return fd < 0 ? -errno : fd;
}

enum {
        OPT_PROGRESS = 0x100,
        OPT_MOUNTS,
};

static const struct option watch_options[] = {
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"mounts", no_argument, NULL, OPT_MOUNTS},
        {},
};

static int run_watch(struct scctl *ctx, int argc, char **argv) {
        bool progress = false, mounts = false;
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0) {
                if (opt == OPT_PROGRESS)
                        progress = true;
                if (opt == OPT_MOUNTS)
                        mounts = true;
        }
        if (opt < 0)
                return ctx->exit_status;
        const char *const *names = optind < argc ? (const char *const *)argv + optind : NULL;
        for (int i = optind; i < argc; i++) {
                int r = scctl_set_service(ctx, argv[i]);
                if (r != 0)
                        return r;
        }
        uint32_t mask = SCM_NOTIFY_ALL_STATES | SCM_NOTIFY_DELETED | SCM_NOTIFY_MESSAGE;
        if (!names)
                mask |= SCM_NOTIFY_CREATED;
        if (progress)
                mask |= SCM_NOTIFY_PROGRESS;
        if (mounts && !names) /* the mount table alone */
                mask = SCM_NOTIFY_MOUNTS | (progress ? SCM_NOTIFY_PROGRESS : 0);
        else if (mounts)
                mask |= SCM_NOTIFY_MOUNTS;

        /* Before subscribing: a signal from then on ends the watch cleanly. */
        _cleanup_close_ int sfd = signal_fd();
        if (sfd < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, scm_error_from_errno(-sfd), NULL,
                                    "cannot watch for signals: %s", strerror(-sfd));
        int r = scctl_connect(ctx);
        if (r != 0)
                return r;
        if (!ctx->json)
                plan_columns(ctx, names);
        r = scm_subscribe(ctx->client, names, mask, NULL);
        if (r < 0)
                return output_call_error(ctx, r);

        for (;;) {
                r = drain(ctx);
                if (r != 0)
                        return r;
                struct pollfd p[] = {
                        {.fd = scm_client_fd(ctx->client), .events = POLLIN},
                        {.fd = sfd, .events = POLLIN},
                };
                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        return output_error(ctx, SCCTL_EXIT_REFUSED, scm_error_from_errno(errno),
                                            NULL, "poll: %m");
                if (p[1].revents)
                        return 0;
        }
}

const struct scctl_verb verb_watch = {
        .name = "watch",
        .synopsis = "[NAME...] [--progress] [--mounts] [--json]",
        .summary = "Show every change of state of services as it happens, until interrupted",
        .help = "One line per event: the time, the service, its old and new state, its pid or\n"
                "exit codes, and its status text.  Each service is first shown in the state it\n"
                "is in.  Without NAMEs every service is watched, and services created, deleted,\n"
                "and their messages for the interactive user are shown too.  With --json each\n"
                "event is one line of JSON: the event's params (docs/protocol.md, \"Events\")\n"
                "and \"event\", its kind.  SIGINT or SIGTERM end it with exit status 0.\n"
                "  --progress  also a line for each change within a state: a new checkpoint,\n"
                "              wait hint or status text\n"
                "  --mounts    changes of scmd's mount table (mounted, unmounted, changed:\n"
                "              the mount point, type and source); alone, only those, else\n"
                "              besides the NAMEs' events\n",
        .options = watch_options,
        .run = run_watch,
};
