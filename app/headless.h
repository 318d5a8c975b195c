// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli.h"

namespace poollab {

// Runs the command line's scenario without a window, on the engine its time mode
// names. Returns the process exit code: 0 done, 1 a failure while running (e.g. a
// file could not be written), 2 a scenario the engine refuses.
int runHeadless(const CommandLine& commandLine);

} // namespace poollab
