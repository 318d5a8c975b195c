// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/scenario_fields.h"

#include "core/backoff.h"
#include "core/distribution.h"
#include "core/duration.h"
#include "core/pool.h"
#include "core/workload.h"

#include <charconv>
#include <cmath>

namespace poollab {

namespace {

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

QString numberText(double v)
{
    // Whole numbers as such ("1000000", not "1e+06"); others in the shortest spelling
    // that reads back exactly, whatever the locale.
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return QString::number(static_cast<qint64>(v));
    // Plain decimals down to 0.0001 ("0.0009", not "9e-04"); smaller ones in e-notation.
    char buf[64];
    const auto format =
        std::fabs(v) >= 1e-4 && std::fabs(v) < 1e15 ? std::chars_format::fixed : std::chars_format::general;
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v == 0 ? 0.0 : v, format);
    return QString::fromLatin1(buf, static_cast<qsizetype>(end - buf));
}

QString integerText(double v)
{
    return QString::number(static_cast<qint64>(v));
}

QString durationText(double ns)
{
    return fromStd(formatDuration(static_cast<Nanos>(ns)));
}

} // namespace

const ScenarioField* findScenarioField(QStringView key)
{
    for (const ScenarioField& f : scenarioFields()) {
        if (key == QLatin1String(f.key))
            return &f;
    }
    return nullptr;
}

QString elided(const QString& text, qsizetype max)
{
    return text.size() <= max ? text : text.left(max) + QChar(0x2026);
}

QString cliFlagName(const ScenarioField& field)
{
    return QString::fromLatin1(field.key).replace(QLatin1Char('_'), QLatin1Char('-'));
}

QString allowedText(const ScenarioField& f)
{
    switch (f.type) {
    case FieldType::Integer:
        return QStringLiteral("a whole number from %1 to %2").arg(integerText(f.min), integerText(f.max));
    case FieldType::Number:
        if (minimumAboveZero(f) > 0)
            return QStringLiteral("0, or a number from %1 to %2")
                .arg(numberText(minimumAboveZero(f)), numberText(f.max));
        return QStringLiteral("a number from %1 to %2").arg(numberText(f.min), numberText(f.max));
    case FieldType::Duration:
        return QStringLiteral("a duration from %1 to %2 with a unit (us, ms, s, m, h), e.g. \"50ms\"")
            .arg(durationText(f.min), durationText(f.max));
    case FieldType::Choice: {
        QStringList words;
        for (const char* w : f.choices)
            words << QString::fromLatin1(w);
        return QStringLiteral("one of: %1").arg(words.join(QStringLiteral(", ")));
    }
    case FieldType::Latency:
        return QStringLiteral("a latency spec, e.g. \"500ms\", \"exp(50ms)\", \"uniform(100ms,900ms)\"");
    case FieldType::Text:
        return QStringLiteral("text of at most %1 characters").arg(integerText(f.max));
    }
    return {};
}

namespace {

// `lead`, then what is allowed and the default.
QString withAllowedAndDefault(const ScenarioField& f, const char* lead)
{
    QString text = QString::fromUtf8(lead) + QStringLiteral(" Allowed: ") + allowedText(f) + QLatin1Char('.');
    const QString defaultValue = formatFieldValue(f, defaultFieldValue(f));
    if (!defaultValue.isEmpty())
        text += QStringLiteral(" Default: ") + defaultValue + QLatin1Char('.');
    return text;
}

} // namespace

QString fieldHelpText(const ScenarioField& f)
{
    return withAllowedAndDefault(f, f.help);
}

QString fieldToolTip(const ScenarioField& f)
{
    return withAllowedAndDefault(f, *f.explain ? f.explain : f.help);
}

