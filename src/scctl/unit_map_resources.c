/* SPDX-License-Identifier: MIT */
/*
 * scctl import: the resource limits, the private view of the filesystem
 * and the system-call filter (docs/from-systemd.md): MemoryMax=,
 * MemoryHigh=, MemorySwapMax=, CPUWeight=, CPUQuota=, TasksMax=,
 * IOWeight=, PrivateTmp=, ProtectHome=, PrivateDevices=, SystemCallFilter=
 * and SystemCallErrorNumber=.  ProtectSystem= is unit_map_security.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cleanup.h"
#include "unit_map.h"
#include "unit_syntax.h"

/* "512M", "1G", "4096" (1024-based), or "N%" of the machine's memory. */
static bool parse_bytes(const char *v, long long *ret) {
        char *end;
        double n = strtod(v, &end);
        if (end == v || n < 0)
                return false;
        if (*end == '%' && !end[1]) {
                double total = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
                *ret = (long long)(total * n / 100.0);
                return true;
        }
        static const char units[] = "KMGTPE";
        const char *u = *end ? strchr(units, *end) : NULL;
        if (*end && (!u || end[1]))
                return false;
        for (const char *p = units; u && p <= u; p++)
                n *= 1024;
        *ret = (long long)n;
        return true;
}

/* A whole number in [min, max], or with '%' when percent. */
static bool parse_number(const char *v, long long min, long long max, bool percent,
                         long long *ret) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (end == v || (percent ? strcmp(end, "%") != 0 : *end != '\0'))
                return false;
        *ret = n;
        return n >= min && n <= max;
}

int map_memory(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *key = it->a->key;
        const char *field = !strcmp(key, "MemoryMax")    ? "memory_max"
                            : !strcmp(key, "MemoryHigh") ? "memory_high"
                                                         : "memory_swap_max";
        if (!strcmp(it->value, "infinity") || !it->value[0])
                return NOT_NEEDED(m, it, "no limit is the default");
        long long bytes;
        if (!parse_bytes(it->value, &bytes))
                return REFUSED(m, it, "not a size (K, M, G, T, P, E or %%) or 'infinity'");
        int r = map_set(m, field, json_integer(bytes));
        return r < 0 ? r : MAPPED(m, it, field);
}

int map_cpu_weight(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        long long n;
        if (!strcmp(it->value, "idle"))
                return NOT_MAPPED(m, it, "scm has no idle CPU weight; give a small number");
        if (!parse_number(it->value, 1, 10000, false, &n))
                return REFUSED(m, it, "not a weight from 1 to 10000");
        int r = map_set(m, "cpu_weight", json_integer(n));
        return r < 0 ? r : MAPPED(m, it, "cpu_weight");
}

int map_cpu_quota(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        long long n;
        if (!it->value[0])
                return NOT_NEEDED(m, it, "no quota is the default");
        if (!parse_number(it->value, 1, 100000, true, &n))
                return REFUSED(m, it, "not a percentage of one CPU (1%% to 100000%%)");
        int r = map_set(m, "cpu_quota_percent", json_integer(n));
        return r < 0 ? r : MAPPED(m, it, "cpu_quota_percent");
}

int map_tasks_max(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        long long n;
        if (!strcmp(it->value, "infinity")) {
                int r = map_set(m, "tasks_max", json_string("infinity"));
                return r < 0 ? r : MAPPED(m, it, "tasks_max");
        }
        if (parse_number(it->value, 0, 100, true, &n)) {
                /* Of the kernel's own limit, as systemd reads it. */
                long long max = 4194304;
                FILE *f = fopen("/proc/sys/kernel/pid_max", "re");
                if (f) {
                        if (fscanf(f, "%lld", &max) != 1)
                                max = 4194304;
                        fclose(f);
                }
                n = max * n / 100 > 0 ? max * n / 100 : 1;
        } else if (!parse_number(it->value, 1, 4194304, false, &n)) {
                return REFUSED(m, it, "not a number of tasks, a percentage or 'infinity'");
        }
        int r = map_set(m, "tasks_max", json_integer(n));
        return r < 0 ? r : MAPPED(m, it, "tasks_max");
}

int map_io_weight(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        long long n;
        if (!parse_number(it->value, 1, 10000, false, &n))
                return REFUSED(m, it, "not a weight from 1 to 10000");
        int r = map_set(m, "io_weight", json_integer(n));
        return r < 0 ? r : MAPPED(m, it, "io_weight");
}

/* PrivateTmp=, PrivateDevices=: booleans of the same name. */
int map_private_flag(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *field = !strcmp(it->a->key, "PrivateTmp") ? "private_tmp" : "private_devices";
        int b = unit_parse_boolean(it->value);
        if (b < 0)
                return REFUSED(m, it, "not a boolean");
        if (b == 0)
                return NOT_NEEDED(m, it, "the default");
        int r = map_set(m, field, json_true());
        return r < 0 ? r : MAPPED(m, it, field);
}

int map_protect_home(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        int b = unit_parse_boolean(it->value);
        const char *level = b == 1                            ? "yes"
                            : b == 0                          ? "no"
                            : !strcmp(it->value, "read-only") ? "read-only"
                            : !strcmp(it->value, "tmpfs")     ? "tmpfs"
                                                              : NULL;
        if (!level)
                return REFUSED(m, it, "not yes, no, read-only or tmpfs");
        if (!strcmp(level, "no"))
                return NOT_NEEDED(m, it, "the default");
        int r = map_set(m, "protect_home", json_string(level));
        return r < 0 ? r : MAPPED(m, it, "protect_home");
}

