// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"
#include "ui/chart_legend.h"

#include <QImage>
#include <QWidget>

#include <vector>

namespace poollab {

// One cell per worker slot, coloured idle / busy / waiting for a token. When there are
// more workers than cells fit, each cell stands for a group and blends its members'
// colours in proportion, so thousands of workers stay readable.
class WorkerView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kMinCell = 6; // px: below this, cells aggregate

    explicit WorkerView(QWidget* parent = nullptr);

    // Draws the cells the engine filled: one per worker, or groups counted per state.
    // The pool's state words the legend once no worker is left (not started, run over).
    void setCells(const WorkerCells& cells, int targetWorkers, PoolState state = PoolState::Running);
    // The most cells the view can show at its size: what to ask the engine for.
    int cellLimit() const;
    // Virtual time simulates workers: the legend says "workers", not "threads".
    void setSimulated(bool simulated);
    // Workers per cell at the current size (1 = one cell each).
    int workersPerCell() const { return m_perCell; }
    int cellCount() const { return m_cells; }
    // Where a cell is drawn, in the view's coordinates (for tests).
    QRect cellRect(int cell) const { return cellRectInGrid(cell).translated(gridRect().topLeft()); }

    static QColor colorOf(WorkerState state);

    QSize sizeHint() const override { return {260, 200}; }
    QSize minimumSizeHint() const override;
    // The legend's texts, in order (for tests).
    QStringList legendTexts() const;
    // The legend's height at a width: it wraps rather than cut its texts.
    int legendHeight(int width) const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void paintCells(QPainter& p, const QRect& area);
    QRect cellRectInGrid(int cell) const; // from the grid's top left
    void layoutCells();
    void layoutCellsOnce();
    void updateToolTip();
    QRect gridRect() const;
    // The legend's texts with their swatches and line breaks.
    std::vector<LegendEntry> legendEntries(const QStringList& texts) const;
    QStringList legendTextsFor(int perCell) const;
    QRect gridRectFor(int perCell) const;

    WorkerCells m_data; // as the engine grouped them (trailing retired slots left out)
    int m_target = 0;
    PoolState m_state = PoolState::Idle; // Idle until the first snapshot: no run yet
    int m_perCell = 1;
    int m_cells = 0;
    int m_columns = 1;
    int m_cellSize = 16;
    bool m_simulated = false;
    QImage m_image;               // the cells, in device pixels (kept to reuse its memory)
    std::vector<QRect> m_retired; // cells of retired slots, drawn as outlines
};

} // namespace poollab
