/* SPDX-License-Identifier: MIT */
/* Fuzz target: the reader of an sd_notify message's text (what a notify
 * service sends to $NOTIFY_SOCKET), with the promises it makes checked:
 * every assignment has a name without '=' or '\n', a value without '\n',
 * and no more assignments than the message has lines. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "notify_message.h"

static bool check(const char *name, const char *value, void *userdata) {
        int *count = userdata;
        if (!name[0] || strchr(name, '=') || strchr(name, '\n') || strchr(value, '\n'))
                abort();
        (*count)++;
        return strcmp(value, "stop") != 0; /* the reader also stops when told */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        int count = 0;
        int r = notify_message_parse((const char *)data, size, check, &count);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
                lines += data[i] == '\n';
        if (r >= 0 ? (r != count || (size_t)r > lines) : (r != -EINVAL && r != -ENOMEM))
                abort();
        if ((size > 0 && memchr(data, '\0', size) != NULL) != (r == -EINVAL))
                abort(); /* refused exactly when it holds a NUL byte */
        return 0;
}
