#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Status notifications, from the outside: events_check (a libscm client,
# tests/integration/events_check.c) for masks, order, sequence numbers,
# errors, the lagging client and a burst of 10,000 transitions; scctl watch
# and --wait; and scmd staying asleep while nothing happens.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

have_events_check() {
        if [ -z "${EVENTS_CHECK:-}" ] || [ ! -x "$EVENTS_CHECK" ]; then
                tap_not_ok "events_check is built" "EVENTS_CHECK=${EVENTS_CHECK:-unset}"
                return 1
        fi
}

test_subscriptions() {
        have_events_check || return
        daemon_start || return
        relay_program "events_check basics" 300 "$EVENTS_CHECK" "$D/run/scm.sock" basics
        if is_root; then
                check "scmd's log has the service's message" \
                        grep -q "service n1: message for the interactive user: the disk is almost full" \
                        "$D/scmd.stderr"
        fi
}

test_burst() {
        have_events_check || return
        daemon_start || return
        relay_program "events_check burst" 720 "$EVENTS_CHECK" "$D/run/scm.sock" burst
        check "scmd is alive after the burst" proc_alive "$SCMD_PID"
        assert_eq "scmd cut off exactly one client, the one that did not read" 1 \
                "$(grep -c "does not read its events" "$D/scmd.stderr")"
}

watch_has() {
        grep -qE -- "$2" "$1"
}

test_watch() {
        daemon_start || return
        # A service there before, so that the watch's first line says it
        # has subscribed.
        create_helper anchor || return
        # Not through sc(): $! must be scctl itself, to signal it.
        "$SCCTL" --root "$D" watch >"$D/watch.out" 2>"$D/watch.err" &
        local all=$!
        wait_until 10 "watch reports the services there" watch_has "$D/watch.out" ' anchor +is stopped +win32_exit_code 0, service_exit_code 0$' || return
        create_helper w1 || return
        "$SCCTL" --root "$D" --json watch w1 >"$D/watch.json" 2>&1 &
        local one=$!
        wait_until 10 "watch w1 reports its state" watch_has "$D/watch.json" '"state":"stopped"' || return
        start_helper w1 || return
        assert_sc_ok "stop w1 --wait" stop w1 --wait
        assert_sc_ok "delete w1" delete w1
        wait_until 10 "watch shows the deletion" watch_has "$D/watch.out" ' w1 +deleted$' || diag "$(cat "$D/watch.out")"

        check "watch: w1 created" watch_has "$D/watch.out" '^[0-9-]+ [0-9:.]+  w1 +created$'
        check "watch: stopped -> start-pending with its pid" watch_has "$D/watch.out" ' w1 +stopped -> start-pending +pid [0-9]+$'
        check "watch: start-pending -> running" watch_has "$D/watch.out" ' w1 +start-pending -> running +pid [0-9]+$'
        check "watch: running -> stop-pending" watch_has "$D/watch.out" ' w1 +running -> stop-pending +pid [0-9]+$'
        check "watch: stop-pending -> stopped with the exit codes" watch_has "$D/watch.out" \
                ' w1 +stop-pending -> stopped +win32_exit_code 0, service_exit_code 0 \(exited with code 0\)$'
        # The columns line up: names of 6 and 2 characters, changes of
        # several lengths, every detail starting at the same place.
        assert_eq "watch: the columns are aligned (one position for every detail)" 1 \
                "$(grep -E 'pid [0-9]+$|win32_exit_code' "$D/watch.out" |
                        awk '{ print index($0, "pid ") + index($0, "win32_exit_code") }' | sort -u | wc -l)"

        local seqs states
        seqs=$(grep -o '"seq":[0-9]*,"previous"' "$D/watch.json" | tr -dc '0-9\n' | tr '\n' ' ')
        assert_eq "watch --json w1: seq 1 (its state when watched), then 2 to 5" "1 2 3 4 5 " "$seqs"
        states=$(grep -o '"previous":[^,]*' "$D/watch.json" | tr '\n' ' ')
        assert_eq "watch --json w1: each event's previous state" \
                '"previous":null "previous":"stopped" "previous":"start-pending" "previous":"running" "previous":"stop-pending" ' \
                "$states"
        check "watch --json w1: the deletion" watch_has "$D/watch.json" '^\{"event":"service_deleted","name":"w1","seq":5,'

        kill -INT "$all"
        kill -TERM "$one"
        local rc_all rc_one
        wait "$all"
        rc_all=$?
        wait "$one"
        rc_one=$?
        assert_eq "watch ends with status 0 on SIGINT" 0 "$rc_all"
        assert_eq "watch ends with status 0 on SIGTERM" 0 "$rc_one"
        assert_eq "watch printed no error" "" "$(cat "$D/watch.err")"

        run_sc watch nosuch
        assert_rc "watch of an unknown service exits 1" 1
        assert_contains "...saying SERVICE_DOES_NOT_EXIST" "$ERR" "SERVICE_DOES_NOT_EXIST (1060)"
}

# --wait waits on events, not by asking again and again: a stop that takes
# a second is one subscribe, one control, and the answer.
test_wait_without_polling() {
        daemon_start --stop-timeout 1000 || return
        create_helper slow --ignore-term || return
        start_helper slow || return
        if ! command -v strace >/dev/null; then
                tap_skip "stop --wait sends no request while it waits" "strace is not installed"
                assert_sc_ok "stop slow --wait" stop slow --wait
        else
                # LeakSanitizer cannot work under ptrace (make check-asan).
                ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
                        run strace -f -qq -s 256 -e trace=sendto,sendmsg,write -o "$D/strace.out" \
                        "$SCCTL" --root "$D" --timeout 60 stop slow --wait
                assert_rc "stop slow --wait (the stop times out after 1 s and kills it)" 0
                assert_eq "stop --wait sent two requests: subscribe and control" 2 \
                        "$(grep -c 'sendto(.*method' "$D/strace.out")"
        fi
        assert_contains "stop --wait shows the service stopped" "$OUT" "STOPPED"
        assert_contains "...after its stop timed out" "$OUT" "1053"
}

# Voluntary context switches of every thread of pid.
context_switches() {
        local f sum=0 n
        for f in /proc/"$1"/task/*/status; do
                n=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$f" 2>/dev/null)
                sum=$((sum + ${n:-0}))
        done
        echo "$sum"
}

# No periodic wake-up: with subscribers connected and nothing happening,
# scmd stays blocked.
test_idle_is_asleep() {
        daemon_start_quiet || return
        create_helper idle || return
        start_helper idle || return
        "$SCCTL" --root "$D" watch >"$D/watch.out" 2>&1 &
        local watcher=$!
        wait_until 5 "the watcher has subscribed" grep -qE " idle +is running" "$D/watch.out" || return
        local before after
        before=$(context_switches "$SCMD_PID")
        sleep 2 # the interval observed, not a synchronisation
        after=$(context_switches "$SCMD_PID")
        assert_eq "scmd did not wake up in 2 s of quiet (voluntary context switches)" "$before" "$after"
        kill -TERM "$watcher"
        wait "$watcher"
        assert_sc_ok "stop idle" stop idle --wait
}

run_test test_subscriptions
run_test test_burst
run_test test_watch
run_test test_wait_without_polling
run_test test_idle_is_asleep
finish
