/* SPDX-License-Identifier: MIT */
/*
 * The least-privilege modes of scm-test-helper: what the service's process
 * really holds and may do, reported as facts.
 *
 *   --report-security    at start: groups=, one line per Cap* set and
 *                        NoNewPrivs of /proc/self/status (CapEff=0000...),
 *                        keyring= and keyring-desc= (the session keyring:
 *                        its id and "keyring;UID;GID;PERM;NAME"), netns=,
 *                        net-ifaces= (every interface) and lo-up=0|1
 *   --try-write PATH     (repeatable) whether it may write PATH:
 *                        write:PATH=ok or the errno's name (EACCES).  A
 *                        folder: a new file is made in it and removed; a
 *                        file: it is opened for appending, never changed;
 *                        anything else: a new file is made there and removed
 *   --try-read PATH      (repeatable) whether it may read the file PATH:
 *                        read:PATH=hex:CONTENTS (the bytes in hex, so a
 *                        secret read never appears in the report as it
 *                        is) or the errno's name; a PATH that starts with
 *                        $CREDENTIALS_DIRECTORY has it replaced by the
 *                        variable's value (the line keeps it as given)
 *   --try-bind PORT      (repeatable) bind:PORT= binding TCP 127.0.0.1:PORT
 *   --try-bind-any PORT  (repeatable) bind6:PORT= binding TCP [::]:PORT
 *   --try-connect ADDR:PORT  (repeatable) connect:ADDR:PORT= a TCP connect
 *                        (IPv4, or IPv6 in brackets) within 2 s: ok,
 *                        ECONNREFUSED, EPERM, ETIMEDOUT...
 *   --try-detach         detach= detaching the egress programs of its own
 *                        cgroup (the way to lift network rules)
 *   --try-privileged     what needs a capability, each tried in a child
 *                        process: chown= (giving a file in /tmp away:
 *                        CAP_CHOWN), kill-init= (signal 0 to PID 1:
 *                        CAP_KILL for other than root), setuid= (to root,
 *                        or from root to 65534: CAP_SETUID), sethostname=
 *                        (to its own name: CAP_SYS_ADMIN); ok or the errno's
 *                        name
 *   --exec-without-landlock PROGRAM [ARGS...]
 *                        not a service: run PROGRAM (scmd) under a seccomp
 *                        filter that makes the Landlock system calls fail
 *                        with ENOSYS, as on a kernel without Landlock
 *
 * These options are taken out of argv, wherever they are before a "--",
 * before the helper's own options are read, so they mix with them freely.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper_security.h"

#define MAX_TRIES 64

static bool report_security;
static bool try_privileged;
static const char *try_write[MAX_TRIES];
static int n_try_write;
static const char *try_read[MAX_TRIES];
static int n_try_read;
static long try_bind[MAX_TRIES], try_bind6[MAX_TRIES];
static int n_try_bind, n_try_bind6;
static const char *try_connect[MAX_TRIES];
static int n_try_connect;
static bool try_detach;

static const char *errno_name(int e) {
        const char *n = strerrorname_np(e);
        return n ? n : "E?";
}

static const char *result(int r) {
        return r == 0 ? "ok" : errno_name(r < 0 ? -r : r);
}

/* ---- --exec-without-landlock ---- */

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#endif

static _Noreturn void exec_without_landlock(char **argv) {
        struct sock_filter filter[] = {
#ifdef ARCH
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
#endif
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
                BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SYS_landlock_create_ruleset, 0, 2),
                BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, SYS_landlock_restrict_self, 1, 0),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = {.len = sizeof(filter) / sizeof(filter[0]), .filter = filter};
        /* As root no no_new_privs is needed, and none is wanted: it would
         * reach every service. */
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
                fprintf(stderr, "scm-test-helper: seccomp: %m\n");
                exit(1);
        }
        execv(argv[0], argv);
        fprintf(stderr, "scm-test-helper: cannot execute %s: %m\n", argv[0]);
        exit(127);
}

/* ---- taking the options out of argv ---- */

/* The value of option name at argv[*i] ("--name=V" or "--name V"), moving
 * *i past it; NULL when argv[*i] is not that option. */
static const char *value_of(char **argv, int argc, int *i, const char *name) {
        size_t n = strlen(name);
        if (strncmp(argv[*i], name, n) != 0)
                return NULL;
        if (argv[*i][n] == '=')
                return argv[*i] + n + 1;
        if (argv[*i][n] != '\0' || *i + 1 >= argc)
                return NULL;
        return argv[++*i];
}

