// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"

#include "core/admission.h"
#include "core/attempt.h"
#include "core/attempt_timeline.h"
#include "core/cpu_relax.h"
#include "core/drain.h"
#include "core/precise_wait.h"

#include <algorithm>

namespace poollab {

namespace {
constexpr int kHistogramShards = 16;
// How long an idle worker, or a producer facing a full queue, watches for a change
// before parking: longer than a futex wake-up round trip, short enough to cost little.
constexpr Nanos kSpinNs = 50 * kMicro;
// Workers run shallow call chains; sanitizers' instrumented frames are larger.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kWorkerStackBytes = 2 << 20;
#else
constexpr std::size_t kWorkerStackBytes = 256 << 10;
#endif

// Watches `done` for up to kSpinNs. Mostly with the CPU's pause instruction; every
// few looks it yields the core, because on a machine with fewer cores than threads
// the thread we wait for may need this one's. Yielding on every look would cost a
// system call each time (expensive in a VM) and was a fifth of the CPU of a 2-worker
// run of empty jobs.
template <typename F> void spinUntil(F&& done)
{
    const Nanos until = steadyNowNs() + kSpinNs;
    for (int i = 0; !done(); ++i) {
        if ((i & 15) == 15) {
            if (steadyNowNs() > until)
                return;
            std::this_thread::yield();
        } else {
            for (int k = 0; k < 4; ++k)
                cpuRelax();
        }
    }
}

// Worker-owned counters have a single writer, so a plain store of load + 1 is enough;
// release pairs with the snapshot's acquire loads.
inline void bump(std::atomic<std::uint64_t>& counter)
{
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}

// Runs an attempt's work from startSteady (its start on the timeline, steady clock);
// false if stopped first. A sleep job sleeps until its start plus its work; CPU work
// burns for its length from now; an empty job only checks for a stop.
bool runWork(PreciseWaiter& waiter, JobKind kind, Nanos work, Nanos startSteady, bool share,
             const std::stop_token& stop)
{
    if (work > 0)
        return kind == JobKind::Cpu ? waiter.burnCpu(work) : waiter.sleepUntil(startSteady + work, share);
    return !stop.stop_requested();
}

} // namespace

struct alignas(64) Pool::WorkerSlot
{
    std::atomic<std::uint64_t> succeeded{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> cancelled{0};
    std::atomic<std::uint64_t> attempts{0};
    std::atomic<std::uint64_t> retries{0};
    std::atomic<std::uint64_t> timedOut{0};
    std::atomic<std::uint64_t> throttled{0};
    std::atomic<Nanos> busyNs{0};
    // This worker's share of the histograms' sums (see HistogramSum).
    HistogramSum waitSum;
    HistogramSum serviceSum; // above busyNs by what a sleep's lateness overlapped the next job
    HistogramSum totalSum;
    HistogramSum totalUncorrectedSum;
    HistogramSum throttleSum;
    alignas(64) std::atomic<Nanos> busySince{0};
    std::atomic<WorkerState> state{WorkerState::Retired};
    // Set while this worker pops and counts a job: pause() and a hand-off producer wait
    // for it, so that a job taken just before the hold is counted before they return.
    std::atomic<bool> popping{false};
    AttemptTimeline timeline; // only this worker's thread touches it
    Nanos laneEnd = 0;        // the end of this worker's last attempt event (same thread)
    // Attempt events not yet in the log (this worker's thread only; allocated at its
    // start when a log is set): see flushEvents().
    std::unique_ptr<AttemptEvent[]> pendingEvents;
    std::size_t pendingCount = 0;
    std::condition_variable wakeCv; // parking; guarded by the pool's mutex
    bool woken = false;
};

// Workers share histograms by slot modulo the shard count: one histogram per worker
// would cost ~80 KB each and a thousand-way merge per UI tick. With more workers
// than cores only a few run at once, so the shards see little contention.
struct Pool::HistogramShard
{
    AtomicHistogram wait;
    AtomicHistogram service;
    AtomicHistogram total;
    AtomicHistogram totalUncorrected;
    AtomicHistogram throttle;
};

std::string_view toString(SubmitResult result)
{
    switch (result) {
    case SubmitResult::Accepted:
        return "accepted";
    case SubmitResult::Rejected:
        return "rejected";
    case SubmitResult::Closed:
        return "closed";
    }
    return "unknown";
}

Pool::Pool(PoolConfig config)
    : m_epoch(steadyNowNs()), m_onJobDone(std::move(config.onJobDone)),
      m_cores(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))),
      m_capacity(std::clamp(config.queueCapacity, 0, PoolConfig::kMaxQueueCapacity)),
      m_overflow(config.overflow), m_target(clampWorkers(config.workers, kMaxRealWorkers)),
      m_threads(kMaxRealWorkers), m_slotAlive(kMaxRealWorkers, 0),
      // The ring starts small and doubles on demand: a capacity of millions costs
      // memory only once that many jobs are queued.
      m_queue(static_cast<std::size_t>(std::clamp(m_capacity, 64, 4096))),
      m_slots(new WorkerSlot[kMaxRealWorkers]), m_shards(new HistogramShard[kHistogramShards])
{
    m_capacityA.store(m_capacity, std::memory_order_relaxed);
    m_overflowA.store(m_overflow, std::memory_order_relaxed);
    m_targetA.store(m_target, std::memory_order_relaxed);
    m_parked.reserve(kMaxRealWorkers);
}

int Pool::wakeOneLocked()
{
    if (m_parked.empty())
        return -1;
    const int slot = m_parked.back();
    m_parked.pop_back();
    m_parkedCount.store(static_cast<int>(m_parked.size()), std::memory_order_seq_cst);
    m_slots[slot].woken = true;
    m_looking.fetch_add(1, std::memory_order_seq_cst); // at once, so the next push does not wake another
    return slot;
}

void Pool::notifyWoken(int slot)
{
    if (slot >= 0)
        m_slots[slot].wakeCv.notify_one();
}

void Pool::wakeAllLocked()
{
    while (!m_parked.empty())
        m_slots[wakeOneLocked()].wakeCv.notify_one();
}

