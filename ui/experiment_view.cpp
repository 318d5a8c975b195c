// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/experiment_view.h"

#include "core/duration.h"
#include "core/scenario_fields.h"
#include "io/atomic_file.h"
#include "io/scenario_fields.h"
#include "io/sweep_csv.h"
#include "ui/experiment_chart.h"
#include "ui/summary_panel.h"

#include <QBuffer>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <atomic>
#include <cmath>
#include <exception>
#include <thread>

namespace poollab {

// One experiment on its thread. The thread writes result (or error) and then sets
// finished; the GUI reads them only after seeing finished, and joins.
struct ExperimentView::Running
{
    std::atomic<int> done{0};
    std::atomic<int> total{0};
    std::atomic<bool> cancel{false};
    std::atomic<bool> finished{false};
    ExperimentResult result;
    std::string error;
    std::thread thread;
};

namespace {

constexpr int kPollMs = 100;
constexpr int kProgressSteps = 1000;
constexpr int kImageMargin = 10;
constexpr int kLeastReplications = 2; // as --replications: an interval needs two

// The fields a sweep can take: those the command line's parser accepts (numeric ones),
// asked of parseSweep itself with the field's default so the two cannot differ.
std::vector<const ScenarioField*> sweepableFields()
{
    std::vector<const ScenarioField*> fields;
    for (const ScenarioField& f : scenarioFields()) {
        if (f.type != FieldType::Integer && f.type != FieldType::Number && f.type != FieldType::Duration)
            continue;
        const QString text =
            QString::fromUtf8(f.key) + QLatin1Char('=') + formatFieldValue(f, defaultFieldValue(f));
        Sweep sweep;
        std::string error;
        if (parseSweep(text.toStdString(), sweep, error))
            fields.push_back(&f);
    }
    return fields;
}

// A field's value in the sweep's units (a duration in seconds).
double sweepUnits(const ScenarioField& field, const FieldValue& v)
{
    if (const auto* i = std::get_if<std::int64_t>(&v))
        return field.type == FieldType::Duration ? static_cast<double>(*i) / 1e9 : static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v))
        return *d;
    return 0;
}

double roundStep(double v)
{
    if (!(v > 0))
        return 1;
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (const double step : {1.0, 2.0, 5.0, 10.0})
        if (v <= step * mag * (1 + 1e-9))
            return step * mag;
    return 10 * mag;
}

// A first range around the base scenario's value (in the sweep's units): half of it to
// twice it, about ten points, inside the field's range.
struct SuggestedRange
{
    double from = 0;
    double to = 0;
    double step = 1;
};
SuggestedRange rangeAround(const ScenarioField& field, double value)
{
    const bool duration = field.type == FieldType::Duration;
    const double scale = duration ? 1e-9 : 1; // the table's duration ranges are in ns
    const double min = field.min * scale;
    const double max = field.max * scale;
    const double low = std::max(min, minimumAboveZero(field));
    double from = value > 0 ? value / 2 : low;
    double to = value > 0 ? value * 2
                          : low + (duration                           ? 1
                                   : field.type == FieldType::Integer ? 10
                                                                      : max / 10);
    from = std::clamp(from, min, max);
    to = std::clamp(to, from, max);
    double step = roundStep((to - from) / 10);
    if (field.type == FieldType::Integer) {
        step = std::max(1.0, std::round(step));
        from = std::ceil(from);
        to = std::floor(to);
    }
    if (duration)
        step = std::max(step, 0.001);
    return {from, to, step};
}

QString commaList(const QString& text)
{
    QStringList parts = text.split(QLatin1Char(','));
    for (QString& p : parts)
        p = p.trimmed();
    return parts.join(QLatin1Char(','));
}

QLabel* buddyLabel(const QString& text, QWidget* buddy)
{
    auto* label = new QLabel(text);
    label->setBuddy(buddy);
    return label;
}

bool endsWithUnit(const QString& text)
{
    return !text.isEmpty() && (text.back().isLetter() || text.back() == QLatin1Char('%'));
}

