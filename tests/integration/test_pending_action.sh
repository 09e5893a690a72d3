#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A failure action waiting on its delay survives scmd (docs/architecture.md,
# "Surviving a crash of scmd"): after kill -9 or daemon-reexec of scmd the
# restart still comes, once, at its due time; an orderly stop of scmd
# leaves none waiting.  Facts from outside: the lines the service writes
# each time it starts.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

crash_scmd() {
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
}

starts() {
        wc -l <"$D/starts" 2>/dev/null || echo 0
}

starts_are() {
        [ "$(starts)" -eq "$1" ]
}

# A service that writes a line and fails at once, restarted DELAY ms later.
make_flaky() {
        sc create flaky --exec "$(cmdline /bin/sh -c "echo started >>'$D/starts'; exit 3")" >/dev/null
        assert_sc_ok "failure flaky: restart after $1 ms" failure flaky --reset 600 \
                --actions "restart/$1/none/0"
}

test_after_crash() {
        daemon_start || return
        make_flaky 3000 || return
        sc start flaky >/dev/null 2>&1
        wait_until 10 "flaky started once" starts_are 1 || return
        crash_scmd
        daemon_start || return
        wait_until 15 "the restart waiting when scmd was killed comes" starts_are 2 || return
        tap_ok "the restart waiting when scmd was killed came from the next scmd"
        check "...which says it carried it over" grep -qF "is carried over" "$D/scmd.stderr"
        sleep 1
        assert_eq "...once (the second failure's action is none)" 2 "$(starts)"
}

test_after_reexec() {
        daemon_start || return
        make_flaky 2000 || return
        sc start flaky >/dev/null 2>&1
        wait_until 10 "flaky started once" starts_are 1 || return
        assert_sc_ok "daemon-reexec while the restart waits" daemon-reexec
        wait_until 15 "the restart comes after the re-exec" starts_are 2 || return
        tap_ok "the restart waiting at the re-exec came"
        sleep 1
        assert_eq "...once" 2 "$(starts)"
}

test_orderly_stop_drops_it() {
        daemon_start || return
        make_flaky 2000 || return
        sc start flaky >/dev/null 2>&1
        wait_until 10 "flaky started once" starts_are 1 || return
        daemon_stop 30 || return
        daemon_start || return
        sleep 3
        assert_eq "an orderly stop of scmd leaves no restart waiting" 1 "$(starts)"
}

run_test test_after_crash
run_test test_after_reexec
run_test test_orderly_stop_drops_it
finish
