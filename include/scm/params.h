/* SPDX-License-Identifier: MIT */
/*
 * Service parameters, the registry way: the values a service keeps under
 * HKLM\SYSTEM\CurrentControlSet\Services\NAME\Parameters and its subkeys,
 * stored by scmd (docs/protocol.md, "Service parameters").  Values travel
 * here as the registry's bytes, so a Windows program's buffers fit them:
 * REG_SZ and REG_EXPAND_SZ UTF-8 with the terminating NUL, REG_MULTI_SZ
 * each string NUL-terminated and one more NUL after the last, REG_DWORD
 * and REG_QWORD little-endian, REG_BINARY as is.  A key is the path below
 * the service's key: "Parameters", "Parameters\\Sub", or "" for the
 * service's own key (its configuration as ImagePath, Start, ...;
 * read-only).  Reading needs query-config, writing change-config.
 */
#ifndef SCM_PARAMS_H
#define SCM_PARAMS_H

#include <stddef.h>

#include <scm/client.h>

/* Windows' REG_* numbers. */
enum scm_param_type {
        SCM_PARAM_SZ = 1,
        SCM_PARAM_EXPAND_SZ = 2,
        SCM_PARAM_BINARY = 3,
        SCM_PARAM_DWORD = 4,
        SCM_PARAM_MULTI_SZ = 7,
        SCM_PARAM_QWORD = 11,
};

struct scm_param_value {
        char *name; /* "" the key's default value */
        enum scm_param_type type;
        unsigned char *data; /* malloc'd; the registry's bytes (above) */
        size_t size;
};

/* The values of key (NULL: "Parameters") sorted by name, and the names of
 * its subkeys (NULL-terminated; ret_subkeys may be NULL).  Free with
 * scm_param_values_free() and scm_param_subkeys_free().  SCM_ERR(FILE_NOT_FOUND)
 * when the key does not exist. */
int scm_enum_parameters(struct scm_client *c, const char *service, const char *key,
                        struct scm_param_value **ret_values, size_t *ret_n, char ***ret_subkeys);

/* One value; SCM_ERR(SCM_ERROR_FILE_NOT_FOUND) when there is none. */
int scm_query_parameter(struct scm_client *c, const char *service, const char *key,
                        const char *value_name, struct scm_param_value *ret);

/* Adds or replaces a value.  -EINVAL when data is not of its type's form
 * (a string without its NUL, a DWORD not 4 bytes, ...). */
int scm_set_parameter(struct scm_client *c, const char *service, const char *key,
                      const char *value_name, enum scm_param_type type, const void *data,
                      size_t size);

int scm_delete_parameter(struct scm_client *c, const char *service, const char *key,
                         const char *value_name);

/* Deletes every value of key (RegDeleteKey): the key is then gone
 * ("Parameters" stays, empty).  SCM_ERR(SCM_ERROR_ACCESS_DENIED) when it
 * has subkeys (delete them first) or is the service's own key "";
 * SCM_ERR(SCM_ERROR_FILE_NOT_FOUND) when there is no such key. */
int scm_delete_parameter_key(struct scm_client *c, const char *service, const char *key);
void scm_param_values_free(struct scm_param_value *v, size_t n);
void scm_param_subkeys_free(char **v);

#endif
