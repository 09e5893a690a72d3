/* SPDX-License-Identifier: MIT */
/*
 * scctl bridge: the far end of --host.  ssh runs it on the remote host;
 * it connects to that host's scmd socket (found by the usual rule, or
 * --root/--user/--system/--socket) as the user ssh logged in, and copies
 * bytes both ways between its standard input and output and the socket
 * until either side closes.  It adds nothing to the protocol: scmd sees a
 * local client, and its access lists apply to that user.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "scctl.h"

#define CHUNK 65536

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A connection to path, retried while scmd is not there yet. */
static int connect_socket(const char *path, int timeout_ms) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        strcpy(addr.sun_path, path);
        long long deadline = now_ms() + timeout_ms;
        for (;;) {
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        return -errno;
                if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0)
                        return fd;
                int e = errno;
                close(fd);
                if ((e != ENOENT && e != ECONNREFUSED && e != EAGAIN) || now_ms() >= deadline)
                        return -e;
                usleep(50000);
        }
}

/* Copies what from holds to to; 0 at EOF, > 0 copied, -errno. */
static ssize_t copy_once(int from, int to) {
        char buf[CHUNK];
        ssize_t n = read(from, buf, sizeof(buf));
        if (n <= 0)
                return n < 0 && errno != EINTR && errno != EAGAIN ? -errno : n < 0 ? 1 : 0;
        for (ssize_t off = 0; off < n;) {
                ssize_t w = write(to, buf + off, (size_t)(n - off));
                if (w < 0 && errno == EINTR)
                        continue;
                if (w < 0)
                        return -errno;
                off += w;
        }
        return n;
}

static int bridge(int sock) {
        bool in_open = true;
        for (;;) {
                struct pollfd fds[2] = {{.fd = in_open ? 0 : -1, .events = POLLIN},
                                        {.fd = sock, .events = POLLIN}};
                if (poll(fds, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (fds[1].revents) {
                        ssize_t r = copy_once(sock, 1);
                        if (r <= 0)
                                return r < 0 ? (int)r : 0; /* scmd closed: done */
                }
                if (in_open && fds[0].revents) {
                        ssize_t r = copy_once(0, sock);
                        if (r < 0)
                                return (int)r;
                        if (r == 0) { /* the client is done sending */
                                in_open = false;
                                shutdown(sock, SHUT_WR);
                        }
                }
        }
}

static int run_bridge(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) > 0)
                ;
        if (opt < 0)
                return ctx->exit_status;
        if (optind < argc)
                return scctl_usage_error(ctx, "takes no operand");
        signal(SIGPIPE, SIG_IGN);
        _cleanup_free_ char *path = ctx->socket_option
                                            ? strdup(ctx->socket_option)
                                            : scm_client_socket_path(ctx->mode, ctx->root);
        if (!path) {
                fprintf(stderr, "scctl: bridge: cannot tell which socket to use: %m\n");
                return SCCTL_EXIT_UNREACHABLE;
        }
        int sock = connect_socket(path, ctx->timeout_ms);
        if (sock < 0) {
                fprintf(stderr, "scctl: bridge: cannot reach scmd at %s: %s\n", path,
                        strerror(-sock));
                return SCCTL_EXIT_UNREACHABLE;
        }
        int r = bridge(sock);
        close(sock);
        if (r < 0) {
                fprintf(stderr, "scctl: bridge: %s\n", strerror(-r));
                return SCCTL_EXIT_UNREACHABLE;
        }
        return 0;
}

const struct scctl_verb verb_bridge = {
        .name = "bridge",
        .synopsis = "",
        .summary = "(run by --host through ssh) copy stdin/stdout to and from this host's scmd",
        .help = "Connects to this host's scmd socket (--root, --user, --system, --socket, or the\n"
                "usual rule) and copies bytes both ways between it and standard input and output,\n"
                "until either side closes.  `scctl --host HOST VERB` runs it on HOST through "
                "ssh.\n",
        .run = run_bridge,
};
