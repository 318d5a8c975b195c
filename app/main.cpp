// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"
#include "app/headless.h"
#include "app/lesson_command.h"
#include "app/metrics_server.h"
#include "app/presets.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "io/run_store.h"
#include "io/scenario_file.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"

#include <QApplication>
#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QIcon>
#include <QScreen>
#include <QTextStream>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

using namespace poollab;

namespace {

// Saves a screenshot of the window and quits with 0, or 1 if it cannot be written.
void grabAndQuit(MainWindow& window, const QString& path)
{
    // Let the last tick's repaints and relayouts land before the picture is taken.
    QCoreApplication::processEvents();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    QString error;
    if (!window.grab().save(&buffer, "PNG") || !writeFileAtomically(path, png, &error)) {
        QTextStream(stderr) << "poollab: --grab: "
                            << (error.isEmpty() ? QStringLiteral("cannot encode the image") : error) << "\n";
        QCoreApplication::exit(1);
        return;
    }
    QCoreApplication::exit(0);
}

// --grab: when the run ends, at --grab-at of run time, or (without --start) once shown.
void armGrab(MainWindow& window, const CommandLine& cl)
{
    RunController* controller = window.controller();
    const QString path = cl.grabPath;
    auto done = std::make_shared<bool>(false);
    const auto grabOnce = [&window, path, done] {
        if (*done)
            return;
        *done = true;
        // Queued: out of the controller's signal, after every widget has had the tick.
        QTimer::singleShot(0, &window, [&window, path] { grabAndQuit(window, path); });
    };
    if (!cl.startImmediately) {
        QTimer::singleShot(0, &window, grabOnce);
        return;
    }
    QObject::connect(controller, &RunController::runFinished, &window, grabOnce);
    if (cl.grabAtNs >= 0) {
        const Nanos at = cl.grabAtNs;
        QObject::connect(controller, &RunController::ticked, &window, [controller, at, grabOnce] {
            if (controller->hasRun() && controller->snapshot().runNs >= at)
                grabOnce();
        });
    }
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
            e.setsTimeMode = presetSetsKey(info.id, QStringLiteral("time_mode"));
            if (loadPreset(info.id, e.scenario, nullptr))
                entries << e;
        }
        return entries;
    };
    hooks.lessons = [] {
        registerBuiltinLessons();
        QStringList problems; // the built-in lessons load: tst_lessons checks every one
        return loadLessons(QString(), &problems);
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
    const bool grabbing = !cl.grabPath.isEmpty();
    if (grabbing) {
        // The same picture on every machine: no remembered size, theme or scenario.
        window.resize(QSize(1280, 800).boundedTo(window.screen()->availableSize()));
        window.setTheme(Theme::Light);
    } else {
        window.restoreSettings();
    }
    if (!cl.theme.isEmpty())
        window.setTheme(cl.theme == QLatin1String("dark") ? Theme::Dark : Theme::Light);
    // Every finished run is kept; a screenshot's run only in a database named for it.
    if (!grabbing || !cl.runsDbPath.isEmpty())
        window.setRunsDatabase(cl.runsDbPath.isEmpty() ? RunStore::defaultPath() : cl.runsDbPath);
    const QString& preset = cl.preset;
    if (!preset.isEmpty() && !window.selectPreset(preset)) {
        QTextStream(stderr) << "poollab: unknown preset '" << preset << "'\n";
        return 2;
    }
    // Flags given on the command line win over the remembered scenario, and over the
    // preset: cl.scenario is the preset (or --scenario file) with the flags applied.
    if (cl.scenario != Scenario{}) {
        window.setScenario(cl.scenario);
        // --preset X --workers 40 is the preset changed, as an edit in the window is.
        Scenario presetScenario;
        // The time mode is not the preset's (a preset keeps the mode it is opened in).
        const bool loaded = !preset.isEmpty() && loadPreset(preset, presetScenario, nullptr);
        presetScenario.timeMode = cl.scenario.timeMode;
        if (loaded && presetScenario != cl.scenario)
            window.controls()->setModified(true);
    }
    if (cl.pace >= 0)
        window.controls()->setPace(cl.pace);
    if (cl.chartWindowS >= 0)
        window.charts()->setWindowSeconds(cl.chartWindowS);
    if (!cl.tab.isEmpty())
        window.showTab(cl.tab);
    // --metrics-port: what Run > Serve Prometheus metrics does, from the start.
    if (cl.metricsPort != 0 && !window.serveMetrics(static_cast<quint16>(cl.metricsPort))) {
        QTextStream(stderr) << "poollab: --metrics-port: " << window.lastError() << "\n";
        return 1;
    }
    window.show();
    if (grabbing) {
        // A folder that is not there fails now, not after a long run.
        if (const QFileInfo dir(QFileInfo(cl.grabPath).absolutePath()); !dir.isDir() || !dir.isWritable()) {
            QTextStream(stderr) << "poollab: --grab: cannot write '" << cl.grabPath
                                << "': the folder does not exist or is not writable\n";
            return 1;
        }
        armGrab(window, cl);
    }
    if (cl.startImmediately && !window.controller()->start() && grabbing) {
        QTextStream(stderr) << "poollab: the run could not start: " << window.lastError() << "\n";
        return 1;
    }
    return QApplication::exec();
}

} // namespace

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    // Before parsing: the runs database's default path (AppDataLocation) is named after
    // them, and the command line checks that no output overwrites it.
    QCoreApplication::setApplicationName(QStringLiteral("PoolLab"));
    QCoreApplication::setOrganizationName(QStringLiteral("PoolLab"));
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
    QApplication::setApplicationVersion(QStringLiteral(POOLLAB_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/poollab.svg")));
    QApplication::setDesktopFileName(QStringLiteral("poollab"));
    return runWindow(cl);
}
