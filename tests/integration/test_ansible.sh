#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The Ansible module of contrib/ansible (scm_service), run by the real
# ansible-playbook of Debian's ansible-core against localhost (connection
# local), on the scmd of this test.  Asserted from outside: the service
# exists with the fields the play gives (scctl qc, qfailure, param), its
# process runs with them (the helper's report), stops and goes; check mode
# reports a change and makes none; a second run of each play reports
# changed=0.  Skipped with the reason when ansible-playbook is missing.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# play NAME TASK-OPTIONS...: writes $D/NAME.yml, one scm_service task for
# the service aweb with the options (YAML lines, 8 spaces in).
play() {
        local name=$1
        shift
        {
                printf '%s\n' "- hosts: localhost" "  gather_facts: false" "  tasks:" \
                        "    - scm_service:" "        name: aweb" \
                        "        scctl: $SCCTL" "        scctl_args: [--root, $D]"
                printf '        %s\n' "$@"
        } >"$D/$name.yml"
}

# playbook NAME [ARGS...]: runs it (OUT, ERR, RC).
playbook() {
        local name=$1
        shift
        run env ANSIBLE_LIBRARY="$SRC/contrib/ansible/plugins/modules" ANSIBLE_NOCOLOR=1 \
                ANSIBLE_LOCAL_TEMP="$D/ansible-local" ANSIBLE_REMOTE_TEMP="$D/ansible-remote" \
                ANSIBLE_RETRY_FILES_ENABLED=0 HOME="$D" \
                ansible-playbook -i localhost, -c local -e ansible_python_interpreter=/usr/bin/python3 \
                "$@" "$D/$name.yml"
}

# recap_is WHAT: the play's recap says ok=.. changed=WHAT .. failed=0.
assert_recap() {
        local re="localhost +: ok=[0-9]+ +changed=$2 +unreachable=0 +failed=0"
        if [[ $OUT =~ $re ]]; then
                tap_ok "$1"
        else
                tap_not_ok "$1" "expected changed=$2 failed=0"$'\n'"$(last_run)"
        fi
}

test_module() {
        daemon_start || return
        cd "$D" || return # no ansible.cfg of anyone's
        local exec
        exec=$(helper_cmdline aweb)
        play started "command_line: \"${exec//\"/\\\"}\"" "enabled: true" "environment: [ANS=1]" \
                "description: first" "failure_actions: {reset_period: 60, actions: [{type: restart, delay_ms: 1000}]}" \
                "parameters: {Parameters: {Port: {type: dword, data: 8080}}}" "state: started"

        playbook started --check
        assert_recap "check mode on a missing service reports a change" 1
        run_sc query aweb
        assert_rc "...and makes none: no service" 1

        playbook started
        assert_recap "the play creates and starts the service: changed" 1
        wait_report aweb ready=1 || return
        local pid
        pid=$(report_get aweb pid)
        check "the service runs (its own report, pid $pid)" proc_alive "$pid"
        check "...with the play's environment" report_has aweb env=ANS=1
        run_sc qc aweb
        assert_contains "enabled: start type auto" "$OUT" "AUTO_START"
        run_sc --json qfailure aweb
        assert_contains "its failure actions" "$OUT" '"actions":[{"type":"restart","delay_ms":1000}]'
        run_sc param aweb Port
        assert_contains "its parameter (8080)" "$OUT" "0x1f90"

        playbook started
        assert_recap "the same play again: changed=0" 0
        assert_eq "...and the process is the same one" "$(status_field aweb pid)" "$pid"

        play changed "description: second" "state: started"
        playbook changed --check --diff
        assert_recap "check mode with a new description reports a change" 1
        assert_contains "...with its diff" "$OUT" "second"
        run_sc qdescription aweb
        assert_contains "...and makes none" "$OUT" "first"
        playbook changed
        assert_recap "the change made: changed" 1
        run_sc qdescription aweb
        assert_contains "...which is so" "$OUT" "second"
        playbook changed
        assert_recap "...and again: changed=0" 0

        play reloaded "state: reloaded"
        assert_sc_ok "give aweb a reload signal" config aweb --reload-signal HUP
        playbook reloaded
        if "$SCCTL" reload --help >/dev/null 2>&1; then
                assert_recap "state reloaded, with an scctl that reloads: changed" 1
                check "...the service got its reload signal" wait_report aweb signal=HUP
        else
                assert_contains "state reloaded, with an scctl without reload: the task fails" "$OUT" "failed=1"
                assert_contains "...saying why" "$OUT" "no reload verb"
        fi

        play stopped "state: stopped"
        playbook stopped
        assert_recap "state stopped: changed" 1
        check "...its process is gone" poll_until 30 proc_gone "$pid"
        playbook stopped
        assert_recap "...and again: changed=0" 0

        play absent "state: absent"
        playbook absent
        assert_recap "state absent: changed" 1
        run_sc query aweb
        assert_rc "...the service is gone" 1
        playbook absent
        assert_recap "...and again: changed=0" 0
        cd / || return
}

if ! command -v ansible-playbook >/dev/null; then
        tap_skip "the Ansible module scm_service" "no ansible-playbook (apt-get install ansible-core)"
        finish
fi
if [ ! -x /usr/bin/python3 ]; then
        tap_skip "the Ansible module scm_service" "no /usr/bin/python3 for the module"
        finish
fi
run_test test_module
finish
