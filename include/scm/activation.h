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

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <scm/client.h>

/* Replaces the service's sockets by specs (NULL-terminated; NULL or empty:
 * none).  Needs change-config. */
int scm_set_sockets(struct scm_client *c, const char *service, const char *const *specs);
/* The service's sockets (NULL-terminated, malloc'd: free each and the
 * vector; an empty vector when none).  Needs query-config. */
int scm_query_sockets(struct scm_client *c, const char *service, char ***ret_specs);

/* An instance per connection (inetd style, systemd's Accept=yes): scmd
 * accepts each connection on the service's stream sockets and starts an
 * instance of the service for it, the connection as its descriptor 3
 * (LISTEN_FDS=1, LISTEN_FDNAMES=connection) and, with stdio, as its stdin
 * and stdout too; at most max_instances at once (1 to 1024), further
 * connections waiting in the backlog.  0: the service accepts its
 * connections itself (the default).  For plain services of type own.
 * Needs change-config. */
int scm_set_accept(struct scm_client *c, const char *service, unsigned max_instances, bool stdio);
/* The instances that run now: their pids in *ret_pids (malloc'd; free()
 * it) and their count in *ret_n, and in *ret_max the most at once (0: scmd
 * does not accept the service's connections).  Needs query-config. */
int scm_query_instances(struct scm_client *c, const char *service, unsigned *ret_max,
                        pid_t **ret_pids, size_t *ret_n);

#endif