// What --target appends when the value has no unit: the measure's own ("ms", "s"),
// "%" for a share.
QString targetSuffix(const ExperimentMeasure& m)
{
    const QString unit = QString::fromUtf8(m.unit);
    if (unit.isEmpty())
        return QStringLiteral("%");
    if (unit == QLatin1String("ms") || unit == QLatin1String("s"))
        return unit;
    return {};
}

} // namespace

ExperimentView::ExperimentView(QWidget* parent) : QWidget(parent)
{
    m_base.timeMode = TimeMode::Virtual;
    m_poll = new QTimer(this);
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &ExperimentView::poll);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createInputs());
    layout->addWidget(createOutputs(), 1);
    setInputsEnabled(true);
    updateBaseText();
    onFieldChosen();
    onMeasureChosen();
}

ExperimentView::~ExperimentView()
{
    if (m_run) {
        m_run->cancel.store(true);
        if (m_run->thread.joinable())
            m_run->thread.join();
    }
}

// The field, and a range or a list of its values.
QHBoxLayout* ExperimentView::createSweepRow()
{
    m_field = new QComboBox;
    m_field->setObjectName(QStringLiteral("sweepField"));
    for (const ScenarioField* f : sweepableFields())
        m_field->addItem(QString::fromUtf8(f->label), QString::fromUtf8(f->key));
    m_field->setCurrentIndex(std::max(0, m_field->findData(QStringLiteral("workers"))));
    m_valuesKind = new QComboBox;
    m_valuesKind->addItems({tr("from"), tr("list")});
    m_valuesKind->setToolTip(tr("A range (from, to and step, both ends included) or a list of values"));
    m_from = new QLineEdit;
    m_to = new QLineEdit;
    m_step = new QLineEdit;
    m_list = new QLineEdit;
    m_from->setObjectName(QStringLiteral("sweepFrom"));
    m_to->setObjectName(QStringLiteral("sweepTo"));
    m_step->setObjectName(QStringLiteral("sweepStep"));
    m_list->setObjectName(QStringLiteral("sweepList"));
    m_list->setPlaceholderText(tr("4, 8, 16"));
    auto* range = new QWidget;
    auto* rangeRow = new QHBoxLayout(range);
    rangeRow->setContentsMargins(0, 0, 0, 0);
    rangeRow->addWidget(m_from, 1);
    rangeRow->addWidget(new QLabel(tr("to")));
    rangeRow->addWidget(m_to, 1);
    rangeRow->addWidget(new QLabel(tr("step")));
    rangeRow->addWidget(m_step, 1);
    m_values = new QStackedWidget;
    m_values->addWidget(range);
    m_values->addWidget(m_list);
    m_values->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    auto* valuesRow = new QHBoxLayout;
    valuesRow->addWidget(m_field);
    valuesRow->addWidget(m_valuesKind);
    valuesRow->addWidget(m_values, 1);
    return valuesRow;
}

