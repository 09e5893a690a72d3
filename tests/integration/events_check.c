/* SPDX-License-Identifier: MIT */
/*
 * events_check: status notifications (docs/protocol.md, "subscribe" and
 * "Events") against a real scmd, from the outside, through libscm's
 * <scm/notify.h>.  Run by tests/integration/test_notify.sh:
 *
 *   events_check SOCKET basics  what each subscriber sees for its mask, the
 *                               report at subscribe, unsubscribe, errors,
 *                               scm_wait_status(), creations, deletions,
 *                               messages, subscriptions gone with their
 *                               connection
 *   events_check SOCKET burst   100 services started and stopped 25 times
 *                               (10,000 transitions) while 50 subscribers
 *                               read: each sees every service's sequence
 *                               numbers in order, without a gap; a 51st
 *                               that never reads is cut off with
 *                               SERVICE_NOTIFY_CLIENT_LAGGING, and the 50
 *                               do not notice
 *
 * Output is TAP on stdout.  Every wait has a deadline.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <scm/client.h>
#include <scm/notify.h>
#include <scm/raw.h>

#include "tap.h"

static const char *socket_path;

static int64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct scm_client *client(void) {
        struct scm_client *c = NULL;
        int r = scm_connect(socket_path, 30000, &c);
        if (r < 0) {
                printf("Bail out! cannot connect to %s: %s\n", socket_path, strerror(-r));
                exit(1);
        }
        scm_client_set_timeout(c, 60000);
        return c;
}

static int create(struct scm_client *c, const char *name) {
        struct scm_service_config config = SCM_SERVICE_CONFIG_INIT;
        config.name = name;
        config.command_line = "sleep 1000";
        return scm_create_service(c, &config);
}

/* The events c holds or can read now, after a round trip: scmd sends an
 * event before the reply to the request that caused it, so everything
 * caused before this call is in. */
static int count_now(struct scm_client *c, struct scm_event *first, int max_keep) {
        json_t *result = NULL;
        int n = 0;
        if (scm_call(c, "ping", NULL, &result) < 0)
                return -1;
        json_decref(result);
        for (;;) {
                struct scm_event e;
                int r = scm_next_event(c, &e);
                if (r <= 0)
                        return r < 0 ? r : n;
                if (n < max_keep)
                        first[n] = e;
                else
                        scm_event_clear(&e);
                n++;
        }
}

static void clear_events(struct scm_event *e, int n) {
        for (int i = 0; i < n; i++)
                scm_event_clear(&e[i]);
}

static bool is_status(const struct scm_event *e, enum scm_state previous, enum scm_state state,
                      uint64_t seq) {
        return e->type == SCM_EVENT_STATUS && e->previous == previous && e->status.state == state &&
               e->seq == seq && e->status.seq == seq;
}

static int call_error(struct scm_client *c, const char *method, json_t *params) {
        json_t *result = NULL;
        int r = scm_call(c, method, params, &result);
        json_decref(result);
        return scm_error_win32(r);
}

/* scmd's pid, from ping. */
static pid_t scmd_pid(struct scm_client *c) {
        json_t *result = NULL;
        pid_t pid = 0;
        if (scm_call(c, "ping", NULL, &result) == 0)
                pid = (pid_t)json_integer_value(json_object_get(result, "pid"));
        json_decref(result);
        return pid;
}

