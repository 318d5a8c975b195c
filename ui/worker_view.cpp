// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/worker_view.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {
constexpr int kLegendHeight = 36;
} // namespace

WorkerView::WorkerView(QWidget* parent) : QWidget(parent)
{
    setToolTip(tr("One cell per worker thread: grey idle (waiting for a job), green busy (running one), "
                  "amber waiting for a rate-limit token, hollow retired (no thread). With more workers "
                  "than cells, a cell stands for a group and mixes their colours."));
    setAttribute(Qt::WA_OpaquePaintEvent);
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

QRect WorkerView::gridRect() const
{
    return rect().adjusted(4, 4, -4, -kLegendHeight);
}

void WorkerView::resizeEvent(QResizeEvent*)
{
    layoutCells();
}

void WorkerView::layoutCells()
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

    // Legend and scale.
    int busy = 0, throttled = 0, live = 0;
    for (WorkerState s : m_states) {
        busy += s == WorkerState::Busy;
        throttled += s == WorkerState::Throttled;
        live += s != WorkerState::Retired;
    }
    const QRect legend(4, height() - kLegendHeight + 2, width() - 8, kLegendHeight - 4);
    p.setPen(palette().color(QPalette::Text));
    const QFontMetrics fm(font());
    int x = legend.left();
    const int y = legend.top();
    const auto swatch = [&](WorkerState state, const QString& text) {
        p.fillRect(QRect(x, y + 3, 10, 10), colorOf(state));
        p.drawText(QPoint(x + 14, y + fm.ascent()), text);
        x += 14 + fm.horizontalAdvance(text) + 12;
    };
    swatch(WorkerState::Idle, tr("idle %1").arg(live - busy - throttled));
    swatch(WorkerState::Busy, tr("busy %1").arg(busy));
    swatch(WorkerState::Throttled, tr("token wait %1").arg(throttled));
    const QString scale =
        m_perCell > 1
            ? tr("%1 threads (target %2), 1 cell = %3 workers").arg(live).arg(m_target).arg(m_perCell)
            : tr("%1 threads (target %2)").arg(live).arg(m_target);
    p.drawText(QPoint(legend.left(), y + fm.height() + fm.ascent()), scale);
}

} // namespace poollab
