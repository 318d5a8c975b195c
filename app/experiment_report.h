// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"

#include <QString>

namespace poollab {

// What an experiment prints for people (issue #15): a table of the measures with their
// 95 % intervals and theory, one row per measure for a single point, one row per value
// for a sweep.
QString experimentText(const ExperimentSpec& spec, const ExperimentResult& result, const QString& name);

// With a target: one plain sentence, e.g. "The smallest workers whose mean wait stays
// under 100 ms (95 % interval) is 13: 61.2 ms [58.9, 63.4].", or that no value meets it.
// Empty without a target.
QString answerSentence(const ExperimentSpec& spec, const ExperimentResult& result);

} // namespace poollab
