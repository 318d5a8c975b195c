// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/virtual_engine.h"
#include "core/worker_cells.h"

#include <QTest>

#include <vector>

using namespace poollab;

namespace {

// "IBTR" -> Idle, Busy, Throttled, Retired: one letter per slot.
std::vector<WorkerState> statesOf(const QString& text)
{
    std::vector<WorkerState> out;
    for (const QChar c : text)
        out.push_back(c == u'B'   ? WorkerState::Busy
                      : c == u'T' ? WorkerState::Throttled
                      : c == u'R' ? WorkerState::Retired
                                  : WorkerState::Idle);
    return out;
}

// What each cell must count: the slots' own states, grouped by hand.
void verifyCellsMatchSlots(const WorkerCells& cells, const std::vector<WorkerState>& truthSlots)
{
    QCOMPARE(cells.slotCount, static_cast<int>(truthSlots.size()));
    if (cells.perCell == 1) {
        QVERIFY(cells.counts.empty());
        QCOMPARE(static_cast<int>(cells.states.size()), cells.shown);
        for (int i = 0; i < cells.shown; ++i)
            QCOMPARE(cells.states[static_cast<std::size_t>(i)], truthSlots[static_cast<std::size_t>(i)]);
    } else {
        QVERIFY(cells.states.empty());
        QCOMPARE(static_cast<int>(cells.counts.size()), (cells.shown + cells.perCell - 1) / cells.perCell);
        for (int cell = 0; cell < cells.cellCount(); ++cell) {
            WorkerCells::Counts truth{};
            for (int i = cell * cells.perCell; i < std::min(cells.shown, (cell + 1) * cells.perCell); ++i)
                ++truth[static_cast<std::size_t>(truthSlots[static_cast<std::size_t>(i)])];
            QCOMPARE(cells.counts[static_cast<std::size_t>(cell)], truth);
        }
    }
    WorkerCells::Counts total{};
    for (int i = 0; i < cells.shown; ++i)
        ++total[static_cast<std::size_t>(truthSlots[static_cast<std::size_t>(i)])];
    QCOMPARE(cells.totals(), total);
}

} // namespace

class TestWorkerCells : public QObject
{
    Q_OBJECT

private slots:
    void groupsSlotsIntoAtMostLimitCells_data()
    {
        QTest::addColumn<QString>("layout");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("shown");
        QTest::addColumn<int>("perCell");
        QTest::addColumn<int>("cells");
        QTest::newRow("none asked") << QStringLiteral("IBT") << 0 << 3 << 1 << 0;
        QTest::newRow("one each") << QStringLiteral("IBTI") << 4 << 4 << 1 << 4;
        QTest::newRow("every slot") << QStringLiteral("IBTRI") << WorkerCells::kEverySlot << 5 << 1 << 5;
        QTest::newRow("trailing retired left out") << QStringLiteral("IBRRR") << 2 << 2 << 1 << 2;
        QTest::newRow("all retired") << QStringLiteral("RRRR") << 10 << 0 << 1 << 0;
        QTest::newRow("pairs") << QStringLiteral("IBTIBBR") << 3 << 6 << 2 << 3;
        QTest::newRow("last group short") << QStringLiteral("BBBBBBBT") << 3 << 8 << 3 << 3;
        QTest::newRow("retired inside a group") << QStringLiteral("BRTRIB") << 2 << 6 << 3 << 2;
        QTest::newRow("one cell") << QStringLiteral("IBTIBTIB") << 1 << 8 << 8 << 1;
    }
    void groupsSlotsIntoAtMostLimitCells()
    {
        QFETCH(QString, layout);
        QFETCH(int, limit);
        QFETCH(int, shown);
        QFETCH(int, perCell);
        QFETCH(int, cells);
        const std::vector<WorkerState> states = statesOf(layout);
        WorkerCells out;
        out.limit = limit;
        fillWorkerCells(out, states);
        QCOMPARE(out.limit, limit); // the request stays for the next snapshot
        QCOMPARE(out.shown, shown);
        QCOMPARE(out.perCell, perCell);
        QCOMPARE(out.cellCount(), cells);
        if (limit > 0)
            verifyCellsMatchSlots(out, states);
    }

    void refillReplacesTheLastResult()
    {
        WorkerCells out;
        out.limit = 2;
        fillWorkerCells(out, statesOf(QStringLiteral("BBBBBB")));
        QCOMPARE(out.perCell, 3);
        fillWorkerCells(out, statesOf(QStringLiteral("IT")));
        QCOMPARE(out.perCell, 1);
        QVERIFY(out.counts.empty());
        verifyCellsMatchSlots(out, statesOf(QStringLiteral("IT")));
    }

    // The engine's aggregates against its own per-slot truth, in one paused instant of a
    // run with idle, busy and token-waiting workers.
    void virtualEngineCellsCountItsWorkers_data()
    {
        QTest::addColumn<int>("limit");
        QTest::newRow("one cell per worker") << 5000;
        QTest::newRow("groups of 7") << 715;
        QTest::newRow("groups of 500") << 10;
    }
    void virtualEngineCellsCountItsWorkers()
    {
        QFETCH(int, limit);
        Scenario s;
        s.workers = 5000;
        s.queueCapacity = 100'000;
        s.latency = "exp(1s)";
        s.arrival = ArrivalKind::Poisson;
        // Arrivals just below the token rate with a burst of 1: about 2400 workers busy,
        // 2500 idle, and a queue of starts waiting for a token most of the time.
        s.rate = 2400;
        s.rateLimit = 2500;
        s.burst = 1;
        s.jobs = 0;
        s.duration = 3600 * kSecond;
        s.seed = 3;
        VirtualEngine engine(s);
        engine.setPace(100);
        engine.start();
        Snapshot truth;
        truth.workerCells.limit = WorkerCells::kEverySlot;
        // Paused at an instant with every state present (an instant with no token wait
        // is resumed past: the count compared below must not be 0 = 0).
        QTRY_VERIFY([&] {
            engine.snapshot(truth);
            if (truth.runNs < 2 * kSecond)
                return false;
            engine.pause();
            engine.snapshot(truth);
            if (truth.throttledWorkers > 0 && truth.busyWorkers > 0 &&
                truth.busyWorkers + truth.throttledWorkers < 5000)
                return true;
            engine.resume();
            return false;
        }());
        Snapshot cells;
        cells.workerCells.limit = limit;
        engine.snapshot(cells);
        engine.cancel();
        QCOMPARE(cells.runNs, truth.runNs); // the same instant
        QCOMPARE(truth.workerCells.perCell, 1);
        QCOMPARE(truth.workerCells.cellCount(), 5000);
        const WorkerCells::Counts total = truth.workerCells.totals();
        QCOMPARE(static_cast<int>(total[static_cast<std::size_t>(WorkerState::Busy)]), truth.busyWorkers);
        QCOMPARE(static_cast<int>(total[static_cast<std::size_t>(WorkerState::Throttled)]),
                 truth.throttledWorkers);
        QVERIFY(total[static_cast<std::size_t>(WorkerState::Idle)] > 0);
        QVERIFY(cells.workerCells.cellCount() <= limit);
        verifyCellsMatchSlots(cells.workerCells, truth.workerCells.states);
    }
};

QTEST_GUILESS_MAIN(TestWorkerCells)
#include "tst_worker_cells.moc"
