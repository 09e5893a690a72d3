#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A crash of scmd costs its services nothing (docs/architecture.md,
# "Surviving a crash of scmd"): after kill -9 of scmd the next scmd takes
# back every service process that still runs (plain, notify, native, a
# shared process, one with a grandchild), with the same pids, each
# stoppable, its output going on into its log and its controls reaching its
# handler; one that ended meanwhile is a failure (PROCESS_ABORTED) and its
# failure actions run; a pid that is not the recorded process is never
# taken.  Facts come from /proc, the cgroup files, the services' own
# reports and their logs.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# crash_scmd: kill -9 of scmd, waited for.
crash_scmd() {
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
}

# How many live processes have $1 in their command line.
processes_with() {
        local f n=0
        for f in /proc/[0-9]*/cmdline; do
                tr '\0' ' ' <"$f" 2>/dev/null | grep -qF -- "$1" && proc_alive "$(basename "$(dirname "$f")")" && n=$((n + 1))
        done
        echo "$n"
}

log_lines() {
        wc -l <"$D/log/$1.log" 2>/dev/null || echo 0
}

log_grew_past() {
        [ "$(log_lines "$1")" -gt "$2" ]
}

with_cgroups() {
        is_root && cgroup2_mount >/dev/null
}

test_plain_adopted() {
        daemon_start || return
        create_helper p --print-every 50 --print tick --spawn-grandchild || return
        start_helper p || return
        local pid gc holder
        pid=$(report_get p pid)
        gc=$(report_get p grandchild)
        holder=$(holder_pid)
        check "a descriptor holder runs beside scmd" test -n "$holder"
        crash_scmd
        check "p ($pid) runs on while scmd is down" proc_alive "$pid"
        # Down for a while: the helper writes every 50 ms, into a pipe that
        # only the holder reads from now (a broken pipe would kill it).
        sleep 1
        check "...still, after 1 s of output with scmd down (no SIGPIPE)" proc_alive "$pid"
        daemon_start || return
        assert_eq "p is running" running "$(status_field p state)"
        assert_eq "...with the same pid" "$pid" "$(status_field p pid)"
        check "the holder is the same process" test "$(holder_pid)" = "$holder"
        check "scmd says it took p back" grep -q "service p: took back pid $pid" "$D/scmd.stderr"
        local n
        n=$(log_lines p)
        wait_until 10 "p's log grows after the restart" log_grew_past p "$n" &&
                tap_ok "p's output goes on into its log"
        if with_cgroups; then
                check "its grandchild $gc runs" proc_alive "$gc"
        else
                tap_skip "its grandchild runs (cgroups)" "not root or no cgroup v2"
        fi
        assert_sc_ok "p is stoppable" stop p --wait
        wait_until 10 "pid $pid is gone" proc_gone "$pid" && tap_ok "p's process is gone"
        if with_cgroups; then
                wait_until 10 "the grandchild $gc is gone" proc_gone "$gc" &&
                        tap_ok "...and its grandchild: the whole tree is contained"
        else
                tap_skip "...and its grandchild (cgroups)" "not root or no cgroup v2"
        fi
        assert_sc_ok "p starts again" start p --wait
        assert_ne "...as a new process" "$pid" "$(status_field p pid)"
        daemon_stop
        check "a clean stop of scmd ends the holder too" poll_until 10 proc_gone "$holder"
}

# Twice in a row, and a reused pid number is never taken for the service.
test_adopted_twice() {
        daemon_start || return
        create_helper t || return
        start_helper t || return
        local pid
        pid=$(report_get t pid)
        crash_scmd
        daemon_start || return
        crash_scmd
        daemon_start || return
        assert_eq "after two crashes t runs with the same pid" "$pid" "$(status_field t pid)"
        run_sc --json queryex t
        assert_eq "...and is running" running "$(json_get "$OUT" state)"
        local pids
        pids=$(processes_with "--report $(report_path t)")
        assert_eq "one process of t, never two" 1 "$pids"
        assert_sc_ok "t stops" stop t --wait
}

pidfd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'anon_inode:*pidfd*' | wc -l; }

# Taken back after a crash, a process is not scmd's child (its parent was
# the scmd that died): no SIGCHLD tells of its end, so scmd watches it
# through a pidfd, and sees it end.  A process the new scmd starts is its
# child, watched without one.
test_adopted_ends_after() {
        daemon_start || return
        create_helper e || return
        start_helper e || return
        local pid
        pid=$(report_get e pid)
        crash_scmd
        daemon_start || return
        assert_eq "e runs with the same pid" "$pid" "$(status_field e pid)"
        check "...not scmd's child" test "$(proc_ppid "$pid")" != "$SCMD_PID"
        assert_eq "scmd holds one pidfd, for e" 1 "$(pidfd_count "$SCMD_PID")"
        create_helper f || return
        start_helper f || return
        assert_eq "...and none for f, its own child" 1 "$(pidfd_count "$SCMD_PID")"
        kill -KILL "$pid"
        wait_state e stopped 10 && tap_ok "e's end, killed from outside, is seen: e is stopped"
        assert_eq "...and its pidfd is closed" 0 "$(pidfd_count "$SCMD_PID")"
        kill -KILL "$(report_get f pid)"
        wait_state f stopped 10 && tap_ok "f's end is seen through SIGCHLD: f is stopped"
}

