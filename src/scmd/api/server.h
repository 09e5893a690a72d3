/* SPDX-License-Identifier: MIT */
/*
 * The listening socket and its connections: JSON-RPC lines in, replies
 * and events out, with the bounds of docs/protocol.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct manager;
struct server;
struct conn;
struct acl_caller;

/* Opens the listening socket at path (removing a stale one). */
int server_new(struct manager *m, const char *path, struct server **ret);
void server_free(struct server *s);
/* How many connections are open now. */
unsigned server_connections(const struct server *srv);
/* Writes a reply for request id on connection conn_id, if it still exists.
 * result or (win32, message) — result is consumed. */
void server_reply(struct server *srv, uint64_t conn_id, json_t *id, json_t *result);
void server_reply_error(struct server *srv, uint64_t conn_id, json_t *id, int code, int win32,
                        const char *message);

struct ucred;
struct conn_handles;
/* The peer's credentials (SO_PEERCRED at accept). */
const struct ucred *conn_peer(const struct conn *c);
/* The peer as access lists see it: uid, gid and groups (SO_PEERGROUPS,
 * else the groups of its uid's user) read at accept, and whether it is an
 * admin then. */
const struct acl_caller *conn_caller(const struct conn *c);
/* Where rpc_config.c keeps the connection's open handles. */
struct conn_handles **conn_handles_slot(struct conn *c);

struct iovec;
struct conn_events;
/* Queues the concatenated parts (whole lines) on c.  counted: an event,
 * held to the events' bound (a reply's otherwise); over it the client is
 * cut off with SERVICE_NOTIFY_CLIENT_LAGGING.  Never frees c. */
void conn_send_event(struct conn *c, const struct iovec *parts, size_t n_parts, bool counted);
/* Ends c after one last error line (id null) saying why: it stops being
 * read, unsent output is dropped, and it is closed once the line is out. */
void conn_cut_off(struct conn *c, int win32, const char *message);
/* Where events.c keeps the connection's subscriptions. */
struct conn_events **conn_events_slot(struct conn *c);
/* Where rpc_batch.c keeps the calls of a batch sent in parts. */
json_t **conn_batch_slot(struct conn *c);
/* Tells every connection that scmd executes itself again (the
 * daemon_reexec notification, docs/protocol.md "Events"): what it sent and
 * was not answered was not read, and its subscriptions are gone. */
void server_say_reexec(struct server *srv);
/* As server_new() for the listening socket an earlier scmd made at path,
 * kept by the descriptor holder (fd taken over): a client that connected
 * while scmd was down waits in its backlog and is served now. */
int server_adopt(struct manager *m, const char *path, int fd, struct server **ret);
/* The listening socket, for the descriptor holder. */
int server_fd(const struct server *srv);
