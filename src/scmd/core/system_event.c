/* SPDX-License-Identifier: MIT */
/*
 * System events for native services' handlers: the controls Windows sends
 * a service when something happens to the machine (HandlerEx's
 * SERVICE_CONTROL_TIMECHANGE, SERVICE_CONTROL_POWEREVENT), each only to a
 * service whose last status accepts it (SERVICE_ACCEPT_TIMECHANGE, ...).
 * A system event goes through the state table as a service's own control
 * (EV_CUSTOM: delivered while running or paused, refused otherwise), so it
 * is serialised with the service's other controls and timed out like
 * them.  Nobody waits for the handler's answer; an error is logged.  What
 * notices the events is above (work/clock_watch.c).
 */
#include "system_event.h"

#include <errno.h>
#include <stdlib.h>

#include <scm/error.h>

#include "log.h"
#include "manager.h"
#include "registry.h"
#include "service.h"

/* The events sent at once, and who waits for their answers (or NULL). */
struct event_batch {
        int pending; /* answers owed, plus one while sending */
        struct system_event_wait *wait;
};

struct event_request {
        struct control_request request;
        struct event_batch *batch;
};

static void batch_drop(struct event_batch *b) {
        if (--b->pending > 0)
                return;
        if (b->wait && b->wait->told > 0)
                b->wait->done(b->wait);
        free(b);
}

static void event_answered(struct control_request *req, struct service *s, int win32) {
        struct event_request *e = container_of(req, struct event_request, request);
        struct system_event_wait *w = e->batch->wait;
        if (win32)
                log_info("service %s: its handler answered system event %u with %d (%s)",
                         s->config.name, req->code, win32, scm_error_name(win32) ?: "its own code");
        if (w) {
                w->answered++;
                w->failed += win32 != 0;
        }
        batch_drop(e->batch);
        free(e);
}

static int send_one(struct service *s, const struct system_event *ev, struct event_batch *b) {
        if (!(s->controls_accepted & ev->accept_bit))
                return 0;
        struct event_request *e = calloc(1, sizeof(*e));
        if (!e)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        e->request = (struct control_request){.code = ev->control,
                                              .event_type = ev->event_type,
                                              .new_time = ev->new_time,
                                              .old_time = ev->old_time,
                                              .session_id = ev->session_id,
                                              .fn = event_answered};
        e->batch = b;
        b->pending++;
        if (b->wait)
                b->wait->told++;
        int r = service_control(s, EV_CUSTOM, &e->request);
        if (r != 1) {
                b->pending--;
                if (b->wait)
                        b->wait->told--;
                free(e);
        }
        return r == 1;
}

int system_event_send_then(struct manager *m, const struct system_event *ev,
                           struct system_event_wait *w) {
        struct event_batch *b = calloc(1, sizeof(*b));
        if (!b)
                return -ENOMEM;
        *b = (struct event_batch){.pending = 1, .wait = w};
        if (w)
                *w = (struct system_event_wait){.done = w->done};
        struct service **v = NULL;
        ssize_t n = registry_sorted(m->registry, &v);
        int sent = 0;
        for (ssize_t i = 0; i < n; i++)
                sent += send_one(v[i], ev, b) > 0;
        free(v);
        batch_drop(b);
        return sent;
}

int system_event_send(struct manager *m, const struct system_event *ev) {
        return system_event_send_then(m, ev, NULL);
}
