// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <cstdint>
#include <string_view>

namespace poollab {

enum class JobKind : std::uint8_t {
    Sleep, // waits out its service time, as a job blocked on I/O does
    Cpu,   // burns real CPU for its service time, so workers beyond the cores gain nothing
};

// How a job ended. Every submitted job ends in exactly one of these.
enum class Outcome : std::uint8_t { Succeeded, Failed, Rejected, Dropped, Cancelled };

// A job carries its own parameters: the engine only runs what it is given, the
// workload model (or a test) decides what that is.
struct Job
{
    std::uint64_t id = 0;
    Nanos arrivalNs = 0; // planned arrival on the pool clock: latency counts from here
    Nanos enqueueNs = 0; // when the current attempt entered the queue (set by the pool)
    Nanos pushedNs = 0;  // when it was put in the queue as it happened: a real-time producer is early or late
    // When the producer actually submitted it (>= arrivalNs; later when backpressure held
    // the producer up): the uncorrected latency counts from here.
    Nanos submittedNs = 0;
    Nanos serviceNs = 0; // how long this attempt's work takes
    Nanos timeoutNs = 0; // per-attempt timeout; 0 means none
    JobKind kind = JobKind::Sleep;
    bool fails = false;        // this attempt fails once its work is done
    std::uint16_t attempt = 1; // 1-based
    std::uint32_t tag = 0;     // free for the producer, e.g. the closed-model client
};

std::string_view toString(JobKind kind);
std::string_view toString(Outcome outcome);
bool parseJobKind(std::string_view text, JobKind& out);

} // namespace poollab
