#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The boot sequence (docs/architecture.md, "Start-up order"): auto-start,
# then after --delayed-auto-delay the delayed-auto services at the lowest
# CPU priority until they report RUNNING; a start by hand before that runs
# at once at normal priority; `scctl query --boot` says where the boot is.
# Priorities are read from /proc/PID/task/TID/stat (nice and policy), for
# every thread of the service, never taken from scmd's word.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCHED_OTHER=0
SCHED_IDLE=5

# "NICE POLICY" of the task whose stat file is $1 (proc(5): fields 19 and 41).
task_priority() {
        local stat
        stat=$(cat "$1" 2>/dev/null) || return 1
        stat=${stat##*) }
        # shellcheck disable=SC2086
        set -- $stat
        echo "${17} ${39}"
}

# threads_priority PID: "NICE POLICY" of each thread of PID, one a line.
threads_priority() {
        local f
        for f in /proc/"$1"/task/*/stat; do
                task_priority "$f"
        done
}

# every_thread_at PID NICE POLICY: PID exists and each of its threads has them.
every_thread_at() {
        local out
        out=$(threads_priority "$1") || return 1
        [ -n "$out" ] || return 1
        [ -z "$(grep -vxF "$2 $3" <<<"$out")" ]
}

# scmd's own nice: what a service goes back to.
scmd_nice() {
        local p
        p=$(task_priority "/proc/$SCMD_PID/stat") || return 1
        echo "${p%% *}"
}

boot_json() {
        sc --json query --boot 2>/dev/null
}

phase_is() {
        [ "$(json_get "$(boot_json)" phase)" = "$1" ]
}

# The boot sequence runs at start-up: make the services, then start scmd
# again with OPTIONS.
restart_daemon() {
        daemon_stop 30
        daemon_start "$@"
}

test_delayed_auto_low_priority_until_running() {
        daemon_start || return
        # Start-pending for about 2 s (5 checkpoints, 400 ms apart), with a
        # wait hint and control timeout generous enough for a SCHED_IDLE
        # process on a machine that is busy with everything else.
        create_native late --progress 5 --step 400 --wait-hint 120000 \
                -- --start delayed-auto --control-timeout 120000 || return
        create_helper early -- --start auto || return
        restart_daemon --delayed-auto-delay 1 || return
        wait_report early ready=1 15 || return
        tap_ok "the auto-start service started at boot"
        if ! wait_until 30 "late is start-pending" state_is late start-pending; then
                diag "$(scmd_log)"
                return
        fi
        local pid normal
        pid=$(status_field late pid)
        normal=$(scmd_nice)
        if ! is_root; then
                tap_skip "a delayed-auto start runs at nice 19 and SCHED_IDLE" "not root (no CAP_SYS_NICE to raise it back)"
        elif every_thread_at "$pid" 19 "$SCHED_IDLE"; then
                tap_ok "a delayed-auto start runs at nice 19 and SCHED_IDLE (every thread)"
        else
                tap_not_ok "a delayed-auto start runs at nice 19 and SCHED_IDLE" \
                        "threads (nice policy): $(threads_priority "$pid" | tr '\n' ';')"
        fi
        wait_state late running 150 || return
        if every_thread_at "$pid" "$normal" "$SCHED_OTHER"; then
                tap_ok "once RUNNING it is back to nice $normal and SCHED_OTHER (every thread)"
        else
                tap_not_ok "once RUNNING it is back to normal priority" \
                        "threads (nice policy): $(threads_priority "$pid" | tr '\n' ';')"
        fi
        if wait_until 15 "query --boot says done" phase_is done; then
                tap_ok "query --boot: done after the delayed-auto services"
        fi
}

test_delayed_auto_started_by_hand() {
        daemon_start || return
        create_native soon --progress 15 --step 200 --wait-hint 30000 -- --start delayed-auto || return
        restart_daemon --delayed-auto-delay 600 || return
        local out
        out=$(boot_json)
        assert_eq "query --boot: waiting for the delayed-auto services" waiting-for-delayed \
                "$(json_get "$out" phase)"
        assert_contains "...with soon among them" "$out" '"name":"soon"'
        assert_eq "...and soon not started" stopped "$(status_field soon state)"
        run_sc start soon
        assert_rc "start soon by hand" 0
        if ! wait_until 30 "soon is start-pending" state_is soon start-pending; then
                return
        fi
        local pid
        pid=$(status_field soon pid)
        if every_thread_at "$pid" "$(scmd_nice)" "$SCHED_OTHER"; then
                tap_ok "started by hand: at once, at normal priority"
        else
                tap_not_ok "started by hand: at normal priority" \
                        "threads (nice policy): $(threads_priority "$pid" | tr '\n' ';')"
        fi
        wait_state soon running 30
        assert_eq "the boot still waits for the delay" waiting-for-delayed \
                "$(json_get "$(boot_json)" phase)"
}

test_query_boot_text() {
        daemon_start --delayed-auto-delay 600 || return
        run_sc query --boot
        assert_rc "query --boot" 0
        assert_contains "...prints the phase" "$OUT" "waiting-for-delayed"
        assert_contains "...and when the delayed-auto services start" "$OUT" "DELAYED-AUTO"
        run_sc query --boot web
        assert_rc "query --boot takes no NAME" 2
}

run_test test_delayed_auto_low_priority_until_running
run_test test_delayed_auto_started_by_hand
run_test test_query_boot_text
finish
