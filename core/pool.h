// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/admission.h"
#include "core/attempt_event.h"
#include "core/job.h"
#include "core/job_queue.h"
#include "core/snapshot.h"
#include "core/worker_limits.h"
#include "core/worker_thread.h"
#include "core/worker_time.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <stop_token>
#include <thread>
#include <vector>

namespace poollab {

// Seam for the workload model: what each attempt does and whether a failed one is
// tried again. Called on worker threads; must be thread-safe and should not block.
class AttemptPolicy
{
public:
    virtual ~AttemptPolicy() = default;
    // Before every attempt (job.attempt is 1 for the first): may set serviceNs,
    // timeoutNs, kind and fails. Runs when the attempt starts, so a change of policy
    // applies to the attempts that start after it.
    virtual void planAttempt(Job& job) const = 0;
    // After a failed attempt: the delay before the next one, or a negative value when
    // the job has used its attempts.
    virtual Nanos retryDelay(const Job& job) const = 0;
};

// Seam for rate limiting: a worker holding a job asks before starting it.
class StartGate
{
public:
    virtual ~StartGate() = default;
    // Blocks until the job may start. Returns the nanoseconds waited, or a negative
    // value if the stop token fired first.
    virtual Nanos acquire(const std::stop_token& stop) = 0;
};

struct PoolConfig
{
    static constexpr int kMaxWorkers = kMaxRealWorkers; // the same constant, by its older name
    static constexpr int kMaxQueueCapacity = 10'000'000;

    int workers = 4;         // 1 .. kMaxRealWorkers
    int queueCapacity = 100; // 0 (hand-off) .. kMaxQueueCapacity
    OverflowPolicy overflow = OverflowPolicy::Block;
    // Called once per submitted job when it reaches its final outcome, on whichever
    // thread decided it (a worker, the submitter, the canceller). Never called with
    // the pool's lock held, so it may submit (a closed-model client does). A submit
    // that blocks (Block, full queue) holds its worker meanwhile: if every worker
    // does, nothing drains the queue, as with Go workers sending to their own full
    // jobs channel.
    std::function<void(const Job&, Outcome)> onJobDone;
};

enum class SubmitResult : std::uint8_t {
    Accepted, // queued (possibly pushing out an older job under DropOldest)
    Rejected, // the queue was full under Reject (or DropOldest with nothing to drop)
    Closed,   // the pool is draining, cancelled or stopped
};

// N workers taking jobs from a bounded FIFO queue of capacity Q.
//
// Life cycle: Idle -> start() -> Running <-> Paused -> drain() or cancel() -> Stopped.
// Worker count and queue capacity change live. Every job submitted ends in exactly
// one Outcome, and snapshot() accounts for all of them at any instant.
class Pool
{
public:
    explicit Pool(PoolConfig config);
    // Cancels a pool that is still running and joins its threads; every job is
    // accounted for (queued and running ones as cancelled).
    ~Pool();
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // Nanoseconds on the pool clock (since construction): what Job::arrivalNs uses.
    Nanos now() const { return steadyNowNs() - m_epoch; }
    Nanos epochSteadyNs() const { return m_epoch; }

    void start();
    // Queues a job whose arrivalNs is set (see now()). Under Block it may wait for
    // room; with capacity 0 it waits until a worker has taken the job.
    SubmitResult submit(Job job);

    void pause();
    void resume();
    // Grows at once; shrinking lets each retiring worker finish its job first.
    void setWorkerCount(int workers);
    // Shrinking below the current depth drops nothing; it holds producers back.
    void setQueueCapacity(int capacity);
    void setOverflowPolicy(OverflowPolicy policy);
    void setAttemptPolicy(std::shared_ptr<const AttemptPolicy> policy);
    void setStartGate(std::shared_ptr<StartGate> gate);
    // Each attempt's event goes to `log` as it ends (times on the run's clock, from the
    // moment the workers were up). Before start(); ignored after it.
    void setAttemptEventLog(std::shared_ptr<AttemptEventLog> log);

    // Accept nothing new, finish what is queued (and backing off), then stop. Clears
    // a pause; pausing again while draining holds the rest of the queue.
    void drain();
    // Accept nothing new; queued, backing-off and running jobs end as cancelled.
    // Running waits are interrupted at once.
    void cancel();
    // Waits until the workers started by start() are running (or the pool is
    // cancelled or stopped). The run's clock (Snapshot::runNs) starts then: starting
    // a thousand threads takes a noticeable time that is not the workload's.
    void waitUntilReady();
    // Waits until the pool has stopped and its threads have ended. Returns false on
    // timeout (timeoutNs < 0: no limit). Not to be called from onJobDone.
    bool waitUntilStopped(Nanos timeoutNs = -1);

    PoolState state() const;
    int workerCount() const;
    int queueCapacity() const;
    void snapshot(Snapshot& out) const; // reuses out's buffers
    Snapshot snapshot() const;

private:
    struct WorkerSlot;
    struct HistogramShard;
    struct Delayed
    {
        Nanos due;
        Job job;
        bool operator>(const Delayed& other) const { return due > other.due; }
    };

