// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/snapshot.h"

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

    void setStates(const std::vector<WorkerState>& states, int targetWorkers);
    // Workers per cell at the current size (1 = one cell each).
    int workersPerCell() const { return m_perCell; }
    int cellCount() const { return m_cells; }

    static QColor colorOf(WorkerState state);

    QSize sizeHint() const override { return {260, 200}; }
    QSize minimumSizeHint() const override { return {160, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void layoutCells();
    QRect gridRect() const;

    std::vector<WorkerState> m_states; // the used slots (trailing retired ones trimmed)
    int m_target = 0;
    int m_perCell = 1;
    int m_cells = 0;
    int m_columns = 1;
    int m_cellSize = 16;
};

} // namespace poollab
