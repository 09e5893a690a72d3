#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Failure actions: the Nth failure takes the Nth action (restart with its
# delay, run the command with %1% and the service's account, reboot through
# the hook), the reset period, what counts as a failure (a crash, a hang, a
# stop with an error only with the non-crash flag; never a stop somebody
# asked for, never the shutdown), the queued restart that survives a manual
# start and stop but not a disable or a delete, and how fast restart/0 is.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# qf NAME KEY: one field of `scctl --json qfailure NAME`.
qf() {
        local out
        out=$(sc --json qfailure "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

qf_is() {
        [ "$(qf "$1" "$2")" = "$3" ]
}

# How many times the helper service NAME has started.
starts() {
        report_all "$1" pid | wc -l
}

starts_at_least() {
        [ "$(starts "$1")" -ge "$2" ]
}

# running_not NAME PID: NAME is running with a pid other than PID.
running_not() {
        local out pid
        out=$(sc --json query "$1" 2>/dev/null) || return 1
        pid=$(json_get "$out" pid)
        [ "$(json_get "$out" state)" = running ] && [ "$pid" != 0 ] && [ "$pid" != "$2" ]
}

log_has() {
        grep -qF -- "$1" "$D/scmd.stderr"
}

log_lacks() {
        ! log_has "$1"
}

# log_ms TEXT [N]: the time of day, in ms, of the Nth line of scmd's log
# holding TEXT (scmd stamps its lines with milliseconds).
log_ms() {
        local line t
        line=$(grep -F -- "$1" "$D/scmd.stderr" | sed -n "${2:-1}p")
        [[ $line =~ T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z ]] || return 1
        t=$((10#${BASH_REMATCH[1]} * 3600000 + 10#${BASH_REMATCH[2]} * 60000))
        echo $((t + 10#${BASH_REMATCH[3]} * 1000 + 10#${BASH_REMATCH[4]}))
}

# log_gap_ms TEXT1 N1 TEXT2 N2: ms from the one log line to the other.
log_gap_ms() {
        local a b
        a=$(log_ms "$1" "$2") && b=$(log_ms "$3" "$4") || return 1
        [ "$b" -lt "$a" ] && b=$((b + 86400000)) # past midnight
        echo $((b - a))
}

# kill_service NAME: SIGKILL to NAME's main process; prints its pid.
kill_service() {
        local pid
        pid=$(status_field "$1" pid)
        [ -n "$pid" ] && [ "$pid" != 0 ] || return 1
        kill -KILL "$pid"
        echo "$pid"
}

# The acceptance run: three kills take restart(0), restart(500), run, in
# order, each logged with its time; after the reset period a kill restarts
# again.
test_actions_in_order_and_reset() {
        daemon_start || return
        create_helper web || return
        local cmd
        cmd=$(cmdline /bin/sh -c 'echo "$1 $(id -u)" >>"$2"' sh %1% "$D/ran")
        assert_sc_ok "failure web: restart/0/restart/500/run/0, reset 2 s" \
                failure web --reset 2 --actions restart/0/restart/500/run/0 --command "$cmd"
        start_helper web || return

        local pid t0 t1
        t0=$(now_ms)
        pid=$(kill_service web) || return
        wait_until 5 "web restarted after the first kill" running_not web "$pid" || return
        t1=$(now_ms)
        diag "restart/0: back within $((t1 - t0)) ms as seen by a polling client"
        check "first failure: restarted (restart/0)" log_has "service web: failure 1 (the process ended without reporting STOPPED: PROCESS_ABORTED); restart in 0 ms"

        wait_report web ready=1 || return
        pid=$(kill_service web) || return
        wait_until 5 "web restarted after the second kill" running_not web "$pid" || return
        local gap
        gap=$(log_gap_ms "service web: failure 2 (" 1 "service web: failure 2: restarting it" 1)
        if [ -n "$gap" ] && [ "$gap" -ge 500 ]; then
                tap_ok "second failure: restarted after $gap ms (restart/500 waits at least 500 ms)"
        else
                tap_not_ok "second failure: restart/500 waits at least 500 ms" "gap: '${gap}'"$'\n'"$(scmd_log)"
        fi

        local n
        n=$(starts web)
        pid=$(kill_service web) || return
        wait_until 5 "the command ran for the third failure" test -s "$D/ran" || return
        assert_eq "third failure: the command ran with %1% = 3, as scmd's own user" \
                "3 $(id -u)" "$(cat "$D/ran")"
        wait_state web stopped 5
        assert_eq "...and the service was not restarted" "$n" "$(starts web)"
        assert_eq "qfailure counts 3 failures" 3 "$(qf web failure_count)"

        # Every action in scmd's log and the service's own, in order, stamped.
        run_sc logs web -n 50
        local l1 l2 l3
        l1=$(grep -n "scm: failure 1 (PROCESS_ABORTED); restart in 0 ms" <<<"$OUT" | cut -d: -f1)
        l2=$(grep -n "scm: failure 2 (PROCESS_ABORTED); restart in 500 ms" <<<"$OUT" | cut -d: -f1)
        l3=$(grep -n "scm: failure 3 (PROCESS_ABORTED); run the command in 0 ms" <<<"$OUT" | cut -d: -f1)
        if [ -n "$l1" ] && [ -n "$l2" ] && [ -n "$l3" ] && [ "$l1" -lt "$l2" ] && [ "$l2" -lt "$l3" ]; then
                tap_ok "scctl logs web: restart(0), restart(500), run, in that order"
        else
                tap_not_ok "scctl logs web shows the three actions in order" "$OUT"
        fi
        assert_contains "...each line with its time" "$OUT" "Z scm: failure 2 (PROCESS_ABORTED)"
        check "scmd's log names the command it ran" log_has "service web: failure 3: running the command"

        # The reset period (2 s) passes without a failure: the count is 0 again.
        wait_until 5 "the failure count goes back to 0" qf_is web failure_count 0 || return
        start_helper web || return
        pid=$(kill_service web) || return
        wait_until 5 "after the reset period a kill restarts again" running_not web "$pid" || return
        check "...as failure 1 again" log_has "service web: failure 1: restarting it"
        assert_eq "qfailure counts 1" 1 "$(qf web failure_count)"
}

# Restart with delay 0: kill -9 -> the new process has stamped its start.
# The service stamps CLOCK_REALTIME (bash's EPOCHREALTIME) as its first act.
test_restart_latency() {
        daemon_start || return
        local stamps="$D/stamps"
        run_sc create fast --exec "$(cmdline "$BASH" -c "echo \$EPOCHREALTIME >>$stamps; exec sleep 100000")"
        assert_rc "create fast" 0
        assert_sc_ok "failure fast --reset 0 --actions restart/0" failure fast --reset 0 --actions restart/0
        assert_sc_ok "start fast" start fast --wait
        wait_until 5 "fast stamped its start" test -s "$stamps" || return
        local i pid t_kill n lat all=()
        for i in 1 2 3 4 5 6 7 8 9; do
                n=$(wc -l <"$stamps")
                pid=$(status_field fast pid)
                t_kill=${EPOCHREALTIME/[.,]/}
                kill -KILL "$pid"
                poll_until 30 eval '[ "$(wc -l <"$stamps")" -gt "$n" ]' || {
                        tap_not_ok "fast came back after kill $i" "$(scmd_log)"
                        return
                }
                lat=$(tail -n 1 "$stamps")
                lat=${lat/[.,]/}
                all+=($((lat - t_kill)))
                wait_until 5 "fast is running again" state_is fast running || return
        done
        local sorted median
        sorted=$(printf '%s\n' "${all[@]}" | sort -n)
        median=$(sed -n 5p <<<"$sorted")
        diag "restart/0 latency, kill -9 -> new process stamped, in us: $(tr '\n' ' ' <<<"$sorted")"
        diag "median: $((median / 1000)).$(printf '%03d' $((median % 1000))) ms"
        if [ "$median" -lt 250000 ]; then
                tap_ok "restart/0 brings the service back fast: median $((median / 1000)) ms, no fixed throttle"
        else
                tap_not_ok "restart/0 is fast" "median ${median} us"
        fi
        assert_eq "every kill was a failure restarted at once" 9 \
                "$(grep -c 'failure 1: restarting it' "$D/scmd.stderr")"
}

# cgroup_dir NAME: the cgroup folder of NAME's main process.
cgroup_dir() {
        local pid cg
        pid=$(status_field "$1" pid)
        cg=$(grep '^0::' "/proc/$pid/cgroup" 2>/dev/null) || return 1
        echo "$(cgroup2_mount)${cg#0::}"
}

no_folder() { [ ! -d "$1" ]; }

# A restart runs in the service's cgroup folder, made again; a failure with
# no restart, a stop, and a restart that does not happen (the service
# disabled in its delay) leave no folder behind.
test_restart_cgroup_folder() {
        if ! is_root || ! cgroup2_mount >/dev/null; then
                tap_skip "the cgroup folder of a restart" "needs root and cgroup v2"
                return
        fi
        daemon_start || return
        run_sc create kc --exec "$(cmdline sleep 100000)"
        assert_sc_ok "failure kc --actions restart/0" failure kc --reset 0 --actions restart/0
        assert_sc_ok "start kc" start kc --wait
        local dir pid
        dir=$(cgroup_dir kc) && [ -d "$dir" ] || {
                tap_not_ok "kc has a cgroup folder" "$dir"
                return
        }
        pid=$(kill_service kc) || return
        wait_until 10 "kc restarted" running_not kc "$pid" || return
        assert_eq "the restart is in the service's folder" "$dir" "$(cgroup_dir kc)"

        assert_sc_ok "failure kc --actions none" failure kc --reset 0 --actions ""
        pid=$(kill_service kc) || return
        wait_until 10 "kc stopped" state_is kc stopped || return
        wait_until 10 "a failure with no restart removes the folder" no_folder "$dir"

        assert_sc_ok "start kc again" start kc --wait
        dir=$(cgroup_dir kc)
        assert_sc_ok "stop kc" stop kc --wait
        wait_until 10 "a stop removes the folder" no_folder "$dir"

        assert_sc_ok "failure kc --actions restart/1500" failure kc --reset 0 --actions restart/1500
        assert_sc_ok "start kc a third time" start kc --wait
        dir=$(cgroup_dir kc)
        pid=$(kill_service kc) || return
        wait_until 10 "kc stopped, its restart waiting" state_is kc stopped || return
        assert_sc_ok "disable kc in the delay" config kc --start disabled
        wait_until 10 "the restart that does not happen removes the folder" no_folder "$dir"
        check "...and kc stays stopped" state_is kc stopped
}

# run: the service's account, and %1%.
test_run_command_account() {
        if ! is_root; then
                tap_skip "run command as the service's account" "needs root"
                return
        fi
        daemon_start || return
        local pub="$D/pub"
        mkdir -p "$pub" && chmod 1777 "$pub" && chmod 711 "$D"
        run_sc create acct --exec "/bin/sleep 100000" --account nobody
        assert_rc "create acct --account nobody" 0
        assert_sc_ok "failure acct: run/0 with %1%" failure acct --reset 60 --actions run/0 \
                --command "$(cmdline /bin/sh -c 'echo "$1 $(id -un) $SCM_FAILURE_COUNT" >>"$2"' sh %1% "$pub/ran")"
        assert_sc_ok "start acct" start acct --wait
        kill_service acct >/dev/null || return
        wait_until 5 "the command ran" test -s "$pub/ran" || return
        assert_eq "the command ran as the service's account (nobody), %1% = 1" \
                "1 nobody 1" "$(cat "$pub/ran")"
        assert_sc_ok "start acct again" start acct --wait
        kill_service acct >/dev/null || return
        wait_until 5 "the command ran again" eval '[ "$(wc -l <"$pub/ran")" -ge 2 ]' || return
        assert_eq "...the second time with %1% = 2" "2 nobody 2" "$(tail -n 1 "$pub/ran")"
}

# The non-crash flag: a stop with an error is a failure only with it.
test_non_crash_flag() {
        daemon_start --stop-timeout 2000 || return
        create_helper nc --notify-ready-after 0 --notify-errno 5 --exit-after 300 --exit-code 1 \
                -- --kind notify --control-timeout 2000 || return
        assert_sc_ok "failure nc: restart/0, then none" failure nc --reset 60 --actions restart/0/none/0
        run_sc qfailureflag nc
        assert_contains "qfailureflag: FALSE by default" "$OUT" "FAILURE_ACTIONS_ON_NONCRASH_FAILURES: FALSE"

        assert_sc_ok "start nc" start nc --wait
        wait_report nc exit=1 5 || return
        wait_state nc stopped 5 || return
        assert_eq "nc stopped with SERVICE_SPECIFIC_ERROR" 1066 "$(status_field nc win32_exit_code)"
        assert_eq "flag 0: not a failure" 0 "$(qf nc failure_count)"
        assert_eq "...and not restarted" 1 "$(starts nc)"

        assert_sc_ok "failureflag nc 1" failureflag nc 1
        run_sc qfailureflag nc
        assert_contains "qfailureflag: TRUE" "$OUT" "FAILURE_ACTIONS_ON_NONCRASH_FAILURES: TRUE"
        assert_sc_ok "start nc again" start nc --wait
        wait_until 10 "flag 1: two failures" qf_is nc failure_count 2 || return
        wait_state nc stopped 5 || return
        assert_eq "flag 1: the first stop with an error restarted it, the second did nothing" 3 "$(starts nc)"
        check "...logged as a stop with an error" log_has "service nc: failure 1 (it stopped with an error: SERVICE_SPECIFIC_ERROR); restart in 0 ms"

        # A stop asked for is never a failure, even with an error and the flag.
        create_helper nc2 --notify-ready-after 0 --notify-errno 7 -- --kind notify --control-timeout 2000 || return
        assert_sc_ok "failure nc2 restart/0, flag 1" failure nc2 --reset 60 --actions restart/0
        assert_sc_ok "failureflag nc2 1" failureflag nc2 1
        start_helper nc2 || return
        assert_sc_ok "stop nc2" stop nc2 --wait
        assert_eq "nc2 stopped with 1066" 1066 "$(status_field nc2 win32_exit_code)"
        assert_eq "a stop asked for is not a failure" 0 "$(qf nc2 failure_count)"
        assert_eq "...and nc2 stays stopped" stopped "$(status_field nc2 state)"
}

# Never a failure: a stop asked for (also one that timed out), the shutdown.
test_requested_stops() {
        daemon_start --stop-timeout 500 || return
        create_helper calm || return
        create_helper stubborn --ignore-term || return
        local n
        for n in calm stubborn; do
                assert_sc_ok "failure $n restart/0" failure "$n" --reset 60 --actions restart/0
                start_helper "$n" || return
                assert_sc_ok "stop $n" stop "$n" --wait
        done
        assert_eq "a stop that timed out ends with SERVICE_REQUEST_TIMEOUT" 1053 \
                "$(status_field stubborn win32_exit_code)"
        for n in calm stubborn; do
                assert_eq "$n: a stop asked for is not a failure" 0 "$(qf "$n" failure_count)"
                assert_eq "$n: not restarted" 1 "$(starts "$n")"
        done
        start_helper calm || return
        daemon_stop 30
        assert_eq "scmd exits 0" 0 "$DAEMON_RC"
        check "the shutdown's stop is not a failure" log_lacks "service calm: failure 1"
}

# A hang is a failure: a notify service that never says READY=1.
test_hang_is_failure() {
        daemon_start || return
        create_helper hang -- --kind notify --control-timeout 300 || return
        assert_sc_ok "failure hang: restart/0, then none" failure hang --reset 60 --actions restart/0/none/0
        assert_sc_ok "start hang" start hang
        wait_until 15 "two start hangs counted" qf_is hang failure_count 2 || return
        check "a start hang is a failure" log_has "service hang: failure 1 (it hung: SERVICE_START_HANG); restart in 0 ms"
        assert_eq "restarted once, then nothing" 2 "$(starts hang)"
        wait_state hang stopped 5
}

# A restart already waiting still happens after a manual start and stop,
# but not once the service is disabled or deleted.
test_queued_restart() {
        daemon_start || return
        create_helper q || return
        assert_sc_ok "failure q restart/1500" failure q --reset 60 --actions restart/1500
        start_helper q || return
        kill_service q >/dev/null || return
        wait_state q stopped 5 || return
        run_sc --json qfailure q
        assert_contains "qfailure shows the waiting restart" "$OUT" '"pending_action":{"type":"restart"'
        start_helper q || return
        local pid
        pid=$(status_field q pid)
        assert_sc_ok "stop q by hand" stop q --wait
        wait_until 5 "the waiting restart still happens" running_not q "$pid" || return
        check "...logged as the restart of failure 1" log_has "service q: failure 1: restarting it"

        kill_service q >/dev/null || return
        wait_state q stopped 5 || return
        assert_sc_ok "disable q while its restart waits" config q --start disabled
        wait_until 5 "the restart is dropped" log_has "service q: failure 2: no restart: it is disabled"
        assert_eq "q stays stopped" stopped "$(status_field q state)"

        create_helper q2 || return
        assert_sc_ok "failure q2 restart/300" failure q2 --reset 60 --actions restart/300
        start_helper q2 || return
        kill_service q2 >/dev/null || return
        wait_state q2 stopped 5 || return
        assert_sc_ok "delete q2 while its restart waits" delete q2
        if poll_until 1 starts_at_least q2 2; then
                tap_not_ok "a deleted service is not restarted" "$(report_all q2 pid)"
        else
                tap_ok "a deleted service is not restarted"
        fi
        run_sc query
        assert_rc "scmd still answers" 0
}

# reboot: every service stops in order, then the hook runs with the message.
test_reboot_hook() {
        local hook="$D/reboot-hook"
        printf '#!/bin/sh\nprintf "%%s|%%s\\n" "$SCM_REBOOT_SERVICE" "$SCM_REBOOT_MESSAGE" >"$1"\n' >"$hook"
        chmod 755 "$hook"
        daemon_start --reboot-command "$hook $D/rebooted" || return
        create_helper other || return
        create_helper crashy --crash-after 300 || return
        assert_sc_ok "failure crashy reboot/0 with a message" failure crashy --reset 60 \
                --actions reboot/0 --reboot-message "going down for a test"
        start_helper other || return
        assert_sc_ok "start crashy" start crashy --wait
        wait_until 10 "the reboot hook ran" test -s "$D/rebooted" || return
        assert_eq "the hook got the service and the message" "crashy|going down for a test" "$(cat "$D/rebooted")"
        check "the other service got its stop first" report_has other signal=TERM
        check "the message is in scmd's log" log_has "rebooting: going down for a test"
        local stopped ran
        stopped=$(grep -n "service other: stop-pending -> stopped" "$D/scmd.stderr" | cut -d: -f1)
        ran=$(grep -n "running the reboot command" "$D/scmd.stderr" | cut -d: -f1)
        if [ -n "$stopped" ] && [ -n "$ran" ] && [ "$stopped" -lt "$ran" ]; then
                tap_ok "the hook ran after every service had stopped"
        else
                tap_not_ok "the hook ran after every service had stopped" "$(scmd_log)"
        fi
        wait_until 10 "scmd exits after the hook" proc_gone "$SCMD_PID" || return
        wait "$SCMD_PID"
        assert_eq "...with status 0" 0 $?
        SCMD_PID=""
}

test_verbs_and_errors() {
        daemon_start || return
        create_helper v || return
        run_sc failure v --actions restart/0
        assert_rc "--actions without --reset is a usage error" 2
        run_sc failure v --reset 1 --actions bogus/0
        assert_rc "an unknown action is a usage error" 2
        run_sc failure v --reset 1 --actions restart
        assert_rc "an action without its delay is a usage error" 2
        run_sc failure v --reset -1 --actions restart/0
        assert_rc "a negative reset period is a usage error" 2
        run_sc failure v
        assert_rc "failure with nothing to change is a usage error" 2
        assert_sc_error "run without a command" INVALID_PARAMETER 87 failure v --reset 1 --actions run/0
        assert_sc_error "a failure command that does not split" INVALID_PARAMETER 87 \
                failure v --command "'unterminated"
        assert_sc_error "failure of a service that does not exist" SERVICE_DOES_NOT_EXIST 1060 \
                failure nosuch --reset 1 --actions restart/0
        run_sc failureflag v 2
        assert_rc "failureflag takes 0 or 1" 2

        assert_sc_ok "failure v: the sc.exe example" failure v --reset infinite \
                --actions restart/5000/run/1000/reboot/0/none/0 --command "/bin/true %1%" \
                --reboot-message "bye"
        run_sc qfailure v
        assert_contains "qfailure: RESET_PERIOD INFINITE" "$OUT" "RESET_PERIOD (in seconds)    : INFINITE"
        assert_contains "qfailure: restart" "$OUT" "FAILURE_ACTIONS              : RESTART -- Delay = 5000 milliseconds."
        assert_contains "qfailure: run" "$OUT" "RUN PROCESS -- Delay = 1000 milliseconds."
        assert_contains "qfailure: reboot" "$OUT" "REBOOT -- Delay = 0 milliseconds."
        assert_contains "qfailure: command" "$OUT" "COMMAND_LINE                 : /bin/true %1%"
        assert_contains "qfailure: reboot message" "$OUT" "REBOOT_MESSAGE               : bye"
        run_sc --json qfailure v
        assert_eq "json: reset_period" infinite "$(json_get "$OUT" reset_period)"
        assert_contains "json: the actions" "$OUT" '{"type":"run","delay_ms":1000}'
        assert_sc_ok "--actions \"\" removes every action" failure v --reset 0 --actions ""
        run_sc --json qfailure v
        assert_contains "...none left" "$OUT" '"actions":[]'
        assert_eq "...the command stays" "/bin/true %1%" "$(json_get "$OUT" command)"

        # Persisted: a restart of scmd keeps them.
        assert_sc_ok "failure v restart/250 reset 30" failure v --reset 30 --actions restart/250
        daemon_stop 30
        daemon_start || return
        run_sc --json qfailure v
        assert_eq "after a restart of scmd: reset_period" 30 "$(json_get "$OUT" reset_period)"
        assert_contains "...and the action" "$OUT" '{"type":"restart","delay_ms":250}'
}

run_test test_actions_in_order_and_reset
run_test test_restart_latency
run_test test_restart_cgroup_folder
run_test test_run_command_account
run_test test_non_crash_flag
run_test test_requested_stops
run_test test_hang_is_failure
run_test test_queued_restart
run_test test_reboot_hook
run_test test_verbs_and_errors
finish
