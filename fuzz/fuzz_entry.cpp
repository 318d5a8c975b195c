// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzz/fuzz_entry.h"

#include "app/cli.h"
#include "core/backoff.h"
#include "core/distribution.h"
#include "core/duration.h"
#include "core/rng.h"
#include "core/workload.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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

} // namespace

int fuzzOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    scenarioFile(bytes);
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
