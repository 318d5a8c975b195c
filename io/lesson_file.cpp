// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/lesson_file.h"

#include "core/load_generator.h"
#include "core/summary.h"
#include "io/json_writer.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"
#include "io/summary_json.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

constexpr int kMaxErrors = 20;
// A lesson is graded by running every step: a step stays small enough that grading a
// whole lesson takes moments.
constexpr std::uint64_t kMaxStepJobs = 200'000;

// Teaching order of the built-in lessons; others follow alphabetically.
const char* const kLessonOrder[] = {"littles-law",  "signup-burst", "backpressure",
                                    "handoff",      "utilization",  "retry-storm",
                                    "token-bucket", "cpu-vs-io",    "coordinated-omission"};

const QStringList kLevels = {QStringLiteral("beginner"), QStringLiteral("intermediate"),
                             QStringLiteral("advanced")};

bool isIdentifier(const QString& text)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9_.-]{0,63}$"));
    return pattern.match(text).hasMatch();
}

// Collects the problems of one document, each under the path of the field it is about.
class Checker
{
public:
    explicit Checker(const QString& source) : m_source(source) {}

    void fail(const QString& path, const QString& message)
    {
        if (m_errors.size() < kMaxErrors)
            m_errors << m_source + (path.isEmpty() ? QString() : path + QStringLiteral(": ")) + message;
    }
    bool ok() const { return m_errors.isEmpty(); }
    QString text() const { return m_errors.join(QLatin1Char('\n')); }

    // Every key of `object` must be in `allowed`; every key of `required` present.
    void keys(const QJsonObject& object, const QString& path, const QStringList& allowed,
              const QStringList& required)
    {
        for (const QString& key : object.keys()) {
            if (!allowed.contains(key))
                fail(join(path, elided(key)), // a key may be as long as the file
                     QStringLiteral("unknown key; allowed here: %1").arg(allowed.join(QStringLiteral(", "))));
        }
        for (const QString& key : required) {
            if (!object.contains(key))
                fail(join(path, key), QStringLiteral("missing"));
        }
    }
    // A string value (empty allowed only when `mayBeEmpty`); "" when absent or wrong.
    QString string(const QJsonObject& object, const QString& path, const QString& key,
                   bool mayBeEmpty = false)
    {
        const QJsonValue v = object.value(key);
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(join(path, key), QStringLiteral("expected a string, got %1").arg(jsonTypeName(v)));
            return {};
        }
        if (!mayBeEmpty && v.toString().trimmed().isEmpty())
            fail(join(path, key), QStringLiteral("must not be empty"));
        return v.toString();
    }
    QString identifier(const QJsonObject& object, const QString& path, const QString& key)
    {
        const QString id = string(object, path, key);
        if (!id.isEmpty() && !isIdentifier(id))
            fail(join(path, key), QStringLiteral("\"%1\" is not an id; allowed: 1 to 64 of a-z, 0-9, '-', "
                                                 "'_', '.', starting with a letter or digit")
                                      .arg(elided(id)));
        return id;
    }
    static QString join(const QString& path, const QString& key)
    {
        return path.isEmpty() ? key : path + QLatin1Char('.') + key;
    }

private:
    QString m_source;
    QStringList m_errors;
};

QString toleranceAllowed(const QString& unit)
{
    return QStringLiteral("must be a percentage of the measured value such as \"10%\" (above 0 %, at most "
                          "100 %), or a number above 0 in the question's unit (%1)")
        .arg(unit.isEmpty() ? QStringLiteral("none given") : unit);
}

void readTolerance(Checker& c, const QJsonObject& q, const QString& path, LessonQuestion& question)
{
    const QString where = Checker::join(path, QStringLiteral("tolerance"));
    const QJsonValue v = q.value(QLatin1String("tolerance"));
    if (v.isUndefined())
        return;
    if (v.isDouble()) {
        const double a = v.toDouble();
        if (!(a > 0) || !std::isfinite(a)) {
            c.fail(where,
                   QStringLiteral("%1 is out of range; %2").arg(a).arg(toleranceAllowed(question.unit)));
            return;
        }
        question.tolerance = {false, a};
        return;
    }
    const QString text = v.isString() ? v.toString().trimmed() : QString();
    bool ok = false;
    const double percent = text.endsWith(QLatin1Char('%')) ? text.chopped(1).trimmed().toDouble(&ok) : 0;
    if (!ok || !(percent > 0) || percent > 100) {
        c.fail(where, QStringLiteral("%1 is not allowed; %2")
                          .arg(v.isString() ? QLatin1Char('"') + elided(v.toString()) + QLatin1Char('"')
                                            : jsonTypeName(v),
                               toleranceAllowed(question.unit)));
        return;
    }
    question.tolerance = {true, percent / 100.0};
}

