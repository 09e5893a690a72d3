#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What scmd does with the processes of its services: a killed main process,
# grandchildren that try to escape, a service that ignores SIGTERM, orphans
# that would become zombies, log rotation, and what survives a restart of
# scmd (the configuration, and a pending delete).

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_kill_main_process() {
        daemon_start || return
        create_helper victim || return
        start_helper victim || return
        local pid
        pid=$(status_field victim pid)
        assert_eq "status pid is the helper's pid" "$(report_get victim pid)" "$pid"
        kill -KILL "$pid"
        wait_state victim stopped 10 || return
        tap_ok "kill -9 of the main process: the service is stopped"
        run_sc --json query victim
        assert_eq "...with win32_exit_code 1067 (PROCESS_ABORTED)" 1067 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...and process_exit says signal 9" 9 "$(json_get "$process_exit" signal)"
        assert_eq "...and pid 0" 0 "$(json_get "$OUT" pid)"
        assert_sc_ok "it can be started again" start victim --wait
        assert_sc_ok "...and stopped" stop victim --wait
}

test_crash() {
        daemon_start || return
        create_helper crasher --crash-after 100 || return
        start_helper crasher || return
        wait_state crasher stopped 10 || return
        run_sc --json query crasher
        assert_eq "a crashed service: win32_exit_code 1067" 1067 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...and process_exit says signal 11" 11 "$(json_get "$process_exit" signal)"
}

