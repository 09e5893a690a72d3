#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A forking service whose start is under way when scmd goes
# (docs/architecture.md, "Surviving a crash of scmd"): its daemon is taken
# back, not swept as left over and counted a failure.
#   - The program still runs (it sleeps before it forks) when scmd is
#     killed, or re-executes: the next scmd takes the program back and,
#     when it ends, finds its daemon from its PID file.
#   - The program has ended, leaving its daemon, while scmd was stopped
#     (SIGSTOP) and then killed: the next scmd finds the daemon in the
#     service's cgroup (the one process left) and takes it back.
# Facts from outside: the daemon's own report (the test helper's pid), the
# service's state and pid, one daemon only, and the daemon ending at stop.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sh_cmd() {
        cmdline /bin/sh -c "$1"
}

crash_scmd() {
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
}

daemons_of() { # NAME: how many helpers report to NAME's report
        pgrep -cf -- "$(report_path "$1")" || true
}

taken_back() { # NAME: running, its pid the daemon's, one daemon
        local name=$1
        wait_state "$name" running 20 || return
        wait_report "$name" ready=1 || return
        assert_eq "$name's pid is its daemon's" "$(status_field "$name" pid)" "$(report_get "$name" pid)"
        assert_eq "...one daemon runs" 1 "$(daemons_of "$name")"
        assert_eq "...and the start was no failure" 0 "$(status_field "$name" win32_exit_code)"
        assert_sc_ok "stop $name" stop "$name" --wait
        check "...its daemon got the stop" report_has "$name" signal=TERM
}

# The program sleeps, then forks the daemon and writes its PID file.
slow_program() {
        local name=$1
        sc create "$name" --kind forking --pid-file "$D/$name.pid" \
                --exec "$(sh_cmd "sleep 2; $(helper_cmdline "$name") & echo \$! >$D/$name.pid; exit 0")" \
                >/dev/null
}

test_crash_while_program_runs() {
        daemon_start || return
        slow_program fa || return
        sc start fa >/dev/null 2>&1 &
        wait_state fa start-pending 10 || return
        crash_scmd
        daemon_start || return
        check "the next scmd takes the program back" grep -qF "service fa: took back pid" "$D/scmd.stderr"
        taken_back fa
        check "...and said it looked for the daemon" grep -qF "looking for the daemon it left" "$D/scmd.stderr"
}

test_reexec_while_program_runs() {
        daemon_start || return
        slow_program fb || return
        sc start fb >/dev/null 2>&1 &
        wait_state fb start-pending 10 || return
        assert_sc_ok "daemon-reexec" daemon-reexec
        taken_back fb
}

test_program_ended_while_down() {
        daemon_start || return
        sc create fc --kind forking \
                --exec "$(sh_cmd "sleep 1; $(helper_cmdline fc) & exit 0")" >/dev/null
        sc start fc >/dev/null 2>&1 &
        wait_state fc start-pending 10 || return
        kill -STOP "$SCMD_PID"
        wait_report fc ready=1 || { kill -CONT "$SCMD_PID"; return; }
        sleep 0.5 # the program has exited by now: it only forks and exits
        crash_scmd
        daemon_start || return
        check "the next scmd finds the daemon the program left" grep -qF "leaving its daemon" "$D/scmd.stderr"
        taken_back fc
}

run_test test_crash_while_program_runs
run_test test_reexec_while_program_runs
run_test test_program_ended_while_down
finish
