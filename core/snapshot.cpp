// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/snapshot.h"

namespace poollab {

std::string_view toString(PoolState state)
{
    switch (state) {
    case PoolState::Idle:
        return "idle";
    case PoolState::Running:
        return "running";
    case PoolState::Paused:
        return "paused";
    case PoolState::Draining:
        return "draining";
    case PoolState::Stopped:
        return "stopped";
    }
    return "unknown";
}

std::string_view toString(OverflowPolicy policy)
{
    switch (policy) {
    case OverflowPolicy::Block:
        return "block";
    case OverflowPolicy::Reject:
        return "reject";
    case OverflowPolicy::DropOldest:
        return "drop-oldest";
    }
    return "unknown";
}

bool parseOverflowPolicy(std::string_view text, OverflowPolicy& out)
{
    if (text == "block")
        out = OverflowPolicy::Block;
    else if (text == "reject")
        out = OverflowPolicy::Reject;
    else if (text == "drop-oldest")
        out = OverflowPolicy::DropOldest;
    else
        return false;
    return true;
}

} // namespace poollab
