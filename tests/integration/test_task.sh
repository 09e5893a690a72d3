#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Scheduled tasks, observed from outside: what the task's program wrote
# (its uid, its cgroup, its start and end times), /proc, and the history
# scctl shows.
#   - a task runs at its time under its account, in a cgroup of its own
#     below scmd's, and its history shows the exit code;
#   - an interval task told not to overlap (skip) never has two runs at
#     once, and records the runs it skipped; one told parallel does overlap
#     (so the check can fail);
#   - a run missed while scmd was stopped runs once when it starts again
#     (and not at all with --missed skip);
#   - a run past its limit is stopped (its process gone) and recorded so;
#   - access: a user without the rights may not run or delete a task or
#     create one; given create-service, it may create tasks under its own
#     account only, and they run as it.
# Waits use intervals in seconds (--sc SECOND), allowed for this.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The JSON of `task history NAME` (OUT).
history_json() {
        run sc --json task history "$1"
}

# count_runs NAME RESULT: how many runs of NAME's history have RESULT.
count_runs() {
        history_json "$1"
        grep -o "\"result\": *\"$2\"" <<<"$OUT" | wc -l
}

has_runs() { # NAME RESULT N: at least N runs with RESULT
        [ "$(count_runs "$1" "$2")" -ge "$3" ]
}

# A folder every account may write to, for what the tasks report.
make_out() {
        chmod 711 "$D"
        mkdir -p "$D/out"
        chmod 1777 "$D/out"
}

test_runs_as_account() {
        daemon_start || return
        make_out
        local account=nobody want
        want=$(id -u nobody)
        if ! is_root; then
                account=$(id -un)
                want=$(id -u)
        fi
        assert_sc_ok "at creates a one-shot task two seconds ahead" \
                at +2 --tn once1 --ru "$account" -- sh -c "id -u > $D/out/uid; cat /proc/self/cgroup > $D/out/cgroup; exit 7"
        run_sc task query once1
        assert_contains "query shows the account" "$OUT" "Run As User:         $account"
        assert_contains "query shows the once trigger" "$OUT" "Schedule:            once "
        wait_until 30 "the task's program wrote its uid" test -s "$D/out/uid"
        assert_eq "the program ran as the task's account (uid from inside)" "$(cat "$D/out/uid")" "$want"
        if [ -n "$(cgroup2_mount)" ] && grep -q '/tasks/' "$D/out/cgroup" 2>/dev/null; then
                tap_ok "the run was in a cgroup of its own below scmd's (.../tasks/once1.N.service)"
        elif [ -n "$(cgroup2_mount)" ] && is_root; then
                tap_not_ok "the run was in a cgroup of its own below scmd's" "$(cat "$D/out/cgroup")"
        else
                tap_skip "the run's cgroup" "scmd has no cgroup here"
        fi
        wait_until 30 "the run is recorded as ended" has_runs once1 exited 1
        history_json once1
        assert_contains "history shows the exit code 7" "$OUT" '"exit_code":7'
        assert_contains "history shows why it ran" "$OUT" '"reason":"scheduled"'
        run_sc task history once1
        assert_contains "task history prints it" "$OUT" "exit 7"
        run_sc task query once1
        assert_contains "a once task that ran has no next run" "$OUT" "Next Run Time:       N/A"
}

# Each run appends "start" and then "end" to LOG; the most runs at once.
max_concurrent() {
        awk '$1 == "start" { n++; if (n > max) max = n } $1 == "end" { n-- } END { print max + 0 }' "$1"
}

test_overlap() {
        daemon_start || return
        make_out
        local body='echo start >> $0; sleep 2.5; echo end >> $0'
        assert_sc_ok "an every-second task that skips while it runs" \
                task create skipper --tr "sh -c '$body' $D/out/skip.log" --sc SECOND --mo 1 --overlap skip
        assert_sc_ok "an every-second task that runs in parallel" \
                task create parallel --tr "sh -c '$body' $D/out/par.log" --sc SECOND --mo 1 --overlap parallel
        wait_until 40 "two runs of the skipping task ended" has_runs skipper exited 2
        wait_until 40 "runs of the parallel task ended" has_runs parallel exited 2
        sc task config skipper --disable >/dev/null
        sc task config parallel --disable >/dev/null
        assert_eq "the skipping task never had two runs at once" "$(max_concurrent "$D/out/skip.log")" 1
        if has_runs skipper skipped 1; then
                tap_ok "its history records the runs it skipped"
        else
                tap_not_ok "its history records the runs it skipped" "$OUT"
        fi
        local par
        par=$(max_concurrent "$D/out/par.log")
        if [ "$par" -ge 2 ]; then
                tap_ok "the parallel task had runs at once ($par): the check can see an overlap"
        else
                tap_not_ok "the parallel task had runs at once" "max $par"$'\n'"$(cat "$D/out/par.log")"
        fi
        assert_sc_ok "an every-second task that queues" \
                task create queuer --tr "sh -c '$body' $D/out/queue.log" --sc SECOND --mo 1 --overlap queue
        wait_until 40 "a queued run of it ended" has_runs_reason queuer queued 1
        sc task config queuer --disable >/dev/null
        assert_eq "the queueing task never had two runs at once" "$(max_concurrent "$D/out/queue.log")" 1
        wait_until 30 "a disabled task, its runs over, says Disabled" status_is skipper Disabled
        run_sc task query skipper
        assert_contains "and has no next run" "$OUT" "Next Run Time:       N/A"
}

