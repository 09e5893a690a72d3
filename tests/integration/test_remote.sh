#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Other machines through ssh, for real: Debian's sshd on loopback, with a
# private config, host key, ports and user made here (never the system's
# sshd or port 22), and scmd instances started here play the remote hosts.
#   - scctl --host USER@127.0.0.1:PORT creates, starts, queries and stops a
#     service on "the remote" as a non-root remote user whose access lists
#     apply: a denied verb is denied, and the error names the host;
#   - --hosts runs one verb on three hosts in parallel, one of them down,
#     and reports that one while the other two succeed.
#   - scctl --hosts apply makes one document true on two hosts, a second
#     apply changes nothing, export --document through ssh is the local
#     one; and ansible-playbook runs contrib/ansible's scm_service on "the
#     remote" through its own ssh: changed, then changed=0.
# Each sshd port serves one scmd: sshd sets SCM_SOCKET per port (Match
# LocalPort + SetEnv), and the remote `scctl bridge` follows the usual rule.
# Needs root, sshd (openssh-server), ssh, ssh-keygen and useradd; skipped
# with the reason otherwise.  Everything started here is stopped, also on
# failure.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

U=scmrem-$$
T=""
SSHD_PID=""
SCMD2_PID=""
MADE_USER=""

stop_scmd2() {
        if [ -n "$SCMD2_PID" ]; then
                kill -TERM "$SCMD2_PID" 2>/dev/null
                poll_until 30 proc_gone "$SCMD2_PID" || kill -KILL "$SCMD2_PID" 2>/dev/null
                wait "$SCMD2_PID" 2>/dev/null
                SCMD2_PID=""
        fi
}

cleanup_remote() {
        [ -n "$SSHD_PID" ] && kill -TERM "$SSHD_PID" 2>/dev/null && wait "$SSHD_PID" 2>/dev/null
        SSHD_PID=""
        stop_scmd2
        [ -n "$MADE_USER" ] && userdel -r "$MADE_USER" >/dev/null 2>&1
        MADE_USER=""
        [ -n "$T" ] && [ -z "${KEEP_TEST_DIRS:-}" ] && rm -rf "$T"
}
trap 'teardown quiet; [ -n "${KEEP_REMOTE:-}" ] || cleanup_remote; unshare_build' EXIT

# Users of an earlier run that was killed (its pid gone).
while IFS=: read -r name _; do
        [[ $name =~ ^scmrem-([0-9]+)$ ]] || continue
        proc_alive "${BASH_REMATCH[1]}" || userdel -r "$name" >/dev/null 2>&1
done < <(getent passwd)

why_not=""
if ! is_root; then
        why_not="not root"
elif [ ! -x /usr/sbin/sshd ]; then
        why_not="no sshd (openssh-server is not installed)"
else
        for c in ssh ssh-keygen useradd setpriv; do
                command -v "$c" >/dev/null || why_not="no $c"
        done
fi


# Sets up the user, keys, a copy of scctl the user can run, and sshd with
# three ports whose sessions see SCM_SOCKET $T/s1, $T/s2, $T/s3.
setup_remote() {
        T=$(mktemp -d /tmp/scm-remote.XXXXXX)
        chmod 755 "$T"
        if ! useradd --create-home --home-dir "$T/home" --shell /bin/sh --user-group "$U" 2>"$T/useradd.err"; then
                tap_not_ok "useradd $U" "$(cat "$T/useradd.err")"
                return 1
        fi
        MADE_USER=$U
        usermod -p '*' "$U" # no password, but not locked: sshd refuses a locked account
        mkdir -p "$T/home/.ssh" "$T/bin" /run/sshd
        ssh-keygen -q -t ed25519 -N '' -f "$T/id" && ssh-keygen -q -t ed25519 -N '' -f "$T/hostkey" ||
                return 1
        cp "$T/id.pub" "$T/home/.ssh/authorized_keys"
        chown -R "$U:$U" "$T/home"
        chmod 700 "$T/home/.ssh"
        chmod 600 "$T/home/.ssh/authorized_keys"
        # scctl and libscm where the user can run them (the checkout may be
        # in a folder only root can enter).
        cp "$SCCTL" "$T/bin/scctl"
        find "$(dirname "$SCCTL")" -maxdepth 1 -name 'libscm.so*' ! -type d -exec cp -P {} "$T/bin/" \;
        chmod -R a+rX "$T/bin"
        P1=$(free_port) && P2=$(free_port) && P3=$(free_port) || return 1
        cat >"$T/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $P1
Port $P2
Port $P3
HostKey $T/hostkey
PidFile $T/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $U
LogLevel ERROR
Match LocalPort $P1
        SetEnv SCM_SOCKET=$T/s1/run/scm.sock
Match LocalPort $P2
        SetEnv SCM_SOCKET=$T/s2/run/scm.sock
Match LocalPort $P3
        SetEnv SCM_SOCKET=$T/s3/run/scm.sock
EOF
        /usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
        SSHD_PID=$!
        export SCM_SSH="ssh -F /dev/null -i $T/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10"
        export SCM_REMOTE_SCCTL="env LD_LIBRARY_PATH=$T/bin $T/bin/scctl"
        if ! poll_until 30 ssh_works; then
                tap_not_ok "sshd on 127.0.0.1:$P1 lets $U in" "$(cat "$T/sshd.log")"
                return 1
        fi
        tap_ok "sshd on 127.0.0.1:$P1 lets $U in with the test's key"
}

