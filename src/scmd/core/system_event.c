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

#include <stdlib.h>

#include <scm/error.h>

#include "log.h"
#include "manager.h"
#include "registry.h"
#include "service.h"

static void event_answered(struct control_request *req, struct service *s, int win32) {
        if (win32)
                log_info("service %s: its handler answered system event %u with %d (%s)",
                         s->config.name, req->code, win32, scm_error_name(win32) ?: "its own code");
        free(req);
}

static int send_one(struct service *s, const struct system_event *ev) {
        if (!(s->controls_accepted & ev->accept_bit))
                return 0;
        struct control_request *req = calloc(1, sizeof(*req));
        if (!req)
                return SCM_ERR(SCM_ERROR_NOT_ENOUGH_MEMORY);
        *req = (struct control_request){.code = ev->control,
                                        .event_type = ev->event_type,
                                        .new_time = ev->new_time,
                                        .old_time = ev->old_time,
                                        .session_id = ev->session_id,
                                        .fn = event_answered};
        int r = service_control(s, EV_CUSTOM, req);
        if (r != 1)
                free(req);
        return r == 1;
}

int system_event_send(struct manager *m, const struct system_event *ev) {
        struct service **v = NULL;
        ssize_t n = registry_sorted(m->registry, &v);
        int sent = 0;
        for (ssize_t i = 0; i < n; i++)
                sent += send_one(v[i], ev) > 0;
        free(v);
        return sent;
}
