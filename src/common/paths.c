/* SPDX-License-Identifier: MIT */
/* Path resolution for each mode; see paths.h for the table. */
#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

const char *scm_mode_name(enum scm_mode mode) {
        switch (mode) {
        case SCM_MODE_SYSTEM:
                return "system";
        case SCM_MODE_USER:
                return "user";
        case SCM_MODE_ROOT:
                return "root";
        default:
                return "auto";
        }
}

static char *join(const char *a, const char *b) {
        char *s;
        return asprintf(&s, "%s%s", a, b) < 0 ? NULL : s;
}

/* $XDG_STATE_HOME/scm, else ~/.local/state/scm. */
static char *user_state_dir(void) {
        const char *xdg = getenv("XDG_STATE_HOME");
        if (xdg && xdg[0] == '/')
                return join(xdg, "/scm");
        const char *home = getenv("HOME");
        if (!home || home[0] != '/') {
                errno = EINVAL;
                return NULL;
        }
        return join(home, "/.local/state/scm");
}

/* $XDG_RUNTIME_DIR/scm, else the state folder's run/ (never /tmp, which
 * anyone could pre-create). */
static char *user_run_dir(const char *state_dir) {
        const char *xdg = getenv("XDG_RUNTIME_DIR");
        if (xdg && xdg[0] == '/')
                return join(xdg, "/scm");
        return join(state_dir, "/run");
}

int scm_paths_resolve(enum scm_mode mode, const char *root, struct scm_paths *ret) {
        struct scm_paths p = {0};

        if (mode == SCM_MODE_AUTO)
                mode = geteuid() == 0 ? SCM_MODE_SYSTEM : SCM_MODE_USER;
        p.mode = mode;

        switch (mode) {
        case SCM_MODE_ROOT:
                if (!root || !root[0])
                        return -EINVAL;
                p.root = strdup(root);
                p.db_dir = join(root, "/db");
                p.run_dir = join(root, "/run");
                p.log_dir = join(root, "/log");
                if (!p.root)
                        goto oom;
                break;
        case SCM_MODE_SYSTEM:
                p.db_dir = strdup("/var/lib/scm");
                p.run_dir = strdup("/run/scm");
                p.log_dir = strdup("/var/log/scm");
                break;
        case SCM_MODE_USER: {
                _cleanup_free_ char *state = user_state_dir();
                if (!state)
                        return errno == EINVAL ? -EINVAL : -ENOMEM;
                p.db_dir = strdup(state);
                p.run_dir = user_run_dir(state);
                p.log_dir = join(state, "/log");
                break;
        }
        default:
                return -EINVAL;
        }
        if (!p.db_dir || !p.run_dir || !p.log_dir)
                goto oom;
        p.db_file = join(p.db_dir, "/scm.db");
        p.socket = join(p.run_dir, "/scm.sock");
        if (!p.db_file || !p.socket)
                goto oom;
        *ret = p;
        return 0;
oom:
        scm_paths_free(&p);
        return -ENOMEM;
}

void scm_paths_free(struct scm_paths *p) {
        free(p->root);
        free(p->db_dir);
        free(p->db_file);
        free(p->run_dir);
        free(p->socket);
        free(p->log_dir);
        *p = (struct scm_paths){0};
}

char *scm_client_socket_path(enum scm_mode mode, const char *root) {
        const char *env = getenv("SCM_SOCKET");
        if (mode == SCM_MODE_AUTO && env && env[0])
                return strdup(env);

        struct scm_paths p;
        int r = scm_paths_resolve(mode, root, &p);
        if (r < 0) {
                errno = -r;
                return NULL;
        }
        char *s = p.socket;
        p.socket = NULL;
        scm_paths_free(&p);
        return s;
}
