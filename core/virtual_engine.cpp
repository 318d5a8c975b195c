// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/virtual_engine.h"

#include "core/admission.h"
#include "core/attempt.h"
#include "core/drain.h"
#include "core/scenario_fields.h"
#include "core/workload.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace poollab {

namespace {

constexpr Nanos kNever = std::numeric_limits<Nanos>::max();
// Wall time between pace steps: snapshots see simulated time move this smoothly.
constexpr Nanos kPaceTickNs = 10 * kMilli;

} // namespace

// Callers from other threads announce themselves; the simulation thread, which holds
// the lock while it runs, steps aside at the next event and waits until they are done.
class VirtualEngine::CallerLock
{
public:
    explicit CallerLock(const VirtualEngine& engine) : m_engine(engine)
    {
        m_engine.m_callers.fetch_add(1, std::memory_order_acq_rel);
        m_lock = std::unique_lock(m_engine.m_mutex);
    }
    ~CallerLock()
    {
        // Under the lock, so the simulation thread cannot miss the last one leaving.
        m_engine.m_callers.fetch_sub(1, std::memory_order_acq_rel);
        m_lock.unlock();
        const_cast<VirtualEngine&>(m_engine).m_simCv.notify_all();
    }

private:
    const VirtualEngine& m_engine;
    std::unique_lock<std::mutex> m_lock;
};

VirtualEngine::VirtualEngine(const Scenario& scenario)
    : m_scenario(scenario), m_capacity(std::clamp(scenario.queueCapacity, 0, PoolConfig::kMaxQueueCapacity)),
      m_overflow(scenario.overflow), m_target(clampWorkers(scenario.workers, kMaxVirtualWorkers)),
      m_schedule(scenario), m_arrivalRng(arrivalRng(scenario.seed))
{
    rebuildPolicy();
    if (scenario.rateLimit > 0)
        m_bucket = std::make_unique<TokenBucket>(scenario.rateLimit, scenario.burst, 0);
}

VirtualEngine::~VirtualEngine()
{
    if (m_thread.joinable()) {
        m_thread.request_stop();
        {
            CallerLock lock(*this); // orders the stop request before the thread's next check
        }
        m_thread.join();
    }
}

std::unique_ptr<Engine> makeVirtualEngine(const Scenario& scenario)
{
    return std::make_unique<VirtualEngine>(scenario);
}

void VirtualEngine::rebuildPolicy()
{
    // A spec that does not parse leaves no policy: attempts take no time, as in Pool.
    m_policy = WorkloadPolicy::make(m_scenario);
}

// ---------------------------------------------------------------- control

void VirtualEngine::start()
{
    CallerLock lock(*this);
    startLocked();
}

void VirtualEngine::startLocked()
{
    if (m_state != PoolState::Idle)
        return;
    m_state = PoolState::Running;
    m_startNs = m_now;
    m_workerTime.restart(m_now);
    spawnWorkers();
    fillSnapshot(m_sampleSnapshot, false);
    m_recorder.start(m_sampleSnapshot, m_scenario.sampleInterval);
    m_closedModel = m_scenario.arrival == ArrivalKind::Closed;
    if (m_closedModel) {
        m_clients = std::max(0, m_scenario.clients);
        for (int i = 0; i < m_clients; ++i)
            pushEvent(m_now, static_cast<std::uint32_t>(i), EventKind::ClientReady);
        if (m_scenario.duration > 0)
            pushEvent(m_startNs + m_scenario.duration, 0, EventKind::DurationEnd);
        if (m_clients == 0)
            m_producerDone = true;
    } else {
        producerNext();
    }
    m_paceSimAnchor = m_now;
    m_paceWallAnchor = steadyNowNs();
    maybeEndProducing();
    m_thread = std::jthread([this](std::stop_token stop) { simMain(stop); });
}

void VirtualEngine::pause()
{
    CallerLock lock(*this);
    if (!closed())
        m_paused = true;
}

void VirtualEngine::resume()
{
    CallerLock lock(*this);
    if (!m_paused)
        return;
    m_paused = false;
    m_paceSimAnchor = m_now;
    m_paceWallAnchor = steadyNowNs();
}

