// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/histogram.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace poollab;

class TestHistogram : public QObject
{
    Q_OBJECT

private slots:
    void layoutCoversEveryValue();
    void smallValuesAreExact();
    void percentilesWithinOnePercent_data();
    void percentilesWithinOnePercent();
    void percentilesStayWithinMinMax_data();
    void percentilesStayWithinMinMax();
    void mergeEqualsRecordingTogether();
    void intervalIsTheDifference();
    void atomicMatchesPlain();
    void countAtOrBelow();
    void emptyHistogram();
    void reuseLeavesNoStaleBuckets_data();
    void reuseLeavesNoStaleBuckets();
};

void TestHistogram::layoutCoversEveryValue()
{
    // Every bucket starts where the previous one ends, and indexOf agrees.
    Nanos expected = 0;
    for (int i = 0; i < HistogramLayout::kBuckets; ++i) {
        QCOMPARE(HistogramLayout::lowerBound(i), expected);
        QCOMPARE(HistogramLayout::indexOf(expected), i);
        const Nanos last = expected + HistogramLayout::width(i) - 1;
        QCOMPARE(HistogramLayout::indexOf(last), i);
        // The resolution promise: a bucket is at most 1/64 of its lower bound wide.
        if (i >= HistogramLayout::kLinear)
            QVERIFY(HistogramLayout::width(i) * 64 <= HistogramLayout::lowerBound(i));
        expected += HistogramLayout::width(i);
    }
    // One hour is inside the range.
    QVERIFY(HistogramLayout::indexOf(3600 * kSecond) < HistogramLayout::kBuckets - 1);
}

void TestHistogram::smallValuesAreExact()
{
    Histogram h;
    for (Nanos v = 0; v < 100; ++v)
        h.record(v);
    QCOMPARE(h.count(), 100u);
    QCOMPARE(h.percentile(50), Nanos{49});
    QCOMPARE(h.percentile(1), Nanos{0});
    QCOMPARE(h.percentile(100), Nanos{99});
    QCOMPARE(h.min(), Nanos{0});
    QCOMPARE(h.max(), Nanos{99});
    QCOMPARE(h.mean(), 49.5);
}

void TestHistogram::percentilesWithinOnePercent_data()
{
    QTest::addColumn<int>("seed");
    QTest::addColumn<double>("logMin"); // log10 of the smallest value, ns
    QTest::addColumn<double>("logMax");
    QTest::newRow("1us..1h") << 1 << 3.0 << std::log10(3600e9);
    QTest::newRow("1ms..10ms") << 2 << 6.0 << 7.0;
    QTest::newRow("10us..2s") << 3 << 4.0 << std::log10(2e9);
    QTest::newRow("narrow 500ms") << 4 << std::log10(499e6) << std::log10(501e6);
}

