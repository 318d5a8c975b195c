// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/controls_panel.h"

#include "core/distribution.h"
#include "core/duration.h"
#include "core/pool.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace poollab {

namespace {

// The settings every numeric control shares.
template <typename Box, typename Value>
Box* setUpSpinBox(Box* box, const char* name, Value min, Value max, const QString& suffix, const QString& tip)
{
    box->setObjectName(QString::fromLatin1(name));
    box->setRange(min, max);
    box->setSuffix(suffix);
    box->setToolTip(tip);
    box->setGroupSeparatorShown(true);
    // Typing "40" applies 40, not 4 then 40; the arrows still apply each step.
    box->setKeyboardTracking(false);
    box->setAccelerated(true);
    return box;
}

// The pace box's items, in simulated seconds per second (0 = as fast as possible).
constexpr double kPaces[] = {1, 10, 100, 1000, 0};

// Real workers are OS threads; a simulated one is a few numbers.
int maxWorkers(TimeMode mode)
{
    return mode == TimeMode::Virtual ? Scenario::kMaxVirtualWorkers : PoolConfig::kMaxWorkers;
}

QString durationText(Nanos ns)
{
    return QString::fromStdString(formatDuration(ns));
}

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

void markInvalid(QWidget* w, bool invalid)
{
    w->setStyleSheet(invalid ? QStringLiteral("QLineEdit { border: 2px solid #dc2626; }") : QString());
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

// Latency spec <-> (kind, up to three arguments).
struct LatencyParts
{
    int kind = 0; // index into kLatencyKinds
    QStringList args;
};
const char* const kLatencyKinds[] = {"constant", "uniform", "exp", "normal", "lognormal", "bimodal"};

LatencyParts splitSpec(const std::string& spec)
{
    LatencyParts parts;
    const QString text = QString::fromStdString(spec).trimmed();
    const auto open = text.indexOf(QLatin1Char('('));
    if (open < 0 || !text.endsWith(QLatin1Char(')'))) {
        parts.args << text;
        return parts;
    }
    const QString name = text.left(open).trimmed();
    for (int i = 0; i < 6; ++i)
        if (name == QLatin1String(kLatencyKinds[i]) || (i == 2 && name == QLatin1String("exponential")))
            parts.kind = i;
    for (const QString& a : text.mid(open + 1, text.size() - open - 2).split(QLatin1Char(',')))
        parts.args << a.trimmed();
    return parts;
}

} // namespace

ControlsPanel::ControlsPanel(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(6);

    // Preset
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

    // Workers & queue
    {
        QFormLayout* form = addGroup(layout, tr("Workers && queue"));
        // The range and tooltip follow the time mode: updateWorkersRange().
        m_workers = addIntRow(form, "workers", &Scenario::workers, 1, PoolConfig::kMaxWorkers, QString(),
                              tr("Workers"), QString(), QStringLiteral("workers"));

        addIntRow(form, "queueCapacity", &Scenario::queueCapacity, 0, PoolConfig::kMaxQueueCapacity,
                  tr(" jobs"), tr("Queue capacity"),
                  tr("How many accepted jobs may wait for a worker. A big queue absorbs "
                     "bursts but turns overload into long waits; 0 is a direct hand-off. "
                     "Shrinking below the current depth drops nothing. Range 0–%1.")
                      .arg(PoolConfig::kMaxQueueCapacity),
                  QStringLiteral("queue"));

        QComboBox* overflow = choiceBox(
            "overflow", {tr("Block (backpressure)"), tr("Reject new job"), tr("Drop oldest job")},
            tr("What a full queue does to a new job. Block: the producer waits, so load slows to what the "
               "pool can take. Reject: the new job is refused and counted. Drop oldest: the job that "
               "waited longest is thrown away to make room, which keeps latency fresh."));
        connect(overflow, &QComboBox::currentIndexChanged, this, [this, overflow](int i) {
            const QString old = QString::fromUtf8(toString(m_scenario.overflow).data());
            m_scenario.overflow = static_cast<OverflowPolicy>(i);
            Q_UNUSED(overflow);
            edited(QStringLiteral("overflow"), old, QString::fromUtf8(toString(m_scenario.overflow).data()));
        });
        m_fillers.push_back(
            [this, overflow] { overflow->setCurrentIndex(static_cast<int>(m_scenario.overflow)); });
        form->addRow(tr("When full"), overflow);
    }

    // Arrivals
    {
        QFormLayout* form = addGroup(layout, tr("Arrivals"));
        m_arrivalForm = form;
        m_arrival = choiceBox("arrival",
                              {tr("Burst (all at once)"), tr("Constant rate"), tr("Poisson (random)"),
                               tr("Ramp"), tr("Spike"), tr("Closed (K clients)")},
                              tr("How jobs arrive. Burst: all of them at t=0. Constant: evenly spaced. "
                                 "Poisson: random gaps with the given mean rate, as independent users "
                                 "make. Ramp: the rate moves linearly from start to end. Spike: a base "
                                 "rate with a short high-rate window. Closed: K clients each wait for "
                                 "their job, think, then send the next; load falls as latency grows."));
        connect(m_arrival, &QComboBox::currentIndexChanged, this, [this](int i) {
            const int old = static_cast<int>(m_scenario.arrival);
            m_scenario.arrival = static_cast<ArrivalKind>(i);
            updateVisibility();
            edited(QStringLiteral("arrivals"), m_arrival->itemText(old), m_arrival->itemText(i));
        });
        m_fillers.push_back([this] { m_arrival->setCurrentIndex(static_cast<int>(m_scenario.arrival)); });
        form->addRow(tr("Pattern"), m_arrival);

        const auto rateRow = [&](const char* name, double Scenario::*field, const QString& label,
                                 const QString& tip, const QString& key) {
            QDoubleSpinBox* box = realBox(name, 0.1, 1e6, 1, tr(" jobs/s"), tip);
            connect(box, &QDoubleSpinBox::valueChanged, this, [this, field, key](double v) {
                const double old = m_scenario.*field;
                m_scenario.*field = v;
                edited(key, number(old), number(v));
            });
            m_fillers.push_back([this, box, field] { box->setValue(m_scenario.*field); });
            form->addRow(label, box);
        };
        rateRow("rate", &Scenario::rate, tr("Rate"),
                tr("Mean arrival rate λ (the start rate of a ramp, the base rate of a spike). When λ "
                   "exceeds what the workers can finish, the queue grows. Range 0.1–1,000,000."),
                QStringLiteral("rate"));
        rateRow("rateEnd", &Scenario::rateEnd, tr("End rate"),
                tr("Ramp: the rate reached at the end of the ramp."), QStringLiteral("end rate"));
        addDurationRow(
            form, "rampDuration", &Scenario::rampDuration, kMilli, 24 * 3600 * kSecond, tr("Ramp time"),
            tr("Ramp: how long the rate takes to go from start to end, e.g. 10s."), QStringLiteral("ramp"));
        rateRow("spikeRate", &Scenario::spikeRate, tr("Spike rate"),
                tr("Spike: the arrival rate inside the spike window."), QStringLiteral("spike rate"));
        addDurationRow(form, "spikeStart", &Scenario::spikeStart, 0, 24 * 3600 * kSecond, tr("Spike at"),
                       tr("Spike: when the spike starts, from the start of the run."),
                       QStringLiteral("spike at"));
        addDurationRow(form, "spikeDuration", &Scenario::spikeDuration, kMilli, 24 * 3600 * kSecond,
                       tr("Spike length"), tr("Spike: how long the high rate lasts."),
                       QStringLiteral("spike length"));
        addIntRow(form, "clients", &Scenario::clients, 1, 100000, QString(), tr("Clients"),
                  tr("Closed model: the number of clients. Each has at most one job in the "
                     "system, so the queue can never hold more than K. Range 1–100000."),
                  QStringLiteral("clients"));
        addDurationRow(form, "thinkTime", &Scenario::thinkTime, 0, 3600 * kSecond, tr("Think time"),
                       tr("Closed model: the pause between a client's job finishing and its next one."),
                       QStringLiteral("think"));

        QSpinBox* jobs = intBox("jobs", 0, 1'000'000'000, QString(),
                                tr("The run ends after this many submissions (0 = no limit; then the "
                                   "duration ends it). Range 0–1,000,000,000."));
        jobs->setSpecialValueText(tr("no limit"));
        connect(jobs, &QSpinBox::valueChanged, this, [this](int v) {
            const auto old = m_scenario.jobs;
            m_scenario.jobs = static_cast<std::uint64_t>(v);
            edited(QStringLiteral("jobs"), QString::number(old), QString::number(v));
        });
        m_fillers.push_back([this, jobs] { jobs->setValue(static_cast<int>(m_scenario.jobs)); });
        form->addRow(tr("Jobs"), jobs);
        addDurationRow(form, "duration", &Scenario::duration, 0, 24 * 3600 * kSecond, tr("Duration"),
                       tr("The run stops producing after this long (0 = no limit; then the job count ends "
                          "it), e.g. 2m."),
                       QStringLiteral("duration"));
    }

    // Job
    {
        QFormLayout* form = addGroup(layout, tr("Job"));
        m_jobForm = form;
        QComboBox* kind = choiceBox("jobKind", {tr("Sleep (I/O-like)"), tr("CPU (burns a core)")},
                                    tr("Sleep: a job waits out its service time, as one blocked on I/O does, "
                                       "so many workers overlap well. CPU: a job burns a core, so workers "
                                       "beyond the number of cores only add contention."));
        connect(kind, &QComboBox::currentIndexChanged, this, [this](int i) {
            const QString old = QString::fromUtf8(toString(m_scenario.jobKind).data());
            m_scenario.jobKind = static_cast<JobKind>(i);
            edited(QStringLiteral("job kind"), old, QString::fromUtf8(toString(m_scenario.jobKind).data()));
        });
        m_fillers.push_back([this, kind] { kind->setCurrentIndex(static_cast<int>(m_scenario.jobKind)); });
        form->addRow(tr("Kind"), kind);

        m_latencyKind = choiceBox(
            "latencyKind",
            {tr("Constant"), tr("Uniform"), tr("Exponential"), tr("Normal"), tr("Log-normal"), tr("Bimodal")},
            tr("The distribution of service times. Variability alone makes queues: "
               "at the same mean, exponential or bimodal service waits far longer "
               "than constant service. Bimodal models a rare slow path (a cache "
               "miss, a GC pause) that stalls the workers behind it."));
        connect(m_latencyKind, &QComboBox::currentIndexChanged, this, [this] {
            updateLatencyLabels();
            if (!m_filling)
                latencyEdited();
        });
        form->addRow(tr("Service time"), m_latencyKind);
        m_latencyA = new QLineEdit;
        m_latencyB = new QLineEdit;
        m_latencyC = new QLineEdit;
        m_latencyA->setObjectName(QStringLiteral("latencyA"));
        m_latencyB->setObjectName(QStringLiteral("latencyB"));
        m_latencyC->setObjectName(QStringLiteral("latencyC"));
        for (QLineEdit* e : {m_latencyA, m_latencyB, m_latencyC}) {
            connect(e, &QLineEdit::editingFinished, this, &ControlsPanel::latencyEdited);
            form->addRow(QStringLiteral("-"), e);
        }
        m_latencyError = new QLabel;
        m_latencyError->setWordWrap(true);
        m_latencyError->setStyleSheet(QStringLiteral("color: #dc2626;"));
        m_latencyError->hide();
        form->addRow(m_latencyError);
        m_fillers.push_back([this] {
            const LatencyParts parts = splitSpec(m_scenario.latency);
            m_latencyKind->setCurrentIndex(parts.kind);
            QLineEdit* edits[] = {m_latencyA, m_latencyB, m_latencyC};
            for (int i = 0; i < 3; ++i) {
                edits[i]->setText(i < parts.args.size() ? parts.args[i] : QString());
                markInvalid(edits[i], false);
            }
            m_latencyError->hide();
            updateLatencyLabels();
        });
    }

    // Failures & retries
    {
        QFormLayout* form = addGroup(layout, tr("Failures && retries"));
        QDoubleSpinBox* failure = realBox("failureRate", 0, 100, 1, tr(" %"),
                                          tr("The chance that an attempt fails. Failed attempts still "
                                             "occupy a worker; retries add load on top of the arrivals, "
                                             "which is how retry storms start. Range 0–100 %."));
        connect(failure, &QDoubleSpinBox::valueChanged, this, [this](double v) {
            const double old = m_scenario.failureRate * 100;
            m_scenario.failureRate = v / 100;
            edited(QStringLiteral("failures"), number(old) + QLatin1Char('%'), number(v) + QLatin1Char('%'));
        });
        m_fillers.push_back([this, failure] { failure->setValue(m_scenario.failureRate * 100); });
        form->addRow(tr("Failure rate"), failure);

        addDurationRow(form, "timeout", &Scenario::timeout, 0, 3600 * kSecond, tr("Timeout"),
                       tr("Per attempt: an attempt running longer is cut off and counts as failed (0 = "
                          "none). A timeout shorter than the slow path turns slow jobs into retries."),
                       QStringLiteral("timeout"));
        addIntRow(form, "maxAttempts", &Scenario::maxAttempts, 1, 100, QString(), tr("Max attempts"),
                  tr("Attempts per job, the first included: 1 means no retries. Range "
                     "1–100."),
                  QStringLiteral("attempts"));
        addDurationRow(form, "backoffBase", &Scenario::backoffBase, 0, 3600 * kSecond, tr("Backoff base"),
                       tr("The delay before the first retry; it doubles with each further attempt, up to "
                          "the cap. A retry waiting out its backoff holds no worker."),
                       QStringLiteral("backoff"));
        addDurationRow(form, "backoffCap", &Scenario::backoffCap, 0, 3600 * kSecond, tr("Backoff cap"),
                       tr("The longest delay between attempts."), QStringLiteral("backoff cap"));
        QComboBox* jitter =
            choiceBox("jitter", {tr("None"), tr("Full"), tr("Equal"), tr("Decorrelated")},
                      tr("Randomises backoff delays so that jobs that failed together do not retry "
                         "together. None: retries arrive in synchronized waves. Full: uniform in 0..delay. "
                         "Equal: half fixed, half random. Decorrelated: random, growing from the last "
                         "delay."));
        connect(jitter, &QComboBox::currentIndexChanged, this, [this, jitter](int i) {
            const int old = static_cast<int>(m_scenario.jitter);
            m_scenario.jitter = static_cast<Jitter>(i);
            edited(QStringLiteral("jitter"), jitter->itemText(old), jitter->itemText(i));
        });
        m_fillers.push_back([this, jitter] { jitter->setCurrentIndex(static_cast<int>(m_scenario.jitter)); });
        form->addRow(tr("Jitter"), jitter);
    }

    // Rate limit
    {
        QFormLayout* form = addGroup(layout, tr("Rate limit"));
        QDoubleSpinBox* rate =
            realBox("rateLimit", 0, 1e6, 1, tr(" starts/s"),
                    tr("A token bucket on job starts (0 = off). Workers holding a job wait "
                       "for a token (amber in the worker view), so throughput caps at "
                       "this rate however many workers there are. Range 0–1,000,000."));
        rate->setSpecialValueText(tr("off"));
        connect(rate, &QDoubleSpinBox::valueChanged, this, [this](double v) {
            const double old = m_scenario.rateLimit;
            m_scenario.rateLimit = v;
            edited(QStringLiteral("rate limit"), old > 0 ? number(old) : tr("off"),
                   v > 0 ? number(v) : tr("off"));
        });
        m_fillers.push_back([this, rate] { rate->setValue(m_scenario.rateLimit); });
        form->addRow(tr("Limit"), rate);
        addIntRow(form, "burst", &Scenario::burst, 1, 1'000'000, tr(" tokens"), tr("Burst"),
                  tr("The bucket size: how many starts may go at once after a quiet spell. "
                     "Range 1–1,000,000."),
                  QStringLiteral("burst"));
    }
    // Time
    {
        QFormLayout* form = addGroup(layout, tr("Time"));
        QComboBox* mode = choiceBox("timeMode", {tr("Real threads"), tr("Virtual (simulated)")},
                                    tr("Real: real threads really sleep or burn CPU; what you see is what "
                                       "this machine does. Virtual: a simulation of the same pool in "
                                       "simulated time, so an hour-long run or 100,000 workers take "
                                       "seconds. Takes effect at the next Start."));
        connect(mode, &QComboBox::currentIndexChanged, this, [this](int i) {
            const TimeMode old = m_scenario.timeMode;
            m_scenario.timeMode = static_cast<TimeMode>(i);
            m_pace->setEnabled(m_scenario.timeMode == TimeMode::Virtual);
            // Real threads cannot start more than kMaxWorkers: lower the count now rather
            // than have the next Start fail.
            const int workers = m_scenario.workers;
            m_scenario.workers = std::min(workers, maxWorkers(m_scenario.timeMode));
            updateWorkersRange();
            edited(QStringLiteral("workers"), QString::number(workers), QString::number(m_scenario.workers));
            edited(QStringLiteral("time"), old == TimeMode::Real ? tr("real") : tr("virtual"),
                   i == 0 ? tr("real") : tr("virtual"));
            // Last, so that no "applied live" message covers it.
            if (!m_filling && m_scenario.workers != workers)
                emit notice(tr("Workers lowered from %1 to %2: real threads allow 1–%2 (virtual time "
                               "allows up to %3).")
                                .arg(workers)
                                .arg(m_scenario.workers)
                                .arg(Scenario::kMaxVirtualWorkers));
        });
        m_fillers.push_back([this, mode] {
            mode->setCurrentIndex(static_cast<int>(m_scenario.timeMode));
            m_pace->setEnabled(m_scenario.timeMode == TimeMode::Virtual);
        });
        m_pace = choiceBox("pace",
                           {QStringLiteral("1\u00d7"), QStringLiteral("10\u00d7"),
                            QStringLiteral("100\u00d7"), QStringLiteral("1000\u00d7"), tr("max")},
                           tr("Virtual time only: simulated seconds per real second. 'max' runs as fast "
                              "as the simulation goes. Applies live."));
        m_pace->setCurrentIndex(1);
        connect(m_pace, &QComboBox::currentIndexChanged, this,
                [this](int i) { emit paceChanged(kPaces[static_cast<std::size_t>(i)]); });
        form->addRow(tr("Mode"), mode);
        form->addRow(tr("Pace"), m_pace);
    }
    layout->addStretch(1);
    setScenario(m_scenario);
}

QSpinBox* ControlsPanel::intBox(const char* name, int min, int max, const QString& suffix, const QString& tip)
{
    return setUpSpinBox(new QSpinBox, name, min, max, suffix, tip);
}

QDoubleSpinBox* ControlsPanel::realBox(const char* name, double min, double max, int decimals,
                                       const QString& suffix, const QString& tip)
{
    auto* box = new QDoubleSpinBox;
    box->setDecimals(decimals); // before the range, which it rounds
    return setUpSpinBox(box, name, min, max, suffix, tip);
}

QLineEdit* ControlsPanel::durationEdit(const char* name, Nanos min, Nanos max, const QString& tip)
{
    auto* edit = new QLineEdit;
    edit->setObjectName(QString::fromLatin1(name));
    edit->setToolTip(tip + QLatin1Char(' ') +
                     tr("A duration with a unit (us, ms, s, m, h) from %1 to %2.")
                         .arg(durationText(min), durationText(max)));
    return edit;
}

QComboBox* ControlsPanel::choiceBox(const char* name, const QStringList& items, const QString& tip)
{
    auto* box = new QComboBox;
    box->setObjectName(QString::fromLatin1(name));
    box->addItems(items);
    box->setToolTip(tip);
    return box;
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
    // Before the fillers: the old range would clamp a virtual scenario's workers.
    updateWorkersRange();
    m_filling = true;
    for (const auto& fill : m_fillers)
        fill();
    m_filling = false;
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

void ControlsPanel::edited(const QString& key, const QString& from, const QString& to)
{
    if (m_filling || from == to)
        return;
    if (!m_modified)
        setModified(true);
    emit scenarioEdited(m_scenario, key, from, to);
}

void ControlsPanel::updateVisibility()
{
    // Show only the fields the chosen arrival pattern reads.
    const ArrivalKind a = m_scenario.arrival;
    const auto show = [this](const char* name, bool visible) {
        if (auto* w = findChild<QWidget*>(QString::fromLatin1(name)))
            m_arrivalForm->setRowVisible(w, visible);
    };
    const bool open = a != ArrivalKind::Burst && a != ArrivalKind::Closed;
    show("rate", open);
    show("rateEnd", a == ArrivalKind::Ramp);
    show("rampDuration", a == ArrivalKind::Ramp);
    show("spikeRate", a == ArrivalKind::Spike);
    show("spikeStart", a == ArrivalKind::Spike);
    show("spikeDuration", a == ArrivalKind::Spike);
    show("clients", a == ArrivalKind::Closed);
    show("thinkTime", a == ArrivalKind::Closed);
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
    m_workers->setToolTip(tr("Workers taking jobs from the queue. More workers raise throughput until "
                             "something else (cores, a rate limit) is the bottleneck. Growing is instant; "
                             "shrinking lets each retiring worker finish its job.") +
                          QLatin1Char(' ') + range);
    // Blocked: a clamp by the box would be reported as an edit; callers report their own.
    const QSignalBlocker blocker(m_workers);
    m_workers->setMaximum(maxWorkers(m_scenario.timeMode));
    m_workers->setValue(m_scenario.workers);
}

void ControlsPanel::updateLatencyLabels()
{
    struct Labels
    {
        const char* a;
        const char* b;
        const char* c;
    };
    static const Labels labels[] = {
        {QT_TR_NOOP("Value"), nullptr, nullptr},
        {QT_TR_NOOP("Low"), QT_TR_NOOP("High"), nullptr},
        {QT_TR_NOOP("Mean"), nullptr, nullptr},
        {QT_TR_NOOP("Mean"), QT_TR_NOOP("Std dev"), nullptr},
        {QT_TR_NOOP("Median"), QT_TR_NOOP("Sigma"), nullptr},
        {QT_TR_NOOP("Fast"), QT_TR_NOOP("Slow"), QT_TR_NOOP("Slow share")},
    };
    const Labels& l = labels[std::max(0, m_latencyKind->currentIndex())];
    const auto setRow = [this](QLineEdit* edit, const char* text, const QString& tip) {
        m_jobForm->setRowVisible(edit, text != nullptr);
        if (!text)
            return;
        if (auto* label = qobject_cast<QLabel*>(m_jobForm->labelForField(edit)))
            label->setText(tr(text));
        edit->setToolTip(tip);
    };
    const QString durationTip = tr("A duration with a unit: 50ms, 1.5s, 250us.");
    setRow(m_latencyA, l.a, durationTip);
    setRow(m_latencyB, l.b,
           m_latencyKind->currentIndex() == 4 ? tr("The spread of the log (0.1 narrow … 2 very heavy tail).")
                                              : durationTip);
    setRow(m_latencyC, l.c, tr("The probability (0..1) that a job takes the slow path, e.g. 0.01."));
}

QString ControlsPanel::latencySpec() const
{
    const int kind = m_latencyKind->currentIndex();
    const QString a = m_latencyA->text().trimmed();
    if (kind == 0)
        return a;
    QStringList args{a};
    if (!m_jobForm->isRowVisible(m_latencyB))
        return QLatin1String(kLatencyKinds[kind]) + QLatin1Char('(') + a + QLatin1Char(')');
    args << m_latencyB->text().trimmed();
    if (m_jobForm->isRowVisible(m_latencyC))
        args << m_latencyC->text().trimmed();
    return QLatin1String(kLatencyKinds[kind]) + QLatin1Char('(') + args.join(QLatin1Char(',')) +
           QLatin1Char(')');
}

void ControlsPanel::latencyEdited()
{
    if (m_filling)
        return;
    const QString spec = latencySpec();
    std::string error;
    const auto parsed = LatencyDistribution::parse(spec.toStdString(), &error);
    for (QLineEdit* e : {m_latencyA, m_latencyB, m_latencyC})
        markInvalid(e, !parsed);
    m_latencyError->setVisible(!parsed);
    if (!parsed) {
        m_latencyError->setText(QString::fromStdString(error));
        return;
    }
    const QString old = QString::fromStdString(m_scenario.latency);
    m_scenario.latency = spec.toStdString();
    edited(QStringLiteral("latency"), old, spec);
}

void ControlsPanel::addDurationRow(QFormLayout* form, const char* name, Nanos Scenario::*field, Nanos min,
                                   Nanos max, const QString& label, const QString& tip, const QString& key)
{
    QLineEdit* edit = durationEdit(name, min, max, tip);
    connect(edit, &QLineEdit::editingFinished, this, [this, edit, field, key, min, max] {
        const auto v = parseDuration(edit->text().trimmed().toStdString());
        const bool ok = v && *v >= min && *v <= max;
        markInvalid(edit, !ok);
        if (!ok || *v == m_scenario.*field)
            return;
        const Nanos old = m_scenario.*field;
        m_scenario.*field = *v;
        edited(key, durationText(old), durationText(*v));
    });
    m_fillers.push_back([this, edit, field] {
        edit->setText(durationText(m_scenario.*field));
        markInvalid(edit, false);
    });
    form->addRow(label, edit);
}

QSpinBox* ControlsPanel::addIntRow(QFormLayout* form, const char* name, int Scenario::*field, int min,
                                   int max, const QString& suffix, const QString& label, const QString& tip,
                                   const QString& key)
{
    QSpinBox* box = intBox(name, min, max, suffix, tip);
    connect(box, &QSpinBox::valueChanged, this, [this, field, key](int v) {
        const int old = m_scenario.*field;
        m_scenario.*field = v;
        edited(key, QString::number(old), QString::number(v));
    });
    m_fillers.push_back([this, box, field] { box->setValue(m_scenario.*field); });
    form->addRow(label, box);
    return box;
}

} // namespace poollab