void VirtualEngine::setPace(double factor)
{
    CallerLock lock(*this);
    m_pace = std::isfinite(factor) && factor > 0 ? factor : 0.0;
    m_paceSimAnchor = m_now;
    m_paceWallAnchor = steadyNowNs();
}

double VirtualEngine::pace() const
{
    CallerLock lock(*this);
    return m_pace;
}

void VirtualEngine::setAttemptEventLog(std::shared_ptr<AttemptEventLog> log)
{
    CallerLock lock(*this);
    m_attemptLog = std::move(log);
}

void VirtualEngine::drain()
{
    CallerLock lock(*this);
    drainLocked();
}

void VirtualEngine::cancel()
{
    CallerLock lock(*this);
    cancelLocked();
}

void VirtualEngine::apply(const Scenario& changed)
{
    CallerLock lock(*this);
    applyLocked(changed);
}

void VirtualEngine::applyAt(Nanos runNs, const Scenario& changed)
{
    CallerLock lock(*this);
    m_commands.push_back({m_startNs + std::max<Nanos>(0, runNs), m_seq++, changed});
    std::push_heap(m_commands.begin(), m_commands.end(), [](const Command& a, const Command& b) {
        return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    });
}

bool VirtualEngine::waitFinished(Nanos timeoutNs)
{
    {
        CallerLock lock(*this);
        if (m_state == PoolState::Idle)
            startLocked();
    }
    std::unique_lock lock(m_doneMutex);
    const auto done = [this] { return m_finished.load(std::memory_order_acquire); };
    if (timeoutNs < 0)
        m_doneCv.wait(lock, done);
    else if (!m_doneCv.wait_for(lock, std::chrono::nanoseconds(timeoutNs), done))
        return false;
    return true;
}

// ---------------------------------------------------------------- the simulation thread

void VirtualEngine::simMain(std::stop_token stop)
{
    std::unique_lock lock(m_mutex);
    while (!stop.stop_requested() && m_state != PoolState::Stopped) {
        if (m_callers.load(std::memory_order_acquire) > 0) {
            m_simCv.wait(lock, [&] { return m_callers.load(std::memory_order_acquire) == 0; });
            continue;
        }
        if (m_paused) {
            m_simCv.wait(lock);
            continue;
        }
        Nanos at = 0;
        const Source source = nextEvent(at);
        if (source == Source::None) {
            m_simCv.wait(lock); // nothing can happen until a caller changes something
            continue;
        }
        if (m_pace > 0) {
            const Nanos wall = steadyNowNs();
            const double ahead = static_cast<double>(wall - m_paceWallAnchor) * m_pace;
            const Nanos allowed =
                m_paceSimAnchor + static_cast<Nanos>(std::min(ahead, static_cast<double>(kNever / 4)));
            if (at > allowed) {
                // Nothing happens before `at`, so the clock may move up to `allowed`.
                if (allowed > m_now)
                    advanceTo(allowed);
                const Nanos wakeSim = std::min(at, allowed + static_cast<Nanos>(kPaceTickNs * m_pace));
                const Nanos wakeWall =
                    m_paceWallAnchor +
                    static_cast<Nanos>(static_cast<double>(wakeSim - m_paceSimAnchor) / m_pace);
                m_simCv.wait_until(lock,
                                   std::chrono::steady_clock::time_point(std::chrono::nanoseconds(wakeWall)));
                continue;
            }
        }
        processNext(source, at);
    }
    lock.unlock();
    {
        std::lock_guard done(m_doneMutex);
        m_finished.store(m_state == PoolState::Stopped, std::memory_order_release);
    }
    m_doneCv.notify_all();
}

VirtualEngine::Source VirtualEngine::nextEvent(Nanos& at) const
{
    // Ties at one instant go in this order: scripted changes, then attempt ends and
    // client events (a freed worker is free for an arrival at the same instant), then
    // retries, then arrivals, and last the sample, which sees all of them.
    Source source = Source::None;
    at = kNever;
    const auto consider = [&](Nanos t, Source s) {
        if (t < at) {
            at = t;
            source = s;
        }
    };
    if (!m_commands.empty())
        consider(std::max(m_commands.front().at, m_now), Source::Command);
    if (!m_events.empty())
        consider(m_events.front().time, Source::Heap);
    if (!m_delayed.empty() && roomForRetry())
        consider(std::max(m_delayed.front().due, m_now), Source::Retry);
    if (m_nextArrival >= 0 && !m_producerBlocked && !m_handOffWaiting)
        consider(std::max(m_startNs + m_nextArrival, m_now), Source::Arrival);
    // Samples alone would tick for ever.
    if (source != Source::None && m_recorder.nextBoundaryNs() != IntervalRecorder::kNoBoundary)
        consider(m_startNs + m_recorder.nextBoundaryNs(), Source::Sample);
    return at == kNever ? Source::None : source;
}

