// SPDX-License-Identifier: GPL-3.0-or-later
// The window's side of run history (issue #14): recording a finished run must not
// stall the window, and the Runs tab must open a list of 1,000 runs in under 200 ms.
//   BM_WindowRecords600     what the GUI thread spends recording a finished 10-minute
//                           run at 1 s samples (600) in the window: building the stored
//                           run (samples, summary, histograms) and handing it to the
//                           recorder's thread; gui_gap_ms is the longest a 1 ms timer on
//                           the GUI thread waited while that thread stored it
//   BM_RunsPanelOpen1000    RunsPanel::openStore on a file of 1,000 such runs: the
//                           store's checks, list() and the sorted, filtered table
// Run offscreen: bench/bench_runs_window (QT_QPA_PLATFORM defaults to offscreen).
#include "io/run_store.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/runs_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>

using namespace poollab;

namespace {

constexpr std::size_t kRuns = 1000;

// The widgets need an application; made on first use, offscreen unless
// QT_QPA_PLATFORM says otherwise.
void needApplication()
{
    static int argc = 1;
    static char name[] = "bench_runs_window";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    static QApplication app(argc, argv);
}

QTemporaryDir& tempDir()
{
    static QTemporaryDir dir;
    return dir;
}

// A 10-minute virtual-time run at 1 s samples (Poisson 100/s on 8 workers), recorded
// by the window as any finished run: the GUI thread's part is timed, from the run's
// end to the return of the window's runFinished slot.
Scenario tenMinutes()
{
    Scenario s;
    s.name = "bench";
    s.timeMode = TimeMode::Virtual;
    s.workers = 8;
    s.queueCapacity = 1000;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 100;
    s.latency = "exp(50ms)";
    s.jobs = 0; // until the duration is up
    s.duration = 600 * kSecond;
    return s;
}

void BM_WindowRecords600(benchmark::State& state)
{
    needApplication();
    WindowHooks hooks;
    hooks.makeEngine = makeEngineFor;
    MainWindow window(hooks);
    window.setRunsDatabase(tempDir().filePath(QStringLiteral("window.sqlite")));
    window.setScenario(tenMinutes());
    RunController* controller = window.controller();
    controller->setPace(0);
    QElapsedTimer handOff;
    double handOffS = 0;
    // Connected after the window's own slots: stateChanged is the run's end, and
    // runFinished's last slot returns once the window has handed the run over.
    QObject::connect(controller, &RunController::stateChanged, [&] {
        if (controller->isFinished())
            handOff.start();
    });
    QObject::connect(controller, &RunController::runFinished,
                     [&] { handOffS = static_cast<double>(handOff.nsecsElapsed()) / 1e9; });
    QTimer tick;
    tick.setInterval(1);
    QElapsedTimer sinceTick;
    double maxGapMs = 0;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        maxGapMs = std::max(maxGapMs, static_cast<double>(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.restart();
    });
    std::size_t kept = 0;
    std::int64_t samples = 0;
    for (auto _ : state) {
        if (!controller->start()) {
            state.SkipWithError("the run did not start");
            break;
        }
        while (!controller->isFinished())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        state.SetIterationTime(handOffS);
        // Until the recorder's thread has stored it, with a 1 ms timer on the GUI thread.
        sinceTick.start();
        tick.start();
        while (window.runs()->runs().size() == kept)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        tick.stop();
        kept = window.runs()->runs().size();
        samples = window.runs()->runs().front().sampleCount;
    }
    state.counters["samples"] = static_cast<double>(samples);
    state.counters["gui_gap_ms"] = maxGapMs;
}

void BM_RunsPanelOpen1000(benchmark::State& state)
{
    needApplication();
    const QString path = tempDir().filePath(QStringLiteral("window.sqlite"));
    {
        RunStore store;
        QString error;
        if (!store.open(path, &error)) {
            state.SkipWithError(error.toUtf8().constData());
            return;
        }
        // Copies of the run BM_WindowRecords600 recorded (run it first: the default order).
        std::optional<StoredRun> run;
        const std::vector<StoredRunInfo> runs = store.list(&error);
        if (!runs.empty())
            run = store.load(runs.back().id, &error);
        if (!run) {
            state.SkipWithError("no recorded run to copy: run BM_WindowRecords600 first");
            return;
        }
        for (std::size_t i = runs.size(); i < kRuns; ++i) {
            run->name = QStringLiteral("run %1").arg(i);
            run->scenario.workers = 1 + static_cast<int>(i % 64);
            if (store.save(*run, &error) == 0) {
                state.SkipWithError(error.toUtf8().constData());
                return;
            }
        }
    }
    int rows = 0;
    for (auto _ : state) {
        RunsPanel panel;
        if (!panel.openStore(path))
            state.SkipWithError(panel.reason().toUtf8().constData());
        rows = panel.visibleRuns()->rowCount();
    }
    state.counters["rows"] = rows;
}

} // namespace

BENCHMARK(BM_WindowRecords600)->UseManualTime()->Iterations(20)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RunsPanelOpen1000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
