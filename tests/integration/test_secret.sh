#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The machine secret store: scctl secret set/list/delete, secrets sealed at
# rest (the database, its WAL and scmd's log never hold a secret's bytes),
# and their delivery at start as files in a private memory-backed folder
# ($CREDENTIALS_DIRECTORY), read from inside the service by scm-test-helper
# --try-read (which reports what it read in hex, so the report itself never
# holds the secret).  Real users, made with useradd and removed again: the
# service's own account reads its secret, another service's account and
# another user cannot, the folder is a tmpfs and is gone after the stop.
#
# Delivery needs root (or a run folder on tmpfs); without root those
# tests are reported as skipped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MADE_USERS=()
MADE_MOUNTS=()

cleanup_all() {
        local u m
        for m in "${MADE_MOUNTS[@]}"; do
                umount -l "$m" >/dev/null 2>&1
        done
        for u in "${MADE_USERS[@]}"; do
                userdel "$u" >/dev/null 2>&1
        done
        MADE_USERS=()
        MADE_MOUNTS=()
}

trap 'teardown quiet; cleanup_all; unshare_build' EXIT

needs_root() {
        if is_root; then
                return 0
        fi
        tap_skip "$1" "not root"
        return 1
}

# make_user NAME: a system user without a home folder.
make_user() {
        if useradd --system --no-create-home --shell /usr/sbin/nologin "$1"; then
                MADE_USERS+=("$1")
                return 0
        fi
        tap_not_ok "useradd $1"
        return 1
}

# The test folder as a service account must see it.
open_test_folder() {
        chmod 711 "$D"
        chmod 1777 "$D/reports"
}

# set_secret NAME KEY VALUE: the value through a pipe, as a script would.
set_secret() {
        printf '%s\n' "$3" | sc secret set "$1" "$2" >/dev/null
}