void VirtualEngine::processNext(Source source, Nanos at)
{
    advanceTo(at);
    ++m_eventCount;
    switch (source) {
    case Source::Command: {
        const auto later = [](const Command& a, const Command& b) {
            return a.at != b.at ? a.at > b.at : a.seq > b.seq;
        };
        std::pop_heap(m_commands.begin(), m_commands.end(), later);
        const Scenario changed = std::move(m_commands.back().scenario);
        m_commands.pop_back();
        applyLocked(changed);
        return; // applyLocked settles
    }
    case Source::Heap: {
        std::pop_heap(m_events.begin(), m_events.end(), std::greater<>());
        const Event e = m_events.back();
        m_events.pop_back();
        switch (e.kind) {
        case EventKind::AttemptEnd:
            onAttemptEnd(e.index);
            break;
        case EventKind::ThrottleEnd:
            onThrottleEnd(e.index);
            break;
        case EventKind::ClientReady:
            onClientReady(e.index);
            break;
        case EventKind::DurationEnd:
            if (m_closedModel && !m_producerDone) {
                m_producerDone = true;
                maybeEndProducing();
            }
            break;
        }
        break;
    }
    case Source::Retry:
        break; // settle() moves it
    case Source::Arrival:
        onArrival();
        break;
    case Source::Sample:
        onSample();
        return;
    case Source::None:
        return;
    }
    settle();
    checkFinished();
}

void VirtualEngine::advanceTo(Nanos t)
{
    if (t <= m_now)
        return;
    // Nothing changes between events, so the state at the warm-up's end is the one now.
    if (m_warmupNs > 0 && !m_warmupMark.reached && m_state != PoolState::Idle && t >= m_startNs + m_warmupNs)
        markWarmupEnd(std::max(m_now, m_startNs + m_warmupNs));
    const auto inSystem = static_cast<double>(m_queue.size()) + static_cast<double>(m_running) +
                          static_cast<double>(m_delayed.size());
    m_areaInSystem += inSystem * static_cast<double>(t - m_now);
    m_now = t;
}

void VirtualEngine::markWarmupEnd(Nanos at)
{
    m_warmupMark.reached = true;
    m_warmupMark.atNs = at - m_startNs;
    m_warmupMark.counters = m_counters;
    m_warmupMark.counters.submitted = m_accepted + m_counters.rejected;
    m_warmupMark.busyNs = m_busyNs + static_cast<Nanos>(m_busyCount) * at - m_busySinceSum;
    m_warmupMark.workerNs = m_workerTime.total(at, availableWorkers(m_target, m_live),
                                               m_state != PoolState::Stopped && m_state != PoolState::Idle);
}

void VirtualEngine::setWarmup(Nanos warmupNs)
{
    CallerLock lock(*this);
    if (m_state == PoolState::Idle) {
        m_warmupNs = std::max<Nanos>(0, warmupNs);
        m_warmupMark = {};
        m_warmupMark.atNs = m_warmupNs;
    }
}

WarmupMark VirtualEngine::warmupMark() const
{
    CallerLock lock(*this);
    return m_warmupMark;
}

void VirtualEngine::pushEvent(Nanos time, std::uint32_t index, EventKind kind)
{
    m_events.push_back({time, m_seq++, index, kind});
    std::push_heap(m_events.begin(), m_events.end(), std::greater<>());
}

// ---------------------------------------------------------------- jobs

