// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt_event.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <thread>

namespace poollab {

const char* toString(AttemptEnd end)
{
    switch (end) {
    case AttemptEnd::Succeeded:
        return "succeeded";
    case AttemptEnd::Failed:
        return "failed";
    case AttemptEnd::Retrying:
        return "retrying";
    case AttemptEnd::TimedOut:
        return "timed out";
    case AttemptEnd::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

namespace {
// An event as the words a slot stores. Each word is an atomic written and read
// relaxed: a reader may copy a slot while a writer fills it (the stamp tells it to
// throw that copy away), and that must not be a data race.
constexpr std::size_t kEventWords = 9;
using EventWords = std::array<std::uint64_t, kEventWords>;

EventWords pack(const AttemptEvent& e)
{
    return {e.jobId,
            std::uint64_t(e.attempt) | (std::uint64_t(std::uint32_t(e.worker)) << 32),
            std::uint64_t(e.planned),
            std::uint64_t(e.submitted),
            std::uint64_t(e.enqueued),
            std::uint64_t(e.taken),
            std::uint64_t(e.started),
            std::uint64_t(e.ended),
            std::uint64_t(e.end)};
}

AttemptEvent unpack(const EventWords& w)
{
    AttemptEvent e;
    e.jobId = w[0];
    e.attempt = std::uint32_t(w[1]);
    e.worker = std::int32_t(std::uint32_t(w[1] >> 32));
    e.planned = Nanos(w[2]);
    e.submitted = Nanos(w[3]);
    e.enqueued = Nanos(w[4]);
    e.taken = Nanos(w[5]);
    e.started = Nanos(w[6]);
    e.ended = Nanos(w[7]);
    e.end = AttemptEnd(w[8]);
    return e;
}

// A slot's stamp: (sequence number + 1) << 1 | Done, so a stamp names the event it is
// about and compares by it; 0 is a slot never used.
enum SlotState : std::uint64_t {
    Writing = 0, // its push is filling the words
    Done = 1,    // the words hold the event named
};
constexpr std::uint64_t stampOf(std::uint64_t seq, SlotState state)
{
    return ((seq + 1) << 1) | state;
}
// The sequence number a stamp names, plus one (0: none).
constexpr std::uint64_t numberOf(std::uint64_t stamp)
{
    return stamp >> 1;
}
constexpr SlotState stateOf(std::uint64_t stamp)
{
    return SlotState(stamp & 1);
}

struct Slot
{
    std::atomic<std::uint64_t> stamp{0};
    // The latest sequence number (plus one) given up in this slot: its push found an
    // older push still filling the words (Ring only; rare, see AttemptEventLog::Impl).
    std::atomic<std::uint64_t> givenUp{0};
    std::array<std::atomic<std::uint64_t>, kEventWords> words{}; // zero (atomics value-initialise)

    void store(const AttemptEvent& event)
    {
        const EventWords w = pack(event);
        for (std::size_t i = 0; i < kEventWords; ++i)
            words[i].store(w[i], std::memory_order_relaxed);
    }
    EventWords load() const
    {
        EventWords w;
        for (std::size_t i = 0; i < kEventWords; ++i)
            w[i] = words[i].load(std::memory_order_relaxed);
        return w;
    }
};

// KeepFirst stores its events in blocks of this many (5.8 MB), each allocated half a
// block before a push needs it: nothing is ever moved or copied, however large
// --trace-limit is, and a cap of a million events costs one block when a run has a
// thousand.
constexpr std::size_t kBlockEvents = std::size_t(1) << 16;
} // namespace

// No lock anywhere. A push takes its sequence number with one fetch_add and owns the
// slot it maps to through the slot's stamp: claimed (Writing) with a CAS, the words
// stored, then Done with a release store. A reader copies a slot only when its stamp
// names the sequence number wanted and is Done before and after the copy (a seqlock):
// a slot overwritten meanwhile is skipped, as one overwritten before the read is.
//
// A ring lapped while a push is still filling its slot (capacity pushes during one
// 72-byte copy: a writer preempted mid-copy, or a tiny ring) cannot take the slot
// without tearing the older copy: the later push gives its event up instead (counted
// lost) and notes it in the slot's givenUp, so that readers skip it. Nobody ever waits
// for anybody, and a push pays one fetch_add, one CAS and plain stores; a batch pays
// one fetch_add for all its events, which land in adjacent slots.
struct AttemptEventLog::Impl
{
    Impl(std::size_t capacity, Mode mode)
        : capacity(std::max<std::size_t>(capacity, 1)), blockEvents(std::min(this->capacity, kBlockEvents)),
          blockCount(mode == Mode::Ring ? 1 : (this->capacity + blockEvents - 1) / blockEvents), mode(mode),
          blocks(new std::atomic<Slot*>[blockCount])
    {
        for (std::size_t i = 0; i < blockCount; ++i)
            blocks[i].store(nullptr, std::memory_order_relaxed);
        // A ring whole, up front; KeepFirst its first block (see installBlock()).
        blocks[0].store(new Slot[mode == Mode::Ring ? this->capacity : blockEvents],
                        std::memory_order_relaxed);
    }
    ~Impl()
    {
        for (std::size_t i = 0; i < blockCount; ++i)
            delete[] blocks[i].load(std::memory_order_relaxed);
    }

    const std::size_t capacity;
    const std::size_t blockEvents;
    const std::size_t blockCount;
    const Mode mode;
    // Ring: blocks[0] holds all capacity slots. KeepFirst: event i in
    // blocks[i / blockEvents][i % blockEvents], a block installed (CAS) by the first push
    // that needs it and never freed before the log.
    std::unique_ptr<std::atomic<Slot*>[]> blocks;
    // Sequence numbers handed out: every push (Ring), every push within the job limit
    // (KeepFirst, whose first capacity ones are kept). Its own cache line: every push
    // writes it.
    alignas(64) std::atomic<std::uint64_t> next{0};
    // Ring: pushes that gave their event up to a writer still busy in their slot.
    // KeepFirst: pushes of jobs past the job limit.
    alignas(64) std::atomic<std::uint64_t> refused{0};
    // Ring: the latest sequence number given up, plus one (0: none yet), so that lost()
    // looks for give-ups not yet lapped only while there may be some.
    std::atomic<std::uint64_t> lastGivenUp{0};
    std::atomic<std::uint64_t> jobLimit{0};

    void pushRing(const AttemptEvent* events, std::size_t count);
    void pushKeepFirst(const AttemptEvent* events, std::size_t count);
    Slot* installBlock(std::size_t block);
    Slot& keepFirstSlot(std::uint64_t seq);
    std::uint64_t copyKeepFirst(std::uint64_t from, std::vector<AttemptEvent>& out) const;
    std::uint64_t copyRing(std::uint64_t from, std::vector<AttemptEvent>& out) const;
};

namespace {
enum class Claim : std::uint8_t {
    Taken,     // the slot is this push's to fill
    Lapped,    // a later push owns it: this event counts as overwritten
    Abandoned, // an older push still fills it: this event is given up
};

// Takes the ring slot for sequence number seq, unless the event must be given up. A
// claim only ever moves a stamp to a later number, and only from Done (or unused): a
// Writing stamp changes only by its own push's publication.
Claim claimSlot(Slot& slot, std::uint64_t seq)
{
    std::uint64_t current = slot.stamp.load(std::memory_order_relaxed);
    for (;;) {
        if (numberOf(current) > seq)
            return Claim::Lapped;
        if (current != 0 && stateOf(current) == Writing) {
            std::uint64_t givenUp = slot.givenUp.load(std::memory_order_relaxed);
            while (givenUp < seq + 1 &&
                   !slot.givenUp.compare_exchange_weak(givenUp, seq + 1, std::memory_order_relaxed)) {
            }
            return Claim::Abandoned;
        }
        // Acquire: the previous writer's words come before ours in every word's order.
        if (slot.stamp.compare_exchange_weak(current, stampOf(seq, Writing), std::memory_order_acquire,
                                             std::memory_order_relaxed)) {
            // A reader that sees any word stored after this fence sees the claim too.
            std::atomic_thread_fence(std::memory_order_release);
            return Claim::Taken;
        }
    }
}
} // namespace

void AttemptEventLog::Impl::pushRing(const AttemptEvent* events, std::size_t count)
{
    const std::uint64_t first = next.fetch_add(count, std::memory_order_relaxed);
    Slot* ring = blocks[0].load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t seq = first + i;
        Slot& slot = ring[seq % capacity];
        switch (claimSlot(slot, seq)) {
        case Claim::Taken:
            slot.store(events[i]);
            slot.stamp.store(stampOf(seq, Done), std::memory_order_release);
            break;
        case Claim::Lapped:
            break; // counted lost from next, as an overwritten event is
        case Claim::Abandoned: {
            refused.fetch_add(1, std::memory_order_relaxed);
            std::uint64_t last = lastGivenUp.load(std::memory_order_relaxed);
            while (last < seq + 1 &&
                   !lastGivenUp.compare_exchange_weak(last, seq + 1, std::memory_order_relaxed)) {
            }
            break;
        }
        }
    }
}

// Installs KeepFirst's block unless there is one; returns the block installed. The
// push that takes the middle event of a block installs the next one, a single thread
// half a block ahead of need; pushes that find a block missing all the same (that
// thread preempted for half a block) each allocate one and the first installed wins.
Slot* AttemptEventLog::Impl::installBlock(std::size_t block)
{
    Slot* slots = blocks[block].load(std::memory_order_acquire);
    if (slots)
        return slots;
    std::unique_ptr<Slot[]> fresh(new Slot[blockEvents]);
    if (blocks[block].compare_exchange_strong(slots, fresh.get(), std::memory_order_acq_rel,
                                              std::memory_order_acquire))
        slots = fresh.release();
    return slots;
}

Slot& AttemptEventLog::Impl::keepFirstSlot(std::uint64_t seq)
{
    const std::size_t block = seq / blockEvents;
    if (seq % blockEvents == blockEvents / 2 && block + 1 < blockCount)
        installBlock(block + 1);
    Slot* slots = blocks[block].load(std::memory_order_acquire);
    if (!slots)
        slots = installBlock(block);
    return slots[seq % blockEvents];
}

void AttemptEventLog::Impl::pushKeepFirst(const AttemptEvent* events, std::size_t count)
{
    const std::uint64_t limit = jobLimit.load(std::memory_order_relaxed);
    const auto refuses = [limit](const AttemptEvent& e) { return limit > 0 && e.jobId >= limit; };
    const auto kept = static_cast<std::size_t>(std::count_if(events, events + count, std::not_fn(refuses)));
    if (kept < count)
        refused.fetch_add(count - kept, std::memory_order_relaxed);
    if (kept == 0)
        return;
    std::uint64_t seq = next.fetch_add(kept, std::memory_order_relaxed);
    for (std::size_t i = 0; i < count && seq < capacity; ++i) { // past the capacity: counted lost from next
        if (refuses(events[i]))
            continue;
        Slot& slot = keepFirstSlot(seq);
        slot.store(events[i]);
        slot.stamp.store(stampOf(seq, Done), std::memory_order_release); // written once: no claim needed
        ++seq;
    }
}

std::uint64_t AttemptEventLog::Impl::copyKeepFirst(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    const std::uint64_t end = std::min<std::uint64_t>(next.load(std::memory_order_acquire), capacity);
    if (end <= from)
        return from;
    out.reserve(out.size() + (end - from));
    // Up to the first event not yet stored (its push took the number, not yet done):
    // the next read starts there, so every kept event is copied once, in order.
    std::uint64_t seq = from;
    for (; seq < end; ++seq) {
        const Slot* slots = blocks[seq / blockEvents].load(std::memory_order_acquire);
        if (!slots)
            break;
        const Slot& slot = slots[seq % blockEvents];
        if (slot.stamp.load(std::memory_order_acquire) != stampOf(seq, Done))
            break;
        out.push_back(unpack(slot.load()));
    }
    return seq;
}

std::uint64_t AttemptEventLog::Impl::copyRing(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    const std::uint64_t end = next.load(std::memory_order_acquire);
    if (end <= from)
        return from;
    const Slot* ring = blocks[0].load(std::memory_order_relaxed);
    std::uint64_t seq =
        std::max<std::uint64_t>(from, end > capacity ? end - capacity : 0); // older: overwritten
    out.reserve(out.size() + (end - seq));
    for (; seq < end; ++seq) {
        const Slot& slot = ring[seq % capacity];
        const std::uint64_t stamp = slot.stamp.load(std::memory_order_acquire);
        if (numberOf(stamp) > seq + 1)
            continue; // overwritten by a later lap
        if (numberOf(stamp) < seq + 1) {
            if (slot.givenUp.load(std::memory_order_relaxed) >= seq + 1)
                continue; // given up (or lapped: a later one was)
            break; // its push has the number but has not claimed the slot yet: the next read starts here
        }
        if (stateOf(stamp) == Writing)
            break; // being stored: the next read starts here
        const EventWords words = slot.load();
        // Pairs with the writer's fence after its claim: had a word come from a newer
        // write, the stamp reads newer below.
        std::atomic_thread_fence(std::memory_order_acquire);
        if (slot.stamp.load(std::memory_order_relaxed) != stamp)
            continue; // overwritten while copied: torn, skipped
        out.push_back(unpack(words));
    }
    return seq;
}

AttemptEventLog::AttemptEventLog(std::size_t capacity, Mode mode) : m_impl(new Impl(capacity, mode)) {}

AttemptEventLog::~AttemptEventLog()
{
    delete m_impl;
}

std::size_t AttemptEventLog::capacity() const
{
    return m_impl->capacity;
}

AttemptEventLog::Mode AttemptEventLog::mode() const
{
    return m_impl->mode;
}

std::uint64_t AttemptEventLog::pushed() const
{
    const std::uint64_t refused = m_impl->refused.load(std::memory_order_relaxed);
    const std::uint64_t numbered = m_impl->next.load(std::memory_order_relaxed);
    return m_impl->mode == Mode::KeepFirst ? numbered + refused : numbered;
}

std::uint64_t AttemptEventLog::lost() const
{
    const std::uint64_t refused = m_impl->refused.load(std::memory_order_relaxed);
    const std::uint64_t numbered = m_impl->next.load(std::memory_order_relaxed);
    const std::uint64_t beyond = numbered > m_impl->capacity ? numbered - m_impl->capacity : 0;
    if (m_impl->mode == Mode::KeepFirst)
        return refused + beyond;
    // Ring: the events lapped, and those given up in the ring's window (one given up and
    // then lapped counts once). A give-up leaves its number in its slot's givenUp, the
    // one number of the window that slot holds; only scanned while a give-up is that recent.
    const std::uint64_t lastGivenUp = m_impl->lastGivenUp.load(std::memory_order_relaxed);
    std::uint64_t givenUp = 0;
    const Slot* ring = m_impl->blocks[0].load(std::memory_order_relaxed);
    for (std::uint64_t seq = beyond; seq < std::min(lastGivenUp, numbered); ++seq)
        if (ring[seq % m_impl->capacity].givenUp.load(std::memory_order_relaxed) == seq + 1)
            ++givenUp;
    return beyond + givenUp;
}

void AttemptEventLog::setJobLimit(std::uint64_t limit)
{
    m_impl->jobLimit.store(limit, std::memory_order_relaxed);
}

void AttemptEventLog::push(const AttemptEvent& event)
{
    push(&event, 1);
}

void AttemptEventLog::push(const AttemptEvent* events, std::size_t count)
{
    if (count == 0)
        return;
    if (m_impl->mode == Mode::KeepFirst)
        m_impl->pushKeepFirst(events, count);
    else
        m_impl->pushRing(events, count);
}

std::uint64_t AttemptEventLog::copySince(std::uint64_t from, std::vector<AttemptEvent>& out) const
{
    return m_impl->mode == Mode::KeepFirst ? m_impl->copyKeepFirst(from, out) : m_impl->copyRing(from, out);
}

std::uint64_t AttemptEventLog::copyAll(std::vector<AttemptEvent>& out, Nanos patience) const
{
    const std::size_t before = out.size();
    // The numbers pushed when called (KeepFirst: those kept); later ones are not waited for.
    const std::uint64_t numbered = m_impl->next.load(std::memory_order_acquire);
    const std::uint64_t target =
        m_impl->mode == Mode::KeepFirst ? std::min<std::uint64_t>(numbered, m_impl->capacity) : numbered;
    const Nanos deadline = steadyNowNs() + patience;
    std::uint64_t seq = copySince(0, out);
    while (seq < target && steadyNowNs() < deadline) {
        std::this_thread::yield(); // a writer mid-store: nanoseconds, unless it was preempted
        seq = copySince(seq, out);
    }
    const std::uint64_t copied = out.size() - before;
    const std::uint64_t total = pushed();
    return total > copied ? total - copied : 0;
}

} // namespace poollab
