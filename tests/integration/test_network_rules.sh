#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Network rules (docs/protocol.md, "Fences"), enforced by the kernel on the
# service's cgroup and seen from inside the service (the helper's own
# connect and bind attempts), as root, which must not be able to lift them:
#   - in a network namespace made by the test (scmd runs in it), an egress
#     rule denies one of two test addresses and allows the other (a
#     listener of the test on both);
#   - a bind outside the allowed ports fails (EPERM), IPv4 and IPv6;
#   - the service holds none of the capabilities that detach the rules,
#     and its own attempt to detach them fails;
#   - the vocabulary: qc shows the rules, a bad rule is refused naming it,
#     "" clears them.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LISTENER=""
trap '[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null; teardown quiet; unshare_build' EXIT

test_vocabulary() {
        daemon_start || return
        create_helper v -- --ip-address-deny any --ip-address-allow 10.0.0.0/8,localhost \
                --socket-bind-allow tcp:8080-8090 --socket-bind-deny any || return
        run_sc --json qc v
        assert_contains "qc --json: the allow list" "$OUT" '"ip_address_allow":["10.0.0.0/8","localhost"]'
        assert_contains "...the deny list" "$OUT" '"ip_address_deny":["any"]'
        assert_contains "...the bind rules" "$OUT" '"socket_bind_allow":["tcp:8080-8090"]'
        run_sc qc v
        assert_contains "qc shows the rules" "$OUT" "IP_ADDRESS_ALLOW   : 10.0.0.0/8,localhost"
        run_sc qsecurity v
        assert_contains "qsecurity: the network nearly closed" "$OUT" "network            allowed addresses only  2/10"
        assert_sc_error "a bad address rule is refused" INVALID_PARAMETER 87 config v \
                --ip-address-deny 10.0.0.300
        assert_contains "...naming it" "$ERR" "'ip_address_deny' entry 1: not an address rule"
        assert_sc_error "a bad bind rule is refused" INVALID_PARAMETER 87 config v \
                --socket-bind-allow tcp:90-80
        assert_contains "...naming it" "$ERR" "'socket_bind_allow' entry 1: not a bind rule"
        assert_sc_ok "\"\" clears them" config v --ip-address-allow "" --ip-address-deny "" \
                --socket-bind-allow "" --socket-bind-deny ""
        run_sc --json qc v
        assert_contains "...all four" "$OUT" '"ip_address_allow":[],"ip_address_deny":[],"socket_bind_allow":[],"socket_bind_deny":[]'
}

test_enforced() {
        if ! is_root || ! command -v ip >/dev/null || ! unshare -n true 2>/dev/null; then
                tap_skip "network rules hold" "not root, no ip(8) or no network namespace"
                return
        fi
        # scmd, and so its services, in a network namespace of the test's,
        # with two test addresses and a listener on both.
        daemon_start_netns || return
        local ns=$NETNS
        nsenter --net="$ns" ip link set lo up &&
                nsenter --net="$ns" ip addr add 10.78.0.1/32 dev lo &&
                nsenter --net="$ns" ip addr add 10.78.0.2/32 dev lo ||
                { tap_not_ok "the test's addresses" "ip failed"; return; }
        local port=7001 good=7002 bad=7003
        nsenter --net="$ns" python3 -c 'import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16); s.settimeout(60)
while True:
    try: c,_=s.accept(); c.close()
    except socket.timeout: break' "$port" &
        LISTENER=$!
        wait_until 10 "the test's listener listens" \
                nsenter --net="$ns" bash -c "exec 3<>/dev/tcp/10.78.0.1/$port" 2>/dev/null || return
        create_helper n --try-connect "10.78.0.1:$port" --try-connect "10.78.0.2:$port" \
                --try-bind "$good" --try-bind "$bad" --try-bind-any "$bad" --try-detach \
                --report-security -- --ip-address-deny any --ip-address-allow 10.78.0.1 \
                --socket-bind-allow "tcp:$good" --socket-bind-deny any || return
        start_helper n || return
        check "connect to the allowed 10.78.0.1 succeeds" report_has n "connect:10.78.0.1:$port=ok"
        check "connect to the denied 10.78.0.2 fails with EPERM" report_has n "connect:10.78.0.2:$port=EPERM"
        check "bind to the allowed port $good succeeds" report_has n "bind:$good=ok"
        check "bind to port $bad fails with EPERM" report_has n "bind:$bad=EPERM"
        check "...on IPv6 too" report_has n "bind6:$bad=EPERM"
        local eff
        eff=$((0x$(report_get n CapEff)))
        assert_eq "root's service has no CAP_NET_ADMIN, CAP_SYS_ADMIN or CAP_BPF" 0 \
                $((eff >> 12 & 1 | eff >> 21 & 1 | eff >> 39 & 1))
        check "...and its attempt to detach the rules fails (EPERM)" report_has n "detach=EPERM"
        assert_sc_ok "stop n" stop n --wait
        # Started again, the rules are the same (attached anew, not stacked).
        : >"$(report_path n)"
        start_helper n || return
        check "after a restart the rules still hold" report_has n "connect:10.78.0.2:$port=EPERM"
        check "...and still let the allowed through" report_has n "connect:10.78.0.1:$port=ok"
        assert_sc_ok "stop n" stop n --wait
        create_helper free --try-connect "10.78.0.2:$port" || return
        start_helper free || return
        check "a service without rules reaches 10.78.0.2" report_has free "connect:10.78.0.2:$port=ok"
        assert_sc_ok "stop free" stop free --wait
}

run_test test_vocabulary
run_test test_enforced
finish
