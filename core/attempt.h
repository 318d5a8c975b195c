// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/job.h"

#include <cstdint>

namespace poollab {

class AttemptPolicy;

// One attempt of a job, as both engines run it: what it does once a worker starts it
// (planAttempt) and what it comes to when it ends (endAttempt). Pool::runAttempt
// runs it on a thread; VirtualEngine::beginWork and onAttemptEnd as two events.
struct AttemptPlan
{
    Nanos holdNs = 0; // how long it holds its worker: the service time, or the timeout if that is shorter
    bool timesOut = false;
};

// Asks the policy (if any) to plan job's attempt number job.attempt (service time,
// timeout, failure), then says how long it holds the worker. Without a policy the
// job runs as it was given.
AttemptPlan planAttempt(const AttemptPolicy* policy, Job& job);

enum class AttemptVerdict : std::uint8_t {
    Succeeded,
    Retry,  // failed or timed out, with attempts left: back through the delay queue
    Failed, // failed or timed out, with none left
};

struct AttemptResult
{
    AttemptVerdict end = AttemptVerdict::Succeeded;
    bool timedOut = false;
    Nanos retryDue = 0; // Retry: when the job re-enters the queue
};

// An attempt planned as `plan` that ran to its end at endNs (one cut off by cancel
// is cancelled, not ended). A retry's delay is the policy's (backoff and jitter,
// WorkloadPolicy::retryDelay); for a retry job.attempt moves on to the next attempt.
AttemptResult endAttempt(const AttemptPolicy* policy, const AttemptPlan& plan, Nanos endNs, Job& job);

} // namespace poollab