void TestHistogram::percentilesWithinOnePercent()
{
    QFETCH(int, seed);
    QFETCH(double, logMin);
    QFETCH(double, logMax);
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    std::uniform_real_distribution<double> exponent(logMin, logMax);
    std::vector<Nanos> values(50'000);
    Histogram h;
    for (Nanos& v : values) {
        v = static_cast<Nanos>(std::pow(10.0, exponent(rng)));
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    for (const double q : {1.0, 10.0, 50.0, 66.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
        const auto rank = static_cast<std::size_t>(std::ceil(q / 100.0 * static_cast<double>(values.size())));
        const double exact = static_cast<double>(values[std::max<std::size_t>(rank, 1) - 1]);
        const double got = static_cast<double>(h.percentile(q));
        const double error = std::abs(got - exact) / exact;
        if (error > 0.01)
            QFAIL(qPrintable(QStringLiteral("p%1: exact %2, histogram %3, error %4")
                                 .arg(q)
                                 .arg(exact, 0, 'f', 0)
                                 .arg(got, 0, 'f', 0)
                                 .arg(error)));
    }
    QCOMPARE(h.min(), values.front());
    QCOMPARE(h.max(), values.back());
    double sum = 0;
    for (Nanos v : values)
        sum += static_cast<double>(v);
    QVERIFY(std::abs(h.mean() - sum / static_cast<double>(values.size())) <= 1e-9 * h.mean());
}

void TestHistogram::percentilesStayWithinMinMax_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("seed");
    QTest::newRow("1 value") << 1 << 1;
    QTest::newRow("2 values") << 2 << 2;
    QTest::newRow("10 values") << 10 << 3;
    QTest::newRow("500 values") << 500 << 4;
    QTest::newRow("999 values") << 999 << 5;
    QTest::newRow("1000 values") << 1000 << 6;
    QTest::newRow("1001 values") << 1001 << 7;
}

// On small samples the top ranks are the largest values themselves: p99.9 of fewer
// than 1,000 values is the maximum, exactly, not its bucket's midpoint (which may lie
// below it, or above).
void TestHistogram::percentilesStayWithinMinMax()
{
    QFETCH(int, count);
    QFETCH(int, seed);
    std::mt19937_64 rng(static_cast<std::uint64_t>(seed));
    // 124 s to 250 s: buckets of 1-2 s, so midpoints are far from the values.
    std::uniform_int_distribution<Nanos> value(124 * kSecond, 250 * kSecond);
    std::vector<Nanos> values(static_cast<std::size_t>(count));
    Histogram h;
    for (Nanos& v : values) {
        v = value(rng);
        h.record(v);
    }
    std::sort(values.begin(), values.end());
    QCOMPARE(h.min(), values.front());
    QCOMPARE(h.max(), values.back());
    Nanos previous = 0;
    for (const double q : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
        const Nanos got = h.percentile(q);
        QVERIFY2(got >= h.min() && got <= h.max(), qPrintable(QStringLiteral("p%1 = %2").arg(q).arg(got)));
        QVERIFY(got >= previous); // monotonic in q
        previous = got;
        // Nearest rank: ceil(q n / 100), computed so that 99.9 % of 1000 is rank 999.
        const auto rank = std::max<std::size_t>(
            1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()) / 100.0 - 1e-9)));
        if (rank == values.size())
            QCOMPARE(got, values.back());
        if (rank == 1)
            QCOMPARE(got, values.front());
        const double exact = static_cast<double>(values[rank - 1]);
        QVERIFY2(std::abs(static_cast<double>(got) - exact) <= exact / 128,
                 qPrintable(QStringLiteral("p%1 = %2, exact %3").arg(q).arg(got).arg(exact)));
    }
    QCOMPARE(h.percentile(100), values.back());
    if (count < 1000)
        QCOMPARE(h.percentile(99.9), values.back());
}

void TestHistogram::mergeEqualsRecordingTogether()
{
    Histogram a, b, both;
    for (Nanos v = 1; v < 5000; v += 7) {
        (v % 2 ? a : b).record(v * 1000);
        both.record(v * 1000);
    }
    a.merge(b);
    QCOMPARE(a.count(), both.count());
    QCOMPARE(a.buckets(), both.buckets());
    QCOMPARE(a.min(), both.min());
    QCOMPARE(a.max(), both.max());
    QCOMPARE(a.percentile(99), both.percentile(99));
}

void TestHistogram::intervalIsTheDifference()
{
    Histogram cumulative;
    for (Nanos v = 1; v <= 100; ++v)
        cumulative.record(v * kMilli);
    const Histogram before = cumulative;
    for (Nanos v = 101; v <= 200; ++v)
        cumulative.record(v * kMilli);
    const Histogram interval = cumulative.since(before);
    QCOMPARE(interval.count(), 100u);
    QCOMPARE(interval.mean(), 150.5 * kMilli);
    // Exact nearest-rank p50 of 101..200 ms is 150 ms.
    QVERIFY(std::abs(static_cast<double>(interval.percentile(50)) - 150e6) <= 0.01 * 150e6);
    QVERIFY(interval.min() >= 100 * kMilli && interval.min() <= 101 * kMilli);
    QCOMPARE(interval.max(), 200 * kMilli);
    QVERIFY(cumulative.since(cumulative).empty());

    // An interval knows its extremes only to the bucket (here: below the run's exact
    // max), so its last rank is read from its bucket like any other, never its edge.
    Histogram run;
    run.record(300 * kMilli);
    const Histogram start = run;
    for (int i = 0; i < 50; ++i)
        run.record(100 * kMilli);
    const Histogram fifty = run.since(start);
    QCOMPARE(fifty.percentile(100), fifty.percentile(50));
    QCOMPARE(fifty.percentile(2), fifty.percentile(50)); // rank 1
    QVERIFY(std::abs(static_cast<double>(fifty.percentile(100)) - 100e6) <= 0.008 * 100e6);
    // A histogram of recorded values keeps its exact extremes at the extreme ranks.
    QCOMPARE(run.percentile(100), 300 * kMilli);
}

