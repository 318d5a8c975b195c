// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets.h"

#include "io/scenario_file.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <mutex>

// Outside the namespace: Q_INIT_RESOURCE declares a global function.
static void initPresetResources()
{
    // The resources live in a static library. Qt links their initializer as an
    // object file, but registering explicitly keeps the presets reachable even if a
    // linker drops it; registering twice is harmless.
    Q_INIT_RESOURCE(poollab_resources);
}

namespace poollab {

namespace {

const QString kPresetDir = QStringLiteral(":/presets");

// Teaching order; presets not listed here follow in alphabetical order.
const char* const kOrder[] = {
    "signup-burst",       "backpressure", "overload-reject",      "handoff", "mmc-queue", "cpu-vs-io",
    "rate-limited-email", "retry-storm",  "coordinated-omission",
};

void ensureResources()
{
    static std::once_flag once;
    std::call_once(once, initPresetResources);
}

int rank(const QString& id)
{
    for (std::size_t i = 0; i < std::size(kOrder); ++i) {
        if (id == QLatin1String(kOrder[i]))
            return static_cast<int>(i);
    }
    return static_cast<int>(std::size(kOrder));
}

// The ids of the compiled-in presets, in teaching order.
QStringList presetIds()
{
    ensureResources();
    QStringList ids;
    for (const QString& file : QDir(kPresetDir).entryList({QStringLiteral("*.json")}, QDir::Files))
        ids << file.chopped(5);
    std::stable_sort(ids.begin(), ids.end(), [](const QString& a, const QString& b) {
        const int ra = rank(a);
        const int rb = rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    return ids;
}

} // namespace

QList<PresetInfo> listPresets()
{
    QList<PresetInfo> presets;
    for (const QString& id : presetIds()) {
        Scenario s;
        if (!loadPreset(id, s, nullptr))
            continue;
        presets.append({id, QString::fromStdString(s.name), QString::fromStdString(s.description)});
    }
    return presets;
}

bool loadPreset(const QString& id, Scenario& scenario, QString* error)
{
    ensureResources();
    const QString path = kPresetDir + QLatin1Char('/') + id + QStringLiteral(".json");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("no preset named '%1'; available: %2")
                         .arg(id, presetIds().join(QStringLiteral(", ")));
        return false;
    }
    Scenario loaded;
    if (!scenarioFromJson(file.readAll(), loaded, error, path))
        return false;
    scenario = std::move(loaded);
    return true;
}

bool presetSetsKey(const QString& id, const QString& key)
{
    ensureResources();
    QFile file(kPresetDir + QLatin1Char('/') + id + QStringLiteral(".json"));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    return QJsonDocument::fromJson(file.readAll()).object().contains(key);
}

} // namespace poollab
