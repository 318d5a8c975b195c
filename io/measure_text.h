// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"

#include <QLocale>
#include <QString>

namespace poollab {

// An experiment measure's values as people read them, one copy for the command line's
// table and sentence (app/experiment_report, in the C locale: the same bytes everywhere)
// and the Experiment view (ui/, in the reader's locale). A share (a measure without a
// unit: loss, utilization) shows as a percentage, as --target takes it.
bool isShareMeasure(const ExperimentMeasure& measure);
double measureScale(const ExperimentMeasure& measure); // 100 for a share, else 1
QString measureUnit(const ExperimentMeasure& measure); // "%" for a share, else the unit

// The number alone in display units, with decimals that keep about three significant
// digits of small values: "666.1", "61.23", "0.031", "0.0042"; "n/a" when not finite
// (not observed, see Estimate).
QString measureNumber(const ExperimentMeasure& measure, double value, const QLocale& locale = QLocale());
// With its unit: "61.23 ms", "2.50 s", "0.300 %", "80.10 jobs/s".
QString measureText(const ExperimentMeasure& measure, double value, const QLocale& locale = QLocale());
// "[625.7, 706.4]"; without one (a replication observed nothing) how many replications
// the mean is over, "(7 of 10 observed)", or "(not observed)" when none did.
QString intervalText(const ExperimentMeasure& measure, const Estimate& estimate,
                     const QLocale& locale = QLocale());
// "666.1 ms [625.7, 706.4]", "61.23 ms (7 of 10 observed)"; "not observed".
QString estimateText(const ExperimentMeasure& measure, const Estimate& estimate,
                     const QLocale& locale = QLocale());
// A target's limit as given: "100 ms", "2 s" (a whole second of a ms measure), "1 %".
QString limitText(const ExperimentMeasure& measure, double limit, const QLocale& locale = QLocale());

} // namespace poollab