VirtualEngine::Submit VirtualEngine::trySubmit(Job& job, bool producer, bool blockedBefore)
{
    // Decided at once by the rule Pool::submit applies: Blocked means the submitter
    // waits for room. Virtual time stands still while paused, so nobody submits then.
    AdmissionView view;
    view.capacity = m_capacity;
    view.overflow = m_overflow;
    view.queued = m_queue.size();
    view.closed = closed() || m_cancelled;
    view.readyWorkers = m_state == PoolState::Running ? m_idleCount : 0;
    switch (admit(view)) {
    case Admission::Refuse:
        ++m_counters.rejected;
        ++m_counters.refused;
        jobDone(job);
        return Submit::Rejected;
    case Admission::Enqueue: {
        ++m_accepted;
        // Erlang C's "the arrival waits": no idle worker when it came (as Pool::submit).
        if (blockedBefore || m_idleCount == 0)
            ++m_counters.arrivedToBusy;
        const std::uint64_t ticket = m_pushed;
        job.pushedNs = m_now; // the attempt's event: when it entered the queue
        enqueue(job);
        if (producer && waitsForTaker(m_capacity, m_overflow) && m_removed <= ticket) {
            m_handOffWaiting = true;
            m_handOffTicket = ticket;
        }
        return Submit::Accepted;
    }
    case Admission::Wait:
        return Submit::Blocked;
    case Admission::DropOldest: {
        const Job oldest = m_queue.pop();
        ++m_removed;
        ++m_counters.dropped;
        ++m_accepted;
        ++m_counters.arrivedToBusy; // a full queue: no worker was idle
        job.pushedNs = m_now;
        enqueue(job);
        jobDone(oldest);
        return Submit::Accepted;
    }
    case Admission::Reject:
        break;
    }
    ++m_counters.rejected;
    jobDone(job);
    return Submit::Rejected;
}

void VirtualEngine::enqueue(const Job& job)
{
    m_queue.push(job);
    ++m_pushed;
    // An idle worker takes it at once: the queue only holds jobs no worker is free for.
    if (m_idleCount > 0 && !m_cancelled) {
        const int slot = takeIdleWorker();
        const Job next = m_queue.pop();
        ++m_removed;
        startAttempt(static_cast<std::uint32_t>(slot), next);
    }
}

int VirtualEngine::takeIdleWorker()
{
    for (;;) {
        const std::uint32_t slot = m_idle.back();
        m_idle.pop_back();
        if (m_states[slot] == WorkerState::Idle && !retires(static_cast<int>(slot), m_target)) {
            --m_idleCount;
            return static_cast<int>(slot);
        }
    }
}

void VirtualEngine::startAttempt(std::uint32_t slot, Job job)
{
    ++m_running;
    ++m_counters.attempts;
    // As Pool::runAttempt: the queue wait ends when a worker takes the job; a token
    // wait after that is measured apart (m_throttle).
    const bool counts = observed(job);
    if (counts)
        m_wait.record(m_now - job.enqueueNs);
    m_workers[slot].taken = m_now;
    if (m_bucket) {
        const Nanos at = m_bucket->reserve(m_now);
        if (at > m_now) {
            ++m_counters.throttled;
            if (counts)
                m_throttle.record(at - m_now);
            m_states[slot] = WorkerState::Throttled;
            ++m_throttledCount;
            m_workers[slot].job = job;
            pushEvent(at, slot, EventKind::ThrottleEnd);
            return;
        }
    }
    beginWork(slot, job);
}

void VirtualEngine::onThrottleEnd(std::uint32_t slot)
{
    --m_throttledCount;
    Job job = m_workers[slot].job;
    beginWork(slot, job);
}

void VirtualEngine::beginWork(std::uint32_t slot, Job& job)
{
    const AttemptPlan plan = planAttempt(m_policy.get(), job);
    Worker& w = m_workers[slot];
    w.job = job;
    w.start = m_now;
    w.plan = plan;
    m_states[slot] = WorkerState::Busy;
    ++m_busyCount;
    m_busySinceSum += m_now;
    pushEvent(m_now + plan.holdNs, slot, EventKind::AttemptEnd);
}

