// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzz/fuzz_entry.h"

#include "app/cli.h"
#include "core/backoff.h"
#include "core/distribution.h"
#include "core/duration.h"
#include "core/rng.h"
#include "core/workload.h"
#include "io/lesson_file.h"
#include "io/lesson_grade.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QByteArray>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

// Outside the namespace: Q_INIT_RESOURCE declares a global function. The built-in
// lessons are read from the compiled-in resources.
static void initFuzzResources()
{
    Q_INIT_RESOURCE(poollab_resources);
}

namespace poollab {

namespace {

// Spec strings and flag values are short; past this the text parsers see nothing new
// and the command line's cost would only slow the search.
constexpr std::size_t kMaxSpecBytes = 4096;
// A message line may quote a value, but cut: never the whole of a huge input.
constexpr qsizetype kMaxMessageLine = 1000;

[[noreturn]] void broken(const char* what)
{
    std::fprintf(stderr, "fuzz: broken promise: %s\n", what);
    std::abort();
}

void check(bool ok, const char* what)
{
    if (!ok)
        broken(what);
}

void checkMessage(const QString& message, const char* what)
{
    check(!message.isEmpty(), what);
    for (const QString& line : message.split(QLatin1Char('\n')))
        check(line.size() <= kMaxMessageLine, what);
}

void scenarioFile(const QByteArray& bytes)
{
    Scenario loaded;
    QString error;
    if (!scenarioFromJson(bytes, loaded, &error, QStringLiteral("fuzz.json"))) {
        checkMessage(error, "a refused scenario file says why, briefly");
        return;
    }
    check(validateScenario(loaded).isEmpty(), "a loaded scenario is valid");
    check(checkWorkload(loaded).empty(), "the engines accept a loaded scenario as written");
    const QByteArray saved = scenarioToJson(loaded);
    Scenario again;
    check(scenarioFromJson(saved, again, &error), "a saved scenario loads");
    check(scenarioToJson(again) == saved, "a saved scenario loads back the same");
}

void durationSpec(std::string_view text)
{
    const auto ns = parseDuration(text);
    if (!ns)
        return;
    check(*ns >= 0, "a parsed duration is not negative");
    // Exact through a double up to 2^53 ns (104 days).
    if (*ns <= (Nanos{1} << 53)) {
        const auto back = parseDuration(formatDuration(*ns));
        check(back && *back == *ns, "a duration formats back to itself");
    }
}

void latencySpec(std::string_view text)
{
    std::string why;
    const auto latency = LatencyDistribution::parse(text, &why);
    if (!latency) {
        check(!why.empty(), "a refused latency spec says why");
        return;
    }
    Rng rng(1);
    for (int i = 0; i < 8; ++i) {
        const Nanos ns = latency->sample(rng);
        check(ns >= 0 && ns <= LatencyDistribution::kMaxSampleNs, "a latency sample is within range");
    }
    check(LatencyDistribution::parse(latency->spec(), nullptr).has_value(), "a latency spec reads back");
}

void backoffSpec(std::string_view text)
{
    Nanos base = -1;
    Nanos cap = -1;
    std::string why;
    if (!parseBackoff(text, base, cap, &why)) {
        check(!why.empty(), "a refused backoff says why");
        return;
    }
    check(base >= 0 && base <= cap && cap <= 3600 * kSecond, "a parsed backoff is in order and range");
    Nanos base2 = -1;
    Nanos cap2 = -1;
    check(parseBackoff(formatBackoff(base, cap), base2, cap2, nullptr) && base2 == base && cap2 == cap,
          "a backoff formats back to itself");
}

// The rate as the command line reads it (50, 50/s, 3000/m), and every field's own text
// parser. (One parseCommandLine() costs most of an execution: it builds the help.)
void commandLine(const QString& value)
{
    const CommandLine cl = parseCommandLine(
        {QStringLiteral("poollab"), QStringLiteral("--headless"), QStringLiteral("--rate"), value});
    if (cl.action == CommandLine::Action::Error) {
        checkMessage(cl.error, "a refused flag says why");
    } else {
        check(cl.action == CommandLine::Action::Headless, "a flag value runs headless or is refused");
        check(validateScenario(cl.scenario).isEmpty(), "what the command line accepts is valid");
        const double rate = cl.scenario.rate;
        check(rate == 0 || (rate >= minimumAboveZero(*findScenarioField(u"rate")) && rate <= 1e6),
              "an accepted rate is 0 or within its range");
    }
    for (const ScenarioField& f : scenarioFields()) {
        QString why;
        const auto v = parseFieldText(f, value, &why);
        if (!v) {
            checkMessage(why, "a refused field value says why");
            continue;
        }
        check(checkFieldValue(f, *v, nullptr), "a parsed field value is in range");
        Scenario s;
        f.set(s, *v);
        check(formatFieldValue(f, s) == formatFieldValue(f, *v), "a field value survives the scenario");
    }
}

// A built-in lesson (compiled in), for the answers parser: the one with the most
// question kinds (numbers, a measure range, a pick).
const Lesson& answersLesson()
{
    static const Lesson lesson = [] {
        initFuzzResources();
        Lesson l;
        QString why;
        // The resources are linked in; a lesson that does not load is a build fault.
        check(loadLessonFile(QLatin1String(kBuiltinLessonDir) + QStringLiteral("/utilization.json"), l, &why),
              "a built-in lesson loads");
        return l;
    }();
    return lesson;
}

// What a loaded lesson promises the window and `lesson check`: steps with a valid
// virtual-time scenario, unique question ids, numbers with a measure of the summary and
// a tolerance above 0, choices whose rule can name a right one; `lesson show --json`
// writes it as JSON with every step and question.
void loadedLesson(const Lesson& lesson)
{
    check(!lesson.name.isEmpty() && !lesson.steps.empty(), "a loaded lesson has a name and steps");
    const QStringList measures = lessonMeasurePaths();
    std::set<QString> ids;
    std::size_t questions = 0;
    for (const LessonStep& step : lesson.steps) {
        check(step.scenario.timeMode == TimeMode::Virtual, "a lesson's step runs in virtual time");
        check(validateScenario(step.scenario).isEmpty(), "a lesson's scenario is valid");
        for (const LessonQuestion& q : step.questions) {
            ++questions;
            check(ids.insert(q.id).second, "question ids are unique in a lesson");
            if (q.kind == LessonQuestion::Kind::Number) {
                check(measures.contains(q.measure), "a number question's measure is a summary number");
                check(q.tolerance.value > 0 && std::isfinite(q.tolerance.value), "a tolerance is above 0");
                check(q.scale > 0 && std::isfinite(q.scale), "a scale is above 0");
                // Graded against a summary without the measure: wrong, with the reason.
                const Verdict v = gradeQuestion(q, QJsonObject(), QJsonValue(1.0));
                check(!v.isRight() && !v.problem.isEmpty(), "an unreadable measure is not graded right");
                continue;
            }
            check(q.choices.size() >= 2, "a choice question has two choices");
            if (q.rule == LessonQuestion::Rule::Fixed)
                check(rightChoice(q, QJsonObject()) == q.answer, "a fixed answer is one of the choices");
        }
    }
    const QJsonDocument shown = QJsonDocument::fromJson(lessonToJson(lesson));
    const QJsonArray steps = shown.object().value(QLatin1String("steps")).toArray();
    check(steps.size() == static_cast<qsizetype>(lesson.steps.size()), "lesson show --json has every step");
    std::size_t shownQuestions = 0;
    for (const QJsonValue& s : steps)
        shownQuestions +=
            static_cast<std::size_t>(s.toObject().value(QLatin1String("questions")).toArray().size());
    check(shownQuestions == questions, "lesson show --json has every question");
}

// The lesson file reader (poollab lesson show/check FILE, Open… in the window) and the
// answers file reader (lesson check --answers), on the same bytes.
void lessonFile(const QByteArray& bytes)
{
    Lesson lesson;
    QString error;
    const bool loaded = lessonFromJson(bytes, lesson, &error, QStringLiteral("fuzz.json"));
    if (loaded)
        loadedLesson(lesson);
    else
        checkMessage(error, "a refused lesson file says why, briefly");
    const std::initializer_list<const Lesson*> lessons = {&answersLesson(), loaded ? &lesson : nullptr};
    for (const Lesson* against : lessons) {
        if (!against)
            continue;
        QJsonObject answers;
        QString why;
        if (!answersFromJson(bytes, *against, answers, &why, QStringLiteral("answers.json")))
            checkMessage(why, "a refused answers file says why, briefly");
    }
}

} // namespace

int fuzzOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    scenarioFile(bytes);
    lessonFile(bytes);
    if (size <= kMaxSpecBytes) {
        const std::string_view text(bytes.constData(), size);
        durationSpec(text);
        latencySpec(text);
        backoffSpec(text);
        // Command-line arguments are text without NUL bytes.
        if (!bytes.contains('\0'))
            commandLine(QString::fromUtf8(bytes));
    }
    return 0;
}

} // namespace poollab