void Pool::wakeForNewWork()
{
    // Pairs with a parking worker, which counts itself parked, stops looking, then
    // checks the queue: either it sees this job or this sees it parked.
    if (m_looking.load(std::memory_order_seq_cst) > 0 || m_parkedCount.load(std::memory_order_seq_cst) == 0)
        return;
    int wake = -1;
    {
        std::lock_guard lock(m_mutex);
        if (m_looking.load(std::memory_order_relaxed) == 0 && !m_queue.held())
            wake = wakeOneLocked();
    }
    notifyWoken(wake);
}

void Pool::notifySpace()
{
    // Pairs with waitForSpace(), which counts itself waiting and then checks the queue.
    if (m_spaceWaiters.load(std::memory_order_seq_cst) == 0)
        return;
    {
        std::lock_guard lock(m_mutex);
    } // a waiter is now inside wait(), or will see the room
    m_spaceCv.notify_all();
}

void Pool::goAway(bool& away)
{
    if (away)
        return;
    away = true;
    const int looking = m_looking.fetch_sub(1, std::memory_order_seq_cst) - 1;
    if (m_parkedCount.load(std::memory_order_seq_cst) == 0 ||
        m_queue.size() <= static_cast<std::uint64_t>(std::max(looking, 0)))
        return;
    std::lock_guard lock(m_mutex);
    if (m_queue.held())
        return;
    // Jobs are long now: every queued job nobody awake will take needs a worker, so
    // wake them together rather than one wake-up after another.
    while (static_cast<std::uint64_t>(std::max(m_looking.load(std::memory_order_relaxed), 0)) <
               m_queue.size() &&
           !m_parked.empty())
        m_slots[wakeOneLocked()].wakeCv.notify_one();
}

void Pool::releaseRunning()
{
    // Pairs with drain(), which sets the state and then reads m_running.
    if (m_running.fetch_sub(1, std::memory_order_seq_cst) != 1 ||
        m_stateA.load(std::memory_order_seq_cst) != PoolState::Draining)
        return;
    std::lock_guard lock(m_mutex);
    checkFinishedLocked();
}

void Pool::waitForGrower()
{
    std::lock_guard lock(m_mutex);
}

void Pool::waitForPopsInProgress() const
{
    // A worker is in this window for nanoseconds (it takes no lock there).
    const int slots = m_slotHighWater.load(std::memory_order_acquire);
    for (int i = 0; i < slots; ++i)
        while (m_slots[i].popping.load(std::memory_order_seq_cst))
            std::this_thread::yield();
}

Pool::~Pool()
{
    cancel();
    joinAll();
}

void Pool::joinAll()
{
    std::lock_guard joinLock(m_joinMutex);
    // Every thread leaves its loop once the pool is stopped, so these joins end.
    for (auto& t : m_threads)
        if (t.joinable())
            t.join();
    if (m_retryThread.joinable())
        m_retryThread.join();
}

void Pool::setStateLocked(PoolState state)
{
    m_state = state;
    m_stateA.store(state, std::memory_order_seq_cst);
}

void Pool::start()
{
    std::lock_guard lock(m_mutex);
    if (m_state != PoolState::Idle)
        return;
    beginLocked(PoolState::Running);
}

void Pool::beginLocked(PoolState state)
{
    setStateLocked(state);
    m_startNs = now();
    m_runStartA.store(m_startNs, std::memory_order_relaxed);
    m_workerTime.restart(m_startNs);
    m_warmingUp = true;
    m_awaitedWorkers = m_target;
    // No job starts before the run's clock does, or its busy time would fall outside
    // the run (utilization above 1).
    m_queue.setHeld(true);
    spawnWorkersLocked();
    m_retryThread = WorkerThread([this] { retryMain(); }, kWorkerStackBytes);
}

void Pool::workerStartedLocked()
{
    ++m_startedWorkers;
    endWarmUpIfReadyLocked();
}

void Pool::endWarmUpIfReadyLocked()
{
    if (!m_warmingUp || m_startedWorkers < m_awaitedWorkers)
        return;
    m_warmingUp = false;
    if (m_state != PoolState::Stopped) {
        m_startNs = now();
        m_runStartA.store(m_startNs, std::memory_order_relaxed);
        m_workerTime.restart(m_startNs);
    }
    releaseHoldLocked();
    m_readyCv.notify_all();
}

void Pool::releaseHoldLocked()
{
    // Held while paused, cancelled or warming up; released when none is left.
    if (m_paused || m_cancelled || m_warmingUp)
        return;
    m_queue.setHeld(false);
    wakeAllLocked();
}

void Pool::waitUntilReady()
{
    std::unique_lock lock(m_mutex);
    m_readyCv.wait(lock, [this] { return !m_warmingUp || m_state == PoolState::Stopped || m_cancelled; });
}

void Pool::spawnWorkersLocked()
{
    for (int slot = 0; slot < m_target; ++slot) {
        if (m_slotAlive[slot])
            continue; // still running, perhaps finishing a job before it would have retired
        if (m_threads[slot].joinable())
            m_threads[slot].join(); // an earlier occupant that has left its loop
        m_slotAlive[slot] = 1;
        ++m_live;
        m_slots[slot].state.store(WorkerState::Idle, std::memory_order_relaxed);
        try {
            m_threads[slot] =
                WorkerThread([this, slot, token = m_cancelSource.get_token()] { workerMain(slot, token); },
                             kWorkerStackBytes);
        } catch (...) {
            // Out of threads: run with those that started rather than wait for this one.
            m_slotAlive[slot] = 0;
            --m_live;
            m_slots[slot].state.store(WorkerState::Retired, std::memory_order_relaxed);
            m_target = slot;
            m_targetA.store(slot, std::memory_order_release);
            if (m_warmingUp) {
                m_awaitedWorkers = std::min(m_awaitedWorkers, slot);
                endWarmUpIfReadyLocked();
            }
            throw;
        }
    }
    if (m_slotHighWater.load(std::memory_order_relaxed) < m_target)
        m_slotHighWater.store(m_target, std::memory_order_release);
    m_shareCores.store(m_target > m_cores, std::memory_order_relaxed);
}

bool Pool::queueFullLocked() const
{
    return !retryMayEnter(m_queue.size(), m_capacity);
}

