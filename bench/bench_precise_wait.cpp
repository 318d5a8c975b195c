// SPDX-License-Identifier: GPL-3.0-or-later
// PreciseWaiter::sleepUntil overshoot: how late past the deadline the wait returns.
// Reported as counters (ns): mean, p50, p99 and max over the iterations (the mean may
// be negative: a wait aimed early by the recent lateness ends early at times). `shared`
// 0: the thread has a core to itself, as a worker does when workers <= cores; 1: it
// shares them (shareCore), as with more workers than cores.
#include "core/precise_wait.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <stop_token>
#include <vector>

namespace {

void BM_SleepOvershoot(benchmark::State& state)
{
    const poollab::Nanos target = state.range(0) * poollab::kMicro;
    const bool shared = state.range(1) != 0;
    poollab::PreciseWaiter::tightenTimerSlack();
    std::stop_source source;
    poollab::PreciseWaiter waiter(source.get_token());
    // Warm-up: the waiter learns this machine's wake-up lateness.
    for (int i = 0; i < 20; ++i)
        waiter.sleepUntil(poollab::steadyNowNs() + std::min<poollab::Nanos>(target, poollab::kMilli), shared);
    std::vector<poollab::Nanos> over;
    over.reserve(static_cast<std::size_t>(state.max_iterations));
    for (auto _ : state) {
        const poollab::Nanos deadline = poollab::steadyNowNs() + target;
        waiter.sleepUntil(deadline, shared);
        over.push_back(poollab::steadyNowNs() - deadline);
    }
    double sum = 0;
    for (const poollab::Nanos v : over)
        sum += static_cast<double>(v);
    state.counters["mean_ns"] = sum / static_cast<double>(over.size());
    std::sort(over.begin(), over.end());
    const auto at = [&](double q) {
        return static_cast<double>(
            over[std::min(over.size() - 1, static_cast<std::size_t>(q * over.size()))]);
    };
    state.counters["p50_ns"] = at(0.50);
    state.counters["p99_ns"] = at(0.99);
    state.counters["max_ns"] = static_cast<double>(over.back());
}

} // namespace

// Iteration counts fixed so each case takes about a second and p99 is meaningful.
BENCHMARK(BM_SleepOvershoot)
    ->Args({100, 0})
    ->ArgNames({"us", "shared"})
    ->Iterations(5000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SleepOvershoot)
    ->Args({1000, 0})
    ->ArgNames({"us", "shared"})
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SleepOvershoot)
    ->Args({10000, 0})
    ->ArgNames({"us", "shared"})
    ->Iterations(200)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SleepOvershoot)
    ->Args({1000, 1})
    ->ArgNames({"us", "shared"})
    ->Iterations(1000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SleepOvershoot)
    ->Args({10000, 1})
    ->ArgNames({"us", "shared"})
    ->Iterations(200)
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
