#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Makes sure the Debian packages needed to build scm and run its tests are
# installed.  As root, installs what is missing; otherwise prints the exact
# command to run and exits 1.  The tests need nothing beyond these and the
# base system (bash, coreutils, grep, util-linux for unshare): no python
# (but the Ansible module's and the schema check's), procps or socat —
# they read /proc directly.

set -eu

packages=(
        gcc
        libc6-dev
        make
        meson
        ninja-build
        pkg-config
        libsqlite3-dev
        libjansson-dev
        libcmocka-dev
        libsodium-dev # the machine secret store: sealing at rest (XChaCha20-Poly1305)
        libseccomp-dev # a service's system-call filter (exec/syscall_filter.c)
        util-linux   # unshare, for the PID-namespace test
        passwd       # useradd: scmd makes LocalService's and NetworkService's users
        clang-format # the house style, checked by tests/style/test_format.sh
        clang # the fuzz targets (tests/integration/test_fuzz.sh, make fuzz)
        libclang-rt-14-dev # clang's libFuzzer
        openssh-server # tests/integration/test_remote.sh: a real sshd on loopback (its own config and port)
        openssh-client
        sqlite3      # PRAGMA integrity_check after the kill -9 workload (test_faults.sh)
        libpam0g-dev # a logon session for a service (pam_name): libpam
        libpam-modules # pam_env, pam_exec, pam_loginuid, pam_limits (tests/integration/test_process_folders.sh)
        ansible-core # test_ansible.sh: contrib/ansible's module run by the real ansible-playbook
        python3-jsonschema # test_apply.sh: documents checked against docs/config-as-code.schema.json
        zsh          # test_completion.sh: the zsh completion (packaging/zsh-completion/_scctl)
        dbus-daemon  # test_activation.sh: a Debian daemon started by its socket (sd_listen_fds())
        dbus-bin     # dbus-send, its client
)

missing=()
for p in "${packages[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
        exit 0
fi

echo "ensure-deps: missing packages: ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
        echo "ensure-deps: run this, then try again:" >&2
        echo "sudo apt-get install -y --no-install-recommends ${missing[*]}"
        exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
