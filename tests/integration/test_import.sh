#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scctl import and export against a real scmd, and the mapping of Debian's
# own unit files.
#
# - Debian's units (nginx, redis-server, memcached, openssh-server), taken
#   from the archive as root with `apt-get download` and `dpkg-deb -x` (the
#   daemons are neither installed nor started): the requests of
#   `import --dry-run` name each field as docs/protocol.md does, with the
#   values the units say; a drop-in in an earlier --unit-path moves redis's
#   port.  Skipped, with the reason, when not root or the archive is out of
#   reach.
# - What scmd accepts today (command line, account, description,
#   dependencies, start type, failure actions, required privileges,
#   restrict_network): imported, then seen from outside (the helper's
#   report, a kill -9 answered by the restart Restart= asked for).
# - An import onto an existing service changes it to the unit (a field the
#   unit no longer sets goes back to its default); a refused directive
#   leaves nothing created unless --force.
# - Round trip: import(export(x)) gives query_config, query_security and
#   query_failure_actions back unchanged, also onto the existing service.
# - Issue 15's process settings (working directory, environment, umask,
#   limits): the daemon side lands on another branch; until then scmd
#   refuses working_directory as an unknown parameter and these points are
#   skipped, so the same test checks them once both are merged.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# unit NAME TEXT: writes $D/units/NAME.service.
unit() {
        mkdir -p "$D/units"
        printf '%s\n' "$2" >"$D/units/$1.service"
}

# ---- Debian's units ------------------------------------------------------------

DEBIAN_SKIP=""