status_is() { # NAME STATUS: task query NAME says STATUS
        run sc task query "$1"
        [[ "$OUT" == *"Status:              $2"* ]]
}

has_runs_reason() { # NAME REASON N: at least N ended runs with REASON
        history_json "$1"
        [ "$(grep -o "\"reason\":\"$2\",[^}]*\"ended_at_ms\"" <<<"$OUT" | wc -l)" -ge "$3" ]
}

past() { # past T: the wall clock is past unix time T
        [ "$(date +%s)" -gt "$1" ]
}

test_missed_run() {
        daemon_start || return
        make_out
        local due when
        due=$(($(date +%s) + 3))
        when=$(date -d "@$due" '+%Y-%m-%d %H:%M:%S')
        assert_sc_ok "a task due in three seconds" \
                task create missed --tr "sh -c 'echo ran >> $D/out/missed'" --trigger "once $when"
        assert_sc_ok "another, told not to run missed runs" \
                task create notmissed --tr "sh -c 'echo ran >> $D/out/notmissed'" --trigger "once $when" --missed skip
        assert_sc_ok "a task that runs at boot" \
                task create onboot --tr "sh -c 'echo ran >> $D/out/onboot'" --sc ONSTART
        daemon_stop
        assert_eq "a boot task did not run when it was made" "$(cat "$D/out/onboot" 2>/dev/null)" ""
        # Waiting for the wall clock to pass the due time, not for scmd.
        wait_until 30 "the due time passed while scmd was stopped" past "$((due + 1))"
        assert_eq "nothing ran while scmd was stopped" "$(cat "$D/out/missed" 2>/dev/null)" ""
        daemon_start || return
        wait_until 30 "the missed run ran once scmd was back" test -s "$D/out/missed"
        wait_until 30 "and is recorded as ended" has_runs missed exited 1
        history_json missed
        assert_contains "its history says it was missed" "$OUT" '"reason":"missed"'
        # Another scmd restart does not run it again.
        daemon_stop
        daemon_start || return
        run_sc task query missed # a round trip: scmd's start-up is over
        assert_eq "it ran exactly once, across two restarts" "$(wc -l <"$D/out/missed")" 1
        wait_until 30 "the boot task ran at each of the two starts" has_runs onboot exited 2
        assert_eq "its program ran twice" "$(wc -l <"$D/out/onboot")" 2
        history_json onboot
        assert_contains "its history says boot" "$OUT" '"reason":"boot"' 
        assert_eq "the task told to skip missed runs did not run" "$(count_runs notmissed exited)" 0
        [ -e "$D/out/notmissed" ] && tap_not_ok "its program did not run" "$(cat "$D/out/notmissed")" ||
                tap_ok "its program did not run"
}

