// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/lesson_command.h"

#include "app/headless.h"
#include "io/atomic_file.h"
#include "io/json_writer.h"
#include "io/run_compare.h"

#include <QFile>
#include <QTextStream>

using namespace Qt::StringLiterals;

// Outside the namespace: Q_INIT_RESOURCE declares a global function.
static void initLessonResources()
{
    // As for the presets (app/presets.cpp): registering twice is harmless.
    Q_INIT_RESOURCE(poollab_resources);
}

namespace poollab {

namespace {

std::size_t questionCount(const Lesson& lesson)
{
    std::size_t n = 0;
    for (const LessonStep& s : lesson.steps)
        n += s.questions.size();
    return n;
}

QString unitSuffix(const LessonQuestion& q)
{
    return q.unit.isEmpty() ? QString() : QLatin1Char(' ') + q.unit;
}

QString toleranceText(const LessonQuestion& q)
{
    return q.tolerance.relative ? u"within %1"_s.arg(q.tolerance.text())
                                : u"within \u00b1%1%2"_s.arg(lessonNumber(q.tolerance.value), unitSuffix(q));
}

// "you said 100 s; measured 250 s (right from 237.5 to 262.5 s: within 5%)", or
// "... theory predicts 2.5 s ..." when the value is queueing theory's, not the run's.
QString verdictDetail(const LessonQuestion& q, const Verdict& v)
{
    if (q.kind == LessonQuestion::Kind::Choice)
        return (v.given.isEmpty() ? u"no answer"_s : u"you chose %1"_s.arg(v.given)) +
               u"; right: %1"_s.arg(v.rightChoice);
    const QString unit = unitSuffix(q);
    return (v.result == Verdict::Result::Missing ? u"no answer"_s : u"you said %1%2"_s.arg(v.given, unit)) +
           u"; %6 %1%2 (right from %3 to %4%2: %5)"_s.arg(lessonNumber(v.measured), unit, lessonNumber(v.low),
                                                          lessonNumber(v.high), toleranceText(q),
                                                          valueSourceText(v.source));
}

int write(const QByteArray& data, QTextStream& err)
{
    QString why;
    if (!writeToStdout(data, &why)) {
        err << "poollab: lesson: " << why << "\n";
        return kExitFailure;
    }
    return kExitDone;
}

int check(const CommandLine& cl, const Lesson& lesson, QTextStream& err)
{
    QFile file(cl.answersPath);
    if (!file.open(QIODevice::ReadOnly)) {
        err << "poollab: lesson check: --answers: cannot read " << cl.answersPath << ": "
            << file.errorString() << "\n";
        return kExitBadInput;
    }
    QJsonObject answers;
    QString why;
    if (!answersFromJson(file.readAll(), lesson, answers, &why, cl.answersPath)) {
        err << "poollab: lesson check: " << why << "\n";
        return kExitBadInput;
    }
    std::vector<StepVerdicts> steps;
    if (!gradeLesson(lesson, answers, steps, &why)) {
        err << "poollab: lesson check: " << why << "\n";
        return kExitBadInput;
    }
    const int code = write(cl.runsJson ? checkJson(lesson, steps) : checkText(lesson, steps).toUtf8(), err);
    if (code != kExitDone)
        return code;
    for (const StepVerdicts& s : steps)
        for (const Verdict& v : s.verdicts)
            if (!v.isRight())
                return kExitFailure;
    return kExitDone;
}

} // namespace

void registerBuiltinLessons()
{
    initLessonResources();
}

bool gradeLesson(const Lesson& lesson, const QJsonObject& answers, std::vector<StepVerdicts>& out,
                 QString* error)
{
    out.clear();
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& step = lesson.steps[i];
        StepVerdicts verdicts{i, {}};
        if (step.questions.empty()) {
            out.push_back(std::move(verdicts));
            continue;
        }
        StepRun run;
        QString why;
        if (!runLessonStep(step, run, &why)) {
            if (error)
                *error = u"%1: steps[%2].scenario: %3"_s.arg(lesson.source).arg(i).arg(why);
            return false;
        }
        for (std::size_t k = 0; k < step.questions.size(); ++k) {
            const LessonQuestion& q = step.questions[k];
            Verdict v = gradeQuestion(q, run.summary, answers.value(q.id));
            if (!v.problem.isEmpty()) {
                if (error)
                    *error = u"%1: steps[%2].questions[%3].measure: %4"_s.arg(lesson.source)
                                 .arg(i)
                                 .arg(k)
                                 .arg(v.problem);
                return false;
            }
            verdicts.verdicts.push_back(std::move(v));
        }
        out.push_back(std::move(verdicts));
    }
    return true;
}

