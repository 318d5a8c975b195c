// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/summary_panel.h"

#include "core/queueing_theory.h"
#include "ui/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QStyle>
#include <QToolTip>

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
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true); // what QScrollArea asks, to give it its height at its width
    setSizePolicy(policy);
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

namespace {

constexpr int kMargin = 6;
constexpr int kRowSpacing = 3;

} // namespace

void SummaryPanel::addRow(const QString& key, const QString& label, const QString& tip)
{
    m_rows.push_back({key, label, QString(), tip, QString()});
}

SummaryPanel::Row* SummaryPanel::row(const char* key)
{
    const QLatin1String name(key);
    for (Row& r : m_rows)
        if (r.key == name)
            return &r;
    Q_ASSERT_X(false, "SummaryPanel::row", key);
    return &m_rows.front();
}

void SummaryPanel::setValue(const char* key, const QString& text)
{
    Row* r = row(key);
    if (r->value == text)
        return;
    r->value = text;
    m_changed = true;
}

void SummaryPanel::setValueTip(const char* key, const QString& tip)
{
    row(key)->valueTip = tip;
}

int SummaryPanel::spacing() const
{
    // What QFormLayout put between a label and its value.
    const int fromStyle = style()->pixelMetric(QStyle::PM_LayoutHorizontalSpacing, nullptr, this);
    return fromStyle >= 0 ? fromStyle : 6;
}

int SummaryPanel::labelColumn() const
{
    const QFontMetrics fm = fontMetrics();
    int widest = 0;
    for (const Row& r : m_rows)
        widest = std::max(widest, fm.horizontalAdvance(r.label));
    return widest;
}

std::vector<SummaryPanel::Placed> SummaryPanel::place(int width) const
{
    const QFontMetrics fm = fontMetrics();
    const int left = kMargin;
    const int right = std::max(left + 1, width - kMargin);
    const int line = fm.height();
    // As QFormLayout::WrapLongRows did: a row whose label and narrowest value (as wide as
    // 000,000,000) do not fit side by side has its value under the label.
    const int narrowest = fm.horizontalAdvance(QStringLiteral("000,000,000"));
    std::vector<Placed> out;
    out.reserve(m_rows.size());
    int y = kMargin;
    for (const Row& r : m_rows) {
        Placed p;
        p.label = QRect(left, y, fm.horizontalAdvance(r.label), line);
        const int valueLeft = p.label.right() + 1 + spacing();
        const int value = fm.horizontalAdvance(r.value);
        if (valueLeft + std::max(value, narrowest) <= right) {
            p.value = QRect(valueLeft, y, right - valueLeft, line);
        } else {
            // In a narrow column (a 1024 px window) a value goes under its label, wrapped
            // if need be, rather than cutting either.
            y += line + kRowSpacing;
            const QRect needed = fm.boundingRect(QRect(0, 0, right - left, 1 << 20),
                                                 Qt::TextWordWrap | Qt::AlignRight, r.value);
            p.value = QRect(left, y, right - left, std::max(line, needed.height()));
        }
        y = p.value.bottom() + 1 + kRowSpacing;
        out.push_back(p);
    }
    return out;
}

int SummaryPanel::heightForWidth(int width) const
{
    const std::vector<Placed> placed = place(width);
    return placed.empty() ? 2 * kMargin : placed.back().value.bottom() + 1 + kMargin;
}

QSize SummaryPanel::sizeHint() const
{
    // As high as its narrowest layout, as the form's was (its scroll area caps that at
    // 24 lines, which the window's layout has always been given).
    return {preferredWidth(), heightForWidth(minimumSizeHint().width())};
}

QSize SummaryPanel::minimumSizeHint() const
{
    // Labels whole, and beside or under them a value column as wide as 000,000,000.
    const int values = fontMetrics().horizontalAdvance(QStringLiteral("000,000,000"));
    // The height is heightForWidth() at the width given; at least a row each.
    return {2 * kMargin + std::max(labelColumn(), values), heightForWidth(preferredWidth())};
}

int SummaryPanel::preferredWidth() const
{
    const int values = fontMetrics().horizontalAdvance(QStringLiteral("arrivals are not Poisson")) + 4;
    return kMargin + labelColumn() + spacing() + values + kMargin;
}

QRect SummaryPanel::labelRect(int row) const
{
    const std::vector<Placed> placed = place(width());
    return row >= 0 && row < static_cast<int>(placed.size()) ? placed[static_cast<std::size_t>(row)].label
                                                             : QRect();
}

QRect SummaryPanel::valueRect(int row) const
{
    const std::vector<Placed> placed = place(width());
    return row >= 0 && row < static_cast<int>(placed.size()) ? placed[static_cast<std::size_t>(row)].value
                                                             : QRect();
}

QString SummaryPanel::toolTipAt(const QPoint& pos) const
{
    const std::vector<Placed> placed = place(width());
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row& r = m_rows[i];
        if (placed[i].value.contains(pos))
            return r.valueTip.isEmpty() ? r.tip : r.valueTip;
        if (placed[i].label.contains(pos))
            return r.tip;
    }
    return {};
}

bool SummaryPanel::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QString tip = toolTipAt(help->pos());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), wrapToolTip(tip), this);
        return true;
    }
    if (event->type() == QEvent::FontChange || event->type() == QEvent::StyleChange)
        updateGeometry();
    return QWidget::event(event);
}

