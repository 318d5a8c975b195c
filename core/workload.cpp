// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/workload.h"

#include <algorithm>
#include <cmath>

namespace poollab {

std::string checkWorkload(const Scenario& scenario)
{
    std::string error;
    if (!LatencyDistribution::parse(scenario.latency, &error))
        return error;
    return checkBackoffOrder(scenario.backoffBase, scenario.backoffCap);
}

WorkloadPolicy::WorkloadPolicy(const Scenario& s, LatencyDistribution latency)
    : m_latency(std::move(latency)),
      m_failureRate(std::isfinite(s.failureRate) ? std::clamp(s.failureRate, 0.0, 1.0) : 0.0),
      m_timeout(std::max<Nanos>(0, s.timeout)),
      m_maxAttempts(std::clamp(s.maxAttempts, 1, kMaxAttempts)), m_backoff{std::max<Nanos>(0, s.backoffBase),
                                                                           std::max<Nanos>(0, s.backoffCap),
                                                                           s.jitter},
      m_seed(s.seed), m_kind(s.jobKind)
{}

std::shared_ptr<const WorkloadPolicy> WorkloadPolicy::make(const Scenario& scenario, std::string* error)
{
    auto latency = LatencyDistribution::parse(scenario.latency, error);
    if (!latency)
        return nullptr;
    return std::make_shared<const WorkloadPolicy>(scenario, *latency);
}

void WorkloadPolicy::planAttempt(Job& job) const
{
    Rng service(mixSeed(m_seed, job.id, job.attempt, ServiceStream));
    job.serviceNs = m_latency.sample(service);
    job.kind = m_kind;
    job.timeoutNs = m_timeout;
    if (m_failureRate <= 0) {
        job.fails = false;
    } else {
        Rng failure(mixSeed(m_seed, job.id, job.attempt, FailureStream));
        job.fails = failure.uniform() < m_failureRate;
    }
}

Nanos WorkloadPolicy::retryDelay(const Job& job) const
{
    if (job.attempt >= m_maxAttempts)
        return -1;
    return backoffFor(job.id, job.attempt);
}

Nanos WorkloadPolicy::backoffFor(std::uint64_t jobId, int failedAttempt) const
{
    const auto delayAt = [&](int attempt, Nanos previous) {
        Rng rng(mixSeed(m_seed, jobId, static_cast<std::uint64_t>(attempt), BackoffStream));
        return backoffDelay(m_backoff, attempt, previous, rng);
    };
    if (m_backoff.jitter != Jitter::Decorrelated)
        return delayAt(failedAttempt, 0);
    // At most kMaxAttempts cheap steps, only on a retry.
    Nanos previous = 0;
    for (int a = 1; a <= failedAttempt; ++a)
        previous = delayAt(a, previous);
    return previous;
}

} // namespace poollab
