/* SPDX-License-Identifier: MIT */
/*
 * The settings of a service's process that are about its life rather than
 * its surroundings (part of struct service_process, process_config.h):
 * the pre-start and post-stop commands, the reload command or signal, the
 * PID file of a forking daemon and whether a one-shot job remains RUNNING
 * after it exits.  Their protocol keys, checks and protocol form.
 */
#pragma once

#include <stdbool.h>

#include <jansson.h>

struct service_process;

/* Applies o's keys onto p; 0, -EINVAL with *ret_error, or -ENOMEM. */
int process_commands_apply(struct service_process *p, const json_t *o, char **ret_error);
/* Adds every setting, defaults included, to o; 0 or -ENOMEM. */
int process_commands_json(const struct service_process *p, json_t *o);
/* Copies the allocated fields of from (whose scalars *to already has);
 * 0 or -ENOMEM, and frees them. */
int process_commands_copy(struct service_process *to, const struct service_process *from);
void process_commands_free(struct service_process *p);
bool process_commands_default(const struct service_process *p);
/* A command line without its leading "-" (which lets it fail). */
const char *process_command_line(const char *entry, bool *ret_may_fail);