/* The groups scm has (docs/protocol.md); systemd's others are not. */
static bool known_group(const char *w) {
        static const char *const groups[] = {"@mount",  "@reboot", "@swap",  "@module",
                                             "@raw-io", "@clock",  "@debug", "@privileged"};
        for (size_t i = 0; i < ELEMENTSOF(groups); i++)
                if (!strcmp(groups[i], w))
                        return true;
        return false;
}

/* Each assignment: a list ("~" first: a deny list); "" resets.  The names
 * go to system_call_allow or _deny; an unknown group is not mapped. */
int map_system_call_filter(struct mapper *m, struct slot *s) {
        json_t *allow = json_array(), *deny = json_array();
        int r = allow && deny ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const struct item *it = &s->items[i];
                const char *v = it->value;
                bool inverted = v[0] == '~';
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(v + inverted, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, it, "%s", reason);
                        continue;
                }
                const char *unknown = NULL;
                for (int j = 0; j < n && !unknown; j++)
                        if (w[j][0] == '@' && !known_group(w[j]))
                                unknown = w[j];
                if (unknown) {
                        r = NOT_MAPPED(m, it,
                                       "scm has no group %s (it has @mount, @reboot, @swap, "
                                       "@module, @raw-io, @clock, @debug, @privileged)",
                                       unknown);
                } else {
                        for (int j = 0; j < n && r >= 0; j++)
                                if (json_array_append_new(inverted ? deny : allow,
                                                          json_string(w[j])) < 0)
                                        r = -ENOMEM;
                        if (r >= 0)
                                r = MAPPED(m, it,
                                           inverted ? "system_call_deny" : "system_call_allow");
                }
                for (int j = 0; j < n; j++)
                        free(w[j]);
                free(w);
        }
        if (r >= 0 && json_array_size(allow))
                r = map_set(m, "system_call_allow", json_incref(allow));
        if (r >= 0 && json_array_size(deny))
                r = map_set(m, "system_call_deny", json_incref(deny));
        /* systemd kills by default; SystemCallErrorNumber= says otherwise. */
        if (r >= 0 && (json_array_size(allow) || json_array_size(deny)) &&
            !map_value_of(m, "SystemCallErrorNumber"))
                r = map_set(m, "system_call_action", json_string("kill"));
        json_decref(allow);
        json_decref(deny);
        return r;
}

int map_system_call_errno(struct mapper *m, struct slot *s) {
        const struct item *it = map_last(s);
        const char *v = it->value;
        if (!strncmp(v, "kill", 4))
                v = "kill";
        int r = map_set(m, "system_call_action", json_string(v));
        return r < 0 ? r : MAPPED(m, it, "system_call_action");
}

/* RestrictAddressFamilies=: an allow list, or a "~" deny list; lines add
 * up; "none" (no socket at all) is not mapped. */
int map_address_families(struct mapper *m, struct slot *s) {
        json_t *allow = json_array(), *deny = json_array();
        int r = allow && deny ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const struct item *it = &s->items[i];
                bool inverted = it->value[0] == '~';
                if (!strcmp(it->value, "none")) {
                        r = NOT_MAPPED(m, it,
                                       "scm has no 'no socket at all'; list AF_UNIX at least");
                        continue;
                }
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(it->value + inverted, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, it, "%s", reason);
                        continue;
                }
                for (int j = 0; j < n && r >= 0; j++)
                        if (json_array_append_new(inverted ? deny : allow, json_string(w[j])) < 0)
                                r = -ENOMEM;
                for (int j = 0; j < n; j++)
                        free(w[j]);
                free(w);
                if (r >= 0)
                        r = MAPPED(m, it,
                                   inverted ? "address_families_deny" : "address_families_allow");
        }
        if (r >= 0 && json_array_size(allow))
                r = map_set(m, "address_families_allow", json_incref(allow));
        if (r >= 0 && json_array_size(deny))
                r = map_set(m, "address_families_deny", json_incref(deny));
        json_decref(allow);
        json_decref(deny);
        return r;
}

/* IPAddressAllow=, IPAddressDeny=, SocketBindAllow=, SocketBindDeny=: word
 * lists that add up, an empty assignment clearing what came before, as
 * systemd reads them; the words are scm's rules as they are (scmd checks
 * each). */
int map_network_rules(struct mapper *m, struct slot *s) {
        static const char *const keys[][2] = {{"IPAddressAllow", "ip_address_allow"},
                                              {"IPAddressDeny", "ip_address_deny"},
                                              {"SocketBindAllow", "socket_bind_allow"},
                                              {"SocketBindDeny", "socket_bind_deny"}};
        const char *key = NULL;
        for (size_t k = 0; s->n && k < 4; k++)
                if (!strcmp(s->items[0].a->key, keys[k][0]))
                        key = keys[k][1];
        json_t *list = json_array();
        int r = list && key ? 0 : -ENOMEM;
        for (size_t i = 0; r >= 0 && i < s->n; i++) {
                const struct item *it = &s->items[i];
                char **w = NULL;
                const char *reason;
                int n = unit_split_words(it->value, &w, &reason);
                if (n < 0) {
                        r = n == -ENOMEM ? n : REFUSED(m, it, "%s", reason);
                        continue;
                }
                if (n == 0)
                        json_array_clear(list);
                for (int j = 0; j < n && r >= 0; j++)
                        if (json_array_append_new(list, json_string(w[j])) < 0)
                                r = -ENOMEM;
                for (int j = 0; j < n; j++)
                        free(w[j]);
                free(w);
                if (r >= 0)
                        r = MAPPED(m, it, key);
        }
        if (r >= 0 && json_array_size(list))
                r = map_set(m, key, json_incref(list));
        json_decref(list);
        return r;
}
