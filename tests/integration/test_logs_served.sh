#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scctl logs for a user who may not read the log file: scmd serves it
# (read_log) to a holder of the read-log right on the service, -f
# included, across a rotation; the file stays root's.  A user without the
# right gets ACCESS_DENIED; read-log is in no default list.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

U1=scmlog-$$
MADE_USER=""

cleanup_account() {
        [ -n "$MADE_USER" ] && userdel "$MADE_USER" >/dev/null 2>&1
        MADE_USER=""
}
trap 'teardown quiet; cleanup_account; unshare_build' EXIT

needs_user() {
        if ! is_root || ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
                tap_skip "$1" "not root, or no setpriv or useradd"
                return 1
        fi
        if ! id "$U1" >/dev/null 2>&1; then
                useradd --system --no-create-home --user-group -s /usr/sbin/nologin "$U1" || {
                        tap_not_ok "useradd $U1"
                        return 1
                }
                MADE_USER=$U1
        fi
        chmod 711 "$D"
}

as_u1() {
        setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups "$@"
}

# run_u1 ARGS...: scctl ARGS as U1.
run_u1() {
        run as_u1 "$SCCTL" --root "$D" --timeout 30 "$@"
}

test_logs_served() {
        needs_user "logs served by scmd" || return
        daemon_start --log-max-size 4096 || return
        create_helper talk --print first-words || return
        start_helper talk || return
        wait_until 15 "the log has the first words" grep -q first-words "$D/log/talk.log"

        run as_u1 cat "$D/log/talk.log"
        assert_ne "the user cannot read the log file (the premise)" 0 "$RC"
        run_u1 logs talk
        assert_eq "without read-log: exit 1" 1 "$RC"
        assert_contains "...ACCESS_DENIED" "$ERR" "ACCESS_DENIED (5)"
        assert_not_contains "...and none of the log" "$OUT" first-words

        assert_sc_ok "grant read-log (with the defaults)" sdset talk \
                "allow everyone query-config,query-status,read-control; allow user:$U1 read-log"
        run_u1 logs talk
        assert_rc "with read-log: logs works" 0
        assert_contains "...and prints the log, served by scmd" "$OUT" "stdout: first-words"
        run_u1 logs talk -n 1
        assert_eq "-n 1: one line" 1 "$(grep -c . <<<"$OUT")"
        run_u1 --json logs talk
        assert_contains "--json: lines as JSON strings" "$OUT" "first-words"
        check "the file is still root's alone" test "$(stat -c %U "$D/log/talk.log")" = root
        run as_u1 cat "$D/log/talk.log"
        assert_ne "...and unreadable by the user" 0 "$RC"
}

test_logs_follow_served() {
        needs_user "logs -f served by scmd" || return
        daemon_start --log-max-size 2048 || return
        create_helper tick --print-every 50 -- || return
        sc sdset tick "allow everyone query-config,query-status; allow user:$U1 read-log" >/dev/null
        start_helper tick || return
        (exec setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups \
                "$SCCTL" --root "$D" --timeout 30 logs tick -f -n 1 >"$D/follow.out" 2>"$D/follow.err") &
        local f=$!
        echo "$f" >>"$D/scmd.pids"
        wait_until 30 "logs -f prints new ticks" grep -q "tick 5$" "$D/follow.out"
        # 2048 bytes of ticks: the log rotates (talk.log.1) while followed.
        wait_until 60 "the log rotated" test -e "$D/log/tick.log.1"
        local last
        last=$(sed -n 's/.*tick \([0-9]*\)$/\1/p' "$D/log/tick.log" | tail -n 1)
        wait_until 30 "logs -f goes on after the rotation (tick $last)" grep -q "tick $last$" "$D/follow.out"
        local n gaps=0 prev=""
        for n in $(sed -n 's/.*tick \([0-9]*\)$/\1/p' "$D/follow.out"); do
                [ -n "$prev" ] && [ "$n" -ne $((prev + 1)) ] && gaps=$((gaps + 1))
                prev=$n
        done
        check "...it followed more than a rotation's worth" test "$(grep -c tick "$D/follow.out")" -gt 60
        assert_eq "...every tick once, in order, none lost at the rotation" 0 "$gaps"
        kill -TERM "$f"
        wait_until 15 "logs -f ends on SIGTERM" proc_gone "$f"
        wait "$f"
        local rc=$?
        assert_eq "...with exit 0" 0 "$rc" || diag "$(cat "$D/follow.err")"
}

# A quiet service costs no log file: the first output makes it.  Until
# then its log is shown empty, not as an error.
test_quiet_no_file() {
        daemon_start || return
        create_helper quiet || return
        start_helper quiet || return
        check "a quiet service has no log file" test ! -e "$D/log/quiet.log"
        run_sc logs quiet
        assert_rc "...and scctl logs shows it empty, without an error" 0
        assert_eq "...printing nothing" "" "$OUT"
        assert_sc_ok "stop quiet" stop quiet --wait
        create_helper said --print something || return
        start_helper said || return
        wait_until 15 "a service's first output makes its log file" grep -q something "$D/log/said.log"
}

run_test test_logs_served
run_test test_logs_follow_served
run_test test_quiet_no_file
finish
