/* SPDX-License-Identifier: MIT */
/*
 * The machine secret store's verb: secret set|list|delete (the methods
 * set_secret, list_secrets, delete_secret), and with --task the same for
 * a scheduled task (task_set_secret, task_list_secrets,
 * task_delete_secret).
 *
 * A value is read from standard input only, never from the command line,
 * where every user could see it in /proc/PID/cmdline and the shell would
 * keep it in its history.  From a terminal it is read like a password
 * (echo off, one line); from a pipe or a file it is read whole, and one
 * trailing newline is dropped, so `echo pw | scctl secret set ...` stores
 * "pw".  Any bytes are allowed: the value travels as base64, and the
 * buffers that held it are wiped before scctl exits.
 */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "scctl.h"

#define VALUE_MAX 32768 /* scmd's SECRET_VALUE_MAX_BYTES */

enum { OPT_TASK = 0x100 };

static const struct option secret_options[] = {
        {"task", no_argument, NULL, OPT_TASK},
        {},
};

/* --task: NAME is a scheduled task's. */
static bool of_task;

/* The method for a service, or a task's of the same name ("task_" before). */
static const char *method(const char *name) {
        static char buf[32];
        snprintf(buf, sizeof(buf), "%s%s", of_task ? "task_" : "", name);
        return buf;
}

/* Reads what fd holds, up to VALUE_MAX + 1 bytes (one more shows it is too
 * long).  Returns the length, or -errno. */
static ssize_t read_stream(int fd, unsigned char *buf) {
        size_t len = 0;
        while (len <= VALUE_MAX) {
                ssize_t n = read(fd, buf + len, VALUE_MAX + 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        return (ssize_t)len;
}

/* The terminal's settings while echo is off, put back by a signal that
 * ends scctl meanwhile (^C), so the shell does not inherit a silent tty. */
static struct termios saved_tty;

static void restore_tty_and_die(int sig) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
        signal(sig, SIG_DFL);
        raise(sig);
}

/* From a terminal: a prompt on stderr, one line, echo off. */
static ssize_t read_terminal(const char *service, const char *key, unsigned char *buf) {
        static const int signals[] = {SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP};
        struct sigaction sa = {.sa_handler = restore_tty_and_die}, old_sa[5];
        if (tcgetattr(STDIN_FILENO, &saved_tty) < 0)
                return -errno;
        struct termios quiet = saved_tty;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        fprintf(stderr, "Secret %s for %s%s: ", key, of_task ? "task " : "", service);
        fflush(stderr);
        for (size_t i = 0; i < 5; i++)
                sigaction(signals[i], &sa, &old_sa[i]);
        ssize_t n = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0
                            ? -1
                            : read(STDIN_FILENO, buf, VALUE_MAX + 1);
        int e = errno;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
        for (size_t i = 0; i < 5; i++)
                sigaction(signals[i], &old_sa[i], NULL);
        return n < 0 ? -e : n;
}

static int read_value(struct scctl *ctx, const char *key, unsigned char *buf, size_t *ret_len) {
        bool tty = isatty(STDIN_FILENO);
        ssize_t n = tty ? read_terminal(ctx->name, key, buf) : read_stream(STDIN_FILENO, buf);
        if (n < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_DATA, NULL,
                                    "cannot read the secret from standard input: %s",
                                    strerror((int)-n));
        if (n > VALUE_MAX)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "the secret on standard input is longer than %d bytes",
                                    VALUE_MAX);
        if (n > 0 && buf[n - 1] == '\n')
                n--; /* one trailing newline: the end of the line, not of the secret */
        *ret_len = (size_t)n;
        return 0;
}

static int run_set(struct scctl *ctx, const char *key) {
        unsigned char *value = sodium_malloc(VALUE_MAX + 1);
        size_t b64_size = sodium_base64_ENCODED_LEN(VALUE_MAX, sodium_base64_VARIANT_ORIGINAL);
        char *b64 = sodium_malloc(b64_size);
        size_t len = 0;
        int r = value && b64 ? 0
                             : output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY,
                                            NULL, "out of memory");
        if (r == 0)
                r = read_value(ctx, key, value, &len);
        json_t *params = NULL;
        if (r == 0) {
                sodium_bin2base64(b64, b64_size, value, len, sodium_base64_VARIANT_ORIGINAL);
                params = json_pack("{s:s, s:s, s:s}", "name", ctx->name, "key", key, "value_base64",
                                   b64);
        }
        sodium_free(value); /* wipes */
        sodium_free(b64);
        if (r != 0)
                return r;
        if (!params)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "the key name is not valid UTF-8 text");
        _cleanup_json_ json_t *result = NULL;
        r = scctl_call(ctx, method("set_secret"), params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] SetSecret SUCCESS: %s %s (%lld bytes)\n", key,
                       json_is_true(json_object_get(result, "replaced")) ? "replaced" : "added",
                       (long long)json_integer_value(json_object_get(result, "size")));
        return 0;
}

