// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/arrival.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace poollab {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// The largest instant the schedule plans, kept clear of INT64_MAX so the callers'
// additions to it cannot overflow either.
constexpr double kLastNanos = 9.2e18;

double sec(Nanos ns)
{
    return static_cast<double>(ns) / 1e9;
}
double clampRate(double r)
{
    return std::isfinite(r) && r > 0 ? r : 0.0;
}
} // namespace

std::string_view toString(ArrivalKind kind)
{
    switch (kind) {
    case ArrivalKind::Burst:
        return "burst";
    case ArrivalKind::Constant:
        return "constant";
    case ArrivalKind::Poisson:
        return "poisson";
    case ArrivalKind::Ramp:
        return "ramp";
    case ArrivalKind::Spike:
        return "spike";
    case ArrivalKind::Closed:
        return "closed";
    }
    return "burst";
}

bool parseArrivalKind(std::string_view text, ArrivalKind& out)
{
    for (ArrivalKind k : {ArrivalKind::Burst, ArrivalKind::Constant, ArrivalKind::Poisson, ArrivalKind::Ramp,
                          ArrivalKind::Spike, ArrivalKind::Closed}) {
        if (text == toString(k)) {
            out = k;
            return true;
        }
    }
    return false;
}

ArrivalSchedule::ArrivalSchedule(const Scenario& scenario)
{
    build(scenario);
}

void ArrivalSchedule::build(const Scenario& s)
{
    m_kind = s.arrival;
    m_jobs = s.jobs;
    m_duration = s.duration;
    m_pieces.clear();
    const double rate = clampRate(s.rate);
    switch (s.arrival) {
    case ArrivalKind::Burst:
    case ArrivalKind::Closed:
        break;
    case ArrivalKind::Constant:
    case ArrivalKind::Poisson:
        m_pieces.push_back({0, kInf, rate, rate});
        break;
    case ArrivalKind::Ramp: {
        const double end = clampRate(s.rateEnd);
        const double d = sec(s.rampDuration);
        if (d > 0)
            m_pieces.push_back({0, d, rate, end});
        m_pieces.push_back({d > 0 ? d : 0, kInf, end, end});
        break;
    }
    case ArrivalKind::Spike: {
        const double spike = clampRate(s.spikeRate);
        const double a = sec(s.spikeStart);
        const double b = a + sec(s.spikeDuration);
        if (a > 0)
            m_pieces.push_back({0, a, rate, rate});
        if (b > a)
            m_pieces.push_back({a, b, spike, spike});
        m_pieces.push_back({b, kInf, rate, rate});
        break;
    }
    }
}

double ArrivalSchedule::rateAt(Nanos t) const
{
    const double x = sec(t);
    for (const Piece& p : m_pieces) {
        if (x < p.t1 || p.t1 == kInf) {
            if (p.t1 == kInf || p.t1 <= p.t0)
                return p.r1;
            const double f = std::clamp((x - p.t0) / (p.t1 - p.t0), 0.0, 1.0);
            return p.r0 + (p.r1 - p.r0) * f;
        }
    }
    return 0;
}

double ArrivalSchedule::advance(double from, double amount) const
{
    for (const Piece& p : m_pieces) {
        if (from >= p.t1)
            continue;
        const double x = std::max(from, p.t0);
        if (amount <= 0)
            return x;
        if (p.t1 == kInf) {
            return p.r1 > 0 ? x + amount / p.r1 : -1.0;
        }
        const double slope = (p.r1 - p.r0) / (p.t1 - p.t0);
        const double rx = p.r0 + slope * (x - p.t0);
        const double span = p.t1 - x;
        const double area = rx * span + 0.5 * slope * span * span;
        if (area >= amount) {
            // Solve rx * d + slope/2 * d^2 = amount for the smallest d >= 0.
            double d;
            if (std::abs(slope) < 1e-12) {
                d = amount / rx;
            } else {
                const double disc = std::max(0.0, rx * rx + 2 * slope * amount);
                // The cancellation-free form of (-rx + sqrt(disc)) / slope.
                d = 2 * amount / (rx + std::sqrt(disc));
            }
            return std::min(p.t1, x + d);
        }
        amount -= area;
    }
    return -1.0;
}

Nanos ArrivalSchedule::next(Rng& rng)
{
    if (m_kind == ArrivalKind::Closed)
        return -1;
    if (m_jobs > 0 && m_emitted >= m_jobs)
        return -1;
    double t = 0;
    if (m_kind == ArrivalKind::Burst) {
        if (m_jobs == 0)
            return -1; // a burst needs a count
        t = std::max(0.0, m_floor);
    } else if (m_kind == ArrivalKind::Poisson) {
        // A Poisson process by time change: unit-mean exponential amounts of the rate
        // integral. Memoryless, so starting again from the floor after a change is exact.
        const double from = std::max(m_hasLast ? m_last : 0.0, m_floor);
        t = advance(from, rng.exponential(1.0));
    } else {
        t = m_hasLast ? advance(m_last, 1.0) : 0.0;
        if (t >= 0)
            t = std::max(t, m_floor);
    }
    // Past what a Nanos holds (about 292 years), or not a number: no arrival ever comes,
    // and llround would overflow.
    if (!(t >= 0) || t * 1e9 >= kLastNanos)
        return -1;
    const Nanos ns = static_cast<Nanos>(std::llround(t * 1e9));
    if (m_duration > 0 && ns >= m_duration)
        return -1;
    m_previous = m_last;
    m_hadPrevious = m_hasLast;
    m_last = t;
    m_hasLast = true;
    ++m_emitted;
    return ns;
}

bool ArrivalSchedule::apply(const Scenario& scenario, Nanos now)
{
    build(scenario);
    const double t = sec(now);
    m_floor = std::max(m_floor, t);
    if (m_hasLast && m_last > t) {
        m_last = m_previous;
        m_hasLast = m_hadPrevious;
        m_hadPrevious = false;
        --m_emitted;
        return true;
    }
    return false;
}

} // namespace poollab
