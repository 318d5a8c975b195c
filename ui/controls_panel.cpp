// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/controls_panel.h"

#include "core/pool.h"
#include "io/scenario_fields.h"
#include "ui/field_editor.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <string_view>

namespace poollab {

namespace {

// The pace box's items, in simulated seconds per second (0 = as fast as possible).
constexpr double kPaces[] = {1, 10, 100, 1000, 0};

// The window's groups, in order, and the table's groups each gathers.
struct PanelGroup
{
    const char* title;
    std::initializer_list<std::string_view> tableGroups;
};
const PanelGroup kGroups[] = {
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Workers && queue"), {"Workers & queue"}},
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Arrivals"), {"Arrivals", "Run length"}},
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Job"), {"Job"}},
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Failures && retries"), {"Failures & retries"}},
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Rate limit"), {"Rate limit"}},
    {QT_TRANSLATE_NOOP("poollab::ControlsPanel", "Time"), {"Run"}},
};

// Fields the form leaves to files and the command line: the description is shown
// under the preset; the name, seed and sample interval are not edited live.
bool inWindow(const ScenarioField& f)
{
    const std::string_view key = f.key;
    return f.type != FieldType::Text && key != "seed" && key != "sample_interval";
}

// Real workers are OS threads; a simulated one is a few numbers.
int maxWorkers(TimeMode mode)
{
    return mode == TimeMode::Virtual ? Scenario::kMaxVirtualWorkers : PoolConfig::kMaxWorkers;
}

// A value as the change's label shows it: "off" for a rate limit of 0.
QString shownValue(const ScenarioField& f, const FieldValue& v)
{
    const bool zero = (std::holds_alternative<double>(v) && std::get<double>(v) == 0) ||
                      (std::holds_alternative<std::int64_t>(v) && std::get<std::int64_t>(v) == 0);
    return zero && *f.zero ? QString::fromUtf8(f.zero) : formatFieldValue(f, v);
}

QFormLayout* addGroup(QVBoxLayout* into, const QString& title)
{
    auto* box = new QGroupBox(title);
    auto* form = new QFormLayout(box);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setContentsMargins(6, 4, 6, 4);
    form->setVerticalSpacing(3);
    into->addWidget(box);
    return form;
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(6);
    addPresetGroup(layout);
    addFieldGroups(layout);
    layout->addStretch(1);
    setScenario(m_scenario);
}

void ControlsPanel::addPresetGroup(QVBoxLayout* layout)
{
    QFormLayout* form = addGroup(layout, tr("Preset"));
    m_preset = new QComboBox;
    m_preset->setObjectName(QStringLiteral("preset"));
    m_preset->setToolTip(tr("A ready-made scenario that shows one behaviour of a pool. Picking one "
                            "replaces every setting below (live, if a run is under way)."));
    m_presetDescription = new QLabel;
    m_presetDescription->setWordWrap(true);
    m_presetDescription->setObjectName(QStringLiteral("presetDescription"));
    m_presetDescription->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Minimum);
    form->addRow(m_preset);
    form->addRow(m_presetDescription);
    connect(m_preset, &QComboBox::activated, this, [this](int index) {
        if (index <= 0 || index > m_presets.size())
            return;
        emit presetChosen(index - 1); // the window shows it with setScenario()
    });
}

void ControlsPanel::addFieldGroups(QVBoxLayout* layout)
{
    for (const PanelGroup& group : kGroups) {
        QFormLayout* form = addGroup(layout, tr(group.title));
        for (const ScenarioField& field : scenarioFields()) {
            const auto& groups = group.tableGroups;
            if (!inWindow(field) || std::find(groups.begin(), groups.end(), field.group) == groups.end())
                continue;
            FieldEditor* editor = FieldEditor::create(field, form);
            editor->onEdited = [this, &field](const FieldValue& v) { fieldEdited(field, v); };
            m_editors.push_back(editor);
            if (std::string_view(field.key) == "workers")
                m_workers = qobject_cast<QSpinBox*>(editor->control());
        }
        if (std::string_view(group.title) == "Time")
            m_pace = addPaceRow(form);
    }
}

QComboBox* ControlsPanel::addPaceRow(QFormLayout* form)
{
    auto* pace = new QComboBox;
    pace->setObjectName(QStringLiteral("pace"));
    pace->addItems({QStringLiteral("1\u00d7"), QStringLiteral("10\u00d7"), QStringLiteral("100\u00d7"),
                    QStringLiteral("1000\u00d7"), tr("max")});
    pace->setToolTip(tr("Virtual time only: simulated seconds per real second. 'max' runs as fast as the "
                        "simulation goes. Applies live."));
    pace->setCurrentIndex(1);
    connect(pace, &QComboBox::currentIndexChanged, this,
            [this](int i) { emit paceChanged(kPaces[static_cast<std::size_t>(i)]); });
    form->addRow(tr("Pace"), pace);
    return pace;
}

void ControlsPanel::fieldEdited(const ScenarioField& field, const FieldValue& value)
{
    const FieldValue old = field.get(m_scenario);
    if (old == value)
        return;
    field.set(m_scenario, value);
    if (&field == findScenarioField("arrival"))
        updateVisibility();
    if (&field == findScenarioField("time_mode")) {
        timeModeChanged(std::get<std::string>(old) == "virtual" ? TimeMode::Virtual : TimeMode::Real);
        return;
    }
    edited(field, old, value);
}

void ControlsPanel::timeModeChanged(TimeMode old)
{
    m_pace->setEnabled(m_scenario.timeMode == TimeMode::Virtual);
    // Real threads cannot start more than kMaxWorkers: lower the count now rather
    // than have the next Start fail.
    const int workers = m_scenario.workers;
    m_scenario.workers = std::min(workers, maxWorkers(m_scenario.timeMode));
    updateWorkersRange();
    const ScenarioField& workersField = *findScenarioField("workers");
    const ScenarioField& timeField = *findScenarioField("time_mode");
    edited(workersField, std::int64_t{workers}, std::int64_t{m_scenario.workers});
    Scenario before = m_scenario;
    before.timeMode = old;
    edited(timeField, timeField.get(before), timeField.get(m_scenario));
    // Last, so that no "applied live" message covers it.
    if (m_scenario.workers != workers)
        emit notice(tr("Workers lowered from %1 to %2: real threads allow 1–%2 (virtual time "
                       "allows up to %3).")
                        .arg(workers)
                        .arg(m_scenario.workers)
                        .arg(Scenario::kMaxVirtualWorkers));
}

void ControlsPanel::setPresets(const QList<PresetEntry>& presets)
{
    m_presets = presets;
    m_preset->clear();
    m_preset->addItem(tr("Choose a preset…"));
    for (const PresetEntry& p : presets)
        m_preset->addItem(p.title.isEmpty() ? p.name : p.title, p.name);
    m_preset->setEnabled(!presets.isEmpty());
}

void ControlsPanel::setScenario(const Scenario& scenario)
{
    m_scenario = scenario;
    // Before the editors: the old range would clamp a virtual scenario's workers.
    updateWorkersRange();
    for (FieldEditor* editor : m_editors)
        editor->show(editor->field().get(m_scenario));
    m_pace->setEnabled(m_scenario.timeMode == TimeMode::Virtual);
    int presetIndex = 0;
    for (int i = 0; i < m_presets.size(); ++i)
        if (m_presets[i].scenario.name == scenario.name && !scenario.name.empty())
            presetIndex = i + 1;
    m_preset->setCurrentIndex(presetIndex);
    setModified(false);
    m_presetDescription->setText(QString::fromStdString(scenario.description));
    m_presetDescription->setVisible(!scenario.description.empty());
    fitDescription();
    updateVisibility();
}

void ControlsPanel::setPace(double factor)
{
    const auto* it = std::find(std::begin(kPaces), std::end(kPaces), factor);
    if (it != std::end(kPaces))
        m_pace->setCurrentIndex(static_cast<int>(it - std::begin(kPaces)));
}

void ControlsPanel::setModified(bool modified)
{
    m_modified = modified;
    // Item 0 ("Choose a preset…") stays as it is: a scenario of one's own has nothing
    // to differ from.
    for (int i = 1; i < m_preset->count(); ++i) {
        const PresetEntry& p = m_presets[i - 1];
        const QString title = p.title.isEmpty() ? p.name : p.title;
        m_preset->setItemText(i, modified && i == m_preset->currentIndex() ? tr("%1 (modified)").arg(title)
                                                                           : title);
    }
}

void ControlsPanel::fitDescription()
{
    if (!m_presetDescription->isVisibleTo(this) || m_presetDescription->text().isEmpty()) {
        m_presetDescription->setMinimumHeight(0);
        return;
    }
    // Before the first layout the label has no width yet: take the panel's, less the
    // margins of the panel, the group box and its form.
    int width = m_presetDescription->width();
    if (!m_presetDescription->testAttribute(Qt::WA_Resized) || width <= 1)
        width = std::max(width, this->width() - 24);
    m_presetDescription->setMinimumHeight(m_presetDescription->heightForWidth(std::max(width, 120)));
}

void ControlsPanel::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    fitDescription();
}