    // The policies a worker runs its jobs by, refreshed when they change.
    struct Rules
    {
        std::shared_ptr<const AttemptPolicy> policy;
        std::shared_ptr<StartGate> gate;
        std::uint64_t version = ~std::uint64_t{0};
    };

    // A worker's life: take a job and run it, else watch the queue a while, else park;
    // leave when the pool stops or the count drops below it.
    void workerMain(int slot, std::stop_token stop);
    // True when the worker must leave (m_mutex is then held, for retireLocked()).
    bool mustLeave(int slot);
    // counted: the worker is still counted in m_running from its last job (runJob()).
    JobQueue::Status takeJob(WorkerSlot& slot, Job& job, bool counted);
    // Returns true when the worker stays counted in m_running: it holds attempt events
    // not yet flushed to the log, and the pool must not finish before they are.
    bool runJob(int slot, Job& job, Rules& rules, const std::stop_token& stop, class PreciseWaiter& waiter);
    // A failed attempt with attempts left waits out its backoff in m_delayed.
    void delayRetry(const Job& job, Nanos due);
    // Spins a while for a job; false when too many workers spin already.
    bool watchQueue();
    void park(int slot);
    void retireLocked(int slot); // releases m_mutex
    void retryMain();
    // Runs one attempt; returns true when the job must be retried (job updated).
    bool runAttempt(int slot, Job& job, const AttemptPolicy* policy, StartGate* gate,
                    const std::stop_token& stop, class PreciseWaiter& waiter, Nanos& retryDue, bool& away);
    // How an attempt's work went, once run and measured (see runMeasured()).
    struct AttemptRun
    {
        bool finished = false; // false: cancelled
        Nanos end = 0;         // its end on the worker's timeline (a cancelled one: when it stopped)
        Nanos eventFrom = 0;   // where its event's service starts
    };
    // Runs the attempt's work from `start` on the worker's timeline (holding a CPU or
    // empty job taken early), and records its service and busy time.
    AttemptRun runMeasured(WorkerSlot& slot, HistogramShard& shard, const Job& job, Nanos work, Nanos start,
                           Nanos tokenAt, Nanos busyFrom, class PreciseWaiter& waiter,
                           const std::stop_token& stop, bool& away);
    // Queues the attempt's event for the log, its times made consistent (see the definition).
    void logAttempt(WorkerSlot& slot, int slotIndex, const Job& job, std::uint32_t attempt, Nanos begun,
                    Nanos busyFrom, Nanos end, AttemptEnd how);
    // Pushes the worker's queued events to the log: when kAttemptEventBatch are queued, and
    // before the worker waits (for a job, a token, its job's work) or leaves, so an
    // event reaches readers late only while its worker runs empty jobs back to back.
    // A worker holding events stays counted in m_running, so every event is in the
    // log before the pool can finish.
    void flushEvents(WorkerSlot& slot);
    void spawnWorkersLocked();
    void beginLocked(PoolState state); // from Idle: spawn the workers and the retry thread
    void workerStartedLocked();
    void endWarmUpIfReadyLocked();
    void releaseHoldLocked();
    // Parking: idle workers wait each on their own condition variable, stacked so the
    // most recently parked (cache-warm) worker is woken first. Returns the slot woken
    // (to notify once the lock is released) or -1.
    int wakeOneLocked();
    void wakeAllLocked();
    void notifyWoken(int slot);
    // After a push: wakes a parked worker if no awake one will be free soon.
    void wakeForNewWork();
    // After a pop: a producer or the retry thread may be waiting for room.
    void notifySpace();
    // A worker about to wait a long time (rate limit, a long job) stops counting as
    // available and, if the queue holds work nobody else will take soon, wakes a worker.
    void goAway(bool& away);
    // A worker lets go of a job (or of its reservation); the last one out of a
    // draining pool finishes it.
    void releaseRunning();
    // Waits for a queue growth in progress (the grower holds m_mutex).
    void waitForGrower();
    // Waits until no worker is between its pop and counting the job taken.
    void waitForPopsInProgress() const;
    // A producer blocked on a full queue (or a hand-off producer until `ticket` is
    // taken): parks until something changes.
    void waitForSpace(bool handOff, std::uint64_t ticket);
    // submit()'s steps. The admission rule (core/admission.h) for this job now: an
    // Enqueue has pushed it (ticket: its position); nothing when the queue was being
    // grown and the submitter must look again.
    std::optional<Admission> admitNow(const Job& job, int capacity, OverflowPolicy overflow,
                                      std::uint64_t& ticket);
    void countAccepted();                      // a submit's push has claimed its place (run under the push)
    void waitUntilTaken(std::uint64_t ticket); // a hand-off under block
    void waitForRoom(bool& spun);              // block: spin once, then park
    // Drops the oldest queued job and queues this one; false when it must decide again.
    bool dropOldestFor(const Job& job, int capacity);
    bool closedLocked() const { return m_state == PoolState::Draining || m_state == PoolState::Stopped; }
    bool queueFullLocked() const;
    void checkFinishedLocked();
    void setStateLocked(PoolState state);
    PoolState reportedStateLocked() const;
    void accrueWorkerNsLocked(Nanos now);
    int availableWorkersLocked() const { return availableWorkers(m_target, m_live); }
    void notifyDone(const Job& job, Outcome outcome) const
    {
        if (m_onJobDone)
            m_onJobDone(job, outcome);
    }
    void joinAll();

