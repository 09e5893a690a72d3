#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A scheduled task's own least privilege, observed from inside its run (a
# script that writes what it sees: its uid, groups, CapEff and NoNewPrivs
# from /proc/self/status, its folders, which writes it may make, its
# network devices) and from outside (task query, the history, scctl's
# errors):
#   - required privileges: the run holds exactly those capabilities, as
#     nobody; a privilege the account is not granted fails the run with
#     PRIVILEGE_NOT_HELD, recorded in its history;
#   - identity: a task and a service of the same name get different groups
#     and different folders; the run is in its own group, not the service's;
#   - restricted: the run writes its state folder and its writable path, not
#     a file everyone may write elsewhere (Landlock);
#   - restrict_network: only loopback; no_new_privileges: on by default for
#     nobody, off when asked;
#   - the rest of a service's sandbox: a private /tmp, read-only system
#     folders, a system-call filter (Seccomp in /proc/self/status), a bind
#     rule on the run's cgroup (EPERM from inside);
#   - the settings survive a restart of scmd, group id included;
#   - secrets: a run reads its task's secret (not the service's of the same
#     name) from a folder of its own, gone when the run ends; they survive
#     a restart and go with the task;
#   - bad input gets the Win32 error and a sentence.
# Root only (accounts, capabilities, groups, Landlock); skipped otherwise.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MADE_FILES=()
trap 'rm -f "${MADE_FILES[@]}"; teardown quiet; unshare_build' EXIT

needs_root() {
        if is_root; then
                return 0
        fi
        tap_skip "$1" "not root"
        return 1
}

# The run's report folder and the script it runs, both reachable by nobody.
setup_report() {
        chmod 711 "$D"
        mkdir -p "$D/out"
        chmod 1777 "$D/out"
        cat >"$D/report.sh" <<'EOF'
#!/bin/sh
# report.sh OUT [OTHER]: what the run sees, one file each in OUT.
out=$1
id -u >"$out/uid"
id -G >"$out/groups"
grep '^CapEff:' /proc/self/status | cut -f2 >"$out/capeff"
grep '^NoNewPrivs:' /proc/self/status | cut -f2 >"$out/nnp"
echo "${STATE_DIRECTORY:-}" >"$out/state_dir"
if [ -n "${STATE_DIRECTORY:-}" ] && echo x >"$STATE_DIRECTORY/probe" 2>/dev/null; then
        echo yes >"$out/wrote_state"
else
        echo no >"$out/wrote_state"
fi
if [ -n "${2:-}" ]; then
        if echo x >>"$2" 2>/dev/null; then echo yes; else echo no; fi >"$out/wrote_other"
fi
awk 'NR > 2 { sub(":", "", $1); print $1 }' /proc/net/dev | sort | tr '\n' ' ' >"$out/netdevs"
if [ -n "${CREDENTIALS_DIRECTORY:-}" ]; then
        echo "$CREDENTIALS_DIRECTORY" >"$out/cred_dir"
        cat "$CREDENTIALS_DIRECTORY/pw" >"$out/secret" 2>/dev/null
        stat -c '%U %g %a' "$CREDENTIALS_DIRECTORY" >"$out/cred_owner"
fi
echo done >"$out/done"
EOF
        chmod 755 "$D/report.sh"
}

# report TASK FILE: what TASK's run wrote in FILE.
report() {
        cat "$D/out/$1/$2" 2>/dev/null
}

# run_task_report TASK: a run by hand; waits for its report.
run_task_report() {
        rm -rf "$D/out/$1"
        mkdir -p "$D/out/$1"
        chmod 1777 "$D/out/$1"
        assert_sc_ok "task run $1" task run "$1" || return 1
        wait_until 30 "the run of $1 reported what it sees" test -s "$D/out/$1/done"
}

