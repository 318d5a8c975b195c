// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace poollab {

// What happened to one attempt of one job, for the timeline view, --trace and the
// uncorrected latency (issue #16). Times are run-clock nanoseconds (since start()).
enum class AttemptEnd : std::uint8_t {
    Succeeded, // the job is done
    Failed,    // failed for good (no attempt left)
    Retrying,  // failed; the job backs off and re-enters the queue
    TimedOut,  // cut off by its timeout (then Retrying or Failed semantics follow in the next event)
    Cancelled, // the pool was cancelled while it ran
};

// "succeeded", "failed", "retrying", "timed out", "cancelled".
const char* toString(AttemptEnd end);

struct AttemptEvent
{
    std::uint64_t jobId = 0;
    std::uint32_t attempt = 1; // 1 = first try
    std::int32_t worker = -1;  // the worker (lane) that ran it
    Nanos planned = 0;         // the job's planned arrival (its schedule)
    Nanos submitted = 0;       // when the producer actually submitted it (>= planned under backpressure)
    Nanos enqueued = 0;        // when this attempt entered the queue (submission, or the end of a backoff)
    Nanos taken = 0;           // a worker took it from the queue
    Nanos started = 0;         // service began (after the rate-limit token; == taken without a limit)
    Nanos ended = 0;
    AttemptEnd end = AttemptEnd::Succeeded;
};

// How late a first attempt's submission (or its entry into the queue) must be after its
// planned arrival to call the producer held back (coordinated omission). A real producer
// thread wakes tens to hundreds of microseconds late in every run, with no backpressure
// at all; only the Block overflow's wait for room (or a stall) makes it a millisecond.
inline constexpr Nanos kHeldBackFrom = kMilli;

// Whether the producer was held back from submitting a job planned at `planned` until
// `until` (its submission, or its entry into the queue).
inline bool producerHeldBack(Nanos planned, Nanos until)
{
    return until - planned >= kHeldBackFrom;
}

// A real pool's worker (core/pool.cpp) pushes its attempt events to the log this
// many at a time: one fetch_add on the log's shared counter and adjacent slots per
// batch, instead of per event (a lone push cost 31-49 ns on one thread here, a batch
// 22-27 ns an event, the old spin lock's 17-23; docs/PERFORMANCE.md). Never more than
// this many are held back, and none while the worker waits for anything
// (Pool::flushEvents()). So events reach the log in batches, not in the order they
// ended (see TimelineView::readNew()).
inline constexpr std::size_t kAttemptEventBatch = 8;

// The engines' bounded record of recent attempt events: a ring of `capacity` events,
// the oldest overwritten. Engines push as attempts end (any thread, workers of a real
// pool on their job path: no lock, no wait, see attempt_event.cpp); readers copy what
// is new on their own timer. Memory is capacity * 88 bytes (an event and its slot's
// stamps), fixed.
//
// KeepFirst keeps the first `capacity` events instead and counts the rest without
// storing them: what a file export of a virtual run needs (--trace-limit), where the
// simulation outruns any reader and a ring would keep only the run's end. Its storage
// comes in blocks, the first allocated with the log and each next one by the push
// half-way through the one before (no lock is held by anyone meanwhile). A job limit (setJobLimit) keeps only
// the jobs with an id below it, all attempts of each.
class AttemptEventLog
{
public:
    enum class Mode : std::uint8_t { Ring, KeepFirst };

    explicit AttemptEventLog(std::size_t capacity, Mode mode = Mode::Ring);
    ~AttemptEventLog();
    AttemptEventLog(const AttemptEventLog&) = delete;
    AttemptEventLog& operator=(const AttemptEventLog&) = delete;

    std::size_t capacity() const;
    Mode mode() const;
    // Events ever pushed; sequence numbers run 0 .. pushed()-1.
    std::uint64_t pushed() const;
    // Events pushed and not kept: overwritten (Ring), or past the capacity or the job
    // limit (KeepFirst). 0 means the log holds every event pushed. A ring also gives up
    // an event whose slot an older push is still filling (the ring lapped during one
    // push: a tiny ring, a writer preempted mid-copy), counted once, lapped later or
    // not. Once the pushes are done, pushed() == lost() + the events copySince() copies.
    std::uint64_t lost() const;
    // KeepFirst: only jobs with id < limit are kept (others are counted in pushed() and lost());
    // 0, the default, keeps all. Set it before the engine starts.
    void setJobLimit(std::uint64_t limit);

    void push(const AttemptEvent& event);
    // Pushes count events as if one at a time, in order, for one fetch_add: a real
    // pool's worker pushes its events a few at a time (core/pool.cpp).
    void push(const AttemptEvent* events, std::size_t count);
    // Appends to out every event with sequence number >= from that is still held, in
    // push order; returns the sequence number to pass next time. Events overwritten
    // before or during the copy are skipped (the return value still moves past them);
    // a copy is never torn. It stops at the first event whose push has its number but
    // has not finished storing it (nanoseconds, unless that thread is preempted): the
    // next call starts there. Any number of readers, concurrent with the pushes.
    // KeepFirst numbers only the events it kept: 0 .. pushed()-lost()-1, in push order.
    std::uint64_t copySince(std::uint64_t from, std::vector<AttemptEvent>& out) const;
    // Appends every event held, for a one-shot export during a run: copySince(0) and on,
    // waiting up to `patience` for pushes still storing theirs (a preempted writer would
    // otherwise cut the copy short at its slot). Returns the events pushed by the end and
    // not appended (overwritten, given up, or still being stored): what the file lacks.
    std::uint64_t copyAll(std::vector<AttemptEvent>& out, Nanos patience) const;

private:
    struct Impl;
    Impl* m_impl;
};

} // namespace poollab