QString formatFieldValue(const ScenarioField& f, const FieldValue& v)
{
    switch (f.type) {
    case FieldType::Integer:
        return std::holds_alternative<std::int64_t>(v) ? QString::number(std::get<std::int64_t>(v))
                                                       : QString();
    case FieldType::Number:
        return std::holds_alternative<double>(v) ? numberText(std::get<double>(v)) : QString();
    case FieldType::Duration:
        return std::holds_alternative<std::int64_t>(v) ? fromStd(formatDuration(std::get<std::int64_t>(v)))
                                                       : QString();
    case FieldType::Choice:
    case FieldType::Latency:
    case FieldType::Text:
        return std::holds_alternative<std::string>(v) ? fromStd(std::get<std::string>(v)) : QString();
    }
    return {};
}

QString formatFieldValue(const ScenarioField& field, const Scenario& scenario)
{
    return formatFieldValue(field, field.get(scenario));
}

bool checkFieldValue(const ScenarioField& f, const FieldValue& v, QString* error)
{
    const auto fail = [&](const QString& shown) {
        if (error)
            *error = QStringLiteral("%1 is out of range; allowed: %2").arg(shown, allowedText(f));
        return false;
    };
    const auto wrongType = [&] {
        if (error)
            *error = QStringLiteral("wrong type; allowed: %1").arg(allowedText(f));
        return false;
    };
    switch (f.type) {
    case FieldType::Integer:
    case FieldType::Duration: {
        if (!std::holds_alternative<std::int64_t>(v))
            return wrongType();
        const auto x = static_cast<double>(std::get<std::int64_t>(v));
        if (x < f.min || x > f.max)
            return fail(formatFieldValue(f, v));
        return true;
    }
    case FieldType::Number: {
        if (!std::holds_alternative<double>(v))
            return wrongType();
        const double x = std::get<double>(v);
        if (!std::isfinite(x) || x < f.min || x > f.max || (x > 0 && x < minimumAboveZero(f)))
            return fail(formatFieldValue(f, v));
        return true;
    }
    case FieldType::Choice: {
        if (!std::holds_alternative<std::string>(v))
            return wrongType();
        const std::string& s = std::get<std::string>(v);
        for (const char* w : f.choices) {
            if (s == w)
                return true;
        }
        if (error)
            *error =
                QStringLiteral("\"%1\" is not allowed; allowed: %2").arg(elided(fromStd(s)), allowedText(f));
        return false;
    }
    case FieldType::Latency: {
        if (!std::holds_alternative<std::string>(v))
            return wrongType();
        const std::string& s = std::get<std::string>(v);
        if (s.size() > static_cast<std::size_t>(f.max))
            return fail(QStringLiteral("a spec of %1 characters").arg(s.size()));
        std::string why;
        if (!LatencyDistribution::parse(s, &why)) {
            if (error)
                *error = fromStd(why); // names the spec and lists the accepted forms
            return false;
        }
        return true;
    }
    case FieldType::Text: {
        if (!std::holds_alternative<std::string>(v))
            return wrongType();
        const auto length = QString::fromStdString(std::get<std::string>(v)).size();
        if (length < f.min || length > f.max)
            return fail(QStringLiteral("text of %1 characters").arg(length));
        return true;
    }
    }
    return wrongType();
}

std::optional<FieldValue> parseFieldText(const ScenarioField& f, const QString& text, QString* error)
{
    const QString quoted = QLatin1Char('\'') + elided(text) + QLatin1Char('\'');
    const auto bad = [&]() -> std::optional<FieldValue> {
        if (error)
            *error = QStringLiteral("%1 is not allowed; allowed: %2").arg(quoted, allowedText(f));
        return std::nullopt;
    };
    FieldValue v;
    switch (f.type) {
    case FieldType::Integer: {
        bool ok = false;
        const qlonglong x = text.trimmed().toLongLong(&ok);
        if (!ok)
            return bad();
        v = static_cast<std::int64_t>(x);
        break;
    }
    case FieldType::Number: {
        // Not QString::toDouble's locale rules: '.' is the separator everywhere.
        const QByteArray latin = text.trimmed().toLatin1();
        double x = 0;
        const auto [end, ec] = std::from_chars(latin.constData(), latin.constData() + latin.size(), x);
        if (latin.isEmpty() || ec != std::errc() || end != latin.constData() + latin.size())
            return bad();
        v = x;
        break;
    }
    case FieldType::Duration: {
        const auto ns = parseDuration(text.toStdString());
        if (!ns)
            return bad();
        v = static_cast<std::int64_t>(*ns);
        break;
    }
    case FieldType::Choice:
    case FieldType::Latency:
    case FieldType::Text:
        v = text.toStdString();
        break;
    }
    QString why;
    if (!checkFieldValue(f, v, &why)) {
        // Name the value as typed ("'1.5x'"), not as re-formatted.
        if (error) {
            const bool range = why.contains(QLatin1String(" is out of range; "));
            *error =
                range ? QStringLiteral("%1 is out of range; allowed: %2").arg(quoted, allowedText(f)) : why;
        }
        return std::nullopt;
    }
    return v;
}

