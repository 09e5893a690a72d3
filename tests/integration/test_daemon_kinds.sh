#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The kinds and commands that Debian's daemons need, seen from outside:
#   - oneshot: a clean exit 0 is success (STOPPED, NO_ERROR), another end
#     a failure; a service that depends on a job starts after it has ended,
#     and not at all when it failed; remaining after exit keeps it RUNNING;
#   - forking: RUNNING once the program has exited 0 and the daemon it left
#     is known (from its PID file, also one written a moment later, or the
#     one process left); the daemon's death is the service's; a PID file
#     behind a symbolic link or naming another's process is refused;
#   - reload: the reload signal reaches the process, the reload command
#     runs as the service with MAINPID, a failed one is reported while the
#     service runs on, a service with neither refuses the control;
#   - pre-start and post-stop commands: in order around the process, their
#     output in the service's log; a failed pre-start fails the start with
#     its exit code and the process never runs; one marked '-' may fail.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# sh_cmd SCRIPT: a command line running SCRIPT with /bin/sh.
sh_cmd() {
        cmdline /bin/sh -c "$1"
}

# no_process_reporting_to NAME: no helper reporting to NAME's report runs.
no_process_reporting_to() {
        ! pgrep -f -- "$(report_path "$1")" >/dev/null
}

test_oneshot() {
        daemon_start || return
        create_helper job --exit-after 200 --stamp "$D/stamps" --name job -- --kind oneshot || return
        run_sc start job --wait
        assert_rc "a job that exits 0: its start --wait succeeds" 0
        assert_eq "...it is stopped" "$(status_field job state)" stopped
        assert_eq "...with NO_ERROR" "$(status_field job win32_exit_code)" 0
        check "...and it did run to its end" report_has job exit=0

        create_helper bad --exit-after 100 --exit-code 3 -- --kind oneshot || return
        run_sc start bad --wait
        assert_rc "a job that exits 3: its start fails" 1
        assert_contains "...saying the code" "$ERR" "code 3"

        # A service that depends on the job starts after the job has ended.
        : >"$D/stamps"
        create_helper app --stamp "$D/stamps" --name app -- --depend job || return
        start_helper app || return
        local job_exit app_start
        job_exit=$(awk '$1 == "exit" && $2 == "job" {print $3}' "$D/stamps")
        app_start=$(awk '$1 == "start" && $2 == "app" {print $3}' "$D/stamps")
        check "the job ran first, to its end, before its dependent started" \
                test -n "$job_exit" -a -n "$app_start" -a "${job_exit:-0}" -lt "${app_start:-0}"
        assert_sc_ok "stop app" stop app --wait

        create_helper app2 -- --depend bad || return
        run_sc start app2 --wait
        assert_rc "a dependent of a failing job does not start" 1
        assert_contains "...the error names the job" "$ERR" "bad"
        check "...and it never ran" report_lacks app2 ready=1

        local rt="scm-it-kinds-$$"
        create_helper setup --exit-after 100 -- --kind oneshot --remain-after-exit \
                --runtime-directory "$rt" || return
        run_sc start setup --wait
        assert_rc "a job that remains after exit starts" 0
        assert_eq "...and is running" "$(status_field setup state)" running
        assert_eq "...with no process" "$(status_field setup pid)" 0
        check "...its runtime folder stays while it remains" test -d "/run/$rt"
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
        daemon_start || return
        assert_eq "...and still running after a crash of scmd" "$(status_field setup state)" running
        assert_sc_ok "...until it is stopped" stop setup --wait
        assert_eq "...then it is stopped" "$(status_field setup state)" stopped
        check "...and its runtime folder is gone" test ! -e "/run/$rt"
        rmdir "/run/$rt" 2>/dev/null

        assert_sc_error "remain-after-exit is for jobs only" INVALID_PARAMETER 87 \
                config app --remain-after-exit
}

