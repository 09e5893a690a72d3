#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Access lists, checked with real users: two system users this script makes
# (and removes at the end, also on failure) run scctl against root's scmd.
# For every right of a service and of the SCM, one user is granted it and
# the other is not; enumeration and events leave out what a user may not
# query; admins (--admin-group) cannot be locked out; and a user's own scmd
# (user mode) lets its user do everything.
#
# All of it needs root (useradd, setpriv); without root each test is
# reported as skipped.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Unique per run: other worktrees may run this script at the same time.
U1=scmacl-a-$$
U2=scmacl-b-$$
ADMINS=scmacl-g-$$
MADE_USERS=()
MADE_GROUPS=()
WATCH_PID=""

cleanup_accounts() {
        local u g
        for u in "${MADE_USERS[@]}"; do
                userdel "$u" >/dev/null 2>&1
        done
        for g in "${MADE_GROUPS[@]}"; do
                groupdel "$g" >/dev/null 2>&1
        done
        MADE_USERS=()
        MADE_GROUPS=()
}

stop_watch() {
        if [ -n "$WATCH_PID" ]; then
                kill -TERM "$WATCH_PID" 2>/dev/null
                wait "$WATCH_PID" 2>/dev/null
                WATCH_PID=""
        fi
}

trap 'stop_watch; teardown quiet; cleanup_accounts; unshare_build' EXIT

# Users and groups an earlier run left behind when it was killed (its pid is
# gone): only names of this script's own pattern.
remove_stale_accounts() {
        local name pid
        is_root || return 0
        while IFS=: read -r name _; do
                [[ $name =~ ^scmacl-[abg]-([0-9]+)$ ]] || continue
                pid=${BASH_REMATCH[1]}
                [ "$pid" != $$ ] && ! proc_alive "$pid" || continue
                userdel "$name" >/dev/null 2>&1
                groupdel "$name" >/dev/null 2>&1
        done < <(getent passwd; getent group)
}
remove_stale_accounts

SERVICE_RIGHTS=(query-config change-config query-status enumerate-dependents start stop
        pause-continue interrogate user-defined-control delete read-control write-dac read-log)
SCM_RIGHTS=(connect create-service enumerate lock query-lock-status modify-boot-config
        read-control write-dac)

# needs_users NAME: true as root once the two users exist; else NAME is
# reported as skipped (or failed, when root could not make them).
needs_users() {
        if ! is_root; then
                tap_skip "$1" "not root"
                return 1
        fi
        if ! command -v setpriv >/dev/null || ! command -v useradd >/dev/null; then
                tap_skip "$1" "no setpriv or useradd"
                return 1
        fi
        local u
        for u in "$U1" "$U2"; do
                id "$u" >/dev/null 2>&1 && continue
                if ! useradd --system --no-create-home --user-group -s /usr/sbin/nologin "$u"; then
                        tap_not_ok "useradd $u"
                        return 1
                fi
                MADE_USERS+=("$u")
        done
        # The users must reach the socket: through $D (0711) to run/ (0755).
        chmod 711 "$D"
        return 0
}

# as USER CMD...: runs CMD as USER with USER's groups.
as() {
        local u=$1
        shift
        setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups "$@"
}

# run_as USER ARGS...: run scctl ARGS as USER (OUT, ERR, RC).
run_as() {
        local u=$1
        shift
        run as "$u" "$SCCTL" --root "$D" --timeout 60 "$@"
}

# every_right_but RIGHT LIST...: LIST without RIGHT, joined by ','.
every_right_but() {
        local skip=$1 out="" r
        shift
        for r in "$@"; do
                [ "$r" = "$skip" ] || out+="${out:+,}$r"
        done
        printf '%s' "$out"
}

# assert_denied NAME RIGHT USER ARGS...: scctl ARGS as USER fails with
# ACCESS_DENIED naming RIGHT.
assert_denied() {
        local name=$1 right=$2 u=$3
        shift 3
        run_as "$u" "$@"
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"ACCESS_DENIED (5)"* ]] &&
                [[ "$ERR" == *"lacks the right '$right'"* ]]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "scctl $* as $u: expected ACCESS_DENIED naming '$right'"$'\n'"$(last_run)"
        fi
}

# assert_allowed NAME USER ARGS...: scctl ARGS as USER exits 0.
assert_allowed() {
        local name=$1 u=$2
        shift 2
        run_as "$u" "$@"
        if [ "$RC" -eq 0 ]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "scctl $* as $u: expected success"$'\n'"$(last_run)"
        fi
}

