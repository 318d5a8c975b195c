// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/chart_legend.h"
#include "ui/chart_overlay.h"
#include "ui/run_controller.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QValueAxis>
#include <QWidget>

#include <array>
#include <memory>
#include <vector>

class QComboBox;

namespace poollab {

// A tick of the time axes: where (run seconds), its label ("40 s") and the label's
// width in the axes' label font (measured once, not on every paint).
struct TimeTick
{
    double seconds = 0;
    QString text;
    double width = 0;
};

// A chart view that draws the live-change markers over its plot (a dashed vertical
// line and a short label per change, without a series per marker) and shades pauses.
class MarkedChartView : public QChartView
{
    Q_OBJECT

public:
    explicit MarkedChartView(QChart* chart, QWidget* parent = nullptr);
    void setMarkers(const std::deque<ChangeMarker>* markers) { m_markers = markers; }
    void setPauses(const std::deque<PauseSpan>* pauses) { m_pauses = pauses; }
    void setShowLabels(bool show) { m_showLabels = show; }
    // The time axis' ticks, drawn by the view: grid lines, tick marks and labels under
    // the plot (the axis has none of its own: Qt Charts' rich-text labels cost most of a
    // refresh to lay out again on every scroll).
    void setTimeTicks(const QList<TimeTick>* ticks) { m_timeTicks = ticks; }
    // The time labels drawn last, and where, in view coordinates (for tests).
    const QList<QPair<QString, QRectF>>& timeLabels() const { return m_timeLabels; }
    // Where each marker label was drawn last, in view coordinates (for tests).
    const QList<QRectF>& labelBoxes() const { return m_labelBoxes; }

protected:
    void drawBackground(QPainter* painter, const QRectF& rect) override;
    void drawForeground(QPainter* painter, const QRectF& rect) override;

private:
    const QList<TimeTick>* m_timeTicks = nullptr;
    QList<QPair<QString, QRectF>> m_timeLabels;
    const std::deque<ChangeMarker>* m_markers = nullptr;
    const std::deque<PauseSpan>* m_pauses = nullptr;
    bool m_showLabels = true;
    QList<QRectF> m_labelBoxes;
};

// The three live charts on one time axis: throughput, queue and workers, latency.
// They draw the run's interval record (the rows the CSV export writes), each row as a
// step over its interval. update() takes only what it shows: the rows of a rolling
// window (min/max per bucket past kMaxBuckets) or the record's whole-run envelope, so
// the cost per tick depends neither on the job rate nor on the run's length.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    // Rolling window lengths in seconds; 0 is the whole run (downsampled).
    static constexpr std::array<int, 4> kWindows{30, 60, 300, 0};
    static constexpr int kMaxBuckets = 600; // per series and window: about 2 px each
    // Two steps (min and max) of two points per bucket.
    static constexpr int kMaxPoints = 4 * kMaxBuckets;
    enum class LatencyKind { Total, Wait, Service };

    explicit ChartPanel(const RunController* controller, QWidget* parent = nullptr);

    void setWindowSeconds(int seconds);
    int windowSeconds() const { return m_windowSeconds; }
    void setLatencyKind(LatencyKind kind);
    // With the total latency: its p99 uncorrected too (from each job's actual
    // submission, a dashed line beside the p99 from the planned arrival), so that
    // coordinated omission shows. The latency box's last item, "Total + p99 uncorrected".
    void setShowUncorrected(bool show);
    bool showsUncorrected() const { return m_showUncorrected && m_latencyKind == LatencyKind::Total; }
    void setChartTheme(QChart::ChartTheme theme);
    // Presentation mode: the series' lines and the axes' labels at `scale` times their
    // size (1 = normal).
    void setPresentationScale(double scale);
    double presentationScale() const { return m_presentationScale; }

