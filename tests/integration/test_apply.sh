#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Configuration as code: scctl export --document and scctl apply.
#   - a document applied to an empty scmd makes services whose processes
#     show it (environment, working folder, limits from /proc), and the
#     export of that scmd, applied to a second empty scmd, exports the
#     same bytes (every kind of field: config, security, failure actions,
#     access list, parameters, group order, the SCM's access list);
#   - a second apply, and any --dry-run, change nothing (export unchanged)
#     and report nothing; a change is reported exactly, one line;
#   - a document is one transaction: a call scmd refuses part-way, in any
#     service, leaves every service as it was (a new one is not made),
#     also when the failure is a right the caller lacks;
#   - --prune deletes (stopping it) only a managed service the document
#     does not name;
#   - a task's least privilege and sandbox travel in it, in a service's
#     words: applied, exported, applied again without a change;
#   - SIGTERM during apply leaves the whole document made or none of it;
#   - a bad document is refused before anything is changed.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

B_PID=""
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

stop_b() {
        [ -n "$B_PID" ] || return 0
        kill -TERM "$B_PID" 2>/dev/null
        poll_until 30 proc_gone "$B_PID" || kill -KILL "$B_PID" 2>/dev/null
        wait "$B_PID" 2>/dev/null
        B_PID=""
}
trap 'stop_b; teardown quiet' EXIT

# A second, empty scmd at $D/b.
start_b() {
        mkdir -p "$D/b"
        "$SCMD" --root "$D/b" --foreground </dev/null >>"$D/b.out" 2>&1 &
        B_PID=$!
        poll_until 30 "$SCCTL" --root "$D/b" --timeout 5 query >/dev/null 2>&1 || {
                tap_not_ok "a second scmd starts" "$(cat "$D/b.out")"
                return 1
        }
}

service_gone() {
        ! sc query "$1" >/dev/null 2>&1
}

sb() {
        "$SCCTL" --root "$D/b" --timeout "$WAIT_MIN_SECS" "$@"
}

# schema_check FILE...: each document passes docs/config-as-code.schema.json
# (python3-jsonschema), and a document it must refuse is refused.
schema_check() {
        local validate='import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f)), schema)'
        if ! /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
                tap_skip "the documents pass docs/config-as-code.schema.json" "no python3-jsonschema"
                return
        fi
        local schema=$SRC/docs/config-as-code.schema.json
        run /usr/bin/python3 -c "$validate" "$schema" "$@"
        assert_rc "the documents pass docs/config-as-code.schema.json" 0
        echo '{"services": {"web": {"start_type": "sometimes", "failure_actions": {"x": 1}}}}' >"$D/bad-schema.json"
        run /usr/bin/python3 -c "$validate" "$schema" "$D/bad-schema.json"
        assert_rc "...which refuses a bad one" 1
}

