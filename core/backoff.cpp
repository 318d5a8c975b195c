// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/backoff.h"

#include "core/duration.h"

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

// lo + uniform * (hi - lo), as whole nanoseconds within [lo, hi].
Nanos between(Nanos lo, Nanos hi, Rng& rng)
{
    if (hi <= lo)
        return lo;
    const double span = static_cast<double>(hi - lo);
    return std::min(hi, lo + static_cast<Nanos>(span * rng.uniform()));
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && s.front() == ' ')
        s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
        s.remove_suffix(1);
    return s;
}

// The spec as quoted back: a pasted blob is cut after 40 bytes, not echoed whole.
std::string shown(std::string_view text)
{
    constexpr std::size_t kShown = 40;
    return text.size() <= kShown ? std::string(text) : std::string(text.substr(0, kShown)) + "...";
}

} // namespace

Nanos backoffCeiling(const BackoffConfig& config, int failedAttempt)
{
    const Nanos cap = std::max<Nanos>(0, config.cap);
    const Nanos base = std::clamp<Nanos>(config.base, 0, cap);
    const int doublings = std::max(0, failedAttempt - 1);
    // base * 2^doublings without overflow: stop as soon as it passes the cap.
    if (base == 0)
        return 0;
    if (doublings >= 62 || base > (cap >> doublings))
        return cap;
    return std::min(cap, base << doublings);
}

Nanos backoffDelay(const BackoffConfig& config, int failedAttempt, Nanos previousDelay, Rng& rng)
{
    const Nanos cap = std::max<Nanos>(0, config.cap);
    const Nanos base = std::clamp<Nanos>(config.base, 0, cap);
    switch (config.jitter) {
    case Jitter::None:
        return backoffCeiling(config, failedAttempt);
    case Jitter::Full:
        return between(0, backoffCeiling(config, failedAttempt), rng);
    case Jitter::Equal: {
        const Nanos ceiling = backoffCeiling(config, failedAttempt);
        const Nanos half = ceiling / 2;
        return between(half, ceiling, rng);
    }
    case Jitter::Decorrelated: {
        const Nanos previous = previousDelay > 0 ? std::max(previousDelay, base) : base;
        const Nanos hi = previous > cap / 3 ? cap : std::min(cap, previous * 3);
        return std::min(cap, between(base, std::max(base, hi), rng));
    }
    }
    return base;
}

std::string_view toString(Jitter jitter)
{
    switch (jitter) {
    case Jitter::None:
        return "none";
    case Jitter::Full:
        return "full";
    case Jitter::Equal:
        return "equal";
    case Jitter::Decorrelated:
        return "decorrelated";
    }
    return "full";
}

bool parseJitter(std::string_view text, Jitter& out)
{
    for (Jitter j : {Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated}) {
        if (text == toString(j)) {
            out = j;
            return true;
        }
    }
    return false;
}

bool parseBackoff(std::string_view text, Nanos& base, Nanos& cap, std::string* error)
{
    const auto fail = [&](const char* why) {
        if (error)
            *error = "backoff '" + shown(text) + "': " + why +
                     "; expected exp(BASE,CAP), e.g. exp(100ms,10s), with 0 <= BASE <= CAP <= 1h";
        return false;
    };
    std::string_view t = trim(text);
    if (t.substr(0, 4) != "exp(" || t.empty() || t.back() != ')')
        return fail("not of the form exp(BASE,CAP)");
    t = t.substr(4, t.size() - 5);
    const std::size_t comma = t.find(',');
    if (comma == std::string_view::npos)
        return fail("needs two durations");
    const auto b = parseDuration(trim(t.substr(0, comma)));
    const auto c = parseDuration(trim(t.substr(comma + 1)));
    if (!b || !c)
        return fail("BASE and CAP must be durations with a unit");
    if (*c > 3600 * kSecond)
        return fail("CAP is longer than 1h");
    if (*b > *c)
        return fail("BASE is longer than CAP");
    base = *b;
    cap = *c;
    return true;
}

std::string checkBackoffOrder(Nanos base, Nanos cap)
{
    if (base <= cap)
        return {};
    return "'backoff_base' (" + formatDuration(base) + ") is longer than 'backoff_cap' (" +
           formatDuration(cap) + "): the base must be at most the cap";
}

std::string formatBackoff(Nanos base, Nanos cap)
{
    return "exp(" + formatDuration(base) + "," + formatDuration(cap) + ")";
}

} // namespace poollab