ssh_works() {
        # shellcheck disable=SC2086
        $SCM_SSH -o BatchMode=yes -p "$P1" "$U@127.0.0.1" true 2>/dev/null
}

# A root scmd with --root DIR [SCMD OPTIONS...] whose socket the user can reach.
start_scmd_at() {
        local dir=$1
        shift
        mkdir -p "$dir"
        chmod 711 "$dir"
        "$SCMD" --root "$dir" --foreground "$@" </dev/null >>"$dir.out" 2>&1 &
        local pid=$!
        poll_until 30 "$SCCTL" --root "$dir" --timeout 5 query >/dev/null 2>&1 || return 1
        echo "$pid"
}

remote() { # remote ARGS...: scctl --host U@127.0.0.1:P1 ARGS (OUT, ERR, RC)
        run "$SCCTL" --timeout 20 --host "$U@127.0.0.1:$P1" "$@"
}

test_host() {
        # The first "remote host": lib.sh's own scmd at $D, reached as $U.
        daemon_start || return
        chmod 711 "$D"
        rmdir "$T/s1" 2>/dev/null
        ln -s "$D" "$T/s1"

        remote query
        assert_rc "--host query, as $U through ssh" 0 || diag "$(last_run)"

        # The user may create services, nothing more on the SCM.
        sc sdset --scm "allow everyone connect,enumerate,query-lock-status; allow user:$U connect,enumerate,create-service"
        assert_rc "the admin lets $U create services" 0 || diag "$(last_run)"

        local cmd
        cmd=$(helper_cmdline rweb)
        remote create rweb --exec "$cmd"
        assert_rc "--host create rweb as $U" 0 || diag "$(last_run)"
        sc sdset rweb "allow user:$U query-status,query-config,start,stop; allow everyone query-status"
        assert_rc "the admin gives $U start, stop and queries on rweb" 0 || diag "$(last_run)"

        remote start rweb --wait
        assert_rc "--host start rweb --wait" 0 || diag "$(last_run)"
        assert_contains "the remote says RUNNING" "$OUT" "RUNNING"
        wait_report rweb ready=1 || return
        local pid
        pid=$(report_get rweb pid)
        check "the service runs on the remote host (its own report: pid $pid)" proc_alive "$pid"

        remote --json queryex rweb
        assert_rc "--host --json queryex rweb" 0 || diag "$(last_run)"
        assert_contains "its pid comes back through ssh" "$OUT" "\"pid\":$pid"

        remote delete rweb
        assert_rc "--host delete rweb is denied to $U" 1
        assert_contains "...with ACCESS_DENIED" "$ERR" "ACCESS_DENIED"
        assert_contains "...naming the host" "$ERR" "$U@127.0.0.1:$P1"
        assert_contains "...and the user" "$ERR" "$U"

        remote stop rweb --wait
        assert_rc "--host stop rweb --wait" 0 || diag "$(last_run)"
        check "its process is gone" poll_until 30 proc_gone "$pid"

        run "$SCCTL" --timeout 8 --host "$U@127.0.0.1:$P3" query
        assert_rc "a host whose scmd is down: exit 3" 3
        assert_contains "...RPC_S_SERVER_UNAVAILABLE" "$ERR" "RPC_S_SERVER_UNAVAILABLE"
        assert_contains "...naming the host" "$ERR" "127.0.0.1:$P3"
        assert_contains "...and what the remote bridge said" "$ERR" "No such file or directory"

        run "$SCCTL" --timeout 20 --host "$U@127.0.0.1:1" query
        assert_rc "a host nobody answers on: exit 3" 3
        assert_contains "...with what ssh said" "$ERR" "127.0.0.1"
        sc delete rweb
}