void SummaryPanel::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setPen(palette().color(foregroundRole()));
    const QFontMetrics fm = fontMetrics();
    const std::vector<Placed> placed = place(width());
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const Row& r = m_rows[i];
        const Placed& p = placed[i];
        // One line each (nearly always): drawn at the baseline, without a text layout.
        painter.drawText(QPoint(p.label.left(), p.label.top() + fm.ascent()), r.label);
        if (p.value.height() == fm.height())
            painter.drawText(QPointF(p.value.right() + 1 - QFontMetricsF(font()).horizontalAdvance(r.value),
                                     p.value.top() + fm.ascent()),
                             r.value); // right-aligned on the fractional advance, as QLabel did
        else
            painter.drawText(p.value, Qt::TextWordWrap | Qt::AlignRight | Qt::AlignVCenter, r.value);
    }
    m_changed = false;
}

void SummaryPanel::contextMenuEvent(QContextMenuEvent* event)
{
    // The values cannot be selected as a QLabel's could: they copy, every row at once.
    QMenu menu(this);
    menu.addAction(tr("Copy summary"), this, [this] {
        QStringList lines;
        for (const auto& [label, value] : rows())
            lines << label + u'\t' + value;
        QApplication::clipboard()->setText(lines.join(u'\n'));
    });
    menu.exec(event->globalPos());
}

QList<QPair<QString, QString>> SummaryPanel::rows() const
{
    QList<QPair<QString, QString>> out;
    for (const Row& r : m_rows)
        out.append({r.label, r.value});
    return out;
}

QString SummaryPanel::value(const QString& key) const
{
    for (const Row& r : m_rows)
        if (r.key == key)
            return r.value;
    return {};
}

void SummaryPanel::update()
{
    const Snapshot& s = m_controller->snapshot();
    const Counters& c = s.counters;
    const QLocale locale;
    const auto count = [&locale](std::uint64_t v) { return locale.toString(static_cast<qulonglong>(v)); };
    const int height = heightForWidth(width());
    const auto set = [this](const char* key, const QString& text) { setValue(key, text); };
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
    // Grouped as the counts are: a burst's mean wait reads 124,750.0 ms, not 124750.0 ms.
    const auto decimal = [&locale](double v) { return locale.toString(v, 'f', 1); };
    set("throughput", tr("%1 jobs/s").arg(decimal(throughput)));
    set("utilization", QStringLiteral("%1 %").arg(s.utilization() * 100, 0, 'f', 1));
    set("wait", tr("%1 ms").arg(decimal(toMillis(static_cast<Nanos>(s.wait.mean())))));
    set("service", tr("%1 ms").arg(decimal(toMillis(static_cast<Nanos>(s.service.mean())))));
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
    // One repaint for every value that changed; a new layout only when a value moved
    // under its label or back (the panel's height changes).
    if (heightForWidth(width()) != height)
        updateGeometry();
    if (m_changed)
        QWidget::update();
}

void SummaryPanel::updateTheory(const Snapshot& s, double averageL)
{
    if (m_predictedFor != m_controller->scenario()) {
        m_predictedFor = m_controller->scenario();
        m_prediction = predict(*m_predictedFor);
    }
    const TheoryComparison t = compareWithTheory(m_prediction, s, averageL);
    const auto wait = [this](const QString& text) { setValue("theoryWait", text); };
    const auto share = [this](const QString& text) { setValue("theoryShare", text); };
    if (!t.prediction.applies) {
        // The full reason is long ("formulas do not apply: arrivals are not Poisson"):
        // the cells say so briefly and the tooltip has all of it.
        const QString full = QString::fromStdString(t.prediction.reason);
        QString why = full.section(QStringLiteral(": "), 1);
        if (why.size() > 26)
            why = why.left(25) + QStringLiteral("\u2026");
        wait(tr("does not apply"));
        share(why);
        setValueTip("theoryWait", full);
        setValueTip("theoryShare", full);
        return;
    }
    const QueueMetrics& m = t.prediction.metrics;
    const QString model = QString::fromStdString(t.prediction.model) + QStringLiteral(": ") +
                          QString::fromStdString(stabilityText(m));
    setValueTip("theoryWait", model);
    // Measured P(wait) counts arrivals, as Erlang C does, not waits above 0 ns (in real
    // time every job waits the moment a worker takes to pick it up).
    setValueTip("theoryShare",
                model + QLatin1Char('\n') +
                    tr("Measured: the share of jobs that found every worker busy when they arrived."));
    if (!m.stable) {
        wait(tr("unstable (\u03c1 %1 \u2265 1)").arg(m.rho, 0, 'f', 2));
        share(QStringLiteral("1 (%1)").arg(t.measuredProbWait, 0, 'f', 2));
        return;
    }
    const QLocale locale;
    wait(tr("%1 ms (%2)")
             .arg(locale.toString(m.meanWait * 1e3, 'f', 1),
                  locale.toString(t.measuredMeanWait * 1e3, 'f', 1)));
    if (m.limit > 0)
        share(
            tr("%1 % lost (%2 %)").arg(m.blocking * 100, 0, 'f', 1).arg(t.measuredBlocking * 100, 0, 'f', 1));
    else
        share(QStringLiteral("%1 (%2)").arg(m.probWait, 0, 'f', 2).arg(t.measuredProbWait, 0, 'f', 2));
}

} // namespace poollab
