// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/chart_panel.h"

#include "ui/axis_steps.h"

#include <QApplication>
#include <QComboBox>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QSignalBlocker>
#include <QStringBuilder>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

struct AxisRange
{
    double min = 0;
    double max = 1;
    double step = 1;
};

QString labelFormatFor(double step)
{
    return QStringLiteral("%.") % QString::number(decimalsFor(step)) % QStringLiteral("f");
}

// Whether the axis shows this range with these ticks already.
bool axisShows(const QValueAxis* axis, const AxisRange& r)
{
    return axis->min() == r.min && axis->max() == r.max && axis->tickInterval() == r.step &&
           axis->labelFormat() == labelFormatFor(r.step);
}

// Sets range and tick interval without passing through a state where the old interval
// on the new range (or the reverse) would ask the axis for hundreds of thousands of ticks.
// Returns whether the axis changed.
bool setAxis(QValueAxis* axis, const AxisRange& r)
{
    const QString format = labelFormatFor(r.step);
    // Unchanged (most ticks: the record gains a row once per sample interval): touching
    // the axis would lay out and re-render all its labels for nothing.
    if (axis->tickInterval() == r.step && axis->labelFormat() == format) {
        // Same ticks (a rolling window moving on): the range alone, one relayout.
        if (axis->min() == r.min && axis->max() == r.max)
            return false;
        axis->setRange(r.min, r.max);
        return true;
    }
    axis->setTickInterval(std::max(axis->max() - axis->min(), r.max - r.min));
    axis->setRange(r.min, r.max);
    axis->setTickInterval(r.step);
    axis->setLabelFormat(format);
    return true;
}

// 0..max in about four round steps; whole-number quantities never get a step below 1.
AxisRange niceRange(double maxValue, bool wholeNumbers = false)
{
    if (!(maxValue > 0))
        maxValue = 1;
    double step = niceStep(maxValue / 4);
    if (wholeNumbers)
        step = std::max(1.0, std::round(step));
    return {0, step * std::max(1.0, std::ceil(maxValue / step - 1e-9)), step};
}

// The time axes are hidden and have no ticks of their own (one far off any run's
// range): Qt Charts would lay out every tick label again as rich text on each move of
// the window, and then the whole chart. The views draw the time ticks, labels and grid.
constexpr double kNoTickAnchor = -1e15;
constexpr double kNoTickInterval = 1e16;
// Qt Charts' gap between an axis and its labels, and its tick marks' length.
constexpr double kLabelPadding = 4;

QValueAxis* timeAxisOf(QChart* chart)
{
    const auto axes = chart->axes(Qt::Horizontal);
    return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
}

// 950, 2k, 12.3k, 1.5M: short enough for a legend entry, which Qt Charts cuts off.
QString compactNumber(double v)
{
    const QLocale locale;
    if (v < 1000)
        return locale.toString(v, 'f', 0);
    if (v < 1e6)
        return locale.toString(v / 1e3, 'g', 3) + u'k';
    return locale.toString(v / 1e6, 'g', 3) + u'M';
}

double maxY(const QList<QPointF>& points)
{
    double m = 0;
    for (const QPointF& p : points)
        m = std::max(m, p.y());
    return m;
}

} // namespace

MarkedChartView::MarkedChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent)
{
    // No antialiasing: the lines are steps, horizontal and vertical, which it would only
    // blur at their edges, and it doubled the cost of painting their 2 px strokes.
    setRenderHint(QPainter::Antialiasing, false);
    setMinimumHeight(110); // the plot and its axes: title and legend are in a ChartHeader above
    // The panel repaints a chart whole, once, after a refresh that changed it. Qt's own
    // minimal updates arrived after that paint, so each chart painted again through a
    // clip of dozens of rectangles: twice the cost of one whole paint.
    setViewportUpdateMode(QGraphicsView::NoViewportUpdate);
}

