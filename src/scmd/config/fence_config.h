/* SPDX-License-Identifier: MIT */
/*
 * A service's private view of the filesystem as configured (struct
 * service_fences): a mount namespace of its own with a private /tmp and
 * /var/tmp, the system folders read-only (ProtectSystem='s levels), the
 * home folders hidden or read-only, and a /dev with only pseudo-devices;
 * and its network rules (net_rules.h: the addresses it may reach and be
 * reached from, the ports it may bind), which exec/netfilter.c enforces.
 * Their protocol form is a JSON object of docs/protocol.md's keys, which
 * the database keeps too (db_resource.c); exec/fences.c carries them out.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

enum protect_system {
        PROTECT_SYSTEM_NO,
        PROTECT_SYSTEM_YES,    /* /usr, /boot, /efi read-only */
        PROTECT_SYSTEM_FULL,   /* and /etc */
        PROTECT_SYSTEM_STRICT, /* everything but /dev, /proc, /sys, /run, /tmp, /var/tmp */
        _PROTECT_SYSTEM_MAX,
};

enum protect_home {
        PROTECT_HOME_NO,
        PROTECT_HOME_YES,       /* /home, /root, /run/user empty and read-only */
        PROTECT_HOME_READ_ONLY, /* read-only */
        PROTECT_HOME_TMPFS,     /* empty and writable (lost at stop) */
        _PROTECT_HOME_MAX,
};

/* NULL in a service_config: no fence (the host's view). */
struct service_fences {
        bool private_tmp;
        enum protect_system protect_system;
        enum protect_home protect_home;
        bool private_devices;
        /* Network rules' texts (net_rules.h), each list NULL-terminated,
         * NULL for none. */
        char **ip_allow, **ip_deny, **bind_allow, **bind_deny;
};

extern const char *const fence_config_keys[];

void service_fences_free(struct service_fences *f);
struct service_fences *service_fences_dup(const struct service_fences *f);
/* As service_resources_apply_json (resource_config.h). */
int service_fences_apply_json(struct service_fences **f, const json_t *o, char **ret_error);
/* Every fence as the protocol's object (f NULL: none); NULL on OOM. */
json_t *service_fences_json(const struct service_fences *f);
/* True when f has a network rule. */
bool service_fences_network(const struct service_fences *f);
/* True when f asks for a mount namespace at all. */
bool service_fences_any(const struct service_fences *f);

const char *protect_system_name(enum protect_system p);
const char *protect_home_name(enum protect_home p);
