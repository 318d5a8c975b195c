// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <vector>

namespace poollab {

// The value of the "format" key every lesson file starts with (docs/LESSONS.md).
inline constexpr char kLessonFormat[] = "poollab-lesson/1";
// Where the built-in lessons are compiled in (resources/lessons/NAME.json).
inline constexpr char kBuiltinLessonDir[] = ":/lessons";

// How far an answer may be from the measured value and still be right.
struct LessonTolerance
{
    bool relative = true; // "10%": a share of the measured value; else absolute, in the question's unit
    double value = 0.1;   // 0.1 for "10%"; the number itself when absolute
    QString text() const; // "10%" or "5 ms"-less "5": as the file writes it
};

// One choice of a multiple-choice question.
struct LessonChoice
{
    QString id;
    QString text;
    QString measure;      // "pick": the value this choice stands for
    bool hasFrom = false; // "range": the measure's value from (inclusive) ...
    double from = 0;
    bool hasBelow = false; // ... and below (exclusive); a missing end is open
    double below = 0;
};

struct LessonQuestion
{
    enum class Kind { Number, Choice };
    // How the right choice is found: a fixed answer, the choice whose measure is the
    // largest (or smallest), or the choice whose range holds the question's measure.
    enum class Rule { Fixed, Largest, Smallest, Range };

    Kind kind = Kind::Number;
    QString id; // unique in the lesson: the key of the answers file
    QString text;
    QString unit;     // the unit the learner answers in ("s", "ms", "jobs", "%")
    QString measure;  // a dotted path into the step's summary JSON: "latency_ms.wait.p99"
    double scale = 1; // the measure times this is the value in `unit` (1000 for s -> ms)
    LessonTolerance tolerance;
    // Choice questions.
    Rule rule = Rule::Fixed;
    std::vector<LessonChoice> choices;
    QString answer; // Rule::Fixed: the right choice's id
};

struct LessonStep
{
    QString title;
    QString text;            // Markdown: what the learner reads before predicting
    Scenario scenario;       // run in virtual time with its seed
    QByteArray scenarioJson; // the scenario as scenarioToJson() writes it
    std::vector<LessonQuestion> questions;
    QString explanation; // Markdown: shown after the run, next to the verdicts
};

struct Lesson
{
    QString name;    // "littles-law": what `poollab lesson show` takes
    QString title;   // "Little's law"
    QString level;   // "beginner", "intermediate" or "advanced"
    QString summary; // one or two sentences for the lesson list
    std::vector<LessonStep> steps;
    QString source; // the file it came from (":/lessons/NAME.json" when built in)
    bool builtin = false;
};

// Reads and checks a lesson document. Strict, as scenario files are: malformed JSON,
// an unknown or missing key, a wrong type, a bad scenario, a measure that is no key
// of the summary JSON or a tolerance out of range is an error. *error then lists
// every problem found, one per line, each "SOURCE: PATH: message" naming the field
// ("steps[2].questions[0].tolerance: ...").
bool lessonFromJson(const QByteArray& json, Lesson& lesson, QString* error, const QString& sourceName = {});
bool loadLessonFile(const QString& path, Lesson& lesson, QString* error);

// The lesson as JSON (docs/CLI.md, `lesson show --json`): every step with its
// scenario (as scenarioToJson() writes it) and questions.
QByteArray lessonToJson(const Lesson& lesson);

// The dotted paths a question's measure may name: every number of the summary JSON
// (io/summary_json.h, with theory), in its order. Some exist only in some runs
// (theory.measures.* when the formulas apply; theory.little.* when Little's law is
// checked).
QStringList lessonMeasurePaths();

// The built-in lessons and those in extraDir (*.json), sorted: built-in ones in
// teaching order first. A file that does not load is left out and its error added
// to *problems. A lesson in extraDir with a built-in one's name replaces it.
std::vector<Lesson> loadLessons(const QString& extraDir, QStringList* problems);
// NAME (a lesson of loadLessons()) or FILE (a path, when it names a file or ends in
// .json). False with *error when it cannot be found or does not load.
bool findLesson(const QString& nameOrFile, const QString& extraDir, Lesson& lesson, QString* error);

} // namespace poollab
