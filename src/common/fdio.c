/* SPDX-License-Identifier: MIT */
/*
 * Whole writes on a file descriptor, and the tail of a short write (fdio.h).
 */
#include "fdio.h"

#include <errno.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

int fd_write_all(int fd, const void *buf, size_t len) {
        const unsigned char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                p += n;
                len -= (size_t)n;
        }
        return 0;
}

size_t iov_copy_tail(void *dst, const struct iovec *parts, size_t n_parts, size_t skip) {
        unsigned char *out = dst;
        size_t len = 0;
        for (size_t i = 0; i < n_parts; i++) {
                size_t n = parts[i].iov_len;
                if (skip >= n) {
                        skip -= n;
                        continue;
                }
                memcpy(out + len, (const unsigned char *)parts[i].iov_base + skip, n - skip);
                len += n - skip;
                skip = 0;
        }
        return len;
}
