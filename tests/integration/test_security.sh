#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Least privilege, checked from inside the service (scm-test-helper's
# --report-security, --try-write, --try-bind, --try-privileged) and from
# /proc: accounts and logon sessions, required privileges and the account
# privilege policy, the service identity (group and folders), restricted
# services under Landlock, a kernel without Landlock, --restrict-network,
# --interactive, and every error of these.  Real accounts: nobody, and users
# and groups this script makes with useradd/groupadd and removes again.
#
# All of it needs root; without root each test is reported as skipped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- users made by the tests, removed by cleanup_accounts ----------------

MADE_USERS=()
MADE_GROUPS=()
MADE_FILES=()

cleanup_accounts() {
        local u g f
        for u in "${MADE_USERS[@]}"; do
                userdel "$u" >/dev/null 2>&1
        done
        for g in "${MADE_GROUPS[@]}"; do
                groupdel "$g" >/dev/null 2>&1
        done
        for f in "${MADE_FILES[@]}"; do
                rm -f "$f"
        done
        MADE_USERS=()
        MADE_GROUPS=()
        MADE_FILES=()
}

trap 'cleanup_accounts; teardown quiet; unshare_build' EXIT

# make_user NAME SHELL [useradd OPTIONS...]: a user without a home folder.
make_user() {
        local name=$1 shell=$2
        shift 2
        if useradd -M -s "$shell" -d "/home/$name" "$@" "$name"; then
                MADE_USERS+=("$name")
                return 0
        fi
        tap_not_ok "useradd $name"
        return 1
}

make_group() {
        if groupadd "$1"; then
                MADE_GROUPS+=("$1")
                return 0
        fi
        tap_not_ok "groupadd $1"
        return 1
}

# A well-known account's user, removed at the end when this test made it.
forget_system_user_later() {
        getent passwd "$1" >/dev/null || MADE_USERS+=("$1")
}

# ---- helpers ----------------------------------------------------------------

# needs_root NAME: true as root; else reports NAME as skipped.
needs_root() {
        if is_root; then
                return 0
        fi
        tap_skip "$1" "not root"
        return 1
}

# The test folder as a service account must see it: it may pass through
# $D, and write its report.
open_test_folder() {
        chmod 711 "$D"
        chmod 1777 "$D/reports"
}

# Moves this test's folder out of /tmp: a restricted service may write
# beneath /tmp, so paths it must not write cannot be there.
move_test_folder_out_of_tmp() {
        local old=$D
        D=$(mktemp -d /var/tmp/scm-it.XXXXXX) || return 1
        mkdir -p "$D/reports"
        rm -rf "$old"
}

