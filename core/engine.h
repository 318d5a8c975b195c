// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"
#include "core/snapshot.h"

#include <memory>

namespace poollab {

// One run of a scenario, on real threads or in virtual time. The window, the
// headless runner, CSV export and the metrics endpoint see only this, so they do not
// care which engine runs.
class Engine
{
public:
    virtual ~Engine() = default;

    virtual void start() = 0;
    virtual void pause() = 0;
    virtual void resume() = 0;
    // Stop producing, finish what was accepted, then stop.
    virtual void drain() = 0;
    // Stop producing; queued, backing-off and running jobs end as cancelled.
    virtual void cancel() = 0;
    // Live change: every field that differs from the current scenario takes effect
    // for the jobs that start (or arrive) after the call.
    virtual void apply(const Scenario& changed) = 0;

    virtual void snapshot(Snapshot& out) const = 0;
    // True once every job that will ever be submitted has its outcome.
    virtual bool finished() const = 0;
    // Waits (real) or runs (virtual, as fast as possible) until finished. Returns
    // false on timeout; timeoutNs < 0 waits without limit.
    virtual bool waitFinished(Nanos timeoutNs = -1) = 0;

    virtual const Scenario& scenario() const = 0;
    virtual TimeMode timeMode() const = 0;
};

} // namespace poollab
