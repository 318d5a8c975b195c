// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/lesson_file.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>
#include <vector>

namespace poollab {

// A step's scenario run to its end in virtual time with its seed, as `poollab
// --headless --time virtual --summary-json` would report it. Deterministic: the same
// lesson gives the same measures on every machine.
struct StepRun
{
    QByteArray summaryJson; // what --summary-json writes (with theory)
    QJsonObject summary;    // the same, parsed
};
// False with *error when the engine refuses the scenario.
bool runLessonStep(const LessonStep& step, StepRun& run, QString* error);

// The number at a dotted path of a summary ("latency_ms.wait.p99"); nothing, with
// *why, when the path holds no number in this run (theory that does not apply).
std::optional<double> measureAt(const QJsonObject& summary, const QString& path, QString* why = nullptr);

// What a question's value is, so a verdict can say so: measured in the step's run,
// predicted by queueing theory for it (theory.measures.*.predicted), or a parameter of
// the queueing model (theory.lambda_per_s, mu_per_s, servers, limit, rho), which the
// scenario sets rather than the run, or how far the run is from theory
// (theory.measures.*.relative_error, theory.little.relative_error): a ratio, not a measurement.
enum class ValueSource { Measured, Predicted, Model, RelativeError };
ValueSource valueSource(const QString& measure);
// How a verdict names the value: "measured", "theory predicts", "the model gives",
// "the relative error is".
QString valueSourceText(ValueSource source);
// The same for JSON (lesson check --json): "measured", "predicted", "model", "relative_error".
QString valueSourceKey(ValueSource source);

struct Verdict
{
    enum class Result { Right, Wrong, Missing };
    Result result = Result::Missing;
    QString questionId;
    // Numbers: the measured value in the question's unit and the range a right answer
    // falls in; choices: the right choice's id.
    double measured = 0;
    double low = 0;
    double high = 0;
    ValueSource source = ValueSource::Measured; // numbers: what `measured` is
    QString rightChoice;
    QString given;     // the answer as given ("" when missing)
    double answer = 0; // numbers: the answer given
    QString problem;   // why the measure could not be read (the lesson's fault): Wrong then
    bool isRight() const { return result == Result::Right; }
    QString resultText() const; // "right", "wrong", "missing"
};

// The right choice of a choice question in this run (empty with *why when its
// measures cannot be read).
QString rightChoice(const LessonQuestion& question, const QJsonObject& summary, QString* why = nullptr);
// Grades one answer (a number, or a choice id; undefined or null = missing) against
// the step's run.
Verdict gradeQuestion(const LessonQuestion& question, const QJsonObject& summary, const QJsonValue& answer);
// The measured value of a numeric question (the measure times its scale), or nothing.
std::optional<double> questionValue(const LessonQuestion& question, const QJsonObject& summary,
                                    QString* why = nullptr);

// Reads an answers file: one JSON object {"question-id": number or "choice-id"}. Every
// key must be a question of the lesson and every value of the question's kind. False
// with *error naming the key.
bool answersFromJson(const QByteArray& json, const Lesson& lesson, QJsonObject& answers, QString* error,
                     const QString& sourceName = {});

// A number as the verdicts print it: 4 significant digits (whole from 1000 up), no
// exponent ("250", "0.0205", "12.5", "10000").
QString lessonNumber(double value);

} // namespace poollab
