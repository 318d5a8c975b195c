// SPDX-License-Identifier: GPL-3.0-or-later
// The worker view draws each cell as it always did with one fillRect() per cell (the
// blend of its workers' states), now written into an image at once: the same pixels.
#include "ui/worker_view.h"

#include <QPainter>
#include <QTest>

using namespace poollab;

namespace {

// A cell's colour as the view blends it: each state's colour in proportion.
QColor blend(const WorkerCells::Counts& counts)
{
    const double live = counts[0] + counts[1] + counts[2];
    double red = 0, green = 0, blue = 0;
    for (int state = 0; state < 3; ++state) {
        const QColor c = WorkerView::colorOf(static_cast<WorkerState>(state));
        const double share = counts[static_cast<std::size_t>(state)] / live;
        red += c.redF() * share;
        green += c.greenF() * share;
        blue += c.blueF() * share;
    }
    return QColor::fromRgbF(static_cast<float>(red), static_cast<float>(green), static_cast<float>(blue));
}

WorkerCells::Counts countsOf(WorkerState state)
{
    WorkerCells::Counts counts{};
    counts[static_cast<std::size_t>(state)] = 1;
    return counts;
}

} // namespace

class TstWorkerView : public QObject
{
    Q_OBJECT

private slots:
    void cellsArePaintedAsOneFillEach_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("perCell");
        QTest::newRow("one cell per worker, large cells") << 12 << 1;
        QTest::newRow("one cell per worker, small cells") << 900 << 1;
        QTest::newRow("groups of 37 (100,000 workers' worth)") << 37 * 1200 << 37;
    }
    void cellsArePaintedAsOneFillEach()
    {
        QFETCH(int, workers);
        QFETCH(int, perCell);
        WorkerCells cells;
        cells.slotCount = workers;
        cells.shown = workers;
        cells.perCell = perCell;
        // Every mix: the cell's index picks its idle, busy and token-waiting counts, and
        // one cell in 17 is a retired slot (an outline).
        std::vector<WorkerCells::Counts> expected;
        for (int cell = 0; cell * perCell < workers; ++cell) {
            WorkerCells::Counts counts{};
            if (cell % 17 == 5) {
                counts = countsOf(WorkerState::Retired);
                counts[3] = static_cast<std::uint32_t>(perCell);
            } else if (perCell == 1) {
                counts = countsOf(static_cast<WorkerState>(cell % 3));
            } else {
                counts[1] = static_cast<std::uint32_t>(cell % (perCell + 1));
                counts[2] = static_cast<std::uint32_t>(std::min(perCell - int(counts[1]), cell % 5));
                counts[0] = static_cast<std::uint32_t>(perCell) - counts[1] - counts[2];
            }
            expected.push_back(counts);
            if (perCell == 1)
                cells.states.push_back(cell % 17 == 5 ? WorkerState::Retired
                                                      : static_cast<WorkerState>(cell % 3));
            else
                cells.counts.push_back(counts);
        }

        WorkerView view;
        view.resize(340, 520);
        view.setCells(cells, workers);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.cellCount(), int(expected.size()));
        QCOMPARE(view.workersPerCell(), perCell);
        const QImage shown = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        QCOMPARE(shown.devicePixelRatio(), 1.0);

        // The same cells drawn one fillRect() (or outline) at a time.
        QImage reference(shown.size(), QImage::Format_RGB32);
        reference.fill(view.palette().color(QPalette::Base));
        QPainter p(&reference);
        QRect grid;
        for (int cell = 0; cell < int(expected.size()); ++cell) {
            const QRect r = view.cellRect(cell);
            grid |= r;
            const WorkerCells::Counts& counts = expected[static_cast<std::size_t>(cell)];
            if (counts[0] + counts[1] + counts[2] == 0) {
                p.setPen(view.palette().color(QPalette::Mid));
                p.drawRect(r.adjusted(0, 0, -1, -1));
            } else {
                p.fillRect(r, blend(counts));
            }
        }
        p.end();
        QVERIFY(grid.width() >= 3 * WorkerView::kMinCell && grid.height() >= 3 * WorkerView::kMinCell);
        for (int y = grid.top(); y <= grid.bottom(); ++y)
            for (int x = grid.left(); x <= grid.right(); ++x)
                QVERIFY2(shown.pixel(x, y) == reference.pixel(x, y),
                         qPrintable(QStringLiteral("(%1, %2): %3, not %4")
                                        .arg(x)
                                        .arg(y)
                                        .arg(shown.pixel(x, y), 0, 16)
                                        .arg(reference.pixel(x, y), 0, 16)));
    }

    void legendSaysWhyNoWorkerIsLeft_data()
    {
        QTest::addColumn<PoolState>("state");
        QTest::addColumn<bool>("simulated");
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("last");
        QTest::newRow("before a run") << PoolState::Idle << true << 0 << QStringLiteral("not started");
        QTest::newRow("virtual run over")
            << PoolState::Stopped << true << 10 << QStringLiteral("run over: its 10 workers have exited");
        QTest::newRow("real run over")
            << PoolState::Stopped << false << 4 << QStringLiteral("run over: its 4 threads have exited");
        QTest::newRow("running, threads not up yet")
            << PoolState::Running << false << 4 << QStringLiteral("0 threads (target 4)");
    }
    void legendSaysWhyNoWorkerIsLeft()
    {
        QFETCH(PoolState, state);
        QFETCH(bool, simulated);
        QFETCH(int, target);
        QFETCH(QString, last);
        // What an engine reports once every worker has left: their slots retired, none shown.
        WorkerCells cells;
        cells.slotCount = target;
        cells.shown = 0;
        WorkerView view;
        view.resize(340, 520);
        view.setSimulated(simulated);
        view.setCells(cells, target, state);
        QCOMPARE(view.legendTexts().last(), last);
        QCOMPARE(view.cellCount(), 0); // no empty outline standing for a worker
    }
};

QTEST_MAIN(TstWorkerView)
#include "tst_worker_view.moc"
