#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Native services (docs/protocol.md, "The control channel"): the test
# service tests/helpers/scm-test-native links libscm, registers itself with
# the dispatcher and writes what its ServiceMain and handler saw to a report
# file.  Through scctl only, each test checks a part of the contract:
# start-pending with advancing checkpoints, every control reaching the
# handler, ControlService's gating, the handler's answers, a blocked
# handler timing out alone, hangs, exit codes, the library outside scmd,
# and bad packets dropped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The service's cgroup (from its report) is gone, or holds no process.
cgroup_drained() {
        local cg dir
        cg=$(report_get "$1" cgroup) || return 1
        dir="$(cgroup2_mount)$cg"
        [ ! -d "$dir" ] || [ -z "$(cat "$dir/cgroup.procs" 2>/dev/null)" ]
}

# check_cgroup_drained NAME: as root with cgroup v2, a TAP point that NAME's
# cgroup has no process left; skipped otherwise.
check_cgroup_drained() {
        local what="no process of $1 is left in its cgroup"
        if ! is_root; then
                tap_skip "$what" "not root"
        elif ! cgroup2_mount >/dev/null || [ "$(report_get "$1" cgroup)" = / ]; then
                tap_skip "$what" "no cgroup v2 for services"
        else
                wait_until 5 "$1's cgroup empties" cgroup_drained "$1" && tap_ok "$what"
        fi
}

scmd_log_has() {
        grep -qF -- "$1" "$D/scmd.stderr" 2>/dev/null
}

