// SPDX-License-Identifier: GPL-3.0-or-later
// The window's side of run history (issue #14): recording a finished run must not
// stall the window, and the Runs tab must open a list of 1,000 runs in under 200 ms.
//   BM_RecorderHandOff600   what the GUI thread spends handing a 10-minute run at 1 s
//                           samples (600) to RunRecorder::save (a copy, a queued call);
//                           the counters say how long the recorder's thread took to
//                           store it (store_ms) and the longest the GUI thread's event
//                           loop went without running meanwhile (gui_gap_ms, a 1 ms
//                           timer's largest interval)
//   BM_RunsPanelOpen1000    RunsPanel::openStore on a file of 1,000 such runs: the
//                           store's checks, list() and the sorted, filtered table
// Run offscreen: bench/bench_runs_window (QT_QPA_PLATFORM defaults to offscreen).
#include "core/summary.h"
#include "io/csv_export.h"
#include "io/run_store.h"
#include "io/summary_json.h"
#include "ui/run_recorder.h"
#include "ui/runs_panel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

using namespace poollab;

namespace {

constexpr int kSamples = 600; // 10 minutes at 1 s
constexpr int kRuns = 1000;

// Samples whose figures move from second to second, and final histograms of 60,000
// latencies: a 10-minute run as the window records it.
StoredRun makeRun()
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> latency(17.0, 1.0); // ~25 ms
    std::uniform_real_distribution<double> u(0, 1);
    StoredRun run;
    run.name = QStringLiteral("bench run");
    run.startUnixS = 1764547200.5;
    run.scenario.name = "bench";
    for (int i = 0; i < kSamples; ++i) {
        Sample s;
        s.runNs = (i + 1) * kSecond;
        s.intervalNs = kSecond;
        s.completionsPerSec = 99 + 10 * u(rng);
        s.queueDepth = static_cast<std::int64_t>(50 * u(rng));
        s.workers = 8;
        for (IntervalLatency* l : {&s.total, &s.wait, &s.service}) {
            l->count = 100;
            l->p50 = static_cast<Nanos>(latency(rng));
            l->p99 = l->p50 * 3;
        }
        run.samples.push_back(s);
    }
    Snapshot snap;
    for (int i = 0; i < 60'000; ++i) {
        snap.total.record(static_cast<Nanos>(latency(rng)));
        snap.service.record(static_cast<Nanos>(latency(rng)));
    }
    snap.counters.submitted = snap.counters.succeeded = 60'000;
    snap.runNs = kSamples * kSecond;
    run.total = snap.total;
    run.service = snap.service;
    run.summaryJson = summaryToJson(RunSummary::from(snap, "real"));
    run.summaryCsv = summaryToCsv(snap, snap.runNs);
    return run;
}

QTemporaryDir& tempDir()
{
    static QTemporaryDir dir;
    return dir;
}

void BM_RecorderHandOff600(benchmark::State& state)
{
    const StoredRun run = makeRun();
    RunRecorder recorder;
    QEventLoop loop;
    QObject::connect(&recorder, &RunRecorder::opened, &loop, &QEventLoop::quit);
    recorder.open(tempDir().filePath(QStringLiteral("handoff.sqlite")));
    loop.exec();
    QElapsedTimer stored;
    double storeMs = 0;
    double maxGapMs = 0;
    QObject::connect(&recorder, &RunRecorder::saved, &loop, [&](qint64 id, const QString& error) {
        if (id == 0)
            state.SkipWithError(error.toUtf8().constData());
        storeMs += static_cast<double>(stored.nsecsElapsed()) / 1e6;
        loop.quit();
    });
    QTimer tick;
    tick.setInterval(1);
    QElapsedTimer sinceTick;
    QObject::connect(&tick, &QTimer::timeout, [&] {
        maxGapMs = std::max(maxGapMs, static_cast<double>(sinceTick.nsecsElapsed()) / 1e6);
        sinceTick.restart();
    });
    for (auto _ : state) {
        stored.start();
        recorder.save(run); // the copy the window makes is part of the hand-off
        state.PauseTiming();
        sinceTick.start();
        tick.start();
        loop.exec(); // until saved(): the GUI thread runs its timer meanwhile
        tick.stop();
        state.ResumeTiming();
    }
    state.counters["store_ms"] = storeMs / static_cast<double>(state.iterations());
    state.counters["gui_gap_ms"] = maxGapMs;
}

void BM_RunsPanelOpen1000(benchmark::State& state)
{
    const QString path = tempDir().filePath(QStringLiteral("thousand.sqlite"));
    {
        RunStore store;
        QString error;
        if (!store.open(path, &error)) {
            state.SkipWithError(error.toUtf8().constData());
            return;
        }
        if (store.list(&error).size() < kRuns) {
            StoredRun run = makeRun();
            for (int i = 0; i < kRuns; ++i) {
                run.name = QStringLiteral("run %1").arg(i);
                run.scenario.workers = 1 + i % 64;
                if (store.save(run, &error) == 0) {
                    state.SkipWithError(error.toUtf8().constData());
                    return;
                }
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

BENCHMARK(BM_RecorderHandOff600)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RunsPanelOpen1000)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