test_forking() {
        daemon_start || return
        local h r
        h=$(helper_cmdline d1)
        run_sc create d1 --kind forking --pid-file "$D/d1.pid" \
                --exec "$(sh_cmd "$h & echo \$! >$D/d1.pid; exit 0")"
        assert_rc "create a forking service with a PID file" 0
        assert_sc_ok "it starts" start d1 --wait
        wait_report d1 ready=1 || return
        local daemon
        daemon=$(report_get d1 pid)
        assert_eq "it is running" "$(status_field d1 state)" running
        assert_eq "...its pid is the daemon's, from the PID file" "$(status_field d1 pid)" "$daemon"
        kill -9 "$daemon"
        check "the daemon's death is the service's" wait_state d1 stopped
        assert_eq "...an abort" "$(status_field d1 win32_exit_code)" 1067

        # The PID file written a moment after the program exits.
        h=$(helper_cmdline d2)
        run_sc create d2 --kind forking --pid-file "$D/d2.pid" \
                --exec "$(sh_cmd "$h & p=\$!; (sleep 0.3; echo \$p >$D/d2.pid) & exit 0")"
        assert_sc_ok "a PID file written late is waited for" start d2 --wait
        wait_report d2 ready=1 || return
        assert_eq "...its pid is the daemon's" "$(status_field d2 pid)" "$(report_get d2 pid)"
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
        daemon_start || return
        assert_eq "after a crash of scmd the daemon is taken back" "$(status_field d2 pid)" \
                "$(report_get d2 pid)"
        assert_eq "...running" "$(status_field d2 state)" running
        assert_sc_ok "stop it" stop d2 --wait
        check "...the daemon got the stop signal" report_has d2 signal=TERM

        # No PID file: the one process left.
        h=$(helper_cmdline d3)
        run_sc create d3 --kind forking --exec "$(sh_cmd "$h & exit 0")"
        assert_sc_ok "without a PID file, the one process left" start d3 --wait
        wait_report d3 ready=1 || return
        assert_eq "...is the daemon" "$(status_field d3 pid)" "$(report_get d3 pid)"
        assert_sc_ok "stop d3" stop d3 --wait

        run_sc create d4 --kind forking --exec "$(sh_cmd "exit 5")"
        run_sc start d4 --wait
        assert_rc "a program that exits 5 fails the start" 1
        assert_contains "...saying the code" "$ERR" "code 5"

        # A PID file that is a symbolic link is not followed.
        echo 1 >"$D/real.pid"
        ln -s "$D/real.pid" "$D/link.pid"
        h=$(helper_cmdline d5)
        run_sc create d5 --kind forking --pid-file "$D/link.pid" --exec "$(sh_cmd "$h & exit 0")"
        run_sc start d5 --wait
        assert_rc "a PID file behind a symbolic link fails the start" 1
        assert_contains "...saying so" "$ERR$(scmd_log)" "symbolic link"
        check "...and its daemon is not left running" poll_until 10 no_process_reporting_to d5

        # A PID file naming a process that is not the service's.
        h=$(helper_cmdline d6)
        run_sc create d6 --kind forking --pid-file "$D/d6.pid" \
                --exec "$(sh_cmd "$h & echo $$ >$D/d6.pid; exit 0")"
        run_sc start d6 --wait
        assert_rc "a PID file naming another process (the test's) fails the start" 1
        assert_contains "...it is not one of the service's" "$ERR$(scmd_log)" "not one of the service's processes"

        run_sc create d8 --kind forking --start-timeout 500 --exec "$(sh_cmd "exec sleep 30")"
        run_sc qc d8
        assert_contains "qc shows the start timeout" "$OUT" "START_TIMEOUT"
        assert_sc_error "a program that never daemonizes is a hang past --start-timeout" \
                SERVICE_START_HANG 1070 start d8 --wait
        check "...and it is killed" wait_state d8 stopped

        assert_sc_error "a PID file is for forking services only" INVALID_PARAMETER 87 \
                create d7 --exec /bin/true --pid-file /run/x.pid
}

test_reload() {
        daemon_start || return
        create_helper sig -- --reload-signal HUP || return
        start_helper sig || return
        local pid
        pid=$(report_get sig pid)
        run_sc qc sig
        assert_contains "qc shows the reload signal" "$OUT" "RELOAD_SIGNAL"
        assert_sc_ok "reload by signal" reload sig
        check "...the process got HUP" wait_report sig signal=HUP
        assert_eq "...and runs on, the same process" "$(status_field sig pid)" "$pid"

        create_helper cmd -- --reload-command "$(sh_cmd "echo reloaded \$MAINPID >>$D/reloads")" || return
        start_helper cmd || return
        pid=$(report_get cmd pid)
        assert_sc_ok "reload by command" reload cmd
        assert_eq "...it ran, knowing the main pid" "$(cat "$D/reloads" 2>/dev/null)" "reloaded $pid"
        assert_sc_ok "control paramchange is the same reload" control cmd paramchange
        check "...it ran again" wait_until 10 "two reloads" test "$(wc -l <"$D/reloads")" -eq 2

        assert_sc_ok "config a failing reload command" config cmd --reload-command "$(sh_cmd "exit 4")"
        run_sc reload cmd
        assert_rc "a failed reload command fails the reload" 1
        assert_contains "...saying its code" "$ERR" "code 4"
        assert_eq "...while the service runs on" "$(status_field cmd state)" running
        assert_eq "...the same process" "$(status_field cmd pid)" "$pid"

        create_helper none || return
        start_helper none || return
        assert_sc_error "a service without a reload refuses it" INVALID_SERVICE_CONTROL 1052 reload none
}

test_pre_post() {
        daemon_start || return
        create_helper pp --stamp "$D/order" --name main -- \
                --exec-start-pre "$(sh_cmd "echo pre-one; echo pre \$(id -u) >>$D/order")" \
                --exec-start-pre "-$(sh_cmd "exit 9")" \
                --exec-stop-post "$(sh_cmd "echo post >>$D/order")" || return
        run_sc qc pp
        assert_contains "qc shows the pre-start commands" "$OUT" "EXEC_START_PRE"
        assert_contains "...and the post-stop one" "$OUT" "EXEC_STOP_POST"
        start_helper pp || return
        assert_eq "the pre-start command ran first, as the service's account" \
                "$(head -n1 "$D/order")" "pre 0"
        check "...then the process" grep -q "^start main" "$D/order"
        assert_sc_ok "stop pp" stop pp --wait
        assert_eq "the post-stop command ran after the process" "$(tail -n1 "$D/order")" post
        run_sc logs pp
        assert_contains "the pre-start output is in the service's log" "$OUT" pre-one

        # After a crash too.
        : >"$D/order"
        : >"$(report_path pp)"
        start_helper pp || return
        kill -9 "$(report_get pp pid)"
        check "after a crash, the post-stop command runs" wait_until 10 "post" grep -qx post "$D/order"
        check "...and then it is stopped" wait_state pp stopped

        create_helper bad -- --exec-start-pre "$(sh_cmd "echo checking; exit 2")" || return
        run_sc start bad --wait
        assert_rc "a failing pre-start command fails the start" 1
        assert_contains "...SERVICE_SPECIFIC_ERROR" "$ERR" "SERVICE_SPECIFIC_ERROR (1066)"
        assert_contains "...naming the command and its code" "$ERR" "exited with code 2"
        assert_eq "...its code is the service exit code" "$(status_field bad service_exit_code)" 2
        check "...and the process never ran" report_lacks bad pid=
}

run_test test_oneshot
run_test test_forking
run_test test_reload
run_test test_pre_post
finish