# A file everyone may write, outside /tmp (Landlock lets a restricted run
# write beneath /tmp): only Landlock can refuse a write to it.
others_file() {
        OTHERS_FILE=$(mktemp /var/tmp/scm-it-task.XXXXXX) || return 1
        MADE_FILES+=("$OTHERS_FILE")
        chmod 0666 "$OTHERS_FILE"
}

# task_field TASK FIELD: one field of `task query --json`.
task_field() {
        local out
        out=$(sc --json task query "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

cap_mask() { # the capability set with exactly capability N
        printf '%016x' $((1 << $1))
}

test_privileges() {
        needs_root "a task's required privileges" || return
        daemon_start || return
        setup_report
        assert_sc_ok "a task as nobody that requires CAP_NET_BIND_SERVICE" \
                task create priv --tr "$D/report.sh $D/out/priv" --ru nobody \
                --privileges CAP_NET_BIND_SERVICE
        run_sc --json task query priv
        assert_contains "task query shows its required privileges" "$OUT" \
                '"required_privileges":["CAP_NET_BIND_SERVICE"]'
        assert_sc_error "its run is refused while nobody is not granted it" \
                PRIVILEGE_NOT_HELD 1314 task run priv
        assert_contains "the sentence names the task and the privilege" "$ERR" \
                "task priv: its account nobody is not granted the privilege CAP_NET_BIND_SERVICE"
        assert_contains "the hint says how to change the task" "$ERR" \
                "task config priv --privileges"
        run_sc --json task history priv
        assert_contains "its history records the run that could not be made" "$OUT" \
                '"result":"failed_to_start"'
        assert_contains "with the sentence" "$OUT" "is not granted the privilege"
        assert_contains "and the Win32 error" "$OUT" '"win32_exit_code":1314'
        run_sc task history priv
        assert_contains "which task history names" "$OUT" "PRIVILEGE_NOT_HELD (1314)"
        assert_sc_ok "grant nobody CAP_NET_BIND_SERVICE" privilege grant nobody CAP_NET_BIND_SERVICE
        run_task_report priv || return
        assert_eq "the run is nobody (uid from inside)" "$(report priv uid)" "$(id -u nobody)"
        assert_eq "it holds exactly CAP_NET_BIND_SERVICE (CapEff from inside)" \
                "$(report priv capeff)" "$(cap_mask 10)"
        assert_eq "with no_new_privs" "$(report priv nnp)" 1

        assert_sc_ok "a task as nobody that requires nothing" \
                task create plain --tr "$D/report.sh $D/out/plain" --ru nobody
        run_task_report plain || return
        assert_eq "holds no capability" "$(report plain capeff)" "0000000000000000"
        assert_eq "and has no_new_privs (no_new_privileges is on by default)" \
                "$(report plain nnp)" 1
        assert_sc_ok "no_new_privileges off" task config plain --no-new-privileges no
        assert_eq "task query says so" "$(task_field plain no_new_privileges)" false
        run_task_report plain || return
        assert_eq "then the run has no no_new_privs" "$(report plain nnp)" 0
}

test_identity_apart_from_service() {
        needs_root "a task's identity beside a service's of the same name" || return
        daemon_start || return
        setup_report
        assert_sc_ok "a service named twin with an identity" \
                create twin --exec "sleep 1000" --sid-type unrestricted
        assert_sc_ok "a task named twin with an identity" \
                task create twin --tr "$D/report.sh $D/out/twin" --ru nobody --sid-type unrestricted
        local sgid tgid sstate tstate
        sgid=$(json_get "$(sc --json showsid twin)" service_gid)
        tgid=$(task_field twin service_gid)
        assert_ne "the service has a group" "$sgid" ""
        assert_ne "the task has a group" "$tgid" ""
        assert_ne "and they differ" "$sgid" "$tgid"
        sstate=$(json_get "$(sc --json showsid twin)" state_directory)
        tstate=$(task_field twin state_directory)
        assert_eq "the service's state folder" "$sstate" "$D/db-services/twin"
        assert_eq "the task's state folder is apart from it" "$tstate" "$D/db-tasks/twin"
        run_task_report twin || return
        local groups=" $(report twin groups) "
        if [[ "$groups" == *" $tgid "* ]]; then
                tap_ok "the run is in the task's group (id -G from inside)"
        else
                tap_not_ok "the run is in the task's group (id -G from inside)" "groups:$groups gid $tgid"
        fi
        if [[ "$groups" == *" $sgid "* ]]; then
                tap_not_ok "and not in the service's" "groups:$groups service gid $sgid"
        else
                tap_ok "and not in the service's"
        fi
        assert_eq "it finds its folder in STATE_DIRECTORY" "$(report twin state_dir)" "$D/db-tasks/twin"
        assert_eq "and may write there" "$(report twin wrote_state)" yes
        check "the folder is root's and the task's group, 2770" \
                test "$(stat -c '%U %g %a' "$D/db-tasks/twin")" = "root $tgid 2770"
        assert_sc_ok "the task is deleted" task delete twin
        assert_sc_ok "and made again under the same name" \
                task create twin --tr true --sid-type unrestricted
        assert_eq "it gets its group back (kept for its name, as a service's)" \
                "$(task_field twin service_gid)" "$tgid"
        assert_eq "the service kept its own" "$(json_get "$(sc --json showsid twin)" service_gid)" "$sgid"
}

test_restricted() {
        needs_root "a restricted task's writes" || return
        daemon_start || return
        setup_report
        others_file || return
        assert_sc_ok "a restricted task that may write its report folder" \
                task create jail --tr "$D/report.sh $D/out/jail $OTHERS_FILE" --ru nobody \
                --sid-type restricted --writable "$D/out/jail"
        mkdir -p "$D/out/jail" && chmod 1777 "$D/out/jail"
        if [ "$(task_field jail mechanism)" != landlock ]; then
                tap_skip "a restricted task's writes" "no Landlock on this kernel (task query says so)"
                return
        fi
        run_task_report jail || return
        assert_eq "it writes its writable path (its report is there)" "$(report jail done)" done
        assert_eq "and its state folder" "$(report jail wrote_state)" yes
        assert_eq "but not a file everyone may write, outside them" "$(report jail wrote_other)" no
        assert_eq "which is unchanged" "$(cat "$OTHERS_FILE")" ""

        assert_sc_ok "the same, not restricted" task create free \
                --tr "$D/report.sh $D/out/free $OTHERS_FILE" --ru nobody --sid-type unrestricted
        run_task_report free || return
        assert_eq "writes that file (the check can fail)" "$(report free wrote_other)" yes

        assert_sc_ok "a writable path that does not exist" \
                task config jail --writable "$D/no-such-folder"
        assert_sc_error "fails the run with PATH_NOT_FOUND" PATH_NOT_FOUND 3 task run jail
        assert_contains "naming the path" "$ERR" "$D/no-such-folder"
}

test_restrict_network() {
        needs_root "a task's network namespace" || return
        daemon_start || return
        setup_report
        assert_sc_ok "a task with --restrict-network" \
                task create lonely --tr "$D/report.sh $D/out/lonely" --ru nobody --restrict-network
        run_task_report lonely || return
        assert_eq "its run sees only loopback (/proc/net/dev from inside)" \
                "$(report lonely netdevs)" "lo "
        assert_sc_ok "and without it" task config lonely --restrict-network=no
        run_task_report lonely || return
        assert_ne "it sees the host's devices (the check can fail)" "$(report lonely netdevs)" "lo "
}

test_survives_restart() {
        needs_root "a task's settings across a restart" || return
        daemon_start || return
        assert_sc_ok "a task with every setting" task create keep --tr true --ru nobody \
                --privileges CAP_NET_RAW,CAP_NET_BIND_SERVICE --sid-type restricted \
                --writable /var/tmp,/srv --allow-weak-isolation --restrict-network \
                --no-new-privileges no --private-tmp --protect-home read-only \
                --system-call-deny @reboot --ip-address-deny any
        local before after gid
        before=$(sc --json task query keep)
        gid=$(json_get "$before" service_gid)
        daemon_stop
        daemon_start || return
        after=$(sc --json task query keep)
        assert_contains "its privileges are kept" "$after" \
                '"required_privileges":["CAP_NET_BIND_SERVICE","CAP_NET_RAW"]'
        assert_contains "its sid type" "$after" '"sid_type":"restricted"'
        assert_contains "its writable paths" "$after" '"writable_paths":["/var/tmp","/srv"]'
        assert_contains "weak isolation" "$after" '"allow_weak_isolation":true'
        assert_contains "restrict_network" "$after" '"restrict_network":true'
        assert_contains "no_new_privileges" "$after" '"no_new_privileges":false'
        assert_eq "and its group id" "$(json_get "$after" service_gid)" "$gid"
        assert_contains "its fences" "$after" '"private_tmp":true'
        assert_contains "...its home folders" "$after" '"protect_home":"read-only"'
        assert_contains "its filter" "$after" '"system_call_deny":["@reboot"]'
        assert_contains "its network rules" "$after" '"ip_address_deny":["any"]'
        assert_sc_ok "set back to the defaults" task config keep --privileges "" --sid-type none \
                --writable "" --allow-weak-isolation=no --restrict-network=no --no-new-privileges yes
        after=$(sc --json task query keep)
        assert_contains "no privileges" "$after" '"required_privileges":[]'
        assert_contains "no identity" "$after" '"sid_type":"none"'
        assert_contains "no folders then" "$after" '"state_directory":null'
}

# raw METHOD PARAMS_JSON: the reply line scmd gives to one request (OUT).
raw() {
        OUT=$(python3 - "$D/run/scm.sock" "$1" "$2" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": sys.argv[2],
                    "params": json.loads(sys.argv[3])}) + "\n")
f.flush()
print(f.readline().strip())
EOF
)
}

