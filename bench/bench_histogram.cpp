// SPDX-License-Identifier: GPL-3.0-or-later
// AtomicHistogram::record: what every job pays three times (wait, service, total),
// with and without the writer's own sum (HistogramSum) that the pool keeps beside it.
#include "core/histogram.h"

#include <benchmark/benchmark.h>

#include <random>
#include <vector>

namespace {

// Latency-like values from 50 ns to ~100 ms, drawn once so the loop measures record().
std::vector<poollab::Nanos> values()
{
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> dist(10.0, 3.0);
    std::vector<poollab::Nanos> out(4096);
    for (auto& v : out)
        v = static_cast<poollab::Nanos>(dist(rng));
    return out;
}

poollab::AtomicHistogram g_shared; // for the contended case: one histogram, several threads

void BM_HistogramRecord(benchmark::State& state)
{
    static poollab::AtomicHistogram histogram; // large: keep it off the stack
    const auto vals = values();
    std::size_t i = 0;
    for (auto _ : state) {
        histogram.record(vals[i++ & 4095]);
    }
    state.SetItemsProcessed(state.iterations());
}

// What the pool pays per value: the shared buckets and the worker's own sum.
void BM_HistogramRecordWithSum(benchmark::State& state)
{
    static poollab::AtomicHistogram histogram;
    static poollab::HistogramSum sum;
    const auto vals = values();
    std::size_t i = 0;
    for (auto _ : state) {
        const poollab::Nanos v = vals[i++ & 4095];
        histogram.record(v);
        sum.add(v);
    }
    state.SetItemsProcessed(state.iterations());
}

// The same value each time: the best case (one bucket, min/max settled).
void BM_HistogramRecordSame(benchmark::State& state)
{
    static poollab::AtomicHistogram histogram;
    for (auto _ : state)
        histogram.record(1000);
    state.SetItemsProcessed(state.iterations());
}

void BM_HistogramRecordShared(benchmark::State& state)
{
    const auto vals = values();
    std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
    for (auto _ : state)
        g_shared.record(vals[i++ & 4095]);
    state.SetItemsProcessed(state.iterations());
}

} // namespace

BENCHMARK(BM_HistogramRecord);
BENCHMARK(BM_HistogramRecordWithSum);
BENCHMARK(BM_HistogramRecordSame);
BENCHMARK(BM_HistogramRecordShared)->Threads(2);

BENCHMARK_MAIN();
