#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Debian's own daemons, installed from Debian, their unit files imported
# unchanged and run by scmd, seen from outside:
#   - nginx as Debian runs it (forking, `daemon on`, its PID file, the
#     pre-start check): it answers on port 80, its workers run as www-data,
#     a reload replaces the workers and keeps the master, a stop leaves
#     nothing behind;
#   - memcached (its wrapper, Restart=always): it answers on 11211 as the
#     memcache account, comes back after kill -9 with a new pid, and a stop
#     leaves nothing;
#   - redis (notify, RuntimeDirectory=, UMask=007, LimitNOFILE=65535, as
#     the redis account): its limits, umask and account seen in /proc;
#   - sshd (notify, its pre-start check, RuntimeDirectory=, reload by HUP,
#     Restart=on-failure), its port moved by a drop-in: its banner, back
#     after kill -9, nothing left after stop.
# The packages are installed with their init scripts kept from starting
# them (policy-rc.d); without root or the archive the points are skipped
# with the reason.

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PACKAGES=(nginx memcached redis-server openssh-server)
INSTALL_SKIP=""

install_daemons() {
        if ! is_root; then
                INSTALL_SKIP="not root: the daemons must be installed from Debian"
                return 1
        fi
        local missing=() p
        for p in "${PACKAGES[@]}"; do
                dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
                        missing+=("$p")
        done
        [ ${#missing[@]} -eq 0 ] && return 0
        local policy=/usr/sbin/policy-rc.d had_policy=0
        [ -e "$policy" ] && had_policy=1
        [ "$had_policy" = 0 ] && printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
        DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${missing[@]}" \
                >"$D/apt.log" 2>&1
        local rc=$?
        [ "$had_policy" = 0 ] && rm -f "$policy"
        if [ "$rc" -ne 0 ]; then
                INSTALL_SKIP="apt-get install ${missing[*]} failed: $(tail -1 "$D/apt.log")"
                return 1
        fi
        # Nothing of theirs may run outside scmd.
        pkill -x nginx
        pkill -x memcached
        pkill -x redis-server
        return 0
}

# http_ok PORT: a GET / on 127.0.0.1:PORT is answered with 200.
http_ok() {
        local reply
        reply=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"'
                printf "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3; head -1 <&3' 2>/dev/null)
        [[ $reply == "HTTP/1."?" 200"* ]]
}

# memcached_pid: the pid memcached on 11211 reports of itself.
memcached_pid() {
        timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/11211
                printf "stats\r\nquit\r\n" >&3; cat <&3' 2>/dev/null |
                awk '$2 == "pid" {print $3+0; exit}'
}

memcached_up() {
        [ -n "$(memcached_pid)" ]
}

memcached_restarted() {
        local now
        now=$(memcached_pid)
        [ -n "$now" ] && [ "$now" != "$1" ]
}

uid_of() {
        awk '/^Uid:/ {print $2}' "/proc/$1/status" 2>/dev/null
}

workers_of() {
        pgrep -P "$1" -x nginx | sort | tr '\n' ' '
}

workers_changed() {
        local now
        now=$(workers_of "$1")
        [ -n "$now" ] && [ "$now" != "$2" ]
}

nothing_named() {
        ! pgrep -x "$1" >/dev/null
}

import_unit() {
        run_sc import "/lib/systemd/system/$1.service" "${@:2}"
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "import Debian's $1.service" "$(last_run)"
                return 1
        fi
        tap_ok "import Debian's $1.service unchanged"
}

test_nginx() {
        daemon_start || return
        import_unit nginx || return
        assert_sc_ok "nginx starts (forking, with its pre-start check)" start nginx --wait
        local master
        master=$(cat /run/nginx.pid 2>/dev/null)
        assert_eq "its pid is the master's, from /run/nginx.pid" "$(status_field nginx pid)" "$master"
        check "it answers on port 80" wait_until 10 "http on 80" http_ok 80
        local workers w www
        workers=$(workers_of "$master")
        www=$(id -u www-data)
        check "it has workers" test -n "$workers"
        for w in $workers; do
                assert_eq "worker $w runs as www-data" "$(uid_of "$w")" "$www"
        done
        assert_sc_ok "reload nginx" reload nginx
        check "the reload replaced the workers" wait_until 10 "new workers" workers_changed "$master" "$workers"
        assert_eq "...and kept the master" "$(status_field nginx pid)" "$master"
        check "...which still answers" http_ok 80
        assert_sc_ok "stop nginx" stop nginx --wait
        check "nothing of nginx is left" poll_until 10 nothing_named nginx
}

test_memcached() {
        daemon_start || return
        import_unit memcached || return
        assert_sc_ok "memcached starts" start memcached --wait
        check "it answers on 11211" wait_until 10 "memcached on 11211" memcached_up
        local pid
        pid=$(memcached_pid)
        assert_eq "the service's pid is the one answering" "$(status_field memcached pid)" "$pid"
        assert_eq "it runs as memcache" "$(uid_of "$pid")" "$(id -u memcache)"
        kill -9 "$pid"
        check "after kill -9 it comes back (Restart=always), with a new pid" \
                wait_until 20 "a new memcached" memcached_restarted "$pid"
        assert_sc_ok "stop memcached" stop memcached --wait
        check "nothing of memcached is left" poll_until 10 nothing_named memcached
}

redis_pong() {
        [[ $(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/6379; printf "PING\r\n" >&3; head -1 <&3' 2>/dev/null) == "+PONG"* ]]
}

redis_restarted() {
        local now
        now=$(status_field redis-server pid)
        [ "$(status_field redis-server state)" = running ] && [ -n "$now" ] && [ "$now" != 0 ] &&
                [ "$now" != "$1" ]
}

test_redis() {
        chmod 711 "$D" # redis, as its account, reaches the notify socket in $D/run
        daemon_start || return
        run_sc import --force /lib/systemd/system/redis-server.service
        if [ "$RC" -ne 0 ] && [[ $ERR == *"unknown parameter"* ]]; then
                tap_skip "redis under scmd" "this scmd does not know a setting its unit needs: ${ERR##*: }"
                return
        fi
        assert_rc "import Debian's redis-server.service (--force: its fences come later)" 0
        assert_sc_ok "redis starts (notify)" start redis-server --wait
        local pid
        pid=$(status_field redis-server pid)
        assert_eq "it runs as redis" "$(uid_of "$pid")" "$(id -u redis)"
        assert_contains "its umask is 007" "$(grep Umask "/proc/$pid/status")" "0007"
        # A machine that withholds CAP_SYS_RESOURCE from scmd (a container)
        # holds the limit at scmd's own hard one, and the log says so.
        local nofile=65535 hard
        hard=$(ulimit -Hn)
        if [ "$hard" != unlimited ] && [ "$hard" -lt 65535 ] &&
                [ $((0x$(grep CapBnd /proc/self/status | cut -f2) >> 24 & 1)) -eq 0 ]; then
                nofile=$hard
                check "...held at scmd's $hard here, said in its log" \
                        grep -q "limit NOFILE: 65535 asked, held at $hard" "$D/log/redis-server.log"
        fi
        assert_contains "its NOFILE limit is $nofile" "$(grep 'Max open files' "/proc/$pid/limits")" \
                "$nofile                $nofile"
        check "its runtime folder was made" test -d /run/redis
        check "it answers PING on 6379" wait_until 10 "redis on 6379" redis_pong
        kill -9 "$pid"
        check "after kill -9 it comes back (Restart=always)" \
                wait_until 20 "a new redis" redis_restarted "$pid"
        check "...and answers again" wait_until 10 "redis on 6379 again" redis_pong
        assert_sc_ok "stop redis" stop redis-server --wait
        check "nothing of redis is left" poll_until 10 nothing_named redis-server
        check "its runtime folder is gone" test ! -e /run/redis
}

# ssh_banner PORT: the first line sshd sends.
ssh_banner() {
        timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$1"'; head -1 <&3' 2>/dev/null
}

ssh_answers() {
        [[ $(ssh_banner "$1") == SSH-2.0-* ]]
}

sshd_on() {
        pgrep -f "/usr/sbin/sshd -D -p $1( |$)" | head -1
}

sshd_restarted() {
        local now
        now=$(sshd_on "$1")
        [ -n "$now" ] && [ "$now" != "$2" ]
}

test_ssh() {
        daemon_start || return
        local port
        port=$(free_port) || { tap_not_ok "a free port" "none found"; return; }
        mkdir -p "$D/units/ssh.service.d"
        printf '[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D -p %s $SSHD_OPTS\n' "$port" \
                >"$D/units/ssh.service.d/50-port.conf"
        run_sc import --unit-path "$D/units" --unit-path /lib/systemd/system ssh.service
        if [ "$RC" -ne 0 ]; then
                tap_not_ok "import Debian's ssh.service with a drop-in moving its port" "$(last_run)"
                return
        fi
        tap_ok "import Debian's ssh.service with a drop-in moving its port"
        assert_sc_ok "sshd starts (notify, its pre-start check, its runtime folder)" start ssh --wait
        check "it answers on port $port" wait_until 10 "sshd on $port" ssh_answers "$port"
        local pid
        pid=$(status_field ssh pid)
        assert_eq "the service's pid is the listening sshd" "$(sshd_on "$port")" "$pid"
        check "its runtime folder /run/sshd is there" test -d /run/sshd
        assert_sc_ok "reload (HUP)" reload ssh
        check "...it answers after the reload" wait_until 10 "sshd after reload" ssh_answers "$port"
        kill -9 "$pid"
        check "after kill -9 it comes back (Restart=on-failure)" \
                wait_until 20 "a new sshd" sshd_restarted "$port" "$pid"
        assert_sc_ok "stop ssh" stop ssh --wait
        check "nothing of it is left" poll_until 10 bash -c "! pgrep -f '/usr/sbin/sshd -D -p $port( |$)'"
}

D=$(mktemp -d /tmp/scm-it.XXXXXX)
if install_daemons; then
        rm -rf "$D"
        run_test test_nginx
        run_test test_memcached
        run_test test_redis
        run_test test_ssh
else
        rm -rf "$D"
        for t in nginx memcached redis ssh; do
                tap_skip "Debian's $t under scmd" "$INSTALL_SKIP"
        done
fi
finish
