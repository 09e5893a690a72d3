/* SPDX-License-Identifier: MIT */
/*
 * The descriptor holder (docs/architecture.md, "Surviving a crash of
 * scmd").  A pipe whose every read end is closed breaks its writer (EPIPE,
 * SIGPIPE); a control channel whose other end is closed tells the
 * dispatcher scmd has gone; a datagram sent to an unbound socket is lost.
 * So scmd hands a copy of each such descriptor to this process, which does
 * nothing else: while scmd is down a service's writes fill its pipe and
 * then wait, its dispatcher's packets and its sd_notify messages queue,
 * and the next scmd takes the copies back and reads what waited.
 *
 * The holder is forked from scmd (never exec'd) and keeps nothing of it
 * but its listening socket, a SOCK_SEQPACKET socket in scmd's run folder
 * that only scmd's own user may use (SO_PEERCRED).  The protocol is one
 * packet per request, text with descriptors as SCM_RIGHTS:
 *   PUT key (with 1..4 fds)   keep these under key (replacing)
 *   DROP key                  close key's copies
 *   LIST                      answered by one "FD key" packet per entry
 *                             (with its fds), then "END"
 *   SYNC                      answered by "END" once every request before
 *                             it is done (a DROP's address is free again)
 *   BYE                       end (scmd's clean exit)
 * It serves every connection (a new scmd connects while the holder may not
 * yet have seen the old one's end).  Its limits: it holds, it never reads,
 * so a service that writes more than a pipe's buffer (64 KiB by default)
 * while scmd is down waits; and the holder itself must not be killed
 * (a kill -9 of it loses the copies, not the services: they run on, and
 * scmd's own copies keep working).
 */
#include "fdholder.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "log.h"

#define PACKET_MAX 256
#define CLIENTS_MAX 8

struct fdholder {
        int fd;
        int pid;
        bool no_sync; /* an older holder did not answer SYNC: not asked again */
};

#define SYNC_WAIT_MS 1000

/* ---- the wire ---- */