fetch_debian_units() {
        if [ "$(id -u)" -ne 0 ]; then
                DEBIAN_SKIP="not root: apt-get download needs the archive's lists"
                return 1
        fi
        if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
                DEBIAN_SKIP="no apt-get or dpkg-deb here"
                return 1
        fi
        mkdir -p "$D/debs" "$D/debroot"
        if ! (cd "$D/debs" && timeout 120 apt-get download -q nginx-common redis-server memcached \
                openssh-server >"$D/apt.log" 2>&1); then
                DEBIAN_SKIP="the archive is out of reach: $(tail -1 "$D/apt.log")"
                return 1
        fi
        local deb
        for deb in "$D"/debs/*.deb; do
                dpkg-deb -x "$deb" "$D/debroot" || {
                        DEBIAN_SKIP="dpkg-deb -x $deb failed"
                        return 1
                }
        done
}

# dry NAME [OPTIONS...]: OUT gets the requests of import --dry-run of
# Debian's NAME.service, ERR the report.
dry() {
        local name=$1
        shift
        run "$SCCTL" import --dry-run "$@" --unit-path "$D/debroot/lib/systemd/system" \
                "$name.service"
}

test_debian_units() {
        if ! fetch_debian_units; then
                local t
                for t in nginx redis-server memcached ssh "a drop-in"; do
                        tap_skip "Debian's $t unit maps" "$DEBIAN_SKIP"
                done
                return
        fi
        local create

        dry nginx
        assert_rc "nginx.service imports without --force" 0
        create=$(head -1 <<<"$OUT")
        assert_contains "nginx: forking with its PID file, pre-start check, reload command" \
                "$create" '"kind":"forking","command_line":"/usr/sbin/nginx -g '"'daemon on; master_process on;'"'","exec_start_pre":["/usr/sbin/nginx -t -q -g '"'daemon on; master_process on;'"'"],"reload_command":"/usr/sbin/nginx -g '"'daemon on; master_process on;'"' -s reload","pid_file":"/run/nginx.pid","stop_timeout_ms":5000'
        assert_contains "nginx: auto start (WantedBy=multi-user.target)" "$create" '"start_type":"auto"'
        assert_contains "nginx: ExecStop= is reported as not mapped" "$ERR" "not-mapped  ExecStop="
        assert_contains "nginx: KillMode= is reported as not mapped" "$ERR" "not-mapped  KillMode=mixed"

        dry redis-server --force
        create=$(head -1 <<<"$OUT")
        assert_contains "redis: notify, umask 007, NOFILE 65535" "$create" \
                '"kind":"notify","command_line":"/usr/bin/redis-server /etc/redis/redis.conf --supervised systemd --daemonize no"'
        assert_contains "redis: umask 007 as a number" "$create" '"umask":7'
        assert_contains "redis: LimitNOFILE" "$create" '"limits":{"NOFILE":"65535"}'
        assert_contains "redis: RuntimeDirectory= and its mode 2755" "$create" \
                '"runtime_directory":["redis"],"runtime_directory_mode":1517'
        assert_contains "redis: ProtectSystem=strict + ReadWritePaths= -> restricted, writable paths" \
                "$create" '"writable_paths":["/var/lib/redis","/var/log/redis","/var/run/redis","/etc/redis"]'
        assert_contains "redis: sid type restricted" "$create" '"sid_type":"restricted"'
        assert_contains "redis: Restart=always -> restart actions" "$(sed -n 2p <<<"$OUT")" \
                '"method":"change_failure_actions","params":{"actions":[{"type":"restart","delay_ms":100}'
        if getent passwd redis >/dev/null; then
                assert_contains "redis: User=redis -> account" "$create" '"account":"redis"'
        else
                assert_contains "redis: User= of a missing account is refused" "$ERR" \
                        "refused     User=redis: the account 'redis' does not exist"
        fi
        assert_contains "redis: MemoryDenyWriteExecute= reported for the later issue" "$ERR" \
                "not-mapped  MemoryDenyWriteExecute=true: resource control and fences come with a later issue"

        dry memcached
        assert_rc "memcached.service imports without --force" 0
        create=$(head -1 <<<"$OUT")
        assert_contains "memcached: CapabilityBoundingSet= -> required_privileges" "$create" \
                '"required_privileges":["CAP_SETGID","CAP_SETUID","CAP_SYS_RESOURCE"]'
        assert_contains "memcached: PrivateTmp= mapped" "$ERR" "mapped      PrivateTmp=true -> private_tmp"
        assert_contains "memcached: private /tmp, /usr and /etc read-only, pseudo-devices only" "$create" \
                '"private_tmp":true'
        assert_contains "memcached: ProtectSystem=full -> protect_system full" "$create" '"protect_system":"full"'
        assert_contains "memcached: PrivateDevices=" "$create" '"private_devices":true'

        dry ssh
        assert_rc "ssh.service imports without --force" 0
        create=$(head -1 <<<"$OUT")
        assert_contains "ssh: \$SSHD_OPTS through /bin/sh, the env file optional, reload by SIGHUP" \
                "$create" '"kind":"notify","command_line":"/bin/sh -c '"'set -f; exec /usr/sbin/sshd -D \$SSHD_OPTS'"'","exec_start_pre":["/usr/sbin/sshd -t"],"reload_signal":"HUP","environment_files":["-/etc/default/ssh"],"runtime_directory":["sshd"]'
        assert_contains "ssh: the check before the reload is reported" "$ERR" \
                "not-mapped  ExecReload=/usr/sbin/sshd -t"

        mkdir -p "$D/etc/redis-server.service.d"
        printf '[Service]\nExecStart=\nExecStart=/usr/bin/redis-server /etc/redis/redis.conf --port 6390 --supervised systemd --daemonize no\n' \
                >"$D/etc/redis-server.service.d/50-port.conf"
        dry redis-server --force --unit-path "$D/etc"
        assert_contains "a drop-in in an earlier --unit-path moves redis's port" "$(head -1 <<<"$OUT")" \
                '"command_line":"/usr/bin/redis-server /etc/redis/redis.conf --port 6390 --supervised systemd --daemonize no"'
}

# ---- against scmd ----------------------------------------------------------------

test_import_core() {
        daemon_start || return
        local helper
        helper=$(helper_cmdline imp)
        unit dep "[Service]
ExecStart=/bin/sleep 1000"
        assert_sc_ok "create base (an scm service the unit is ordered after)" create base \
                --exec "/bin/sleep 1000"
        unit imp "[Unit]
Description=imported %n
Requires=dep.service
After=dep.service network.target base.service missing.service
[Service]
ExecStart=$helper
Restart=on-failure
RestartSec=200ms
AmbientCapabilities=CAP_NET_BIND_SERVICE
PrivateNetwork=no
[Install]
WantedBy=multi-user.target"
        run_sc import "$D/units/dep.service" "$D/units/imp.service"
        assert_rc "import of two units" 0
        assert_contains "the report says it created imp" "$OUT" "-> service imp: created"
        local qc
        qc=$(sc --json qc imp)
        assert_eq "command_line (quoted only where needed)" "$HELPER --report $(report_path imp)" \
                "$(json_get "$qc" command_line)"
        assert_eq "description (with %n)" "imported imp.service" "$(json_get "$qc" description)"
        assert_eq "start_type from WantedBy=multi-user.target" auto "$(json_get "$qc" start_type)"
        assert_contains "dependencies (Requires=, After= of an scm service, names without .service)" \
                "$qc" '"dependencies":["dep","base"]'
        assert_contains "After= of a unit scm does not have is reported, not mapped" "$OUT" \
                "not-mapped  After=missing.service: 'missing' is not an scm service"
        assert_contains "targets are not needed" "$OUT" "not-needed  After=network.target"
        assert_contains "required privileges" "$(sc --json qprivs imp)" \
                '"required_privileges":["CAP_NET_BIND_SERVICE"]'
        local qf
        qf=$(sc --json qfailure imp)
        assert_contains "Restart=on-failure, RestartSec=200ms -> five restarts, then none" "$qf" \
                '"actions":[{"type":"restart","delay_ms":200},{"type":"restart","delay_ms":200},{"type":"restart","delay_ms":200},{"type":"restart","delay_ms":200},{"type":"restart","delay_ms":200},{"type":"none","delay_ms":0}]'
        assert_eq "reset period (StartLimitIntervalSec= default 10 s)" 10 "$(json_get "$qf" reset_period)"

        sc privilege grant LocalSystem CAP_NET_BIND_SERVICE >/dev/null 2>&1
        start_helper imp || return
        local pid
        pid=$(report_get imp pid)
        kill -9 "$pid"
        wait_until 20 "imp came back after kill -9 (Restart=on-failure)" \
                eval '[ "$(grep -c "^pid=" "$(report_path imp)")" -ge 2 ]' || return
        tap_ok "imp restarted after kill -9, as Restart=on-failure says"
        assert_eq "dep was started first (Requires=)" running "$(status_field dep state)"
}

# $VAR and ${VAR} in an Exec line: through /bin/sh, filled in from the
# service's environment at start (SCM_SERVICE_NAME is scmd's own).
test_variables() {
        daemon_start || return
        unit shv "[Service]
ExecStart=$HELPER --report $(report_path shv) \$SCM_SERVICE_NAME \"\${SCM_SERVICE_NAME} x\" \$\$HOME '*'"
        run_sc import "$D/units/shv.service"
        assert_rc "import of an Exec line with variables" 0
        assert_contains "the report says it goes through /bin/sh" "$OUT" "through /bin/sh -c"
        start_helper shv || return
        check "\$VAR is the variable's value" report_has shv "argv=shv"
        check "\${VAR} inside a word is one word" report_has shv "argv=shv x"
        check "\$\$ is a literal dollar" report_has shv 'argv=$HOME'
        check "no glob expansion (set -f)" report_has shv 'argv=*'
        assert_eq "the shell exec'd the program: the main pid is the helper's" \
                "$(report_get shv pid)" "$(status_field shv pid)"
}

test_update_and_refuse() {
        daemon_start || return
        unit upd "[Unit]
Description=first
[Service]
ExecStart=/bin/sleep 1000
User=nobody
Restart=always
[Install]
WantedBy=multi-user.target"
        assert_sc_ok "import creates upd" import "$D/units/upd.service"
        unit upd "[Service]
ExecStart=/bin/sleep 2000"
        run_sc import "$D/units/upd.service"
        assert_contains "the second import changes it" "$OUT" "-> service upd: changed"
        local qc
        qc=$(sc --json qc upd)
        assert_eq "command line changed" "/bin/sleep 2000" "$(json_get "$qc" command_line)"
        assert_eq "description reset" "" "$(json_get "$qc" description)"
        assert_eq "account reset" "" "$(json_get "$qc" account)"
        assert_eq "start type back to demand" demand "$(json_get "$qc" start_type)"
        assert_contains "failure actions removed" "$(sc --json qfailure upd)" '"actions":[]'

        unit bus "[Service]
Type=dbus
BusName=org.example
ExecStart=/bin/sleep 1000"
        run_sc import "$D/units/bus.service"
        assert_rc "Type=dbus is refused" 1
        assert_contains "the refusal names the directive" "$OUT" "refused     Type=dbus"
        assert_contains "and says how to go on" "$ERR" "--force"
        run_sc query bus
        assert_contains "nothing was created" "$ERR" "SERVICE_DOES_NOT_EXIST"
        run_sc import --force "$D/units/bus.service"
        assert_rc "--force imports it without the directive" 0
        assert_eq "plain kind" plain "$(json_get "$(sc --json qc bus)" kind)"

        run_sc import --dry-run "$D/units/upd.service"
        assert_rc "--dry-run" 0
        assert_contains "--dry-run prints the request" "$OUT" \
                '{"method":"create","params":{"command_line":"/bin/sleep 2000","name":"upd"}}'
        run_sc import --json --dry-run --name other "$D/units/upd.service"
        assert_contains "--json prints the report as JSON" "$OUT" '"name":"other","result":"dry run, nothing sent"'
        unit dd "[Unit]
Description=from the unit
[Service]
ExecStart=/bin/sleep 1000"
        mkdir -p "$D/units/dd.service.d" "$D/more/dd.service.d"
        printf '[Unit]\nDescription=from the drop-in\n' >"$D/units/dd.service.d/10-text.conf"
        printf '[Service]\nExecStart=\nExecStart=/bin/sleep 2000\n' >"$D/more/dd.service.d/20-exec.conf"
        assert_sc_ok "import by name with drop-ins in two --unit-path folders" \
                import --unit-path "$D/units" --unit-path "$D/more" dd
        qc=$(sc --json qc dd)
        assert_eq "a drop-in's Description=" "from the drop-in" "$(json_get "$qc" description)"
        assert_eq "another folder's drop-in resets and sets ExecStart=" "/bin/sleep 2000" \
                "$(json_get "$qc" command_line)"
        unit "tpl@" "[Unit]
Description=instance %i of %p
[Service]
ExecStart=/bin/sleep 1000 --instance=%i"
        assert_sc_ok "import an instance of a template" import --unit-path "$D/units" tpl@one
        qc=$(sc --json qc tpl@one)
        assert_eq "the instance's %i and %p" "instance one of tpl" "$(json_get "$qc" description)"
        assert_eq "%i in ExecStart=" "/bin/sleep 1000 --instance=one" "$(json_get "$qc" command_line)"
        run_sc import "$D/units/nothere.service"
        assert_rc "a missing unit" 1
        assert_contains "a missing unit is named" "$ERR" "FILE_NOT_FOUND"
}

test_round_trip() {
        daemon_start || return
        assert_sc_ok "create rt" create rt --exec "/bin/sleep '1 000' \"x\"" --description "100% \"rt\"" \
                --depend "db,+Net" --start delayed-auto --account nobody --kind notify \
                --watchdog 5000 --display-name "Round Trip" --error-control severe --group G \
                --control-timeout 7000 --preshutdown-timeout 1000
        assert_sc_ok "privs" privs rt CAP_NET_BIND_SERVICE
        assert_sc_ok "failure" failure rt --reset 60 --actions restart/2000/run/1000 \
                --command "/bin/echo %1%" --reboot-message bye
        assert_sc_ok "sidtype" sidtype rt restricted
        assert_sc_ok "writable" config rt --writable /tmp,/var/tmp --restrict-network
        local before_c before_s before_f
        before_c=$(sc --json qc rt)
        before_s=$(sc --json qsidtype rt)
        before_f=$(sc --json qfailure rt)
        mkdir -p "$D/units"
        sc export rt >"$D/units/rt.service"
        assert_contains "export writes systemd's words" "$(cat "$D/units/rt.service")" "ExecStart=/bin/sleep"
        assert_contains "and X-Scm- keys for scm's own" "$(cat "$D/units/rt.service")" "X-Scm-StartType=delayed-auto"
        assert_sc_ok "delete rt" delete rt
        assert_sc_ok "import the export" import "$D/units/rt.service"
        assert_eq "query_config after the round trip" "$before_c" "$(sc --json qc rt)"
        assert_eq "query_security after the round trip" "$before_s" "$(sc --json qsidtype rt)"
        assert_eq "query_failure_actions after the round trip" "$before_f" "$(sc --json qfailure rt)"
        assert_sc_ok "import onto the existing service" import "$D/units/rt.service"
        assert_eq "query_config unchanged by a second import" "$before_c" "$(sc --json qc rt)"
        assert_eq "query_failure_actions unchanged" "$before_f" "$(sc --json qfailure rt)"
        sc export rt >"$D/units/rt2.service"
        check "export is stable" cmp -s "$D/units/rt.service" "$D/units/rt2.service"
}

# The fields of issue 15 that scmd learns on the other branch.
test_process_settings() {
        daemon_start || return
        unit probe "[Service]
ExecStart=/bin/true
WorkingDirectory=/"
        run_sc import "$D/units/probe.service"
        if [ "$RC" -ne 0 ] && [[ $ERR == *working_directory* ]]; then
                local t
                for t in "cwd" "environment" "environment file" "\$VAR from the file" \
                        "ExecStartPre=" "umask" "NOFILE limit" "round trip" "KillSignal="; do
                        tap_skip "process setting: $t" "the daemon does not know working_directory yet"
                done
                return
        fi
        mkdir -p "$D/wd"
        printf '# a comment\nFROMFILE=yes\n' >"$D/env"
        # ExecStartPre= only where scmd knows exec_start_pre.
        local pre="ExecStartPre=/bin/sh -c 'echo pre >$D/pre'"
        unit probe2 "[Service]
ExecStart=/bin/true
$pre"
        run_sc import --name probe2 "$D/units/probe2.service"
        [ "$RC" -ne 0 ] && [[ $ERR == *exec_start_pre* ]] && pre=""
        sc delete probe2 >/dev/null 2>&1
        unit proc "[Service]
$pre
ExecStart=$(helper_cmdline proc) \$FROMFILE
WorkingDirectory=$D/wd
Environment=FOO=bar \"SP=a b\"
EnvironmentFile=$D/env
EnvironmentFile=-$D/no-such-file
UMask=0027
LimitNOFILE=4096:8192
KillSignal=SIGINT"
        assert_sc_ok "import with process settings" import "$D/units/proc.service"
        start_helper proc || return
        assert_eq "cwd" "$D/wd" "$(report_get proc cwd)"
        check "environment FOO" report_has proc "env=FOO=bar"
        check "environment with a space" report_has proc "env=SP=a b"
        check "environment file" report_has proc "env=FROMFILE=yes"
        check "\$FROMFILE in ExecStart= from the environment file" report_has proc "argv=yes"
        if [ -n "$pre" ]; then
                check "ExecStartPre= ran before" test -s "$D/pre"
        else
                tap_skip "process setting: ExecStartPre=" "the daemon does not know exec_start_pre yet"
        fi
        local pid
        pid=$(report_get proc pid)
        assert_contains "umask" "$(grep Umask "/proc/$pid/status")" "0027"
        assert_contains "NOFILE limit" "$(grep 'Max open files' "/proc/$pid/limits")" "4096                 8192"
        local before
        before=$(sc --json qc proc)
        sc export proc >"$D/units/proc2.service"
        assert_sc_ok "re-import the export" import --name proc "$D/units/proc2.service"
        assert_eq "round trip of the process settings" "$before" "$(sc --json qc proc)"
        assert_sc_ok "stop proc" stop proc --wait
        check "KillSignal=SIGINT: the stop sent INT" report_has proc "signal=INT"
}

# Limits, fences and the system-call filter (the limits-and-fences issue):
# each directive's protocol field, from the dry run's request.
test_limits_and_fences() {
        unit fenced "[Service]
ExecStart=/bin/true
MemoryMax=512M
MemoryHigh=256M
MemorySwapMax=0
CPUWeight=300
CPUQuota=50%
TasksMax=64
IOWeight=200
PrivateTmp=yes
ProtectSystem=full
ProtectHome=read-only
PrivateDevices=yes
SystemCallFilter=~@mount @swap
SystemCallFilter=~reboot
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6
IPAddressDeny=any
IPAddressAllow=localhost
IPAddressAllow=10.0.0.0/8 192.168.1.0/24
SocketBindAllow=tcp:8080
SocketBindDeny=192.0.2.1
SocketBindDeny=
SocketBindDeny=any"
        run "$SCCTL" import --dry-run "$D/units/fenced.service"
        assert_rc "a unit with limits and fences imports without --force" 0
        local create
        create=$(head -1 <<<"$OUT")
        assert_contains "MemoryMax= -> memory_max in bytes" "$create" '"memory_max":536870912'
        assert_contains "MemoryHigh= -> memory_high" "$create" '"memory_high":268435456'
        assert_contains "MemorySwapMax=0 -> memory_swap_max 0" "$create" '"memory_swap_max":0'
        assert_contains "CPUWeight= -> cpu_weight" "$create" '"cpu_weight":300'
        assert_contains "CPUQuota=50% -> cpu_quota_percent" "$create" '"cpu_quota_percent":50'
        assert_contains "TasksMax= -> tasks_max" "$create" '"tasks_max":64'
        assert_contains "IOWeight= -> io_weight" "$create" '"io_weight":200'
        assert_contains "PrivateTmp= -> private_tmp" "$create" '"private_tmp":true'
        assert_contains "ProtectSystem=full -> protect_system" "$create" '"protect_system":"full"'
        assert_contains "ProtectHome=read-only -> protect_home" "$create" '"protect_home":"read-only"'
        assert_contains "PrivateDevices= -> private_devices" "$create" '"private_devices":true'
        assert_contains "SystemCallFilter=~ lines -> one deny list" "$create" \
                '"system_call_deny":["@mount","@swap","reboot"]'
        assert_contains "SystemCallErrorNumber= -> system_call_action" "$create" '"system_call_action":"EPERM"'
        assert_contains "RestrictAddressFamilies= -> address_families_allow" "$create" \
                '"address_families_allow":["AF_UNIX","AF_INET","AF_INET6"]'
        assert_contains "IPAddressDeny= -> ip_address_deny" "$create" '"ip_address_deny":["any"]'
        assert_contains "IPAddressAllow= lines add up -> ip_address_allow" "$create" \
                '"ip_address_allow":["localhost","10.0.0.0/8","192.168.1.0/24"]'
        assert_contains "SocketBindAllow= -> socket_bind_allow" "$create" '"socket_bind_allow":["tcp:8080"]'
        assert_contains "an empty SocketBindDeny= clears what came before" "$create" '"socket_bind_deny":["any"]'

        unit allowlist "[Service]
ExecStart=/bin/true
SystemCallFilter=@system-service
TasksMax=infinity"
        run "$SCCTL" import --dry-run "$D/units/allowlist.service"
        assert_contains "a systemd group scm lacks is reported, not guessed" "$ERR" \
                "not-mapped  SystemCallFilter=@system-service: scm has no group @system-service"
        assert_contains "TasksMax=infinity -> tasks_max infinity" "$(head -1 <<<"$OUT")" '"tasks_max":"infinity"'
        unit killer "[Service]
ExecStart=/bin/true
SystemCallFilter=~@debug"
        run "$SCCTL" import --dry-run "$D/units/killer.service"
        assert_contains "without SystemCallErrorNumber= a refused call kills, as systemd's" \
                "$(head -1 <<<"$OUT")" '"system_call_action":"kill"'
}

run_test test_debian_units
run_test test_limits_and_fences
run_test test_import_core
run_test test_variables
run_test test_update_and_refuse
run_test test_round_trip
run_test test_process_settings
finish
