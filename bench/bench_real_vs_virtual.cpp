// SPDX-License-Identifier: GPL-3.0-or-later
// Real threads against virtual time on the same scenario and seed (issue #18: the two
// should agree within 1 % on mean wait). M/M/10 at 150/s with exp(50 ms) sleep jobs,
// utilization 0.75. Arrivals and service times come from the seed job by job (the
// arrival stream and each job's service stream are keyed on the seed and the job's
// id), and a FIFO queue's waits follow from those alone, so the engines run the very
// same jobs: a difference is real time's own delays, not sampling. That is why each
// seed is compared with its own virtual twin; the mean wait itself swings far more
// from seed to seed than the paired difference does.
//
// One repetition per seed (1, 2, ...): the rows are per seed, and Google Benchmark's
// mean / stddev / cv aggregates give the spread over seeds. Counters:
//   wait_real_us, wait_virtual_us   mean queue wait
//   wait_diff_pct                   real over virtual, minus 1, in %
//   service_over_us                 real mean service minus virtual (the same jobs' planned times)
//   pwait_real, pwait_virtual       share of arrivals that found no idle worker
//   quick_wait_us, quick_share      real mean wait of the jobs that waited under 1 ms,
//                                   and their share: nearly all found a worker idle
//                                   (virtual wait 0), so this is the pick-up
//   pickup_pct                      those waits over the virtual mean wait, in %: the
//                                   part of wait_diff_pct that is the pool's own pick-up
//                                   (waking a worker), real behaviour; the pick-up also
//                                   delays the worker's later jobs, which comes on top
// Environment: POOLLAB_RVV_JOBS (jobs per run, default 3000: 20 s of real time),
//              POOLLAB_RVV_SEEDS (seeds, default 5), POOLLAB_RVV_FIRST_SEED (default 1).
#include "core/real_engine.h"
#include "core/virtual_engine.h"

#include <benchmark/benchmark.h>

#include <cstdlib>

namespace {

int envInt(const char* name, int fallback)
{
    const char* v = std::getenv(name);
    const int n = v ? std::atoi(v) : 0;
    return n > 0 ? n : fallback;
}

poollab::Scenario scenario(std::uint64_t seed)
{
    poollab::Scenario s;
    s.workers = 10;
    s.queueCapacity = 100'000;
    s.overflow = poollab::OverflowPolicy::Block;
    s.jobKind = poollab::JobKind::Sleep;
    s.latency = "exp(50ms)";
    s.arrival = poollab::ArrivalKind::Poisson;
    s.rate = 150;
    s.jobs = static_cast<std::uint64_t>(envInt("POOLLAB_RVV_JOBS", 3000));
    s.duration = 0;
    s.seed = seed;
    return s;
}

// Mean (by bucket midpoints) and count of the values below `below`.
double meanBelow(const poollab::Histogram& h, poollab::Nanos below, double& count)
{
    using L = poollab::HistogramLayout;
    double sum = 0;
    count = 0;
    const auto& buckets = h.buckets();
    for (int i = 0; i < L::kBuckets && L::lowerBound(i) < below; ++i) {
        const auto n = static_cast<double>(buckets[static_cast<std::size_t>(i)]);
        count += n;
        sum += n * (static_cast<double>(L::lowerBound(i)) + static_cast<double>(L::width(i) - 1) / 2);
    }
    return count > 0 ? sum / count : 0;
}

void BM_RealVsVirtualWait(benchmark::State& state)
{
    static auto nextSeed = static_cast<std::uint64_t>(envInt("POOLLAB_RVV_FIRST_SEED", 1));
    const std::uint64_t seed = nextSeed++;
    const poollab::Scenario s = scenario(seed);
    poollab::Snapshot real;
    poollab::Snapshot virt;
    for (auto _ : state) {
        poollab::VirtualEngine twin(s);
        twin.start();
        twin.waitFinished();
        virt = twin.snapshot();
        poollab::RealEngine engine(s);
        engine.start();
        engine.waitFinished();
        engine.snapshot(real);
    }
    const double virtualWait = virt.wait.mean();
    const double realWait = real.wait.mean();
    state.counters["seed"] = static_cast<double>(seed);
    state.counters["wait_real_us"] = realWait / 1e3;
    state.counters["wait_virtual_us"] = virtualWait / 1e3;
    state.counters["wait_diff_pct"] = virtualWait > 0 ? 100.0 * (realWait / virtualWait - 1) : 0;
    state.counters["service_over_us"] = (real.service.mean() - virt.service.mean()) / 1e3;
    state.counters["pwait_real"] = real.counters.arrivedToBusyShare();
    state.counters["pwait_virtual"] = virt.counters.arrivedToBusyShare();
    // Virtual waits of jobs that found an idle worker are exactly 0; in real time those
    // jobs are (nearly all) the ones under 1 ms.
    double quick = 0;
    const double quickWait = meanBelow(real.wait, poollab::kMilli, quick);
    const double quickShare = quick / static_cast<double>(std::max<std::uint64_t>(1, real.wait.count()));
    state.counters["quick_wait_us"] = quickWait / 1e3;
    state.counters["quick_share"] = quickShare;
    state.counters["pickup_pct"] = virtualWait > 0 ? 100.0 * quickShare * quickWait / virtualWait : 0;
}

} // namespace

BENCHMARK(BM_RealVsVirtualWait)
    ->Iterations(1)
    ->Repetitions(envInt("POOLLAB_RVV_SEEDS", 5))
    ->UseRealTime()
    ->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