void MarkedChartView::drawBackground(QPainter* painter, const QRectF& rect)
{
    // The chart's own background is off: painted here, the time grid can go over it and
    // under everything else, where the axis' own grid lines were.
    painter->fillRect(rect, chart()->backgroundBrush());
    m_timeLabels.clear();
    const QValueAxis* axis = timeAxisOf(chart());
    if (!m_timeTicks || !axis || axis->max() <= axis->min())
        return;
    const QRectF plot = chart()->plotArea();
    const auto xOf = [&](double seconds) {
        return plot.left() + (seconds - axis->min()) / (axis->max() - axis->min()) * plot.width();
    };
    painter->save();
    for (const TimeTick& tick : *m_timeTicks) {
        const double x = xOf(tick.seconds);
        if (axis->isGridLineVisible()) {
            painter->setPen(axis->gridLinePen());
            painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        }
        painter->setPen(axis->linePen());
        painter->drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + kLabelPadding));
    }
    if (axis->isLineVisible()) {
        painter->setPen(axis->linePen());
        painter->drawLine(plot.bottomLeft(), plot.bottomRight());
    }
    if (axis->labelsVisible()) {
        // Centred under their ticks; one that would overlap the one before or run out of
        // the view is left out, as Qt Charts does.
        painter->setFont(axis->labelsFont());
        painter->setPen(axis->labelsBrush().color());
        const QFontMetricsF fm(axis->labelsFont());
        double end = -1e9;
        for (const TimeTick& tick : *m_timeTicks) {
            const double width = tick.width;
            // On whole pixels, as Qt Charts places its labels.
            const QRectF box(std::round(xOf(tick.seconds) - width / 2), plot.bottom() + kLabelPadding + 1,
                             width, fm.height());
            if (box.left() < end || box.left() < 0 || box.right() > viewport()->width())
                continue;
            painter->drawText(QPointF(box.left(), box.top() + fm.ascent()), tick.text); // no layout
            m_timeLabels.append({tick.text, box});
            end = box.right() + 2;
        }
    }
    painter->restore();
}

void MarkedChartView::drawForeground(QPainter* painter, const QRectF& rect)
{
    QChartView::drawForeground(painter, rect);
    m_labelBoxes.clear();
    QValueAxis* axis = timeAxisOf(chart());
    if (!axis || axis->max() <= axis->min())
        return;
    const QRectF plot = chart()->plotArea();
    const auto xOf = [&](double seconds) {
        return plot.left() + (seconds - axis->min()) / (axis->max() - axis->min()) * plot.width();
    };
    const QColor lineColor = palette().color(QPalette::Text);
    painter->save();
    QFont font = painter->font();
    font.setPointSizeF(font.pointSizeF() * 0.85);
    painter->setFont(font);
    const QFontMetricsF fm(font);

    // Pauses first, under the markers: a shaded span, so that a flat line there reads
    // as "paused", not as an outage. In virtual time a pause takes no run time; it still
    // gets a band a few pixels wide.
    if (m_pauses) {
        QColor shade = lineColor;
        shade.setAlpha(40);
        for (const PauseSpan& p : *m_pauses) {
            if (p.to < axis->min() || p.from > axis->max())
                continue;
            double left = std::max(plot.left(), xOf(p.from));
            double right = std::min(plot.right(), xOf(p.to));
            if (right - left < 4) {
                left -= 2;
                right = left + 4;
            }
            const QRectF band(left, plot.top(), right - left, plot.height());
            painter->fillRect(band, shade);
            if (m_showLabels) {
                painter->setPen(lineColor);
                const QString text = tr("paused");
                painter->drawText(QPointF(band.left() + 3, plot.bottom() - fm.descent() - 2), text);
            }
        }
    }

    if (m_markers) {
        // Labels stack: each takes the highest row where it overlaps no label already
        // placed, so that nearby changes stay readable.
        constexpr int kRows = 6;
        for (const ChangeMarker& m : *m_markers) {
            if (m.seconds < axis->min() || m.seconds > axis->max())
                continue;
            const double x = xOf(m.seconds);
            QPen pen(lineColor, 1, Qt::DashLine);
            pen.setCosmetic(true);
            painter->setPen(pen);
            painter->drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
            if (!m_showLabels)
                continue;
            const QString text = m.label();
            QRectF box(0, 0, fm.horizontalAdvance(text) + 8, fm.height() + 2);
            box.moveTopLeft(QPointF(x + 3, plot.top() + 2));
            if (box.right() > plot.right())
                box.moveRight(x - 3);
            QRectF placed = box;
            for (int row = 0; row < kRows; ++row) {
                placed = box.translated(0, row * (box.height() + 1));
                const bool clear =
                    std::none_of(m_labelBoxes.cbegin(), m_labelBoxes.cend(),
                                 [&](const QRectF& other) { return other.intersects(placed); });
                if (clear)
                    break;
                if (row == kRows - 1) // no free row: the oldest row gives way
                    placed = box.translated(0, (m_labelBoxes.size() % kRows) * (box.height() + 1));
            }
            m_labelBoxes << placed;
            // Light enough that the lines under a label stay visible.
            QColor fill = palette().color(QPalette::Base);
            fill.setAlpha(150);
            painter->fillRect(placed, fill);
            painter->setPen(lineColor);
            painter->drawText(placed, Qt::AlignCenter, text);
        }
    }
    painter->restore();
}