QWidget* ExperimentView::createInputs()
{
    auto* box = new QWidget;
    auto* grid = new QGridLayout(box);
    grid->setContentsMargins(0, 0, 0, 0);
    m_baseText = new QLabel;
    m_baseText->setObjectName(QStringLiteral("experimentBase"));
    m_baseText->setWordWrap(true);
    grid->addWidget(m_baseText, 0, 0, 1, 4);

    grid->addLayout(createSweepRow(), 1, 1);
    grid->addWidget(buddyLabel(tr("S&weep"), m_field), 1, 0);
    // What the field is, its range and unit, and its value in the window's scenario.
    m_fieldHelp = new QLabel;
    m_fieldHelp->setObjectName(QStringLiteral("sweepFieldHelp"));
    m_fieldHelp->setWordWrap(true);
    m_fieldHelp->setForegroundRole(QPalette::PlaceholderText);
    grid->addWidget(m_fieldHelp, 2, 1);

    m_replications = new QSpinBox;
    m_replications->setObjectName(QStringLiteral("replications"));
    m_replications->setRange(kLeastReplications, kMaxReplications);
    m_replications->setValue(10);
    m_replications->setToolTip(tr("Runs per value, with seeds seed, seed+1, … (the same at every value: "
                                  "differences between values are not seed noise). From %1 to %2.")
                                   .arg(kLeastReplications)
                                   .arg(kMaxReplications));
    m_warmup = new QLineEdit(QStringLiteral("0s"));
    m_warmup->setObjectName(QStringLiteral("warmup"));
    m_warmup->setToolTip(tr("Latencies of jobs that arrive before this are left out (the pool starts "
                            "empty). A duration such as 30s or 500ms; 0 keeps every job."));
    auto* runsRow = new QHBoxLayout;
    runsRow->addWidget(m_replications);
    runsRow->addWidget(new QLabel(tr("replications, warm-up")));
    runsRow->addWidget(m_warmup);
    runsRow->addStretch(1);
    grid->addWidget(buddyLabel(tr("R&uns"), m_replications), 3, 0);
    grid->addLayout(runsRow, 3, 1);

    m_measure = new QComboBox;
    m_measure->setObjectName(QStringLiteral("measure"));
    for (const ExperimentMeasure& m : experimentMeasures()) {
        m_measure->addItem(QStringLiteral("%1 (%2)").arg(QString::fromUtf8(m.label), measureUnit(m)),
                           QString::fromUtf8(m.key));
        m_measure->setItemData(
            m_measure->count() - 1,
            tr("%1 on the command line (--target, the summary JSON's ci95)").arg(QString::fromUtf8(m.key)),
            Qt::ToolTipRole);
    }
    m_comparison = new QComboBox;
    m_comparison->setObjectName(QStringLiteral("targetComparison"));
    m_comparison->addItem(tr("no target"), QString());
    m_comparison->addItem(tr("below"), QStringLiteral("<"));
    m_comparison->addItem(tr("above"), QStringLiteral(">"));
    m_comparison->setToolTip(tr("The answer is the smallest value whose whole 95 % interval is on this side "
                                "of the target"));
    m_targetValue = new QLineEdit;
    m_targetValue->setObjectName(QStringLiteral("targetValue"));
    m_targetUnit = new QLabel;
    auto* measureRow = new QHBoxLayout;
    measureRow->addWidget(m_measure, 1);
    measureRow->addWidget(m_comparison);
    measureRow->addWidget(m_targetValue);
    measureRow->addWidget(m_targetUnit);
    grid->addWidget(buddyLabel(tr("&Measure"), m_measure), 4, 0);
    grid->addLayout(measureRow, 4, 1);

    m_runButton = new QPushButton(tr("Run experiment"));
    m_runButton->setObjectName(QStringLiteral("runExperiment"));
    m_runButton->setDefault(true);
    m_cancelButton = new QPushButton(tr("Cancel"));
    m_cancelButton->setObjectName(QStringLiteral("cancelExperiment"));
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("experimentProgress"));
    m_progress->setMaximum(kProgressSteps); // from 0
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("Not run yet"));
    m_progress->setValue(0);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(m_runButton);
    runRow->addWidget(m_cancelButton);
    runRow->addWidget(m_progress, 1);
    grid->addLayout(runRow, 5, 0, 1, 2);
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("experimentError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();
    grid->addWidget(m_error, 6, 0, 1, 2);
    grid->setColumnStretch(1, 1);

    connect(m_field, &QComboBox::currentIndexChanged, this, &ExperimentView::onFieldChosen);
    for (QLineEdit* edit : {m_from, m_to, m_step})
        connect(edit, &QLineEdit::textEdited, this, [this] { m_rangeEdited = true; });
    connect(m_measure, &QComboBox::currentIndexChanged, this, &ExperimentView::onMeasureChosen);
    connect(m_valuesKind, &QComboBox::currentIndexChanged, m_values, &QStackedWidget::setCurrentIndex);
    connect(m_comparison, &QComboBox::currentIndexChanged, this,
            [this] { m_targetValue->setEnabled(!m_comparison->currentData().toString().isEmpty()); });
    // "1s" or "5%" carries its own unit: the measure's beside it would read "1s ms".
    connect(m_targetValue, &QLineEdit::textChanged, this,
            [this](const QString& text) { m_targetUnit->setVisible(!endsWithUnit(text.trimmed())); });
    connect(m_runButton, &QPushButton::clicked, this, &ExperimentView::start);
    connect(m_cancelButton, &QPushButton::clicked, this, &ExperimentView::cancel);
    m_targetValue->setEnabled(false);
    return box;
}

