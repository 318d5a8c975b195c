// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario_fields.h"

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace poollab {

// The field table's text: what the command line, scenario files, --help and the
// window's tooltips say about a field of core/scenario_fields.h, and how typed text
// becomes a value.

const ScenarioField* findScenarioField(QStringView key);

QString cliFlagName(const ScenarioField& field); // "queue-capacity"

// Text as quoted back in a message: at most `max` characters, then "…", so that a
// pasted blob is not echoed whole.
QString elided(const QString& text, qsizetype max = 40);

// What a value must look like, for error messages and help:
// "a whole number from 1 to 4096", "one of: block, reject, drop-oldest", ...
QString allowedText(const ScenarioField& field);

// Help for --help and tooltips: the field's help, what is allowed and the default,
// e.g. "Worker count: how many jobs run at once. Allowed: a whole number from 1 to
// 4096. Default: 4."
QString fieldHelpText(const ScenarioField& field);

// The value as a user would type it: "500ms", "4", "block", "0.25".
QString formatFieldValue(const ScenarioField& field, const FieldValue& value);
QString formatFieldValue(const ScenarioField& field, const Scenario& scenario);

// A control's tooltip: the field's longer explanation (or its help), then what is
// allowed and the default, as fieldHelpText() ends.
QString fieldToolTip(const ScenarioField& field);

// Whether value has the field's type and lies in its range. On failure error says
// why, without naming the field (callers prefix "--workers: " or "'workers': ").
bool checkFieldValue(const ScenarioField& field, const FieldValue& value, QString* error);

// Parses a value as typed on the command line and checks it. On failure error reads
// "'0' is out of range; allowed: a whole number from 1 to 4096" (no field name).
std::optional<FieldValue> parseFieldText(const ScenarioField& field, const QString& text, QString* error);

// Checks between fields that a single range cannot express: jobs and duration both
// 0, a burst without a job count, an arrival rate that is 0 throughout (constant,
// poisson, ramp, spike alike), backoff_base above backoff_cap. Returns an empty
// string when the scenario is valid, else a message naming the fields involved.
QString crossCheckScenario(const Scenario& scenario);
// checkFieldValue() for every field, then crossCheckScenario(). Empty when valid.
QString validateScenario(const Scenario& scenario);

} // namespace poollab
