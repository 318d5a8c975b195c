// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sampler.h"
#include "core/time_series.h"
#include "ui/chart_legend.h"

#include <QChart>
#include <QLineSeries>
#include <QString>
#include <QValueAxis>

#include <array>
#include <vector>

namespace poollab {

// A stored run drawn over the live charts for comparison.
struct OverlayRun
{
    QString label;               // the legend's name for it: "run 12 · 40 workers"
    QString shortLabel;          // with three or four runs, where legend lines run short: "run 12"
    std::vector<Sample> samples; // its record, aligned on elapsed time (runNs)
    // overlayColor(colorIndex): the run's own, kept while it is overlaid (whichever
    // runs come and go beside it) and the same on every chart that draws it.
    int colorIndex = 0;
};

// The overlaid runs' lines on the three charts: one line per run and chart, the
// chart's main measure (completions, queue depth, the p99 of the latency shown). Built
// when the runs or the latency kind change, never per tick, and downsampled to the
// live charts' bucket count, so they cost a repaint nothing per job.
class ChartOverlay
{
public:
    static constexpr std::size_t kMaxRuns = 4;

    // charts, their time axes and the y axis each line belongs on
    ChartOverlay(std::array<QChart*, 3> charts, std::array<QValueAxis*, 3> timeAxes,
                 std::array<QValueAxis*, 3> valueAxes, std::size_t maxBuckets);

    // Replaces the lines; at most kMaxRuns runs are drawn.
    void setRuns(std::vector<OverlayRun> runs);
    std::size_t runCount() const { return m_runs.size(); }
    // The latency chart's line follows the latency the chart shows.
    void setLatencyColumn(Column column);
    void setDark(bool dark);

    // The lines on one chart (0 throughput, 1 queue, 2 latency), a run each.
    QList<QLineSeries*> series(int chart) const;
    // A run's line on a chart and its continuations after each gap (intervals in which
    // nothing finished: no latency), where the live lines break too.
    QList<QLineSeries*> segments(int chart, std::size_t run) const;
    // The legend entries they add to a chart's header.
    std::vector<LegendEntry> legendEntries(int chart) const;
    // The longest run's end, in seconds (0 without runs): the time axis reaches it
    // when no live run is there to set it.
    double end() const;
    // The highest value the lines reach on a chart between from and to (0: none).
    double maxY(int chart, double from, double to) const;

private:
    void rebuild(std::size_t chart);
    void restyle();
    QLineSeries* addLine(std::size_t chart, std::size_t run);
    Column columnOf(std::size_t chart) const;

    std::array<QChart*, 3> m_charts;
    std::array<QValueAxis*, 3> m_timeAxes;
    std::array<QValueAxis*, 3> m_valueAxes;
    std::size_t m_maxBuckets;
    std::vector<OverlayRun> m_runs;
    // per chart, per run: its line (first) and the continuations after each gap
    std::array<std::vector<std::vector<QLineSeries*>>, 3> m_series;
    Column m_latency = Column::TotalP99;
    bool m_dark = false;
};

} // namespace poollab
