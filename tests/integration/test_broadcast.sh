#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Broadcasts, seen by a subscriber (scctl watch, through libscm):
#   - a mount made where scmd sees it (a tmpfs on a folder of the test,
#     in scmd's own mount namespace, which this script shares) reaches a
#     subscriber of mounts as "mounted", its unmount as "unmounted", and a
#     subscriber that did not ask for mounts gets neither;
#   - a native service's own scm_service_message() reaches a subscriber of
#     the service, its text intact.
# Each watch also names a service, whose state is reported at subscribe:
# that first line says the subscription is in place.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WATCH_PIDS=()
stop_watches() {
        local p
        for p in "${WATCH_PIDS[@]}"; do
                kill -TERM "$p" 2>/dev/null
                wait "$p" 2>/dev/null
        done
        WATCH_PIDS=()
}
MOUNTED=""
cleanup_mount() {
        [ -n "$MOUNTED" ] && umount "$MOUNTED" 2>/dev/null
        MOUNTED=""
}
trap 'stop_watches; cleanup_mount; teardown quiet' EXIT

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

run_test test_mounts
run_test test_service_message
finish