static int count_fds(pid_t pid) {
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
        DIR *d = opendir(path);
        int n = 0;
        if (!d)
                return -1;
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* ---- basics ---- */

static void masks_and_order(struct scm_client *driver) {
        const char *const n1[] = {"n1", NULL};
        struct scm_client *running = client(), *every = client(), *pause = client();
        struct scm_event ev[8];
        uint32_t id_every;
        int n;

        tap(create(driver, "n1") == 0, "create n1");
        tap(scm_subscribe(running, n1, SCM_NOTIFY_RUNNING, NULL) == 0,
            "subscribe to n1 for running only");
        n = count_now(running, ev, 8);
        tap(n == 0, "no report at subscribe when the state (stopped) is not in the mask (%d)", n);
        clear_events(ev, n > 0 ? n : 0);

        tap(scm_subscribe(every, n1, SCM_NOTIFY_ALL_STATES, &id_every) == 0,
            "subscribe to n1 for every state");
        n = count_now(every, ev, 8);
        tap(n == 1 && is_status(&ev[0], 0, SCM_STATE_STOPPED, 1) &&
                    scm_event_has_subscription(&ev[0], id_every),
            "the report at subscribe: stopped, seq 1, previous none");
        clear_events(ev, n > 0 ? n : 0);

        tap(scm_subscribe(pause, n1,
                          SCM_NOTIFY_PAUSE_PENDING | SCM_NOTIFY_PAUSED |
                                  SCM_NOTIFY_CONTINUE_PENDING,
                          NULL) == 0,
            "a subscription for the pause states is accepted");

        struct scm_status st = {0};
        int r = scm_start_service(driver, "n1", NULL, &st);
        /* The reply may come as exec succeeds, before or after running. */
        tap(r == 0 && ((st.state == SCM_STATE_START_PENDING && st.seq == 2) ||
                       (st.state == SCM_STATE_RUNNING && st.seq == 3)),
            "start n1: the reply's seq goes with its state (%d, %s, %llu)", r,
            scm_state_name(st.state) ?: "?", (unsigned long long)st.seq);
        n = count_now(running, ev, 8);
        tap(n == 1 && is_status(&ev[0], SCM_STATE_START_PENDING, SCM_STATE_RUNNING, 3),
            "the running-only subscriber got start-pending -> running, seq 3, and nothing else "
            "(%d events)",
            n);
        clear_events(ev, n > 0 ? n : 0);
        n = count_now(every, ev, 8);
        tap(n == 2 && is_status(&ev[0], SCM_STATE_STOPPED, SCM_STATE_START_PENDING, 2) &&
                    is_status(&ev[1], SCM_STATE_START_PENDING, SCM_STATE_RUNNING, 3),
            "the every-state subscriber got stopped -> start-pending (2), start-pending -> "
            "running (3)");
        clear_events(ev, n > 0 ? n : 0);

        tap(scm_control_service(driver, "n1", SCM_CONTROL_STOP, &st) == 0 &&
                    st.state == SCM_STATE_STOP_PENDING,
            "stop n1: stop-pending");
        tap(scm_wait_status(driver, "n1", SCM_NOTIFY_STOPPED, 60000, &st) == 0 &&
                    st.state == SCM_STATE_STOPPED && st.seq == 5,
            "scm_wait_status(stopped) returns the stopped status, seq 5");
        n = count_now(every, ev, 8);
        tap(n == 2 && is_status(&ev[0], SCM_STATE_RUNNING, SCM_STATE_STOP_PENDING, 4) &&
                    is_status(&ev[1], SCM_STATE_STOP_PENDING, SCM_STATE_STOPPED, 5) &&
                    ev[1].status.pid == 0,
            "the every-state subscriber got running -> stop-pending (4), stop-pending -> "
            "stopped (5)");
        clear_events(ev, n > 0 ? n : 0);
        n = count_now(running, ev, 8);
        tap(n == 0, "the running-only subscriber got nothing of the stop (%d)", n);
        clear_events(ev, n > 0 ? n : 0);
        n = count_now(pause, ev, 8);
        tap(n == 0, "the pause-states subscriber got nothing (%d)", n);
        clear_events(ev, n > 0 ? n : 0);

        tap(scm_unsubscribe(every, id_every) == 0, "unsubscribe");
        tap(scm_start_service(driver, "n1", NULL, NULL) == 0, "start n1 again");
        n = count_now(every, ev, 8);
        tap(n == 0, "after unsubscribe nothing comes (%d)", n);
        clear_events(ev, n > 0 ? n : 0);
        n = count_now(running, ev, 8);
        tap(n == 1 && is_status(&ev[0], SCM_STATE_START_PENDING, SCM_STATE_RUNNING, 7),
            "the other subscriber still gets its events (running, seq 7)");
        clear_events(ev, n > 0 ? n : 0);

        scm_disconnect(running);
        scm_disconnect(every);
        scm_disconnect(pause);
}

/* Each state bit alone: a subscriber for one state sees that state and
 * nothing else, through a whole start and stop. */
static void one_bit_each(struct scm_client *driver) {
        static const enum scm_state states[] = {SCM_STATE_STOPPED, SCM_STATE_START_PENDING,
                                                SCM_STATE_RUNNING, SCM_STATE_STOP_PENDING};
        const char *const n3[] = {"n3", NULL};
        struct scm_client *c[4];
        struct scm_event ev[8];

        tap(create(driver, "n3") == 0, "create n3");
        for (int i = 0; i < 4; i++) {
                c[i] = client();
                scm_subscribe(c[i], n3, SCM_NOTIFY_STATE(states[i]), NULL);
                int n = count_now(c[i], ev, 8);
                clear_events(ev, n > 0 ? n : 0); /* stopped's report */
        }
        tap(scm_start_service(driver, "n3", NULL, NULL) == 0 &&
                    scm_control_service(driver, "n3", SCM_CONTROL_STOP, NULL) == 0 &&
                    scm_wait_status(driver, "n3", SCM_NOTIFY_STOPPED, 60000, NULL) == 0,
            "start and stop n3");
        for (int i = 0; i < 4; i++) {
                int n = count_now(c[i], ev, 8);
                tap(n == 1 && ev[0].type == SCM_EVENT_STATUS && ev[0].status.state == states[i] &&
                            ev[0].seq == (uint64_t)(i ? i + 1 : 5),
                    "a subscriber for %s alone got exactly that change (%d events)",
                    scm_state_name(states[i]), n);
                clear_events(ev, n > 0 ? n : 0);
                scm_disconnect(c[i]);
        }
}

static void wait_status(struct scm_client *driver) {
        const char *const n1[] = {"n1", NULL};
        struct scm_client *c = client();
        struct scm_status st;
        struct scm_event ev[8];
        uint32_t own;
        int64_t t0 = now_ms();

        /* n1 runs (masks_and_order left it so). */
        tap(scm_wait_status(c, "n1", SCM_NOTIFY_RUNNING, 5000, &st) == 0 &&
                    st.state == SCM_STATE_RUNNING && now_ms() - t0 < 1000,
            "scm_wait_status returns at once when the state is already reached");
        t0 = now_ms();
        int r = scm_wait_status(c, "n1", SCM_NOTIFY_PAUSED, 300, &st);
        tap(r == -ETIMEDOUT && now_ms() - t0 >= 290,
            "scm_wait_status times out when the state does not come (%d after %lld ms)", r,
            (long long)(now_ms() - t0));
        tap(scm_wait_status(c, "nosuch", SCM_NOTIFY_STOPPED, 300, &st) ==
                    SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST),
            "scm_wait_status of an unknown service: SERVICE_DOES_NOT_EXIST");

        /* The caller's own subscription keeps its events across a wait. */
        tap(scm_subscribe(c, n1, SCM_NOTIFY_ALL_STATES, &own) == 0, "subscribe for every state");
        tap(scm_control_service(driver, "n1", SCM_CONTROL_STOP, NULL) == 0, "stop n1");
        tap(scm_wait_status(c, "n1", SCM_NOTIFY_STOPPED, 60000, &st) == 0 &&
                    st.state == SCM_STATE_STOPPED,
            "scm_wait_status(stopped) on a client with a subscription of its own");
        int n = count_now(c, ev, 8);
        bool only_own = true;
        for (int i = 0; i < n && i < 8; i++)
                only_own = only_own && scm_event_has_subscription(&ev[i], own) &&
                           json_array_size(json_object_get(ev[i].params, "subscriptions")) == 1;
        tap(n == 3 && is_status(&ev[0], 0, SCM_STATE_RUNNING, 7) &&
                    is_status(&ev[1], SCM_STATE_RUNNING, SCM_STATE_STOP_PENDING, 8) &&
                    is_status(&ev[2], SCM_STATE_STOP_PENDING, SCM_STATE_STOPPED, 9) && only_own,
            "...and the caller still has its own events, and none of the wait's (%d)", n);
        clear_events(ev, n > 0 ? n : 0);
        scm_disconnect(c);
}

