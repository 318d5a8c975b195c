// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/chart_panel.h"

#include <QApplication>
#include <QComboBox>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QPainter>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

// The next "round" number at or above v: 1, 2, 5 times a power of ten.
double niceCeil(double v)
{
    if (!(v > 0))
        return 1;
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (v <= step * mag)
            return step * mag;
    return 10 * mag;
}

// 0..max with four or five round steps, labelled at round numbers.
// Sets range and tick interval without passing through a state where the old interval
// on the new range (or the reverse) would ask the axis for hundreds of thousands of ticks.
void setAxis(QValueAxis* axis, double min, double max, double step)
{
    axis->setTickInterval(std::max(axis->max() - axis->min(), max - min));
    axis->setRange(min, max);
    axis->setTickInterval(step);
}

void setNiceRange(QValueAxis* axis, double maxValue)
{
    const double step = niceCeil(maxValue / 4);
    setAxis(axis, 0, step * std::max(1.0, std::ceil(maxValue / step - 1e-9)), step);
}

QValueAxis* timeAxisOf(QChart* chart)
{
    const auto axes = chart->axes(Qt::Horizontal);
    return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
}

const IntervalLatency& latencyOf(const Sample& s, ChartPanel::LatencyKind kind)
{
    switch (kind) {
    case ChartPanel::LatencyKind::Wait:
        return s.wait;
    case ChartPanel::LatencyKind::Service:
        return s.service;
    case ChartPanel::LatencyKind::Total:
        break;
    }
    return s.total;
}

} // namespace

MarkedChartView::MarkedChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(150);
}

void MarkedChartView::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    QValueAxis* axis = timeAxisOf(chart());
    if (!m_markers || m_markers->empty() || !axis || axis->max() <= axis->min())
        return;
    const QRectF plot = chart()->plotArea();
    const QColor lineColor = palette().color(QPalette::Text);
    painter->save();
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    const QFontMetricsF fm(font);
    int row = 0;
    for (const ChangeMarker& m : *m_markers) {
        if (m.seconds < axis->min() || m.seconds > axis->max())
            continue;
        const double x = plot.left() + (m.seconds - axis->min()) / (axis->max() - axis->min()) * plot.width();
        QPen pen(lineColor, 1, Qt::DashLine);
        pen.setCosmetic(true);
        painter->setPen(pen);
        painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        if (!m_showLabels)
            continue;
        // Stagger labels over three rows so that nearby changes stay readable.
        const QString text = m.label();
        QRectF box(0, 0, fm.horizontalAdvance(text) + 8, fm.height() + 2);
        box.moveTopLeft(QPointF(x + 3, plot.top() + 2 + (row++ % 3) * (box.height() + 1)));
        if (box.right() > plot.right())
            box.moveRight(x - 3);
        QColor fill = palette().color(QPalette::Base);
        fill.setAlpha(220);
        painter->fillRect(box, fill);
        painter->setPen(lineColor);
        painter->drawText(box, Qt::AlignCenter, text);
    }
    painter->restore();
}

