/* SPDX-License-Identifier: MIT */
/*
 * Whole writes on a file descriptor, across short writes and EINTR.
 */
#pragma once

#include <stddef.h>

/* Writes all len bytes of buf to fd.  0 or -errno. */
int fd_write_all(int fd, const void *buf, size_t len);
