// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/token_bucket.h"

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {
double sanitizeBurst(double burst)
{
    return std::isfinite(burst) ? std::max(1.0, burst) : 1.0;
}
// The longest gap between tokens, about 31.7 years: a rate far below what the app lets
// through (0.001/s) would give an infinite gap, and inf * 0 a NaN.
constexpr double kMaxIntervalNs = 1e18;
// The last instant reserve() hands out; later ones are saturated to it.
constexpr double kLastNs = 9.2e18;

double intervalOf(double rate)
{
    return rate > 0 && std::isfinite(rate) ? std::min(1e9 / rate, kMaxIntervalNs) : 0.0;
}
} // namespace

// GCRA: a start at t conforms when t >= tat - (burst - 1) * interval; each one then
// pushes tat to max(tat, t) + interval. A full bucket is tat == now.
TokenBucket::TokenBucket(double ratePerSec, double burst, Nanos now)
    : m_rate(ratePerSec), m_burst(sanitizeBurst(burst)), m_intervalNs(intervalOf(ratePerSec)),
      m_tat(static_cast<double>(now))
{}

Nanos TokenBucket::reserve(Nanos now)
{
    std::lock_guard lock(m_mutex);
    if (m_intervalNs <= 0)
        return now;
    const double t = static_cast<double>(now);
    const double tolerance = (m_burst - 1) * m_intervalNs;
    const double earliest = m_tat - tolerance;
    const double at = std::max(t, earliest);
    m_tat = std::max(m_tat, at) + m_intervalNs;
    // Round up: a token is never handed out before it is there.
    if (at <= t)
        return now;
    return at >= kLastNs ? std::max(now, static_cast<Nanos>(kLastNs)) : static_cast<Nanos>(std::ceil(at));
}

double TokenBucket::tokensLocked(Nanos now) const
{
    if (m_intervalNs <= 0)
        return m_burst;
    return std::min(m_burst, m_burst - (m_tat - static_cast<double>(now)) / m_intervalNs);
}

void TokenBucket::setRate(double ratePerSec, double burst, Nanos now, bool forgiveDebt)
{
    std::lock_guard lock(m_mutex);
    double level = m_intervalNs > 0 ? tokensLocked(now) : sanitizeBurst(burst);
    m_rate = ratePerSec;
    m_burst = sanitizeBurst(burst);
    m_intervalNs = intervalOf(ratePerSec);
    if (forgiveDebt)
        level = std::max(level, 0.0);
    level = std::min(level, m_burst);
    // Invert tokens = burst - (tat - now) / interval.
    m_tat = static_cast<double>(now) + (m_burst - level) * m_intervalNs;
}

double TokenBucket::rate() const
{
    std::lock_guard lock(m_mutex);
    return m_rate;
}

double TokenBucket::burst() const
{
    std::lock_guard lock(m_mutex);
    return m_burst;
}

double TokenBucket::tokens(Nanos now) const
{
    std::lock_guard lock(m_mutex);
    return tokensLocked(now);
}

} // namespace poollab
