// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/hgrm_writer.h"

#include <QStringList>

#include <cmath>

namespace poollab {

namespace {
constexpr double kNsPerMs = 1e6;

struct KindName
{
    HdrKind kind;
    const char* name;
};
constexpr KindName kKinds[] = {{HdrKind::Total, "total"},
                               {HdrKind::Wait, "wait"},
                               {HdrKind::Service, "service"},
                               {HdrKind::TotalUncorrected, "total-uncorrected"}};

// The value a bucket reports, in ns: as Histogram::percentile does.
Nanos bucketValue(const Histogram& h, int index)
{
    const Nanos mid = HistogramLayout::lowerBound(index) + (HistogramLayout::width(index) - 1) / 2;
    return std::clamp(mid, h.min(), h.max());
}

// PercentileIterator::incrementIterationLevel: a fixed tick within each half of the
// distance left to 100 %, halved as each half is crossed.
double nextLevel(double level, int ticksPerHalfDistance)
{
    const auto halvings = static_cast<long long>(std::log(100.0 / (100.0 - level)) / std::log(2.0));
    const double ticks =
        static_cast<double>(ticksPerHalfDistance) * std::pow(2.0, static_cast<double>(halvings + 1));
    return level + 100.0 / ticks;
}

double standardDeviationMs(const Histogram& h)
{
    if (h.count() == 0)
        return 0;
    const double mean = h.mean();
    double squares = 0;
    const auto& buckets = h.buckets();
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        if (!buckets[i])
            continue;
        const double d = static_cast<double>(bucketValue(h, static_cast<int>(i))) - mean;
        squares += d * d * static_cast<double>(buckets[i]);
    }
    return std::sqrt(squares / static_cast<double>(h.count())) / kNsPerMs;
}
} // namespace

QString toString(HdrKind kind)
{
    for (const KindName& k : kKinds)
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    return QStringLiteral("total");
}

bool parseHdrKind(const QString& text, HdrKind& out)
{
    for (const KindName& k : kKinds) {
        if (text == QLatin1String(k.name)) {
            out = k.kind;
            return true;
        }
    }
    return false;
}

QString hdrKindChoices()
{
    QStringList names;
    for (const KindName& k : kKinds)
        names << QString::fromLatin1(k.name);
    return names.join(QLatin1Char('|'));
}

QByteArray histogramToHgrm(const Histogram& h, int ticksPerHalfDistance)
{
    // QString::asprintf formats in the C locale whatever the process's locale is.
    QString out =
        QString::asprintf("%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount", "1/(1-Percentile)");
    const std::uint64_t total = h.count();
    const auto& buckets = h.buckets();
    double level = 0;
    std::uint64_t seen = 0;
    // As HdrHistogram's iterator: every level a bucket reaches gets a row at its value,
    // until the bucket that holds the last value, which gets one; then the 100 % row.
    for (std::size_t i = 0; i < buckets.size() && seen < total; ++i) {
        if (!buckets[i])
            continue;
        seen += buckets[i];
        const double ms = static_cast<double>(bucketValue(h, static_cast<int>(i))) / kNsPerMs;
        while (100.0 * static_cast<double>(seen) / static_cast<double>(total) >= level) {
            const double p = level / 100.0;
            out += QString::asprintf("%12.3f %2.12f %10llu %14.2f\n", ms, p,
                                     static_cast<unsigned long long>(seen), 1.0 / (1.0 - p));
            level = nextLevel(level, ticksPerHalfDistance);
            if (seen == total)
                break;
        }
    }
    if (total > 0)
        out += QString::asprintf("%12.3f %2.12f %10llu\n", static_cast<double>(h.max()) / kNsPerMs, 1.0,
                                 static_cast<unsigned long long>(total));
    out += QString::asprintf("#[Mean    = %12.3f, StdDeviation   = %12.3f]\n", h.mean() / kNsPerMs,
                             standardDeviationMs(h));
    out += QString::asprintf("#[Max     = %12.3f, Total count    = %12llu]\n",
                             static_cast<double>(h.max()) / kNsPerMs, static_cast<unsigned long long>(total));
    // HdrHistogram's terms: a first bucket of kLinear unit-wide values, then one bucket
    // per power of two, each the upper half of kLinear sub-buckets.
    out +=
        QString::asprintf("#[Buckets = %12d, SubBuckets     = %12d]\n",
                          1 + HistogramLayout::kMaxMsb - HistogramLayout::kSubBits, HistogramLayout::kLinear);
    return out.toUtf8();
}

} // namespace poollab