# Polls NAME while it is start-pending, for at most SECS, and leaves the
# distinct checkpoints it saw, in order, in SEEN_CHECKPOINTS.  0 once NAME
# has left start-pending.
collect_checkpoints() {
        local name=$1 end=$(($(now_ms) + $2 * 1000)) out cp
        SEEN_CHECKPOINTS=()
        while [ "$(now_ms)" -lt "$end" ]; do
                out=$(sc --json query "$name" 2>/dev/null) || return 1
                [ "$(json_get "$out" state)" = start-pending ] || return 0
                cp=$(json_get "$out" checkpoint)
                if [ ${#SEEN_CHECKPOINTS[@]} -eq 0 ] || [ "${SEEN_CHECKPOINTS[-1]}" != "$cp" ]; then
                        SEEN_CHECKPOINTS+=("$cp")
                fi
                sleep 0.05
        done
        return 1
}

# START_PENDING (checkpoints) -> RUNNING -> PAUSED -> RUNNING -> STOP_PENDING
# -> STOPPED, and the handler got 2, 3, 1 in that order.
test_native_lifecycle() {
        daemon_start --stop-timeout 2000 || return
        local opts=(--progress 6 --wait-hint 1000 --step 250 --accept "stop,pause" --stop-slowly 600)
        create_native life "${opts[@]}" -- --control-timeout 2000 || return

        run_sc --json start life one "two words"
        assert_rc "start life one 'two words'" 0
        [ "$RC" -eq 0 ] || return
        assert_eq "start answers once the dispatcher is connected: start-pending" start-pending \
                "$(json_get "$OUT" state)"
        if collect_checkpoints life 10; then
                tap_ok "life leaves start-pending"
        else
                tap_not_ok "life leaves start-pending" "still start-pending after 10 s"
        fi
        local distinct
        distinct=$(printf '%s\n' "${SEEN_CHECKPOINTS[@]}" | grep -v '^0$' | sort -u | wc -l)
        if [ "$distinct" -ge 2 ]; then
                tap_ok "query showed the checkpoints advance while start-pending (${SEEN_CHECKPOINTS[*]})"
        else
                tap_not_ok "query showed the checkpoints advance while start-pending" \
                        "saw: ${SEEN_CHECKPOINTS[*]:-nothing}"
        fi
        wait_state life running 10 || return
        run_sc --json query life
        assert_contains "running: accepts stop" "$OUT" '"stop"'
        assert_contains "running: accepts pause-continue" "$OUT" '"pause-continue"'
        assert_eq "running: the checkpoint is back to 0" 0 "$(json_get "$OUT" checkpoint)"
        local pid
        pid=$(json_get "$OUT" pid)
        assert_eq "the status pid is the service's own" "$(report_get life pid)" "$pid"

        # What ServiceMain got.
        check "ServiceMain got argc 3" report_has life "started argc=3"
        assert_eq "argv[0] is the service's name" life "$(report_all life argv | sed -n 1p)"
        assert_eq "argv[1] is the first start argument" one "$(report_all life argv | sed -n 2p)"
        assert_eq "argv[2] is 'two words', one argument" "two words" "$(report_all life argv | sed -n 3p)"
        assert_eq "the start arguments go to ServiceMain, not to the process's argv" \
                $((3 + ${#opts[@]})) "$(report_get life process_argc)"

        run_sc --json pause life --wait
        assert_rc "pause life --wait" 0
        assert_eq "paused" paused "$(json_get "$OUT" state)"
        check "the handler received pause (2)" report_has life control=2

        run_sc --json continue life --wait
        assert_rc "continue life --wait" 0
        assert_eq "running again" running "$(json_get "$OUT" state)"
        check "the handler received continue (3)" report_has life control=3

        run_sc --json stop life
        assert_rc "stop life" 0
        assert_eq "the stop answers stop-pending" stop-pending "$(json_get "$OUT" state)"
        assert_eq "...with the handler's result 0" 0 "$(json_get "$OUT" control_result)"
        wait_state life stopped 10 || return
        tap_ok "stop-pending -> stopped"
        check "the handler received stop (1)" report_has life control=1
        run_sc --json query life
        assert_eq "a clean stop: win32_exit_code 0" 0 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "the status pid is 0" 0 "$(json_get "$OUT" pid)"
        wait_until 5 "pid $pid is gone" proc_gone "$pid" && tap_ok "the process is gone"
        check "the dispatcher returned 0 once the service stopped" report_has life result=0
        assert_eq "the handler received 2, 3, 1 in that order" "2 3 1" \
                "$(report_all life control | tr '\n' ' ' | sed 's/ $//')"

        run_sc logs life
        assert_contains "logs show control 2" "$OUT" "control 2 received"
        assert_contains "logs show control 3" "$OUT" "control 3 received"
        assert_contains "logs show control 1" "$OUT" "control 1 received"
}

# Stop goes to the handler in PAUSED as in RUNNING.
test_stop_while_paused() {
        daemon_start --stop-timeout 2000 || return
        create_native pz --accept stop,pause -- --control-timeout 2000 || return
        start_native pz || return
        assert_sc_ok "pause pz" pause pz --wait
        run_sc --json query pz
        assert_contains "paused, pz accepts stop (as it reported)" "$OUT" '"stop"'
        assert_sc_ok "stop pz while paused" stop pz --wait
        assert_eq "pz stopped cleanly" 0 "$(status_field pz win32_exit_code)"
        assert_eq "the handler received 2, then 1" "2 1" "$(report_all pz control | tr '\n' ' ' | sed 's/ $//')"
}

# ControlService's gating, in its order (docs/protocol.md, "control").
test_native_gating() {
        # A wait hint of 10 s: on a loaded machine a 250 ms step can come
        # late, and a hint it overran would stop slow as hung (once seen).
        daemon_start --stop-timeout 2000 || return
        create_native slow --progress 8 --wait-hint 10000 --step 250 --accept none \
                -- --control-timeout 2000 || return

        # 1. stopped.
        assert_sc_error "stopped: pause is SERVICE_NOT_ACTIVE" SERVICE_NOT_ACTIVE 1062 pause slow
        assert_sc_error "stopped: stop is SERVICE_NOT_ACTIVE" SERVICE_NOT_ACTIVE 1062 stop slow
        assert_sc_error "stopped: control 200 is SERVICE_NOT_ACTIVE" SERVICE_NOT_ACTIVE 1062 control slow 200

        # 2. start-pending: only stop, and only with its accept bit.
        run_sc --json start slow
        assert_rc "start slow" 0
        assert_eq "slow is start-pending" start-pending "$(json_get "$OUT" state)"
        assert_sc_error "start-pending: pause is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 pause slow
        assert_sc_error "start-pending: interrogate is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 interrogate slow
        assert_sc_error "start-pending: control 200 is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 control slow 200
        assert_sc_error "start-pending without the stop bit: stop is INVALID_SERVICE_CONTROL" \
                INVALID_SERVICE_CONTROL 1052 stop slow
        assert_eq "...and slow was still start-pending then" start-pending "$(status_field slow state)"

        # 3, 4. running, accepting nothing.
        wait_state slow running 10 || return
        assert_sc_error "running, no accept bits: stop is INVALID_SERVICE_CONTROL" \
                INVALID_SERVICE_CONTROL 1052 stop slow
        assert_sc_error "running, no accept bits: pause is INVALID_SERVICE_CONTROL" \
                INVALID_SERVICE_CONTROL 1052 pause slow
        assert_sc_error "running, no accept bits: continue is INVALID_SERVICE_CONTROL" \
                INVALID_SERVICE_CONTROL 1052 continue slow
        assert_sc_error "running, no accept bits: paramchange is INVALID_SERVICE_CONTROL" \
                INVALID_SERVICE_CONTROL 1052 control slow paramchange
        check "no refused control reached the handler" report_lacks slow control=

        run_sc interrogate slow
        assert_rc "interrogate needs no accept bit" 0
        check "...the handler received interrogate (4)" report_has slow control=4
        run_sc control slow 200
        assert_rc "custom control 200 needs no accept bit" 0
        assert_contains "scctl control prints the handler's CONTROL_RESULT" "$OUT" CONTROL_RESULT
        check "...the handler received 200" report_has slow control=200
        check "...and answered 0" report_has slow answered=200:0
        run_sc --json control slow 201
        assert_eq "--json control: control_result 0" 0 "$(json_get "$OUT" control_result)"
        assert_eq "slow still runs" running "$(status_field slow state)"

        # Stop-pending: once a stop is accepted, nothing follows it.
        create_native sp --accept stop,pause,paramchange --stop-slowly 1500 -- --control-timeout 2000 || return
        start_native sp || return
        run_sc --json stop sp
        assert_rc "stop sp" 0
        assert_eq "sp is stop-pending" stop-pending "$(json_get "$OUT" state)"
        assert_sc_error "stop-pending: interrogate is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 interrogate sp
        assert_sc_error "stop-pending: pause is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 pause sp
        assert_sc_error "stop-pending: control 200 is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 control sp 200
        assert_sc_error "stop-pending: a second stop is SERVICE_CANNOT_ACCEPT_CTRL" \
                SERVICE_CANNOT_ACCEPT_CTRL 1061 stop sp
        wait_state sp stopped 10
        assert_eq "sp's handler received only the one stop" 1 "$(report_all sp control | tr '\n' ' ' | sed 's/ $//')"

        # A service that accepts stop while starting gets it then.
        create_native early --progress 40 --wait-hint 1000 --step 200 --start-accept stop \
                -- --control-timeout 2000 || return
        run_sc start early
        assert_rc "start early" 0
        # The start is answered at the dispatcher's hello, before ServiceMain
        # has reported anything: wait for its first START_PENDING.
        accepts_stop() { [[ "$(sc --json query "$1")" == *'"controls_accepted":["stop"]'* ]]; }
        wait_until 5 "early reports that it accepts stop" accepts_stop early || return
        assert_eq "...while start-pending" start-pending "$(status_field early state)"
        run_sc --json stop early
        assert_rc "start-pending with the stop bit: stop is delivered" 0
        check "...the handler received stop (1)" report_has early control=1
        wait_state early stopped 10
        check "...and it never reported running" report_lacks early running=1
        assert_eq "...win32_exit_code 0" 0 "$(status_field early win32_exit_code)"
}

test_handler_error() {
        daemon_start --stop-timeout 2000 || return
        create_native denier --handler-error 5 -- --control-timeout 2000 || return
        start_native denier || return
        assert_sc_error "a handler that answers 5 fails the control with ACCESS_DENIED" \
                ACCESS_DENIED 5 control denier 200
        check "...the handler did receive 200" report_has denier control=200
        check "...and answered 5" report_has denier answered=200:5
        assert_eq "the service still runs" running "$(status_field denier state)"
        assert_sc_ok "stop denier" stop denier --wait
}

# A handler that never returns makes only its own service's controls time
# out; scmd keeps answering for every other service.
test_timeout_isolation() {
        daemon_start --stop-timeout 2000 || return
        create_native A --block-handler 200 -- --control-timeout 2000 || return
        create_native B -- --control-timeout 2000 || return
        start_native A || return
        start_native B || return

        (
                t0=$(now_ms)
                sc control A 200 >"$D/a.out" 2>"$D/a.err"
                echo "$? $(($(now_ms) - t0))" >"$D/a.rc"
        ) &
        local bg=$!
        wait_report A control=200 5 || return
        local t0 t1
        t0=$(now_ms)
        run_sc stop B
        t1=$(now_ms)
        assert_rc "stop B while A's handler is blocked" 0
        if [ $((t1 - t0)) -lt 1500 ]; then
                tap_ok "stop B answered at once ($((t1 - t0)) ms), not after A's timeout"
        else
                tap_not_ok "stop B answered at once" "took $((t1 - t0)) ms"
        fi
        check "B's handler received stop" report_has B control=1
        wait_state B stopped 10

        wait "$bg"
        local a_rc a_ms
        read -r a_rc a_ms <"$D/a.rc"
        assert_eq "control A 200 fails (exit 1)" 1 "$a_rc"
        assert_contains "...with SERVICE_REQUEST_TIMEOUT (1053)" "$(cat "$D/a.err")" "SERVICE_REQUEST_TIMEOUT (1053)"
        if [ "$a_ms" -ge 1800 ] && [ "$a_ms" -lt 4000 ]; then
                tap_ok "...after about A's control timeout of 2 s ($a_ms ms)"
        else
                tap_not_ok "...after about A's control timeout of 2 s" "took $a_ms ms"
        fi
        check "scmd says A's handler did not answer" scmd_log_has "service A: its handler did not answer control 200"
        assert_eq "A still runs" running "$(status_field A state)"

        # A stop cannot reach the blocked handler either: it is killed.
        local pid
        pid=$(status_field A pid)
        assert_sc_error "stop A times out too" SERVICE_REQUEST_TIMEOUT 1053 stop A
        wait_state A stopped 10
        assert_eq "A, killed, has win32_exit_code 1053" 1053 "$(status_field A win32_exit_code)"
        wait_until 5 "A's pid $pid is gone" proc_gone "$pid" && tap_ok "A's process is gone"
}

# A control waiting on a handler is answered as soon as the process dies,
# not at the end of the control timeout.
test_control_pending_when_killed() {
        daemon_start --stop-timeout 2000 || return
        create_native doomed --block-handler 200 -- --control-timeout 8000 || return
        start_native doomed || return
        (
                t0=$(now_ms)
                sc control doomed 200 >"$D/c.out" 2>"$D/c.err"
                echo "$? $(($(now_ms) - t0))" >"$D/c.rc"
        ) &
        local bg=$!
        wait_report doomed control=200 5 || return
        local t0
        t0=$(now_ms)
        kill -KILL "$(report_get doomed pid)"
        wait "$bg"
        local rc
        read -r rc _ <"$D/c.rc"
        local after=$(($(now_ms) - t0))
        assert_eq "the pending control fails (exit 1)" 1 "$rc"
        if [ "$after" -lt 2000 ]; then
                tap_ok "...answered ${after} ms after the kill, not after the 8 s control timeout"
        else
                tap_not_ok "...answered soon after the kill" "${after} ms after the kill: $(cat "$D/c.err")"
        fi
        wait_state doomed stopped 5
        assert_eq "doomed: PROCESS_ABORTED (1067)" 1067 "$(status_field doomed win32_exit_code)"
}

test_hangs() {
        daemon_start --stop-timeout 2000 || return

        # Registered, START_PENDING once, then silence: a start hang.
        create_native mute --never-report --wait-hint 300 -- --control-timeout 1000 || return
        local t0 pid
        t0=$(now_ms)
        run_sc --json start mute
        assert_rc "start mute" 0
        wait_report mute "started argc=1" 5
        pid=$(report_get mute pid)
        check "mute's process runs" proc_alive "$pid"
        wait_state mute stopped 10 || return
        tap_ok "mute is stopped after $(($(now_ms) - t0)) ms"
        assert_eq "...with SERVICE_START_HANG (1070)" 1070 "$(status_field mute win32_exit_code)"
        wait_until 5 "mute's pid $pid is gone" proc_gone "$pid" && tap_ok "mute's process is gone"
        check_cgroup_drained mute

        # Never reaches its dispatcher: no answer at all.
        create_native absent --no-dispatcher -- --control-timeout 1000 || return
        t0=$(now_ms)
        run_sc start absent
        local took=$(($(now_ms) - t0))
        assert_rc "start absent fails" 1
        assert_contains "...with SERVICE_REQUEST_TIMEOUT (1053)" "$ERR" "SERVICE_REQUEST_TIMEOUT (1053)"
        if [ "$took" -ge 900 ] && [ "$took" -lt 5000 ]; then
                tap_ok "...after its control timeout ($took ms)"
        else
                tap_not_ok "...after its control timeout" "took $took ms"
        fi
        assert_eq "absent is stopped" stopped "$(status_field absent state)"
        assert_eq "...with win32_exit_code 1053" 1053 "$(status_field absent win32_exit_code)"
        pid=$(report_get absent pid)
        wait_until 5 "absent's pid $pid is gone" proc_gone "$pid" && tap_ok "absent's process is gone"
        check_cgroup_drained absent

        # Not a native program at all: it ends without a word.
        run_sc create plainly --kind native --exec "$(cmdline "$(command -v true)")" --control-timeout 5000
        assert_rc "create plainly (/bin/true as a native service)" 0
        t0=$(now_ms)
        run_sc start plainly
        took=$(($(now_ms) - t0))
        assert_rc "start plainly fails" 1
        assert_contains "...with PROCESS_ABORTED (1067)" "$ERR" "PROCESS_ABORTED (1067)"
        if [ "$took" -lt 2500 ]; then
                tap_ok "...as soon as it ended, not after its 5 s control timeout ($took ms)"
        else
                tap_not_ok "...as soon as it ended" "took $took ms"
        fi

        # Accepts the stop, then never progresses: killed.
        create_native stuck --stop-hang -- --control-timeout 1000 || return
        start_native stuck || return
        pid=$(status_field stuck pid)
        run_sc --json stop stuck
        assert_rc "stop stuck (its handler answers)" 0
        assert_eq "stuck is stop-pending" stop-pending "$(json_get "$OUT" state)"
        assert_eq "...with its wait hint of 500 ms" 500 "$(status_field stuck wait_hint)"
        wait_state stuck stopped 10 || return
        tap_ok "stuck is stopped"
        run_sc --json query stuck
        assert_eq "...killed: win32_exit_code 1053" 1053 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...by SIGKILL" 9 "$(json_get "$process_exit" signal)"
        wait_until 5 "stuck's pid $pid is gone" proc_gone "$pid" && tap_ok "stuck's process is gone"
        check_cgroup_drained stuck
}

# Progress is a change: the same report again and again is no progress; a
# pause-pending that stalls is killed like any other pending state.
test_stalls() {
        daemon_start --stop-timeout 2000 || return
        create_native stall --stall-reports --wait-hint 300 --step 100 -- --control-timeout 1000 || return
        local t0
        t0=$(now_ms)
        run_sc start stall
        assert_rc "start stall" 0
        wait_state stall stopped 10 || return
        local took=$(($(now_ms) - t0))
        assert_eq "reporting checkpoint 1 over and over is a start hang (1070)" 1070 \
                "$(status_field stall win32_exit_code)"
        if [ "$took" -lt 4000 ]; then
                tap_ok "...detected after the wait hint (300 ms) + 1 s, not re-armed by each report ($took ms)"
        else
                tap_not_ok "...detected after the wait hint + 1 s" "took $took ms"
        fi
        local reports
        reports=$(grep -c '^checkpoint=1$' "$(report_path stall)")
        if [ "$reports" -ge 5 ]; then
                tap_ok "...although it reported $reports times"
        else
                tap_not_ok "...although it kept reporting" "only $reports reports"
        fi

        create_native pausing --pause-hang --accept stop,pause -- --control-timeout 1000 || return
        start_native pausing || return
        local pid
        pid=$(status_field pausing pid)
        run_sc --json pause pausing
        assert_rc "pause pausing (its handler answers)" 0
        assert_eq "pausing is pause-pending" pause-pending "$(json_get "$OUT" state)"
        wait_state pausing stopped 10 || return
        tap_ok "a stalled pause-pending ends stopped"
        assert_eq "...killed: SERVICE_REQUEST_TIMEOUT (1053)" 1053 "$(status_field pausing win32_exit_code)"
        wait_until 5 "pausing's pid $pid is gone" proc_gone "$pid" && tap_ok "pausing's process is gone"
}

test_exit_codes() {
        daemon_start --stop-timeout 2000 || return
        create_native failing --exit-code 42 || return
        start_native failing || return
        assert_sc_ok "stop failing" stop failing --wait
        run_sc --json query failing
        assert_eq "stopped" stopped "$(json_get "$OUT" state)"
        assert_eq "reported win32_exit_code 1066 (SERVICE_SPECIFIC_ERROR)" 1066 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "reported service_exit_code 42" 42 "$(json_get "$OUT" service_exit_code)"
        run_sc query failing
        assert_contains "query shows SERVICE_EXIT_CODE 42" "$(grep SERVICE_EXIT_CODE <<<"$OUT")" ": 42 "

        # A new run starts from clean exit codes.
        start_native failing || return
        run_sc --json query failing
        assert_eq "started again: win32_exit_code back to 0" 0 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...service_exit_code back to 0" 0 "$(json_get "$OUT" service_exit_code)"
        assert_eq "ServiceMain ran twice" 2 "$(grep -c '^started' "$(report_path failing)")"
        assert_sc_ok "stop failing again" stop failing --wait
        assert_eq "...1066 again" 1066 "$(status_field failing win32_exit_code)"

        # ServiceMain gives up while starting: the Windows way to fail a start.
        create_native quitter --fail-start 7 || return
        run_sc start quitter --wait
        assert_rc "start --wait of a service that reports STOPPED while starting fails" 1
        assert_contains "...showing its codes" "$ERR" "WIN32_EXIT_CODE 1066, SERVICE_EXIT_CODE 7"
        run_sc --json query quitter
        assert_eq "quitter is stopped" stopped "$(json_get "$OUT" state)"
        assert_eq "...with its own win32_exit_code 1066, not PROCESS_ABORTED" 1066 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...and service_exit_code 7" 7 "$(json_get "$OUT" service_exit_code)"

        # Reported STOPPED, but the process stays: stop-pending until killed
        # after the stop timeout; the exit codes are the ones reported.
        create_native lingerer --exit-code 5 --linger-after-stop || return
        start_native lingerer || return
        run_sc stop lingerer
        assert_rc "stop lingerer" 0
        wait_report lingerer result=0 5 || return
        assert_eq "reported STOPPED, its process still there: stop-pending" stop-pending \
                "$(status_field lingerer state)"
        wait_state lingerer stopped 10 || return
        run_sc --json query lingerer
        assert_eq "killed after the stop timeout, the reported win32_exit_code 1066 stays" 1066 \
                "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...and service_exit_code 5" 5 "$(json_get "$OUT" service_exit_code)"

        create_native lingerer0 --linger-after-stop || return
        start_native lingerer0 || return
        run_sc stop lingerer0
        wait_report lingerer0 result=0 5 || return
        wait_state lingerer0 stopped 10 || return
        run_sc --json query lingerer0
        assert_eq "reported STOPPED with 0, killed after the stop timeout: win32_exit_code 0 as reported" 0 \
                "$(json_get "$OUT" win32_exit_code)"

        create_native victim || return
        start_native victim || return
        local pid
        pid=$(status_field victim pid)
        kill -KILL "$pid"
        wait_state victim stopped 10 || return
        run_sc --json query victim
        assert_eq "killed -9: PROCESS_ABORTED (1067)" 1067 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...process_exit signal 9" 9 "$(json_get "$process_exit" signal)"
}

# libscm's dispatcher outside scmd: StartServiceCtrlDispatcher's
# ERROR_FAILED_SERVICE_CONTROLLER_CONNECT.
test_outside_scmd() {
        run env -u SCM_CONTROL_FD "$NATIVE" --report "$(report_path outside)"
        assert_rc "scm-test-native run by hand exits 3" 3
        assert_eq "...and prints FAILED_SERVICE_CONTROLLER_CONNECT" FAILED_SERVICE_CONTROLLER_CONNECT "$OUT"
        check "...ServiceMain never ran" report_lacks outside started
        run env SCM_CONTROL_FD=3 "$NATIVE" 3</dev/null
        assert_rc "SCM_CONTROL_FD naming a file that is no channel: exit 3" 3
        assert_eq "...FAILED_SERVICE_CONTROLLER_CONNECT" FAILED_SERVICE_CONTROLLER_CONNECT "$OUT"
}

# What the library refuses, and what scmd drops when the library is bypassed.
test_validation() {
        daemon_start --stop-timeout 2000 || return
        create_native bad --bad-status --raw-bad-packet --message "hello from inside" \
                -- --control-timeout 2000 || return
        start_native bad || return
        wait_report bad raw_bad_packet=sent 5 || return
        assert_eq "state 99: the library returns SCM_ERR(INVALID_DATA)" 13 "$(report_get bad bad_status)"
        assert_eq "an unknown accept bit: SCM_ERR(INVALID_DATA)" 13 "$(report_get bad bad_accept)"
        assert_eq "scm_service_message returned 0" 0 "$(report_get bad message)"
        wait_until 5 "scmd logs the message" scmd_log_has "service bad says: hello from inside" &&
                tap_ok "scmd logs the service's message"

        count_drops() { [ "$(grep -c "service bad: dropped a bad message" "$D/scmd.stderr")" -ge 2 ]; }
        wait_until 5 "scmd drops both raw packets" count_drops && tap_ok "scmd dropped both bad packets"
        wait_until 5 "scmd logs the raw message" scmd_log_has 'service bad says: one\nFORGED error: \x1b[2Jtwo' &&
                tap_ok "a newline and an escape in a service's message are logged escaped"
        if grep -q "^FORGED" "$D/scmd.stderr"; then
                tap_not_ok "...so the service cannot forge a line of scmd's log" "$(scmd_log)"
        else
                tap_ok "...so the service cannot forge a line of scmd's log"
        fi
        run_sc --json query bad
        assert_eq "bad still runs" running "$(json_get "$OUT" state)"
        check "...its process is alive" proc_alive "$(json_get "$OUT" pid)"
        run_sc interrogate bad
        assert_rc "its channel still works: interrogate" 0
        check "...the handler received 4" report_has bad control=4
        assert_sc_ok "stop bad" stop bad --wait
        assert_eq "bad stopped cleanly" 0 "$(status_field bad win32_exit_code)"
}

run_test test_native_lifecycle
run_test test_stop_while_paused
run_test test_native_gating
run_test test_handler_error
run_test test_timeout_isolation
run_test test_control_pending_when_killed
run_test test_hangs
run_test test_stalls
run_test test_exit_codes
run_test test_outside_scmd
run_test test_validation
finish