ChartPanel::ChartPanel(const RunController* controller, QWidget* parent)
    : QWidget(parent), m_controller(controller)
{
    m_throughput = makeChart();
    m_queue = makeChart();
    m_latency = makeChart();
    m_headers = {new ChartHeader(tr("Throughput (jobs/s per sample interval)")),
                 new ChartHeader(tr("Queue and workers")), new ChartHeader(tr("Latency (ms)"))};

    m_rateAxis = new QValueAxis;
    m_queueAxis = new QValueAxis;
    m_workerAxis = new QValueAxis;
    m_latencyAxis = new QValueAxis;
    for (QValueAxis* axis : {m_rateAxis, m_queueAxis, m_workerAxis, m_latencyAxis}) {
        axis->setTickType(QValueAxis::TicksDynamic);
        // Qt Charts gives each label the plot's height over the tick count, less 8 px:
        // without the time axis in its layout (the views draw it) a 100 px plot left 12
        // px for 14 px labels and showed "..." for every one at 1024x640.
        axis->setTruncateLabels(false);
    }
    m_queueAxis->setTitleText(tr("jobs queued"));
    m_workerAxis->setTitleText(tr("workers, jobs")); // in flight counts jobs backing off too
    // (fitAxisTitles() shortens them where the plot is too short for them)
    m_throughput->addAxis(m_rateAxis, Qt::AlignLeft);
    m_queue->addAxis(m_queueAxis, Qt::AlignLeft);
    m_queue->addAxis(m_workerAxis, Qt::AlignRight);
    m_workerAxis->setGridLineVisible(false); // one grid per chart: the queue's
    m_latency->addAxis(m_latencyAxis, Qt::AlignLeft);

    const std::array<QChart*, 3> charts{m_throughput, m_queue, m_latency};
    for (int i = 0; i < 3; ++i) {
        auto* axis = new QValueAxis;
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTickAnchor(kNoTickAnchor);
        axis->setTickInterval(kNoTickInterval);
        // Hidden, it is left out of the chart's layout: a range change lays nothing out
        // (a visible axis without ticks asked for a whole relayout on every one).
        axis->setVisible(false);
        charts[static_cast<std::size_t>(i)]->addAxis(axis, Qt::AlignBottom);
        m_timeAxes[static_cast<std::size_t>(i)] = axis;
    }

    m_overlay = std::make_unique<ChartOverlay>(
        charts, m_timeAxes, std::array<QValueAxis*, 3>{m_rateAxis, m_queueAxis, m_latencyAxis}, kMaxBuckets);
    addSeries(m_throughput, Completions, tr("completed/s"), m_rateAxis);
    addSeries(m_throughput, Arrivals, tr("arrived/s"), m_rateAxis);
    addSeries(m_throughput, Failures, tr("failed/s"), m_rateAxis);
    addSeries(m_throughput, Refusals, tr("rejected + dropped/s"), m_rateAxis);
    addSeries(m_throughput, Retries, tr("retries/s"), m_rateAxis);
    addSeries(m_queue, QueueDepth, tr("queue depth"), m_queueAxis);
    addSeries(m_queue, QueueCapacity, tr("capacity"), m_queueAxis);
    addSeries(m_queue, Busy, tr("busy workers"), m_workerAxis);
    addSeries(m_queue, Throttled, tr("throttled workers"), m_workerAxis);
    addSeries(m_queue, InFlight, tr("in flight"), m_workerAxis);
    addSeries(m_queue, Workers, tr("worker count"), m_workerAxis);
    addSeries(m_latency, P50, tr("p50"), m_latencyAxis);
    addSeries(m_latency, P95, tr("p95"), m_latencyAxis);
    addSeries(m_latency, P99, tr("p99"), m_latencyAxis);
    addSeries(m_latency, P99Uncorrected, tr("p99 uncorrected"), m_latencyAxis);
    styleSeries();
    for (auto& points : m_points)
        points.reserve(kMaxPoints + 2);

    m_windowBox = new QComboBox;
    m_windowBox->addItem(tr("Last 30 s"), 30);
    m_windowBox->addItem(tr("Last minute"), 60);
    m_windowBox->addItem(tr("Last 5 minutes"), 300);
    m_windowBox->addItem(tr("Whole run"), 0);
    m_windowBox->setCurrentIndex(1);
    m_windowBox->setToolTip(tr("How much history the charts show. They draw the rows the CSV export "
                               "writes, one per sample interval; when there are more than fit, each "
                               "bucket shows its lowest and highest row, so no spike is lost."));
    connect(m_windowBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setWindowSeconds(m_windowBox->itemData(index).toInt()); });
    m_latencyBox = makeLatencyBox();
    m_series[P99Uncorrected]->setVisible(false);

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
        m_views[i]->setPauses(&m_controller->pauses());
        m_views[i]->setTimeTicks(&m_timeTicks);
        connect(charts[i], &QChart::plotAreaChanged, this, &ChartPanel::alignPlotAreas);
        chartsLayout->addWidget(m_headers[i]);
        chartsLayout->addWidget(m_views[i], 1);
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

