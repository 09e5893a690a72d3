/* SPDX-License-Identifier: MIT */
/*
 * A listening socket a service declares for on-demand activation, in its
 * text form (listen_config.c): "tcp:ADDR:PORT", "udp:ADDR:PORT" (ADDR an
 * IPv4 address, or an IPv6 one in brackets), "unix:/PATH" (a stream
 * socket) or "unix-dgram:/PATH", a Unix one optionally followed by
 * ",mode=0660" (default 0666).
 */
#pragma once

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#define LISTEN_SOCKETS_MAX 16

struct listen_spec {
        int family; /* AF_INET, AF_INET6, AF_UNIX */
        int type;   /* SOCK_STREAM, SOCK_DGRAM */
        struct sockaddr_storage addr;
        socklen_t addr_len;
        mode_t mode; /* AF_UNIX: the socket file's mode */
};

/* 0 with *ret, or -EINVAL with *ret_why (static text) saying what is wrong. */
int listen_spec_parse(const char *text, struct listen_spec *ret, const char **ret_why);