void VirtualEngine::onAttemptEnd(std::uint32_t slot)
{
    Worker& w = m_workers[slot];
    const Nanos spent = m_now - w.start;
    --m_busyCount;
    m_busySinceSum -= w.start;
    m_busyNs += spent;
    Job& job = w.job;
    if (observed(job))
        m_service.record(spent);
    --m_running;
    const std::uint32_t attempt = job.attempt;
    const AttemptResult result = endAttempt(m_policy.get(), w.plan, m_now, job);
    if (result.timedOut)
        ++m_counters.timedOut;
    if (m_attemptLog) {
        const AttemptEnd end = result.timedOut                        ? AttemptEnd::TimedOut
                               : result.end == AttemptVerdict::Retry  ? AttemptEnd::Retrying
                               : result.end == AttemptVerdict::Failed ? AttemptEnd::Failed
                                                                      : AttemptEnd::Succeeded;
        pushAttemptEvent(slot, attempt, end);
    }
    if (result.end == AttemptVerdict::Retry) {
        ++m_counters.retries;
        m_delayed.push_back({result.retryDue, m_seq++, job});
        std::push_heap(m_delayed.begin(), m_delayed.end(), std::greater<>());
    } else {
        if (observed(job)) {
            m_total.record(m_now - job.arrivalNs);
            m_totalUncorrected.record(m_now - job.submittedNs);
        }
        ++(result.end == AttemptVerdict::Failed ? m_counters.failed : m_counters.succeeded);
        jobDone(job);
    }
    workerFree(slot);
}

void VirtualEngine::pushAttemptEvent(std::uint32_t slot, std::uint32_t attempt, AttemptEnd end)
{
    const Worker& w = m_workers[slot];
    AttemptEvent e;
    e.jobId = w.job.id;
    e.attempt = attempt;
    e.worker = static_cast<std::int32_t>(slot);
    e.planned = w.job.arrivalNs - m_startNs;
    e.submitted = w.job.submittedNs - m_startNs;
    e.enqueued = w.job.pushedNs - m_startNs;
    e.taken = w.taken - m_startNs;
    e.started = w.start - m_startNs;
    e.ended = m_now - m_startNs;
    e.end = end;
    m_attemptLog->push(e);
}

void VirtualEngine::workerFree(std::uint32_t slot)
{
    if (retires(static_cast<int>(slot), m_target)) {
        accrueWorkerNs();                      // it was available until now (see availableWorkers())
        m_states[slot] = WorkerState::Retired; // a worker above a lowered count retires after its job
        --m_live;
        return;
    }
    if (!m_queue.empty()) {
        const Job next = m_queue.pop();
        ++m_removed;
        startAttempt(slot, next);
        return;
    }
    m_states[slot] = WorkerState::Idle;
    ++m_idleCount;
    m_idle.push_back(slot);
}

bool VirtualEngine::roomForRetry() const
{
    return retryMayEnter(m_queue.size(), m_capacity);
}

void VirtualEngine::settle()
{
    // Whatever made room or changed a rule may let due retries, a waiting hand-off
    // and blocked submitters move on at this same instant. Retries first: they were
    // accepted before.
    for (;;) {
        bool progress = false;
        while (!m_delayed.empty() && m_delayed.front().due <= m_now && roomForRetry() && !m_cancelled) {
            std::pop_heap(m_delayed.begin(), m_delayed.end(), std::greater<>());
            Job job = m_delayed.back().job;
            m_delayed.pop_back();
            job.enqueueNs = m_now;
            job.pushedNs = m_now;
            enqueue(job);
            progress = true;
        }
        if (m_handOffWaiting && m_removed > m_handOffTicket) {
            m_handOffWaiting = false;
            producerNext();
            progress = true;
        }
        while (!m_blocked.empty() && !m_handOffWaiting) {
            Job job = m_blocked.front();
            const bool producer = !m_closedModel;
            if (trySubmit(job, producer, true) == Submit::Blocked)
                break;
            m_blocked.pop_front();
            progress = true;
            if (producer) {
                m_producerBlocked = false;
                if (!m_handOffWaiting)
                    producerNext();
            }
        }
        if (!progress)
            break;
    }
    maybeEndProducing();
}

void VirtualEngine::onArrival()
{
    Job job;
    job.id = m_created++;
    job.arrivalNs = m_startNs + m_nextArrival;
    job.enqueueNs = job.arrivalNs; // the first wait counts from the planned arrival
    job.submittedNs = m_now;       // later than planned when the producer was held up
    job.kind = m_scenario.jobKind;
    m_nextArrival = -1;
    if (trySubmit(job, true) == Submit::Blocked) {
        m_blocked.push_back(job);
        m_producerBlocked = true;
        return;
    }
    if (!m_handOffWaiting)
        producerNext();
}