# assert_passes_check NAME USER ARGS...: the access check lets scctl ARGS
# through for USER; the SCM may still refuse it for another reason (a
# plain service does not accept pause).
assert_passes_check() {
        local name=$1 u=$2
        shift 2
        run_as "$u" "$@"
        if [ "$RC" -le 1 ] && [[ "$ERR" != *ACCESS_DENIED* ]]; then
                tap_ok "$name"
        else
                tap_not_ok "$name" "scctl $* as $u: expected no ACCESS_DENIED"$'\n'"$(last_run)"
        fi
}

# grant_service NAME RIGHT: U1 alone holds RIGHT on service NAME; everyone
# holds every other right, so only RIGHT can make the difference.
grant_service() {
        run_sc sdset "$1" "allow user:$U1 $2; allow everyone $(every_right_but "$2" "${SERVICE_RIGHTS[@]}")"
        [ "$RC" -eq 0 ] || tap_not_ok "sdset $1 for $2" "$(last_run)"
}

grant_scm() {
        run_sc sdset --scm "allow user:$U1 $1; allow everyone $(every_right_but "$1" "${SCM_RIGHTS[@]}")"
        [ "$RC" -eq 0 ] || tap_not_ok "sdset --scm for $1" "$(last_run)"
}

# lock_state: TRUE or FALSE, from root's querylock.
lock_state() {
        sc querylock 2>/dev/null | sed -n 's/^ *IsLocked *: //p'
}

lock_is() {
        [ "$(lock_state)" = "$1" ]
}

# ---- the issue's own case ----------------------------------------------------

test_stop_refused_then_granted() {
        needs_users "stop of a root service by an unprivileged user" || return
        daemon_start || return
        create_helper web || return
        start_helper web || return
        assert_denied "$U1 may not stop root's service: ACCESS_DENIED (missing: stop)" stop \
                "$U1" stop web
        assert_contains "the denial names the user, its uid and the service" "$ERR" \
                "user '$U1' (uid $(id -u "$U1")) lacks the right 'stop' on service 'web'"
        assert_contains "a hint names sdshow and sdset" "$ERR" "hint: 'scctl --root $D sdshow web' shows"
        assert_eq "web still runs" running "$(status_field web state)"
        assert_allowed "$U1 may query web before" "$U1" query web
        assert_contains "... and sees it running" "$OUT" RUNNING

        run_sc sdshow web
        local before=$OUT
        assert_sc_ok "sdset web grants $U1 stop" sdset web "$before; allow user:$U1 stop"
        assert_allowed "$U1 may stop web now" "$U1" stop web --wait
        wait_state web stopped
        assert_allowed "$U1 may query web after" "$U1" query web
        assert_contains "... and sees it stopped" "$OUT" STOPPED
        assert_denied "$U2 still may not start web" start "$U2" start web
}

# A custom event acts on a service only with the caller's right: a user who
# may not stop it is told "denied" and it runs on; granted, the same event
# stops it.
test_trigger_fire_needs_the_right() {
        needs_users "a trigger fired by an unprivileged user" || return
        daemon_start || return
        create_helper guarded || return
        assert_sc_ok "guarded stops on custom:acl.halt" triggers guarded --stop-on custom:acl.halt
        start_helper guarded || return
        run_as "$U1" --json trigger fire acl.halt
        assert_rc "$U1 may fire an event (connect)" 0
        assert_contains "...but for guarded, whose stop it lacks, it is denied" "$OUT" '"outcome":"denied"'
        assert_eq "guarded still runs" running "$(status_field guarded state)"
        run_sc sdshow guarded
        assert_sc_ok "sdset grants $U1 stop on guarded" sdset guarded "$OUT; allow user:$U1 stop"
        run_as "$U1" --json trigger fire acl.halt
        assert_contains "now the event stops it" "$OUT" '"outcome":"stopped"'
        wait_state guarded stopped
}

