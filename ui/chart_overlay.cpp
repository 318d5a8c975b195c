// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/chart_overlay.h"

#include "core/clock.h"
#include "ui/theme.h"

#include <QPen>

#include <algorithm>
#include <cmath>

namespace poollab {

ChartOverlay::ChartOverlay(std::array<QChart*, 3> charts, std::array<QValueAxis*, 3> timeAxes,
                           std::array<QValueAxis*, 3> valueAxes, std::size_t maxBuckets)
    : m_charts(charts), m_timeAxes(timeAxes), m_valueAxes(valueAxes), m_maxBuckets(maxBuckets)
{}

Column ChartOverlay::columnOf(std::size_t chart) const
{
    // What a comparison asks of each chart: how fast jobs got done, how far the queue
    // backed up, and how long the slowest jobs took.
    return chart == 0 ? Column::Completions : chart == 1 ? Column::QueueDepth : m_latency;
}

void ChartOverlay::setRuns(std::vector<OverlayRun> runs)
{
    if (runs.size() > kMaxRuns)
        runs.resize(kMaxRuns);
    m_runs = std::move(runs);
    for (std::size_t c = 0; c < m_charts.size(); ++c) {
        std::vector<QLineSeries*>& lines = m_series[c];
        while (lines.size() > m_runs.size()) {
            m_charts[c]->removeSeries(lines.back());
            delete lines.back();
            lines.pop_back();
        }
        while (lines.size() < m_runs.size()) {
            auto* line = new QLineSeries;
            m_charts[c]->addSeries(line);
            line->attachAxis(m_timeAxes[c]);
            line->attachAxis(m_valueAxes[c]);
            lines.push_back(line);
        }
        for (std::size_t r = 0; r < m_runs.size(); ++r)
            lines[r]->setName(m_runs[r].label);
        rebuild(c);
    }
    restyle();
}

void ChartOverlay::setLatencyColumn(Column column)
{
    if (column == m_latency)
        return;
    m_latency = column;
    rebuild(2);
}

void ChartOverlay::setDark(bool dark)
{
    m_dark = dark;
    restyle();
}

void ChartOverlay::restyle()
{
    for (std::size_t c = 0; c < m_series.size(); ++c) {
        for (std::size_t r = 0; r < m_series[c].size(); ++r) {
            QPen pen(overlayColor(static_cast<int>(r), m_dark ? Theme::Dark : Theme::Light), 2);
            pen.setCosmetic(true);
            m_series[c][r]->setPen(pen);
        }
    }
}

void ChartOverlay::rebuild(std::size_t chart)
{
    std::vector<StepPoint> steps;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const std::vector<Sample>& rows = m_runs[r].samples;
        steps.clear();
        if (!rows.empty())
            windowSteps(rows, columnOf(chart), 0, toSeconds(rows.back().runNs), m_maxBuckets, steps);
        QList<QPointF> points;
        points.reserve(static_cast<qsizetype>(steps.size()));
        // A stored line is one series: intervals in which nothing finished (no latency)
        // are left out, and the line joins across them.
        for (const StepPoint& p : steps)
            if (!isGap(p))
                points.append({p.x, p.y});
        m_series[chart][r]->replace(points);
    }
}

QList<QLineSeries*> ChartOverlay::series(int chart) const
{
    QList<QLineSeries*> out;
    for (QLineSeries* s : m_series[static_cast<std::size_t>(chart)])
        out << s;
    return out;
}

std::vector<LegendEntry> ChartOverlay::legendEntries(int chart) const
{
    std::vector<LegendEntry> out;
    const std::vector<QLineSeries*>& lines = m_series[static_cast<std::size_t>(chart)];
    // Flowing on after the live entries, and short with more than two runs: at 1024x640
    // every legend line is taken from the plots' height.
    const bool compact = m_runs.size() > 2;
    for (std::size_t r = 0; r < lines.size(); ++r) {
        const QString& shortLabel = m_runs[r].shortLabel;
        out.push_back(
            {compact && !shortLabel.isEmpty() ? shortLabel : m_runs[r].label, lines[r]->pen().color()});
    }
    return out;
}

double ChartOverlay::end() const
{
    double end = 0;
    for (const OverlayRun& run : m_runs)
        if (!run.samples.empty())
            end = std::max(end, toSeconds(run.samples.back().runNs));
    return end;
}

double ChartOverlay::maxY(int chart, double from, double to) const
{
    double top = 0;
    for (const QLineSeries* line : m_series[static_cast<std::size_t>(chart)])
        for (const QPointF& p : line->points())
            if (p.x() >= from && p.x() <= to)
                top = std::max(top, p.y());
    return top;
}

} // namespace poollab