void readMeasure(Checker& c, const QJsonObject& object, const QString& path, QString& out)
{
    out = c.string(object, path, QStringLiteral("measure"));
    if (!out.isEmpty() && !lessonMeasurePaths().contains(out))
        c.fail(Checker::join(path, QStringLiteral("measure")),
               QStringLiteral("\"%1\" is no number of the run's summary; allowed: a dotted path such as "
                              "elapsed_s, rejected, latency_ms.wait.p99 or "
                              "theory.measures.mean_wait_s.predicted (docs/LESSONS.md lists them all)")
                   .arg(elided(out)));
}

void readChoices(Checker& c, const QJsonObject& q, const QString& path, LessonQuestion& question)
{
    const QJsonValue list = q.value(QLatin1String("choices"));
    const QString where = Checker::join(path, QStringLiteral("choices"));
    if (!list.isArray() || list.toArray().size() < 2) {
        c.fail(where,
               QStringLiteral("expected an array of at least two choices, got %1").arg(jsonTypeName(list)));
        return;
    }
    QStringList ids;
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString at = QStringLiteral("%1[%2]").arg(where).arg(i);
        if (!array[i].isObject()) {
            c.fail(at, QStringLiteral("expected an object, got %1").arg(jsonTypeName(array[i])));
            continue;
        }
        const QJsonObject o = array[i].toObject();
        c.keys(o, at,
               {QStringLiteral("id"), QStringLiteral("text"), QStringLiteral("measure"),
                QStringLiteral("from"), QStringLiteral("below")},
               {QStringLiteral("id"), QStringLiteral("text")});
        LessonChoice choice;
        choice.id = c.identifier(o, at, QStringLiteral("id"));
        choice.text = c.string(o, at, QStringLiteral("text"));
        if (ids.contains(choice.id))
            c.fail(Checker::join(at, QStringLiteral("id")),
                   QStringLiteral("\"%1\" is used by another choice").arg(elided(choice.id)));
        ids << choice.id;
        if (o.contains(QLatin1String("measure")))
            readMeasure(c, o, at, choice.measure);
        for (const char* end : {"from", "below"}) {
            const QJsonValue v = o.value(QLatin1String(end));
            if (v.isUndefined())
                continue;
            if (!v.isDouble()) {
                c.fail(Checker::join(at, QLatin1String(end)),
                       QStringLiteral("expected a number, got %1").arg(jsonTypeName(v)));
                continue;
            }
            (qstrcmp(end, "from") == 0 ? choice.hasFrom : choice.hasBelow) = true;
            (qstrcmp(end, "from") == 0 ? choice.from : choice.below) = v.toDouble();
        }
        question.choices.push_back(std::move(choice));
    }
}

// How a choice question finds its right choice: exactly one of "answer", "pick" and
// "measure" (with ranges on the choices).
void readChoiceRule(Checker& c, const QJsonObject& q, const QString& path, LessonQuestion& question)
{
    const bool fixed = q.contains(QLatin1String("answer"));
    const bool pick = q.contains(QLatin1String("pick"));
    const bool range = q.contains(QLatin1String("measure"));
    if (int(fixed) + int(pick) + int(range) != 1) {
        c.fail(path, QStringLiteral("a choice question needs exactly one of: \"answer\" (the right choice's "
                                    "id), \"pick\" (\"largest\" or \"smallest\" of the choices' measures) or "
                                    "\"measure\" (with a range on each choice)"));
        return;
    }
    if (fixed) {
        question.rule = LessonQuestion::Rule::Fixed;
        question.answer = c.identifier(q, path, QStringLiteral("answer"));
        const bool known = std::any_of(question.choices.begin(), question.choices.end(),
                                       [&](const LessonChoice& ch) { return ch.id == question.answer; });
        if (!question.answer.isEmpty() && !known)
            c.fail(Checker::join(path, QStringLiteral("answer")),
                   QStringLiteral("\"%1\" is not the id of one of the choices").arg(elided(question.answer)));
        return;
    }
    if (pick) {
        const QString how = c.string(q, path, QStringLiteral("pick"));
        if (how != QLatin1String("largest") && how != QLatin1String("smallest"))
            c.fail(Checker::join(path, QStringLiteral("pick")),
                   QStringLiteral("\"%1\" is not allowed; allowed: largest, smallest").arg(elided(how)));
        question.rule =
            how == QLatin1String("smallest") ? LessonQuestion::Rule::Smallest : LessonQuestion::Rule::Largest;
        for (std::size_t i = 0; i < question.choices.size(); ++i) {
            if (question.choices[i].measure.isEmpty())
                c.fail(QStringLiteral("%1.choices[%2].measure").arg(path).arg(i),
                       QStringLiteral("missing: with \"pick\" every choice names the measure it stands for"));
        }
        return;
    }
    question.rule = LessonQuestion::Rule::Range;
    readMeasure(c, q, path, question.measure);
    for (std::size_t i = 0; i < question.choices.size(); ++i) {
        const LessonChoice& ch = question.choices[i];
        const QString at = QStringLiteral("%1.choices[%2]").arg(path).arg(i);
        if (!ch.hasFrom && !ch.hasBelow)
            c.fail(at,
                   QStringLiteral("missing \"from\" and/or \"below\": with \"measure\" each choice covers "
                                  "a range of it"));
        else if (ch.hasFrom && ch.hasBelow && !(ch.from < ch.below))
            c.fail(at,
                   QStringLiteral("\"from\" (%1) must be below \"below\" (%2)").arg(ch.from).arg(ch.below));
    }
}