QChart* ChartPanel::makeChart()
{
    auto* chart = new QChart;
    // Title and legend are drawn above the view by a ChartHeader, which wraps them.
    chart->legend()->hide();
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setMargins(QMargins(2, 2, 2, 2));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    chart->setBackgroundRoundness(0);
    chart->setBackgroundVisible(false); // the view paints it, under the time grid
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
    // Fixed colours, distinct within each chart, readable on both themes' backgrounds;
    // a kind of event keeps its colour across charts (green done, red failed or p99).
    const auto pen = [this](Series id, QColor color, Qt::PenStyle style = Qt::SolidLine, qreal width = 2) {
        QPen p(color, width * m_presentationScale, style);
        p.setCosmetic(true);
        m_series[id]->setPen(p);
    };
    pen(Completions, QColor(0x2e, 0xa0, 0x43));
    pen(Arrivals, QColor(0x3b, 0x82, 0xf6));
    pen(Failures, QColor(0xdc, 0x26, 0x26));
    pen(Refusals, QColor(0xf5, 0x9e, 0x0b));
    pen(Retries, QColor(0xd9, 0x46, 0xef));
    pen(QueueDepth, QColor(0x8b, 0x5c, 0xf6), Qt::SolidLine, 2.5);
    pen(QueueCapacity, QColor(0x9c, 0xa3, 0xaf), Qt::DashLine, 1.5);
    pen(Busy, QColor(0x14, 0xb8, 0xa6));
    pen(Throttled, QColor(0xef, 0x44, 0x44));
    pen(InFlight, QColor(0x3b, 0x82, 0xf6), Qt::DotLine, 2);
    pen(Workers, QColor(0xf9, 0x73, 0x16), Qt::DashLine, 2);
    pen(P50, QColor(0x2e, 0xa0, 0x43));
    pen(P95, QColor(0xf5, 0x9e, 0x0b));
    pen(P99, QColor(0xdc, 0x26, 0x26));
    pen(P99Uncorrected, QColor(0x9f, 0x12, 0x39), Qt::DashLine,
        1.5); // a darker red: the p99, counted differently
    for (std::size_t i = 0; i < SeriesCount; ++i)
        for (QLineSeries* more : m_continuations[i])
            more->setPen(m_series[i]->pen());
    refreshLegends();
}

void ChartPanel::refreshLegends()
{
    const std::array<QChart*, 3> charts{m_throughput, m_queue, m_latency};
    for (std::size_t c = 0; c < charts.size(); ++c) {
        std::vector<LegendEntry> entries;
        for (const QXYSeries* series : allSeries())
            if (series->chart() == charts[c])
                entries.push_back({series->name(), series->pen().color()});
        for (LegendEntry& overlay : m_overlay->legendEntries(static_cast<int>(c)))
            entries.push_back(std::move(overlay));
        m_headers[c]->setEntries(std::move(entries));
    }
}

void ChartPanel::setChartTheme(QChart::ChartTheme theme)
{
    for (QChart* chart : {m_throughput, m_queue, m_latency}) {
        chart->setTheme(theme);
        chart->setBackgroundRoundness(0);
        // The window's own colours, so the charts sit in it rather than on it.
        chart->setBackgroundBrush(QApplication::palette().color(QPalette::Base));
        chart->setPlotAreaBackgroundVisible(false);
        chart->setBackgroundVisible(false);
        chart->legend()->hide(); // setTheme() may show it again
    }
    m_overlay->setDark(theme == QChart::ChartThemeDark);
    m_axisFontSize = m_timeAxes[0]->labelsFont().pointSizeF(); // the theme's size
    setPresentationScale(m_presentationScale);                 // setTheme() resets the fonts
    styleSeries();                                             // setTheme() recolours the series
    m_timeStep = 0; // the time labels are measured again, in the theme's font
    // One grid per chart: the right-hand (workers) scale's lines would cross the queue's.
    m_workerAxis->setGridLineVisible(false);
    for (MarkedChartView* view : m_views)
        view->viewport()->update();
}