void VirtualEngine::producerNext()
{
    if (m_closedModel || m_producerDone || m_state != PoolState::Running)
        return;
    const Nanos next = m_schedule.next(m_arrivalRng);
    if (next < 0)
        m_producerDone = true;
    else
        m_nextArrival = next;
}

void VirtualEngine::onClientReady(std::uint32_t client)
{
    if (!m_closedModel || m_producerDone || m_state != PoolState::Running ||
        static_cast<int>(client) >= m_clients)
        return;
    if (m_scenario.jobs > 0 && m_created >= m_scenario.jobs) {
        m_producerDone = true;
        return;
    }
    Job job;
    job.id = m_created++;
    job.arrivalNs = m_now;
    job.enqueueNs = m_now;
    job.submittedNs = m_now;
    job.kind = m_scenario.jobKind;
    job.tag = client;
    if (trySubmit(job, false) == Submit::Blocked)
        m_blocked.push_back(job);
    if (m_scenario.jobs > 0 && m_created >= m_scenario.jobs)
        m_producerDone = true;
}

void VirtualEngine::jobDone(const Job& job)
{
    // A closed-model client thinks, then sends its next job.
    if (m_closedModel && !m_producerDone && m_state == PoolState::Running &&
        static_cast<int>(job.tag) < m_clients)
        pushEvent(m_now + std::max<Nanos>(0, m_scenario.thinkTime), job.tag, EventKind::ClientReady);
}

void VirtualEngine::maybeEndProducing()
{
    // The run ends as the real one does: the producer drains once its last job is in.
    if (m_state == PoolState::Running && m_producerDone && m_blocked.empty() && !m_handOffWaiting)
        drainLocked();
}

void VirtualEngine::drainLocked()
{
    if (m_state == PoolState::Stopped || m_state == PoolState::Draining)
        return;
    if (m_state == PoolState::Idle) {
        m_producerDone = true; // a drain before start: nothing was submitted, so it stops
        startLocked();
        return;
    }
    stopProducing();
    checkFinished();
}

void VirtualEngine::stopProducing()
{
    m_state = PoolState::Draining;
    m_paused = false;
    m_producerDone = true;
    m_nextArrival = -1;
    m_handOffWaiting = false;
    m_producerBlocked = false;
    // Submitters still waiting for room are refused, as Pool::drain wakes them to.
    while (!m_blocked.empty()) {
        Job job = m_blocked.front();
        m_blocked.pop_front();
        trySubmit(job, false);
    }
}

void VirtualEngine::cancelLocked()
{
    if (m_state == PoolState::Stopped)
        return;
    if (m_state == PoolState::Idle) {
        m_producerDone = true; // nothing was submitted: it stops at once
        startLocked();
        return;
    }
    m_cancelled = true;
    stopProducing();
    const std::size_t queued = m_queue.size();
    m_removed += queued;
    m_counters.cancelled += queued;
    m_queue.drainInto([](const Job&) {});
    m_counters.cancelled += m_delayed.size();
    m_delayed.clear();
    // Running attempts are cut off now; throttled ones never start.
    for (std::size_t slot = 0; slot < m_states.size(); ++slot) {
        const bool throttled = m_states[slot] == WorkerState::Throttled;
        if (m_states[slot] == WorkerState::Busy) {
            const Nanos spent = m_now - m_workers[slot].start;
            m_busyNs += spent;
            if (observed(m_workers[slot].job))
                m_service.record(spent);
            ++m_counters.cancelled;
        } else if (throttled) {
            ++m_counters.cancelled;
            m_workers[slot].start = m_now; // it never started
        }
        if (m_attemptLog && (throttled || m_states[slot] == WorkerState::Busy))
            pushAttemptEvent(static_cast<std::uint32_t>(slot), m_workers[slot].job.attempt,
                             AttemptEnd::Cancelled);
        if (m_states[slot] == WorkerState::Busy || m_states[slot] == WorkerState::Throttled)
            m_states[slot] = WorkerState::Idle;
    }
    m_busyCount = 0;
    m_busySinceSum = 0;
    m_throttledCount = 0;
    m_running = 0;
    m_events.clear();
    checkFinished();
}