LessonQuestion readQuestion(Checker& c, const QJsonObject& q, const QString& path)
{
    LessonQuestion question;
    const QString kind = q.value(QLatin1String("kind")).toString(QStringLiteral("number"));
    if (kind != QLatin1String("number") && kind != QLatin1String("choice")) {
        c.fail(Checker::join(path, QStringLiteral("kind")),
               QStringLiteral("\"%1\" is not allowed; allowed: number, choice").arg(elided(kind)));
        return question;
    }
    question.id = c.identifier(q, path, QStringLiteral("id"));
    question.text = c.string(q, path, QStringLiteral("text"));
    if (kind == QLatin1String("number")) {
        c.keys(q, path,
               {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("text"), QStringLiteral("unit"),
                QStringLiteral("measure"), QStringLiteral("scale"), QStringLiteral("tolerance")},
               {QStringLiteral("id"), QStringLiteral("text"), QStringLiteral("unit"),
                QStringLiteral("measure"), QStringLiteral("tolerance")});
        question.unit = c.string(q, path, QStringLiteral("unit"), true);
        readMeasure(c, q, path, question.measure);
        if (q.contains(QLatin1String("scale"))) {
            const QJsonValue s = q.value(QLatin1String("scale"));
            if (!s.isDouble() || !(s.toDouble() > 0) || !std::isfinite(s.toDouble()))
                c.fail(Checker::join(path, QStringLiteral("scale")),
                       QStringLiteral("must be a number above 0 (e.g. 1000 to answer in ms a measure in s, "
                                      "100 to answer a share in %)"));
            else
                question.scale = s.toDouble();
        }
        readTolerance(c, q, path, question);
        return question;
    }
    question.kind = LessonQuestion::Kind::Choice;
    c.keys(q, path,
           {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("text"), QStringLiteral("choices"),
            QStringLiteral("answer"), QStringLiteral("pick"), QStringLiteral("measure")},
           {QStringLiteral("id"), QStringLiteral("text"), QStringLiteral("choices")});
    readChoices(c, q, path, question);
    readChoiceRule(c, q, path, question);
    return question;
}

