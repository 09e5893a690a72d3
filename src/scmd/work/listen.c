/* SPDX-License-Identifier: MIT */
/*
 * Listening sockets: the text form and the binding (listen.h).
 */
#include "listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

static int fail(char **ret_error, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return *ret_error ? -EINVAL : -ENOMEM;
}

static int parse_inet(const char *hostport, struct listen_spec *s, char **ret_error) {
        const char *colon = strrchr(hostport, ':');
        if (!colon)
                return fail(ret_error, "'%s' lacks :PORT", hostport);
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (*end || end == colon + 1 || port < 1 || port > 65535)
                return fail(ret_error, "'%s' is not a port (1 to 65535)", colon + 1);
        _cleanup_free_ char *host = strndup(hostport, (size_t)(colon - hostport));
        if (!host)
                return -ENOMEM;
        struct sockaddr_in *in4 = (struct sockaddr_in *)&s->addr;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&s->addr;
        size_t hl = strlen(host);
        if (strcmp(host, "*") == 0 || (hl > 2 && host[0] == '[' && host[hl - 1] == ']')) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t)port);
                s->addr_len = sizeof(*in6);
                if (host[0] == '*') {
                        in6->sin6_addr = in6addr_any;
                        return 0;
                }
                host[hl - 1] = '\0';
                if (inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1)
                        return 0;
                return fail(ret_error, "'%s' is not an IPv6 address", host + 1);
        }
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        s->addr_len = sizeof(*in4);
        if (inet_pton(AF_INET, host, &in4->sin_addr) == 1)
                return 0;
        return fail(ret_error,
                    "'%s' is not an address: an IPv4 address, [IPv6] or * (host names are not "
                    "looked up)",
                    host);
}

static int parse_path(const char *path, struct listen_spec *s, char **ret_error) {
        struct sockaddr_un *un = (struct sockaddr_un *)&s->addr;
        if (path[0] != '/' || strlen(path) >= sizeof(un->sun_path))
                return fail(ret_error, "'%s' is not an absolute path shorter than %zu bytes", path,
                            sizeof(un->sun_path));
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, path);
        s->addr_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
        return 0;
}

static int parse_owner(const char *v, struct listen_spec *s, char **ret_error) {
        _cleanup_free_ char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        char *group = strchr(copy, ':');
        if (group)
                *group++ = '\0';
        struct passwd *pw = getpwnam(copy);
        if (!pw)
                return fail(ret_error, "owner: no user is named '%s'", copy);
        s->uid = pw->pw_uid;
        s->gid = pw->pw_gid;
        if (group) {
                struct group *gr = getgrnam(group);
                if (!gr)
                        return fail(ret_error, "owner: no group is named '%s'", group);
                s->gid = gr->gr_gid;
        }
        return 0;
}

static int parse_option(const char *w, struct listen_spec *s, char **ret_error) {
        char *end;
        bool unix_path = s->kind == LISTEN_UNIX || s->kind == LISTEN_UNIX_DGRAM;
        if (strncmp(w, "name=", 5) == 0) {
                size_t len = strlen(w + 5);
                if (len == 0 || len >= sizeof(s->name) || strchr(w + 5, ':'))
                        return fail(ret_error, "name= takes 1 to 63 characters without ':'");
                memcpy(s->name, w + 5, len + 1);
                return 0;
        }
        if (strncmp(w, "backlog=", 8) == 0) {
                long n = strtol(w + 8, &end, 10);
                if (*end || n < 1 || n > 65535)
                        return fail(ret_error, "backlog= takes 1 to 65535");
                s->backlog = (int)n;
                return 0;
        }
        if (unix_path && strncmp(w, "mode=", 5) == 0) {
                long n = strtol(w + 5, &end, 8);
                if (*end || end == w + 5 || n < 0 || n > 0777)
                        return fail(ret_error, "mode= takes octal permissions such as 0660");
                s->mode = (mode_t)n;
                return 0;
        }
        if (unix_path && strncmp(w, "owner=", 6) == 0)
                return parse_owner(w + 6, s, ret_error);
        return fail(ret_error, "'%s' is not an option here: name=, backlog=%s", w,
                    unix_path ? ", mode=, owner=" : "");
}

