// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"

#include <QByteArray>
#include <QStringList>

namespace poollab {

// --sweep-csv (issue #15, docs/CSV.md): one row per sweep point. The first column is the
// swept value, named by the field (a duration field in seconds: "timeout_s"); then, for
// each experiment measure in experimentMeasures() order, "KEY", "KEY.low", "KEY.high"
// (the mean and its 95 % interval) and, for the measures queueing theory predicts,
// "KEY.theory" (empty where the formulas do not apply to the point); last, for each
// measure, "KEY.observed": the replications KEY's mean is over (those that observed the
// measure; KEY.low and KEY.high are empty unless all did).
QStringList sweepCsvColumns(const Sweep& sweep);
QByteArray sweepToCsv(const Sweep& sweep, const ExperimentResult& result);

} // namespace poollab