# The document with every kind of field (the helper's command line in $1).
write_doc() {
        local exec=${1//\\/\\\\}
        exec=${exec//\"/\\\"}
        cat >"$D/doc.json" <<EOF
{
  "scm_config": 1,
  "group_order": ["front", "back"],
  "scm_access_list": "allow everyone enumerate, connect,query-lock-status,read-control; allow user:nobody create-service",
  "services": {
    "web": {
      "command_line": "$exec",
      "display_name": "Web front",
      "description": "made by apply",
      "start_type": "demand",
      "group": "front",
      "working_directory": "/tmp",
      "environment": ["PORT=8080", "MODE=test"],
      "limits": {"LimitNOFILE": "1234"},
      "stop_signal": "SIGINT",
      "umask": "0027",
      "failure_actions": {"reset_period": 3600,
                          "actions": [{"type": "restart", "delay_ms": 5000}, {"type": "none", "delay_ms": 0}]},
      "access_list": "allow everyone query-status,query-config; allow user:nobody start,stop",
      "parameters": {"Parameters": {"Port": {"type": "dword", "data": 8080},
                                    "Paths": {"type": "multi_sz", "data": ["/a", "/b"]}},
                     "Parameters\\\\Tls": {"Key": {"type": "binary", "data": "00ff10"}}},
      "sockets": ["unix:$D/web.sock name=web mode=0600"],
      "triggers": ["start custom:poke"]
    },
    "db": {
      "command_line": "/bin/sleep 1000",
      "group": "back",
      "dependencies": ["web", "+front"],
      "account": "nobody",
      "sid_type": "unrestricted",
      "required_privileges": ["net_bind_service"],
      "start_type": "disabled"
    }
  },
  "tasks": {
    "nightly": {"command_line": "/bin/true", "triggers": ["daily 03:00"], "overlap": "skip",
                "time_limit_s": 600}
  }
}
EOF
}

test_roundtrip() {
        daemon_start || return
        write_doc "$(helper_cmdline web)"

        run_sc apply "$D/doc.json"
        assert_rc "apply of a document to an empty scmd" 0 || diag "$(last_run)"
        assert_eq "it reports the two services it created, the task, the group order and the SCM's list" \
                "$(grep -c '^create \|^change group_order\|^change scm_access_list' <<<"$OUT")" 5
        assert_contains "...the task among them" "$OUT" "create task nightly"
        run_sc sockets web
        assert_contains "the service's socket is bound" "$OUT" "$D/web.sock"
        check "...there, as a socket" test -S "$D/web.sock"
        run_sc triggerinfo web
        assert_contains "its trigger is set" "$OUT" "custom:poke"
        run_sc task query nightly
        assert_contains "the task is there, with its schedule" "$OUT" "daily 03:00"
        run_sc sdshow --scm
        assert_contains "the SCM's access list is there" "$OUT" "nobody"

        sc start web --wait >/dev/null
        wait_report web ready=1 || return
        check "the process has the document's environment" report_has web env=PORT=8080
        check "...its working folder" report_has web cwd=/tmp
        local pid
        pid=$(report_get web pid)
        assert_contains "...and its open-files limit (/proc/$pid/limits)" \
                "$(grep 'Max open files' "/proc/$pid/limits")" "1234                 1234"
        run_sc param web Paths
        assert_contains "the multi_sz parameter is there" "$OUT" "/a"
        run_sc sdshow web
        assert_contains "the access list is there" "$OUT" "nobody"
        sc stop web --wait >/dev/null

        run_sc export --document
        assert_rc "export --document" 0 || diag "$(last_run)"
        local first=$OUT
        printf '%s\n' "$first" >"$D/export1.json"

        run_sc apply "$D/doc.json"
        assert_rc "a second apply" 0
        assert_eq "...reports nothing" "$OUT" ""
        run_sc apply "$D/export1.json"
        assert_eq "apply of the export reports nothing either" "$OUT$ERR" ""
        run_sc --json apply "$D/export1.json"
        assert_eq "...and says so as JSON" "$OUT" '{"changed":false,"dry_run":false,"changes":[],"failed":null}'

        schema_check "$D/export1.json" "$D/doc.json"

        start_b || return
        run sb apply "$D/export1.json"
        assert_rc "the export applied to a second, empty scmd" 0 || diag "$(last_run)"
        run sb export --document
        assert_eq "...exports the same document, byte for byte" "$OUT" "$first"
        stop_b
}

test_changes() {
        daemon_start || return
        write_doc "$(helper_cmdline web)"
        sc apply "$D/doc.json" >/dev/null
        sc export --document >"$D/before.json"

        sed -e 's/"start_type": "demand"/"start_type": "auto"/' "$D/doc.json" >"$D/auto.json"
        run_sc apply --dry-run "$D/auto.json"
        assert_rc "apply --dry-run" 0
        assert_eq "...prints the one change" "$OUT" 'change web start_type: "demand" -> "auto"'
        run_sc export --document
        assert_eq "...and makes none" "$OUT" "$(cat "$D/before.json")"

        run_sc apply "$D/auto.json"
        assert_eq "apply reports exactly what it changed" "$OUT" 'change web start_type: "demand" -> "auto"'
        run_sc qc web
        assert_contains "...which is so" "$OUT" "AUTO_START"

        # A field left out is left alone; a parameter left out of a
        # "parameters" the document gives is deleted.
        cat >"$D/small.json" <<'EOF'
{"services": {"web": {"description": "changed",
  "parameters": {"Parameters": {"Port": {"type": "dword", "data": 9090}}}}}}
EOF
        run_sc apply "$D/small.json"
        assert_rc "a partial document" 0 || diag "$(last_run)"
        assert_eq "...reports its four changes" "$(wc -l <<<"$OUT")" 4
        assert_contains "...the description" "$OUT" 'change web description: "made by apply" -> "changed"'
        assert_contains "...a deleted value" "$OUT" 'change web parameters.Parameters\Tls\Key: {"type":"binary","data":"00ff10"} -> null'
        run_sc qc web
        assert_contains "what it left out stays" "$OUT" "AUTO_START"

        # scmd keeps the privileges in its own order (the capabilities'):
        # written otherwise, every apply would change them; apply says so.
        echo '{"services": {"web": {"required_privileges": ["CAP_NET_ADMIN", "CAP_CHOWN"]}}}' >"$D/privs.json"
        run_sc apply "$D/privs.json"
        assert_rc "privileges in another order than scmd's" 0 || diag "$(last_run)"
        assert_contains "...are set, and apply warns that scmd keeps them otherwise" "$ERR" \
                'scmd keeps required_privileges as ["CAP_CHOWN","CAP_NET_ADMIN"], not ["CAP_NET_ADMIN","CAP_CHOWN"]'
}

test_atomic() {
        daemon_start || return
        write_doc "$(helper_cmdline web)"
        sc apply "$D/doc.json" >/dev/null
        sc export --document >"$D/before.json"

        # change_config, then a parameter scmd refuses: the change is undone.
        cat >"$D/bad.json" <<'EOF'
{"services": {"web": {"start_type": "disabled", "description": "half",
  "failure_actions": {"reset_period": 1},
  "parameters": {"Parameters": {"Port": {"type": "dword", "data": "not a number"}}}}}}
EOF
        run_sc apply "$D/bad.json"
        assert_rc "a change scmd refuses part-way: exit 1" 1
        assert_contains "...naming scmd's reason" "$ERR" "INVALID_PARAMETER (87)"
        assert_contains "...naming the call of the batch and its service" "$ERR" "call 2 of the batch (set_parameter of 'web')"
        assert_contains "...and that nothing was changed" "$ERR" "nothing was changed: the document is applied as one transaction"
        run_sc export --document
        assert_eq "the service is as it was, every field" "$OUT" "$(cat "$D/before.json")"

        # Across services: a new service and a change of web that scmd
        # takes, then a change of a third that it refuses: none of it.
        sc create third --exec "/bin/sleep 1000" >/dev/null
        sc export --document >"$D/before3.json"
        cat >"$D/bad3.json" <<'EOF'
{"services": {"added": {"command_line": "/bin/sleep 1000", "description": "new"},
  "web": {"description": "changed"},
  "third": {"start_type": "auto", "parameters": {"Parameters": {"X": {"type": "dword", "data": -1}}}}}}
EOF
        run_sc --json apply "$D/bad3.json"
        assert_rc "a document whose third service scmd refuses: exit 1" 1
        assert_contains "--json names the service it failed at" "$OUT" '"failed":"third"'
        run_sc query added
        assert_rc "...the new service of the first is not made" 1
        run_sc export --document
        assert_eq "...nor is anything else changed, on any service" "$OUT" "$(cat "$D/before3.json")"
        check "scmd logs the batch rolled back" grep -qF "calls was rolled back at call" "$D/scmd.stderr"
        sc delete third >/dev/null

        cat >"$D/badnew.json" <<'EOF'
{"services": {"fresh": {"command_line": "/bin/sleep 1000", "description": "new",
  "failure_actions": {"actions": [{"type": "run", "delay_ms": 0}]}}}}
EOF
        run_sc apply "$D/badnew.json"
        assert_rc "a new service whose failure actions are refused: exit 1" 1
        run_sc query fresh
        assert_rc "...is not left behind" 1
        assert_contains "...(SERVICE_DOES_NOT_EXIST)" "$ERR" "SERVICE_DOES_NOT_EXIST"

        # Refused before anything is sent.
        local bad
        for bad in '{"services": {"web": {"start_type": "auto"}}, "extra": 1}' \
                '{"services": {"web": {"start_type": "auto"}, "WEB": {}}}' \
                '{"services": {"web": {"start_type": "auto", "start_type": "demand"}}}' \
                '{"services": {"web": {"start_type": "auto", "failure_actions": {"resetperiod": 1}}}}' \
                '{"services": {"web": {"start_type": "auto"}, "nocmd": {"description": "x"}}}' \
                '{"services": {"web": {"start_type": "auto", "name": "web"}}}' \
                '{"services": {"web": {"start_type": "auto"}}' \
                '{"services": {"web": {"start_type": "auto", "parameters": {"Elsewhere": {}}}}}' \
                '{"services": {"web": {"start_typ": "auto"}}}'; do
                run sc apply - <<<"$bad"
                if [ "$RC" -ne 1 ] || [ -z "$ERR" ]; then
                        tap_not_ok "a bad document is refused: $bad" "$(last_run)"
                        return
                fi
        done
        tap_ok "nine kinds of bad document are refused, each with a message"
        run_sc export --document
        assert_eq "...and nothing was changed" "$OUT" "$(cat "$D/before.json")"
}

test_prune() {
        daemon_start || return
        create_helper byhand || return
        cat >"$D/two.json" <<EOF
{"services": {"keep": {"command_line": "/bin/sleep 1000"},
              "gone": {"command_line": "$(helper_cmdline gone)"},
              "free": {"command_line": "/bin/sleep 1000", "managed": false}}}
EOF
        run_sc apply "$D/two.json"
        assert_rc "apply of three services" 0 || diag "$(last_run)"
        sc start gone --wait >/dev/null
        wait_report gone ready=1 || return
        local pid
        pid=$(report_get gone pid)

        echo '{"services": {"keep": {"command_line": "/bin/sleep 1000"}}}' >"$D/one.json"
        run_sc apply --dry-run --prune "$D/one.json"
        assert_eq "--prune --dry-run names the managed service left out" "$OUT" "delete gone"
        run_sc apply --prune "$D/one.json"
        assert_rc "apply --prune" 0 || diag "$(last_run)"
        assert_eq "...reports the deletion" "$OUT" "delete gone"
        check "...its process was stopped" poll_until 30 proc_gone "$pid"
        check "...and it goes" wait_until 30 "gone is deleted" service_gone gone
        run_sc query
        assert_contains "a service made by hand stays" "$OUT" "byhand"
        assert_contains "...and one marked \"managed\": false" "$OUT" "free"
        assert_contains "...and the one named" "$OUT" "keep"
        run_sc apply --prune "$D/one.json"
        assert_eq "a second --prune reports nothing" "$OUT" ""

        # Tasks: a document without "tasks" leaves them; one with "tasks"
        # and --prune makes them exactly its own.
        sc task create old --tr /bin/true --sc DAILY --st 04:00 >/dev/null
        run_sc apply --prune "$D/one.json"
        assert_eq "--prune of a document without tasks leaves the tasks" "$OUT" ""
        echo '{"services": {"keep": {"command_line": "/bin/sleep 1000"}},
 "tasks": {"new": {"command_line": "/bin/true", "triggers": ["daily 05:00"]}}}' >"$D/tasks.json"
        run_sc apply --prune "$D/tasks.json"
        assert_rc "apply --prune of a document with tasks" 0 || diag "$(last_run)"
        assert_eq "...creates its task and deletes the one it does not name" "$OUT" "create task new
delete task old"
        run_sc task list
        assert_contains "...as the scheduler shows" "$OUT" "new"
        echo '{"services": {}, "tasks": {"new": {"command_line": "/bin/true", "triggers": ["daily 06:00"]}}}' >"$D/tasks2.json"
        run_sc apply "$D/tasks2.json"
        assert_eq "a task's change is one line" "$OUT" 'change task new triggers: ["daily 05:00"] -> ["daily 06:00"]'
}

# A task's least privilege and sandbox travel in the document, in a
# service's words: applied, exported, applied again without a change.
test_task_security() {
        daemon_start || return
        cat >"$D/t.json" <<EOF
{"services": {}, "tasks": {"vault": {"command_line": "/bin/true", "account": "nobody",
  "required_privileges": ["net_bind_service"], "sid_type": "unrestricted",
  "writable_paths": ["/var/tmp"], "restrict_network": true, "no_new_privileges": false,
  "private_tmp": true, "system_call_deny": ["@mount"], "ip_address_deny": ["any"]}}}
EOF
        run_sc apply "$D/t.json"
        assert_rc "apply of a task with a service's security fields" 0 || diag "$(last_run)"
        assert_eq "...creates it" "$OUT" "create task vault"
        run_sc --json task query vault
        assert_contains "scmd has its privileges, spelt as it spells them" "$OUT" \
                '"required_privileges":["CAP_NET_BIND_SERVICE"]'
        assert_contains "...its identity" "$OUT" '"sid_type":"unrestricted"'
        assert_contains "...its writable paths" "$OUT" '"writable_paths":["/var/tmp"]'
        assert_contains "...restrict_network" "$OUT" '"restrict_network":true'
        assert_contains "...no_new_privileges" "$OUT" '"no_new_privileges":false'
        assert_contains "...its fences" "$OUT" '"private_tmp":true'
        assert_contains "...its filter" "$OUT" '"system_call_deny":["@mount"]'
        assert_contains "...its network rules" "$OUT" '"ip_address_deny":["any"]'
        run_sc apply "$D/t.json"
        assert_eq "a second apply changes nothing" "$OUT" ""
        run_sc export --document
        assert_contains "export --document carries them" "$OUT" '"sid_type": "unrestricted"'
        assert_contains "...the privileges too" "$OUT" '"CAP_NET_BIND_SERVICE"'
        assert_not_contains "...but not what is derived (its group)" "$OUT" '"service_gid"'
        sed 's/"unrestricted"/"restricted"/' "$D/t.json" >"$D/t2.json"
        run_sc apply "$D/t2.json"
        assert_eq "a change of one is one line" "$OUT" \
                'change task vault sid_type: "unrestricted" -> "restricted"'
        echo '{"services": {}, "tasks": {"vault": {"command_line": "/bin/true", "interactive": true}}}' >"$D/t3.json"
        run_sc apply "$D/t3.json"
        assert_rc "a task with interactive is refused before anything is sent" 1
        assert_contains "...naming the field" "$ERR" 'unknown field "interactive"'
        echo '{"services": {}, "tasks": {"vault": {"command_line": "/bin/true", "sid_type": "sometimes"}}}' >"$D/t4.json"
        run_sc apply "$D/t4.json"
        assert_rc "a bad sid type is refused by scmd" 1
        assert_contains "...with its error" "$ERR" "INVALID_PARAMETER (87)"
        run_sc --json task query vault
        assert_contains "...and the task is as it was" "$OUT" '"sid_type":"restricted"'
}

# SIGTERM while apply runs ends it between two services, never inside one:
# every service is either all there or not there, and the lines printed
# are exactly the services made.
test_interrupt() {
        daemon_start || return
        local i doc='{"services": {'
        for i in $(seq 1 150); do
                doc+="${i:+$([ "$i" -gt 1 ] && echo ,)}\"s$i\": {\"command_line\": \"/bin/sleep 1000\", \"description\": \"d$i\","
                doc+=' "failure_actions": {"reset_period": 60}, "access_list": "allow everyone all",'
                doc+=' "parameters": {"Parameters": {"A": {"type": "dword", "data": 1}, "B": {"type": "sz", "data": "b"}}}}'
        done
        printf '%s}}\n' "$doc" >"$D/many.json"
        "$SCCTL" --root "$D" apply "$D/many.json" >"$D/apply.out" 2>"$D/apply.err" &
        local pid=$!
        # A moment into apply, as it plans (150 services read one by one)
        # or its batch runs: whatever the moment, the outcome must be whole.
        sleep 0.3
        kill -TERM "$pid"
        wait "$pid"
        local rc=$? made
        made=$(grep -c '^create ' "$D/apply.out")
        diag "apply ended with status $rc after printing $made creates: $(head -c 300 "$D/apply.err")"
        run_sc query
        local there
        there=$(grep -c '^s[0-9]' <<<"$OUT")
        assert_eq "the services there are those it printed" "$there" "$made"
        if [ "$there" -eq 0 ] || [ "$there" -eq 150 ]; then
                tap_ok "all of the document or none of it ($there of 150)"
        else
                tap_not_ok "all of the document or none of it" "$there of 150 services are there"
        fi
        local bad="" out
        for i in $(seq 1 150); do
                out=$(sc --json export --document "s$i" 2>/dev/null) || continue
                [[ $out == *'"reset_period": 60'* && $out == *'"B": {'* && $out == *'"access_list": "allow everyone all"'* && $out == *'"managed": true'* ]] ||
                        bad+=" s$i"
        done
        assert_eq "...and each is complete" "$bad" ""
}

# batch_parts SOCKET MODE: sends a batch of two parts by hand, the first
# creating "partial" with "more", then: "close" (the connection breaks, as
# when ssh dies at a Ctrl-C), or "bad" (a last part whose call scmd
# refuses).  Prints each reply.
batch_parts() {
        /usr/bin/python3 - "$1" "$2" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile("rw")
def call(i, params):
    f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": "batch", "params": params}) + "\n")
    f.flush()
    print(f.readline().strip())
call(1, {"calls": [{"method": "create", "params": {"name": "partial", "command_line": "/bin/sleep 1000"}}],
         "more": True})
if sys.argv[2] == "bad":
    call(2, {"calls": [{"method": "change_config", "params": {"name": "partial", "start_type": "sometimes"}}]})
s.close()
PY
}

# A batch in parts: nothing runs before its last part, and a connection
# that breaks before then, or a last part that fails, leaves nothing.
test_batch_parts() {
        daemon_start || return
        run batch_parts "$D/run/scm.sock" close
        assert_contains "a first part is taken and waits" "$OUT" '"waiting":1'
        run_sc query partial
        assert_rc "the connection broke before the last part: nothing was made" 1
        run batch_parts "$D/run/scm.sock" bad
        assert_contains "a last part scmd refuses names the call in the whole batch" "$OUT" "call 1 of the batch (change_config of 'partial')"
        run_sc query partial
        assert_rc "...and the first part's create is not made either" 1
        run_sc --json apply /dev/stdin <<<'{"services": {"partial": {"command_line": "/bin/sleep 1000"}}}'
        assert_rc "a later apply on a new connection is served whole" 0
        assert_sc_ok "...and made the service" query partial
        if is_root && command -v setpriv >/dev/null; then
                chmod 711 "$D"
                run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
                        /usr/bin/python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rw")
f.write(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "batch", "params": {"more": True,
    "calls": [{"method": "set_group_order", "params": {"groups": []}}]}}) + "\n"); f.flush()
