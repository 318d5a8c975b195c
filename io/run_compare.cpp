// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/run_compare.h"

#include "io/json_writer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace poollab {

namespace {

// Where a measure is in poollab-summary/1: a top-level key, or latency_ms.KIND.KEY.
struct MeasureSpec
{
    const char* key;
    const char* label;
    const char* unit;
    const char* kind;  // latency kind, or nullptr for a top-level key
    const char* field; // the key in the summary
    double scale;      // utilization is a fraction in the summary, a % here
};

constexpr MeasureSpec kMeasures[] = {
    {"throughput_per_s", "Throughput", "jobs/s", nullptr, "throughput_per_s", 1},
    {"utilization_pct", "Utilization", "%", nullptr, "utilization", 100},
    {"elapsed_s", "Elapsed", "s", nullptr, "elapsed_s", 1},
    {"submitted", "Submitted", "jobs", nullptr, "submitted", 1},
    {"succeeded", "Succeeded", "jobs", nullptr, "succeeded", 1},
    {"failed", "Failed", "jobs", nullptr, "failed", 1},
    {"rejected", "Rejected", "jobs", nullptr, "rejected", 1},
    {"dropped", "Dropped", "jobs", nullptr, "dropped", 1},
    {"retries", "Retries", "attempts", nullptr, "retries", 1},
    {"wait_mean_ms", "Wait mean", "ms", "wait", "mean", 1},
    {"wait_p50_ms", "Wait p50", "ms", "wait", "p50", 1},
    {"wait_p95_ms", "Wait p95", "ms", "wait", "p95", 1},
    {"wait_p99_ms", "Wait p99", "ms", "wait", "p99", 1},
    {"wait_max_ms", "Wait max", "ms", "wait", "max", 1},
    {"service_mean_ms", "Service mean", "ms", "service", "mean", 1},
    {"service_p50_ms", "Service p50", "ms", "service", "p50", 1},
    {"service_p95_ms", "Service p95", "ms", "service", "p95", 1},
    {"service_p99_ms", "Service p99", "ms", "service", "p99", 1},
    {"service_max_ms", "Service max", "ms", "service", "max", 1},
    {"total_mean_ms", "Total mean", "ms", "total", "mean", 1},
    {"total_p50_ms", "Total p50", "ms", "total", "p50", 1},
    {"total_p95_ms", "Total p95", "ms", "total", "p95", 1},
    {"total_p99_ms", "Total p99", "ms", "total", "p99", 1},
    {"total_max_ms", "Total max", "ms", "total", "max", 1},
    {"throttle_mean_ms", "Throttle mean", "ms", "throttle", "mean", 1},
    {"throttle_p50_ms", "Throttle p50", "ms", "throttle", "p50", 1},
    {"throttle_p95_ms", "Throttle p95", "ms", "throttle", "p95", 1},
    {"throttle_p99_ms", "Throttle p99", "ms", "throttle", "p99", 1},
    {"throttle_max_ms", "Throttle max", "ms", "throttle", "max", 1},
};

std::optional<double> measureOf(const QJsonObject& summary, const MeasureSpec& m)
{
    const QJsonObject from =
        m.kind ? summary.value(u"latency_ms"_s).toObject().value(QLatin1StringView(m.kind)).toObject()
               : summary;
    const QJsonValue v = from.value(QLatin1StringView(m.field));
    if (!v.isDouble())
        return std::nullopt;
    return v.toDouble() * m.scale;
}

// Six significant digits, as the JSON's theory numbers: enough to tell runs apart
// without a column of noise; thousands are not grouped, so a column pastes anywhere.
QString numberText(double v)
{
    // Whole and large numbers in full (a count of 1234567 jobs, not 1.23457e+06).
    if (std::isfinite(v) && (v == std::floor(v) || std::fabs(v) >= 1e6) && std::fabs(v) < 1e15)
        return QString::number(v, 'f', 0);
    return QString::fromLatin1(JsonWriter::significantNumber(v, 6));
}

QString signedText(double v)
{
    const QString text = numberText(v);
    return v > 0 ? u'+' + text : text;
}

QString percentText(const std::optional<double>& p)
{
    if (!p)
        return u"n/a"_s;
    const QString text = QString::number(*p, 'f', 1) + u'%';
    return *p > 0 ? u'+' + text : text;
}

} // namespace

