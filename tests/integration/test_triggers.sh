#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Service triggers, from outside: the helper service's report (it ran,
# its pid) and the service's state.
#   - a file appearing starts a service;
#   - a custom event (scctl trigger fire) stops another, and a caller who
#     may not stop it is told "denied" and it keeps running;
#   - in a network namespace made by the test: the first IP address
#     (a dummy or bridge interface's) starts a service, and the dummy's uevent
#     (subsystem net) starts another;
#   - a native service that runs and accepts TRIGGEREVENT gets control 32
#     when its start trigger fires again, and answers it; one that does not
#     accept it gets nothing;
#   - a mount made by the test (a tmpfs, in scmd's mount namespace) starts
#     a service, and its unmount stops it;
#   - refusals: an event that does not parse, a network endpoint.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

test_path_and_custom() {
        daemon_start || return
        mkdir -p "$D/watched"
        create_helper onpath
        assert_sc_ok "a service started when a file appears" \
                triggers onpath --start-on "path:$D/watched/go"
        run_sc triggerinfo onpath
        assert_contains "triggerinfo shows it" "$OUT" "path:$D/watched/go"
        assert_contains "...as a start trigger" "$OUT" "START SERVICE"
        assert_eq "it is stopped before the file" stopped "$(status_field onpath state)"
        : >"$D/watched/other"
        assert_eq "another file in the folder does not start it" stopped \
                "$(status_field onpath state)"
        : >"$D/watched/go"
        wait_report onpath ready=1 && tap_ok "the file appearing started it: its helper reported"
        wait_state onpath running

        assert_sc_ok "a stop trigger on a custom event" triggers onpath --stop-on custom:halt.now
        run_sc trigger fire halt.now some-data
        assert_contains "fire reports the stop" "$OUT" "stopped"
        wait_state onpath stopped
        check "the service is stopped" state_is onpath stopped
}

# A custom trigger with data (Windows' data item): only a fire that
# carries exactly that data sets it off.
test_custom_data() {
        daemon_start || return
        create_helper blue || return
        create_helper green || return
        assert_sc_ok "blue starts on deploy with data blue" triggers blue --start-on "custom:deploy data=blue"
        assert_sc_ok "green starts on deploy with data green" triggers green --start-on "custom:deploy data=green"
        run_sc triggerinfo blue
        assert_contains "triggerinfo shows the data" "$OUT" "custom:deploy data=blue"
        run_sc trigger fire deploy
        assert_not_contains "a fire without data starts neither" "$OUT" "started"
        run_sc trigger fire deploy blue
        assert_contains "a fire with data blue starts one" "$OUT" "blue"
        wait_report blue ready=1 && tap_ok "...blue, whose helper reported"
        check "green stays stopped" state_is green stopped
        assert_sc_ok "stop blue" stop blue --wait
        run_sc trigger fire deploy blu
        assert_not_contains "data that is only close starts nothing" "$OUT" "started"
        check "...blue stays stopped" state_is blue stopped
        assert_sc_error "data with a control character is refused" INVALID_PARAMETER 87 \
                triggers green --start-on $'custom:deploy data=\e[2J'
        assert_contains "...naming the data" "$ERR" "is no trigger data"
}

test_triggerevent() {
        daemon_start || return
        create_native T --accept stop,triggerevent || return
        create_native N --accept stop || return
        assert_sc_ok "T starts on custom:poke" triggers T --start-on custom:poke
        assert_sc_ok "N starts on custom:poke" triggers N --start-on custom:poke
        start_native T || return
        start_native N || return
        run_sc trigger fire poke
        assert_contains "fire says T was notified" "$OUT" "notified"
        wait_report T control=32 10 || return
        tap_ok "T, running and accepting TRIGGEREVENT, got control 32"
        wait_report T answered=32:0 10 && tap_ok "...and answered it with NO_ERROR"
        sleep 0.3
        if report_has N control=32; then
                tap_not_ok "N, which does not accept TRIGGEREVENT, gets nothing" "$(cat "$(report_path N)")"
        else
                tap_ok "N, which does not accept TRIGGEREVENT, gets nothing"
        fi
        assert_sc_ok "stop T" stop T --wait
        assert_sc_ok "stop N" stop N --wait
}