QWidget* ExperimentView::createOutputs()
{
    m_plotArea = new QWidget;
    m_plotArea->setObjectName(QStringLiteral("experimentPlot"));
    m_plotArea->setAutoFillBackground(true);
    m_plotArea->setBackgroundRole(QPalette::Base);
    m_chart = new ExperimentChart;
    m_answer = new QLabel;
    m_answer->setObjectName(QStringLiteral("experimentAnswer"));
    m_answer->setWordWrap(true);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_answer->setContentsMargins(8, 4, 8, 6);
    auto* plotLayout = new QVBoxLayout(m_plotArea);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->setSpacing(0);
    plotLayout->addWidget(m_chart, 1);
    plotLayout->addWidget(m_answer);

    m_exportCsv = new QPushButton(tr("Export sweep CSV…"));
    m_exportCsv->setObjectName(QStringLiteral("exportSweepCsv"));
    m_exportImage = new QPushButton(tr("Export image…"));
    m_exportImage->setObjectName(QStringLiteral("exportExperimentImage"));
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export sweep CSV"), QDir(m_lastDir).filePath(QStringLiteral("sweep.csv")),
            tr("CSV (*.csv)"));
        if (!path.isEmpty() && !exportSweepCsv(path))
            showError(m_lastError);
    });
    connect(m_exportImage, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export experiment chart"), QDir(m_lastDir).filePath(QStringLiteral("experiment.png")),
            tr("PNG image (*.png)"));
        if (!path.isEmpty() && !exportImage(path))
            showError(m_lastError);
    });
    auto* exports = new QHBoxLayout;
    exports->addStretch(1);
    exports->addWidget(m_exportCsv);
    exports->addWidget(m_exportImage);

    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plotArea, 1);
    layout->addLayout(exports);
    return box;
}

void ExperimentView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_source && !isRunning())
        setBaseScenario(m_source());
}

void ExperimentView::setBaseScenario(const Scenario& scenario)
{
    const std::string before = m_base.name;
    adoptScenario(scenario);
    // A first range around another scenario's value, unless the user typed one.
    if (before != m_base.name && !m_rangeEdited)
        suggestRange();
}

void ExperimentView::adoptScenario(const Scenario& scenario)
{
    m_base = scenario;
    m_base.timeMode = TimeMode::Virtual; // replications are virtual runs
    updateBaseText();
    updateFieldHelp();
}

void ExperimentView::updateBaseText()
{
    const QString name = m_base.name.empty()
                             ? tr("the window's scenario")
                             : QStringLiteral("\u201c%1\u201d").arg(QString::fromStdString(m_base.name));
    m_baseText->setText(
        tr("Runs %1 with the window's settings, in virtual time, changing only the swept field.").arg(name));
}

void ExperimentView::setTheme(Theme theme)
{
    m_theme = theme;
    m_chart->setTheme(theme);
    showError(m_error->isHidden() ? QString() : m_error->text()); // its red follows the theme
}

const ScenarioField* ExperimentView::chosenField() const
{
    return findScenarioField(m_field->currentData().toString().toStdString());
}

const ExperimentMeasure* ExperimentView::chosenMeasure() const
{
    return findExperimentMeasure(m_measure->currentData().toString().toStdString());
}

void ExperimentView::onFieldChosen()
{
    const ScenarioField* field = chosenField();
    if (!field)
        return;
    suggestRange(); // a range typed for the previous field does not fit this one
    for (QLineEdit* edit : {m_from, m_to, m_step, m_list})
        edit->setToolTip(fieldToolTip(*field)); // it ends with what is allowed
    m_field->setToolTip(fieldToolTip(*field));
    updateFieldHelp();
}

