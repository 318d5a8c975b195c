// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <span>

namespace poollab {

// The media type of the Prometheus text exposition format 0.0.4.
inline constexpr char kPrometheusContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Text-format escaping: HELP text escapes backslash and line feed; a label value
// also escapes the double quote. Anything else (UTF-8 included) passes as is.
QByteArray escapeMetricHelp(QByteArrayView text);
QByteArray escapeLabelValue(QByteArrayView text);

// A sample value: the shortest decimal that reads back to the same double, or
// +Inf, -Inf, NaN as the format spells them.
QByteArray formatMetricValue(double value);
// A histogram bound as an `le` label value: fixed notation ("0.0001", "2.5"), so
// that PromQL selectors can name it; +Inf for infinity.
QByteArray formatBucketBound(double value);

// The upper bounds (le) of every latency histogram, in nanoseconds, ascending;
// +Inf follows implicitly. From 100 us to 60 s, 1-2.5-5 steps.
std::span<const Nanos> metricsLatencyBoundsNs();

// What the exposition says about the run beyond the snapshot (poollab_run_info).
struct MetricsRunInfo
{
    QString scenario;                          // the scenario's name; any text
    QString timeMode = QStringLiteral("real"); // "real" or "virtual"
};

// Builds one exposition. Call family() once per metric family, then its samples:
// the format forbids interleaving families.
class MetricsTextWriter
{
public:
    void family(QByteArrayView name, QByteArrayView type, QByteArrayView help);
    // labels: already rendered pairs, e.g. label("outcome", "success"); may be empty.
    void sample(QByteArrayView name, QByteArrayView labels, QByteArrayView value);
    void sample(QByteArrayView name, QByteArrayView labels, std::uint64_t value);
    void sample(QByteArrayView name, QByteArrayView labels, std::int64_t value);
    void sample(QByteArrayView name, QByteArrayView labels, double value);
    // A histogram's _bucket, _sum and _count samples for nanosecond values, in seconds.
    void histogramSeconds(QByteArrayView name, const Histogram& histogram);

    // name="escaped value"
    static QByteArray label(QByteArrayView name, QByteArrayView value);

    QByteArray take() { return std::move(m_out); }
    void reserve(qsizetype bytes) { m_out.reserve(bytes); }

private:
    QByteArray m_out;
};

// The whole exposition of one snapshot: every poollab_* family with HELP and TYPE.
QByteArray renderMetrics(const Snapshot& snapshot, const MetricsRunInfo& info = {});

} // namespace poollab