ChartPanel::ChartPanel(const RunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    m_throughput = makeChart(tr("Throughput (jobs/s, averaged over 1 s)"));
    m_queue = makeChart(tr("Queue and workers"));
    m_latency = makeChart(tr("Latency (ms)"));

    m_rateAxis = new QValueAxis;
    m_queueAxis = new QValueAxis;
    m_workerAxis = new QValueAxis;
    m_latencyAxis = new QValueAxis;
    for (QValueAxis* axis : {m_rateAxis, m_queueAxis, m_workerAxis, m_latencyAxis})
        axis->setTickType(QValueAxis::TicksDynamic);
    m_rateAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_queueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_workerAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_latencyAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_queueAxis->setTitleText(tr("jobs queued"));
    m_workerAxis->setTitleText(tr("workers"));
    m_throughput->addAxis(m_rateAxis, Qt::AlignLeft);
    m_queue->addAxis(m_queueAxis, Qt::AlignLeft);
    m_queue->addAxis(m_workerAxis, Qt::AlignRight);
    m_latency->addAxis(m_latencyAxis, Qt::AlignLeft);

    const std::array<QChart*, 3> charts{m_throughput, m_queue, m_latency};
    for (int i = 0; i < 3; ++i) {
        auto* axis = new QValueAxis;
        axis->setLabelFormat(QStringLiteral("%.0f s"));
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(0);
        charts[static_cast<std::size_t>(i)]->addAxis(axis, Qt::AlignBottom);
        m_timeAxes[static_cast<std::size_t>(i)] = axis;
    }

    addSeries(m_throughput, Completions, tr("completed/s"), m_rateAxis);
    addSeries(m_throughput, Arrivals, tr("arrived/s"), m_rateAxis);
    addSeries(m_throughput, Failures, tr("failed/s"), m_rateAxis);
    addSeries(m_throughput, Refusals, tr("rejected + dropped/s"), m_rateAxis);
    addSeries(m_queue, QueueDepth, tr("queue depth"), m_queueAxis);
    addSeries(m_queue, QueueCapacity, tr("capacity"), m_queueAxis);
    addSeries(m_queue, Busy, tr("busy workers"), m_workerAxis);
    addSeries(m_queue, Workers, tr("worker count"), m_workerAxis);
    addSeries(m_latency, P50, tr("p50"), m_latencyAxis);
    addSeries(m_latency, P95, tr("p95"), m_latencyAxis);
    addSeries(m_latency, P99, tr("p99"), m_latencyAxis);
    styleSeries();
    for (auto& points : m_points)
        points.reserve(kMaxPoints + 2);

    m_windowBox = new QComboBox;
    m_windowBox->addItem(tr("Last 30 s"), 30);
    m_windowBox->addItem(tr("Last minute"), 60);
    m_windowBox->addItem(tr("Last 5 minutes"), 300);
    m_windowBox->addItem(tr("Whole run"), 0);
    m_windowBox->setCurrentIndex(1);
    m_windowBox->setToolTip(tr("How much history the charts show. The rolling windows keep full "
                               "resolution; the whole run is downsampled so that memory stays flat."));
    connect(m_windowBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_windowBox->itemData(index).toInt()); });
    m_latencyBox = new QComboBox;
    m_latencyBox->addItem(tr("Total (arrival to outcome)"));
    m_latencyBox->addItem(tr("Wait (in the queue)"));
    m_latencyBox->addItem(tr("Service (on a worker)"));
    m_latencyBox->setToolTip(tr("Total = wait + service (+ retries). When the queue grows, wait dominates: "
                                "that is queueing delay, not slower work."));
    connect(m_latencyBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setLatencyKind(static_cast<LatencyKind>(index)); });

    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Time window:")));
    bar->addWidget(m_windowBox);
    bar->addSpacing(16);
    bar->addWidget(new QLabel(tr("Latency:")));
    bar->addWidget(m_latencyBox);
    bar->addStretch();

    m_chartsArea = new QWidget;
    auto* chartsLayout = new QVBoxLayout(m_chartsArea);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->setSpacing(0);
    for (std::size_t i = 0; i < 3; ++i) {
        m_views[i] = new MarkedChartView(charts[i]);
        m_views[i]->setMarkers(&m_controller->markers());
        chartsLayout->addWidget(m_views[i]);
    }
    m_views[1]->setShowLabels(false);
    m_views[2]->setShowLabels(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_chartsArea, 1);

    connect(controller, &RunController::ticked, this, &ChartPanel::update);
    update();
}

QChart* ChartPanel::makeChart(const QString& title)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    chart->legend()->setAlignment(Qt::AlignTop);
    QFont font = chart->titleFont();
    font.setBold(true);
    chart->setTitleFont(font);
    return chart;
}

