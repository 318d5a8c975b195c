// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/job.h"
#include "core/snapshot.h"
#include "core/worker_limits.h"

#include <cstdint>
#include <string>

namespace poollab {

enum class ArrivalKind : std::uint8_t { Burst, Constant, Poisson, Ramp, Spike, Closed };
enum class Jitter : std::uint8_t { None, Full, Equal, Decorrelated };
enum class TimeMode : std::uint8_t { Real, Virtual };

// Every setting of one run: the engine, the workload model and the run's length.
// Scenario files, presets, the command line and the window all fill this one struct;
// both engines run it.
struct Scenario
{
    // The virtual-time worker limit (real threads stop at kMaxRealWorkers), by the name
    // the field table and the window use.
    static constexpr int kMaxVirtualWorkers = poollab::kMaxVirtualWorkers;

    std::string name;
    std::string description;

    // Workers & queue
    int workers = 4;
    int queueCapacity = 100;
    OverflowPolicy overflow = OverflowPolicy::Block;

    // Job
    JobKind jobKind = JobKind::Sleep;
    std::string latency = "50ms"; // a latency spec: "500ms", "exp(50ms)", "bimodal(20ms,2s,0.01)", ...

    // Arrivals
    ArrivalKind arrival = ArrivalKind::Burst;
    double rate = 100; // jobs/s for constant and poisson; the start rate of a ramp; the base rate of a spike
    double rateEnd = 100; // ramp: the rate reached at the end of rampDuration
    Nanos rampDuration = 10 * kSecond;
    double spikeRate = 1000; // spike: the rate inside the spike window
    Nanos spikeStart = 5 * kSecond;
    Nanos spikeDuration = 2 * kSecond;
    int clients = 10;    // closed model: K clients, one job each at a time
    Nanos thinkTime = 0; // closed model: pause between a client's jobs

    // How long: a run ends after `jobs` submissions or after `duration`, whichever
    // comes first; 0 means no limit of that kind (one of them must be set).
    std::uint64_t jobs = 1000;
    Nanos duration = 0;

    // Failures & retries
    double failureRate = 0; // probability that an attempt fails
    Nanos timeout = 0;      // per attempt; 0 = none
    int maxAttempts = 1;    // 1 = no retries
    Nanos backoffBase = 100 * kMilli;
    Nanos backoffCap = 10 * kSecond;
    Jitter jitter = Jitter::Full;

    // Rate limit (token bucket on job starts); rateLimit 0 = off
    double rateLimit = 0; // tokens per second
    int burst = 1;        // bucket size

    std::uint64_t seed = 1;
    TimeMode timeMode = TimeMode::Real;
    Nanos sampleInterval = kSecond;

    // Field by field; diff() in core/scenario_fields.h says what differs.
    bool operator==(const Scenario&) const = default;
};

} // namespace poollab
