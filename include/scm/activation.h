/* SPDX-License-Identifier: MIT */
/*
 * Socket activation (docs/protocol.md, "Socket activation"): the listening
 * sockets a service declares, which scmd binds and holds; the first
 * connection or datagram starts the service, which receives them as
 * sd_listen_fds() expects.  A socket is a text: "tcp:127.0.0.1:8080",
 * "udp:*:5353", "unix:/run/web.sock mode=0660 owner=www-data",
 * "unix-dgram:/run/log.sock name=log".  Returns 0, SCM_ERR(win32), or
 * -errno.
 */
#ifndef SCM_ACTIVATION_H
#define SCM_ACTIVATION_H

#include <scm/client.h>

/* Replaces the service's sockets by specs (NULL-terminated; NULL or empty:
 * none).  Needs change-config. */
int scm_set_sockets(struct scm_client *c, const char *service, const char *const *specs);
/* The service's sockets (NULL-terminated, malloc'd: free each and the
 * vector; an empty vector when none).  Needs query-config. */
int scm_query_sockets(struct scm_client *c, const char *service, char ***ret_specs);

#endif