QLineSeries* ChartPanel::addSeries(QChart* chart, Series id, const QString& name, QValueAxis* y)
{
    auto* series = new QLineSeries;
    series->setName(name);
    chart->addSeries(series);
    series->attachAxis(timeAxisOf(chart));
    series->attachAxis(y);
    m_series[id] = series;
    return series;
}

void ChartPanel::styleSeries()
{
    // Fixed colours so that a kind of event keeps its colour across charts and themes.
    const auto pen = [this](Series id, QColor color, Qt::PenStyle style = Qt::SolidLine, qreal width = 2) {
        QPen p(color, width, style);
        p.setCosmetic(true);
        m_series[id]->setPen(p);
    };
    pen(Completions, QColor(0x2e, 0xa0, 0x43));
    pen(Arrivals, QColor(0x3b, 0x82, 0xf6));
    pen(Failures, QColor(0xdc, 0x26, 0x26));
    pen(Refusals, QColor(0xf5, 0x9e, 0x0b));
    pen(QueueDepth, QColor(0x8b, 0x5c, 0xf6), Qt::SolidLine, 2.5);
    pen(QueueCapacity, QColor(0x9c, 0xa3, 0xaf), Qt::DashLine, 1.5);
    pen(Busy, QColor(0x14, 0xb8, 0xa6));
    pen(Workers, QColor(0x14, 0xb8, 0xa6), Qt::DashLine, 1.5);
    pen(P50, QColor(0x2e, 0xa0, 0x43));
    pen(P95, QColor(0xf5, 0x9e, 0x0b));
    pen(P99, QColor(0xdc, 0x26, 0x26));
}

void ChartPanel::setChartTheme(QChart::ChartTheme theme)
{
    for (QChart* chart : {m_throughput, m_queue, m_latency}) {
        chart->setTheme(theme);
        chart->setBackgroundRoundness(0);
        // The window's own colours, so the charts sit in it rather than on it.
        chart->setBackgroundBrush(QApplication::palette().color(QPalette::Base));
        chart->setPlotAreaBackgroundVisible(false);
        QFont font = chart->titleFont();
        font.setBold(true);
        chart->setTitleFont(font);
    }
    styleSeries(); // setTheme() recolours the series
    for (MarkedChartView* view : m_views)
        view->viewport()->update();
}

void ChartPanel::setWindowSeconds(int seconds)
{
    m_windowSeconds = seconds;
    const int index = m_windowBox->findData(seconds);
    if (index >= 0 && index != m_windowBox->currentIndex())
        m_windowBox->setCurrentIndex(index);
    update();
}

void ChartPanel::setLatencyKind(LatencyKind kind)
{
    m_latencyKind = kind;
    if (m_latencyBox->currentIndex() != static_cast<int>(kind))
        m_latencyBox->setCurrentIndex(static_cast<int>(kind));
    update();
}

QList<QXYSeries*> ChartPanel::allSeries() const
{
    QList<QXYSeries*> out;
    for (QLineSeries* s : m_series)
        out << s;
    return out;
}

