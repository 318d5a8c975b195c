// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"
#include "core/queueing_theory.h"
#include "core/summary.h"

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace poollab {

// The summary as one JSON object ("format": "poollab-summary/1"), keys in a fixed
// order, numbers written the same whatever the locale.
QByteArray summaryToJson(const RunSummary& summary);

// The same keys, then "scenario" (the scenario's name) and "theory": what queueing
// theory predicts for the scenario next to what the run measured, or why the
// formulas do not apply.
QByteArray summaryToJson(const RunSummary& summary, const QString& scenarioName,
                         const TheoryComparison& theory);

// An experiment's summary (issue #15; docs/CLI.md, "Experiments"): the usual keys as
// means over the replications of one point (the answer's, else the first), then
// "loss_fraction", "prob_wait", "replications", "warmup_s", "first_seed", "ci95" (the
// same shape, each value [low, high]; null where a replication observed nothing),
// "observed" (the same shape: how many replications each mean is over), "scenario",
// "theory" (each measure with "inside_ci95"), and with a sweep "sweep_field" and "sweep"
// (one object per point, each measure with "mean", "ci95" and "observed"), and
// with a target "target" and "answer" (null when no point meets it).
QByteArray experimentSummaryToJson(const ExperimentSpec& spec, const ExperimentResult& result,
                                   const QString& scenarioName);

// A summary written by summaryToJson() with "run_id": ID added as its last key: the id
// a recorded run got (--record). The other keys keep their order and bytes.
QByteArray summaryJsonWithRunId(const QByteArray& summaryJson, std::int64_t runId);

// (measured - predicted) / predicted; 0 when predicted is 0, as in TheoryComparison.
double relativeDifference(double measured, double predicted);

} // namespace poollab
