// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/percentile_chart.h"

#include "ui/theme.h"

#include <QCategoryAxis>
#include <QChartView>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace poollab {

namespace {

// Both axes start at 0: p = 0 % (1 / (1 - p) = 1), and 0 ms.
constexpr double kAxisOrigin = 0;

QString percentLabel(double percent)
{
    return QStringLiteral("%1 %").arg(percent, 0, 'g', 6);
}

QColor curveColor(PercentileChart::Curve curve)
{
    switch (curve) {
    case PercentileChart::Total:
        return {0x25, 0x63, 0xeb};
    case PercentileChart::TotalUncorrected:
        return {0x7c, 0x3a, 0xed};
    case PercentileChart::Wait:
        return {0xf5, 0x9e, 0x0b};
    case PercentileChart::Service:
        return {0x2e, 0xa0, 0x43};
    case PercentileChart::CurveCount:
        break;
    }
    return {};
}

} // namespace

PercentileChart::PercentileChart(QWidget* parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->legend()->hide(); // the header's legend wraps instead of eliding
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(2, 2, 32, 2)); // room for the last percentile's label
    m_chart->setBackgroundRoundness(0);
    m_xAxis = new QCategoryAxis;
    m_xAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_xAxis->setTitleText(tr("percentile (log scale of 1 / (1 \u2212 p))"));
    m_xAxis->setTruncateLabels(false);
    m_yAxis = new QValueAxis;
    m_yAxis->setTickType(QValueAxis::TicksDynamic);
    m_yAxis->setTickAnchor(0);
    m_yAxis->setTitleText(tr("latency (ms)"));
    m_yAxis->setTruncateLabels(false);
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    const std::array<QString, CurveCount> names{tr("total (from the planned arrival)"),
                                                tr("wait (in the queue)"), tr("service (on a worker)"),
                                                tr("total uncorrected (from the actual submission)")};
    // Added in this order so that the total is drawn last, over the uncorrected one: where
    // the two are the same only the total shows, and the dashed line peeks out where not.
    for (const int c : {TotalUncorrected, Wait, Service, Total}) {
        auto* series = new QLineSeries;
        series->setName(names[static_cast<std::size_t>(c)]);
        m_chart->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(m_yAxis);
        m_series[static_cast<std::size_t>(c)] = series;
    }
    m_view = new QChartView(m_chart);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_header = new ChartHeader(tr("Latency by percentile, the whole run so far (HdrHistogram style)"));
    m_note = new QLabel;
    m_note->setObjectName(QStringLiteral("percentileNote"));
    m_note->setWordWrap(true);
    m_note->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Three curves a stored run made four runs twelve lines: one kind at a time by default.
    m_overlaySelector = new QComboBox;
    m_overlaySelector->setObjectName(QStringLiteral("overlayKind"));
    m_overlaySelector->addItems({tr("Total"), tr("Wait"), tr("Service"), tr("All three")});
    m_overlaySelector->setToolTip(tr("Which curve of each run ticked in the Runs tab is drawn: total "
                                     "(dashed), wait (dotted), service (dash-dot), or all three"));
    auto* selectorLabel = new QLabel(tr("Stored runs show:"));
    selectorLabel->setBuddy(m_overlaySelector);
    auto* selectorRow = new QHBoxLayout;
    selectorRow->setContentsMargins(0, 0, 0, 0);
    selectorRow->addWidget(selectorLabel);
    selectorRow->addWidget(m_overlaySelector);
    selectorRow->addStretch(1);
    m_overlaySelector->setEnabled(false); // until runs are ticked in the Runs tab
    connect(m_overlaySelector, &QComboBox::currentIndexChanged, this,
            [this](int index) { setOverlayKind(static_cast<OverlayKind>(index)); });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(selectorRow);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_note);
    setChartTheme(QChart::ChartThemeLight);
    rebuild();
}

double PercentileChart::xOf(double percent)
{
    return std::log10(100.0 / (100.0 - percent));
}

void PercentileChart::setHistograms(const std::array<const Histogram*, CurveCount>& histograms)
{
    for (std::size_t c = 0; c < histograms.size(); ++c) {
        m_shown[c] = histograms[c] != nullptr;
        if (histograms[c])
            m_histograms[c] = *histograms[c];
        else
            m_histograms[c].clear();
    }
    rebuild();
}

