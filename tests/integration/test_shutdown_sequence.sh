#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The shutdown sequence (docs/architecture.md, "Shutdown"): PRESHUTDOWN to
# the native services that accept it, waited for while they make progress
# and cut off at their preshutdown timeout or when they stop making
# progress; then SHUTDOWN (or a stop) to the rest within the budget; then
# a kill.  What each service got comes from its own report (the native
# test service writes every control its handler receives); the waiting
# lines come from scmd's log.  Times are measured from outside and only
# ever bounded generously.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# shutdown_timed [SECS]: SIGTERM to scmd; ELAPSED_MS is how long it took
# to exit (DAEMON_RC its status).  A failed point when it had to be killed.
shutdown_timed() {
        local t0
        t0=$(now_ms)
        if ! daemon_stop "${1:-60}"; then
                tap_not_ok "scmd exits by itself" "$(scmd_log)"
        fi
        ELAPSED_MS=$(($(now_ms) - t0))
}

# boot_phase: the phase of `scctl --json query --boot`.
boot_phase() {
        local out
        out=$(sc --json query --boot 2>/dev/null) || return 1
        json_get "$out" phase
}

phase_is() {
        [ "$(boot_phase)" = "$1" ]
}

test_preshutdown_progress_delays_shutdown() {
        daemon_start || return
        # Checkpoints for 4 s, then STOPPED: the shutdown waits for it.
        create_native pre --accept stop,preshutdown --preshutdown-progress 4000 --step 250 || return
        create_native shut --accept stop,shutdown || return
        create_helper plain || return
        start_native pre || return
        start_native shut || return
        start_helper plain || return

        local t0
        t0=$(now_ms)
        kill -TERM "$SCMD_PID"
        if wait_until 15 "query --boot says preshutdown" phase_is preshutdown; then
                tap_ok "query --boot: the preshutdown phase"
                assert_contains "query --boot: it waits for pre" "$(sc query --boot 2>&1)" "pre (stop-pending"
        fi
        if ! poll_until 60 proc_gone "$SCMD_PID"; then
                tap_not_ok "scmd exits" "$(scmd_log)"
                return
        fi
        local elapsed=$(($(now_ms) - t0))
        wait "$SCMD_PID" 2>/dev/null
        assert_eq "scmd exits 0" 0 $?
        SCMD_PID=""
        if [ "$elapsed" -ge 3500 ]; then
                tap_ok "the shutdown took at least the preshutdown progress ($elapsed ms)"
        else
                tap_not_ok "the shutdown took at least the preshutdown progress" "only $elapsed ms"
        fi
        check "pre got PRESHUTDOWN (15)" report_has pre control=15
        check "pre reported its preshutdown checkpoints" report_has pre preshutdown_checkpoint=10
        check "pre did not get SHUTDOWN (5) after PRESHUTDOWN" eval "! report_has pre control=5"
        check "pre did not get STOP (1) either" eval "! report_has pre control=1"
        check "shut got SHUTDOWN (5)" report_has shut control=5
        check "shut did not get PRESHUTDOWN (it does not accept it)" eval "! report_has shut control=15"
        check "the plain service got SIGTERM" report_has plain signal=TERM
        assert_contains "scmd logged what it waited for" "$(cat "$D/scmd.stderr")" \
                "waiting for service pre: stop-pending, checkpoint"
}

test_preshutdown_cut_off_at_its_timeout() {
        daemon_start --shutdown-budget 5 || return
        # One report with a long wait hint, then silence: only the
        # preshutdown timeout (2 s) ends the wait.
        create_native hang --accept stop,preshutdown --preshutdown-hang --wait-hint 120000 \
                -- --preshutdown-timeout 2000 || return
        assert_eq "qc: preshutdown_timeout_ms 2000" 2000 \
                "$(json_get "$(sc --json qc hang)" preshutdown_timeout_ms)"
        start_native hang || return
        local pid
        pid=$(report_get hang pid)
        shutdown_timed 60
        if [ "$ELAPSED_MS" -ge 1800 ] && [ "$ELAPSED_MS" -lt 40000 ]; then
                tap_ok "cut off at its preshutdown timeout ($ELAPSED_MS ms; 2 s timeout)"
        else
                tap_not_ok "cut off at its preshutdown timeout" "the shutdown took $ELAPSED_MS ms"
        fi
        check "hang got PRESHUTDOWN" report_has hang control=15
        check "hang's process is gone" proc_gone "$pid"
        assert_contains "scmd says why it cut it off" "$(cat "$D/scmd.stderr")" \
                "still in preshutdown after its preshutdown timeout of 2000 ms"
}

