// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the pool tests: a ledger that catches a job ending twice or never.

#include "core/pool.h"

#include <array>
#include <atomic>
#include <memory>
#include <vector>

// Enums compare as numbers: QTest's toString() lookup would find the engine's own
// toString() overloads, which return names, not the char* QTest expects.
#define QCOMPARE_ENUM(actual, expected) QCOMPARE(static_cast<int>(actual), static_cast<int>(expected))

namespace poollab::test {

class Ledger
{
public:
    explicit Ledger(std::size_t jobs) : m_endings(jobs) {}

    void record(const Job& job, Outcome outcome)
    {
        if (job.id < m_endings.size())
            m_endings[job.id].fetch_add(1, std::memory_order_relaxed);
        else
            m_outOfRange.fetch_add(1, std::memory_order_relaxed);
        m_byOutcome[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
    }
    // Every job in [0, submitted) ended exactly once, and none beyond.
    bool eachEndedOnce(std::size_t submitted) const
    {
        if (m_outOfRange.load() != 0)
            return false;
        for (std::size_t i = 0; i < m_endings.size(); ++i)
            if (m_endings[i].load() != (i < submitted ? 1 : 0))
                return false;
        return true;
    }
    std::uint64_t count(Outcome outcome) const
    {
        return m_byOutcome[static_cast<std::size_t>(outcome)].load();
    }
    std::uint64_t total() const
    {
        std::uint64_t n = 0;
        for (const auto& c : m_byOutcome)
            n += c.load();
        return n;
    }
    PoolConfig config(int workers, int capacity, OverflowPolicy overflow = OverflowPolicy::Block)
    {
        PoolConfig c;
        c.workers = workers;
        c.queueCapacity = capacity;
        c.overflow = overflow;
        c.onJobDone = [this](const Job& job, Outcome outcome) { record(job, outcome); };
        return c;
    }

private:
    std::vector<std::atomic<int>> m_endings;
    std::array<std::atomic<std::uint64_t>, 5> m_byOutcome{};
    std::atomic<std::uint64_t> m_outOfRange{0};
};

inline Job makeJob(const Pool& pool, std::uint64_t id, Nanos serviceNs, JobKind kind = JobKind::Sleep)
{
    Job job;
    job.id = id;
    job.arrivalNs = pool.now();
    job.serviceNs = serviceNs;
    job.kind = kind;
    return job;
}

} // namespace poollab::test
