#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# PoolLab quick start for a fresh Debian 12 machine (run as root, or with sudo available).
#   scripts/quickstart.sh run    install what is missing, build, run the app
#                                (the window on a display, a headless demo without one)
#   scripts/quickstart.sh test   install what is missing, build, run every test
#   scripts/quickstart.sh deps [PKG...]   only install what is missing (and PKG...)
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(build-essential cmake ninja-build pkg-config
          qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev qt6-svg-dev libgl-dev
          libqt6sql6-sqlite
          libbenchmark-dev libconcurrentqueue-dev)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "quickstart: installing ${missing[*]}" >&2
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

build() {
    cmake --preset dev >/dev/null
    cmake --build --preset dev -j "$(nproc)"
}

case "${1:-}" in
deps)
    shift
    install_missing "$@"
    ;;
run)
    install_missing
    build
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
        exec build/dev/app/poollab
    fi
    echo "quickstart: no display, so a headless demo: the signup burst scaled down (2,000 jobs of 50 ms on 100 workers)" >&2
    exec build/dev/app/poollab --headless --workers 100 --queue-capacity 1000 --jobs 2000 --latency 50ms
    ;;
test)
    install_missing
    build
    ctest --preset dev -j "$(nproc)"
    ;;
*)
    echo "usage: $0 run|test|deps" >&2
    exit 2
    ;;
esac