void ChartPanel::update()
{
    const TimeSeries& ts = m_controller->series();
    for (auto& points : m_points)
        points.clear();
    double rateMax = 0, arrivalMax = 0, queueMax = 0, workerMax = 0, latencyMax = 0;

    const auto push = [&](double x, const Sample& rates, const Sample& gauges) {
        m_points[Completions].append({x, rates.completionsPerSec});
        m_points[Arrivals].append({x, rates.arrivalsPerSec});
        m_points[Failures].append({x, rates.failuresPerSec});
        const double refused = rates.rejectionsPerSec + rates.dropsPerSec;
        m_points[Refusals].append({x, refused});
        rateMax = std::max({rateMax, rates.completionsPerSec, refused});
        arrivalMax = std::max(arrivalMax, rates.arrivalsPerSec);
        const double depth = static_cast<double>(gauges.queueDepth);
        m_points[QueueDepth].append({x, depth});
        m_points[QueueCapacity].append({x, static_cast<double>(gauges.queueCapacity)});
        m_points[Busy].append({x, static_cast<double>(gauges.busyWorkers)});
        m_points[Workers].append({x, static_cast<double>(gauges.workers)});
        queueMax = std::max({queueMax, depth, static_cast<double>(gauges.queueCapacity)});
        workerMax = std::max(
            {workerMax, static_cast<double>(gauges.workers), static_cast<double>(gauges.busyWorkers)});
        const IntervalLatency& l = latencyOf(rates, m_latencyKind);
        if (l.count == 0)
            return; // nothing finished here: a gap, not a latency of 0
        m_points[P50].append({x, toMillis(l.p50)});
        m_points[P95].append({x, toMillis(l.p95)});
        m_points[P99].append({x, toMillis(l.p99)});
        latencyMax = std::max(latencyMax, toMillis(l.p99));
    };

    double x0 = 0;
    double x1 = m_windowSeconds > 0 ? m_windowSeconds : 10;
    if (!ts.empty()) {
        const double last = toSeconds(ts.last().runNs);
        if (m_windowSeconds > 0) {
            x1 = std::max<double>(m_windowSeconds, last);
            x0 = x1 - m_windowSeconds;
            const std::size_t n = ts.recentSize();
            // First sample ending inside the window (binary search: runNs grows with the index).
            std::size_t lo = 0, hi = n;
            const Nanos from = static_cast<Nanos>(x0 * 1e9);
            while (lo < hi) {
                const std::size_t mid = (lo + hi) / 2;
                if (ts.recent(mid).runNs <= from)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            const std::size_t first = std::min(lo, n - 1);
            const std::size_t count = n - first;
            const std::size_t stride = (count + kMaxPoints - 1) / kMaxPoints;
            std::size_t j = 0;
            Sample acc;
            // Start so that the newest sample is always drawn.
            for (std::size_t i = first + (count - 1) % stride; i < n; i += stride) {
                const Sample& s = ts.recent(i);
                // Rates and latency over the trailing second (or stride): one 100 ms
                // interval holds too few jobs to be read as a rate.
                const Nanos span = std::max<Nanos>(kSecond, static_cast<Nanos>(stride) * s.intervalNs);
                while (j < i && s.runNs - ts.recent(j).runNs >= span)
                    ++j;
                acc = ts.recent(j);
                for (std::size_t k = j + 1; k <= i; ++k)
                    TimeSeries::merge(acc, ts.recent(k));
                push(toSeconds(s.runNs), acc, s);
            }
        } else {
            x1 = std::max(10.0, last);
            for (std::size_t i = 0; i < ts.overviewSize(); ++i) {
                const Sample& b = ts.overview(i);
                push(toSeconds(b.runNs), b, b);
            }
        }
    }

    for (std::size_t i = 0; i < SeriesCount; ++i)
        m_series[i]->replace(m_points[i]);
    const double timeStep = niceCeil((x1 - x0) / 6);
    for (QValueAxis* axis : m_timeAxes)
        setAxis(axis, x0, x1, timeStep);
    // A burst arrives at 100,000/s in one instant; scaling to it would flatten the
    // completions, which are the story. Arrivals far above them run off the top.
    const double rateScale = rateMax > 0 ? std::max(rateMax, std::min(arrivalMax, 3 * rateMax)) : arrivalMax;
    setNiceRange(m_rateAxis, std::max(1.0, rateScale * 1.1));
    setNiceRange(m_queueAxis, std::max(1.0, queueMax * 1.05));
    setNiceRange(m_workerAxis, std::max(1.0, workerMax * 1.1));
    setNiceRange(m_latencyAxis, std::max(1.0, latencyMax * 1.1));
    for (MarkedChartView* view : m_views)
        view->viewport()->update(); // markers move with the axis
}

} // namespace poollab
