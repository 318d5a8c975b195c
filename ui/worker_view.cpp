// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/worker_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {
constexpr int kMargin = 4;
} // namespace

WorkerView::WorkerView(QWidget* parent) : QWidget(parent)
{
    updateToolTip();
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void WorkerView::updateToolTip()
{
    setToolTip(
        m_simulated
            ? tr("One cell per simulated worker: grey idle (waiting for a job), green busy (running "
                 "one), amber waiting for a rate-limit token, hollow retired. With more workers than "
                 "cells, a cell stands for a group and mixes their colours.")
            : tr("One cell per worker thread: grey idle (waiting for a job), green busy (running one), "
                 "amber waiting for a rate-limit token, hollow retired (no thread). With more workers "
                 "than cells, a cell stands for a group and mixes their colours."));
}

QColor WorkerView::colorOf(WorkerState state)
{
    switch (state) {
    case WorkerState::Idle:
        return {0x9c, 0xa3, 0xaf};
    case WorkerState::Busy:
        return {0x2e, 0xa0, 0x43};
    case WorkerState::Throttled:
        return {0xf5, 0x9e, 0x0b};
    case WorkerState::Retired:
        break;
    }
    return Qt::transparent;
}

void WorkerView::setCells(const WorkerCells& cells, int targetWorkers, PoolState state)
{
    const bool relayout = cells.shown != m_data.shown || cells.perCell != m_data.perCell ||
                          targetWorkers != m_target || state != m_state;
    m_data.shown = cells.shown;
    m_data.perCell = cells.perCell;
    m_data.states = cells.states;
    m_data.counts = cells.counts;
    m_target = targetWorkers;
    m_state = state;
    if (relayout)
        layoutCells();
    QWidget::update();
}

int WorkerView::cellLimit() const
{
    // Cells at their smallest, with the legend's scale line ("1 cell = N workers") that
    // grouping brings: the engine groups only beyond what fits one cell per worker.
    const QRect area = gridRectFor(2);
    return std::max(1, (area.width() / kMinCell) * (area.height() / kMinCell));
}

void WorkerView::setSimulated(bool simulated)
{
    if (simulated == m_simulated)
        return;
    m_simulated = simulated;
    updateToolTip();
    layoutCells();
    QWidget::update();
}

QStringList WorkerView::legendTexts() const
{
    return legendTextsFor(m_perCell);
}

QStringList WorkerView::legendTextsFor(int perCell) const
{
    const WorkerCells::Counts totals = m_data.totals();
    const auto count = [&](WorkerState s) { return static_cast<int>(totals[static_cast<std::size_t>(s)]); };
    const int live = count(WorkerState::Idle) + count(WorkerState::Busy) + count(WorkerState::Throttled);
    QStringList texts{tr("idle %1").arg(count(WorkerState::Idle)),
                      tr("busy %1").arg(count(WorkerState::Busy)),
                      tr("token wait %1").arg(count(WorkerState::Throttled))};
    // Once no worker is left, say why rather than "0 workers (target 10)", which reads
    // like a fault: the run has not started, or it is over and its workers have exited.
    if (live == 0 && m_state == PoolState::Idle)
        texts << tr("not started");
    else if (live == 0 && m_state == PoolState::Stopped)
        texts << (m_simulated ? tr("run over: its %1 workers have exited")
                              : tr("run over: its %1 threads have exited"))
                     .arg(m_target);
    else
        texts << (m_simulated ? tr("%1 workers (target %2)") : tr("%1 threads (target %2)"))
                     .arg(live)
                     .arg(m_target);
    if (perCell > 1)
        texts << tr("1 cell = %1 workers").arg(perCell);
    return texts;
}

std::vector<LegendEntry> WorkerView::legendEntries(const QStringList& texts) const
{
    std::vector<LegendEntry> entries;
    for (int i = 0; i < texts.size(); ++i) {
        LegendEntry e;
        e.text = texts[i];
        if (i < 3) // Idle, Busy, Throttled swatches first
            e.swatch = colorOf(static_cast<WorkerState>(i));
        e.startsLine = i == 3; // the count and the scale read as one sentence
        entries.push_back(e);
    }
    return entries;
}

int WorkerView::legendHeight(int width) const
{
    const std::vector<PlacedLegendEntry> placed =
        flowLegend(QFontMetrics(font()), width, legendEntries(legendTexts()), false);
    return placed.empty() ? 0 : flowLegendHeight(placed) + kMargin;
}

QSize WorkerView::minimumSizeHint() const
{
    // Room for a few rows of cells and the legend at its narrowest sensible width.
    const int width = 160;
    return {width, 60 + legendHeight(width - 2 * kMargin)};
}

QRect WorkerView::gridRect() const
{
    return gridRectFor(m_perCell);
}

QRect WorkerView::gridRectFor(int perCell) const
{
    const std::vector<PlacedLegendEntry> placed = flowLegend(QFontMetrics(font()), width() - 2 * kMargin,
                                                             legendEntries(legendTextsFor(perCell)), false);
    const int legend = placed.empty() ? 0 : flowLegendHeight(placed) + kMargin;
    return rect().adjusted(kMargin, kMargin, -kMargin, -legend - kMargin);
}

void WorkerView::resizeEvent(QResizeEvent*)
{
    layoutCells();
}

void WorkerView::layoutCells()
{
    // The legend gains a line when cells start to aggregate ("1 cell = N workers"),
    // which leaves less room for cells: a second pass settles it.
    const int perCell = m_perCell;
    layoutCellsOnce();
    if (m_perCell != perCell)
        layoutCellsOnce();
}

void WorkerView::layoutCellsOnce()
{
    const QRect area = gridRect();
    if (m_data.shown <= 0) { // no worker slot left (not started, or every worker exited): no cells
        m_perCell = 1;
        m_cells = 0;
        return;
    }
    const int n = m_data.shown;
    const double w = std::max(1, area.width());
    const double h = std::max(1, area.height());
    if (m_data.perCell > 1) { // grouped by the engine to fit cellLimit(): cells at their smallest
        m_perCell = m_data.perCell;
        m_cellSize = kMinCell;
        m_columns = std::max(1, static_cast<int>(w / kMinCell));
        m_cells = (n + m_perCell - 1) / m_perCell;
        return;
    }
    // The largest square cell (with a 1 px gap) that fits n cells.
    int size = static_cast<int>(std::floor(std::sqrt(w * h / n)));
    while (size > kMinCell && std::ceil(n / std::floor(w / size)) * size > h)
        --size;
    size = std::min(size, 28);
    if (size >= kMinCell) {
        m_perCell = 1;
    } else {
        size = kMinCell;
        const int capacity = std::max(1, static_cast<int>(w / size) * static_cast<int>(h / size));
        m_perCell = (n + capacity - 1) / capacity;
    }
    m_cellSize = size;
    m_columns = std::max(1, static_cast<int>(w / size));
    m_cells = (n + m_perCell - 1) / m_perCell;
}

void WorkerView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    // The legend laid out once a paint (gridRect() and legendHeight() each lay it out).
    const std::vector<LegendEntry> entries = legendEntries(legendTexts());
    const std::vector<PlacedLegendEntry> legend =
        flowLegend(fontMetrics(), width() - 2 * kMargin, entries, false);
    const int legendHeight = legend.empty() ? 0 : flowLegendHeight(legend) + kMargin;
    paintCells(p, rect().adjusted(kMargin, kMargin, -kMargin, -legendHeight - kMargin));
    // Legend and scale, wrapped to the width; a text wider than a whole line is elided.
    paintLegend(p, QPoint(kMargin, height() - legendHeight), entries, legend,
                palette().color(QPalette::Text));
}

