// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/worker_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {
constexpr int kSwatch = 10;
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

void WorkerView::setStates(const std::vector<WorkerState>& states, int targetWorkers)
{
    // Slots past the last live one are history, not workers: leave them out.
    std::size_t used = states.size();
    while (used > 0 && states[used - 1] == WorkerState::Retired)
        --used;
    const bool relayout = used != m_states.size() || targetWorkers != m_target;
    m_states.assign(states.begin(), states.begin() + static_cast<std::ptrdiff_t>(used));
    m_target = targetWorkers;
    if (relayout)
        layoutCells();
    QWidget::update();
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
    int busy = 0, throttled = 0, live = 0;
    for (WorkerState s : m_states) {
        busy += s == WorkerState::Busy;
        throttled += s == WorkerState::Throttled;
        live += s != WorkerState::Retired;
    }
    QStringList texts{tr("idle %1").arg(live - busy - throttled), tr("busy %1").arg(busy),
                      tr("token wait %1").arg(throttled)};
    texts << (m_simulated ? tr("%1 workers (target %2)") : tr("%1 threads (target %2)"))
                 .arg(live)
                 .arg(m_target);
    if (m_perCell > 1)
        texts << tr("1 cell = %1 workers").arg(m_perCell);
    return texts;
}

std::vector<WorkerView::LegendItem> WorkerView::layoutLegend(int width) const
{
    const QFontMetrics fm(font());
    const QStringList texts = legendTexts();
    std::vector<LegendItem> items;
    int x = 0;
    int y = 0;
    const int gap = fm.horizontalAdvance(QLatin1Char(' ')) * 3;
    for (int i = 0; i < texts.size(); ++i) {
        const int state = i < 3 ? i : -1; // Idle, Busy, Throttled swatches first
        const int lead = state >= 0 ? kSwatch + 4 : 0;
        // The scale starts a line of its own: it reads as one sentence.
        const bool newLine = i == 3 && x > 0;
        // +2: horizontalAdvance() rounds, and elidedText() cuts a text a fraction too wide.
        int textWidth = fm.horizontalAdvance(texts[i]) + 2;
        if (x > 0 && (newLine || x + lead + textWidth > width)) {
            x = 0;
            y += fm.height();
        }
        textWidth = std::min(textWidth, std::max(0, width - lead)); // elided below if it must
        items.push_back({QRect(x + lead, y, textWidth, fm.height()), texts[i], state});
        x += lead + textWidth + gap;
    }
    return items;
}

int WorkerView::legendHeight(int width) const
{
    const std::vector<LegendItem> items = layoutLegend(width);
    return items.empty() ? 0 : items.back().rect.bottom() + 1 + kMargin;
}

QSize WorkerView::minimumSizeHint() const
{
    // Room for a few rows of cells and the legend at its narrowest sensible width.
    const int width = 160;
    return {width, 60 + legendHeight(width - 2 * kMargin)};
}

QRect WorkerView::gridRect() const
{
    return rect().adjusted(kMargin, kMargin, -kMargin, -legendHeight(width() - 2 * kMargin) - kMargin);
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
    const int n = std::max<int>(1, static_cast<int>(m_states.size()));
    const double w = std::max(1, area.width());
    const double h = std::max(1, area.height());
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
    const QRect area = gridRect();
    const int n = static_cast<int>(m_states.size());
    const int gap = m_cellSize >= 10 ? 2 : 1;
    for (int cell = 0; cell < m_cells; ++cell) {
        int counts[4] = {0, 0, 0, 0};
        const int begin = cell * m_perCell;
        const int end = std::min(n, begin + m_perCell);
        for (int i = begin; i < end; ++i)
            ++counts[static_cast<int>(m_states[static_cast<std::size_t>(i)])];
        const QRect r(area.left() + (cell % m_columns) * m_cellSize,
                      area.top() + (cell / m_columns) * m_cellSize, m_cellSize - gap, m_cellSize - gap);
        const int live = counts[0] + counts[1] + counts[2];
        if (live == 0) {
            p.setPen(palette().color(QPalette::Mid));
            p.drawRect(r.adjusted(0, 0, -1, -1));
            continue;
        }
        double red = 0, green = 0, blue = 0;
        for (int state = 0; state < 3; ++state) {
            const QColor c = colorOf(static_cast<WorkerState>(state));
            const double share = static_cast<double>(counts[state]) / live;
            red += c.redF() * share;
            green += c.greenF() * share;
            blue += c.blueF() * share;
        }
        p.fillRect(r, QColor::fromRgbF(static_cast<float>(red), static_cast<float>(green),
                                       static_cast<float>(blue)));
    }

    // Legend and scale, wrapped to the width; a text wider than a whole line is elided.
    const int legendTop = height() - legendHeight(width() - 2 * kMargin);
    const QFontMetrics fm(font());
    p.setPen(palette().color(QPalette::Text));
    for (const LegendItem& item : layoutLegend(width() - 2 * kMargin)) {
        const QRect r = item.rect.translated(kMargin, legendTop);
        if (item.state >= 0)
            p.fillRect(QRect(r.left() - kSwatch - 4, r.top() + (r.height() - kSwatch) / 2, kSwatch, kSwatch),
                       colorOf(static_cast<WorkerState>(item.state)));
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(item.text, Qt::ElideRight, r.width()));
    }
}

} // namespace poollab
