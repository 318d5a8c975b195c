#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs a PoolLab .deb into a freshly bootstrapped minimal Debian 12 chroot, as a user
# with nothing installed would (apt install ./poollab_*.deb), and runs the virtual-time
# signup burst there. Needs root and debootstrap; the bootstrapped system is cached as
# /tmp/fresh-root-minbase.tar (the same cache ../shared/tools/fresh-machine.sh uses).
#   scripts/try-package-fresh.sh build/package/poollab_0.1.0_amd64.deb
set -euo pipefail
deb=$(realpath "${1:?usage: $0 DEB}")
cache=/tmp/fresh-root-minbase.tar
if [ ! -f "$cache" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
    boot=$(mktemp -d /tmp/fresh-boot.XXXX)
    debootstrap --variant=minbase bookworm "$boot/root" "$mirror" >"$boot/log" 2>&1
    tar -C "$boot/root" -cf "$cache" . && rm -rf "$boot"
fi
root=$(mktemp -d /tmp/fresh-package.XXXX)
cleanup() { for m in dev/pts dev proc sys; do umount -l "$root/$m" 2>/dev/null || true; done; rm -rf "$root"; }
trap cleanup EXIT
tar -C "$root" -xf "$cache"
cp /etc/apt/sources.list.d/debian.sources "$root/etc/apt/sources.list.d/"
cp /etc/resolv.conf "$root/etc/"
for m in proc sys dev dev/pts; do mount --bind "/$m" "$root/$m"; done
cp "$deb" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash -c "$1"; }
in_root "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./tmp/$(basename "$deb") >/tmp/apt.log 2>&1 || { tail -20 /tmp/apt.log; exit 1; }"
echo "installed: $(in_root "dpkg-query -W -f='\${Package} \${Version}' poollab"); $(in_root 'dpkg-query -W -f="\${Package}\n" | wc -l') packages in the chroot" >&2
in_root "poollab --version"
summary=$(in_root "poollab --headless --preset signup-burst --time virtual --summary-json -")
echo "$summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
ok, el = s["succeeded"], s["elapsed_s"]
print(f"signup-burst in virtual time: {ok} succeeded, elapsed {el} s")
sys.exit(0 if ok == 10000 and abs(el - 250) < 0.5 else 1)'
