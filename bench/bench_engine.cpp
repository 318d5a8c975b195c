// SPDX-License-Identifier: GPL-3.0-or-later
// Engine overhead: empty jobs pushed at once by one producer through the real pool
// (queue + workers + metrics), against two baselines measured in the same run: a
// plain std::mutex + std::condition_variable queue pool, and a pool on moodycamel's
// BlockingConcurrentQueue. The counter ns_per_job is wall time per job from the
// first push to the last job done; thread start-up and teardown are not timed.
#include "core/pool.h"

#include <benchmark/benchmark.h>
#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace {

using poollab::Job;

std::uint64_t jobsPerRun()
{
    // 200k keeps the slowest baseline (mutex pool at 1000 workers) to a few seconds.
    const char* env = std::getenv("POOLLAB_BENCH_JOBS");
    return env ? std::strtoull(env, nullptr, 10) : 200'000;
}

// Lets freshly spawned threads reach their idle wait before the clock starts.
void settle(int workers)
{
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + workers / 10));
}

void report(benchmark::State& state, std::uint64_t jobs)
{
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * jobs));
    state.counters["ns_per_job"] =
        benchmark::Counter(static_cast<double>(state.iterations() * jobs),
                           benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Counts jobs done and wakes the timing thread after the last one.
class Latch
{
public:
    explicit Latch(std::uint64_t n) : m_left(n) {}
    void countDown()
    {
        if (m_left.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard lock(m_mutex);
            m_done = true;
            m_cv.notify_all();
        }
    }
    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_done; });
    }

private:
    std::atomic<std::uint64_t> m_left;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
};

// Which attempt event log the pool pushes into (every attempt, without a lock): none,
// the window's ring (RunController::kAttemptEventCapacity), or --trace's KeepFirst log
// with a cap of 10 million events (--trace-limit 10000000, which fills up to 720 MB).
enum class Events { None, Ring, Trace };

// One run of `jobs` empty jobs pushed at once: seconds from the first push to the last
// job done; negative if jobs were lost.
double timeEngine(int workers, int capacity, std::uint64_t jobs, Events events)
{
    poollab::PoolConfig config;
    config.workers = workers;
    config.queueCapacity = capacity;
    config.overflow = poollab::OverflowPolicy::Block;
    // The same latch as the baselines: the clock stops at the last job done, not
    // after the threads are joined (teardown is not timed for anyone).
    Latch latch(jobs);
    config.onJobDone = [&latch](const Job&, poollab::Outcome) { latch.countDown(); };
    poollab::Pool pool(config);
    if (events == Events::Ring)
        pool.setAttemptEventLog(std::make_shared<poollab::AttemptEventLog>(100'000));
    else if (events == Events::Trace)
        pool.setAttemptEventLog(std::make_shared<poollab::AttemptEventLog>(
            10'000'000, poollab::AttemptEventLog::Mode::KeepFirst));
    pool.start();
    pool.waitUntilReady();
    settle(workers);
    const auto t0 = std::chrono::steady_clock::now();
    const poollab::Nanos at = pool.now();
    for (std::uint64_t i = 0; i < jobs; ++i) {
        Job job;
        job.id = i;
        job.arrivalNs = at;
        pool.submit(job);
    }
    latch.wait();
    const auto t1 = std::chrono::steady_clock::now();
    pool.drain();
    pool.waitUntilStopped();
    if (pool.snapshot().counters.succeeded != jobs)
        return -1;
    return std::chrono::duration<double>(t1 - t0).count();
}

void runEngine(benchmark::State& state, Events events)
{
    const int workers = static_cast<int>(state.range(0));
    const int capacity = static_cast<int>(state.range(1));
    const std::uint64_t jobs = jobsPerRun();
    for (auto _ : state) {
        const double seconds = timeEngine(workers, capacity, jobs, events);
        if (seconds < 0) {
            state.SkipWithError("jobs lost");
            break;
        }
        state.SetIterationTime(seconds);
    }
    report(state, jobs);
}

// The q-quantile (0..1) of values, interpolated.
double quantile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    const double at = q * static_cast<double>(values.size() - 1);
    const auto below = static_cast<std::size_t>(at);
    const std::size_t above = std::min(below + 1, values.size() - 1);
    return values[below] + (values[above] - values[below]) * (at - static_cast<double>(below));
}

// The window's ring against no log, in pairs run back to back (the order alternating,
// so that neither side always runs first on a machine whose load drifts). Counters:
// each side's median ns per job, and the median (with quartiles) of the pairs' ratios
// ring / off, so that a load that drifts between pairs cancels out. The timed
// iteration is the pair.
void BM_EventsRingRatio(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    const int capacity = static_cast<int>(state.range(1));
    const std::uint64_t jobs = jobsPerRun();
    std::vector<double> off;
    std::vector<double> on;
    std::vector<double> ratios;
    for (auto _ : state) {
        const bool ringFirst = on.size() % 2 == 1;
        const double first = timeEngine(workers, capacity, jobs, ringFirst ? Events::Ring : Events::None);
        const double second = timeEngine(workers, capacity, jobs, ringFirst ? Events::None : Events::Ring);
        if (first < 0 || second < 0) {
            state.SkipWithError("jobs lost");
            break;
        }
        on.push_back(ringFirst ? first : second);
        off.push_back(ringFirst ? second : first);
        ratios.push_back(on.back() / off.back());
        state.SetIterationTime(first + second);
    }
    if (on.empty())
        return;
    const double perJob = 1e9 / static_cast<double>(jobs);
    state.counters["ns_per_job_off"] = quantile(off, 0.5) * perJob;
    state.counters["ns_per_job_ring"] = quantile(on, 0.5) * perJob;
    state.counters["ratio"] = quantile(ratios, 0.5);
    state.counters["ratio_q1"] = quantile(ratios, 0.25);
    state.counters["ratio_q3"] = quantile(ratios, 0.75);
}

void BM_Engine(benchmark::State& state)
{
    runEngine(state, Events::None);
}

// The cost of the attempt events (issue #16): compare with BM_Engine of the same args.
void BM_EngineWithEvents(benchmark::State& state)
{
    runEngine(state, Events::Ring);
}

// --trace's log, which keeps every event up to its cap (stored in blocks allocated by
// pushes half a block ahead: nothing is moved): compare with BM_Engine of the same args.
void BM_EngineWithTrace(benchmark::State& state)
{
    runEngine(state, Events::Trace);
}

// Baseline 1: the textbook pool.
void BM_MutexCvPool(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    const std::uint64_t jobs = jobsPerRun();
    for (auto _ : state) {
        std::mutex mutex;
        std::condition_variable cv;
        std::deque<Job> queue;
        bool stop = false;
        Latch latch(jobs);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w)
            threads.emplace_back([&] {
                for (;;) {
                    std::unique_lock lock(mutex);
                    cv.wait(lock, [&] { return stop || !queue.empty(); });
                    if (queue.empty())
                        return;
                    Job job = queue.front();
                    queue.pop_front();
                    lock.unlock();
                    benchmark::DoNotOptimize(job);
                    latch.countDown();
                }
            });
        settle(workers);
        const auto t0 = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < jobs; ++i) {
            Job job;
            job.id = i;
            {
                std::lock_guard lock(mutex);
                queue.push_back(job);
            }
            cv.notify_one();
        }
        latch.wait();
        const auto t1 = std::chrono::steady_clock::now();
        state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
        {
            std::lock_guard lock(mutex);
            stop = true;
        }
        cv.notify_all();
        for (auto& t : threads)
            t.join();
    }
    report(state, jobs);
}

