/* SPDX-License-Identifier: MIT */
/*
 * A service's system-call filter, loaded in the child as its last step
 * before exec (syscall_config.h says what; syscall_filter.c how).
 */
#pragma once

struct service_syscalls;

/* Loads the seccomp filter s asks for (NULL, or no list: nothing).  Sets
 * no_new_privs.  0 or -errno. */
int syscall_filter_enter(const struct service_syscalls *s);