void ChartPanel::setPresentationScale(double scale)
{
    m_presentationScale = scale;
    if (m_axisFontSize <= 0)
        m_axisFontSize = m_timeAxes[0]->labelsFont().pointSizeF();
    for (QChart* chart : {m_throughput, m_queue, m_latency}) {
        for (QAbstractAxis* axis : chart->axes()) {
            QFont font = axis->labelsFont();
            if (m_axisFontSize > 0)
                font.setPointSizeF(m_axisFontSize * scale);
            axis->setLabelsFont(font);
        }
    }
    styleSeries();
    m_timeStep = 0; // the time labels are measured again, in the new size
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

QComboBox* ChartPanel::makeLatencyBox()
{
    auto* box = new QComboBox;
    box->addItem(tr("Total (arrival to outcome)"));
    box->addItem(tr("Wait (in the queue)"));
    box->addItem(tr("Service (on a worker)"));
    box->setToolTip(tr("Total = wait + service (+ retries). When the queue grows, wait dominates: "
                       "that is queueing delay, not slower work."));
    // The total once more, with its p99 uncorrected beside it (a line of the latency chart).
    box->addItem(tr("Total + p99 uncorrected"));
    box->setItemData(
        kUncorrectedItem,
        tr("The total, and its p99 counted from when each job was actually submitted (dashed), as a "
           "closed-loop load tool measures it. The total counts from when a job was meant to arrive: "
           "when backpressure holds the producer up, only that one shows the stall (coordinated "
           "omission)."),
        Qt::ToolTipRole);
    connect(box, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_showUncorrected = index == kUncorrectedItem;
        m_latencyKind = m_showUncorrected ? LatencyKind::Total : static_cast<LatencyKind>(index);
        applyLatencyKind();
    });
    return box;
}

void ChartPanel::setLatencyKind(LatencyKind kind)
{
    m_latencyKind = kind;
    applyLatencyKind();
}

void ChartPanel::setShowUncorrected(bool show)
{
    m_showUncorrected = show;
    applyLatencyKind();
}

void ChartPanel::applyLatencyKind()
{
    const int index = showsUncorrected() ? kUncorrectedItem : static_cast<int>(m_latencyKind);
    if (m_latencyBox->currentIndex() != index) {
        const QSignalBlocker quiet(m_latencyBox);
        m_latencyBox->setCurrentIndex(index);
    }
    m_overlay->setLatencyColumn(column(P99));
    m_series[P99Uncorrected]->setVisible(showsUncorrected());
    refreshLegends();
    update();
}

void ChartPanel::setOverlays(std::vector<OverlayRun> runs)
{
    m_overlay->setRuns(std::move(runs));
    update();
    for (MarkedChartView* view : m_views)
        view->viewport()->update(); // static lines: drawn now, not on a tick
}

QList<QXYSeries*> ChartPanel::allSeries() const
{
    QList<QXYSeries*> out;
    for (std::size_t i = 0; i < SeriesCount; ++i)
        if (i != P99Uncorrected || showsUncorrected())
            out << m_series[i];
    return out;
}

Column ChartPanel::column(Series id) const
{
    const int kind = static_cast<int>(m_latencyKind);
    const auto latency = [kind](Column total) {
        return static_cast<Column>(static_cast<int>(total) + 3 * kind); // total, wait, service
    };
    switch (id) {
    case Completions:
        return Column::Completions;
    case Arrivals:
        return Column::Arrivals;
    case Failures:
        return Column::Failures;
    case Refusals:
        return Column::Refusals;
    case Retries:
        return Column::Retries;
    case QueueDepth:
        return Column::QueueDepth;
    case QueueCapacity:
        return Column::QueueCapacity;
    case Busy:
        return Column::BusyWorkers;
    case Throttled:
        return Column::ThrottledWorkers;
    case InFlight:
        return Column::InFlight;
    case Workers:
        return Column::Workers;
    case P50:
        return latency(Column::TotalP50);
    case P95:
        return latency(Column::TotalP95);
    case P99Uncorrected:
        return Column::UncorrectedP99;
    case P99:
    case SeriesCount:
        break;
    }
    return latency(Column::TotalP99);
}