test_refusals() {
        daemon_start || return
        assert_sc_error "an unknown capability" INVALID_PARAMETER 87 \
                task create bad --tr true --privileges CAP_FLY
        assert_contains "is named" "$ERR" "'CAP_FLY' is not a privilege"
        assert_sc_error "a relative writable path" INVALID_PARAMETER 87 \
                task create bad --tr true --writable relative/path
        assert_contains "is refused with the reason" "$ERR" "it is not an absolute path"
        assert_sc_error "a writable path with .." INVALID_PARAMETER 87 \
                task create bad --tr true --writable /srv/../etc
        assert_contains "is refused with the reason" "$ERR" "it goes up with '..'"
        run_sc task create bad --tr true --sid-type sometimes
        assert_rc "scctl refuses an unknown sid type before sending" 2
        assert_contains "naming the values" "$ERR" "none, unrestricted, restricted"
        run_sc task create bad --tr true --interactive
        assert_rc "a task has no --interactive" 2
        if command -v python3 >/dev/null; then
                raw task_create '{"name": "bad", "command_line": "true", "interactive": true}'
                assert_contains "nor interactive on the wire: INVALID_PARAMETER" "$OUT" '"win32":87'
                assert_contains "...naming it" "$OUT" "unknown parameter 'interactive'"
                raw task_create '{"name": "bad", "command_line": "true", "no_new_privileges": "yes"}'
                assert_contains "no_new_privileges must be a boolean" "$OUT" \
                        "'no_new_privileges' must be true or false"
        else
                tap_skip "interactive on the wire" "no python3"
        fi
        assert_sc_error "nothing was made of the refused ones" FILE_NOT_FOUND 2 task query bad
        assert_sc_ok "a task whose program is not there" task create gone --tr /nonexistent/prog
        run_sc task run gone
        wait_until 30 "its run is recorded" has_result gone failed_to_start
        run_sc --json task history gone
        assert_contains "with the Win32 error of the missing file" "$OUT" '"win32_exit_code":2'
        if is_root; then
                assert_sc_ok "a task" task create good --tr true
                assert_sc_error "a privilege change refused leaves it" INVALID_PARAMETER 87 \
                        task config good --privileges CAP_NET_RAW,nonsense
                assert_eq "as it was" "$(task_field good sid_type)" none
        fi
}