static void created_deleted_messages(struct scm_client *driver) {
        struct scm_client *scm = client(), *named = client();
        const char *const n1[] = {"n1", NULL};
        struct scm_event ev[8];
        int n;

        tap(scm_subscribe(scm, NULL, SCM_NOTIFY_CREATED | SCM_NOTIFY_DELETED | SCM_NOTIFY_MESSAGE,
                          NULL) == 0,
            "subscribe to the SCM's events");
        tap(scm_subscribe(named, n1, SCM_NOTIFY_MESSAGE, NULL) == 0, "subscribe to n1's messages");
        tap(create(driver, "n2") == 0, "create n2");
        tap(scm_delete_service(driver, "n2", NULL) == 0, "delete n2");
        n = count_now(scm, ev, 8);
        tap(n == 2 && ev[0].type == SCM_EVENT_CREATED && strcmp(ev[0].name, "n2") == 0 &&
                    ev[0].seq == 1 && ev[0].status.state == SCM_STATE_STOPPED &&
                    ev[1].type == SCM_EVENT_DELETED && strcmp(ev[1].name, "n2") == 0 &&
                    ev[1].seq == 1,
            "created (seq 1, stopped) then deleted, and no status event (%d)", n);
        clear_events(ev, n > 0 ? n : 0);

        if (geteuid() != 0) {
                tap_skip("service_message", "only root may send one");
        } else {
                const char *text = "the disk is almost full";
                int r = call_error(driver, "service_message",
                                   json_pack("{s:s, s:s}", "name", "n1", "text", text));
                tap(r == 0, "service_message from root is accepted (%d)", r);
                n = count_now(scm, ev, 8);
                tap(n == 1 && ev[0].type == SCM_EVENT_MESSAGE && strcmp(ev[0].name, "n1") == 0 &&
                            strcmp(ev[0].text, text) == 0,
                    "the SCM subscriber got the message");
                clear_events(ev, n > 0 ? n : 0);
                n = count_now(named, ev, 8);
                tap(n == 1 && ev[0].type == SCM_EVENT_MESSAGE, "so did n1's subscriber");
                clear_events(ev, n > 0 ? n : 0);
                char long_text[1026];
                memset(long_text, 'x', sizeof(long_text) - 1);
                long_text[sizeof(long_text) - 1] = '\0';
                tap(call_error(driver, "service_message",
                               json_pack("{s:s, s:s}", "name", "n1", "text", long_text)) ==
                            SCM_ERROR_INVALID_PARAMETER,
                    "a message over 1024 bytes: INVALID_PARAMETER");
        }
        scm_disconnect(scm);
        scm_disconnect(named);
}

