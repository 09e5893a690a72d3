/* SPDX-License-Identifier: MIT */
/*
 * How far this boot's delayed-auto step got, kept in the database
 * (boot_progress, migration 18), so that a crash or re-exec of scmd
 * neither repeats the step nor restarts its delay.  Without it the next
 * scmd ran the whole step again after the full delay, and started every
 * delayed-auto service an administrator had stopped since.
 *
 * "This boot" is the kernel's (/proc/sys/kernel/random/boot_id): after a
 * reboot the record is another boot's and the step is planned anew.  In
 * the same boot the next scmd finds the step waiting (it keeps its due
 * time, or runs at once when that has passed), begun but not finished
 * (it runs again at once: a service already running is left alone), or
 * finished (nothing is done).  An orderly shutdown, or a roll back to the
 * last known good configuration, forgets the record: the next round is a
 * new boot of the services.  Each state is written before the step acts
 * on it; a write that fails is logged and the step goes on as before.
 */
#include "boot_progress.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "manager.h"

static int64_t wall_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void this_boot(char *id, size_t size) {
        id[0] = '\0';
        int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, id, size - 1);
        if (fd >= 0)
                close(fd);
        id[n > 0 ? n : 0] = '\0';
        id[strcspn(id, "\n")] = '\0';
}

static void save(struct manager *m, const struct db_boot_progress *p) {
        int r = db_boot_progress_save(m->db, p);
        if (r < 0)
                log_warning("boot: cannot record the delayed-auto step's progress: %s; a crash "
                            "of scmd now would run the step again",
                            strerror(-r));
}

static void set_state(struct manager *m, int state) {
        struct db_boot_progress p;
        if (db_boot_progress_load(m->db, &p) <= 0)
                return;
        p.delayed_state = state;
        save(m, &p);
}

enum delayed_plan boot_progress_plan(struct manager *m, int64_t delay_ms, int64_t *ret_due_ms) {
        struct db_boot_progress p, now = {.delayed_due_ms = wall_ms() + delay_ms};
        this_boot(now.boot_id, sizeof(now.boot_id));
        if (now.boot_id[0] && db_boot_progress_load(m->db, &p) > 0 &&
            strcmp(p.boot_id, now.boot_id) == 0) {
                *ret_due_ms = p.delayed_due_ms;
                if (p.delayed_state == 2)
                        return DELAYED_DONE;
                return p.delayed_state == 1 ? DELAYED_NOW : DELAYED_KEPT;
        }
        save(m, &now);
        *ret_due_ms = now.delayed_due_ms;
        return DELAYED_NEW;
}

void boot_progress_began(struct manager *m) {
        set_state(m, 1);
}

void boot_progress_finished(struct manager *m) {
        set_state(m, 2);
}

void boot_progress_forget(struct manager *m) {
        int r = db_boot_progress_delete(m->db);
        if (r < 0)
                log_warning("boot: cannot forget the delayed-auto step's progress: %s",
                            strerror(-r));
}
