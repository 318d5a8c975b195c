// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <algorithm>

namespace poollab {

// Workers that can be busy: the count, and after a shrink also the workers above it
// still finishing a job, so that busy time never exceeds available time.
constexpr int availableWorkers(int target, int live)
{
    return std::max(target, live);
}

// Worker time, utilization's denominator: the integral over the run of the workers
// that can be busy. Both engines accrue it at every change of that number (a worker
// count change, a retiring worker leaving, the end of the run). Not thread-safe.
class WorkerTime
{
public:
    // Counting starts (again) at `at`, from zero.
    void restart(Nanos at)
    {
        m_accrued = 0;
        m_since = at;
    }
    // Books `available` workers from the last accrual up to `at`.
    void accrue(Nanos at, int available)
    {
        m_accrued += static_cast<Nanos>(available) * (at - m_since);
        m_since = at;
    }
    // The total at `at`: what is booked, and while `counting` the time since then.
    Nanos total(Nanos at, int available, bool counting) const
    {
        return m_accrued + (counting ? static_cast<Nanos>(available) * std::max<Nanos>(0, at - m_since) : 0);
    }
    // The instant of the last accrual: once a run stops, when it stopped.
    Nanos since() const { return m_since; }

private:
    Nanos m_accrued = 0;
    Nanos m_since = 0;
};

} // namespace poollab
