/* SPDX-License-Identifier: MIT */
/*
 * Service triggers (docs/protocol.md, "Service triggers"): the events that
 * start or stop a service.  A trigger is a text, "ACTION EVENT": "start
 * path:/run/go", "start address:first", "stop address:last", "start
 * device:net::eth*", "start mount:/srv", "stop custom:maintenance".
 * Returns 0, SCM_ERR(win32), or -errno.
 */
#ifndef SCM_TRIGGERS_H
#define SCM_TRIGGERS_H

#include <scm/client.h>

/* Replaces the service's triggers by texts (NULL-terminated; NULL or
 * empty: none).  Needs change-config. */
int scm_set_triggers(struct scm_client *c, const char *service, const char *const *texts);
/* The service's triggers (NULL-terminated, malloc'd: free each and the
 * vector), its sockets last as "start network-endpoint:SOCKET".  Needs
 * query-config. */
int scm_query_triggers(struct scm_client *c, const char *service, char ***ret_texts);
/* Fires custom event `event` (data: optional text for scmd's log): the
 * services with a trigger on it that the caller may start or stop. */
int scm_fire_trigger(struct scm_client *c, const char *event, const char *data);

#endif
