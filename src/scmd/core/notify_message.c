/* SPDX-License-Identifier: MIT */
/*
 * The reader of an sd_notify message's text, apart from the socket and
 * from any service, so that it can be fuzzed alone (tests/fuzz/
 * fuzz_notify.c).  A message is lines of NAME=value separated by '\n'; a
 * line that is not an assignment is skipped, and what a name means is the
 * service's business (service_notify()).  A message that holds a NUL byte
 * is refused whole: its sender meant something other than what a C string
 * would say.
 */
#include "notify_message.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Gives fn the one line [line, line + len) if it is NAME=value; the line
 * is NUL-terminated in place (its '\n' or the copy's end). */
static int assignment(char *line, size_t len, notify_assignment_fn fn, void *userdata, bool *stop) {
        line[len] = '\0';
        char *eq = memchr(line, '=', len);
        if (!eq || eq == line)
                return 0;
        *eq = '\0';
        *stop = !fn(line, eq + 1, userdata);
        return 1;
}

int notify_message_parse(const char *data, size_t size, notify_assignment_fn fn, void *userdata) {
        if (size > 0 && memchr(data, '\0', size))
                return -EINVAL;
        char *copy = malloc(size + 1);
        if (!copy)
                return -ENOMEM;
        if (size > 0)
                memcpy(copy, data, size);
        int given = 0;
        bool stop = false;
        size_t start = 0;
        while (start < size && !stop) {
                char *nl = memchr(copy + start, '\n', size - start);
                size_t len = nl ? (size_t)(nl - (copy + start)) : size - start;
                given += assignment(copy + start, len, fn, userdata, &stop);
                start += len + 1;
        }
        free(copy);
        return given;
}
