// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/interval_record.h"
#include "core/sampler.h"

#include <limits>

namespace poollab {

// How a run's record is taken, the one place for it (both engines, hence the window
// and the command line): snapshots of the run come in, and one row goes into the
// record per sample interval of run time, on a fixed grid (interval, 2 x interval, ...;
// the first snapshot at or past a boundary ends the row, and a late one does not shift
// the later boundaries), then a last, shorter row up to the end of the run.
//
// It also integrates the jobs in the system (queued + in flight) over the snapshots
// it is given, from the run's start: an estimate of L for Little's law for engines
// that cannot measure it exactly.
class IntervalRecorder
{
public:
    static constexpr Nanos kNoBoundary = std::numeric_limits<Nanos>::max();

    explicit IntervalRecorder(std::size_t capacity = IntervalRecord::kDefaultCapacity) : m_record(capacity) {}

    // Begins the record of a run with the run's first snapshot: its first row counts
    // from run time 0 (Sampler::setRunStart). interval <= 0: no row but the last.
    void start(const Snapshot& runStart, Nanos interval);
    bool started() const { return m_started; }
    // A snapshot of the run, later than the one before. Returns true when it ended a row:
    // it reached the next boundary, or the run has finished (the last, shorter row; a
    // run that ended at its start still gets one). After the last row the record is
    // complete and later snapshots change nothing.
    bool add(const Snapshot& snapshot);
    bool complete() const { return m_complete; }
    // Where the next row ends, in run time (kNoBoundary: only at the end of the run).
    Nanos nextBoundaryNs() const { return m_nextNs; }
    // A live change: the next row ends `interval` after the last one.
    void setInterval(Nanos interval);
    // Forgets the run: the record is empty and waits for start().
    void clear();

    void setSink(IntervalRecord::Sink sink) { m_record.setSink(std::move(sink)); }
    const IntervalRecord& record() const { return m_record; }
    // Time average of queued + in flight over the snapshots given so far, each value
    // held back to the snapshot before it (0 before any run time).
    double meanInSystem() const;

private:
    void appendRow(const Snapshot& snapshot);

    Sampler m_sampler;
    IntervalRecord m_record;
    Nanos m_interval = 0;
    Nanos m_nextNs = kNoBoundary;
    Nanos m_lastRowNs = 0; // run time the last row ended at (0: the run's start)
    Nanos m_lastNs = 0;    // run time of the last snapshot given
    double m_jobNs = 0;    // jobs in the system integrated over run time, job-ns
    bool m_started = false;
    bool m_complete = false;
};

} // namespace poollab
