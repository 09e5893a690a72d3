#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The delayed-auto step survives scmd (docs/architecture.md, "Surviving a
# crash of scmd"): after kill -9 or daemon-reexec of scmd in the same boot,
# a step still waiting keeps its due time, and a step already done is not
# done again, so a delayed-auto service an administrator stopped stays
# stopped.  An orderly stop of scmd forgets it: the next scmd runs the step
# again.  Facts from outside: the lines the service writes each time it
# starts, its state, and query --boot's due time.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

crash_scmd() {
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
}

starts() {
        [ -f "$D/starts" ] && wc -l <"$D/starts" || echo 0
}

starts_are() {
        [ "$(starts)" -eq "$1" ]
}

make_late() {
        sc create late --start delayed-auto \
                --exec "$(cmdline /bin/sh -c "echo started >>'$D/starts'; exec sleep 1000")" >/dev/null
}

due_time() {
        "$SCCTL" --root "$D" --json query --boot 2>/dev/null |
                python3 -c 'import json,sys; print(json.load(sys.stdin).get("delayed_auto_at"))'
}

test_crash_during_delay() {
        daemon_start --delayed-auto-delay 8 || return
        make_late || return
        local due
        due=$(due_time)
        [ "$due" != None ] || { tap_not_ok "the step is waiting" "query --boot: $due"; return; }
        sleep 2 # a full delay from now would end two seconds later
        crash_scmd
        daemon_start --delayed-auto-delay 8 || return
        assert_eq "the next scmd keeps the due time the first one set" "$due" "$(due_time)"
        check "...and says so" grep -qF "keep the due time an earlier scmd of this boot set" "$D/scmd.stderr"
        wait_until 20 "the delayed-auto service starts" starts_are 1 || return
        tap_ok "the delayed-auto service started at the kept due time"
        sleep 1
        assert_eq "...once" 1 "$(starts)"
        assert_sc_ok "stop late" stop late --wait
}

# After the step: the administrator stops the service; scmd is killed
# (or re-executes) and comes back: the service stays stopped.
stopped_stays_stopped() {
        local how=$1
        daemon_start --delayed-auto-delay 1 || return
        make_late || return
        wait_until 15 "the delayed-auto step starts late" starts_are 1 || return
        assert_sc_ok "the administrator stops late" stop late --wait
        if [ "$how" = crash ]; then
                crash_scmd
                daemon_start --delayed-auto-delay 1 || return
        else
                assert_sc_ok "daemon-reexec" daemon-reexec
        fi
        sleep 3
        assert_eq "after $how, the delayed-auto step is not run again" 1 "$(starts)"
        run_sc query late
        assert_contains "late stays STOPPED" "$OUT" STOPPED
}

test_crash_after_step() {
        stopped_stays_stopped crash
        check "the next scmd says why" grep -qF "started the delayed-auto services: not again" "$D/scmd.stderr"
}

test_reexec_after_step() {
        stopped_stays_stopped reexec
}

test_orderly_stop_forgets() {
        daemon_start --delayed-auto-delay 1 || return
        make_late || return
        wait_until 15 "the delayed-auto step starts late" starts_are 1 || return
        daemon_stop 30 || return
        daemon_start --delayed-auto-delay 1 || return
        wait_until 15 "after an orderly stop, the next scmd runs the step again" starts_are 2 &&
                tap_ok "after an orderly stop of scmd, the delayed-auto service starts again"
        assert_sc_ok "stop late" stop late --wait
}

run_test test_crash_during_delay
run_test test_crash_after_step
run_test test_reexec_after_step
run_test test_orderly_stop_forgets
finish
