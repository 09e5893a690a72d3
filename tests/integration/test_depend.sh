#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Groups and dependencies, observed from outside: each helper service
# stamps "start", "ready", "stop" and "exit" with its name and a monotonic
# time into one shared file (scm-test-helper --stamp), so the order
# services came up and went down in is a fact of the processes, not the
# daemon's opinion.  Ordering tests use notify services: they are RUNNING
# only at READY=1, which comes after their "ready" stamp.
#
# Cycles (self, direct, through a group, by joining a group, against the
# group order), the start cascade (dependencies first, demand-start ones
# too, independent ones in parallel), every dependency error, the stop
# refusal and the cascade of --with-dependents, enumdepend's order, and a
# boot of 50 auto-start services in 3 groups that comes up in a valid
# order with independent services overlapping and goes down in reverse
# dependency order on SIGTERM.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# dep_service NAME READY_MS [SCCTL CREATE OPTIONS...]: a notify helper that
# becomes ready READY_MS after it starts and stamps its life.
dep_service() {
        local name=$1 ms=$2
        shift 2
        create_helper "$name" --stamp "$D/stamps" --name "$name" --notify-ready-after "$ms" \
                -- --kind notify "$@"
}

# load_stamps: ST["WHAT NAME"] is the first such stamp's time (ns).
declare -A ST
load_stamps() {
        ST=()
        local what name t
        while read -r what name t; do
                [ -n "${ST["$what $name"]:-}" ] || ST["$what $name"]=$t
        done <"$D/stamps"
}

