// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <chrono>
#include <cstdint>

namespace poollab {

// Every time in the engine is a signed count of nanoseconds. Durations and instants
// on a pool's clock (nanoseconds since the pool was created) share the type so that
// the arithmetic stays plain.
using Nanos = std::int64_t;

constexpr Nanos kMicro = 1'000;
constexpr Nanos kMilli = 1'000'000;
constexpr Nanos kSecond = 1'000'000'000;

inline Nanos steadyNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

inline double toMillis(Nanos ns)
{
    return static_cast<double>(ns) / 1e6;
}
inline double toSeconds(Nanos ns)
{
    return static_cast<double>(ns) / 1e9;
}

} // namespace poollab
