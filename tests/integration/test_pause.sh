#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Pause by freezing (docs/protocol.md, pause_by_freeze): a plain or notify
# service created with --pause-by-freeze yes is paused by freezing its
# cgroup and resumed by thawing it; a stop while paused thaws, then sends
# SIGTERM.  The facts come from the kernel (the cgroup's cgroup.events)
# and from the service's own output, which stops while it is frozen.
# Without a cgroup for the service, pause is INVALID_SERVICE_CONTROL.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The service has a cgroup of its own (its report says ".../NAME.service").
has_own_cgroup() {
        [[ "$(report_get "$1" cgroup)" == */"$1".service ]]
}

# cgroup_frozen NAME 0|1: the "frozen" line of the service's cgroup.events.
cgroup_frozen() {
        grep -qx "frozen $2" "$(cgroup2_mount)$(report_get "$1" cgroup)/cgroup.events" 2>/dev/null
}

# The number of the last "tick N" in NAME's log (0 when none).
last_tick() {
        local t
        t=$(sc logs "$1" 2>/dev/null | grep -o 'tick [0-9]*' | tail -n 1)
        echo "${t#tick }"
}

tick_past() {
        [ "$(last_tick "$1")" -gt "$2" ] 2>/dev/null
}

test_pause_by_freeze() {
        daemon_start --stop-timeout 2000 || return
        create_helper p --print-every 100 --spawn-grandchild -- --pause-by-freeze yes || return
        start_helper p || return
        run_sc --json qc p
        assert_eq "qc: pause_by_freeze true" true "$(json_get "$OUT" pause_by_freeze)"

        if ! has_own_cgroup p; then
                assert_sc_error "no cgroup for the service: pause is INVALID_SERVICE_CONTROL" \
                        INVALID_SERVICE_CONTROL 1052 pause p
                tap_skip "freezing the cgroup" "scmd has no cgroup for its services here"
                return
        fi
        assert_contains "with a cgroup, running p accepts pause-continue" \
                "$(sc --json query p)" '"pause-continue"'
        wait_until 5 "p ticks" tick_past p 2 || return
        local pid grandchild
        pid=$(report_get p pid)
        grandchild=$(report_get p grandchild)

        run_sc --json pause p --wait
        assert_rc "pause p --wait" 0
        assert_eq "p is paused" paused "$(json_get "$OUT" state)"
        wait_until 5 "p's cgroup.events says frozen 1" cgroup_frozen p 1 &&
                tap_ok "the kernel froze p's cgroup (cgroup.events: frozen 1)"
        assert_eq "the grandchild is in the frozen cgroup too" "0::$(report_get p cgroup)" \
                "$(grep '^0::' "/proc/$grandchild/cgroup" 2>/dev/null)"
        local frozen_at
        frozen_at=$(last_tick p)
        if poll_until 1 tick_past p $((frozen_at + 1)); then
                tap_not_ok "paused, p prints nothing" "ticks went on past $frozen_at: $(last_tick p)"
        else
                tap_ok "paused, p prints nothing (last tick $frozen_at, 1 s later $(last_tick p))"
        fi
        check "p's process is still there" proc_alive "$pid"

        run_sc --json continue p --wait
        assert_rc "continue p --wait" 0
        assert_eq "p is running" running "$(json_get "$OUT" state)"
        wait_until 5 "p's cgroup.events says frozen 0" cgroup_frozen p 0 &&
                tap_ok "the kernel thawed p's cgroup (frozen 0)"
        wait_until 5 "p ticks again" tick_past p $((frozen_at + 3)) && tap_ok "p ticks again after continue"

        assert_sc_ok "pause p again" pause p --wait
        wait_until 5 "p is frozen again" cgroup_frozen p 1 || return
        local t0 took
        t0=$(now_ms)
        run_sc stop p --wait
        took=$(($(now_ms) - t0))
        assert_rc "stop p while paused" 0
        assert_eq "stopped" stopped "$(status_field p state)"
        check "thawed first: p handled SIGTERM itself" report_has p signal=TERM
        assert_eq "...so the stop is clean: win32_exit_code 0, not a kill" 0 "$(status_field p win32_exit_code)"
        if [ "$took" -lt 1500 ]; then
                tap_ok "the stop did not wait for the 2 s stop timeout ($took ms)"
        else
                tap_not_ok "the stop did not wait for the 2 s stop timeout" "took $took ms"
        fi
        wait_until 5 "p's pid $pid is gone" proc_gone "$pid" && tap_ok "p's process is gone"
        wait_until 5 "p's grandchild $grandchild is gone" proc_gone "$grandchild" && tap_ok "p's grandchild is gone"
}

