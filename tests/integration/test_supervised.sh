#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scmd supervised (docs/architecture.md, "Surviving a crash of scmd"):
# - under a manager speaking sd_notify (Type=notify, WatchdogSec), scmd
#   says READY=1 once its socket accepts and WATCHDOG=1 from its loop.  The
#   manager here is scm itself: an outer scmd runs an inner one as a notify
#   service with a watchdog, and reports what it heard;
# - as PID 1 of a container (a PID namespace), scmd-init reaps and runs
#   scmd again after a kill -9, and the next scmd takes the services back:
#   the container does not end.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCMD_INIT=${SCMD_INIT:-$BUILD_DIR/scmd-init}

inner_sc() {
        "$SCCTL" --root "$D/inner" --timeout 10 "$@" >/dev/null
}

test_notify_and_watchdog() {
        daemon_start || return
        mkdir -p "$D/inner"
        assert_sc_ok "create inner (scmd as a notify service, watchdog 2 s)" create inner \
                --kind notify --control-timeout 20000 --watchdog 2000 \
                --exec "$(cmdline "$SCMD" --root "$D/inner" --foreground)"
        run_sc start inner --wait
        assert_rc "start inner --wait: it said READY=1" 0
        assert_eq "inner is running" running "$(status_field inner state)"
        check "...and its socket accepts" inner_sc query
        # Three watchdog periods: killed with 1053 if its pings were not heard.
        if poll_until 6 bash -c '! "$1" --root "$2" queryex inner | grep -q RUNNING' _ "$SCCTL" "$D"; then
                tap_not_ok "inner's WATCHDOG=1 keeps it running past 3 periods" "$(scmd_log)"
        else
                tap_ok "inner's WATCHDOG=1 keeps it running past 3 periods"
        fi
        assert_sc_ok "inner stops (its own shutdown sequence)" stop inner --wait
        run_sc --json query inner
        assert_eq "...cleanly (win32_exit_code 0)" 0 "$(json_get "$OUT" win32_exit_code)"
}

# The outer pid (seen from here) of the scmd for folder $1 (comm "scmd").
scmd_of() {
        local f pid
        for f in /proc/[0-9]*/comm; do
                [ "$(cat "$f" 2>/dev/null)" = scmd ] || continue
                pid=${f#/proc/}
                pid=${pid%/comm}
                tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--root $1 " && echo "$pid"
        done
}

# The first child of pid $1 (unshare's: the container's PID 1).
child_of() {
        local f pid
        for f in /proc/[0-9]*/stat; do
                pid=${f#/proc/}
                pid=${pid%/stat}
                [ "$(proc_ppid "$pid")" = "$1" ] && echo "$pid" && return
        done
}

scmd_answers() {
        "$SCCTL" --root "$D" --timeout 5 query >/dev/null 2>&1
}

new_scmd_answers() {
        local now
        now=$(scmd_of "$D")
        [ -n "$now" ] && [ "$now" != "$1" ] && "$SCCTL" --root "$D" --timeout 5 query >/dev/null 2>&1
}

test_pid1_container() {
        local name="scmd-init as PID 1: a crash of scmd does not end the container"
        if ! is_root || ! command -v unshare >/dev/null; then
                tap_skip "$name" "not root, or no unshare"
                return
        fi
        if [ ! -x "$SCMD_INIT" ]; then
                tap_not_ok "scmd-init is built" "$SCMD_INIT"
                return
        fi
        # Its own /proc too: scmd reads /proc by the pids it sees.
        unshare --pid --fork --mount-proc "$SCMD_INIT" "$SCMD" --root "$D" --foreground \
                </dev/null >>"$D/scmd.stdout" 2>>"$D/scmd.stderr" &
        local init_wrapper=$!
        wait_until 30 "scmd under scmd-init answers" scmd_answers || return
        create_helper c --print-every 100 --print tick || return
        start_helper c || return
        local pid first
        pid=$(report_get c pid)
        first=$(scmd_of "$D")
        check "scmd runs under scmd-init ($first)" test -n "$first"
        kill -KILL "$first"
        wait_until 30 "scmd-init ran scmd again" new_scmd_answers "$first" || return
        check "the container's PID 1 lives on" proc_alive "$init_wrapper"
        assert_eq "c runs with the same pid" "$pid" "$(status_field c pid)"
        assert_eq "...running" running "$(status_field c state)"
        check "scmd-init said it ran scmd again" grep -q "scmd-init: running scmd again" "$D/scmd.stderr"
        # SIGTERM to PID 1 (as a container runtime's stop): scmd's shutdown
        # sequence stops c, then the container ends.
        kill -TERM "$(child_of "$init_wrapper")"
        wait_until 60 "the container ends" proc_gone "$init_wrapper" && tap_ok "SIGTERM to scmd-init ends the container"
        wait "$init_wrapper" 2>/dev/null
        check "c was stopped by the shutdown sequence" report_has c signal=TERM
}

run_test test_notify_and_watchdog
run_test test_pid1_container
finish