test_secrets() {
        needs_root "a task's secrets" || return
        daemon_start || return
        setup_report
        assert_sc_ok "a task named vault as nobody" \
                task create vault --tr "$D/report.sh $D/out/vault" --ru nobody
        assert_sc_ok "a service named vault" create vault --exec "sleep 1000"
        printf 'task-pw' | sc secret --task set vault pw >/dev/null
        assert_rc "secret --task set stores the task's" 0
        printf 'service-pw' | sc secret set vault pw >/dev/null
        assert_rc "secret set stores the service's of the same name" 0
        run_sc secret --task list vault
        assert_contains "the task's list has it, 7 bytes" "$OUT" "pw                              7"
        run_sc secret list vault
        assert_contains "the service's has its own, 10 bytes" "$OUT" "pw                             10"
        run_task_report vault || return
        assert_eq "the run reads its task's secret, not the service's" "$(report vault secret)" task-pw
        local dir
        dir=$(report vault cred_dir)
        assert_eq "from a folder of the run's own" "${dir%.*}" "$D/run/task-credentials/vault"
        assert_eq "readable by the task's account only" "$(report vault cred_owner)" \
                "nobody $(id -g nobody) 500"
        wait_until 30 "the run ended" has_result vault exited
        check "the folder is gone once the run ended" test ! -e "$dir"

        assert_sc_ok "the task gets an identity" task config vault --sid-type unrestricted
        run_task_report vault || return
        assert_eq "then its secrets are its group's" "$(report vault cred_owner)" \
                "root $(task_field vault service_gid) 550"
        assert_eq "and still read" "$(report vault secret)" task-pw

        daemon_stop
        daemon_start || return
        run_sc secret --task list vault
        assert_contains "the task's secret survives a restart of scmd" "$OUT" "pw"
        assert_sc_error "a key that is no file name" INVALID_PARAMETER 87 \
                secret --task delete vault ../pw
        assert_sc_error "a key the task does not have" FILE_NOT_FOUND 2 \
                secret --task delete vault nope
        assert_contains "says whose" "$ERR" "task vault has no secret 'nope'"
        assert_sc_error "a task that does not exist" FILE_NOT_FOUND 2 secret --task list nothing
        assert_sc_ok "the task is deleted" task delete vault
        assert_sc_ok "and made again" task create vault --tr true
        run_sc secret --task list vault
        assert_contains "without the secrets of the one deleted" "$OUT" "(no secrets)"
        run_sc secret list vault
        assert_contains "the service keeps its own" "$OUT" "pw"
}