void VirtualEngine::checkFinished()
{
    if (!drainFinished(m_state, {m_queue.size(), static_cast<std::uint64_t>(m_running), m_delayed.size(),
                                 m_blocked.size()}))
        return;
    accrueWorkerNs();
    m_state = PoolState::Stopped;
    // Every worker leaves once the pool has stopped.
    std::fill(m_states.begin(), m_states.end(), WorkerState::Retired);
    m_live = 0;
    m_idleCount = 0;
    m_idle.clear();
    m_events.clear();
    m_commands.clear();
    onSample(); // the last, shorter interval
}

void VirtualEngine::onSample()
{
    fillSnapshot(m_sampleSnapshot, false);
    m_recorder.add(m_sampleSnapshot);
}

// ---------------------------------------------------------------- workers & changes

void VirtualEngine::accrueWorkerNs()
{
    if (m_state == PoolState::Idle || m_state == PoolState::Stopped)
        return;
    m_workerTime.accrue(m_now, availableWorkers(m_target, m_live));
}

void VirtualEngine::spawnWorkers()
{
    if (m_states.size() < static_cast<std::size_t>(m_target)) {
        m_states.resize(static_cast<std::size_t>(m_target), WorkerState::Retired);
        m_workers.resize(static_cast<std::size_t>(m_target));
    }
    // Pushed from the top so that slot 0 is the first one taken.
    for (int slot = m_target - 1; slot >= 0; --slot) {
        if (m_states[static_cast<std::size_t>(slot)] != WorkerState::Retired)
            continue; // still running, perhaps finishing a job before it would have retired
        m_states[static_cast<std::size_t>(slot)] = WorkerState::Idle;
        ++m_live;
        ++m_idleCount;
        m_idle.push_back(static_cast<std::uint32_t>(slot));
    }
    while (m_idleCount > 0 && !m_queue.empty() && !m_cancelled) {
        const int slot = takeIdleWorker();
        const Job job = m_queue.pop();
        ++m_removed;
        startAttempt(static_cast<std::uint32_t>(slot), job);
    }
}

void VirtualEngine::setWorkerCount(int workers)
{
    workers = clampWorkers(workers, kMaxVirtualWorkers);
    if (m_state == PoolState::Stopped || workers == m_target)
        return;
    accrueWorkerNs();
    const int before = m_target;
    m_target = workers;
    if (workers < before) {
        // Idle workers above the count retire now; busy ones after their job.
        for (std::size_t slot = static_cast<std::size_t>(workers); slot < m_states.size(); ++slot) {
            if (m_states[slot] == WorkerState::Idle) {
                m_states[slot] = WorkerState::Retired;
                --m_live;
                --m_idleCount;
            }
        }
    } else if (m_state != PoolState::Idle) {
        spawnWorkers();
    }
}

