/* SPDX-License-Identifier: MIT */
/*
 * Other machines, through ssh: no daemon of scm's listens on a network.
 *
 * --host [USER@]HOST[:PORT]: scctl runs `ssh ... HOST scctl bridge` with
 * its standard input and output on one end of a socketpair and speaks the
 * protocol over the other end (scm_connect_fd()).  The remote `scctl
 * bridge` copies bytes between its standard input and output and that
 * host's scmd socket, as the remote user: ssh authenticates, and scmd's
 * access lists apply to that user.  --root, --user, --system and --socket
 * are the remote host's, so they are passed on to the bridge.  What ssh
 * itself says on failure is kept and shown with the host's name.
 *
 * --hosts FILE|H1,H2,...: scctl runs itself once per host (with --host H
 * instead), at most --parallel at a time (8), and prints each host's
 * output as it ends: its lines prefixed "HOST: ", or with --json one
 * object per host {"host", "exit", "output"}.  One host failing does not
 * stop the others; a summary follows, and the exit status is the worst of
 * the hosts' (3 when one could not be reached, else 1 when one refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "cmdline.h"
#include "scctl.h"

#define SSH_ERROR_MAX 2048
#define HOSTS_MAX 4096

/* ---- one host through ssh ---- */

/* 'text' quoted for the remote shell. */
static char *shell_quote(const char *text) {
        size_t n = 2;
        for (const char *c = text; *c; c++)
                n += *c == '\'' ? 4 : 1;
        char *q = malloc(n + 1), *o = q;
        if (!q)
                return NULL;
        *o++ = '\'';
        for (const char *c = text; *c; c++) {
                if (*c == '\'') {
                        memcpy(o, "'\\''", 4);
                        o += 4;
                } else
                        *o++ = *c;
        }
        *o++ = '\'';
        *o = '\0';
        return q;
}

/* The command the remote shell runs: the remote scctl's bridge, with the
 * socket options given here. */
static char *remote_command(const struct scctl *ctx) {
        const char *scctl = getenv("SCM_REMOTE_SCCTL");
        if (ctx->remote_scctl)
                scctl = ctx->remote_scctl;
        _cleanup_free_ char *where = NULL;
        if (ctx->socket_option) {
                _cleanup_free_ char *q = shell_quote(ctx->socket_option);
                if (!q || asprintf(&where, " --socket %s", q) < 0)
                        return NULL;
        } else if (ctx->mode == SCM_MODE_ROOT) {
                _cleanup_free_ char *q = shell_quote(ctx->root);
                if (!q || asprintf(&where, " --root %s", q) < 0)
                        return NULL;
        } else
                where = strdup(ctx->mode == SCM_MODE_USER     ? " --user"
                               : ctx->mode == SCM_MODE_SYSTEM ? " --system"
                                                              : "");
        /* The bridge gives up on the remote scmd well before this side gives
         * up on the bridge, so that its reason reaches the user. */
        int wait_ms = ctx->timeout_ms / 2;
        char *cmd;
        if (!where ||
            asprintf(&cmd, "%s bridge --timeout %d.%03d%s", scctl && scctl[0] ? scctl : "scctl",
                     wait_ms / 1000, wait_ms % 1000, where) < 0)
                return NULL;
        return cmd;
}

/* ssh's argv: $SCM_SSH (default "ssh", split on spaces), BatchMode, the
 * port, the destination, the remote command. */
static char **ssh_argv(const struct scctl *ctx) {
        const char *ssh = getenv("SCM_SSH");
        char **argv = NULL;
        int argc;
        const char *why;
        if (cmdline_split(ssh && ssh[0] ? ssh : "ssh", &argv, &argc, &why) < 0)
                return NULL;
        _cleanup_free_ char *dest = strdup(ctx->host);
        _cleanup_free_ char *cmd = remote_command(ctx);
        if (!dest || !cmd) {
                strv_free(argv);
                return NULL;
        }
        /* [USER@]HOST[:PORT], an IPv6 HOST in brackets */
        char *port = NULL, *at = strrchr(dest, '@');
        char *host = at ? at + 1 : dest;
        char *colon = host[0] == '[' ? strstr(host, "]:") : strchr(host, ':');
        if (colon && host[0] == '[')
                colon++;
        if (colon && (host[0] == '[' || !strchr(colon + 1, ':'))) {
                *colon = '\0';
                port = colon + 1;
        }
        const char *extra[] = {"-o", "BatchMode=yes", port ? "-p" : NULL, port, NULL};
        size_t n = 0;
        while (argv[n])
                n++;
        char **all = realloc(argv, (n + 8) * sizeof(char *));
        if (!all) {
                strv_free(argv);
                return NULL;
        }
        for (size_t i = 0; extra[i]; i++)
                all[n++] = strdup(extra[i]);
        all[n++] = strdup(dest);
        all[n++] = strdup(cmd);
        all[n] = NULL;
        return all;
}

/* The ssh under way, and what it said on its standard error. */
static pid_t ssh_pid = -1;
static int ssh_error_fd = -1;

