// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/lesson_grade.h"

#include "core/queueing_theory.h"
#include "core/summary.h"
#include "core/virtual_engine.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"
#include "io/summary_json.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>
#include <stdexcept>

namespace poollab {

bool runLessonStep(const LessonStep& step, StepRun& run, QString* error)
{
    Scenario scenario = step.scenario;
    scenario.timeMode = TimeMode::Virtual;
    std::unique_ptr<Engine> engine;
    try {
        engine = makeVirtualEngine(scenario);
    } catch (const std::invalid_argument& e) {
        if (error)
            *error = QString::fromUtf8(e.what());
        return false;
    }
    // As fast as possible: the same simulation the window paces for the eye.
    engine->setPace(0);
    engine->start();
    engine->waitFinished();
    Snapshot last;
    engine->snapshot(last);
    // The summary exactly as --summary-json writes it for this scenario.
    const RunSummary summary = RunSummary::from(last, "virtual");
    const TheoryComparison theory = compareWithTheory(scenario, last, engine->meanInSystem());
    run.summaryJson = summaryToJson(summary, QString::fromStdString(scenario.name), theory);
    run.summary = QJsonDocument::fromJson(run.summaryJson).object();
    return true;
}

std::optional<double> measureAt(const QJsonObject& summary, const QString& path, QString* why)
{
    QJsonValue v(summary);
    for (const QString& key : path.split(QLatin1Char('.'))) {
        v = v.toObject().value(key);
        if (v.isUndefined())
            break;
    }
    if (v.isDouble())
        return v.toDouble();
    if (why) {
        const QJsonValue theory = summary.value(QLatin1String("theory"));
        if (path.startsWith(QLatin1String("theory.measures.")) &&
            !theory.toObject().value(QLatin1String("applies")).toBool())
            *why = QStringLiteral("%1: queueing theory does not apply to this step's scenario (%2)")
                       .arg(path, theory.toObject().value(QLatin1String("reason")).toString());
        else if (v.isNull())
            *why = QStringLiteral("%1 has no value in this run (an unstable queue's prediction is unbounded)")
                       .arg(path);
        else
            *why = QStringLiteral("%1 is not in this run's summary").arg(path);
    }
    return std::nullopt;
}

std::optional<double> questionValue(const LessonQuestion& question, const QJsonObject& summary, QString* why)
{
    const std::optional<double> v = measureAt(summary, question.measure, why);
    if (!v)
        return std::nullopt;
    return *v * question.scale;
}

ValueSource valueSource(const QString& measure)
{
    if (measure.startsWith(QLatin1String("theory.measures.")) &&
        measure.endsWith(QLatin1String(".predicted")))
        return ValueSource::Predicted;
    if ((measure.startsWith(QLatin1String("theory.measures.")) ||
         measure.startsWith(QLatin1String("theory.little."))) &&
        measure.endsWith(QLatin1String(".relative_error")))
        return ValueSource::RelativeError;
    for (const char* parameter : {"lambda_per_s", "mu_per_s", "servers", "limit", "rho"})
        if (measure == QLatin1String("theory.") + QLatin1String(parameter))
            return ValueSource::Model;
    return ValueSource::Measured;
}

QString valueSourceText(ValueSource source)
{
    switch (source) {
    case ValueSource::Predicted:
        return QStringLiteral("theory predicts");
    case ValueSource::Model:
        return QStringLiteral("the model gives");
    case ValueSource::RelativeError:
        return QStringLiteral("the relative error is");
    case ValueSource::Measured:
        break;
    }
    return QStringLiteral("measured");
}

QString valueSourceKey(ValueSource source)
{
    switch (source) {
    case ValueSource::Predicted:
        return QStringLiteral("predicted");
    case ValueSource::Model:
        return QStringLiteral("model");
    case ValueSource::RelativeError:
        return QStringLiteral("relative_error");
    case ValueSource::Measured:
        break;
    }
    return QStringLiteral("measured");
}

QString rightChoice(const LessonQuestion& q, const QJsonObject& summary, QString* why)
{
    switch (q.rule) {
    case LessonQuestion::Rule::Fixed:
        return q.answer;
    case LessonQuestion::Rule::Largest:
    case LessonQuestion::Rule::Smallest: {
        QString best;
        double bestValue = 0;
        for (const LessonChoice& ch : q.choices) {
            const std::optional<double> v = measureAt(summary, ch.measure, why);
            if (!v)
                return {};
            const bool better = q.rule == LessonQuestion::Rule::Largest ? *v > bestValue : *v < bestValue;
            if (best.isEmpty() || better) {
                best = ch.id;
                bestValue = *v;
            }
        }
        return best;
    }
    case LessonQuestion::Rule::Range: {
        const std::optional<double> v = measureAt(summary, q.measure, why);
        if (!v)
            return {};
        for (const LessonChoice& ch : q.choices) {
            if ((!ch.hasFrom || *v >= ch.from) && (!ch.hasBelow || *v < ch.below))
                return ch.id;
        }
        if (why)
            *why =
                QStringLiteral("%1 is %2, in none of the choices' ranges").arg(q.measure, lessonNumber(*v));
        return {};
    }
    }
    return {};
}

Verdict gradeQuestion(const LessonQuestion& q, const QJsonObject& summary, const QJsonValue& answer)
{
    Verdict v;
    v.questionId = q.id;
    const bool missing = answer.isUndefined() || answer.isNull();
    if (q.kind == LessonQuestion::Kind::Choice) {
        v.rightChoice = rightChoice(q, summary, &v.problem);
        v.given = answer.toString();
        v.result = missing                                                  ? Verdict::Result::Missing
                   : (!v.rightChoice.isEmpty() && v.given == v.rightChoice) ? Verdict::Result::Right
                                                                            : Verdict::Result::Wrong;
        return v;
    }
    v.source = valueSource(q.measure);
    const std::optional<double> measured = questionValue(q, summary, &v.problem);
    if (measured) {
        v.measured = *measured;
        const double margin =
            q.tolerance.relative ? q.tolerance.value * std::fabs(*measured) : q.tolerance.value;
        v.low = *measured - margin;
        v.high = *measured + margin;
    }
    if (missing)
        return v;
    const double given = answer.toDouble(std::nan(""));
    v.answer = given;
    v.given = lessonNumber(given);
    // Compared with the margin itself, not with low/high, so a value exactly at the
    // edge is not lost to rounding.
    const bool inside = measured && std::isfinite(given) &&
                        std::fabs(given - *measured) <= (v.high - v.low) / 2 * (1 + 1e-12);
    v.result = inside ? Verdict::Result::Right : Verdict::Result::Wrong;
    return v;
}

QString Verdict::resultText() const
{
    switch (result) {
    case Result::Right:
        return QStringLiteral("right");
    case Result::Wrong:
        return QStringLiteral("wrong");
    case Result::Missing:
        break;
    }
    return QStringLiteral("missing");
}

bool answersFromJson(const QByteArray& json, const Lesson& lesson, QJsonObject& answers, QString* error,
                     const QString& sourceName)
{
    const QString source = sourceName.isEmpty() ? QString() : sourceName + QStringLiteral(": ");
    QStringList errors;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const TextPosition p = textPosition(json, parseError.offset);
        errors << source + QStringLiteral("%1:%2: malformed JSON: %3")
                               .arg(p.line)
                               .arg(p.column)
                               .arg(parseError.errorString());
    } else if (!doc.isObject()) {
        errors << source + QStringLiteral("expected a JSON object {\"question-id\": answer, ...}");
    }
    const QJsonObject object = doc.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const LessonQuestion* question = nullptr;
        for (const LessonStep& s : lesson.steps)
            for (const LessonQuestion& q : s.questions)
                if (q.id == it.key())
                    question = &q;
        if (!question) {
            errors << source +
                          QStringLiteral("%1: no question of lesson '%2' has this id (see poollab lesson "
                                         "show %2)")
                              .arg(elided(it.key()), lesson.name);
            continue;
        }
        if (it->isNull())
            continue; // an answer left blank: missing
        if (question->kind == LessonQuestion::Kind::Number &&
            (!it->isDouble() || !std::isfinite(it->toDouble())))
            errors << source + QStringLiteral("%1: expected a number (in %2), got %3")
                                   .arg(it.key(),
                                        question->unit.isEmpty() ? QStringLiteral("no unit") : question->unit,
                                        it->isString()
                                            ? QLatin1Char('"') + elided(it->toString()) + QLatin1Char('"')
                                            : QStringLiteral("another type"));
        if (question->kind == LessonQuestion::Kind::Choice) {
            QStringList ids;
            for (const LessonChoice& ch : question->choices)
                ids << ch.id;
            if (!it->isString() || !ids.contains(it->toString()))
                errors << source + QStringLiteral("%1: expected one of the choices' ids: %2")
                                       .arg(it.key(), ids.join(QStringLiteral(", ")));
        }
    }
    if (!errors.isEmpty()) {
        if (error)
            *error = errors.join(QLatin1Char('\n'));
        return false;
    }
    answers = object;
    return true;
}

QString lessonNumber(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("none");
    // At most 4 significant digits; whole numbers past that stay whole ("10000", not "1e+04").
    if (std::fabs(value) >= 1000)
        return QString::number(std::round(value), 'f', 0);
    QString text = QString::number(value, 'g', 4);
    if (text.contains(QLatin1Char('e')))
        text = QString::number(value, 'f', 6);
    return text;
}

} // namespace poollab
