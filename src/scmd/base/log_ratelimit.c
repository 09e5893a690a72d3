/* SPDX-License-Identifier: MIT */
/*
 * A limit on one source's warnings (log.h): a service flooding scmd with
 * bad packets must not flood scmd's log.  LOG_BURST warnings a window,
 * then silence with a count, which the next window's first warning
 * precedes with one line.
 */
#include <limits.h>

#include "log.h"
#include "loop.h"

bool log_ratelimit_pass(struct log_ratelimit *rl, const char *source) {
        unsigned suppressed = rl->suppressed;
        usec_t window = rl->window_start_us;
        bool pass = ratelimit_take(rl, LOG_BURST, LOG_WINDOW_SEC);
        if (rl->window_start_us != window && suppressed) /* a new window: say what the last hid */
                log_warning("%s: %u more warnings were not logged in %d s", source, suppressed,
                            LOG_WINDOW_SEC);
        return pass;
}

bool ratelimit_take(struct log_ratelimit *rl, unsigned burst, unsigned window_sec) {
        usec_t now = now_usec();
        if (!rl->window_start_us || now - rl->window_start_us >= window_sec * USEC_PER_SEC) {
                rl->window_start_us = now;
                rl->shown = 0;
                rl->suppressed = 0;
        }
        if (rl->shown < burst) {
                rl->shown++;
                return true;
        }
        if (rl->suppressed < UINT_MAX)
                rl->suppressed++;
        return false;
}
