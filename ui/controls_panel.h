// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario_fields.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <vector>

class QComboBox;
class QFormLayout;
class QLabel;
class QSpinBox;
class QVBoxLayout;

namespace poollab {

class FieldEditor;

struct PresetEntry
{
    QString name; // what --preset takes
    QString title;
    QString description;
    Scenario scenario;
    // The preset names a time mode; otherwise picking it keeps the one shown.
    bool setsTimeMode = false;
};

// The scenario as a form, grouped as the model is, one editor per field of the table
// (core/scenario_fields.h): ranges, defaults, words and tooltips are the table's.
// Every edit is reported at once (the window applies it live); values outside their
// range cannot be entered, and a malformed duration or latency spec is shown red and
// not applied.
class ControlsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ControlsPanel(QWidget* parent = nullptr);

    void setPresets(const QList<PresetEntry>& presets);
    const QList<PresetEntry>& presets() const { return m_presets; }
    // Shows the scenario without reporting edits.
    void setScenario(const Scenario& scenario);
    const Scenario& scenario() const { return m_scenario; }
    // True once a setting was edited since the last preset or scenario was shown; the
    // preset box then says "(modified)".
    bool isModified() const { return m_modified; }
    // Marks the shown preset as changed (or not): edits do it themselves; the command
    // line does it when flags change a preset.
    void setModified(bool modified);
    // Shows the pace (1, 10, 100, 1000; 0 = max) and reports it with paceChanged.
    void setPace(double factor);
    // One editor per field the window shows, in the order shown.
    const std::vector<FieldEditor*>& editors() const { return m_editors; }

protected:
    void resizeEvent(QResizeEvent* event) override;

signals:
    // key names the setting ("workers"); from/to are the values as shown.
    void scenarioEdited(const poollab::Scenario& scenario, const QString& key, const QString& from,
                        const QString& to);
    void presetChosen(int index);
    // Simulated seconds per second for the virtual engine; 0 = as fast as possible.
    void paceChanged(double factor);
    // For the status bar: a setting changed other than as asked (workers clamped when
    // switching to real threads).
    void notice(const QString& message);

private:
    void addPresetGroup(QVBoxLayout* layout);
    // One group box per heading, each row an editor made from the field table.
    void addFieldGroups(QVBoxLayout* layout);
    QComboBox* addPaceRow(QFormLayout* form);
    // A field's editor reported a valid value.
    void fieldEdited(const ScenarioField& field, const FieldValue& value);
    // The time mode changed from `old`: real threads lower a larger worker count.
    void timeModeChanged(TimeMode old);
    void edited(const ScenarioField& field, const FieldValue& from, const FieldValue& to);
    void edited(const QString& key, const QString& from, const QString& to);
    // The description's height for its width: a word-wrapped label in a form in a scroll
    // area is otherwise laid out for a stale width and clipped at top and bottom.
    void fitDescription();
    // Shows only the rows the chosen arrival pattern reads.
    void updateVisibility();
    // The workers box's range and tooltip for the time mode; shows m_scenario.workers.
    void updateWorkersRange();

    Scenario m_scenario;
    QList<PresetEntry> m_presets;
    bool m_modified = false;
    std::vector<FieldEditor*> m_editors; // each a child of its control

    QComboBox* m_preset = nullptr;
    QSpinBox* m_workers = nullptr;
    QLabel* m_presetDescription = nullptr;
    QComboBox* m_pace = nullptr;
};

} // namespace poollab