void ExperimentView::suggestRange()
{
    const ScenarioField* field = chosenField();
    if (!field)
        return;
    const SuggestedRange r = rangeAround(*field, sweepUnits(*field, field->get(m_base)));
    m_from->setText(QString::fromStdString(formatSweepValue(*field, r.from)));
    m_to->setText(QString::fromStdString(formatSweepValue(*field, r.to)));
    m_step->setText(QString::fromStdString(formatSweepValue(*field, r.step)));
    m_rangeEdited = false;
}

void ExperimentView::updateFieldHelp()
{
    const ScenarioField* field = chosenField();
    if (!field)
        return;
    m_fieldHelp->setText(
        tr("%1 Allowed: %2. The window's scenario has %3.")
            .arg(QString::fromUtf8(field->help), allowedText(*field), formatFieldValue(*field, m_base)));
}

void ExperimentView::onMeasureChosen()
{
    const ExperimentMeasure* m = chosenMeasure();
    if (!m)
        return;
    const QString suffix = targetSuffix(*m);
    m_targetUnit->setText(suffix.isEmpty() ? QString::fromUtf8(m->unit) : suffix);
    m_targetValue->setToolTip(tr("A number in %1, or with a unit of its own (2s, 1%)")
                                  .arg(suffix.isEmpty() ? QString::fromUtf8(m->unit) : suffix));
}

bool ExperimentView::setSweepField(const QString& key)
{
    const int i = m_field->findData(key);
    if (i < 0)
        return false;
    m_field->setCurrentIndex(i);
    return true;
}

void ExperimentView::setRange(const QString& from, const QString& to, const QString& step)
{
    m_valuesKind->setCurrentIndex(0);
    m_from->setText(from);
    m_to->setText(to);
    m_step->setText(step);
    m_rangeEdited = true;
}

void ExperimentView::setValueList(const QString& values)
{
    m_valuesKind->setCurrentIndex(1);
    m_list->setText(values);
}

void ExperimentView::setReplications(int replications)
{
    m_replications->setValue(replications);
}

void ExperimentView::setWarmup(const QString& duration)
{
    m_warmup->setText(duration);
}

bool ExperimentView::setMeasure(const QString& key)
{
    const int i = m_measure->findData(key);
    if (i < 0)
        return false;
    m_measure->setCurrentIndex(i);
    return true;
}

void ExperimentView::setTarget(const QString& comparison, const QString& value)
{
    m_comparison->setCurrentIndex(std::max(0, m_comparison->findData(comparison)));
    m_targetValue->setText(value);
}

QString ExperimentView::sweepText() const
{
    const QString key = m_field->currentData().toString();
    if (m_valuesKind->currentIndex() == 1)
        return key + QLatin1Char('=') + commaList(m_list->text());
    return QStringLiteral("%1=%2:%3:%4")
        .arg(key, m_from->text().trimmed(), m_to->text().trimmed(), m_step->text().trimmed());
}

QString ExperimentView::targetText() const
{
    const QString comparison = m_comparison->currentData().toString();
    const ExperimentMeasure* m = chosenMeasure();
    if (comparison.isEmpty() || !m)
        return {};
    const QString value = m_targetValue->text().trimmed();
    return QString::fromUtf8(m->key) + comparison + value +
           (endsWithUnit(value) ? QString() : targetSuffix(*m));
}