std::optional<RunComparison> compareRuns(std::span<const CompareInput> runs, QString* error)
{
    if (runs.empty()) {
        if (error)
            *error = u"nothing to compare: no runs"_s;
        return std::nullopt;
    }
    RunComparison out;
    std::vector<QJsonObject> summaries;
    for (const CompareInput& run : runs) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(run.summaryJson, &parseError);
        const QJsonObject summary = doc.object();
        if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
            summary.value(u"format"_s).toString() != u"poollab-summary/1"_s) {
            if (error)
                *error =
                    u"run %1 (%2): its summary is not poollab-summary/1 JSON"_s.arg(run.id).arg(run.name);
            return std::nullopt;
        }
        summaries.push_back(summary);
        out.ids.push_back(run.id);
        out.names.push_back(run.name);
    }
    for (const MeasureSpec& m : kMeasures) {
        ComparedMeasure row;
        row.key = QString::fromLatin1(m.key);
        row.label = QString::fromLatin1(m.label);
        row.unit = QString::fromLatin1(m.unit);
        for (std::size_t i = 0; i < summaries.size(); ++i) {
            const auto v = measureOf(summaries[i], m);
            if (!v) {
                if (error)
                    *error =
                        u"run %1 (%2): its summary has no %3"_s.arg(out.ids[i]).arg(out.names[i], row.key);
                return std::nullopt;
            }
            row.values.push_back(*v);
        }
        const double base = row.values.front();
        for (double v : row.values) {
            row.difference.push_back(v - base);
            row.percent.push_back(base != 0 ? std::optional<double>((v - base) / base * 100.0)
                                            : std::nullopt);
        }
        out.rows.push_back(std::move(row));
    }
    return out;
}

std::optional<RunComparison> compareRuns(std::span<const StoredRun> runs, QString* error)
{
    std::vector<CompareInput> inputs;
    inputs.reserve(runs.size());
    for (const StoredRun& run : runs)
        inputs.push_back({run.id, run.name, run.summaryJson});
    return compareRuns(std::span<const CompareInput>(inputs), error);
}

QString comparisonToText(const RunComparison& c)
{
    // Columns: measure, unit, then per run its value and (after the baseline) the
    // difference and the % difference.
    std::vector<QStringList> table;
    QStringList header{u"Measure"_s, u"Unit"_s};
    for (std::size_t i = 0; i < c.ids.size(); ++i) {
        const QString head = u"#%1 %2"_s.arg(c.ids[i]).arg(c.names[i]);
        header << (i == 0 ? QString(head + u" (baseline)"_s) : head);
        if (i > 0)
            header << u"diff"_s << u"%"_s;
    }
    table.push_back(header);
    for (const ComparedMeasure& row : c.rows) {
        QStringList line{row.label, row.unit};
        for (std::size_t i = 0; i < row.values.size(); ++i) {
            line << numberText(row.values[i]);
            if (i > 0)
                line << signedText(row.difference[i]) << percentText(row.percent[i]);
        }
        table.push_back(line);
    }
    std::vector<bool> left(static_cast<std::size_t>(header.size()), false);
    left[0] = left[1] = true; // measure and unit; the numbers right-aligned
    return alignedTable(table, left);
}

QString alignedTable(const std::vector<QStringList>& rows, const std::vector<bool>& leftAligned)
{
    std::vector<qsizetype> widths(leftAligned.size(), 0);
    for (const QStringList& line : rows)
        for (qsizetype i = 0; i < line.size() && i < static_cast<qsizetype>(widths.size()); ++i)
            widths[static_cast<std::size_t>(i)] =
                std::max(widths[static_cast<std::size_t>(i)], line[i].size());
    QString out;
    for (const QStringList& line : rows) {
        QString text;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const auto at = static_cast<std::size_t>(i);
            const int w = at < widths.size() ? static_cast<int>(widths[at]) : 0;
            const bool left = at < leftAligned.size() && leftAligned[at];
            text += left ? line[i].leftJustified(w) : line[i].rightJustified(w);
            if (i + 1 < line.size())
                text += u"  "_s;
        }
        while (text.endsWith(u' '))
            text.chop(1);
        out += text + u'\n';
    }
    return out;
}

QByteArray comparisonToJson(const RunComparison& c)
{
    QByteArray out = "{\n  \"format\": \"poollab-compare/1\",\n  \"baseline\": ";
    out += c.ids.empty() ? QByteArray("null") : QByteArray::number(static_cast<qint64>(c.ids.front()));
    out += ",\n  \"runs\": [";
    for (std::size_t i = 0; i < c.ids.size(); ++i) {
        out += i ? ",\n    " : "\n    ";
        out += "{\"id\": " + QByteArray::number(static_cast<qint64>(c.ids[i])) +
               ", \"name\": " + JsonWriter::quoted(c.names[i]) + "}";
    }
    out += "\n  ],\n  \"measures\": [";
    auto list = [](const auto& values, auto format) -> QByteArray {
        QByteArray text = "[";
        for (std::size_t i = 0; i < values.size(); ++i) {
            if (i)
                text += ", ";
            text += format(values[i]);
        }
        return text + "]";
    };
    const auto number = [](double v) -> QByteArray { return JsonWriter::number(v); };
    const auto percent = [](const std::optional<double>& p) -> QByteArray {
        return p ? JsonWriter::number(*p) : QByteArray("null");
    };
    for (std::size_t r = 0; r < c.rows.size(); ++r) {
        const ComparedMeasure& row = c.rows[r];
        out += r ? ",\n    {" : "\n    {";
        out += "\"key\": " + JsonWriter::quoted(row.key) + ", \"label\": " + JsonWriter::quoted(row.label) +
               ", \"unit\": " + JsonWriter::quoted(row.unit) + ", \"values\": " + list(row.values, number) +
               ", \"difference\": " + list(row.difference, number) +
               ", \"percent\": " + list(row.percent, percent) + "}";
    }
    out += "\n  ]\n}\n";
    return out;
}

} // namespace poollab
