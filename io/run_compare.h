// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/run_store.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace poollab {

// One run to compare: what its column is headed with and its summary as written
// (poollab-summary/1 JSON). StoredRun has all three.
struct CompareInput
{
    std::int64_t id = 0;
    QString name;
    QByteArray summaryJson;
};

// One summary measure across the runs: a row of the comparison table.
struct ComparedMeasure
{
    QString key;                    // for JSON: "throughput_per_s", "total_p99_ms", ...
    QString label;                  // for a table: "Throughput", "Total p99", ...
    QString unit;                   // "jobs/s", "%", "s", "jobs", "ms"
    std::vector<double> values;     // one per run, baseline first
    std::vector<double> difference; // value - baseline (0 for the baseline)
    // (value - baseline) / baseline x 100; nullopt where the baseline is 0 (no ratio)
    std::vector<std::optional<double>> percent;
};

// The runs side by side: columns are the runs (baseline first), rows the measures in
// a fixed order: throughput, utilization, elapsed; submitted, succeeded, failed,
// rejected, dropped, retries; then for wait, service, total and throttle: mean, p50,
// p95, p99 and max.
struct RunComparison
{
    std::vector<std::int64_t> ids;
    std::vector<QString> names;
    std::vector<ComparedMeasure> rows;
};

// nullopt with *error (naming the run) when a summary does not read as
// poollab-summary/1. At least one run; the first is the baseline.
std::optional<RunComparison> compareRuns(std::span<const CompareInput> runs, QString* error);
std::optional<RunComparison> compareRuns(std::span<const StoredRun> runs, QString* error);

// Rows of cells as text, each column as wide as its widest cell and two spaces apart;
// a column is padded on the right (leftAligned) or on the left (numbers, so digits
// line up). No trailing spaces; a newline after each row.
QString alignedTable(const std::vector<QStringList>& rows, const std::vector<bool>& leftAligned);

// An aligned text table: a row per measure with each run's value, and after the
// baseline each run's difference and % difference.
QString comparisonToText(const RunComparison& comparison);
// {"format": "poollab-compare/1", "baseline": ID, "runs": [{"id", "name"}...],
//  "measures": [{"key", "label", "unit", "values": [...], "difference": [...],
//  "percent": [... null where the baseline is 0]}...]}, keys in that order.
QByteArray comparisonToJson(const RunComparison& comparison);

} // namespace poollab
