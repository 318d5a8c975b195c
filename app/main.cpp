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
    const QHostAddress address(cl.metricsAddress); // 127.0.0.1 unless --metrics-address
    hooks.serveMetrics = [metrics, address](quint16 port, std::function<void(Snapshot&)> snapshot,
                                            QString& error) {
        metrics->stop();
        if (port == 0)
            return true;
        return metrics->start(address, port, std::move(snapshot), &error);
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
    // --metrics-port: what Run > Serve Prometheus metrics does, from the start.
    if (cl.metricsPort != 0 && !window.serveMetrics(static_cast<quint16>(cl.metricsPort))) {
        QTextStream(stderr) << "poollab: --metrics-port: " << window.lastError() << "\n";
        return 1;
    }
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
        QCoreApplication app(argc, argv);
        return runWithoutWindow(cl);
    }
    // Without a display Qt aborts (status 134) with a message about plugins; say what
    // to do instead. QT_QPA_PLATFORM (offscreen, vnc, ...) or -platform is a choice made.
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    const bool platformChosen =
        qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || arguments.contains(QStringLiteral("-platform"));
    if (!platformChosen && qEnvironmentVariableIsEmpty("DISPLAY") &&
        qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
        QTextStream(stderr) << "poollab: no display (DISPLAY/WAYLAND_DISPLAY unset); use --headless or "
                               "xvfb-run\n";
        return 1;
    }
#endif
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PoolLab"));
    QApplication::setOrganizationName(QStringLiteral("PoolLab"));
    QApplication::setApplicationVersion(QStringLiteral(POOLLAB_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/poollab.svg")));
    QApplication::setDesktopFileName(QStringLiteral("poollab"));
    return runWindow(cl);
}
