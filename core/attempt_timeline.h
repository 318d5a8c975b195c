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
// service, so neither lateness nor earliness carries from one job to the next. Busy
// time starts no earlier than the previous attempt actually ended, so busy intervals
// never overlap. The plan is per worker: after a stall of the whole process one worker
// may take several piled-up jobs and run them back to back on its own timeline while
// the plan had other workers free (not compensated; docs/PERFORMANCE.md).
struct AttemptTimeline
{
    Nanos plannedFree = 0; // the previous attempt's planned end
    Nanos actualFree = 0;  // when the previous attempt ended, or the worker started

    void reset(Nanos now) { plannedFree = actualFree = now; }

    // enqueueNs: the planned arrival (or re-queue) the wait counts from; pushedNs: when
    // it was actually put in the queue; taken: when this worker took it. The result may
    // be after taken: when the producer pushed the job ahead of its planned arrival (it
    // aims early by its mean lateness) or the previous sleep woke early (so does a
    // sleep). Those errors are left out as late ones are; kept, each one moved every
    // later job on this worker earlier, and real time read below virtual time. Every
    // job holds its worker until then, as on the plan it does (a sleep as part of its
    // sleep; CPU work and an empty job wait before they begin), so that the wait ends
    // where the service begins.
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
