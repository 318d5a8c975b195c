// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/pool.h"
#include "core/token_bucket.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace poollab {

// Rate limit on job starts in real time: a worker books a token and sleeps until it
// is due. A rate change wakes the sleepers, who book again under the new rate, so a
// raised (or removed) limit frees them at once.
class TokenBucketGate : public StartGate
{
public:
    // Times are steady-clock nanoseconds minus epochSteadyNs (pass the pool's epoch
    // so that the gate and the pool read the same clock).
    TokenBucketGate(double ratePerSec, double burst, Nanos epochSteadyNs = steadyNowNs());

    Nanos acquire(const std::stop_token& stop) override;
    void setRate(double ratePerSec, double burst);

    Nanos now() const { return steadyNowNs() - m_epoch; }
    int sleepers() const; // workers waiting for a token (for tests and gauges)
    const TokenBucket& bucket() const { return m_bucket; }

private:
    const Nanos m_epoch;
    TokenBucket m_bucket;
    mutable std::mutex m_mutex;
    std::condition_variable_any m_cv;
    std::uint64_t m_generation = 0; // guarded by m_mutex: bumped by setRate
    int m_sleepers = 0;             // guarded by m_mutex
};

} // namespace poollab