QString crossCheckScenario(const Scenario& s)
{
    const QString maxJobs = integerText(findScenarioField(u"jobs")->max);
    const QString maxRate = numberText(kMaxRate);
    if (s.timeMode == TimeMode::Real && s.workers > PoolConfig::kMaxWorkers)
        return QStringLiteral(
                   "'workers' is %1: real threads allow up to %2; set 'time_mode' virtual for up to %3")
            .arg(s.workers)
            .arg(PoolConfig::kMaxWorkers)
            .arg(Scenario::kMaxVirtualWorkers);
    if (s.jobs == 0 && s.duration == 0)
        return QStringLiteral("'jobs' and 'duration' are both 0: set at least one of them "
                              "(jobs: a whole number from 1 to %1, or duration: e.g. \"30s\")")
            .arg(maxJobs);
    if (s.arrival == ArrivalKind::Burst && s.jobs == 0)
        return QStringLiteral(
                   "'arrival' burst submits 'jobs' at once: 'jobs' must be a whole number from 1 to %1")
            .arg(maxJobs);
    // Every open arrival kind refuses a rate curve that is 0 throughout, the same way:
    // it would submit one job at 0 and then nothing.
    const QString rateRange = QStringLiteral("from %1 to %2 jobs/s").arg(numberText(kMinRate), maxRate);
    if ((s.arrival == ArrivalKind::Constant || s.arrival == ArrivalKind::Poisson) && s.rate <= 0)
        return QStringLiteral("'rate' is 0: 'arrival' %1 needs a rate %2")
            .arg(s.arrival == ArrivalKind::Constant ? QStringLiteral("constant") : QStringLiteral("poisson"),
                 rateRange);
    if (s.arrival == ArrivalKind::Ramp && s.rateEnd <= 0 && (s.rate <= 0 || s.rampDuration == 0))
        return s.rate <= 0 ? QStringLiteral("'rate' and 'rate_end' are both 0: 'arrival' ramp needs one of "
                                            "them %1")
                                 .arg(rateRange)
                           : QStringLiteral("'rate_end' is 0 and 'ramp_duration' is 0: 'arrival' ramp "
                                            "would start at 0; set 'rate_end' %1 or a 'ramp_duration'")
                                 .arg(rateRange);
    if (s.arrival == ArrivalKind::Spike && s.rate <= 0 && (s.spikeRate <= 0 || s.spikeDuration == 0))
        return s.spikeRate <= 0 ? QStringLiteral("'rate' and 'spike_rate' are both 0: 'arrival' spike needs "
                                                 "one of them %1")
                                      .arg(rateRange)
                                : QStringLiteral("'rate' is 0 and 'spike_duration' is 0: 'arrival' spike "
                                                 "would submit nothing; set 'rate' %1 or a 'spike_duration'")
                                      .arg(rateRange);
    if (const std::string why = checkBackoffOrder(s.backoffBase, s.backoffCap); !why.empty())
        return fromStd(why);
    return {};
}

QString validateScenario(const Scenario& s)
{
    for (const ScenarioField& f : scenarioFields()) {
        QString why;
        if (!checkFieldValue(f, f.get(s), &why))
            return QStringLiteral("'%1': %2").arg(QLatin1String(f.key), why);
    }
    return crossCheckScenario(s);
}

} // namespace poollab
