#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's process settings, seen from inside the service (the test
# helper's report) and from /proc: working directory, environment entries
# and files (read at each start; a missing one fails the start unless
# optional), umask, resource limits, stop signal and stop timeout; qc shows
# them, config changes them, bad values are refused naming the problem.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_settings() {
        daemon_start || return
        mkdir -p "$D/wd"
        printf '# settings\nFROMFILE="quoted value"\n\nSHARED=file\n' >"$D/env"
        create_helper ps -- --working-directory "$D/wd" --env A=1 --env "SP=a b" --env SHARED=entry \
                --env-file "$D/env" --env-file "-$D/missing" --umask 0027 --limit NOFILE=4096:8192 \
                --limit CORE=0 --stop-signal INT || return
        run_sc qc ps
        assert_contains "qc shows the working directory" "$OUT" "WORKING_DIRECTORY"
        assert_contains "...the umask" "$OUT" "0027"
        assert_contains "...a limit" "$OUT" "NOFILE=4096:8192"
        assert_contains "...the stop signal" "$OUT" "INT"
        start_helper ps || return
        assert_eq "the working directory" "$(report_get ps cwd)" "$D/wd"
        check "an environment entry" report_has ps "env=A=1"
        check "an entry with a space" report_has ps "env=SP=a b"
        check "an environment file's entry, its quotes gone" report_has ps "env=FROMFILE=quoted value"
        check "an entry wins over the file" report_has ps "env=SHARED=entry"
        local pid
        pid=$(report_get ps pid)
        assert_contains "the umask" "$(grep Umask "/proc/$pid/status")" "0027"
        assert_contains "the NOFILE limit" "$(grep 'Max open files' "/proc/$pid/limits")" "4096                 8192"
        assert_contains "the CORE limit" "$(grep 'Max core file size' "/proc/$pid/limits")" "0                    0"
        assert_sc_ok "stop ps" stop ps --wait
        check "the stop sent INT" report_has ps "signal=INT"

        # Read at each start: a changed file is seen by the next run.
        echo FROMFILE=again >"$D/env"
        : >"$(report_path ps)"
        start_helper ps || return
        check "the file is read again at the next start" report_has ps "env=FROMFILE=again"
        assert_sc_ok "stop ps again" stop ps --wait

        assert_sc_ok "config --env '' --umask 0022 --limit NOFILE=1024" config ps --env "" --umask 0022 --limit NOFILE=1024
        run_sc --json qc ps
        assert_contains "the entries are gone" "$OUT" '"environment":[]'
        assert_contains "the umask is back to its default" "$OUT" '"umask":18'
        assert_contains "the limits are what config said" "$OUT" '"limits":{"NOFILE":"1024"}'
        assert_contains "...the files untouched" "$OUT" "\"environment_files\":[\"$D/env\""
}

test_refusals() {
        daemon_start || return
        create_helper bad || return
        assert_sc_error "a relative working directory" INVALID_PARAMETER 87 config bad --working-directory rel/dir
        assert_contains "...named" "$ERR" "working_directory"
        assert_sc_error "an entry without '='" INVALID_PARAMETER 87 config bad --env NOEQUALS
        assert_sc_error "an unknown limit" INVALID_PARAMETER 87 config bad --limit BOGUS=1
        assert_contains "...named" "$ERR" "BOGUS"
        assert_sc_error "soft over hard" INVALID_PARAMETER 87 config bad --limit NOFILE=10:5
        assert_sc_error "an unknown signal" INVALID_PARAMETER 87 config bad --stop-signal NOPE
        run_sc --json qc bad
        assert_contains "nothing of it was kept" "$OUT" '"limits":{}'

        # Every limit twice, by its name and as LimitNAME: one entry each,
        # the later winning (32 keys once overflowed a table of 16).
        local args=() l
        for l in CPU FSIZE DATA STACK CORE RSS NPROC NOFILE MEMLOCK AS LOCKS SIGPENDING MSGQUEUE NICE RTPRIO RTTIME; do
                args+=(--limit "$l=infinity" --limit "Limit$l=infinity")
        done
        args+=(--limit NOFILE=100 --limit LimitNOFILE=200)
        assert_sc_ok "every limit under two names" config bad "${args[@]}"
        run_sc --json qc bad
        assert_contains "...one NOFILE, the later" "$OUT" '"NOFILE":"200"'
        assert_eq "...sixteen limits in all" "$(grep -o '"[A-Z]*":"infinity"' <<<"$OUT" | wc -l)" 15

        assert_sc_ok "a file that must exist" config bad --env-file "$D/absent"
        run_sc start bad --wait
        assert_rc "the start fails" 1
        assert_contains "...with FILE_NOT_FOUND" "$ERR" "FILE_NOT_FOUND"
        assert_contains "...naming the file" "$ERR" "$D/absent"
        check "...and nothing ran" state_is bad stopped

        create_helper stubborn --ignore-term -- --stop-timeout 500 || return
        start_helper stubborn || return
        local pid
        pid=$(report_get stubborn pid)
        assert_sc_ok "stop a service that ignores TERM, with a 500 ms stop timeout" stop stubborn
        check "it is killed long before scmd's own 20 s" poll_until 10 proc_gone "$pid"
}

run_test test_settings
run_test test_refusals
finish
