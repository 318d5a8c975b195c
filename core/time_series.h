// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sampler.h"

#include <cstddef>
#include <vector>

namespace poollab {

// The bounded history of one run's samples that the charts draw from. Two views:
//  - recent: the last `recentCapacity` samples at full resolution (a ring), for the
//    rolling windows;
//  - overview: the whole run in at most `overviewBuckets` buckets. When they are all
//    used, neighbouring pairs merge and each bucket covers twice as many samples, so
//    memory stays flat however long the run.
// Nothing allocates after construction.
class TimeSeries
{
public:
    explicit TimeSeries(std::size_t recentCapacity = 4096, std::size_t overviewBuckets = 512);

    void clear();
    void add(const Sample& sample);

    std::size_t recentCapacity() const { return m_recent.size(); }
    std::size_t recentSize() const { return m_recentSize; }
    // 0 is the oldest sample still held.
    const Sample& recent(std::size_t index) const;

    std::size_t overviewCapacity() const { return m_overview.size(); }
    // Full buckets plus the one being filled, if any.
    std::size_t overviewSize() const { return m_overviewSize + (m_pendingCount > 0 ? 1 : 0); }
    const Sample& overview(std::size_t index) const;
    // Samples per full overview bucket: a power of two.
    std::size_t samplesPerBucket() const { return m_perBucket; }

    std::size_t added() const { return m_added; }
    bool empty() const { return m_added == 0; }
    const Sample& last() const { return recent(m_recentSize - 1); }

    // Folds `later` (the interval right after `into`'s) into `into`: rates and means
    // are weighted by time (latency by count); peaks (queue depth, in-flight, latency
    // p95/p99/max) keep the larger, so downsampling never hides a spike; settings and
    // totals take the later value.
    static void merge(Sample& into, const Sample& later);

private:
    std::vector<Sample> m_recent;
    std::size_t m_recentHead = 0; // next write
    std::size_t m_recentSize = 0;

    std::vector<Sample> m_overview;
    std::size_t m_overviewSize = 0;
    Sample m_pending;
    std::size_t m_pendingCount = 0;
    std::size_t m_perBucket = 1;
    std::size_t m_added = 0;
};

} // namespace poollab