void TestHistogram::atomicMatchesPlain()
{
    AtomicHistogram atomic;
    HistogramSum sums[2]; // two writers' sums
    Histogram plain;
    std::mt19937_64 rng(7);
    std::exponential_distribution<double> exp(1.0 / 5e6);
    for (int i = 0; i < 20'000; ++i) {
        const auto v = static_cast<Nanos>(exp(rng));
        atomic.record(v);
        sums[i % 2].add(v);
        plain.record(v);
    }
    Histogram read;
    atomic.addTo(read);
    QCOMPARE(read.count(), plain.count());
    QCOMPARE(read.sum(), 0.0); // the writers keep the sum
    sums[0].addTo(read);
    sums[1].addTo(read);
    QCOMPARE(read.sum(), plain.sum());
    QCOMPARE(read.mean(), plain.mean());
    QCOMPARE(read.buckets(), plain.buckets());
    QCOMPARE(read.min(), plain.min());
    QCOMPARE(read.max(), plain.max());
    QCOMPARE(read.percentile(99.9), plain.percentile(99.9));
}

void TestHistogram::countAtOrBelow()
{
    Histogram h;
    for (Nanos v = 1; v <= 1000; ++v)
        h.record(v * kMicro);
    QCOMPARE(h.countAtOrBelow(-1), 0u);
    QCOMPARE(h.countAtOrBelow(kSecond), 1000u);
    // 500 us sits on a bucket boundary (500000 = 61 * 2^13 ... ) or not: the count is
    // exact to the bucket, within 1% of the true 500.
    const auto below = h.countAtOrBelow(500 * kMicro);
    QVERIFY2(below >= 495 && below <= 500, qPrintable(QString::number(below)));
    QCOMPARE(h.countAtOrBelow(100), 0u);
}

void TestHistogram::emptyHistogram()
{
    Histogram h;
    QCOMPARE(h.count(), 0u);
    QCOMPARE(h.percentile(99), Nanos{0});
    QCOMPARE(h.mean(), 0.0);
    QCOMPARE(h.max(), Nanos{0});
    AtomicHistogram atomic;
    atomic.addTo(h);
    QVERIFY(h.empty());
}

// Copies, clears and differences walk only the buckets in use: a histogram reused for
// other values (as a snapshot's are each interval) must hold exactly the new ones.
void TestHistogram::reuseLeavesNoStaleBuckets_data()
{
    QTest::addColumn<int>("op");
    QTest::newRow("assign") << 0;
    QTest::newRow("clear and record") << 1;
    QTest::newRow("difference") << 2;
    QTest::newRow("merge into cleared") << 3;
}

void TestHistogram::reuseLeavesNoStaleBuckets()
{
    QFETCH(int, op);
    Histogram fresh; // recorded from scratch: what the reused one must equal
    fresh.record(10 * kMicro, 3);
    fresh.record(2 * kMilli);
    Histogram reused; // first far wider, below and above fresh's range
    reused.record(5);
    reused.record(3 * kSecond, 7);
    reused.record(kMilli);
    switch (op) {
    case 0:
        reused = fresh;
        break;
    case 1:
        reused.clear();
        reused.record(10 * kMicro, 3);
        reused.record(2 * kMilli);
        break;
    case 2: {
        Histogram earlier = fresh;
        earlier.record(7 * kSecond, 2);
        Histogram later = earlier;
        later.merge(fresh); // later - earlier = fresh
        reused.assignDifference(later, earlier);
        // A difference's extremes are bucket bounds; the buckets must be fresh's.
        QCOMPARE(reused.buckets(), fresh.buckets());
        QCOMPARE(reused.count(), fresh.count());
        QCOMPARE(reused.percentile(50), fresh.since(Histogram()).percentile(50));
        return;
    }
    case 3:
        reused.clear();
        reused.merge(fresh);
        break;
    }
    QCOMPARE(reused.buckets(), fresh.buckets());
    QCOMPARE(reused.count(), fresh.count());
    QCOMPARE(reused.min(), fresh.min());
    QCOMPARE(reused.max(), fresh.max());
    for (const double q : {0.0, 50.0, 75.0, 99.0, 100.0})
        QCOMPARE(reused.percentile(q), fresh.percentile(q));
    QCOMPARE(reused.countAtOrBelow(kMilli), fresh.countAtOrBelow(kMilli));
    Histogram copy(reused); // and a copy of the reused one is the same again
    QCOMPARE(copy.buckets(), fresh.buckets());
    QCOMPARE(copy.percentile(99), fresh.percentile(99));
}

QTEST_APPLESS_MAIN(TestHistogram)
#include "tst_histogram.moc"