# as_nobody ARGS...: scctl ARGS as the user nobody (OUT, ERR, RC).
as_nobody() {
        run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
                "$SCCTL" --root "$D" --timeout 30 "$@"
}

# A task's identity (its group and folders) is kept for its name after a
# delete: a caller who is no admin must not get it back by making a task of
# that name, or it reads what the deleted task (another account's) left.
test_identity_not_inherited() {
        needs_root "a deleted task's identity" || return
        if ! command -v setpriv >/dev/null; then
                tap_skip "a deleted task's identity" "no setpriv"
                return
        fi
        daemon_start || return
        chmod 711 "$D"
        assert_sc_ok "a task as daemon with an identity, writing into its state folder" \
                task create heir --ru daemon --sid-type unrestricted \
                --tr "sh -c 'echo data-of-daemon >\$STATE_DIRECTORY/kept'"
        local gid state
        gid=$(task_field heir service_gid)
        state=$(task_field heir state_directory)
        assert_sc_ok "task run heir" task run heir
        wait_until 30 "its run wrote into its state folder" test -s "$state/kept"
        assert_sc_ok "the task is deleted" task delete heir
        assert_sc_ok "root grants everyone create-service" \
                sdset --scm "allow everyone connect,enumerate,query-lock-status,read-control,create-service"
        as_nobody task create heir --ru nobody --sid-type unrestricted --tr "cat $state/kept"
        assert_rc "nobody may not make a task of that name with an identity" 1
        assert_contains "ACCESS_DENIED" "$ERR" "ACCESS_DENIED (5)"
        assert_contains "and is told why" "$ERR" "only an administrator"
        as_nobody task create heir --ru nobody --tr "cat $state/kept"
        assert_rc "it may make one without" 0
        as_nobody task config heir --sid-type restricted
        assert_rc "but not give it the identity afterwards" 1
        assert_contains "ACCESS_DENIED there too" "$ERR" "ACCESS_DENIED (5)"
        assert_eq "the task still has none" "$(task_field heir sid_type)" none
        as_nobody task run heir
        assert_rc "its run" 0
        wait_until 30 "its run ended" has_result heir exited
        run_sc --json task history heir
        assert_contains "cannot read the deleted task's file (exit status from inside)" "$OUT" \
                '"exit_code":1'
        as_nobody task create fresh --ru nobody --sid-type unrestricted --tr true
        assert_rc "a name that never had an identity: nobody may give it one" 0
        as_nobody task config fresh --sid-type restricted
        assert_rc "and change its kind" 0
        as_nobody task config fresh --sid-type none
        assert_rc "or take it away" 0
        assert_sc_ok "an admin may give a name's identity back" \
                task config heir --sid-type unrestricted
        assert_eq "the same group as before the delete" "$(task_field heir service_gid)" "$gid"
}

