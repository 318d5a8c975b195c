// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/arrival.h"
#include "core/attempt.h"
#include "core/engine.h"
#include "core/histogram.h"
#include "core/interval_recorder.h"
#include "core/job_ring.h"
#include "core/pool.h"
#include "core/rng.h"
#include "core/summary.h"
#include "core/token_bucket.h"
#include "core/worker_limits.h"
#include "core/worker_time.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace poollab {

// Runs a scenario in simulated time: a discrete-event simulation of the same pool
// (core/pool.cpp semantics: queue bound and overflow policies, hand-off, retries
// through a delay queue, rate limit, live changes) with no thread per worker. Every
// event costs O(log n) in a heap, so 100,000 workers and millions of jobs run in
// seconds. The same scenario and seed give the same run, event for event.
//
// The simulation runs on a thread of its own, started by start(): as fast as it can
// (pace 0, the default) or at k x wall-clock (setPace). snapshot() is safe from any
// thread at any time. elapsedNs and runNs in snapshots are simulated time.
//
// pause() freezes simulated time (nothing happens until resume()). apply() takes
// effect at the simulated instant the call lands, which depends on wall-clock
// timing; applyAt() schedules a change at a simulated instant, deterministically.
class VirtualEngine : public Engine
{
public:
    explicit VirtualEngine(const Scenario& scenario);
    ~VirtualEngine() override;
    VirtualEngine(const VirtualEngine&) = delete;
    VirtualEngine& operator=(const VirtualEngine&) = delete;

    void start() override;
    void drain() override;
    void cancel() override;
    void apply(const Scenario& changed) override;
    // A live change at runNs of simulated run time (or at once if that has passed).
    void applyAt(Nanos runNs, const Scenario& changed);

    // Simulated time: pause() freezes it; the pace is how fast it runs, in simulated
    // seconds per wall-clock second: 1, 10, 100, 1000...; 0 = as fast as possible. A
    // new pace takes effect at once, from the current simulated instant.
    void pause() override;
    void resume() override;
    void setPace(double factor) override;
    double pace() const;
    void setAttemptEventLog(std::shared_ptr<AttemptEventLog> log) override;

    void snapshot(Snapshot& out) const override;
    Snapshot snapshot() const;
    bool finished() const override { return m_finished.load(std::memory_order_acquire); }
    // Starts the run if it is idle, then waits (wall-clock timeout) until it ends.
    bool waitFinished(Nanos timeoutNs = -1) override;

    const Scenario& scenario() const override { return m_scenario; }
    TimeMode timeMode() const override { return TimeMode::Virtual; }

    // The record is taken on simulated time, one row per scenario.sampleInterval of
    // it and a last, shorter one when the run ends: the caller's snapshots are not
    // needed (record() ignores them). withRecord() holds the simulation while it
    // reads; the sink is called on the simulation thread.
    void record(const Snapshot&) override {}
    void withRecord(const std::function<void(const IntervalRecord&)>& read) const override;
    void setRecordSink(IntervalRecord::Sink sink) override;
    // Measured exactly: the jobs in the system integrated over simulated time.
    double meanInSystem() const override;
    // Events processed so far (arrivals, attempt starts and ends, retries, ...).
    std::uint64_t events() const;

    // Warm-up (issue #15): the latency observations (wait, service, total, throttle) of
    // jobs whose planned arrival is before this much run time are not recorded, and
    // the counters, busy and worker time at that instant are kept (warmupMark()) so
    // that rates after it are exact (applyWarmup in core/summary.h). Before start();
    // 0, the default, records everything.
    void setWarmup(Nanos warmupNs);
    WarmupMark warmupMark() const;

private:
    enum class EventKind : std::uint8_t { AttemptEnd, ThrottleEnd, ClientReady, DurationEnd };
    struct Event
    {
        Nanos time;
        std::uint64_t seq; // ties in time go first in, first out: deterministic
        std::uint32_t index;
        EventKind kind;
        bool operator>(const Event& o) const { return time != o.time ? time > o.time : seq > o.seq; }
    };
    struct Delayed
    {
        Nanos due;
        std::uint64_t seq;
        Job job;
        bool operator>(const Delayed& o) const { return due != o.due ? due > o.due : seq > o.seq; }
    };
    struct Worker
    {
        Job job;
        Nanos taken = 0; // took the job from the queue (before a rate-limit wait)
        Nanos start = 0;
        AttemptPlan plan;
    };
    struct Command
    {
        Nanos at;
        std::uint64_t seq;
        Scenario scenario;
    };
    enum class Submit : std::uint8_t { Accepted, Rejected, Blocked };
    enum class Source : std::uint8_t { Command, Heap, Retry, Arrival, Sample, None };

    void simMain(std::stop_token stop);
    // Lets a caller on another thread take the lock ahead of the simulation.
    class CallerLock;

