#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's pictures of run history: records the signup burst with 20 and then 40
# workers (virtual time) into a fresh runs database, opens the window on it with both
# runs overlaid (the first pinned as the baseline) and saves two screenshots into
# docs/: the charts and the Runs tab. Needs a dev build (cmake --preset dev).
set -eu
cd "$(dirname "$0")/.."
build=build/dev
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for workers in 20 40; do
    "$build/app/poollab" --headless --preset signup-burst --time virtual --workers "$workers" \
        --record --run-name "signup burst, $workers workers" --runs-db "$tmp/runs.sqlite" --quiet >/dev/null
done
POOLLAB_SHOT_DB="$tmp/runs.sqlite" POOLLAB_SHOT_DIR=docs \
    xvfb-run -a -s '-screen 0 1600x1000x24' "$build/tests/tst_runs_panel" readmeScreenshots
"$build/app/poollab" runs compare 1 2 --runs-db "$tmp/runs.sqlite" | head -8
