// SPDX-License-Identifier: GPL-3.0-or-later
// Pool::snapshot at 1000 workers: what the UI and the sampler pay per tick.
#include "core/pool.h"

#include <benchmark/benchmark.h>

#include <chrono>
#include <thread>

namespace {

void BM_Snapshot(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    poollab::PoolConfig config;
    config.workers = workers;
    config.queueCapacity = 1000;
    poollab::Pool pool(config);
    pool.start();
    // Some history in the histograms and counters, then an idle pool.
    const poollab::Nanos at = pool.now();
    for (int i = 0; i < 20'000; ++i) {
        poollab::Job job;
        job.arrivalNs = at;
        job.serviceNs = (i % 7) * 1000;
        pool.submit(job);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    poollab::Snapshot snap;
    for (auto _ : state) {
        pool.snapshot(snap); // reuses snap's buffers, as the sampler does
        benchmark::DoNotOptimize(snap);
    }
    if (!snap.invariantHolds())
        state.SkipWithError("invariant broken");
    pool.cancel();
}

} // namespace

BENCHMARK(BM_Snapshot)->Arg(2)->Arg(1000)->ArgName("workers")->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
