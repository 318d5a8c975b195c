// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QList>
#include <QString>

namespace poollab {

// A built-in scenario (resources/presets/ID.json, compiled in as :/presets/ID.json).
struct PresetInfo
{
    QString id;          // file name without .json: "signup-burst"
    QString title;       // the scenario's name: "Signup burst"
    QString description; // what it shows and what to watch, for a learner
};

// Every preset, in teaching order (the simple ones first). A preset that does not
// load is left out here and reported by loadPreset().
QList<PresetInfo> listPresets();
// Fills scenario from the preset (starting from Scenario{}), or returns false and
// sets *error naming the preset and the problem.
bool loadPreset(const QString& id, Scenario& scenario, QString* error);
// Whether the preset's file names the key ("time_mode"), rather than leaving it at its
// default: the window keeps the user's time mode unless the preset asks for one.
bool presetSetsKey(const QString& id, const QString& key);

} // namespace poollab