static void refusals(struct scm_client *c) {
        const char *const nosuch[] = {"nosuch", NULL};
        tap(scm_subscribe(c, nosuch, SCM_NOTIFY_ALL_STATES, NULL) ==
                    SCM_ERR(SCM_ERROR_SERVICE_DOES_NOT_EXIST),
            "subscribe to an unknown service: SERVICE_DOES_NOT_EXIST");
        tap(call_error(c, "subscribe", json_pack("{s:[s]}", "states", "sleeping")) ==
                    SCM_ERROR_INVALID_PARAMETER,
            "an unknown state: INVALID_PARAMETER");
        tap(call_error(c, "subscribe", json_pack("{s:[s]}", "scm", "everything")) ==
                    SCM_ERROR_INVALID_PARAMETER,
            "an unknown SCM event: INVALID_PARAMETER");
        tap(call_error(c, "subscribe", json_pack("{s:b}", "all", 1)) == SCM_ERROR_INVALID_PARAMETER,
            "an unknown parameter: INVALID_PARAMETER");
        tap(call_error(c, "unsubscribe", json_pack("{s:i}", "subscription", 9999)) ==
                    SCM_ERROR_INVALID_HANDLE,
            "unsubscribe of a subscription not open: INVALID_HANDLE");
        int ok = 0, r = 0;
        while (ok < 100 && (r = scm_subscribe(c, NULL, SCM_NOTIFY_PAUSED, NULL)) == 0)
                ok++;
        tap(ok == 64 && r == SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY),
            "64 subscriptions on one connection, the 65th is NOT_ENOUGH_MEMORY (%d, %d)", ok,
            scm_error_win32(r));
}

