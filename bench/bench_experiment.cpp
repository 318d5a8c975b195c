// SPDX-License-Identifier: GPL-3.0-or-later
// Experiments (issue #15): the wall-clock time of a 10-point x 10-replication sweep of
// 50,000 jobs each, M/M/c (Poisson 80/s, exp(100ms), workers 10 to 19), on 1 and on 2
// threads, against a baseline measured in the same run: one replication alone, the
// sweep's unit of work. scripts/bench_experiment_vs_ciw.sh times Ciw on the same
// workload right after and writes the ratios (docs/PERFORMANCE.md).
#include "core/experiment.h"
#include "core/virtual_engine.h"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>

namespace {

using namespace poollab;

// POOLLAB_BENCH_SWEEP_JOBS overrides the 50,000 (a quick look).
std::uint64_t jobsPerRun()
{
    const char* env = std::getenv("POOLLAB_BENCH_SWEEP_JOBS");
    return env ? std::strtoull(env, nullptr, 10) : 50'000;
}

Scenario mmcWorkload(int workers)
{
    Scenario s;
    s.workers = workers;
    s.queueCapacity = 1'000'000;
    s.latency = "exp(100ms)";
    s.arrival = ArrivalKind::Poisson;
    s.rate = 80;
    s.jobs = jobsPerRun();
    s.timeMode = TimeMode::Virtual;
    return s;
}

// The baseline: one replication, start to summary, on its own.
void BM_OneReplication(benchmark::State& state)
{
    for (auto _ : state) {
        VirtualEngine engine(mmcWorkload(10));
        engine.waitFinished();
        benchmark::DoNotOptimize(engine.snapshot().counters.succeeded);
    }
    state.counters["jobs"] = static_cast<double>(jobsPerRun());
}

void BM_Sweep10x10(benchmark::State& state)
{
    ExperimentSpec spec;
    spec.scenario = mmcWorkload(10);
    spec.replications = 10;
    std::string error;
    Sweep sweep;
    if (!parseSweep("workers=10:19:1", sweep, error))
        state.SkipWithError(error.c_str());
    spec.sweep = sweep;
    spec.threads = static_cast<int>(state.range(0));
    double waitMs = 0;
    for (auto _ : state) {
        const ExperimentResult result = runExperiment(spec);
        // (DoNotOptimize on a double clobbers it with this Google Benchmark.)
        waitMs = result.points.front().estimates.front().mean;
    }
    state.counters["jobs"] = static_cast<double>(jobsPerRun()) * 100;
    state.counters["wait_ms_c10"] = waitMs; // the same numbers whatever the threads
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * jobsPerRun() * 100));
}

} // namespace

BENCHMARK(BM_OneReplication)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK(BM_Sweep10x10)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("threads")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

BENCHMARK_MAIN();
