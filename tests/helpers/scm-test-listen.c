/* SPDX-License-Identifier: MIT */
/*
 * scm-test-listen: a small socket-activated server written the way
 * daemons written for systemd are, against sd_listen_fds()'s contract
 * (implemented here, without libsystemd): LISTEN_PID must be its own pid,
 * LISTEN_FDS the count of descriptors from 3 on, LISTEN_FDNAMES their
 * names joined by ':'.  It answers each connection (stream) or datagram
 * with one line, "hello pid=PID fds=N names=NAMES", and runs until
 * SIGTERM.  Without a valid environment it exits 2, saying why on stderr.
 *
 *   scm-test-listen                      the server
 *   scm-test-listen --hold               the server, keeping each stream
 *                                        connection open until its client
 *                                        closes it
 *   scm-test-listen --filter             the server, with a socket filter of
 *                                        its own (classic BPF, one
 *                                        instruction, keeping every packet)
 *                                        put on each socket at its start;
 *                                        each answer ends " filter=F": the
 *                                        first socket's filter as the kernel
 *                                        says it now, "classic-N" (N
 *                                        instructions), "ebpf" or "none"
 *   scm-test-listen --instance           an instance for one connection
 *                                        (inetd style): LISTEN_FDS=1, fd 3
 *                                        connected (not listening), named
 *                                        "connection"; it writes "instance
 *                                        pid=PID fds=1 names=connection" on
 *                                        it, then waits for the client's end
 *                                        and exits 0
 *   scm-test-listen --instance-stdio     the same on its stdin and stdout,
 *                                        checking they are the connection
 *   scm-test-listen --connect PATH       a client of a Unix stream socket:
 *                                        prints the line it gets
 *   scm-test-listen --datagram PATH      the same over a Unix datagram socket
 */
#include <errno.h>
#include <linux/filter.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_FDS_START 3
#define FDS_MAX 16

/* sd_listen_fds(): the count, or -1 with the reason printed. */
static int listen_fds(void) {
        const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
        if (!pid || !fds) {
                fprintf(stderr, "scm-test-listen: no LISTEN_PID or LISTEN_FDS\n");
                return -1;
        }
        if (atol(pid) != (long)getpid()) {
                fprintf(stderr, "scm-test-listen: LISTEN_PID=%s is not my pid %d\n", pid,
                        (int)getpid());
                return -1;
        }
        int n = atoi(fds);
        if (n < 1 || n > FDS_MAX) {
                fprintf(stderr, "scm-test-listen: LISTEN_FDS=%s\n", fds);
                return -1;
        }
        return n;
}

static int hold;   /* --hold */
static int filter; /* --filter */

/* Keeps every packet whole. */
static void put_filter(int fd) {
        struct sock_filter keep = BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
        struct sock_fprog prog = {.len = 1, .filter = &keep};
        if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0)
                perror("scm-test-listen: SO_ATTACH_FILTER");
}

static const char *filter_text(int fd, char *buf, size_t size) {
        struct sock_filter none;
        socklen_t len = 0;
        if (getsockopt(fd, SOL_SOCKET, SO_GET_FILTER, &none, &len) < 0)
                snprintf(buf, size, errno == EACCES ? " filter=ebpf" : " filter=error");
        else
                snprintf(buf, size, len ? " filter=classic-%u" : " filter=none", (unsigned)len);
        return buf;
}

static void answer(int fd, int n, const char *names) {
        char line[256], f[32] = "";
        int len = snprintf(line, sizeof(line), "hello pid=%d fds=%d names=%s%s\n", (int)getpid(), n,
                           names, filter ? filter_text(LISTEN_FDS_START, f, sizeof(f)) : "");
        int type = 0;
        socklen_t tl = sizeof(type);
        getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl);
        if (type == SOCK_STREAM) {
                int c = accept(fd, NULL, NULL);
                if (c >= 0) {
                        (void)!write(c, line, (size_t)len);
                        if (hold) { /* until the client's end: then it reads 0 */
                                char b;
                                while (read(c, &b, 1) > 0)
                                        ;
                        }
                        close(c);
                }
                return;
        }
        char buf[512];
        struct sockaddr_storage from;
        socklen_t fl = sizeof(from);
        if (recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) >= 0)
                sendto(fd, line, (size_t)len, 0, (struct sockaddr *)&from, fl);
}