// The step's scenario is a scenario file's object, read by the same code; its
// messages ("1:12: 'workers': ...") are put under the step's path.
void readScenario(Checker& c, const QJsonObject& step, const QString& path, LessonStep& out)
{
    const QString where = Checker::join(path, QStringLiteral("scenario"));
    const QJsonValue v = step.value(QLatin1String("scenario"));
    if (v.isUndefined())
        return;
    if (!v.isObject()) {
        c.fail(where, QStringLiteral("expected a scenario object {\"format\": \"%1\", ...}, got %2")
                          .arg(QLatin1String(kScenarioFormat), jsonTypeName(v)));
        return;
    }
    const QJsonObject object = v.toObject();
    if (!object.contains(QLatin1String("seed")))
        c.fail(Checker::join(where, QStringLiteral("seed")),
               QStringLiteral("missing: a lesson's scenario names its seed, so that every learner gets the "
                              "same run"));
    const QString mode = object.value(QLatin1String("time_mode")).toString(QStringLiteral("virtual"));
    if (mode != QLatin1String("virtual"))
        c.fail(
            Checker::join(where, QStringLiteral("time_mode")),
            QStringLiteral("a lesson is graded in virtual time; leave time_mode out or write \"virtual\""));
    Scenario scenario;
    QString why;
    if (!scenarioFromJson(QJsonDocument(object).toJson(QJsonDocument::Compact), scenario, &why)) {
        static const QRegularExpression position(QStringLiteral("^\\d+:\\d+: "));
        for (QString line : why.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            c.fail(where, line.remove(position));
        return;
    }
    scenario.timeMode = TimeMode::Virtual;
    if (LoadGenerator::plannedJobs(scenario) > kMaxStepJobs)
        c.fail(where, QStringLiteral("%1 jobs planned; allowed: at most %2, so that grading a lesson takes "
                                     "moments")
                          .arg(LoadGenerator::plannedJobs(scenario))
                          .arg(kMaxStepJobs));
    out.scenario = scenario;
    out.scenarioJson = scenarioToJson(scenario);
}

void readSteps(Checker& c, const QJsonObject& root, Lesson& lesson)
{
    const QJsonValue list = root.value(QLatin1String("steps"));
    if (list.isUndefined())
        return;
    if (!list.isArray() || list.toArray().isEmpty()) {
        c.fail(QStringLiteral("steps"),
               QStringLiteral("expected a non-empty array of steps, got %1")
                   .arg(list.isArray() ? QStringLiteral("an empty one") : jsonTypeName(list)));
        return;
    }
    QStringList ids;
    const QJsonArray steps = list.toArray();
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QString path = QStringLiteral("steps[%1]").arg(i);
        if (!steps[i].isObject()) {
            c.fail(path, QStringLiteral("expected an object, got %1").arg(jsonTypeName(steps[i])));
            continue;
        }
        const QJsonObject s = steps[i].toObject();
        c.keys(s, path,
               {QStringLiteral("title"), QStringLiteral("text"), QStringLiteral("scenario"),
                QStringLiteral("questions"), QStringLiteral("explanation")},
               {QStringLiteral("title"), QStringLiteral("text"), QStringLiteral("scenario"),
                QStringLiteral("questions"), QStringLiteral("explanation")});
        LessonStep step;
        step.title = c.string(s, path, QStringLiteral("title"));
        step.text = c.string(s, path, QStringLiteral("text"));
        step.explanation = c.string(s, path, QStringLiteral("explanation"));
        readScenario(c, s, path, step);
        const QJsonValue questions = s.value(QLatin1String("questions"));
        if (!questions.isUndefined() && !questions.isArray())
            c.fail(Checker::join(path, QStringLiteral("questions")),
                   QStringLiteral("expected an array, got %1").arg(jsonTypeName(questions)));
        const QJsonArray qs = questions.toArray();
        for (qsizetype k = 0; k < qs.size(); ++k) {
            const QString at = QStringLiteral("%1.questions[%2]").arg(path).arg(k);
            if (!qs[k].isObject()) {
                c.fail(at, QStringLiteral("expected an object, got %1").arg(jsonTypeName(qs[k])));
                continue;
            }
            LessonQuestion q = readQuestion(c, qs[k].toObject(), at);
            if (!q.id.isEmpty() && ids.contains(q.id))
                c.fail(Checker::join(at, QStringLiteral("id")),
                       QStringLiteral("\"%1\" is used by another question; ids are the keys of an answers "
                                      "file, so each is unique in the lesson")
                           .arg(elided(q.id)));
            ids << q.id;
            step.questions.push_back(std::move(q));
        }
        lesson.steps.push_back(std::move(step));
    }
}

void collectPaths(const QJsonObject& object, const QString& prefix, QStringList& out)
{
    // QJsonObject sorts its keys: the paths come out sorted at each level.
    for (auto it = object.begin(); it != object.end(); ++it) {
        const QString path = prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key();
        if (it->isDouble())
            out << path;
        else if (it->isObject())
            collectPaths(it->toObject(), path, out);
    }
}

QByteArray nestedJson(QByteArray json, int indent)
{
    while (json.endsWith('\n'))
        json.chop(1);
    const QByteArray newline = QByteArray("\n") + QByteArray(indent, ' ');
    return json.replace("\n", newline);
}

int lessonRank(const QString& name)
{
    for (std::size_t i = 0; i < std::size(kLessonOrder); ++i) {
        if (name == QLatin1String(kLessonOrder[i]))
            return static_cast<int>(i);
    }
    return static_cast<int>(std::size(kLessonOrder));
}

} // namespace

