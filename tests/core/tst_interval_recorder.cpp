// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine.h"
#include "core/interval_recorder.h"

#include <QTest>

#include <vector>

using namespace poollab;

Q_DECLARE_METATYPE(std::vector<qint64>)

namespace {

// The run at `ms` of run time: one job succeeded per millisecond, `inSystem` queued.
Snapshot at(qint64 ms, bool finished = false, std::int64_t inSystem = 0)
{
    Snapshot s;
    s.state = finished ? PoolState::Stopped : PoolState::Running;
    s.runNs = ms * kMilli;
    s.elapsedNs = s.runNs;
    s.counters.submitted = static_cast<std::uint64_t>(ms) + static_cast<std::uint64_t>(inSystem);
    s.counters.succeeded = static_cast<std::uint64_t>(ms);
    s.queued = inSystem;
    return s;
}

std::vector<qint64> rowEndsMs(const IntervalRecord& record)
{
    std::vector<qint64> ends;
    for (const Sample& row : record.rows())
        ends.push_back(row.runNs / kMilli);
    return ends;
}

// An engine with nothing but a clock the test sets: what Engine's own record does
// for engines that do not keep one.
class ClockEngine final : public Engine
{
public:
    explicit ClockEngine(Nanos sampleInterval) { m_scenario.sampleInterval = sampleInterval; }
    void start() override {}
    void pause() override {}
    void resume() override {}
    void drain() override {}
    void cancel() override {}
    void apply(const Scenario& s) override { m_scenario = s; }
    void snapshot(Snapshot&) const override {}
    bool finished() const override { return false; }
    bool waitFinished(Nanos) override { return true; }
    const Scenario& scenario() const override { return m_scenario; }
    TimeMode timeMode() const override { return TimeMode::Real; }

private:
    Scenario m_scenario;
};

} // namespace

class TstIntervalRecorder : public QObject
{
    Q_OBJECT

private slots:
    void rowsFollowTheGrid_data()
    {
        QTest::addColumn<qint64>("intervalMs");
        QTest::addColumn<std::vector<qint64>>("snapshotsMs"); // the last one is the run's end
        QTest::addColumn<std::vector<qint64>>("rowEndsMs");
        QTest::newRow("on the boundaries, then a shorter last row")
            << qint64{100} << std::vector<qint64>{100, 200, 300, 350}
            << std::vector<qint64>{100, 200, 300, 350};
        QTest::newRow("between boundaries nothing is recorded")
            << qint64{100} << std::vector<qint64>{40, 80, 99, 100, 150} << std::vector<qint64>{100, 150};
        // The first snapshot at or past a boundary ends the row; the next boundary
        // stays on the grid (200, not 230).
        QTest::newRow("a late snapshot does not shift the grid")
            << qint64{100} << std::vector<qint64>{130, 190, 200, 260} << std::vector<qint64>{130, 200, 260};
        QTest::newRow("boundaries skipped make one longer row")
            << qint64{100} << std::vector<qint64>{350, 399, 400, 420} << std::vector<qint64>{350, 400, 420};
        QTest::newRow("an end on a boundary adds no empty row")
            << qint64{100} << std::vector<qint64>{100, 200, 200} << std::vector<qint64>{100, 200};
        QTest::newRow("no grid: one row for the whole run")
            << qint64{0} << std::vector<qint64>{100, 5000, 7250} << std::vector<qint64>{7250};
        QTest::newRow("a run that ended at its start still has a row")
            << qint64{100} << std::vector<qint64>{0} << std::vector<qint64>{0};
    }
    void rowsFollowTheGrid()
    {
        QFETCH(qint64, intervalMs);
        QFETCH(std::vector<qint64>, snapshotsMs);
        QFETCH(std::vector<qint64>, rowEndsMs);
        IntervalRecorder recorder;
        recorder.start(at(0), intervalMs * kMilli);
        std::size_t added = 0;
        for (std::size_t i = 0; i < snapshotsMs.size(); ++i)
            added += recorder.add(at(snapshotsMs[i], i + 1 == snapshotsMs.size())) ? 1 : 0;
        QVERIFY(recorder.complete());
        QCOMPARE(::rowEndsMs(recorder.record()), rowEndsMs);
        QCOMPARE(added, rowEndsMs.size());
        // The rows tile the run from 0 and count every job exactly once.
        Nanos start = 0;
        double jobs = 0;
        for (const Sample& row : recorder.record().rows()) {
            QCOMPARE(row.intervalNs, row.runNs - start);
            start = row.runNs;
            jobs += row.completionsPerSec * toSeconds(row.intervalNs);
        }
        QCOMPARE(qRound64(jobs), snapshotsMs.back());
    }

    void aCompleteRecordTakesNoMoreRows()
    {
        IntervalRecorder recorder;
        recorder.start(at(0), 100 * kMilli);
        QVERIFY(recorder.add(at(150, true)));
        QCOMPARE(recorder.nextBoundaryNs(), IntervalRecorder::kNoBoundary);
        QVERIFY(!recorder.add(at(300)));
        QVERIFY(!recorder.add(at(400, true)));
        recorder.setInterval(10 * kMilli);
        QCOMPARE(recorder.nextBoundaryNs(), IntervalRecorder::kNoBoundary);
        QCOMPARE(::rowEndsMs(recorder.record()), std::vector<qint64>{150});
    }

