// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

namespace poollab {

// Percentiles of one latency kind over one interval, in nanoseconds.
struct IntervalLatency
{
    std::uint64_t count = 0;
    Nanos p50 = 0;
    Nanos p95 = 0;
    Nanos p99 = 0;
    Nanos max = 0;
    double mean = 0;
};

// One row of the time series: what happened between two snapshots.
struct Sample
{
    Nanos runNs = 0;              // end of the interval, since the run started
    Nanos intervalNs = 0;         // length of the interval
    double arrivalsPerSec = 0;    // submit() calls
    double completionsPerSec = 0; // succeeded + failed
    double failuresPerSec = 0;
    double rejectionsPerSec = 0;
    double dropsPerSec = 0;
    double retriesPerSec = 0;
    double cancellationsPerSec = 0;
    std::int64_t queueDepth = 0;
    int queueCapacity = 0;
    int busyWorkers = 0;
    int throttledWorkers = 0;
    int workers = 0;
    std::int64_t inFlight = 0;
    double utilization = 0; // busy share of the available worker time in this interval
    IntervalLatency total;
    IntervalLatency wait;
    IntervalLatency service;
    IntervalLatency throttle; // rate-limit token waits of the starts in this interval
    Counters totals;          // running totals at the end of the interval
    // From each job's actual submission (Snapshot::totalUncorrected), for the latency
    // chart; not a CSV column, and not kept by the runs database.
    IntervalLatency totalUncorrected;
};

// Turns successive snapshots of one pool into per-interval samples. Allocates only
// on the first snapshot; after that each add() reuses its buffers.
class Sampler
{
public:
    // The first snapshot only sets the baseline (returns false); each later one
    // fills out with the interval since the previous and returns true.
    bool add(const Snapshot& snapshot, Sample& out);
    // The baseline for a run that has just been started: its first interval counts
    // from the run's start even when the run's clock had already started by the time
    // the snapshot was taken (the workers came up first), never from after it.
    void setRunStart(const Snapshot& snapshot);
    void reset() { m_hasPrevious = false; }
    const Snapshot& previous() const { return m_previous; }

private:
    static void summarize(const Histogram& interval, IntervalLatency& out);

    Snapshot m_previous;
    bool m_hasPrevious = false;
    Histogram m_scratch;
};

} // namespace poollab