/* Closing a connection cancels its subscriptions: scmd lets go of it, and
 * the events that follow go to the others only. */
static void cancel_on_close(struct scm_client *driver) {
        enum { N = 20 };
        struct scm_client *c[N], *witness = client();
        const char *const n1[] = {"n1", NULL};
        pid_t pid = scmd_pid(driver);
        /* Connections of the cases before may still be closing. */
        int before = count_fds(pid);
        for (int64_t deadline = now_ms() + 5000; now_ms() < deadline;) {
                usleep(50000);
                int again = count_fds(pid);
                if (again == before)
                        break;
                before = again;
        }

        for (int i = 0; i < N; i++) {
                c[i] = client();
                scm_subscribe(c[i], i % 2 ? n1 : NULL, SCM_NOTIFY_ALL_STATES, NULL);
        }
        int during = count_fds(pid);
        for (int i = 0; i < N; i++)
                scm_disconnect(c[i]);
        int after = count_fds(pid);
        for (int64_t deadline = now_ms() + 30000; after != before && now_ms() < deadline;
             after = count_fds(pid))
                usleep(10000);
        tap(during == before + N && after == before,
            "closing %d subscribed connections: scmd holds %d, then %d descriptors (%d before)", N,
            during, after, before);

        struct scm_event ev[8];
        scm_subscribe(witness, n1, SCM_NOTIFY_ALL_STATES, NULL);
        int n = count_now(witness, ev, 8);
        clear_events(ev, n > 0 ? n : 0);
        tap(scm_start_service(driver, "n1", NULL, NULL) == 0 &&
                    scm_control_service(driver, "n1", SCM_CONTROL_STOP, NULL) == 0 &&
                    scm_wait_status(driver, "n1", SCM_NOTIFY_STOPPED, 60000, NULL) == 0,
            "start and stop n1 after they left");
        n = count_now(witness, ev, 8);
        tap(n == 4, "a subscriber that stayed sees the 4 changes (%d)", n);
        clear_events(ev, n > 0 ? n : 0);
        scm_disconnect(witness);
}

static void basics(void) {
        struct scm_client *driver = client();
        masks_and_order(driver);
        one_bit_each(driver);
        wait_status(driver);
        created_deleted_messages(driver);
        struct scm_client *c = client();
        refusals(c);
        scm_disconnect(c);
        cancel_on_close(driver);
        scm_disconnect(driver);
}

/* ---- burst ---- */

enum {
        SERVICES = 100,
        CYCLES = 25,
        SUBSCRIBERS = 50,
        EVENTS_PER_SERVICE = 1 + CYCLES * 4 + 1, /* created, the changes, deleted */
        BURST_DEADLINE_MS = 600000,              /* generous: ASan on a loaded machine */
};

/* Long names make long events, so that the one who never reads passes
 * scmd's 4 MiB bound within the burst. */
static void burst_name(char *buf, size_t size, int i) {
        snprintf(buf, size, "burst-%03d-%0150d", i, 0);
}

/* What one subscriber has seen of one service. */
struct seen {
        uint64_t next_seq; /* 0: created not seen yet */
        enum scm_state state;
        bool deleted;
};

struct subscriber {
        struct scm_client *c;
        struct seen seen[SERVICES];
        int events, deleted, errors;
};

static int service_index(const char *name) {
        int i;
        return sscanf(name, "burst-%03d-", &i) == 1 && i >= 0 && i < SERVICES ? i : -1;
}

static const enum scm_state cycle[] = {SCM_STATE_START_PENDING, SCM_STATE_RUNNING,
                                       SCM_STATE_STOP_PENDING, SCM_STATE_STOPPED};

