// SPDX-License-Identifier: GPL-3.0-or-later
// Lessons (issue #17): every built-in lesson loads and its questions grade against
// their own runs; bad files are refused with the field named; `poollab lesson`
// exits 0, 1 or 2 as docs/LESSONS.md says.
#include "app/lesson_command.h"
#include "io/lesson_file.h"
#include "io/lesson_grade.h"
#include "tests/app/binary_run.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace poollab;
using namespace Qt::StringLiterals;

namespace {

// JSON written with ' for " (the quotes are many); no text here holds a '.
QByteArray j(const char* text)
{
    return QByteArray(text).replace('\'', '"');
}

// A small valid lesson; tests break one field of it at a time.
QByteArray validLesson()
{
    return j(
        "{\n"
        "  'format': 'poollab-lesson/1',\n"
        "  'name': 'tiny',\n"
        "  'title': 'Tiny',\n"
        "  'level': 'beginner',\n"
        "  'summary': 'A burst of 100 jobs on 10 workers.',\n"
        "  'steps': [\n"
        "    {\n"
        "      'title': 'One',\n"
        "      'text': '100 jobs of 100 ms on 10 workers.',\n"
        "      'scenario': {'format': 'poollab-scenario/1', 'workers': 10, 'queue_capacity': 100, 'latency': "
        "'100ms',\n"
        "                   'arrival': 'burst', 'jobs': 100, 'seed': 1},\n"
        "      'questions': [\n"
        "        {'id': 'elapsed', 'text': 'How long?', 'unit': 's', 'measure': 'elapsed_s', 'tolerance': "
        "'5%'},\n"
        "        {'id': 'wait-ms', 'text': 'Mean wait?', 'unit': 'ms', 'measure': 'latency_ms.wait.mean', "
        "'tolerance': 20},\n"
        "        {'id': 'larger', 'kind': 'choice', 'text': 'Which is larger?', 'pick': 'largest',\n"
        "         'choices': [{'id': 'wait', 'text': 'Wait', 'measure': 'latency_ms.wait.mean'},\n"
        "                     {'id': 'service', 'text': 'Service', 'measure': 'latency_ms.service.mean'}]},\n"
        "        {'id': 'range', 'kind': 'choice', 'text': 'How long?', 'measure': 'elapsed_s',\n"
        "         'choices': [{'id': 'short', 'text': 'Under a second', 'below': 1},\n"
        "                     {'id': 'long', 'text': 'A second or more', 'from': 1}]},\n"
        "        {'id': 'fixed', 'kind': 'choice', 'text': 'Fixed?', 'answer': 'b',\n"
        "         'choices': [{'id': 'a', 'text': 'A'}, {'id': 'b', 'text': 'B'}]}\n"
        "      ],\n"
        "      'explanation': 'Ten rounds of 100 ms: 1 s.'\n"
        "    }\n"
        "  ]\n"
        "}\n");
}

// The valid lesson with `from` replaced by `to` (once, and it must be there).
QByteArray lessonWith(const QByteArray& from, const QByteArray& to)
{
    QByteArray json = validLesson();
    const qsizetype at = json.indexOf(from);
    if (at < 0)
        qFatal("test lesson has no '%s'", from.constData());
    return json.replace(at, from.size(), to);
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

const std::vector<Lesson>& builtinLessons()
{
    static const std::vector<Lesson> lessons = [] {
        registerBuiltinLessons();
        QStringList problems;
        return loadLessons(QString(), &problems);
    }();
    return lessons;
}

binary::Result runPoollab(const QStringList& args)
{
    return binary::run(args);
}

} // namespace

class TestLessons : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        registerBuiltinLessons();
        QVERIFY(!builtinLessons().empty());
    }

    void everyBuiltinLessonLoads()
    {
        QStringList problems;
        const std::vector<Lesson> lessons = loadLessons(QString(), &problems);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
        QStringList names;
        for (const Lesson& l : lessons)
            names << l.name;
        QCOMPARE(names, QStringList({u"littles-law"_s, u"signup-burst"_s, u"backpressure"_s, u"handoff"_s,
                                     u"utilization"_s, u"retry-storm"_s, u"token-bucket"_s, u"cpu-vs-io"_s,
                                     u"coordinated-omission"_s}));
        for (const Lesson& l : lessons) {
            QVERIFY2(l.builtin, qPrintable(l.name));
            QCOMPARE(l.source, u":/lessons/%1.json"_s.arg(l.name));
            int numericSteps = 0;
            for (const LessonStep& s : l.steps) {
                QCOMPARE(s.scenario.timeMode, TimeMode::Virtual);
                numericSteps +=
                    std::any_of(s.questions.begin(), s.questions.end(), [](const LessonQuestion& q) {
                        return q.kind == LessonQuestion::Kind::Number;
                    });
                QVERIFY(!s.scenarioJson.isEmpty());
            }
            QVERIFY2(numericSteps >= 2, qPrintable(l.name));
            // Every measure has a value in its step's run (no theory that does not apply).
            std::vector<StepVerdicts> verdicts;
            QString why;
            QVERIFY2(gradeLesson(l, QJsonObject(), verdicts, &why), qPrintable(why));
        }
    }

    // Every numeric question of every built-in lesson: the value its own run measures
    // is right, and a clearly wrong one (measured x 3 + 10) is wrong.
    void measuredValuePassesAndWrongValueFails_data()
    {
        QTest::addColumn<QString>("lesson");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("question");
        for (const Lesson& l : builtinLessons())
            for (std::size_t s = 0; s < l.steps.size(); ++s)
                for (std::size_t q = 0; q < l.steps[s].questions.size(); ++q)
                    if (l.steps[s].questions[q].kind == LessonQuestion::Kind::Number)
                        QTest::addRow("%s/%s", qPrintable(l.name), qPrintable(l.steps[s].questions[q].id))
                            << l.name << int(s) << int(q);
    }
    void measuredValuePassesAndWrongValueFails()
    {
        QFETCH(QString, lesson);
        QFETCH(int, step);
        QFETCH(int, question);
        const Lesson* l = nullptr;
        for (const Lesson& each : builtinLessons())
            if (each.name == lesson)
                l = &each;
        QVERIFY(l);
        const LessonStep& s = l->steps[static_cast<std::size_t>(step)];
        const LessonQuestion& q = s.questions[static_cast<std::size_t>(question)];
        StepRun run;
        QString why;
        QVERIFY2(runLessonStep(s, run, &why), qPrintable(why));
        const std::optional<double> measured = questionValue(q, run.summary, &why);
        QVERIFY2(measured, qPrintable(why));
        // Through what `lesson check` grades with: the lesson's answers, all of them.
        for (const auto& [answer, right] :
             {std::pair{*measured, true}, std::pair{*measured * 3 + 10, false}}) {
            QJsonObject answers{{q.id, answer}};
            std::vector<StepVerdicts> verdicts;
            QVERIFY2(gradeLesson(*l, answers, verdicts, &why), qPrintable(why));
            const Verdict& v =
                verdicts[static_cast<std::size_t>(step)].verdicts[static_cast<std::size_t>(question)];
            QCOMPARE(v.questionId, q.id);
            QCOMPARE(v.measured, *measured);
            QCOMPARE(v.isRight(), right);
            QCOMPARE(v.result, right ? Verdict::Result::Right : Verdict::Result::Wrong);
        }
    }

    void choiceRules()
    {
        Lesson l;
        QString why;
        QVERIFY2(lessonFromJson(validLesson(), l, &why, u"tiny.json"_s), qPrintable(why));
        StepRun run;
        QVERIFY2(runLessonStep(l.steps[0], run, &why), qPrintable(why));
        // 100 jobs, 10 workers, 100 ms: ten rounds, 1 s; the mean wait is 450 ms.
        QCOMPARE(*measureAt(run.summary, u"elapsed_s"_s), 1.0);
        const auto& qs = l.steps[0].questions;
        QCOMPARE(rightChoice(qs[2], run.summary), u"wait"_s);
        QCOMPARE(rightChoice(qs[3], run.summary), u"long"_s);
        QCOMPARE(rightChoice(qs[4], run.summary), u"b"_s);
        QCOMPARE(gradeQuestion(qs[2], run.summary, QJsonValue(u"wait"_s)).result, Verdict::Result::Right);
        QCOMPARE(gradeQuestion(qs[2], run.summary, QJsonValue(u"service"_s)).result, Verdict::Result::Wrong);
        QCOMPARE(gradeQuestion(qs[3], run.summary, QJsonValue()).result, Verdict::Result::Missing);
        // Tolerances: 5 % of 1 s either side; 20 ms either side of 450 ms.
        const Verdict edge = gradeQuestion(qs[0], run.summary, QJsonValue(1.05));
        QCOMPARE(edge.low, 0.95);
        QCOMPARE(edge.high, 1.05);
        QVERIFY(edge.isRight());
        QVERIFY(!gradeQuestion(qs[0], run.summary, QJsonValue(1.06)).isRight());
        const Verdict wait = gradeQuestion(qs[1], run.summary, QJsonValue(469));
        QCOMPARE(wait.measured, 450.0);
        QVERIFY(wait.isRight());
        QVERIFY(!gradeQuestion(qs[1], run.summary, QJsonValue(471)).isRight());
    }

    // Each bad file is refused, the message naming the field's path.
    void badFilesNameTheField_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << QByteArray("{\"format\": ") << u"tiny.json: 1:12: malformed JSON"_s;
        QTest::newRow("format") << lessonWith(j("'poollab-lesson/1'"), j("'poollab-lesson/9'"))
                                << u"tiny.json: format: \"poollab-lesson/9\" is not supported"_s;
        QTest::newRow("unknown key") << lessonWith(j("'level': 'beginner'"), j("'levle': 'beginner'"))
                                     << u"tiny.json: levle: unknown key"_s;
        QTest::newRow("missing title")
            << lessonWith(j("'title': 'Tiny',"), "") << u"tiny.json: title: missing"_s;
        QTest::newRow("level")
            << lessonWith(j("'beginner'"), j("'expert'"))
            << u"level: \"expert\" is not allowed; allowed: beginner, intermediate, advanced"_s;
        QTest::newRow("name") << lessonWith(j("'tiny'"), j("'Tiny Lesson'"))
                              << u"name: \"Tiny Lesson\" is not an id"_s;
        QTest::newRow("no steps") << lessonWith(j("'steps': ["), j("'steps': [], 'x': ["))
                                  << u"steps: expected a non-empty array of steps"_s;
        QTest::newRow("tolerance percent")
            << lessonWith(j("'5%'"), j("'150%'"))
            << u"steps[0].questions[0].tolerance: \"150%\" is not allowed; must be a "
               "percentage"_s;
        QTest::newRow("tolerance zero") << lessonWith(j("'tolerance': 20"), j("'tolerance': 0"))
                                        << u"steps[0].questions[1].tolerance: 0 is out of range"_s;
        QTest::newRow("tolerance type") << lessonWith(j("'tolerance': 20"), j("'tolerance': true"))
                                        << u"steps[0].questions[1].tolerance: true/false is not allowed"_s;
        QTest::newRow("measure")
            << lessonWith(j("'latency_ms.wait.mean', 'tolerance'"), j("'latency_ms.wait.p98', 'tolerance'"))
            << u"steps[0].questions[1].measure: \"latency_ms.wait.p98\" is no number of the "
               "run's summary"_s;
        QTest::newRow("question unknown key") << lessonWith(j("'unit': 's',"), j("'units': 's',"))
                                              << u"steps[0].questions[0].units: unknown key"_s;
        QTest::newRow("duplicate id")
            << lessonWith(j("'id': 'wait-ms'"), j("'id': 'elapsed'"))
            << u"steps[0].questions[1].id: \"elapsed\" is used by another question"_s;
        QTest::newRow("scenario field") << lessonWith(j("'workers': 10"), j("'workers': 0"))
                                        << u"steps[0].scenario: 'workers': 0 is out of range"_s;
        QTest::newRow("scenario unknown key")
            << lessonWith(j("'workers': 10"), j("'worker': 10"))
            << u"steps[0].scenario: unknown key 'worker' (did you mean 'workers'?)"_s;
        QTest::newRow("no seed") << lessonWith(j(", 'seed': 1}"), "}")
                                 << u"steps[0].scenario.seed: missing"_s;
        QTest::newRow("real time") << lessonWith(j("'seed': 1}"), j("'seed': 1, 'time_mode': 'real'}"))
                                   << u"steps[0].scenario.time_mode: a lesson is graded in virtual time"_s;
        QTest::newRow("too many jobs")
            << lessonWith(j("'jobs': 100"), j("'jobs': 5000000"))
            << u"steps[0].scenario: 5000000 jobs planned; allowed: at most 200000"_s;
        QTest::newRow("choice answer")
            << lessonWith(j("'answer': 'b'"), j("'answer': 'c'"))
            << u"steps[0].questions[4].answer: \"c\" is not the id of one of the choices"_s;
        QTest::newRow("choice rule") << lessonWith(j("'pick': 'largest',"), "")
                                     << u"steps[0].questions[2]: a choice question needs exactly one of"_s;
        QTest::newRow("pick measure") << lessonWith(j(", 'measure': 'latency_ms.service.mean'"), "")
                                      << u"steps[0].questions[2].choices[1].measure: missing"_s;
        QTest::newRow("range")
            << lessonWith(j("'below': 1}"), j("'below': 1, 'from': 2}"))
            << u"steps[0].questions[3].choices[0]: \"from\" (2) must be below \"below\" (1)"_s;
        QTest::newRow("kind")
            << lessonWith(j("'kind': 'choice', 'text': 'Fixed?'"), j("'kind': 'quiz', 'text': 'Fixed?'"))
            << u"steps[0].questions[4].kind: \"quiz\" is not allowed; allowed: number, choice"_s;
    }
    void badFilesNameTheField()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        Lesson lesson;
        lesson.name = u"untouched"_s;
        QString error;
        QVERIFY(!lessonFromJson(json, lesson, &error, u"tiny.json"_s));
        QVERIFY2(error.contains(expected), qPrintable(u"got: "_s + error));
        QVERIFY2(error.startsWith(u"tiny.json: "_s), qPrintable(error));
        QCOMPARE(lesson.name, u"untouched"_s);
    }

    void measurePathsAreTheSummarysNumbers()
    {
        const QStringList paths = lessonMeasurePaths();
        for (const char* path : {"elapsed_s", "rejected", "latency_ms.wait.p99", "latency_ms.total.mean",
                                 "theory.measures.mean_wait_s.predicted", "theory.little.mean_in_system",
                                 "throughput_per_s", "utilization"})
            QVERIFY2(paths.contains(QLatin1String(path)), path);
        QVERIFY(!paths.contains(u"format"_s));     // text
        QVERIFY(!paths.contains(u"latency_ms"_s)); // an object
    }

    // The command line: 0 all right, 1 any wrong or missing, 2 bad input.
    void checkExitStatuses_data()
    {
        QTest::addColumn<QByteArray>("answers");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("says");
        QTest::newRow("all right")
            << j("{'elapsed': 1, 'wait-ms': 450, 'larger': 'wait',"
                 "                                                     'range': 'long', 'fixed': 'b'}")
            << 0 << u"Result: 5 of 5 right, 0 wrong, 0 missing"_s;
        QTest::newRow("one wrong")
            << j("{'elapsed': 2, 'wait-ms': 450, 'larger': 'wait',"
                 "                                                     'range': 'long', 'fixed': 'b'}")
            << 1
            << u"wrong  elapsed  you said 2 s; measured 1 s (right from 0.95 to 1.05 s: "
               "within 5%)"_s;
        QTest::newRow("missing") << QByteArray(j("{'elapsed': 1}")) << 1
                                 << u"1 of 5 right, 0 wrong, 4 missing"_s;
        QTest::newRow("unknown id") << QByteArray(j("{'elapsd': 1}")) << 2
                                    << u"elapsd: no question of lesson 'tiny' has this id"_s;
        QTest::newRow("wrong type") << QByteArray(j("{'elapsed': '1 s'}")) << 2
                                    << u"elapsed: expected a number (in s), got \"1 s\""_s;
        QTest::newRow("bad choice") << QByteArray(j("{'fixed': 'c'}")) << 2
                                    << u"fixed: expected one of the choices' ids: a, b"_s;
        QTest::newRow("not JSON") << QByteArray("[1,") << 2 << u"malformed JSON"_s;
    }
    void checkExitStatuses()
    {
        QFETCH(QByteArray, answers);
        QFETCH(int, exitCode);
        QFETCH(QString, says);
        QTemporaryDir dir;
        const QString lesson = writeFile(dir, u"tiny.json"_s, validLesson());
        const QString answersPath = writeFile(dir, u"answers.json"_s, answers);
        const binary::Result r = runPoollab({u"lesson"_s, u"check"_s, lesson, u"--answers"_s, answersPath});
        QCOMPARE(r.exitCode, exitCode);
        const QString all = QString::fromUtf8(r.out) + r.err;
        QVERIFY2(all.contains(says), qPrintable(all));
    }

    // A verdict says what its value is: theory's prediction is not a measurement.
    void valueSourceFollowsTheMeasure_data()
    {
        QTest::addColumn<QString>("measure");
        QTest::addColumn<ValueSource>("source");
        QTest::addColumn<QString>("text");
        QTest::newRow("run") << u"elapsed_s"_s << ValueSource::Measured << u"measured"_s;
        QTest::newRow("run percentile") << u"latency_ms.wait.p99"_s << ValueSource::Measured << u"measured"_s;
        QTest::newRow("theory predicted")
            << u"theory.measures.mean_wait_s.predicted"_s << ValueSource::Predicted << u"theory predicts"_s;
        QTest::newRow("theory measured")
            << u"theory.measures.mean_wait_s.measured"_s << ValueSource::Measured << u"measured"_s;
        // A relative error is neither a measurement nor a prediction: how far one is from the other.
        QTest::newRow("theory relative error") << u"theory.measures.blocking.relative_error"_s
                                               << ValueSource::RelativeError << u"the relative error is"_s;
        QTest::newRow("little relative error")
            << u"theory.little.relative_error"_s << ValueSource::RelativeError << u"the relative error is"_s;
        QTest::newRow("run relative_error is not theory")
            << u"relative_error"_s << ValueSource::Measured << u"measured"_s;
        QTest::newRow("little") << u"theory.little.mean_in_system"_s << ValueSource::Measured
                                << u"measured"_s;
        QTest::newRow("model rho") << u"theory.rho"_s << ValueSource::Model << u"the model gives"_s;
        QTest::newRow("model lambda")
            << u"theory.lambda_per_s"_s << ValueSource::Model << u"the model gives"_s;
        QTest::newRow("not a prefix") << u"theory.rho_other"_s << ValueSource::Measured << u"measured"_s;
    }
    void valueSourceFollowsTheMeasure()
    {
        QFETCH(QString, measure);
        QFETCH(ValueSource, source);
        QFETCH(QString, text);
        QCOMPARE(valueSource(measure), source);
        QCOMPARE(valueSourceText(valueSource(measure)), text);
    }

    // A relative error's value is called one, in the text and in --json's value_source.
    void checkSaysRelativeErrorForRelativeErrors()
    {
        QTemporaryDir dir;
        const QString lesson = writeFile(
            dir, u"relerr.json"_s,
            j("{'format': 'poollab-lesson/1', 'name': 'relerr', 'title': 'Relative errors', 'level': "
              "'advanced',\n"
              " 'summary': 'How far the run is from theory.',\n"
              " 'steps': [{'title': 'One', 'text': 'M/M/2 at 50 %.',\n"
              "   'scenario': {'format': 'poollab-scenario/1', 'workers': 2, 'queue_capacity': 100000,\n"
              "                'latency': 'exp(100ms)', 'arrival': 'poisson', 'rate': 10, 'jobs': 2000, "
              "'seed': 3},\n"
              "   'questions': [\n"
              "     {'id': 'wait-err', 'text': 'Wait error?', 'unit': '%',\n"
              "      'measure': 'theory.measures.mean_wait_s.relative_error', 'scale': 100, 'tolerance': "
              "1000},\n"
              "     {'id': 'little-err', 'text': 'Little error?', 'unit': '%',\n"
              "      'measure': 'theory.little.relative_error', 'scale': 100, 'tolerance': 1000},\n"
              "     {'id': 'util', 'text': 'Busy?', 'unit': '%', 'measure': 'utilization', 'scale': 100,\n"
              "      'tolerance': 100}],\n"
              "   'explanation': 'Close.'}]}\n"));
        const QString answers =
            writeFile(dir, u"answers.json"_s, j("{'wait-err': 0, 'little-err': 0, 'util': 50}"));
        const binary::Result r = runPoollab({u"lesson"_s, u"check"_s, lesson, u"--answers"_s, answers});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        for (const QString& id : {u"wait-err"_s, u"little-err"_s}) {
            const QString line =
                out.section(QLatin1Char(' ') + id + QLatin1Char(' '), 1, 1).section(QLatin1Char('\n'), 0, 0);
            QVERIFY2(line.contains(u"you said 0 %; the relative error is "_s) &&
                         !line.contains(u"measured"_s),
                     qPrintable(out));
        }
        QVERIFY2(out.contains(u"you said 50 %; measured "_s), qPrintable(out));
        const binary::Result json =
            runPoollab({u"lesson"_s, u"check"_s, lesson, u"--answers"_s, answers, u"--json"_s});
        QCOMPARE(json.exitCode, 0);
        QMap<QString, QString> sources;
        for (const QJsonValue& v : QJsonDocument::fromJson(json.out).object().value(u"verdicts"_s).toArray())
            sources.insert(v[u"id"_s].toString(), v[u"value_source"_s].toString());
        QCOMPARE(sources.value(u"wait-err"_s), u"relative_error"_s);
        QCOMPARE(sources.value(u"little-err"_s), u"relative_error"_s);
        QCOMPARE(sources.value(u"util"_s), u"measured"_s);
    }

    // `lesson check` names each value for what it is, per question (text and --json).
    void checkSaysTheoryPredictsForTheoryQuestions()
    {
        QTemporaryDir dir;
        // u50-prob-wait is Erlang C's prediction, u50-utilization the run's measurement.
        const QString answers =
            writeFile(dir, u"answers.json"_s, j("{'u50-prob-wait': 3.6, 'u50-utilization': 50}"));
        const binary::Result r =
            runPoollab({u"lesson"_s, u"check"_s, u"utilization"_s, u"--answers"_s, answers});
        QCOMPARE(r.exitCode, 1); // the later steps are missing
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'));
        const auto lineOf = [&lines](const QString& id) {
            for (const QString& line : lines)
                if (line.contains(QLatin1Char(' ') + id + QLatin1Char(' ')))
                    return line;
            return QString();
        };
        const QString predicted = lineOf(u"u50-prob-wait"_s);
        QVERIFY2(predicted.contains(u"you said 3.6 %; theory predicts 3.6"_s) &&
                     !predicted.contains(u"measured"_s),
                 qPrintable(predicted));
        const QString measured = lineOf(u"u50-utilization"_s);
        QVERIFY2(measured.contains(u"you said 50 %; measured 5"_s) && !measured.contains(u"theory"_s),
                 qPrintable(measured));
        QVERIFY2(lineOf(u"u80-wait"_s).contains(u"no answer; theory predicts "_s), r.out.constData());

        const binary::Result json =
            runPoollab({u"lesson"_s, u"check"_s, u"utilization"_s, u"--answers"_s, answers, u"--json"_s});
        QCOMPARE(json.exitCode, 1);
        QMap<QString, QString> sources;
        for (const QJsonValue& v : QJsonDocument::fromJson(json.out).object().value(u"verdicts"_s).toArray())
            sources.insert(v[u"id"_s].toString(), v[u"value_source"_s].toString());
        QCOMPARE(sources.value(u"u50-prob-wait"_s), u"predicted"_s);
        QCOMPARE(sources.value(u"u50-utilization"_s), u"measured"_s);
    }

    void commandLineBadInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("no verb") << QStringList{u"lesson"_s} << u"lesson: a subcommand is needed"_s;
        QTest::newRow("unknown verb")
            << QStringList{u"lesson"_s, u"grade"_s} << u"unknown subcommand 'grade'"_s;
        QTest::newRow("unknown lesson") << QStringList{u"lesson"_s, u"show"_s, u"nope"_s}
                                        << u"no lesson named 'nope'; available: littles-law"_s;
        QTest::newRow("check without answers") << QStringList{u"lesson"_s, u"check"_s, u"littles-law"_s}
                                               << u"lesson check needs --answers FILE.json"_s;
        QTest::newRow("answers for show")
            << QStringList{u"lesson"_s, u"show"_s, u"littles-law"_s, u"--answers"_s, u"a.json"_s}
            << u"--answers is for lesson check"_s;
        QTest::newRow("no lessons dir")
            << QStringList{u"lesson"_s, u"list"_s, u"--lessons-dir"_s, u"/nonexistent"_s}
            << u"--lessons-dir: '/nonexistent' is not a folder"_s;
        QTest::newRow("missing answers file")
            << QStringList{u"lesson"_s, u"check"_s, u"littles-law"_s, u"--answers"_s, u"/nonexistent.json"_s}
            << u"--answers: cannot read /nonexistent.json"_s;
    }
    void commandLineBadInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        const binary::Result r = runPoollab(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
    }

    void badLessonFileExitsTwoWithTheField()
    {
        QTemporaryDir dir;
        const QString lesson = writeFile(dir, u"tiny.json"_s, lessonWith(j("'5%'"), j("'0%'")));
        const QString answers = writeFile(dir, u"answers.json"_s, "{}");
        for (const QStringList& args :
             {QStringList{u"lesson"_s, u"show"_s, lesson},
              QStringList{u"lesson"_s, u"check"_s, lesson, u"--answers"_s, answers}}) {
            const binary::Result r = runPoollab(args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(lesson + u": steps[0].questions[0].tolerance: \"0%\" is not allowed"_s),
                     qPrintable(r.err));
        }
    }

    void listAndShow()
    {
        QTemporaryDir dir;
        writeFile(dir, u"tiny.json"_s, validLesson());
        const binary::Result list =
            runPoollab({u"lesson"_s, u"list"_s, u"--json"_s, u"--lessons-dir"_s, dir.path()});
        QCOMPARE(list.exitCode, 0);
        const QJsonObject listed = QJsonDocument::fromJson(list.out).object();
        QCOMPARE(listed.value(u"format"_s).toString(), u"poollab-lessons/1"_s);
        const QJsonArray lessons = listed.value(u"lessons"_s).toArray();
        QCOMPARE(lessons.size(), 10); // the nine built in and the one in the folder
        QCOMPARE(lessons.first().toObject().value(u"name"_s).toString(), u"littles-law"_s);
        QCOMPARE(lessons.last().toObject().value(u"name"_s).toString(), u"tiny"_s);
        QCOMPARE(lessons.last().toObject().value(u"questions"_s).toInt(), 5);

        // A bad file in the folder is named and the rest listed, exit 2.
        writeFile(dir, u"broken.json"_s, "{}");
        const binary::Result withBroken =
            runPoollab({u"lesson"_s, u"list"_s, u"--lessons-dir"_s, dir.path()});
        QCOMPARE(withBroken.exitCode, 2);
        QVERIFY2(withBroken.err.contains(u"broken.json: format: missing"_s), qPrintable(withBroken.err));
        QVERIFY(withBroken.out.contains("tiny"));

        const binary::Result show = runPoollab({u"lesson"_s, u"show"_s, u"signup-burst"_s, u"--json"_s});
        QCOMPARE(show.exitCode, 0);
        const QJsonObject shown = QJsonDocument::fromJson(show.out).object();
        QCOMPARE(shown.value(u"name"_s).toString(), u"signup-burst"_s);
        const QJsonArray steps = shown.value(u"steps"_s).toArray();
        QCOMPARE(steps.size(), 2);
        const QJsonObject scenario = steps[1].toObject().value(u"scenario"_s).toObject();
        QCOMPARE(scenario.value(u"workers"_s).toInt(), 40);
        QCOMPARE(scenario.value(u"jobs"_s).toInt(), 10000);
        QCOMPARE(scenario.value(u"time_mode"_s).toString(), u"virtual"_s);
        const QJsonObject q = steps[0].toObject().value(u"questions"_s).toArray()[0].toObject();
        QCOMPARE(q.value(u"id"_s).toString(), u"burst20-elapsed"_s);
        QCOMPARE(q.value(u"measure"_s).toString(), u"elapsed_s"_s);
        QCOMPARE(q.value(u"tolerance"_s).toString(), u"5%"_s);
    }
};

QTEST_GUILESS_MAIN(TestLessons)
#include "tst_lessons.moc"