QString lessonListText(std::span<const Lesson> lessons)
{
    std::vector<QStringList> table;
    table.push_back({u"Name"_s, u"Level"_s, u"Steps"_s, u"Questions"_s, u"Title"_s});
    for (const Lesson& l : lessons)
        table.push_back({l.name, l.level, QString::number(l.steps.size()), QString::number(questionCount(l)),
                         l.builtin ? l.title : l.title + u" (" + l.source + u")"});
    return alignedTable(table, {true, true, false, false, true});
}

QByteArray lessonListJson(std::span<const Lesson> lessons)
{
    QByteArray out = "{\n  \"format\": \"poollab-lessons/1\",\n  \"lessons\": [";
    for (std::size_t i = 0; i < lessons.size(); ++i) {
        const Lesson& l = lessons[i];
        out += i ? ",\n    {" : "\n    {";
        out += "\"name\": " + JsonWriter::quoted(l.name) + ", \"title\": " + JsonWriter::quoted(l.title) +
               ", \"level\": " + JsonWriter::quoted(l.level) +
               ", \"summary\": " + JsonWriter::quoted(l.summary) +
               ", \"steps\": " + QByteArray::number(static_cast<qulonglong>(l.steps.size())) +
               ", \"questions\": " + QByteArray::number(static_cast<qulonglong>(questionCount(l))) +
               ", \"builtin\": " + (l.builtin ? "true" : "false") +
               ", \"source\": " + JsonWriter::quoted(l.source) + "}";
    }
    out += lessons.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

QString lessonShowText(const Lesson& lesson)
{
    QString text = u"%1 (%2, %3)\n%4\n"_s.arg(lesson.title, lesson.name, lesson.level, lesson.summary);
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& s = lesson.steps[i];
        text += u"\n== Step %1 of %2: %3\n\n%4\n"_s.arg(i + 1).arg(lesson.steps.size()).arg(s.title, s.text);
        text += u"\nScenario (run in virtual time, seed %1):\n"_s.arg(s.scenario.seed) +
                QString::fromUtf8(s.scenarioJson);
        if (!s.questions.empty())
            text += u"\nQuestions (answer with {\"id\": value}):\n"_s;
        for (const LessonQuestion& q : s.questions) {
            if (q.kind == LessonQuestion::Kind::Number) {
                text += u"  %1: %2 [%3; %4]\n"_s.arg(
                    q.id, q.text, q.unit.isEmpty() ? u"a number"_s : u"in " + q.unit, toleranceText(q));
                continue;
            }
            text += u"  %1: %2\n"_s.arg(q.id, q.text);
            for (const LessonChoice& ch : q.choices)
                text += u"    %1  %2\n"_s.arg(ch.id, ch.text);
        }
        text += u"\nExplanation (shown after the run):\n%1\n"_s.arg(s.explanation);
    }
    return text;
}

QString checkText(const Lesson& lesson, std::span<const StepVerdicts> steps)
{
    QString text = u"Lesson %1: %2\n"_s.arg(lesson.name, lesson.title);
    int right = 0;
    int wrong = 0;
    int missing = 0;
    for (const StepVerdicts& s : steps) {
        if (s.verdicts.empty())
            continue;
        const LessonStep& step = lesson.steps[s.step];
        text += u"Step %1: %2\n"_s.arg(s.step + 1).arg(step.title);
        std::vector<QStringList> rows;
        for (std::size_t k = 0; k < s.verdicts.size(); ++k) {
            const Verdict& v = s.verdicts[k];
            (v.result == Verdict::Result::Right   ? right
             : v.result == Verdict::Result::Wrong ? wrong
                                                  : missing)++;
            rows.push_back({u"  "_s + v.resultText(), v.questionId, verdictDetail(step.questions[k], v)});
        }
        text += alignedTable(rows, {true, true, true});
    }
    text += u"Result: %1 of %2 right, %3 wrong, %4 missing\n"_s.arg(right)
                .arg(right + wrong + missing)
                .arg(wrong)
                .arg(missing);
    return text;
}

