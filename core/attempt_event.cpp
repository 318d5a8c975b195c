// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt_event.h"

#include "core/cpu_relax.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace poollab {

const char* toString(AttemptEnd end)
{
    switch (end) {
    case AttemptEnd::Succeeded:
        return "succeeded";
    case AttemptEnd::Failed:
        return "failed";
    case AttemptEnd::Retrying:
        return "retrying";
    case AttemptEnd::TimedOut:
        return "timed out";
    case AttemptEnd::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

namespace {
// A spin lock: held for a push (a counter and a 72-byte copy) or a reader's copy of what
// is new. A mutex parked the workers of a busy pool in the kernel whenever two pushes
// met (twice the cost per empty job at 20 workers on 2 cores, bench_engine); spinning,
// then yielding, keeps the meeting to nanoseconds.
class SpinLock
{
public:
    void lock()
    {
        for (int i = 0; m_locked.exchange(true, std::memory_order_acquire); ++i) {
            while (m_locked.load(std::memory_order_relaxed)) {
                if (++i % 64 == 0)
                    std::this_thread::yield(); // the holder may be waiting for this core
                else
                    cpuRelax();
            }
        }
    }
    void unlock() { m_locked.store(false, std::memory_order_release); }

private:
    std::atomic<bool> m_locked{false};
};
} // namespace

// A short lock per push: workers push once per attempt, and readers copy what is new on
// their own timer (bench_engine's BM_EngineWithEvents measures it).
struct AttemptEventLog::Impl
{
    // A ring is allocated whole; KeepFirst grows as it keeps (a cap of a million events
    // costs nothing when a run has a thousand).
    Impl(std::size_t capacity, Mode mode) : capacity(std::max<std::size_t>(capacity, 1)), mode(mode)
    {
        if (mode == Mode::Ring)
            events.resize(this->capacity);
        else
            events.reserve(std::min<std::size_t>(this->capacity, 4096));
    }

    mutable SpinLock mutex;
    const std::size_t capacity;
    std::vector<AttemptEvent> events;
    const Mode mode;
    std::uint64_t pushed = 0;
    std::uint64_t kept = 0; // KeepFirst: events stored (the next free index)
    std::uint64_t jobLimit = 0;
};

AttemptEventLog::AttemptEventLog(std::size_t capacity, Mode mode) : m_impl(new Impl(capacity, mode)) {}

AttemptEventLog::~AttemptEventLog()
{
    delete m_impl;
}

std::size_t AttemptEventLog::capacity() const
{
    return m_impl->capacity;
}

AttemptEventLog::Mode AttemptEventLog::mode() const
{
    return m_impl->mode;
}

std::uint64_t AttemptEventLog::pushed() const
{
    std::lock_guard lock(m_impl->mutex);
    return m_impl->pushed;
}

std::uint64_t AttemptEventLog::lost() const
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->mode == Mode::KeepFirst)
        return m_impl->pushed - m_impl->kept;
    return m_impl->pushed - std::min<std::uint64_t>(m_impl->pushed, m_impl->capacity);
}

void AttemptEventLog::setJobLimit(std::uint64_t limit)
{
    std::lock_guard lock(m_impl->mutex);
    m_impl->jobLimit = limit;
}

void AttemptEventLog::push(const AttemptEvent& event)
{
    Impl& d = *m_impl;
    std::lock_guard lock(d.mutex);
    ++d.pushed;
    if (d.mode == Mode::Ring) {
        d.events[(d.pushed - 1) % d.events.size()] = event;
        return;
    }
    if (d.kept >= d.capacity || (d.jobLimit > 0 && event.jobId >= d.jobLimit))
        return;
    d.events.push_back(event);
    ++d.kept;
}

std::uint64_t AttemptEventLog::copySince(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    const Impl& d = *m_impl;
    std::lock_guard lock(d.mutex);
    if (d.mode == Mode::KeepFirst) {
        for (std::uint64_t i = from; i < d.kept; ++i)
            out.push_back(d.events[i]);
        return std::max(from, d.kept);
    }
    const std::uint64_t size = d.events.size();
    const std::uint64_t oldest = d.pushed > size ? d.pushed - size : 0;
    for (std::uint64_t i = std::max(from, oldest); i < d.pushed; ++i)
        out.push_back(d.events[i % size]);
    return std::max(from, d.pushed);
}

} // namespace poollab