# task query's text form shows every least-privilege and sandbox setting a
# task has, not only some: a reader must not take a filtered task for an
# open one.
test_query_text() {
        daemon_start || return
        assert_sc_ok "a task with every sandbox setting" \
                task create shown --tr true --protect-home tmpfs --private-devices \
                --system-call-allow read,write,exit_group --system-call-action kill \
                --address-families-allow AF_UNIX --address-families-deny AF_PACKET \
                --ip-address-allow localhost --socket-bind-allow tcp:8080 \
                --socket-bind-deny any --allow-weak-isolation
        run_sc task query shown
        assert_rc "task query shown" 0
        assert_contains "the home folders" "$OUT" "Protect Home:        tmpfs"
        assert_contains "the private /dev" "$OUT" "Private Devices:     yes"
        assert_contains "the calls allowed" "$OUT" "System Calls Only:   read"
        assert_contains "...each of them" "$OUT" "                     exit_group"
        assert_contains "what a refused call gets" "$OUT" "System Call Action:  kill"
        assert_contains "the families allowed" "$OUT" "Families Allowed:    AF_UNIX"
        assert_contains "the families denied" "$OUT" "Families Denied:     AF_PACKET"
        assert_contains "the addresses allowed" "$OUT" "IP Addresses Allowed: localhost"
        assert_contains "the binds allowed" "$OUT" "Bind Allowed:        tcp:8080"
        assert_contains "the binds denied" "$OUT" "Bind Denied:         any"
        assert_contains "weak isolation" "$OUT" "Weak Isolation:      allowed"
        run_sc task --help
        assert_rc "scctl task --help, which scctl's usage errors point to" 0
        assert_contains "names the security options" "$OUT" "--sid-type TYPE"
        assert_sc_ok "a task with none" task create bare --tr true
        run_sc task query bare
        assert_contains "no home fence" "$OUT" "Protect Home:        no"
        assert_not_contains "no call action without a filter" "$OUT" "System Call Action:"
}

