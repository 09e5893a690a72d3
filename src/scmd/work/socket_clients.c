/* SPDX-License-Identifier: MIT */
/*
 * Whether a socket-activated service has a client now.  The service
 * accepts its connections itself, so scmd never holds them; the kernel's
 * tables of the network namespace the listeners live in (scmd's) say
 * what is open: /proc/net/tcp and tcp6, one line per TCP socket with its
 * local address and state (01 established), and /proc/net/unix, one line
 * per Unix socket with its state (03 connected) and the path it is bound
 * to, which the connections a listener accepts share with it.  Read once
 * when an idle period is up, never on a timer of its own.
 */
#include "socket_clients.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#define LISTENERS_MAX 16

struct listeners {
        unsigned ports[LISTENERS_MAX]; /* TCP */
        size_t n_ports;
        char paths[LISTENERS_MAX][sizeof(((struct sockaddr_un *)0)->sun_path) + 1]; /* Unix */
        size_t n_paths;
};

static void add_listener(struct listeners *l, int fd) {
        int type = 0, listening = 0;
        socklen_t tl = sizeof(type), ll = sizeof(listening);
        struct sockaddr_storage a;
        socklen_t al = sizeof(a);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 || type != SOCK_STREAM ||
            getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &ll) < 0 || !listening ||
            getsockname(fd, (struct sockaddr *)&a, &al) < 0)
                return;
        if (a.ss_family == AF_INET && l->n_ports < LISTENERS_MAX)
                l->ports[l->n_ports++] = ntohs(((struct sockaddr_in *)&a)->sin_port);
        else if (a.ss_family == AF_INET6 && l->n_ports < LISTENERS_MAX)
                l->ports[l->n_ports++] = ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
        else if (a.ss_family == AF_UNIX && l->n_paths < LISTENERS_MAX &&
                 al > offsetof(struct sockaddr_un, sun_path) &&
                 ((struct sockaddr_un *)&a)->sun_path[0]) {
                const struct sockaddr_un *u = (const struct sockaddr_un *)&a;
                size_t max = al - offsetof(struct sockaddr_un, sun_path);
                size_t len =
                        strnlen(u->sun_path, max < sizeof(u->sun_path) ? max : sizeof(u->sun_path));
                memcpy(l->paths[l->n_paths], u->sun_path, len);
                l->paths[l->n_paths++][len] = '\0';
        }
}

/* An established connection in file (tcp or tcp6) on one of the ports. */
static bool tcp_established(const char *file, const struct listeners *l) {
        FILE *f = fopen(file, "re");
        if (!f)
                return false;
        char line[512];
        bool found = false;
        while (!found && fgets(line, sizeof(line), f)) {
                char local[64];
                unsigned port, state;
                if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", local, &port,
                           &state) != 3 ||
                    state != 0x01)
                        continue;
                for (size_t i = 0; i < l->n_ports && !found; i++)
                        found = l->ports[i] == port;
        }
        fclose(f);
        return found;
}

/* A connected Unix stream socket bound to one of the paths. */
static bool unix_connected(const struct listeners *l) {
        FILE *f = fopen("/proc/net/unix", "re");
        if (!f)
                return false;
        char line[512 + sizeof(l->paths[0])];
        bool found = false;
        while (!found && fgets(line, sizeof(line), f)) {
                unsigned type, state;
                int path_at = 0;
                if (sscanf(line, "%*x: %*x %*x %*x %x %x %*u %n", &type, &state, &path_at) != 2 ||
                    type != 1 || state != 3 || !path_at)
                        continue;
                char *path = line + path_at;
                path[strcspn(path, "\n")] = '\0';
                for (size_t i = 0; i < l->n_paths && !found; i++)
                        found = strcmp(l->paths[i], path) == 0;
        }
        fclose(f);
        return found;
}

bool socket_clients(const int *fds, size_t n) {
        struct listeners l = {0};
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0)
                        add_listener(&l, fds[i]);
        return (l.n_ports &&
                (tcp_established("/proc/net/tcp", &l) || tcp_established("/proc/net/tcp6", &l))) ||
               (l.n_paths && unix_connected(&l));
}