int security_modes_take(int argc, char **argv) {
        int out = 1;
        int i = 1;
        for (; i < argc; i++) {
                const char *a = argv[i], *v;
                if (strcmp(a, "--") == 0)
                        break;
                if (strcmp(a, "--exec-without-landlock") == 0) {
                        if (i + 1 >= argc) {
                                fprintf(stderr, "scm-test-helper: --exec-without-landlock needs "
                                                "a program\n");
                                exit(2);
                        }
                        exec_without_landlock(argv + i + 1);
                }
                if (strcmp(a, "--report-security") == 0) {
                        report_security = true;
                } else if (strcmp(a, "--try-privileged") == 0) {
                        try_privileged = true;
                } else if ((v = value_of(argv, argc, &i, "--try-write"))) {
                        if (n_try_write < MAX_TRIES)
                                try_write[n_try_write++] = v;
                } else if ((v = value_of(argv, argc, &i, "--try-read"))) {
                        if (n_try_read < MAX_TRIES)
                                try_read[n_try_read++] = v;
                } else if ((v = value_of(argv, argc, &i, "--try-bind"))) {
                        if (n_try_bind < MAX_TRIES)
                                try_bind[n_try_bind++] = strtol(v, NULL, 10);
                } else if ((v = value_of(argv, argc, &i, "--try-bind-any"))) {
                        if (n_try_bind6 < MAX_TRIES)
                                try_bind6[n_try_bind6++] = strtol(v, NULL, 10);
                } else if ((v = value_of(argv, argc, &i, "--try-connect"))) {
                        if (n_try_connect < MAX_TRIES)
                                try_connect[n_try_connect++] = v;
                } else if (strcmp(a, "--try-detach") == 0) {
                        try_detach = true;
                } else {
                        /* Not ours: keep it (and a value it may take). */
                        argv[out++] = argv[i];
                        continue;
                }
        }
        for (; i < argc; i++)
                argv[out++] = argv[i];
        argv[out] = NULL;
        return out;
}

/* ---- the facts ---- */

static void report_status_lines(report_fn *report) {
        FILE *f = fopen("/proc/self/status", "re");
        char line[512];
        if (!f)
                return;
        while (fgets(line, sizeof(line), f)) {
                line[strcspn(line, "\n")] = '\0';
                char *colon = strchr(line, ':');
                if (!colon)
                        continue;
                *colon = '\0';
                const char *value = colon + 1 + strspn(colon + 1, " \t");
                if (strncmp(line, "Cap", 3) == 0 || strcmp(line, "NoNewPrivs") == 0 ||
                    strcmp(line, "Groups") == 0)
                        report("%s=%s", strcmp(line, "Groups") == 0 ? "groups" : line, value);
        }
        fclose(f);
}

static void report_keyring(report_fn *report) {
        long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
        if (id < 0) {
                report("keyring=%s", errno_name(errno));
                return;
        }
        char desc[256];
        long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, id, desc, sizeof(desc));
        report("keyring=%ld", id);
        report("keyring-desc=%s", n > 0 && (size_t)n <= sizeof(desc) ? desc : "?");
}

static void report_network(report_fn *report) {
        char ns[PATH_MAX];
        ssize_t n = readlink("/proc/self/ns/net", ns, sizeof(ns) - 1);
        report("netns=%s", n > 0 ? (ns[n] = '\0', ns) : "?");

        struct if_nameindex *ifs = if_nameindex();
        char names[1024] = "";
        for (struct if_nameindex *i = ifs; i && i->if_index; i++)
                snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
                         names[0] ? "," : "", i->if_name);
        if (ifs)
                if_freenameindex(ifs);
        report("net-ifaces=%s", names);

        int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct ifreq ifr = {0};
        strncpy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name) - 1);
        if (sock >= 0 && ioctl(sock, SIOCGIFFLAGS, &ifr) == 0)
                report("lo-up=%d", (ifr.ifr_flags & IFF_UP) ? 1 : 0);
        if (sock >= 0)
                close(sock);
}

/* 0 when path may be written, else -errno; changes nothing that exists. */
static int can_write(const char *path) {
        struct stat st;
        char probe[PATH_MAX];
        if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
                int fd = open(path, O_WRONLY | O_APPEND | O_NOCTTY | O_CLOEXEC);
                if (fd < 0)
                        return -errno;
                close(fd);
                return 0;
        }
        if (stat(path, &st) == 0)
                snprintf(probe, sizeof(probe), "%s/.scm-try-write.%d", path, (int)getpid());
        else
                snprintf(probe, sizeof(probe), "%s", path);
        int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        close(fd);
        unlink(probe);
        return 0;
}

/* Reads the file at path (with a leading $CREDENTIALS_DIRECTORY expanded)
 * and reports its bytes in hex, or why it could not. */
static void report_read(report_fn *report, const char *path) {
        static const char var[] = "$CREDENTIALS_DIRECTORY";
        char full[PATH_MAX];
        const char *dir = getenv("CREDENTIALS_DIRECTORY");
        if (strncmp(path, var, sizeof(var) - 1) == 0)
                snprintf(full, sizeof(full), "%s%s", dir ? dir : "(unset)", path + sizeof(var) - 1);
        else
                snprintf(full, sizeof(full), "%s", path);
        int fd = open(full, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
                report("read:%s=%s", path, errno_name(errno));
                return;
        }
        unsigned char buf[4096];
        char hex[2 * sizeof(buf) + 1] = "";
        ssize_t n = read(fd, buf, sizeof(buf));
        int e = errno;
        close(fd);
        if (n < 0) {
                report("read:%s=%s", path, errno_name(e));
                return;
        }
        for (ssize_t i = 0; i < n; i++)
                snprintf(hex + 2 * i, 3, "%02x", buf[i]);
        report("read:%s=hex:%s", path, hex);
}