const char *remote_ssh_error(void) {
        static char text[SSH_ERROR_MAX];
        if (ssh_error_fd >= 0) {
                ssize_t n = read(ssh_error_fd, text, sizeof(text) - 1);
                text[n > 0 ? n : 0] = '\0';
                close(ssh_error_fd);
                ssh_error_fd = -1;
                for (char *end = text + strlen(text);
                     end > text && (end[-1] == '\n' || end[-1] == '\r');)
                        *--end = '\0';
        }
        return text;
}

int remote_connect(struct scctl *ctx, struct scm_client **ret) {
        _cleanup_(strv_free_p) char **argv = ssh_argv(ctx);
        if (!argv)
                return -ENOMEM;
        int sv[2], err[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        if (pipe2(err, O_CLOEXEC) < 0) {
                int e = errno;
                close(sv[0]);
                close(sv[1]);
                return -e;
        }
        pid_t pid = fork();
        if (pid == 0) {
                /* ssh: its stdin and stdout the bridge's stream, its stderr kept. */
                if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 || dup2(err[1], 2) < 0)
                        _exit(127);
                signal(SIGPIPE, SIG_DFL);
                execvp(argv[0], argv);
                dprintf(2, "cannot run %s: %s", argv[0], strerror(errno));
                _exit(127);
        }
        int e = errno;
        close(sv[1]);
        close(err[1]);
        if (pid < 0) {
                close(sv[0]);
                close(err[0]);
                return -e;
        }
        ssh_pid = pid;
        ssh_error_fd = err[0];
        (void)fcntl(err[0], F_SETFL, O_NONBLOCK);
        int r = scm_connect_fd(sv[0], ret);
        if (r < 0)
                close(sv[0]);
        return r;
}

void remote_finish(void) {
        if (ssh_pid <= 0)
                return;
        /* The connection is closed by now: ssh ends on its own; a stuck one
         * is not waited for longer than a second. */
        for (int i = 0; i < 100; i++) {
                if (waitpid(ssh_pid, NULL, WNOHANG) != 0)
                        goto done;
                usleep(10000);
        }
        kill(ssh_pid, SIGTERM);
        waitpid(ssh_pid, NULL, 0);
done:
        ssh_pid = -1;
        if (ssh_error_fd >= 0)
                close(ssh_error_fd);
        ssh_error_fd = -1;
}

/* ---- many hosts ---- */

struct host_run {
        const char *host;
        pid_t pid;
        int out_fd; /* the child's stdout and stderr, merged */
        char *out;
        size_t len;
        int status; /* its exit status once it ended */
        bool done;
};

static int read_hosts_file(const char *path, char ***ret) {
        _cleanup_fclose_ FILE *f = fopen(path, "re");
        if (!f)
                return -errno;
        char **hosts = calloc(HOSTS_MAX + 1, sizeof(char *));
        if (!hosts)
                return -ENOMEM;
        size_t n = 0;
        char line[1024];
        while (fgets(line, sizeof(line), f) && n < HOSTS_MAX) {
                char *h = line + strspn(line, " \t");
                h[strcspn(h, " \t\r\n#")] = '\0';
                if (h[0] && !(hosts[n++] = strdup(h))) {
                        strv_free(hosts);
                        return -ENOMEM;
                }
        }
        *ret = hosts;
        return 0;
}

/* The hosts of --hosts: a file of one host a line (# comments), or a
 * comma-separated list. */
static int parse_hosts(const char *arg, char ***ret) {
        if (strchr(arg, '/') || access(arg, R_OK) == 0)
                return read_hosts_file(arg, ret);
        char **hosts = calloc(strlen(arg) / 2 + 2, sizeof(char *));
        _cleanup_free_ char *copy = strdup(arg);
        if (!hosts || !copy) {
                free(hosts);
                return -ENOMEM;
        }
        size_t n = 0;
        for (char *p = copy, *h; (h = strsep(&p, ","));)
                if (h[0] && !(hosts[n++] = strdup(h))) {
                        strv_free(hosts);
                        return -ENOMEM;
                }
        *ret = hosts;
        return 0;
}

/* argv with "--hosts X" (or --hosts=X) replaced by "--host HOST". */
static char **host_argv(int argc, char **argv, const char *host) {
        char **v = calloc((size_t)argc + 3, sizeof(char *));
        if (!v)
                return NULL;
        size_t n = 0;
        v[n++] = (char *)"/proc/self/exe";
        v[n++] = (char *)"--host";
        v[n++] = (char *)host;
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--hosts") == 0) {
                        i++;
                        continue;
                }
                if (strncmp(argv[i], "--hosts=", 8) == 0)
                        continue;
                if (strcmp(argv[i], "--") == 0) {
                        while (i < argc)
                                v[n++] = argv[i++];
                        break;
                }
                v[n++] = argv[i];
        }
        v[n] = NULL;
        return v;
}

