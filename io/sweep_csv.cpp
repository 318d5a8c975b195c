// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/sweep_csv.h"

#include "core/scenario_fields.h"
#include "io/csv_writer.h"

namespace poollab {

namespace {
// Enough for a share of 1e-6 and a latency to the nanosecond (in ms).
constexpr int kDecimals = 6;
} // namespace

QStringList sweepCsvColumns(const Sweep& sweep)
{
    QString first = QString::fromLatin1(sweep.field->key);
    if (sweep.field->type == FieldType::Duration)
        first += QStringLiteral("_s");
    QStringList columns{first};
    for (const ExperimentMeasure& m : experimentMeasures()) {
        const QString key = QString::fromLatin1(m.key);
        columns << key << key + QStringLiteral(".low") << key + QStringLiteral(".high");
        if (m.predicted)
            columns << key + QStringLiteral(".theory");
    }
    // Last, so that the columns before them keep their places.
    for (const ExperimentMeasure& m : experimentMeasures())
        columns << QString::fromLatin1(m.key) + QStringLiteral(".observed");
    return columns;
}

QByteArray sweepToCsv(const Sweep& sweep, const ExperimentResult& result)
{
    CsvWriter csv;
    for (const QString& column : sweepCsvColumns(sweep))
        csv.text(column);
    csv.endRow();
    const auto measures = experimentMeasures();
    for (const ExperimentPoint& p : result.points) {
        csv.number(p.value, 9);
        for (std::size_t i = 0; i < measures.size(); ++i) {
            const Estimate& e = p.estimates[i];
            csv.number(e.mean, kDecimals);
            csv.number(e.ci95.low, kDecimals);
            csv.number(e.ci95.high, kDecimals);
            if (!measures[i].predicted)
                continue;
            const std::optional<double> theory =
                p.theory.applies ? measures[i].predicted(p.theory.metrics) : std::nullopt;
            if (theory)
                csv.number(*theory, kDecimals);
            else
                csv.empty();
        }
        for (const Estimate& e : p.estimates)
            csv.number(e.observed, 0);
        csv.endRow();
    }
    return csv.data();
}

} // namespace poollab
