// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/arrival.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/scenario.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace poollab {

// The producer of a real-time run: a thread that submits jobs to a Pool at their
// planned times. Open models follow an ArrivalSchedule; the closed model runs K
// clients, each submitting its next job a think time after its previous one ended
// (whatever the outcome), so at most K jobs are ever in the system.
//
// A job's arrivalNs is its planned time, so when `block` backpressure holds the
// producer up, the delay still counts in the job's latency. When the run's limit is
// reached the generator drains the pool, so the pool stops once all is done.
class LoadGenerator
{
public:
    explicit LoadGenerator(const Scenario& scenario);
    // Stops and joins the thread (the pool must be cancelled or drained first if the
    // thread may be blocked in submit()).
    ~LoadGenerator();
    LoadGenerator(const LoadGenerator&) = delete;
    LoadGenerator& operator=(const LoadGenerator&) = delete;

    // Begins producing into pool (already started); run time counts from now.
    void start(Pool& pool);
    // Arrivals planned while paused are moved on by the pause, not bunched up after it.
    void pause();
    void resume();
    // Stop producing, without waiting; then drain or cancel the pool (which frees a
    // submit() blocked on a full queue), then join().
    void requestStop();
    void join();
    // Live change of arrivals, limits, clients and think time.
    void apply(const Scenario& scenario);

    // Wire this to PoolConfig::onJobDone: the closed model's clients pace on it.
    void jobDone(const Job& job, Outcome outcome);

    // True once the generator will submit nothing more.
    bool done() const { return m_done.load(std::memory_order_acquire); }
    std::uint64_t submitted() const { return m_submitted.load(std::memory_order_relaxed); }
    // Most jobs submitted and not yet ended at once (the closed model keeps this <= K).
    std::int64_t outstandingHighWater() const
    {
        return m_outstandingHighWater.load(std::memory_order_relaxed);
    }

    // Jobs the scenario will submit: its job limit, or what an open model's rates give
    // over its duration (the smaller if both are set); 0 when unknown (closed, duration).
    static std::uint64_t plannedJobs(const Scenario& scenario);

private:
    struct Thinking
    {
        Nanos due;
        std::uint32_t client;
        bool operator>(const Thinking& other) const { return due > other.due; }
    };

    void run();
    void applyLocked(Nanos now);
    void activateClientsLocked(Nanos due);
    bool jobLimitReachedLocked() const;
    Nanos runTimeLocked(Nanos now) const { return now - m_runStart - m_pausedNs; }
    void submitLocked(std::unique_lock<std::mutex>& lock, Nanos planned, std::uint32_t client);

    Pool* m_pool = nullptr;
    std::thread m_thread;
    std::atomic<bool> m_done{false};
    std::atomic<bool> m_closedModel{false}; // m_scenario.arrival is Closed
    std::atomic<std::uint64_t> m_submitted{0};
    std::atomic<std::int64_t> m_outstanding{0};
    std::atomic<std::int64_t> m_outstandingHighWater{0};

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    // Guarded by m_mutex.
    Scenario m_scenario;
    Scenario m_pendingScenario;
    bool m_changed = false;
    bool m_stopping = false;
    bool m_paused = false;
    Nanos m_pauseStart = 0;
    Nanos m_runStart = 0;
    Nanos m_pausedNs = 0; // total time spent paused
    std::uint64_t m_nextId = 0;
    ArrivalSchedule m_schedule;
    Rng m_rng;
    bool m_hasPlanned = false;
    Nanos m_planned = 0; // run time of the open model's next arrival
    // Mean recent lateness of the producer's timed waits (weighted 1/16): it wakes that
    // much early, so that arrivals are submitted on time on average.
    Nanos m_earlyNs = 0;
    // Closed model.
    std::priority_queue<Thinking, std::vector<Thinking>, std::greater<>> m_thinking;
    std::vector<char> m_clientActive; // has a job in the system or is thinking
};

} // namespace poollab