# --with-dependents stops the dependents too: the stop right is needed on
# each of them, not only on the service named.
test_stop_with_dependents_needs_each() {
        needs_users "stop --with-dependents checks stop on every dependent" || return
        daemon_start || return
        create_helper base || return
        create_helper app -- --depend base || return
        start_helper app || return
        assert_eq "starting app started base" running "$(status_field base state)"
        run_sc sdshow base
        assert_sc_ok "sdset base grants $U1 stop" sdset base "$OUT; allow user:$U1 stop"
        assert_denied "$U1 may not stop app through base --with-dependents" stop \
                "$U1" stop base --with-dependents --wait
        assert_contains "...the denial names app" "$ERR" "lacks the right 'stop' on service 'app'"
        assert_eq "app still runs" running "$(status_field app state)"
        assert_eq "base still runs" running "$(status_field base state)"
        run_sc sdshow app
        assert_sc_ok "sdset app grants $U1 stop" sdset app "$OUT; allow user:$U1 stop"
        assert_allowed "$U1 may stop base --with-dependents now" "$U1" stop base \
                --with-dependents --wait
        assert_eq "app stopped" stopped "$(status_field app state)"
        assert_eq "base stopped" stopped "$(status_field base state)"
}

# A user who may stop base but not see its running dependent learns that
# one runs, not its name: not in DEPENDENT_SERVICES_RUNNING, not in the
# denial of --with-dependents.
test_hidden_dependents_not_named() {
        needs_users "a refused stop does not name dependents the user may not query" || return
        daemon_start || return
        create_helper base || return
        create_helper hiddendep -- --depend base || return
        start_helper hiddendep || return
        run_sc sdshow base
        assert_sc_ok "sdset base grants $U1 stop" sdset base "$OUT; allow user:$U1 stop"
        assert_sc_ok "sdset hiddendep: admins only" sdset hiddendep ""
        run_as "$U1" stop base --wait
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"DEPENDENT_SERVICES_RUNNING (1051)"* ]]; then
                tap_ok "$U1's stop of base: DEPENDENT_SERVICES_RUNNING"
        else
                tap_not_ok "$U1's stop of base: DEPENDENT_SERVICES_RUNNING" "$(last_run)"
        fi
        assert_contains "...counting the dependent it may not see" "$ERR" "1 you may not query"
        assert_not_contains "...without naming it" "$ERR" hiddendep
        run_sc stop base --wait
        assert_contains "root's refusal names it" "$ERR" hiddendep
        run_as "$U1" stop base --with-dependents --wait
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"ACCESS_DENIED (5)"* ]]; then
                tap_ok "$U1's stop --with-dependents: ACCESS_DENIED"
        else
                tap_not_ok "$U1's stop --with-dependents: ACCESS_DENIED" "$(last_run)"
        fi
        assert_not_contains "...without naming the dependent" "$ERR" hiddendep
        assert_eq "hiddendep still runs" running "$(status_field hiddendep state)"
}

# A roll back at boot names the failed service in the boot status's reason:
# not to a user who may not query it.
test_rollback_reason_filtered() {
        needs_users "the reason of a roll back names only what a user may query" || return
        daemon_start || return
        create_helper critsecret -- --start auto --error-control critical || return
        assert_sc_ok "critsecret: only $U2 may query it" sdset critsecret \
                "allow user:$U2 query-status,query-config"
        daemon_stop 30 || return
        daemon_start || return
        wait_state critsecret running 10 || return
        wait_until 10 "the boot is accepted" boot_is accepted || return
        assert_sc_ok "break critsecret" config critsecret --exec /nonexistent/critsecret
        daemon_stop 30 || return
        daemon_start || return
        wait_until 10 "the boot rolled back and came up" boot_is accepted || return
        run_sc --json boot status
        assert_contains "root's reason names critsecret" "$OUT" \
                "rolled back at boot: service critsecret"
        run_as "$U1" --json boot status
        assert_contains "$U1's reason says a service failed" "$OUT" \
                "rolled back at boot: a service you may not query failed to start"
        assert_not_contains "... without naming it" "$OUT" critsecret
        run_as "$U2" --json boot status
        assert_contains "$U2's reason names it" "$OUT" "rolled back at boot: service critsecret"
}

