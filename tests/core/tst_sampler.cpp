// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"
#include "core/sampler.h"

#include <QTest>

#include <cmath>

using namespace poollab;

class TestSampler : public QObject
{
    Q_OBJECT

private slots:
    void firstSnapshotIsTheBaseline();
    void runStartBaselineReachesBackToTheStart_data();
    void runStartBaselineReachesBackToTheStart();
    void ratesAndGaugesOfAnInterval();
    void intervalPercentilesSeeOnlyTheInterval();
    void samplesFromARealPoolAddUpToTheTotals();
};

namespace {
Snapshot at(Nanos elapsed)
{
    Snapshot s;
    s.elapsedNs = elapsed;
    s.runNs = elapsed;
    return s;
}
} // namespace

void TestSampler::firstSnapshotIsTheBaseline()
{
    Sampler sampler;
    Sample sample;
    QVERIFY(!sampler.add(at(kSecond), sample));
    QVERIFY(sampler.add(at(2 * kSecond), sample));
    QCOMPARE(sample.intervalNs, kSecond);
    QCOMPARE(sample.arrivalsPerSec, 0.0);
}

void TestSampler::runStartBaselineReachesBackToTheStart_data()
{
    QTest::addColumn<qint64>("runAtStartNs"); // the run's clock when the baseline was taken
    QTest::addColumn<qint64>("expectedStartNs");
    // Taken before the workers were up: the first interval also holds their start-up.
    QTest::newRow("clock not started") << qint64{0} << qint64{-20 * kMilli};
    // Taken once the run's clock had started: the first interval still starts at 0.
    QTest::newRow("clock already running") << qint64{3 * kMilli} << qint64{0};
}

void TestSampler::runStartBaselineReachesBackToTheStart()
{
    QFETCH(qint64, runAtStartNs);
    QFETCH(qint64, expectedStartNs);
    Snapshot start;
    start.elapsedNs = 20 * kMilli; // the pool's clock, since it was made
    start.runNs = runAtStartNs;
    start.counters.submitted = 7;
    Sampler sampler;
    sampler.setRunStart(start);
    Snapshot later;
    later.runNs = kSecond;
    // The run's clock started at 40 ms of the pool's clock (20 ms after the baseline), or
    // at 20 ms - runAtStart when it was already running then.
    later.elapsedNs = kSecond + (runAtStartNs > 0 ? 20 * kMilli - runAtStartNs : 40 * kMilli);
    later.counters.submitted = 27;
    Sample sample;
    QVERIFY(sampler.add(later, sample));
    QCOMPARE(sample.runNs - sample.intervalNs, Nanos{expectedStartNs});
    QCOMPARE(sample.totals.submitted, std::uint64_t{27});
}

void TestSampler::ratesAndGaugesOfAnInterval()
{
    Sampler sampler;
    Sample sample;
    Snapshot a = at(10 * kSecond);
    a.counters.submitted = 1000;
    a.counters.succeeded = 500;
    a.counters.failed = 10;
    a.counters.rejected = 4;
    a.counters.dropped = 2;
    a.counters.retries = 30;
    a.busyNs = 5 * kSecond;
    a.workerNs = 40 * kSecond;
    sampler.add(a, sample);

    Snapshot b = at(10 * kSecond + 500 * kMilli);
    b.counters.submitted = 1300; // +300 in 0.5 s
    b.counters.succeeded = 690;  // +190
    b.counters.failed = 20;      // +10
    b.counters.rejected = 8;     // +4
    b.counters.dropped = 3;      // +1
    b.counters.retries = 40;     // +10
    b.queued = 42;
    b.queueCapacity = 100;
    b.busyWorkers = 3;
    b.workers = 4;
    b.busyNs = 6 * kSecond;    // +1 s busy
    b.workerNs = 42 * kSecond; // +2 s available
    QVERIFY(sampler.add(b, sample));
    QCOMPARE(sample.intervalNs, 500 * kMilli);
    QCOMPARE(sample.arrivalsPerSec, 600.0);
    QCOMPARE(sample.completionsPerSec, 400.0);
    QCOMPARE(sample.failuresPerSec, 20.0);
    QCOMPARE(sample.rejectionsPerSec, 8.0);
    QCOMPARE(sample.dropsPerSec, 2.0);
    QCOMPARE(sample.retriesPerSec, 20.0);
    QCOMPARE(sample.queueDepth, 42);
    QCOMPARE(sample.queueCapacity, 100);
    QCOMPARE(sample.busyWorkers, 3);
    QCOMPARE(sample.workers, 4);
    QCOMPARE(sample.utilization, 0.5);
    QCOMPARE(sample.totals.submitted, 1300u);
}

void TestSampler::intervalPercentilesSeeOnlyTheInterval()
{
    Sampler sampler;
    Sample sample;
    Snapshot a = at(kSecond);
    for (Nanos v = 1; v <= 1000; ++v)
        a.total.record(v * kMilli); // 1..1000 ms before the interval
    sampler.add(a, sample);
    Snapshot b = a;
    b.elapsedNs = 2 * kSecond;
    for (int i = 0; i < 100; ++i)
        b.total.record(5 * kMilli); // the interval: 100 jobs of 5 ms
    QVERIFY(sampler.add(b, sample));
    QCOMPARE(sample.total.count, 100u);
    QVERIFY(std::abs(static_cast<double>(sample.total.p50) - 5e6) <= 0.01 * 5e6);
    QVERIFY(std::abs(static_cast<double>(sample.total.p99) - 5e6) <= 0.01 * 5e6);
    QCOMPARE(sample.total.mean, 5e6);
    QCOMPARE(sample.wait.count, 0u);
}

void TestSampler::samplesFromARealPoolAddUpToTheTotals()
{
    Pool pool(PoolConfig{4, 100, OverflowPolicy::Block, {}});
    Sampler sampler;
    Sample sample;
    Snapshot snap;
    pool.snapshot(snap);
    sampler.add(snap, sample);
    pool.start();
    double completions = 0;
    std::uint64_t latencyCount = 0;
    for (int i = 0; i < 400; ++i) {
        Job job;
        job.id = static_cast<std::uint64_t>(i);
        job.arrivalNs = pool.now();
        job.serviceNs = (i % 4) * 100 * kMicro;
        pool.submit(job);
        if (i % 50 == 0) {
            pool.snapshot(snap);
            QVERIFY(sampler.add(snap, sample));
            completions += sample.completionsPerSec * toSeconds(sample.intervalNs);
            latencyCount += sample.total.count;
        }
    }
    pool.drain();
    QVERIFY(pool.waitUntilStopped(30 * kSecond));
    pool.snapshot(snap);
    QVERIFY(sampler.add(snap, sample));
    completions += sample.completionsPerSec * toSeconds(sample.intervalNs);
    latencyCount += sample.total.count;
    // Rates times intervals give back the counts; interval histograms partition the total.
    QCOMPARE(std::llround(completions), 400LL);
    QCOMPARE(latencyCount, 400u);
    QCOMPARE(sample.totals.succeeded, 400u);
}

QTEST_APPLESS_MAIN(TestSampler)
#include "tst_sampler.moc"
