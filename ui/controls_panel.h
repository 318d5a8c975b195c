// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/scenario.h"

#include <QList>
#include <QString>
#include <QWidget>

#include <functional>

class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace poollab {

struct PresetEntry
{
    QString name; // what --preset takes
    QString title;
    QString description;
    Scenario scenario;
    // The preset names a time mode; otherwise picking it keeps the one shown.
    bool setsTimeMode = false;
};

// The scenario as a form, grouped as the model is. Every edit is reported at once
// (the window applies it live); values outside their range cannot be entered, and a
// malformed duration or latency spec is shown red and not applied.
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
    QSpinBox* intBox(const char* name, int min, int max, const QString& suffix, const QString& tip);
    QDoubleSpinBox* realBox(const char* name, double min, double max, int decimals, const QString& suffix,
                            const QString& tip);
    QLineEdit* durationEdit(const char* name, Nanos min, Nanos max, const QString& tip);
    // A whole-number field bound to the scenario, applied live.
    QSpinBox* addIntRow(QFormLayout* form, const char* name, int Scenario::*field, int min, int max,
                        const QString& suffix, const QString& label, const QString& tip, const QString& key);
    // A duration field bound to the scenario: applied when editing finishes and valid.
    void addDurationRow(QFormLayout* form, const char* name, Nanos Scenario::*field, Nanos min, Nanos max,
                        const QString& label, const QString& tip, const QString& key);
    QComboBox* choiceBox(const char* name, const QStringList& items, const QString& tip);
    void edited(const QString& key, const QString& from, const QString& to);
    // The description's height for its width: a word-wrapped label in a form in a scroll
    // area is otherwise laid out for a stale width and clipped at top and bottom.
    void fitDescription();
    void updateVisibility();
    // The workers box's range and tooltip for the time mode; shows m_scenario.workers.
    void updateWorkersRange();
    void updateLatencyLabels();
    void latencyEdited();
    QString latencySpec() const;

    Scenario m_scenario;
    QList<PresetEntry> m_presets;
    bool m_filling = false;
    bool m_modified = false;
    // Fills every widget from m_scenario.
    std::vector<std::function<void()>> m_fillers;

    QComboBox* m_preset = nullptr;
    QSpinBox* m_workers = nullptr;
    QLabel* m_presetDescription = nullptr;
    QFormLayout* m_arrivalForm = nullptr;
    QComboBox* m_arrival = nullptr;
    QComboBox* m_latencyKind = nullptr;
    QLineEdit* m_latencyA = nullptr;
    QLineEdit* m_latencyB = nullptr;
    QLineEdit* m_latencyC = nullptr;
    QFormLayout* m_jobForm = nullptr;
    QLabel* m_latencyError = nullptr;
    QComboBox* m_pace = nullptr;
};

} // namespace poollab
