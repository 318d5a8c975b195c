// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/worker_cells.h"

#include <algorithm>

namespace poollab {

WorkerCells::Counts WorkerCells::totals() const
{
    Counts sum{};
    for (const WorkerState s : states)
        ++sum[static_cast<std::size_t>(s)];
    for (const Counts& c : counts)
        for (std::size_t i = 0; i < sum.size(); ++i)
            sum[i] += c[i];
    return sum;
}

void fillWorkerCells(WorkerCells& out, std::span<const WorkerState> slots)
{
    out.slotCount = static_cast<int>(slots.size());
    out.states.clear();
    out.counts.clear();
    out.perCell = 1;
    std::size_t shown = slots.size();
    while (shown > 0 && slots[shown - 1] == WorkerState::Retired)
        --shown;
    out.shown = static_cast<int>(shown);
    if (out.limit <= 0 || shown == 0)
        return;
    const auto limit = static_cast<std::size_t>(out.limit);
    if (shown <= limit) {
        out.states.assign(slots.begin(), slots.begin() + static_cast<std::ptrdiff_t>(shown));
        return;
    }
    // Groups of equal size, as few cells as the limit allows.
    const std::size_t perCell = (shown + limit - 1) / limit;
    out.perCell = static_cast<int>(perCell);
    out.counts.assign((shown + perCell - 1) / perCell, WorkerCells::Counts{});
    std::size_t i = 0;
    for (WorkerCells::Counts& cell : out.counts) {
        const std::size_t end = std::min(shown, i + perCell);
        for (; i < end; ++i)
            ++cell[static_cast<std::size_t>(slots[i])];
    }
}

} // namespace poollab
