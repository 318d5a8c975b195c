// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/job_queue.h"

#include <algorithm>
#include <bit>

namespace poollab {

JobQueue::Ring::Ring(std::size_t size) : mask(size - 1), cells(new Slot[size]) {}

JobQueue::JobQueue(std::size_t initialSlots)
{
    auto ring = std::make_unique<Ring>(std::bit_ceil(std::max<std::size_t>(initialSlots, 2)));
    for (std::uint64_t i = 0; i <= ring->mask; ++i)
        ring->cells[i].sequence.store(i, std::memory_order_relaxed);
    m_ring.store(ring.get(), std::memory_order_release);
    m_rings.push_back(std::move(ring));
}

JobQueue::~JobQueue() = default;

JobQueue::Status JobQueue::pop(Job& out, bool ignoreHeld)
{
    Ring* ring = m_ring.load(std::memory_order_acquire);
    std::uint64_t word = ring->head.load(std::memory_order_relaxed);
    for (;;) {
        if (word & kFrozen)
            return Status::Frozen;
        if ((word & kHeldOrClosed) && !ignoreHeld)
            return Status::Held;
        const std::uint64_t pos = word >> kFlagBits;
        Slot& slot = ring->cells[pos & ring->mask];
        const std::uint64_t seq = slot.sequence.load(std::memory_order_acquire);
        const auto diff = static_cast<std::int64_t>(seq - (pos + 1));
        if (diff == 0) {
            if (ring->head.compare_exchange_weak(word, word + kStep, std::memory_order_seq_cst,
                                                 std::memory_order_relaxed)) {
                out = slot.job;
                slot.sequence.store(pos + ring->mask + 1, std::memory_order_release);
                return Status::Ok;
            }
            continue;
        }
        if (diff < 0) {
            // Nothing written here yet: the queue is empty, or a push has claimed the
            // slot and is writing it (a matter of nanoseconds, unless it was preempted).
            if ((ring->tail.load(std::memory_order_seq_cst) >> kFlagBits) <= pos)
                return Status::Empty;
            std::this_thread::yield();
        }
        word = ring->head.load(std::memory_order_relaxed);
    }
}

std::uint64_t JobQueue::size() const
{
    const Ring* ring = m_ring.load(std::memory_order_acquire);
    // Head first: the tail read after it is at least as far on, so this is never negative.
    const std::uint64_t head = ring->head.load(std::memory_order_seq_cst) >> kFlagBits;
    const std::uint64_t tail = ring->tail.load(std::memory_order_seq_cst) >> kFlagBits;
    return tail - head;
}

bool JobQueue::held() const
{
    return m_ring.load(std::memory_order_acquire)->head.load(std::memory_order_seq_cst) & kHeldOrClosed;
}

bool JobQueue::closed() const
{
    return m_ring.load(std::memory_order_acquire)->tail.load(std::memory_order_seq_cst) & kHeldOrClosed;
}

std::uint64_t JobQueue::popped() const
{
    // Sequentially consistent: a hand-off producer reads it after counting itself a
    // waiter, and a worker reads the waiter count after its pop (a Dekker pair).
    return m_ring.load(std::memory_order_acquire)->head.load(std::memory_order_seq_cst) >> kFlagBits;
}

std::size_t JobQueue::physicalSize() const
{
    return m_ring.load(std::memory_order_acquire)->mask + 1;
}

void JobQueue::setHeld(bool held)
{
    Ring* ring = m_ring.load(std::memory_order_acquire);
    if (held)
        ring->head.fetch_or(kHeldOrClosed, std::memory_order_seq_cst);
    else
        ring->head.fetch_and(~kHeldOrClosed, std::memory_order_seq_cst);
}

void JobQueue::close()
{
    m_ring.load(std::memory_order_acquire)->tail.fetch_or(kHeldOrClosed, std::memory_order_seq_cst);
}

bool JobQueue::growIfFull()
{
    Ring* old = m_ring.load(std::memory_order_acquire);
    const std::size_t oldSize = old->mask + 1;
    if (size() < oldSize)
        return false; // grown meanwhile by someone else, or a pop made room
    // Freeze both ends: no claim succeeds from here on, on this ring.
    const std::uint64_t tailWord = old->tail.fetch_or(kFrozen, std::memory_order_seq_cst);
    const std::uint64_t headWord = old->head.fetch_or(kFrozen, std::memory_order_seq_cst);
    const std::uint64_t tail = tailWord >> kFlagBits;
    const std::uint64_t head = headWord >> kFlagBits;

    const std::size_t newSize = oldSize * 2;
    auto ring = std::make_unique<Ring>(newSize);
    for (std::uint64_t pos = head; pos < tail; ++pos) {
        Slot& from = old->cells[pos & old->mask];
        // A push that claimed this position before the freeze may still be writing it.
        while (from.sequence.load(std::memory_order_acquire) != pos + 1)
            std::this_thread::yield();
        Slot& to = ring->cells[pos & ring->mask];
        to.job = from.job;
        to.sequence.store(pos + 1, std::memory_order_relaxed);
    }
    for (std::uint64_t pos = tail; pos < head + newSize; ++pos)
        ring->cells[pos & ring->mask].sequence.store(pos, std::memory_order_relaxed);
    ring->head.store(head << kFlagBits | (headWord & kHeldOrClosed), std::memory_order_relaxed);
    ring->tail.store(tail << kFlagBits | (tailWord & kHeldOrClosed), std::memory_order_relaxed);
    m_ring.store(ring.get(), std::memory_order_release);
    m_rings.push_back(std::move(ring));
    return true;
}

} // namespace poollab