void Pool::waitForSpace(bool handOff, std::uint64_t ticket)
{
    std::unique_lock lock(m_mutex);
    m_spaceWaiters.fetch_add(1, std::memory_order_seq_cst);
    const bool waitOn =
        handOff ? m_queue.popped() <= ticket
                : queueFullLocked() && !closedLocked() && !m_cancelled && m_overflow == OverflowPolicy::Block;
    if (waitOn) {
        // A full queue that is not held must not wait on parked workers. One counted
        // as looking may be this very thread (onJobDone may submit) and never come.
        if (!m_queue.held() && !m_parked.empty())
            notifyWoken(wakeOneLocked());
        m_spaceCv.wait(lock);
    }
    m_spaceWaiters.fetch_sub(1, std::memory_order_relaxed);
}

SubmitResult Pool::submit(Job job)
{
    job.enqueueNs = job.arrivalNs; // the first wait counts from the planned arrival
    job.attempt = 1;
    // Did this arrival find no idle worker (Erlang C's "it waits")? It did when the jobs
    // already in the system, held by workers or queued for them, are as many as the
    // workers: queued ones will take the workers that are free but have not yet
    // picked them up. Read once, before the first try: a producer blocked on a full
    // queue found every worker busy. One count that a pop leaves alone, so no window
    // between a pop and a count of held jobs makes a busy worker look idle. Paused, no
    // idle worker may take the job either.
    const bool arrivedToBusy =
        m_queuedOrHeld.load(std::memory_order_relaxed) >= m_targetA.load(std::memory_order_relaxed) ||
        m_pausedA.load(std::memory_order_relaxed);
    // A job that finds an idle worker is picked up from its push (see AttemptTimeline);
    // one that finds none waits for a worker to end its job. The uncorrected latency
    // counts from the actual submission (a producer aims a little early: never before
    // the plan).
    const Nanos submittedAt = now();
    job.pushedNs = arrivedToBusy ? job.arrivalNs : submittedAt;
    job.submittedNs = std::max(job.arrivalNs, submittedAt);
    // After m_accepted (counted by the push), so that a snapshot never sees more of
    // these than accepted jobs.
    const auto countArrival = [this, arrivedToBusy] {
        if (arrivedToBusy)
            m_arrivedToBusy.fetch_add(1, std::memory_order_release);
    };
    bool spun = false;
    for (;;) {
        const int capacity = m_capacityA.load(std::memory_order_relaxed);
        const OverflowPolicy overflow = m_overflowA.load(std::memory_order_relaxed);
        std::uint64_t ticket = 0;
        const std::optional<Admission> decision = admitNow(job, capacity, overflow, ticket);
        if (!decision)
            continue; // the queue was being grown
        switch (*decision) {
        case Admission::Enqueue:
            countArrival();
            wakeForNewWork();
            if (waitsForTaker(capacity, overflow))
                waitUntilTaken(ticket); // like an unbuffered channel: return once a worker has the job
            return SubmitResult::Accepted;
        case Admission::Refuse:
            m_refused.fetch_add(1, std::memory_order_relaxed);
            m_rejected.fetch_add(1, std::memory_order_release);
            notifyDone(job, Outcome::Rejected);
            return SubmitResult::Closed;
        case Admission::Wait:
            waitForRoom(spun);
            job.pushedNs = now(); // it enters the queue once there is room, not before
            continue;
        case Admission::DropOldest:
            if (!dropOldestFor(job, capacity))
                continue; // closed (the push reports it) or emptied meanwhile
            countArrival();
            wakeForNewWork();
            return SubmitResult::Accepted;
        case Admission::Reject:
            m_rejected.fetch_add(1, std::memory_order_release);
            notifyDone(job, Outcome::Rejected);
            return SubmitResult::Rejected;
        }
    }
}

std::optional<Admission> Pool::admitNow(const Job& job, int capacity, OverflowPolicy overflow,
                                        std::uint64_t& ticket)
{
    AdmissionView view;
    view.capacity = capacity;
    view.overflow = overflow;
    // The push tests the room atomically (up to queueBound); only a hand-off that does
    // not wait needs what the push cannot see: a worker ready for the job right now.
    if (needsReadyWorker(capacity, overflow)) {
        view.queued = m_queue.size();
        view.closed = m_queue.closed();
        const bool running = !m_pausedA.load(std::memory_order_relaxed) &&
                             m_stateA.load(std::memory_order_relaxed) == PoolState::Running;
        view.readyWorkers = running ? m_idleWaiting.load(std::memory_order_seq_cst) : 0;
        const Admission decision = admit(view);
        if (decision != Admission::Enqueue)
            return decision;
    }
    switch (m_queue.push(job, queueBound(capacity), false, &ticket, [this] { countAccepted(); })) {
    case JobQueue::Status::Ok:
        return Admission::Enqueue;
    case JobQueue::Status::Closed:
        return Admission::Refuse;
    case JobQueue::Status::Frozen:
        waitForGrower();
        return std::nullopt;
    case JobQueue::Status::NeedsGrowth: {
        std::lock_guard lock(m_mutex);
        m_queue.growIfFull();
        return std::nullopt;
    }
    case JobQueue::Status::Full:
    case JobQueue::Status::Empty:
    case JobQueue::Status::Held:
        break;
    }
    view.queued = queueBound(capacity); // as the push found it
    return whenFull(view);
}

void Pool::countAccepted()
{
    m_accepted.fetch_add(1, std::memory_order_release);
    m_queuedOrHeld.fetch_add(1, std::memory_order_relaxed); // before any pop can take it
}

void Pool::waitUntilTaken(std::uint64_t ticket)
{
    while (m_queue.popped() <= ticket)
        waitForSpace(true, ticket);
    waitForPopsInProgress(); // the taker has counted it: not queued any more
}

void Pool::waitForRoom(bool& spun)
{
    if (!spun) {
        // Workers free a place within microseconds when jobs are short: watch for it
        // before paying for a park and a wake-up per job.
        spun = true;
        spinUntil([this] {
            return m_queue.size() < queueBound(m_capacityA.load(std::memory_order_relaxed)) ||
                   m_queue.closed();
        });
        return;
    }
    spun = false;
    waitForSpace(false, 0);
}

