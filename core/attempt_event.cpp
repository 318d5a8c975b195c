// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt_event.h"

#include "core/cpu_relax.h"

#include <algorithm>
#include <atomic>
#include <memory>
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
// A spin lock: held for a push (a counter and a 72-byte copy) or for one chunk of a
// reader's copy. A mutex parked the workers of a busy pool in the kernel whenever two
// pushes met (twice the cost per empty job at 20 workers on 2 cores, bench_engine);
// spinning briefly, then yielding (a holder preempted on a busy machine needs the
// core), keeps the meeting to nanoseconds. Nothing that allocates runs under it.
class SpinLock
{
public:
    void lock()
    {
        // Unsigned: a long wait wraps around instead of overflowing.
        for (unsigned spins = 0; m_locked.exchange(true, std::memory_order_acquire); ++spins) {
            while (m_locked.load(std::memory_order_relaxed)) {
                if (++spins % 64 == 0)
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

// KeepFirst stores its events in blocks of this many (4.7 MB), each allocated outside
// the lock when the kept events reach it: nothing is ever moved or copied while
// workers wait for the lock, however large --trace-limit is.
constexpr std::size_t kBlockEvents = std::size_t(1) << 16;
// A reader copies a ring this many events per hold of the lock (about 300 KB), so a
// push never waits for more than one chunk.
constexpr std::uint64_t kCopyChunk = 4096;
} // namespace

// A short lock per push: workers push once per attempt, and readers copy what is new on
// their own timer (bench_engine's BM_EngineWithEvents measures it).
struct AttemptEventLog::Impl
{
    // A ring is allocated whole; KeepFirst allocates a block at a time as it keeps (a cap
    // of a million events costs one block when a run has a thousand).
    Impl(std::size_t capacity, Mode mode)
        : capacity(std::max<std::size_t>(capacity, 1)), blockEvents(std::min(this->capacity, kBlockEvents)),
          mode(mode)
    {
        if (mode == Mode::Ring)
            ring.resize(this->capacity);
        else
            blocks.resize((this->capacity + blockEvents - 1) / blockEvents);
    }

    mutable SpinLock mutex;
    const std::size_t capacity;
    const std::size_t blockEvents;
    std::vector<AttemptEvent> ring;
    // KeepFirst: event i in blocks[i / blockEvents][i % blockEvents]. A block is installed
    // under the lock before kept reaches it and never freed before the log, so events
    // below a kept read under the lock can be copied without it.
    std::vector<std::unique_ptr<AttemptEvent[]>> blocks;
    const Mode mode;
    std::uint64_t pushed = 0; // Ring: every push; KeepFirst: the kept ones (== kept)
    std::uint64_t kept = 0;   // KeepFirst: events stored (the next free index)
    // KeepFirst: pushes not kept, counted without the lock; keptA mirrors kept, so that
    // a full log turns pushes away before they take the lock.
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> keptA{0};
    std::atomic<std::uint64_t> jobLimit{0};

    void pushKeepFirst(const AttemptEvent& event);
    std::uint64_t copyKeepFirst(std::uint64_t from, std::vector<AttemptEvent>& out) const;
    std::uint64_t copyRing(std::uint64_t from, std::vector<AttemptEvent>& out) const;
};

void AttemptEventLog::Impl::pushKeepFirst(const AttemptEvent& event)
{
    const std::uint64_t limit = jobLimit.load(std::memory_order_relaxed);
    if ((limit > 0 && event.jobId >= limit) || keptA.load(std::memory_order_relaxed) >= capacity) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::unique_ptr<AttemptEvent[]> spare; // allocated outside the lock, installed under it
    for (;;) {
        {
            std::lock_guard lock(mutex);
            if (kept >= capacity)
                break;
            std::unique_ptr<AttemptEvent[]>& block = blocks[kept / blockEvents];
            if (!block && spare)
                block = std::move(spare);
            if (block) {
                block[kept % blockEvents] = event;
                ++kept;
                ++pushed;
                keptA.store(kept, std::memory_order_relaxed);
                return;
            }
        }
        spare.reset(new AttemptEvent[blockEvents]);
    }
    dropped.fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t AttemptEventLog::Impl::copyKeepFirst(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    std::uint64_t end = 0;
    {
        std::lock_guard lock(mutex);
        end = kept;
    }
    if (end <= from)
        return from;
    out.reserve(out.size() + (end - from));
    for (std::uint64_t i = from; i < end; ++i)
        out.push_back(blocks[i / blockEvents][i % blockEvents]);
    return end;
}

std::uint64_t AttemptEventLog::Impl::copyRing(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    const std::uint64_t size = ring.size();
    std::uint64_t end = 0;
    {
        std::lock_guard lock(mutex);
        end = pushed;
    }
    if (end <= from)
        return from;
    out.reserve(out.size() + std::min<std::uint64_t>(end - from, size)); // outside the lock
    // Chunk by chunk: what was overwritten meanwhile is skipped (the oldest moves on).
    for (std::uint64_t next = from; next < end;) {
        std::lock_guard lock(mutex);
        const std::uint64_t oldest = pushed > size ? pushed - size : 0;
        next = std::max(next, oldest);
        const std::uint64_t stop = std::min(end, next + kCopyChunk);
        for (; next < stop; ++next)
            out.push_back(ring[next % size]);
    }
    return end;
}

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
    return m_impl->pushed + m_impl->dropped.load(std::memory_order_relaxed);
}

std::uint64_t AttemptEventLog::lost() const
{
    std::lock_guard lock(m_impl->mutex);
    if (m_impl->mode == Mode::KeepFirst)
        return m_impl->dropped.load(std::memory_order_relaxed);
    return m_impl->pushed - std::min<std::uint64_t>(m_impl->pushed, m_impl->capacity);
}

void AttemptEventLog::setJobLimit(std::uint64_t limit)
{
    m_impl->jobLimit.store(limit, std::memory_order_relaxed);
}

void AttemptEventLog::push(const AttemptEvent& event)
{
    Impl& d = *m_impl;
    if (d.mode == Mode::KeepFirst) {
        d.pushKeepFirst(event);
        return;
    }
    std::lock_guard lock(d.mutex);
    d.ring[d.pushed % d.ring.size()] = event;
    ++d.pushed;
}

std::uint64_t AttemptEventLog::copySince(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    return m_impl->mode == Mode::KeepFirst ? m_impl->copyKeepFirst(from, out) : m_impl->copyRing(from, out);
}

} // namespace poollab