void PercentileChart::setRuns(std::vector<HistogramRun> runs)
{
    m_runs = std::move(runs);
    for (QLineSeries* s : m_runSeries) {
        m_chart->removeSeries(s);
        delete s;
    }
    m_runSeries.clear();
    const std::array<QString, kRunCurves> kinds{tr("total"), tr("wait"), tr("service")};
    for (const HistogramRun& run : m_runs) {
        for (int c = 0; c < kRunCurves; ++c) {
            auto* series = new QLineSeries;
            series->setName(tr("%1, %2").arg(run.label, kinds[static_cast<std::size_t>(c)]));
            m_chart->addSeries(series);
            series->attachAxis(m_xAxis);
            series->attachAxis(m_yAxis);
            m_runSeries.push_back(series);
        }
    }
    m_overlaySelector->setEnabled(!m_runs.empty()); // nothing to choose without stored runs
    setChartTheme(m_dark ? QChart::ChartThemeDark : QChart::ChartThemeLight); // styles the new lines
    rebuild();
}

void PercentileChart::setChartTheme(QChart::ChartTheme theme)
{
    m_dark = theme == QChart::ChartThemeDark;
    m_chart->setTheme(theme); // resets every series' pen: set them again
    for (int c = 0; c < CurveCount; ++c) {
        QPen pen(curveColor(static_cast<Curve>(c)), 2);
        if (c == TotalUncorrected)
            pen.setStyle(Qt::DashLine);
        m_series[static_cast<std::size_t>(c)]->setPen(pen);
    }
    // A run's colour (the one the other charts give it); its curves told apart by the dash.
    for (std::size_t i = 0; i < m_runSeries.size(); ++i)
        m_runSeries[i]->setPen(
            QPen(overlayColor(m_runs[i / kRunCurves].colorIndex, m_dark ? Theme::Dark : Theme::Light), 2,
                 runPenStyle(static_cast<Curve>(i % kRunCurves))));
    updateLegend();
}

Qt::PenStyle PercentileChart::runPenStyle(Curve curve)
{
    switch (curve) {
    case Total:
        return Qt::DashLine;
    case Wait:
        return Qt::DotLine;
    case Service:
        return Qt::DashDotLine;
    case TotalUncorrected:
    case CurveCount:
        break;
    }
    return Qt::SolidLine;
}

void PercentileChart::setOverlayKind(OverlayKind kind)
{
    if (m_overlaySelector->currentIndex() != static_cast<int>(kind))
        m_overlaySelector->setCurrentIndex(static_cast<int>(kind)); // comes back here
    if (kind == m_overlayKind)
        return;
    m_overlayKind = kind;
    rebuild();
}

QList<QPointF> PercentileChart::pointsOf(const Histogram& histogram) const
{
    QList<QPointF> points;
    if (histogram.empty())
        return points;
    std::vector<double> percents;
    for (int k = 0; k <= m_decades * kPointsPerDecade; ++k)
        percents.push_back(100.0 * (1.0 - std::pow(10.0, -static_cast<double>(k) / kPointsPerDecade)));
    for (const double p : kLabelled)
        if (xOf(p) <= m_decades + 1e-9)
            percents.push_back(p);
    std::sort(percents.begin(), percents.end());
    // A grid point that is a labelled one gives way to it (exactly 99.9, not 99.900000001).
    std::vector<double> kept;
    for (const double p : percents) {
        const bool labelled = std::find(kLabelled.begin(), kLabelled.end(), p) != kLabelled.end();
        if (!kept.empty() && std::abs(xOf(kept.back()) - xOf(p)) < 1e-9) {
            if (labelled)
                kept.back() = p;
            continue;
        }
        kept.push_back(p);
    }
    points.reserve(static_cast<qsizetype>(kept.size()));
    for (const double p : kept)
        points.append(QPointF(xOf(p), toMillis(histogram.percentile(p))));
    return points;
}

