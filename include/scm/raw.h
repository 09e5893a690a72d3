/* SPDX-License-Identifier: MIT */
/*
 * libscm, the escape hatch: any method of docs/protocol.md as one JSON-RPC
 * call, its params and result as jansson values.  The typed calls of
 * <scm/client.h>, <scm/manage.h> and the others are made of this one; use
 * it for a method or a field they do not cover yet.  Including it brings
 * <jansson.h>: a program that does links jansson itself
 * (pkg-config --cflags --libs scm jansson).
 *
 * As everywhere in libscm: one thread at a time per client; >= 0 is
 * success, -errno a local failure, SCM_ERR(win32) an error of the SCM.
 */
#ifndef SCM_RAW_H
#define SCM_RAW_H

#include <jansson.h>

#include <scm/client.h>
#include <scm/notify.h>

/* One JSON-RPC call.  params (an object, or NULL for none) is consumed.
 * On success *ret_result is a new reference the caller must json_decref(). */
int scm_call(struct scm_client *c, const char *method, json_t *params, json_t **ret_result);

/* The whole error object ({"code", "message", "data"}) of the last SCM_ERR()
 * returned on c, or NULL; borrowed, valid until the next call on c. */
const json_t *scm_client_error_object(const struct scm_client *c);

/* Fills *ret from a status object as the protocol defines it.
 * -EPROTO when a field is missing or malformed. */
int scm_status_from_json(const json_t *obj, struct scm_status *ret);

/* The params of the notification an event was made of (borrowed, valid
 * until scm_event_clear()), or NULL. */
static inline json_t *scm_event_params(const struct scm_event *e) {
        return e ? (json_t *)e->params : NULL;
}

#endif