test_hosts() {
        daemon_start || return
        chmod 711 "$D"
        rm -f "$T/s1"
        ln -s "$D" "$T/s1"
        SCMD2_PID=$(start_scmd_at "$T/s2") || {
                tap_not_ok "a second scmd starts"
                return
        }
        sc create one --exec "$(helper_cmdline one)"
        "$SCCTL" --root "$T/s2" create two --exec "$(helper_cmdline two)" >/dev/null

        local hosts="$U@127.0.0.1:$P1,$U@127.0.0.1:$P2,$U@127.0.0.1:$P3"
        run "$SCCTL" --timeout 8 --hosts "$hosts" query
        assert_rc "--hosts with one host down: exit 3" 3
        assert_contains "the first host's services, prefixed by host" "$OUT" "$U@127.0.0.1:$P1: one "
        assert_contains "the second host's" "$OUT" "$U@127.0.0.1:$P2: two "
        assert_contains "the third host is reported" "$OUT" "$U@127.0.0.1:$P3: scctl:"
        assert_contains "...as unreachable" "$OUT" "RPC_S_SERVER_UNAVAILABLE"
        assert_contains "a summary" "$ERR" "3 hosts: 2 succeeded, 1 failed ($U@127.0.0.1:$P3: exit 3)"

        echo "$U@127.0.0.1:$P1" >"$T/hostsfile"
        echo "# a comment" >>"$T/hostsfile"
        echo "$U@127.0.0.1:$P2" >>"$T/hostsfile"
        run "$SCCTL" --timeout 20 --hosts "$T/hostsfile" --json query
        assert_rc "--hosts FILE --json, both up: exit 0" 0 || diag "$(last_run)"
        assert_eq "one JSON object per host" "$(grep -c '"host"' <<<"$OUT")" 2
        assert_contains "...with the host" "$OUT" "\"host\":\"$U@127.0.0.1:$P2\""
        assert_contains "...its exit status" "$OUT" "\"exit\":0"
        assert_contains "...and its output as JSON" "$OUT" "\"name\":\"two\""

        "$SCCTL" --root "$T/s2" delete two >/dev/null
        sc delete one
}

