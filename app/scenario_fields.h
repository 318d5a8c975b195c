// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QString>
#include <QStringList>
#include <QStringView>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

namespace poollab {

// How a field is spelled in a file and on the command line.
enum class FieldType : std::uint8_t {
    Integer,  // a whole number (JSON number, CLI "4")
    Number,   // a real number (JSON number, CLI "2.5")
    Duration, // a string with a unit: "500ms" (core/duration.h)
    Choice,   // one of a fixed list of words: "block"
    Latency,  // a latency spec string: "50ms", "exp(50ms)"
    Text,     // free text (name, description)
};

// Integer and Duration fields hold std::int64_t (Duration in nanoseconds), Number
// fields double, Choice, Latency and Text fields the string as written.
using FieldValue = std::variant<std::int64_t, double, std::string>;

// One setting of a Scenario. The command line, scenario files and the window all
// read their names, ranges, defaults and help from this table, so they cannot drift.
struct ScenarioField
{
    const char* key;   // snake_case: the JSON key; the CLI flag is the same with '-' for '_'
    const char* group; // heading for the window and --help
    FieldType type;
    // Integer, Number: the value range. Duration: the range in nanoseconds.
    // Text, Latency: max length in characters (min is the min length).
    double min;
    double max;
    std::span<const char* const> choices; // Choice only
    const char* unit;                     // for display: "jobs/s", "" if none
    const char* help;                     // one sentence, for --help and tooltips
    FieldValue (*get)(const Scenario&);
    void (*set)(Scenario&, const FieldValue&); // only with a value that passed check()
};

// Every field, in the order files are written and help is shown.
std::span<const ScenarioField> scenarioFields();
const ScenarioField* findScenarioField(QStringView key);

// Rates (Number fields in something per second) take 0, or at least this much
// (0.001/s); 0 for other fields. checkFieldValue() and allowedText() apply it.
double minimumAboveZero(const ScenarioField& field);

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
