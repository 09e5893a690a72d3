/* SPDX-License-Identifier: MIT */
/*
 * A service trigger's text form, parsed (trigger_spec.c); the grammar is
 * service_trigger.h's.  Pure: no manager, no descriptor.
 */
#pragma once

#include <stdbool.h>

enum strigger_kind {
        TRIGGER_PATH,
        TRIGGER_ADDRESS_FIRST,
        TRIGGER_ADDRESS_LAST,
        TRIGGER_DEVICE_ARRIVAL,
        TRIGGER_DEVICE_REMOVAL,
        TRIGGER_MOUNT,
        TRIGGER_UNMOUNT,
        TRIGGER_CUSTOM,
};

#define TRIGGERS_MAX 32
#define TRIGGER_EVENT_MAX 64 /* bytes of a custom event's name */
#define TRIGGER_DATA_MAX 256 /* bytes of a custom trigger's data */

/* One trigger, parsed. */
struct trigger_spec {
        bool stop;
        enum strigger_kind kind;
        char *arg;     /* path, custom event, subsystem; malloc'd */
        char *devtype; /* device: NULL for any */
        char *devname; /* device: a pattern, NULL for any */
        char *data;    /* custom: only a fire with this data; NULL for any */
};

/* Parses text into *ret (trigger_spec_done() it).  0, or -EINVAL with
 * *ret_why (malloc'd, NULL when out of memory) saying what is wrong. */
int trigger_spec_parse(const char *text, struct trigger_spec *ret, char **ret_why);
void trigger_spec_done(struct trigger_spec *t);