std::optional<ExperimentSpec> ExperimentView::spec(QString* error) const
{
    ExperimentSpec s;
    s.scenario = m_base;
    s.scenario.timeMode = TimeMode::Virtual;
    s.replications = m_replications->value();
    std::string message;
    Sweep sweep;
    if (!parseSweep(sweepText().toStdString(), sweep, message)) {
        *error = tr("Sweep: %1").arg(QString::fromStdString(message));
        return std::nullopt;
    }
    s.sweep = std::move(sweep);
    const QString warmup = m_warmup->text().trimmed();
    // As --warmup reads it.
    const std::optional<Nanos> w = warmup.isEmpty() ? Nanos{0} : parseDuration(warmup.toStdString());
    if (!w || *w > 24 * 3600 * kSecond) {
        *error = tr("Warm-up: '%1' is %2; allowed: a duration from 0ms to 24h with a unit (us, ms, s, m, h), "
                    "e.g. 60s")
                     .arg(elided(warmup), w ? tr("out of range") : tr("not a duration"));
        return std::nullopt;
    }
    s.warmup = *w;
    s.threads = m_threads;
    if (!m_comparison->currentData().toString().isEmpty()) {
        if (m_targetValue->text().trimmed().isEmpty()) {
            *error = tr("Target: enter the value the %1 must stay %2")
                         .arg(m_measure->currentText(), m_comparison->currentText());
            return std::nullopt;
        }
        Target target;
        if (!parseTarget(targetText().toStdString(), target, message)) {
            *error = tr("Target: %1").arg(QString::fromStdString(message));
            return std::nullopt;
        }
        s.target = target;
    }
    // Every point is a scenario of its own: each must pass the checks a scenario file's
    // would (a rate of 0 with Poisson arrivals, a burst without jobs...).
    for (const double v : s.sweep->values) {
        Scenario point = s.scenario;
        applySweepValue(*s.sweep->field, v, point);
        if (const QString problem = validateScenario(point); !problem.isEmpty()) {
            *error = tr("At %1: %2").arg(describeSweepValue(*s.sweep->field, v), problem);
            return std::nullopt;
        }
    }
    return s;
}

void ExperimentView::showError(const QString& message)
{
    m_error->setVisible(!message.isEmpty());
    m_error->setText(message);
    const QColor red = m_theme == Theme::Dark ? QColor(0xf8, 0x71, 0x71) : QColor(0xb9, 0x1c, 0x1c);
    m_error->setStyleSheet(QStringLiteral("color: %1;").arg(red.name()));
}

QString ExperimentView::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ExperimentView::setInputsEnabled(bool enabled)
{
    for (QWidget* w : std::initializer_list<QWidget*>{m_field, m_valuesKind, m_values, m_replications,
                                                      m_warmup, m_measure, m_comparison, m_runButton})
        w->setEnabled(enabled);
    m_targetValue->setEnabled(enabled && !m_comparison->currentData().toString().isEmpty());
    m_cancelButton->setEnabled(!enabled);
    m_exportCsv->setEnabled(enabled && m_result && !m_result->points.empty());
    m_exportImage->setEnabled(enabled && m_result && !m_result->points.empty());
}

bool ExperimentView::start()
{
    if (isRunning())
        return false;
    // The window's settings as they are now, but the inputs as the user left them: a
    // range is only ever suggested when the view is shown or the field changes.
    if (m_source)
        adoptScenario(m_source());
    QString error;
    std::optional<ExperimentSpec> s = spec(&error);
    if (!s) {
        showError(error);
        return false;
    }
    showError({});
    m_runningSpec = *s;
    m_runningSweepValues = sweepText().section(QLatin1Char('='), 1);
    m_runningMeasure = s->target ? s->target->measure : chosenMeasure();
    m_run = std::make_unique<Running>();
    Running* run = m_run.get();
    run->total.store(static_cast<int>(s->sweep->values.size()) * s->replications);
    run->thread = std::thread([run, spec = std::move(*s)] {
        try {
            run->result = runExperiment(
                spec,
                [run](int done, int total) {
                    run->done.store(done, std::memory_order_relaxed);
                    run->total.store(total, std::memory_order_relaxed);
                },
                &run->cancel);
        } catch (const std::exception& e) {
            run->error = e.what();
        }
        run->finished.store(true, std::memory_order_release);
    });
    m_clock.start();
    m_chart->clear(tr("Running %1 values \u00d7 %2 replications (--sweep %3)\u2026")
                       .arg(m_runningSpec.sweep->values.size())
                       .arg(m_runningSpec.replications)
                       .arg(sweepText()));
    m_answer->clear();
    setInputsEnabled(false);
    m_poll->start();
    poll();
    return true;
}

void ExperimentView::cancel()
{
    if (m_run)
        m_run->cancel.store(true);
}