void VirtualEngine::applyLocked(const Scenario& c)
{
    if (m_state == PoolState::Stopped) {
        m_scenario = c;
        return;
    }
    if (m_state == PoolState::Idle) {
        // Not started: as if constructed with it.
        const bool rateLimited = c.rateLimit > 0;
        m_scenario = c;
        m_capacity = std::clamp(c.queueCapacity, 0, PoolConfig::kMaxQueueCapacity);
        m_overflow = c.overflow;
        m_target = clampWorkers(c.workers, kMaxVirtualWorkers);
        m_schedule = ArrivalSchedule(c);
        m_arrivalRng = arrivalRng(c.seed);
        m_bucket = rateLimited ? std::make_unique<TokenBucket>(c.rateLimit, c.burst, m_now) : nullptr;
        rebuildPolicy();
        return;
    }
    const Scenario old = m_scenario;
    m_scenario = c;
    m_capacity = std::clamp(c.queueCapacity, 0, PoolConfig::kMaxQueueCapacity);
    m_overflow = c.overflow;
    setWorkerCount(c.workers);
    const ScenarioDiff changes = diff(old, c);
    if (changes.has(AffectsWorkload))
        rebuildPolicy();
    if (changes.has(AffectsRateLimit)) {
        if (c.rateLimit <= 0)
            m_bucket.reset();
        else if (m_bucket)
            m_bucket->setRate(c.rateLimit, c.burst, m_now);
        else
            m_bucket = std::make_unique<TokenBucket>(c.rateLimit, c.burst, m_now);
    }
    if (changes.has(AffectsSampling) && m_state != PoolState::Idle)
        m_recorder.setInterval(c.sampleInterval);

    // The load: only while still producing.
    if (m_state == PoolState::Running && !m_producerDone) {
        const bool closedNow = c.arrival == ArrivalKind::Closed;
        if (closedNow) {
            const int before = m_closedModel ? m_clients : 0;
            m_closedModel = true;
            m_nextArrival = -1;
            m_clients = std::max(0, c.clients);
            for (int i = before; i < m_clients; ++i)
                pushEvent(m_now, static_cast<std::uint32_t>(i), EventKind::ClientReady);
            if (c.duration != old.duration && c.duration > 0)
                pushEvent(std::max(m_now, m_startNs + c.duration), 0, EventKind::DurationEnd);
        } else {
            const bool wasClosed = m_closedModel;
            m_closedModel = false;
            // The schedule counts its own arrivals; jobs from clients count against the limit too.
            const bool withdrawn = m_schedule.apply(c, m_now - m_startNs);
            if (withdrawn || wasClosed || m_nextArrival < 0) {
                m_nextArrival = -1;
                if (!m_producerBlocked && !m_handOffWaiting)
                    producerNext();
            }
        }
        if (m_closedModel && c.jobs > 0 && m_created >= c.jobs)
            m_producerDone = true;
    }
    settle();
    checkFinished();
}

// ---------------------------------------------------------------- reading

void VirtualEngine::fillSnapshot(Snapshot& out, bool withWorkers) const
{
    out.elapsedNs = m_now;
    out.runNs = m_state == PoolState::Idle      ? 0
                : m_state == PoolState::Stopped ? m_workerTime.since() - m_startNs
                                                : m_now - m_startNs;
    out.state = m_paused && m_state == PoolState::Running ? PoolState::Paused : m_state;
    out.overflow = m_overflow;
    out.counters = m_counters;
    out.counters.submitted = m_accepted + m_counters.rejected;
    out.queued = static_cast<std::int64_t>(m_queue.size());
    out.inFlight = m_running + static_cast<std::int64_t>(m_delayed.size());
    out.backingOff = static_cast<std::int64_t>(m_delayed.size());
    out.queueCapacity = m_capacity;
    out.workers = m_target;
    out.liveWorkers = m_live;
    out.busyWorkers = m_busyCount;
    out.throttledWorkers = m_throttledCount;
    out.busyNs = m_busyNs + static_cast<Nanos>(m_busyCount) * m_now - m_busySinceSum;
    out.workerNs = m_workerTime.total(m_now, availableWorkers(m_target, m_live),
                                      m_state != PoolState::Stopped && m_state != PoolState::Idle);
    out.wait = m_wait;
    out.service = m_service;
    out.total = m_total;
    out.totalUncorrected = m_totalUncorrected;
    out.throttle = m_throttle;
    if (withWorkers) {
        fillWorkerCells(out.workerCells, m_states);
    } else {
        out.workerCells.states.clear();
        out.workerCells.counts.clear();
    }
}

void VirtualEngine::snapshot(Snapshot& out) const
{
    CallerLock lock(*this);
    fillSnapshot(out, true);
}

Snapshot VirtualEngine::snapshot() const
{
    Snapshot out;
    snapshot(out);
    return out;
}

void VirtualEngine::withRecord(const std::function<void(const IntervalRecord&)>& read) const
{
    CallerLock lock(*this);
    read(m_recorder.record());
}

void VirtualEngine::setRecordSink(IntervalRecord::Sink sink)
{
    CallerLock lock(*this);
    m_recorder.setSink(std::move(sink));
}

double VirtualEngine::meanInSystem() const
{
    CallerLock lock(*this);
    const Nanos run = m_state == PoolState::Stopped ? m_workerTime.since() - m_startNs : m_now - m_startNs;
    return run > 0 ? m_areaInSystem / static_cast<double>(run) : 0.0;
}

std::uint64_t VirtualEngine::events() const
{
    CallerLock lock(*this);
    return m_eventCount;
}

} // namespace poollab
