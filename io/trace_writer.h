// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/attempt_event.h"

#include <QByteArray>
#include <QString>

#include <functional>
#include <vector>

namespace poollab {

// What a trace says about its run besides the events.
struct TraceInfo
{
    QString scenarioName;
    int workers = 0;              // lanes to name even if idle (more appear if the events use them)
    Nanos runNs = 0;              // the run's length (otherData.elapsed_us)
    std::uint64_t lostEvents = 0; // attempts not in the trace (--trace-limit, or a ring that wrapped)
    std::uint64_t jobLimit = 0;   // --trace-limit, 0 = none
};

// The Chrome trace-event format (JSON object form), which ui.perfetto.dev and
// chrome://tracing open, of a run's attempt events (core/attempt_event.h):
//  - pid 1, named "PoolLab — <scenario>"; one thread per worker, tid = worker + 1,
//    named "worker N";
//  - per attempt, on its worker's track: an "X" slice "token wait" (cat "throttle")
//    from the take to the start when it waited for a rate-limit token, then an "X"
//    slice "job ID" (cat "service") from the start to the end, args id, attempt and
//    outcome. Slices on a track never overlap;
//  - per attempt, on the job's async track (id = job id): "b"/"e" pairs "queue wait"
//    (cat "queue") from entering the queue to the take (when it waited) and, before a first attempt
//    the producer could not submit on time (late by kHeldBackFrom or more), "held back"
//    (cat "backpressure") from the planned arrival to entering the queue;
//  - "C" counters "queue depth", "busy workers" and "in flight" (jobs taken and not
//    finished, backing off included), as the events add up;
//  - timestamps and durations in microseconds from the run's start (ns precision).
// One event per line, written in pieces to `sink` as they are made.
void writeTrace(const std::vector<AttemptEvent>& events, const TraceInfo& info,
                const std::function<void(const QByteArray&)>& sink);
QByteArray traceToJson(const std::vector<AttemptEvent>& events, const TraceInfo& info);

// Writes the trace to path through a .partial file renamed into place at the end
// (io/atomic_file.h, StreamingFile). False with *reason on failure.
bool writeTraceFile(const QString& path, const std::vector<AttemptEvent>& events, const TraceInfo& info,
                    QString* reason);

} // namespace poollab