test_stop_kills_cgroup() {
        local name="stop kills the whole cgroup (grandchild in its own process group)"
        if ! is_root; then
                tap_skip "$name" "not root"
                return
        fi
        if ! cgroup2_mount >/dev/null; then
                tap_skip "$name" "no cgroup v2 mounted"
                return
        fi
        daemon_start || return
        create_helper escaper --spawn-grandchild || return
        start_helper escaper || return
        local grandchild scmd_cgroup
        grandchild=$(report_get escaper grandchild)
        check "the grandchild $grandchild runs" proc_alive "$grandchild"
        scmd_cgroup=$(grep '^0::' "/proc/$SCMD_PID/cgroup")
        scmd_cgroup=${scmd_cgroup#0::}
        local svc_cgroup
        svc_cgroup=$(report_get escaper cgroup)
        assert_ne "the service has a cgroup of its own" "$scmd_cgroup" "$svc_cgroup"
        assert_contains "...under scmd's cgroup ($scmd_cgroup)" "$svc_cgroup" "${scmd_cgroup%/}/"
        assert_sc_ok "stop escaper --wait" stop escaper --wait
        assert_eq "escaper is stopped" stopped "$(status_field escaper state)"
        check "$name" proc_gone "$grandchild"
}

test_stop_timeout() {
        local name="a service that ignores SIGTERM is killed after the stop timeout"
        local help
        help=$("$SCMD" --help 2>&1)
        if [[ "$help" != *--stop-timeout* ]]; then
                tap_skip "$name" "scmd --help offers no --stop-timeout (the default, 20 s, is too slow to test)"
                return
        fi
        # The unit the help text gives decides the number.
        local value=2
        local line
        line=$(grep -e --stop-timeout <<<"$help")
        [[ "${line,,}" == *ms* || "${line,,}" == *milli* ]] && value=2000
        daemon_start --stop-timeout "$value" || return
        create_helper stubborn --ignore-term || return
        start_helper stubborn || return
        local pid t0 elapsed
        pid=$(report_get stubborn pid)
        t0=$(now_ms)
        # --wait gives up after --timeout (1 s), before the stop timeout (2 s).
        run "$SCCTL" --root "$D" --timeout 1 stop stubborn --wait
        assert_rc "stop --wait with a deadline shorter than the stop: exit 4" 4
        wait_report stubborn signal=TERM 5 && tap_ok "...it got SIGTERM (and ignored it)"
        wait_state stubborn stopped 15 || return
        elapsed=$(($(now_ms) - t0))
        tap_ok "$name (after ${elapsed} ms)"
        if [ "$elapsed" -ge 1500 ]; then
                tap_ok "...not before the stop timeout"
        else
                tap_not_ok "...not before the stop timeout" "stopped after $elapsed ms, timeout 2 s"
        fi
        check "...and its process is gone" proc_gone "$pid"
        check "...and it never reported an exit of its own" report_lacks stubborn exit=
}

test_orphan_reaped() {
        daemon_start || return
        create_helper orphaner --orphan || return
        start_helper orphaner || return
        local orphan
        orphan=$(report_get orphaner orphan)
        wait_report orphaner "orphan-exit=$orphan" 10 || return
        # It was reparented to scmd (child subreaper) or to PID 1; either
        # way, no zombie may hang below scmd.
        wait_until 5 "orphan $orphan exited" proc_gone "$orphan" || return
        if wait_until 5 "no zombie child of scmd (pid $SCMD_PID)" no_zombie_children "$SCMD_PID"; then
                tap_ok "an orphan that exits leaves no zombie under scmd"
        else
                diag "zombies: $(zombie_children "$SCMD_PID")"
        fi
        local ppid
        ppid=$(proc_ppid "$(report_get orphaner pid)")
        assert_eq "the service's parent is scmd" "$SCMD_PID" "$ppid"
        assert_sc_ok "stop orphaner" stop orphaner --wait
}

test_log_rotation() {
        local name="log rotation"
        if ! scmd_has_option --log-max-size; then
                tap_skip "$name" "scmd --help offers no --log-max-size"
                return
        fi
        local max=65536 slack=65536
        daemon_start --log-max-size "$max" || return
        create_helper flooder --flood 1000000 || return
        start_helper flooder || return
        wait_report flooder flood=1000000 20 || return
        local log=$D/log/flooder.log
        rotated() { [ -f "$log.1" ]; }
        wait_until 10 "$log.1 exists" rotated || return
        tap_ok "the log was rotated to flooder.log.1"
        check "flooder.log exists" test -f "$log"
        local f size
        for f in "$log" "$log".[0-9]*; do
                [ -f "$f" ] || continue
                size=$(stat -c %s "$f")
                if [ "$size" -le $((max + slack)) ]; then
                        tap_ok "${f##*/} is within the size bound ($size bytes <= $max + $slack)"
                else
                        tap_not_ok "${f##*/} is within the size bound" "$size bytes > $max + $slack"
                fi
        done
        # The newest lines are in the current file.
        log_has_end() { grep -q "flood 000000009999 " "$log"; }
        wait_until 10 "the last flood line is in flooder.log" log_has_end && tap_ok "the last lines are in the current log"
        assert_sc_ok "stop flooder" stop flooder --wait
}

test_persistence() {
        daemon_start || return
        create_helper p_alpha -- --display-name "Persistent Alpha" --description "first one" --start auto \
                --group grp1 || return
        create_helper p_beta -- --start disabled --error-control severe || return
        create_helper p_gamma -- --depend p_alpha,+grp1 --description "depends on alpha and grp1" || return
        local before_a before_b before_c
        before_a=$(sc --json qc p_alpha)
        before_b=$(sc --json qc p_beta)
        before_c=$(sc --json qc p_gamma)
        local human_c
        human_c=$(sc qc p_gamma)
        daemon_stop
        assert_eq "scmd exits 0 on SIGTERM" 0 "$DAEMON_RC"
        daemon_start || return
        assert_eq "p_alpha's configuration survives a restart" "$before_a" "$(sc --json qc p_alpha)"
        assert_eq "p_beta's configuration survives a restart" "$before_b" "$(sc --json qc p_beta)"
        assert_eq "p_gamma's configuration survives a restart" "$before_c" "$(sc --json qc p_gamma)"
        assert_eq "qc output is the same" "$human_c" "$(sc qc p_gamma)"
        assert_eq "p_alpha start_type" auto "$(json_get "$before_a" start_type)"
        assert_eq "p_beta error_control" severe "$(json_get "$before_b" error_control)"
        assert_contains "p_gamma depends on p_alpha" "$before_c" '"p_alpha"'
        assert_contains "p_gamma depends on +grp1" "$before_c" '"+grp1"'
        # p_alpha is auto-start: the new scmd started it.
        if wait_until 10 "auto-start p_alpha runs after the restart" state_is p_alpha running; then
                tap_ok "an auto-start service is started by scmd"
        fi
}

test_marked_for_delete_restart() {
        daemon_start || return
        create_helper md || return
        start_helper md || return
        run_sc --json delete md
        assert_eq "delete of running md only marks it" true "$(json_get "$OUT" marked_for_delete)"
        daemon_stop
        assert_eq "scmd exits 0 on SIGTERM" 0 "$DAEMON_RC"
        check "md got SIGTERM at shutdown" report_has md signal=TERM
        daemon_start || return
        assert_sc_error "after a restart the marked service is gone" SERVICE_DOES_NOT_EXIST 1060 query md
}

run_test test_kill_main_process
run_test test_crash
run_test test_stop_kills_cgroup
run_test test_stop_timeout
run_test test_orphan_reaped
run_test test_log_rotation
run_test test_persistence
run_test test_marked_for_delete_restart
finish
