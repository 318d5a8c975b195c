// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/scenario_file.h"

#include "core/duration.h"
#include "io/atomic_file.h"
#include "io/json_writer.h"
#include "io/scenario_fields.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace poollab {

namespace {

constexpr int kMaxErrors = 20; // enough to fix a file in one go, short enough to read

struct KeyAt
{
    QString key;
    qsizetype offset; // of the key's opening quote
};

QString decodeJsonString(const QByteArray& quoted)
{
    if (!quoted.contains('\\'))
        return QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
    // Let Qt undo the escapes rather than repeat its rules here.
    return QJsonDocument::fromJson('[' + quoted + ']').array().at(0).toString();
}

// The keys of the top-level object with their byte offsets, in file order (repeats
// included, which QJsonDocument would merge). Only for text that parsed as an object.
std::vector<KeyAt> topLevelKeys(const QByteArray& json)
{
    std::vector<KeyAt> keys;
    int depth = 0;
    bool expectKey = false;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == '"') {
            const qsizetype start = i;
            bool escaped = false;
            for (++i; i < json.size(); ++i) {
                if (escaped)
                    escaped = false;
                else if (json[i] == '\\')
                    escaped = true;
                else if (json[i] == '"')
                    break;
            }
            if (depth == 1 && expectKey) {
                keys.push_back({decodeJsonString(json.mid(start, i - start + 1)), start});
                expectKey = false;
            }
        } else if (c == '{' || c == '[') {
            ++depth;
            expectKey = depth == 1 && c == '{';
        } else if (c == '}' || c == ']') {
            --depth;
        } else if (c == ',' && depth == 1) {
            expectKey = true;
        }
    }
    return keys;
}

