// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <mutex>

namespace poollab {

// A token bucket of `burst` tokens refilled at `ratePerSec`, as a reservation model
// (GCRA, the virtual-scheduling form): each reserve() takes a token now or books the
// next one to come, and returns when it is due. Over any window of length T the
// instants returned number at most burst + rate * T. The clock is the caller's, so
// the real engine passes pool time and the virtual engine simulated time.
// A rate <= 0 (or NaN) means no limit. Any input is safe: a gap between tokens is at
// most 1e18 ns (rates below 1e-9/s are taken as that; the app refuses below 0.001/s),
// and an instant past 9.2e18 ns is returned as 9.2e18. Thread-safe.
class TokenBucket
{
public:
    TokenBucket(double ratePerSec, double burst, Nanos now);

    // Reserves one token; returns the instant it is available (== now if there is one).
    Nanos reserve(Nanos now);
    // Changes rate and size from now on. The fill level carries over (capped at the
    // new burst); with forgiveDebt, tokens booked ahead are forgotten, for callers
    // whose waiters book again after the change.
    void setRate(double ratePerSec, double burst, Nanos now, bool forgiveDebt = false);

    double rate() const;
    double burst() const;
    // Tokens available at now: up to burst, negative when tokens are booked ahead.
    double tokens(Nanos now) const;

private:
    double tokensLocked(Nanos now) const;

    mutable std::mutex m_mutex;
    double m_rate;       // tokens per second; <= 0: unlimited
    double m_burst;      // >= 1
    double m_intervalNs; // 1e9 / rate
    double m_tat;        // theoretical arrival time of the next token at a full rate
};

} // namespace poollab
