// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/time_series.h"

#include <QTest>

using namespace poollab;

class TstTimeSeries : public QObject
{
    Q_OBJECT

private:
    static Sample sampleAt(int i)
    {
        Sample s;
        s.runNs = static_cast<Nanos>(i + 1) * 100 * kMilli;
        s.intervalNs = 100 * kMilli;
        s.completionsPerSec = i;
        s.queueDepth = i % 7;
        s.workers = 4 + i;
        s.totals.succeeded = static_cast<std::uint64_t>(i + 1);
        s.total.count = 1;
        s.total.p50 = i;
        s.total.p99 = i;
        return s;
    }

private slots:
    void recentKeepsTheLastSamplesInOrder_data()
    {
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("added");
        QTest::newRow("empty") << 8 << 0;
        QTest::newRow("partly filled") << 8 << 5;
        QTest::newRow("exactly full") << 8 << 8;
        QTest::newRow("wrapped") << 8 << 21;
        QTest::newRow("capacity one") << 1 << 3;
    }
    void recentKeepsTheLastSamplesInOrder()
    {
        QFETCH(int, capacity);
        QFETCH(int, added);
        TimeSeries ts(static_cast<std::size_t>(capacity), 16);
        for (int i = 0; i < added; ++i)
            ts.add(sampleAt(i));
        const int expected = std::min(capacity, added);
        QCOMPARE(ts.recentSize(), static_cast<std::size_t>(expected));
        QCOMPARE(ts.added(), static_cast<std::size_t>(added));
        for (int k = 0; k < expected; ++k)
            QCOMPARE(ts.recent(static_cast<std::size_t>(k)).runNs, sampleAt(added - expected + k).runNs);
    }

    void overviewStaysBoundedAndCoversTheWholeRun_data()
    {
        QTest::addColumn<int>("buckets");
        QTest::addColumn<int>("added");
        QTest::addColumn<int>("expectedFull");
        QTest::addColumn<int>("expectedPerBucket");
        QTest::addColumn<bool>("expectedPending");
        // 8 buckets: the 8th sample fills them, they merge to 4 of 2 samples each.
        QTest::newRow("below capacity") << 8 << 7 << 7 << 1 << false;
        QTest::newRow("first merge") << 8 << 8 << 4 << 2 << false;
        QTest::newRow("one pending") << 8 << 9 << 4 << 2 << true;
        QTest::newRow("second merge") << 8 << 16 << 4 << 4 << false;
        // 100000 samples in 8 buckets: 2^14 per bucket, 6 full (98304) and 1696 pending.
        QTest::newRow("long run") << 8 << 100000 << 6 << 16384 << true;
        QTest::newRow("odd bucket count rounds up") << 7 << 8 << 4 << 2 << false;
    }
    void overviewStaysBoundedAndCoversTheWholeRun()
    {
        QFETCH(int, buckets);
        QFETCH(int, added);
        QFETCH(int, expectedFull);
        QFETCH(int, expectedPerBucket);
        QFETCH(bool, expectedPending);
        TimeSeries ts(4, static_cast<std::size_t>(buckets));
        std::size_t maxSize = 0;
        for (int i = 0; i < added; ++i) {
            ts.add(sampleAt(i));
            maxSize = std::max(maxSize, ts.overviewSize());
        }
        QVERIFY(maxSize <= ts.overviewCapacity());
        QCOMPARE(ts.samplesPerBucket(), static_cast<std::size_t>(expectedPerBucket));
        QCOMPARE(ts.overviewSize(), static_cast<std::size_t>(expectedFull + (expectedPending ? 1 : 0)));
        // The buckets tile the run: each ends where the next begins, the last at the newest sample.
        Nanos covered = 0;
        for (std::size_t i = 0; i < ts.overviewSize(); ++i) {
            const Sample& b = ts.overview(i);
            QCOMPARE(b.runNs - b.intervalNs, covered);
            covered = b.runNs;
        }
        QCOMPARE(covered, sampleAt(added - 1).runNs);
        QCOMPARE(ts.overview(ts.overviewSize() - 1).totals.succeeded, static_cast<std::uint64_t>(added));
    }

    void mergeWeighsRatesAndKeepsPeaks()
    {
        Sample a;
        a.runNs = 1 * kSecond;
        a.intervalNs = 1 * kSecond;
        a.arrivalsPerSec = 100;
        a.queueDepth = 50;
        a.busyWorkers = 4;
        a.workers = 4;
        a.total = {.count = 1, .p50 = 10, .p95 = 20, .p99 = 30, .max = 40, .mean = 10};
        Sample b;
        b.runNs = 4 * kSecond;
        b.intervalNs = 3 * kSecond;
        b.arrivalsPerSec = 20;
        b.queueDepth = 5;
        b.busyWorkers = 8;
        b.workers = 8;
        b.total = {.count = 3, .p50 = 50, .p95 = 60, .p99 = 25, .max = 35, .mean = 50};
        TimeSeries::merge(a, b);
        QCOMPARE(a.runNs, 4 * kSecond);
        QCOMPARE(a.intervalNs, 4 * kSecond);
        QCOMPARE(a.arrivalsPerSec, 40.0); // (100*1 + 20*3) / 4
        QCOMPARE(a.queueDepth, std::int64_t{50});
        QCOMPARE(a.busyWorkers, 7); // (4*1 + 8*3) / 4
        QCOMPARE(a.workers, 8);
        QCOMPARE(a.total.count, std::uint64_t{4});
        QCOMPARE(a.total.p50, Nanos{40}); // (10*1 + 50*3) / 4
        QCOMPARE(a.total.mean, 40.0);
        QCOMPARE(a.total.p95, Nanos{60});
        QCOMPARE(a.total.p99, Nanos{30});
        QCOMPARE(a.total.max, Nanos{40});
    }

    void clearStartsOver()
    {
        TimeSeries ts(4, 4);
        for (int i = 0; i < 10; ++i)
            ts.add(sampleAt(i));
        ts.clear();
        QVERIFY(ts.empty());
        QCOMPARE(ts.recentSize(), std::size_t{0});
        QCOMPARE(ts.overviewSize(), std::size_t{0});
        QCOMPARE(ts.samplesPerBucket(), std::size_t{1});
        ts.add(sampleAt(0));
        QCOMPARE(ts.last().runNs, sampleAt(0).runNs);
        QCOMPARE(ts.overviewSize(), std::size_t{1});
    }
};

QTEST_APPLESS_MAIN(TstTimeSeries)
#include "tst_time_series.moc"
