/* SPDX-License-Identifier: MIT */
/*
 * A service trigger's text, "start|stop EVENT", read into its parts
 * (trigger_spec.h), each refusal saying what is wrong in a sentence.
 * Apart from service_trigger.c, which acts on triggers, so that it can be
 * tested and fuzzed alone.
 */
#include "trigger_spec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

static int invalid(char **ret_why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(char **ret_why, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_why, fmt, ap) < 0)
                *ret_why = NULL;
        va_end(ap);
        return -EINVAL;
}

void trigger_spec_done(struct trigger_spec *t) {
        free(t->arg);
        free(t->devtype);
        free(t->devname);
        free(t->data);
        *t = (struct trigger_spec){0};
}

static const struct {
        const char *prefix;
        enum strigger_kind kind;
} kinds[] = {
        {"path:", TRIGGER_PATH},
        {"address:first", TRIGGER_ADDRESS_FIRST},
        {"address:last", TRIGGER_ADDRESS_LAST},
        {"device:", TRIGGER_DEVICE_ARRIVAL},
        {"device-removal:", TRIGGER_DEVICE_REMOVAL},
        {"mount:", TRIGGER_MOUNT},
        {"unmount:", TRIGGER_UNMOUNT},
        {"custom:", TRIGGER_CUSTOM},
};

static int parse_path(const char *p, struct trigger_spec *t, char **ret_why) {
        if (p[0] != '/' || strstr(p, "/../") || strstr(p, "/./") || strstr(p, "//"))
                return invalid(ret_why, "'%s' is not an absolute path without . or .. parts", p);
        size_t len = strlen(p);
        if (t->kind == TRIGGER_PATH && (len < 2 || p[len - 1] == '/'))
                return invalid(ret_why,
                               "'%s' names no file: a path trigger watches a file in a "
                               "folder",
                               p);
        if (len >= 4096)
                return invalid(ret_why, "the path is longer than 4095 bytes");
        t->arg = strdup(p);
        return t->arg ? 0 : -ENOMEM;
}

static int parse_device(const char *p, struct trigger_spec *t, char **ret_why) {
        _cleanup_free_ char *copy = strdup(p);
        if (!copy)
                return -ENOMEM;
        char *devtype = strchr(copy, ':'), *name = NULL;
        if (devtype) {
                *devtype++ = '\0';
                name = strchr(devtype, ':');
                if (name)
                        *name++ = '\0';
        }
        if (!copy[0] || strspn(copy, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(copy))
                return invalid(ret_why,
                               "'%s' is no subsystem (net, block, usb, input... as in /sys/class "
                               "and /sys/bus)",
                               copy);
        t->arg = strdup(copy);
        if (devtype && devtype[0] && strcmp(devtype, "*") != 0)
                t->devtype = strdup(devtype);
        if (name && name[0] && strcmp(name, "*") != 0)
                t->devname = strdup(name);
        if (!t->arg || (devtype && devtype[0] && strcmp(devtype, "*") && !t->devtype) ||
            (name && name[0] && strcmp(name, "*") && !t->devname))
                return -ENOMEM;
        return 0;
}

/* "EVENT" or "EVENT data=DATA": DATA, to the end, is what a fire must
 * carry (Windows' data items of a custom trigger). */
static int parse_custom(const char *p, struct trigger_spec *t, char **ret_why) {
        const char *data = strstr(p, " data=");
        size_t len = data ? (size_t)(data - p) : strlen(p);
        if (data) {
                data += 6;
                size_t dlen = strlen(data);
                bool control = false;
                for (const char *c = data; *c; c++)
                        control |= (unsigned char)*c < 0x20 || *c == 0x7f;
                if (dlen == 0 || dlen > TRIGGER_DATA_MAX || control)
                        return invalid(ret_why,
                                       "'%s' is no trigger data: 1 to %d bytes, no control "
                                       "character",
                                       data, TRIGGER_DATA_MAX);
                if (!(t->data = strdup(data)))
                        return -ENOMEM;
        }
        if (len == 0 || len > TRIGGER_EVENT_MAX ||
            strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") < len)
                return invalid(ret_why,
                               "'%.*s' is no custom event name: 1 to %d letters, digits, '_', "
                               "'.' or '-' (then, optionally, ' data=DATA')",
                               (int)len, p, TRIGGER_EVENT_MAX);
        t->arg = strndup(p, len);
        return t->arg ? 0 : -ENOMEM;
}

int trigger_spec_parse(const char *text, struct trigger_spec *ret, char **ret_why) {
        *ret_why = NULL;
        *ret = (struct trigger_spec){0};
        const char *event;
        if (strncmp(text, "start ", 6) == 0)
                event = text + 6;
        else if (strncmp(text, "stop ", 5) == 0) {
                event = text + 5;
                ret->stop = true;
        } else
                return invalid(ret_why,
                               "'%s' does not begin with the action: 'start EVENT' or "
                               "'stop EVENT'",
                               text);
        if (strncmp(event, "network-endpoint:", 17) == 0)
                return invalid(ret_why, "a network endpoint is a socket: declare it with "
                                        "set_sockets (scctl sockets NAME --listen ...)");
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                size_t len = strlen(kinds[i].prefix);
                if (strncmp(event, kinds[i].prefix, len) != 0)
                        continue;
                ret->kind = kinds[i].kind;
                const char *p = event + len;
                int r = 0;
                switch (ret->kind) {
                case TRIGGER_ADDRESS_FIRST:
                case TRIGGER_ADDRESS_LAST:
                        if (*p)
                                r = invalid(ret_why,
                                            "'%s' is not 'address:first' or "
                                            "'address:last'",
                                            event);
                        break;
                case TRIGGER_PATH:
                case TRIGGER_MOUNT:
                case TRIGGER_UNMOUNT:
                        r = parse_path(p, ret, ret_why);
                        break;
                case TRIGGER_DEVICE_ARRIVAL:
                case TRIGGER_DEVICE_REMOVAL:
                        r = parse_device(p, ret, ret_why);
                        break;
                case TRIGGER_CUSTOM:
                        r = parse_custom(p, ret, ret_why);
                        break;
                }
                if (r < 0)
                        trigger_spec_done(ret);
                return r;
        }
        return invalid(ret_why,
                       "'%s' is no event: path:PATH, address:first, address:last, "
                       "device:SUBSYSTEM[:DEVTYPE[:NAME]], device-removal:..., mount:PATH, "
                       "unmount:PATH or custom:EVENT",
                       event);
}
