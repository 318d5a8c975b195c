// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// What a running engine must redo when a field changes (bits of an AffectsMask).
enum Affects : std::uint8_t {
    AffectsNothing = 0,   // name, description; the time mode waits for the next start
    AffectsPool = 1,      // workers, queue capacity, overflow policy
    AffectsWorkload = 2,  // each attempt's service time, failure, timeout, retries
    AffectsArrivals = 4,  // the arrival stream and the run's length
    AffectsRateLimit = 8, // the token bucket
    AffectsSampling = 16, // the sample interval
};
using AffectsMask = std::uint8_t;

// Which arrival kinds read a field (bits 1 << ArrivalKind).
using ArrivalMask = std::uint8_t;
constexpr ArrivalMask arrivalBit(ArrivalKind kind)
{
    return static_cast<ArrivalMask>(1u << static_cast<unsigned>(kind));
}
constexpr ArrivalMask kAllArrivals = 0x3f;

// One setting of a Scenario, declared once: the command line, scenario files, --help,
// the man page and the window's controls all take its name, range, default (the
// member's initialiser in Scenario) and help from here, so they cannot drift.
struct ScenarioField
{
    const char* key;   // snake_case: the JSON key; the CLI flag is the same with '-' for '_'
    const char* group; // heading for the window and --help
    const char* label; // the window's row label; lower-cased it names a change on the charts
    FieldType type;
    // Integer, Number: the value range. Duration: the range in nanoseconds.
    // Text, Latency: max length in characters (min is the min length).
    double min;
    double max;
    std::span<const char* const> choices;      // Choice only: the words
    std::span<const char* const> choiceLabels; // Choice only: the window's words, in the same order
    const char* unit;                          // for display: "jobs/s", "" if none
    const char* zero;                          // what 0 means ("off", "no limit"), "" if nothing special
    const char* help;                          // one sentence, for --help and tooltips
    const char* explain;                       // the tooltip's longer why ("" = help only)
    ArrivalMask arrivals;                      // the arrival kinds that read it
    AffectsMask affects;
    FieldValue (*get)(const Scenario&);
    void (*set)(Scenario&, const FieldValue&); // only with a value that passed checkFieldValue()
};

// Rates: at most this much (jobs/s, far beyond what one machine's pool does), and 0 or
// at least kMinRate (one job in about 17 minutes: below it the gaps between jobs leave
// what a run can reach, and 1e-12 used to overflow the schedule's clock).
inline constexpr double kMaxRate = 1'000'000;
inline constexpr double kMinRate = 0.001;

// Every field, in the order files are written and help is shown.
std::span<const ScenarioField> scenarioFields();
const ScenarioField* findScenarioField(std::string_view key);

// The field's value in a default Scenario.
FieldValue defaultFieldValue(const ScenarioField& field);

// Rates (Number fields in something per second) take 0, or at least kMinRate; 0 for
// other fields.
double minimumAboveZero(const ScenarioField& field);

// What differs between two scenarios: the fields, and what they affect together.
struct ScenarioDiff
{
    std::vector<const ScenarioField*> fields;
    AffectsMask affects = AffectsNothing;

    bool empty() const { return fields.empty(); }
    bool has(Affects what) const { return (affects & what) != 0; }
};
ScenarioDiff diff(const Scenario& before, const Scenario& after);

} // namespace poollab