test_preshutdown_without_progress_is_cut_off() {
        # An endless preshutdown timeout waits only while there is progress:
        # a wait hint of 1 s and then silence is a hang after about 2 s.
        daemon_start --shutdown-budget 5 || return
        create_native stall --accept stop,preshutdown --preshutdown-hang --wait-hint 1000 \
                -- --preshutdown-timeout infinite || return
        assert_eq "qc: preshutdown_timeout_ms infinite" 4294967295 \
                "$(json_get "$(sc --json qc stall)" preshutdown_timeout_ms)"
        start_native stall || return
        shutdown_timed 60
        if [ "$ELAPSED_MS" -ge 1000 ] && [ "$ELAPSED_MS" -lt 40000 ]; then
                tap_ok "cut off once it stopped making progress ($ELAPSED_MS ms)"
        else
                tap_not_ok "cut off once it stopped making progress" "took $ELAPSED_MS ms"
        fi
        assert_contains "scmd calls it hung" "$(cat "$D/scmd.stderr")" "service stall: hung in stop-pending"
}

test_budget_kills_hung_services() {
        # Budget 2 s; the per-service stop timeout (60 s) and control
        # timeout (30 s) would take far longer.
        daemon_start --shutdown-budget 2 --stop-timeout 60000 || return
        create_native blocked --accept stop,shutdown --block-handler 5 || return
        create_helper stubborn --ignore-term || return
        start_native blocked || return
        start_helper stubborn || return
        local p1 p2
        p1=$(report_get blocked pid)
        p2=$(report_get stubborn pid)
        shutdown_timed 60
        if [ "$ELAPSED_MS" -ge 1800 ] && [ "$ELAPSED_MS" -lt 30000 ]; then
                tap_ok "scmd exits after the budget, not the stop timeout ($ELAPSED_MS ms)"
        else
                tap_not_ok "scmd exits after the budget" "took $ELAPSED_MS ms"
        fi
        check "the blocked service got SHUTDOWN" report_has blocked control=5
        check "the stubborn service got SIGTERM" report_has stubborn signal=TERM
        check "the blocked service is gone" proc_gone "$p1"
        check "the stubborn service is gone" proc_gone "$p2"
        local log
        log=$(cat "$D/scmd.stderr")
        assert_contains "scmd logged the waiting in the stop phase" "$log" \
                "shutdown (stopping): waiting for service"
        assert_contains "scmd says it killed at the budget" "$log" "did not stop within the budget of 2 s"
}

test_scctl_shutdown() {
        daemon_start || return
        create_helper one || return
        start_helper one || return
        run_sc shutdown
        assert_rc "scctl shutdown answers" 0
        assert_contains "...saying so" "$OUT" "shutting down"
        if wait_until 30 "scmd exits after scctl shutdown" proc_gone "$SCMD_PID"; then
                wait "$SCMD_PID" 2>/dev/null
                assert_eq "...with status 0" 0 $?
                SCMD_PID=""
        fi
        check "the service got SIGTERM" report_has one signal=TERM
}

test_preshutdown_timeout_persists() {
        daemon_start || return
        create_helper keep -- --start demand || return
        assert_eq "the default preshutdown timeout is 180000 ms" 180000 \
                "$(json_get "$(sc --json qc keep)" preshutdown_timeout_ms)"
        assert_sc_ok "config --preshutdown-timeout 7000" config keep --preshutdown-timeout 7000
        run_sc config keep --preshutdown-timeout soon
        assert_rc "config --preshutdown-timeout soon is refused" 2
        daemon_stop 30
        daemon_start || return
        assert_eq "the preshutdown timeout survives a restart" 7000 \
                "$(json_get "$(sc --json qc keep)" preshutdown_timeout_ms)"
}

run_test test_preshutdown_progress_delays_shutdown
run_test test_preshutdown_cut_off_at_its_timeout
run_test test_preshutdown_without_progress_is_cut_off
run_test test_budget_kills_hung_services
run_test test_scctl_shutdown
run_test test_preshutdown_timeout_persists
finish
