// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"
#include "core/scenario.h"
#include "io/hgrm_writer.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <vector>

namespace poollab {

// What the command line asks for.
struct CommandLine
{
    enum class Action {
        Window,       // open the window (the default)
        Headless,     // run the scenario without a window and report
        Help,         // print helpText
        Version,      // print the version
        ListPresets,  // print the built-in presets
        SaveScenario, // --save-scenario without --headless: write the file, run nothing
        Runs,         // poollab runs VERB ...: the run history (runsVerb, runIds, ...)
        Lesson,       // poollab lesson VERB ...: lessons (lessonVerb, lessonTarget, ...)
        Error,        // print error; exit code 2
    };
    Action action = Action::Window;
    // The effective scenario: the defaults, or the preset or scenario file, with every
    // scenario flag applied over it.
    Scenario scenario;
    QString preset;           // --preset NAME (already loaded into scenario)
    QString scenarioPath;     // --scenario FILE (already loaded into scenario)
    QString saveScenarioPath; // --save-scenario FILE: where to write the effective scenario
    QString csvPath;          // --csv FILE: the time series (docs/CSV.md)
    QString summaryCsvPath;   // --summary-csv FILE
    QString summaryJsonPath;  // "-" = stdout
    // --trace FILE: the Chrome/Perfetto trace of the first traceLimit jobs (io/trace_writer.h).
    static constexpr std::uint64_t kDefaultTraceLimit = 100'000;
    static constexpr std::uint64_t kMaxTraceLimit = 10'000'000;
    QString tracePath;
    std::uint64_t traceLimit = kDefaultTraceLimit;
    // --hdr FILE: the final histogram of hdrKind as HdrHistogram's .hgrm text.
    QString hdrPath;
    HdrKind hdrKind = HdrKind::Total;
    bool quiet = false;
    bool startImmediately = false; // window: --start
    // Window: --grab FILE.png saves a screenshot of the window when the run ends (or at
    // --grab-at of run time; without --start once it is shown) and exits.
    QString grabPath;
    Nanos grabAtNs = -1;   // -1: when the run ends
    double pace = -1;      // window, virtual time: --pace (0 = max); -1 = not given
    QString theme;         // window: --theme light|dark; empty = as remembered
    int chartWindowS = -1; // window: --chart-window in seconds (0 = the whole run); -1 = as remembered
    QString tab;           // window: --tab charts|timeline|percentiles|runs; empty = the charts
    QString error;         // Action::Error: names the flag and what is allowed
    QString helpText;
    // Headless metrics endpoint (docs/METRICS.md): port 0 means none; it keeps serving
    // for metricsLinger after the run ends.
    int metricsPort = 0;
    QString metricsAddress = QStringLiteral("127.0.0.1");
    Nanos metricsLinger = 0;
    // Run history (docs/CLI.md, "Run history"): --record stores a headless run in the
    // runs database, --run-name names it; --runs-db chooses the database (empty: the
    // default, RunStore::defaultPath()) for the window, --record and every runs verb.
    bool record = false;
    QString runName;
    QString runsDbPath;
    // Action::Runs: "list", "show", "export", "compare", "delete", or "help" for
    // `poollab runs --help`; the ids it names, in order.
    QString runsVerb;
    std::vector<std::int64_t> runIds;
    bool runsJson = false; // --json
    // Experiments (issue #15; docs/CLI.md, "Experiments"): the scenario run `replications`
    // times in virtual time, at each value of `sweep` if given, judged by `target`.
    // replications 0: a single run (--warmup may still trim it).
    int replications = 0;
    Nanos warmup = 0;
    std::optional<Sweep> sweep;
    std::optional<Target> target;
    QString targetText; // as typed, for messages
    QString sweepCsvPath;
    bool isExperiment() const { return replications > 0; }
    // Action::Lesson (docs/LESSONS.md): "list", "show", "check", or "help" for `poollab
    // lesson --help`; the lesson's name or file; --lessons-dir; check's --answers file.
    // --json sets runsJson.
    QString lessonVerb;
    QString lessonTarget;
    QString lessonsDir;
    QString answersPath;
};

// Replications per point when --sweep comes without --replications.
inline constexpr int kDefaultSweepReplications = 10;

// Parses argv (including the program name), loads the preset or scenario file it
// names and checks the result. Never exits; errors come back in the result.
CommandLine parseCommandLine(const QStringList& arguments);

// The man page, poollab.1 (roff), built from the same option table as --help.
QString manPageText();

// `poollab runs --help`: the runs subcommands and their options.
QString runsHelpText();

// `poollab lesson --help`: the lesson subcommands and their options.
QString lessonHelpText();

// --list-presets: id, title and description of each built-in preset.
QString presetListText();

} // namespace poollab
