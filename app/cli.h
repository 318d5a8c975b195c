// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QString>
#include <QStringList>

namespace poollab {

// What the command line asks for.
struct CommandLine
{
    enum class Action { Window, Headless, Help, Version, Error };
    Action action = Action::Window;
    Scenario scenario;
    QString summaryJsonPath; // "-" = stdout
    bool quiet = false;
    bool startImmediately = false; // window: --start
    QString error;                 // Action::Error: names the flag and its allowed range
    QString helpText;
    // Headless metrics endpoint (docs/METRICS.md): port 0 means none; it keeps serving
    // for metricsLinger after the run ends.
    int metricsPort = 0;
    QString metricsAddress = QStringLiteral("127.0.0.1");
    Nanos metricsLinger = 0;
};

// Parses argv (including the program name). Never exits; errors come back in the result.
CommandLine parseCommandLine(const QStringList& arguments);

} // namespace poollab