test_pause_not_configured() {
        daemon_start --stop-timeout 2000 || return
        create_helper plain || return
        start_helper plain || return
        run_sc --json query plain
        assert_eq "without --pause-by-freeze a plain service accepts only stop" '["stop"]' \
                "$(grep -o '"controls_accepted":\[[^]]*\]' <<<"$OUT" | sed 's/.*://')"
        assert_sc_error "pause is INVALID_SERVICE_CONTROL" INVALID_SERVICE_CONTROL 1052 pause plain
        assert_sc_error "continue is INVALID_SERVICE_CONTROL" INVALID_SERVICE_CONTROL 1052 continue plain
        assert_sc_error "a custom control is INVALID_SERVICE_CONTROL (no handler)" \
                INVALID_SERVICE_CONTROL 1052 control plain 200
        assert_eq "plain still runs" running "$(status_field plain state)"
        assert_sc_error "a native service cannot pause by freezing" INVALID_PARAMETER 87 \
                create nat --kind native --exec "$(cmdline "$HELPER")" --pause-by-freeze yes
}

test_pause_notify() {
        daemon_start --stop-timeout 2000 || return
        create_helper np --notify-ready-after 0 -- --kind notify --pause-by-freeze yes \
                --control-timeout 2000 || return
        start_helper np || return
        if ! has_own_cgroup np; then
                assert_sc_error "no cgroup: pause is INVALID_SERVICE_CONTROL" \
                        INVALID_SERVICE_CONTROL 1052 pause np
                return
        fi
        assert_sc_ok "pause a notify service" pause np --wait
        wait_until 5 "np is frozen" cgroup_frozen np 1 && tap_ok "np's cgroup is frozen"
        assert_sc_ok "continue np" continue np --wait
        wait_until 5 "np is thawed" cgroup_frozen np 0 && tap_ok "np's cgroup is thawed"
        assert_sc_ok "stop np" stop np --wait
        assert_eq "np stopped cleanly" 0 "$(status_field np win32_exit_code)"
}

# A frozen service cannot pet its watchdog: paused is not hung.
test_pause_watchdog() {
        daemon_start --stop-timeout 2000 || return
        create_helper wd --notify-ready-after 0 --notify-watchdog-for 600000 -- --kind notify \
                --pause-by-freeze yes --watchdog 500 --control-timeout 2000 || return
        start_helper wd || return
        if ! has_own_cgroup wd; then
                tap_skip "a paused service is not killed by its watchdog" "no cgroup for services here"
                return
        fi
        assert_sc_ok "pause wd" pause wd --wait
        wait_until 5 "wd is frozen" cgroup_frozen wd 1 || return
        if poll_until 2 eval '! state_is wd paused'; then
                tap_not_ok "paused for 4 watchdog periods, wd is not killed" \
                        "wd left paused: $(sc --json query wd)"$'\n'"$(scmd_log)"
                return
        fi
        tap_ok "paused for 4 watchdog periods, wd is not killed"
        assert_sc_ok "continue wd" continue wd --wait
        if poll_until 1 eval '! state_is wd running'; then
                tap_not_ok "thawed, wd pets again and keeps running" "$(sc --json query wd)"$'\n'"$(scmd_log)"
        else
                tap_ok "thawed, wd pets again and keeps running"
        fi
        assert_sc_ok "stop wd" stop wd --wait
        assert_eq "wd stopped cleanly" 0 "$(status_field wd win32_exit_code)"
}

run_test test_pause_by_freeze
run_test test_pause_not_configured
run_test test_pause_notify
run_test test_pause_watchdog
finish
