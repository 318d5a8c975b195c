// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <algorithm>

namespace poollab {

// One real-time worker's timeline: when its attempts start and end as the run plans
// them, apart from the simulator's own delays.
//
// A real-time run simulates work with sleeps and arrivals with a producer thread, and
// both are late (or early) by tens of microseconds: a sleep ends after its deadline,
// and the producer submits a job a little before or after its planned arrival. Neither
// is the pool's behaviour, yet both went into the queue waits (a job waited for the
// previous one's overshoot) and, through longer service, into the load. What a real
// pool does cost is kept: the pick-up, the time from the moment the job could be taken
// (pushed, or the worker free) to the moment a worker took it, which includes waking
// a parked worker.
//
// So an attempt starts at its on-time instant, the later of its planned arrival (or
// re-queue) and this worker's planned end of its previous attempt, plus the measured
// pick-up. The queue wait ends there, and a sleep job sleeps until that start plus its
// service, so neither lateness nor earliness carries from one job to the next. Busy time starts no earlier
// than the previous attempt actually ended, so busy intervals never overlap.
struct AttemptTimeline
{
    Nanos plannedFree = 0; // the previous attempt's planned end
    Nanos actualFree = 0;  // when the previous attempt ended, or the worker started

    void reset(Nanos now) { plannedFree = actualFree = now; }

    // enqueueNs: the planned arrival (or re-queue) the wait counts from; pushedNs: when
    // it was actually put in the queue; taken: when this worker took it. After taken
    // when the job was pushed ahead of its planned arrival (the producer aims early by
    // its mean lateness) or the previous sleep woke early: the producer's and the
    // sleep's timing errors are left out both ways, as virtual time has neither. Only
    // early ones kept, every early push and early wake-up moved later jobs earlier
    // (real time measured 0.1-0.6 % below virtual). A sleep job then sleeps until this
    // start plus its service; its worker is held meanwhile, which on the plan it is.
    Nanos start(Nanos enqueueNs, Nanos pushedNs, Nanos taken) const
    {
        const Nanos pickUp = std::max<Nanos>(0, taken - std::max(pushedNs, actualFree));
        return std::max(enqueueNs, plannedFree) + pickUp;
    }
    // Where busy time and service start for an attempt starting at `start`.
    Nanos busyFrom(Nanos start) const { return std::max(start, actualFree); }
    // plannedEnd: the start plus the work asked for (a sleep ends there on time, and
    // ending a little early or late is the simulator's error); a job whose length is
    // real behaviour (CPU work, one cut off by a cancel) passes `end`.
    void finish(Nanos plannedEnd, Nanos end)
    {
        plannedFree = plannedEnd;
        actualFree = end;
    }
};

} // namespace poollab