/* Checks one event against what the subscriber saw before. */
static void check_burst_event(struct subscriber *s, const struct scm_event *e) {
        int i = service_index(e->name);
        struct seen *x = i >= 0 ? &s->seen[i] : NULL;
        bool ok = x && !x->deleted;
        s->events++;
        if (ok && e->type == SCM_EVENT_CREATED) {
                ok = x->next_seq == 0 && e->seq == 1;
                x->next_seq = 2;
                x->state = SCM_STATE_STOPPED;
        } else if (ok && e->type == SCM_EVENT_STATUS) {
                enum scm_state want = cycle[(x->next_seq - 2) % 4];
                ok = x->next_seq >= 2 && e->seq == x->next_seq && e->previous == x->state &&
                     e->status.state == want;
                x->next_seq = e->seq + 1;
                x->state = e->status.state;
        } else if (ok && e->type == SCM_EVENT_DELETED) {
                ok = e->seq == x->next_seq - 1 && x->state == SCM_STATE_STOPPED;
                x->deleted = true;
                s->deleted++;
        } else {
                ok = false;
        }
        if (!ok && s->errors++ < 3)
                diag("unexpected event: type %d %s seq %llu previous %d state %d", e->type, e->name,
                     (unsigned long long)e->seq, e->previous, e->status.state);
}

/* The driver, in a process of its own so that the readers never wait for
 * it: create, 25 cycles of start all / stop all / wait until all stopped,
 * delete.  Exits 0 when scmd took every request. */
static void drive(void) {
        struct scm_client *c = client();
        char name[200];
        for (int i = 0; i < SERVICES; i++) {
                burst_name(name, sizeof(name), i);
                if (create(c, name) < 0)
                        _exit(10);
        }
        for (int k = 0; k < CYCLES; k++) {
                for (int i = 0; i < SERVICES; i++) {
                        burst_name(name, sizeof(name), i);
                        if (scm_start_service(c, name, NULL, NULL) < 0)
                                _exit(11);
                }
                for (int i = 0; i < SERVICES; i++) {
                        burst_name(name, sizeof(name), i);
                        if (scm_control_service(c, name, SCM_CONTROL_STOP, NULL) < 0)
                                _exit(12);
                }
                for (int i = 0; i < SERVICES; i++) {
                        burst_name(name, sizeof(name), i);
                        if (scm_wait_status(c, name, SCM_NOTIFY_STOPPED, 60000, NULL) < 0)
                                _exit(13);
                }
        }
        for (int i = 0; i < SERVICES; i++) {
                burst_name(name, sizeof(name), i);
                if (scm_delete_service(c, name, NULL) < 0)
                        _exit(14);
        }
        scm_disconnect(c);
        _exit(0);
}

/* A raw connection that subscribes to everything and then reads nothing
 * until the end. */
static int idle_subscriber(void) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"subscribe\","
                                  "\"params\":{\"scm\":[\"created\",\"deleted\"]}}\n";
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1))
                return -1;
        return fd;
}

/* Reads what the idle subscriber was sent: whole lines of events, then
 * the error that cut it off, then EOF.  Returns the error's code. */
static long read_idle(int fd, int *ret_events, bool *ret_eof) {
        size_t cap = 1 << 20, len = 0;
        char *buf = malloc(cap);
        long code = 0;
        int events = 0;
        *ret_eof = false;
        for (int64_t deadline = now_ms() + 60000; now_ms() < deadline;) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (poll(&p, 1, 1000) <= 0)
                        continue;
                if (len == cap)
                        buf = realloc(buf, cap *= 2);
                ssize_t n = read(fd, buf + len, cap - len);
                if (n <= 0) {
                        *ret_eof = n == 0;
                        break;
                }
                len += (size_t)n;
                char *start = buf, *nl;
                while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
                        json_t *msg = json_loadb(start, (size_t)(nl - start), 0, NULL);
                        if (json_object_get(msg, "method"))
                                events++;
                        else if (json_is_null(json_object_get(msg, "id")) &&
                                 json_object_get(msg, "error"))
                                code = (long)json_integer_value(
                                        json_object_get(json_object_get(msg, "error"), "code"));
                        else if (!json_object_get(msg, "result"))
                                events = -1000000; /* not a line of the protocol */
                        json_decref(msg);
                        start = nl + 1;
                }
                memmove(buf, start, len - (size_t)(start - buf));
                len -= (size_t)(start - buf);
        }
        free(buf);
        *ret_events = events;
        return code;
}

