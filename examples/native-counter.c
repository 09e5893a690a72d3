/* SPDX-License-Identifier: MIT */
/*
 * native-counter: a native service written against <scm/service.h>, in the
 * shape of the Windows documentation's service sample.
 *
 *   main            hands a one-entry table to scm_service_dispatcher();
 *   counter_main    (ServiceMain) registers the handler, reports
 *                   START_PENDING with advancing checkpoints while it
 *                   "initialises", then RUNNING, then counts once a second;
 *   handler         never blocks: stop sets STOP_PENDING and wakes the
 *                   worker, which finishes the slow part and reports
 *                   STOPPED; pause/continue flip a flag and report at once;
 *                   custom control 200 prints the count, 201 resets it.
 *
 * Every control it receives is printed, so `scctl logs` shows them.
 *
 *   scctl create counter --kind native --exec "/path/to/native-counter"
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <scm/service.h>

static scm_status_handle *status_handle;
static struct scm_service_status status;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static bool stopping, paused;
static unsigned long count;

static void report(uint32_t state, uint32_t checkpoint, uint32_t wait_hint) {
        status.state = state;
        status.checkpoint = checkpoint;
        status.wait_hint = wait_hint;
        status.controls_accepted =
                state == SCM_STATE_START_PENDING || state == SCM_STATE_STOP_PENDING ||
                                state == SCM_STATE_STOPPED
                        ? 0
                        : SCM_ACCEPT_STOP | SCM_ACCEPT_PAUSE_CONTINUE | SCM_ACCEPT_PARAMCHANGE;
        scm_set_service_status(status_handle, &status);
}

static uint32_t handler(uint32_t control, uint32_t event_type, void *event_data, void *context) {
        (void)event_type, (void)event_data, (void)context;
        printf("control %u received\n", control);
        fflush(stdout);
        pthread_mutex_lock(&lock);
        switch (control) {
        case SCM_CONTROL_STOP:
                report(SCM_STATE_STOP_PENDING, 1, 3000);
                stopping = true; /* the worker does the slow part */
                break;
        case SCM_CONTROL_PAUSE:
                paused = true;
                report(SCM_STATE_PAUSED, 0, 0);
                break;
        case SCM_CONTROL_CONTINUE:
                paused = false;
                report(SCM_STATE_RUNNING, 0, 0);
                break;
        case SCM_CONTROL_INTERROGATE:
                report(status.state, status.checkpoint, status.wait_hint);
                break;
        case SCM_CONTROL_PARAMCHANGE:
                printf("parameters changed: nothing to reload\n");
                break;
        case 200:
                printf("count is %lu\n", count);
                break;
        case 201:
                count = 0;
                printf("count reset\n");
                break;
        default:
                pthread_mutex_unlock(&lock);
                return 120; /* ERROR_CALL_NOT_IMPLEMENTED */
        }
        pthread_cond_signal(&wake);
        pthread_mutex_unlock(&lock);
        fflush(stdout);
        return 0;
}

static void sleep_ms(long ms) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
}

static void counter_main(int argc, char **argv) {
        if (scm_register_handler(argv[0], handler, NULL, &status_handle) < 0)
                return;
        printf("%s: starting with %d argument(s)\n", argv[0], argc - 1);
        fflush(stdout);
        for (uint32_t checkpoint = 1; checkpoint <= 3; checkpoint++) {
                pthread_mutex_lock(&lock);
                report(SCM_STATE_START_PENDING, checkpoint, 2000);
                pthread_mutex_unlock(&lock);
                sleep_ms(200); /* pretend to open files, connect, ... */
        }
        pthread_mutex_lock(&lock);
        report(SCM_STATE_RUNNING, 0, 0);
        while (!stopping) {
                struct timespec deadline;
                clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_sec += 1;
                pthread_cond_timedwait(&wake, &lock, &deadline);
                if (!paused && !stopping) {
                        count++;
                        printf("count %lu\n", count);
                        fflush(stdout);
                }
        }
        pthread_mutex_unlock(&lock);

        /* The slow part of stopping, off the handler's thread. */
        for (uint32_t checkpoint = 2; checkpoint <= 3; checkpoint++) {
                sleep_ms(100);
                pthread_mutex_lock(&lock);
                report(SCM_STATE_STOP_PENDING, checkpoint, 3000);
                pthread_mutex_unlock(&lock);
        }
        printf("stopped after counting to %lu\n", count);
        fflush(stdout);
        pthread_mutex_lock(&lock);
        report(SCM_STATE_STOPPED, 0, 0);
        pthread_mutex_unlock(&lock);
}

int main(void) {
        static const struct scm_dispatch_entry table[] = {
                {"counter", counter_main},
                {NULL, NULL},
        };
        int r = scm_service_dispatcher(table);
        if (r < 0) {
                int win32 = scm_error_win32(r);
                fprintf(stderr, "native-counter: %s\n",
                        win32 ? scm_error_message(win32) : strerror(-r));
                return 1;
        }
        return 0;
}
