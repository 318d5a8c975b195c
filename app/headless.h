// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli.h"

namespace poollab {

// Runs the command line's scenario without a window. Returns the process exit code:
// 0 done, 1 a failure while running (e.g. a file could not be written).
int runHeadless(const CommandLine& commandLine);

} // namespace poollab