static void burst(void) {
        static struct subscriber subs[SUBSCRIBERS];
        struct pollfd p[SUBSCRIBERS];
        uint32_t mask = SCM_NOTIFY_ALL_STATES | SCM_NOTIFY_CREATED | SCM_NOTIFY_DELETED;
        int subscribed = 0;

        for (int i = 0; i < SUBSCRIBERS; i++) {
                subs[i].c = client();
                subscribed += scm_subscribe(subs[i].c, NULL, mask, NULL) == 0;
        }
        tap(subscribed == SUBSCRIBERS, "%d subscribers to every service", subscribed);
        int idle = idle_subscriber();
        tap(idle >= 0, "one more subscriber that will not read");

        int64_t start = now_ms();
        pid_t driver = fork();
        if (driver == 0)
                drive();

        int done = 0, status = -1;
        while (done < SUBSCRIBERS && now_ms() - start < BURST_DEADLINE_MS) {
                for (int i = 0; i < SUBSCRIBERS; i++)
                        p[i] = (struct pollfd){.fd = scm_client_fd(subs[i].c), .events = POLLIN};
                poll(p, SUBSCRIBERS, 1000);
                done = 0;
                for (int i = 0; i < SUBSCRIBERS; i++) {
                        struct scm_event e;
                        int r;
                        while ((r = scm_next_event(subs[i].c, &e)) == 1) {
                                check_burst_event(&subs[i], &e);
                                scm_event_clear(&e);
                        }
                        if (r < 0 && subs[i].errors++ < 3)
                                diag("subscriber %d: %s", i, strerror(-r));
                        done += subs[i].deleted == SERVICES;
                }
        }
        int64_t took = now_ms() - start;
        /* It exits after the reply to its last delete, which comes after
         * the event. */
        for (int64_t deadline = now_ms() + 60000; status < 0 && now_ms() < deadline;)
                if (waitpid(driver, &status, WNOHANG) == 0) {
                        status = -1;
                        usleep(10000);
                }
        if (status < 0) {
                kill(driver, SIGKILL);
                waitpid(driver, &status, 0);
        }

        int complete = 0, errors = 0;
        long total = 0;
        for (int i = 0; i < SUBSCRIBERS; i++) {
                complete += subs[i].events == SERVICES * EVENTS_PER_SERVICE && !subs[i].errors;
                errors += subs[i].errors;
                total += subs[i].events;
        }
        diag("%d transitions of %d services, %ld events to %d subscribers in %lld ms",
             SERVICES * CYCLES * 4, SERVICES, total, SUBSCRIBERS, (long long)took);
        tap(WIFEXITED(status) && WEXITSTATUS(status) == 0,
            "the driver's %d starts, %d stops, %d creates and deletes were all taken (status %d)",
            SERVICES * CYCLES, SERVICES * CYCLES, SERVICES, status);
        tap(complete == SUBSCRIBERS && errors == 0,
            "every subscriber saw %d events per service, seq 1..%d in order, no gap, no "
            "repeat (%d of %d complete, %d errors)",
            EVENTS_PER_SERVICE, 1 + CYCLES * 4, complete, SUBSCRIBERS, errors);

        int idle_events;
        bool eof;
        long code = read_idle(idle, &idle_events, &eof);
        tap(code == SCM_ERROR_SERVICE_NOTIFY_CLIENT_LAGGING && eof && idle_events >= 0 &&
                    idle_events < SERVICES * EVENTS_PER_SERVICE,
            "the subscriber that did not read got %d whole events, then "
            "SERVICE_NOTIFY_CLIENT_LAGGING (%ld), then EOF (%s)",
            idle_events, code, eof ? "yes" : "no");
        close(idle);
        for (int i = 0; i < SUBSCRIBERS; i++)
                scm_disconnect(subs[i].c);
}

int main(int argc, char **argv) {
        if (argc != 3) {
                fprintf(stderr, "usage: events_check SOCKET basics|burst\n");
                return 2;
        }
        socket_path = argv[1];
        signal(SIGPIPE, SIG_IGN);
        if (strcmp(argv[2], "basics") == 0)
                basics();
        else if (strcmp(argv[2], "burst") == 0)
                burst();
        else
                return 2;
        return tap_finish();
}
