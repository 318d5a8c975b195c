// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/time_series.h"

#include <QTest>

using namespace poollab;

class TstTimeSeries : public QObject
{
    Q_OBJECT

private slots:
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
        mergeSamples(a, b);
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

    // One row per second with a completions value; the row at `spikeAt` spikes.
    static std::vector<Sample> rowsWithSpike(int n, int spikeAt, int dipAt)
    {
        std::vector<Sample> rows;
        for (int i = 0; i < n; ++i) {
            Sample r;
            r.runNs = static_cast<Nanos>(i + 1) * kSecond;
            r.intervalNs = kSecond;
            r.completionsPerSec = i == spikeAt ? 1000 : i == dipAt ? -5 : 40 + (i % 3);
            rows.push_back(r);
        }
        return rows;
    }

    void windowStepsDrawEveryRowWhenTheyFit()
    {
        const std::vector<Sample> rows = rowsWithSpike(10, 4, -1);
        std::vector<StepPoint> out;
        windowSteps(rows, Column::Completions, 0, 10, 10, out);
        QCOMPARE(out.size(), std::size_t{20});
        for (std::size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(out[2 * i], (StepPoint{double(i), rows[i].completionsPerSec}));
            QCOMPARE(out[2 * i + 1], (StepPoint{double(i + 1), rows[i].completionsPerSec}));
        }
        // A window takes the rows that overlap it, no more.
        out.clear();
        windowSteps(rows, Column::Completions, 3.5, 6, 10, out);
        QCOMPARE(out.size(), std::size_t{6}); // rows 3, 4 and 5
        QCOMPARE(out.front().x, 3.0);
        QCOMPARE(out.back().x, 6.0);
    }

    void windowStepsKeepSpikesAndDips_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("buckets");
        QTest::newRow("10x more rows than buckets") << 6000 << 600;
        QTest::newRow("odd sizes") << 12345 << 7;
        QTest::newRow("one bucket") << 100 << 1;
    }
    void windowStepsKeepSpikesAndDips()
    {
        QFETCH(int, rows);
        QFETCH(int, buckets);
        // Every n-th row would miss a spike on an odd row; min/max per bucket cannot.
        const std::vector<Sample> record = rowsWithSpike(rows, rows / 2 + 1, rows / 3 + 1);
        std::vector<StepPoint> out;
        windowSteps(record, Column::Completions, 0, rows, static_cast<std::size_t>(buckets), out);
        QVERIFY(out.size() <= 4 * static_cast<std::size_t>(buckets));
        double hi = -1e9, lo = 1e9;
        for (std::size_t i = 0; i < out.size(); ++i) {
            hi = std::max(hi, out[i].y);
            lo = std::min(lo, out[i].y);
            if (i > 0)
                QVERIFY(out[i].x >= out[i - 1].x); // in time order
        }
        QCOMPARE(hi, 1000.0);
        QCOMPARE(lo, -5.0);
        // Every point is a row's start or end (x whole seconds), within the record.
        for (const StepPoint& p : out)
            QVERIFY(p.x == std::floor(p.x) && p.x >= 0 && p.x <= rows);
    }

    void envelopeIsExactWhileRowsFitAndKeepsExtremesAfter()
    {
        Envelope env(8);
        std::vector<Sample> rows = rowsWithSpike(8, 5, -1);
        for (int i = 0; i < 7; ++i)
            env.add(rows[static_cast<std::size_t>(i)]);
        std::vector<StepPoint> out;
        env.steps(Column::Completions, out);
        QCOMPARE(out.size(), std::size_t{14});
        for (std::size_t i = 0; i < 7; ++i)
            QCOMPARE(out[2 * i], (StepPoint{double(i), rows[i].completionsPerSec}));
        // Past the bound, pairs merge: min and max survive, memory does not grow.
        rows = rowsWithSpike(100000, 77777, 33333);
        env.clear();
        for (const Sample& r : rows)
            env.add(r);
        QVERIFY(env.size() <= env.capacity());
        QCOMPARE(env.rows(), std::uint64_t{100000});
        out.clear();
        env.steps(Column::Completions, out);
        double hi = -1e9, lo = 1e9;
        for (const StepPoint& p : out) {
            hi = std::max(hi, p.y);
            lo = std::min(lo, p.y);
        }
        QCOMPARE(hi, 1000.0);
        QCOMPARE(lo, -5.0);
        QVERIFY(out.size() <= 4 * env.capacity());
        // A latency with nothing finished is a gap, not a 0.
        out.clear();
        env.steps(Column::TotalP99, out);
        QVERIFY(out.empty());
    }
};

QTEST_APPLESS_MAIN(TstTimeSeries)
#include "tst_time_series.moc"
