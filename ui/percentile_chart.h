// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/histogram.h"
#include "ui/chart_legend.h"

#include <QChart>
#include <QWidget>

#include <array>
#include <vector>

class QCategoryAxis;
class QChartView;
class QComboBox;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace poollab {

// A stored run's final histograms, overlaid on the percentile chart.
struct HistogramRun
{
    QString label;      // "run 12 · 40 workers", as the charts' legends name it
    int colorIndex = 0; // overlayColor(colorIndex): the colour the charts give it
    Histogram total;
    Histogram wait;
    Histogram service;
};

// HdrHistogram's percentile distribution: latency (ms) against the percentile on a log
// axis of 1/(1 - p), labelled 50 %, 90 %, 99 %, 99.9 %, 99.99 %, so the tail gets as
// much room as the median. Curves for the run so far (total, wait, service, and total
// uncorrected: from the actual submission, what a load tool suffering coordinated
// omission reports) and, of each stored run, the kind of curve the selector above the
// chart picks (total, wait, service, or all three): each run in its colour on the other
// charts, each kind in a dash of its own, the legend one entry per run. Every point is
// Histogram::percentile() of the whole run's histogram, the summary's own numbers.
class PercentileChart : public QWidget
{
    Q_OBJECT

public:
    enum Curve { Total, Wait, Service, TotalUncorrected, CurveCount };
    static constexpr int kPointsPerDecade = 40;
    // The labelled percentiles, each drawn as a point of its own.
    static constexpr std::array<double, 7> kLabelled{50, 90, 99, 99.9, 99.99, 99.999, 99.9999};

    // Which curves of the stored runs are overlaid (the selector's items, in order).
    enum class OverlayKind { Total, Wait, Service, All };

    explicit PercentileChart(QWidget* parent = nullptr);

    // The live run's histograms; a null one hides its curve.
    void setHistograms(const std::array<const Histogram*, CurveCount>& histograms);
    // The stored runs to overlay; empty removes them.
    void setRuns(std::vector<HistogramRun> runs);
    void setChartTheme(QChart::ChartTheme theme);

    // Where a percentile lies on the x axis: log10(1 / (1 - p)).
    static double xOf(double percent);
    // The curve's value (ms) at a labelled or drawn percentile; NaN when it has none.
    double valueAt(Curve curve, double percent) const;
    // A stored run's curve (Total, Wait or Service); NaN when it is not drawn.
    double runValueAt(std::size_t run, double percent, Curve curve = Total) const;
    // Whether a stored run's curve is drawn: the selected kind, or all three.
    bool runCurveShown(Curve curve) const;
    void setOverlayKind(OverlayKind kind);
    OverlayKind overlayKind() const { return m_overlayKind; }
    QComboBox* overlaySelector() const { return m_overlaySelector; }
    // A stored run's curve of each kind: in the run's colour, dashed, dotted or dash-dotted.
    static Qt::PenStyle runPenStyle(Curve curve);
    // The overlaid curves per stored run, in runSeries(): run r's curve c at r * kRunCurves + c.
    static constexpr int kRunCurves = 3; // Total, Wait, Service
    QLineSeries* series(Curve curve) const { return m_series[static_cast<std::size_t>(curve)]; }
    const std::vector<QLineSeries*>& runSeries() const { return m_runSeries; }
    QChart* chart() const { return m_chart; }
    QCategoryAxis* percentAxis() const { return m_xAxis; }
    QValueAxis* latencyAxis() const { return m_yAxis; }
    ChartHeader* header() const { return m_header; }
    // The check under the chart: each curve's p99 as the summary gives it.
    QLabel* note() const { return m_note; }
    // The highest decade drawn: 4 (99.99 %), or up to 6 (99.9999 %) when the histograms
    // hold enough values that those percentiles are measured.
    int decades() const { return m_decades; }

private:
    // The curve's points, one per kPointsPerDecade of a decade and at each labelled
    // percentile, from 0 % to m_decades.
    QList<QPointF> pointsOf(const Histogram& histogram) const;
    void rebuild();
    void updateAxes();
    void updateLegend();
    static double valueIn(const QLineSeries* series, double percent);

    QChart* m_chart;
    QChartView* m_view;
    ChartHeader* m_header;
    QLabel* m_note;
    QComboBox* m_overlaySelector;
    OverlayKind m_overlayKind = OverlayKind::Total;
    QCategoryAxis* m_xAxis;
    QValueAxis* m_yAxis;
    std::array<QLineSeries*, CurveCount> m_series{};
    std::array<Histogram, CurveCount> m_histograms;
    std::array<bool, CurveCount> m_shown{};
    std::vector<HistogramRun> m_runs;
    std::vector<QLineSeries*> m_runSeries;
    int m_decades = 4;
    bool m_dark = false;
};

} // namespace poollab
