// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/distribution.h"

#include "core/duration.h"
#include "core/trim.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace poollab {

namespace {

constexpr double kMaxSigma = 4.0; // lognormal: e^(4 sigma) already spans ~9 decades
constexpr Nanos kMaxParamNs = 3600 * kSecond;

std::optional<double> parseNumber(std::string_view text)
{
    text = trimBlanks(text);
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string formatNumber(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

double phi(double x)
{
    return std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.141592653589793);
}

double bigPhi(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Inverse of the standard normal CDF by bisection: only run at parse time.
double inverseBigPhi(double p)
{
    double lo = -40, hi = 40;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (bigPhi(mid) < p ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

Nanos toNanos(double ns)
{
    if (!(ns > 0))
        return 0;
    return std::min<Nanos>(LatencyDistribution::kMaxSampleNs, std::llround(std::min(ns, 1e18)));
}

} // namespace

const char* LatencyDistribution::acceptedForms()
{
    return "500ms, uniform(100ms,900ms), exp(50ms), normal(50ms,10ms), lognormal(50ms,0.5), "
           "bimodal(20ms,2s,0.01); units us, ms, s";
}

LatencyDistribution LatencyDistribution::constant(Nanos value)
{
    return LatencyDistribution(Kind::Constant, static_cast<double>(std::max<Nanos>(0, value)), 0, 0);
}

LatencyDistribution::LatencyDistribution(Kind kind, double a, double b, double c)
    : m_kind(kind), m_a(a), m_b(b), m_c(c)
{
    switch (kind) {
    case Kind::Constant:
        m_mean = m_median = a;
        break;
    case Kind::Uniform:
        m_mean = m_median = 0.5 * (a + b);
        break;
    case Kind::Exponential:
        m_mean = a;
        m_median = a * std::log(2.0);
        break;
    case Kind::Normal:
        if (b <= 0) {
            m_mean = m_median = a;
        } else {
            // Normal(a, b) conditioned on x >= 0.
            const double alpha = -a / b;
            const double kept = 1.0 - bigPhi(alpha);
            m_mean = a + b * phi(alpha) / kept;
            m_median = a + b * inverseBigPhi(bigPhi(alpha) + 0.5 * kept);
        }
        break;
    case Kind::LogNormal:
        m_mean = a * std::exp(0.5 * b * b);
        m_median = a;
        break;
    case Kind::Bimodal:
        m_mean = (1.0 - c) * a + c * b;
        m_median = c < 0.5 ? a : c > 0.5 ? b : 0.5 * (a + b);
        break;
    }
}

std::optional<LatencyDistribution> LatencyDistribution::parse(std::string_view spec, std::string* error)
{
    const auto fail = [&](const std::string& why) -> std::optional<LatencyDistribution> {
        if (error)
            *error = "latency '" + std::string(spec) + "': " + why + "; accepted forms: " + acceptedForms();
        return std::nullopt;
    };
    const std::string_view text = trimBlanks(spec);
    if (text.empty())
        return fail("empty");

    const std::size_t open = text.find('(');
    if (open == std::string_view::npos) {
        const auto d = parseDuration(text);
        if (!d)
            return fail("not a duration with a unit, nor a known distribution");
        if (*d > kMaxParamNs)
            return fail("longer than 1h");
        return LatencyDistribution(Kind::Constant, static_cast<double>(*d), 0, 0);
    }
    if (text.back() != ')')
        return fail("missing ')'");
    std::string name(trimBlanks(text.substr(0, open)));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
    std::vector<std::string_view> args;
    std::string_view inner = text.substr(open + 1, text.size() - open - 2);
    for (;;) {
        const std::size_t comma = inner.find(',');
        args.push_back(trimBlanks(inner.substr(0, comma)));
        if (comma == std::string_view::npos)
            break;
        inner.remove_prefix(comma + 1);
    }
    const auto duration = [&](std::size_t i, double& out) {
        const auto d = parseDuration(args[i]);
        if (!d || *d > kMaxParamNs)
            return false;
        out = static_cast<double>(*d);
        return true;
    };
    const auto wantArgs = [&](std::size_t n) { return args.size() == n; };
    double a = 0, b = 0, c = 0;

    if (name == "uniform") {
        if (!wantArgs(2))
            return fail("uniform takes two durations (low, high)");
        if (!duration(0, a) || !duration(1, b))
            return fail("uniform bounds must be durations from 0 to 1h with a unit");
        if (a > b)
            return fail("uniform needs low <= high");
        return LatencyDistribution(Kind::Uniform, a, b, 0);
    }
    if (name == "exp" || name == "exponential") {
        if (!wantArgs(1) || !duration(0, a))
            return fail("exp takes one duration (the mean) from 0 to 1h");
        return LatencyDistribution(Kind::Exponential, a, 0, 0);
    }
    if (name == "normal") {
        if (!wantArgs(2))
            return fail("normal takes two durations (mean, standard deviation)");
        if (!duration(0, a) || !duration(1, b))
            return fail("normal mean and standard deviation must be durations from 0 to 1h");
        return LatencyDistribution(Kind::Normal, a, b, 0);
    }
    if (name == "lognormal") {
        if (!wantArgs(2))
            return fail("lognormal takes a duration (median) and a number (sigma)");
        if (!duration(0, a))
            return fail("lognormal median must be a duration from 0 to 1h");
        const auto sigma = parseNumber(args[1]);
        if (!sigma || *sigma < 0 || *sigma > kMaxSigma)
            return fail("lognormal sigma must be a number from 0 to 4");
        return LatencyDistribution(Kind::LogNormal, a, *sigma, 0);
    }
    if (name == "bimodal") {
        if (!wantArgs(3))
            return fail("bimodal takes two durations (fast, slow) and a probability (slow fraction)");
        if (!duration(0, a) || !duration(1, b))
            return fail("bimodal fast and slow must be durations from 0 to 1h");
        const auto p = parseNumber(args[2]);
        if (!p || *p < 0 || *p > 1)
            return fail("bimodal slow fraction must be a number from 0 to 1");
        c = *p;
        return LatencyDistribution(Kind::Bimodal, a, b, c);
    }
    return fail("unknown distribution '" + name + "'");
}

Nanos LatencyDistribution::sample(Rng& rng) const
{
    switch (m_kind) {
    case Kind::Constant:
        return toNanos(m_a);
    case Kind::Uniform:
        return toNanos(m_a + (m_b - m_a) * rng.uniform());
    case Kind::Exponential:
        return toNanos(rng.exponential(m_a));
    case Kind::Normal:
        if (m_b <= 0)
            return toNanos(m_a);
        // Rejection keeps the shape of the truncated normal; the mean is >= 0, so at
        // least half the draws are kept and 64 misses in a row never happen in practice.
        for (int i = 0; i < 64; ++i) {
            const double x = m_a + m_b * rng.normal();
            if (x >= 0)
                return toNanos(x);
        }
        return toNanos(m_a);
    case Kind::LogNormal:
        return toNanos(m_a * std::exp(m_b * rng.normal()));
    case Kind::Bimodal:
        return toNanos(rng.uniform() < m_c ? m_b : m_a);
    }
    return 0;
}

std::string LatencyDistribution::spec() const
{
    const auto d = [](double ns) { return formatDuration(static_cast<Nanos>(std::llround(ns))); };
    switch (m_kind) {
    case Kind::Constant:
        return d(m_a);
    case Kind::Uniform:
        return "uniform(" + d(m_a) + "," + d(m_b) + ")";
    case Kind::Exponential:
        return "exp(" + d(m_a) + ")";
    case Kind::Normal:
        return "normal(" + d(m_a) + "," + d(m_b) + ")";
    case Kind::LogNormal:
        return "lognormal(" + d(m_a) + "," + formatNumber(m_b) + ")";
    case Kind::Bimodal:
        return "bimodal(" + d(m_a) + "," + d(m_b) + "," + formatNumber(m_c) + ")";
    }
    return {};
}

} // namespace poollab
