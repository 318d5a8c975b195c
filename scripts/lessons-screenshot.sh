#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's picture of a lesson: the Lessons tab in the middle of the backpressure
# lesson, step 2 run and graded (through tst_lessons_panel readmeScreenshot, as a
# lesson has no flag to open it). Saves docs/screenshot-lessons.png. Needs a dev build
# (cmake --preset dev).
set -eu
cd "$(dirname "$0")/.."
build=build/dev
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A settings folder of its own: nothing remembered changes the picture.
XDG_CONFIG_HOME="$tmp" POOLLAB_SHOT_DIR=docs \
    xvfb-run -a -s '-screen 0 1600x1000x24' "$build/tests/tst_lessons_panel" readmeScreenshot
