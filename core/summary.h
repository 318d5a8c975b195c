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
    // Issue #15's extra figures (the single-run JSON does not write them): rejected +
    // dropped over submitted, and the share of accepted arrivals that found every
    // worker busy. After a warm-up, these, throughput and utilization cover the run
    // after it (see applyWarmup).
    double lossFraction = 0;
    double probWait = 0;
    double warmupS = 0;            // 0: no warm-up
    LatencyStats totalUncorrected; // from the actual submission, as a closed-loop load tool measures
    // What the window the rates cover observed: empty when the run ended before the
    // warm-up; submitted counts the arrivals in it (all of them without a warm-up).
    // An experiment treats a rate over an empty window, or a latency of count 0, as
    // not observed rather than as 0.
    bool windowEmpty = false;
    std::uint64_t windowSubmitted = 0;

    static RunSummary from(const Snapshot& finalSnapshot, std::string timeMode = "real");
};

// The state of a run at the end of its warm-up: what the rates after it are measured
// from. The engine takes it at that exact instant of run time.
struct WarmupMark
{
    Nanos atNs = 0;       // run time of the warm-up's end
    bool reached = false; // the run went on past it
    Counters counters;    // as a snapshot's, at that instant (submitted included)
    Nanos busyNs = 0;
    Nanos workerNs = 0;
};

// A warm-up trims observations (as JMT does): latency histograms already leave out
// the jobs that arrived before it (the engine does that). This puts throughput,
// utilization, loss and the share that waited on the window after the warm-up, exactly:
// differences of the final snapshot and the mark over runNs - atNs. A run that ended
// before its warm-up has an empty window: those figures are 0. Counts stay whole-run.
void applyWarmup(RunSummary& summary, const Snapshot& finalSnapshot, const WarmupMark& mark);

} // namespace poollab
