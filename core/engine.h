// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/attempt_event.h"
#include "core/interval_recorder.h"
#include "core/scenario.h"
#include "core/snapshot.h"

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

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

    // Simulated seconds per wall-clock second, 0 = as fast as possible. Only virtual
    // time has a pace: real threads run at 1x and ignore it.
    virtual void setPace(double /*factor*/) {}

    // Every attempt's event (core/attempt_event.h) is pushed into `log` as the attempt
    // ends, on whichever thread ends it. Set it before start(); without one (the
    // default) an engine pays a null check per attempt. Engines that keep no events
    // ignore it.
    virtual void setAttemptEventLog(std::shared_ptr<AttemptEventLog> /*log*/) {}

    // The run's record (core/interval_recorder.h): one row per sample interval of run
    // time and a last, shorter one at the end; what --csv and Export CSV write and the
    // charts draw.
    //
    // By default the caller drives it: record() takes the snapshots the caller takes
    // anyway on its own timer (the window's tick, the command line's monitor), the
    // first one after start() being the run's start. Real threads have no clock of
    // their own to sample on, and a thread in the engine for it would wake every
    // interval beside the workers to take a second snapshot of what the caller
    // already has. VirtualEngine records on simulated time itself and ignores record().
    virtual void record(const Snapshot& latest);
    // Calls `read` with the record held still: for readers that take a part of it (the
    // charts) instead of copying it whole. Empty before the first record().
    virtual void withRecord(const std::function<void(const IntervalRecord&)>& read) const;
    // Gets every row as it is appended, before the record coarsens, on the thread
    // that appends it. Set it before start().
    virtual void setRecordSink(IntervalRecord::Sink sink);
    // Time average, over the run so far, of the jobs in the system (queued + in
    // flight): L of Little's law. By default estimated from the snapshots record()
    // was given; virtual time measures it exactly.
    virtual double meanInSystem() const;
    // Appends the record's rows from index `from` on to out; returns how many it has.
    std::size_t samples(std::vector<Sample>& out, std::size_t from = 0) const;

private:
    // Made on the first use: engines that keep their own record pay nothing for it.
    mutable std::mutex m_recordMutex;
    std::unique_ptr<IntervalRecorder> m_recorder;
    IntervalRecord::Sink m_recordSink;
};

} // namespace poollab
