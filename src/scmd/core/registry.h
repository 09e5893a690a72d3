/* SPDX-License-Identifier: MIT */
/*
 * Every service by name and by display name.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

struct service;

struct registry;

int registry_new(struct registry **ret);
void registry_free(struct registry *r); /* frees every service */
int registry_add(struct registry *r, struct service *s);
void registry_remove(struct registry *r, struct service *s);
/* The service whose name (its key name) is name, ignoring case.  Every method
 * that takes a service names it so, as Windows' OpenService does. */
struct service *registry_find(const struct registry *r, const char *name);
/* The service whose display name is text, ignoring case (GetServiceKeyName). */
struct service *registry_find_display(const struct registry *r, const char *text);
/* The service whose name or display name is text, ignoring case: the check
 * that a new name or display name clashes with neither. */
struct service *registry_find_name_or_display(const struct registry *r, const char *text);
size_t registry_count(const struct registry *r);
/* Every service sorted by name into a malloc'd array (caller frees the
 * array, not the services).  Returns the count or -ENOMEM. */
ssize_t registry_sorted(const struct registry *r, struct service ***ret);
/* Re-files s after its display name changed from old_display. */
void registry_rename_display(struct registry *r, struct service *s, const char *old_display);
