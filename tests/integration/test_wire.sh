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

run_test test_wire_abuse
finish
