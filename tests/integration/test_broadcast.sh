#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Broadcasts, seen by a subscriber (scctl watch, through libscm):
#   - a mount made where scmd sees it (a tmpfs on a folder of the test,
#     in scmd's own mount namespace, which this script shares) reaches a
#     subscriber of mounts as "mounted", its unmount as "unmounted", and a
#     subscriber that did not ask for mounts gets neither;
#   - a native service's own scm_service_message() reaches a subscriber of
#     the service, its text intact;
#   - a message for the users reaches the terminal of each login session in
#     utmp (a file of the test's, scmd --utmp, written by glibc's
#     pututxline as login programs do) whose owner allows messages: a pty
#     the test opens reads it, with its C1 control made harmless; a
#     pty with mesg n, and a record whose line points out of /dev, get
#     nothing;
#   - the same message reaches the desktop of a user with a login session
#     and a session bus: a real dbus-daemon of the user nobody on
#     /run/user/65534/bus, with dbus-monitor of the same user watching, sees
#     scmd's Notify call to org.freedesktop.Notifications with the
#     service's name and the text.
# Each watch also names a service, whose state is reported at subscribe:
# that first line says the subscription is in place.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# stop_all ARRAY: ends the background processes whose pids ARRAY holds.
stop_all() {
        local -n pids=$1
        local p
        for p in "${pids[@]}"; do
                kill -TERM "$p" 2>/dev/null
                wait "$p" 2>/dev/null
        done
        pids=()
}
WATCH_PIDS=()
stop_watches() { stop_all WATCH_PIDS; }
MOUNTED=""
cleanup_mount() {
        [ -n "$MOUNTED" ] && umount "$MOUNTED" 2>/dev/null
        MOUNTED=""
}
PTY_PIDS=()
stop_ptys() { stop_all PTY_PIDS; }
RUNTIME_MADE=""
cleanup_runtime() {
        [ -n "$RUNTIME_MADE" ] && rm -rf "$RUNTIME_MADE"
        RUNTIME_MADE=""
}
trap 'stop_watches; stop_ptys; cleanup_runtime; cleanup_mount; teardown quiet' EXIT

