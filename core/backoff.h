// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/rng.h"
#include "core/scenario.h"

#include <optional>
#include <string>
#include <string_view>

namespace poollab {

// Exponential backoff between attempts, with the jitter modes of the AWS
// Architecture Blog ("Exponential Backoff And Jitter"), where exp(n) = min(cap, base * 2^(n-1)):
//   none          exp(n)
//   full          uniform(0, exp(n))
//   equal         exp(n)/2 + uniform(0, exp(n)/2)
//   decorrelated  min(cap, uniform(base, 3 * previous)), previous starting at base
struct BackoffConfig
{
    Nanos base = 100 * kMilli;
    Nanos cap = 10 * kSecond;
    Jitter jitter = Jitter::Full;
};

// The delay after failed attempt number failedAttempt (1-based: 1 after the first
// try). previousDelay is the delay returned before for this job (decorrelated uses
// it; <= 0 means none yet). Always within [0, cap].
Nanos backoffDelay(const BackoffConfig& config, int failedAttempt, Nanos previousDelay, Rng& rng);

// The un-jittered exp(n) = min(cap, base * 2^(n-1)).
Nanos backoffCeiling(const BackoffConfig& config, int failedAttempt);

std::string_view toString(Jitter jitter);
bool parseJitter(std::string_view text, Jitter& out);

// Reads "exp(100ms,10s)" (base, cap) into base and cap. On failure returns false and
// says why in *error (if given).
bool parseBackoff(std::string_view text, Nanos& base, Nanos& cap, std::string* error);
std::string formatBackoff(Nanos base, Nanos cap);
// Empty when base <= cap, else why not, naming the scenario keys: the engines would
// clamp the base to the cap, so every way in (flags, files, the window) refuses it.
std::string checkBackoffOrder(Nanos base, Nanos cap);

} // namespace poollab