static int can_bind(long port) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        int r = bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static int can_bind6(long port) {
        int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
        int r = bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
        close(fd);
        return r;
}

/* A TCP connect to "A.B.C.D:PORT" or "[V6]:PORT", waited for 2 s. */
static int can_connect(const char *target) {
        struct sockaddr_storage ss = {0};
        socklen_t len;
        char host[64];
        const char *colon = strrchr(target, ':');
        if (!colon || (size_t)(colon - target) >= sizeof(host))
                return EINVAL;
        snprintf(host, sizeof(host), "%.*s", (int)(colon - target), target);
        uint16_t port = htons((uint16_t)atoi(colon + 1));
        if (host[0] == '[') {
                struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
                host[strlen(host) - 1] = '\0';
                if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
                        return EINVAL;
                a->sin6_family = AF_INET6, a->sin6_port = port, len = sizeof(*a);
        } else {
                struct sockaddr_in *a = (struct sockaddr_in *)&ss;
                if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
                        return EINVAL;
                a->sin_family = AF_INET, a->sin_port = port, len = sizeof(*a);
        }
        int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        int r = connect(fd, (struct sockaddr *)&ss, len) < 0 ? errno : 0;
        if (r == EINPROGRESS) {
                struct pollfd p = {fd, POLLOUT, 0};
                socklen_t rl = sizeof(r);
                if (poll(&p, 1, 2000) <= 0)
                        r = ETIMEDOUT;
                else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &r, &rl) < 0)
                        r = errno;
        }
        close(fd);
        return r;
}

/* Detaching the egress programs of its own cgroup, as a service that
 * wanted its network rules gone would. */
static int can_detach(void) {
        char line[512], path[600];
        FILE *f = fopen("/proc/self/cgroup", "re");
        const char *rel = NULL;
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "0::", 3) == 0) {
                        line[strcspn(line, "\n")] = '\0';
                        rel = line + 3;
                        break;
                }
        if (f)
                fclose(f);
        if (!rel)
                return ENOENT;
        snprintf(path, sizeof(path), "/sys/fs/cgroup/unified%s", rel);
        int cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cg < 0) {
                snprintf(path, sizeof(path), "/sys/fs/cgroup%s", rel);
                cg = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        }
        if (cg < 0)
                return errno;
        union bpf_attr a;
        memset(&a, 0, sizeof(a));
        a.target_fd = (uint32_t)cg;
        a.attach_type = BPF_CGROUP_INET_EGRESS;
        int r = syscall(__NR_bpf, BPF_PROG_DETACH, &a, sizeof(a)) < 0 ? errno : 0;
        close(cg);
        return r;
}

/* Each probe runs in a child of its own, so that one that succeeds (a
 * setuid) changes nothing for the service; it returns 0 or an errno. */
static int probe_chown(void) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/.scm-try-chown.%d", (int)getpid());
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0)
                return errno;
        /* Giving a file away needs CAP_CHOWN, whoever owns it. */
        int r = fchown(fd, getuid() == 0 ? 1 : 0, (gid_t)-1) < 0 ? errno : 0;
        close(fd);
        unlink(path);
        return r;
}

static int probe_kill_init(void) {
        return kill(1, 0) < 0 ? errno : 0;
}

static int probe_setuid(void) {
        uid_t to = getuid() == 0 ? 65534 : 0;
        return setresuid(to, to, to) < 0 ? errno : 0;
}

static int probe_sethostname(void) {
        char host[HOST_NAME_MAX + 1] = "";
        gethostname(host, sizeof(host) - 1);
        return sethostname(host, strlen(host)) < 0 ? errno : 0;
}

static int in_child(int (*probe)(void)) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                _exit(probe());
        int status;
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
}

static void report_privileged(report_fn *report) {
        report("chown=%s", result(in_child(probe_chown)));
        report("kill-init=%s", result(in_child(probe_kill_init)));
        report("setuid=%s", result(in_child(probe_setuid)));
        report("sethostname=%s", result(in_child(probe_sethostname)));
}

void security_modes_run(report_fn *report) {
        if (report_security) {
                report_status_lines(report);
                report_keyring(report);
                report_network(report);
        }
        for (int i = 0; i < n_try_write; i++)
                report("write:%s=%s", try_write[i], result(can_write(try_write[i])));
        for (int i = 0; i < n_try_read; i++)
                report_read(report, try_read[i]);
        for (int i = 0; i < n_try_bind; i++)
                report("bind:%ld=%s", try_bind[i], result(can_bind(try_bind[i])));
        for (int i = 0; i < n_try_bind6; i++)
                report("bind6:%ld=%s", try_bind6[i], result(can_bind6(try_bind6[i])));
        for (int i = 0; i < n_try_connect; i++)
                report("connect:%s=%s", try_connect[i], result(can_connect(try_connect[i])));
        if (try_detach)
                report("detach=%s", result(can_detach()));
        if (try_privileged)
                report_privileged(report);
}