void ControlsPanel::edited(const ScenarioField& field, const FieldValue& from, const FieldValue& to)
{
    edited(QString::fromUtf8(field.label).toLower(), shownValue(field, from), shownValue(field, to));
}

void ControlsPanel::edited(const QString& key, const QString& from, const QString& to)
{
    if (from == to)
        return;
    if (!m_modified)
        setModified(true);
    emit scenarioEdited(m_scenario, key, from, to);
}

void ControlsPanel::updateVisibility()
{
    const ArrivalMask shown = arrivalBit(m_scenario.arrival);
    for (FieldEditor* editor : m_editors)
        editor->setRowVisible((editor->field().arrivals & shown) != 0);
}

void ControlsPanel::updateWorkersRange()
{
    const bool real = m_scenario.timeMode == TimeMode::Real;
    const QString range = real ? tr("Range 1–%1 with real threads (virtual time: up to %2).")
                                     .arg(PoolConfig::kMaxWorkers)
                                     .arg(Scenario::kMaxVirtualWorkers)
                               : tr("Range 1–%1 in virtual time (real threads: up to %2).")
                                     .arg(Scenario::kMaxVirtualWorkers)
                                     .arg(PoolConfig::kMaxWorkers);
    m_workers->setToolTip(QString::fromUtf8(findScenarioField("workers")->explain) + QLatin1Char(' ') +
                          range);
    // Blocked: a clamp by the box would be reported as an edit; callers report their own.
    const QSignalBlocker blocker(m_workers);
    m_workers->setMaximum(maxWorkers(m_scenario.timeMode));
    m_workers->setValue(m_scenario.workers);
}

} // namespace poollab
