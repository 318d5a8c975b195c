// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/time_series.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <iterator>
#include <limits>

namespace poollab {

namespace {

double weighted(double a, double wa, double b, double wb)
{
    const double w = wa + wb;
    return w > 0 ? (a * wa + b * wb) / w : b;
}

void mergeLatency(IntervalLatency& into, const IntervalLatency& later)
{
    const double ca = static_cast<double>(into.count);
    const double cb = static_cast<double>(later.count);
    // Percentiles of a union cannot be had from percentiles: the median is averaged
    // by count, the tail keeps the worse of the two (an upper bound).
    into.p50 = static_cast<Nanos>(
        std::llround(weighted(static_cast<double>(into.p50), ca, static_cast<double>(later.p50), cb)));
    into.mean = weighted(into.mean, ca, later.mean, cb);
    into.p95 = std::max(into.p95, later.p95);
    into.p99 = std::max(into.p99, later.p99);
    into.max = std::max(into.max, later.max);
    into.count += later.count;
}

} // namespace

void mergeSamples(Sample& a, const Sample& b)
{
    const double wa = static_cast<double>(a.intervalNs);
    const double wb = static_cast<double>(b.intervalNs);
    a.arrivalsPerSec = weighted(a.arrivalsPerSec, wa, b.arrivalsPerSec, wb);
    a.completionsPerSec = weighted(a.completionsPerSec, wa, b.completionsPerSec, wb);
    a.failuresPerSec = weighted(a.failuresPerSec, wa, b.failuresPerSec, wb);
    a.rejectionsPerSec = weighted(a.rejectionsPerSec, wa, b.rejectionsPerSec, wb);
    a.dropsPerSec = weighted(a.dropsPerSec, wa, b.dropsPerSec, wb);
    a.retriesPerSec = weighted(a.retriesPerSec, wa, b.retriesPerSec, wb);
    a.cancellationsPerSec = weighted(a.cancellationsPerSec, wa, b.cancellationsPerSec, wb);
    a.utilization = weighted(a.utilization, wa, b.utilization, wb);
    a.busyWorkers = static_cast<int>(std::lround(weighted(a.busyWorkers, wa, b.busyWorkers, wb)));
    a.throttledWorkers =
        static_cast<int>(std::lround(weighted(a.throttledWorkers, wa, b.throttledWorkers, wb)));
    a.queueDepth = std::max(a.queueDepth, b.queueDepth);
    a.inFlight = std::max(a.inFlight, b.inFlight);
    a.queueCapacity = b.queueCapacity;
    a.workers = b.workers;
    mergeLatency(a.total, b.total);
    mergeLatency(a.wait, b.wait);
    mergeLatency(a.service, b.service);
    mergeLatency(a.throttle, b.throttle);
    mergeLatency(a.totalUncorrected, b.totalUncorrected);
    a.totals = b.totals;
    a.runNs = b.runNs;
    a.intervalNs += b.intervalNs;
}

double columnValue(const Sample& r, Column column)
{
    const auto latency = [](const IntervalLatency& l, Nanos v) {
        return l.count > 0 ? toMillis(v) : std::numeric_limits<double>::quiet_NaN();
    };
    switch (column) {
    case Column::Arrivals:
        return r.arrivalsPerSec;
    case Column::Completions:
        return r.completionsPerSec;
    case Column::Failures:
        return r.failuresPerSec;
    case Column::Refusals:
        return r.rejectionsPerSec + r.dropsPerSec;
    case Column::Retries:
        return r.retriesPerSec;
    case Column::QueueDepth:
        return static_cast<double>(r.queueDepth);
    case Column::QueueCapacity:
        return r.queueCapacity;
    case Column::BusyWorkers:
        return r.busyWorkers;
    case Column::ThrottledWorkers:
        return r.throttledWorkers;
    case Column::Workers:
        return r.workers;
    case Column::InFlight:
        return static_cast<double>(r.inFlight);
    case Column::TotalP50:
        return latency(r.total, r.total.p50);
    case Column::TotalP95:
        return latency(r.total, r.total.p95);
    case Column::TotalP99:
        return latency(r.total, r.total.p99);
    case Column::WaitP50:
        return latency(r.wait, r.wait.p50);
    case Column::WaitP95:
        return latency(r.wait, r.wait.p95);
    case Column::WaitP99:
        return latency(r.wait, r.wait.p99);
    case Column::ServiceP50:
        return latency(r.service, r.service.p50);
    case Column::ServiceP95:
        return latency(r.service, r.service.p95);
    case Column::ServiceP99:
        return latency(r.service, r.service.p99);
    case Column::UncorrectedP99:
        return latency(r.totalUncorrected, r.totalUncorrected.p99);
    }
    return std::numeric_limits<double>::quiet_NaN();
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double startOf(const Sample& r)
{
    return toSeconds(r.runNs - r.intervalNs);
}
// Where a row starts on the run's clock: never before the previous row ends. (The
// interval is measured on the pool's clock, which goes on a little after the run's
// clock stops at the end of a real run: the last row would reach back over the one
// before it.)
double startAfter(const Sample& r, Nanos previousEnd)
{
    return toSeconds(std::max(r.runNs - r.intervalNs, previousEnd));
}

double endOf(const Sample& r)
{
    return toSeconds(r.runNs);
}

void appendStep(std::vector<StepPoint>& out, double start, double end, double value)
{
    out.push_back({start, value});
    out.push_back({end, value});
}

// Rows without a value (nothing finished) between rows with one: a break, so that no
// line is drawn across them. Only between steps of this call (from `begin` on), once.
void appendGap(std::vector<StepPoint>& out, std::size_t begin, double x)
{
    if (out.size() > begin && !isGap(out.back()))
        out.push_back({x, kNaN});
}

// A break at the end leads nowhere.
void trimGap(std::vector<StepPoint>& out, std::size_t begin)
{
    if (out.size() > begin && isGap(out.back()))
        out.pop_back();
}

// The smallest and largest value of a run of rows, and where the rows with a value
// begin and end: what one bucket of a downsampled chart draws.
struct Extremes
{
    Envelope::Step min{0, 0, kNaN};
    Envelope::Step max{0, 0, kNaN};
    double first = 0;  // start of the first row with a value
    double last = 0;   // end of the last one
    bool rows = false; // any row at all, with a value or not

    void add(double start, double end, double value)
    {
        rows = true;
        if (std::isnan(value))
            return;
        if (std::isnan(min.value)) {
            min = max = {start, end, value};
            first = start;
        } else {
            if (value < min.value)
                min = {start, end, value};
            if (value >= max.value) // the last of equal peaks: a flat bucket spans its rows
                max = {start, end, value};
        }
        last = end;
    }
    void emit(std::vector<StepPoint>& out, std::size_t begin) const
    {
        if (std::isnan(min.value)) {
            if (rows)
                appendGap(out, begin, last); // a gap: nothing here has a value
            return;
        }
        if (min.value == max.value) {
            appendStep(out, first, last, min.value); // flat: keep it flat across the bucket
            return;
        }
        const bool minFirst = min.start < max.start;
        const Envelope::Step& a = minFirst ? min : max;
        const Envelope::Step& b = minFirst ? max : min;
        appendStep(out, a.start, a.end, a.value);
        appendStep(out, b.start, b.end, b.value);
    }
};

} // namespace

Envelope::Envelope(std::size_t buckets) : m_buckets(std::max<std::size_t>(2, buckets + (buckets & 1))) {}

void Envelope::clear()
{
    m_full = 0;
    m_pendingRows = 0;
    m_perBucket = 1;
    m_rows = 0;
}

const Envelope::Bucket& Envelope::bucket(std::size_t index) const
{
    assert(index < size());
    return index < m_full ? m_buckets[index] : m_pending;
}

void Envelope::mergeInto(Bucket& into, const Bucket& later)
{
    for (std::size_t c = 0; c < kColumnCount; ++c) {
        const Step& lo = later.min[c];
        const Step& hi = later.max[c];
        // A NaN compares false: a side without a value never wins.
        if (!std::isnan(lo.value) && !(lo.value >= into.min[c].value))
            into.min[c] = lo;
        if (!std::isnan(hi.value) && !(hi.value < into.max[c].value)) // the later of equal peaks
            into.max[c] = hi;
    }
}

void Envelope::add(const Sample& row)
{
    Bucket b;
    const double start = m_rows == 0 ? startOf(row) : startAfter(row, m_lastEndNs);
    const double end = endOf(row);
    m_lastEndNs = row.runNs;
    for (std::size_t c = 0; c < kColumnCount; ++c)
        b.min[c] = b.max[c] = {start, end, columnValue(row, static_cast<Column>(c))};
    ++m_rows;
    if (m_pendingRows == 0)
        m_pending = b;
    else
        mergeInto(m_pending, b);
    if (++m_pendingRows < m_perBucket)
        return;
    m_buckets[m_full++] = m_pending;
    m_pendingRows = 0;
    if (m_full < m_buckets.size())
        return;
    for (std::size_t i = 0; i < m_full / 2; ++i) {
        m_buckets[i] = m_buckets[2 * i];
        mergeInto(m_buckets[i], m_buckets[2 * i + 1]);
    }
    m_full /= 2;
    m_perBucket *= 2;
}

void Envelope::steps(Column column, std::vector<StepPoint>& out) const
{
    const auto c = static_cast<std::size_t>(column);
    const std::size_t begin = out.size();
    for (std::size_t i = 0; i < size(); ++i) {
        const Bucket& b = bucket(i);
        Extremes e;
        // The flat case spans the bucket's rows with a value; min and max bound them.
        e.add(b.min[c].start, b.min[c].end, b.min[c].value);
        e.add(b.max[c].start, b.max[c].end, b.max[c].value);
        e.first = std::min(b.min[c].start, b.max[c].start);
        e.last = std::max(b.min[c].end, b.max[c].end);
        e.emit(out, begin);
    }
    trimGap(out, begin);
}

void windowSteps(std::span<const Sample> rows, Column column, double from, double to, std::size_t maxBuckets,
                 std::vector<StepPoint>& out)
{
    // The first row that ends after `from` (rows end in increasing order).
    const auto first =
        std::partition_point(rows.begin(), rows.end(), [from](const Sample& r) { return endOf(r) <= from; });
    const auto last =
        std::partition_point(first, rows.end(), [to](const Sample& r) { return startOf(r) < to; });
    const auto startOfRow = [&](auto it) {
        return it == rows.begin() ? startOf(*it) : startAfter(*it, std::prev(it)->runNs);
    };
    const auto count = static_cast<std::size_t>(last - first);
    const std::size_t begin = out.size();
    if (count <= maxBuckets || !(to > from)) {
        for (auto it = first; it != last; ++it) {
            const double v = columnValue(*it, column);
            if (!std::isnan(v))
                appendStep(out, startOfRow(it), endOf(*it), v);
            else
                appendGap(out, begin, startOfRow(it));
        }
        trimGap(out, begin);
        return;
    }
    const double width = (to - from) / static_cast<double>(maxBuckets);
    std::size_t current = 0;
    Extremes e;
    for (auto it = first; it != last; ++it) {
        const double end = endOf(*it);
        const auto index = static_cast<std::size_t>(
            std::clamp((end - from) / width, 0.0, static_cast<double>(maxBuckets - 1)));
        if (index != current) {
            e.emit(out, begin);
            e = Extremes{};
            current = index;
        }
        e.add(startOfRow(it), end, columnValue(*it, column));
    }
    e.emit(out, begin);
    trimGap(out, begin);
}

TimeSpan chartSpan(std::optional<double> recordEnd, int seconds)
{
    if (!recordEnd)
        return {0, seconds > 0 ? static_cast<double>(seconds) : 10.0};
    if (seconds == 0)
        return {0, *recordEnd};
    const double to = std::max<double>(seconds, *recordEnd);
    return {to - seconds, to};
}

void chartSteps(std::span<const Sample> rows, const Envelope& wholeRun, Column column, int seconds,
                TimeSpan span, std::size_t maxBuckets, std::vector<StepPoint>& out)
{
    if (seconds > 0)
        windowSteps(rows, column, span.from, span.to, maxBuckets, out);
    else
        wholeRun.steps(column, out);
}

} // namespace poollab
