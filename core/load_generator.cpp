// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/load_generator.h"

#include "core/precise_wait.h"

#include <algorithm>
#include <chrono>
#include <limits>

namespace poollab {

namespace {
constexpr int kMaxClients = 1'000'000;

bool isOpen(ArrivalKind kind)
{
    return kind != ArrivalKind::Closed;
}
} // namespace

LoadGenerator::LoadGenerator(const Scenario& scenario)
    : m_scenario(scenario), m_schedule(scenario), m_rng(arrivalRng(scenario.seed))
{
    m_closedModel.store(scenario.arrival == ArrivalKind::Closed, std::memory_order_relaxed);
}

LoadGenerator::~LoadGenerator()
{
    requestStop();
    join();
}

std::uint64_t LoadGenerator::plannedJobs(const Scenario& s)
{
    if (s.arrival == ArrivalKind::Closed || s.arrival == ArrivalKind::Burst || s.duration <= 0)
        return s.jobs;
    // The rate curve's integral over the duration, by steps: only for a progress bar.
    ArrivalSchedule schedule(s);
    const int steps = 10'000;
    double sum = 0;
    const Nanos step = std::max<Nanos>(1, s.duration / steps);
    for (Nanos t = 0; t < s.duration; t += step)
        sum += schedule.rateAt(t) * toSeconds(std::min(step, s.duration - t));
    const auto estimate = static_cast<std::uint64_t>(std::llround(sum));
    return s.jobs > 0 ? std::min(s.jobs, estimate) : estimate;
}

void LoadGenerator::start(Pool& pool)
{
    std::lock_guard lock(m_mutex);
    if (m_pool)
        return;
    m_pool = &pool;
    m_runStart = pool.now();
    m_thread = std::thread([this] { run(); });
}

void LoadGenerator::pause()
{
    std::lock_guard lock(m_mutex);
    if (m_paused || !m_pool)
        return;
    m_paused = true;
    m_pauseStart = m_pool->now();
}

void LoadGenerator::resume()
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_paused)
            return;
        m_paused = false;
        const Nanos pausedFor = m_pool->now() - m_pauseStart;
        m_pausedNs += pausedFor;
        // Thinking clients wait out the pause too.
        std::vector<Thinking> moved;
        while (!m_thinking.empty()) {
            moved.push_back(m_thinking.top());
            m_thinking.pop();
        }
        for (Thinking t : moved) {
            t.due += pausedFor;
            m_thinking.push(t);
        }
    }
    m_cv.notify_all();
}

void LoadGenerator::requestStop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
}

void LoadGenerator::join()
{
    if (m_thread.joinable() && m_thread.get_id() != std::this_thread::get_id())
        m_thread.join();
    m_done.store(true, std::memory_order_release);
}

void LoadGenerator::apply(const Scenario& scenario)
{
    {
        std::lock_guard lock(m_mutex);
        m_pendingScenario = scenario;
        m_changed = true;
    }
    m_cv.notify_all();
}

void LoadGenerator::activateClientsLocked(Nanos due)
{
    const int k = std::clamp(m_scenario.clients, 0, kMaxClients);
    if (m_clientActive.size() < static_cast<std::size_t>(k))
        m_clientActive.resize(static_cast<std::size_t>(k), 0);
    for (int i = 0; i < k; ++i) {
        if (!m_clientActive[static_cast<std::size_t>(i)]) {
            m_clientActive[static_cast<std::size_t>(i)] = 1;
            m_thinking.push({due, static_cast<std::uint32_t>(i)});
        }
    }
}

void LoadGenerator::applyLocked(Nanos now)
{
    m_changed = false;
    const bool wasOpen = isOpen(m_scenario.arrival);
    m_scenario = m_pendingScenario;
    const bool open = isOpen(m_scenario.arrival);
    m_closedModel.store(!open, std::memory_order_release);
    // The schedule takes the new rates and limits; an arrival planned for later than
    // now is planned again under them.
    if (m_schedule.apply(m_scenario, runTimeLocked(now)))
        m_hasPlanned = false;
    if (open) {
        if (!wasOpen) {
            // Clients still thinking leave; those with a job out leave when it ends.
            while (!m_thinking.empty()) {
                m_clientActive[m_thinking.top().client] = 0;
                m_thinking.pop();
            }
        }
    } else {
        m_hasPlanned = false;
        activateClientsLocked(now);
    }
}

bool LoadGenerator::jobLimitReachedLocked() const
{
    return m_scenario.jobs > 0 && m_nextId >= m_scenario.jobs;
}

