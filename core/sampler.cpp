// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sampler.h"

#include <algorithm>

namespace poollab {

namespace {
void copySnapshot(const Snapshot& from, Snapshot& to)
{
    // Copy-assignment of the vectors reuses to's capacity.
    to = from;
}
} // namespace

void Sampler::summarize(const Histogram& interval, IntervalLatency& out)
{
    out.count = interval.count();
    out.p50 = interval.percentile(50);
    out.p95 = interval.percentile(95);
    out.p99 = interval.percentile(99);
    out.max = interval.max();
    out.mean = interval.mean();
}

void Sampler::setRunStart(const Snapshot& snapshot)
{
    copySnapshot(snapshot, m_previous);
    m_previous.elapsedNs -= m_previous.runNs;
    m_previous.runNs = 0;
    m_hasPrevious = true;
}

bool Sampler::add(const Snapshot& s, Sample& out)
{
    if (!m_hasPrevious) {
        copySnapshot(s, m_previous);
        m_hasPrevious = true;
        return false;
    }
    const Snapshot& p = m_previous;
    const Nanos dt = s.elapsedNs - p.elapsedNs;
    const double seconds = dt > 0 ? toSeconds(dt) : 0.0;
    const auto rate = [seconds](std::uint64_t now, std::uint64_t before) {
        return seconds > 0 && now >= before ? static_cast<double>(now - before) / seconds : 0.0;
    };
    const Counters& a = s.counters;
    const Counters& b = p.counters;
    out.runNs = s.runNs;
    out.intervalNs = dt;
    out.arrivalsPerSec = rate(a.submitted, b.submitted);
    out.completionsPerSec = rate(a.succeeded + a.failed, b.succeeded + b.failed);
    out.failuresPerSec = rate(a.failed, b.failed);
    out.rejectionsPerSec = rate(a.rejected, b.rejected);
    out.dropsPerSec = rate(a.dropped, b.dropped);
    out.retriesPerSec = rate(a.retries, b.retries);
    out.cancellationsPerSec = rate(a.cancelled, b.cancelled);
    out.queueDepth = s.queued;
    out.queueCapacity = s.queueCapacity;
    out.busyWorkers = s.busyWorkers;
    out.throttledWorkers = s.throttledWorkers;
    out.workers = s.workers;
    out.inFlight = s.inFlight;
    const Nanos available = s.workerNs - p.workerNs;
    out.utilization =
        available > 0
            ? std::clamp(static_cast<double>(s.busyNs - p.busyNs) / static_cast<double>(available), 0.0, 1.0)
            : 0.0;
    out.totals = a;

    m_scratch.assignDifference(s.total, p.total);
    summarize(m_scratch, out.total);
    m_scratch.assignDifference(s.wait, p.wait);
    summarize(m_scratch, out.wait);
    m_scratch.assignDifference(s.service, p.service);
    summarize(m_scratch, out.service);
    m_scratch.assignDifference(s.throttle, p.throttle);
    summarize(m_scratch, out.throttle);
    m_scratch.assignDifference(s.totalUncorrected, p.totalUncorrected);
    summarize(m_scratch, out.totalUncorrected);

    copySnapshot(s, m_previous);
    return true;
}

} // namespace poollab