static int send_packet(int sock, const char *text, const int *fds, size_t n) {
        union {
                struct cmsghdr h;
                char space[CMSG_SPACE(sizeof(int) * FDHOLDER_FDS_MAX)];
        } control;
        struct iovec iov = {.iov_base = (void *)text, .iov_len = strlen(text)};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
        if (n > FDHOLDER_FDS_MAX)
                return -EINVAL;
        if (n > 0) {
                memset(&control, 0, sizeof(control));
                msg.msg_control = &control;
                msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
        }
        while (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

/* One packet: its text (NUL-terminated) and its fds.  0 at EOF, >0, -errno. */
static ssize_t recv_packet(int sock, char *text, int *fds, size_t *n) {
        union {
                struct cmsghdr h;
                char space[CMSG_SPACE(sizeof(int) * FDHOLDER_FDS_MAX)];
        } control;
        struct iovec iov = {.iov_base = text, .iov_len = PACKET_MAX - 1};
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = &control,
                             .msg_controllen = sizeof(control)};
        ssize_t len;
        while ((len = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
                if (errno != EINTR)
                        return -errno;
        text[len] = '\0';
        *n = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        memcpy(fds + *n, CMSG_DATA(c), sizeof(int) * k);
                        *n += k;
                }
        return len;
}

static bool same_user(int sock) {
        struct ucred cred;
        socklen_t len = sizeof(cred);
        return getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == geteuid();
}

/* ---- the holder process ---- */

struct held {
        char key[FDHOLDER_KEY_MAX];
        int fds[FDHOLDER_FDS_MAX];
        size_t n;
};

static struct held *table;
static size_t table_n;

static void drop(const char *key) {
        for (size_t i = 0; i < table_n; i++)
                if (strcmp(table[i].key, key) == 0) {
                        for (size_t k = 0; k < table[i].n; k++)
                                close(table[i].fds[k]);
                        table[i] = table[--table_n];
                        return;
                }
}

static void put(const char *key, const int *fds, size_t n) {
        drop(key);
        struct held *t = realloc(table, (table_n + 1) * sizeof(*t));
        if (!t) {
                for (size_t k = 0; k < n; k++)
                        close(fds[k]);
                return;
        }
        table = t;
        snprintf(table[table_n].key, FDHOLDER_KEY_MAX, "%.95s", key);
        memcpy(table[table_n].fds, fds, n * sizeof(int));
        table[table_n++].n = n;
}

/* Serves one packet from sock; false when the connection has ended. */
static bool serve(int sock) {
        char text[PACKET_MAX];
        int fds[FDHOLDER_FDS_MAX];
        size_t n = 0;
        if (recv_packet(sock, text, fds, &n) <= 0)
                return false;
        if (strncmp(text, "PUT ", 4) == 0 && n > 0) {
                put(text + 4, fds, n);
                return true;
        }
        for (size_t k = 0; k < n; k++)
                close(fds[k]);
        if (strncmp(text, "DROP ", 5) == 0) {
                drop(text + 5);
        } else if (strcmp(text, "LIST") == 0) {
                for (size_t i = 0; i < table_n; i++) {
                        char line[PACKET_MAX];
                        snprintf(line, sizeof(line), "FD %s", table[i].key);
                        send_packet(sock, line, table[i].fds, table[i].n);
                }
                send_packet(sock, "END", NULL, 0);
        } else if (strcmp(text, "SYNC") == 0) {
                send_packet(sock, "END", NULL, 0);
        } else if (strcmp(text, "BYE") == 0) {
                _exit(0);
        }
        return true;
}

static _Noreturn void holder_main(int listen_fd) {
        struct pollfd p[CLIENTS_MAX + 1] = {{.fd = listen_fd, .events = POLLIN}};
        size_t n = 1;
        for (;;) {
                if (poll(p, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        _exit(1);
                }
                for (size_t i = n - 1; i >= 1; i--)
                        if (p[i].revents && !serve(p[i].fd)) {
                                close(p[i].fd);
                                p[i] = p[--n];
                        }
                if (p[0].revents & POLLIN) {
                        int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
                        if (c >= 0 && (n > CLIENTS_MAX || !same_user(c)))
                                close(c);
                        else if (c >= 0)
                                p[n++] = (struct pollfd){.fd = c, .events = POLLIN};
                }
        }
}

/* Keeps only listen_fd (and the standard three, on /dev/null). */
static void holder_prepare(int listen_fd) {
        sigset_t all;
        sigemptyset(&all);
        sigprocmask(SIG_SETMASK, &all, NULL);
        for (int sig = 1; sig < _NSIG; sig++)
                signal(sig, SIG_DFL);
        signal(SIGPIPE, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        /* A terminal's or a service manager's SIGTERM to scmd's group must
         * not take the copies: only BYE ends the holder. */
        signal(SIGTERM, SIG_IGN);
        int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; fd < 3 && null_fd >= 0; fd++)
                dup2(null_fd, fd);
        int max = (int)sysconf(_SC_OPEN_MAX);
        for (int fd = 3; fd < max && fd < 65536; fd++)
                if (fd != listen_fd)
                        close(fd);
        prctl(PR_SET_NAME, "scmd-fdholder");
        setsid();
}

static int spawn_holder(const char *path) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        strcpy(addr.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        unlink(path);
        mode_t old = umask(0077);
        int r = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 8) < 0 ? -errno
                                                                                          : 0;
        umask(old);
        if (r < 0) {
                close(fd);
                return r;
        }
        pid_t pid = fork();
        if (pid < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (pid == 0) {
                holder_prepare(fd);
                holder_main(fd);
        }
        close(fd);
        /* Beside its socket, for an administrator (and the tests). */
        _cleanup_free_ char *pid_path = NULL;
        if (asprintf(&pid_path, "%s.pid", path) >= 0) {
                _cleanup_close_ int pf =
                        open(pid_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (pf >= 0)
                        dprintf(pf, "%d\n", (int)pid);
        }
        return pid;
}

/* ---- scmd's side ---- */

static int connect_to(const char *path) {
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        if (strlen(path) >= sizeof(addr.sun_path))
                return -ENAMETOOLONG;
        strcpy(addr.sun_path, path);
        int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || !same_user(fd)) {
                int r = errno ? -errno : -EPERM;
                close(fd);
                return r;
        }
        struct timeval tv = {.tv_sec = 5};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        return fd;
}

static int list_entries(int fd, struct fdholder_entry **ret, size_t *ret_n) {
        int r = send_packet(fd, "LIST", NULL, 0);
        struct fdholder_entry *v = NULL;
        size_t n = 0;
        while (r >= 0) {
                char text[PACKET_MAX];
                struct fdholder_entry e = {0};
                ssize_t len = recv_packet(fd, text, e.fds, &e.n_fds);
                if (len <= 0) {
                        r = len < 0 ? (int)len : -ECONNRESET;
                        break;
                }
                if (strcmp(text, "END") == 0)
                        break;
                struct fdholder_entry *nv = realloc(v, (n + 1) * sizeof(*v));
                if (strncmp(text, "FD ", 3) != 0 || !nv) {
                        for (size_t k = 0; k < e.n_fds; k++)
                                close(e.fds[k]);
                        if (nv)
                                v = nv;
                        continue;
                }
                v = nv;
                snprintf(e.key, sizeof(e.key), "%.95s", text + 3);
                v[n++] = e;
        }
        if (r < 0) {
                for (size_t i = 0; i < n; i++)
                        for (size_t k = 0; k < v[i].n_fds; k++)
                                close(v[i].fds[k]);
                free(v);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* The holder's pid from the file beside its socket (SO_PEERCRED names
 * the scmd that made the socket, not the holder); 0 when unknown. */
static int read_pid_file(const char *path) {
        _cleanup_free_ char *pid_path = NULL;
        int pid = 0;
        if (asprintf(&pid_path, "%s.pid", path) < 0)
                return 0;
        _cleanup_fclose_ FILE *f = fopen(pid_path, "re");
        if (!f || fscanf(f, "%d", &pid) != 1)
                return 0;
        return pid;
}

int fdholder_open(const char *path, struct fdholder **ret, struct fdholder_entry **ret_entries,
                  size_t *ret_n) {
        struct fdholder *h = calloc(1, sizeof(*h));
        if (!h)
                return -ENOMEM;
        *ret_entries = NULL;
        *ret_n = 0;
        int fd = connect_to(path);
        if (fd >= 0) {
                int r = list_entries(fd, ret_entries, ret_n);
                if (r < 0) {
                        log_warning("the descriptor holder at %s did not answer (%s); "
                                    "starting another",
                                    path, strerror(-r));
                        close(fd);
                        fd = -1;
                } else {
                        h->pid = read_pid_file(path);
                        log_info("took back %zu held descriptor sets from the holder (pid %d)",
                                 *ret_n, h->pid);
                }
        }
        if (fd < 0) {
                int pid = spawn_holder(path);
                if (pid < 0 || (fd = connect_to(path)) < 0) {
                        free(h);
                        return pid < 0 ? pid : fd;
                }
                h->pid = pid;
        }
        h->fd = fd;
        *ret = h;
        return 0;
}

int fdholder_put(struct fdholder *h, const char *key, const int *fds, size_t n) {
        char text[PACKET_MAX];
        if (!h)
                return -ENOTCONN;
        snprintf(text, sizeof(text), "PUT %s", key);
        return send_packet(h->fd, text, fds, n);
}

int fdholder_drop(struct fdholder *h, const char *key) {
        char text[PACKET_MAX];
        if (!h)
                return -ENOTCONN;
        snprintf(text, sizeof(text), "DROP %s", key);
        return send_packet(h->fd, text, NULL, 0);
}

/* Waits for the holder's answer to SYNC: every request sent before is
 * done.  An answer that does not come in SYNC_WAIT_MS (a holder of an
 * older scmd, which ignores SYNC) is not waited for again. */
static int sync_holder(struct fdholder *h) {
        if (h->no_sync)
                return -ENOTSUP;
        int r = send_packet(h->fd, "SYNC", NULL, 0);
        while (r >= 0) {
                struct pollfd p = {.fd = h->fd, .events = POLLIN};
                int k = poll(&p, 1, SYNC_WAIT_MS);
                if (k <= 0) {
                        if (k < 0 && errno == EINTR)
                                continue;
                        h->no_sync = true;
                        return k < 0 ? -errno : -ETIMEDOUT;
                }
                char text[PACKET_MAX];
                int fds[FDHOLDER_FDS_MAX];
                size_t n = 0;
                ssize_t len = recv_packet(h->fd, text, fds, &n);
                for (size_t i = 0; i < n; i++)
                        close(fds[i]);
                if (len <= 0)
                        return len < 0 ? (int)len : -ECONNRESET;
                if (strcmp(text, "END") == 0)
                        return 0;
        }
        return r;
}

int fdholder_drop_wait(struct fdholder *h, const char *key) {
        int r = fdholder_drop(h, key);
        return r < 0 ? r : sync_holder(h);
}

void fdholder_close(struct fdholder *h, bool bye) {
        if (!h)
                return;
        if (bye)
                send_packet(h->fd, "BYE", NULL, 0);
        close(h->fd);
        free(h);
}

int fdholder_pid(const struct fdholder *h) {
        return h ? h->pid : 0;
}
