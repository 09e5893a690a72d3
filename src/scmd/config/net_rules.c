/* SPDX-License-Identifier: MIT */
/*
 * Network rules' text, read into what exec/netfilter.c compiles
 * (net_rules.h has the grammar).  Pure: no descriptor, no lookup.
 */
#include "net_rules.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int invalid(char **ret_why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(char **ret_why, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0)
                *ret_why = NULL;
        va_end(ap);
        return -EINVAL;
}

static const struct {
        const char *name, *v4, *v6;
} keywords[] = {
        {"any", "0.0.0.0/0", "::/0"},
        {"localhost", "127.0.0.0/8", "::1/128"},
        {"link-local", "169.254.0.0/16", "fe80::/64"},
        {"multicast", "224.0.0.0/4", "ff00::/8"},
};

static int parse_one(const char *text, struct ip_rule *r) {
        char addr[64];
        const char *slash = strchr(text, '/');
        size_t len = slash ? (size_t)(slash - text) : strlen(text);
        if (len == 0 || len >= sizeof(addr))
                return -EINVAL;
        memcpy(addr, text, len);
        addr[len] = '\0';
        *r = (struct ip_rule){0};
        if (inet_pton(AF_INET, addr, r->addr) == 1)
                r->family = 4;
        else if (inet_pton(AF_INET6, addr, r->addr) == 1)
                r->family = 6;
        else
                return -EINVAL;
        int max = r->family == 4 ? 32 : 128;
        r->prefix = (uint8_t)max;
        if (slash) {
                char *end;
                long p = strtol(slash + 1, &end, 10);
                if (!slash[1] || *end || p < 0 || p > max)
                        return -EINVAL;
                r->prefix = (uint8_t)p;
        }
        /* The network, not a host in it: the bits past the prefix are 0. */
        for (int bit = r->prefix; bit < max; bit++)
                r->addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));
        return 0;
}

int ip_rule_parse(const char *text, struct ip_rule out[2], char **ret_why) {
        *ret_why = NULL;
        for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
                if (strcmp(text, keywords[i].name) == 0) {
                        parse_one(keywords[i].v4, &out[0]);
                        parse_one(keywords[i].v6, &out[1]);
                        return 2;
                }
        if (parse_one(text, &out[0]) < 0)
                return invalid(ret_why,
                               "'%s' is no address rule: an IPv4 or IPv6 address with an "
                               "optional /PREFIX, or any, localhost, link-local, multicast",
                               text);
        return 1;
}

static int parse_port(const char *s, const char *end, uint16_t *ret) {
        if (s == end || end - s > 5)
                return -EINVAL;
        unsigned v = 0;
        for (const char *p = s; p < end; p++) {
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(*p - '0');
        }
        if (v > 65535)
                return -EINVAL;
        *ret = (uint16_t)v;
        return 0;
}

int bind_rule_parse(const char *text, struct bind_rule *out, char **ret_why) {
        *ret_why = NULL;
        *out = (struct bind_rule){.lo = 0, .hi = 65535};
        const char *p = text;
        if (strncmp(p, "ipv4:", 5) == 0)
                out->family = 4, p += 5;
        else if (strncmp(p, "ipv6:", 5) == 0)
                out->family = 6, p += 5;
        if (strncmp(p, "tcp:", 4) == 0)
                out->proto = IPPROTO_TCP, p += 4;
        else if (strncmp(p, "udp:", 4) == 0)
                out->proto = IPPROTO_UDP, p += 4;
        if (strcmp(p, "any") == 0)
                return 0;
        const char *dash = strchr(p, '-'), *end = p + strlen(p);
        if (parse_port(p, dash ? dash : end, &out->lo) < 0 ||
            (dash ? parse_port(dash + 1, end, &out->hi) : (out->hi = out->lo, 0)) < 0 ||
            out->lo > out->hi)
                return invalid(ret_why,
                               "'%s' is no bind rule: [ipv4:|ipv6:][tcp:|udp:]PORT[-PORT] or any, "
                               "ports 0 to 65535, the first not above the last",
                               text);
        return 0;
}
