// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sampler.h"
#include "core/time_series.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace poollab {

// A run's record: one row per sample interval, the rows the CSV export writes and the
// charts draw. Bounded: past `capacity` rows, neighbouring pairs merge
// (mergeSamples) and every later row covers twice as many sample intervals, so
// memory is set by the capacity, not by how long the run (or the simulated time) is.
// Below the bound the rows are exactly the sample intervals appended.
//
// It also keeps the whole-run min/max envelope of the raw rows for the charts, and can
// hand each raw row to a sink as it is appended, before any coarsening (for writers
// that stream rows out).
class IntervalRecord
{
public:
    // 2^17 rows: 36 h of 1 s intervals at full resolution, ~50 MB at most.
    static constexpr std::size_t kDefaultCapacity = std::size_t{1} << 17;
    using Sink = std::function<void(const Sample&)>;

    explicit IntervalRecord(std::size_t capacity = kDefaultCapacity, std::size_t envelopeBuckets = 512);

    void clear();
    void append(const Sample& row);
    // Called with every row appended from now on, on the appending thread.
    void setSink(Sink sink) { m_sink = std::move(sink); }

    std::span<const Sample> rows() const { return m_rows; }
    std::size_t size() const { return m_rows.size(); }
    bool empty() const { return m_rows.empty(); }
    const Sample& back() const { return m_rows.back(); }
    std::size_t capacity() const { return m_capacity; }
    // Rows ever appended (raw sample intervals), coarsened or not.
    std::uint64_t appended() const { return m_appended; }
    // Sample intervals merged into each row (1 until the bound is first reached; a
    // power of two). The last row may hold fewer: the interval still being filled.
    std::size_t intervalsPerRow() const { return m_perRow; }
    // Length of a full row: intervalsPerRow() x the first row's interval (0 when empty).
    Nanos rowWidthNs() const { return m_baseIntervalNs * static_cast<Nanos>(m_perRow); }
    bool coarsened() const { return m_perRow > 1; }

    const Envelope& envelope() const { return m_envelope; }

private:
    std::vector<Sample> m_rows;
    std::size_t m_capacity;
    std::size_t m_perRow = 1;
    std::size_t m_inLastRow = 0; // raw intervals merged into the last row so far
    std::uint64_t m_appended = 0;
    Nanos m_baseIntervalNs = 0;
    Envelope m_envelope;
    Sink m_sink;
};

} // namespace poollab
