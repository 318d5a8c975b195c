// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt.h"

#include "core/pool.h"

#include <algorithm>

namespace poollab {

AttemptPlan planAttempt(const AttemptPolicy* policy, Job& job)
{
    if (policy)
        policy->planAttempt(job);
    AttemptPlan plan;
    plan.timesOut = job.timeoutNs > 0 && job.serviceNs > job.timeoutNs;
    plan.holdNs = plan.timesOut ? job.timeoutNs : std::max<Nanos>(job.serviceNs, 0);
    return plan;
}

AttemptResult endAttempt(const AttemptPolicy* policy, const AttemptPlan& plan, Nanos endNs, Job& job)
{
    AttemptResult result;
    result.timedOut = plan.timesOut;
    if (!plan.timesOut && !job.fails)
        return result;
    const Nanos delay = policy ? policy->retryDelay(job) : -1;
    if (delay < 0) {
        result.end = AttemptVerdict::Failed;
        return result;
    }
    result.end = AttemptVerdict::Retry;
    result.retryDue = endNs + delay;
    ++job.attempt;
    return result;
}

} // namespace poollab