test_time_limit() {
        daemon_start || return
        make_out
        assert_sc_ok "a task with a limit of one second" \
                task create longrun --tr "sh -c 'echo \$\$ > $D/out/pid; exec sleep 60'" --limit 1
        assert_sc_ok "task run starts it by hand" task run longrun
        wait_until 30 "its program started" test -s "$D/out/pid"
        local pid
        pid=$(cat "$D/out/pid")
        wait_until 30 "the run is recorded as stopped at its limit" has_runs longrun time_limit 1
        history_json longrun
        assert_contains "the history says it was killed by SIGTERM" "$OUT" '"signal":15'
        assert_contains "and that it ran by hand" "$OUT" '"reason":"manual"'
        if proc_alive "$pid"; then
                tap_not_ok "the process is gone" "pid $pid still alive"
        else
                tap_ok "the process is gone"
        fi
        assert_sc_error "task end on a task that does not run" SERVICE_NOT_ACTIVE 1062 task end longrun
        assert_sc_ok "another run" task run longrun
        wait_until 30 "it runs" has_runs longrun running 1
        assert_sc_ok "task end stops it" task end longrun
        wait_until 30 "recorded as ended by request" has_runs longrun ended 1
        # A run going on when scmd stops does not outlive it.
        rm -f "$D/out/pid"
        assert_sc_ok "a third run" task run longrun
        wait_until 30 "its program started" test -s "$D/out/pid"
        pid=$(cat "$D/out/pid")
        daemon_stop
        if proc_alive "$pid"; then
                tap_not_ok "a run does not outlive scmd" "pid $pid still alive"
        else
                tap_ok "a run does not outlive scmd"
        fi
        daemon_start || return
        history_json longrun
        assert_contains "its history says it was interrupted" "$OUT" '"result":"interrupted"'
        # After a crash of scmd: the next one stops it (its cgroup) and says so.
        if ! is_root || [ -z "$(cgroup2_mount)" ]; then
                tap_skip "a run left by a crashed scmd is stopped by the next" "needs root and cgroup v2"
                return
        fi
        rm -f "$D/out/pid"
        assert_sc_ok "a fourth run" task run longrun
        wait_until 30 "its program started" test -s "$D/out/pid"
        pid=$(cat "$D/out/pid")
        kill -KILL "$SCMD_PID"
        wait_until 30 "scmd is gone" proc_gone "$SCMD_PID"
        daemon_start || return
        wait_until 30 "the run left by the crashed scmd is stopped by the next" proc_gone "$pid" &&
                tap_ok "a run left by a crashed scmd is stopped by the next"
        wait_until 30 "and recorded as interrupted" has_runs longrun interrupted 2
}

test_refusals() {
        daemon_start || return
        assert_sc_error "a trigger that does not parse is refused, named" INVALID_PARAMETER 87 \
                task create bad --tr true --trigger "hourly 10:00"
        assert_contains "the error names the word" "$ERR" "hourly"
        assert_sc_error "an unknown time zone is refused" INVALID_PARAMETER 87 \
                task create bad --tr true --trigger "daily 10:00" --tz Mars/Olympus
        assert_sc_error "an unknown account is refused" INVALID_SERVICE_ACCOUNT 1057 \
                task create bad --tr true --ru no-such-user-$$
        assert_sc_error "an unknown task" FILE_NOT_FOUND 2 task run nothing
        assert_sc_ok "a task" task create dup --tr true
        assert_sc_error "the same name twice" SERVICE_EXISTS 1073 task create dup --tr true
        assert_sc_ok "task delete" task delete dup
        assert_sc_error "gone after delete" FILE_NOT_FOUND 2 task query dup
}

# as nobody: scctl ARGS as the user nobody (OUT, ERR, RC).
run_as_nobody() {
        run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
                "$SCCTL" --root "$D" --timeout 30 "$@"
}

test_access() {
        if ! is_root || ! command -v setpriv >/dev/null; then
                tap_skip "task access lists" "needs root and setpriv"
                return
        fi
        daemon_start || return
        make_out
        assert_sc_ok "root makes a task" task create rootjob --tr "sh -c 'id -u > $D/out/rootjob'"
        run_as_nobody task query rootjob
        assert_rc "another user may query it (the default list)" 0
        run_as_nobody task run rootjob
        assert_rc "but not run it" 1
        assert_contains "ACCESS_DENIED naming the right" "$ERR" "start"
        run_as_nobody task delete rootjob
        assert_rc "nor delete it" 1
        run_as_nobody task create mine --tr true
        assert_rc "nor create a task without create-service on the SCM" 1
        assert_sc_ok "root grants everyone create-service" \
                sdset --scm "allow everyone connect,enumerate,query-lock-status,read-control,create-service"
        run_as_nobody task create theirs --tr true --ru root
        assert_rc "a user may not create a task under another account" 1
        assert_contains "and is told why" "$ERR" "own account"
        run_as_nobody task create mine --tr "sh -c 'id -u > $D/out/mine'" --ru nobody
        assert_rc "but may create one under its own" 0
        run_as_nobody task run mine
        assert_rc "and run what it made" 0
        wait_until 30 "its task ran" test -s "$D/out/mine"
        assert_eq "as itself" "$(cat "$D/out/mine")" "$(id -u nobody)"
        assert_sc_ok "root sets an access list on the task: nobody may only query" \
                task config mine --access "allow everyone query-status"
        run_as_nobody task run mine
        assert_rc "then it may not run it" 1
}

run_test test_runs_as_account
run_test test_overlap
run_test test_missed_run
run_test test_time_limit
run_test test_refusals
run_test test_access
finish
