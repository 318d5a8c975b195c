#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's picture of the Experiment window: signups at 90 a second with a mean
# service of 500 ms, workers 47 to 60, 10 replications each, the smallest pool whose
# mean wait stays under 100 ms. Drives the window through tst_experiment_view and saves
# docs/screenshot-experiment.png (POOLLAB_SHOT_THEME=dark: the dark theme's, beside it).
# Needs a dev build (cmake --preset dev) and xvfb-run.
set -eu
cd "$(dirname "$0")/.."
POOLLAB_SHOT_DIR=docs xvfb-run -a -s '-screen 0 1400x900x24' \
    build/dev/tests/tst_experiment_view readmeScreenshot