int ExperimentView::runsDone() const
{
    return m_run ? m_run->done.load(std::memory_order_relaxed) : 0;
}

int ExperimentView::runsTotal() const
{
    return m_run ? m_run->total.load(std::memory_order_relaxed) : 0;
}

QString ExperimentView::progressText() const
{
    return m_progress->text();
}

void ExperimentView::poll()
{
    if (!m_run)
        return;
    if (m_run->finished.load(std::memory_order_acquire)) {
        finish();
        return;
    }
    const int done = runsDone();
    const int total = std::max(1, runsTotal());
    const QLocale locale;
    m_progress->setValue(static_cast<int>(static_cast<qint64>(done) * kProgressSteps / total));
    QString eta = tr("ETA \u2026");
    if (done > 0) {
        const double elapsed = static_cast<double>(m_clock.elapsed()) / 1000;
        eta = tr("ETA %1").arg(formatSeconds(elapsed * (total - done) / done));
    }
    if (m_run->cancel.load())
        eta = tr("cancelling");
    m_progress->setFormat(
        tr("%1 of %2 runs \u00b7 %3").arg(locale.toString(done), locale.toString(total), eta));
}

void ExperimentView::finish()
{
    m_poll->stop();
    m_run->thread.join();
    std::unique_ptr<Running> run = std::move(m_run);
    const QLocale locale;
    const double seconds = static_cast<double>(m_clock.elapsed()) / 1000;
    if (!run->error.empty()) {
        m_result.reset();
        m_chart->clear();
        showError(tr("The experiment failed: %1").arg(QString::fromStdString(run->error)));
        m_progress->setValue(0);
        m_progress->setFormat(tr("Failed"));
        setInputsEnabled(true);
        emit finished();
        return;
    }
    m_result = std::move(run->result);
    m_resultSpec = std::move(m_runningSpec);
    m_resultSweepValues = m_runningSweepValues;
    const int done = run->done.load();
    const int total = run->total.load();
    m_progress->setValue(m_result->cancelled
                             ? static_cast<int>(qint64{done} * kProgressSteps / std::max(1, total))
                             : kProgressSteps);
    m_progress->setFormat(
        m_result->cancelled
            ? tr("Cancelled \u00b7 %1 of %2 runs").arg(locale.toString(done), locale.toString(total))
            : tr("Done \u00b7 %1 runs in %2").arg(locale.toString(total), formatSeconds(seconds)));
    m_resultMeasure = m_runningMeasure;
    const ExperimentMeasure* measure = m_resultMeasure;
    const ScenarioField* field = m_resultSpec.sweep ? m_resultSpec.sweep->field : nullptr;
    m_chart->plot(*m_result, field, *measure, m_resultSpec.target);
    m_answer->setText(answerText());
    setInputsEnabled(true);
    emit finished();
}

QString ExperimentView::answerSentence() const
{
    if (!m_result)
        return {};
    const ExperimentResult& r = *m_result;
    const ExperimentSpec& s = m_resultSpec;
    const ScenarioField* field = s.sweep ? s.sweep->field : nullptr;
    QString prefix;
    if (r.cancelled)
        prefix = tr("Cancelled: %1 of %2 values finished. ")
                     .arg(r.points.size())
                     .arg(s.sweep ? s.sweep->values.size() : 1);
    if (r.points.empty() || !field)
        return prefix.trimmed();
    const ExperimentMeasure* measure = m_resultMeasure;
    const auto index = static_cast<std::size_t>(measure - experimentMeasures().data());
    const QString label = QString::fromUtf8(measure->label);
    if (!s.target)
        return prefix +
               tr("No target set: the chart shows the %1 at each value, with its 95 % interval over %2 "
                  "replications.")
                   .arg(label)
                   .arg(s.replications);
    const QString goal = QStringLiteral("%1 %2 %3")
                             .arg(label, s.target->below ? QStringLiteral("<") : QStringLiteral(">"),
                                  limitText(*measure, s.target->limit));
    if (!r.answer) {
        return prefix + tr("No value from %1 to %2 meets %3 with its whole 95 % interval.")
                            .arg(describeSweepValue(*field, r.points.front().value),
                                 describeSweepValue(*field, r.points.back().value), goal);
    }
    const ExperimentPoint& a = r.points[*r.answer];
    QString sentence = prefix + tr("%1 is the smallest value that meets %2: %3 (95 % interval over %4 "
                                   "replications).")
                                    .arg(describeSweepValue(*field, a.value), goal,
                                         estimateText(*measure, a.estimates.at(index)))
                                    .arg(s.replications);
    if (a.theory.applies && measure->predicted) {
        if (const std::optional<double> p = measure->predicted(a.theory.metrics); p && std::isfinite(*p))
            sentence += QLatin1Char(' ') +
                        tr("Theory (%1) predicts %2.")
                            .arg(QString::fromStdString(a.theory.model), measureText(*measure, *p));
    }
    return sentence;
}

