/* SPDX-License-Identifier: MIT */
/*
 * A listening socket of socket activation: its text form and its binding.
 *
 *   tcp:HOST:PORT | udp:HOST:PORT | unix:PATH | unix-dgram:PATH
 *   followed by options, each a word: name=NAME (its LISTEN_FDNAMES
 *   entry; default the service's name), backlog=N (stream; default 128),
 *   and for a Unix path mode=OCTAL (default 0666) and owner=USER[:GROUP].
 *
 * HOST is an IPv4 address, an IPv6 one in brackets ([::1]), or * (every
 * address, IPv6 and IPv4).
 */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>

enum listen_kind { LISTEN_TCP, LISTEN_UDP, LISTEN_UNIX, LISTEN_UNIX_DGRAM };

struct listen_spec {
        enum listen_kind kind;
        struct sockaddr_storage addr;
        socklen_t addr_len;
        char name[64];
        int backlog;
        mode_t mode;
        uid_t uid; /* (uid_t)-1: unchanged */
        gid_t gid;
};

/* Parses text.  0, or -EINVAL with *ret_error (malloc'd), or -ENOMEM. */
int listen_parse(const char *text, const char *service, struct listen_spec *ret, char **ret_error);
/* A Unix socket's file (its device and inode); zero for an address. */
struct listen_id {
        dev_t dev;
        ino_t ino;
};

/* Makes, binds and (stream) listens the socket: a close-on-exec,
 * non-blocking descriptor, or -errno.  A Unix path left by an earlier
 * socket is replaced; its mode and owner are set on the file made, never
 * through a link.  *ret_id is its file's identity. */
int listen_bind(const struct listen_spec *spec, struct listen_id *ret_id);
/* Takes back fd, a socket bound for spec by an earlier scmd (id: what
 * listen_bind() said of its file): 0 when it is still spec's (its kind,
 * its address, or its path still that very file, listening) and set up as
 * listen_bind() would (close-on-exec, non-blocking, mode, owner, backlog);
 * -ESTALE when it is not spec's socket, or -errno. */
int listen_adopt(int fd, const struct listen_spec *spec, const struct listen_id *id);
/* Whether the socket is a stream one (it has connections to accept). */
bool listen_is_stream(const struct listen_spec *spec);
