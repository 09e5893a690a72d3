#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Shutdown: SIGTERM to scmd stops every service (each gets SIGTERM), scmd
# exits 0 and leaves no process behind.  As root, scmd also runs as PID 1 of
# a new PID namespace, as in a container: it reaps orphans and still turns
# SIGTERM into an orderly shutdown.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_sigterm_stops_all() {
        daemon_start || return
        local n pids=()
        for n in sd1 sd2 sd3; do
                create_helper "$n" || return
                start_helper "$n" || return
                pids+=("$(report_get "$n" pid)")
        done
        local scmd_pid=$SCMD_PID
        daemon_stop 30
        local killed=$?
        assert_eq "scmd exits on SIGTERM by itself" 0 "$killed"
        assert_eq "scmd exits with status 0" 0 "$DAEMON_RC"
        for n in sd1 sd2 sd3; do
                check "$n got SIGTERM" report_has "$n" signal=TERM
        done
        local p left=""
        for p in "${pids[@]}"; do
                proc_alive "$p" && left+=" $p"
        done
        assert_eq "no service process is left" "" "$left"
        check "scmd ($scmd_pid) is gone" proc_gone "$scmd_pid"
        check "the socket is removed" test ! -e "$D/run/scm.sock"
}

test_sigterm_with_stubborn_service() {
        # A service that ignores SIGTERM must not keep scmd from exiting:
        # after the stop timeout it is killed.
        local help
        help=$("$SCMD" --help 2>&1)
        local opts=()
        if [[ "$help" == *--stop-timeout* ]]; then
                local line value=2
                line=$(grep -e --stop-timeout <<<"$help")
                [[ "${line,,}" == *ms* || "${line,,}" == *milli* ]] && value=2000
                opts=(--stop-timeout "$value")
        fi
        daemon_start "${opts[@]}" || return
        create_helper stubborn --ignore-term || return
        create_helper polite || return
        start_helper stubborn || return
        start_helper polite || return
        local pid
        pid=$(report_get stubborn pid)
        daemon_stop 40
        assert_eq "scmd with a SIGTERM-ignoring service exits by itself" 0 $?
        assert_eq "...with status 0" 0 "$DAEMON_RC"
        check "the stubborn service got SIGTERM" report_has stubborn signal=TERM
        check "the polite service got SIGTERM" report_has polite signal=TERM
        check "the stubborn service is gone" proc_gone "$pid"
}

# The host pid of the process whose pid in the namespace of ref_pid is nspid.
host_pid_in_ns() {
        local nspid=$1 ref=$2 ns f line pid
        ns=$(readlink "/proc/$ref/ns/pid") || return 1
        for f in /proc/[0-9]*/status; do
                pid=${f#/proc/}
                pid=${pid%/status}
                [ "$(readlink "/proc/$pid/ns/pid" 2>/dev/null)" = "$ns" ] || continue
                line=$(grep '^NSpid:' "$f" 2>/dev/null) || continue
                # NSpid: <host pid> ... <pid in the innermost namespace>
                if [ "${line##*[[:space:]]}" = "$nspid" ]; then
                        echo "$pid"
                        return 0
                fi
        done
        return 1
}

# The child of pid (first one found).
child_of() {
        local f
        for f in /proc/[0-9]*/stat; do
                f=${f#/proc/}
                f=${f%/stat}
                if [ "$(proc_ppid "$f")" = "$1" ]; then
                        echo "$f"
                        return 0
                fi
        done
        return 1
}

test_pid1_in_namespace() {
        local name="scmd as PID 1 of a new PID namespace"
        if ! is_root; then
                tap_skip "$name" "not root"
                return
        fi
        if ! unshare --pid --fork --mount-proc true 2>/dev/null; then
                tap_skip "$name" "unshare --pid --fork --mount-proc does not work here"
                return
        fi
        mkdir -p "$D"
        # --kill-child: if this test kills unshare, scmd goes with it.
        local kill_child=()
        unshare --pid --fork --kill-child true 2>/dev/null && kill_child=(--kill-child)
        unshare --pid --fork --mount-proc "${kill_child[@]}" "$SCMD" --root "$D" --foreground \
                </dev/null >>"$D/scmd.stdout" 2>>"$D/scmd.stderr" &
        local unshare_pid=$!
        local scmd_host
        ready() { scmd_host=$(child_of "$unshare_pid") && sc query >/dev/null 2>&1; }
        if ! wait_until 60 "scmd in a PID namespace answers" ready; then
                diag "$(scmd_log)"
                [ -n "${scmd_host:-}" ] && kill -KILL "$scmd_host" 2>/dev/null
                kill -KILL "$unshare_pid" 2>/dev/null
                return
        fi
        SCMD_PID=$scmd_host
        assert_eq "$name: it is PID 1 there" 1 "$(grep '^NSpid:' "/proc/$scmd_host/status" | tr -s '\t ' ' ' |
                cut -d' ' -f3)"

        # Reports name namespace pids: keep them out of teardown's host-pid check.
        create_helper ns_orphaner --orphan || return
        create_helper ns_plain || return
        start_helper ns_orphaner || return
        start_helper ns_plain || return
        local orphan orphan_host
        orphan=$(report_get ns_orphaner orphan)
        orphan_host=$(host_pid_in_ns "$orphan" "$scmd_host")
        wait_report ns_orphaner "orphan-exit=$orphan" 10 || return
        if [ -n "$orphan_host" ]; then
                if wait_until 5 "the orphan ($orphan_host) is reaped, not left a zombie" test ! -e "/proc/$orphan_host"; then
                        tap_ok "$name: an orphan that exits is reaped"
                fi
        else
                # Exited before it could be looked up: check no zombie under PID 1.
                if wait_until 5 "no zombie child of scmd" no_zombie_children "$scmd_host"; then
                        tap_ok "$name: an orphan that exits is reaped"
                fi
        fi

        kill -TERM "$scmd_host"
        if wait_until 30 "scmd (PID 1) exits on SIGTERM" proc_gone "$unshare_pid"; then
                wait "$unshare_pid"
                assert_eq "$name: exits 0 on SIGTERM" 0 $?
        else
                kill -KILL "$scmd_host" "$unshare_pid" 2>/dev/null
        fi
        SCMD_PID=""
        check "$name: the services got SIGTERM" report_has ns_plain signal=TERM
        # The reports hold namespace pids; move them aside for teardown.
        mv "$D/reports/ns_orphaner.report" "$D/reports/ns_orphaner.nsreport"
        mv "$D/reports/ns_plain.report" "$D/reports/ns_plain.nsreport"
}

run_test test_sigterm_stops_all
run_test test_sigterm_with_stubborn_service
run_test test_pid1_in_namespace
finish