QString ExperimentView::answerText() const
{
    QString text = answerSentence();
    if (!m_result)
        return text;
    // As the command line warns: replications that saw nothing after the warm-up.
    if (const std::string warning = unobservedWarning(m_resultSpec, *m_result); !warning.empty()) {
        QString sentence = QString::fromStdString(warning);
        sentence[0] = sentence[0].toUpper();
        text += QLatin1Char(' ') + sentence + QLatin1Char('.');
    }
    return text;
}

bool ExperimentView::exportSweepCsv(const QString& path)
{
    m_lastDir = QFileInfo(path).absolutePath();
    if (!m_result || m_result->points.empty()) {
        m_lastError = tr("Nothing to export: run an experiment first.");
        return false;
    }
    // The command line's writer: the same bytes as --sweep-csv for the same experiment.
    QString error;
    if (!writeFileAtomically(path, sweepToCsv(*m_resultSpec.sweep, *m_result), &error)) {
        m_lastError = error;
        return false;
    }
    return true;
}

QString ExperimentView::imageCaption() const
{
    const ExperimentSpec& s = m_resultSpec;
    QStringList parts;
    parts << (s.scenario.name.empty()
                  ? tr("PoolLab experiment")
                  : tr("PoolLab experiment on \u201c%1\u201d").arg(QString::fromStdString(s.scenario.name)));
    if (s.sweep)
        parts << QStringLiteral("--sweep %1=%2")
                     .arg(QString::fromUtf8(s.sweep->field->key), m_resultSweepValues);
    parts << tr("%1 replications, seeds from %2").arg(s.replications).arg(s.scenario.seed);
    if (s.warmup > 0)
        parts << tr("warm-up %1").arg(QString::fromStdString(formatDuration(s.warmup)));
    parts << tr("virtual time");
    parts << QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return parts.join(QStringLiteral(" \u00b7 "));
}

bool ExperimentView::exportImage(const QString& requested)
{
    QString path = requested;
    if (QFileInfo(path).suffix().compare(QLatin1String("png"), Qt::CaseInsensitive) != 0)
        path += QStringLiteral(".png");
    m_lastDir = QFileInfo(path).absolutePath();
    // What was run above the chart, as the main window's exports carry their settings.
    const QPixmap plot = m_plotArea->grab();
    const qreal dpr = plot.devicePixelRatio();
    const int width = m_plotArea->width();
    const QRect textRect(kImageMargin, kImageMargin, width - 2 * kImageMargin, 10000);
    const QString text = imageCaption();
    const QRect textBox = QFontMetrics(font()).boundingRect(textRect, Qt::TextWordWrap, text);
    const int top = textBox.bottom() + kImageMargin;
    QImage image(QSize(width, top + m_plotArea->height()) * dpr, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    painter.setFont(font());
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(textRect, Qt::TextWordWrap, text);
    painter.drawPixmap(0, top, plot);
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        m_lastError = tr("The chart could not be drawn as PNG.");
        return false;
    }
    QString error;
    if (!writeFileAtomically(path, bytes, &error)) {
        m_lastError = error;
        return false;
    }
    return true;
}

} // namespace poollab
