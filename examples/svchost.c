/* SPDX-License-Identifier: MIT */
/*
 * svchost: one process hosting two native services, the shape of Windows'
 * svchost.exe.  Its dispatcher table names both; scmd starts each by name
 * on the one control channel, and each runs its own ServiceMain thread
 * with its own handler and status.  The process ends when both have
 * stopped (scm_service_dispatcher() returns).
 *
 *   tick     prints "tick N" every second
 *   tock     prints "tock N" every two seconds
 *
 * Both must be type share, kind native, with the same command line and
 * account, so that they run in one process:
 *
 *   scctl create tick --type share --kind native --exec /path/to/svchost
 *   scctl create tock --type share --kind native --exec /path/to/svchost
 *   scctl start tick && scctl start tock   # one pid: scctl queryex tick tock
 *
 * Their output goes to the log of the one started first.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <scm/service.h>

/* One hosted service: what its ServiceMain and its handler share. */
struct hosted {
        const char *name;
        int period_s;
        scm_status_handle *handle;
        pthread_mutex_t lock;
        pthread_cond_t wake;
        bool stopping;
};

static struct hosted tick = {"tick", 1, NULL, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};
static struct hosted tock = {"tock", 2, NULL, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

static void report(struct hosted *h, uint32_t state) {
        struct scm_service_status st = {
                .state = state,
                .controls_accepted = state == SCM_STATE_RUNNING ? SCM_ACCEPT_STOP : 0,
                .wait_hint = state == SCM_STATE_STOP_PENDING ? 1000 : 0,
        };
        scm_set_service_status(h->handle, &st);
}

/* Runs on h's own handler thread; never blocks. */
static uint32_t handler(uint32_t control, uint32_t event_type, void *event_data, void *context) {
        struct hosted *h = context;
        (void)event_type, (void)event_data;
        if (control == SCM_CONTROL_INTERROGATE)
                return 0;
        if (control != SCM_CONTROL_STOP)
                return 120; /* ERROR_CALL_NOT_IMPLEMENTED */
        pthread_mutex_lock(&h->lock);
        report(h, SCM_STATE_STOP_PENDING);
        h->stopping = true;
        pthread_cond_signal(&h->wake);
        pthread_mutex_unlock(&h->lock);
        return 0;
}

static void run(struct hosted *h) {
        if (scm_register_handler(h->name, handler, h, &h->handle) < 0)
                return;
        pthread_mutex_lock(&h->lock);
        h->stopping = false; /* it may be started again in the same process */
        report(h, SCM_STATE_RUNNING);
        for (unsigned long n = 1; !h->stopping; n++) {
                struct timespec deadline;
                clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_sec += h->period_s;
                while (!h->stopping && pthread_cond_timedwait(&h->wake, &h->lock, &deadline) == 0)
                        ;
                if (!h->stopping) {
                        printf("%s %lu\n", h->name, n);
                        fflush(stdout);
                }
        }
        printf("%s stopped\n", h->name);
        fflush(stdout);
        report(h, SCM_STATE_STOPPED);
        pthread_mutex_unlock(&h->lock);
}

static void tick_main(int argc, char **argv) {
        (void)argc, (void)argv;
        run(&tick);
}

static void tock_main(int argc, char **argv) {
        (void)argc, (void)argv;
        run(&tock);
}

int main(void) {
        static const struct scm_dispatch_entry table[] = {
                {"tick", tick_main},
                {"tock", tock_main},
                {NULL, NULL},
        };
        int r = scm_service_dispatcher(table);
        if (r < 0) {
                int win32 = scm_error_win32(r);
                fprintf(stderr, "svchost: %s\n", win32 ? scm_error_message(win32) : strerror(-r));
                return 1;
        }
        return 0;
}