MOUNTED=""
trap '[ -n "$MOUNTED" ] && umount "$MOUNTED"; teardown quiet; unshare_build' EXIT
test_mount_triggers() {
        if ! is_root; then
                tap_skip "a mount starts a service" "mounting needs root"
                return
        fi
        daemon_start || return
        local mnt="$D/mnt"
        mkdir -p "$mnt"
        create_helper onmount
        assert_sc_ok "a service started by a mount, stopped by its unmount" \
                triggers onmount --start-on "mount:$mnt" --stop-on "unmount:$mnt"
        mount -t tmpfs scm-trigger-test "$mnt" || { tap_not_ok "mount a tmpfs" "rc $?"; return; }
        MOUNTED=$mnt
        wait_report onmount ready=1 && tap_ok "the mount started it: its helper reported"
        wait_state onmount running
        umount "$mnt" && MOUNTED=""
        wait_state onmount stopped && tap_ok "the unmount stopped it"
}

test_refusals() {
        daemon_start || return
        create_helper r
        assert_sc_error "an unknown event is refused" INVALID_PARAMETER 87 triggers r --start-on nothing
        assert_sc_error "a relative path is refused" INVALID_PARAMETER 87 triggers r --start-on path:x
        assert_sc_error "a network endpoint is refused (sockets declare it)" INVALID_PARAMETER 87 \
                triggers r --start-on network-endpoint:tcp:127.0.0.1:80
        run_sc trigger fire nobody.listens
        assert_contains "firing an event nobody has starts nothing" "$OUT" "no service"
}

test_netns() {
        if ! is_root || ! command -v ip >/dev/null || ! unshare -n true 2>/dev/null; then
                tap_skip "address and device triggers" "not root, no ip(8) or no network namespace"
                return
        fi
        daemon_start_netns || return
        create_helper onaddr
        create_helper ondev
        assert_sc_ok "a service started by the first address" triggers onaddr --start-on address:first
        assert_sc_ok "a service started by a net device" triggers ondev --start-on device:net::scmtd*
        local ns=$NETNS
        # A dummy interface, or a bridge where the dummy module is missing.
        if ! nsenter --net="$ns" ip link add scmtd0 type dummy 2>/dev/null &&
                ! nsenter --net="$ns" ip link add scmtd0 type bridge; then
                tap_skip "address and device triggers" "neither a dummy nor a bridge can be made here"
                return
        fi
        wait_report ondev ready=1 && tap_ok "the dummy's uevent started the device-triggered service"
        assert_eq "no address yet: the address-triggered one is stopped" stopped \
                "$(status_field onaddr state)"
        nsenter --net="$ns" ip addr add 10.77.0.1/24 dev scmtd0
        wait_report onaddr ready=1 && tap_ok "the first address started the address-triggered service"
        nsenter --net="$ns" ip link del scmtd0
}

# The last known good copy keeps triggers and sockets: after a restore
# (which puts every service's rows back from the copy) and a restart of
# scmd, both are still there.
test_last_known_good() {
        daemon_start --boot-accept manual || return
        create_helper kept || return
        assert_sc_ok "triggers" triggers kept --start-on custom:kept.go
        assert_sc_ok "a socket" sockets kept --listen "unix:$D/kept.sock"
        assert_sc_ok "boot accept (the copy is made)" boot accept
        assert_sc_ok "lkg restore" lkg restore
        daemon_stop 30
        daemon_start --boot-accept manual || return
        run_sc triggerinfo kept
        assert_contains "the trigger came back with the copy" "$OUT" "custom:kept.go"
        assert_contains "...and the socket" "$OUT" "network-endpoint:unix:$D/kept.sock"
}

run_test test_path_and_custom
run_test test_last_known_good
run_test test_custom_data
run_test test_triggerevent
run_test test_mount_triggers
run_test test_refusals
run_test test_netns
finish
