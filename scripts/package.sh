#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds a Release build and a Debian package of it with CPack. Installs what the build
# and the package checks need (as scripts/quickstart.sh does), checks what the package
# ships (desktop entry, AppStream metainfo, man page) and prints the .deb's path as its
# last line.   scripts/package.sh   then: apt install ./build/package/poollab_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

# file: CPack's Debian generator finds the ELF files for dpkg-shlibdeps with it.
scripts/quickstart.sh deps file desktop-file-utils appstream man-db

build=build/package
rm -rf "$build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
      -DPOOLLAB_BUILD_TESTS=OFF -DPOOLLAB_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" >&2
(cd "$build" && cpack -G DEB >&2)
deb=$(ls "$build"/poollab_*.deb)

# Check the files as they are in the package, not as they are in the tree.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
dpkg-deb -x "$deb" "$root"
for f in usr/bin/poollab usr/share/man/man1/poollab.1.gz usr/share/icons/hicolor/scalable/apps/poollab.svg; do
    [ -f "$root/$f" ] || { echo "package.sh: the package has no /$f" >&2; exit 1; }
done
desktop-file-validate "$root"/usr/share/applications/poollab.desktop >&2
appstreamcli validate --no-net --pedantic "$root"/usr/share/metainfo/*.metainfo.xml >&2
warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$root"/usr/share/man/man1/poollab.1.gz 2>&1 >/dev/null)
[ -z "$warnings" ] || { echo "package.sh: poollab.1: $warnings" >&2; exit 1; }
[ "$("$root"/usr/bin/poollab --version)" = "poollab $(sed -n 's/^Version: //p' < <(dpkg-deb -f "$deb"))" ] ||
    { echo "package.sh: --version does not match the package version" >&2; exit 1; }

dpkg-deb --field "$deb" Package Version Installed-Size Depends >&2
echo "$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
