// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <algorithm>

namespace poollab {

// The most workers a run may have. Every check of a worker count (the engines'
// clamps, the command line, scenario files, the window) uses one of these two.
// Real threads: each worker is an OS thread with its own stack.
inline constexpr int kMaxRealWorkers = 4096;
// Virtual time: a worker is a few numbers in the simulation.
inline constexpr int kMaxVirtualWorkers = 100'000;

// A worker count within 1 .. limit (one of the two above).
constexpr int clampWorkers(int workers, int limit)
{
    return std::clamp(workers, 1, limit);
}

// With the count lowered to `workers`, the worker in `slot` (from 0) retires: at once
// when idle, after its job when it holds one. Both engines shrink by this rule.
constexpr bool retires(int slot, int workers)
{
    return slot >= workers;
}

} // namespace poollab