print(f.readline().strip())' "$D/run/scm.sock"
                assert_contains "a batch in parts is for administrators: nobody is refused" "$OUT" "a batch in parts is for administrators only"
        else
                tap_skip "a batch in parts is for administrators" "not root, or no setpriv"
        fi
}

# A call the caller's rights refuse half-way through a service is undone
# like any failure: nobody may change the config but not the access list.
test_denied() {
        if ! is_root || ! command -v setpriv >/dev/null; then
                tap_skip "a call denied half-way is undone" "not root, or no setpriv"
                return
        fi
        daemon_start || return
        chmod 711 "$D"
        sc create web --exec "/bin/sleep 1000" --description before >/dev/null
        sc sdset web "allow user:nobody query-config,change-config,query-status,read-control" >/dev/null
        sc export --document web >"$D/before.json"
        echo '{"services": {"web": {"description": "after", "access_list": "allow everyone all"}}}' >"$D/deny.json"
        chmod 644 "$D/deny.json"
        run setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups \
                "$SCCTL" --socket "$D/run/scm.sock" apply "$D/deny.json"
        assert_rc "apply as nobody, who lacks write-dac: exit 1" 1
        assert_contains "...ACCESS_DENIED naming the right" "$ERR" "write-dac"
        assert_contains "...and nothing was changed, the description neither" "$ERR" "nothing was changed"
        run_sc export --document web
        assert_eq "the service is as it was" "$OUT" "$(cat "$D/before.json")"
}

run_test test_roundtrip
run_test test_task_security
run_test test_changes
run_test test_atomic
run_test test_prune
run_test test_interrupt
run_test test_batch_parts
run_test test_denied
finish
