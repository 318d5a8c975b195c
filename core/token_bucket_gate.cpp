// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/token_bucket_gate.h"

#include <chrono>

namespace poollab {

TokenBucketGate::TokenBucketGate(double ratePerSec, double burst, Nanos epochSteadyNs)
    : m_epoch(epochSteadyNs), m_bucket(ratePerSec, burst, steadyNowNs() - epochSteadyNs)
{}

Nanos TokenBucketGate::acquire(const std::stop_token& stop)
{
    const Nanos begin = now();
    bool slept = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (stop.stop_requested())
            return -1;
        const Nanos at = now();
        const Nanos due = m_bucket.reserve(at);
        if (due <= at)
            return slept ? at - begin : 0; // no wait is not a throttled start
        slept = true;
        const std::uint64_t generation = m_generation;
        const std::chrono::steady_clock::time_point until{std::chrono::nanoseconds(m_epoch + due)};
        ++m_sleepers;
        const bool changed = m_cv.wait_until(lock, stop, until, [&] { return m_generation != generation; });
        --m_sleepers;
        if (stop.stop_requested())
            return -1;
        if (!changed)
            return now() - begin;
        // The rate changed while we slept: the booking was forgiven, book again.
    }
}

void TokenBucketGate::setRate(double ratePerSec, double burst)
{
    {
        std::lock_guard lock(m_mutex);
        m_bucket.setRate(ratePerSec, burst, now(), /*forgiveDebt=*/true);
        ++m_generation;
    }
    m_cv.notify_all();
}

int TokenBucketGate::sleepers() const
{
    std::lock_guard lock(m_mutex);
    return m_sleepers;
}

} // namespace poollab
