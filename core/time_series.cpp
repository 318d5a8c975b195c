// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/time_series.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace poollab {

namespace {

double weighted(double a, double wa, double b, double wb)
{
    const double w = wa + wb;
    return w > 0 ? (a * wa + b * wb) / w : b;
}

void mergeLatency(IntervalLatency& into, const IntervalLatency& later)
{
    const double ca = static_cast<double>(into.count);
    const double cb = static_cast<double>(later.count);
    // Percentiles of a union cannot be had from percentiles: the median is averaged
    // by count, the tail keeps the worse of the two (an upper bound).
    into.p50 = static_cast<Nanos>(
        std::llround(weighted(static_cast<double>(into.p50), ca, static_cast<double>(later.p50), cb)));
    into.mean = weighted(into.mean, ca, later.mean, cb);
    into.p95 = std::max(into.p95, later.p95);
    into.p99 = std::max(into.p99, later.p99);
    into.max = std::max(into.max, later.max);
    into.count += later.count;
}

} // namespace

TimeSeries::TimeSeries(std::size_t recentCapacity, std::size_t overviewBuckets)
    : m_recent(std::max<std::size_t>(1, recentCapacity)),
      // An even count so that pairs merge cleanly.
      m_overview(std::max<std::size_t>(2, overviewBuckets + (overviewBuckets & 1)))
{}

void TimeSeries::clear()
{
    m_recentHead = 0;
    m_recentSize = 0;
    m_overviewSize = 0;
    m_pendingCount = 0;
    m_perBucket = 1;
    m_added = 0;
}

const Sample& TimeSeries::recent(std::size_t index) const
{
    assert(index < m_recentSize);
    const std::size_t cap = m_recent.size();
    return m_recent[(m_recentHead + cap - m_recentSize + index) % cap];
}

const Sample& TimeSeries::overview(std::size_t index) const
{
    assert(index < overviewSize());
    return index < m_overviewSize ? m_overview[index] : m_pending;
}

void TimeSeries::merge(Sample& a, const Sample& b)
{
    const double wa = static_cast<double>(a.intervalNs);
    const double wb = static_cast<double>(b.intervalNs);
    a.arrivalsPerSec = weighted(a.arrivalsPerSec, wa, b.arrivalsPerSec, wb);
    a.completionsPerSec = weighted(a.completionsPerSec, wa, b.completionsPerSec, wb);
    a.failuresPerSec = weighted(a.failuresPerSec, wa, b.failuresPerSec, wb);
    a.rejectionsPerSec = weighted(a.rejectionsPerSec, wa, b.rejectionsPerSec, wb);
    a.dropsPerSec = weighted(a.dropsPerSec, wa, b.dropsPerSec, wb);
    a.retriesPerSec = weighted(a.retriesPerSec, wa, b.retriesPerSec, wb);
    a.cancellationsPerSec = weighted(a.cancellationsPerSec, wa, b.cancellationsPerSec, wb);
    a.utilization = weighted(a.utilization, wa, b.utilization, wb);
    a.busyWorkers = static_cast<int>(std::lround(weighted(a.busyWorkers, wa, b.busyWorkers, wb)));
    a.throttledWorkers =
        static_cast<int>(std::lround(weighted(a.throttledWorkers, wa, b.throttledWorkers, wb)));
    a.queueDepth = std::max(a.queueDepth, b.queueDepth);
    a.inFlight = std::max(a.inFlight, b.inFlight);
    a.queueCapacity = b.queueCapacity;
    a.workers = b.workers;
    mergeLatency(a.total, b.total);
    mergeLatency(a.wait, b.wait);
    mergeLatency(a.service, b.service);
    mergeLatency(a.throttle, b.throttle);
    a.totals = b.totals;
    a.runNs = b.runNs;
    a.intervalNs += b.intervalNs;
}

void TimeSeries::add(const Sample& sample)
{
    m_recent[m_recentHead] = sample;
    m_recentHead = (m_recentHead + 1) % m_recent.size();
    m_recentSize = std::min(m_recentSize + 1, m_recent.size());
    ++m_added;

    if (m_pendingCount == 0)
        m_pending = sample;
    else
        merge(m_pending, sample);
    if (++m_pendingCount < m_perBucket)
        return;
    m_overview[m_overviewSize++] = m_pending;
    m_pendingCount = 0;
    if (m_overviewSize < m_overview.size())
        return;
    // Full: halve the resolution of what is there.
    for (std::size_t i = 0; i < m_overviewSize / 2; ++i) {
        m_overview[i] = m_overview[2 * i];
        merge(m_overview[i], m_overview[2 * i + 1]);
    }
    m_overviewSize /= 2;
    m_perBucket *= 2;
}

} // namespace poollab
