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

    // One row per second; 'v' has a latency (one job finished), '-' none.
    static std::vector<Sample> latencyRows(const QString& pattern)
    {
        std::vector<Sample> rows;
        for (qsizetype i = 0; i < pattern.size(); ++i) {
            Sample r;
            r.runNs = static_cast<Nanos>(i + 1) * kSecond;
            r.intervalNs = kSecond;
            if (pattern[i] == u'v')
                r.total = {.count = 1, .p50 = (i + 1) * kMilli, .p95 = 0, .p99 = 0, .max = 0, .mean = 0};
            rows.push_back(r);
        }
        return rows;
    }
    // The steps' segments between breaks as "from-to,from-to" (seconds).
    static QString segmentsOf(const std::vector<StepPoint>& steps)
    {
        QStringList out;
        double from = 0, to = 0;
        bool open = false;
        for (const StepPoint& p : steps) {
            if (isGap(p)) {
                if (open)
                    out << QStringLiteral("%1-%2").arg(from).arg(to);
                open = false;
                continue;
            }
            if (!open)
                from = p.x;
            open = true;
            to = p.x;
        }
        if (open)
            out << QStringLiteral("%1-%2").arg(from).arg(to);
        return out.join(u',');
    }

    void rowsWithoutAValueBreakTheLine_data()
    {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<int>("buckets");
        QTest::addColumn<QString>("segments");
        QTest::newRow("no gap") << QStringLiteral("vvvv") << 10 << QStringLiteral("0-4");
        QTest::newRow("one gap") << QStringLiteral("vv--vv") << 10 << QStringLiteral("0-2,4-6");
        QTest::newRow("none at either end") << QStringLiteral("--vv-v--") << 10 << QStringLiteral("2-4,5-6");
        QTest::newRow("every other row") << QStringLiteral("v-v-v") << 10 << QStringLiteral("0-1,2-3,4-5");
        QTest::newRow("nothing at all") << QStringLiteral("----") << 10 << QString();
        // Downsampled: a bucket with no value breaks the line; inside a bucket its
        // extremes are joined (the gap is narrower than a bucket, ~2 px).
        QTest::newRow("a whole bucket without")
            << QStringLiteral("vvvv----vvvv") << 6 << QStringLiteral("0-4,8-12");
        QTest::newRow("inside a bucket") << QStringLiteral("v-vv") << 2 << QStringLiteral("0-4");
    }
    void rowsWithoutAValueBreakTheLine()
    {
        QFETCH(QString, pattern);
        QFETCH(int, buckets);
        QFETCH(QString, segments);
        const std::vector<Sample> rows = latencyRows(pattern);
        std::vector<StepPoint> out;
        windowSteps(rows, Column::TotalP50, 0, static_cast<double>(rows.size()),
                    static_cast<std::size_t>(buckets), out);
        QCOMPARE(segmentsOf(out), segments);
        QVERIFY(out.empty() || (!isGap(out.front()) && !isGap(out.back())));
        // The whole run's envelope breaks the same way while every bucket holds one row.
        if (static_cast<qsizetype>(buckets) >= pattern.size()) {
            Envelope env(16);
            for (const Sample& r : rows)
                env.add(r);
            out.clear();
            env.steps(Column::TotalP50, out);
            QCOMPARE(segmentsOf(out), segments);
        }
    }

    void chartSpanIsTheWindowOrTheWholeRun_data()
    {
        QTest::addColumn<double>("end"); // < 0: no row yet
        QTest::addColumn<int>("seconds");
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::newRow("no row, last minute") << -1.0 << 60 << 0.0 << 60.0;
        QTest::newRow("no row, whole run") << -1.0 << 0 << 0.0 << 10.0;
        QTest::newRow("shorter than the window") << 12.5 << 30 << 0.0 << 30.0;
        QTest::newRow("exactly the window") << 30.0 << 30 << 0.0 << 30.0;
        QTest::newRow("longer: the last 5 minutes") << 1000.0 << 300 << 700.0 << 1000.0;
        QTest::newRow("whole run") << 1000.0 << 0 << 0.0 << 1000.0;
    }
    void chartSpanIsTheWindowOrTheWholeRun()
    {
        QFETCH(double, end);
        QFETCH(int, seconds);
        QFETCH(double, from);
        QFETCH(double, to);
        const TimeSpan span = chartSpan(end < 0 ? std::nullopt : std::optional<double>(end), seconds);
        QCOMPARE(span.from, from);
        QCOMPARE(span.to, to);
    }

    void chartStepsTakeTheWindowOrTheEnvelope_data()
    {
        QTest::addColumn<int>("seconds");
        QTest::addColumn<int>("maxBuckets");
        QTest::newRow("last 30 s, every row") << 30 << 600;
        QTest::newRow("last 30 s, downsampled") << 30 << 7;
        QTest::newRow("whole run") << 0 << 600;
    }
    void chartStepsTakeTheWindowOrTheEnvelope()
    {
        QFETCH(int, seconds);
        QFETCH(int, maxBuckets);
        const std::vector<Sample> rows = rowsWithSpike(100, 80, 90);
        Envelope env(16); // coarser than the rows: the whole run is downsampled too
        for (const Sample& r : rows)
            env.add(r);
        const TimeSpan span = chartSpan(100.0, seconds);
        std::vector<StepPoint> out;
        chartSteps(rows, env, Column::Completions, seconds, span, static_cast<std::size_t>(maxBuckets), out);
        std::vector<StepPoint> expected;
        if (seconds > 0)
            windowSteps(rows, Column::Completions, 70, 100, static_cast<std::size_t>(maxBuckets), expected);
        else
            env.steps(Column::Completions, expected);
        QCOMPARE(out, expected);
        QVERIFY(!out.empty());
        QVERIFY(out.front().x >= span.from && out.back().x <= span.to);
        if (seconds > 0 && maxBuckets >= 30) { // every row of the span, as it is
            QCOMPARE(out.size(), std::size_t{60});
            QCOMPARE(out.front().x, 70.0);
            QCOMPARE(out.back().x, 100.0);
        }
        // The spike at row 80 and the dip at row 90 survive either way.
        QVERIFY(std::any_of(out.begin(), out.end(), [](const StepPoint& p) { return p.y == 1000; }));
        QVERIFY(std::any_of(out.begin(), out.end(), [](const StepPoint& p) { return p.y == -5; }));
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
