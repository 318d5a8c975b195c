// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/histogram.h"
#include "core/worker_cells.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace poollab {

enum class PoolState : std::uint8_t { Idle, Running, Paused, Draining, Stopped };
enum class OverflowPolicy : std::uint8_t {
    Block,      // the producer waits for room: backpressure
    Reject,     // the new job is refused and counted
    DropOldest, // the oldest queued job is dropped and counted, the new one queued
};

std::string_view toString(PoolState state);
std::string_view toString(OverflowPolicy policy);
bool parseOverflowPolicy(std::string_view text, OverflowPolicy& out);

struct Counters
{
    std::uint64_t submitted = 0; // every submit() call
    std::uint64_t rejected = 0;  // refused at submit: queue full under Reject, or the pool closed
    std::uint64_t refused = 0;   // the part of rejected that came after drain, cancel or stop
    std::uint64_t dropped = 0;   // queued, then pushed out by a newer job under DropOldest
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;    // failed for good, however many attempts it took
    std::uint64_t cancelled = 0; // queued, backing off or running when the pool was cancelled
    std::uint64_t attempts = 0;  // attempts started by workers (first tries and retries)
    std::uint64_t retries = 0;   // failed attempts that were scheduled to try again
    std::uint64_t timedOut = 0;  // attempts cut off by their timeout
    std::uint64_t throttled = 0; // starts that had to wait for a rate-limit token
    // Accepted jobs that found no worker free to take them when they arrived: every
    // worker held a job (or the queue was held: paused). Erlang C's "the arrival
    // waits". Counted once per job at its first submit; a retry re-entering the queue
    // is not an arrival. Share of accepted jobs: arrivedToBusy / (submitted - rejected).
    std::uint64_t arrivedToBusy = 0;

    // The measured probability of waiting: arrivedToBusy over accepted arrivals.
    double arrivedToBusyShare() const
    {
        const std::uint64_t accepted = submitted - std::min(rejected, submitted);
        return accepted
                   ? static_cast<double>(std::min(arrivedToBusy, accepted)) / static_cast<double>(accepted)
                   : 0.0;
    }
};

// What a reader sees of a pool at one instant. Counts are read so that
//   submitted == succeeded + failed + rejected + dropped + cancelled + queued + inFlight
// holds exactly in every snapshot, with queued and inFlight never negative.
struct Snapshot
{
    Nanos elapsedNs = 0; // pool clock: since the pool was created
    Nanos runNs = 0;     // since start() (0 before it)
    PoolState state = PoolState::Idle;
    OverflowPolicy overflow = OverflowPolicy::Block;
    Counters counters;
    std::int64_t queued = 0;     // accepted, waiting in the queue
    std::int64_t inFlight = 0;   // taken by a worker and not finished: running or backing off
    std::int64_t backingOff = 0; // (gauge) waiting out a retry delay, holding no worker
    int queueCapacity = 0;
    int workers = 0;     // the target worker count
    int liveWorkers = 0; // threads alive, including retiring ones finishing a job
    int busyWorkers = 0;
    int throttledWorkers = 0;
    Nanos busyNs = 0;   // worker-nanoseconds spent on jobs since start, including running ones
    Nanos workerNs = 0; // worker-nanoseconds available since start (the worker count integrated over time)
    Histogram wait;     // queue wait per attempt: planned arrival (or re-queue) to a worker taking it
    Histogram service;  // work time per attempt
    Histogram total;    // per job: planned arrival to final outcome (success or failure)
    // Per job: actual submission to final outcome, what a closed-loop load tool reports
    // (it hides the waits of jobs the producer could not submit on time: coordinated omission).
    Histogram totalUncorrected;
    Histogram throttle; // per throttled start: taken by a worker to its rate-limit token (not in wait)
    // Per-worker state as cells to draw: set workerCells.limit before snapshot() to
    // get them (the engine keeps the limit and fills the rest).
    WorkerCells workerCells;

    std::uint64_t completed() const { return counters.succeeded + counters.failed; }
    bool finished() const { return state == PoolState::Stopped; }
    // The right-hand side of the accounting invariant.
    std::uint64_t accountedFor() const
    {
        return counters.succeeded + counters.failed + counters.rejected + counters.dropped +
               counters.cancelled + static_cast<std::uint64_t>(queued) + static_cast<std::uint64_t>(inFlight);
    }
    bool invariantHolds() const
    {
        return queued >= 0 && inFlight >= 0 && counters.submitted == accountedFor();
    }
    // Busy worker-seconds over available worker-seconds (workers x elapsed while the
    // count stays fixed), over the run so far.
    double utilization() const
    {
        return workerNs > 0 ? static_cast<double>(busyNs) / static_cast<double>(workerNs) : 0.0;
    }
};

} // namespace poollab