int listen_parse(const char *text, const char *service, struct listen_spec *ret, char **ret_error) {
        *ret_error = NULL;
        _cleanup_free_ char *copy = strdup(text ? text : "");
        if (!copy)
                return -ENOMEM;
        struct listen_spec s = {.backlog = 128, .mode = 0666, .uid = (uid_t)-1, .gid = (gid_t)-1};
        snprintf(s.name, sizeof(s.name), "%.63s", service);
        for (char *p = s.name; *p; p++)
                if (*p == ':')
                        *p = '_';
        char *save = NULL, *addr = strtok_r(copy, " \t", &save);
        static const struct {
                const char *prefix;
                enum listen_kind kind;
        } kinds[] = {{"tcp:", LISTEN_TCP},
                     {"udp:", LISTEN_UDP},
                     {"unix:", LISTEN_UNIX},
                     {"unix-dgram:", LISTEN_UNIX_DGRAM}};
        int r = -1;
        for (size_t i = 0; addr && r == -1 && i < ELEMENTSOF(kinds); i++) {
                size_t len = strlen(kinds[i].prefix);
                if (strncmp(addr, kinds[i].prefix, len) != 0)
                        continue;
                s.kind = kinds[i].kind;
                r = s.kind == LISTEN_TCP || s.kind == LISTEN_UDP
                            ? parse_inet(addr + len, &s, ret_error)
                            : parse_path(addr + len, &s, ret_error);
        }
        if (r == -1)
                return fail(ret_error,
                            "'%s' is not a socket: tcp:HOST:PORT, udp:HOST:PORT, unix:PATH or "
                            "unix-dgram:PATH",
                            addr ? addr : "");
        for (char *w = strtok_r(NULL, " \t", &save); r >= 0 && w; w = strtok_r(NULL, " \t", &save))
                r = parse_option(w, &s, ret_error);
        if (r < 0)
                return r;
        *ret = s;
        return 0;
}

bool listen_is_stream(const struct listen_spec *spec) {
        return spec->kind == LISTEN_TCP || spec->kind == LISTEN_UNIX;
}

/* The socket file at spec's path, opened without following a link
 * (O_PATH): it must be a socket, and when want is given, that very file.
 * Its mode and owner are set through the descriptor, never through a path
 * another could have replaced.  *ret is the file's identity. */
static int unix_path_setup(const struct listen_spec *spec, const struct listen_id *want,
                           struct listen_id *ret) {
        const char *path = ((const struct sockaddr_un *)&spec->addr)->sun_path;
        _cleanup_close_ int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISSOCK(st.st_mode) || (want && (st.st_dev != want->dev || st.st_ino != want->ino)))
                return -ESTALE;
        char proc[64];
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
        if (chmod(proc, spec->mode) < 0)
                return -errno;
        if (spec->uid != (uid_t)-1 && fchownat(fd, "", spec->uid, spec->gid, AT_EMPTY_PATH) < 0)
                return -errno;
        *ret = (struct listen_id){.dev = st.st_dev, .ino = st.st_ino};
        return 0;
}

int listen_bind(const struct listen_spec *spec, struct listen_id *ret_id) {
        int type = listen_is_stream(spec) ? SOCK_STREAM : SOCK_DGRAM;
        _cleanup_close_ int fd =
                socket(spec->addr.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        int one = 1;
        *ret_id = (struct listen_id){0};
        if (spec->addr.ss_family != AF_UNIX)
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        else
                unlink(((const struct sockaddr_un *)&spec->addr)->sun_path); /* a stale one */
        if (bind(fd, (const struct sockaddr *)&spec->addr, spec->addr_len) < 0)
                return -errno;
        if (spec->addr.ss_family == AF_UNIX) {
                int r = unix_path_setup(spec, NULL, ret_id);
                if (r < 0)
                        return r;
        }
        if (type == SOCK_STREAM && listen(fd, spec->backlog) < 0)
                return -errno;
        return TAKE_FD(fd);
}

/* Whether fd's address is spec's: family, address and port, or path. */
static bool same_address(int fd, const struct listen_spec *spec) {
        struct sockaddr_storage sa = {0};
        socklen_t len = sizeof(sa);
        if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
            sa.ss_family != spec->addr.ss_family)
                return false;
        switch (sa.ss_family) {
        case AF_INET: {
                const struct sockaddr_in *a = (const void *)&sa, *b = (const void *)&spec->addr;
                return a->sin_port == b->sin_port && a->sin_addr.s_addr == b->sin_addr.s_addr;
        }
        case AF_INET6: {
                const struct sockaddr_in6 *a = (const void *)&sa, *b = (const void *)&spec->addr;
                return a->sin6_port == b->sin6_port &&
                       memcmp(&a->sin6_addr, &b->sin6_addr, sizeof(a->sin6_addr)) == 0;
        }
        case AF_UNIX:
                return strcmp(((const struct sockaddr_un *)&sa)->sun_path,
                              ((const struct sockaddr_un *)&spec->addr)->sun_path) == 0;
        default:
                return false;
        }
}

int listen_adopt(int fd, const struct listen_spec *spec, const struct listen_id *id) {
        int type = 0, listening = 0;
        socklen_t len = sizeof(type);
        bool stream = listen_is_stream(spec);
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
            type != (stream ? SOCK_STREAM : SOCK_DGRAM) || !same_address(fd, spec))
                return -ESTALE;
        len = sizeof(listening);
        if (stream &&
            (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening))
                return -ESTALE;
        if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ||
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
                return -errno;
        /* A path: still the file this socket was bound to (not a link, not
         * another's socket put in its place), else its clients would never
         * reach it. */
        struct listen_id now;
        if (spec->addr.ss_family == AF_UNIX) {
                int r = unix_path_setup(spec, id, &now);
                if (r < 0)
                        return r == -ENOENT ? -ESTALE : r;
        }
        /* The backlog as configured now (listen() again only changes it). */
        if (stream && listen(fd, spec->backlog) < 0)
                return -errno;
        return 0;
}
