/* SPDX-License-Identifier: MIT */
/*
 * Whole writes on a file descriptor, across short writes and EINTR; and
 * what a short write of an iovec left unwritten.
 */
#pragma once

#include <stddef.h>

struct iovec;

/* Writes all len bytes of buf to fd.  0 or -errno. */
int fd_write_all(int fd, const void *buf, size_t len);

/* Copies to dst what follows the first skip bytes of the concatenated
 * parts (what a writev or sendmsg that wrote skip of them left), and
 * returns its length.  dst holds at least the parts' total less skip. */
size_t iov_copy_tail(void *dst, const struct iovec *parts, size_t n_parts, size_t skip);
