/* SPDX-License-Identifier: MIT */
/*
 * The text of one sd_notify message: NAME=value lines, read without
 * knowing who sent it (notify.c attributes the sender first).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Called for each NAME=value line in order; returns false to stop. */
typedef bool (*notify_assignment_fn)(const char *name, const char *value, void *userdata);

/* Splits the size bytes of data (not NUL-terminated) into their lines and
 * calls fn for each NAME=value line: a line without '=' or with an empty
 * NAME is skipped, as are empty lines.  Returns the number of lines given
 * to fn, -EINVAL for a message that holds a NUL byte (refused whole, as
 * systemd does), -ENOMEM. */
int notify_message_parse(const char *data, size_t size, notify_assignment_fn fn, void *userdata);