bool Pool::dropOldestFor(const Job& job, int capacity)
{
    Job oldest;
    JobQueue::Status popped = JobQueue::Status::Empty;
    JobQueue::Status pushed = JobQueue::Status::Full;
    {
        // Under the lock: drain() and cancel() close the queue under it, so no job is
        // dropped for one that is then refused; and the push takes the place made even
        // above a shrunk capacity (one drop per submit, as before).
        std::lock_guard lock(m_mutex);
        if (!m_queue.closed()) {
            const std::uint64_t depth = m_queue.size();
            popped = m_queue.pop(oldest, true);
            if (popped == JobQueue::Status::Ok) {
                m_dropped.fetch_add(1, std::memory_order_release);
                m_queuedOrHeld.fetch_sub(1, std::memory_order_relaxed);
                pushed = m_queue.push(job, std::max(depth, queueBound(capacity)), false, nullptr,
                                      [this] { countAccepted(); });
            }
        }
    }
    if (popped != JobQueue::Status::Ok)
        return false;
    notifyDone(oldest, Outcome::Dropped);
    if (pushed == JobQueue::Status::Ok)
        return true;
    notifySpace(); // a lock-free push took the place meanwhile; try again
    return false;
}

void Pool::workerMain(int slotIndex, std::stop_token stop)
{
    PreciseWaiter::tightenTimerSlack();
    PreciseWaiter waiter(stop);
    WorkerSlot& slot = m_slots[slotIndex];
    Rules rules;
    slot.timeline.reset(now());
    if (m_attemptLog && !slot.pendingEvents)
        slot.pendingEvents.reset(new AttemptEvent[kAttemptEventBatch]);

    m_looking.fetch_add(1, std::memory_order_seq_cst);
    {
        std::lock_guard lock(m_mutex);
        workerStartedLocked();
    }
    bool spun = false;
    // Still counted in m_running after a job whose events are not in the log yet: the
    // pool cannot finish before they are (see runJob()); the next pop uses that count.
    bool counted = false;
    for (;;) {
        if (counted && retires(slotIndex, m_targetA.load(std::memory_order_acquire))) {
            flushEvents(slot);
            releaseRunning();
            counted = false;
        }
        if (!counted && mustLeave(slotIndex))
            break; // with m_mutex held
        Job job;
        const JobQueue::Status status = takeJob(slot, job, counted);
        counted = false;
        if (status == JobQueue::Status::Ok) {
            spun = false;
            counted = runJob(slotIndex, job, rules, stop, waiter);
            continue;
        }
        flushEvents(slot); // about to wait for work: what it logged goes to the readers
        releaseRunning();
        if (status == JobQueue::Status::Frozen) {
            waitForGrower();
            continue;
        }
        // Empty or held.
        slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
        if (!spun && !m_pausedA.load(std::memory_order_relaxed) &&
            !m_cancelledA.load(std::memory_order_relaxed)) {
            spun = true;
            if (watchQueue())
                continue;
        }
        spun = false;
        park(slotIndex);
    }
    flushEvents(slot); // the log takes no lock: fine under m_mutex
    retireLocked(slotIndex);
}

bool Pool::mustLeave(int slotIndex)
{
    if (m_stateA.load(std::memory_order_acquire) != PoolState::Stopped &&
        !retires(slotIndex, m_targetA.load(std::memory_order_acquire)))
        return false;
    std::unique_lock lock(m_mutex);
    if (m_state != PoolState::Stopped && !retires(slotIndex, m_target))
        return false; // changed back meanwhile
    lock.release();   // leave the loop with m_mutex held
    return true;
}

JobQueue::Status Pool::takeJob(WorkerSlot& slot, Job& job, bool counted)
{
    // Counted before the pop: with the queue empty, m_running == 0 then means no
    // worker holds a job, which is what ends a drain.
    if (!counted)
        m_running.fetch_add(1, std::memory_order_seq_cst);
    // Pairs with pause(), which holds the queue and then waits for this flag.
    slot.popping.store(true, std::memory_order_seq_cst);
    const JobQueue::Status status = m_queue.pop(job);
    if (status == JobQueue::Status::Ok) {
        m_taken.fetch_add(1, std::memory_order_release);
    }
    slot.popping.store(false, std::memory_order_release);
    return status;
}

bool Pool::runJob(int slotIndex, Job& job, Rules& rules, const std::stop_token& stop, PreciseWaiter& waiter)
{
    notifySpace();
    if (m_policyVersion.load(std::memory_order_acquire) != rules.version) {
        std::lock_guard lock(m_mutex);
        rules.policy = m_policy;
        rules.gate = m_gate;
        rules.version = m_policyVersion.load(std::memory_order_relaxed);
    }
    Nanos retryDue = 0;
    bool away = false;
    const bool retry =
        runAttempt(slotIndex, job, rules.policy.get(), rules.gate.get(), stop, waiter, retryDue, away);
    m_queuedOrHeld.fetch_sub(1, std::memory_order_relaxed); // this worker is free again
    if (away)
        m_looking.fetch_add(1, std::memory_order_seq_cst);
    if (retry)
        delayRetry(job, retryDue);
    if (m_slots[slotIndex].pendingCount > 0)
        return true; // events queued for the log: stays counted until they are flushed
    releaseRunning();
    return false;
}

void Pool::delayRetry(const Job& job, Nanos due)
{
    bool cancelled = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_cancelled) {
            cancelled = true;
            m_cancelledBackoff.fetch_add(1, std::memory_order_release);
        } else {
            const bool first = m_delayed.empty() || due < m_delayed.top().due;
            m_delayed.push({due, job});
            if (first)
                m_retryCv.notify_one();
        }
    }
    if (cancelled)
        notifyDone(job, Outcome::Cancelled);
}

bool Pool::watchQueue()
{
    // Short jobs arrive faster than a park and wake-up round trip: watch the queue for
    // a while first (a few spinners at most, so they cannot crowd out the threads
    // doing work).
    const bool watch = m_spinners.fetch_add(1, std::memory_order_relaxed) < m_cores;
    if (watch) {
        m_idleWaiting.fetch_add(1, std::memory_order_seq_cst);
        spinUntil([this] { return m_queue.size() > 0 && !m_queue.held(); });
        m_idleWaiting.fetch_sub(1, std::memory_order_relaxed);
    }
    m_spinners.fetch_sub(1, std::memory_order_relaxed);
    return watch;
}

