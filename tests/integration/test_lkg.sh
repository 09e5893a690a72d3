#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Error control and the last known good configuration: a boot whose
# auto-start succeeds is accepted and saved; a critical (or severe) service
# that fails at boot rolls the configuration back and the auto-start runs
# again; normal logs, ignore says nothing; acceptance by a client
# (--boot-accept manual, scctl boot accept/reject); scctl lkg restore; and
# scmd killed after a change, or inside the roll back itself, leaves the
# copy whole and the configuration either before or after, never half.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

log_has() {
        grep -qF -- "$1" "$D/scmd.stderr"
}

log_count() {
        grep -cF -- "$1" "$D/scmd.stderr"
}

# log_count_is N LINE: LINE is in scmd's log exactly N times.
log_count_is() {
        [ "$(log_count "$2")" = "$1" ]
}

# boot_field KEY: one field of `scctl --json boot status`.
boot_field() {
        local out
        out=$(sc --json boot status 2>/dev/null) || return 1
        json_get "$out" "$1"
}

boot_is() {
        [ "$(boot_field boot)" = "$1" ]
}

config_field() {
        local out
        out=$(sc --json qc "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

# restart_scmd [OPTIONS]: SIGTERM, then a fresh start on the same folder.
restart_scmd() {
        daemon_stop 30 || return 1
        daemon_start "$@"
}

# Two auto-start services, crit (critical) and other (normal), both good,
# and a boot that accepted them.
good_boot() {
        daemon_start "$@" || return 1
        create_helper crit -- --start auto --error-control critical || return 1
        create_helper other -- --start auto || return 1
        restart_scmd "$@" || return 1
        wait_state crit running 10 && wait_state other running 10
}

test_boot_accepted() {
        daemon_start || return
        wait_until 5 "an empty boot is accepted" boot_is accepted || return
        run_sc boot status
        assert_contains "boot status: the current configuration" "$OUT" "CONFIGURATION     : current"
        assert_contains "...accepted by the auto-start" "$OUT" "BOOT              : accepted (by auto-start at"
        assert_contains "...a copy of 0 services" "$OUT" ", 0 services"
        assert_sc_error "accepting again" BOOT_ALREADY_ACCEPTED 1076 boot accept
        assert_sc_error "rejecting an accepted boot" BOOT_ALREADY_ACCEPTED 1076 boot reject

        create_helper crit -- --start auto --error-control critical || return
        restart_scmd || return
        wait_state crit running 10 || return
        wait_until 5 "the boot is accepted" boot_is accepted || return
        run_sc --json boot status
        assert_contains "the copy holds the service" "$OUT" '"last_known_good":{"saved_at":'
        assert_contains "...one service" "$OUT" '"services":1}'
        assert_eq "no roll back" current "$(boot_field configuration)"
}

# The acceptance run: a critical auto-start service broken by a change.
test_critical_rollback() {
        good_boot || return
        local good
        good=$(config_field crit command_line)
        assert_sc_ok "break crit" config crit --exec /nonexistent/crit
        create_helper late -- --start auto || return
        restart_scmd || return
        wait_until 10 "the boot rolled back and came up" boot_is accepted || return
        assert_eq "the configuration is the last known good one" last-known-good "$(boot_field configuration)"
        assert_contains "...and says why" "$(boot_field reason)" \
                "rolled back at boot: service crit (error control critical) failed to start: FILE_NOT_FOUND"
        assert_eq "crit has its good command line again" "$good" "$(config_field crit command_line)"
        wait_state crit running 10
        wait_state other running 10
        run_sc query late
        assert_rc "a service created after the copy is gone" 1
        check "the log tells the story" log_has "boot: service crit (error control critical) failed to start: FILE_NOT_FOUND"
        check "...the roll back" log_has "the configuration is now the last known good copy"
        check "...the second round" log_has "boot: auto-start round 2"
        run_sc boot status
        assert_contains "boot status: last known good" "$OUT" "CONFIGURATION     : last known good"
        assert_contains "...the failure" "$OUT" "crit (critical, round 1): FILE_NOT_FOUND (2)"
        assert_contains "...two rounds" "$OUT" "AUTO-START ROUNDS : 2"
}

# Severe rolls back too; normal logs and the boot is accepted; ignore is silent.
test_error_control_levels() {
        daemon_start || return
        run_sc create ign --exec /nonexistent/ign --start auto --error-control ignore
        run_sc create norm --exec /nonexistent/norm --start auto --error-control normal
        create_helper sev -- --start auto --error-control severe || return
        restart_scmd || return
        wait_until 10 "failures of ignore and normal do not stop the boot" boot_is accepted || return
        check "normal: logged" log_has "boot: service norm (error control normal) failed to start"
        assert_eq "ignore: silent" 0 "$(log_count "boot: service ign")"
        run_sc --json boot status
        assert_contains "the boot's failures list normal" "$OUT" '"name":"norm"'
        assert_not_contains "...not ignore" "$OUT" '"name":"ign"'

        assert_sc_ok "break sev" config sev --exec /nonexistent/sev
        restart_scmd || return
        wait_until 10 "a severe failure rolls back" boot_is accepted || return
        assert_eq "severe: the last known good configuration" last-known-good "$(boot_field configuration)"
        wait_state sev running 10
}

# No copy yet: a critical failure is logged and left; nothing to restore.
test_no_copy_yet() {
        daemon_start --boot-accept manual || return
        wait_until 5 "the empty boot waits for acceptance" boot_is waiting-for-accept || return
        run_sc create crit --exec /nonexistent/crit --start auto --error-control critical
        restart_scmd --boot-accept manual || return
        wait_until 10 "the boot is not accepted" boot_is not-accepted || return
        check "...and says there is nothing to roll back to" log_has "there is no last known good configuration to roll back to"
        assert_sc_error "lkg restore without a copy" NOT_FOUND 1168 lkg restore
        assert_sc_error "boot reject without a copy" NOT_FOUND 1168 boot reject
        run_sc boot status
        assert_contains "boot status: no copy" "$OUT" "LAST_KNOWN_GOOD   : (none: no boot was accepted yet)"
}

# kill -9 right after a change that was never accepted: the copy is whole,
# the next boot rolls back to it, and a client accepts that boot.
test_kill_after_change() {
        good_boot --boot-accept manual || return
        wait_until 5 "the boot waits for a client" boot_is waiting-for-accept || return
        assert_sc_ok "boot accept" boot accept
        assert_eq "accepted" accepted "$(boot_field boot)"
        local good
        good=$(config_field crit command_line)
        assert_sc_ok "break crit" config crit --exec /nonexistent/crit --description broken
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
        # crit's process too: running, the next scmd would take it back
        # (test_adopt.sh), and its broken configuration would not show.
        local crit_pid
        crit_pid=$(report_get crit pid)
        kill -KILL "$crit_pid"
        wait_until 10 "crit's pid $crit_pid has ended" bash -c '! grep -q "^State:.*[RS]" /proc/$1/status 2>/dev/null' _ "$crit_pid" || return
        daemon_start --boot-accept manual || return
        wait_until 10 "the boot rolled back" boot_is waiting-for-accept || return
        assert_eq "the copy survived the kill: crit is good again" "$good" "$(config_field crit command_line)"
        assert_eq "...every field of it" "" "$(config_field crit description)"
        wait_state crit running 10
        assert_sc_error "boot reject while on last known good" ALREADY_RUNNING_LKG 1074 boot reject
        assert_sc_ok "boot accept" boot accept
        assert_eq "accepted" accepted "$(boot_field boot)"

        # By hand: a change, then lkg restore.
        assert_sc_ok "change crit's description" config crit --description "changed by hand"
        create_helper extra || return
        run_sc lkg restore
        assert_rc "lkg restore" 0
        assert_contains "...says what it did" "$OUT" "is restored"
        assert_contains "...and what went" "$OUT" "deleted: extra"
        assert_eq "the description is back" "" "$(config_field crit description)"
        assert_eq "crit kept running" running "$(status_field crit state)"
        run_sc query extra
        assert_rc "extra is gone" 1

        # One running when the copy is restored goes once it stops, quietly.
        create_helper running || return
        start_helper running || return
        assert_sc_ok "lkg restore with a service running that the copy lacks" lkg restore
        assert_sc_ok "...it stops" stop running --wait
        run_sc query running
        assert_rc "...and is gone" 1
        check "...without a database error for its status" \
                bash -c "! grep -q 'service running: cannot record its status' '$D/scmd.stderr'"
}

# boot reject (NotifyBootConfigStatus FALSE): stop, restore, auto-start.
test_boot_reject() {
        good_boot --boot-accept manual || return
        assert_sc_ok "boot accept" boot accept
        restart_scmd --boot-accept manual || return
        wait_until 5 "the boot waits" boot_is waiting-for-accept || return
        local pid
        pid=$(status_field crit pid)
        assert_sc_ok "change other" config other --description "not acceptable"
        assert_sc_ok "boot reject" boot reject
        wait_until 10 "the rejected boot comes up again" boot_is waiting-for-accept || return
        assert_eq "the last known good configuration" last-known-good "$(boot_field configuration)"
        assert_eq "other's description is back" "" "$(config_field other description)"
        wait_state crit running 10 || return
        assert_ne "crit was stopped and started again" "$pid" "$(status_field crit pid)"
        check "crit got its stop" report_has crit signal=TERM
}

# scmd killed inside the roll back's transaction: the next scmd finds the
# configuration as it was before (the broken one, whole) and the copy whole.
test_crash_inside_rollback() {
        good_boot || return
        local good
        good=$(config_field crit command_line)
        assert_sc_ok "break crit" config crit --exec /nonexistent/crit
        daemon_stop 30 || return
        local before
        before=$(log_count "error: boot: service crit (error control critical) failed to start")
        # Through sh, so that this shell does not announce the kill.
        SCMD_TEST_CRASH_POINT=lkg-restore sh -c '"$@"; exit $?' sh "$SCMD" --root "$D" --foreground \
                </dev/null >>"$D/scmd.stdout" 2>>"$D/scmd.stderr" &
        local crashing=$!
        echo "$crashing" >>"$D/scmd.pids"
        wait_until 15 "scmd dies inside the restore" proc_gone "$crashing" || {
                kill -KILL "$crashing"
                return
        }
        wait "$crashing"
        assert_eq "...killed (SIGKILL)" 137 $?
        check "it died inside the roll back" log_has "dying inside the restore"
        # Its services were stopped for the roll back and died with it: the
        # cgroup sweep of the next scmd takes whatever is left.
        daemon_start || return
        # The boot judges its services once every one has started or failed.
        wait_until 15 "crit's failure is judged" log_count_is $((before + 2)) \
                "error: boot: service crit (error control critical) failed to start"
        assert_eq "the next scmd found the change whole: crit failed again" $((before + 2)) \
                "$(log_count "error: boot: service crit (error control critical) failed to start")"
        wait_until 10 "and rolled back now" boot_is accepted || return
        assert_eq "crit is good again" "$good" "$(config_field crit command_line)"
        wait_state crit running 10
        wait_state other running 10
}

run_test test_boot_accepted
run_test test_critical_rollback
run_test test_error_control_levels
run_test test_no_copy_yet
run_test test_kill_after_change
run_test test_boot_reject
run_test test_crash_inside_rollback
finish
