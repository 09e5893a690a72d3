#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Network rules (docs/protocol.md, "Fences"), enforced by the kernel on the
# service's cgroup and seen from inside the service (the helper's own
# connect and bind attempts), as root, which must not be able to lift them:
#   - an egress rule denies one loopback address and allows another
#     (a listener of the test on both);
#   - a bind outside the allowed ports fails (EPERM), IPv4 and IPv6;
#   - the service holds none of the capabilities that detach the rules,
#     and its own attempt to detach them fails;
#   - the vocabulary: qc shows the rules, a bad rule is refused naming it,
#     "" clears them.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LISTENER=""
trap '[ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null; teardown quiet; unshare_build' EXIT

# A TCP port nobody listens on now.
free_port() {
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

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
        assert_contains "...naming it" "$ERR" "'10.0.0.300' is no address rule"
        assert_sc_error "a bad bind rule is refused" INVALID_PARAMETER 87 config v \
                --socket-bind-allow tcp:90-80
        assert_contains "...naming it" "$ERR" "'tcp:90-80' is no bind rule"
        assert_sc_ok "\"\" clears them" config v --ip-address-allow "" --ip-address-deny "" \
                --socket-bind-allow "" --socket-bind-deny ""
        run_sc --json qc v
        assert_contains "...all four" "$OUT" '"ip_address_allow":[],"ip_address_deny":[],"socket_bind_allow":[],"socket_bind_deny":[]'
}

test_enforced() {
        if ! is_root; then
                tap_skip "network rules hold" "cgroup BPF programs need root"
                return
        fi
        daemon_start || return
        local port good bad
        port=$(free_port) good=$(free_port) bad=$(free_port)
        python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16); s.settimeout(60)
while True:
    try: c,_=s.accept(); c.close()
    except socket.timeout: break' "$port" &
        LISTENER=$!
        wait_until 10 "the test's listener listens" bash -c "exec 3<>/dev/tcp/127.0.0.2/$port" 2>/dev/null || return
        create_helper n --try-connect "127.0.0.2:$port" --try-connect "127.0.0.3:$port" \
                --try-bind "$good" --try-bind "$bad" --try-bind-any "$bad" --try-detach \
                --report-security -- --ip-address-deny any --ip-address-allow 127.0.0.2 \
                --socket-bind-allow "tcp:$good" --socket-bind-deny any || return
        start_helper n || {
                diag "$(scmd_log | tail -5)"
                return
        }
        check "connect to the allowed 127.0.0.2 succeeds" report_has n "connect:127.0.0.2:$port=ok"
        check "connect to the denied 127.0.0.3 fails with EPERM" report_has n "connect:127.0.0.3:$port=EPERM"
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
        check "after a restart the rules still hold" report_has n "connect:127.0.0.3:$port=EPERM"
        check "...and still let the allowed through" report_has n "connect:127.0.0.2:$port=ok"
        assert_sc_ok "stop n" stop n --wait
        create_helper free --try-connect "127.0.0.3:$port" || return
        start_helper free || return
        check "a service without rules reaches 127.0.0.3" report_has free "connect:127.0.0.3:$port=ok"
        assert_sc_ok "stop free" stop free --wait
}

run_test test_vocabulary
run_test test_enforced
finish
