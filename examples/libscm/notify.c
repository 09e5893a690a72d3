/* SPDX-License-Identifier: MIT */
/*
 * notify: <scm/notify.h>.  Subscribes to NAME's states, starts it, and
 * prints each state it enters until it is running; then stops it and waits
 * for stopped with scm_wait_status().
 *   cc notify.c $(pkg-config --cflags --libs scm) -o notify
 *   ./notify SOCKET NAME
 */
#include <stdio.h>

#include <scm/notify.h>

static int fail(const char *what, int r) {
        int e = scm_error_win32(r);
        fprintf(stderr, "notify: %s: %s (%d)\n", what, e ? scm_error_name(e) : "error", r);
        return 1;
}

int main(int argc, char **argv) {
        struct scm_client *c;
        const char *names[] = {argc == 3 ? argv[2] : NULL, NULL};
        struct scm_event e;
        int r;
        if (argc != 3)
                return 2;
        if ((r = scm_connect(argv[1], -1, &c)) < 0)
                return fail("connect", r);
        if ((r = scm_subscribe(c, names, SCM_NOTIFY_ALL_STATES, NULL)) < 0)
                return fail("subscribe", r);
        if ((r = scm_start_service(c, argv[2], NULL, NULL)) < 0)
                return fail("start", r);
        for (;;) {
                if ((r = scm_wait_event(c, 60000, &e)) < 0)
                        return fail("wait_event", r);
                enum scm_state s = e.status.state;
                if (e.type == SCM_EVENT_STATUS)
                        printf("%s %s\n", e.name, scm_state_name(s));
                scm_event_clear(&e);
                if (s == SCM_STATE_RUNNING)
                        break;
        }
        if ((r = scm_control_service(c, argv[2], SCM_CONTROL_STOP, NULL)) < 0)
                return fail("stop", r);
        struct scm_status st;
        if ((r = scm_wait_status(c, argv[2], SCM_NOTIFY_STOPPED, 60000, &st)) < 0)
                return fail("wait_status", r);
        printf("%s %s at last\n", argv[2], scm_state_name(st.state));
        scm_disconnect(c);
        return 0;
}
