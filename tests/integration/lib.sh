# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# The integration-test harness, sourced by tests/integration/test_*.sh.
#
# Each test is a shell function run by run_test: it gets a fresh folder $D
# (mktemp -d), starts the real scmd there with daemon_start, reaches it only
# through scctl (and the socket), and asserts with the helpers below, which
# print TAP.  After each test, teardown stops scmd (SIGTERM, then SIGKILL
# after a deadline), checks that no process the test-helper reported is still
# alive, and removes $D.  A trap does the same if the script is interrupted.
#
# Every wait has a deadline and a description; nothing here sleeps to
# synchronise.  Facts about processes come from /proc, read directly.
#
# A deadline is an upper bound, never a measurement: it costs nothing when
# things go well, and the suite must pass on a slow, busy machine (2 cores
# shared with other builds, under ASan).  So wait_until (and wait_state,
# wait_report, start_helper, start_native, which use it) never gives up
# before WAIT_MIN_SECS, whatever SECS a test names; SECS says what the test
# expects on an idle machine.  A test that means to assert how fast
# something happens measures the time itself and compares it (as
# test_failure's restart latency does), never through a wait's deadline;
# poll_until, which tests also use to see that something does NOT happen
# within a time, keeps its SECS as given.
#
# Environment (tests/run-tests.sh sets these from the build folder):
#   SCMD, SCCTL   the daemon and the CLI
#   HELPER        tests/helpers/scm-test-helper
#   NATIVE        tests/helpers/scm-test-native (links libscm's dispatcher)
#   EXAMPLES      folder with the example services
#   WIRE_ABUSE    tests/integration/wire_abuse (test_wire.sh only)
#   ACL_CHECK     tests/integration/acl_check (test_acl.sh only)

set -u

TAP_N=0
TAP_FAILED=0
CURRENT_TEST=""
D=""
SCMD_PID=""
DAEMON_RC=""
OUT=""
ERR=""
RC=0
WAIT_MIN_SECS=${WAIT_MIN_SECS:-60}

# ---- TAP ------------------------------------------------------------------

diag() {
        local line
        while IFS= read -r line; do
                printf '# %s\n' "$line"
        done <<<"$*"
}

tap_ok() {
        TAP_N=$((TAP_N + 1))
        printf 'ok %d - %s\n' "$TAP_N" "$1"
}