# Start arguments of a plain service are appended to its command line: a
# user who may only start it cannot choose them.
test_start_args_need_change_config() {
        needs_users "start arguments of a plain service need change-config" || return
        daemon_start || return
        create_helper argsvc || return
        run_sc sdshow argsvc
        local base=$OUT
        assert_sc_ok "sdset argsvc grants $U1 start" sdset argsvc "$base; allow user:$U1 start,stop"
        run_as "$U1" start argsvc injected
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"ACCESS_DENIED (5)"* ]] &&
                [[ "$ERR" == *"needs the right 'change-config'"* ]]; then
                tap_ok "$U1 may not start argsvc with arguments"
        else
                tap_not_ok "$U1 may not start argsvc with arguments" "$(last_run)"
        fi
        assert_eq "...and argsvc did not start" stopped "$(status_field argsvc state)"
        assert_allowed "$U1 may start it without" "$U1" start argsvc
        wait_report argsvc ready=1 10 || return
        check "...and it got no argument of $U1's" report_lacks argsvc argv=injected
        assert_allowed "$U1 stops it" "$U1" stop argsvc --wait
        assert_sc_ok "sdset argsvc grants $U1 change-config too" sdset argsvc \
                "$base; allow user:$U1 start,stop,change-config"
        assert_allowed "with change-config $U1 may pass arguments" "$U1" start argsvc extra
        wait_until 10 "argsvc got the argument" report_has argsvc argv=extra
}

# ---- connections: no user takes every slot ----------------------------------------

queries_as() {
        as "$1" "$SCCTL" --root "$D" --timeout 10 query >/dev/null 2>&1
}

holds() {
        grep -q "^held $1\$" "$D/hold.out"
}

test_connections_per_user() {
        needs_users "a user who is not an admin holds at most 64 connections" || return
        daemon_start || return
        mkfifo "$D/hold.in"
        as "$U1" "$WIRE_ABUSE" "$D/run/scm.sock" hold 64 <"$D/hold.in" >"$D/hold.out" 2>&1 &
        local holder=$!
        exec 7>"$D/hold.in"
        if wait_until 60 "$U1 holds 64 connections" holds 64; then
                tap_ok "$U1 may hold 64 connections"
                run_as "$U1" query
                if [ "$RC" -ne 0 ] && [[ "$ERR" == *"already holds 64 connections"* ]]; then
                        tap_ok "...but not a 65th, and is told why"
                else
                        tap_not_ok "...but not a 65th, and is told why" "$(last_run)"
                fi
                assert_allowed "$U2 still connects" "$U2" query
                assert_sc_ok "root still connects" query
        else
                diag "$(cat "$D/hold.out")"
        fi
        exec 7>&-
        wait "$holder"
        # scmd may see the new connection before the 64 closes.
        wait_until 30 "$U1 connects again once it let go" queries_as "$U1" &&
                tap_ok "$U1 connects again once it let go"
}

# ---- every right of a service ---------------------------------------------------

test_service_rights() {
        needs_users "the rights of a service" || return
        daemon_start || return
        create_helper svc || return

        grant_service svc query-config
        assert_allowed "query-config granted: qc" "$U1" qc svc
        assert_denied "query-config not granted: qc" query-config "$U2" qc svc

        grant_service svc query-status
        assert_allowed "query-status granted: query" "$U1" query svc
        assert_denied "query-status not granted: query" query-status "$U2" query svc

        grant_service svc read-control
        assert_allowed "read-control granted: sdshow" "$U1" sdshow svc
        assert_denied "read-control not granted: sdshow" read-control "$U2" sdshow svc

        grant_service svc change-config
        assert_denied "change-config not granted: config" change-config "$U2" config svc \
                --description "by $U2"
        assert_allowed "change-config granted: config" "$U1" config svc --description "by $U1"
        run_sc --json qc svc
        assert_eq "the description is $U1's" "by $U1" "$(json_get "$OUT" description)"

        grant_service svc start
        assert_denied "start not granted: start" start "$U2" start svc
        assert_eq "svc did not start" stopped "$(status_field svc state)"
        assert_allowed "start granted: start" "$U1" start svc
        wait_report svc ready=1

        grant_service svc interrogate
        assert_allowed "interrogate granted: interrogate" "$U1" interrogate svc
        assert_denied "interrogate not granted: interrogate" interrogate "$U2" interrogate svc

        grant_service svc user-defined-control
        assert_passes_check "user-defined-control granted: control 200" "$U1" control svc 200
        assert_denied "user-defined-control not granted: control 200" user-defined-control \
                "$U2" control svc 200

        grant_service svc pause-continue
        assert_passes_check "pause-continue granted: pause" "$U1" pause svc
        assert_denied "pause-continue not granted: pause" pause-continue "$U2" pause svc
        assert_denied "pause-continue not granted: control paramchange" pause-continue "$U2" \
                control svc paramchange

        grant_service svc stop
        assert_denied "stop not granted: stop" stop "$U2" stop svc
        assert_eq "svc still runs" running "$(status_field svc state)"
        assert_allowed "stop granted: stop" "$U1" stop svc --wait
        wait_state svc stopped

        if "$SCCTL" --help | grep -q '^  enumdepend '; then
                grant_service svc enumerate-dependents
                assert_allowed "enumerate-dependents granted: enumdepend" "$U1" enumdepend svc
                assert_denied "enumerate-dependents not granted: enumdepend" enumerate-dependents \
                        "$U2" enumdepend svc
        else
                tap_skip "enumerate-dependents granted and not" "no method uses it in this build"
        fi

        grant_service svc write-dac
        assert_allowed "write-dac granted: sdset" "$U1" sdset svc \
                "allow user:$U1 write-dac,delete; allow everyone query-status"
        assert_denied "write-dac not granted: sdset" write-dac "$U2" sdset svc "allow everyone all"
        run_sc sdshow svc
        assert_eq "the list is the one $U1 set" \
                "allow user:$U1 delete,write-dac; allow everyone query-status" "$OUT"

        grant_service svc delete
        assert_denied "delete not granted: delete" delete "$U2" delete svc
        assert_allowed "delete granted: delete" "$U1" delete svc
        assert_sc_error "svc is gone" SERVICE_DOES_NOT_EXIST 1060 query svc
}

