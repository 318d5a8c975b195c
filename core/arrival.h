// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/rng.h"
#include "core/scenario.h"

#include <cstdint>
#include <string_view>
#include <vector>

namespace poollab {

std::string_view toString(ArrivalKind kind);
bool parseArrivalKind(std::string_view text, ArrivalKind& out);

// The random numbers of a run's arrivals (Poisson gaps): one stream of the seed, apart
// from the attempts' (WorkloadPolicy::Stream), that both engines' producers draw
// from, so that a seed gives the same arrival times in real and in virtual time.
inline constexpr std::uint64_t kArrivalStream = 4;
inline Rng arrivalRng(std::uint64_t seed)
{
    return Rng(mixSeed(seed, 0, 0, kArrivalStream));
}

// Planned arrival times of an open model, in nanoseconds since the run started.
//   burst     every job at 0
//   constant  evenly spaced at `rate`, the first at 0
//   poisson   exponential gaps of mean 1/rate
//   ramp      evenly spaced at a rate going linearly from `rate` to `rateEnd` over
//             `rampDuration`, then staying at `rateEnd`
//   spike     evenly spaced at `rate`, at `spikeRate` inside [spikeStart, spikeStart + spikeDuration)
// Evenly spaced means the integral of the rate between arrivals is 1, so a ramp or a
// spike gets exactly its share. The run ends after `jobs` arrivals or at `duration`
// (0 = no limit of that kind). Not thread-safe: the load generator owns it.
// The closed model has no schedule (its clients pace themselves): next() ends at once.
class ArrivalSchedule
{
public:
    explicit ArrivalSchedule(const Scenario& scenario);

    // The next planned arrival (>= the previous one), or -1 when the run's limit is
    // reached, the rate stays 0 for good or the arrival would lie past 9.2e18 ns.
    Nanos next(Rng& rng);
    // Live change of rates and limits. An arrival that next() returned but that lies
    // after now is withdrawn (returns true): the caller drops it and asks next()
    // again, which plans it under the new rates and no earlier than now.
    bool apply(const Scenario& scenario, Nanos now);

    std::uint64_t emitted() const { return m_emitted; }
    // The planned rate (jobs/s) at t since run start; burst and closed: 0.
    double rateAt(Nanos t) const;

private:
    // A piece of the rate curve: linear from r0 at t0 to r1 at t1 (seconds); the last
    // piece runs on for ever at its r1.
    struct Piece
    {
        double t0, t1, r0, r1;
    };
    void build(const Scenario& scenario);
    // The time at which the rate integral from `from` reaches `amount`, or < 0 if never.
    double advance(double from, double amount) const;

    ArrivalKind m_kind = ArrivalKind::Burst;
    std::uint64_t m_jobs = 0;
    Nanos m_duration = 0;
    std::vector<Piece> m_pieces;

    std::uint64_t m_emitted = 0;
    double m_last = 0;     // seconds: the last emitted arrival
    double m_previous = 0; // the one before it, for a withdrawal
    bool m_hasLast = false;
    bool m_hadPrevious = false;
    double m_floor = 0; // seconds: no arrival is planned before this (after apply)
};

} // namespace poollab
