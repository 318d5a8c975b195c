// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/summary.h"

#include <algorithm>

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
    const Counters& c = snap.counters;
    r.lossFraction =
        c.submitted ? static_cast<double>(c.rejected + c.dropped) / static_cast<double>(c.submitted) : 0.0;
    r.probWait = c.arrivedToBusyShare();
    r.windowEmpty = snap.runNs <= 0;
    r.windowSubmitted = c.submitted;
    return r;
}

void applyWarmup(RunSummary& r, const Snapshot& snap, const WarmupMark& mark)
{
    r.warmupS = toSeconds(mark.atNs);
    const Nanos window = snap.runNs - mark.atNs;
    if (!mark.reached || window <= 0) {
        r.windowEmpty = true;
        r.windowSubmitted = 0;
        r.throughputPerS = 0;
        r.utilization = 0;
        r.lossFraction = 0;
        r.probWait = 0;
        return;
    }
    const Counters& end = snap.counters;
    const Counters& at = mark.counters;
    const auto delta = [](std::uint64_t later, std::uint64_t earlier) {
        return static_cast<double>(later >= earlier ? later - earlier : 0);
    };
    r.throughputPerS = delta(end.succeeded + end.failed, at.succeeded + at.failed) / toSeconds(window);
    const Nanos workerNs = snap.workerNs - mark.workerNs;
    r.utilization =
        workerNs > 0 ? static_cast<double>(snap.busyNs - mark.busyNs) / static_cast<double>(workerNs) : 0.0;
    const double submitted = delta(end.submitted, at.submitted);
    r.windowEmpty = false;
    r.windowSubmitted = static_cast<std::uint64_t>(submitted);
    r.lossFraction =
        submitted > 0 ? delta(end.rejected + end.dropped, at.rejected + at.dropped) / submitted : 0.0;
    const double accepted = submitted - delta(end.rejected, at.rejected);
    r.probWait = accepted > 0 ? std::min(1.0, delta(end.arrivedToBusy, at.arrivedToBusy) / accepted) : 0.0;
}

} // namespace poollab