void PercentileChart::rebuild()
{
    // Enough decades for the most values shown, so the curve reaches the maximum (past
    // 1 / count it is flat there): 10^d > count. At least to 99.99 %, at most 99.9999 %.
    std::uint64_t most = 0;
    for (std::size_t c = 0; c < m_histograms.size(); ++c)
        if (m_shown[c])
            most = std::max(most, m_histograms[c].count());
    for (const HistogramRun& run : m_runs)
        most = std::max({most, run.total.count(), run.wait.count(), run.service.count()});
    m_decades = std::clamp(
        static_cast<int>(std::floor(std::log10(static_cast<double>(std::max<std::uint64_t>(most, 1))))) + 1,
        4, 6);
    for (std::size_t c = 0; c < m_series.size(); ++c) {
        m_series[c]->replace(m_shown[c] ? pointsOf(m_histograms[c]) : QList<QPointF>{});
        m_series[c]->setVisible(m_shown[c]);
    }
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        const std::array<const Histogram*, kRunCurves> curves{&m_runs[i].total, &m_runs[i].wait,
                                                              &m_runs[i].service};
        for (int c = 0; c < kRunCurves; ++c) {
            QLineSeries* series = m_runSeries[i * kRunCurves + c];
            const bool shown = runCurveShown(static_cast<Curve>(c));
            series->replace(shown ? pointsOf(*curves[static_cast<std::size_t>(c)]) : QList<QPointF>{});
            series->setVisible(shown);
        }
    }
    updateAxes();
    updateLegend();
    QStringList parts;
    const std::array<QString, CurveCount> names{tr("total"), tr("wait"), tr("service"),
                                                tr("total uncorrected")};
    for (std::size_t c = 0; c < m_series.size(); ++c)
        if (m_shown[c] && !m_histograms[c].empty())
            parts << tr("%1 %2 ms").arg(names[c]).arg(toMillis(m_histograms[c].percentile(99)), 0, 'f', 3);
    m_note->setText(
        parts.isEmpty()
            ? tr("No latencies yet: start a run, or tick runs in the Runs tab.")
            : tr("p99 (as the summary gives it): %1").arg(parts.join(QStringLiteral(" \u00b7 "))));
}

void PercentileChart::updateAxes()
{
    for (const QString& label : m_xAxis->categoriesLabels())
        m_xAxis->remove(label);
    m_xAxis->setStartValue(0);
    for (const double p : kLabelled)
        if (xOf(p) <= m_decades + 1e-9)
            m_xAxis->append(percentLabel(p), xOf(p));
    m_xAxis->setRange(kAxisOrigin, m_decades);
    double top = 0;
    const auto highest = [&top](const QLineSeries* s) {
        for (const QPointF& p : s->points())
            top = std::max(top, p.y());
    };
    for (const QLineSeries* s : m_series)
        highest(s);
    for (const QLineSeries* s : m_runSeries)
        highest(s);
    // A step of 1, 2 or 5 times a power of ten, about a fifth of the highest point.
    top = top > 0 ? top * 1.05 : 1.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(top / 5)));
    double step = 10 * magnitude;
    for (const double m : {1.0, 2.0, 5.0})
        if (m * magnitude >= top / 5) {
            step = m * magnitude;
            break;
        }
    m_yAxis->setTickInterval(step);
    m_yAxis->setRange(kAxisOrigin, step * std::ceil(top / step - 1e-9));
    m_yAxis->setLabelFormat(QStringLiteral("%.") +
                            QString::number(std::max(0, static_cast<int>(-std::floor(std::log10(step))))) +
                            QStringLiteral("f"));
}

void PercentileChart::updateLegend()
{
    std::vector<LegendEntry> entries;
    for (std::size_t c = 0; c < m_series.size(); ++c)
        if (m_shown[c])
            entries.push_back({m_series[c]->name(), m_series[c]->pen().color(), false});
    // The stored runs on a line of their own: what their dashes mean once, then one entry
    // a run (its colour), however many of its curves are drawn.
    if (!m_runs.empty()) {
        const std::array<QString, 4> kinds{tr("Stored runs, their total (dashed):"),
                                           tr("Stored runs, their wait (dotted):"),
                                           tr("Stored runs, their service (dash-dot):"),
                                           tr("Stored runs (total dashed, wait dotted, service dash-dot):")};
        entries.push_back({kinds[static_cast<std::size_t>(m_overlayKind)], QColor(), true});
        for (const HistogramRun& run : m_runs)
            entries.push_back(
                {run.label, overlayColor(run.colorIndex, m_dark ? Theme::Dark : Theme::Light), false});
    }
    m_header->setEntries(entries);
}

double PercentileChart::valueIn(const QLineSeries* series, double percent)
{
    const double x = xOf(percent);
    for (const QPointF& p : series->points())
        if (std::abs(p.x() - x) < 1e-9)
            return p.y();
    return std::numeric_limits<double>::quiet_NaN();
}

double PercentileChart::valueAt(Curve curve, double percent) const
{
    return valueIn(series(curve), percent);
}

double PercentileChart::runValueAt(std::size_t run, double percent, Curve curve) const
{
    const std::size_t index = run * kRunCurves + static_cast<std::size_t>(curve);
    return curve < kRunCurves && index < m_runSeries.size() ? valueIn(m_runSeries[index], percent)
                                                            : std::numeric_limits<double>::quiet_NaN();
}

bool PercentileChart::runCurveShown(Curve curve) const
{
    if (curve >= kRunCurves)
        return false;
    return m_overlayKind == OverlayKind::All || static_cast<int>(m_overlayKind) == static_cast<int>(curve);
}

} // namespace poollab
