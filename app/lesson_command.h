// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/cli.h"
#include "io/lesson_file.h"
#include "io/lesson_grade.h"

#include <QByteArray>
#include <QString>

#include <span>
#include <vector>

namespace poollab {

// `poollab lesson list|show|check` (docs/LESSONS.md): exit 0 done (check: every answer
// right), 1 check: an answer wrong or missing, 2 bad input.
int runLessonCommand(const CommandLine& commandLine);

// Makes sure the built-in lessons (kBuiltinLessonDir, compiled into the resources)
// can be read; the verbs call it themselves.
void registerBuiltinLessons();

// The texts the verbs print, for tests and for other front ends.
QString lessonListText(std::span<const Lesson> lessons);
QByteArray lessonListJson(std::span<const Lesson> lessons);
QString lessonShowText(const Lesson& lesson);

// One step's verdicts, in the order of its questions.
struct StepVerdicts
{
    std::size_t step = 0;
    std::vector<Verdict> verdicts;
};
// Grades the answers against every step's run. False with *error (naming the step's
// field) when a step cannot run or a measure has no value in its run: the lesson's fault.
bool gradeLesson(const Lesson& lesson, const QJsonObject& answers, std::vector<StepVerdicts>& out,
                 QString* error);
QString checkText(const Lesson& lesson, std::span<const StepVerdicts> steps);
QByteArray checkJson(const Lesson& lesson, std::span<const StepVerdicts> steps);

} // namespace poollab
