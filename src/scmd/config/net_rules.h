/* SPDX-License-Identifier: MIT */
/*
 * A service's network rules in their text form, read (net_rules.c):
 *
 *   address rules (ip_address_allow, ip_address_deny): ADDRESS[/PREFIX],
 *     IPv4 or IPv6, or one of any, localhost, link-local, multicast;
 *   bind rules (socket_bind_allow, socket_bind_deny):
 *     [ipv4:|ipv6:][tcp:|udp:]PORT[-PORT], or any.
 *
 * As systemd's IPAddressAllow=/Deny= and SocketBindAllow=/Deny=: a
 * packet whose other end an allow rule names passes, else one a deny rule
 * names is dropped, else it passes; a bind likewise.  exec/netfilter.c
 * enforces them.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ip_rule {
        uint8_t family; /* 4 or 6 */
        uint8_t prefix; /* bits */
        uint8_t addr[16];
};

struct bind_rule {
        uint8_t family; /* 0 both, 4, 6 */
        uint8_t proto;  /* 0 both, IPPROTO_TCP, IPPROTO_UDP */
        uint16_t lo, hi;
};

/* text -> up to two rules (a keyword names an IPv4 and an IPv6 network).
 * Returns how many, or -EINVAL with *ret_why (malloc'd). */
int ip_rule_parse(const char *text, struct ip_rule out[2], char **ret_why);
/* 0, or -EINVAL with *ret_why (malloc'd). */
int bind_rule_parse(const char *text, struct bind_rule *out, char **ret_why);
