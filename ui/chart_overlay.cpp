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
        std::vector<std::vector<QLineSeries*>>& lines = m_series[c];
        while (lines.size() > m_runs.size()) {
            for (QLineSeries* line : lines.back()) {
                m_charts[c]->removeSeries(line);
                delete line;
            }
            lines.pop_back();
        }
        while (lines.size() < m_runs.size()) {
            lines.emplace_back();
            lines.back().push_back(addLine(c, lines.size() - 1));
        }
        for (std::size_t r = 0; r < m_runs.size(); ++r)
            for (QLineSeries* line : lines[r])
                line->setName(m_runs[r].label);
        rebuild(c);
    }
    restyle();
}

QLineSeries* ChartOverlay::addLine(std::size_t chart, std::size_t run)
{
    auto* line = new QLineSeries;
    m_charts[chart]->addSeries(line);
    line->attachAxis(m_timeAxes[chart]);
    line->attachAxis(m_valueAxes[chart]);
    if (run < m_runs.size())
        line->setName(m_runs[run].label);
    return line;
}

void ChartOverlay::setLatencyColumn(Column column)
{
    if (column == m_latency)
        return;
    m_latency = column;
    rebuild(2);
    restyle();
}

void ChartOverlay::setDark(bool dark)
{
    m_dark = dark;
    restyle();
}

void ChartOverlay::restyle()
{
    for (std::size_t c = 0; c < m_series.size(); ++c) {
        for (std::size_t r = 0; r < m_series[c].size() && r < m_runs.size(); ++r) {
            QPen pen(overlayColor(m_runs[r].colorIndex, m_dark ? Theme::Dark : Theme::Light), 2);
            pen.setCosmetic(true);
            for (QLineSeries* line : m_series[c][r])
                line->setPen(pen);
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
        // Intervals in which nothing finished (no latency) break the line, as they break
        // the live one: a line per stretch between them.
        std::vector<QList<QPointF>> pieces(1);
        for (const StepPoint& p : steps) {
            if (isGap(p))
                pieces.emplace_back();
            else
                pieces.back().append({p.x, p.y});
        }
        std::vector<QLineSeries*>& lines = m_series[chart][r];
        while (lines.size() > pieces.size()) {
            m_charts[chart]->removeSeries(lines.back());
            delete lines.back();
            lines.pop_back();
        }
        while (lines.size() < pieces.size())
            lines.push_back(addLine(chart, r));
        for (std::size_t i = 0; i < pieces.size(); ++i)
            lines[i]->replace(pieces[i]);
    }
}

QList<QLineSeries*> ChartOverlay::series(int chart) const
{
    QList<QLineSeries*> out;
    for (const std::vector<QLineSeries*>& lines : m_series[static_cast<std::size_t>(chart)])
        out << lines.front();
    return out;
}

QList<QLineSeries*> ChartOverlay::segments(int chart, std::size_t run) const
{
    QList<QLineSeries*> out;
    const auto& lines = m_series[static_cast<std::size_t>(chart)];
    if (run < lines.size())
        for (QLineSeries* line : lines[run])
            out << line;
    return out;
}

std::vector<LegendEntry> ChartOverlay::legendEntries(int chart) const
{
    std::vector<LegendEntry> out;
    const auto& lines = m_series[static_cast<std::size_t>(chart)];
    // Flowing on after the live entries, and short with more than two runs: at 1024x640
    // every legend line is taken from the plots' height.
    const bool compact = m_runs.size() > 2;
    for (std::size_t r = 0; r < lines.size(); ++r) {
        const QString& shortLabel = m_runs[r].shortLabel;
        out.push_back({compact && !shortLabel.isEmpty() ? shortLabel : m_runs[r].label,
                       lines[r].front()->pen().color()});
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
    for (const std::vector<QLineSeries*>& lines : m_series[static_cast<std::size_t>(chart)])
        for (const QLineSeries* line : lines)
            for (const QPointF& p : line->points())
                if (p.x() >= from && p.x() <= to)
                    top = std::max(top, p.y());
    return top;
}

} // namespace poollab
