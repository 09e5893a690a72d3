#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# sc.exe's own syntax: "key= value" pairs after create, config, failure,
# query and queryex become scctl's options; the configuration read back
# (qc, qfailure, query --json) shows each took.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

config_field() {
        local out
        out=$(sc --json qc "$1" 2>/dev/null) || return 1
        json_get "$out" "$2"
}

test_create_config() {
        daemon_start || return
        assert_sc_ok "sc create with key= value pairs" create web binPath= "/bin/sleep 100" \
                start= demand DisplayName= "Web Front End" error= severe group= net type= own
        assert_eq "binPath= is the command line" "/bin/sleep 100" "$(config_field web command_line)"
        assert_eq "start= demand" demand "$(config_field web start_type)"
        assert_eq "DisplayName=" "Web Front End" "$(config_field web display_name)"
        assert_eq "error= severe" severe "$(config_field web error_control)"
        assert_eq "group=" net "$(config_field web group)"
        assert_sc_ok "a second service, obj= LocalSystem" create db binPath= /bin/true obj= LocalSystem
        assert_eq "obj= LocalSystem is scmd's own user" "" "$(config_field db account)"
        sc create cache --exec /bin/true >/dev/null
        assert_sc_ok "sc config start= delayed-auto depend= db/cache" config web start= delayed-auto depend= db/cache
        assert_eq "start= delayed-auto" delayed-auto "$(config_field web start_type)"
        run_sc --json qc web
        assert_contains "depend= A/B: sc.exe's '/' between them" "$OUT" '"dependencies":["db","cache"]'
        assert_sc_ok "keys ignore case" config web START= auto
        assert_eq "START= auto" auto "$(config_field web start_type)"
        assert_sc_ok "obj= NT AUTHORITY\\LocalService" config db obj= 'NT AUTHORITY\LocalService'
        assert_eq "...is LocalService" LocalService "$(config_field db account)"
        run_sc config web start=
        assert_rc "a key without its value is a usage error" 2
        run_sc config web tag= yes
        assert_rc "a key scctl does not know is a usage error" 2
        assert_contains "...naming it" "$ERR" "'tag=' is not understood with config"
        run_sc config web type= filesys
        assert_rc "type= filesys has no meaning here" 2
}

test_description() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        run_sc description web "Serves the web site"
        assert_eq "description NAME TEXT" "[SC] ChangeServiceConfig2 SUCCESS" "$OUT"
        assert_eq "...is the description" "Serves the web site" "$(config_field web description)"
        run_sc qdescription web
        assert_eq "qdescription in sc.exe's layout" \
                "[SC] QueryServiceConfig2 SUCCESS"$'\n\n'"SERVICE_NAME: web"$'\n'"DESCRIPTION:  Serves the web site" "$OUT"
}

test_failure_query() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        assert_sc_ok "sc failure reset= actions= with an empty action" failure web reset= 86400 \
                actions= 'restart/5000/""/1000/reboot/0'
        run_sc --json qfailure web
        assert_contains "the reset period" "$OUT" '"reset_period":86400'
        assert_contains "...restart, none (sc's \"\"), reboot" "$OUT" \
                '"actions":[{"type":"restart","delay_ms":5000},{"type":"none","delay_ms":1000},{"type":"reboot","delay_ms":0}]'
        sc start web >/dev/null
        run_sc query type= service state= all
        assert_contains "query type= service state= all lists it" "$OUT" "web"
        run_sc query state= inactive bufsize= 4096
        assert_not_contains "state= inactive leaves out a running one (bufsize= is ignored)" "$OUT" "web "
        run_sc queryex type= service state= active
        assert_contains "queryex state= active" "$OUT" "web"
}

test_sddl() {
        daemon_start || return
        sc create web --exec "/bin/sleep 100" >/dev/null
        assert_sc_ok "sdset in SDDL, as sc.exe's (SY and BA skipped, S: ignored)" sdset web \
                'D:(A;;CCLCSWRPWPDTLOCRRC;;;SY)(A;;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;BA)(A;;CCLCSWLOCRRC;;;AU)(A;;RPWP;;;S-1-22-1-4242)S:(AU;FA;CCDCLCSWRPWPDTLOCRSDRCWDWO;;;WD)'
        run_sc sdshow web
        assert_eq "the access list it became" \
                "allow everyone query-config,query-status,enumerate-dependents,interrogate,user-defined-control,read-control; allow uid:4242 start,stop" "$OUT"
        run_sc sdshow web --sddl
        assert_eq "sdshow --sddl gives SDDL back" "D:(A;;CCLCSWLOCRRC;;;WD)(A;;RPWP;;;S-1-22-1-4242)" "$(tr -d '\n' <<<"$OUT")"
        assert_sc_ok "GA for a group" sdset web 'D:(A;;GA;;;S-1-22-2-4243)'
        run_sc sdshow web
        assert_eq "...every right of a service" "allow gid:4243 all" "$OUT"
        assert_sc_ok "the SCM's letters are its own rights" sdset --scm 'D:(A;;CCLCRPRC;;;WD)'
        run_sc sdshow --scm
        assert_eq "...connect, enumerate, query-lock-status, read-control" \
                "allow everyone connect,enumerate,query-lock-status,read-control" "$OUT"
        assert_sc_error "a deny entry is refused" INVALID_PARAMETER 87 sdset web 'D:(D;;RPWP;;;WD)'
        assert_contains "...saying why" "$ERR" "only allow entries (A)"
        assert_sc_error "an unknown trustee is refused" INVALID_PARAMETER 87 sdset web 'D:(A;;RPWP;;;S-1-5-32-545)'
        assert_sc_error "a service right on the SCM is refused" INVALID_PARAMETER 87 sdset --scm 'D:(A;;DT;;;WD)'
        run_sc sdshow web
        assert_eq "the refused ones changed nothing" "allow gid:4243 all" "$OUT"
}

run_test test_create_config
run_test test_failure_query
run_test test_sddl
run_test test_description
finish
