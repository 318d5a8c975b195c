// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/experiment_report.h"

#include "core/duration.h"
#include "core/scenario_fields.h"
#include "io/measure_text.h"

#include <QTextStream>

#include <cmath>

namespace poollab {

namespace {

// The command line's text is the same in every locale (measure_text.h).
const QLocale kC = QLocale::c();

QString bare(const ExperimentMeasure& m, double v)
{
    return measureNumber(m, v, kC);
}

std::size_t indexOf(const ExperimentMeasure* m)
{
    return static_cast<std::size_t>(m - experimentMeasures().data());
}

// The swept field as a noun the answer sentence can take: "worker count", "rate",
// "backoff base", "max attempts setting".
QString fieldWords(const ScenarioField& f)
{
    QString words = QString::fromUtf8(f.label).toLower();
    if (f.type != FieldType::Integer || !words.endsWith(QLatin1Char('s')))
        return words;
    if (!words.contains(QLatin1Char(' ')))
        return words.chopped(1) + QStringLiteral(" count"); // "workers": "worker count"
    return words + QStringLiteral(" setting");
}

QString header(const ExperimentSpec& spec, const ExperimentResult& result, const QString& name)
{
    QString s;
    QTextStream t(&s);
    const int n = std::clamp(spec.replications, 1, kMaxReplications);
    t << "PoolLab experiment";
    if (!name.isEmpty())
        t << " \"" << name << "\"";
    t << " (virtual time): " << n << " replications" << (spec.sweep ? " per value" : "") << ", seeds "
      << spec.scenario.seed << " to " << spec.scenario.seed + static_cast<std::uint64_t>(n - 1);
    if (spec.warmup > 0)
        t << ", warm-up " << QString::fromStdString(formatDuration(spec.warmup));
    t << "\n";
    if (result.cancelled)
        t << "  (interrupted: " << result.points.size() << " of "
          << (spec.sweep ? spec.sweep->values.size() : 1) << " points finished)\n";
    return s;
}

// A single point: every measure, its interval and the theory's value.
QString pointTable(const ExperimentPoint& p)
{
    QString s;
    QTextStream t(&s);
    t << "  " << QStringLiteral("measure").leftJustified(14) << QStringLiteral("unit").leftJustified(8)
      << QStringLiteral("mean").rightJustified(10) << "   "
      << QStringLiteral("95 % interval").leftJustified(24) << "theory\n";
    const auto measures = experimentMeasures();
    for (std::size_t i = 0; i < measures.size(); ++i) {
        const ExperimentMeasure& m = measures[i];
        const Estimate& e = p.estimates[i];
        t << "  " << QString::fromLatin1(m.key).leftJustified(14) << measureUnit(m).leftJustified(8)
          << bare(m, e.mean).rightJustified(10) << "   " << intervalText(m, e, kC).leftJustified(24);
        if (p.theory.applies && m.predicted) {
            if (const auto v = m.predicted(p.theory.metrics))
                t << bare(m, *v) << (!e.known() ? "" : e.ci95.contains(*v) ? "  inside" : "  outside");
        }
        t << "\n";
    }
    if (!p.theory.applies)
        t << "  theory: " << QString::fromStdString(p.theory.reason) << "\n";
    return s;
}

// A sweep: one row per value, the target's measure (or the mean wait) with its
// interval and theory, then throughput and utilization.
QString sweepTable(const ExperimentSpec& spec, const ExperimentResult& result)
{
    const ExperimentMeasure* main = spec.target ? spec.target->measure : findExperimentMeasure("wait.mean");
    const ExperimentMeasure* throughput = findExperimentMeasure("throughput");
    const ExperimentMeasure* utilization = findExperimentMeasure("utilization");
    QString s;
    QTextStream t(&s);
    t << "  " << QString::fromLatin1(spec.sweep->field->key).leftJustified(16)
      << QString(QString::fromLatin1(main->key) + QStringLiteral(" (") + measureUnit(*main) +
                 QLatin1Char(')'))
             .leftJustified(34)
      << QStringLiteral("theory").leftJustified(12) << QStringLiteral("jobs/s").rightJustified(10)
      << QStringLiteral("util %").rightJustified(9) << "\n";
    for (std::size_t p = 0; p < result.points.size(); ++p) {
        const ExperimentPoint& point = result.points[p];
        const Estimate& e = point.estimates[indexOf(main)];
        QString theory;
        if (point.theory.applies && main->predicted) {
            if (const auto v = main->predicted(point.theory.metrics))
                theory = bare(*main, *v);
        }
        const QString mark = result.answer && *result.answer == p ? QStringLiteral("  <- answer") : QString();
        t << "  "
          << QString::fromStdString(formatSweepValue(*spec.sweep->field, point.value)).leftJustified(16)
          << QString(bare(*main, e.mean) + QLatin1Char(' ') + intervalText(*main, e, kC)).leftJustified(34)
          << theory.leftJustified(12)
          << bare(*throughput, point.estimates[indexOf(throughput)].mean).rightJustified(10)
          << bare(*utilization, point.estimates[indexOf(utilization)].mean).rightJustified(9) << mark << "\n";
    }
    return s;
}

} // namespace

QString experimentText(const ExperimentSpec& spec, const ExperimentResult& result, const QString& name)
{
    QString s = header(spec, result, name);
    if (result.points.empty())
        return s;
    if (spec.sweep)
        s += sweepTable(spec, result);
    else
        s += pointTable(result.points.front());
    return s;
}

QString answerSentence(const ExperimentSpec& spec, const ExperimentResult& result)
{
    if (!spec.target || !spec.sweep || result.points.empty())
        return {};
    const Target& target = *spec.target;
    const ExperimentMeasure& m = *target.measure;
    const ScenarioField& f = *spec.sweep->field;
    const QString side = target.below ? QStringLiteral("under") : QStringLiteral("above");
    const QString label = QString::fromUtf8(m.label);
    const QString limit = limitText(m, target.limit, kC);
    const std::size_t index = indexOf(&m);
    if (result.answer) {
        const ExperimentPoint& p = result.points[*result.answer];
        return QStringLiteral("The smallest %1 whose %2 stays %3 %4 (whole 95 % interval) is %5: %6.")
            .arg(fieldWords(f), label, side, limit, QString::fromStdString(formatSweepValue(f, p.value)),
                 estimateText(m, p.estimates[index], kC));
    }
    // The point whose interval came closest to meeting it (one with an estimate first).
    std::size_t best = 0;
    for (std::size_t p = 1; p < result.points.size(); ++p) {
        const Estimate& a = result.points[p].estimates[index];
        const Estimate& b = result.points[best].estimates[index];
        if (a.known() && (!b.known() || (target.below ? a.ci95.high < b.ci95.high : a.ci95.low > b.ci95.low)))
            best = p;
    }
    const QString closest = QString::fromStdString(formatSweepValue(f, result.points[best].value));
    const QString closestText = estimateText(m, result.points[best].estimates[index], kC);
    // "the closest, 38, gives not observed" says nothing: no value has an estimate.
    const QString closestPart = result.points[best].estimates[index].known()
                                    ? QStringLiteral("the closest, %1, gives %2").arg(closest, closestText)
                                    : QStringLiteral("no value observed the %1 (see the warning)").arg(label);
    if (result.cancelled) // the values after the interrupt were never run
        return QStringLiteral("Interrupted: none of the %1 value%2 that finished keeps the %3 %4 %5 (whole "
                              "95 % interval); %6.")
            .arg(QString::number(result.points.size()),
                 result.points.size() == 1 ? QString() : QStringLiteral("s"), label, side, limit,
                 closestPart);
    return QStringLiteral("No %1 from %2 to %3 keeps the %4 %5 %6 (whole 95 % interval); %7.")
        .arg(fieldWords(f), QString::fromStdString(formatSweepValue(f, result.points.front().value)),
             QString::fromStdString(formatSweepValue(f, result.points.back().value)), label, side, limit,
             closestPart);
}

} // namespace poollab
