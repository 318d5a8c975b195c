#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's pictures of the Timeline and Percentiles tabs, both of the
# coordinated-omission preset in virtual time: the timeline around its first stall with
# the job it delayed most selected (through tst_timeline_view readmeScreenshot, as
# selecting a job has no flag), and the percentile chart at the run's end (--tab
# percentiles --grab). Needs a dev build (cmake --preset dev).
set -eu
cd "$(dirname "$0")/.."
build=build/dev
POOLLAB_SHOT_DIR=docs xvfb-run -a -s '-screen 0 1600x1000x24' "$build/tests/tst_timeline_view" readmeScreenshot
xvfb-run -a -s '-screen 0 1600x1000x24' "$build/app/poollab" --preset coordinated-omission --time virtual \
    --pace max --start --tab percentiles --grab docs/screenshot-percentiles.png
"$build/app/poollab" --headless --preset coordinated-omission --time virtual --summary-json - |
    python3 -c 'import json, sys; l = json.load(sys.stdin)["latency_ms"]; print("p99 total", l["total"]["p99"], "ms, total uncorrected", l["total_uncorrected"]["p99"], "ms")'
