/* SPDX-License-Identifier: MIT */
/*
 * A service's private view of the filesystem: a mount namespace of its own
 * (unshare(CLONE_NEWNS), every mount made a slave so nothing leaks back to
 * the host), in which, as its configuration asks (fence_config.h):
 *
 *   private_tmp       a fresh tmpfs on /tmp and on /var/tmp: nobody else
 *                     sees its files, and they go with the namespace when
 *                     the service's last process ends (scmd's run folder,
 *                     when it is below, is carried over: the sd_notify
 *                     socket must stay reachable);
 *   private_devices   a tmpfs on /dev holding only null, zero, full,
 *                     random, urandom and tty, with shm and the fd links,
 *                     a devpts of its own on /dev/pts (ptmx beside it: its
 *                     ptys are its own), and the host's /dev/log when
 *                     there is one (a link copied, a socket bound), so
 *                     syslog() still reaches the system log;
 *   protect_home      yes: an empty read-only tmpfs on /home, /root and
 *                     /run/user; read-only; tmpfs: an empty writable one;
 *   protect_system    yes: /usr, /boot and /efi read-only; full: /etc too;
 *                     strict: every mount read-only but /dev, /proc, /sys,
 *                     /run, /tmp and /var/tmp.
 *
 * Read-only is set per mount with mount_setattr(MOUNT_ATTR_RDONLY), which
 * changes that one flag and keeps nosuid, nodev and the others (a remount
 * would have to restate them all); each mount below a protected folder is
 * done, so a file system mounted under /usr is read-only too.
 *
 * It runs in the child before the account switch (it needs CAP_SYS_ADMIN),
 * so in user mode, without that capability, a fenced service cannot start:
 * the spawn report says so.  It complements Landlock (sandbox.c): Landlock
 * restricts one account's writes, this works for any account, root too.
 */
#include "fences.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "fence_config.h"

#define MAX_PATHS 8

struct path_set {
        const char *path[MAX_PATHS];
        size_t n;
};

static void add(struct path_set *s, const char *p) {
        if (s->n < MAX_PATHS)
                s->path[s->n++] = p;
}

static bool exists(const char *p) {
        struct stat st;
        return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* path is root or below it. */
static bool under(const char *path, const char *root) {
        size_t n = strlen(root);
        if (strcmp(root, "/") == 0)
                return true;
        return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool under_any(const char *path, const struct path_set *s) {
        for (size_t i = 0; i < s->n; i++)
                if (under(path, s->path[i]))
                        return true;
        return false;
}

static int mount_tmpfs(const char *where, unsigned long flags, const char *options) {
        if (!exists(where))
                return 0;
        return mount("tmpfs", where, "tmpfs", flags, options) < 0 ? -errno : 0;
}

/* One mount read-only, its other flags kept. */
static int set_read_only(const char *mnt) {
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
        if (syscall(SYS_mount_setattr, AT_FDCWD, mnt, 0, &attr, sizeof(attr)) == 0)
                return 0;
        if (errno != ENOSYS)
                return errno == ENOENT ? 0 : -errno;
        /* Before 5.12: a bind remount, restating the flags it has. */
        struct statvfs sv;
        if (statvfs(mnt, &sv) < 0)
                return -errno;
        unsigned long keep = (sv.f_flag & ST_NOSUID ? MS_NOSUID : 0) |
                             (sv.f_flag & ST_NODEV ? MS_NODEV : 0) |
                             (sv.f_flag & ST_NOEXEC ? MS_NOEXEC : 0);
        return mount(NULL, mnt, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL) < 0 ? -errno
                                                                                         : 0;
}

/* mountinfo's octal escapes (\040 for a space) undone in place. */
static void unescape(char *s) {
        char *o = s;
        for (char *p = s; *p; p++) {
                if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] && p[3]) {
                        *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
                        p += 3;
                } else {
                        *o++ = *p;
                }
        }
        *o = '\0';
}

/* Every mount under one of roots and under none of keep: read-only.  Each
 * root and each kept folder is bound onto itself first, so that it is a
 * mount of its own whatever the host's layout. */