Column ChartPanel::columnOf(const QXYSeries* series) const
{
    for (std::size_t i = 0; i < SeriesCount; ++i)
        if (m_series[i] == series)
            return column(static_cast<Series>(i));
    return Column::Completions;
}

void ChartPanel::update()
{
    for (auto& points : m_points)
        points.clear();
    // Without a live record the overlaid runs set the time axis, as a record of their
    // length would.
    TimeSpan span = chartSpan(
        m_overlay->runCount() > 0 ? std::optional<double>(m_overlay->end()) : std::nullopt, m_windowSeconds);
    m_controller->withRecord([&](const IntervalRecord& record) {
        if (record.empty())
            return;
        // The record's end: the charts show what the CSV has, no further.
        span = chartSpan(toSeconds(record.back().runNs), m_windowSeconds);
        for (std::size_t i = 0; i < SeriesCount; ++i) {
            m_steps.clear();
            chartSteps(record.rows(), record.envelope(), column(static_cast<Series>(i)), m_windowSeconds,
                       span, kMaxBuckets, m_steps);
            QList<QPointF>& points = m_points[i];
            points.reserve(static_cast<qsizetype>(m_steps.size()));
            for (const StepPoint& p : m_steps)
                points.append({p.x, p.y});
        }
    });

    // The capacity is drawn only when it is on the scale of the queue: at 100,000 it
    // would flatten a queue of ten to a line at 0. Otherwise its legend entry says it.
    const double depthMax = maxY(m_points[QueueDepth]);
    const double capacityMax = maxY(m_points[QueueCapacity]);
    const bool showCapacity = capacityMax > 0 && capacityMax <= 4 * std::max(depthMax, 1.0);
    if (!showCapacity)
        m_points[QueueCapacity].clear();
    if (!showsUncorrected())
        m_points[P99Uncorrected].clear();
    const QString capacityName =
        showCapacity || m_points[QueueDepth].isEmpty() ? tr("capacity")
        : capacityMax > 0 ? tr("capacity %1 (off scale)").arg(QLocale().toString(capacityMax, 'f', 0))
                          : tr("capacity 0 (hand-off)");

    std::array<bool, 3> changed{}; // per chart: it repaints (whole) only then
    const auto chartOf = [](std::size_t id) -> std::size_t {
        return id <= Retries ? 0 : id <= Workers ? 1 : 2;
    };
    if (m_series[QueueCapacity]->name() != capacityName) {
        m_series[QueueCapacity]->setName(capacityName);
        changed[1] = true;
    }

    // Where every axis goes, before anything is drawn.
    const double x0 = span.from;
    const double x1 = span.to > span.from ? span.to : span.from + 1;
    const double rateMax = std::max({maxY(m_points[Completions]), maxY(m_points[Failures]),
                                     maxY(m_points[Refusals]), maxY(m_points[Retries])});
    const double arrivalMax = maxY(m_points[Arrivals]);
    // A burst arrives at 100,000/s in one instant; scaling to it would flatten the
    // completions, which are the story. Arrivals far above them run off the top.
    const double rateScale = rateMax > 0 ? std::max(rateMax, std::min(arrivalMax, 3 * rateMax)) : arrivalMax;
    const AxisRange rate = niceRange(std::max(rateScale, m_overlay->maxY(0, x0, x1)) * 1.1);
    const AxisRange queue = niceRange(
        std::max({depthMax, showCapacity ? capacityMax : 0.0, m_overlay->maxY(1, x0, x1)}) * 1.05, true);
    const AxisRange workers = niceRange(std::max({maxY(m_points[Workers]), maxY(m_points[Busy]),
                                                  maxY(m_points[Throttled]), maxY(m_points[InFlight])}) *
                                            1.05,
                                        true);
    const AxisRange latency =
        niceRange(std::max({maxY(m_points[P50]), maxY(m_points[P95]), maxY(m_points[P99]),
                            maxY(m_points[P99Uncorrected]), m_overlay->maxY(2, x0, x1)}) *
                  1.1);
    const bool timeMoves = m_timeAxes[0]->min() != x0 || m_timeAxes[0]->max() != x1;
    const std::array<bool, 3> axesMove{timeMoves || !axisShows(m_rateAxis, rate),
                                       timeMoves || !axisShows(m_queueAxis, queue) ||
                                           !axisShows(m_workerAxis, workers),
                                       timeMoves || !axisShows(m_latencyAxis, latency)};
    // A line's shape is stroked again (Qt Charts, for hit tests) on every range change of
    // its axes and on every new set of points: with the old points emptied first, the
    // axes move without redrawing them, and each line is stroked once, with its new points.
    for (std::size_t i = 0; i < SeriesCount; ++i) {
        if (!axesMove[chartOf(i)])
            continue;
        m_series[i]->clear();
        for (QLineSeries* more : m_continuations[i])
            more->clear();
    }
    bool moved = false; // the time axes: the markers and pause bands move with them
    if (timeMoves)
        for (QValueAxis* axis : m_timeAxes)
            axis->setRange(x0, x1);
    moved |= timeMoves;
    changed[0] |= setAxis(m_rateAxis, rate);
    changed[1] |= setAxis(m_queueAxis, queue);
    changed[1] |= setAxis(m_workerAxis, workers);
    changed[2] |= setAxis(m_latencyAxis, latency);
    for (std::size_t i = 0; i < SeriesCount; ++i)
        changed[chartOf(i)] |= drawSegments(static_cast<Series>(i));

    updateTimeTicks(x0, x1, timeMoves);

    // Arrivals cut off at the top say how high they went, as an off-scale capacity does.
    const QString arrivalsName = arrivalMax > m_rateAxis->max()
                                     ? tr("arrived/s (peak %1)").arg(compactNumber(arrivalMax))
                                     : tr("arrived/s");
    if (m_series[Arrivals]->name() != arrivalsName)
        m_series[Arrivals]->setName(arrivalsName);
    refreshLegends();
    alignPlotAreas();
    repaintCharts(changed, moved);
}