static void print_time(json_int_t t) {
        time_t when = (time_t)t;
        struct tm tm;
        char buf[32];
        if (gmtime_r(&when, &tm) && strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm))
                printf("%s UTC", buf);
        else
                printf("%lld", (long long)t);
}

static int run_list(struct scctl *ctx) {
        _cleanup_json_ json_t *result = NULL;
        int r = scctl_call(ctx, method("list_secrets"), json_pack("{s:s}", "name", ctx->name),
                           &result);
        if (r != 0)
                return r;
        if (ctx->json) {
                output_json(result);
                return 0;
        }
        json_t *list = json_object_get(result, "secrets");
        printf("%s: %s\n", of_task ? "TASK_NAME" : "SERVICE_NAME", ctx->name);
        if (json_array_size(list) == 0) {
                printf("        (no secrets)\n");
                return 0;
        }
        printf("        %-24s %8s  %s\n", "KEY", "SIZE", "UPDATED");
        size_t i;
        json_t *e;
        json_array_foreach(list, i, e) {
                printf("        %-24s %8lld  ", json_string_value(json_object_get(e, "key")),
                       (long long)json_integer_value(json_object_get(e, "size")));
                print_time(json_integer_value(json_object_get(e, "updated")));
                putchar('\n');
        }
        return 0;
}

static int run_delete(struct scctl *ctx, const char *key) {
        _cleanup_json_ json_t *result = NULL;
        json_t *params = json_pack("{s:s, s:s}", "name", ctx->name, "key", key);
        if (!params)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_INVALID_PARAMETER, NULL,
                                    "the key name is not valid UTF-8 text");
        int r = scctl_call(ctx, method("delete_secret"), params, &result);
        if (r != 0)
                return r;
        if (ctx->json)
                output_json(result);
        else
                printf("[SC] DeleteSecret SUCCESS\n");
        return 0;
}

static int run_secret(struct scctl *ctx, int argc, char **argv) {
        int opt;
        while ((opt = scctl_next_option(ctx, argc, argv)) == OPT_TASK)
                of_task = true;
        if (opt < 0)
                return ctx->exit_status;
        const char *action = optind < argc ? argv[optind] : "";
        int operands = strcmp(action, "list") == 0 ? 2 : 3;
        if (argc - optind != operands)
                return scctl_usage_error(ctx, "expects %s", ctx->verb->synopsis);
        if (strcmp(action, "set") != 0 && strcmp(action, "list") != 0 &&
            strcmp(action, "delete") != 0)
                return scctl_usage_error(ctx, "'%s' is not one of: set, list, delete", action);
        int r = scctl_set_service(ctx, argv[optind + 1]);
        if (r != 0)
                return r;
        if (sodium_init() < 0)
                return output_error(ctx, SCCTL_EXIT_REFUSED, SCM_ERROR_NOT_ENOUGH_MEMORY, NULL,
                                    "cannot initialise libsodium");
        if (strcmp(action, "set") == 0)
                return run_set(ctx, argv[optind + 2]);
        if (strcmp(action, "list") == 0)
                return run_list(ctx);
        return run_delete(ctx, argv[optind + 2]);
}

const struct scctl_verb verb_secret = {
        .name = "secret",
        .synopsis = "[--task] set NAME KEY | list NAME | delete NAME KEY",
        .summary =
                "Keep a service's (or task's) secrets in the machine store (given to it at start)",
        .help = "  set NAME KEY     store the secret KEY of service NAME, read from standard\n"
                "                   input (never from the command line): from a terminal one\n"
                "                   line without echo; from a pipe or file all of it, less one\n"
                "                   trailing newline.  At most 32768 bytes, any bytes.\n"
                "  list NAME        the keys of NAME's secrets, their sizes and when they were\n"
                "                   set (never the values)\n"
                "  delete NAME KEY  forget one secret\n"
                "KEY is a file name: 1-64 of A-Z a-z 0-9 _ . -, not . or ..\n"
                "The secrets are sealed at rest with the machine key (XChaCha20-Poly1305).  At\n"
                "each start the service finds them as read-only files in a private, memory-\n"
                "backed folder named by $CREDENTIALS_DIRECTORY ($CREDENTIALS_DIRECTORY/KEY),\n"
                "readable only by its account (or its service group); the folder is removed\n"
                "when it stops.  A change takes effect at the next start.\n"
                "  --task           NAME is a scheduled task: its own store, apart from a\n"
                "                   service's of the same name; each run gets them as a\n"
                "                   service's start does, in a folder removed when it ends\n",
        .options = secret_options,
        .run = run_secret,
};