void Pool::park(int slotIndex)
{
    WorkerSlot& slot = m_slots[slotIndex];
    std::unique_lock lock(m_mutex);
    if (m_state == PoolState::Stopped || retires(slotIndex, m_target))
        return;
    // Count this worker parked and no longer looking, then look at the queue once
    // more: a push either is seen here or sees this worker parked (wakeForNewWork).
    slot.woken = false;
    m_parked.push_back(slotIndex);
    m_parkedCount.store(static_cast<int>(m_parked.size()), std::memory_order_seq_cst);
    m_idleWaiting.fetch_add(1, std::memory_order_seq_cst);
    m_looking.fetch_sub(1, std::memory_order_seq_cst);
    if (!m_queue.held() && m_queue.size() > 0) {
        m_parked.pop_back(); // still last: parked and woken only under the lock
        m_parkedCount.store(static_cast<int>(m_parked.size()), std::memory_order_seq_cst);
        m_idleWaiting.fetch_sub(1, std::memory_order_relaxed);
        m_looking.fetch_add(1, std::memory_order_seq_cst);
        return;
    }
    slot.wakeCv.wait(lock, [&] { return slot.woken; });
    m_idleWaiting.fetch_sub(1, std::memory_order_relaxed); // the waker counted it looking again
}

void Pool::retireLocked(int slotIndex)
{
    accrueWorkerNsLocked(now()); // it was available until now (see availableWorkersLocked())
    m_slotAlive[slotIndex] = 0;
    --m_live;
    const int looking = m_looking.fetch_sub(1, std::memory_order_seq_cst) - 1;
    m_slots[slotIndex].state.store(WorkerState::Retired, std::memory_order_relaxed);
    // A wake-up meant for a worker may have reached this retiring one: pass it on.
    const int passOn = m_queue.size() > 0 && looking == 0 && !m_queue.held() ? wakeOneLocked() : -1;
    m_mutex.unlock();
    notifyWoken(passOn);
}

bool Pool::runAttempt(int slotIndex, Job& job, const AttemptPolicy* policy, StartGate* gate,
                      const std::stop_token& stop, PreciseWaiter& waiter, Nanos& retryDue, bool& away)
{
    WorkerSlot& slot = m_slots[slotIndex];
    HistogramShard& shard = m_shards[slotIndex % kHistogramShards];
    bump(slot.attempts);
    const std::uint32_t attempt = job.attempt;

    // The queue wait ends when a worker takes the job, as on this worker's timeline:
    // the simulator's own lateness (sleeps, the producer) left out, the pick-up kept
    // (see AttemptTimeline). A rate-limit token is waited for after that and measured
    // apart (throttle); total latency counts both.
    const Nanos taken = now();
    const Nanos begun = slot.timeline.start(job.enqueueNs, job.pushedNs, taken);
    const Nanos queueWait = std::max<Nanos>(0, begun - job.enqueueNs); // begun is never before enqueueNs
    shard.wait.record(queueWait);
    slot.waitSum.add(queueWait);

    if (gate) {
        flushEvents(slot);
        goAway(away); // a rate-limit wait may be long
        slot.state.store(WorkerState::Throttled, std::memory_order_relaxed);
        const Nanos waited = gate->acquire(stop);
        if (waited < 0) {
            bump(slot.cancelled);
            slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
            if (m_attemptLog) {
                const Nanos at = now();
                logAttempt(slot, slotIndex, job, attempt, begun, at, at, AttemptEnd::Cancelled);
            }
            notifyDone(job, Outcome::Cancelled);
            return false;
        }
        if (waited > 0) {
            bump(slot.throttled);
            shard.throttle.record(waited);
            slot.throttleSum.add(waited);
        }
    }

    // Every attempt runs on the timeline: from begun (which may be after taken, see
    // AttemptTimeline::start), or once the token came if that is later.
    const Nanos tokenAt = gate ? now() : taken;
    const Nanos start = gate ? std::max(begun, tokenAt) : begun;
    const AttemptPlan plan = planAttempt(policy, job);
    const Nanos work = plan.holdNs;
    // The queue wait ends at the start, where the service begins on the timeline, so the
    // two add up to the total (wait + service == total for a first attempt without a
    // rate limit). A sleep job runs to its start plus its work, so a late wake-up is not
    // carried into the next job. CPU work and an empty job last what the machine makes
    // them (real behaviour), but not from before their start: one the producer pushed
    // ahead of its planned arrival, taken at once by an idle worker, is held until then
    // as a sleep is (on the plan, and in virtual time, it cannot begin before it
    // arrives). Their service is measured from when the work actually began, so neither
    // the producer's lateness (a start before the take) nor the hold's is in it.
    const Nanos busyFrom = slot.timeline.busyFrom(start);
    // The submission on this timeline, which leaves the producer's lateness out as the
    // end does: the wall clock's submission minus an end on the timeline took that
    // lateness off twice (uncorrected latency below the service). Never after the take.
    if (attempt == 1)
        job.submittedNs = std::max(job.arrivalNs, std::min({job.submittedNs, begun, busyFrom}));

    slot.busySince.store(busyFrom, std::memory_order_relaxed);
    slot.state.store(WorkerState::Busy, std::memory_order_release);
    const auto [finished, end, eventFrom] =
        runMeasured(slot, shard, job, work, start, tokenAt, busyFrom, waiter, stop, away);

    if (!finished) {
        bump(slot.cancelled);
        if (m_attemptLog)
            logAttempt(slot, slotIndex, job, attempt, begun, eventFrom, end, AttemptEnd::Cancelled);
        notifyDone(job, Outcome::Cancelled);
        return false;
    }
    const AttemptResult result = endAttempt(policy, plan, end, job);
    if (result.timedOut)
        bump(slot.timedOut);
    if (m_attemptLog) {
        const AttemptEnd how = result.timedOut                        ? AttemptEnd::TimedOut
                               : result.end == AttemptVerdict::Retry  ? AttemptEnd::Retrying
                               : result.end == AttemptVerdict::Failed ? AttemptEnd::Failed
                                                                      : AttemptEnd::Succeeded;
        logAttempt(slot, slotIndex, job, attempt, begun, eventFrom, end, how);
    }
    if (result.end == AttemptVerdict::Retry) {
        bump(slot.retries);
        retryDue = result.retryDue;
        return true;
    }
    shard.total.record(end - job.arrivalNs);
    slot.totalSum.add(end - job.arrivalNs);
    shard.totalUncorrected.record(end - job.submittedNs);
    slot.totalUncorrectedSum.add(end - job.submittedNs);
    const bool failed = result.end == AttemptVerdict::Failed;
    bump(failed ? slot.failed : slot.succeeded);
    notifyDone(job, failed ? Outcome::Failed : Outcome::Succeeded);
    return false;
}