hex_of() {
        printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# Files under $D (not below another mount, such as a secrets tmpfs) that
# hold the bytes of $1.
files_holding() {
        find "$D" -xdev -type f -print0 | xargs -0 -r grep -lF -- "$1" 2>/dev/null
}

credentials_of() {
        echo "$D/run/credentials/$1"
}

is_mount_point() {
        grep -qF " $1 " /proc/self/mounts
}

# A secret nobody would type twice.
fresh_secret() {
        printf 'scm-%s-%s-%s-secret' "$$" "$RANDOM" "$(date +%N)"
}

# ---- without a running service ----------------------------------------------

test_set_list_delete() {
        local secret
        secret=$(fresh_secret)
        daemon_start || return
        create_helper web || return
        run sh -c "printf '%s\n' '$secret' | \"\$0\" --root \"\$1\" secret set web token" "$SCCTL" "$D"
        assert_rc "secret set web token (the value from a pipe)" 0
        assert_contains "...says it was added" "$OUT" "added"
        assert_not_contains "...and never echoes it" "$OUT$ERR" "$secret"
        run_sc --json secret list web
        assert_rc "secret list web" 0
        assert_contains "...names the key" "$OUT" '"key":"token"'
        assert_contains "...its size, less the pipe's trailing newline" "$OUT" "\"size\":${#secret}"
        assert_not_contains "...never the value" "$OUT" "$secret"
        run_sc secret list web
        assert_contains "secret list (text) shows the key" "$OUT" "token"
        run sh -c "printf 'x' | \"\$0\" --root \"\$1\" secret set web token" "$SCCTL" "$D"
        assert_contains "set again: replaced" "$OUT" "replaced"
        run_sc --json secret list web
        assert_contains "...the size is the new one's (no newline to drop)" "$OUT" '"size":1'
        set_secret web other "$secret"
        run_sc --json secret list web
        assert_contains "two keys, in order: other" "$OUT" '"key":"other"'
        assert_contains "...and token" "$OUT" '"key":"token"'

        run_sc secret set web token "$secret"
        assert_rc "a value on the command line is refused (usage)" 2
        assert_sc_error "a key that is not a file name: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                secret set web ../escape </dev/null
        assert_contains "...saying why" "$ERR" "not a valid secret key name"
        assert_sc_error "the key '..': INVALID_PARAMETER" INVALID_PARAMETER 87 secret set web .. \
                </dev/null
        assert_sc_error "a key of 65 characters: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                secret set web "$(printf 'k%.0s' {1..65})" </dev/null
        run sh -c "head -c 32769 /dev/zero | \"\$0\" --root \"\$1\" secret set web big" "$SCCTL" "$D"
        assert_rc "a value over 32768 bytes is refused" 1
        run sh -c "head -c 32768 /dev/zero | \"\$0\" --root \"\$1\" secret set web big" "$SCCTL" "$D"
        assert_rc "...32768 bytes (binary, NULs) are fine" 0
        assert_sc_error "a service that does not exist: SERVICE_DOES_NOT_EXIST" \
                SERVICE_DOES_NOT_EXIST 1060 secret list nosuch
        assert_sc_ok "secret delete web other" secret delete web other
        assert_sc_error "delete it again: FILE_NOT_FOUND" FILE_NOT_FOUND 2 secret delete web other
        assert_contains "...naming the key" "$ERR" "'other'"

        run_sc qc web
        assert_not_contains "qc never shows a secret" "$OUT" "$secret"
        assert_eq "the machine key is 0600, 32 bytes" "600 32" "$(stat -c '%a %s' "$D/db/secrets.key")"
        set_secret web token "$secret"
        assert_eq "no file under the root folder holds the secret (database, WAL, logs)" "" \
                "$(files_holding "$secret")"
        assert_not_contains "scmd's log has the key's name at most" "$(cat "$D/scmd.stderr")" "$secret"
        assert_contains "...which it has" "$(cat "$D/scmd.stderr")" "secret token"

        # A service's delete takes its secrets: a new service of that name has none.
        assert_sc_ok "delete web" delete web
        create_helper web || return
        run_sc --json secret list web
        assert_contains "a new service of the same name has no secrets" "$OUT" '"secrets":[]'
}

test_key_file_refused() {
        daemon_start || return
        create_helper web || return
        set_secret web token abc || tap_not_ok "set a secret"
        daemon_stop
        chmod 0644 "$D/db/secrets.key"
        daemon_start || return
        assert_sc_error "a machine key others may read: the start is refused (INVALID_DATA)" \
                INVALID_DATA 13 start web
        assert_contains "...saying what is wrong with it" "$ERR" "mode 0644"
        check "...and no process ran" report_lacks web pid=
        chmod 0600 "$D/db/secrets.key"
        truncate -s 31 "$D/db/secrets.key"
        daemon_stop
        daemon_start || return
        assert_sc_error "a machine key of the wrong size: refused" INVALID_DATA 13 \
                secret set web token </dev/null
        assert_contains "...saying so" "$ERR" "exactly 32 bytes"
        assert_eq "...and it is left as it was" 31 "$(stat -c %s "$D/db/secrets.key")"

        # A lost key is not replaced while secrets sealed with it remain.
        daemon_stop
        rm "$D/db/secrets.key"
        daemon_start || return
        assert_sc_error "a lost key with secrets left: set_secret refused (INVALID_DATA)" \
                INVALID_DATA 13 secret set web other </dev/null
        assert_contains "...saying to put it back" "$ERR" "put the key back from a backup"
        check "...and no new key was made" test ! -e "$D/db/secrets.key"
        assert_sc_ok "delete the secret sealed with the lost key" secret delete web token
        assert_sc_ok "...then a new key is made for a new secret" secret set web other </dev/null
        check "...there it is" test -s "$D/db/secrets.key"
}

# Who may: set and delete need change-config on the service, list needs
# query-config (everyone has it by default); checked as real users.
test_access() {
        needs_root "the secret store's rights, as real users" || return
        command -v setpriv >/dev/null || {
                tap_skip "the secret store's rights" "no setpriv"
                return
        }
        local u=scmsu$$ v=scmsv$$
        make_user "$u" && make_user "$v" || return
        chmod 711 "$D"
        daemon_start || return
        create_helper web || return
        run_sc sdshow web
        assert_sc_ok "sdset web grants $u change-config" sdset web "$OUT; allow user:$u change-config"
        run sh -c 'printf secret-by-u | setpriv --reuid="$1" --regid="$1" --init-groups \
                "$2" --root "$3" --timeout 10 secret set web k' _ "$u" "$SCCTL" "$D"
        assert_rc "$u (change-config) may set a secret" 0
        run sh -c 'printf secret-by-v | setpriv --reuid="$1" --regid="$1" --init-groups \
                "$2" --root "$3" --timeout 10 secret set web k' _ "$v" "$SCCTL" "$D"
        assert_rc "$v (no change-config) may not" 1
        assert_contains "...ACCESS_DENIED naming change-config" "$ERR" "lacks the right 'change-config'"
        run setpriv --reuid="$v" --regid="$v" --init-groups "$SCCTL" --root "$D" --timeout 10 \
                --json secret list web
        assert_rc "$v may list the keys (query-config, everyone's by default)" 0
        assert_contains "...and sees k" "$OUT" '"key":"k"'
        assert_not_contains "...but not its value" "$OUT" secret-by-u
        run setpriv --reuid="$v" --regid="$v" --init-groups "$SCCTL" --root "$D" --timeout 10 \
                secret delete web k
        assert_contains "$v may not delete it" "$ERR" "lacks the right 'change-config'"
        run setpriv --reuid="$u" --regid="$u" --init-groups "$SCCTL" --root "$D" --timeout 10 \
                secret delete web k
        assert_rc "$u may" 0
}

# A roll back to the last known good configuration keeps the secrets of the
# services it keeps; a service it brings back has none, and the secrets of
# a service it removes are gone with it.
test_roll_back() {
        daemon_start || return
        create_helper kept || return
        create_helper dropped || return
        daemon_stop
        daemon_start || return
        wait_until 10 "the boot is accepted (the copy holds kept and dropped)" \
                bash -c '[[ $("$0" --root "$1" --json boot status) == *"\"boot\":\"accepted\""* ]]' \
                "$SCCTL" "$D" || return
        set_secret kept k kept-value
        set_secret dropped k dropped-value
        assert_sc_ok "delete dropped (and its secret)" delete dropped
        create_helper late || return
        set_secret late k late-value
        assert_sc_ok "lkg restore" lkg restore
        run_sc --json secret list kept
        assert_contains "kept keeps its secret" "$OUT" '"key":"k"'
        run_sc --json secret list dropped
        assert_contains "dropped is back from the copy, without its deleted secret" "$OUT" \
                '"secrets":[]'
        run_sc query late
        assert_rc "late is gone" 1
        create_helper late || return
        run_sc --json secret list late
        assert_contains "...and a new late does not inherit its secret" "$OUT" '"secrets":[]'
}

# ---- delivery, as root ---------------------------------------------------------

test_delivery() {
        needs_root "delivery to the service's account" || return
        local ua=scmsa$$ ub=scmsb$$ uc=scmsc$$ secret folder pid
        make_user "$ua" && make_user "$ub" && make_user "$uc" || return
        secret=$(fresh_secret)
        folder=$(credentials_of a)
        open_test_folder
        daemon_start || return
        create_helper a --try-read '$CREDENTIALS_DIRECTORY/token' \
                --try-read '$CREDENTIALS_DIRECTORY/bin' -- --account "$ua" || return
        create_helper b --try-read "$folder/token" -- --account "$ub" || return
        create_helper none -- --account "$ub" || return
        set_secret a token "$secret"
        printf '\000\001\377' | sc secret set a bin >/dev/null
        set_secret b mine other-value
        start_helper a || return
        start_helper b || return
        start_helper none || return
        pid=$(report_get a pid)

        assert_eq "service a reads its secret from \$CREDENTIALS_DIRECTORY/token" \
                "hex:$(hex_of "$secret")" "$(report_get a 'read:$CREDENTIALS_DIRECTORY/token')"
        assert_eq "...and a binary one byte for byte" "hex:0001ff" \
                "$(report_get a 'read:$CREDENTIALS_DIRECTORY/bin')"
        check "CREDENTIALS_DIRECTORY is its folder" report_has a "env=CREDENTIALS_DIRECTORY=$folder"
        check "a service without secrets has no CREDENTIALS_DIRECTORY" \
                report_lacks none env=CREDENTIALS_DIRECTORY=
        assert_eq "service b (another account) cannot read a's secret" EACCES \
                "$(report_get b "read:$folder/token")"
        run setpriv --reuid="$uc" --regid="$uc" --clear-groups cat "$folder/token"
        assert_ne "user $uc cannot read it" 0 "$RC"
        assert_not_contains "...nothing of it came out" "$OUT" "$secret"
        assert_eq "the folder is a tmpfs" tmpfs "$(stat -f -c %T "$folder")"
        assert_eq "...mode 0500, owned by a's account" "500 $ua" "$(stat -c '%a %U' "$folder")"
        assert_eq "...the file 0400, owned by a's account" "400 $ua" \
                "$(stat -c '%a %U' "$folder/token")"
        check "...mounted nosuid,nodev,noexec, read-only" \
                grep -qE " $folder tmpfs ro,nosuid,nodev,noexec" /proc/self/mounts

        assert_eq "while it runs, no file on disk under the root folder holds the secret" "" \
                "$(files_holding "$secret")"
        local where
        for where in "/proc/$SCMD_PID/environ" "/proc/$SCMD_PID/cmdline" "/proc/$pid/environ" \
                "/proc/$pid/cmdline"; do
                check "not in $where" bash -c '! grep -qaF -- "$1" "$2"' _ "$secret" "$where"
        done
        run_sc qc a
        assert_not_contains "not in qc" "$OUT" "$secret"
        assert_not_contains "not in scmd's log" "$(cat "$D/scmd.stderr")" "$secret"

        assert_sc_ok "stop a" stop a --wait
        wait_until 10 "a's folder is gone after the stop" test ! -e "$folder"
        check "...and no longer mounted" bash -c '! grep -qF " $1 " /proc/self/mounts' _ "$folder"
        assert_sc_ok "stop b" stop b --wait
        assert_sc_ok "stop none" stop none --wait
        check "no secrets folder is left" test -z "$(ls -A "$D/run/credentials")"
}

test_service_group() {
        needs_root "a service with an identity: the folder is its group's" || return
        local ua=scmsg$$ folder
        make_user "$ua" || return
        folder=$(credentials_of g)
        open_test_folder
        daemon_start || return
        create_helper g --try-read '$CREDENTIALS_DIRECTORY/k' -- --account "$ua" || return
        assert_sc_ok "sidtype g unrestricted" sidtype g unrestricted
        set_secret g k value-g
        start_helper g || return
        assert_eq "g reads its secret through its service group" "hex:$(hex_of value-g)" \
                "$(report_get g 'read:$CREDENTIALS_DIRECTORY/k')"
        local gid
        gid=$(sc --json showsid g | sed -n 's/.*"service_gid":\([0-9]*\).*/\1/p')
        assert_eq "...the folder is root's and the service group's, 0550" "550 0 $gid" \
                "$(stat -c '%a %u %g' "$folder")"
        assert_eq "...the file 0440" "440 0 $gid" "$(stat -c '%a %u %g' "$folder/k")"
        assert_sc_ok "stop g" stop g --wait
}

test_change_while_running() {
        needs_root "a change takes effect at the next start" || return
        local folder
        folder=$(credentials_of r)
        daemon_start || return
        create_helper r --try-read '$CREDENTIALS_DIRECTORY/k' || return
        set_secret r k first
        start_helper r || return
        set_secret r k second
        assert_eq "a running service's file keeps the value it started with" first \
                "$(cat "$folder/k")"
        assert_sc_ok "stop r" stop r --wait
        : >"$(report_path r)"
        start_helper r || return
        assert_eq "the next start delivers the new value" "hex:$(hex_of second)" \
                "$(report_get r 'read:$CREDENTIALS_DIRECTORY/k')"
        assert_sc_ok "secret delete r k" secret delete r k
        assert_sc_ok "stop r" stop r --wait
        : >"$(report_path r)"
        start_helper r || return
        check "without secrets: no CREDENTIALS_DIRECTORY" report_lacks r env=CREDENTIALS_DIRECTORY=
        check "...and no folder" test ! -e "$folder"
        assert_sc_ok "stop r" stop r --wait
}

test_sweep_after_crash() {
        needs_root "the folder left by a killed scmd is swept at start-up" || return
        local folder
        folder=$(credentials_of c)
        daemon_start || return
        create_helper c || return
        set_secret c k v
        start_helper c || return
        check "c's folder is mounted" is_mount_point "$folder"
        kill -KILL "$SCMD_PID"
        wait "$SCMD_PID" 2>/dev/null
        SCMD_PID=""
        check "...still, after scmd was killed" is_mount_point "$folder"
        # c running, the next scmd takes it back with its folder
        # (test_adopt.sh); once c has gone too, the folder is swept.
        local pid
        pid=$(report_get c pid)
        kill -KILL "$pid"
        wait_until 10 "c's pid $pid has ended" bash -c '! grep -q "^State:.*[RS]" /proc/$1/status 2>/dev/null' _ "$pid" || return
        daemon_start || return
        check "the next scmd unmounted it" bash -c '! grep -qF " $1 " /proc/self/mounts' _ "$folder"
        check "...and removed it" test ! -e "$folder"
}

test_user_mode() {
        needs_root "scmd as an ordinary user (a run folder on tmpfs or none)" || return
        command -v setpriv >/dev/null || {
                tap_skip "scmd as an ordinary user" "no setpriv"
                return
        }
        open_test_folder
        chown nobody "$D"
        mkdir -p "$D/home" "$D/run"
        chown nobody "$D/home" "$D/reports" "$D/run"
        printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all env HOME=%q %q "$@"\n' \
                "$D/home" "$SCMD" >"$D/scmd-nobody"
        chmod +x "$D/scmd-nobody"
        SCMD=$D/scmd-nobody daemon_start || return
        create_helper u --try-read '$CREDENTIALS_DIRECTORY/k' || return
        set_secret u k user-mode-value
        assert_sc_error "a run folder on disk: the start is refused (NOT_SUPPORTED)" \
                NOT_SUPPORTED 50 start u
        assert_contains "...saying why" "$ERR" "memory-backed"
        check "...and no process ran" report_lacks u pid=
        daemon_stop

        # The same with the run folder on a tmpfs.
        rm -rf "$D/run"
        mkdir -p "$D/run"
        mount -t tmpfs -o size=1m,mode=0755,uid=65534,gid=65534 scm-test "$D/run" || {
                tap_not_ok "mount a tmpfs on $D/run"
                return
        }
        MADE_MOUNTS+=("$D/run")
        SCMD=$D/scmd-nobody daemon_start || return
        start_helper u || return
        assert_eq "on a tmpfs run folder the service reads its secret" \
                "hex:$(hex_of user-mode-value)" "$(report_get u 'read:$CREDENTIALS_DIRECTORY/k')"
        assert_eq "...a folder of mode 0500" 500 "$(stat -c %a "$(credentials_of u)")"
        assert_sc_ok "stop u" stop u --wait
        check "...gone after the stop" test ! -e "$(credentials_of u)"
        daemon_stop
        umount "$D/run" && MADE_MOUNTS=()
}

# Shared-process services: a folder per member, each removed when its
# member stops, even while the process goes on with the other.
test_shared_members() {
        needs_root "the members of a shared process" || return
        local native host pid
        native=$(dirname "$HELPER")/scm-test-native
        host=$(cmdline "$native" --report "$(report_path host)" --services a,b)
        daemon_start || return
        assert_sc_ok "create share member a" create a --type share --kind native --exec "$host"
        assert_sc_ok "create share member b" create b --type share --kind native --exec "$host"
        set_secret a ka value-a
        set_secret b kb value-b
        assert_sc_ok "start a" start a --wait
        assert_sc_ok "start b (joins a's process)" start b --wait
        pid=$(status_field a pid)
        assert_eq "...one process" "$pid" "$(status_field b pid)"
        assert_eq "a's folder holds a's secret" value-a "$(cat "$(credentials_of a)/ka")"
        assert_eq "b's folder holds b's secret" value-b "$(cat "$(credentials_of b)/kb")"
        check "CREDENTIALS_DIRECTORY is the starting member's folder" \
                grep -qaF "CREDENTIALS_DIRECTORY=$(credentials_of a)" "/proc/$pid/environ"
        check "SCM_CREDENTIALS_ROOT says where every member's folder is" \
                grep -qaF "SCM_CREDENTIALS_ROOT=$D/run/credentials" "/proc/$pid/environ"
        assert_sc_ok "stop b" stop b --wait
        check "b's folder is gone with b" test ! -e "$(credentials_of b)"
        check "...a's is still there" test -e "$(credentials_of a)/ka"
        assert_sc_ok "stop a" stop a --wait
        check "a's folder is gone with a" test ! -e "$(credentials_of a)"
}

test_root_without_mount() {
        needs_root "root that may not mount (a container without CAP_SYS_ADMIN)" || return
        command -v setpriv >/dev/null || {
                tap_skip "root that may not mount" "no setpriv"
                return
        }
        printf '#!/bin/sh\nexec setpriv --bounding-set=-sys_admin %q "$@"\n' "$SCMD" >"$D/scmd-nomount"
        chmod +x "$D/scmd-nomount"
        SCMD=$D/scmd-nomount daemon_start || return
        create_helper m --try-read '$CREDENTIALS_DIRECTORY/k' || return
        set_secret m k no-mount-value
        assert_sc_error "a run folder on disk and no right to mount: refused (NOT_SUPPORTED)" \
                NOT_SUPPORTED 50 start m
        assert_contains "...saying it may not mount a tmpfs" "$ERR" "may not mount a tmpfs"
        check "...and no process ran" report_lacks m pid=
        check "...and nothing is left" test ! -e "$(credentials_of m)"
        daemon_stop
        mkdir -p "$D/run"
        mount -t tmpfs -o size=1m,mode=0755 scm-test "$D/run" || {
                tap_not_ok "mount a tmpfs on $D/run"
                return
        }
        MADE_MOUNTS+=("$D/run")
        SCMD=$D/scmd-nomount daemon_start || return
        start_helper m || return
        assert_eq "on a tmpfs run folder it is served from a plain folder" \
                "hex:$(hex_of no-mount-value)" "$(report_get m 'read:$CREDENTIALS_DIRECTORY/k')"
        check "...not a mount of its own" bash -c '! grep -qF " $1 " /proc/self/mounts' _ \
                "$(credentials_of m)"
        assert_sc_ok "stop m" stop m --wait
        check "...gone after the stop" test ! -e "$(credentials_of m)"
        daemon_stop
        umount "$D/run" && MADE_MOUNTS=()
}

run_test test_set_list_delete
run_test test_key_file_refused
run_test test_roll_back
run_test test_access
run_test test_delivery
run_test test_service_group
run_test test_change_while_running
run_test test_sweep_after_crash
run_test test_user_mode
run_test test_root_without_mount
run_test test_shared_members
cleanup_all
finish