QByteArray checkJson(const Lesson& lesson, std::span<const StepVerdicts> steps)
{
    QByteArray out =
        "{\n  \"format\": \"poollab-lesson-check/1\",\n  \"lesson\": " + JsonWriter::quoted(lesson.name) +
        ",\n  \"verdicts\": [";
    bool first = true;
    int right = 0;
    int total = 0;
    for (const StepVerdicts& s : steps) {
        for (std::size_t k = 0; k < s.verdicts.size(); ++k) {
            const Verdict& v = s.verdicts[k];
            const LessonQuestion& q = lesson.steps[s.step].questions[k];
            out += first ? "\n    {" : ",\n    {";
            first = false;
            ++total;
            right += v.isRight() ? 1 : 0;
            out += "\"step\": " + QByteArray::number(static_cast<qulonglong>(s.step + 1)) +
                   ", \"id\": " + JsonWriter::quoted(v.questionId) +
                   ", \"verdict\": " + JsonWriter::quoted(v.resultText());
            if (q.kind == LessonQuestion::Kind::Number) {
                out += ", \"answer\": " +
                       (v.result == Verdict::Result::Missing ? QByteArray("null")
                                                             : JsonWriter::significantNumber(v.answer, 12)) +
                       ", \"measured\": " + JsonWriter::significantNumber(v.measured, 9) +
                       ", \"value_source\": " + JsonWriter::quoted(valueSourceKey(v.source)) +
                       ", \"low\": " + JsonWriter::significantNumber(v.low, 9) +
                       ", \"high\": " + JsonWriter::significantNumber(v.high, 9) +
                       ", \"unit\": " + JsonWriter::quoted(q.unit);
            } else {
                out += ", \"answer\": " +
                       (v.given.isEmpty() ? QByteArray("null") : JsonWriter::quoted(v.given)) +
                       ", \"right_choice\": " + JsonWriter::quoted(v.rightChoice);
            }
            out += "}";
        }
    }
    out += first ? "]" : "\n  ]";
    out += ",\n  \"right\": " + QByteArray::number(right) +
           ",\n  \"questions\": " + QByteArray::number(total) + "\n}\n";
    return out;
}

int runLessonCommand(const CommandLine& cl)
{
    QTextStream err(stderr);
    if (cl.lessonVerb == u"help"_s) {
        QTextStream(stdout) << cl.helpText;
        return kExitDone;
    }
    registerBuiltinLessons();
    if (cl.lessonVerb == u"list"_s) {
        QStringList problems;
        const std::vector<Lesson> lessons = loadLessons(cl.lessonsDir, &problems);
        for (const QString& p : problems)
            err << "poollab: lesson list: skipped " << p << "\n";
        err.flush();
        const int code = write(cl.runsJson ? lessonListJson(lessons) : lessonListText(lessons).toUtf8(), err);
        return code != kExitDone ? code : (problems.isEmpty() ? kExitDone : kExitBadInput);
    }
    Lesson lesson;
    QString why;
    if (!findLesson(cl.lessonTarget, cl.lessonsDir, lesson, &why)) {
        err << "poollab: lesson " << cl.lessonVerb << ": " << why << "\n";
        return kExitBadInput;
    }
    if (cl.lessonVerb == u"show"_s)
        return write(cl.runsJson ? lessonToJson(lesson) : lessonShowText(lesson).toUtf8(), err);
    const int code = check(cl, lesson, err);
    err.flush();
    return code;
}

} // namespace poollab