# proc_status PID FIELD: the value of FIELD: in /proc/PID/status (tabs kept).
proc_status() {
        local line
        line=$(grep -m1 "^$2:" "/proc/$1/status") || return 1
        line=${line#*:}
        printf '%s' "${line#"${line%%[![:space:]]*}"}"
}

# The capability set with exactly capability N.
cap_mask() {
        printf '%016x' $((1 << $1))
}

state_dir() { echo "$D/db-services/$1"; }
runtime_dir() { echo "$D/run/services/$1"; }
logs_dir() { echo "$D/log-services/$1"; }

# others_file USER: OTHERS_FILE is a new file in /var/tmp owned by USER,
# writable by everyone (so only Landlock can refuse a write to it).  Not
# called in $(...): it must add the file to MADE_FILES of this shell, or
# cleanup_accounts would never remove it.
others_file() {
        OTHERS_FILE=$(mktemp /var/tmp/scm-it-others.XXXXXX) || return 1
        MADE_FILES+=("$OTHERS_FILE")
        chown "$1" "$OTHERS_FILE"
        chmod 0666 "$OTHERS_FILE"
}

# ---- accounts -----------------------------------------------------------------

test_account_nobody() {
        needs_root "a service as nobody" || return
        open_test_folder
        DISPLAY=:7 DBUS_SESSION_BUS_ADDRESS=unix:path=/nowhere daemon_start || return
        create_helper acct --report-security -- --account nobody || return
        create_helper acct2 --report-security -- --account nobody || return
        start_helper acct || return
        start_helper acct2 || return
        local pid
        pid=$(report_get acct pid)
        assert_eq "uid 65534 in /proc/PID/status (real, effective, saved, fs)" \
                "65534	65534	65534	65534" "$(proc_status "$pid" Uid)"
        assert_eq "gid 65534 in /proc/PID/status" "65534	65534	65534	65534" "$(proc_status "$pid" Gid)"
        assert_eq "...its groups are nobody's own (initgroups)" \
                "$(id -G nobody | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" \
                "$(report_get acct groups | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ' | sed 's/ $//')"
        check "HOME from passwd (/nonexistent)" report_has acct env=HOME=/nonexistent
        check "USER=nobody" report_has acct env=USER=nobody
        check "LOGNAME=nobody" report_has acct env=LOGNAME=nobody
        check "SHELL from passwd (/usr/sbin/nologin)" report_has acct env=SHELL=/usr/sbin/nologin
        check "nothing of the caller's desktop: no DISPLAY" report_lacks acct env=DISPLAY=
        check "...no DBUS_SESSION_BUS_ADDRESS" report_lacks acct env=DBUS_SESSION_BUS_ADDRESS=
        check "stdin is /dev/null" report_has acct stdin=/dev/null
        local stat tty
        stat=$(cat "/proc/$pid/stat")
        tty=$(echo "${stat##*) }" | awk '{print $5}')
        assert_eq "no controlling terminal (tty_nr 0)" 0 "$tty"
        assert_eq "no capabilities: CapEff 0" 0000000000000000 "$(report_get acct CapEff)"
        assert_eq "...CapPrm 0" 0000000000000000 "$(report_get acct CapPrm)"
        assert_eq "...CapAmb 0" 0000000000000000 "$(report_get acct CapAmb)"
        assert_eq "no_new_privs is not set without a privilege list" 0 "$(report_get acct NoNewPrivs)"
        local desc
        desc=$(report_get acct keyring-desc)
        assert_contains "a session keyring of its own, owned by nobody" "$desc" "keyring;65534;65534;"
        assert_contains "...a session keyring (_ses)" "$desc" ";_ses"
        assert_ne "...not another service's" "$(report_get acct keyring)" "$(report_get acct2 keyring)"
        assert_sc_ok "stop acct" stop acct --wait
        assert_sc_ok "stop acct2" stop acct2 --wait
}

test_account_user_groups() {
        needs_root "a service as a user with a supplementary group" || return
        local user=scmtu$$ group=scmtg$$
        make_group "$group" || return
        make_user "$user" /bin/sh -G "$group" || return
        open_test_folder
        daemon_start || return
        create_helper usr --report-security -- --account "$user" || return
        start_helper usr || return
        assert_eq "uid is the user's" "$(id -u "$user")" "$(report_get usr uid)"
        assert_eq "gid is the user's primary group" "$(id -g "$user")" "$(report_get usr gid)"
        local groups
        groups=" $(report_get usr groups) "
        assert_contains "its supplementary group $group is among its groups" "$groups" \
                " $(getent group "$group" | cut -d: -f3) "
        assert_not_contains "...root's group 0 is not" "$groups" " 0 "
        check "HOME=/home/$user from passwd" report_has usr "env=HOME=/home/$user"
        check "SHELL=/bin/sh from passwd" report_has usr env=SHELL=/bin/sh
        assert_sc_ok "stop usr" stop usr --wait
}

test_account_errors() {
        needs_root "account errors" || return
        local user=scmtv$$
        make_user "$user" /usr/sbin/nologin || return
        open_test_folder
        daemon_start || return
        assert_sc_error "create with an account that does not exist: INVALID_SERVICE_ACCOUNT" \
                INVALID_SERVICE_ACCOUNT 1057 create ghost --exec "$HELPER" --account no-such-user-$$
        create_helper ghost || return
        assert_sc_error "config to an account that does not exist: INVALID_SERVICE_ACCOUNT" \
                INVALID_SERVICE_ACCOUNT 1057 config ghost --account no-such-user-$$
        run_sc qc ghost
        assert_not_contains "...and the account is unchanged" "$OUT" "no-such-user"
        create_helper gone -- --account "$user" || return
        userdel "$user"
        assert_sc_error "start after the account was deleted: SERVICE_LOGON_FAILED" \
                SERVICE_LOGON_FAILED 1069 start gone
        assert_contains "...the message names the account" "$ERR" "'$user'"
        assert_eq "...it is stopped with win32_exit_code 1069" 1069 "$(status_field gone win32_exit_code)"
        check "...and no process ran" report_lacks gone pid=
}

test_local_service() {
        needs_root "LocalService and NetworkService" || return
        forget_system_user_later scm-localservice
        forget_system_user_later scm-networkservice
        open_test_folder
        daemon_start || return
        create_helper ls --report-security --try-bind 80 -- --account LocalService --restrict-network ||
                return
        create_helper ns --report-security -- --account networkservice || return
        start_helper ls || return
        local entry uid gid home shell
        entry=$(getent passwd scm-localservice)
        assert_ne "LocalService's user scm-localservice was made on first use" "" "$entry"
        IFS=: read -r _ _ uid gid _ home shell <<<"$entry"
        assert_eq "...with no login shell" /usr/sbin/nologin "$shell"
        assert_eq "...and no home" /nonexistent "$home"
        check "...a system user (uid < 1000)" test "$uid" -lt 1000
        assert_eq "...with a group of its own" scm-localservice "$(getent group "$gid" | cut -d: -f1)"
        assert_eq "the service runs as scm-localservice" "$uid" "$(report_get ls uid)"
        check "...USER=scm-localservice" report_has ls env=USER=scm-localservice
        assert_ne "--restrict-network: a network namespace of its own" \
                "$(readlink "/proc/$SCMD_PID/ns/net")" "$(report_get ls netns)"
        assert_eq "...with only loopback" lo "$(report_get ls net-ifaces)"
        assert_eq "...which is up" 1 "$(report_get ls lo-up)"
        assert_eq "...and port 80 still needs a privilege there" EACCES "$(report_get ls bind:80)"
        start_helper ns || return
        assert_eq "NetworkService's user scm-networkservice was made, and runs it" \
                "$(id -u scm-networkservice 2>/dev/null)" "$(report_get ns uid)"
        assert_eq "...in scmd's network namespace (no --restrict-network)" \
                "$(readlink "/proc/$SCMD_PID/ns/net")" "$(report_get ns netns)"
        assert_sc_ok "stop ls" stop ls --wait
        assert_sc_ok "stop ns" stop ns --wait
}

# ---- required privileges ------------------------------------------------------

test_privileges_nobody() {
        needs_root "required privileges of a service as nobody" || return
        open_test_folder
        daemon_start || return
        create_helper w --report-security --try-bind 80 --try-privileged -- --account nobody || return
        create_helper plain --try-bind 80 -- --account nobody || return
        start_helper plain || return
        assert_eq "without privileges nobody cannot bind port 80" EACCES "$(report_get plain bind:80)"
        assert_sc_ok "stop plain" stop plain --wait

        assert_sc_ok "privs w CAP_NET_BIND_SERVICE" privs w CAP_NET_BIND_SERVICE
        run_sc qprivs w
        assert_contains "qprivs lists it" "$OUT" "CAP_NET_BIND_SERVICE"
        assert_sc_error "start while nobody is not granted it: PRIVILEGE_NOT_HELD" \
                PRIVILEGE_NOT_HELD 1314 start w
        assert_contains "...naming the privilege" "$ERR" "CAP_NET_BIND_SERVICE"
        assert_contains "...and the account" "$ERR" "nobody"
        check "...and no process ran" report_lacks w pid=
        assert_eq "...win32_exit_code 1314" 1314 "$(status_field w win32_exit_code)"

        assert_sc_ok "privilege grant nobody CAP_NET_BIND_SERVICE" privilege grant nobody CAP_NET_BIND_SERVICE
        run_sc privilege show nobody
        assert_contains "privilege show nobody lists it" "$OUT" "CAP_NET_BIND_SERVICE"
        start_helper w || return
        local pid bit
        pid=$(report_get w pid)
        bit=$(cap_mask 10)
        assert_eq "/proc/PID/status: Uid 65534" "65534	65534	65534	65534" "$(proc_status "$pid" Uid)"
        local set
        for set in CapEff CapAmb CapPrm CapInh CapBnd; do
                assert_eq "/proc/PID/status: $set holds exactly CAP_NET_BIND_SERVICE" "$bit" \
                        "$(proc_status "$pid" $set)"
        done
        assert_eq "/proc/PID/status: NoNewPrivs 1" 1 "$(proc_status "$pid" NoNewPrivs)"
        local bind
        bind=$(report_get w bind:80)
        if [ "$bind" = ok ] || [ "$bind" = EADDRINUSE ]; then
                tap_ok "it may bind port 80 ($bind)"
        else
                tap_not_ok "it may bind port 80" "bind:80=$bind"
        fi
        assert_eq "it cannot give a file away (CAP_CHOWN)" EPERM "$(report_get w chown)"
        assert_eq "it cannot signal PID 1 (CAP_KILL)" EPERM "$(report_get w kill-init)"
        assert_eq "it cannot become root (CAP_SETUID)" EPERM "$(report_get w setuid)"
        assert_eq "it cannot set the host name (CAP_SYS_ADMIN)" EPERM "$(report_get w sethostname)"
        assert_sc_ok "stop w" stop w --wait

        assert_sc_ok "privs w CAP_NET_BIND_SERVICE/CAP_SYS_TIME" privs w CAP_NET_BIND_SERVICE/CAP_SYS_TIME
        assert_sc_error "start with one privilege not granted: PRIVILEGE_NOT_HELD" \
                PRIVILEGE_NOT_HELD 1314 start w
        assert_contains "...naming the one missing" "$ERR" "privilege CAP_SYS_TIME,"
        assert_sc_ok "privs w CAP_NET_BIND_SERVICE" privs w CAP_NET_BIND_SERVICE
        assert_sc_ok "privilege revoke nobody CAP_NET_BIND_SERVICE" \
                privilege revoke nobody CAP_NET_BIND_SERVICE
        assert_sc_error "after the revoke the start fails again: PRIVILEGE_NOT_HELD" \
                PRIVILEGE_NOT_HELD 1314 start w
        assert_sc_ok "privs w \"\" clears the list" privs w ""
        run_sc qprivs w
        assert_contains "...qprivs says the account's own" "$OUT" "account's own"
        assert_sc_ok "...and it starts with none" start w --wait
        assert_sc_ok "stop w" stop w --wait
}

test_privileges_root() {
        needs_root "required privileges of a LocalSystem service" || return
        open_test_folder
        daemon_start || return
        create_helper r --report-security --try-bind 80 --try-privileged || return
        start_helper r || return
        assert_eq "LocalSystem without a list: scmd's own capabilities" \
                "$(proc_status "$SCMD_PID" CapEff)" "$(report_get r CapEff)"
        assert_eq "...and it may give a file away" ok "$(report_get r chown)"
        assert_sc_ok "stop r" stop r --wait

        assert_sc_ok "privs r CAP_NET_BIND_SERVICE" privs r cap_net_bind_service
        rm -f "$(report_path r)"
        start_helper r || return
        local pid bit set
        pid=$(report_get r pid)
        bit=$(cap_mask 10)
        assert_eq "it is still root" "0	0	0	0" "$(proc_status "$pid" Uid)"
        for set in CapEff CapPrm CapInh CapBnd; do
                assert_eq "root: $set holds exactly CAP_NET_BIND_SERVICE" "$bit" "$(proc_status "$pid" $set)"
        done
        assert_eq "root: CapAmb is empty (root needs no ambient set)" 0000000000000000 \
                "$(proc_status "$pid" CapAmb)"
        assert_eq "root: NoNewPrivs 1" 1 "$(proc_status "$pid" NoNewPrivs)"
        assert_eq "root without CAP_CHOWN cannot give a file away" EPERM "$(report_get r chown)"
        assert_eq "root without CAP_SETUID cannot become nobody" EPERM "$(report_get r setuid)"
        assert_eq "root without CAP_SYS_ADMIN cannot set the host name" EPERM \
                "$(report_get r sethostname)"
        local bind
        bind=$(report_get r bind:80)
        check "root with CAP_NET_BIND_SERVICE may bind port 80 ($bind)" test "$bind" = ok -o "$bind" = EADDRINUSE
        assert_sc_ok "stop r" stop r --wait

        run_sc privilege show LocalSystem
        assert_contains "privilege show LocalSystem: root holds every privilege" "$OUT" "all"
        assert_sc_error "privilege revoke root: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                privilege revoke root CAP_CHOWN
        assert_sc_error "privs with a name that is no capability: INVALID_PARAMETER" \
                INVALID_PARAMETER 87 privs r CAP_NOT_A_THING
        assert_sc_error "privilege grant to an account that does not exist: INVALID_SERVICE_ACCOUNT" \
                INVALID_SERVICE_ACCOUNT 1057 privilege grant no-such-user-$$ CAP_CHOWN
        assert_sc_error "privilege grant of a name that is no capability: INVALID_PARAMETER" \
                INVALID_PARAMETER 87 privilege grant nobody CAP_NOT_A_THING
}

# ---- service identity ---------------------------------------------------------

test_identity_unrestricted() {
        needs_root "unrestricted service identity" || return
        open_test_folder
        daemon_start || return
        local others
        others_file nobody || return
        others=$OTHERS_FILE
        create_helper ua --report-security --try-write "$(state_dir ua)" --try-write "$(runtime_dir ua)" \
                --try-write "$(logs_dir ua)" --try-write "$(state_dir ub)" --try-write /etc \
                --try-write "$others" -- --account nobody || return
        create_helper ub --report-security -- --account nobody || return
        assert_sc_ok "sidtype ua unrestricted" sidtype ua unrestricted
        assert_sc_ok "sidtype ub unrestricted" sidtype ub unrestricted
        run_sc showsid ua
        assert_contains "showsid ua: the first gid of the range" "$OUT" "810000"
        run_sc showsid ub
        assert_contains "showsid ub: the next one" "$OUT" "810001"
        start_helper ub || return
        start_helper ua || return
        local groups
        groups=" $(report_get ua groups) "
        assert_contains "its gid 810000 is among its process's groups" "$groups" " 810000 "
        assert_not_contains "...the other service's is not" "$groups" " 810001 "
        check "STATE_DIRECTORY" report_has ua "env=STATE_DIRECTORY=$(state_dir ua)"
        check "RUNTIME_DIRECTORY" report_has ua "env=RUNTIME_DIRECTORY=$(runtime_dir ua)"
        check "LOGS_DIRECTORY" report_has ua "env=LOGS_DIRECTORY=$(logs_dir ua)"
        local f
        for f in "$(state_dir ua)" "$(runtime_dir ua)" "$(logs_dir ua)"; do
                assert_eq "${f#"$D"/} is root's and the service group's, mode 2770" "root 810000 2770" \
                        "$(stat -c '%U %g %a' "$f")"
                assert_eq "...and it may write there" ok "$(report_get ua "write:$f")"
        done
        assert_eq "it cannot write the other service's folder (same account)" EACCES \
                "$(report_get ua "write:$(state_dir ub)")"
        assert_eq "it cannot write /etc" EACCES "$(report_get ua write:/etc)"
        assert_eq "it may write a world-writable file in /var/tmp (no Landlock)" ok \
                "$(report_get ua "write:$others")"
        assert_sc_ok "stop ua" stop ua --wait
        assert_sc_ok "stop ub" stop ub --wait

        daemon_stop
        daemon_start || return
        run_sc qsidtype ua
        assert_contains "the sid type survives a restart of scmd" "$OUT" "UNRESTRICTED"
        run_sc showsid ua
        assert_contains "...and so does the gid" "$OUT" "810000"

        assert_sc_ok "delete ua" delete ua
        create_helper uc -- --account nobody || return
        assert_sc_ok "sidtype uc unrestricted" sidtype uc unrestricted
        run_sc showsid uc
        assert_contains "a new service does not get a deleted one's gid" "$OUT" "810002"
        create_helper ua -- --account nobody || return
        assert_sc_ok "sidtype ua unrestricted (made again)" sidtype ua unrestricted
        run_sc showsid ua
        assert_contains "...the same name gets its own gid back" "$OUT" "810000"
}

test_gid_range() {
        needs_root "--service-gid-range" || return
        run timeout 10 "$SCMD" --root "$D" --foreground --service-gid-range 900-800
        assert_rc "scmd --service-gid-range 900-800 is refused (exit 2)" 2
        assert_contains "...saying why" "$ERR" "--service-gid-range"
        daemon_start --service-gid-range 820000-820000 || return
        create_helper g1 || return
        create_helper g2 || return
        assert_sc_ok "sidtype g1 unrestricted" sidtype g1 unrestricted
        run_sc showsid g1
        assert_contains "the gid comes from the range" "$OUT" "820000"
        assert_sc_error "sidtype when the range is used up: NOT_ENOUGH_MEMORY" NOT_ENOUGH_MEMORY 8 \
                sidtype g2 unrestricted
        run_sc qsidtype g2
        assert_contains "...and nothing changed" "$OUT" "NONE"
}

test_identity_restricted() {
        needs_root "restricted services (Landlock)" || return
        move_test_folder_out_of_tmp || return
        open_test_folder
        mkdir -m 0777 "$D/grant" "$D/notgranted"
        daemon_start || return
        local others
        others_file nobody || return
        others=$OTHERS_FILE
        create_helper other -- --account nobody || return
        assert_sc_ok "sidtype other unrestricted" sidtype other unrestricted
        start_helper other || return
        assert_sc_ok "stop other" stop other --wait
        chmod 0777 "$(state_dir other)" # DAC would let anyone in: only Landlock can refuse

        create_helper rs --print hello --try-write "$(state_dir rs)" --try-write "$(runtime_dir rs)" \
                --try-write "$(logs_dir rs)" --try-write "$D/grant" --try-write /tmp \
                --try-write /dev/null --try-write /etc --try-write "$others" \
                --try-write "$(state_dir other)" --try-write "$D/notgranted" -- --account nobody ||
                return
        assert_sc_ok "sidtype rs restricted" sidtype rs restricted
        assert_sc_ok "config rs --writable $D/reports,$D/grant" config rs --writable "$D/reports,$D/grant"
        start_helper rs || return
        local p
        for p in "$(state_dir rs)" "$(runtime_dir rs)" "$(logs_dir rs)" "$D/grant" /tmp /dev/null; do
                assert_eq "restricted: it may write ${p#"$D"/}" ok "$(report_get rs "write:$p")"
        done
        assert_eq "restricted: it cannot write /etc" EACCES "$(report_get rs write:/etc)"
        assert_eq "restricted: it cannot write another's file in /var/tmp (mode 0666)" EACCES \
                "$(report_get rs "write:$others")"
        assert_eq "restricted: it cannot write another service's folder (mode 0777)" EACCES \
                "$(report_get rs "write:$(state_dir other)")"
        assert_eq "restricted: it cannot write a path not granted (mode 0777)" EACCES \
                "$(report_get rs "write:$D/notgranted")"
        wait_until 5 "rs's output reached its log" grep -q "stdout: hello" "$D/log/rs.log" &&
                tap_ok "restricted: its stdout (the log pipe) still works"
        assert_eq "restricted implies no_new_privs" 1 "$(proc_status "$(report_get rs pid)" NoNewPrivs)"
        run_sc qsidtype rs
        assert_contains "qsidtype: RESTRICTED" "$OUT" "RESTRICTED"
        assert_contains "...held by Landlock" "$OUT" "Landlock (ABI"
        assert_contains "...with its writable paths" "$OUT" "$D/grant"
        assert_sc_ok "stop rs" stop rs --wait

        create_helper rr --try-write "$(state_dir rr)" --try-write /etc --try-write "$others" \
                --try-write "$(state_dir other)" || return
        assert_sc_ok "sidtype rr restricted (LocalSystem)" sidtype rr restricted
        assert_sc_ok "config rr --writable $D/reports" config rr --writable "$D/reports"
        start_helper rr || return
        assert_eq "restricted root: it may write its state folder" ok \
                "$(report_get rr "write:$(state_dir rr)")"
        assert_eq "restricted root: it cannot write /etc" EACCES "$(report_get rr write:/etc)"
        assert_eq "restricted root: it cannot write another's file in /var/tmp" EACCES \
                "$(report_get rr "write:$others")"
        assert_eq "restricted root: it cannot write another service's folder" EACCES \
                "$(report_get rr "write:$(state_dir other)")"
        assert_sc_ok "stop rr" stop rr --wait
}

test_restricted_errors() {
        needs_root "errors of restricted services" || return
        open_test_folder
        daemon_start || return
        create_helper m -- --account nobody || return
        assert_sc_ok "sidtype m restricted" sidtype m restricted
        assert_sc_ok "config m --writable with a path that does not exist" \
                config m --writable "$D/reports,$D/missing"
        assert_sc_error "start: PATH_NOT_FOUND" PATH_NOT_FOUND 3 start m
        assert_contains "...naming the path" "$ERR" "$D/missing"
        check "...and no process ran" report_lacks m pid=
        assert_sc_error "--writable with a relative path: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                config m --writable relative/path
        assert_sc_error "--writable with '..': INVALID_PARAMETER" INVALID_PARAMETER 87 \
                config m --writable /srv/../etc
        run_sc sidtype m sometimes
        assert_rc "sidtype with an unknown type: usage error (exit 2)" 2
}

test_without_landlock() {
        needs_root "a kernel without Landlock" || return
        open_test_folder
        local real=$SCMD
        printf '#!/bin/sh\nexec %q --exec-without-landlock %q "$@"\n' "$HELPER" "$real" >"$D/scmd-nolandlock"
        chmod +x "$D/scmd-nolandlock"
        SCMD=$D/scmd-nolandlock daemon_start || return
        create_helper nl --report-security --try-write "$(state_dir nl)" --try-write /etc \
                -- --account nobody || return
        assert_sc_ok "sidtype nl restricted" sidtype nl restricted
        assert_sc_ok "config nl --writable $D/reports" config nl --writable "$D/reports"
        run_sc qsidtype nl
        assert_contains "qsidtype warns before a start" "$OUT" "WARNING"
        assert_sc_error "start without Landlock: NOT_SUPPORTED" NOT_SUPPORTED 50 start nl
        assert_contains "...saying Landlock is missing" "$ERR" "Landlock"
        check "...and no process ran" report_lacks nl pid=
        assert_sc_ok "config nl --allow-weak-isolation" config nl --allow-weak-isolation
        start_helper nl || return
        tap_ok "with --allow-weak-isolation it starts"
        check "...and scmd logs a warning" grep -q "no Landlock" "$D/scmd.stderr"
        run_sc qsidtype nl
        assert_contains "...qsidtype shows the weak isolation" "$OUT" "WEAK"
        assert_contains "...with a WARNING" "$OUT" "WARNING"
        assert_contains "...its group still holds it" " $(report_get nl groups) " " 810000 "
        assert_eq "...its account still cannot write /etc" EACCES "$(report_get nl write:/etc)"
        assert_eq "...it may write its state folder" ok "$(report_get nl "write:$(state_dir nl)")"
        assert_sc_ok "stop nl" stop nl --wait
}

# ---- interactive ----------------------------------------------------------------

test_interactive() {
        needs_root "interactive services" || return
        open_test_folder
        : >"$D/console"
        daemon_start --console "$D/console" || return
        assert_sc_error "create --interactive as nobody: INVALID_PARAMETER" INVALID_PARAMETER 87 \
                create inobody --exec "$HELPER" --account nobody --interactive
        run_sc query inobody
        assert_rc "...and no service was made" 1
        create_helper con --print hello -- --interactive || return
        assert_sc_error "config of an interactive service to nobody: INVALID_PARAMETER" \
                INVALID_PARAMETER 87 config con --account nobody
        start_helper con || return
        assert_eq "its stdout is scmd's --console" "$D/console" "$(report_get con stdout)"
        assert_eq "...its stdin too" "$D/console" "$(report_get con stdin)"
        wait_until 5 "hello reached the console" grep -q "stdout: hello" "$D/console" &&
                tap_ok "what it prints appears on the console"
        assert_sc_ok "stop con" stop con --wait
        assert_sc_ok "config con --interactive=no --account nobody (both at once)" \
                config con --interactive=no --account nobody
}

# ---- scmd not root ------------------------------------------------------------------

test_scmd_not_root() {
        needs_root "scmd run by an ordinary user" || return
        command -v setpriv >/dev/null || {
                tap_skip "scmd run by an ordinary user" "no setpriv"
                return
        }
        open_test_folder
        chown nobody "$D"
        mkdir -p "$D/home"
        chown nobody "$D/home" "$D/reports"
        local real=$SCMD
        printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all env HOME=%q %q "$@"\n' \
                "$D/home" "$real" >"$D/scmd-nobody"
        chmod +x "$D/scmd-nobody"
        SCMD=$D/scmd-nobody daemon_start || return
        assert_eq "scmd runs as nobody" 65534 "$(stat -c %u "/proc/$SCMD_PID")"
        create_helper asroot -- --account root || return
        assert_sc_error "a service as another account: SERVICE_LOGON_FAILED" SERVICE_LOGON_FAILED 1069 \
                start asroot
        create_helper sid || return
        assert_sc_ok "sidtype sid unrestricted" sidtype sid unrestricted
        assert_sc_error "a service identity needs root: SERVICE_LOGON_FAILED" SERVICE_LOGON_FAILED 1069 \
                start sid
        create_helper priv || return
        assert_sc_ok "privs priv CAP_NET_BIND_SERVICE" privs priv CAP_NET_BIND_SERVICE
        assert_sc_error "LocalSystem is nobody here, and not granted it: PRIVILEGE_NOT_HELD" \
                PRIVILEGE_NOT_HELD 1314 start priv
        create_helper lsvc -- --account LocalService || return
        assert_sc_error "LocalService: SERVICE_LOGON_FAILED (its user cannot be made, or used)" \
                SERVICE_LOGON_FAILED 1069 start lsvc
}

run_test test_account_nobody
run_test test_account_user_groups
run_test test_account_errors
run_test test_local_service
cleanup_accounts
run_test test_privileges_nobody
run_test test_privileges_root
run_test test_identity_unrestricted
run_test test_gid_range
run_test test_identity_restricted
run_test test_restricted_errors
run_test test_without_landlock
run_test test_interactive
run_test test_scmd_not_root
cleanup_accounts
finish