static int make_read_only(const struct path_set *roots, const struct path_set *keep) {
        for (size_t i = 0; i < keep->n; i++)
                if (exists(keep->path[i]) &&
                    mount(keep->path[i], keep->path[i], NULL, MS_BIND | MS_REC, NULL) < 0)
                        return -errno;
        for (size_t i = 0; i < roots->n; i++)
                if (strcmp(roots->path[i], "/") != 0 && exists(roots->path[i]) &&
                    mount(roots->path[i], roots->path[i], NULL, MS_BIND | MS_REC, NULL) < 0)
                        return -errno;
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        char *line = NULL;
        size_t cap = 0;
        int r = 0;
        while (r == 0 && getline(&line, &cap, f) > 0) {
                char mnt[4096];
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
                        continue;
                unescape(mnt);
                if (under_any(mnt, roots) && !under_any(mnt, keep))
                        r = set_read_only(mnt);
        }
        free(line);
        return r;
}

/* The host's /dev/log in the new /dev: the same link, or the socket
 * (logfd, opened before /dev was covered) bound on an empty file.  Best
 * effort: a service without it only loses syslog(). */
static void carry_dev_log(const char *link, int logfd) {
        if (link[0]) {
                (void)!symlink(link, "/dev/log");
                return;
        }
        if (logfd < 0)
                return;
        char from[40];
        snprintf(from, sizeof(from), "/proc/self/fd/%d", logfd);
        int fd = open("/dev/log", O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
        if (fd >= 0) {
                close(fd);
                if (mount(from, "/dev/log", NULL, MS_BIND, NULL) < 0)
                        unlink("/dev/log");
        }
}

static int private_pts(void) {
        if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=0620") < 0)
                return -errno;
        return symlink("pts/ptmx", "/dev/ptmx") < 0 ? -errno : 0;
}

static int private_dev(void) {
        static const struct {
                const char *name;
                unsigned major, minor;
        } nodes[] = {
                {"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
        };
        static const char *const links[][2] = {
                {"/proc/self/fd", "/dev/fd"},
                {"/proc/self/fd/0", "/dev/stdin"},
                {"/proc/self/fd/1", "/dev/stdout"},
                {"/proc/self/fd/2", "/dev/stderr"},
        };
        char log_link[256];
        ssize_t n = readlink("/dev/log", log_link, sizeof(log_link) - 1);
        log_link[n > 0 ? n : 0] = '\0';
        int logfd = n > 0 ? -1 : open("/dev/log", O_PATH | O_CLOEXEC);
        if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0) {
                if (logfd >= 0)
                        close(logfd);
                return -errno;
        }
        mode_t old = umask(0);
        int r = 0;
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(nodes); i++) {
                char path[32];
                snprintf(path, sizeof(path), "/dev/%s", nodes[i].name);
                if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0)
                        r = -errno;
        }
        for (size_t i = 0; r == 0 && i < ELEMENTSOF(links); i++)
                if (symlink(links[i][0], links[i][1]) < 0)
                        r = -errno;
        if (r == 0 && (mkdir("/dev/shm", 01777) < 0 || mkdir("/dev/pts", 0755) < 0))
                r = -errno;
        if (r == 0)
                carry_dev_log(log_link, logfd);
        umask(old);
        if (logfd >= 0)
                close(logfd);
        if (r == 0)
                r = private_pts();
        return r < 0 ? r : mount_tmpfs("/dev/shm", MS_NOSUID | MS_NODEV, "mode=1777");
}

static int protect_home(enum protect_home how, struct path_set *roots) {
        static const char *const homes[] = {"/home", "/root", "/run/user"};
        for (size_t i = 0; i < ELEMENTSOF(homes); i++) {
                int r = 0;
                if (how == PROTECT_HOME_READ_ONLY)
                        add(roots, homes[i]);
                else if (how == PROTECT_HOME_TMPFS)
                        r = mount_tmpfs(homes[i], MS_NOSUID | MS_NODEV, "mode=0755");
                else if (how == PROTECT_HOME_YES)
                        r = mount_tmpfs(homes[i], MS_NOSUID | MS_NODEV | MS_RDONLY, "mode=0755");
                if (r < 0)
                        return r;
        }
        return 0;
}

