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
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

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
DUMPABLE_WAS=""
restore_dumpable() {
        [ -n "$DUMPABLE_WAS" ] && echo "$DUMPABLE_WAS" >/proc/sys/fs/suid_dumpable
        DUMPABLE_WAS=""
}
trap 'restore_dumpable; stop_watches; stop_ptys; cleanup_runtime; cleanup_mount; teardown quiet' EXIT

# open_pty NAME y|n [OWNER]: a pty held open by a reader in the
# background, which copies what its terminal is written into $D/NAME.out;
# $D/NAME.tty is the terminal's path; y or n is its mesg; OWNER (a user,
# root when none) owns it, with the tty group, as login programs leave a
# session's terminal.
open_pty() {
        /usr/bin/python3 - "$D/$1.tty" "$2" "$D/$1.out" "${3:-root}" <<'PY' &
import grp, os, pwd, select, sys, time
m, s = os.openpty()
name = os.ttyname(s)
os.chown(name, pwd.getpwnam(sys.argv[4]).pw_uid, grp.getgrnam("tty").gr_gid)
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

# watch_opens OUT PATH...: in the background, writes to OUT the PATHs
# opened in the next 5 s (inotify's IN_OPEN), once OUT.ready is there.
watch_opens() {
        /usr/bin/python3 - "$@" <<'PY' &
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
}

# The sessions' users are real accounts of the base system (daemon, bin,
# sys), since a terminal is written only when it is its session's user's.
test_message_to_users() {
        local utmp="$D/utmp"
        mkdir -p "$D"
        : >"$utmp"
        open_pty yes y daemon || return
        open_pty no n bin || return
        open_pty stranger y root || return
        local yes no stranger
        yes=$(sed 's|^/dev/||' "$D/yes.tty")
        no=$(sed 's|^/dev/||' "$D/no.tty")
        stranger=$(sed 's|^/dev/||' "$D/stranger.tty")
        "$UTMP_HELPER" "$utmp" login 5001 "$yes" daemon || { tap_not_ok "utmp login" "rc $?"; return; }
        "$UTMP_HELPER" "$utmp" login 5002 "$no" bin || { tap_not_ok "utmp login" "rc $?"; return; }
        # A session of sys's on a terminal that is root's, not sys's.
        "$UTMP_HELPER" "$utmp" login 5005 "$stranger" sys || { tap_not_ok "utmp login" "rc $?"; return; }
        # A record whose line leads out of /dev, to a file of the test.
        echo untouched >"$D/victim"
        "$UTMP_HELPER" "$utmp" login 5003 "../..$D/victim" sys || { tap_not_ok "utmp login" "rc $?"; return; }
        daemon_start --utmp "$utmp" || return
        create_native talker --message-users $'disk full\u009b2J on /srv' || return
        start_native talker || return
        wait_until 30 "the message reaches the terminal that allows messages" \
                file_has "$D/yes.out" "Message from service talker (scm) at " &&
                tap_ok "scm_service_message_ex(SCM_MESSAGE_TO_USERS) reaches daemon's terminal, naming the service"
        assert_eq "the library told the service it was sent" 0 "$(report_get talker message_users)"
        # U+009B is CSI, a terminal's escape: valid UTF-8, so the command
        # line and the protocol take it; the terminal must not.
        check "the text arrives, its C1 control (CSI) a space" file_has "$D/yes.out" "disk full 2J on /srv"
        if LC_ALL=C grep -q $'\xc2\x9b' "$D/yes.out"; then
                tap_not_ok "no control character of the service's reaches the terminal" "$(od -c "$D/yes.out" | head)"
        else
                tap_ok "no control character of the service's reaches the terminal"
        fi
        check "the header rings the bell and starts a line, as wall(1) does" \
                grep -q $'^\aMessage from service talker' "$D/yes.out"
        wait_until 10 "scmd logs how many terminals took it" \
                grep -qF "service talker: its message went to 1 terminal and 0 desktops" "$D/scmd.stderr" &&
                tap_ok "scmd logs how many terminals took it"
        check "bin's terminal (mesg n) gets nothing" test ! -s "$D/no.out"
        check "a terminal that is not the session's user's gets nothing" test ! -s "$D/stranger.out"
        assert_eq "a record whose line leads out of /dev writes nothing" untouched "$(cat "$D/victim")"
        run_sc message talker "second note" --users
        assert_rc "scctl message --users" 0
        wait_until 30 "an administrator's message reaches the terminal" file_has "$D/yes.out" "second note" &&
                tap_ok "scctl message --users reaches daemon's terminal"
        run_sc message talker "quiet note"
        sleep 0.5
        if grep -q "quiet note" "$D/yes.out"; then
                tap_not_ok "without --users, no terminal is written" "$(cat "$D/yes.out")"
        else
                tap_ok "without --users, no terminal is written"
        fi
        # Records naming devices that are no session's terminal, made by the
        # test with a terminal's owner, group and mode: one like /dev/null,
        # one a serial line (major 4, minor 64: the virtual consoles' major
        # number).  scmd must not even open them, since opening some
        # devices acts (a watchdog; a modem's lines).  inotify's IN_OPEN
        # tells, and the same watch on daemon's terminal shows it works.
        local fake=/dev/scm-wall-test.$$ serial=/dev/scm-wall-serial.$$
        if mknod -m 0620 "$fake" c 1 3 2>/dev/null && mknod -m 0620 "$serial" c 4 64 2>/dev/null; then
                chown sys:tty "$fake" "$serial"
                "$UTMP_HELPER" "$utmp" login 5004 "${fake#/dev/}" sys
                "$UTMP_HELPER" "$utmp" login 5006 "${serial#/dev/}" sys
                watch_opens "$D/opens" "$fake" "$serial" "/dev/$yes"
                local watcher=$!
                wait_until 10 "the open watch is in place" test -e "$D/opens.ready"
                run_sc message talker "to every terminal" --users
                wait "$watcher"
                check "the watch saw daemon's terminal opened" grep -qxF "/dev/$yes" "$D/opens"
                if grep -qxF "$fake" "$D/opens"; then
                        tap_not_ok "a device of another kind than a terminal is never opened" "$(cat "$D/opens")"
                else
                        tap_ok "a device of another kind than a terminal is never opened"
                fi
                if grep -qxF "$serial" "$D/opens"; then
                        tap_not_ok "a serial line is never opened" "$(cat "$D/opens")"
                else
                        tap_ok "a serial line is never opened"
                fi
                "$UTMP_HELPER" "$utmp" logout 5004 "${fake#/dev/}"
                "$UTMP_HELPER" "$utmp" logout 5006 "${serial#/dev/}"
        else
                tap_skip "a device of another kind than a terminal is never opened" "cannot mknod in /dev here"
                tap_skip "a serial line is never opened" "cannot mknod in /dev here"
        fi
        rm -f "$fake" "$serial"
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

# count_in FILE TEXT: how many times TEXT is in FILE.
count_in() { grep -oF "$2" "$1" 2>/dev/null | wc -l; }
count_at_least() { [ "$(count_in "$2" "$3")" -ge "$1" ]; }

# A service's own messages for people are limited (3 a minute); an
# administrator's are not.
test_message_limit() {
        local utmp="$D/utmp"
        mkdir -p "$D"
        : >"$utmp"
        open_pty yes y daemon || return
        "$UTMP_HELPER" "$utmp" login 5001 "$(sed 's|^/dev/||' "$D/yes.tty")" daemon || { tap_not_ok "utmp login" "rc $?"; return; }
        daemon_start --utmp "$utmp" || return
        create_native talker --message-users "restarted once more" || return
        local i
        for i in 1 2 3 4 5; do
                start_native talker || return
                assert_sc_ok "stop talker ($i)" stop talker --wait >/dev/null
        done
        wait_until 30 "three of the service's messages reach the terminal" \
                count_at_least 3 "$D/yes.out" "restarted once more"
        wait_until 10 "scmd warns of the rest" grep -qF "service talker: more than 3 messages for people in 60 s" "$D/scmd.stderr" &&
                tap_ok "scmd warns that the service's further messages reach only subscribers and the log"
        sleep 1
        assert_eq "a service's own messages for people: 3 a minute, not 5" 3 "$(count_in "$D/yes.out" "restarted once more")"
        run_sc message talker "from the administrator" --users
        wait_until 30 "an administrator's message still goes out" file_has "$D/yes.out" "from the administrator" &&
                tap_ok "an administrator's message is not held back by the service's limit"
        stop_ptys
}

# talker_for_session PID LINE USER: a utmp of the test's with USER's
# session PID on LINE, scmd reading it, and the native service talker
# running.
talker_for_session() {
        local utmp="$D/utmp"
        : >"$utmp"
        "$UTMP_HELPER" "$utmp" login "$1" "$2" "$3" || { tap_not_ok "utmp login" "rc $?"; return 1; }
        daemon_start --utmp "$utmp" || return 1
        create_native talker || return 1
        start_native talker
}

# scmd_children_named COMM: the pids of scmd's children whose name is COMM.
scmd_children_named() {
        local st pid rest ppid
        for st in /proc/[0-9]*/stat; do
                read -r pid rest <"$st" 2>/dev/null || continue
                [[ "$rest" == "($1) "* ]] || continue
                ppid=${rest#"($1) "}
                ppid=${ppid#* }
                ppid=${ppid%% *}
                [ "$ppid" = "$SCMD_PID" ] && echo "$pid"
        done
}

messenger_at_work() { [ -n "$(scmd_children_named scm-messenger)" ]; }
no_messenger() { ! messenger_at_work; }

# The messenger, which delivers a message away from scmd's loop, keeps
# nothing of scmd's: shown while it waits on a session bus that never
# answers (a socket of the user daemon's that accepts and says nothing).
test_messenger() {
        if ! is_root; then
                tap_skip "the messenger keeps nothing of scmd's" "the test makes a bus of another user's: needs root"
                return
        fi
        local run=/run/user/1
        if [ -e "$run" ]; then
                tap_skip "the messenger keeps nothing of scmd's" "$run exists already (a real session of daemon)"
                return
        fi
        mkdir -p /run/user && mkdir -m 700 "$run" && chown 1:1 "$run" && RUNTIME_MADE=$run
        setpriv --reuid=1 --regid=1 --clear-groups /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(8)
conns = []
end = time.time() + 60
while time.time() < end:
    c, _ = s.accept(); conns.append(c)
' "$run/bus" &
        PTY_PIDS+=($!)
        wait_until 10 "the silent bus listens" test -S "$run/bus" || return
        DUMPABLE_WAS=$(cat /proc/sys/fs/suid_dumpable)
        echo 1 >/proc/sys/fs/suid_dumpable
        talker_for_session 7001 pts/998 daemon || return
        run_sc message talker "to a bus that never answers" --users
        assert_rc "scctl message --users" 0
        local messenger=""
        wait_until 10 "a messenger is at work" messenger_at_work || return
        messenger=$(scmd_children_named scm-messenger | head -1)
        local fds
        fds=$(ls /proc/"$messenger"/fd 2>/dev/null | sort -n | tr '\n' ' ')
        assert_eq "the messenger holds only the standard descriptors, none of scmd's" "0 1 2 " "$fds"
        assert_eq "the messenger blocks no signal (scmd's mask is not kept)" 0000000000000000 \
                "$(awk '/^SigBlk:/ {print $2}' /proc/"$messenger"/status)"
        # Its child that became daemon holds a copy of scmd's memory: daemon
        # must not be able to read it, even with fs.suid_dumpable 1 (set for
        # this check), where a change of uid alone would leave it readable.
        local child
        child=$(grep -l "^PPid:[[:space:]]*$messenger\$" /proc/[0-9]*/status 2>/dev/null | head -1)
        child=${child#/proc/}
        child=${child%/status}
        if [ -n "$child" ] && [ "$(awk '/^Uid:/ {print $2}' "/proc/$child/status")" = 1 ]; then
                assert_eq "...its child, now daemon's, is not daemon's to read (/proc/PID/mem owned by root)" \
                        0 "$(stat -c %u "/proc/$child/mem")"
        else
                tap_not_ok "the messenger's child for daemon's bus is there" "child '$child'"
        fi
        run_sc daemon-reexec
        assert_rc "daemon-reexec while the messenger waits" 0
        wait_until 10 "the new scmd answers" "$SCCTL" --root "$D" query talker &&
                tap_ok "the re-executed scmd runs and answers while a messenger is at work"
        wait_until 20 "the messenger gives up on the silent bus in time" no_messenger &&
                tap_ok "a messenger waiting on a silent bus ends by itself"
        check "scmd lives on" proc_alive "$SCMD_PID"
        restore_dumpable
        stop_ptys
        cleanup_runtime
}

test_desktop_notification() {
        local tool
        for tool in dbus-daemon dbus-monitor setpriv; do
                if ! command -v $tool >/dev/null; then
                        tap_skip "a message for the users reaches a desktop's notification service" "$tool is not installed"
                        return
                fi
        done
        if ! is_root; then
                tap_skip "a message for the users reaches a desktop's notification service" "the test runs a bus as nobody: needs root"
                return
        fi
        local run=/run/user/65534 as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
        if [ -e "$run" ]; then
                tap_skip "a message for the users reaches a desktop's notification service" "$run exists already (a real session of nobody)"
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
        # Its source through standard input: nobody cannot read a private checkout.
        "${as_nobody[@]}" /usr/bin/python3 - "$run/bus" <"$SRC/tests/helpers/notification-service.py" \
                >"$D/shown" 2>"$D/notes.err" &
        PTY_PIDS+=($!)
        wait_until 10 "the notification service owns its name" grep -qx ready "$D/shown" || return
        talker_for_session 6001 pts/999 nobody || return
        run_sc message talker "backup <b>done</b> & <a href=\"http://x\">ok</a>" --users
        assert_rc "scctl message --users" 0
        wait_until 30 "the Notify call reaches nobody's bus" grep -q "member=Notify" "$D/monitor.out" &&
                tap_ok "scmd calls Notify on the session bus of the logged-in user"
        wait_until 10 "the notification service shows it" grep -q $'\t' "$D/shown" &&
                tap_ok "the desktop's notification service takes the notification"
        check "...with the service's name as the summary" grep -q $'^Message from service talker\t' "$D/shown"
        check "...and the text as the body, its markup written as text" grep -qF \
                'backup &lt;b&gt;done&lt;/b&gt; &amp; &lt;a href="http://x"&gt;ok&lt;/a&gt;' "$D/shown"
        wait_until 10 "scmd logs the desktop it went to" \
                grep -qF "its message went to 0 terminals and 1 desktop" "$D/scmd.stderr" &&
                tap_ok "scmd logs the desktop the notification service took it on"
        # nobody now refuses messages (mesg n) on the one terminal of theirs:
        # the desktop is spared too.
        open_pty quiet n nobody || return
        "$UTMP_HELPER" "$D/utmp" logout 6001 pts/999
        "$UTMP_HELPER" "$D/utmp" login 6002 "$(sed 's|^/dev/||' "$D/quiet.tty")" nobody
        run_sc message talker "while quiet" --users
        wait_until 10 "scmd logs the quiet message" \
                grep -qF "its message went to 0 terminals and 0 desktops" "$D/scmd.stderr" &&
                tap_ok "a user with mesg n on every terminal gets no desktop notification either"
        check "...the notification service saw only the first" test "$(grep -c $'\t' "$D/shown")" -eq 1
        stop_ptys
        cleanup_runtime
        assert_sc_ok "stop talker" stop talker --wait
}

run_test test_mounts
run_test test_service_message
run_test test_message_to_users
run_test test_message_limit
run_test test_messenger
run_test test_desktop_notification
finish