# ---- every right of the SCM ------------------------------------------------------

test_scm_rights() {
        needs_users "the rights of the SCM" || return
        daemon_start || return
        create_helper one || return

        grant_scm connect
        assert_allowed "connect granted: query" "$U1" query
        assert_denied "connect not granted: query" connect "$U2" query
        assert_denied "connect not granted: even a service's query" connect "$U2" query one

        grant_scm enumerate
        assert_allowed "enumerate granted: query" "$U1" query
        assert_denied "enumerate not granted: query" enumerate "$U2" query

        grant_scm create-service
        assert_denied "create-service not granted: create" create-service "$U2" create made2 \
                --exec /bin/true
        assert_allowed "create-service granted: create" "$U1" create made1 --exec /bin/true
        assert_sc_ok "made1 exists" query made1
        assert_sc_error "made2 does not" SERVICE_DOES_NOT_EXIST 1060 query made2

        grant_scm modify-boot-config
        assert_passes_check "modify-boot-config granted: boot accept" "$U1" boot accept
        assert_denied "modify-boot-config not granted: boot accept" modify-boot-config "$U2" \
                boot accept
        assert_denied "modify-boot-config not granted: lkg restore" modify-boot-config "$U2" \
                lkg restore
        if "$SCCTL" --help | grep -q '^  group-order '; then
                assert_allowed "modify-boot-config granted: group-order set" "$U1" group-order set a,b
                assert_denied "modify-boot-config not granted: group-order set" modify-boot-config \
                        "$U2" group-order set ""
                assert_allowed "the group order needs only connect to read" "$U2" group-order
                assert_contains "... and is the one $U1 set" "$OUT" "b"
        fi

        grant_scm read-control
        assert_allowed "read-control granted: sdshow --scm" "$U1" sdshow --scm
        assert_denied "read-control not granted: sdshow --scm" read-control "$U2" sdshow --scm

        grant_scm write-dac
        assert_denied "write-dac not granted: sdset --scm" write-dac "$U2" sdset --scm \
                "allow everyone all"
        assert_allowed "write-dac granted: sdset --scm" "$U1" sdset --scm \
                "allow everyone connect,enumerate"
        run_sc sdshow --scm
        assert_eq "the SCM's list is the one $U1 set" "allow everyone connect,enumerate" "$OUT"

        grant_scm lock
        assert_allowed "lock granted: lock (and unlock at the end of its input)" "$U1" lock </dev/null
        assert_denied "lock not granted: lock" lock "$U2" lock </dev/null
        grant_scm query-lock-status
        assert_allowed "query-lock-status granted: querylock" "$U1" querylock
        assert_denied "query-lock-status not granted: querylock" query-lock-status "$U2" querylock

        # The lock is real: held while its holder's input lasts, one holder at a time.
        mkfifo "$D/lock.in"
        as "$U1" "$SCCTL" --root "$D" --timeout 60 lock <"$D/lock.in" >"$D/lock.out" 2>&1 &
        local holder=$!
        exec 7>"$D/lock.in"
        wait_until 15 "the database is locked" lock_is TRUE
        run_sc querylock
        assert_contains "querylock names $U1 as the owner" "$OUT" "LockOwner     : $U1"
        assert_sc_error "a second lock: SERVICE_DATABASE_LOCKED" SERVICE_DATABASE_LOCKED 1055 lock \
                </dev/null
        echo >&7
        exec 7>&-
        wait "$holder"
        assert_eq "$U1's lock ended well" 0 "$?"
        assert_eq "... after unlocking" FALSE "$(lock_state)"
        # scctl itself is the background job here, so killing it closes its
        # connection while its input is still open.
        (exec setpriv --reuid="$(id -u "$U1")" --regid="$(id -g "$U1")" --init-groups \
                "$SCCTL" --root "$D" --timeout 60 lock <"$D/lock.in" >"$D/lock.out" 2>&1) &
        holder=$!
        exec 7>"$D/lock.in"
        wait_until 15 "the database is locked again" lock_is TRUE
        kill -KILL "$holder"
        wait "$holder" 2>/dev/null
        wait_until 15 "a lock goes with its holder's connection" lock_is FALSE &&
                tap_ok "a lock goes with its holder's connection"
        exec 7>&-

        # Admins only, whatever the list.
        assert_sc_ok "sdset --scm everything to everyone" sdset --scm "allow everyone all"
        run_as "$U1" privilege grant nobody CAP_NET_BIND_SERVICE
        if [ "$RC" -eq 1 ] && [[ "$ERR" == *"ACCESS_DENIED (5)"* ]] &&
                [[ "$ERR" == *"administrators only"* ]]; then
                tap_ok "the privilege policy is for admins only"
                assert_contains "... and the hint says so" "$ERR" "hint: run it as root"
        else
                tap_not_ok "the privilege policy is for admins only" "$(last_run)"
        fi
}