Pool::AttemptRun Pool::runMeasured(WorkerSlot& slot, HistogramShard& shard, const Job& job, Nanos work,
                                   Nanos start, Nanos tokenAt, Nanos busyFrom, PreciseWaiter& waiter,
                                   const std::stop_token& stop, bool& away)
{
    // A CPU or empty job taken before its start waits for it first (a sleep job's sleep
    // covers it): see AttemptTimeline::start.
    const bool paced = job.kind == JobKind::Sleep && work > 0;
    const bool hold = !paced && start > tokenAt;
    // Only an empty job run at once keeps its worker counted as available. A job that
    // waits, even for microseconds, is one a real pool runs beside others: the queue
    // needs the other workers then, or N workers would behave like one.
    if (work > 0 || hold) {
        flushEvents(slot); // the previous attempts' events are not held up by this one's wait
        goAway(away);
    }
    const bool share = m_shareCores.load(std::memory_order_relaxed);
    bool finished = !hold || waiter.sleepUntil(m_epoch + start, share);
    // When the work of a job that is not a paced sleep actually began: after the hold
    // (which may wake late), else at the take or the token. Its service runs from there,
    // so neither the producer's lateness nor the hold's is in it.
    const Nanos began = hold ? now() : tokenAt;
    if (hold)
        slot.busySince.store(began, std::memory_order_relaxed);
    finished = finished && runWork(waiter, job.kind, work, m_epoch + start, share, stop);
    const Nanos actualEnd = now();
    // A sleep job's service runs from its start on the timeline; a wait may wake a little
    // early (it aims early by its usual lateness), so a finished attempt ends no earlier
    // than it started and its service is never negative. Any other job's service is what
    // the machine made it, and it ends on the timeline at its start plus that service, so
    // that wait + service == total; a cancelled one ended when it did. Busy time: a sleep
    // job's starts once the previous job has ended (busy intervals never overlap), any
    // other's is its service.
    Nanos end = 0;
    Nanos service = 0;
    Nanos busy = 0;
    if (paced) {
        end = finished ? std::max(actualEnd, start) : actualEnd;
        service = std::max<Nanos>(0, end - start); // 0 if cancelled before its start
        busy = std::max<Nanos>(0, end - busyFrom);
        slot.timeline.finish(finished ? start + work : end, end);
    } else {
        // A cancelled attempt still ran from when it began until it stopped.
        service = std::max<Nanos>(0, actualEnd - began);
        end = finished ? start + service : actualEnd;
        busy = service;
        slot.timeline.finish(end, actualEnd);
    }
    slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
    slot.busyNs.store(slot.busyNs.load(std::memory_order_relaxed) + busy, std::memory_order_release);
    shard.service.record(service);
    slot.serviceSum.add(service);
    return {finished, end, paced ? busyFrom : start};
}

void Pool::logAttempt(WorkerSlot& slot, int slotIndex, const Job& job, std::uint32_t attempt, Nanos begun,
                      Nanos busyFrom, Nanos end, AttemptEnd how)
{
    // The metrics run on the worker's timeline (AttemptTimeline): service from busyFrom
    // to the end, so the events' service adds up to the busy time. The timeline leaves
    // the producer's and the sleeps' own lateness out, so an actual submission may read
    // a few microseconds after the timeline's take: the earlier stages are capped by the
    // later ones, then every stage is kept at or after the one before it. An attempt
    // never starts before the previous one on this lane ended.
    AttemptEvent e;
    e.jobId = job.id;
    e.attempt = attempt;
    e.worker = slotIndex;
    e.started = std::max(busyFrom, slot.laneEnd);
    e.ended = std::max(e.started, end);
    e.taken = std::max(std::min(begun, e.started), slot.laneEnd);
    const Nanos enqueued = attempt == 1 ? std::max(job.submittedNs, job.pushedNs) : job.enqueueNs;
    e.enqueued = std::min(enqueued, e.taken);
    e.submitted = std::min(job.submittedNs, e.enqueued);
    e.planned = job.arrivalNs;
    e.submitted = std::max(e.planned, e.submitted);
    e.enqueued = std::max(e.submitted, e.enqueued);
    e.taken = std::max(e.enqueued, e.taken);
    e.started = std::max(e.taken, e.started);
    e.ended = std::max(e.started, e.ended);
    e.end = how;
    slot.laneEnd = e.ended;
    const Nanos runStart = m_runStartA.load(std::memory_order_relaxed);
    for (Nanos* t : {&e.planned, &e.submitted, &e.enqueued, &e.taken, &e.started, &e.ended})
        *t -= runStart;
    slot.pendingEvents[slot.pendingCount++] = e;
    if (slot.pendingCount == kAttemptEventBatch)
        flushEvents(slot);
}

void Pool::flushEvents(WorkerSlot& slot)
{
    if (slot.pendingCount == 0)
        return;
    m_attemptLog->push(slot.pendingEvents.get(), slot.pendingCount);
    slot.pendingCount = 0;
}