# open_pty NAME y|n: a pty held open by a reader in the background, which
# copies what its terminal is written into $D/NAME.out; $D/NAME.tty is
# the terminal's path; y or n is its mesg.
open_pty() {
        python3 - "$D/$1.tty" "$2" "$D/$1.out" <<'PY' &
import os, select, sys, time
m, s = os.openpty()
name = os.ttyname(s)
os.chmod(name, 0o620 if sys.argv[2] == "y" else 0o600)
out = open(sys.argv[3], "ab", buffering=0)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(name + "\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
end = time.time() + 120
while time.time() < end:
    r, _, _ = select.select([m], [], [], 0.2)
    if r:
        out.write(os.read(m, 4096))
PY
        PTY_PIDS+=($!)
        wait_until 10 "pty $1 is open" test -s "$D/$1.tty"
}

# watch_to FILE ARGS...: scctl --json watch ARGS in the background, into FILE.
watch_to() {
        local file=$1
        shift
        : >"$file"
        "$SCCTL" --root "$D" --json watch "$@" >"$file" 2>&1 &
        WATCH_PIDS+=($!)
}

file_has() { # FILE TEXT...: FILE has a line holding every TEXT
        local file=$1 line t ok
        shift
        while IFS= read -r line; do
                ok=1
                for t in "$@"; do [[ "$line" == *"$t"* ]] || ok=0; done
                [ "$ok" = 1 ] && return 0
        done <"$file"
        return 1
}

test_mounts() {
        if ! is_root; then
                tap_skip "mount-table broadcasts" "mounting a tmpfs needs root"
                return
        fi
        daemon_start || return
        assert_sc_ok "a service to mark the subscriptions" create marker --exec "/bin/sleep 60"
        watch_to "$D/mounts.out" marker --mounts
        watch_to "$D/plain.out" marker
        wait_until 30 "the mounts watch is subscribed" file_has "$D/mounts.out" '"name":"marker"'
        wait_until 30 "the plain watch is subscribed" file_has "$D/plain.out" '"name":"marker"'
        mkdir -p "$D/mnt"
        if ! mount -t tmpfs "scmtest$$" "$D/mnt" 2>"$D/mount.err"; then
                tap_skip "mount-table broadcasts" "cannot mount a tmpfs here: $(cat "$D/mount.err")"
                return
        fi
        MOUNTED=$D/mnt
        wait_until 30 "the subscriber hears of the mount" \
                file_has "$D/mounts.out" '"event":"mount_changed"' "\"name\":\"$D/mnt\"" '"action":"mounted"' &&
                tap_ok "a mount reaches the subscriber of mounts, with its point"
        check "...its type and source" file_has "$D/mounts.out" '"fstype":"tmpfs"' "\"source\":\"scmtest$$\""
        umount "$D/mnt"
        MOUNTED=""
        wait_until 30 "the subscriber hears of the unmount" \
                file_has "$D/mounts.out" "\"name\":\"$D/mnt\"" '"action":"unmounted"' &&
                tap_ok "the unmount reaches it too"
        # The plain watch read everything the mounts one did by now? It gets
        # no mount event at all: a status change after the mount, seen by
        # it, shows it had its chance.
        assert_sc_ok "the marker service starts" start marker --wait
        wait_until 30 "the plain watch sees the start" file_has "$D/plain.out" '"state":"running"'
        if file_has "$D/plain.out" mount_changed; then
                tap_not_ok "a subscriber that did not ask for mounts gets none" "$(cat "$D/plain.out")"
        else
                tap_ok "a subscriber that did not ask for mounts gets none"
        fi
        stop_watches
}

test_service_message() {
        daemon_start || return
        create_native talker --message "hello from inside, é" || return
        watch_to "$D/talker.out" talker
        wait_until 30 "the watch is subscribed" file_has "$D/talker.out" '"name":"talker"'
        start_native talker || return
        wait_until 30 "the service's message reaches the subscriber" \
                file_has "$D/talker.out" '"event":"service_message"' '"text":"hello from inside, é"' &&
                tap_ok "scm_service_message() from the service reaches a subscriber, its text intact"
        assert_eq "the library told the service it was sent" 0 "$(report_get talker message)"
        stop_watches
}

test_message_to_users() {
        local utmp="$D/utmp"
        mkdir -p "$D"
        : >"$utmp"
        open_pty yes y || return
        open_pty no n || return
        local yes no
        yes=$(sed 's|^/dev/||' "$D/yes.tty")
        no=$(sed 's|^/dev/||' "$D/no.tty")
        "$UTMP_HELPER" "$utmp" login 5001 "$yes" alice || { tap_not_ok "utmp login" "rc $?"; return; }
        "$UTMP_HELPER" "$utmp" login 5002 "$no" bob || { tap_not_ok "utmp login" "rc $?"; return; }
        # A record whose line leads out of /dev, to a file of the test.
        echo untouched >"$D/victim"
        "$UTMP_HELPER" "$utmp" login 5003 "../..$D/victim" mallory || { tap_not_ok "utmp login" "rc $?"; return; }
        daemon_start --utmp "$utmp" || return
        create_native talker --message-users $'disk full\u009b2J on /srv' || return
        start_native talker || return
        wait_until 30 "the message reaches the terminal that allows messages" \
                file_has "$D/yes.out" "Message from service talker (scm) at " &&
                tap_ok "scm_service_message_ex(SCM_MESSAGE_TO_USERS) reaches alice's terminal, naming the service"
        assert_eq "the library told the service it was sent" 0 "$(report_get talker message_users)"
        # U+009B is CSI, a terminal's escape: valid UTF-8, so the command
        # line and the protocol take it; the terminal must not.
        check "the text arrives, its C1 control (CSI) a space" file_has "$D/yes.out" "disk full 2J on /srv"
        if LC_ALL=C grep -q $'\xc2\x9b' "$D/yes.out"; then
                tap_not_ok "no control character reaches the terminal" "$(od -c "$D/yes.out" | head)"
        else
                tap_ok "no control character reaches the terminal"
        fi
        check "scmd logs how many terminals took it" grep -qF "service talker: its message went to 1 terminal and 0 desktops" "$D/scmd.stderr"
        check "bob's terminal (mesg n) gets nothing" test ! -s "$D/no.out"
        assert_eq "a record whose line leads out of /dev writes nothing" untouched "$(cat "$D/victim")"
        run_sc message talker "second note" --users
        assert_rc "scctl message --users" 0
        wait_until 30 "an administrator's message reaches the terminal" file_has "$D/yes.out" "second note" &&
                tap_ok "scctl message --users reaches alice's terminal"
        run_sc message talker "quiet note"
        sleep 0.5
        if grep -q "quiet note" "$D/yes.out"; then
                tap_not_ok "without --users, no terminal is written" "$(cat "$D/yes.out")"
        else
                tap_ok "without --users, no terminal is written"
        fi
        # A record naming a device that is no terminal (here one like
        # /dev/null, made by the test): scmd must not even open it, since
        # opening some devices acts (a watchdog).  inotify's IN_OPEN tells,
        # and the same watch on alice's terminal shows the watch works.
        local fake=/dev/scm-wall-test.$$
        if mknod -m 0620 "$fake" c 1 3 2>/dev/null; then
                "$UTMP_HELPER" "$utmp" login 5004 "${fake#/dev/}" eve
                python3 - "$D/opens" "$fake" "/dev/$yes" <<'PY' &
import ctypes, os, select, sys, time
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
names = {}
for path in sys.argv[2:]:
    names[libc.inotify_add_watch(fd, path.encode(), 0x20)] = path  # IN_OPEN
open(sys.argv[1] + ".ready", "w").close()
seen = set()
end = time.time() + 5
while time.time() < end:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        buf = os.read(fd, 4096)
        i = 0
        while i + 16 <= len(buf):
            wd = int.from_bytes(buf[i:i+4], "little")
            n = int.from_bytes(buf[i+12:i+16], "little")
            seen.add(names.get(wd, "?"))
            i += 16 + n
with open(sys.argv[1], "w") as f:
    f.write("\n".join(sorted(seen)) + "\n")
PY
                local watcher=$!
                wait_until 10 "the open watch is in place" test -e "$D/opens.ready"
                run_sc message talker "to every terminal" --users
                wait "$watcher"
                check "the watch saw alice's terminal opened" grep -qxF "/dev/$yes" "$D/opens"
                if grep -qxF "$fake" "$D/opens"; then
                        tap_not_ok "a device of another kind than a terminal is never opened" "$(cat "$D/opens")"
                else
                        tap_ok "a device of another kind than a terminal is never opened"
                fi
                "$UTMP_HELPER" "$utmp" logout 5004 "${fake#/dev/}"
                rm -f "$fake"
        else
                tap_skip "a device of another kind than a terminal is never opened" "cannot mknod in /dev here"
        fi
        "$UTMP_HELPER" "$utmp" logout 5001 "$yes" || { tap_not_ok "utmp logout" "rc $?"; return; }
        run_sc message talker "after logout" --users
        sleep 0.5
        if grep -q "after logout" "$D/yes.out"; then
                tap_not_ok "a session that ended gets no message" "$(cat "$D/yes.out")"
        else
                tap_ok "a session that ended gets no message"
        fi
        stop_ptys
        assert_sc_ok "stop talker" stop talker --wait
}

test_desktop_notification() {
        local tool
        for tool in dbus-daemon dbus-monitor setpriv; do
                if ! command -v $tool >/dev/null; then
                        tap_skip "a message for the users reaches a desktop's session bus" "$tool is not installed"
                        return
                fi
        done
        if ! is_root; then
                tap_skip "a message for the users reaches a desktop's session bus" "the test runs a bus as nobody: needs root"
                return
        fi
        local run=/run/user/65534 as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        if [ -e "$run" ]; then
                tap_skip "a message for the users reaches a desktop's session bus" "$run exists already (a real session of nobody)"
                return
        fi
        mkdir -p /run/user && mkdir -m 700 "$run" && chown 65534:65534 "$run" && RUNTIME_MADE=$run
        "${as_nobody[@]}" dbus-daemon --session --address="unix:path=$run/bus" --nofork --nopidfile \
                >"$D/bus.out" 2>&1 &
        PTY_PIDS+=($!)
        wait_until 10 "nobody's session bus listens" test -S "$run/bus" || return
        DBUS_SESSION_BUS_ADDRESS="unix:path=$run/bus" "${as_nobody[@]}" dbus-monitor --session \
                "interface='org.freedesktop.Notifications'" >"$D/monitor.out" 2>&1 &
        PTY_PIDS+=($!)
        wait_until 10 "the monitor is in place" grep -q "NameAcquired\|member=" "$D/monitor.out" || true
        local utmp="$D/utmp"
        : >"$utmp"
        "$UTMP_HELPER" "$utmp" login 6001 pts/999 nobody || { tap_not_ok "utmp login" "rc $?"; return; }
        daemon_start --utmp "$utmp" || return
        create_native talker || return
        start_native talker || return
        run_sc message talker "backup finished on /srv" --users
        assert_rc "scctl message --users" 0
        wait_until 30 "the Notify call reaches nobody's bus" grep -q "member=Notify" "$D/monitor.out" &&
                tap_ok "scmd calls Notify on the session bus of the logged-in user"
        check "...with the service's name as the summary" grep -qF '"Message from service talker"' "$D/monitor.out"
        check "...and the text as the body" grep -qF '"backup finished on /srv"' "$D/monitor.out"
        check "scmd logs the desktop it went to" grep -qF "its message went to 0 terminals and 1 desktop" "$D/scmd.stderr"
        stop_ptys
        cleanup_runtime
        assert_sc_ok "stop talker" stop talker --wait
}

run_test test_mounts
run_test test_service_message
run_test test_message_to_users
run_test test_desktop_notification
finish