    // Every series the panel draws now (p99 uncorrected only when shown), for tests and
    // image export.
    QList<QXYSeries*> allSeries() const;
    QChart* throughputChart() const { return m_throughput; }
    QChart* queueChart() const { return m_queue; }
    QChart* latencyChart() const { return m_latency; }
    MarkedChartView* view(int index) const { return m_views[static_cast<std::size_t>(index)]; }
    // A chart's title and legend, above its view.
    ChartHeader* header(int index) const { return m_headers[static_cast<std::size_t>(index)]; }
    // A series and the continuations of its line after each gap (rows without a value:
    // no completions), which draw with its pen and stay out of the legend.
    QList<QXYSeries*> segmentsOf(const QXYSeries* series) const;
    // The record column each series draws now (latency ones follow the latency kind).
    Column columnOf(const QXYSeries* series) const;
    // The part of the panel that export renders (the three charts, without the selectors).
    QWidget* chartsArea() const { return m_chartsArea; }
    // The time axes' ticks and labels as the views draw them.
    const QList<TimeTick>& timeTicks() const { return m_timeTicks; }
    // Stored runs drawn over the live ones (at most ChartOverlay::kMaxRuns), each in its
    // own colour and named in the legends; an empty list removes them.
    void setOverlays(std::vector<OverlayRun> runs);
    // The overlaid runs' lines on chart 0 (throughput), 1 (queue) or 2 (latency).
    QList<QLineSeries*> overlaySeries(int chart) const { return m_overlay->series(chart); }
    // An overlaid run's line on a chart with its continuations after each gap.
    QList<QLineSeries*> overlaySegments(int chart, std::size_t run) const
    {
        return m_overlay->segments(chart, run);
    }

public slots:
    void update();

private:
    enum Series {
        Completions,
        Arrivals,
        Failures,
        Refusals,
        Retries,
        QueueDepth,
        QueueCapacity,
        Busy,
        Throttled,
        InFlight,
        Workers,
        P50,
        P95,
        P99,
        P99Uncorrected,
        SeriesCount
    };
    static constexpr int kUncorrectedItem = 3; // the latency box's item after the three kinds
    void applyLatencyKind();                   // the box, the overlay column, the lines and legends
    QComboBox* makeLatencyBox();
    QChart* makeChart();
    void refreshLegends(); // the headers' entries: each series' name and colour
    QLineSeries* addSeries(QChart* chart, Series id, const QString& name, QValueAxis* y);
    void styleSeries();
    Column column(Series id) const;
    void alignPlotAreas();
    // The queue chart's axis titles, whole: the long ones where the plot is high enough.
    void fitAxisTitles();
    // Recomputes the time ticks and labels the views draw when the time axis moved.
    void updateTimeTicks(double x0, double x1, bool timeMoves);
    // Repaints, whole, the charts that changed, and all three when the time axes, the
    // plot areas or the markers and pauses moved (`moved`: the time axes did).
    void repaintCharts(const std::array<bool, 3>& changed, bool moved);
    bool drawSegments(Series id); // whether any of its lines changed

    const RunController* m_controller;
    int m_windowSeconds = 60;
    LatencyKind m_latencyKind = LatencyKind::Total;
    bool m_showUncorrected = false;
    QChart* m_throughput;
    QChart* m_queue;
    QChart* m_latency;
    std::array<MarkedChartView*, 3> m_views{};
    std::array<ChartHeader*, 3> m_headers{};
    std::array<QValueAxis*, 3> m_timeAxes{};
    QValueAxis* m_rateAxis;
    QValueAxis* m_queueAxis;
    QValueAxis* m_workerAxis;
    QValueAxis* m_latencyAxis;
    std::array<QLineSeries*, SeriesCount> m_series{};
    std::array<QList<QPointF>, SeriesCount> m_points; // NaN y: a break in the line
    std::array<std::vector<QLineSeries*>, SeriesCount> m_continuations;
    QList<QPointF> m_segment;
    QList<TimeTick> m_timeTicks;
    double m_timeStep = 0;
    double m_presentationScale = 1.0;
    // The axes' label font size the theme gave (presentation mode scales from it).
    qreal m_axisFontSize = 0;
    std::array<QRectF, 3> m_plotAreas; // as last drawn
    QString m_foreground;              // what the markers and pauses were last drawn from
    std::vector<StepPoint> m_steps;
    bool m_aligning = false;
    QComboBox* m_windowBox;
    QComboBox* m_latencyBox;
    QWidget* m_chartsArea;
    std::unique_ptr<ChartOverlay> m_overlay;
};

} // namespace poollab
