// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli.h"

namespace poollab {

// Exit codes of the command line (docs/CLI.md).
inline constexpr int kExitDone = 0;
inline constexpr int kExitFailure = 1;       // a failure while running, e.g. a file that cannot be written
inline constexpr int kExitBadInput = 2;      // a flag, file or preset problem
inline constexpr int kExitInterrupted = 130; // Ctrl-C twice (128 + SIGINT): jobs were cancelled
// A second SIGTERM or SIGHUP cancels too: 128 + its number (143, 129).

// Runs the command line's scenario without a window, on the engine its time mode
// names: progress on a terminal's stderr, the summary on stdout, then the files
// asked for (--csv, --summary-csv, --summary-json, --save-scenario; "-" is stdout).
// The files are written before stdout. A first stop signal (SIGINT, SIGTERM,
// SIGHUP) drains, a second cancels; the summary and files are still written. Returns
// the exit code.
int runHeadless(const CommandLine& commandLine);

// Everything but the window: errors, --help, --version, --list-presets,
// --save-scenario alone, and headless runs. Returns the exit code, or -1 for
// Action::Window.
int runWithoutWindow(const CommandLine& commandLine);

} // namespace poollab