# ---- enumeration and events ---------------------------------------------------

test_enumeration_filtered() {
        needs_users "enumeration leaves out what a user may not query" || return
        daemon_start || return
        create_helper seen || return
        create_helper hidden || return
        create_helper mine || return
        assert_sc_ok "hidden: only $U2 may query it" sdset hidden "allow user:$U2 query-status"
        assert_sc_ok "mine: only $U1 may query it" sdset mine "allow user:$U1 query-status"

        run_as "$U1" --json query
        assert_contains "$U1 sees seen" "$OUT" '"name":"seen"'
        assert_contains "$U1 sees mine" "$OUT" '"name":"mine"'
        assert_not_contains "$U1 does not see hidden" "$OUT" '"name":"hidden"'
        run_as "$U2" --json query
        assert_contains "$U2 sees hidden" "$OUT" '"name":"hidden"'
        assert_not_contains "$U2 does not see mine" "$OUT" '"name":"mine"'
        run_sc --json query
        assert_contains "root sees hidden" "$OUT" '"name":"hidden"'
        assert_contains "root sees mine" "$OUT" '"name":"mine"'

        assert_denied "$U1 may not subscribe to hidden by name" query-status "$U1" watch hidden

        if "$SCCTL" --help | grep -q '^  enumdepend '; then
                assert_sc_ok "create dep-seen (depends on seen)" create dep-seen --exec /bin/true \
                        --depend seen
                assert_sc_ok "create dep-hidden (depends on seen)" create dep-hidden \
                        --exec /bin/true --depend seen
                assert_sc_ok "dep-hidden: only $U2 may query it" sdset dep-hidden \
                        "allow user:$U2 query-status"
                run_as "$U1" --json enumdepend seen
                assert_contains "$U1's enumdepend seen shows dep-seen" "$OUT" '"name":"dep-seen"'
                assert_not_contains "... and not dep-hidden" "$OUT" '"name":"dep-hidden"'
                run_sc --json enumdepend seen
                assert_contains "root's shows dep-hidden" "$OUT" '"name":"dep-hidden"'
                assert_sc_ok "delete dep-seen" delete dep-seen
                assert_sc_ok "delete dep-hidden" delete dep-hidden
        fi

        # A subscription to every service: hidden's events never reach U1.
        as "$U1" "$SCCTL" --root "$D" --timeout 60 watch --json >"$D/watch.out" 2>"$D/watch.err" &
        WATCH_PID=$!
        wait_until 15 "$U1's watch shows seen" grep -q '"name":"seen"' "$D/watch.out" || return
        start_helper hidden || return
        start_helper seen || return
        wait_until 15 "$U1's watch shows seen running" grep -q '"name":"seen".*"previous":"start-pending"\|"name":"seen".*"state":"running"' "$D/watch.out"
        assert_sc_ok "sdset hidden lets everyone query it" sdset hidden "allow everyone query-status"
        assert_sc_ok "stop hidden" stop hidden --wait
        wait_until 15 "$U1's watch shows hidden stopping, now it may" grep -q '"name":"hidden"' "$D/watch.out"
        stop_watch
        if grep '"name":"hidden"' "$D/watch.out" | grep -q '"state":"running"\|"state":"start-pending"'; then
                tap_not_ok "hidden's start never reached $U1" "$(cat "$D/watch.out")"
        else
                tap_ok "hidden's start never reached $U1"
        fi
        assert_sc_ok "stop seen" stop seen --wait
}

