// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/rng.h"

#include <optional>
#include <string>
#include <string_view>

namespace poollab {

// A job's service time, from a spec string:
//   500ms                   constant
//   uniform(100ms,900ms)    uniform between the two
//   exp(50ms)               exponential with that mean
//   normal(50ms,10ms)       normal (mean, standard deviation), truncated at 0
//   lognormal(50ms,0.5)     log-normal (median, sigma of the log)
//   bimodal(20ms,2s,0.01)   the fast value, or the slow one with the given probability
// Durations take a unit (us, ms, s; see parseDuration). Immutable, so one instance
// may be sampled from many threads, each with its own Rng.
class LatencyDistribution
{
public:
    enum class Kind { Constant, Uniform, Exponential, Normal, LogNormal, Bimodal };

    // No sample is longer than this: keeps long tails inside the histograms' range.
    static constexpr Nanos kMaxSampleNs = 3600 * kSecond;

    LatencyDistribution() = default; // constant 0
    static LatencyDistribution constant(Nanos value);
    // Returns nothing for a bad spec; *error (if given) then says what is wrong and
    // lists acceptedForms().
    static std::optional<LatencyDistribution> parse(std::string_view spec, std::string* error);
    static const char* acceptedForms();

    Nanos sample(Rng& rng) const;
    // Analytic (of the distribution as parsed, before kMaxSampleNs).
    double meanNs() const { return m_mean; }
    double medianNs() const { return m_median; }
    // Canonical spelling that parse() reads back to the same distribution.
    std::string spec() const;
    Kind kind() const { return m_kind; }
    bool isExponential() const { return m_kind == Kind::Exponential; }
    bool isConstant() const { return m_kind == Kind::Constant; }

private:
    LatencyDistribution(Kind kind, double a, double b, double c);

    Kind m_kind = Kind::Constant;
    // Constant: a. Uniform: a..b. Exponential: mean a. Normal: mean a, sd b.
    // LogNormal: median a, sigma b. Bimodal: fast a, slow b, slow probability c.
    double m_a = 0;
    double m_b = 0;
    double m_c = 0;
    double m_mean = 0;
    double m_median = 0;
};

} // namespace poollab