QString LessonTolerance::text() const
{
    return relative ? QString::number(value * 100, 'g', 6) + QLatin1Char('%')
                    : QString::number(value, 'g', 6);
}

QStringList lessonMeasurePaths()
{
    static const QStringList paths = [] {
        // Every key a summary may hold: theory that applies, with Little's check.
        TheoryComparison theory;
        theory.prediction.applies = true;
        theory.hasLittle = true;
        const QByteArray json = summaryToJson(RunSummary{}, QString(), theory);
        QStringList out;
        collectPaths(QJsonDocument::fromJson(json).object(), QString(), out);
        return out;
    }();
    return paths;
}

bool lessonFromJson(const QByteArray& data, Lesson& lesson, QString* error, const QString& sourceName)
{
    Checker c(sourceName.isEmpty() ? QString() : sourceName + QStringLiteral(": "));
    const auto finish = [&] {
        if (error)
            *error = c.text();
        return false;
    };
    const QByteArray json = data.startsWith("\xEF\xBB\xBF") ? data.mid(3) : data;
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const TextPosition p = textPosition(json, parseError.offset);
        c.fail(QString(), QStringLiteral("%1:%2: malformed JSON: %3")
                              .arg(p.line)
                              .arg(p.column)
                              .arg(parseError.errorString()));
        return finish();
    }
    if (!doc.isObject()) {
        c.fail(QString(), QStringLiteral("expected a JSON object { \"format\": \"%1\", ... }")
                              .arg(QLatin1String(kLessonFormat)));
        return finish();
    }
    const QJsonObject root = doc.object();
    const QJsonValue format = root.value(QLatin1String("format"));
    if (format.toString() != QLatin1String(kLessonFormat)) {
        QString got = QStringLiteral("missing");
        if (format.isString())
            got = QLatin1Char('"') + elided(format.toString()) + QStringLiteral("\" is not supported");
        else if (!format.isUndefined())
            got = jsonTypeName(format) + QStringLiteral(" is not supported");
        c.fail(QStringLiteral("format"),
               QStringLiteral("%1; expected \"%2\"").arg(got, QLatin1String(kLessonFormat)));
        return finish();
    }
    c.keys(root, QString(),
           {QStringLiteral("format"), QStringLiteral("name"), QStringLiteral("title"),
            QStringLiteral("level"), QStringLiteral("summary"), QStringLiteral("steps")},
           {QStringLiteral("name"), QStringLiteral("title"), QStringLiteral("level"),
            QStringLiteral("summary"), QStringLiteral("steps")});
    Lesson result;
    result.name = c.identifier(root, QString(), QStringLiteral("name"));
    result.title = c.string(root, QString(), QStringLiteral("title"));
    result.summary = c.string(root, QString(), QStringLiteral("summary"));
    result.level = c.string(root, QString(), QStringLiteral("level"));
    if (!result.level.isEmpty() && !kLevels.contains(result.level))
        c.fail(QStringLiteral("level"), QStringLiteral("\"%1\" is not allowed; allowed: %2")
                                            .arg(elided(result.level), kLevels.join(QStringLiteral(", "))));
    readSteps(c, root, result);
    if (!c.ok())
        return finish();
    result.source = sourceName;
    lesson = std::move(result);
    return true;
}

bool loadLessonFile(const QString& path, Lesson& lesson, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    if (!lessonFromJson(file.readAll(), lesson, error, path))
        return false;
    lesson.builtin = path.startsWith(QLatin1String(kBuiltinLessonDir) + QLatin1Char('/'));
    return true;
}

