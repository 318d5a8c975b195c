// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/histogram.h"

#include <QByteArray>
#include <QString>

namespace poollab {

// Which latency --hdr writes.
enum class HdrKind : std::uint8_t { Total, Wait, Service, TotalUncorrected };

// "total", "wait", "service", "total-uncorrected".
QString toString(HdrKind kind);
bool parseHdrKind(const QString& text, HdrKind& out);
// The kinds, as --help lists them: "total|wait|service|total-uncorrected".
QString hdrKindChoices();

// HdrHistogram's percentile distribution text (.hgrm), as its
// outputPercentileDistribution writes it, values in milliseconds:
//
//        Value     Percentile TotalCount 1/(1-Percentile)
//
//        0.051 0.000000000000          1           1.00
//        ...
//     1000.000 1.000000000000      10000
// #[Mean    =       10.021, StdDeviation   =        9.876]
// #[Max     =     1000.000, Total count    =        10000]
// #[Buckets =           37, SubBuckets     =          128]
//
// Percentile levels step as HdrHistogram's PercentileIterator does: `ticksPerHalfDistance`
// steps from 0 to 50 %, as many from 50 to 75 %, and so on, each row at the first value
// that reaches its level; the last row is the maximum at 100 %. A value is its bucket's
// midpoint within the recorded min and max, as Histogram::percentile reports it (so a
// summary's percentiles read the same here); Buckets and SubBuckets describe this
// histogram's layout in HdrHistogram's terms. The mean is exact, the standard deviation
// from the buckets. The files open in HdrHistogram's plotter
// (hdrhistogram.github.io/HdrHistogram/plotFiles.html).
QByteArray histogramToHgrm(const Histogram& histogram, int ticksPerHalfDistance = 5);

} // namespace poollab
