/* SPDX-License-Identifier: MIT */
/*
 * pam.c: a service's logon session, as Windows' LogonUser gives one: the
 * PAM session of the service named by its pam_name setting, opened in the
 * service's process before exec and closed once that process has gone.
 */
#pragma once

struct passwd;

/* In the child, as root, before the account switch: opens the session of
 * PAM service pam_name for pw's user (its uid and primary group, the
 * keeper's too) (account management, credentials, session
 * modules: pam_loginuid, pam_limits, pam_env ... as /etc/pam.d/pam_name
 * says), puts the variables its modules set into *envp (replaced by a
 * malloc'd copy; never freed, exec follows), and forks the keeper: a
 * process out of the service's cgroup (cgroup_fd; -1 none) and process
 * group that closes the session when the service's process has gone.
 * A failure is written to stderr (the service's log) with PAM's own
 * words.  Returns 0, or -1 with errno set. */
int pam_session_enter(const char *pam_name, const struct passwd *pw, int cgroup_fd, char ***envp);
