#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Progress within a state (docs/protocol.md, "Events": status_progress):
# a subscriber that asked for progress sees each new checkpoint, wait hint
# and status text of a pending service as it happens, and `scctl start
# --wait` / `stop --wait` on a terminal show them on one live line that is
# erased before the final block.  The terminal is a real pseudo-terminal
# (script(1)); the services are the native test service reporting
# checkpoints and the plain test service speaking sd_notify.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# watch_start FILE ARGS...: `scctl watch --json ARGS` into FILE, in the
# background, once its subscription is made (its first line is the report
# of the current state).  WATCH_PID is its pid.
watch_start() {
        local file=$1
        shift
        sc watch --json "$@" >"$file" 2>"$file.err" &
        WATCH_PID=$!
        wait_until 10 "the watch has subscribed" test -s "$file"
}

# watch_stop: ends the watch (SIGTERM ends it with 0).
watch_stop() {
        kill -TERM "$WATCH_PID" 2>/dev/null
        wait "$WATCH_PID" 2>/dev/null
}

# on_terminal OUTFILE ARGS...: scctl ARGS on a pseudo-terminal; what the
# terminal showed goes to OUTFILE, the exit status to RC.
on_terminal() {
        local out=$1 cmd
        shift
        cmd=$(printf '%q ' "$SCCTL" --root "$D" --timeout 20 "$@")
        script -qefc "$cmd" /dev/null >"$out" 2>&1 </dev/null
        RC=$?
}

# The checkpoints of the status_progress events in FILE, one a line.
progress_checkpoints() {
        grep '"event":"status_progress"' "$1" | grep -o '"checkpoint":[0-9]*' | cut -d: -f2
}

test_progress_events() {
        daemon_start || return
        create_native steps --progress 5 --wait-hint 2000 --step 200 -- --control-timeout 5000 || return
        local with="$D/with.jsonl" without="$D/without.jsonl"
        watch_start "$with" --progress steps || return
        local with_pid=$WATCH_PID
        watch_start "$without" steps || return
        assert_sc_ok "start steps" start steps --wait
        watch_stop
        WATCH_PID=$with_pid
        watch_stop

        local seen
        seen=$(progress_checkpoints "$with" | tr '\n' ' ')
        assert_eq "with --progress: checkpoints 1 to 5 in order, each once" "1 2 3 4 5 " "$seen"
        local states
        states=$(grep '"event":"status_progress"' "$with" | grep -o '"state":"[a-z-]*"' | sort -u)
        assert_eq "...all while start-pending" '"state":"start-pending"' "$states"
        local pending_seq progress_seqs
        pending_seq=$(grep '"previous":"stopped"' "$with" | grep -o '"seq":[0-9]*' | head -n 1)
        progress_seqs=$(grep '"event":"status_progress"' "$with" | grep -o '"seq":[0-9]*' | sort -u)
        assert_eq "...each with the seq of the start-pending it is in" "$pending_seq" "$progress_seqs"
        assert_contains "...and the watch saw running after them" "$(tail -n 1 "$with")" '"running"'
        assert_eq "without --progress: no progress event" 0 \
                "$(grep -c '"event":"status_progress"' "$without")"
        assert_sc_ok "stop steps" stop steps --wait
}

test_live_start_and_stop() {
        daemon_start || return
        create_native live --progress 6 --wait-hint 2000 --step 300 --accept stop \
                --stop-slowly 1500 -- --control-timeout 5000 || return
        local out="$D/start.tty"
        on_terminal "$out" start live --wait
        assert_rc "start --wait on a terminal succeeds" 0
        local shown
        shown=$(tr '\r' '\n' <"$out")
        assert_contains "the live line showed a checkpoint under way" "$shown" \
                "live: start-pending, checkpoint 3, wait hint 2000 ms"
        assert_contains "...and the last one" "$shown" "live: start-pending, checkpoint 6"
        assert_contains "...erased before the final block" "$(cat -v "$out")" '^M^[[K'
        assert_contains "the final block says RUNNING" "$shown" "RUNNING"

        out="$D/stop.tty"
        on_terminal "$out" stop live --wait
        assert_rc "stop --wait on a terminal succeeds" 0
        shown=$(tr '\r' '\n' <"$out")
        assert_contains "the live line showed the stop's checkpoints" "$shown" \
                "live: stop-pending, checkpoint"
        assert_contains "the final block says STOPPED" "$shown" "STOPPED"

        # Not a terminal: the output is the block alone, as before.
        assert_sc_ok "start --wait into a pipe" start live --wait
        assert_not_contains "...shows no live line" "$OUT$ERR" "checkpoint 3, wait hint"
        assert_sc_ok "stop live" stop live --wait
}

test_live_status_text() {
        daemon_start || return
        create_helper texty --notify-status "warming the cache" --notify-ready-after 2500 \
                -- --kind notify || return
        local events="$D/texty.jsonl"
        watch_start "$events" --progress texty || return
        local out="$D/texty.tty"
        on_terminal "$out" start texty --wait
        watch_stop
        assert_rc "start --wait of a notify service on a terminal succeeds" 0
        assert_contains "the live line showed its STATUS= text" "$(tr '\r' '\n' <"$out")" \
                "texty: start-pending, checkpoint 0, wait hint"
        assert_contains "...with the text" "$(tr '\r' '\n' <"$out")" ": warming the cache"
        local text_event
        text_event=$(grep '"event":"status_progress"' "$events" | grep -c '"status_text":"warming the cache"')
        assert_eq "a progress event carried the status text, once" 1 "$text_event"
        assert_sc_ok "stop texty" stop texty --wait
}

if ! command -v script >/dev/null; then
        echo "1..0 # SKIP script(1) is not installed (util-linux)"
        exit 0
fi
run_test test_progress_events
run_test test_live_start_and_stop
run_test test_live_status_text
finish
