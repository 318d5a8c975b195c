// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/backoff.h"
#include "core/distribution.h"
#include "core/pool.h"
#include "core/scenario.h"

#include <memory>
#include <optional>
#include <string>

namespace poollab {

// What each attempt of a job does, and how long a failed one waits before the next:
// the workload model's side of the Pool's AttemptPolicy seam.
//
// Every random choice comes from Rng(mixSeed(seed, job id, attempt, stream)), so an
// attempt's service time, failure and backoff are a pure function of those three,
// whichever thread or engine runs it. Immutable: a live change builds a new policy
// and hands it to Pool::setAttemptPolicy.
// Empty when the scenario's job settings make a policy as written, else why not: a
// latency spec that does not parse, backoff_base above backoff_cap. The window checks
// it before a run and on each live change; make() itself keeps clamping, so a running
// engine always has a policy.
std::string checkWorkload(const Scenario& scenario);

class WorkloadPolicy : public AttemptPolicy
{
public:
    static constexpr int kMaxAttempts = 100;
    // Separate streams: changing the latency spec does not change which attempts fail.
    enum Stream : std::uint64_t { ServiceStream = 1, FailureStream = 2, BackoffStream = 3 };

    WorkloadPolicy(const Scenario& scenario, LatencyDistribution latency);
    // Returns nothing if the scenario's latency spec does not parse (*error says why).
    static std::shared_ptr<const WorkloadPolicy> make(const Scenario& scenario, std::string* error = nullptr);

    void planAttempt(Job& job) const override;
    // After failed (or timed-out) attempt job.attempt: the backoff delay, or -1 once
    // job.attempt reaches maxAttempts.
    Nanos retryDelay(const Job& job) const override;

    // The delay after failed attempt `failedAttempt` of job `jobId`. Decorrelated
    // jitter needs the previous delay; it is recomputed from the same pure chain,
    // so no state rides on the job.
    Nanos backoffFor(std::uint64_t jobId, int failedAttempt) const;

    const LatencyDistribution& latency() const { return m_latency; }
    double failureRate() const { return m_failureRate; }
    Nanos timeout() const { return m_timeout; }
    int maxAttempts() const { return m_maxAttempts; }
    const BackoffConfig& backoff() const { return m_backoff; }
    std::uint64_t seed() const { return m_seed; }

private:
    LatencyDistribution m_latency;
    double m_failureRate;
    Nanos m_timeout;
    int m_maxAttempts;
    BackoffConfig m_backoff;
    std::uint64_t m_seed;
    JobKind m_kind;
};

} // namespace poollab
