// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

#include <cstdint>

namespace poollab {

// What a pool does with a newly submitted job: the one rule both engines apply
// (Pool::submit on real threads, VirtualEngine::trySubmit in virtual time).
enum class Admission : std::uint8_t {
    Enqueue,    // into the queue (an idle worker takes it at once if there is one)
    Wait,       // block: the submitter waits for room, then asks again
    DropOldest, // the oldest queued job is dropped and this one enqueued
    Reject,     // refused and counted rejected
    Refuse,     // the pool is closed (draining, cancelled, stopped): rejected and counted refused
};

// What the submitter sees at the instant it decides.
struct AdmissionView
{
    int capacity = 0; // 0: an unbuffered hand-off
    OverflowPolicy overflow = OverflowPolicy::Block;
    std::uint64_t queued = 0;
    bool closed = false;
    // Workers ready to take a job this instant (idle, in a running pool that is not
    // paused). Only an unbuffered hand-off that does not wait asks.
    std::int64_t readyWorkers = 0;
};

// The most jobs the queue holds: its capacity, and 1 for a hand-off, where the job in
// transit to a worker stands in the queue (a blocked hand-off producer waits with it
// there until it is taken).
constexpr std::uint64_t queueBound(int capacity)
{
    return capacity > 1 ? static_cast<std::uint64_t>(capacity) : 1;
}

// A hand-off that does not wait (reject, drop-oldest): the job goes in only to a
// worker ready for it this instant.
constexpr bool needsReadyWorker(int capacity, OverflowPolicy overflow)
{
    return capacity == 0 && overflow != OverflowPolicy::Block;
}

// Whether a job may go in now. A hand-off that does not wait (reject, drop-oldest)
// goes in only when a worker is ready for it beyond those already taken.
bool hasRoom(const AdmissionView& view);

// With no room: block waits; drop-oldest sheds the oldest queued job when the queue
// is a buffer (capacity > 0) holding one, else rejects as reject does (a hand-off has
// no buffer to shed from: what stands in it is another submitter's job in transit).
Admission whenFull(const AdmissionView& view);

// The whole decision: refused when closed, else in when there is room, else whenFull.
Admission admit(const AdmissionView& view);

// A retry due to re-enter: it was accepted once, so it is never rejected or dropped
// for a full queue; it waits, holding no worker, until this says there is room.
constexpr bool retryMayEnter(std::uint64_t queued, int capacity)
{
    return queued < queueBound(capacity);
}

// The hand-off of Go's unbuffered channel: the submitter returns only once a worker
// has taken its job (block with capacity 0).
constexpr bool waitsForTaker(int capacity, OverflowPolicy overflow)
{
    return capacity == 0 && overflow == OverflowPolicy::Block;
}

} // namespace poollab