QByteArray lessonToJson(const Lesson& lesson)
{
    const auto q = [](const QString& s) { return JsonWriter::quoted(s); };
    QByteArray out = "{\n  \"format\": " + q(QLatin1String(kLessonFormat)) +
                     ",\n  \"name\": " + q(lesson.name) + ",\n  \"title\": " + q(lesson.title) +
                     ",\n  \"level\": " + q(lesson.level) + ",\n  \"summary\": " + q(lesson.summary) +
                     ",\n  \"source\": " + q(lesson.source) +
                     ",\n  \"builtin\": " + (lesson.builtin ? "true" : "false") + ",\n  \"steps\": [";
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& s = lesson.steps[i];
        out += (i ? ",\n    {" : "\n    {");
        out += "\n      \"title\": " + q(s.title) + ",\n      \"text\": " + q(s.text) +
               ",\n      \"scenario\": " + nestedJson(s.scenarioJson, 6) + ",\n      \"questions\": [";
        for (std::size_t k = 0; k < s.questions.size(); ++k) {
            const LessonQuestion& qu = s.questions[k];
            out += (k ? ",\n        {" : "\n        {");
            out += "\"id\": " + q(qu.id) +
                   ", \"kind\": " + (qu.kind == LessonQuestion::Kind::Number ? "\"number\"" : "\"choice\"") +
                   ", \"text\": " + q(qu.text);
            if (qu.kind == LessonQuestion::Kind::Number) {
                out += ", \"unit\": " + q(qu.unit) + ", \"measure\": " + q(qu.measure) +
                       ", \"scale\": " + JsonWriter::significantNumber(qu.scale, 12) + ", \"tolerance\": " +
                       (qu.tolerance.relative ? q(qu.tolerance.text())
                                              : JsonWriter::significantNumber(qu.tolerance.value, 12));
            } else {
                static const char* const rules[] = {"answer", "largest", "smallest", "range"};
                out += ", \"rule\": " + q(QLatin1String(rules[static_cast<int>(qu.rule)]));
                if (qu.rule == LessonQuestion::Rule::Fixed)
                    out += ", \"answer\": " + q(qu.answer);
                if (qu.rule == LessonQuestion::Rule::Range)
                    out += ", \"measure\": " + q(qu.measure);
                out += ", \"choices\": [";
                for (std::size_t j = 0; j < qu.choices.size(); ++j) {
                    const LessonChoice& ch = qu.choices[j];
                    out +=
                        (j ? ", {" : "{") + QByteArray("\"id\": ") + q(ch.id) + ", \"text\": " + q(ch.text);
                    if (!ch.measure.isEmpty())
                        out += ", \"measure\": " + q(ch.measure);
                    if (ch.hasFrom)
                        out += ", \"from\": " + JsonWriter::significantNumber(ch.from, 12);
                    if (ch.hasBelow)
                        out += ", \"below\": " + JsonWriter::significantNumber(ch.below, 12);
                    out += "}";
                }
                out += "]";
            }
            out += "}";
        }
        out += s.questions.empty() ? "]" : "\n      ]";
        out += ",\n      \"explanation\": " + q(s.explanation) + "\n    }";
    }
    out += "\n  ]\n}\n";
    return out;
}

std::vector<Lesson> loadLessons(const QString& extraDir, QStringList* problems)
{
    std::vector<Lesson> lessons;
    const auto addFrom = [&](const QString& dir) {
        for (const QString& file : QDir(dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name)) {
            Lesson lesson;
            QString why;
            if (!loadLessonFile(QDir(dir).filePath(file), lesson, &why)) {
                if (problems)
                    *problems << why;
                continue;
            }
            const auto same = std::find_if(lessons.begin(), lessons.end(),
                                           [&](const Lesson& l) { return l.name == lesson.name; });
            if (same != lessons.end())
                *same = std::move(lesson);
            else
                lessons.push_back(std::move(lesson));
        }
    };
    addFrom(QLatin1String(kBuiltinLessonDir));
    if (!extraDir.isEmpty())
        addFrom(extraDir);
    std::stable_sort(lessons.begin(), lessons.end(), [](const Lesson& a, const Lesson& b) {
        if (a.builtin != b.builtin)
            return a.builtin;
        const int ra = lessonRank(a.name);
        const int rb = lessonRank(b.name);
        return ra != rb ? ra < rb : a.name < b.name;
    });
    return lessons;
}

bool findLesson(const QString& nameOrFile, const QString& extraDir, Lesson& lesson, QString* error)
{
    const QFileInfo file(nameOrFile);
    if (nameOrFile.endsWith(QLatin1String(".json")) || nameOrFile.contains(QLatin1Char('/')) ||
        (file.exists() && file.isFile()))
        return loadLessonFile(nameOrFile, lesson, error);
    QStringList problems;
    std::vector<Lesson> all = loadLessons(extraDir, &problems);
    for (Lesson& l : all) {
        if (l.name == nameOrFile) {
            lesson = std::move(l);
            return true;
        }
    }
    if (error) {
        QStringList names;
        for (const Lesson& l : all)
            names << l.name;
        *error = QStringLiteral("no lesson named '%1'; available: %2 (or give a lesson file's path)")
                     .arg(elided(nameOrFile), names.join(QStringLiteral(", ")));
    }
    return false;
}

} // namespace poollab
