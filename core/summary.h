// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

#include <string>

namespace poollab {

// Latency figures of one kind, in milliseconds.
struct LatencyStats
{
    std::uint64_t count = 0;
    double mean = 0;
    double min = 0;
    double p50 = 0;
    double p90 = 0;
    double p95 = 0;
    double p99 = 0;
    double p999 = 0;
    double max = 0;

    static LatencyStats from(const Histogram& h);
};

// The end-of-run report, the same whichever engine produced the final snapshot.
struct RunSummary
{
    std::string timeMode = "real"; // "real" or "virtual"
    double elapsedS = 0;
    int workers = 0;
    int queueCapacity = 0;
    OverflowPolicy overflow = OverflowPolicy::Block;
    Counters counters;
    std::int64_t queued = 0; // non-zero only for a run cut short
    std::int64_t inFlight = 0;
    double throughputPerS = 0; // completed (succeeded + failed) per second
    double utilization = 0;
    LatencyStats wait;
    LatencyStats service;
    LatencyStats total; // from the planned arrival: corrected for coordinated omission
    LatencyStats throttle;
    LatencyStats totalUncorrected; // from the actual submission, as a closed-loop load tool measures

    static RunSummary from(const Snapshot& finalSnapshot, std::string timeMode = "real");
};

} // namespace poollab
