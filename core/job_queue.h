// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/job.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace poollab {

// The pool's job queue: a FIFO that producers push to and workers pop from without a
// lock (D. Vyukov's bounded MPMC ring: each slot's sequence number says whether it
// waits for a push or a pop of a given lap, so one compare-and-swap claims a slot).
//
// What the pool needs beyond the textbook ring:
// - A logical capacity given with each push (the pool's queue capacity changes live),
//   at most the physical size. A push that the capacity allows but the ring cannot
//   hold returns NeedsGrowth, and the caller grows the ring.
// - Flags kept in the head and tail words, so that they take effect atomically with
//   respect to every pop and push: `held` (no pop succeeds: pause, cancel) and
//   `closed` (no push succeeds: drain, cancel).
// - Positions that count every push and pop since construction, across growth: a
//   hand-off producer waits until the head has passed its own position.
//
// setHeld(), close(), growIfFull() and drainAll() must be serialised by the caller
// (the pool's mutex). Push and pop may run at any time; meeting a ring being grown
// they return Frozen, and the caller waits for the grower (takes that mutex) and
// tries again. Old rings are kept until destruction: a thread may still be looking
// at one, and growth doubles, so they cost at most as much as the current ring.
class JobQueue
{
public:
    enum class Status : std::uint8_t {
        Ok,
        Empty,       // pop: nothing to take
        Held,        // pop: the queue is held
        Full,        // push: the logical capacity is reached
        Closed,      // push: the queue is closed
        NeedsGrowth, // push: the capacity allows it but the ring is full; grow and retry
        Frozen,      // push or pop: a grower is at work; wait for it and retry
    };

    explicit JobQueue(std::size_t initialSlots = 64);
    JobQueue(const JobQueue&) = delete;
    JobQueue& operator=(const JobQueue&) = delete;
    ~JobQueue();

    // `onClaimed` runs after the slot is claimed and before the job can be popped: a
    // count it makes is seen by anyone who sees the job taken.
    template <typename OnClaimed>
    Status push(const Job& job, std::uint64_t capacity, bool ignoreClosed, std::uint64_t* position,
                OnClaimed&& onClaimed);
    Status push(const Job& job, std::uint64_t capacity)
    {
        return push(job, capacity, false, nullptr, [] {});
    }
    // ignoreHeld: take the oldest job even from a held queue (drop-oldest, cancel).
    Status pop(Job& out, bool ignoreHeld = false);

    // Jobs in the queue, including pushes claimed but not yet written.
    std::uint64_t size() const;
    bool held() const;
    bool closed() const;
    // Pops so far: a job pushed at position p has been taken once this exceeds p.
    std::uint64_t popped() const;
    std::size_t physicalSize() const;

    void setHeld(bool held);
    void close();
    // Doubles the ring if it is full. Returns true if it grew.
    bool growIfFull();
    // Pops every job (held or not) into `sink`; returns how many. The queue should be
    // closed first, or producers may refill it.
    template <typename Sink> std::size_t drainAll(Sink&& sink);

private:
    static constexpr std::uint64_t kHeldOrClosed = 1; // head: held; tail: closed
    static constexpr std::uint64_t kFrozen = 2;
    static constexpr int kFlagBits = 2;
    static constexpr std::uint64_t kStep = std::uint64_t{1} << kFlagBits;

    struct alignas(64) Slot
    {
        std::atomic<std::uint64_t> sequence{0};
        Job job;
    };
    struct Ring
    {
        explicit Ring(std::size_t size);
        alignas(64) std::atomic<std::uint64_t> head{0}; // position << kFlagBits | flags
        alignas(64) std::atomic<std::uint64_t> tail{0};
        alignas(64) std::uint64_t mask;
        std::unique_ptr<Slot[]> cells;
    };

    std::atomic<Ring*> m_ring;
    std::vector<std::unique_ptr<Ring>> m_rings; // the current one last; guarded by the caller's lock
};

template <typename OnClaimed>
JobQueue::Status JobQueue::push(const Job& job, std::uint64_t capacity, bool ignoreClosed,
                                std::uint64_t* position, OnClaimed&& onClaimed)
{
    Ring* ring = m_ring.load(std::memory_order_acquire);
    std::uint64_t word = ring->tail.load(std::memory_order_relaxed);
    for (;;) {
        if (word & kFrozen)
            return Status::Frozen;
        if ((word & kHeldOrClosed) && !ignoreClosed)
            return Status::Closed;
        const std::uint64_t pos = word >> kFlagBits;
        // Read after the tail: if pos - head reaches the capacity, the queue was full
        // at the instant of this read, and a claim that succeeds keeps it within.
        const std::uint64_t head = ring->head.load(std::memory_order_acquire) >> kFlagBits;
        if (head > pos) { // `word` is stale
            word = ring->tail.load(std::memory_order_relaxed);
            continue;
        }
        if (pos - head >= capacity)
            return Status::Full;
        Slot& slot = ring->cells[pos & ring->mask];
        const std::uint64_t seq = slot.sequence.load(std::memory_order_acquire);
        const auto diff = static_cast<std::int64_t>(seq - pos);
        if (diff == 0) {
            if (ring->tail.compare_exchange_weak(word, word + kStep, std::memory_order_seq_cst,
                                                 std::memory_order_relaxed)) {
                onClaimed();
                slot.job = job;
                slot.sequence.store(pos + 1, std::memory_order_release);
                if (position)
                    *position = pos;
                return Status::Ok;
            }
            continue; // `word` now holds the current tail
        }
        if (diff < 0) {
            // The slot still holds last lap's job: the ring is full, or a pop of that
            // job is copying it out.
            if (pos - head > ring->mask)
                return Status::NeedsGrowth;
            std::this_thread::yield();
        }
        word = ring->tail.load(std::memory_order_relaxed);
    }
}

template <typename Sink> std::size_t JobQueue::drainAll(Sink&& sink)
{
    std::size_t count = 0;
    Job job;
    while (pop(job, true) == Status::Ok) {
        sink(job);
        ++count;
    }
    return count;
}

} // namespace poollab
