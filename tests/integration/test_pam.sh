#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# A service's logon session (pam_name), seen from inside the service and
# from the PAM modules themselves:
#
# - A PAM service of this test's own (/etc/pam.d/scm-test-N, removed at the
#   end) with pam_env (a variable from a file of the test), pam_exec (a
#   script that writes each open and close of a session with its user) and
#   pam_loginuid: the variable is in the service's environment, its login
#   uid (/proc/PID/loginuid) is its account's, the session is opened before
#   the service runs and closed after it has stopped, and nothing of the
#   session is left.
# - /etc/pam.d/scm, the one `make install` installs (put there by this test
#   from packaging/pam.d/scm when missing, and removed again): a service
#   with pam_name scm runs with its login uid set.
# - A PAM service that does not exist fails the start naming it; a name
#   that is a path is refused by config; a session PAM refuses fails the
#   start with the stage named.
# Root only (PAM sessions for another account); skipped otherwise.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAM_SERVICE="scm-test-$$"
MADE_PAM_FILES=()

cleanup_pam() {
        local f
        for f in "${MADE_PAM_FILES[@]}"; do
                rm -f "$f"
        done
}
trap 'cleanup_pam; teardown quiet' EXIT

module_dir() {
        local d
        for d in /lib/x86_64-linux-gnu/security /usr/lib/x86_64-linux-gnu/security /lib/security \
                /usr/lib/security /lib64/security; do
                [ -f "$d/pam_exec.so" ] && echo "$d" && return
        done
        return 1
}

# pam_file NAME TEXT: /etc/pam.d/NAME, removed at the end.
pam_file() {
        printf '%s\n' "$2" >"/etc/pam.d/$1"
        MADE_PAM_FILES+=("/etc/pam.d/$1")
}

can_test() {
        if ! is_root; then
                tap_skip "$1" "not root"
                return 1
        fi
        if ! module_dir >/dev/null; then
                tap_skip "$1" "no PAM modules here (libpam-modules)"
                return 1
        fi
        if [ ! -e /proc/self/loginuid ]; then
                tap_skip "$1" "no /proc/self/loginuid (a kernel without audit)"
                return 1
        fi
}

# The test folder as nobody must see it: pass through $D, write reports.
open_test_folder() {
        chmod 711 "$D"
        chmod 1777 "$D/reports"
}

test_session() {
        can_test "a logon session" || return
        open_test_folder
        local log="$D/reports/pam.log"
        PAM_LOG=$log
        : >"$log"
        chmod 0666 "$log" # the session closes as the account
        printf '#!/bin/sh\necho "$PAM_TYPE $PAM_USER $PAM_SERVICE" >>%s\n' "$log" >"$D/pam-exec.sh"
        chmod 0755 "$D/pam-exec.sh"
        printf 'SCM_PAM_TEST DEFAULT=from-pam\n' >"$D/pam_env.conf"
        chmod 0644 "$D/pam_env.conf"
        pam_file "$PAM_SERVICE" "account required pam_permit.so
session required pam_loginuid.so
session required pam_env.so readenv=0 conffile=$D/pam_env.conf
session optional pam_exec.so $D/pam-exec.sh"
        daemon_start || return
        create_helper ses -- --account nobody --pam-name "$PAM_SERVICE" || return
        run_sc qc ses
        assert_contains "qc shows the PAM service" "$OUT" "PAM_NAME           : $PAM_SERVICE"
        start_helper ses || return
        local pid uid
        pid=$(report_get ses pid)
        uid=$(id -u nobody)
        check "pam_env's variable is in its environment" report_has ses "env=SCM_PAM_TEST=from-pam"
        assert_eq "its login uid is its account's" "$(cat "/proc/$pid/loginuid")" "$uid"
        check "the session was opened for nobody" grep -qx "open_session nobody $PAM_SERVICE" "$log"
        check "...not closed while it runs" closes_are 0
        assert_sc_ok "stop ses" stop ses --wait
        wait_until 10 "the session is closed after the stop" \
                grep -qx "close_session nobody $PAM_SERVICE" "$log"
        check "...once" closes_are 1
        check "...and its keeper is gone" poll_until 10 no_keeper_of "$PAM_SERVICE"

        # A second run: a session of its own again.
        : >"$(report_path ses)"
        start_helper ses || return
        assert_eq "a second start opens a second session" "$(grep -c open_session "$log")" 2
        assert_sc_ok "stop ses again" stop ses --wait
        wait_until 10 "...closed again" closes_are 2
}

# closes_are N: PAM_LOG has N close_session lines.
closes_are() {
        [ "$(grep -c close_session "$PAM_LOG")" -eq "$1" ]
}

# No process of nobody's is left from the session (the keeper runs as the
# account once the session is open).
no_keeper_of() {
        ! pgrep -u nobody -f "scmd --root $D" >/dev/null
}

test_installed_scm() {
        can_test "the installed PAM service scm" || return
        local src
        src="$(dirname "${BASH_SOURCE[0]}")/../../packaging/pam.d/scm"
        if [ ! -e /etc/pam.d/scm ]; then
                cp "$src" /etc/pam.d/scm
                MADE_PAM_FILES+=(/etc/pam.d/scm)
        fi
        open_test_folder
        daemon_start || return
        create_helper inst -- --account nobody --pam-name scm || return
        start_helper inst || return
        assert_eq "pam_name scm: its login uid is nobody's" \
                "$(cat "/proc/$(report_get inst pid)/loginuid")" "$(id -u nobody)"
        assert_sc_ok "stop inst" stop inst --wait
}

test_refusals() {
        can_test "PAM refusals" || return
        open_test_folder
        daemon_start || return
        create_helper bad -- --account nobody --pam-name scm-no-such-pam-service || return
        assert_sc_error "a PAM service that does not exist fails the start" FILE_NOT_FOUND 2 \
                start bad --wait
        assert_contains "...naming it" "$ERR" "scm-no-such-pam-service"
        check "...and nothing ran" report_lacks bad pid=
        assert_sc_error "a PAM service name that is a path is refused" INVALID_PARAMETER 87 \
                config bad --pam-name ../passwd
        assert_contains "...naming the setting" "$ERR" "pam_name"
        pam_file "$PAM_SERVICE-deny" "account required pam_deny.so
session required pam_permit.so"
        assert_sc_ok "config a PAM service whose account check refuses" \
                config bad --pam-name "$PAM_SERVICE-deny"
        run_sc start bad --wait
        assert_rc "its start fails" 1
        assert_contains "...at the logon session" "$ERR" "logon session"
        check "...and the helper never ran" report_lacks bad pid=
        wait_until 10 "...PAM's own words are in its log" grep -q "$PAM_SERVICE-deny" "$D/log/bad.log"
}

run_test test_session
run_test test_installed_scm
run_test test_refusals
finish
