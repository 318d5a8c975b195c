// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"
#include "app/csv_export.h"
#include "app/headless.h"
#include "app/metrics_server.h"
#include "app/presets.h"
#include "app/scenario_file.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QCoreApplication>
#include <QIcon>
#include <QTextStream>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

using namespace poollab;

namespace {

// --preset is being added to CommandLine in parallel; read it once it exists.
template <typename CL> QString presetOf(const CL& cl)
{
    if constexpr (requires { cl.preset; })
        return cl.preset;
    else if constexpr (requires { cl.presetName; })
        return cl.presetName;
    else
        return {};
}

// The window, with the app layer's file formats and presets plugged in.
int runWindow(const CommandLine& cl)
{
    WindowHooks hooks;
    hooks.makeEngine = makeEngineFor;
    hooks.presets = [] {
        QList<PresetEntry> entries;
        for (const PresetInfo& info : listPresets()) {
            PresetEntry e{info.id, info.title, info.description, {}};
            if (loadPreset(info.id, e.scenario, nullptr))
                entries << e;
        }
        return entries;
    };
    hooks.loadScenario = [](const QString& path, Scenario& out, QString& error) {
        return loadScenarioFile(path, out, &error);
    };
    hooks.saveScenario = [](const QString& path, const Scenario& s, QString& error) {
        return saveScenarioFile(path, s, &error);
    };
    hooks.exportCsv = [](const QString& path, std::span<const Sample> samples, double startUnixS,
                         QString& error) { return exportTimeSeriesCsv(path, samples, startUnixS, &error); };
    // One endpoint for the window's lifetime; the window stops it before it goes.
    auto metrics = std::make_shared<MetricsEndpoint>();
    hooks.serveMetrics = [metrics](quint16 port, std::function<void(Snapshot&)> snapshot, QString& error) {
        metrics->stop();
        if (port == 0)
            return true;
        return metrics->start(QHostAddress::LocalHost, port, std::move(snapshot), &error);
    };
    MainWindow window(hooks);
    window.restoreSettings();
    const QString preset = presetOf(cl);
    if (!preset.isEmpty() && !window.selectPreset(preset)) {
        QTextStream(stderr) << "poollab: unknown preset '" << preset << "'\n";
        return 2;
    }
    // Flags given on the command line win over the remembered scenario, and over the
    // preset: cl.scenario is the preset (or --scenario file) with the flags applied.
    // (Scenario has no operator==; its file form tells whether a flag changed it.)
    if (scenarioToJson(cl.scenario) != scenarioToJson(Scenario{}))
        window.setScenario(cl.scenario);
    window.show();
    if (cl.startImmediately)
        window.controller()->start();
    return QApplication::exec();
}

} // namespace

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const CommandLine cl = parseCommandLine(arguments);
    if (cl.action != CommandLine::Action::Window) {
        // Errors, --help, --version, --list-presets, --save-scenario alone, --headless.
        // A closed stdout (a pipe whose reader left) is a write error to report after
        // the files are written, not a SIGPIPE that kills the run first.
        std::signal(SIGPIPE, SIG_IGN);
        QCoreApplication app(argc, argv);
        int code = runWithoutWindow(cl);
        // What went through stdio (--help, --list-presets) is checked here; the run's
        // own stdout writes report their errors themselves.
        if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && code == kExitDone) {
            std::fprintf(stderr, "poollab: cannot write to stdout: %s\n", std::strerror(errno));
            code = kExitFailure;
        }
        return code;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PoolLab"));
    QApplication::setOrganizationName(QStringLiteral("PoolLab"));
    QApplication::setApplicationVersion(QStringLiteral(POOLLAB_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/poollab.svg")));
    QApplication::setDesktopFileName(QStringLiteral("poollab"));
    return runWindow(cl);
}
