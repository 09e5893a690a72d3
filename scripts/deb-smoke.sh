#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The Debian packages on this machine without touching it: in new mount and
# PID namespaces, an overlay of / (changes go to a temporary folder) with
# its own /run and /tmp becomes the root, entered so that its PID 1 is
# inside (invoke-rc.d then acts as on a host, not as in a chroot), and
# /sbin/runlevel says 2, as on a sysvinit host.  There: dpkg -i starts the
# system scmd through the init script; scctl with no options reaches it and
# runs a service; man 3 scm_query_status opens; a client of <scm/client.h>
# builds with pkg-config alone and lists the services; dpkg -r stops scmd
# and leaves no process.  The namespace's end kills whatever would be left.
# Needs root and the .debs of `make deb`:
#   scripts/deb-smoke.sh [DEB_DIR]          (default /tmp/scm-deb)
set -eu

DEBS=${1:-/tmp/scm-deb}
[ "$(id -u)" = 0 ] || { echo "deb-smoke: needs root (unshare, mount)" >&2; exit 2; }
ls "$DEBS"/scm_*.deb "$DEBS"/libscm0_*.deb "$DEBS"/libscm-dev_*.deb >/dev/null
W=$(mktemp -d /tmp/scm-deb-smoke.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W"/upper "$W"/work "$W"/merged "$W"/debs
cp "$DEBS"/scm_*.deb "$DEBS"/libscm0_*.deb "$DEBS"/libscm-dev_*.deb "$W"/debs/
cat >"$W"/debs/client.c <<'C'
#include <stdio.h>
#include <scm/client.h>

int main(void) {
        struct scm_client *c;
        struct scm_service_entry *v;
        size_t n;
        if (scm_connect(NULL, -1, &c) < 0 || scm_enumerate(c, NULL, &v, &n) < 0)
                return 1;
        for (size_t i = 0; i < n; i++)
                printf("%s %s\n", v[i].name, scm_state_name(v[i].status.state));
        scm_service_entries_free(v, n);
        scm_disconnect(c);
        return 0;
}
C
cat >"$W"/inside.sh <<'SH'
set -eu
W=$1
mount -t overlay overlay -o "lowerdir=/,upperdir=$W/upper,workdir=$W/work" "$W/merged"
mount -t proc proc "$W/merged/proc"
mount --rbind /dev "$W/merged/dev"
mount -t tmpfs tmpfs "$W/merged/run"
mount -t tmpfs tmpfs "$W/merged/tmp"
mkdir -p "$W/merged/debs"
mount --bind "$W/debs" "$W/merged/debs"
exec chroot "$W/merged" /bin/bash -c '
fail() { echo "not ok - $*"; exit 1; }
printf "#!/bin/sh\necho N 2\n" >/sbin/runlevel
chmod +x /sbin/runlevel
dpkg -i /debs/*.deb >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -i"; }
echo "ok - dpkg -i scm libscm0 libscm-dev"
pid=$(cat /run/scm/scmd.lock 2>/dev/null)
[ "$(cat /proc/$pid/comm 2>/dev/null)" = scmd ] || fail "the package started no scmd"
echo "ok - it started the system scmd (pid $pid, through /etc/init.d/scmd)"
scctl create smoke --exec "/bin/sleep 1000" >/dev/null || fail "scctl create with no options"
scctl start smoke --wait >/dev/null || fail "scctl start"
scctl query | grep -q "^smoke  *running" || fail "scctl query shows smoke running"
echo "ok - scctl with no options reaches it and runs a service"
MANPAGER=cat man 3 scm_query_status 2>/dev/null | grep -q scm_connect || fail "man 3 scm_query_status"
echo "ok - man 3 scm_query_status opens"
cc /debs/client.c $(pkg-config --cflags --libs scm) -o /tmp/client || fail "the client builds"
/tmp/client | grep -q "^smoke running$" || fail "the client lists smoke"
echo "ok - a client of <scm/client.h> builds with pkg-config scm alone and lists the services"
dpkg -r libscm-dev scm libscm0 >/tmp/dpkg.log 2>&1 || { cat /tmp/dpkg.log; fail "dpkg -r"; }
left=$(ps -eo pid=,comm= | grep -v " ps$\| bash$\| grep$" || true)
[ -z "$left" ] || fail "processes left after dpkg -r: $left"
echo "ok - dpkg -r stops scmd and its service: no process left"
'
SH
unshare --mount --pid --fork --propagation private bash "$W/inside.sh" "$W"