# tap_not_ok NAME [DIAGNOSTIC...]
tap_not_ok() {
        TAP_N=$((TAP_N + 1))
        TAP_FAILED=$((TAP_FAILED + 1))
        printf 'not ok %d - %s\n' "$TAP_N" "$1"
        shift
        [ $# -gt 0 ] && diag "$*"
        [ -n "$CURRENT_TEST" ] && diag "in $CURRENT_TEST"
        return 1
}

# tap_skip NAME REASON
tap_skip() {
        TAP_N=$((TAP_N + 1))
        printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "$2"
}

# check NAME CMD...: ok when CMD succeeds.
check() {
        local name=$1
        shift
        if "$@"; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "command failed: $*"
        fi
}

# assert_eq NAME EXPECTED ACTUAL
assert_eq() {
        if [ "$2" == "$3" ]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected: '$2'"$'\n'"got:      '$3'"
        fi
}

# assert_ne NAME UNEXPECTED ACTUAL
assert_ne() {
        if [ "$2" != "$3" ]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected anything but '$2'"
        fi
}

# assert_contains NAME HAYSTACK NEEDLE (case-sensitive substring)
assert_contains() {
        if [[ "$2" == *"$3"* ]]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected to contain: '$3'"$'\n'"in: $(printf '%.1500s' "$2")"
        fi
}

# assert_icontains NAME HAYSTACK NEEDLE (case-insensitive)
assert_icontains() {
        if [[ "${2,,}" == *"${3,,}"* ]]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected to contain (any case): '$3'"$'\n'"in: $(printf '%.1500s' "$2")"
        fi
}

# assert_not_contains NAME HAYSTACK NEEDLE
assert_not_contains() {
        if [[ "$2" != *"$3"* ]]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected not to contain: '$3'"$'\n'"in: $(printf '%.1500s' "$2")"
        fi
}

# tap_relay: relays the TAP lines of a C test program (stdin) as this
# script's own points; keeps diagnostics.  A line RELAY_EXIT=N (the
# program's exit status, echoed after it) sets RELAY_EXIT.
tap_relay() {
        local line
        while IFS= read -r line; do
                case $line in
                "not ok "*)
                        line=${line#not ok }
                        line=${line#* }
                        tap_not_ok "${line#- }"
                        ;;
                "ok "*" # SKIP "*)
                        line=${line#ok }
                        line=${line#* }
                        line=${line#- }
                        tap_skip "${line%% # SKIP *}" "${line#* # SKIP }"
                        ;;
                "ok "*)
                        line=${line#ok }
                        line=${line#* }
                        tap_ok "${line#- }"
                        ;;
                "1.."*) ;;
                "RELAY_EXIT="*) RELAY_EXIT=${line#*=} ;;
                *) printf '%s\n' "$line" ;;
                esac
        done
}

# relay_program NAME SECS CMD...: runs CMD (a C test program printing TAP)
# for at most SECS, relaying its points; a failure if it exits non-zero
# without having reported a failed point.
relay_program() {
        local name=$1 secs=$2 before=$TAP_FAILED
        shift 2
        RELAY_EXIT=""
        tap_relay < <(timeout "$secs" "$@" 2>&1; echo "RELAY_EXIT=$?")
        if [ "$RELAY_EXIT" != 0 ] && [ "$TAP_FAILED" -eq "$before" ]; then
                tap_not_ok "$name ran to the end" "exit status ${RELAY_EXIT:-unknown} (124: timed out)"
        fi
}

# ---- time and waiting -----------------------------------------------------

now_ms() {
        local t=${EPOCHREALTIME/[.,]/}
        echo $((t / 1000))
}

# poll_until SECS CMD...: runs CMD every 50 ms until it succeeds (0) or SECS
# pass (1).  Silent.
poll_until() {
        local secs=$1
        shift
        local end=$(($(now_ms) + secs * 1000))
        while :; do
                "$@" && return 0
                [ "$(now_ms)" -ge "$end" ] && return 1
                sleep 0.05
        done
}

# wait_until SECS DESCRIPTION CMD...: poll_until for SECS, but at least
# WAIT_MIN_SECS (see the top of this file), and on timeout a failed TAP
# point "wait: DESCRIPTION" with the command that never became true.
wait_until() {
        local secs=$1 desc=$2
        shift 2
        [ "$secs" -lt "$WAIT_MIN_SECS" ] && secs=$WAIT_MIN_SECS
        if poll_until "$secs" "$@"; then
                return 0
        fi
        tap_not_ok "wait: $desc" "not true within ${secs}s: $*"
        return 1
}

# ---- processes, read from /proc ---------------------------------------------

# The state letter of pid (R, S, D, Z, ...), or nothing when it does not exist.
proc_state() {
        local stat
        stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
        stat=${stat##*) }
        echo "${stat%% *}"
}

# The parent pid of pid.
proc_ppid() {
        local stat rest
        stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
        rest=${stat##*) }
        rest=${rest#* }
        echo "${rest%% *}"
}

# True when pid exists and is not a zombie.
proc_alive() {
        local s
        [ -n "$1" ] || return 1
        s=$(proc_state "$1") || return 1
        [ -n "$s" ] && [ "$s" != Z ]
}

proc_gone() {
        ! proc_alive "$1"
}

# Pids of zombies whose parent is $1.
zombie_children() {
        local f pid stat rest ppid state
        for f in /proc/[0-9]*/stat; do
                stat=$(cat "$f" 2>/dev/null) || continue
                rest=${stat##*) }
                state=${rest%% *}
                rest=${rest#* }
                ppid=${rest%% *}
                if [ "$state" = Z ] && [ "$ppid" = "$1" ]; then
                        pid=${f#/proc/}
                        echo "${pid%/stat}"
                fi
        done
}

no_zombie_children() {
        [ -z "$(zombie_children "$1")" ]
}

# ---- running commands -----------------------------------------------------

# run CMD...: runs CMD, leaving its stdout in $OUT, stderr in $ERR, status in $RC.
run() {
        local errf
        errf=$(mktemp "${D:-/tmp}/.err.XXXXXX")
        OUT=$("$@" 2>"$errf")
        RC=$?
        ERR=$(cat "$errf")
        rm -f "$errf"
        return 0
}

# sc ARGS...: scctl on this test's scmd.  --timeout bounds the connect
# and every --wait: WAIT_MIN_SECS, an upper bound like any wait here (a
# test that wants a --wait to time out gives its own, shorter --timeout).
sc() {
        "$SCCTL" --root "$D" --timeout "$WAIT_MIN_SECS" "$@"
}

# run_sc ARGS...: run sc ARGS...
run_sc() {
        run sc "$@"
}

# What the last run printed, for diagnostics.
last_run() {
        printf 'exit %s\nstdout: %.1500s\nstderr: %.1500s' "$RC" "$OUT" "$ERR"
}

# assert_rc NAME EXPECTED: the last run's exit status.
assert_rc() {
        if [ "$RC" == "$2" ]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected exit status $2"$'\n'"$(last_run)"
        fi
}

# assert_sc_ok NAME ARGS...: scctl ARGS exits 0.
assert_sc_ok() {
        local name=$1
        shift
        run_sc "$@"
        if [ "$RC" -eq 0 ]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "scctl $*"$'\n'"$(last_run)"
        fi
}

# assert_sc_error NAME ERROR_NAME WIN32 ARGS...: scctl ARGS exits 1 and says
# "ERROR_NAME (WIN32)" on stderr.
assert_sc_error() {
        local name=$1 ename=$2 num=$3
        shift 3
        run_sc "$@"
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"$ename ($num)"* ]]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "scctl $*"$'\n'"expected exit 1 and '$ename ($num)' on stderr"$'\n'"$(last_run)"
        fi
}

# Quotes one word for a command line (docs/protocol.md, "Command line").
cmdline_quote() {
        local s=${1//\'/\'\\\'\'}
        printf "'%s'" "$s"
}

# cmdline WORD...: the words quoted and joined into one command line.
cmdline() {
        local out="" w
        for w in "$@"; do
                out+="${out:+ }$(cmdline_quote "$w")"
        done
        printf '%s' "$out"
}

# ---- JSON (flat fields; enough for scctl --json output) -------------------

# json_get JSON KEY: prints the first value of "KEY" (a string, unquoted and
# with \" and \\ undone, or a number, true, false, null); 1 when absent.
json_get() {
        local re='"'"$2"'"[[:space:]]*:[[:space:]]*("(([^"\\]|\\.)*)"|-?[0-9][0-9.eE+-]*|true|false|null)'
        if [[ $1 =~ $re ]]; then
                if [ "${BASH_REMATCH[1]:0:1}" = '"' ]; then
                        local v=${BASH_REMATCH[2]}
                        v=${v//\\\"/\"}
                        v=${v//\\\//\/}
                        v=${v//\\\\/\\}
                        printf '%s' "$v"
                else
                        printf '%s' "${BASH_REMATCH[1]}"
                fi
                return 0
        fi
        return 1
}

# status_field NAME FIELD: one field of `scctl --json query NAME`.
status_field() {
        local out
        out=$(sc --json query "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

# state_is NAME STATE
state_is() {
        [ "$(status_field "$1" state)" = "$2" ]
}

# wait_state NAME STATE [SECS]
wait_state() {
        wait_until "${3:-15}" "$1 is $2" state_is "$1" "$2"
}

# ---- the test-helper service -----------------------------------------------

report_path() {
        echo "$D/reports/$1.report"
}

# helper_cmdline NAME [HELPER OPTIONS...]: the command line of a helper
# service reporting to report_path NAME.
helper_cmdline() {
        local name=$1
        shift
        cmdline "$HELPER" --report "$(report_path "$name")" "$@"
}

# split_options ARGS...: BEFORE_DASHES gets the words before a "--",
# AFTER_DASHES the words after it (none when there is no "--").
split_options() {
        BEFORE_DASHES=()
        AFTER_DASHES=()
        while [ $# -gt 0 ]; do
                if [ "$1" = -- ]; then
                        shift
                        AFTER_DASHES=("$@")
                        return
                fi
                BEFORE_DASHES+=("$1")
                shift
        done
}

# create_helper NAME [HELPER OPTIONS...] [-- SCCTL CREATE OPTIONS...]
create_helper() {
        local name=$1
        shift
        split_options "$@"
        run_sc create "$name" --exec "$(helper_cmdline "$name" "${BEFORE_DASHES[@]}")" \
                "${AFTER_DASHES[@]}"
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "create $name" "$(last_run)"
                return 1
        fi
}

# create_native NAME [NATIVE OPTIONS...] [-- SCCTL CREATE OPTIONS...]: a
# native service running $NATIVE (tests/helpers/scm-test-native.c),
# reporting to report_path NAME.
create_native() {
        local name=$1
        shift
        split_options "$@"
        run_sc create "$name" --kind native \
                --exec "$(cmdline "$NATIVE" --report "$(report_path "$name")" "${BEFORE_DASHES[@]}")" \
                "${AFTER_DASHES[@]}"
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "create native $name" "$(last_run)"
                return 1
        fi
}

# start_native NAME: starts it, waits until it is running and its report
# says so.
start_native() {
        run_sc start "$1" --wait
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "start $1" "$(last_run)"$'\n'"$(scmd_log)"
                return 1
        fi
        wait_report "$1" running=1 10
}

# report_get NAME KEY: the first value of KEY in NAME's report.
report_get() {
        local line
        line=$(grep -m1 "^$2=" "$(report_path "$1")" 2>/dev/null) || return 1
        printf '%s' "${line#*=}"
}

# report_all NAME KEY: every value of KEY, one a line.
report_all() {
        local line
        while IFS= read -r line; do
                printf '%s\n' "${line#*=}"
        done < <(grep "^$2=" "$(report_path "$1")" 2>/dev/null)
}

# report_has NAME LINE: NAME's report has exactly the line LINE.
report_has() {
        grep -qxF -- "$2" "$(report_path "$1")" 2>/dev/null
}

# report_has_prefix NAME PREFIX: a line of NAME's report starts with PREFIX.
report_has_prefix() {
        grep -q -- "^$2" "$(report_path "$1")" 2>/dev/null
}

# report_lacks NAME PREFIX: no line of NAME's report starts with PREFIX (also
# when there is no report: the service never ran).
report_lacks() {
        ! report_has_prefix "$1" "$2"
}

# wait_report NAME LINE [SECS]
wait_report() {
        wait_until "${3:-15}" "$1's report says $2" report_has "$1" "$2"
}

# start_helper NAME [ARGS...]: starts a created helper service, waits until it
# is running and its report says ready=1.
start_helper() {
        local name=$1
        shift
        run_sc start "$name" "$@" --wait
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "start $name" "$(last_run)"
                return 1
        fi
        wait_report "$name" ready=1 || return 1
}

# ---- the daemon -------------------------------------------------------------

scmd_log() {
        [ -n "$D" ] && [ -f "$D/scmd.stderr" ] && tail -n 30 "$D/scmd.stderr"
}

# daemon_start [SCMD OPTIONS...]: starts scmd --root $D --foreground in the
# background and waits until it answers.  SCMD_PID is its pid.
daemon_start() {
        mkdir -p "$D"
        "$SCMD" --root "$D" --foreground "$@" </dev/null >>"$D/scmd.stdout" 2>>"$D/scmd.stderr" &
        SCMD_PID=$!
        echo "$SCMD_PID" >>"$D/scmd.pids"
        local end=$(($(now_ms) + WAIT_MIN_SECS * 1000))
        while :; do
                if "$SCCTL" --root "$D" --timeout 10 query >/dev/null 2>&1; then
                        return 0
                fi
                if ! proc_alive "$SCMD_PID"; then
                        wait "$SCMD_PID" 2>/dev/null
                        tap_not_ok "scmd starts" "scmd --root $D --foreground $* exited with status $?"$'\n'"$(scmd_log)"
                        SCMD_PID=""
                        return 1
                fi
                if [ "$(now_ms)" -ge "$end" ]; then
                        tap_not_ok "scmd starts" "scmd did not answer within $WAIT_MIN_SECS s"$'\n'"$(scmd_log)"
                        return 1
                fi
                sleep 0.05
        done
}

# unshared_scmd FILE UNSHARE_OPTIONS...: writes $D/FILE, a script that
# executes $SCMD through unshare with those options (in place: scmd keeps
# the pid daemon_start sees), and prints its path.
unshared_scmd() {
        local file=$D/$1
        shift
        mkdir -p "$D"
        printf '#!/bin/sh\nexec unshare %s "%s" "$@"\n' "$*" "$SCMD" >"$file"
        chmod +x "$file"
        echo "$file"
}

# daemon_start_netns [SCMD OPTIONS...]: daemon_start with scmd (and so its
# services) in a network namespace of its own; NETNS is that namespace's
# path, for nsenter --net.  The caller checks that it may (root, unshare).
daemon_start_netns() {
        SCMD=$(unshared_scmd scmd-netns -n) daemon_start "$@" || return
        NETNS="/proc/$(pgrep -P "$SCMD_PID" -x scmd || echo "$SCMD_PID")/ns/net"
        [ -e "$NETNS" ] || NETNS="/proc/$SCMD_PID/ns/net"
}

# daemon_start_quiet [SCMD OPTIONS...]: daemon_start with scmd in a mount
# namespace of its own (as root), for tests that count its wake-ups: scmd
# watches the mount table, and another program's mount must not wake it.
daemon_start_quiet() {
        if ! is_root || ! unshare -m --propagation private true 2>/dev/null; then
                daemon_start "$@"
                return
        fi
        SCMD=$(unshared_scmd scmd-mountns -m --propagation private) daemon_start "$@"
}

# daemon_stop [SECS]: SIGTERM to scmd; SIGKILL if it has not exited after
# SECS (default 30).  DAEMON_RC is its exit status (137 if it was killed).
# Returns 1 if it had to be killed.
daemon_stop() {
        local secs=${1:-30} killed=0
        DAEMON_RC=""
        [ -n "$SCMD_PID" ] || return 0
        kill -TERM "$SCMD_PID" 2>/dev/null
        if ! poll_until "$secs" proc_gone "$SCMD_PID"; then
                kill -KILL "$SCMD_PID" 2>/dev/null
                killed=1
                poll_until 5 proc_gone "$SCMD_PID"
        fi
        wait "$SCMD_PID" 2>/dev/null
        DAEMON_RC=$?
        SCMD_PID=""
        return $killed
}

# ---- per-test setup and teardown ---------------------------------------------

# Pids the helpers (scm-test-helper, scm-test-native) reported in this test
# (main, grandchild, orphan), and which of them are still alive and still a
# helper (not a reused pid).
# The pid of scmd's descriptor holder for $D while it runs, or nothing.
holder_pid() {
        local pid
        pid=$(cat "$D/run/fdholder.sock.pid" 2>/dev/null) || return 0
        [ -n "$pid" ] && proc_alive "$pid" &&
                [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = scmd-fdholder ] && echo "$pid"
        return 0
}

leftover_processes() {
        local f key pid
        for f in "$D"/reports/*.report; do
                [ -f "$f" ] || continue
                for key in pid grandchild orphan; do
                        while IFS= read -r pid; do
                                pid=${pid#*=}
                                proc_alive "$pid" || continue
                                grep -qE "scm-test-(helper|native)" "/proc/$pid/cmdline" 2>/dev/null || continue
                                echo "$pid"
                        done < <(grep "^$key=" "$f")
                done
        done
}

# Stops scmd, checks that no helper process is left (a TAP point), removes $D.
teardown() {
        local quiet=${1:-}
        [ -n "$D" ] || return 0
        if [ -n "$SCMD_PID" ] && ! daemon_stop 30; then
                [ -z "$quiet" ] && tap_not_ok "scmd exits on SIGTERM after $CURRENT_TEST" \
                        "scmd had to be killed"$'\n'"$(scmd_log)"
        fi
        # The descriptor holder ends with a clean stop of scmd; after a
        # kill -9 (or a daemon that had to be killed) it stays: ours to end.
        local holder
        holder=$(holder_pid)
        [ -n "$holder" ] && kill -KILL "$holder" 2>/dev/null
        local left
        left=$(leftover_processes | sort -u | tr '\n' ' ')
        if [ -n "$left" ]; then
                [ -z "$quiet" ] && tap_not_ok "no process left after $CURRENT_TEST" \
                        "still alive: $left"$'\n'"$(for p in $left; do echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done)"
                # shellcheck disable=SC2086
                kill -KILL $left 2>/dev/null
        elif [ -z "$quiet" ]; then
                tap_ok "no process left after $CURRENT_TEST"
        fi
        if [ -n "${KEEP_TEST_DIRS:-}" ]; then
                diag "kept $D"
        else
                rm -rf "$D"
        fi
        D=""
}

# run_test FUNCTION: runs one test in a fresh folder, then tears it down.
run_test() {
        CURRENT_TEST=$1
        diag "=== $1"
        D=$(mktemp -d /tmp/scm-it.XXXXXX)
        mkdir -p "$D/reports"
        "$1"
        teardown
        CURRENT_TEST=""
}

# finish: prints the plan and exits 1 if anything failed.
finish() {
        echo "1..$TAP_N"
        [ "$TAP_FAILED" -eq 0 ]
        exit $?
}

on_signal() {
        diag "interrupted"
        teardown quiet
        echo "1..$TAP_N"
        exit 1
}

trap 'teardown quiet; unshare_build' EXIT
trap on_signal TERM INT HUP

# ---- preconditions ------------------------------------------------------------

is_root() {
        [ "$(id -u)" -eq 0 ]
}

# free_port: a TCP port on 127.0.0.1 that no socket uses now, listening
# or connected (/proc/net/tcp), and below the kernel's range of ephemeral
# ports, so that no client's connection can take it before the test binds
# it (ports in that range made a listener fail now and then).
free_port() {
        local p hex low
        read -r low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
        for _ in $(seq 50); do
                p=$((10000 + RANDOM % (low > 12000 ? low - 10000 : 2000)))
                hex=$(printf ':%04X ' "$p")
                grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p" && return 0; }
        done
        return 1
}

# The cgroup v2 mount point, or nothing.
cgroup2_mount() {
        local dev mnt type rest
        while read -r dev mnt type rest; do
                if [ "$type" = cgroup2 ]; then
                        echo "$mnt"
                        return 0
                fi
        done </proc/self/mounts
        return 1
}

# `scmd --help` mentions OPTION.
scmd_has_option() {
        "$SCMD" --help 2>&1 | grep -qe "$1"
}

require_binaries() {
        local v
        for v in SCMD SCCTL HELPER NATIVE; do
                if [ -z "${!v:-}" ] || [ ! -x "${!v}" ]; then
                        echo "Bail out! $v is not set to an executable (${!v:-unset}); run through tests/run-tests.sh"
                        exit 1
                fi
        done
}

require_binaries

# ---- binaries other users can run ------------------------------------------

# Tests run scctl, services and even scmd as other users (nobody, accounts
# made with useradd).  In a checkout those users cannot enter (a 0700 home
# or temp folder) they could not load libscm.so or run the helpers from the
# build folder.  share_build copies what such a test runs into a folder
# under /tmp that everyone may read, keeping the build's layout (the
# binaries find libscm.so through $ORIGIN), and points SCMD, SCCTL, HELPER,
# NATIVE, EXAMPLES and the check programs there.  It does nothing when the
# build folder is reachable already, or when not root (then no test runs
# anything as another user).  unshare_build removes the copy: every EXIT
# trap calls it (lib.sh's own, and each test's that replaces it).
SHARED_BUILD=""
BUILD_DIR=$(dirname "$SCCTL") # the build folder itself, for meson (test_install, test_win32)

# others_can_run PATH: the user nobody may execute PATH.
others_can_run() {
        setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$1" 2>/dev/null
}

share_build() {
        is_root && command -v setpriv >/dev/null || return 0
        others_can_run "$SCCTL" && others_can_run "$HELPER" && return 0
        local build=$BUILD_DIR src dst v
        SHARED_BUILD=$(mktemp -d /tmp/scm-build.XXXXXX) || return 1
        chmod 755 "$SHARED_BUILD"
        mkdir -p "$SHARED_BUILD/tests"
        find "$build" -maxdepth 1 -name 'libscm*.so*' ! -type d -exec cp -P {} "$SHARED_BUILD/" \;
        for v in SCMD SCCTL HELPER NATIVE ACL_CHECK EVENTS_CHECK WIN32_CHECK WIRE_ABUSE; do
                src=${!v:-}
                [ -n "$src" ] && [ -x "$src" ] || continue
                case $src in
                "$build"/tests/*) dst=$SHARED_BUILD/tests/${src##*/} ;;
                "$build"/*) dst=$SHARED_BUILD/${src##*/} ;;
                *) continue ;; # given from elsewhere: left as it is
                esac
                cp -p "$src" "$dst" && export "$v=$dst"
        done
        if [ -d "${EXAMPLES:-}" ]; then
                cp -rp "$EXAMPLES" "$SHARED_BUILD/examples" && export EXAMPLES=$SHARED_BUILD/examples
        fi
        chmod -R a+rX "$SHARED_BUILD"
        diag "the build folder is closed to other users: running copies from $SHARED_BUILD"
}

unshare_build() {
        [ -n "$SHARED_BUILD" ] && rm -rf "$SHARED_BUILD"
        SHARED_BUILD=""
}

share_build
