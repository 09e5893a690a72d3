/* SPDX-License-Identifier: MIT */
/*
 * Socket activation for a native service (<scm/service.h>): its
 * listening sockets, at SCM_LISTEN_FDS_START on, named by SCM_LISTEN_FDS,
 * SCM_LISTEN_PID and SCM_LISTEN_FDNAMES as scmd's exec/spawn.c sets them
 * (not LISTEN_*, which sd_listen_fds() would read from descriptor 3 on,
 * the service's control channel).
 */
#include <scm/service.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control.h"

_Static_assert(SCM_LISTEN_FDS_START == SCM_LISTEN_FDS_NATIVE_START,
               "libscm and scmd agree where the sockets start");

#define LISTEN_MAX 64

static long number_of(const char *var) {
        const char *v = getenv(var);
        char *end;
        if (!v || !*v)
                return -1;
        errno = 0;
        long n = strtol(v, &end, 10);
        return errno || *end || n < 0 ? -1 : n;
}

/* names joined by ':', one per socket ("unknown" for a missing one). */
static char **split_names(const char *joined, long n) {
        char **v = calloc((size_t)n + 1, sizeof(char *));
        if (!v)
                return NULL;
        const char *p = joined ? joined : "";
        for (long i = 0; i < n; i++) {
                size_t len = strcspn(p, ":");
                v[i] = len ? strndup(p, len) : strdup("unknown");
                if (!v[i]) {
                        scm_listen_names_free(v);
                        return NULL;
                }
                p += len + (p[len] == ':');
        }
        return v;
}

void scm_listen_names_free(char **names) {
        for (size_t i = 0; names && names[i]; i++)
                free(names[i]);
        free(names);
}

int scm_listen_fds(char ***ret_names) {
        long n = number_of("SCM_LISTEN_FDS"), pid = number_of("SCM_LISTEN_PID");
        char **names = NULL;
        if (ret_names)
                *ret_names = NULL;
        if (n <= 0 || n > LISTEN_MAX || pid != (long)getpid())
                n = 0;
        if (n > 0 && ret_names && !(names = split_names(getenv("SCM_LISTEN_FDNAMES"), n)))
                return -ENOMEM;
        for (long i = 0; i < n; i++)
                fcntl(SCM_LISTEN_FDS_START + (int)i, F_SETFD, FD_CLOEXEC);
        unsetenv("SCM_LISTEN_FDS");
        unsetenv("SCM_LISTEN_PID");
        unsetenv("SCM_LISTEN_FDNAMES");
        if (ret_names)
                *ret_names = names;
        return (int)n;
}
