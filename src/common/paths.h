/* SPDX-License-Identifier: MIT */
/*
 * Where things live.  One function decides the database, socket and log
 * locations for each mode, so scmd and its clients can never disagree:
 *
 *   system (root)   /var/lib/scm/scm.db   /run/scm/scm.sock          /var/log/scm/
 *   user            $XDG_STATE_HOME/scm/  $XDG_RUNTIME_DIR/scm/scm.sock  $XDG_STATE_HOME/scm/log/
 *   --root DIR      DIR/db/scm.db         DIR/run/scm.sock           DIR/log/
 */
#pragma once

enum scm_mode { SCM_MODE_AUTO, SCM_MODE_SYSTEM, SCM_MODE_USER, SCM_MODE_ROOT };

struct scm_paths {
        enum scm_mode mode; /* never AUTO once resolved */
        char *root;         /* --root DIR, else NULL */
        char *db_dir;
        char *db_file;
        char *run_dir;
        char *socket;
        char *log_dir;
};

/* Resolves the paths for mode (AUTO: system for uid 0, else user); root is
 * required for SCM_MODE_ROOT and ignored otherwise.  The strings are owned
 * by ret and freed by scm_paths_free().  Returns 0, -EINVAL (root missing,
 * or user mode without HOME), or -ENOMEM. */
int scm_paths_resolve(enum scm_mode mode, const char *root, struct scm_paths *ret);
void scm_paths_free(struct scm_paths *p);

/* The mode's name: "system", "user" or "root". */
const char *scm_mode_name(enum scm_mode mode);

/* The socket a client should use: $SCM_SOCKET when set and mode is AUTO,
 * else the resolved mode's socket.  Returns a malloc'd string or NULL on
 * failure with errno set. */
char *scm_client_socket_path(enum scm_mode mode, const char *root);
