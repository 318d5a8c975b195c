// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/summary_panel.h"

#include "core/queueing_theory.h"

#include <QFormLayout>
#include <QLabel>
#include <QLocale>

#include <algorithm>
#include <cmath>

namespace poollab {

QString formatSeconds(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return QStringLiteral("–");
    if (seconds < 59.95)
        return QString::number(seconds, 'f', 1) + QStringLiteral(" s");
    const auto total = static_cast<long long>(std::llround(seconds));
    const QLatin1Char zero('0');
    if (total < 3600)
        return QStringLiteral("%1:%2").arg(total / 60).arg(total % 60, 2, 10, zero);
    return QStringLiteral("%1:%2:%3")
        .arg(total / 3600)
        .arg(total / 60 % 60, 2, 10, zero)
        .arg(total % 60, 2, 10, zero);
}

SummaryPanel::SummaryPanel(const RunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(6, 6, 6, 6);
    form->setVerticalSpacing(3);
    form->setLabelAlignment(Qt::AlignLeft);
    // In a narrow column (a 1024 px window) a value that does not fit beside its label
    // goes under it, rather than cutting either.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    setLayout(form);
    addRow(QStringLiteral("state"), tr("State"), tr("Idle, running, paused, draining or stopped."));
    addRow(QStringLiteral("submitted"), tr("Submitted"), tr("Every job the load generator offered."));
    addRow(QStringLiteral("succeeded"), tr("Succeeded"), tr("Finished without error (maybe after retries)."));
    addRow(QStringLiteral("failed"), tr("Failed"), tr("Failed on every attempt it was allowed."));
    addRow(QStringLiteral("rejected"), tr("Rejected"),
           tr("Refused at the door: the queue was full under 'reject', or the pool was closing."));
    addRow(QStringLiteral("dropped"), tr("Dropped"),
           tr("Accepted, then pushed out of a full queue by a newer job under 'drop oldest'."));
    addRow(QStringLiteral("cancelled"), tr("Cancelled"), tr("Queued or running when Stop was pressed."));
    addRow(QStringLiteral("inSystem"), tr("Queued / in flight"),
           tr("Waiting in the queue / held by workers."));
    addRow(QStringLiteral("retries"), tr("Retries"), tr("Failed attempts that were tried again."));
    addRow(QStringLiteral("throughput"), tr("Throughput (run average)"),
           tr("Completed jobs per second, averaged over the whole run so far (the chart shows the "
              "current rate)."));
    addRow(QStringLiteral("utilization"), tr("Utilization"),
           tr("Busy worker time over available worker time. Near 100 % the queue grows without bound."));
    addRow(QStringLiteral("wait"), tr("Mean wait"), tr("Average time an attempt spent in the queue."));
    addRow(QStringLiteral("service"), tr("Mean service"), tr("Average time an attempt spent on a worker."));
    addRow(QStringLiteral("little"), tr("Little's law"),
           tr("L = λ·W: the average number of jobs in the system equals throughput times the mean time "
              "a job spends in it. Measured L is on the left, λ·W on the right; they agree for any "
              "stable queue, whatever the distributions, and exactly over a whole run. While jobs are "
              "still piling up (a burst, an overload) W counts only the jobs that have finished, so "
              "λ·W lags behind (shown as L ≫ λW) until the run is over."));
    addRow(QStringLiteral("theoryWait"), tr("Theory: wait"),
           tr("Queueing theory beside the measurement: the mean queue wait Erlang C (M/M/c) or M/M/c/K "
              "predicts for this pool, with the measured one in brackets. Only for Poisson arrivals, "
              "exponential service and no failures, timeouts or rate limit; otherwise it says why not."));
    addRow(QStringLiteral("theoryShare"), tr("Theory: P(wait)"),
           tr("The predicted share of jobs that find every worker busy and wait (with a bounded queue "
              "under 'reject': the share turned away), measured in brackets."));
    addRow(QStringLiteral("elapsed"), tr("Elapsed"),
           tr("Run time so far (h:mm:ss; simulated time in virtual mode)."));
    addRow(QStringLiteral("remaining"), tr("Remaining"),
           tr("Run time until the run ends, counted as Elapsed is (simulated in virtual time): the jobs "
              "left over the rate they have finished at in the last few seconds, or the duration left "
              "(finite runs only). The status bar's ETA is the same in wall-clock time."));
    connect(controller, &RunController::ticked, this, &SummaryPanel::update);
    update();
}

void SummaryPanel::addRow(const QString& key, const QString& label, const QString& tip)
{
    auto* name = new QLabel(label);
    auto* value = new QLabel;
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    // Long values ("arrivals are not Poisson") wrap onto a second line when the column
    // is narrow (1024 px windows) rather than being cut off.
    value->setWordWrap(true);
    value->setMinimumWidth(value->fontMetrics().horizontalAdvance(QStringLiteral("000,000,000")));
    name->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    name->setToolTip(tip);
    value->setToolTip(tip);
    static_cast<QFormLayout*>(layout())->addRow(name, value);
    m_values.insert(key, value);
    m_rows.append(qMakePair(name, value));
}

int SummaryPanel::preferredWidth() const
{
    int labels = 0;
    for (const auto& [name, value] : m_rows)
        labels = std::max(labels, name->sizeHint().width());
    const auto* form = static_cast<const QFormLayout*>(layout());
    const QMargins margins = form->contentsMargins();
    const int values = fontMetrics().horizontalAdvance(QStringLiteral("arrivals are not Poisson")) + 4;
    return margins.left() + labels + form->horizontalSpacing() + values + margins.right();
}

QList<QPair<QString, QString>> SummaryPanel::rows() const
{
    QList<QPair<QString, QString>> out;
    for (const auto& [name, value] : m_rows)
        out.append({name->text(), value->text()});
    return out;
}

QString SummaryPanel::value(const QString& key) const
{
    const QLabel* label = m_values.value(key);
    return label ? label->text() : QString();
}

void SummaryPanel::update()
{
    const Snapshot& s = m_controller->snapshot();
    const Counters& c = s.counters;
    const QLocale locale;
    const auto count = [&locale](std::uint64_t v) { return locale.toString(static_cast<qulonglong>(v)); };
    const auto set = [this](const char* key, const QString& text) {
        m_values.value(QLatin1String(key))->setText(text);
    };
    const double seconds = toSeconds(s.runNs);
    const double throughput = seconds > 0 ? static_cast<double>(s.completed()) / seconds : 0.0;
    QString state = QString::fromUtf8(toString(s.state).data());
    if (!m_controller->hasRun())
        state = tr("not started");
    else if (m_controller->isPaused())
        state = tr("paused");
    set("state", state);
    set("submitted", count(c.submitted));
    set("succeeded", count(c.succeeded));
    set("failed", count(c.failed));
    set("rejected", count(c.rejected));
    set("dropped", count(c.dropped));
    set("cancelled", count(c.cancelled));
    set("inSystem", QStringLiteral("%1 / %2").arg(s.queued).arg(s.inFlight));
    set("retries", count(c.retries));
    set("throughput", tr("%1 jobs/s").arg(throughput, 0, 'f', 1));
    set("utilization", QStringLiteral("%1 %").arg(s.utilization() * 100, 0, 'f', 1));
    set("wait", tr("%1 ms").arg(toMillis(static_cast<Nanos>(s.wait.mean())), 0, 'f', 1));
    set("service", tr("%1 ms").arg(toMillis(static_cast<Nanos>(s.service.mean())), 0, 'f', 1));
    // λ·W with W the mean time in system of the jobs that completed.
    const double lambdaW = throughput * s.total.mean() / 1e9;
    const double averageL = m_controller->averageInSystem();
    const auto figure = [](double v) { return QString::number(v, 'f', v >= 100 ? 0 : 1); };
    // ≈ when they agree within 10 %; otherwise the sign says which way, and the tooltip
    // explains why they cannot agree while jobs are still piling up.
    const bool apart = std::abs(averageL - lambdaW) > 0.1 * std::max(averageL, lambdaW);
    const QString relation = !apart               ? QStringLiteral("\u2248")
                             : averageL > lambdaW ? QStringLiteral("\u226b")
                                                  : QStringLiteral("\u226a");
    QString little = QStringLiteral("L %1 %2 \u03bbW %3").arg(figure(averageL), relation, figure(lambdaW));
    set("little", little);
    updateTheory(s, averageL);
    set("elapsed", formatSeconds(seconds));
    // NaN (not known yet) shows as a dash.
    const QString remaining = formatSeconds(m_controller->remainingRunSeconds());
    set("remaining", remaining);
}

void SummaryPanel::updateTheory(const Snapshot& s, double averageL)
{
    if (m_predictedFor != m_controller->scenario()) {
        m_predictedFor = m_controller->scenario();
        m_prediction = predict(*m_predictedFor);
    }
    const TheoryComparison t = compareWithTheory(m_prediction, s, averageL);
    QLabel* wait = m_values.value(QStringLiteral("theoryWait"));
    QLabel* share = m_values.value(QStringLiteral("theoryShare"));
    if (!t.prediction.applies) {
        // The full reason is long ("formulas do not apply: arrivals are not Poisson"):
        // the cells say so briefly and the tooltip has all of it.
        const QString full = QString::fromStdString(t.prediction.reason);
        QString why = full.section(QStringLiteral(": "), 1);
        if (why.size() > 26)
            why = why.left(25) + QStringLiteral("\u2026");
        wait->setText(tr("does not apply"));
        share->setText(why);
        wait->setToolTip(full);
        share->setToolTip(full);
        return;
    }
    const QueueMetrics& m = t.prediction.metrics;
    const QString model = QString::fromStdString(t.prediction.model) + QStringLiteral(": ") +
                          QString::fromStdString(stabilityText(m));
    wait->setToolTip(model);
    // Measured P(wait) counts arrivals, as Erlang C does, not waits above 0 ns (in real
    // time every job waits the moment a worker takes to pick it up).
    share->setToolTip(model + QLatin1Char('\n') +
                      tr("Measured: the share of jobs that found every worker busy when they arrived."));
    if (!m.stable) {
        wait->setText(tr("unstable (\u03c1 %1 \u2265 1)").arg(m.rho, 0, 'f', 2));
        share->setText(QStringLiteral("1 (%1)").arg(t.measuredProbWait, 0, 'f', 2));
        return;
    }
    wait->setText(tr("%1 ms (%2)").arg(m.meanWait * 1e3, 0, 'f', 1).arg(t.measuredMeanWait * 1e3, 0, 'f', 1));
    if (m.limit > 0)
        share->setText(
            tr("%1 % lost (%2 %)").arg(m.blocking * 100, 0, 'f', 1).arg(t.measuredBlocking * 100, 0, 'f', 1));
    else
        share->setText(
            QStringLiteral("%1 (%2)").arg(m.probWait, 0, 'f', 2).arg(t.measuredProbWait, 0, 'f', 2));
}

} // namespace poollab