# boot_failed NAME: the boot status lists NAME among its failures (root).
boot_is() {
        [[ "$(sc --json boot status 2>/dev/null)" == *'"boot":"'"$1"'"'* ]]
}

boot_failed() {
        [[ "$(sc --json boot status 2>/dev/null)" == *'"name":"'"$1"'"'* ]]
}

test_boot_status_filtered() {
        needs_users "the boot status names only what a user may query" || return
        daemon_start || return
        assert_sc_ok "create fail-hidden (auto, no program)" create fail-hidden --start auto \
                --exec /nonexistent/scm-acl-test
        assert_sc_ok "create fail-seen (auto, no program)" create fail-seen --start auto \
                --exec /nonexistent/scm-acl-test
        assert_sc_ok "fail-hidden: only $U2 may query it" sdset fail-hidden "allow user:$U2 query-status"
        daemon_stop
        daemon_start || return
        wait_until 30 "the boot recorded fail-hidden's failure" boot_failed fail-hidden || return
        wait_until 30 "the boot recorded fail-seen's failure" boot_failed fail-seen || return
        run_as "$U1" --json boot status
        assert_contains "$U1's boot status names fail-seen" "$OUT" '"name":"fail-seen"'
        assert_not_contains "... and not fail-hidden" "$OUT" '"name":"fail-hidden"'
        run_as "$U2" --json boot status
        assert_contains "$U2's names fail-hidden" "$OUT" '"name":"fail-hidden"'
}

# ---- the text form and admins ----------------------------------------------------

test_text_form_and_admins() {
        needs_users "the text form; admins cannot be locked out" || return
        getent group "$ADMINS" >/dev/null || { groupadd --system "$ADMINS" && MADE_GROUPS+=("$ADMINS"); } || {
                tap_not_ok "groupadd $ADMINS"
                return
        }
        usermod -a -G "$ADMINS" "$U2" || tap_not_ok "usermod -G $ADMINS $U2"
        daemon_start --admin-group "$ADMINS" || return
        create_helper t || return

        assert_sc_ok "sdset with any spacing" sdset t "  allow   user:$U1 stop ,start;allow everyone query-status ;"
        run_sc sdshow t
        local canon=$OUT
        assert_eq "sdshow prints the canonical form" "allow user:$U1 start,stop; allow everyone query-status" "$canon"
        assert_sc_ok "sdset of what sdshow printed" sdset t "$canon"
        run_sc sdshow t
        assert_eq "sdshow -> sdset -> sdshow round-trips" "$canon" "$OUT"
        run_sc sdshow --scm
        canon=$OUT
        assert_sc_ok "sdset --scm of what sdshow --scm printed" sdset --scm "$canon"
        run_sc sdshow --scm
        assert_eq "the SCM's list round-trips" "$canon" "$OUT"

        assert_sc_error "an unknown right: INVALID_PARAMETER" INVALID_PARAMETER 87 sdset t "allow everyone stopp"
        assert_contains "... naming it" "$ERR" "'stopp'"
        assert_sc_error "an unknown principal: INVALID_PARAMETER" INVALID_PARAMETER 87 sdset t "allow bob stop"
        assert_contains "... naming it" "$ERR" "'bob'"
        assert_sc_error "an unknown user: INVALID_PARAMETER" INVALID_PARAMETER 87 sdset t "allow user:scm-nosuch-$$ stop"
        assert_sc_error "an SCM right on a service: INVALID_PARAMETER" INVALID_PARAMETER 87 sdset t "allow everyone connect"

        # The empty list: nobody but admins.
        assert_sc_ok "sdset t to the empty list" sdset t ""
        assert_denied "$U1 may not even query t" query-status "$U1" query t
        assert_allowed "$U2 (--admin-group) may start what no list grants" "$U2" start t
        assert_allowed "$U2 may set the list" "$U2" sdset t --default
        run_sc --json sdshow t
        assert_eq "t has the default list again" true "$(json_get "$OUT" default)"
        assert_sc_ok "root may lock everyone else out of the SCM" sdset --scm ""
        assert_denied "$U1 cannot connect" connect "$U1" query
        assert_allowed "$U2 still can" "$U2" query
        assert_sc_ok "and root" query
        assert_sc_ok "stop t" stop t --wait

        # A list survives a restart of scmd.
        assert_sc_ok "sdset t for the restart" sdset t "allow user:$U1 stop"
        daemon_stop
        daemon_start --admin-group "$ADMINS" || return
        run_sc sdshow t
        assert_eq "t's list after a restart" "allow user:$U1 stop" "$OUT"
        run_sc sdshow --scm
        assert_eq "the SCM's list after a restart" "" "$OUT"
}

