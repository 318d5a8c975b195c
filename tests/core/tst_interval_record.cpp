// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/interval_record.h"
#include "core/virtual_engine.h"

#include <QTest>

#include <string>

using namespace poollab;

class TstIntervalRecord : public QObject
{
    Q_OBJECT

private:
    static Sample rowAt(std::uint64_t i, Nanos interval = kSecond)
    {
        Sample s;
        s.runNs = static_cast<Nanos>(i + 1) * interval;
        s.intervalNs = interval;
        s.completionsPerSec = static_cast<double>(i % 10);
        s.queueDepth = static_cast<std::int64_t>(i % 7);
        s.totals.succeeded = i + 1;
        return s;
    }

private slots:
    void keepsEveryRowBelowTheBound()
    {
        IntervalRecord r(16);
        for (std::uint64_t i = 0; i < 16; ++i)
            r.append(rowAt(i));
        QCOMPARE(r.size(), std::size_t{16});
        QCOMPARE(r.intervalsPerRow(), std::size_t{1});
        QVERIFY(!r.coarsened());
        QCOMPARE(r.rowWidthNs(), kSecond);
        for (std::size_t i = 0; i < 16; ++i) {
            QCOMPARE(r.rows()[i].runNs, rowAt(i).runNs);
            QCOMPARE(r.rows()[i].completionsPerSec, rowAt(i).completionsPerSec);
        }
    }

    void coarsensPastTheBound_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("appended");
        QTest::addColumn<int>("expectedRows");
        QTest::addColumn<int>("expectedPerRow");
        QTest::newRow("one over") << 16 << 17 << 9 << 2;
        QTest::newRow("twice") << 16 << 32 << 16 << 2;
        QTest::newRow("twice and one") << 16 << 33 << 9 << 4;
        QTest::newRow("odd capacity rounds up") << 15 << 17 << 9 << 2;
        // 10^5 rows into 64: 2^11 per row, 48 full and 1696 in the last.
        QTest::newRow("long") << 64 << 100000 << 49 << 2048;
    }
    void coarsensPastTheBound()
    {
        QFETCH(int, capacity);
        QFETCH(int, appended);
        QFETCH(int, expectedRows);
        QFETCH(int, expectedPerRow);
        IntervalRecord r(static_cast<std::size_t>(capacity));
        std::uint64_t sunk = 0;
        r.setSink([&sunk](const Sample& row) {
            // The sink sees the raw rows, in order, before any merging.
            QCOMPARE(row.runNs, rowAt(sunk).runNs);
            ++sunk;
        });
        for (int i = 0; i < appended; ++i) {
            r.append(rowAt(static_cast<std::uint64_t>(i)));
            QVERIFY(r.size() <= r.capacity());
        }
        QCOMPARE(sunk, std::uint64_t(appended));
        QCOMPARE(r.appended(), std::uint64_t(appended));
        QCOMPARE(r.size(), std::size_t(expectedRows));
        QCOMPARE(r.intervalsPerRow(), std::size_t(expectedPerRow));
        QCOMPARE(r.rowWidthNs(), Nanos(expectedPerRow) * kSecond);
        // The rows tile the run: no gap, no overlap; the totals end where the run ended.
        Nanos covered = 0;
        double completed = 0;
        for (const Sample& row : r.rows()) {
            QCOMPARE(row.runNs - row.intervalNs, covered);
            covered = row.runNs;
            completed += row.completionsPerSec * toSeconds(row.intervalNs);
        }
        QCOMPARE(covered, rowAt(std::uint64_t(appended) - 1).runNs);
        QCOMPARE(r.back().totals.succeeded, std::uint64_t(appended));
        double expected = 0;
        for (int i = 0; i < appended; ++i)
            expected += rowAt(static_cast<std::uint64_t>(i)).completionsPerSec;
        QCOMPARE(std::round(completed), expected); // rates merge weighted by time
        r.clear();
        QVERIFY(r.empty());
        QCOMPARE(r.appended(), std::uint64_t{0});
        QCOMPARE(r.intervalsPerRow(), std::size_t{1});
    }

    // Memory stays flat over a million sample intervals: the record's rows stay under
    // its bound however much simulated time passes. (Under ThreadSanitizer, where each
    // interval costs ~30x more, just past the bound: 133,334 intervals.)
    void virtualEngineRecordStaysBoundedOverAMillionIntervals()
    {
#if defined(__SANITIZE_THREAD__)
        const std::uint64_t jobs = 1;
        const Nanos jobNs = 2400 * kSecond;
        const std::uint64_t intervals = 133334; // 133,333 of 18 ms and a last one of 6 ms
        const std::size_t perRow = 2;
        const std::size_t rows = 65536 + 1131; // 2^17 halved, then 2,262 intervals in pairs
        const Nanos lastRowNs = 24 * kMilli;
#else
        const std::uint64_t jobs = 5;
        const Nanos jobNs = 3600 * kSecond;
        const std::uint64_t intervals = 1000000;
        const std::size_t perRow = 8; // 10^6 / 8 = 125,000 rows of 144 ms
        const std::size_t rows = 125000;
        const Nanos lastRowNs = 8 * 18 * kMilli;
#endif
        Scenario s;
        s.timeMode = TimeMode::Virtual;
        s.workers = 1;
        s.arrival = ArrivalKind::Burst;
        s.jobs = jobs; // one after another on the one worker
        s.latency = std::to_string(jobNs / kSecond) + "s";
        s.sampleInterval = 18 * kMilli;
        VirtualEngine engine(s);
        std::uint64_t sunk = 0;
        engine.setRecordSink([&sunk](const Sample&) { ++sunk; });
        engine.start();
        QVERIFY(engine.waitFinished(600 * kSecond));
        std::size_t size = 0;
        std::uint64_t appended = 0;
        std::size_t intervalsPerRow = 0;
        std::size_t capacity = 0;
        engine.withRecord([&](const IntervalRecord& r) {
            size = r.size();
            appended = r.appended();
            intervalsPerRow = r.intervalsPerRow();
            capacity = r.capacity();
        });
        QCOMPARE(appended, intervals);
        QCOMPARE(sunk, appended);
        QCOMPARE(capacity, IntervalRecord::kDefaultCapacity);
        QVERIFY(size <= capacity);
        QCOMPARE(intervalsPerRow, perRow);
        QCOMPARE(size, rows);
        std::vector<Sample> out;
        QCOMPARE(engine.samples(out), size);
        QCOMPARE(out.back().runNs, static_cast<Nanos>(jobs) * jobNs);
        QCOMPARE(out.back().intervalNs, lastRowNs);
        QCOMPARE(out.back().totals.succeeded, jobs);
    }
};

QTEST_APPLESS_MAIN(TstIntervalRecord)
#include "tst_interval_record.moc"