void ChartPanel::repaintCharts(const std::array<bool, 3>& changed, bool moved)
{
    // The foreground (markers, pauses) moves with the time axes and the plot areas, and
    // changes with the markers and pauses: then all three charts repaint. Most ticks
    // change nothing in the charts (a row per second) and repaint none.
    QString foreground = QString::number(m_controller->markers().size());
    if (!m_controller->markers().empty())
        foreground +=
            QString::number(m_controller->markers().back().seconds) + m_controller->markers().back().label();
    foreground += u'|' + QString::number(m_controller->pauses().size());
    if (!m_controller->pauses().empty())
        foreground += QString::number(m_controller->pauses().back().to) +
                      QString::number(m_controller->pauses().back().open);
    const std::array<QChart*, 3> charts{m_throughput, m_queue, m_latency};
    for (std::size_t i = 0; i < 3; ++i) {
        moved |= charts[i]->plotArea() != m_plotAreas[i];
        m_plotAreas[i] = charts[i]->plotArea();
    }
    const bool all = moved || foreground != m_foreground;
    m_foreground = foreground;
    for (std::size_t i = 0; i < 3; ++i)
        if (all || changed[i])
            m_views[i]->viewport()->update();
}

// The time ticks the views draw: round steps from 0, as the axes' own would be.
void ChartPanel::updateTimeTicks(double x0, double x1, bool timeMoves)
{
    const double timeStep = niceStep((x1 - x0) / 6);
    if (timeMoves || timeStep != m_timeStep) {
        m_timeStep = timeStep;
        m_timeTicks.clear();
        const QByteArray format = (labelFormatFor(timeStep) + QStringLiteral(" s")).toLatin1();
        const QFontMetricsF fm(m_timeAxes[0]->labelsFont());
        for (auto k = static_cast<long long>(std::ceil(x0 / timeStep - 1e-9));
             k * timeStep <= x1 + 1e-9 * timeStep; ++k) {
            const QString text = QString::asprintf(format.constData(), k * timeStep);
            m_timeTicks.append({k * timeStep, text, fm.horizontalAdvance(text)});
        }
    }
}