#define FOLDERS_MAX 16

/* The folders of path below where, as they are on the host: each one's
 * length in path, mode and owner, to make them again as they were. */
struct folder_chain {
        size_t n;
        size_t len[FOLDERS_MAX];
        struct stat st[FOLDERS_MAX];
};

static int read_chain(const char *where, const char *path, struct folder_chain *c) {
        char buf[4096];
        if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
                return -ENAMETOOLONG;
        c->n = 0;
        for (size_t i = strlen(where) + 1; c->n < FOLDERS_MAX; i++) {
                if (buf[i] != '/' && buf[i] != '\0')
                        continue;
                char saved = buf[i];
                buf[i] = '\0';
                if (stat(buf, &c->st[c->n]) < 0)
                        return -errno;
                c->len[c->n++] = i;
                if (saved == '\0')
                        return 0;
                buf[i] = saved;
        }
        return -ENAMETOOLONG;
}

/* Makes the folders of c again, with their modes and owners. */
static int make_chain(const char *path, const struct folder_chain *c) {
        char buf[4096];
        snprintf(buf, sizeof(buf), "%s", path);
        for (size_t k = 0; k < c->n; k++) {
                char saved = buf[c->len[k]];
                buf[c->len[k]] = '\0';
                if ((mkdir(buf, 0700) < 0 && errno != EEXIST) ||
                    chown(buf, c->st[k].st_uid, c->st[k].st_gid) < 0 ||
                    chmod(buf, c->st[k].st_mode & 07777) < 0)
                        return -errno;
                buf[c->len[k]] = saved;
        }
        return 0;
}

/* A fresh tmpfs on where, with keep (when it is below where) carried over:
 * cloned before, its folders made again as they were, and moved back in
 * after (open_tree, move_mount). */
static int private_tmpfs(const char *where, const char *keep) {
        if (!exists(where))
                return 0;
        int tree = -1;
        struct folder_chain chain = {0};
        if (keep && under(keep, where) && strcmp(keep, where) != 0 && exists(keep)) {
                int r = read_chain(where, keep, &chain);
                if (r < 0)
                        return r;
                tree = (int)syscall(SYS_open_tree, AT_FDCWD, keep,
                                    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
                if (tree < 0)
                        return -errno;
        }
        int r = mount_tmpfs(where, MS_NOSUID | MS_NODEV, "mode=1777");
        if (r == 0 && tree >= 0)
                r = make_chain(keep, &chain);
        if (r == 0 && tree >= 0 &&
            syscall(SYS_move_mount, tree, "", AT_FDCWD, keep, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                r = -errno;
        if (tree >= 0)
                close(tree);
        return r;
}

int fences_enter(const struct service_fences *f, const char *keep) {
        if (!service_fences_any(f))
                return 0;
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
                return -errno;
        int r = 0;
        if (f->private_tmp) {
                r = private_tmpfs("/tmp", keep);
                if (r == 0)
                        r = private_tmpfs("/var/tmp", keep);
        }
        if (r == 0 && f->private_devices)
                r = private_dev();
        struct path_set roots = {0}, kept = {0};
        if (r == 0)
                r = protect_home(f->protect_home, &roots);
        if (r < 0)
                return r;
        switch (f->protect_system) {
        case PROTECT_SYSTEM_STRICT:
                add(&roots, "/");
                add(&kept, "/dev");
                add(&kept, "/proc");
                add(&kept, "/sys");
                add(&kept, "/run");
                add(&kept, "/tmp");
                add(&kept, "/var/tmp");
                break;
        case PROTECT_SYSTEM_FULL:
                add(&roots, "/etc");
                __attribute__((fallthrough));
        case PROTECT_SYSTEM_YES:
                add(&roots, "/usr");
                add(&roots, "/boot");
                add(&roots, "/efi");
                break;
        default:
                break;
        }
        return roots.n ? make_read_only(&roots, &kept) : 0;
}