static int start_host(struct host_run *h, int argc, char **argv) {
        _cleanup_free_ char **v = host_argv(argc, argv, h->host);
        int p[2];
        if (!v)
                return -ENOMEM;
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        fflush(stdout);
        fflush(stderr);
        h->pid = fork();
        if (h->pid == 0) {
                if (dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
                        _exit(127);
                execv(v[0], v);
                _exit(127);
        }
        int e = errno;
        close(p[1]);
        if (h->pid < 0) {
                close(p[0]);
                return -e;
        }
        h->out_fd = p[0];
        return 0;
}

static void print_host(const struct scctl *ctx, const struct host_run *h) {
        if (ctx->json) {
                _cleanup_json_ json_t *output = NULL;
                if (h->out)
                        output = json_loadb(h->out, h->len, JSON_DISABLE_EOF_CHECK, NULL);
                if (!output)
                        output = json_stringn(h->out ? h->out : "", h->len);
                json_t *o = json_pack("{s:s, s:i, s:O}", "host", h->host, "exit", h->status,
                                      "output", output);
                if (o)
                        output_json(o);
                json_decref(o);
                return;
        }
        const char *p = h->out ? h->out : "";
        const char *end = p + h->len;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
                printf("%s: %.*s\n", h->host, (int)n, p);
                p += n + (nl ? 1 : 0);
        }
        fflush(stdout);
}

/* Reads what h's child wrote; at EOF waits for it and marks it done. */
static void drain_host(struct host_run *h) {
        char buf[4096];
        ssize_t n = read(h->out_fd, buf, sizeof(buf));
        if (n > 0) {
                char *grown = realloc(h->out, h->len + (size_t)n + 1);
                if (grown) {
                        memcpy(grown + h->len, buf, (size_t)n);
                        h->len += (size_t)n;
                        grown[h->len] = '\0';
                        h->out = grown;
                }
                return;
        }
        if (n < 0 && errno == EINTR)
                return;
        close(h->out_fd);
        h->out_fd = -1;
        int st = 0;
        waitpid(h->pid, &st, 0);
        h->status = WIFEXITED(st) ? WEXITSTATUS(st) : SCCTL_EXIT_UNREACHABLE;
        h->done = true;
}

static int worst(int a, int b) {
        if (a == SCCTL_EXIT_UNREACHABLE || b == SCCTL_EXIT_UNREACHABLE)
                return SCCTL_EXIT_UNREACHABLE;
        return a ? a : b;
}

int remote_run_hosts(struct scctl *ctx, int argc, char **argv) {
        _cleanup_(strv_free_p) char **hosts = NULL;
        int r = parse_hosts(ctx->hosts, &hosts);
        if (r < 0 || !hosts[0])
                return scctl_usage_error(ctx, "--hosts '%s': %s", ctx->hosts,
                                         r < 0 ? strerror(-r) : "names no host");
        size_t n = 0;
        while (hosts[n])
                n++;
        _cleanup_free_ struct host_run *runs = calloc(n, sizeof(*runs));
        _cleanup_free_ struct pollfd *fds = calloc(n, sizeof(*fds));
        if (!runs || !fds)
                return scctl_usage_error(ctx, "out of memory");
        size_t started = 0, running = 0, ended = 0;
        int status = 0;
        while (ended < n) {
                while (started < n && running < ctx->parallel) {
                        struct host_run *h = &runs[started++];
                        h->host = hosts[started - 1];
                        h->out_fd = -1;
                        if (start_host(h, argc, argv) < 0) {
                                h->status = SCCTL_EXIT_UNREACHABLE;
                                h->done = true;
                                ended++;
                                print_host(ctx, h);
                                continue;
                        }
                        running++;
                }
                size_t k = 0;
                for (size_t i = 0; i < started; i++)
                        if (runs[i].out_fd >= 0)
                                fds[k++] = (struct pollfd){.fd = runs[i].out_fd, .events = POLLIN};
                if (poll(fds, k, -1) < 0 && errno != EINTR)
                        break;
                for (size_t i = 0; i < started; i++) {
                        struct host_run *h = &runs[i];
                        if (h->out_fd < 0)
                                continue;
                        for (size_t j = 0; j < k; j++)
                                if (fds[j].fd == h->out_fd && fds[j].revents)
                                        drain_host(h);
                        if (h->done) {
                                print_host(ctx, h);
                                status = worst(status, h->status);
                                running--;
                                ended++;
                        }
                }
        }
        size_t failed = 0;
        for (size_t i = 0; i < n; i++)
                failed += runs[i].status != 0;
        fprintf(stderr, "scctl: %zu host%s: %zu succeeded, %zu failed", n, n == 1 ? "" : "s",
                n - failed, failed);
        const char *sep = " (";
        for (size_t i = 0; i < n; i++)
                if (runs[i].status != 0) {
                        fprintf(stderr, "%s%s: exit %d", sep, runs[i].host, runs[i].status);
                        sep = ", ";
                }
        fprintf(stderr, "%s\n", failed ? ")" : "");
        for (size_t i = 0; i < n; i++)
                free(runs[i].out);
        return status;
}
