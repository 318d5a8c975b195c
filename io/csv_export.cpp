// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/csv_export.h"

#include "io/atomic_file.h"

namespace poollab {

namespace {

// Decimals: rates and seconds to a micro-unit so that rate x interval gives the
// count back; milliseconds to a microsecond, finer than the histograms resolve.
constexpr int kRateDecimals = 6;
constexpr int kSecondsDecimals = 6;
constexpr int kMsDecimals = 3;
constexpr int kTimestampDecimals = 3;

const char* const kTimeSeriesColumns[] = {
    "timestamp",
    "elapsed_s",
    "interval_s",
    "arrivals_per_s",
    "completions_per_s",
    "failures_per_s",
    "rejections_per_s",
    "drops_per_s",
    "retries_per_s",
    "cancellations_per_s",
    "queue_depth",
    "queue_capacity",
    "busy_workers",
    "throttled_workers",
    "workers",
    "in_flight",
    "utilization",
    "total_p50_ms",
    "total_p95_ms",
    "total_p99_ms",
    "wait_p50_ms",
    "wait_p95_ms",
    "wait_p99_ms",
    "service_p50_ms",
    "service_p95_ms",
    "service_p99_ms",
    "submitted",
    "succeeded",
    "failed",
    "rejected",
    "dropped",
    "cancelled",
    "retries",
    // Added later, so at the end: readers indexing by position keep working.
    "throttle_p50_ms",
    "throttle_p95_ms",
    "throttle_p99_ms",
    "arrived_to_busy",
};

const char* const kSummaryColumns[] = {
    "type",   "name",   "count",          "failures", "median_ms", "mean_ms",   "min_ms",
    "max_ms", "per_s",  "failures_per_s", "p50_ms",   "p66_ms",    "p75_ms",    "p80_ms",
    "p90_ms", "p95_ms", "p98_ms",         "p99_ms",   "p99_9_ms",  "p99_99_ms", "p100_ms",
};

constexpr double kSummaryPercentiles[] = {50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99};

template <std::size_t N> QStringList toList(const char* const (&names)[N])
{
    QStringList list;
    for (const char* n : names)
        list << QString::fromLatin1(n);
    return list;
}

template <std::size_t N> void header(CsvWriter& csv, const char* const (&names)[N])
{
    for (const char* n : names)
        csv.text(QString::fromLatin1(n));
    csv.endRow();
}

void milliseconds(CsvWriter& csv, Nanos ns)
{
    csv.number(toMillis(ns), kMsDecimals);
}

// Interval percentiles; empty cells when nothing was recorded (0 would chart as a
// real, very fast, latency).
void intervalLatency(CsvWriter& csv, const IntervalLatency& l)
{
    for (const Nanos v : {l.p50, l.p95, l.p99}) {
        if (l.count == 0)
            csv.empty();
        else
            milliseconds(csv, v);
    }
}

void summaryRow(CsvWriter& csv, const QString& type, const QString& name, std::uint64_t count,
                std::uint64_t failures, const Histogram& h, double runS)
{
    csv.text(type);
    csv.text(name);
    csv.unsignedInteger(count);
    csv.unsignedInteger(failures);
    const auto latency = [&](Nanos v) {
        if (h.empty())
            csv.empty();
        else
            milliseconds(csv, v);
    };
    latency(h.percentile(50));
    if (h.empty())
        csv.empty();
    else
        csv.number(h.mean() / 1e6, kMsDecimals);
    latency(h.min());
    latency(h.max());
    csv.number(runS > 0 ? static_cast<double>(count) / runS : 0.0, kRateDecimals);
    csv.number(runS > 0 ? static_cast<double>(failures) / runS : 0.0, kRateDecimals);
    for (const double q : kSummaryPercentiles)
        latency(h.percentile(q));
    latency(h.max()); // p100 is the exact maximum, not a bucket's midpoint
    csv.endRow();
}

} // namespace

QStringList timeSeriesCsvColumns()
{
    return toList(kTimeSeriesColumns);
}

void appendTimeSeriesCsvHeader(CsvWriter& csv)
{
    header(csv, kTimeSeriesColumns);
}

void appendTimeSeriesCsvRow(CsvWriter& csv, const Sample& s, double runStartUnixS)
{
    csv.number(runStartUnixS + toSeconds(s.runNs), kTimestampDecimals);
    csv.number(toSeconds(s.runNs), kSecondsDecimals);
    csv.number(toSeconds(s.intervalNs), kSecondsDecimals);
    for (const double rate : {s.arrivalsPerSec, s.completionsPerSec, s.failuresPerSec, s.rejectionsPerSec,
                              s.dropsPerSec, s.retriesPerSec, s.cancellationsPerSec})
        csv.number(rate, kRateDecimals);
    csv.integer(s.queueDepth);
    csv.integer(s.queueCapacity);
    csv.integer(s.busyWorkers);
    csv.integer(s.throttledWorkers);
    csv.integer(s.workers);
    csv.integer(s.inFlight);
    csv.number(s.utilization, kRateDecimals);
    intervalLatency(csv, s.total);
    intervalLatency(csv, s.wait);
    intervalLatency(csv, s.service);
    const Counters& t = s.totals;
    for (const std::uint64_t v :
         {t.submitted, t.succeeded, t.failed, t.rejected, t.dropped, t.cancelled, t.retries})
        csv.unsignedInteger(v);
    intervalLatency(csv, s.throttle);
    csv.unsignedInteger(t.arrivedToBusy);
    csv.endRow();
}

QByteArray timeSeriesToCsv(std::span<const Sample> samples, double runStartUnixS)
{
    CsvWriter csv;
    appendTimeSeriesCsvHeader(csv);
    for (const Sample& s : samples)
        appendTimeSeriesCsvRow(csv, s, runStartUnixS);
    return csv.data();
}

bool exportTimeSeriesCsv(const QString& path, std::span<const Sample> samples, double runStartUnixS,
                         QString* error)
{
    return writeFileAtomically(path, timeSeriesToCsv(samples, runStartUnixS), error);
}

bool TimeSeriesCsvStream::open(const QString& path, QString* error)
{
    if (!m_file.open(path, error))
        return false;
    CsvWriter csv;
    appendTimeSeriesCsvHeader(csv);
    m_file.write(csv.data());
    return true;
}

void TimeSeriesCsvStream::append(const Sample& sample)
{
    CsvWriter csv;
    appendTimeSeriesCsvRow(csv, sample, m_runStartUnixS);
    m_file.write(csv.data());
}

QStringList summaryCsvColumns()
{
    return toList(kSummaryColumns);
}

QByteArray summaryToCsv(const Snapshot& snap, Nanos runNs)
{
    const Counters& c = snap.counters;
    const double runS = toSeconds(runNs);
    // A failed attempt was either retried or was its job's last.
    const std::uint64_t failedAttempts = c.retries + c.failed;
    CsvWriter csv;
    header(csv, kSummaryColumns);
    const QString attempt = QStringLiteral("attempt");
    summaryRow(csv, attempt, QStringLiteral("wait"), snap.wait.count(), failedAttempts, snap.wait, runS);
    summaryRow(csv, attempt, QStringLiteral("service"), snap.service.count(), failedAttempts, snap.service,
               runS);
    summaryRow(csv, QStringLiteral("start"), QStringLiteral("throttle"), snap.throttle.count(), 0,
               snap.throttle, runS);
    summaryRow(csv, QStringLiteral("job"), QStringLiteral("total"), snap.total.count(), c.failed, snap.total,
               runS);
    summaryRow(csv, QStringLiteral("job"), QStringLiteral("total_uncorrected"), snap.totalUncorrected.count(),
               c.failed, snap.totalUncorrected, runS);
    // Every submitted job; whatever did not succeed counts as a failure, shed ones too.
    summaryRow(csv, QString(), QStringLiteral("Aggregated"), c.submitted,
               c.submitted >= c.succeeded ? c.submitted - c.succeeded : 0, snap.total, runS);
    return csv.data();
}

bool exportSummaryCsv(const QString& path, const Snapshot& finalSnapshot, Nanos runNs, QString* error)
{
    return writeFileAtomically(path, summaryToCsv(finalSnapshot, runNs), error);
}

} // namespace poollab