void LoadGenerator::submitLocked(std::unique_lock<std::mutex>& lock, Nanos planned, std::uint32_t client)
{
    Job job;
    job.id = m_nextId++;
    job.arrivalNs = planned;
    job.tag = client;
    const std::int64_t outstanding = m_outstanding.fetch_add(1, std::memory_order_relaxed) + 1;
    if (outstanding > m_outstandingHighWater.load(std::memory_order_relaxed))
        m_outstandingHighWater.store(outstanding, std::memory_order_relaxed);
    m_submitted.fetch_add(1, std::memory_order_relaxed);
    // Unlocked: submit may block on a full queue, and it may call jobDone (a rejection).
    lock.unlock();
    m_pool->submit(job);
    lock.lock();
}

void LoadGenerator::jobDone(const Job& job, Outcome)
{
    m_outstanding.fetch_sub(1, std::memory_order_relaxed);
    // Only closed-model clients care which job ended; open arrivals must not put a
    // lock on every worker's path.
    if (!m_closedModel.load(std::memory_order_acquire))
        return;
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_scenario.arrival != ArrivalKind::Closed || m_stopping || done() || !m_pool)
            return;
        const std::size_t client = job.tag;
        if (client >= m_clientActive.size())
            return;
        m_clientActive[client] = 0;
        if (client < static_cast<std::size_t>(std::max(0, m_scenario.clients))) {
            // The client's next job is planned a think time after this one ended.
            m_clientActive[client] = 1;
            m_thinking.push({m_pool->now() + std::max<Nanos>(0, m_scenario.thinkTime),
                             static_cast<std::uint32_t>(client)});
            wake = m_thinking.top().client == client;
        }
    }
    if (wake)
        m_cv.notify_all();
}

void LoadGenerator::run()
{
    PreciseWaiter::tightenTimerSlack();
    const auto until = [this](Nanos poolTime) {
        return std::chrono::steady_clock::time_point{
            std::chrono::nanoseconds(m_pool->epochSteadyNs() + poolTime)};
    };
    bool reachedLimit = false;
    Nanos waitedFor = -1; // the arrival the last timed wait was for
    // Arrivals are planned from the moment the workers are up, as the pool's run clock.
    m_pool->waitUntilReady();
    std::unique_lock lock(m_mutex);
    m_runStart = m_pool->now();
    m_pausedNs = 0; // a pause during the warm-up does not shift the run
    m_pauseStart = std::max(m_pauseStart, m_runStart);
    if (m_scenario.arrival == ArrivalKind::Closed)
        activateClientsLocked(m_runStart);
    for (;;) {
        if (m_stopping)
            break;
        const Nanos now = m_pool->now();
        if (m_changed)
            applyLocked(now);
        if (m_paused) {
            m_cv.wait(lock);
            continue;
        }
        if (jobLimitReachedLocked()) {
            reachedLimit = true;
            break;
        }
        // The duration limits planned times, not the moment the producer gets round
        // to a job: one planned before the end but submitted late still goes.
        if (m_scenario.arrival == ArrivalKind::Closed) {
            // Drop clients that a live change retired.
            while (!m_thinking.empty() &&
                   m_thinking.top().client >= static_cast<std::uint32_t>(m_scenario.clients)) {
                m_clientActive[m_thinking.top().client] = 0;
                m_thinking.pop();
            }
            const Nanos end = m_scenario.duration > 0 ? m_runStart + m_pausedNs + m_scenario.duration
                                                      : std::numeric_limits<Nanos>::max();
            if (!m_thinking.empty() && m_thinking.top().due < end) {
                const Thinking next = m_thinking.top();
                if (next.due <= now) {
                    m_thinking.pop();
                    submitLocked(lock, next.due, next.client);
                } else {
                    m_cv.wait_until(lock, until(next.due));
                }
                continue;
            }
            // Nothing is due before the end; a client whose job ends later plans past it.
            if (now >= end) {
                reachedLimit = true;
                break;
            }
            if (end == std::numeric_limits<Nanos>::max())
                m_cv.wait(lock);
            else
                m_cv.wait_until(lock, until(end));
            continue;
        }
        if (!m_hasPlanned) {
            const Nanos t = m_schedule.next(m_rng);
            if (t < 0) {
                reachedLimit = true;
                break;
            }
            m_planned = t;
            m_hasPlanned = true;
        }
        const Nanos due = m_runStart + m_pausedNs + m_planned;
        // A timed wait ends late (~0.05-0.1 ms here, more on a busy machine), and the
        // lateness is in every job's wait, which counts from the planned arrival. Aim
        // early by the mean recent lateness: submissions are then on time on average.
        const Nanos aim = due - m_earlyNs;
        if (aim <= now) {
            if (waitedFor == due) {
                const Nanos late = std::clamp<Nanos>(now - aim, 0, 2 * kMilli);
                m_earlyNs += (late - m_earlyNs) / 16;
            }
            m_hasPlanned = false;
            submitLocked(lock, due, 0);
            continue;
        }
        waitedFor = due;
        m_cv.wait_until(lock, until(aim));
    }
    m_done.store(true, std::memory_order_release);
    lock.unlock();
    if (reachedLimit)
        m_pool->drain(); // the pool stops once what was accepted is done
}

} // namespace poollab