void Pool::retryMain()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_state == PoolState::Stopped || m_cancelled)
            return;
        if (m_delayed.empty()) {
            m_retryCv.wait(lock);
            continue;
        }
        const Nanos due = m_delayed.top().due;
        if (due > now()) {
            const std::chrono::steady_clock::time_point until{std::chrono::nanoseconds(m_epoch + due)};
            m_retryCv.wait_until(lock, until);
            continue;
        }
        // A retry re-enters under the queue bound like any job, but it is never
        // rejected or dropped for it: the job was accepted once. It waits here, holding
        // no worker, until there is room. It gets in after a drain has closed the queue.
        Job job = m_delayed.top().job;
        job.enqueueNs = now();
        job.pushedNs = job.enqueueNs;
        const JobQueue::Status status = m_queue.push(job, queueBound(m_capacity), true, nullptr, [this] {
            m_taken.fetch_sub(1, std::memory_order_release);
            m_queuedOrHeld.fetch_add(1, std::memory_order_relaxed);
        });
        if (status == JobQueue::Status::Ok) {
            m_delayed.pop();
            if (m_looking.load(std::memory_order_seq_cst) == 0 && !m_queue.held())
                notifyWoken(wakeOneLocked());
            continue;
        }
        if (status == JobQueue::Status::NeedsGrowth) {
            m_queue.growIfFull();
            continue;
        }
        m_spaceWaiters.fetch_add(1, std::memory_order_seq_cst);
        if (queueFullLocked())
            m_spaceCv.wait(lock);
        m_spaceWaiters.fetch_sub(1, std::memory_order_relaxed);
    }
}

void Pool::checkFinishedLocked()
{
    if (!drainFinished(m_state,
                       {m_queue.size(), static_cast<std::uint64_t>(m_running.load(std::memory_order_seq_cst)),
                        m_delayed.size(), 0}))
        return;
    accrueWorkerNsLocked(now());
    setStateLocked(PoolState::Stopped);
    wakeAllLocked();
    m_spaceCv.notify_all();
    m_retryCv.notify_all();
    m_stoppedCv.notify_all();
    m_readyCv.notify_all();
}

void Pool::accrueWorkerNsLocked(Nanos at)
{
    if (m_state == PoolState::Idle || m_state == PoolState::Stopped)
        return;
    m_workerTime.accrue(at, availableWorkersLocked());
}

void Pool::pause()
{
    std::lock_guard lock(m_mutex);
    // A draining pool pauses too: a burst's producer drains as soon as it has submitted
    // everything, and the queue it leaves is exactly what a learner wants to hold.
    if (m_state != PoolState::Stopped && !m_cancelled) {
        m_paused = true;
        m_pausedA.store(true, std::memory_order_relaxed);
        m_queue.setHeld(true);
        waitForPopsInProgress(); // so that queued does not fall after pause() returns
    }
}

PoolState Pool::reportedStateLocked() const
{
    const bool pausable = m_state == PoolState::Running || m_state == PoolState::Draining;
    return m_paused && pausable ? PoolState::Paused : m_state;
}

void Pool::resume()
{
    std::lock_guard lock(m_mutex);
    m_paused = false;
    m_pausedA.store(false, std::memory_order_relaxed);
    releaseHoldLocked();
}

void Pool::setWorkerCount(int workers)
{
    workers = clampWorkers(workers, kMaxRealWorkers);
    {
        std::lock_guard lock(m_mutex);
        if (m_state == PoolState::Stopped)
            return;
        accrueWorkerNsLocked(now());
        m_target = workers;
        m_targetA.store(workers, std::memory_order_release);
        if (m_state != PoolState::Idle)
            spawnWorkersLocked();
        // Idle workers above the new count must wake to retire.
        wakeAllLocked();
    }
}

void Pool::setQueueCapacity(int capacity)
{
    {
        std::lock_guard lock(m_mutex);
        m_capacity = std::clamp(capacity, 0, PoolConfig::kMaxQueueCapacity);
        m_capacityA.store(m_capacity, std::memory_order_relaxed);
    }
    m_spaceCv.notify_all();
}

void Pool::setOverflowPolicy(OverflowPolicy policy)
{
    {
        std::lock_guard lock(m_mutex);
        m_overflow = policy;
        m_overflowA.store(policy, std::memory_order_relaxed);
    }
    m_spaceCv.notify_all(); // blocked producers re-decide under the new policy
}

void Pool::setAttemptPolicy(std::shared_ptr<const AttemptPolicy> policy)
{
    std::lock_guard lock(m_mutex);
    m_policy = std::move(policy);
    m_policyVersion.fetch_add(1, std::memory_order_release);
}

void Pool::setAttemptEventLog(std::shared_ptr<AttemptEventLog> log)
{
    std::lock_guard lock(m_mutex);
    if (m_state == PoolState::Idle)
        m_attemptLog = std::move(log);
}

void Pool::setStartGate(std::shared_ptr<StartGate> gate)
{
    std::lock_guard lock(m_mutex);
    m_gate = std::move(gate);
    m_policyVersion.fetch_add(1, std::memory_order_release);
}

void Pool::drain()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_state == PoolState::Stopped)
            return;
        if (m_state == PoolState::Draining && !m_paused)
            return;
        if (m_state == PoolState::Idle)
            beginLocked(PoolState::Draining); // never started: start so that what is queued gets done
        setStateLocked(PoolState::Draining);
        m_queue.close();
        m_paused = false;
        m_pausedA.store(false, std::memory_order_relaxed);
        releaseHoldLocked();
        checkFinishedLocked();
        wakeAllLocked();
    }
    m_spaceCv.notify_all(); // blocked producers are refused now
}

void Pool::cancel()
{
    std::vector<Job> cleared;
    {
        std::lock_guard lock(m_mutex);
        if (m_state == PoolState::Stopped)
            return;
        m_cancelled = true;
        m_cancelledA.store(true, std::memory_order_relaxed);
        m_readyCv.notify_all();
        if (m_state == PoolState::Idle) {
            m_startNs = now();
            m_workerTime.restart(m_startNs);
        }
        // Closed and held first, so that no push or pop gets past the clear below.
        m_queue.close();
        m_queue.setHeld(true);
        setStateLocked(PoolState::Draining);
        m_paused = false;
        m_pausedA.store(false, std::memory_order_relaxed);
        cleared.reserve(m_queue.size() + m_delayed.size());
        const std::size_t queued = m_queue.drainAll([&](const Job& job) { cleared.push_back(job); });
        m_cancelledQueued.fetch_add(queued, std::memory_order_release);
        m_queuedOrHeld.fetch_sub(static_cast<std::int64_t>(queued), std::memory_order_relaxed);
        const std::size_t delayed = m_delayed.size();
        while (!m_delayed.empty()) {
            cleared.push_back(m_delayed.top().job);
            m_delayed.pop();
        }
        m_cancelledBackoff.fetch_add(delayed, std::memory_order_release);
        checkFinishedLocked();
        wakeAllLocked();
    }
    m_cancelSource.request_stop(); // interrupts running waits and rate-limit waits
    m_spaceCv.notify_all();
    m_retryCv.notify_all();
    for (const Job& job : cleared)
        notifyDone(job, Outcome::Cancelled);
}

