// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"

#include "core/precise_wait.h"

#include <algorithm>
#include <cassert>

namespace poollab {

namespace {
constexpr int kHistogramShards = 16;
// How long an idle worker, or a producer facing a full queue, watches for a change
// before parking: longer than a futex wake-up round trip, short enough to cost little.
constexpr Nanos kSpinNs = 50 * kMicro;

// Watches `done` for up to kSpinNs, yielding the core between looks: on a machine
// with fewer cores than threads the thread we wait for may need this one's core.
template <typename F> void spinUntil(F&& done)
{
    const Nanos until = steadyNowNs() + kSpinNs;
    for (int i = 0; !done(); ++i) {
        if ((i & 15) == 15 && steadyNowNs() > until)
            return;
        std::this_thread::yield();
    }
}

// Worker-owned counters have a single writer, so a plain store of load + 1 is enough;
// release pairs with the snapshot's acquire loads.
inline void bump(std::atomic<std::uint64_t>& counter)
{
    counter.store(counter.load(std::memory_order_relaxed) + 1, std::memory_order_release);
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
    alignas(64) std::atomic<Nanos> busySince{0};
    std::atomic<WorkerState> state{WorkerState::Retired};
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
      m_capacity(std::clamp(config.queueCapacity, 0, PoolConfig::kMaxQueueCapacity)),
      m_overflow(config.overflow), m_target(std::clamp(config.workers, 1, PoolConfig::kMaxWorkers)),
      m_threads(PoolConfig::kMaxWorkers), m_slotAlive(PoolConfig::kMaxWorkers, 0),
      m_slots(new WorkerSlot[PoolConfig::kMaxWorkers]), m_shards(new HistogramShard[kHistogramShards])
{
    m_capacityA.store(m_capacity, std::memory_order_relaxed);
    m_parked.reserve(PoolConfig::kMaxWorkers);
}

int Pool::wakeOneLocked()
{
    if (m_parked.empty())
        return -1;
    const int slot = m_parked.back();
    m_parked.pop_back();
    m_slots[slot].woken = true;
    ++m_looking; // counted at once, so the next submit does not wake another
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

void Pool::goAway(bool& away)
{
    if (away)
        return;
    std::lock_guard lock(m_mutex);
    away = true;
    --m_looking;
    if (m_paused || m_cancelled)
        return;
    // Jobs are long now: every queued job nobody awake will take needs a worker, so
    // wake them together rather than one wake-up after another.
    while (static_cast<std::size_t>(m_looking) < m_queue.size() && !m_parked.empty())
        m_slots[wakeOneLocked()].wakeCv.notify_one();
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

void Pool::start()
{
    std::lock_guard lock(m_mutex);
    if (m_state != PoolState::Idle)
        return;
    m_state = PoolState::Running;
    m_startNs = now();
    m_workerNsSince = m_startNs;
    spawnWorkersLocked();
    m_retryThread = std::jthread([this] { retryMain(); });
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
        m_threads[slot] =
            std::jthread([this, slot, token = m_cancelSource.get_token()] { workerMain(slot, token); });
    }
    if (m_slotHighWater.load(std::memory_order_relaxed) < m_target)
        m_slotHighWater.store(m_target, std::memory_order_release);
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    m_shareCores.store(m_target > cores, std::memory_order_relaxed);
}

bool Pool::roomLocked() const
{
    return m_queue.size() < static_cast<std::size_t>(std::max(m_capacity, 1));
}

SubmitResult Pool::submit(Job job)
{
    job.enqueueNs = job.arrivalNs; // the first wait counts from the planned arrival
    job.attempt = 1;
    bool spun = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (closedLocked() || m_cancelled) {
            m_refused.fetch_add(1, std::memory_order_relaxed);
            m_rejected.fetch_add(1, std::memory_order_release);
            lock.unlock();
            notifyDone(job, Outcome::Rejected);
            return SubmitResult::Closed;
        }
        const bool handOff = m_capacity == 0;
        bool room = roomLocked();
        if (handOff && m_overflow != OverflowPolicy::Block)
            // Unbuffered and not waiting: only a worker ready right now can take it.
            room = !m_paused && m_state == PoolState::Running &&
                   static_cast<std::size_t>(m_idleWaiting) > m_queue.size();
        if (room) {
            m_queue.push(job);
            m_depth.store(static_cast<std::int64_t>(m_queue.size()), std::memory_order_release);
            const std::uint64_t ticket = m_pushed++;
            m_accepted.fetch_add(1, std::memory_order_release);
            // Wake a parked worker only if no awake one will be free soon.
            const int wake = m_looking == 0 && !m_paused ? wakeOneLocked() : -1;
            if (handOff && m_overflow == OverflowPolicy::Block) {
                notifyWoken(wake);
                ++m_spaceWaiters;
                m_spaceCv.wait(lock, [&] { return m_removed > ticket; });
                --m_spaceWaiters;
                return SubmitResult::Accepted;
            }
            lock.unlock();
            notifyWoken(wake);
            return SubmitResult::Accepted;
        }
        if (m_overflow == OverflowPolicy::Block) {
            if (!spun && !handOff) {
                // Workers free a place within microseconds when jobs are short: watch
                // for it before paying for a park and a wake-up per job.
                spun = true;
                lock.unlock();
                spinUntil([this] {
                    return m_depth.load(std::memory_order_acquire) <
                           std::max(m_capacityA.load(std::memory_order_relaxed), 1);
                });
                lock.lock();
                continue;
            }
            spun = false;
            ++m_spaceWaiters;
            m_spaceCv.wait(lock);
            --m_spaceWaiters;
            continue;
        }
        if (m_overflow == OverflowPolicy::DropOldest && !m_queue.empty()) {
            const Job oldest = m_queue.pop();
            ++m_removed;
            m_dropped.fetch_add(1, std::memory_order_release);
            m_queue.push(job);
            m_depth.store(static_cast<std::int64_t>(m_queue.size()), std::memory_order_release);
            ++m_pushed;
            m_accepted.fetch_add(1, std::memory_order_release);
            lock.unlock();
            notifyDone(oldest, Outcome::Dropped);
            return SubmitResult::Accepted;
        }
        m_rejected.fetch_add(1, std::memory_order_release);
        lock.unlock();
        notifyDone(job, Outcome::Rejected);
        return SubmitResult::Rejected;
    }
}

void Pool::workerMain(int slotIndex, std::stop_token stop)
{
    PreciseWaiter::tightenTimerSlack();
    PreciseWaiter waiter(stop);
    WorkerSlot& slot = m_slots[slotIndex];
    std::shared_ptr<const AttemptPolicy> policy;
    std::shared_ptr<StartGate> gate;
    std::uint64_t policyVersion = ~std::uint64_t{0};

    bool spun = false;
    std::unique_lock lock(m_mutex);
    ++m_looking;
    for (;;) {
        if (m_state == PoolState::Stopped || slotIndex >= m_target)
            break;
        if (!m_paused && !m_queue.empty() && !m_cancelled) {
            Job job = m_queue.pop();
            m_depth.store(static_cast<std::int64_t>(m_queue.size()), std::memory_order_release);
            spun = false;
            ++m_removed;
            ++m_running;
            m_taken.fetch_add(1, std::memory_order_release);
            if (policyVersion != m_policyVersion) {
                policy = m_policy;
                gate = m_gate;
                policyVersion = m_policyVersion;
            }
            const bool wakeSpace = m_spaceWaiters > 0;
            const bool handOff = m_capacity == 0;
            lock.unlock();
            if (wakeSpace) {
                // A hand-off producer waits for its own job to be taken: wake them all.
                if (handOff)
                    m_spaceCv.notify_all();
                else
                    m_spaceCv.notify_one();
            }
            Nanos retryDue = 0;
            bool away = false;
            const bool retry =
                runAttempt(slotIndex, job, policy.get(), gate.get(), stop, waiter, retryDue, away);
            lock.lock();
            if (away)
                ++m_looking;
            --m_running;
            if (retry) {
                if (m_cancelled) {
                    m_cancelledBackoff.fetch_add(1, std::memory_order_release);
                    lock.unlock();
                    notifyDone(job, Outcome::Cancelled);
                    lock.lock();
                } else {
                    const bool first = m_delayed.empty() || retryDue < m_delayed.top().due;
                    m_delayed.push({retryDue, job});
                    if (first)
                        m_retryCv.notify_one();
                }
            }
            checkFinishedLocked();
            continue;
        }
        checkFinishedLocked();
        if (m_state == PoolState::Stopped)
            break;
        slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
        const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        if (!spun && m_spinners < cores && !m_paused && !m_cancelled) {
            // Short jobs arrive faster than a park and wake-up round trip: watch the
            // queue for a while first (a few spinners at most, so they cannot crowd
            // out the threads doing work).
            spun = true;
            ++m_spinners;
            ++m_idleWaiting;
            lock.unlock();
            spinUntil([this] { return m_depth.load(std::memory_order_acquire) > 0; });
            lock.lock();
            --m_spinners;
            --m_idleWaiting;
            continue;
        }
        spun = false;
        --m_looking;
        slot.woken = false;
        m_parked.push_back(slotIndex);
        ++m_idleWaiting;
        slot.wakeCv.wait(lock, [&] { return slot.woken; });
        --m_idleWaiting; // the waker took it off m_parked and counted it in m_looking
    }
    m_slotAlive[slotIndex] = 0;
    --m_live;
    --m_looking;
    slot.state.store(WorkerState::Retired, std::memory_order_relaxed);
    // A wake-up meant for a worker may have reached this retiring one: pass it on.
    const int passOn = !m_queue.empty() && m_looking == 0 && !m_paused ? wakeOneLocked() : -1;
    lock.unlock();
    notifyWoken(passOn);
}

bool Pool::runAttempt(int slotIndex, Job& job, const AttemptPolicy* policy, StartGate* gate,
                      const std::stop_token& stop, PreciseWaiter& waiter, Nanos& retryDue, bool& away)
{
    WorkerSlot& slot = m_slots[slotIndex];
    HistogramShard& shard = m_shards[slotIndex % kHistogramShards];
    bump(slot.attempts);

    if (gate) {
        goAway(away); // a rate-limit wait may be long
        slot.state.store(WorkerState::Throttled, std::memory_order_relaxed);
        const Nanos waited = gate->acquire(stop);
        if (waited < 0) {
            bump(slot.cancelled);
            slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
            notifyDone(job, Outcome::Cancelled);
            return false;
        }
        if (waited > 0) {
            bump(slot.throttled);
            shard.throttle.record(waited);
        }
    }

    const Nanos start = now();
    shard.wait.record(start - job.enqueueNs);
    if (policy)
        policy->planAttempt(job);
    const bool timesOut = job.timeoutNs > 0 && job.serviceNs > job.timeoutNs;
    const Nanos work = timesOut ? job.timeoutNs : std::max<Nanos>(job.serviceNs, 0);

    slot.busySince.store(start, std::memory_order_relaxed);
    slot.state.store(WorkerState::Busy, std::memory_order_release);
    bool finished = true;
    // Only an empty job keeps its worker counted as available. A job that waits, even
    // for microseconds, is one a real pool runs beside others: the queue needs the
    // other workers then, or N workers would behave like one.
    if (work > 0)
        goAway(away);
    if (work > 0) {
        finished = job.kind == JobKind::Cpu ? waiter.burnCpu(work)
                                            : waiter.sleepUntil(m_epoch + start + work,
                                                                m_shareCores.load(std::memory_order_relaxed));
    } else if (stop.stop_requested()) {
        finished = false;
    }
    const Nanos end = now();
    slot.state.store(WorkerState::Idle, std::memory_order_relaxed);
    slot.busyNs.store(slot.busyNs.load(std::memory_order_relaxed) + (end - start), std::memory_order_release);
    shard.service.record(end - start);

    if (!finished) {
        bump(slot.cancelled);
        notifyDone(job, Outcome::Cancelled);
        return false;
    }
    if (timesOut || job.fails) {
        if (timesOut)
            bump(slot.timedOut);
        const Nanos delay = policy ? policy->retryDelay(job) : -1;
        if (delay >= 0) {
            bump(slot.retries);
            ++job.attempt;
            retryDue = end + delay;
            return true;
        }
        shard.total.record(end - job.arrivalNs);
        bump(slot.failed);
        notifyDone(job, Outcome::Failed);
        return false;
    }
    shard.total.record(end - job.arrivalNs);
    bump(slot.succeeded);
    notifyDone(job, Outcome::Succeeded);
    return false;
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
        // no worker, until there is room.
        if (!roomLocked()) {
            ++m_spaceWaiters;
            m_spaceCv.wait(lock);
            --m_spaceWaiters;
            continue;
        }
        Job job = m_delayed.top().job;
        m_delayed.pop();
        job.enqueueNs = now();
        m_queue.push(job);
        m_depth.store(static_cast<std::int64_t>(m_queue.size()), std::memory_order_release);
        ++m_pushed;
        m_taken.fetch_sub(1, std::memory_order_release);
        if (m_looking == 0 && !m_paused)
            notifyWoken(wakeOneLocked());
    }
}

void Pool::checkFinishedLocked()
{
    if (m_state != PoolState::Draining || !m_queue.empty() || m_running != 0 || !m_delayed.empty())
        return;
    accrueWorkerNsLocked(now());
    m_state = PoolState::Stopped;
    wakeAllLocked();
    m_spaceCv.notify_all();
    m_retryCv.notify_all();
    m_stoppedCv.notify_all();
}

void Pool::accrueWorkerNsLocked(Nanos at)
{
    if (m_state == PoolState::Idle || m_state == PoolState::Stopped)
        return;
    m_workerNsAccrued += static_cast<Nanos>(m_target) * (at - m_workerNsSince);
    m_workerNsSince = at;
}

void Pool::pause()
{
    std::lock_guard lock(m_mutex);
    // A draining pool pauses too: a burst's producer drains as soon as it has submitted
    // everything, and the queue it leaves is exactly what a learner wants to hold.
    if (m_state != PoolState::Stopped && !m_cancelled)
        m_paused = true;
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
    wakeAllLocked();
}

void Pool::setWorkerCount(int workers)
{
    workers = std::clamp(workers, 1, PoolConfig::kMaxWorkers);
    {
        std::lock_guard lock(m_mutex);
        if (m_state == PoolState::Stopped)
            return;
        accrueWorkerNsLocked(now());
        m_target = workers;
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
    }
    m_spaceCv.notify_all(); // blocked producers re-decide under the new policy
}

void Pool::setAttemptPolicy(std::shared_ptr<const AttemptPolicy> policy)
{
    std::lock_guard lock(m_mutex);
    m_policy = std::move(policy);
    ++m_policyVersion;
}

void Pool::setStartGate(std::shared_ptr<StartGate> gate)
{
    std::lock_guard lock(m_mutex);
    m_gate = std::move(gate);
    ++m_policyVersion;
}

void Pool::drain()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_state == PoolState::Stopped)
            return;
        if (m_state == PoolState::Draining && !m_paused)
            return;
        if (m_state == PoolState::Idle) {
            // Never started: start so that what is queued gets done.
            m_startNs = now();
            m_workerNsSince = m_startNs;
            m_state = PoolState::Draining;
            spawnWorkersLocked();
            m_retryThread = std::jthread([this] { retryMain(); });
        }
        m_state = PoolState::Draining;
        m_paused = false;
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
        if (m_state == PoolState::Idle)
            m_startNs = m_workerNsSince = now();
        m_state = PoolState::Draining;
        m_paused = false;
        cleared.reserve(m_queue.size() + m_delayed.size());
        const std::size_t queued = m_queue.size();
        m_removed += queued;
        m_queue.drainInto([&](const Job& job) { cleared.push_back(job); });
        m_depth.store(0, std::memory_order_release);
        m_cancelledQueued.fetch_add(queued, std::memory_order_release);
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
    out.workerStates.resize(static_cast<std::size_t>(slots));
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
        out.workerStates[static_cast<std::size_t>(i)] = state;
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
    out.elapsedNs = at;
    {
        std::lock_guard lock(m_mutex);
        out.state = reportedStateLocked();
        out.overflow = m_overflow;
        out.queueCapacity = m_capacity;
        out.workers = m_target;
        out.liveWorkers = m_live;
        out.backingOff = static_cast<std::int64_t>(m_delayed.size());
        out.runNs = m_startNs == 0 && m_state == PoolState::Idle ? 0
                    : m_state == PoolState::Stopped              ? m_workerNsSince - m_startNs
                                                                 : at - m_startNs;
        out.workerNs = m_workerNsAccrued + (m_state == PoolState::Stopped || m_state == PoolState::Idle
                                                ? 0
                                                : static_cast<Nanos>(m_target) * (at - m_workerNsSince));
    }
    out.busyNs = busyNs;

    out.wait.clear();
    out.service.clear();
    out.total.clear();
    out.throttle.clear();
    for (int i = 0; i < kHistogramShards; ++i) {
        m_shards[i].wait.addTo(out.wait);
        m_shards[i].service.addTo(out.service);
        m_shards[i].total.addTo(out.total);
        m_shards[i].throttle.addTo(out.throttle);
    }
}

} // namespace poollab
