#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scctl daemon-reexec (docs/architecture.md, "Surviving a crash of scmd"):
# scmd executes itself again, keeps its pid, and takes every running
# service back; no service is signalled or restarted (each helper's report
# names one start, its pid is the same), their output goes on, and a client
# that keeps calling through it never sees an error (libscm retries the
# call the re-execution cut off).
#
# Sizes (the defaults keep this file under 20 s on 2 shared cores):
#   REEXEC_SERVICES  running services (default 20)
#   REEXEC_COUNT     re-executions in a row (default 100, the issue's figure)

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SERVICES=${REEXEC_SERVICES:-20}
COUNT=${REEXEC_COUNT:-100}

starts_of() {
        grep -c '^pid=' "$(report_path "$1")" 2>/dev/null
}

test_reexec_keeps_services() {
        daemon_start || return
        local i pids=() failed=0
        for ((i = 0; i < SERVICES; i++)); do
                create_helper "s$i" --print-every 200 --print "tick s$i" || return
                start_helper "s$i" || return
                pids+=("$(report_get "s$i" pid)")
        done
        create_native nat --accept stop,pause -- --control-timeout 5000 || return
        start_native nat || return
        local natpid scmd_pid=$SCMD_PID
        natpid=$(report_get nat pid)
        # A client that calls all along: every call must succeed.
        (
                end=$(($(date +%s) + 600))
                n=0
                while [ ! -e "$D/stop-client" ] && [ "$(date +%s)" -lt "$end" ]; do
                        if ! "$SCCTL" --root "$D" --timeout 30 query s0 >/dev/null 2>"$D/client.err"; then
                                echo "call $n failed: $(cat "$D/client.err")" >>"$D/client.failures"
                        fi
                        n=$((n + 1))
                done
                echo "$n" >"$D/client.calls"
        ) &
        local client=$!
        for ((i = 0; i < COUNT; i++)); do
                run_sc daemon-reexec
                if [ "$RC" -ne 0 ]; then
                        tap_not_ok "daemon-reexec $i" "$(last_run)"$'\n'"$(scmd_log)"
                        failed=1
                        break
                fi
                # The same process, executed again: it answers once it has
                # taken the services back.
                wait_until 30 "scmd answers after re-execution $i" \
                        "$SCCTL" --root "$D" --timeout 10 query s0 >/dev/null || { failed=1; break; }
        done
        [ "$failed" -eq 0 ] && tap_ok "daemon-reexec $COUNT times in a row"
        touch "$D/stop-client"
        wait "$client"
        assert_eq "scmd kept its pid" "$scmd_pid" "$(cat "$D/run/scmd.lock" 2>/dev/null | tr -d '\n')"
        check "...and runs" proc_alive "$scmd_pid"
        if [ -s "$D/client.failures" ]; then
                tap_not_ok "a client calling throughout never saw an error" "$(head -5 "$D/client.failures")"
        else
                tap_ok "a client calling throughout never saw an error ($(cat "$D/client.calls") calls)"
        fi
        local bad=""
        for ((i = 0; i < SERVICES; i++)); do
                [ "$(status_field "s$i" pid)" = "${pids[$i]}" ] || bad+=" s$i(pid)"
                [ "$(status_field "s$i" state)" = running ] || bad+=" s$i(state)"
                [ "$(starts_of "s$i")" = 1 ] || bad+=" s$i(restarted)"
                grep -q "signal=" "$(report_path "s$i")" && bad+=" s$i(signalled)"
        done
        assert_eq "all $SERVICES services: same pid, running, started once, never signalled" "" "$bad"
        assert_eq "nat runs with the same pid" "$natpid" "$(status_field nat pid)"
        assert_sc_ok "nat pauses through the re-executed scmd" pause nat --wait
        check "...its handler got pause (2)" report_has nat control=2
        local n
        n=$(wc -l <"$D/log/s0.log")
        wait_until 10 "s0's log grows" bash -c '[ "$(wc -l <"$1")" -gt "$2" ]' _ "$D/log/s0.log" "$n" &&
                tap_ok "s0's output goes on into its log"
        assert_sc_ok "s0 stops" stop s0 --wait
        wait_until 10 "s0's pid is gone" proc_gone "${pids[0]}" && tap_ok "s0's process is gone"
}

test_reexec_admins_only() {
        is_root || {
                tap_skip "daemon-reexec is for administrators" "not root"
                return
        }
        daemon_start || return
        local pid=$SCMD_PID
        chmod 711 "$D" # nobody reaches the socket through $D to run/ (0755)
        run setpriv --reuid=65534 --regid=65534 --clear-groups "$SCCTL" --root "$D" daemon-reexec
        assert_ne "daemon-reexec as nobody fails" 0 "$RC"
        assert_contains "...with ACCESS_DENIED" "$ERR" "ACCESS_DENIED (5)"
        check "scmd was not re-executed" bash -c '! grep -q "re-execution asked" "$1"' _ "$D/scmd.stderr"
        check "...and runs" proc_alive "$pid"
}

run_test test_reexec_keeps_services
run_test test_reexec_admins_only
finish