    // All below run with m_mutex held.
    void startLocked();
    void applyLocked(const Scenario& changed);
    void drainLocked();
    void cancelLocked();
    // Drain and cancel alike: the pool accepts nothing more, the producer stops.
    void stopProducing();
    Source nextEvent(Nanos& at) const;
    void processNext(Source source, Nanos at);
    void advanceTo(Nanos t);
    void markWarmupEnd(Nanos at);
    // Whether the job's latencies count: it arrived after the warm-up.
    bool observed(const Job& job) const { return m_warmupNs <= 0 || job.arrivalNs - m_startNs >= m_warmupNs; }
    void pushEvent(Nanos time, std::uint32_t index, EventKind kind);
    void onAttemptEnd(std::uint32_t slot);
    void onThrottleEnd(std::uint32_t slot);
    void onClientReady(std::uint32_t client);
    void onArrival();
    void onSample();
    // blockedBefore: a submission that waited for room (it found every worker busy).
    Submit trySubmit(Job& job, bool producer, bool blockedBefore = false);
    void enqueue(const Job& job);
    void startAttempt(std::uint32_t slot, Job job);
    void beginWork(std::uint32_t slot, Job& job);
    void workerFree(std::uint32_t slot);
    int takeIdleWorker();
    void settle();
    void producerNext();
    void jobDone(const Job& job);
    void maybeEndProducing();
    void checkFinished();
    void spawnWorkers();
    void setWorkerCount(int workers);
    void accrueWorkerNs();
    bool roomForRetry() const;
    void rebuildPolicy();
    void fillSnapshot(Snapshot& out, bool withWorkers) const;
    // An attempt on `slot` ended at m_now as `end` (attempt: its number).
    void pushAttemptEvent(std::uint32_t slot, std::uint32_t attempt, AttemptEnd end);
    bool closed() const { return m_state == PoolState::Draining || m_state == PoolState::Stopped; }

    Scenario m_scenario;

    mutable std::mutex m_mutex;
    std::condition_variable m_simCv; // the simulation thread: a caller is done, a command, pace
    mutable std::atomic<int> m_callers{0};
    std::mutex m_doneMutex;
    std::condition_variable m_doneCv;
    std::atomic<bool> m_finished{false};
    std::jthread m_thread;

    // Pace: simulated time may run ahead of m_paceSimAnchor by pace x wall time.
    double m_pace = 0;
    Nanos m_paceSimAnchor = 0;
    Nanos m_paceWallAnchor = 0;

    // Simulation state, guarded by m_mutex.
    Nanos m_now = 0;
    PoolState m_state = PoolState::Idle; // never Paused: see m_paused
    bool m_paused = false;
    bool m_cancelled = false;
    int m_capacity = 0;
    OverflowPolicy m_overflow = OverflowPolicy::Block;
    int m_target = 1;
    int m_live = 0;
    int m_idleCount = 0;
    int m_busyCount = 0;
    int m_throttledCount = 0;
    std::int64_t m_running = 0; // jobs held by workers (busy or throttled)
    std::vector<Worker> m_workers;
    std::vector<WorkerState> m_states;
    std::vector<std::uint32_t> m_idle; // a stack; entries whose slot is no longer idle are skipped
    std::vector<Event> m_events;       // min-heap
    std::vector<Delayed> m_delayed;    // min-heap
    std::vector<Command> m_commands;   // min-heap by (at, seq)
    std::uint64_t m_seq = 0;
    JobRing m_queue;
    std::deque<Job> m_blocked; // submissions waiting for room under Block, in order
    std::uint64_t m_pushed = 0;
    std::uint64_t m_removed = 0;

    // Producer.
    ArrivalSchedule m_schedule;
    Rng m_arrivalRng;
    bool m_closedModel = false;
    int m_clients = 0;
    Nanos m_nextArrival = -1; // planned, run time; -1: none pending
    bool m_producerBlocked = false;
    bool m_handOffWaiting = false; // the producer waits for its hand-off to be taken
    std::uint64_t m_handOffTicket = 0;
    bool m_producerDone = false;
    std::uint64_t m_created = 0;

    std::shared_ptr<const AttemptPolicy> m_policy;
    std::unique_ptr<TokenBucket> m_bucket;

    // Metrics.
    Counters m_counters;
    std::uint64_t m_accepted = 0;
    Nanos m_startNs = 0;
    WorkerTime m_workerTime;
    Nanos m_busyNs = 0;        // finished attempts
    Nanos m_busySinceSum = 0;  // sum of start times of running attempts
    double m_areaInSystem = 0; // integral of jobs in the system over time, job-ns
    std::uint64_t m_eventCount = 0;
    Histogram m_wait;
    Histogram m_service;
    Histogram m_total;
    Histogram m_totalUncorrected;
    Histogram m_throttle;
    Nanos m_warmupNs = 0;
    WarmupMark m_warmupMark;
    std::shared_ptr<AttemptEventLog> m_attemptLog; // none: no events kept

    // The record, on simulated time.
    IntervalRecorder m_recorder;
    Snapshot m_sampleSnapshot;
};

std::unique_ptr<Engine> makeVirtualEngine(const Scenario& scenario);

} // namespace poollab
