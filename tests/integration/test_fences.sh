#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's private view of the filesystem (a mount namespace of its
# own), observed from inside the service (the test helper's --try-write and
# --try-read) and from outside (/proc/PID/root, /proc/PID/mountinfo, the
# host's own folders): a private /tmp invisible outside and gone after
# stop, /usr and /etc read-only, /home empty, a /dev with only the
# pseudo-devices; qc shows them, bad levels are refused.
#
# The reports live under /run here, not in the test folder under /tmp,
# which a private /tmp would hide from the service.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPORTS=/run/scm-test-fences.$$
report_path() {
        echo "$REPORTS/$1.report"
}

# A private /tmp hides what lies under /tmp: a checkout (or its readable
# copy, lib.sh) there would hide the helper from the service.  A copy in
# $REPORTS (under /run) is what the services run then.
if [[ $HELPER == /tmp/* || $HELPER == /var/tmp/* ]] && is_root; then
        mkdir -p "$REPORTS/bin"
        cp "$HELPER" "$REPORTS/bin/"
        chmod -R a+rX "$REPORTS"
        HELPER=$REPORTS/bin/$(basename "$HELPER")
fi

needs_root() {
        if ! is_root; then
                tap_skip "$1" "a mount namespace needs root"
                return 1
        fi
}

test_vocabulary() {
        daemon_start || return
        create_helper v -- --private-tmp --protect-system full --protect-home read-only \
                --private-devices || return
        run_sc qc v
        assert_contains "qc shows PRIVATE_TMP" "$OUT" "PRIVATE_TMP        : yes"
        assert_contains "qc shows PROTECT_SYSTEM" "$OUT" "PROTECT_SYSTEM     : full"
        assert_contains "qc shows PROTECT_HOME" "$OUT" "PROTECT_HOME       : read-only"
        assert_contains "qc shows PRIVATE_DEVICES" "$OUT" "PRIVATE_DEVICES    : yes"
        run_sc --json qc v
        assert_contains "--json qc: protect_system" "$OUT" '"protect_system":"full"'
        assert_contains "--json qc: private_tmp" "$OUT" '"private_tmp":true'
        run_sc config v --protect-system sometimes
        assert_rc "scctl refuses an unknown level" 2
        assert_contains "...naming the levels" "$ERR" "no, yes, full, strict"
        assert_sc_ok "every fence off again" config v --private-tmp=no --protect-system no \
                --protect-home no --private-devices=no
        run_sc --json qc v
        assert_contains "...none left" "$OUT" '"protect_system":"no","protect_home":"no","private_devices":false'
}

test_private_tmp() {
        needs_root "a private /tmp" || return
        daemon_start || return
        local f=/tmp/scm-fence.$$ pid
        create_helper t --keep-file "$f" -- --private-tmp || return
        start_helper t || return
        check "the service wrote its /tmp file" report_has t "keep:$f=ok"
        pid=$(report_get t pid)
        check "...which is in its own /tmp" test -e "/proc/$pid/root$f"
        check "...and invisible outside" test ! -e "$f"
        assert_contains "its /tmp is a tmpfs of its own" "$(grep ' /tmp ' "/proc/$pid/mountinfo")" "tmpfs"
        assert_sc_ok "stop" stop t --wait
        : >"$(report_path t)"
        create_helper t2 --try-read "$f" -- --private-tmp || return
        start_helper t2 || return
        check "after a stop the file is gone (a new start reads ENOENT)" report_has t2 "read:$f=ENOENT"
        sc stop t2 --wait >/dev/null
        rm -f "$f"
        # scmd's run folder (here under /tmp, with its sd_notify socket)
        # stays reachable under a private /tmp: a notify service gets ready.
        create_helper n --notify-ready-after 0 -- --kind notify --private-tmp || return
        assert_sc_ok "a notify service with a private /tmp reaches RUNNING" start n --wait
        wait_report n "notify=READY=1" 10 && tap_ok "...by its READY=1 (the helper reports it after sending it)"
        sc stop n --wait >/dev/null
}

test_protect_system() {
        needs_root "ProtectSystem" || return
        daemon_start || return
        local u=/usr/scm-fence.$$ e=/etc/scm-fence.$$ v=/var/lib/scm-fence.$$
        create_helper full --try-write "$u" --try-write "$e" --try-write "$v" -- --protect-system full || return
        start_helper full || return
        check "full: a write to /usr fails (EROFS)" report_has full "write:$u=EROFS"
        check "full: a write to /etc fails (EROFS)" report_has full "write:$e=EROFS"
        check "full: /var stays writable" report_has full "write:$v=ok"
        sc stop full --wait >/dev/null
        create_helper yes --try-write "$u" -- --protect-system yes || return
        start_helper yes || return
        check "yes: a write to /usr fails (EROFS)" report_has yes "write:$u=EROFS"
        assert_contains "yes: /etc is not made read-only" \
                "$(grep -c ' /etc ' "/proc/$(report_get yes pid)/mountinfo")" 0
        sc stop yes --wait >/dev/null
        create_helper strict --try-write "$v" --try-write "$REPORTS/strict.w" -- --protect-system strict || return
        start_helper strict || return
        check "strict: a write to /var fails (EROFS)" report_has strict "write:$v=EROFS"
        check "strict: /run stays writable" report_has strict "write:$REPORTS/strict.w=ok"
        sc stop strict --wait >/dev/null
        check "nothing was written on the host's /usr or /etc" test ! -e "$u" -a ! -e "$e"
        rm -f "$v" "$REPORTS/strict.w"
}

test_protect_home_and_devices() {
        needs_root "ProtectHome and PrivateDevices" || return
        daemon_start || return
        local home=/home/scm-fence.$$ pid log_pid=""
        mkdir -p "$home"
        # A system log socket to carry over, when the host has none.
        if [ ! -e /dev/log ]; then
                python3 -c 'import socket,time; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.bind("/dev/log"); time.sleep(60)' &
                log_pid=$!
                wait_until 10 "a /dev/log socket for the test" test -S /dev/log
        fi
        create_helper h --try-write "$home/x" --report-security -- --protect-home yes --private-devices || return
        start_helper h || return
        pid=$(report_get h pid)
        assert_eq "its /home is empty" "" "$(ls -A "/proc/$pid/root/home")"
        check "...while the host's is not" test -d "$home"
        check "...and cannot be written" report_lacks h "write:$home/x=ok"
        check "its /dev has null" test -c "/proc/$pid/root/dev/null"
        check "...and urandom" test -c "/proc/$pid/root/dev/urandom"
        local host_pts svc_pts
        host_pts=$(stat -c %d /dev/pts/ptmx 2>/dev/null)
        svc_pts=$(stat -c %d "/proc/$pid/root/dev/pts/ptmx" 2>/dev/null)
        check "...a devpts on /dev/pts" grep -q " /dev/pts .* - devpts " "/proc/$pid/mountinfo"
        if [ -n "$svc_pts" ] && [ "$svc_pts" != "$host_pts" ]; then
                tap_ok "...of its own (not the host's ptys)"
        else
                tap_not_ok "...of its own (not the host's ptys)" "host $host_pts, service $svc_pts"
        fi
        check "...with /dev/ptmx" test -L "/proc/$pid/root/dev/ptmx"
        # Root's service, but no CAP_MKNOD (27) or CAP_SYS_RAWIO (17).
        local bnd eff
        bnd=$((0x$(report_get h CapBnd))) eff=$((0x$(report_get h CapEff)))
        assert_eq "...without CAP_MKNOD or CAP_SYS_RAWIO in its bounding set" 0 $((bnd >> 27 & 1 | bnd >> 17 & 1))
        assert_eq "...nor its effective one" 0 $((eff >> 27 & 1 | eff >> 17 & 1))
        check "...while it keeps the rest of root's (CAP_SYS_ADMIN)" test $((eff >> 21 & 1)) -eq 1
        if [ -L /dev/log ]; then
                assert_eq "...and the host's /dev/log link" "$(readlink /dev/log)" "$(readlink "/proc/$pid/root/dev/log")"
        else
                check "...and the host's /dev/log socket" test -S "/proc/$pid/root/dev/log"
        fi
        local dev extra=""
        for dev in $(ls /dev); do
                case $dev in null | zero | full | random | urandom | tty | fd | stdin | stdout | stderr | shm | pts | ptmx | log) ;;
                *) [ -e "/proc/$pid/root/dev/$dev" ] && extra="$extra $dev" ;;
                esac
        done
        assert_eq "...and none of the host's other devices" "" "$extra"
        sc stop h --wait >/dev/null
        rmdir "$home"
        if [ -n "$log_pid" ]; then
                kill "$log_pid" 2>/dev/null
                wait "$log_pid" 2>/dev/null
                rm -f /dev/log
        fi
}

mkdir -p "$REPORTS"
run_test test_vocabulary
run_test test_private_tmp
run_test test_protect_system
run_test test_protect_home_and_devices
rm -rf "$REPORTS"
finish
