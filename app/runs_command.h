// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli.h"
#include "io/run_store.h"

#include <QByteArray>
#include <QString>

#include <span>

namespace poollab {

// `poollab runs list|show|export|compare|delete` (docs/CLI.md, "Run history"): exit
// 0 done, 1 a database that cannot be used, 2 an unknown run id.
int runRunsCommand(const CommandLine& commandLine);

// The texts the verbs print, for tests and for other front ends.
QString runsListText(std::span<const StoredRunInfo> runs);
QByteArray runsListJson(std::span<const StoredRunInfo> runs);
QString runShowText(const StoredRun& run);
QByteArray runShowJson(const StoredRun& run);

} // namespace poollab
