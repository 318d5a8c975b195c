// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sampler.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace poollab {

// Folds `later` (the interval right after `into`'s) into `into`: rates and means are
// weighted by time (latency by count); peaks (queue depth, in-flight, latency
// p95/p99/max) keep the larger, so downsampling never hides a spike; settings and
// totals take the later value.
void mergeSamples(Sample& into, const Sample& later);

// What the charts can draw of a row: one number per column.
enum class Column : std::uint8_t {
    Arrivals,
    Completions,
    Failures,
    Refusals, // rejections + drops
    Retries,
    QueueDepth,
    QueueCapacity,
    BusyWorkers,
    ThrottledWorkers,
    Workers,
    InFlight,
    TotalP50,
    TotalP95,
    TotalP99,
    WaitP50,
    WaitP95,
    WaitP99,
    ServiceP50,
    ServiceP95,
    ServiceP99,
    UncorrectedP99, // total from the actual submission (coordinated omission not corrected)
};
inline constexpr std::size_t kColumnCount = static_cast<std::size_t>(Column::UncorrectedP99) + 1;

// The value a CSV row has for the column (latency in milliseconds, rates per second);
// NaN where the row has none: a latency over an interval in which nothing finished.
double columnValue(const Sample& row, Column column);

// A chart point in seconds of run time. y NaN is a break in the line: rows without a
// value (a latency over intervals in which nothing finished) lie between the points
// before and after it, and the line must not join them.
struct StepPoint
{
    double x = 0;
    double y = 0;
    bool operator==(const StepPoint&) const = default;
};
inline bool isGap(const StepPoint& p)
{
    return p.y != p.y; // NaN; not std::isnan, to spare every includer <cmath>
}

// Whole-run min/max envelope of every column, fed one row at a time: at most
// `buckets` buckets of a power-of-two number of rows each; when they are all used,
// neighbouring pairs merge (min of mins, max of maxes: exact, unlike averaging), so the
// cost of adding a row and of reading the envelope does not grow with the run.
class Envelope
{
public:
    // One row of the record as drawn: its value held over its interval.
    struct Step
    {
        double start = 0;
        double end = 0;
        double value = 0;
    };
    struct Bucket
    {
        std::array<Step, kColumnCount> min; // value NaN: no row here has one
        std::array<Step, kColumnCount> max;
    };

    explicit Envelope(std::size_t buckets = 512);
    void clear();
    void add(const Sample& row);

    std::size_t capacity() const { return m_buckets.size(); }
    // Full buckets plus the one being filled, if any.
    std::size_t size() const { return m_full + (m_pendingRows > 0 ? 1 : 0); }
    const Bucket& bucket(std::size_t index) const;
    std::size_t rowsPerBucket() const { return m_perBucket; }
    std::uint64_t rows() const { return m_rows; }

    // Appends the column's steps, bucket by bucket: the row with the smallest and the
    // one with the largest value, in time order (one step when they are the same row).
    // While every bucket holds one row, that is every row of the record. A bucket
    // whose rows have no value breaks the line (see StepPoint).
    void steps(Column column, std::vector<StepPoint>& out) const;

private:
    static void mergeInto(Bucket& into, const Bucket& later);

    std::vector<Bucket> m_buckets;
    std::size_t m_full = 0;
    Bucket m_pending;
    std::size_t m_pendingRows = 0;
    std::size_t m_perBucket = 1;
    std::uint64_t m_rows = 0;
    Nanos m_lastEndNs = 0;
};

// Windowing and downsampling of one column of a record (rows in time order, each
// drawn as a step over [runNs - intervalNs, runNs], not reaching back before the
// previous row's end): the rows that overlap [from, to]
// go into at most `maxBuckets` buckets of equal time; each bucket gives the steps of
// its smallest and largest value, in time order, so spikes and dips survive (never
// every n-th row). With no more rows than buckets, every row is drawn as it is. Rows
// without a value break the line (a gap point, see StepPoint) where a whole bucket has none.
// Cost: O(log n) to find the window plus O(rows in it).
void windowSteps(std::span<const Sample> rows, Column column, double from, double to, std::size_t maxBuckets,
                 std::vector<StepPoint>& out);

// The span of run time the charts show, in seconds: the last `seconds` of the record
// (0 to `seconds` until the record is that long); with seconds 0 the whole run, 0 to
// the record's end. Before any row (no end): 0 to `seconds`, or 0 to 10 for the whole run.
struct TimeSpan
{
    double from = 0;
    double to = 0;
    bool operator==(const TimeSpan&) const = default;
};
TimeSpan chartSpan(std::optional<double> recordEnd, int seconds);

// One column as the charts draw it over `span` (from chartSpan): with seconds > 0 the
// rows in the span, min/max-downsampled into at most maxBuckets (windowSteps); with 0
// the whole run's envelope (its steps). Appends to out.
void chartSteps(std::span<const Sample> rows, const Envelope& wholeRun, Column column, int seconds,
                TimeSpan span, std::size_t maxBuckets, std::vector<StepPoint>& out);

} // namespace poollab