test_died_while_down() {
        daemon_start || return
        create_helper d || return
        start_helper d || return
        assert_sc_ok "failure d: restart/0" failure d --reset 60 --actions restart/0
        local pid
        pid=$(report_get d pid)
        crash_scmd
        kill -KILL "$pid"
        wait_until 10 "d's pid $pid has ended" bash -c '! grep -q "^State:.*[RS]" /proc/$1/status 2>/dev/null' _ "$pid" || return
        daemon_start || return
        check "scmd says d ended while it was down" grep -q "service d: its process ended while scmd was down" "$D/scmd.stderr"
        check "...a failure (PROCESS_ABORTED)" grep -q "service d: running -> stopped (PROCESS_ABORTED)" "$D/scmd.stderr"
        wait_until 10 "the failure action started d again" bash -c '[ "$(grep -c "^pid=" "$1")" -ge 2 ]' _ "$(report_path d)" || return
        tap_ok "its failure action (restart) ran"
        wait_state d running 10
        assert_ne "...with a new pid" "$pid" "$(status_field d pid)"
        assert_sc_ok "d stops" stop d --wait
}

qf() {
        local out
        out=$(sc --json qfailure "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

starts() {
        report_all "$1" pid | wc -l
}

# The failure count and its reset-period clock survive a crash of scmd:
# failure 1 restarts, failure 2 (after the crash) does nothing.
test_failure_count_persists() {
        daemon_start || return
        create_helper f || return
        assert_sc_ok "failure f: restart/0 then none, reset 600 s" failure f --reset 600 \
                --actions restart/0/none/0
        start_helper f || return
        kill -KILL "$(report_get f pid)"
        wait_until 10 "f was restarted after failure 1" bash -c '[ "$(grep -c "^pid=" "$1")" -ge 2 ]' _ "$(report_path f)" || return
        wait_state f running 10 || return
        assert_eq "qfailure: 1 failure" 1 "$(qf f failure_count)"
        crash_scmd
        daemon_start || return
        assert_eq "after the crash of scmd qfailure still counts 1" 1 "$(qf f failure_count)"
        local pid
        pid=$(status_field f pid)
        kill -KILL "$pid"
        wait_state f stopped 10 || return
        assert_eq "failure 2 is counted as the second" 2 "$(qf f failure_count)"
        poll_until 2 bash -c '[ "$(grep -c "^pid=" "$1")" -ge 3 ]' _ "$(report_path f)"
        assert_eq "...so its action (none) ran: f was not restarted" 2 "$(starts f)"
}

n_not_running() {
        ! state_is n running
}

test_notify_adopted() {
        daemon_start || return
        create_helper n --notify-ready-after 0 --notify-watchdog-for 600000 \
                -- --kind notify --control-timeout 3000 --watchdog 3000 || return
        run_sc start n --wait
        assert_rc "start n --wait" 0
        local pid
        pid=$(report_get n pid)
        crash_scmd
        daemon_start || return
        assert_eq "n runs with the same pid" "$pid" "$(status_field n pid)"
        # Its watchdog pings are heard from the new scmd: 2 periods pass
        # and it is not killed for a missed one.
        if poll_until 7 n_not_running; then
                tap_not_ok "n's WATCHDOG=1 messages are heard after the restart" "$(scmd_log)"
        else
                tap_ok "n's WATCHDOG=1 messages are heard after the restart (not killed in 7 s)"
        fi
        check "...so it is still the same process" proc_alive "$pid"
        assert_sc_ok "n stops" stop n --wait
        wait_until 10 "pid $pid is gone" proc_gone "$pid" && tap_ok "n's process is gone"
}

test_native_adopted() {
        daemon_start || return
        create_native life --accept stop,pause -- --control-timeout 5000 || return
        start_native life || return
        local pid
        pid=$(report_get life pid)
        crash_scmd
        daemon_start || return
        assert_eq "life runs with the same pid" "$pid" "$(status_field life pid)"
        run_sc --json pause life --wait
        assert_rc "pause life --wait, through the new scmd" 0
        check "the handler received pause (2)" report_has life control=2
        assert_sc_ok "continue life" continue life --wait
        check "...and continue (3)" report_has life control=3
        assert_sc_ok "life stops" stop life --wait
        check "...its handler got the stop (1)" report_has life control=1
        wait_until 10 "pid $pid is gone" proc_gone "$pid" && tap_ok "life's process is gone"
}

test_shared_adopted() {
        daemon_start || return
        local host
        host=$(cmdline "$NATIVE" --report "$(report_path host)" --services a,b)
        assert_sc_ok "create a" create a --type share --kind native --exec "$host"
        assert_sc_ok "create b" create b --type share --kind native --exec "$host"
        assert_sc_ok "start a" start a --wait
        assert_sc_ok "start b" start b --wait
        wait_report host "b:running=1" 10 || return
        local pid
        pid=$(report_get host pid)
        crash_scmd
        daemon_start || return
        assert_eq "a runs in the same process" "$pid" "$(status_field a pid)"
        assert_eq "...b too" "$pid" "$(status_field b pid)"
        assert_sc_ok "b stops (a goes on)" stop b --wait
        check "...the process goes on for a" proc_alive "$pid"
        assert_sc_ok "a stops" stop a --wait
        wait_until 10 "pid $pid is gone" proc_gone "$pid" && tap_ok "the shared process is gone"
}

# Without cgroups (an unprivileged scmd), a process is known again by its
# pid and start time alone; its tree is held by its process group.
test_no_cgroups_note() {
        if with_cgroups; then
                tap_ok "with cgroups: the recorded folder is checked too (the tests above)"
        else
                tap_skip "the recorded cgroup folder is checked" "not root or no cgroup v2"
        fi
}

run_test test_plain_adopted
run_test test_adopted_twice
run_test test_adopted_ends_after
run_test test_died_while_down
run_test test_failure_count_persists
run_test test_notify_adopted
run_test test_native_adopted
run_test test_shared_adopted
run_test test_no_cgroups_note
finish