# scctl apply reads the document here and makes it true on each host, as
# the remote user (an admin there: --admin-group).
test_apply_hosts() {
        daemon_start --admin-group "$U" || return
        chmod 711 "$D"
        rm -f "$T/s1"
        ln -s "$D" "$T/s1"
        stop_scmd2 # test_hosts's, which has no --admin-group
        SCMD2_PID=$(start_scmd_at "$T/s2" --admin-group "$U") || {
                tap_not_ok "a second scmd starts"
                return
        }
        cat >"$D/doc.json" <<'EOF'
{"services": {"fleet": {"command_line": "/bin/sleep 1000", "start_type": "auto",
  "description": "applied through ssh", "environment": ["A=1"],
  "failure_actions": {"reset_period": 60, "actions": [{"type": "restart", "delay_ms": 1000}]},
  "parameters": {"Parameters": {"Port": {"type": "dword", "data": 80}}}}}}
EOF
        local hosts="$U@127.0.0.1:$P1,$U@127.0.0.1:$P2"
        run "$SCCTL" --timeout 20 --hosts "$hosts" apply "$D/doc.json"
        assert_rc "--hosts apply on two hosts" 0 || diag "$(last_run)"
        assert_contains "the first host reports the service made" "$OUT" "$U@127.0.0.1:$P1: create fleet"
        assert_contains "...and the second" "$OUT" "$U@127.0.0.1:$P2: create fleet"
        run sc export --document fleet
        local here=$OUT
        assert_contains "the service is on the first host, as written" "$here" '"description": "applied through ssh"'
        run "$SCCTL" --root "$T/s2" export --document fleet
        assert_eq "...and the second host's is the same" "$OUT" "$here"

        run "$SCCTL" --timeout 20 --host "$U@127.0.0.1:$P2" apply "$D/doc.json"
        assert_rc "a second apply, --host" 0 || diag "$(last_run)"
        assert_eq "...changes nothing" "$OUT" ""
        run "$SCCTL" --timeout 20 --host "$U@127.0.0.1:$P1" export --document fleet
        assert_eq "export --document through ssh gives the local export" "$OUT" "$here"

        # A Ctrl-C at the terminal during an apply through ssh: it reaches
        # scctl and ssh (one process group); the connection breaks.  The
        # remote gets the whole document or none of it, whatever the moment.
        local i doc='{"services": {'
        for i in $(seq 1 300); do
                doc+="${i:+$([ "$i" -gt 1 ] && echo ,)}\"c$i\": {\"command_line\": \"/bin/sleep 1000\", \"description\": \"$i\","
                doc+=' "parameters": {"Parameters": {"A": {"type": "dword", "data": 1}}}}'
        done
        printf '%s}}\n' "$doc" >"$D/many.json"
        # (env: a background job of a script starts with SIGINT ignored.)
        setsid env --default-signal=INT "$SCCTL" --timeout 20 --host "$U@127.0.0.1:$P2" apply "$D/many.json" \
                >"$D/many.out" 2>"$D/many.err" &
        local pid=$!
        sleep ${CTRLC_AT:-0.15} # a moment into it: any moment must do
        kill -INT -- -"$pid" 2>/dev/null
        wait "$pid"
        local there
        there=$("$SCCTL" --root "$T/s2" query 2>/dev/null | grep -c '^c[0-9]')
        diag "after the Ctrl-C, $there of 300 services are on the remote; apply said: $(head -c 200 "$D/many.err")"
        if [ "$there" -eq 0 ] || [ "$there" -eq 300 ]; then
                tap_ok "a Ctrl-C during apply --host leaves the remote with all of the document or none ($there)"
        else
                tap_not_ok "a Ctrl-C during apply --host leaves the remote with all of the document or none" "$there of 300"
        fi
        for i in $(seq 1 300); do "$SCCTL" --root "$T/s2" delete "c$i" >/dev/null 2>&1; done

        # The Ansible module on "the remote", through ansible's own ssh.
        if ! command -v ansible-playbook >/dev/null || [ ! -x /usr/bin/python3 ]; then
                tap_skip "ansible-playbook drives scm_service through ssh" "no ansible-playbook or /usr/bin/python3"
        else
                local src
                src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
                cat >"$D/play.yml" <<EOF
- hosts: remote
  gather_facts: false
  tasks:
    - scm_service:
        name: fleet
        description: changed by ansible
        state: started
        scctl: $T/bin/scctl
      environment: {LD_LIBRARY_PATH: $T/bin}
EOF
                local inv="remote ansible_host=127.0.0.1 ansible_port=$P1 ansible_user=$U ansible_ssh_private_key_file=$T/id ansible_python_interpreter=/usr/bin/python3"
                printf '%s\n' "$inv" >"$D/inventory"
                local i
                for i in 1 2; do
                        run env ANSIBLE_LIBRARY="$src/contrib/ansible/plugins/modules" ANSIBLE_NOCOLOR=1 \
                                ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_LOCAL_TEMP="$D/ansible-local" \
                                ANSIBLE_SSH_ARGS="-F /dev/null -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o LogLevel=ERROR" \
                                HOME="$D" ansible-playbook -i "$D/inventory" "$D/play.yml"
                        if [[ $OUT =~ remote\ +:\ ok=1\ +changed=$((2 - i))\ +unreachable=0\ +failed=0 ]]; then
                                tap_ok "ansible-playbook through ssh, run $i: changed=$((2 - i))"
                        else
                                tap_not_ok "ansible-playbook through ssh, run $i: changed=$((2 - i))" "$(last_run)"
                        fi
                done
                run sc qdescription fleet
                assert_contains "...the remote service has the play's description" "$OUT" "changed by ansible"
                check "...and runs" state_is fleet running
                sc stop fleet --wait >/dev/null
        fi

        "$SCCTL" --root "$T/s2" delete fleet >/dev/null
        sc delete fleet >/dev/null
}

if [ -n "$why_not" ]; then
        tap_skip "scctl --host through ssh" "$why_not"
        tap_skip "scctl --hosts through ssh" "$why_not"
        tap_skip "scctl --hosts apply through ssh" "$why_not"
        finish
fi

if setup_remote; then
        run_test test_host
        run_test test_hosts
        run_test test_apply_hosts
fi
finish
