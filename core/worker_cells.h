// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <array>
#include <climits>
#include <cstdint>
#include <span>
#include <vector>

namespace poollab {

enum class WorkerState : std::uint8_t {
    Idle,      // waiting for a job
    Busy,      // running a job
    Throttled, // holding a job, waiting for a rate-limit token
    Retired,   // no thread in this slot
};

// The worker slots as a reader draws them: one cell per slot while they fit, else one
// per group of slots with how many of the group are in each state. The engines fill it
// in their snapshot (fillWorkerCells), so a reader of 100,000 workers copies at most
// `limit` cells, not a state per worker.
struct WorkerCells
{
    static constexpr int kEverySlot = INT_MAX;
    using Counts = std::array<std::uint32_t, 4>; // indexed by WorkerState

    // Asked by the reader before the snapshot: the most cells it can show. 0 (the
    // default) fills nothing; kEverySlot gives one state per slot however many.
    int limit = 0;

    // Filled by the engine.
    int slotCount = 0;               // worker slots ever used (not "slots": a Qt keyword)
    int shown = 0;                   // up to the last slot not retired: later ones are history, not workers
    int perCell = 1;                 // slots per cell: 1 while `shown` fits in `limit`
    std::vector<WorkerState> states; // perCell == 1: one per shown slot
    std::vector<Counts> counts;      // perCell > 1: one per cell of perCell slots (the last may hold fewer)

    int cellCount() const
    {
        return perCell == 1 ? static_cast<int>(states.size()) : static_cast<int>(counts.size());
    }
    // How many of the shown slots are in each state.
    Counts totals() const;
};

// Fills `out`'s result fields from the state of each slot, as out.limit asks. The one
// place both engines turn their slots into what a reader draws (issue #13).
void fillWorkerCells(WorkerCells& out, std::span<const WorkerState> slots);

} // namespace poollab