# stamped_before NAME WHAT_A A WHAT_B B: A's WHAT_A stamp is earlier than
# B's WHAT_B stamp (a TAP point).
stamped_before() {
        local desc=$1 a=${ST["$2 $3"]:-} b=${ST["$4 $5"]:-}
        if [ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc" "$2 $3 at ${a:-never}, $4 $5 at ${b:-never}"
        fi
}

# overlapped A B: A and B were both between start and ready at one time.
overlapped() {
        local sa=${ST["start $1"]:-} ra=${ST["ready $1"]:-} sb=${ST["start $2"]:-} rb=${ST["ready $2"]:-}
        [ -n "$sa" ] && [ -n "$ra" ] && [ -n "$sb" ] && [ -n "$rb" ] && [ "$sa" -lt "$rb" ] &&
                [ "$sb" -lt "$ra" ]
}

count_stamps() {
        grep -c "^$1 $2 " "$D/stamps" 2>/dev/null
}

test_cycles() {
        daemon_start || return
        create_helper a || return
        create_helper b -- --depend a || return
        create_helper c -- --depend b,+G || return
        create_helper g1 -- --group G || return

        assert_sc_error "a service depending on itself is refused" CIRCULAR_DEPENDENCY 1059 \
                create self --exec "$(helper_cmdline self)" --depend self
        assert_sc_error "a -> c makes a direct cycle" CIRCULAR_DEPENDENCY 1059 config a --depend c
        assert_contains "the error names the cycle" "$ERR" "a -> c -> b -> a"
        assert_sc_error "g1 -> c makes a cycle through group G" CIRCULAR_DEPENDENCY 1059 \
                config g1 --depend c
        assert_contains "the error names the cycle through the group" "$ERR" "g1 -> c -> +G -> g1"
        create_helper k -- --depend c || return
        assert_sc_error "joining group G makes a cycle" CIRCULAR_DEPENDENCY 1059 config k --group G
        assert_contains "the error names it" "$ERR" "k -> c -> +G -> k"
        assert_sc_error "a cycle is refused at create too" CIRCULAR_DEPENDENCY 1059 \
                create g2 --exec "$(helper_cmdline g2)" --group G --depend c

        assert_sc_ok "group-order set G,H" group-order set G,H
        create_helper h1 -- --group H || return
        assert_sc_error "a group's member depending on a later group is refused" \
                CIRCULAR_DEPENDENCY 1059 config g1 --depend +H
        assert_contains "the error names the order" "$ERR" "g1 -> +H -> +G -> g1"
        assert_sc_ok "a later group's member may depend on an earlier group" config h1 --depend +G
        assert_sc_error "an order that puts H first is now a cycle" CIRCULAR_DEPENDENCY 1059 \
                group-order set H,G
        assert_sc_ok "a dependency on a service that does not exist is allowed" \
                create m --exec "$(helper_cmdline m)" --depend nothere

        # Nothing refused was kept.
        run_sc --json qc a
        assert_contains "a's dependencies are unchanged" "$OUT" '"dependencies":[]'
        run_sc --json qc k
        assert_contains "k's group is unchanged" "$OUT" '"group":""'
        run_sc query self
        assert_rc "the refused service was not created" 1

        # The order list is persisted.
        daemon_stop
        daemon_start || return
        run_sc --json group-order
        assert_contains "the group order survives a restart" "$OUT" '{"groups":["G","H"]}'
        run_sc group-order
        assert_contains "group-order shows it" "$OUT" "2. H"
        # The order list is configuration: the last known good copy (saved
        # when this boot was accepted) has it, and a restore puts it back.
        wait_until 15 "the boot is accepted" boot_accepted || return
        assert_sc_ok "group-order set K" group-order set K
        assert_sc_ok "lkg restore" lkg restore
        run_sc --json group-order
        assert_eq "the last known good copy brings the order back" '{"groups":["G","H"]}' "$OUT"

        assert_sc_ok "group-order set '' empties it" group-order set ""
        run_sc --json group-order
        assert_eq "the list is empty" '{"groups":[]}' "$OUT"
}

boot_accepted() {
        local out
        out=$(sc --json boot status 2>/dev/null) || return 1
        [[ "$out" == *'"accepted"'* ]]
}

test_start_cascade() {
        daemon_start || return
        # Long enough to be ready that the independent ones overlap even on
        # a loaded machine.
        dep_service a 1000 || return
        dep_service b 300 --depend a || return
        dep_service g1 1000 --group G || return
        dep_service g2 1000 --group G || return
        dep_service c 100 --depend b,+G || return
        dep_service off 100 --group G --start disabled || return

        run_sc start c --wait
        assert_rc "start c starts its stopped (demand-start) dependencies first" 0
        local n
        for n in a b g1 g2 c; do
                check "$n is running" state_is "$n" running
        done
        check "the disabled member of G was not started" report_lacks off pid=
        load_stamps
        stamped_before "a was ready before b started" ready a start b
        stamped_before "b was ready before c started" ready b start c
        stamped_before "g1 was ready before c started" ready g1 start c
        stamped_before "g2 was ready before c started" ready g2 start c
        if overlapped a g1 && overlapped g1 g2; then
                tap_ok "independent dependencies (a, g1, g2) started in parallel"
        else
                tap_not_ok "independent dependencies started in parallel" "$(cat "$D/stamps")"
        fi

        # Running dependencies are left as they are.
        assert_sc_ok "stop c" stop c --wait
        assert_sc_ok "start c again" start c --wait
        assert_eq "a was started once" 1 "$(count_stamps start a)"
        assert_eq "c was started twice" 2 "$(count_stamps start c)"
}

test_dependency_errors() {
        daemon_start || return
        create_helper x -- --depend nothere || return
        assert_sc_error "a missing dependency: SERVICE_DEPENDENCY_DELETED" \
                SERVICE_DEPENDENCY_DELETED 1075 start x
        assert_contains "the error names it" "$ERR" "nothere"
        assert_eq "x's exit code says why" 1075 "$(status_field x win32_exit_code)"

        create_helper md || return
        start_helper md || return
        create_helper y -- --depend md || return
        assert_sc_ok "delete the running md (marked for delete)" delete md
        assert_sc_error "a dependency marked for delete: SERVICE_DEPENDENCY_DELETED" \
                SERVICE_DEPENDENCY_DELETED 1075 start y
        assert_contains "the error says it is marked for delete" "$ERR" "marked for delete"
        assert_sc_ok "stop md (it goes)" stop md --wait

        create_helper dis -- --start disabled || return
        create_helper z -- --depend dis || return
        assert_sc_error "a disabled dependency: SERVICE_DEPENDENCY_FAIL" \
                SERVICE_DEPENDENCY_FAIL 1068 start z
        assert_contains "the error says it is disabled" "$ERR" "dis, which is disabled"

        # A notify dependency that exits before it is ready.
        create_helper bad --stamp "$D/stamps" --name bad --exit-after 300 -- --kind notify || return
        create_helper w -- --depend bad || return
        assert_sc_error "a dependency that fails to start: SERVICE_DEPENDENCY_FAIL" \
                SERVICE_DEPENDENCY_FAIL 1068 start w
        assert_contains "the error names the dependency" "$ERR" "bad"
        check "bad was tried" report_has bad exit=0
        check "w never ran" report_lacks w pid=
        assert_eq "w's exit code says why" 1068 "$(status_field w win32_exit_code)"

        run_sc create nx --exec /nonexistent/scm-test-program
        create_helper v -- --depend nx || return
        assert_sc_error "a dependency whose program is missing: SERVICE_DEPENDENCY_FAIL" \
                SERVICE_DEPENDENCY_FAIL 1068 start v

        # A dependency disabled while the start waits for its own dependency.
        dep_service slow 1500 || return
        dep_service mid2 100 --depend slow || return
        create_helper top2 -- --depend mid2 || return
        sc start top2 >"$D/top2.out" 2>"$D/top2.err" &
        local starting=$!
        wait_until 10 "slow is starting" state_is slow start-pending || return
        assert_sc_ok "disable mid2 meanwhile" config mid2 --start disabled
        wait_until 15 "the start of top2 is answered" proc_gone "$starting" || return
        wait "$starting"
        assert_eq "...with exit status 1" 1 $?
        assert_contains "...SERVICE_DEPENDENCY_FAIL, mid2 is disabled" "$(cat "$D/top2.err")" \
                "SERVICE_DEPENDENCY_FAIL (1068)"
        assert_contains "...naming it" "$(cat "$D/top2.err")" "mid2 is disabled"
        check "mid2 never ran" report_lacks mid2 pid=

        # Group dependencies.
        create_helper q -- --depend +Empty || return
        assert_sc_error "a group without services: SERVICE_DEPENDENCY_DELETED" \
                SERVICE_DEPENDENCY_DELETED 1075 start q
        create_helper allbad --exit-after 300 -- --kind notify --group AllBad || return
        create_helper r2 -- --depend +AllBad || return
        assert_sc_error "a group none of whose services runs: SERVICE_DEPENDENCY_FAIL" \
                SERVICE_DEPENDENCY_FAIL 1068 start r2
        create_helper gb --stamp "$D/stamps" --name gb --exit-after 300 -- --kind notify \
                --group Mixed || return
        create_helper gg -- --group Mixed || return
        create_helper r --stamp "$D/stamps" --name r -- --depend +Mixed || return
        assert_sc_ok "a group with one running service is met" start r --wait
        check "r is running" state_is r running
        load_stamps
        stamped_before "r started after every service of the group was tried" exit gb start r
}

test_stop_dependents() {
        daemon_start || return
        dep_service base 100 --group B || return
        dep_service mid 100 --depend base || return
        dep_service top 100 --depend mid || return
        dep_service side 100 --depend +B || return
        dep_service other 100 || return
        assert_sc_ok "start top" start top --wait
        assert_sc_ok "start side" start side --wait
        assert_sc_ok "start other" start other --wait

        run_sc --json enumdepend base
        assert_rc "enumdepend base" 0
        local names
        names=$(grep -o '"name":"[a-z]*"' <<<"$OUT" | cut -d'"' -f4 | uniq | tr '\n' ' ')
        assert_eq "enumdepend lists the dependents transitively, in stop order" \
                "top mid side " "$names"
        run_sc enumdepend base
        assert_contains "enumdepend prints a table" "$OUT" "SERVICE_NAME"

        assert_sc_error "stop base with running dependents: DEPENDENT_SERVICES_RUNNING" \
                DEPENDENT_SERVICES_RUNNING 1051 stop base
        assert_contains "the error names them" "$ERR" "top, mid, side"
        assert_sc_error "stop mid with top running: refused too" \
                DEPENDENT_SERVICES_RUNNING 1051 stop mid
        check "base still runs" state_is base running

        assert_sc_ok "stop base --with-dependents" stop base --with-dependents --wait
        local n
        for n in base mid top side; do
                check "$n is stopped" state_is "$n" stopped
        done
        check "other (independent) still runs" state_is other running
        load_stamps
        stamped_before "top had exited before mid was stopped" exit top stop mid
        stamped_before "mid had exited before base was stopped" exit mid stop base
        stamped_before "side had exited before base was stopped" exit side stop base
        run_sc --json enumdepend base --state active
        assert_eq "no dependent is active now" '{"services":[]}' "$OUT"
        assert_sc_ok "other stops as before (no dependents)" stop other --wait
}

# A failure action's restart starts the stopped dependencies first.
test_restart_cascades() {
        daemon_start || return
        dep_service base 200 || return
        dep_service crashy 100 --depend base || return
        assert_sc_ok "failure crashy --actions restart/0" failure crashy --reset 60 --actions restart/0
        assert_sc_ok "start crashy (and base)" start crashy --wait
        local base_pid crashy_pid
        base_pid=$(status_field base pid)
        crashy_pid=$(status_field crashy pid)
        kill -KILL "$base_pid"
        wait_state base stopped || return
        kill -KILL "$crashy_pid"
        wait_until 15 "crashy runs again" poll_restarted crashy "$crashy_pid" || return
        # Each fact through a wait of its own (the order of the two starts
        # is asserted below, from the services' own stamps).
        wait_until 15 "base runs again" state_is base running && tap_ok "base runs again"
        load_stamps
        assert_eq "base was started twice" 2 "$(count_stamps start base)"
        local second_base second_crashy
        second_base=$(grep "^ready base " "$D/stamps" | tail -1 | cut -d' ' -f3)
        second_crashy=$(grep "^start crashy " "$D/stamps" | tail -1 | cut -d' ' -f3)
        if [ "$second_base" -lt "$second_crashy" ]; then
                tap_ok "the restart waited for base to be ready"
        else
                tap_not_ok "the restart waited for base to be ready" "$(cat "$D/stamps")"
        fi
}

# The auto-start step's pending list has a stopped service (one waiting
# for its dependencies).
boot_lists_waiting() {
        local out
        out=$(sc --json query --boot 2>/dev/null) || return 1
        [[ "$out" == *'"phase":"auto-start"'* && "$out" == *'"state":"stopped"'* ]]
}

# poll_restarted NAME OLD_PID: NAME runs with another pid.
poll_restarted() {
        local pid
        state_is "$1" running || return 1
        pid=$(status_field "$1" pid) || return 1
        [ "$pid" != "$2" ]
}

# 50 auto-start services in groups G1, G2, G3 and none: in each group 5
# roots, 5 that depend on a root, 5 that depend on one of those; G2's
# third rank also depends on a G1 service, G3's on group G2; the 5
# ungrouped ones depend on a G3 service, and one G1 root on a demand-start
# service of no group (the cascade starts it at once).
test_boot_order() {
        daemon_start || return
        assert_sc_ok "group-order set G1,G2,G3" group-order set G1,G2,G3
        local g i deps=() edges=() all=()
        dep_service pre 200 || return
        for g in 1 2 3; do
                for i in 1 2 3 4 5; do
                        local extra=()
                        [ "$g$i" = 11 ] && extra=(--depend pre)
                        dep_service "r$g$i" 1000 --group "G$g" --start auto "${extra[@]}" || return
                        dep_service "m$g$i" 300 --group "G$g" --start auto --depend "r$g$i" || return
                        local d="m$g$i"
                        [ "$g" = 2 ] && d+=",m1$i"
                        [ "$g" = 3 ] && d+=",+G2"
                        dep_service "l$g$i" 200 --group "G$g" --start auto --depend "$d" || return
                        all+=("r$g$i" "m$g$i" "l$g$i")
                        edges+=("r$g$i>m$g$i" "m$g$i>l$g$i")
                        [ "$g" = 2 ] && edges+=("m1$i>l2$i")
                done
        done
        for i in 1 2 3 4 5; do
                dep_service "u$i" 200 --start auto --depend "l3$i" || return
                all+=("u$i")
                edges+=("l3$i>u$i")
        done
        edges+=("pre>r11")
        assert_eq "50 auto-start services" 50 "${#all[@]}"

        # The boot: scmd starts again and auto-starts them.
        daemon_stop
        rm -f "$D/stamps"
        daemon_start || return
        wait_until 10 "query --boot lists a service waiting for its dependencies" \
                boot_lists_waiting || return
        tap_ok "query --boot lists the services waiting for their dependencies (stopped)"
        local n
        for n in "${all[@]}"; do
                wait_state "$n" running 60 || return
        done
        tap_ok "every auto-start service is running"
        check "pre (demand-start) was started as r11's dependency" state_is pre running
        load_stamps

        local e bad=""
        for e in "${edges[@]}"; do
                [ "${ST["ready ${e%>*}"]}" -lt "${ST["start ${e#*>}"]}" ] || bad+=" $e"
        done
        for i in 1 2 3 4 5; do
                for n in r21 r22 r23 r24 r25 m21 m22 m23 m24 m25 l21 l22 l23 l24 l25; do
                        [ "${ST["ready $n"]}" -lt "${ST["start l3$i"]}" ] || bad+=" +G2>l3$i"
                done
        done
        assert_eq "every dependency was ready before its dependent started" "" "$bad"

        # Group by group: every service of a group was ready before any
        # service of a later group started.
        bad=""
        local a b
        for a in 1 2; do
                for b in 2 3 u; do
                        [[ "$b" != u && "$b" -le "$a" ]] && continue
                        for n in "${all[@]}"; do
                                [[ "$n" == ?"$a"? ]] || continue
                                local later
                                for later in "${all[@]}"; do
                                        if [ "$b" = u ]; then [[ "$later" == u? ]] || continue
                                        else [[ "$later" == ?"$b"? ]] || continue; fi
                                        [ "${ST["ready $n"]}" -lt "${ST["start $later"]}" ] ||
                                                bad+=" $n>$later"
                                done
                        done
                done
        done
        assert_eq "groups came up in the group order" "" "$bad"
        if overlapped r11 r12 && overlapped r21 r25 && overlapped r31 r33; then
                tap_ok "independent services started in parallel (their start and ready overlap)"
        else
                tap_not_ok "independent services started in parallel" \
                        "r11 ${ST["start r11"]}..${ST["ready r11"]} r12 ${ST["start r12"]}..${ST["ready r12"]}"
        fi

        # The shutdown: dependents first.
        daemon_stop 60
        assert_eq "scmd exits 0 after stopping them" 0 "$DAEMON_RC"
        load_stamps
        bad=""
        for e in "${edges[@]}"; do
                [ "${ST["exit ${e#*>}"]:-0}" -lt "${ST["stop ${e%>*}"]:-0}" ] || bad+=" $e"
        done
        for i in 1 2 3 4 5; do
                for n in r21 m21 l21 r25 m25 l25; do
                        [ "${ST["exit l3$i"]:-0}" -lt "${ST["stop $n"]:-0}" ] || bad+=" +G2>l3$i"
                done
        done
        assert_eq "every dependent had exited before its dependency was stopped" "" "$bad"
}

# A group dependency is met by a running member whatever its start type
# became (disabled while it runs).
test_group_running_disabled() {
        daemon_start || return
        dep_service gm 100 --group RunDis || return
        create_helper gu -- --depend +RunDis || return
        assert_sc_ok "start gm" start gm --wait
        assert_sc_ok "disable gm while it runs" config gm --start disabled
        assert_sc_ok "a group whose running member is disabled is met" start gu --wait
        check "gu is running" state_is gu running
}

# stop --with-dependents while a stopped dependent is started again: the
# client is answered (DEPENDENT_SERVICES_RUNNING naming it), not left to
# wait for ever.
test_stop_dependents_restarted() {
        daemon_start --stop-timeout 60000 || return
        dep_service sbase 100 || return
        create_helper sfast -- --depend sbase || return
        create_helper sslow --ignore-term -- --depend sbase || return
        assert_sc_ok "start sfast (and sbase)" start sfast --wait
        assert_sc_ok "start sslow" start sslow --wait
        "$SCCTL" --root "$D" --timeout 30 stop sbase --with-dependents --wait \
                >"$D/swd.out" 2>"$D/swd.err" &
        local client=$!
        wait_state sfast stopped || return
        assert_sc_ok "start sfast again meanwhile" start sfast --wait
        check "sslow is still stopping (it ignores SIGTERM)" state_is sslow stop-pending
        kill -KILL "$(status_field sslow pid)"
        if poll_until 25 proc_gone "$client"; then
                tap_ok "the stop --with-dependents client is answered"
        else
                tap_not_ok "the stop --with-dependents client is answered" "still waiting"
                kill "$client" 2>/dev/null
        fi
        wait "$client"
        assert_ne "...with a failure" 0 $?
        assert_contains "...DEPENDENT_SERVICES_RUNNING" "$(cat "$D/swd.err")" 1051
        assert_contains "...naming the service started again" "$(cat "$D/swd.err")" "sfast"
        check "sbase still runs" state_is sbase running
}

# A start waiting for its dependency when the shutdown begins is answered
# SHUTDOWN_IN_PROGRESS (not a failure of its dependency), and nothing is
# recorded as its exit code.
test_shutdown_cancels_waiting_start() {
        daemon_start || return
        dep_service slowdep 8000 || return
        create_helper waiter -- --depend slowdep || return
        "$SCCTL" --root "$D" --timeout 30 start waiter --wait >"$D/w.out" 2>"$D/w.err" &
        local client=$!
        wait_state slowdep start-pending || return
        daemon_stop 60
        if poll_until 20 proc_gone "$client"; then
                tap_ok "the waiting client is answered"
        else
                tap_not_ok "the waiting client is answered" "still waiting"
                kill "$client" 2>/dev/null
        fi
        wait "$client"
        assert_ne "...with a failure" 0 $?
        assert_contains "...SHUTDOWN_IN_PROGRESS" "$(cat "$D/w.err")" 1115
        assert_not_contains "...not a dependency failure" "$(cat "$D/w.err")" 1068
}

# A roll back (boot reject) while the auto-start waits for a slow service
# of the first group: the boot's next group is not started during the roll
# back; the auto-start after it starts the groups in order again.
test_rollback_cancels_boot() {
        daemon_start --boot-accept manual --stop-timeout 5000 || return
        assert_sc_ok "group-order set R1,R2" group-order set R1,R2
        dep_service ra 3000 --group R1 --start auto || return
        dep_service rb 100 --group R2 --start auto || return
        daemon_stop 30
        daemon_start --boot-accept manual --stop-timeout 5000 || return
        wait_state rb running 30 || return
        assert_sc_ok "boot accept (a last known good copy)" boot accept
        daemon_stop 30
        rm -f "$D/stamps"
        daemon_start --boot-accept manual --stop-timeout 5000 || return
        wait_state ra start-pending || return
        assert_sc_ok "boot reject while ra (group R1) starts" boot reject
        wait_until 40 "the second auto-start brought rb up" state_is rb running || return
        local last_ready_ra first_start_rb
        last_ready_ra=$(grep "^ready ra " "$D/stamps" | tail -1 | cut -d' ' -f3)
        first_start_rb=$(grep "^start rb " "$D/stamps" | head -1 | cut -d' ' -f3)
        if [ -n "$last_ready_ra" ] && [ -n "$first_start_rb" ] &&
                [ "$last_ready_ra" -lt "$first_start_rb" ]; then
                tap_ok "rb (group R2) was not started during the roll back, only after ra ran"
        else
                tap_not_ok "rb (group R2) was not started during the roll back, only after ra ran" \
                        "$(cat "$D/stamps")"
        fi
}

run_test test_cycles
run_test test_start_cascade
run_test test_dependency_errors
run_test test_stop_dependents
run_test test_group_running_disabled
run_test test_stop_dependents_restarted
run_test test_shutdown_cancels_waiting_start
run_test test_rollback_cancels_boot
run_test test_restart_cascades
run_test test_boot_order
finish