// Baseline 2: moodycamel's lock-free queue with its semaphore-based blocking wait.
void BM_MoodycamelPool(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    const std::uint64_t jobs = jobsPerRun();
    for (auto _ : state) {
        moodycamel::BlockingConcurrentQueue<Job> queue;
        Latch latch(jobs);
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w)
            threads.emplace_back([&] {
                Job job;
                for (;;) {
                    queue.wait_dequeue(job);
                    if (job.tag == 1)
                        return; // poison pill
                    benchmark::DoNotOptimize(job);
                    latch.countDown();
                }
            });
        settle(workers);
        const auto t0 = std::chrono::steady_clock::now();
        for (std::uint64_t i = 0; i < jobs; ++i) {
            Job job;
            job.id = i;
            queue.enqueue(job);
        }
        latch.wait();
        const auto t1 = std::chrono::steady_clock::now();
        state.SetIterationTime(std::chrono::duration<double>(t1 - t0).count());
        Job pill;
        pill.tag = 1;
        for (int w = 0; w < workers; ++w)
            queue.enqueue(pill);
        for (auto& t : threads)
            t.join();
    }
    report(state, jobs);
}

void workerArgs(benchmark::internal::Benchmark* b)
{
    for (int w : {1, 2, 20, 1000})
        b->Arg(w);
}

} // namespace

// Capacity 1000 under Block is the headless runner's burst (the producer waits for
// room); capacity 1'000'000 takes the whole burst at once, as the baselines do.
BENCHMARK(BM_Engine)
    ->ArgNames({"workers", "capacity"})
    ->ArgsProduct({{1, 2, 20, 1000}, {1000, 1'000'000}})
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineWithEvents)
    ->ArgNames({"workers", "capacity"})
    ->ArgsProduct({{1, 2, 20, 1000}, {1000, 1'000'000}})
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
// 15 pairs of runs.
BENCHMARK(BM_EventsRingRatio)
    ->ArgNames({"workers", "capacity"})
    ->ArgsProduct({{2, 20}, {1000}})
    ->UseManualTime()
    ->Iterations(15)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EngineWithTrace)
    ->ArgNames({"workers", "capacity"})
    ->ArgsProduct({{20, 1000}, {1000}})
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MutexCvPool)
    ->ArgName("workers")
    ->Apply(workerArgs)
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MoodycamelPool)
    ->ArgName("workers")
    ->Apply(workerArgs)
    ->UseManualTime()
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
