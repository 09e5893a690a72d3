/* SPDX-License-Identifier: MIT */
/*
 * echo-server: a TCP echo service on the loopback interface.  It listens on
 * 127.0.0.1:PORT (PORT 0: the kernel picks one, and the log says which),
 * sends every byte it reads back to its sender, and logs each connection.
 * One poll() loop serves the listening socket, the clients and a signalfd;
 * SIGTERM closes everything and exits 0.
 *
 *   scctl create echo --exec "/path/to/echo-server 7007"
 *
 * A client that does not read its echo is not allowed to stall the others:
 * writes are non-blocking, and a client whose echo cannot be sent at once
 * is dropped (a real server would queue; this one stays short).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CLIENTS 64

static struct pollfd fds[2 + MAX_CLIENTS]; /* [0] signals, [1] listener, then clients */
static int nfds = 2;

static void drop_client(int i, const char *why) {
        printf("echo-server: client fd %d %s\n", fds[i].fd, why);
        close(fds[i].fd);
        fds[i] = fds[--nfds];
}

static void accept_client(int listener) {
        struct sockaddr_in peer;
        socklen_t len = sizeof(peer);
        int fd = accept4(listener, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
                return;
        if (nfds == (int)(sizeof(fds) / sizeof(fds[0]))) {
                printf("echo-server: too many clients, refusing %s:%u\n", inet_ntoa(peer.sin_addr),
                       ntohs(peer.sin_port));
                close(fd);
                return;
        }
        fds[nfds++] = (struct pollfd){.fd = fd, .events = POLLIN};
        printf("echo-server: client fd %d connected from %s:%u\n", fd, inet_ntoa(peer.sin_addr),
               ntohs(peer.sin_port));
}

static void echo(int i) {
        char buf[4096];
        ssize_t n = read(fds[i].fd, buf, sizeof(buf));
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                drop_client(i, "disconnected");
                return;
        }
        if (n > 0 && send(fds[i].fd, buf, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
                drop_client(i, "does not read its echo, dropped");
}

int main(int argc, char **argv) {
        long port = argc > 1 ? strtol(argv[1], NULL, 10) : 7007;
        struct sockaddr_in addr = {.sin_family = AF_INET,
                                   .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof(addr);
        sigset_t mask;
        int one = 1;

        if (port < 0 || port > 65535) {
                fprintf(stderr, "usage: echo-server [PORT]\n");
                return 2;
        }
        addr.sin_port = htons((uint16_t)port);
        setvbuf(stdout, NULL, _IOLBF, 0);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        fds[0] = (struct pollfd){.fd = signalfd(-1, &mask, SFD_CLOEXEC), .events = POLLIN};

        int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fds[0].fd < 0 || listener < 0) {
                perror("echo-server: socket");
                return 1;
        }
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
            listen(listener, 16) < 0 || getsockname(listener, (struct sockaddr *)&addr, &len) < 0) {
                fprintf(stderr, "echo-server: cannot listen on 127.0.0.1:%ld: %s\n", port,
                        strerror(errno));
                return 1;
        }
        fds[1] = (struct pollfd){.fd = listener, .events = POLLIN};
        printf("echo-server: listening on 127.0.0.1:%u\n", ntohs(addr.sin_port));

        for (;;) {
                if (poll(fds, (nfds_t)nfds, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        perror("echo-server: poll");
                        return 1;
                }
                if (fds[0].revents & POLLIN) {
                        printf("echo-server: stopping, closing %d client(s)\n", nfds - 2);
                        while (nfds > 2)
                                drop_client(nfds - 1, "closed at shutdown");
                        close(listener);
                        return 0;
                }
                if (fds[1].revents & POLLIN)
                        accept_client(listener);
                /* Backwards, so drop_client()'s swap-with-last never skips one. */
                for (int i = nfds - 1; i >= 2; i--)
                        if (fds[i].revents)
                                echo(i);
        }
}