static int serve(void) {
        int n = listen_fds();
        if (n < 0)
                return 2;
        const char *names = getenv("LISTEN_FDNAMES");
        struct pollfd p[FDS_MAX];
        for (int i = 0; i < n; i++) {
                p[i] = (struct pollfd){.fd = LISTEN_FDS_START + i, .events = POLLIN};
                if (filter)
                        put_filter(p[i].fd);
        }
        fprintf(stderr, "scm-test-listen: pid %d serving %d sockets (%s)\n", (int)getpid(), n,
                names ? names : "");
        for (;;) {
                if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
                        return 1;
                for (int i = 0; i < n; i++)
                        if (p[i].revents & POLLIN)
                                answer(p[i].fd, n, names ? names : "");
        }
}

/* Whether fd is a connected stream socket (not a listening one). */
static int connected_stream(int fd) {
        int type = 0, listening = 1;
        socklen_t tl = sizeof(type), ll = sizeof(listening);
        struct sockaddr_storage peer;
        socklen_t pl = sizeof(peer);
        return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_STREAM &&
               getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) == 0 && !listening &&
               getpeername(fd, (struct sockaddr *)&peer, &pl) == 0;
}

/* One connection's instance: fd 3, or stdin and stdout with stdio. */
static int instance(int stdio) {
        int n = listen_fds();
        const char *names = getenv("LISTEN_FDNAMES");
        if (n != 1 || !connected_stream(LISTEN_FDS_START)) {
                fprintf(stderr, "scm-test-listen: fd 3 is not one connection (LISTEN_FDS %d)\n", n);
                return 2;
        }
        int in = stdio ? STDIN_FILENO : LISTEN_FDS_START;
        int out = stdio ? STDOUT_FILENO : LISTEN_FDS_START;
        if (stdio && (!connected_stream(in) || !connected_stream(out))) {
                fprintf(stderr, "scm-test-listen: stdin and stdout are not the connection\n");
                return 2;
        }
        char line[256];
        int len = snprintf(line, sizeof(line), "instance pid=%d fds=%d names=%s%s\n", (int)getpid(),
                           n, names ? names : "", stdio ? " stdio" : "");
        if (write(out, line, (size_t)len) != len)
                return 1;
        fprintf(stderr, "scm-test-listen: instance pid %d answered its connection\n",
                (int)getpid());
        char b;
        while (read(in, &b, 1) > 0) /* until the client's end */
                ;
        return 0;
}

static int client(const char *path, int type) {
        int fd = socket(AF_UNIX, type, 0);
        struct sockaddr_un to = {.sun_family = AF_UNIX}, me = {.sun_family = AF_UNIX};
        snprintf(to.sun_path, sizeof(to.sun_path), "%s", path);
        if (type == SOCK_DGRAM) { /* an address to be answered at */
                snprintf(me.sun_path, sizeof(me.sun_path), "%s.client-%d", path, (int)getpid());
                if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0)
                        return perror("bind"), 1;
        }
        if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0)
                return perror("connect"), 1;
        if (type == SOCK_DGRAM)
                (void)!write(fd, "hi", 2);
        char buf[256];
        ssize_t k = read(fd, buf, sizeof(buf) - 1);
        if (type == SOCK_DGRAM)
                unlink(me.sun_path);
        if (k <= 0)
                return perror("read"), 1;
        buf[k] = '\0';
        fputs(buf, stdout);
        return 0;
}

int main(int argc, char **argv) {
        if (argc == 3 && strcmp(argv[1], "--connect") == 0)
                return client(argv[2], SOCK_STREAM);
        if (argc == 3 && strcmp(argv[1], "--datagram") == 0)
                return client(argv[2], SOCK_DGRAM);
        if (argc == 2 && strcmp(argv[1], "--instance") == 0)
                return instance(0);
        if (argc == 2 && strcmp(argv[1], "--instance-stdio") == 0)
                return instance(1);
        hold = argc == 2 && strcmp(argv[1], "--hold") == 0;
        filter = argc == 2 && strcmp(argv[1], "--filter") == 0;
        return serve();
}
