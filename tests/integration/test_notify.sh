#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Notify services (docs/protocol.md, "sd_notify"): an unchanged sd_notify
# daemon (examples/notify-daemon) and the test helper's --notify-* modes
# run under scmd.  Running only at READY=1, STATUS= as status_text,
# STOPPING=1, a start that never says READY, EXTEND_TIMEOUT_USEC, the
# watchdog, ERRNO=, who is heard: the service's processes, never a
# stranger, a message holding a NUL byte dropped whole, and a STATUS=
# text that is not UTF-8.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

notify_daemon_ok() {
        if [ -z "${EXAMPLES:-}" ] || [ ! -x "$EXAMPLES/notify-daemon" ]; then
                tap_not_ok "example notify-daemon is built" "EXAMPLES=${EXAMPLES:-unset}"
                return 1
        fi
}

# create_notify_helper NAME [HELPER OPTIONS...] [-- SCCTL CREATE OPTIONS...]
create_notify_helper() {
        local name=$1 hopts=() copts=()
        shift
        while [ $# -gt 0 ]; do
                if [ "$1" = -- ]; then
                        shift
                        copts=("$@")
                        break
                fi
                hopts+=("$1")
                shift
        done
        create_helper "$name" "${hopts[@]}" -- --kind notify "${copts[@]}"
}

scmd_log_has() {
        grep -qF -- "$1" "$D/scmd.stderr" 2>/dev/null
}

status_text_is() {
        [ "$(status_field "$1" status_text)" = "$2" ]
}

# The notify settings as scctl sets and shows them.
test_notify_config() {
        daemon_start || return
        assert_sc_ok "create a notify service with a watchdog" create cfg --kind notify \
                --exec "$(cmdline "$HELPER")" --control-timeout 1500 --watchdog 800
        run_sc --json qc cfg
        assert_eq "qc: kind notify" notify "$(json_get "$OUT" kind)"
        assert_eq "qc: control_timeout_ms 1500" 1500 "$(json_get "$OUT" control_timeout_ms)"
        assert_eq "qc: watchdog_ms 800" 800 "$(json_get "$OUT" watchdog_ms)"
        assert_sc_error "a watchdog on a plain service is INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create cfg2 --exec "$(cmdline "$HELPER")" --watchdog 800
        assert_sc_error "a control timeout under 100 ms is INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create cfg3 --kind notify --exec "$(cmdline "$HELPER")" --control-timeout 99
}

# An unmodified sd_notify daemon: start-pending until READY=1, then running;
# STATUS= shows; SIGTERM -> STOPPING=1 -> stopped cleanly.
test_ready() {
        notify_daemon_ok || return
        daemon_start --stop-timeout 2000 || return
        assert_sc_ok "create nd" create nd --kind notify \
                --exec "$(cmdline "$EXAMPLES/notify-daemon" 1500)" --control-timeout 1000
        local t0
        t0=$(now_ms)
        run_sc --json start nd
        assert_rc "start nd" 0
        assert_eq "start answers at exec: start-pending" start-pending "$(json_get "$OUT" state)"
        wait_until 5 "nd says STATUS=initialising" status_text_is nd initialising &&
                tap_ok "STATUS= shows as status_text"
        run_sc --json query nd
        assert_eq "before READY=1 nd is start-pending" start-pending "$(json_get "$OUT" state)"
        assert_eq "EXTEND_TIMEOUT_USEC shows as the wait hint (2500 ms)" 2500 "$(json_get "$OUT" wait_hint)"
        assert_eq "no controls but stop while starting" '["stop"]' \
                "$(grep -o '"controls_accepted":\[[^]]*\]' <<<"$OUT" | sed 's/.*://')"
        wait_state nd running 10 || return
        local took=$(($(now_ms) - t0))
        if [ "$took" -ge 1400 ]; then
                tap_ok "running only after READY=1 ($took ms after the start, init 1500 ms)"
        else
                tap_not_ok "running only after READY=1" "running $took ms after the start, before its 1500 ms init ended"
        fi
        assert_eq "after READY=1, STATUS=serving" serving "$(status_field nd status_text)"
        local pid
        pid=$(status_field nd pid)

        run_sc stop nd --wait
        assert_rc "stop nd --wait" 0
        run_sc --json query nd
        assert_eq "stopped" stopped "$(json_get "$OUT" state)"
        assert_eq "a clean stop: win32_exit_code 0" 0 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...STATUS= from its STOPPING=1 message" "shutting down" "$(json_get "$OUT" status_text)"
        wait_until 5 "pid $pid is gone" proc_gone "$pid" && tap_ok "nd's process is gone"
}

# STOPPING=1 from the service itself: it is leaving on purpose, so its exit
# is a clean stop, not PROCESS_ABORTED.
test_stopping() {
        daemon_start --stop-timeout 2000 || return
        create_notify_helper leaver --notify-ready-after 0 --exit-after 700 --notify-stopping \
                -- --control-timeout 2000 || return
        run_sc start leaver --wait
        assert_rc "start leaver --wait" 0
        wait_report leaver exit=0 5 || return
        wait_state leaver stopped 5 || return
        run_sc --json query leaver
        assert_eq "STOPPING=1, then exit: win32_exit_code 0" 0 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...desired is stopped" stopped "$(json_get "$OUT" desired)"
        check "the helper did send STOPPING=1" report_has leaver notify=STOPPING=1

        create_notify_helper quitter --notify-ready-after 0 --exit-after 300 -- --control-timeout 2000 || return
        run_sc start quitter --wait
        wait_state quitter stopped 5 || return
        assert_eq "without STOPPING=1 the same exit is PROCESS_ABORTED (1067)" 1067 \
                "$(status_field quitter win32_exit_code)"
}

# A start that never says READY=1 is a start hang.
test_never_ready() {
        daemon_start --stop-timeout 2000 || return
        create_notify_helper mute --notify-status "waiting forever" -- --control-timeout 1000 || return
        local t0 pid
        t0=$(now_ms)
        run_sc start mute
        assert_rc "start mute" 0
        wait_report mute ready=1 5 || return
        pid=$(report_get mute pid)
        wait_until 5 "mute says STATUS=" status_text_is mute "waiting forever"
        assert_eq "mute is start-pending" start-pending "$(status_field mute state)"
        wait_state mute stopped 10 || return
        tap_ok "mute is stopped after $(($(now_ms) - t0)) ms (control timeout 1000 + 1000 grace)"
        assert_eq "...with SERVICE_START_HANG (1070)" 1070 "$(status_field mute win32_exit_code)"
        wait_until 5 "mute's pid $pid is gone" proc_gone "$pid" && tap_ok "mute's process is gone"
        check "scmd says it hung" scmd_log_has "service mute: hung in start-pending"
}

# EXTEND_TIMEOUT_USEC: an init longer than control timeout + grace (2 s)
# still ends running, because the daemon asked for more time.
test_extend_timeout() {
        notify_daemon_ok || return
        daemon_start --stop-timeout 2000 || return
        assert_sc_ok "create slowinit (init 2500 ms, control timeout 1000 ms)" create slowinit \
                --kind notify --exec "$(cmdline "$EXAMPLES/notify-daemon" 2500)" --control-timeout 1000
        run_sc start slowinit
        assert_rc "start slowinit" 0
        wait_until 10 "slowinit leaves start-pending" eval '! state_is slowinit start-pending' || return
        run_sc --json query slowinit
        assert_eq "slowinit is running thanks to EXTEND_TIMEOUT_USEC" running "$(json_get "$OUT" state)"
        assert_eq "...win32_exit_code 0" 0 "$(json_get "$OUT" win32_exit_code)"
        assert_sc_ok "stop slowinit" stop slowinit --wait
}

# The watchdog: WATCHDOG_USEC in the environment; petted, the service lives
# past one period; once it stops petting, it is killed with 1053.
test_watchdog() {
        daemon_start --stop-timeout 2000 || return
        create_notify_helper dog --notify-ready-after 0 --notify-watchdog-for 1600 \
                -- --control-timeout 2000 --watchdog 1000 || return
        local t0
        t0=$(now_ms)
        run_sc start dog --wait
        assert_rc "start dog --wait" 0
        check "WATCHDOG_USEC=1000000 is in its environment" report_has dog env=WATCHDOG_USEC=1000000
        check "NOTIFY_SOCKET is scmd's" report_has dog "env=NOTIFY_SOCKET=$D/run/notify.sock"
        # The helper writes this itself once it has run 1.6 s: alive then,
        # it was not killed at the end of its first 1 s period.  (Not scmd's
        # state now: that turns stopped 1 s after the last pet, a window a
        # busy machine may let pass before the query.)
        wait_report dog watchdog-stopped=1 5 || return
        tap_ok "petted for 1.6 s, it ran past its 1 s watchdog"
        local pid
        pid=$(report_get dog pid)
        wait_state dog stopped 5 || return
        tap_ok "once the petting stopped, dog was stopped ($(($(now_ms) - t0)) ms after the start)"
        run_sc --json query dog
        assert_eq "...with SERVICE_REQUEST_TIMEOUT (1053)" 1053 "$(json_get "$OUT" win32_exit_code)"
        local process_exit=${OUT#*\"process_exit\"}
        assert_eq "...killed by SIGKILL" 9 "$(json_get "$process_exit" signal)"
        wait_until 5 "dog's pid $pid is gone" proc_gone "$pid" && tap_ok "dog's process is gone"
        check "scmd says it missed its watchdog" scmd_log_has "service dog: no WATCHDOG=1 within 1000 ms"
}

# ERRNO=n: SERVICE_SPECIFIC_ERROR with n, after a stop or an exit of its own.
test_errno() {
        daemon_start --stop-timeout 2000 || return
        create_notify_helper err --notify-ready-after 0 --notify-errno 7 -- --control-timeout 2000 || return
        run_sc start err --wait
        assert_rc "start err --wait" 0
        assert_sc_ok "stop err" stop err --wait
        run_sc --json query err
        assert_eq "ERRNO=7 on the way out: win32_exit_code 1066" 1066 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...service_exit_code 7" 7 "$(json_get "$OUT" service_exit_code)"

        create_notify_helper err2 --notify-ready-after 0 --notify-errno 9 --exit-after 400 --exit-code 1 \
                -- --control-timeout 2000 || return
        run_sc start err2 --wait
        wait_state err2 stopped 5 || return
        run_sc --json query err2
        assert_eq "ERRNO=9, then exit by itself: win32_exit_code 1066" 1066 "$(json_get "$OUT" win32_exit_code)"
        assert_eq "...service_exit_code 9" 9 "$(json_get "$OUT" service_exit_code)"
}

# Who is heard: a stranger is not; a process inside the service is.
test_attribution() {
        daemon_start --stop-timeout 2000 --debug || return
        local sock="$D/run/notify.sock"

        create_notify_helper waiter --notify-ready-after 4000 -- --control-timeout 10000 || return
        run_sc start waiter
        assert_rc "start waiter" 0
        wait_report waiter ready=1 5 || return
        # The stranger is a child of this script, not of scmd; it stays
        # alive after sending, so scmd can see who it is.
        "$HELPER" --report "$(report_path stranger)" --notify-socket "$sock" --notify-ready-after 0 &
        local stranger=$!
        wait_report stranger notify=READY=1 5
        wait_until 5 "scmd logs the stranger's message as dropped" \
                scmd_log_has "dropped a notify message from pid $stranger:" &&
                tap_ok "scmd received the stranger's READY=1 and dropped it"
        if poll_until 1 state_is waiter running; then
                tap_not_ok "a stranger's READY=1 is ignored" "waiter became running"
        else
                tap_ok "a stranger's READY=1 is ignored: waiter stays start-pending"
        fi
        kill "$stranger"
        wait "$stranger"
        assert_sc_ok "stop waiter" stop waiter --wait

        # --notify-send: one datagram from a process that ends at once.
        run "$HELPER" --notify-socket "$sock" --notify-send READY=1
        assert_rc "the test script sends READY=1 to $sock and ends" 0

        create_notify_helper family --notify-ready-after 200 --notify-from-grandchild \
                -- --control-timeout 5000 || return
        run_sc start family
        assert_rc "start family" 0
        wait_state family running 5 || return
        local main sender
        main=$(report_get family pid)
        sender=$(report_get family notify-from)
        assert_ne "READY=1 came from another process than the main one" "$main" "$sender"
        assert_eq "...from its child (the service's grandchild)" "$main" "$(proc_ppid "$sender")"
        tap_ok "a READY=1 from the service's grandchild is heard"
        assert_sc_ok "stop family" stop family --wait
        wait_until 5 "the grandchild $sender is gone" proc_gone "$sender" && tap_ok "the grandchild went with the stop"
}

# A process in a cgroup that merely has the service's cgroup name, in
# another tree, is a stranger too.
test_attribution_same_name_cgroup() {
        local name="a sender in another tree's cgroup named like the service's is ignored"
        if ! is_root; then
                tap_skip "$name" "not root"
                return
        fi
        local mnt
        if ! mnt=$(cgroup2_mount); then
                tap_skip "$name" "no cgroup v2 mounted"
                return
        fi
        daemon_start --stop-timeout 2000 --debug || return
        create_notify_helper imp --notify-ready-after 4000 -- --control-timeout 10000 || return
        run_sc start imp
        assert_rc "start imp" 0
        wait_report imp ready=1 5 || return
        local cg
        cg=$(report_get imp cgroup)
        if [ "$cg" = / ]; then
                tap_skip "$name" "scmd gave the service no cgroup"
                return
        fi
        local other
        other=$(mktemp -d "$mnt/scm-test-impostor.XXXXXX")
        mkdir "$other/imp.service"
        # The impostor stays alive after sending, so scmd can see its cgroup.
        sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" --report "$3" --notify-socket "$4" --notify-ready-after 0' \
                sh "$other/imp.service" "$HELPER" "$(report_path impostor)" "$D/run/notify.sock" &
        local impostor=$!
        wait_report impostor notify=READY=1 5
        assert_eq "the impostor is in $other/imp.service" "0::${other#"$mnt"}/imp.service" \
                "$(grep '^0::' "/proc/$impostor/cgroup" 2>/dev/null)"
        if poll_until 1 state_is imp running; then
                tap_not_ok "$name" "imp became running: scmd matched only the last component of the sender's cgroup ('imp.service'), the service's is '$cg'"
        else
                tap_ok "$name"
        fi
        check "imp itself never sent READY=1" report_lacks imp notify=READY=1
        kill "$impostor"
        wait "$impostor"
        rmdir "$other/imp.service" "$other" 2>/dev/null
        assert_sc_ok "stop imp" stop imp --wait
}



# py_notify_running NAME WHAT CODE [ARGS...]: scmd started and NAME, a notify
# service running python3 -c CODE ARGS (CODE begins with s, a datagram
# socket, and n, the NOTIFY_SOCKET path, made), created, started and
# RUNNING; WHAT names the test for its skip when there is no python3.
py_notify_running() {
        local name=$1 what=$2 code=$3 py
        shift 3
        py=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null)
        if [ -z "$py" ]; then
                tap_skip "$what" "no python3 here to send its messages"
                return 1
        fi
        daemon_start || return
        code="import os, socket, sys, time; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); n = os.environ['NOTIFY_SOCKET']; $code"
        assert_sc_ok "create $name" create "$name" --kind notify --exec "$(cmdline "$py" -c "$code" "$@")" \
                --control-timeout 5000 || return
        assert_sc_ok "start $name" start "$name"
        wait_state "$name" running 10
}

# A message holding a NUL byte is dropped whole (as systemd does): the
# STATUS= before it stands, not the text up to its NUL.
test_nul_dropped() {
        py_notify_running nul "a message with a NUL byte is dropped" \
                '[s.sendto(m, n) for m in (b"STATUS=good", b"STATUS=bad\0tail", b"READY=1")]; time.sleep(60)' ||
                return
        assert_eq "the message with a NUL byte changed nothing: status_text is the one before it" \
                good "$(status_field nul status_text)"
        assert_sc_ok "stop nul" stop nul
        wait_state nul stopped 10
}

# A STATUS= text that is not UTF-8 shows with U+FFFD for each byte that
# begins no valid sequence (once the status could not be written at all:
# query_status failed with NOT_ENOUGH_MEMORY); quotes and backslashes come
# back as they went.
test_status_not_utf8() {
        py_notify_running latin "a STATUS= text that is not UTF-8" \
                '[s.sendto(m, n) for m in (b"STATUS=50% \xff done \"q\" \\ end", b"READY=1")]; time.sleep(60)' ||
                return
        assert_eq "status_text with U+FFFD for the byte that is not UTF-8" \
                "$(printf '50%% \xef\xbf\xbd done "q" \\ end')" "$(status_field latin status_text)"
        assert_sc_ok "stop latin" stop latin
        wait_state latin stopped 10
}

# A STATUS= text longer than 256 bytes shows its first 256; an empty
# STATUS= takes the text away (scmd holds one only while there is one).
test_status_long_and_cleared() {
        py_notify_running long "a long STATUS= text, then an empty one" \
                's.sendto(b"STATUS=" + b"x" * 300, n); s.sendto(b"READY=1", n); time.sleep(float(sys.argv[1])); s.sendto(b"STATUS=", n); time.sleep(60)' \
                5 || return
        assert_eq "a STATUS= of 300 bytes shows its first 256" \
                "$(printf 'x%.0s' $(seq 256))" "$(status_field long status_text)"
        wait_until 10 "the empty STATUS= took the text away" status_text_is long "" &&
                tap_ok "an empty STATUS= takes the text away"
        assert_sc_ok "stop long" stop long
        wait_state long stopped 10
}

run_test test_notify_config
run_test test_ready
run_test test_stopping
run_test test_never_ready
run_test test_extend_timeout
run_test test_watchdog
run_test test_errno
run_test test_attribution
run_test test_attribution_same_name_cgroup
run_test test_nul_dropped
run_test test_status_not_utf8
run_test test_status_long_and_cleared
finish