# ---- the last known good configuration ------------------------------------------

test_last_known_good() {
        daemon_start --boot-accept manual || return
        create_helper k || return
        assert_sc_ok "sdset k before the boot is accepted" sdset k "allow uid:4242 stop"
        assert_sc_ok "sdset --scm" sdset --scm "allow everyone connect"
        assert_sc_ok "boot accept: the copy is saved" boot accept
        assert_sc_ok "sdset k after" sdset k "allow everyone query-status"
        assert_sc_ok "sdset --scm after" sdset --scm "allow everyone connect,enumerate"
        assert_sc_ok "lkg restore" lkg restore
        run_sc sdshow k
        assert_eq "a service's list is part of the copy" "allow uid:4242 stop" "$OUT"
        run_sc sdshow --scm
        assert_eq "the SCM's is not" "allow everyone connect,enumerate" "$OUT"
        assert_sc_ok "delete k" delete k
        create_helper k || return
        run_sc --json sdshow k
        assert_eq "a service made again under a deleted one's name has the default list" true \
                "$(json_get "$OUT" default)"
}

# ---- libscm ----------------------------------------------------------------------

test_libscm() {
        if [ -z "${ACL_CHECK:-}" ] || [ ! -x "$ACL_CHECK" ]; then
                tap_not_ok "acl_check is built" "ACL_CHECK=${ACL_CHECK:-unset}"
                return
        fi
        daemon_start || return
        create_helper lib || return
        relay_program "acl_check" 300 "$ACL_CHECK" "$D/run/scm.sock" lib
}

# ---- user mode: a user's own scmd -------------------------------------------------

test_user_mode() {
        needs_users "a user's own scmd lets its user do everything" || return
        chown "$U1" "$D" "$D/reports"
        local real=$SCMD uid
        uid=$(id -u "$U1")
        printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --init-groups --inh-caps=-all --bounding-set=-all env HOME=/nonexistent %q "$@"\n' \
                "$uid" "$(id -g "$U1")" "$real" >"$D/scmd-user"
        chmod +x "$D/scmd-user"
        SCMD=$D/scmd-user daemon_start || return
        assert_eq "scmd runs as $U1" "$uid" "$(stat -c %u "/proc/$SCMD_PID")"
        assert_eq "its socket is its user's alone" 600 "$(stat -c %a "$D/run/scm.sock")"
        run_as "$U1" create own --exec "$(helper_cmdline own)"
        assert_rc "$U1 creates a service in its own scmd" 0
        assert_allowed "$U1 starts it" "$U1" start own --wait
        assert_allowed "$U1 stops it" "$U1" stop own --wait
        assert_allowed "$U1 sets its list to nothing" "$U1" sdset own ""
        assert_allowed "$U1 still queries it" "$U1" query own
        assert_allowed "$U1 deletes it" "$U1" delete own
        run_as "$U2" query
        assert_rc "$U2 cannot reach $U1's scmd (unreachable)" 3
}

run_test test_stop_refused_then_granted
run_test test_stop_with_dependents_needs_each
run_test test_trigger_fire_needs_the_right
run_test test_hidden_dependents_not_named
run_test test_connections_per_user
run_test test_rollback_reason_filtered
run_test test_start_args_need_change_config
run_test test_service_rights
run_test test_scm_rights
run_test test_enumeration_filtered
run_test test_boot_status_filtered
run_test test_text_form_and_admins
run_test test_last_known_good
run_test test_libscm
run_test test_user_mode
cleanup_accounts
finish