// Edit distance, for "did you mean": keys are short, so the quadratic table is fine.
int editDistance(const QString& a, const QString& b)
{
    std::vector<int> row(static_cast<std::size_t>(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = static_cast<int>(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = static_cast<int>(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[static_cast<std::size_t>(j)];
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            row[static_cast<std::size_t>(j)] =
                std::min({above + 1, row[static_cast<std::size_t>(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

// A key as shown in a message, quoted: a pasted blob is cut, not echoed whole.
QString quotedKey(const QString& key)
{
    const QString shown = QLatin1Char('\'') + elided(key) + QLatin1Char('\'');
    return shown.size() == key.size() + 2 ? shown
                                          : shown + QStringLiteral(" (%1 characters)").arg(key.size());
}

QString suggestKey(const QString& unknown)
{
    // Keys are at most a few dozen characters: a longer one is no typo of one, and the
    // quadratic edit distance on a megabyte key took seconds.
    constexpr qsizetype kMaxTypoLength = 64;
    if (unknown.size() > kMaxTypoLength)
        return {};
    QString normalized = unknown;
    normalized.replace(QLatin1Char('-'), QLatin1Char('_'));
    QString best;
    int bestDistance = 3; // more than two edits away is not a typo
    const auto consider = [&](const QString& candidate) {
        const int d = editDistance(normalized, candidate);
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    };
    consider(QStringLiteral("format"));
    for (const ScenarioField& f : scenarioFields())
        consider(QString::fromLatin1(f.key));
    return best;
}

QByteArray exactNumber(double v);

// The offset of the first byte that is not part of well-formed UTF-8 (no overlong
// forms, surrogates or code points past U+10FFFF), or -1. Qt's parser names only a
// symptom ("missing name separator").
qsizetype firstInvalidUtf8(const QByteArray& text)
{
    const auto byte = [&](qsizetype i) { return static_cast<unsigned char>(text[i]); };
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n;) {
        const unsigned char c = byte(i);
        if (c < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF; // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return i;
        }
        if (i + length > n || byte(i + 1) < lo || byte(i + 1) > hi)
            return i;
        for (int k = 2; k < length; ++k) {
            if ((byte(i + k) & 0xC0) != 0x80)
                return i;
        }
        i += length;
    }
    return -1;
}

// A number outside strings written with a leading zero ("01", "-007.5"), which JSON
// forbids and Qt reports as "unterminated object": its offset and text, if one
// starts at or before `limit`.
std::optional<std::pair<qsizetype, QByteArray>> leadingZeroNumber(const QByteArray& json, qsizetype limit)
{
    bool inString = false;
    bool escaped = false;
    const auto isNumberChar = [](char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    };
    for (qsizetype i = 0; i < json.size() && i <= limit; ++i) {
        const char c = json[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            continue;
        }
        if (!(c == '-' || (c >= '0' && c <= '9')) || (i > 0 && isNumberChar(json[i - 1])))
            continue;
        qsizetype end = i;
        while (end < json.size() && isNumberChar(json[end]) && end - i < 64)
            ++end;
        const QByteArray token = json.mid(i, end - i);
        const qsizetype digits = token.startsWith('-') ? 1 : 0;
        if (token.size() > digits + 1 && token[digits] == '0' && token[digits + 1] >= '0' &&
            token[digits + 1] <= '9')
            return std::pair{i, token};
        i = end - 1;
    }
    return std::nullopt;
}

// "-007.5" -> "-7.5", "00" -> "0".
QByteArray withoutLeadingZeros(QByteArray number)
{
    const qsizetype first = number.startsWith('-') ? 1 : 0;
    while (number.size() > first + 1 && number[first] == '0' && number[first + 1] >= '0' &&
           number[first + 1] <= '9')
        number.remove(first, 1);
    return number;
}

// Converts a JSON value to the field's value type; range checks come after.
std::optional<FieldValue> fromJson(const ScenarioField& f, const QJsonValue& v, QString* error)
{
    const auto wrongType = [&](const QString& expected) -> std::optional<FieldValue> {
        *error =
            QStringLiteral("expected %1, got %2; allowed: %3").arg(expected, jsonTypeName(v), allowedText(f));
        return std::nullopt;
    };
    switch (f.type) {
    case FieldType::Integer: {
        if (!v.isDouble())
            return wrongType(QStringLiteral("a number"));
        const double d = v.toDouble();
        if (d != std::floor(d)) {
            *error = QStringLiteral("%1 is not a whole number; allowed: %2")
                         .arg(QString::fromLatin1(exactNumber(d)), allowedText(f));
            return std::nullopt;
        }
        if (d < f.min || d > f.max) {
            *error = QStringLiteral("%1 is out of range; allowed: %2")
                         .arg(QString::fromLatin1(exactNumber(d)), allowedText(f));
            return std::nullopt;
        }
        return FieldValue(static_cast<std::int64_t>(v.toInteger(static_cast<qint64>(d))));
    }
    case FieldType::Number:
        if (!v.isDouble())
            return wrongType(QStringLiteral("a number"));
        return FieldValue(v.toDouble());
    case FieldType::Duration: {
        if (!v.isString())
            return wrongType(QStringLiteral("a string such as \"500ms\""));
        const auto ns = parseDuration(v.toString().toStdString());
        if (!ns) {
            *error = QStringLiteral("\"%1\" is not a duration; allowed: %2")
                         .arg(elided(v.toString()), allowedText(f));
            return std::nullopt;
        }
        return FieldValue(static_cast<std::int64_t>(*ns));
    }
    case FieldType::Choice:
    case FieldType::Latency:
    case FieldType::Text:
        if (!v.isString())
            return wrongType(QStringLiteral("a string"));
        return FieldValue(v.toString().toStdString());
    }
    return std::nullopt;
}

QByteArray exactNumber(double v)
{
    // Whole numbers as integers ("1000000", not "1e+06"); others in the shortest
    // form that reads back to the same double (JsonWriter::number rounds to 1e-6).
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        return QByteArray::number(static_cast<qint64>(v));
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return QByteArray(buf, static_cast<qsizetype>(end - buf));
}

} // namespace

QString jsonTypeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("true/false");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

TextPosition textPosition(const QByteArray& utf8, qsizetype byteOffset)
{
    TextPosition p;
    const qsizetype end = std::clamp<qsizetype>(byteOffset, 0, utf8.size());
    for (qsizetype i = 0; i < end; ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) { // count characters, not continuation bytes
            ++p.column;
        }
    }
    return p;
}

bool scenarioFromJson(const QByteArray& data, Scenario& scenario, QString* error, const QString& sourceName)
{
    // Some Windows editors start UTF-8 with a byte-order mark; editors do not show
    // it, so positions count from after it.
    const QByteArray json = data.startsWith("\xEF\xBB\xBF") ? data.mid(3) : data;
    QStringList errors;
    const QString source = sourceName.isEmpty() ? QString() : sourceName + QLatin1Char(':');
    const auto at = [&](qsizetype offset, const QString& message) {
        const TextPosition p = textPosition(json, offset);
        errors << QStringLiteral("%1%2:%3: %4").arg(source).arg(p.line).arg(p.column).arg(message);
    };
    const auto finish = [&] {
        if (error)
            *error = errors.join(QLatin1Char('\n'));
        return false;
    };

    if (const qsizetype bad = firstInvalidUtf8(json); bad >= 0) {
        const QString hex = QStringLiteral("%1")
                                .arg(static_cast<unsigned char>(json[bad]), 2, 16, QLatin1Char('0'))
                                .toUpper();
        at(bad, QStringLiteral("the file is not valid UTF-8 (byte 0x%1); save it as UTF-8").arg(hex));
        return finish();
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (const auto zero = leadingZeroNumber(json, parseError.offset)) {
            at(zero->first,
               QStringLiteral("malformed JSON: the number %1 has a leading zero, which JSON does "
                              "not allow; write %2")
                   .arg(QString::fromLatin1(zero->second),
                        QString::fromLatin1(withoutLeadingZeros(zero->second))));
            return finish();
        }
        at(parseError.offset, QStringLiteral("malformed JSON: %1").arg(parseError.errorString()));
        return finish();
    }
    if (!doc.isObject()) {
        at(0, QStringLiteral("expected a JSON object { ... } holding the scenario"));
        return finish();
    }
    const QJsonObject object = doc.object();
    const std::vector<KeyAt> keys = topLevelKeys(json);
    const auto offsetOf = [&keys](const QString& key) -> qsizetype {
        for (const KeyAt& k : keys) {
            if (k.key == key)
                return k.offset;
        }
        return 0;
    };

    const QString expectedFormat = QString::fromLatin1(kScenarioFormat);
    const QJsonValue format = object.value(QLatin1String("format"));
    if (format.isUndefined()) {
        at(0, QStringLiteral("missing key 'format': a scenario file starts with \"format\": \"%1\"")
                  .arg(expectedFormat));
    } else if (format.toString() != expectedFormat) {
        // Cut: a file of any size may hold anything there (the fuzzer found a 1 KB one).
        const QString got = format.isString()
                                ? QLatin1Char('"') + elided(format.toString()) + QLatin1Char('"')
                                : jsonTypeName(format);
        at(offsetOf(QStringLiteral("format")),
           QStringLiteral("'format': %1 is not supported; expected \"%2\"").arg(got, expectedFormat));
    }

    Scenario result = scenario;
    QStringList seen;
    for (const KeyAt& k : keys) {
        if (errors.size() >= kMaxErrors)
            break;
        if (seen.contains(k.key)) {
            at(k.offset, QStringLiteral("key %1 appears more than once").arg(quotedKey(k.key)));
            continue;
        }
        seen << k.key;
        if (k.key == QLatin1String("format"))
            continue;
        const ScenarioField* field = findScenarioField(k.key);
        if (!field) {
            const QString suggestion = suggestKey(k.key);
            at(k.offset,
               suggestion.isEmpty()
                   ? QStringLiteral("unknown key %1").arg(quotedKey(k.key))
                   : QStringLiteral("unknown key %1 (did you mean '%2'?)").arg(quotedKey(k.key), suggestion));
            continue;
        }
        QString why;
        const auto value = fromJson(*field, object.value(k.key), &why);
        if (!value || !checkFieldValue(*field, *value, &why)) {
            at(k.offset, QStringLiteral("'%1': %2").arg(k.key, why));
            continue;
        }
        field->set(result, *value);
    }
    if (errors.isEmpty()) {
        const QString why = crossCheckScenario(result);
        if (!why.isEmpty())
            errors << source + (source.isEmpty() ? QString() : QStringLiteral(" ")) + why;
    }
    if (!errors.isEmpty())
        return finish();
    scenario = std::move(result);
    return true;
}

bool loadScenarioFile(const QString& path, Scenario& scenario, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    return scenarioFromJson(file.readAll(), scenario, error, path);
}

QByteArray scenarioToJson(const Scenario& scenario)
{
    // Written by hand rather than with JsonWriter::value(double), which rounds: a
    // file must give back exactly the scenario that was saved.
    QByteArray out = "{\n  \"format\": " + JsonWriter::quoted(QString::fromLatin1(kScenarioFormat));
    for (const ScenarioField& f : scenarioFields()) {
        out += ",\n  " + JsonWriter::quoted(QString::fromLatin1(f.key)) + ": ";
        const FieldValue v = f.get(scenario);
        switch (f.type) {
        case FieldType::Integer:
            out += QByteArray::number(static_cast<qint64>(std::get<std::int64_t>(v)));
            break;
        case FieldType::Number:
            out += exactNumber(std::get<double>(v));
            break;
        case FieldType::Duration:
        case FieldType::Choice:
        case FieldType::Latency:
        case FieldType::Text:
            out += JsonWriter::quoted(formatFieldValue(f, v));
            break;
        }
    }
    out += "\n}\n";
    return out;
}

bool saveScenarioFile(const QString& path, const Scenario& scenario, QString* error)
{
    const QString why = validateScenario(scenario);
    if (!why.isEmpty()) {
        if (error)
            *error = QStringLiteral("not saving %1: %2").arg(path, why);
        return false;
    }
    return writeFileAtomically(path, scenarioToJson(scenario), error);
}

} // namespace poollab