# task_log TASK: what TASK's runs wrote on stdout (its log, which the run
# reaches whatever its fences hide).
task_log() {
        cat "$D/log/$1.task.log" 2>/dev/null
}

test_sandbox() {
        needs_root "a task's fences and system-call filter" || return
        daemon_start || return
        chmod 711 "$D"
        touch "$D/visible"
        local body="grep ^Seccomp: /proc/self/status; test -e $D/visible && echo tmp=shared || echo tmp=private; grep -q ' / [^ ]* ro,' /proc/self/mounts && echo root=ro || echo root=rw"
        assert_sc_ok "a task with a private /tmp, strict system folders and a filter" \
                task create fenced --ru nobody --tr "sh -c \"$body\"" --private-tmp \
                --protect-system strict --system-call-deny @mount
        run_sc --json task query fenced
        assert_contains "task query shows the fences" "$OUT" '"private_tmp":true'
        assert_contains "...the system folders" "$OUT" '"protect_system":"strict"'
        assert_contains "...and the filter" "$OUT" '"system_call_deny":["@mount"]'
        assert_sc_ok "task run fenced" task run fenced
        wait_until 30 "its run ended" has_result fenced exited
        local log
        log=$(task_log fenced)
        assert_contains "a filter is loaded (Seccomp 2 from inside)" "$log" "Seccomp:	2"
        assert_contains "its /tmp is its own (the test's folder is not there)" "$log" "tmp=private"
        assert_contains "the system is read-only (its / mount, from inside)" "$log" "root=ro"
        assert_sc_ok "the fences and filter cleared" task config fenced --private-tmp=no \
                --protect-system no --system-call-deny ""
        : >"$D/log/fenced.task.log"
        assert_sc_ok "task run fenced" task run fenced
        wait_until 30 "that run wrote" test -s "$D/log/fenced.task.log"
        wait_until 30 "and is recorded" has_result fenced exited
        log=$(task_log fenced)
        assert_contains "then no filter (the check can fail)" "$log" "Seccomp:	0"
        assert_contains "and the host's /tmp" "$log" "tmp=shared"
        assert_contains "and / as the host has it" "$log" "root=rw"

        cat >"$D/bind.py" <<'EOF'
import errno, socket
s = socket.socket()
try:
    s.bind(("127.0.0.1", 47123))
    print("bind=ok")
except OSError as e:
    print("bind=" + errno.errorcode[e.errno])
EOF
        chmod 644 "$D/bind.py"
        assert_sc_ok "a task that may bind no port" task create nobind --ru nobody \
                --tr "/usr/bin/python3 $D/bind.py" --socket-bind-deny any
        run_sc task run nobind
        if [ "$RC" -ne 0 ] && [[ "$ERR" == *"NOT_SUPPORTED (50)"* ]]; then
                tap_skip "a task's bind rule" "scmd has no cgroup here: $ERR"
                return
        fi
        assert_rc "task run nobind" 0
        wait_until 30 "its run ended" has_result nobind exited
        assert_contains "its bind fails with EPERM (from inside)" "$(task_log nobind)" "bind=EPERM"
        assert_sc_ok "the rule cleared" task config nobind --socket-bind-deny ""
        : >"$D/log/nobind.task.log"
        assert_sc_ok "task run nobind" task run nobind
        wait_until 30 "that run wrote" test -s "$D/log/nobind.task.log"
        assert_contains "then it binds (the check can fail)" "$(task_log nobind)" "bind=ok"
}

# has_result TASK RESULT: TASK's newest run has RESULT.
has_result() {
        local out
        out=$(sc --json task history "$1" 2>/dev/null) || return 1
        [ "$(json_get "$out" result)" = "$2" ]
}

run_test test_privileges
run_test test_identity_apart_from_service
run_test test_restricted
run_test test_restrict_network
run_test test_survives_restart
run_test test_secrets
run_test test_identity_not_inherited
run_test test_sandbox
run_test test_refusals
run_test test_query_text
finish