    const Nanos m_epoch;
    const std::function<void(const Job&, Outcome)> m_onJobDone;
    const int m_cores;

    // The control plane: state changes, parking, the delay queue, policies. Jobs move
    // through m_queue without it.
    mutable std::mutex m_mutex;
    std::condition_variable m_spaceCv; // producers and the retry thread: room, a hand-off taken, a change
    std::condition_variable m_retryCv; // the retry thread: a new delayed job
    std::condition_variable m_stoppedCv;
    std::condition_variable m_readyCv;

    // Guarded by m_mutex; those read on the job path are mirrored in atomics below.
    std::priority_queue<Delayed, std::vector<Delayed>, std::greater<>> m_delayed;
    PoolState m_state = PoolState::Idle; // never Paused: see m_paused
    bool m_paused = false;
    bool m_cancelled = false;
    int m_capacity;
    OverflowPolicy m_overflow;
    int m_target;
    int m_live = 0;
    std::vector<int> m_parked; // parked worker slots, most recent last
    std::shared_ptr<const AttemptPolicy> m_policy;
    std::shared_ptr<StartGate> m_gate;
    // Set before start() and only read after it (the threads start after it is set).
    std::shared_ptr<AttemptEventLog> m_attemptLog;
    bool m_warmingUp = false; // between start() and the last of its workers running
    int m_startedWorkers = 0;
    int m_awaitedWorkers = 0;
    Nanos m_startNs = 0;
    WorkerTime m_workerTime;
    std::vector<WorkerThread> m_threads; // by slot
    std::vector<char> m_slotAlive;       // by slot
    WorkerThread m_retryThread;
    std::mutex m_joinMutex; // joinAll() may be reached from several threads

    std::atomic<PoolState> m_stateA{PoolState::Idle};
    std::atomic<bool> m_pausedA{false};
    std::atomic<bool> m_cancelledA{false};
    std::atomic<int> m_targetA{0};
    std::atomic<int> m_capacityA{0};
    std::atomic<OverflowPolicy> m_overflowA{OverflowPolicy::Block};
    std::atomic<std::uint64_t> m_policyVersion{0};
    std::atomic<bool> m_shareCores{false}; // more workers than cores: final spins yield
    std::atomic<Nanos> m_runStartA{0};     // m_startNs, for the attempt events' run clock

    JobQueue m_queue;

    // Worker availability, kept without the lock. A push and a parking worker each
    // write one of these and then read the other (sequentially consistent), so at
    // least one of them sees the other: no job waits while its worker sleeps.
    // Workers awake and soon free: spinning, between jobs or running a short one. A
    // push wakes a parked worker only when this is 0, so a burst of short jobs does
    // not wake a thread per job.
    alignas(64) std::atomic<int> m_looking{0};
    std::atomic<int> m_parkedCount{0}; // m_parked.size()
    std::atomic<int> m_idleWaiting{0}; // ready for a job now: parked or spinning
    std::atomic<int> m_spinners{0};
    // Jobs held by workers, counted before a pop is tried: with the queue empty, 0
    // means nobody holds a job.
    alignas(64) std::atomic<std::int64_t> m_running{0};
    // Jobs queued or held by a worker: +1 as a push claims its slot (before any pop can
    // take it), -1 as a job leaves the queue without a worker (dropped, cancelled) or a
    // worker lets go of it. A pop leaves it alone, so an arrival reading it never sees
    // a job between the queue and a worker (Pool::submit's "found no idle worker").
    // Unlike m_running it never counts an idle worker trying the queue.
    std::atomic<std::int64_t> m_queuedOrHeld{0};
    alignas(64) std::atomic<int> m_spaceWaiters{0};

    // Counters written without the lock, read in snapshot() in an order that keeps
    // the accounting invariant exact (see snapshot()).
    alignas(64) std::atomic<std::uint64_t> m_accepted{0}; // counted as the queue slot is claimed
    std::atomic<std::uint64_t> m_rejected{0};
    std::atomic<std::uint64_t> m_arrivedToBusy{0}; // Counters::arrivedToBusy
    std::atomic<std::uint64_t> m_refused{0};
    std::atomic<std::uint64_t> m_dropped{0};
    std::atomic<std::uint64_t> m_cancelledQueued{0};
    std::atomic<std::uint64_t> m_cancelledBackoff{0};
    // Jobs out of the queue: +1 when a worker takes one, -1 when a retry re-enters.
    alignas(64) std::atomic<std::int64_t> m_taken{0};
    std::atomic<int> m_slotHighWater{0};

    std::stop_source m_cancelSource;
    std::unique_ptr<WorkerSlot[]> m_slots;
    std::unique_ptr<HistogramShard[]> m_shards;
};

std::string_view toString(SubmitResult result);

} // namespace poollab
