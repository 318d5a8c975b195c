// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QByteArray>
#include <QJsonValue>
#include <QString>

namespace poollab {

// The value of the "format" key every scenario file starts with.
inline constexpr char kScenarioFormat[] = "poollab-scenario/1";

// Reads a scenario document: a JSON object with "format": "poollab-scenario/1" and
// any of the keys of scenarioFields(). Keys the document leaves out keep the value
// they have in `scenario` (pass Scenario{} for the defaults); command-line flags
// are applied after loading, so they override the file.
//
// Strict, so typos are not silently ignored: malformed JSON, an unknown or repeated
// key, a wrong type, an out-of-range value or a missing or wrong format tag is an
// error. Then `scenario` is left unchanged and *error lists every problem found, one
// per line, each as "SOURCE:LINE:COLUMN: message" naming the key and what is
// allowed (SOURCE is sourceName; without one a line starts with "LINE:COLUMN: ").
bool scenarioFromJson(const QByteArray& json, Scenario& scenario, QString* error,
                      const QString& sourceName = {});
bool loadScenarioFile(const QString& path, Scenario& scenario, QString* error);

// Every field in the order of scenarioFields(), durations as "500ms", numbers so
// that they read back exactly. Reading it back gives the same scenario.
QByteArray scenarioToJson(const Scenario& scenario);
// Refuses (with the reason) a scenario that validateScenario() rejects, so a saved
// file always loads. Written atomically.
bool saveScenarioFile(const QString& path, const Scenario& scenario, QString* error);

// Line and column (both 1-based, the column counted in characters) of a byte offset
// into UTF-8 text, e.g. QJsonParseError::offset.
struct TextPosition
{
    int line = 1;
    int column = 1;
};
TextPosition textPosition(const QByteArray& utf8, qsizetype byteOffset);

// What a JSON value is, for error messages: "a number", "a string", "an object", ...
QString jsonTypeName(const QJsonValue& value);

} // namespace poollab
