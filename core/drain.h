// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

#include <cstdint>

namespace poollab {

// What a pool still has to finish once it drains.
struct Backlog
{
    std::uint64_t queued = 0;
    std::uint64_t held = 0;              // jobs workers hold: running or waiting for a token
    std::uint64_t backingOff = 0;        // failed attempts waiting out their backoff: they come back
    std::uint64_t waitingSubmitters = 0; // submissions blocked for room (a drain refuses them)
};

// A draining pool stops once nothing it accepted is left: the rule both engines end a
// drain (or a cancel, which drains what it cannot cut off) by.
constexpr bool drainFinished(PoolState state, const Backlog& backlog)
{
    return state == PoolState::Draining && backlog.queued == 0 && backlog.held == 0 &&
           backlog.backingOff == 0 && backlog.waitingSubmitters == 0;
}

} // namespace poollab