bool Pool::waitUntilStopped(Nanos timeoutNs)
{
    std::unique_lock lock(m_mutex);
    const auto stopped = [this] { return m_state == PoolState::Stopped; };
    if (timeoutNs < 0)
        m_stoppedCv.wait(lock, stopped);
    else if (!m_stoppedCv.wait_for(lock, std::chrono::nanoseconds(timeoutNs), stopped))
        return false;
    lock.unlock();
    // Stopped is final and no thread starts after it, so joining is safe and quick.
    joinAll();
    return true;
}

PoolState Pool::state() const
{
    std::lock_guard lock(m_mutex);
    return reportedStateLocked();
}

int Pool::workerCount() const
{
    std::lock_guard lock(m_mutex);
    return m_target;
}

int Pool::queueCapacity() const
{
    std::lock_guard lock(m_mutex);
    return m_capacity;
}

Snapshot Pool::snapshot() const
{
    Snapshot out;
    snapshot(out);
    return out;
}

void Pool::snapshot(Snapshot& out) const
{
    const Nanos at = now();
    const int slots = m_slotHighWater.load(std::memory_order_acquire);

    // A job moves queue -> taken -> outcome. Reading the later stages first (with
    // acquire) means every job seen there is also seen in the earlier ones, so the
    // derived queued and in-flight counts are never negative and always add up.
    Counters c;
    std::uint64_t cancelledInFlight = 0;
    Nanos busyNs = 0;
    int busy = 0;
    int throttled = 0;
    // The states for the reader's cells, read in the same pass as the counts.
    std::vector<WorkerState> states(static_cast<std::size_t>(slots));
    for (int i = 0; i < slots; ++i) {
        const WorkerSlot& s = m_slots[i];
        c.succeeded += s.succeeded.load(std::memory_order_acquire);
        c.failed += s.failed.load(std::memory_order_acquire);
        cancelledInFlight += s.cancelled.load(std::memory_order_acquire);
        c.retries += s.retries.load(std::memory_order_relaxed);
        c.timedOut += s.timedOut.load(std::memory_order_relaxed);
        c.throttled += s.throttled.load(std::memory_order_relaxed);
        c.attempts += s.attempts.load(std::memory_order_relaxed);
        busyNs += s.busyNs.load(std::memory_order_relaxed);
        const WorkerState state = s.state.load(std::memory_order_acquire);
        states[static_cast<std::size_t>(i)] = state;
        if (state == WorkerState::Busy) {
            ++busy;
            busyNs += std::max<Nanos>(0, at - s.busySince.load(std::memory_order_relaxed));
        } else if (state == WorkerState::Throttled) {
            ++throttled;
        }
    }
    const std::uint64_t cancelledBackoff = m_cancelledBackoff.load(std::memory_order_acquire);
    const std::int64_t taken = m_taken.load(std::memory_order_acquire);
    c.dropped = m_dropped.load(std::memory_order_acquire);
    const std::uint64_t cancelledQueued = m_cancelledQueued.load(std::memory_order_acquire);
    c.arrivedToBusy = m_arrivedToBusy.load(std::memory_order_acquire); // before accepted: never above it
    const std::uint64_t accepted = m_accepted.load(std::memory_order_acquire);
    c.rejected = m_rejected.load(std::memory_order_acquire);
    c.refused = m_refused.load(std::memory_order_relaxed);
    c.cancelled = cancelledInFlight + cancelledBackoff + cancelledQueued;
    c.submitted = accepted + c.rejected;

    out.counters = c;
    out.inFlight =
        taken - static_cast<std::int64_t>(c.succeeded + c.failed + cancelledInFlight + cancelledBackoff);
    out.queued =
        static_cast<std::int64_t>(accepted) - taken - static_cast<std::int64_t>(c.dropped + cancelledQueued);
    out.busyWorkers = busy;
    out.throttledWorkers = throttled;
    fillWorkerCells(out.workerCells, states);
    out.elapsedNs = at;
    {
        std::lock_guard lock(m_mutex);
        out.state = reportedStateLocked();
        out.overflow = m_overflow;
        out.queueCapacity = m_capacity;
        out.workers = m_target;
        out.liveWorkers = m_live;
        out.backingOff = static_cast<std::int64_t>(m_delayed.size());
        const bool notRunning = m_state == PoolState::Stopped || m_state == PoolState::Idle;
        // The run's clock starts once its workers are up (see waitUntilReady()).
        const bool warming = m_warmingUp && m_state != PoolState::Stopped;
        out.runNs = warming || m_state == PoolState::Idle ? 0
                    : m_state == PoolState::Stopped       ? m_workerTime.since() - m_startNs
                                                          : std::max<Nanos>(0, at - m_startNs);
        out.workerNs = warming ? 0 : m_workerTime.total(at, availableWorkersLocked(), !notRunning);
    }
    out.busyNs = busyNs;

    out.wait.clear();
    out.service.clear();
    out.total.clear();
    out.totalUncorrected.clear();
    out.throttle.clear();
    for (int i = 0; i < kHistogramShards; ++i) {
        m_shards[i].wait.addTo(out.wait);
        m_shards[i].service.addTo(out.service);
        m_shards[i].total.addTo(out.total);
        m_shards[i].totalUncorrected.addTo(out.totalUncorrected);
        m_shards[i].throttle.addTo(out.throttle);
    }
    for (int i = 0; i < slots; ++i) {
        const WorkerSlot& s = m_slots[i];
        s.waitSum.addTo(out.wait);
        s.serviceSum.addTo(out.service);
        s.totalSum.addTo(out.total);
        s.totalUncorrectedSum.addTo(out.totalUncorrected);
        s.throttleSum.addTo(out.throttle);
    }
}

} // namespace poollab
