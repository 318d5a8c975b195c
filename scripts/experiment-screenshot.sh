#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The README's picture of the Experiment window, its second sizing question asked there:
# signups at 90 a second (Poisson), 500 ms each on average, workers 46 to 52, 10
# replications of 500,000 signups with a 60 s warm-up, the smallest pool whose p99 wait
# stays under 1 s. Drives the window through tst_experiment_view and saves
# docs/screenshot-experiment.png (POOLLAB_SHOT_THEME=dark: the dark theme's, beside it).
# Takes about half a minute (35 million simulated signups).
# Needs a dev build (cmake --preset dev) and xvfb-run.
set -eu
cd "$(dirname "$0")/.."
POOLLAB_SHOT_DIR=docs xvfb-run -a -s '-screen 0 1400x900x24' \
    build/dev/tests/tst_experiment_view readmeScreenshot