    void nothingIsRecordedBeforeStart()
    {
        IntervalRecorder recorder;
        QVERIFY(!recorder.started());
        QVERIFY(!recorder.add(at(1000, true)));
        QVERIFY(recorder.record().empty());
        QCOMPARE(recorder.meanInSystem(), 0.0);
    }

    void aNewIntervalCountsFromTheLastRow_data()
    {
        QTest::addColumn<qint64>("newIntervalMs");
        QTest::addColumn<qint64>("expectedNextMs"); // -1: none
        QTest::newRow("longer") << qint64{250} << qint64{350};
        QTest::newRow("shorter") << qint64{10} << qint64{110};
        QTest::newRow("none") << qint64{0} << qint64{-1};
    }
    void aNewIntervalCountsFromTheLastRow()
    {
        QFETCH(qint64, newIntervalMs);
        QFETCH(qint64, expectedNextMs);
        IntervalRecorder recorder;
        recorder.start(at(0), 100 * kMilli);
        QCOMPARE(recorder.nextBoundaryNs(), 100 * kMilli);
        QVERIFY(recorder.add(at(100)));
        QVERIFY(!recorder.add(at(105)));
        recorder.setInterval(newIntervalMs * kMilli);
        QCOMPARE(recorder.nextBoundaryNs(),
                 expectedNextMs < 0 ? IntervalRecorder::kNoBoundary : expectedNextMs * kMilli);
    }

    void meanInSystemWeighsEachSnapshotByTheTimeBeforeIt()
    {
        IntervalRecorder recorder;
        recorder.start(at(0), kSecond);
        QCOMPARE(recorder.meanInSystem(), 0.0);
        recorder.add(at(100, false, 2));
        recorder.add(at(100, false, 50)); // no time passed: no weight
        Snapshot s = at(300, false, 3);
        s.inFlight = 2; // queued + in flight
        recorder.add(s);
        // (2 x 100 + 5 x 200) / 300
        QCOMPARE(recorder.meanInSystem(), 4.0);
    }

    void theSinkGetsEveryRowBeforeCoarsening()
    {
        IntervalRecorder recorder(4);
        std::vector<Sample> sunk;
        recorder.setSink([&sunk](const Sample& row) { sunk.push_back(row); });
        recorder.start(at(0), 10 * kMilli);
        for (qint64 ms = 10; ms <= 100; ms += 10)
            recorder.add(at(ms, ms == 100));
        QCOMPARE(sunk.size(), std::size_t{10});
        QCOMPARE(recorder.record().appended(), std::uint64_t{10});
        QVERIFY(recorder.record().coarsened());
        QVERIFY(recorder.record().size() <= 4);
        for (std::size_t i = 0; i < sunk.size(); ++i)
            QCOMPARE(sunk[i].runNs, static_cast<Nanos>(i + 1) * 10 * kMilli);
    }

    void startForgetsTheRunBefore()
    {
        IntervalRecorder recorder;
        recorder.start(at(0), 100 * kMilli);
        recorder.add(at(100, false, 7));
        recorder.add(at(130, true));
        recorder.start(at(0), 50 * kMilli);
        QVERIFY(!recorder.complete());
        QVERIFY(recorder.record().empty());
        QCOMPARE(recorder.meanInSystem(), 0.0);
        QVERIFY(recorder.add(at(50)));
        QCOMPARE(::rowEndsMs(recorder.record()), std::vector<qint64>{50});
    }

    // An engine without a record of its own records the snapshots its caller gives
    // it, on the scenario's sample interval, from the first one on.
    void anEngineRecordsTheSnapshotsItIsGiven()
    {
        ClockEngine engine(100 * kMilli);
        std::vector<Sample> rows;
        QCOMPARE(engine.samples(rows), std::size_t{0});
        std::size_t sunk = 0;
        engine.setRecordSink([&sunk](const Sample&) { ++sunk; });
        for (const qint64 ms : {0, 60, 100, 170, 200, 230})
            engine.record(at(ms, false, 4));
        engine.record(at(250, true, 0));
        QCOMPARE(engine.samples(rows), std::size_t{3});
        QCOMPARE(sunk, std::size_t{3});
        QCOMPARE(rows.size(), std::size_t{3});
        QCOMPARE(rows[0].runNs, 100 * kMilli);
        QCOMPARE(rows[1].runNs, 200 * kMilli);
        QCOMPARE(rows[2].runNs, 250 * kMilli);
        rows.clear();
        QCOMPARE(engine.samples(rows, 2), std::size_t{3});
        QCOMPARE(rows.size(), std::size_t{1});
        // 4 in the system for 230 ms of the 250.
        QCOMPARE(engine.meanInSystem(), 4.0 * 230 / 250);
        std::size_t read = 0;
        engine.withRecord([&read](const IntervalRecord& r) { read = r.size(); });
        QCOMPARE(read, std::size_t{3});
    }
};

QTEST_APPLESS_MAIN(TstIntervalRecorder)
#include "tst_interval_recorder.moc"
