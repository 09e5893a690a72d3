#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# scripts/cgroup2-vm.sh BUILD_DIR [TEST_SCRIPT...]
#
# Runs integration test scripts (default: tests/integration/test_resources.sh)
# inside a small virtual machine whose cgroup hierarchy is cgroup v2 alone,
# with every controller: for a development machine whose own cgroups are
# hybrid (the controllers bound to cgroup v1), where the points of those
# tests that need the memory, cpu, pids or io controller are skipped.
#
# The machine is qemu with Debian's kernel (/boot/vmlinuz-*) and an
# initramfs made here of bash, busybox, the built binaries and the shared
# libraries they need; nothing of the host is mounted.  Its console is this
# script's output, the TAP of the tests included; the exit status is the
# tests'.  Needs: qemu-system-x86, linux-image-amd64, busybox-static, cpio
# (Debian packages).  Software emulation: slow, but enough for a few tests.
set -eu

BUILD=$(cd "${1:?usage: scripts/cgroup2-vm.sh BUILD_DIR [TEST_SCRIPT...]}" && pwd)
shift
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TESTS=("$@")
[ ${#TESTS[@]} -eq 0 ] && TESTS=("$SRC/tests/integration/test_resources.sh")
KERNEL=${KERNEL:-$(ls /boot/vmlinuz-* | sort -V | tail -n1)}
for need in qemu-system-x86_64 busybox cpio; do
        command -v "$need" >/dev/null || { echo "$0: $need is missing (apt-get install qemu-system-x86 busybox-static cpio)" >&2; exit 2; }
done
[ -r "$KERNEL" ] || { echo "$0: no kernel in /boot (apt-get install linux-image-amd64)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/cgroup2-vm.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
R=$WORK/root
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,scm,lib64,usr/bin}

# A program and every shared library it loads, at the same paths.
copy_with_libs() {
        local f lib
        for f in "$@"; do
                mkdir -p "$R$(dirname "$f")"
                cp -L "$f" "$R$f"
                for lib in $(ldd "$f" 2>/dev/null | grep -o '/[^ ]*'); do
                        [ -e "$R$lib" ] && continue
                        mkdir -p "$R$(dirname "$lib")"
                        cp -L "$lib" "$R$lib"
                done
        done
}

cp "$(command -v busybox)" "$R/bin/busybox"
for applet in $("$R/bin/busybox" --list); do
        [ -e "$R/bin/$applet" ] || ln -s busybox "$R/bin/$applet"
done
rm -f "$R/bin/bash"
copy_with_libs /bin/bash /usr/bin/taskset
command -v sqlite3 >/dev/null && copy_with_libs "$(command -v sqlite3)"
for b in scmd scctl tests/scm-test-helper tests/scm-test-native tests/resources_check; do
        copy_with_libs "$BUILD/$b"
done
# libscm from the build folder, by the path the binaries were linked with
for lib in $(ldd "$BUILD/scctl" | grep -o "$BUILD[^ ]*"); do copy_with_libs "$lib"; done
mkdir -p "$R$SRC/tests/integration"
cp "$SRC/tests/integration/lib.sh" "$R$SRC/tests/integration/"
for t in "${TESTS[@]}"; do cp "$t" "$R$SRC/tests/integration/"; done
cp /etc/passwd /etc/group "$R/etc/"
# The kernel opens /dev/console for /init before anything is mounted.
mknod -m 600 "$R/dev/console" c 5 1
mknod -m 666 "$R/dev/null" c 1 3

{
        echo '#!/bin/bash'
        echo 'exec >/dev/console 2>&1'
        echo 'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev'
        echo 'mount -t tmpfs tmp /tmp; mount -t tmpfs run /run; ln -s /proc/self/fd /dev/fd'
        echo 'mount -t cgroup2 cgroup2 /sys/fs/cgroup'
        echo "export SCMD=$BUILD/scmd SCCTL=$BUILD/scctl HELPER=$BUILD/tests/scm-test-helper NATIVE=$BUILD/tests/scm-test-native"
        echo "export RESOURCES_CHECK=$BUILD/tests/resources_check"
        echo 'export PATH=/usr/bin:/bin:/sbin WAIT_MIN_SECS=${WAIT_MIN_SECS:-120}'
        echo 'echo "# cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"'
        echo 'status=0'
        for t in "${TESTS[@]}"; do
                echo "bash $SRC/tests/integration/$(basename "$t") || status=1"
        done
        echo 'echo "VM-TESTS-EXIT=$status"'
        echo 'poweroff -f'
} >"$R/init"
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet) | gzip -1 >"$WORK/initrd.gz"

# Software emulation by default: a nested KVM was seen to hang at boot here
# (ACCEL=kvm to try it).
qemu-system-x86_64 -accel "${ACCEL:-tcg}" -m 1024 -smp 2 -nographic -no-reboot \
        -kernel "$KERNEL" -initrd "$WORK/initrd.gz" \
        -append "console=ttyS0 loglevel=4 panic=-1 rdinit=/init systemd.unified_cgroup_hierarchy=1" |
        tee "$WORK/console" | tr -d '\r'
grep -q "VM-TESTS-EXIT=0" "$WORK/console"
