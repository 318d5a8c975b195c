// SPDX-License-Identifier: GPL-3.0-or-later
// The runs database (issue #14): storing a finished run must not stall the window,
// and a list of 1,000 stored runs must open in under 200 ms.
//   BM_ExportCsv600       baseline: writing the same run's time series CSV
//                         (exportTimeSeriesCsv, atomically), as File > Export does
//   BM_SaveRun600         RunStore::save of a 10-minute run at 1 s samples (600
//                         samples, four final histograms, summary JSON and CSV)
//   BM_OpenAndList1000    RunStore::open (the read-only checks, quick_check among
//                         them) and list() of a file holding 1,000 such runs
//   BM_List1000           list() alone, on an open store
//   BM_Load600            load() of one run, samples and histograms included
// The counter x_csv is each one's time over the baseline's, measured in the same run.
#include "core/summary.h"
#include "io/csv_export.h"
#include "io/run_store.h"
#include "io/summary_json.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <chrono>
#include <random>

using namespace poollab;

namespace {

constexpr int kSamples = 600; // 10 minutes at 1 s
constexpr int kRuns = 1000;

// A run as a 10-minute headless run leaves it: samples whose figures move from
// second to second, and histograms of a few hundred thousand latencies.
StoredRun makeRun()
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> latency(17.0, 1.0); // ~25 ms
    std::uniform_real_distribution<double> u(0, 1);
    StoredRun run;
    run.name = QStringLiteral("bench run");
    run.startUnixS = 1764547200.5;
    run.timeMode = TimeMode::Virtual;
    run.scenario.name = "bench";
    Snapshot snap;
    for (int i = 0; i < kSamples; ++i) {
        Sample s;
        s.runNs = (i + 1) * kSecond;
        s.intervalNs = kSecond;
        s.arrivalsPerSec = 100 + 10 * u(rng);
        s.completionsPerSec = 99 + 10 * u(rng);
        s.failuresPerSec = u(rng);
        s.retriesPerSec = u(rng);
        s.queueDepth = static_cast<std::int64_t>(50 * u(rng));
        s.queueCapacity = 100;
        s.busyWorkers = static_cast<int>(8 * u(rng));
        s.workers = 8;
        s.inFlight = s.busyWorkers;
        s.utilization = u(rng);
        for (IntervalLatency* l : {&s.total, &s.wait, &s.service}) {
            l->count = 100;
            l->p50 = static_cast<Nanos>(latency(rng));
            l->p95 = l->p50 * 2;
            l->p99 = l->p50 * 3;
            l->max = l->p50 * 4;
            l->mean = static_cast<double>(l->p50) * 1.1;
        }
        s.totals.submitted = static_cast<std::uint64_t>(100 * (i + 1));
        s.totals.succeeded = s.totals.submitted - 3;
        run.samples.push_back(s);
    }
    for (int i = 0; i < 60'000; ++i) {
        snap.total.record(static_cast<Nanos>(latency(rng)));
        snap.wait.record(static_cast<Nanos>(latency(rng) / 10));
        snap.service.record(static_cast<Nanos>(latency(rng)));
    }
    snap.counters.submitted = 60'000;
    snap.counters.succeeded = 60'000;
    snap.runNs = kSamples * kSecond;
    run.wait = snap.wait;
    run.service = snap.service;
    run.total = snap.total;
    run.summaryJson = summaryToJson(RunSummary::from(snap, "virtual"));
    run.summaryCsv = summaryToCsv(snap, snap.runNs);
    return run;
}

const StoredRun& theRun()
{
    static const StoredRun run = makeRun();
    return run;
}

QTemporaryDir& tempDir()
{
    static QTemporaryDir dir;
    return dir;
}

double g_csvSeconds = 0; // the baseline's mean, for the ratio counters

void setRatio(benchmark::State& state, double seconds)
{
    if (g_csvSeconds > 0)
        state.counters["x_csv"] = seconds / g_csvSeconds;
}

void BM_ExportCsv600(benchmark::State& state)
{
    const StoredRun& run = theRun();
    const QString path = tempDir().filePath(QStringLiteral("run.csv"));
    QString error;
    double total = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        if (!exportTimeSeriesCsv(path, run.samples, run.startUnixS, &error))
            state.SkipWithError(error.toUtf8().constData());
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    g_csvSeconds = total / static_cast<double>(state.iterations());
}

void BM_SaveRun600(benchmark::State& state)
{
    const StoredRun& run = theRun();
    RunStore store;
    QString error;
    if (!store.open(tempDir().filePath(QStringLiteral("save.sqlite")), &error)) {
        state.SkipWithError(error.toUtf8().constData());
        return;
    }
    double total = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        if (store.save(run, &error) == 0)
            state.SkipWithError(error.toUtf8().constData());
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    setRatio(state, total / static_cast<double>(state.iterations()));
}

// The file of 1,000 runs, made once.
QString thousandRuns()
{
    static const QString path = [] {
        const QString p = tempDir().filePath(QStringLiteral("thousand.sqlite"));
        RunStore store;
        QString error;
        if (!store.open(p, &error))
            return QString();
        StoredRun run = theRun();
        for (int i = 0; i < kRuns; ++i) {
            run.name = QStringLiteral("run %1").arg(i);
            if (store.save(run, &error) == 0)
                return QString();
        }
        return p;
    }();
    return path;
}

void BM_OpenAndList1000(benchmark::State& state)
{
    const QString path = thousandRuns();
    if (path.isEmpty()) {
        state.SkipWithError("cannot make the file of 1,000 runs");
        return;
    }
    QString error;
    double total = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        RunStore store;
        if (!store.open(path, &error) || store.list(&error).size() != kRuns)
            state.SkipWithError(error.toUtf8().constData());
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    state.counters["runs"] = kRuns;
    state.counters["file_mb"] = static_cast<double>(QFileInfo(path).size()) / 1e6;
    setRatio(state, total / static_cast<double>(state.iterations()));
}

// The file of 1,000 runs, opened; false (the benchmark skipped) if it cannot be.
bool openThousand(benchmark::State& state, RunStore& store)
{
    const QString path = thousandRuns();
    QString error;
    if (path.isEmpty() || !store.open(path, &error)) {
        state.SkipWithError("cannot open the file of 1,000 runs");
        return false;
    }
    return true;
}

void BM_List1000(benchmark::State& state)
{
    RunStore store;
    QString error;
    if (!openThousand(state, store))
        return;
    double total = 0;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(store.list(&error));
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    setRatio(state, total / static_cast<double>(state.iterations()));
}

void BM_Load600(benchmark::State& state)
{
    RunStore store;
    QString error;
    if (!openThousand(state, store))
        return;
    double total = 0;
    std::int64_t id = 1;
    for (auto _ : state) {
        const auto t0 = std::chrono::steady_clock::now();
        if (!store.load(id, &error))
            state.SkipWithError(error.toUtf8().constData());
        total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        id = id % kRuns + 1;
    }
    setRatio(state, total / static_cast<double>(state.iterations()));
}

} // namespace

// The baseline first: the others' ratios are over it.
BENCHMARK(BM_ExportCsv600)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SaveRun600)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OpenAndList1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_List1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Load600)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv); // Qt SQL finds its driver plugins through it
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
