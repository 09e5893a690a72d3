/* SPDX-License-Identifier: MIT */
/*
 * Accounts: what an account setting names, and its user.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct passwd;

/* The well-known accounts: "" and LocalSystem are scmd's own; LocalService
 * and NetworkService are system users scmd creates on first use. */
#define ACCOUNT_LOCAL_SERVICE_USER "scm-localservice"
#define ACCOUNT_NETWORK_SERVICE_USER "scm-networkservice"
bool account_is_local_system(const char *account);
bool account_is_well_known(const char *account);
/* The user name an account setting stands for ("LocalService" ->
 * "scm-localservice"; LocalSystem -> the name of scmd's own user), for the
 * privilege policy.  NULL when account is not a well-known name and has
 * no passwd entry.  Malloc'd. */
char *account_policy_name(const char *account);
/* The passwd entry of a service's account, copied (free with free()),
 * creating LocalService's or NetworkService's user when it does not exist
 * yet.  -ENOENT when the account does not exist, -EPERM when it would have
 * to be created and scmd is not root, else -errno; *ret_error says why. */
int account_lookup(const char *account, struct passwd **ret, char **ret_error);
/* The supplementary groups of pw's user (getgrouplist) plus extra (0:
 * none), malloc'd.  0 or -errno. */
int account_groups(const struct passwd *pw, gid_t extra, gid_t **ret, size_t *ret_n);
