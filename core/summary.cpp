// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/summary.h"

namespace poollab {

LatencyStats LatencyStats::from(const Histogram& h)
{
    LatencyStats s;
    s.count = h.count();
    if (s.count == 0)
        return s;
    s.mean = h.mean() / 1e6;
    s.min = toMillis(h.min());
    s.p50 = toMillis(h.percentile(50));
    s.p90 = toMillis(h.percentile(90));
    s.p95 = toMillis(h.percentile(95));
    s.p99 = toMillis(h.percentile(99));
    s.p999 = toMillis(h.percentile(99.9));
    s.max = toMillis(h.max());
    return s;
}

RunSummary RunSummary::from(const Snapshot& snap, std::string timeMode)
{
    RunSummary r;
    r.timeMode = std::move(timeMode);
    r.elapsedS = toSeconds(snap.runNs);
    r.workers = snap.workers;
    r.queueCapacity = snap.queueCapacity;
    r.overflow = snap.overflow;
    r.counters = snap.counters;
    r.queued = snap.queued;
    r.inFlight = snap.inFlight;
    r.throughputPerS = r.elapsedS > 0 ? static_cast<double>(snap.completed()) / r.elapsedS : 0.0;
    r.utilization = snap.utilization();
    r.wait = LatencyStats::from(snap.wait);
    r.service = LatencyStats::from(snap.service);
    r.total = LatencyStats::from(snap.total);
    r.totalUncorrected = LatencyStats::from(snap.totalUncorrected);
    r.throttle = LatencyStats::from(snap.throttle);
    return r;
}

} // namespace poollab