bool ChartPanel::drawSegments(Series id)
{
    bool changed = false;
    const QList<QPointF>& points = m_points[id];
    std::vector<QLineSeries*>& more = m_continuations[id];
    std::size_t used = 0; // continuations drawn
    qsizetype from = 0;
    while (true) {
        qsizetype to = from;
        while (to < points.size() && !std::isnan(points[to].y()))
            ++to;
        m_segment = points.mid(from, to - from);
        QLineSeries* series = m_series[id];
        if (from > 0) {
            if (used == more.size()) {
                series = new QLineSeries;
                series->setName(m_series[id]->name());
                series->setPen(m_series[id]->pen());
                QChart* chart = m_series[id]->chart();
                chart->addSeries(series);
                for (QAbstractAxis* axis : m_series[id]->attachedAxes())
                    series->attachAxis(axis);
                more.push_back(series);
                changed = true;
            }
            series = more[used++];
        }
        if (series->points() != m_segment) { // else the series would rebuild its path for nothing
            series->replace(m_segment);
            changed = true;
        }
        if (to >= points.size())
            break;
        from = to + 1;
    }
    // Gaps that scrolled out of the window: their continuations go (an empty series
    // left in the chart would still count as one of its lines).
    while (more.size() > used) {
        m_series[id]->chart()->removeSeries(more.back());
        delete more.back();
        more.pop_back();
        changed = true;
    }
    return changed;
}

QList<QXYSeries*> ChartPanel::segmentsOf(const QXYSeries* series) const
{
    QList<QXYSeries*> out;
    for (std::size_t i = 0; i < SeriesCount; ++i) {
        if (m_series[i] != series)
            continue;
        out << m_series[i];
        for (QLineSeries* more : m_continuations[i])
            out << more;
    }
    return out;
}

void ChartPanel::fitAxisTitles()
{
    // Qt Charts elides a vertical axis title longer than the plot is high: at 1024x640
    // the right one read "workers, j…". A title only says what the axis counts, so a
    // shorter one does where the long one would be cut (the legend names each line).
    m_queue->layout()->activate();
    const double room = m_queue->plotArea().height();
    const auto fit = [room](QValueAxis* axis, const QString& full, const QString& brief) {
        // Qt lays the title out as rich text, with a margin of 2 px at each end (and a
        // pixel or two for rounding).
        const double needed = QFontMetricsF(axis->titleFont()).horizontalAdvance(full) + 6;
        const QString text = needed <= room ? full : brief;
        if (axis->titleText() != text)
            axis->setTitleText(text);
    };
    fit(m_queueAxis, tr("jobs queued"), tr("queued"));
    fit(m_workerAxis, tr("workers, jobs"), tr("workers"));
}

void ChartPanel::alignPlotAreas()
{
    // Each chart's axis labels take their own width; extra margins make up the
    // difference, so that one run time falls on the same x pixel in all three charts
    // and the change markers line up. Laid out at once (activate()), so that each
    // plot area read belongs to the margins it was laid out with.
    if (m_aligning)
        return;
    m_aligning = true;
    fitAxisTitles();
    const std::array<QChart*, 3> charts{m_throughput, m_queue, m_latency};
    const QMargins base(2, 2, 2, 2);
    // The time labels the views draw under the plots: room below for a line of them,
    // and at each side for half the widest (it may sit on the plot's edge).
    const QFontMetricsF fm(m_timeAxes[0]->labelsFont());
    double halfLabel = 0;
    for (const TimeTick& tick : m_timeTicks)
        halfLabel = std::max(halfLabel, std::ceil(tick.width / 2));
    const double labelsBelow = base.bottom() + kLabelPadding + 1 + std::ceil(fm.height()) + 2;
    std::array<double, 3> left{}, right{}, bottom{};
    double maxLeft = base.left() + halfLabel, maxRight = base.right() + halfLabel;
    for (std::size_t i = 0; i < 3; ++i) {
        charts[i]->layout()->activate(); // lay out what changed since, with the current margins
        const QRectF plot = charts[i]->plotArea();
        const QRectF all = charts[i]->rect();
        const QMargins added = charts[i]->margins() - base;
        left[i] = plot.left() - all.left() - added.left(); // what the chart needs by itself
        right[i] = all.right() - plot.right() - added.right();
        bottom[i] = all.bottom() - plot.bottom() - added.bottom();
        maxLeft = std::max(maxLeft, left[i]);
        maxRight = std::max(maxRight, right[i]);
    }
    for (std::size_t i = 0; i < 3; ++i) {
        const QMargins extra(static_cast<int>(std::round(maxLeft - left[i])), 0,
                             static_cast<int>(std::round(maxRight - right[i])),
                             static_cast<int>(std::ceil(std::max(0.0, labelsBelow - bottom[i]))));
        if (charts[i]->margins() == base + extra)
            continue;
        charts[i]->setMargins(base + extra);
        charts[i]->layout()->activate();
        if (m_views[i]) // views repaint only when told (NoViewportUpdate); null while built
            m_views[i]->viewport()->update();
    }
    m_aligning = false;
}

} // namespace poollab
