// SPDX-License-Identifier: GPL-3.0-or-later
// Virtual time: simulated events per second of wall time (core/virtual_engine.h). The
// simulation runs on a thread of its own, hence real time, not this thread's CPU time.
#include "core/virtual_engine.h"

#include <benchmark/benchmark.h>

namespace {

void BM_VirtualEvents(benchmark::State& state)
{
    std::uint64_t events = 0;
    for (auto _ : state) {
        poollab::Scenario sc;
        sc.workers = static_cast<int>(state.range(0));
        sc.queueCapacity = 1000;
        sc.latency = "exp(10ms)";
        sc.arrival = poollab::ArrivalKind::Poisson;
        sc.rate = 0.9 * sc.workers / 0.010; // 90 % load
        sc.jobs = 200'000;
        sc.timeMode = poollab::TimeMode::Virtual;
        poollab::VirtualEngine engine(sc);
        engine.waitFinished();
        events += engine.events();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(events)); // items = events
}

} // namespace

BENCHMARK(BM_VirtualEvents)
    ->Arg(10)
    ->Arg(1000)
    ->ArgName("workers")
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
