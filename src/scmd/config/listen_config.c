/* SPDX-License-Identifier: MIT */
/*
 * The text form of a service's listening sockets (listen_config.h): one
 * rule for create, change_config and the binding at activation.
 */
#include "listen_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

static int fail(const char **ret_why, const char *why) {
        *ret_why = why;
        return -EINVAL;
}

static int parse_port(const char *s, in_port_t *ret) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (s[0] < '0' || s[0] > '9' || *end || v == 0 || v > 65535)
                return -EINVAL;
        *ret = htons((in_port_t)v);
        return 0;
}

/* "ADDR:PORT" with ADDR IPv4 or [IPv6]. */
static int parse_inet(const char *s, struct listen_spec *ret, const char **ret_why) {
        char host[64];
        const char *colon;
        if (s[0] == '[') {
                const char *close = strchr(s, ']');
                if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
                        return fail(ret_why, "an IPv6 address goes in brackets: [::1]:8080");
                snprintf(host, sizeof(host), "%.*s", (int)(close - s - 1), s + 1);
                colon = close + 1;
        } else {
                colon = strrchr(s, ':');
                if (!colon || (size_t)(colon - s) >= sizeof(host))
                        return fail(ret_why, "it must be ADDRESS:PORT, e.g. 127.0.0.1:8080");
                snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
        }
        in_port_t port;
        if (parse_port(colon + 1, &port) < 0)
                return fail(ret_why, "the port must be a number from 1 to 65535");
        struct sockaddr_in *in4 = (struct sockaddr_in *)&ret->addr;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ret->addr;
        if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
                in4->sin_family = AF_INET;
                in4->sin_port = port;
                ret->family = AF_INET;
                ret->addr_len = sizeof(*in4);
        } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = port;
                ret->family = AF_INET6;
                ret->addr_len = sizeof(*in6);
        } else {
                return fail(ret_why, "the address is neither IPv4 nor IPv6 (in brackets)");
        }
        return 0;
}

/* "/PATH[,mode=OCTAL]". */
static int parse_unix(const char *s, struct listen_spec *ret, const char **ret_why) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ret->addr;
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        if (s[0] != '/' || len >= sizeof(un->sun_path))
                return fail(ret_why, "a Unix socket's path must be absolute and under 108 bytes");
        ret->mode = 0666;
        if (comma) {
                if (strncmp(comma, ",mode=", 6) != 0 || comma[6] < '0' || comma[6] > '7')
                        return fail(ret_why, "after the path only ,mode=OCTAL may follow");
                char *end;
                unsigned long mode = strtoul(comma + 6, &end, 8);
                if (*end || mode > 0777)
                        return fail(ret_why, "after the path only ,mode=OCTAL may follow");
                ret->mode = (mode_t)mode;
        }
        un->sun_family = AF_UNIX;
        memcpy(un->sun_path, s, len);
        un->sun_path[len] = '\0';
        ret->family = AF_UNIX;
        ret->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
        return 0;
}

int listen_spec_parse(const char *text, struct listen_spec *ret, const char **ret_why) {
        *ret = (struct listen_spec){0};
        static const struct {
                const char *prefix;
                int type;
                bool unix_path;
        } kinds[] = {
                {"tcp:", SOCK_STREAM, false},
                {"udp:", SOCK_DGRAM, false},
                {"unix:", SOCK_STREAM, true},
                {"unix-dgram:", SOCK_DGRAM, true},
        };
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                size_t n = strlen(kinds[i].prefix);
                if (strncmp(text, kinds[i].prefix, n) != 0)
                        continue;
                ret->type = kinds[i].type;
                return kinds[i].unix_path ? parse_unix(text + n, ret, ret_why)
                                          : parse_inet(text + n, ret, ret_why);
        }
        return fail(ret_why, "it must start with tcp:, udp:, unix: or unix-dgram:");
}