QRect WorkerView::cellRectInGrid(int cell) const
{
    const int gap = m_cellSize >= 10 ? 2 : 1;
    return {(cell % m_columns) * m_cellSize, (cell / m_columns) * m_cellSize, m_cellSize - gap,
            m_cellSize - gap};
}

void WorkerView::paintCells(QPainter& p, const QRect& area)
{
    // The cells go into an image, pixel by pixel, drawn at once: at 100,000 workers the
    // view has thousands of cells, and a fillRect() each cost ~1 ms a paint. A cell
    // covers the device pixels a fillRect() of it would: its edges rounded after scaling.
    const qreal dpr = devicePixelRatioF();
    const QSize size(static_cast<int>(std::ceil(area.width() * dpr)),
                     static_cast<int>(std::ceil(area.height() * dpr)));
    if (size.isEmpty())
        return;
    if (m_image.size() != size)
        m_image = QImage(size, QImage::Format_RGB32);
    m_image.setDevicePixelRatio(1);
    m_image.fill(palette().color(QPalette::Base));
    const auto device = [dpr](int logical) { return static_cast<int>(std::lround(logical * dpr)); };
    const int n = static_cast<int>(m_data.states.size());
    m_retired.clear();
    for (int cell = 0; cell < m_cells; ++cell) {
        WorkerCells::Counts counts{};
        if (m_data.perCell > 1 && cell < static_cast<int>(m_data.counts.size())) {
            counts = m_data.counts[static_cast<std::size_t>(cell)];
        } else {
            // One state per worker: grouped here only if the view shrank since it asked.
            const int begin = cell * m_perCell;
            const int end = std::min(n, begin + m_perCell);
            for (int i = begin; i < end; ++i)
                ++counts[static_cast<std::size_t>(m_data.states[static_cast<std::size_t>(i)])];
        }
        const QRect r = cellRectInGrid(cell);
        const auto live = static_cast<int>(counts[0] + counts[1] + counts[2]);
        if (live == 0) {
            m_retired.push_back(r.translated(area.topLeft()));
            continue;
        }
        double red = 0, green = 0, blue = 0;
        for (int state = 0; state < 3; ++state) {
            const QColor c = colorOf(static_cast<WorkerState>(state));
            const double share = static_cast<double>(counts[static_cast<std::size_t>(state)]) / live;
            red += c.redF() * share;
            green += c.greenF() * share;
            blue += c.blueF() * share;
        }
        // As fillRect() converts a QColor for a 32-bit image.
        const QRgb rgb =
            QColor::fromRgbF(static_cast<float>(red), static_cast<float>(green), static_cast<float>(blue))
                .rgba64()
                .toArgb32();
        const int x0 = std::clamp(device(r.left()), 0, size.width());
        const int x1 = std::clamp(device(r.left() + r.width()), 0, size.width());
        const int y1 = std::clamp(device(r.top() + r.height()), 0, size.height());
        for (int y = std::clamp(device(r.top()), 0, size.height()); y < y1; ++y) {
            auto* line = reinterpret_cast<QRgb*>(m_image.scanLine(y));
            std::fill(line + x0, line + x1, rgb);
        }
    }
    m_image.setDevicePixelRatio(dpr);
    p.drawImage(area.topLeft(), m_image);
    // Retired slots: an outline, rare enough to draw one by one.
    p.setPen(palette().color(QPalette::Mid));
    for (const QRect& r : m_retired)
        p.drawRect(r.adjusted(0, 0, -1, -1));
}

} // namespace poollab
