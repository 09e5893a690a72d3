#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The socket under abuse: runs tests/integration/wire_abuse (a C client)
# against a real scmd and relays its TAP into this script's numbering.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_wire_abuse() {
        if [ -z "${WIRE_ABUSE:-}" ] || [ ! -x "$WIRE_ABUSE" ]; then
                tap_not_ok "wire_abuse is built" "WIRE_ABUSE=${WIRE_ABUSE:-unset}"
                return
        fi
        daemon_start || return
        local before=$TAP_FAILED
        relay_program wire_abuse 600 "$WIRE_ABUSE" "$D/run/scm.sock"
        check "scmd is still alive after the abuse" proc_alive "$SCMD_PID"
        run_sc --json query
        assert_rc "scctl still works after the abuse" 0
        [ "$TAP_FAILED" -gt "$before" ] && diag "$(scmd_log)"
}

# Fairness (issue 14): one client's ping is answered within wire_abuse's
# deadline (2 s) while 999 other connections send pings without pause.  A
# loop that drains each connection's buffer before the next made it wait
# about 5 s here; one request per connection per turn, about 20 ms.
test_fair_turns() {
        if [ -z "${WIRE_ABUSE:-}" ] || [ ! -x "$WIRE_ABUSE" ]; then
                tap_not_ok "wire_abuse is built" "WIRE_ABUSE=${WIRE_ABUSE:-unset}"
                return
        fi
        daemon_start || return
        local out
        out=$(timeout 120 "$WIRE_ABUSE" "$D/run/scm.sock" flood 999 2>&1)
        case $out in
        answered*) tap_ok "a client's ping is answered while 999 others flood scmd ($out)" ;;
        *) tap_not_ok "a client's ping is answered while 999 others flood scmd" "$out" ;;
        esac
        check "scmd is still alive after the flood" proc_alive "$SCMD_PID"
        run_sc query
        assert_rc "scctl still works after the flood" 0
}

run_test test_wire_abuse
run_test test_fair_turns
finish
