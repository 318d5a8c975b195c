// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/queueing_theory.h"

#include <QTest>

#include <cmath>
#include <vector>

using namespace poollab;

namespace {

// Direct M/M/c/K state probabilities by enumeration, in long double: an independent
// reference for small systems.
struct Direct
{
    long double blocking = 0, lq = 0, l = 0, atLeastC = 0;
};
Direct direct(double lambda, double mu, int c, int k)
{
    std::vector<long double> p(static_cast<std::size_t>(k) + 1);
    p[0] = 1;
    for (int n = 1; n <= k; ++n)
        p[n] = p[n - 1] * lambda / (mu * std::min(n, c));
    long double sum = 0;
    for (long double v : p)
        sum += v;
    Direct d;
    for (int n = 0; n <= k; ++n) {
        const long double q = p[n] / sum;
        d.l += n * q;
        d.lq += std::max(0, n - c) * q;
        if (n >= c)
            d.atLeastC += q;
    }
    d.blocking = p[k] / sum;
    return d;
}

// Erlang C in log space with lgamma: an independent route for large c.
long double erlangCLog(int c, long double a)
{
    // terms a^n / n! for n < c, and the queue term a^c / c! * c / (c - a)
    long double maxLog = -1e300L;
    std::vector<long double> logs;
    logs.reserve(static_cast<std::size_t>(c) + 1);
    for (int n = 0; n < c; ++n) {
        logs.push_back(n * std::log(a) - std::lgamma(static_cast<long double>(n) + 1));
        maxLog = std::max(maxLog, logs.back());
    }
    const long double top = c * std::log(a) - std::lgamma(static_cast<long double>(c) + 1) +
                            std::log(static_cast<long double>(c) / (c - a));
    maxLog = std::max(maxLog, top);
    long double sum = 0;
    for (long double v : logs)
        sum += std::exp(v - maxLog);
    const long double t = std::exp(top - maxLog);
    return t / (sum + t);
}

} // namespace

class TestQueueingTheory : public QObject
{
    Q_OBJECT

private slots:
    void erlangBExact_data()
    {
        QTest::addColumn<int>("c");
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("expected");
        QTest::newRow("c=1 a=1") << 1 << 1.0 << 0.5;
        QTest::newRow("c=2 a=1") << 2 << 1.0 << 0.2;
        QTest::newRow("c=3 a=2") << 3 << 2.0 << 4.0 / 19.0;
        QTest::newRow("c=10 a=9") << 10 << 9.0 << 0.16796322629158644;
    }
    void erlangBExact()
    {
        QFETCH(int, c);
        QFETCH(double, a);
        QFETCH(double, expected);
        QVERIFY2(std::abs(erlangB(c, a) - expected) < 1e-15,
                 qPrintable(QString::number(erlangB(c, a), 'g', 17)));
    }

    // Textbook values (exact fractions where they are short, else Erlang C to 17
    // digits from exact rational arithmetic).
    void erlangCExact_data()
    {
        QTest::addColumn<int>("c");
        QTest::addColumn<double>("a");
        QTest::addColumn<double>("expected");
        QTest::newRow("M/M/1 rho=0.5") << 1 << 0.5 << 0.5;
        QTest::newRow("M/M/2 a=1") << 2 << 1.0 << 1.0 / 3.0;
        QTest::newRow("M/M/3 a=2") << 3 << 2.0 << 4.0 / 9.0;
        QTest::newRow("M/M/5 a=4") << 5 << 4.0 << 0.55411255411255411;
        QTest::newRow("M/M/10 a=9") << 10 << 9.0 << 0.66873152410769698;
        QTest::newRow("M/M/10 a=8") << 10 << 8.0 << 0.40918015079644354;
        QTest::newRow("M/M/20 a=15") << 20 << 15.0 << 0.16042938741692361;
        QTest::newRow("M/M/50 a=45") << 50 << 45.0 << 0.3638644672069884;
        QTest::newRow("a = c") << 4 << 4.0 << 1.0;
        QTest::newRow("a > c") << 4 << 5.0 << 1.0;
    }
    void erlangCExact()
    {
        QFETCH(int, c);
        QFETCH(double, a);
        QFETCH(double, expected);
        const double got = erlangC(c, a);
        QVERIFY2(std::abs(got - expected) < 1e-14, qPrintable(QString::number(got, 'g', 17)));
    }

    // M/M/3, lambda 2, mu 1: P0 = 1/9, Pw = 4/9, Lq = 8/9, Wq = 4/9, W = 13/9, L = 26/9.
    void mmcMeasures()
    {
        const QueueMetrics m = mmc(2.0, 1.0, 3);
        QVERIFY(m.stable);
        QCOMPARE(m.servers, 3);
        QCOMPARE(m.limit, std::int64_t{0});
        QVERIFY(std::abs(m.rho - 2.0 / 3.0) < 1e-15);
        QVERIFY(std::abs(m.probWait - 4.0 / 9.0) < 1e-15);
        QVERIFY(std::abs(m.meanWait - 4.0 / 9.0) < 1e-15);
        QVERIFY(std::abs(m.meanQueueLength - 8.0 / 9.0) < 1e-15);
        QVERIFY(std::abs(m.meanResponse - 13.0 / 9.0) < 1e-15);
        QVERIFY(std::abs(m.meanInSystem - 26.0 / 9.0) < 1e-14);
        QVERIFY(std::abs(m.utilization - 2.0 / 3.0) < 1e-15);
        QCOMPARE(m.blocking, 0.0);
        QVERIFY(stabilityText(m).starts_with("stable: rho = 0.6667 < 1"));

        // M/M/1 at rho 0.5: Wq = rho / (mu - lambda) = 1, W = 2.
        const QueueMetrics one = mmc(0.5, 1.0, 1);
        QVERIFY(std::abs(one.meanWait - 1.0) < 1e-15);
        QVERIFY(std::abs(one.meanResponse - 2.0) < 1e-15);
    }

    void mmcUnstable_data()
    {
        QTest::addColumn<double>("lambda");
        QTest::addColumn<int>("c");
        QTest::newRow("rho=1") << 10.0 << 10;
        QTest::newRow("rho=1.5") << 15.0 << 10;
    }
    void mmcUnstable()
    {
        QFETCH(double, lambda);
        QFETCH(int, c);
        const QueueMetrics m = mmc(lambda, 1.0, c);
        QVERIFY(!m.stable);
        QVERIFY(std::isinf(m.meanWait));
        QVERIFY(std::isinf(m.meanInSystem));
        QCOMPARE(m.probWait, 1.0);
        const std::string text = stabilityText(m);
        QVERIFY2(text.starts_with("unstable: rho = ") && text.find(">= 1") != std::string::npos,
                 text.c_str());
    }

    // c up to 100,000: the recurrence stays finite and matches a log-space sum.
    void erlangCLargeC_data()
    {
        QTest::addColumn<int>("c");
        QTest::addColumn<double>("a");
        QTest::newRow("c=1000 rho=0.99") << 1000 << 990.0;
        QTest::newRow("c=100000 rho=0.99") << 100000 << 99000.0;
        QTest::newRow("c=100000 rho=0.999") << 100000 << 99900.0;
        QTest::newRow("c=100000 rho=0.5") << 100000 << 50000.0;
    }
    void erlangCLargeC()
    {
        QFETCH(int, c);
        QFETCH(double, a);
        const double got = erlangC(c, a);
        const double ref = static_cast<double>(erlangCLog(c, a));
        QVERIFY(std::isfinite(got));
        QVERIFY2(std::abs(got - ref) <= 1e-9 * std::max(ref, 1e-300) || std::abs(got - ref) < 1e-300,
                 qPrintable(QStringLiteral("%1 vs %2").arg(got, 0, 'g', 17).arg(ref, 0, 'g', 17)));
        const QueueMetrics m = mmc(a, 1.0, c);
        QVERIFY(m.stable);
        QVERIFY(std::isfinite(m.meanWait) && m.meanWait >= 0);
    }

    // M/M/c/K against enumeration of the states, and exact hand values.
    void mmckAgainstEnumeration_data()
    {
        QTest::addColumn<double>("lambda");
        QTest::addColumn<double>("mu");
        QTest::addColumn<int>("c");
        QTest::addColumn<int>("k");
        QTest::addColumn<double>("blocking"); // exact, or < 0 to use only enumeration
        QTest::newRow("M/M/1/3 rho=0.5") << 1.0 << 2.0 << 1 << 3 << 1.0 / 15.0;
        QTest::newRow("M/M/1/3 rho=1") << 2.0 << 2.0 << 1 << 3 << 0.25;
        QTest::newRow("M/M/1/3 rho=2") << 4.0 << 2.0 << 1 << 3 << 8.0 / 15.0;
        QTest::newRow("M/M/2/4 a=2") << 2.0 << 1.0 << 2 << 4 << 2.0 / 9.0;
        QTest::newRow("M/M/3/3 = Erlang B") << 2.0 << 1.0 << 3 << 3 << 4.0 / 19.0;
        QTest::newRow("M/M/10/30 rho=0.9") << 9.0 << 1.0 << 10 << 30 << -1.0;
        QTest::newRow("M/M/10/30 rho=1.3") << 13.0 << 1.0 << 10 << 30 << -1.0;
        QTest::newRow("M/M/20/200 rho=0.99") << 19.8 << 1.0 << 20 << 200 << -1.0;
        QTest::newRow("M/M/20/200 rho=1.01") << 20.2 << 1.0 << 20 << 200 << -1.0;
        QTest::newRow("M/M/50/1000 rho=3") << 150.0 << 1.0 << 50 << 1000 << -1.0;
    }
    void mmckAgainstEnumeration()
    {
        QFETCH(double, lambda);
        QFETCH(double, mu);
        QFETCH(int, c);
        QFETCH(int, k);
        QFETCH(double, blocking);
        const QueueMetrics m = mmck(lambda, mu, c, k);
        const Direct d = direct(lambda, mu, c, k);
        const auto near = [](double got, long double want) {
            return std::abs(got - static_cast<double>(want)) <= 1e-12 * std::max(1.0, std::abs(double(want)));
        };
        QVERIFY(m.stable);
        QCOMPARE(m.limit, std::int64_t{k});
        QVERIFY2(near(m.blocking, d.blocking), qPrintable(QString::number(m.blocking, 'g', 17)));
        if (blocking >= 0)
            QVERIFY(std::abs(m.blocking - blocking) < 1e-15);
        QVERIFY2(near(m.meanQueueLength, d.lq), qPrintable(QString::number(m.meanQueueLength, 'g', 17)));
        QVERIFY(near(m.meanInSystem, d.l));
        const double throughput = lambda * (1 - static_cast<double>(d.blocking));
        QVERIFY(near(m.throughput, throughput));
        QVERIFY(near(m.meanWait, d.lq / throughput));
        QVERIFY(near(m.meanResponse, d.l / throughput)); // Little's law inside the model
        QVERIFY(near(m.probWait, (d.atLeastC - d.blocking) / (1 - d.blocking)));
        QVERIFY(near(m.utilization, throughput / (c * mu)));
    }

    // M/M/1/3 at rho 0.5 by hand: p = 8/15, 4/15, 2/15, 1/15.
    void mmckHandValues()
    {
        const QueueMetrics m = mmck(1.0, 2.0, 1, 3);
        QVERIFY(std::abs(m.meanInSystem - 11.0 / 15.0) < 1e-15);
        QVERIFY(std::abs(m.meanQueueLength - 4.0 / 15.0) < 1e-15);
        QVERIFY(std::abs(m.meanWait - 2.0 / 7.0) < 1e-15);
        QVERIFY(std::abs(m.probWait - 3.0 / 7.0) < 1e-15);
    }

    // A very large queue bound: M/M/c/K tends to M/M/c below rho 1, and stays
    // finite above it with c = 100,000 and K - c = 10 million.
    void mmckLimits()
    {
        const QueueMetrics open = mmc(9.0, 1.0, 10);
        const QueueMetrics big = mmck(9.0, 1.0, 10, 10 + 10'000'000);
        QVERIFY(std::abs(big.meanWait - open.meanWait) < 1e-12);
        QVERIFY(std::abs(big.probWait - open.probWait) < 1e-12);
        QVERIFY(big.blocking < 1e-300);

        const QueueMetrics huge = mmck(110'000.0, 1.0, 100'000, 100'000 + 10'000'000);
        QVERIFY(std::isfinite(huge.meanWait));
        // Above rho 1 the accepted rate is what the servers do: blocking = 1 - 1/rho.
        QVERIFY(std::abs(huge.blocking - (1.0 - 1.0 / 1.1)) < 1e-9);
        QVERIFY(std::abs(huge.utilization - 1.0) < 1e-9);

        const QueueMetrics light = mmck(10.0, 1.0, 100'000, 100'100);
        QCOMPARE(light.blocking, 0.0);
        QCOMPARE(light.probWait, 0.0);
        QVERIFY(std::abs(light.meanInSystem - 10.0) < 1e-9);
    }

    void littlesLaw()
    {
        const LittleCheck ok = littleCheck(9.0, 10.0, 0.9);
        QVERIFY(std::abs(ok.lambdaW - 9.0) < 1e-12);
        QVERIFY(ok.relativeError < 1e-12);
        const LittleCheck off = littleCheck(8.0, 10.0, 1.0);
        QVERIFY(std::abs(off.relativeError - 0.2) < 1e-12);
        QCOMPARE(littleCheck(0, 0, 0).relativeError, 0.0);
    }

    void predictApplies_data()
    {
        QTest::addColumn<QString>("latency");
        QTest::addColumn<int>("overflow");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("probWait");
        QTest::newRow("block -> M/M/c")
            << "exp(1s)" << int(OverflowPolicy::Block) << 100 << "M/M/c" << 4.0 / 9.0;
        QTest::newRow("reject -> M/M/c/K")
            << "exp(1s)" << int(OverflowPolicy::Reject) << 0 << "M/M/c/K" << 0.0;
    }
    void predictApplies()
    {
        QFETCH(QString, latency);
        QFETCH(int, overflow);
        QFETCH(int, capacity);
        QFETCH(QString, model);
        QFETCH(double, probWait);
        Scenario s;
        s.arrival = ArrivalKind::Poisson;
        s.rate = 2;
        s.workers = 3;
        s.latency = latency.toStdString();
        s.overflow = static_cast<OverflowPolicy>(overflow);
        s.queueCapacity = capacity;
        const TheoryPrediction p = predict(s);
        QVERIFY2(p.applies, p.reason.c_str());
        QVERIFY(p.reason.empty());
        QCOMPARE(QString::fromStdString(p.model), model);
        QVERIFY(std::abs(p.metrics.probWait - probWait) < 1e-15);
        if (s.overflow == OverflowPolicy::Reject) // capacity 0: Erlang B
            QVERIFY(std::abs(p.metrics.blocking - 4.0 / 19.0) < 1e-15);
        // With the spec parsed beforehand (as the window does once per scenario): the same.
        const auto parsed = LatencyDistribution::parse(s.latency, nullptr);
        QVERIFY(parsed);
        const TheoryPrediction q = predict(s, *parsed);
        QVERIFY(q.applies);
        QCOMPARE(q.model, p.model);
        QCOMPARE(q.metrics.probWait, p.metrics.probWait);
        QCOMPARE(q.metrics.meanWait, p.metrics.meanWait);
        QCOMPARE(compareWithTheory(q, Snapshot{}).prediction.metrics.meanWait, p.metrics.meanWait);
    }

    void predictRefuses_data()
    {
        QTest::addColumn<int>("change");
        QTest::addColumn<QString>("why");
        QTest::newRow("constant arrivals") << 0 << "arrivals are not Poisson";
        QTest::newRow("closed model") << 1 << "arrivals are not Poisson";
        QTest::newRow("constant service") << 2 << "service times are not exponential";
        QTest::newRow("failures") << 3 << "attempts fail";
        QTest::newRow("timeout") << 4 << "attempts have a timeout";
        QTest::newRow("rate limit") << 5 << "a rate limit holds starts back";
        QTest::newRow("drop-oldest") << 6 << "drop-oldest overflow";
        QTest::newRow("bad latency") << 7 << "the latency spec does not parse";
        // The arrivals are looked at before the spec.
        QTest::newRow("bad latency, constant arrivals") << 8 << "arrivals are not Poisson";
    }
    void predictRefuses()
    {
        QFETCH(int, change);
        QFETCH(QString, why);
        Scenario s;
        s.arrival = ArrivalKind::Poisson;
        s.latency = "exp(10ms)";
        switch (change) {
        case 0:
            s.arrival = ArrivalKind::Constant;
            break;
        case 1:
            s.arrival = ArrivalKind::Closed;
            break;
        case 2:
            s.latency = "10ms";
            break;
        case 3:
            s.failureRate = 0.1;
            break;
        case 4:
            s.timeout = kSecond;
            break;
        case 5:
            s.rateLimit = 50;
            break;
        case 6:
            s.overflow = OverflowPolicy::DropOldest;
            break;
        case 7:
            s.latency = "exp(banana)";
            break;
        case 8:
            s.latency = "exp(banana)";
            s.arrival = ArrivalKind::Constant;
            break;
        }
        const TheoryPrediction p = predict(s);
        QVERIFY(!p.applies);
        const std::string expected = "formulas do not apply: " + why.toStdString();
        QVERIFY2(p.reason.starts_with(expected), p.reason.c_str());
    }

    // Measured side of the comparison from a hand-built snapshot.
    void comparison()
    {
        Scenario s;
        s.arrival = ArrivalKind::Poisson;
        s.rate = 2;
        s.workers = 3;
        s.latency = "exp(1s)";
        Snapshot snap;
        snap.runNs = 10 * kSecond;
        snap.counters.submitted = 20;
        snap.counters.succeeded = 20;
        snap.busyNs = 20 * kSecond;
        snap.workerNs = 30 * kSecond;
        for (int i = 0; i < 10; ++i)
            snap.wait.record(0);
        for (int i = 0; i < 10; ++i)
            snap.wait.record(100);        // exact buckets below 128 ns
        snap.counters.arrivedToBusy = 10; // P(wait) counts arrivals, not the waits above 0 ns
        snap.total.record(kSecond, 20);
        const TheoryComparison t = compareWithTheory(s, snap, 2.0);
        QVERIFY(t.prediction.applies);
        QCOMPARE(t.measuredLambda, 2.0);
        QCOMPARE(t.measuredBlocking, 0.0);
        QCOMPARE(t.measuredProbWait, 0.5);
        QVERIFY(std::abs(t.measuredMeanWait - 50e-9) < 1e-18);
        QCOMPARE(t.measuredMeanResponse, 1.0);
        QVERIFY(std::abs(t.measuredUtilization - 2.0 / 3.0) < 1e-15);
        QVERIFY(std::abs(t.utilizationError) < 1e-15);
        QVERIFY(t.hasLittle);
        QCOMPARE(t.little.lambdaW, 2.0);
        QCOMPARE(t.little.relativeError, 0.0);
        QVERIFY(!compareWithTheory(s, snap).hasLittle);
        // The share is over accepted arrivals: rejected ones never queued.
        snap.counters.submitted = 25;
        snap.counters.rejected = 5;
        QCOMPARE(compareWithTheory(s, snap).measuredProbWait, 0.5);
        // Every job waited a little, as in real time, yet only those counted found no idle worker.
        snap.wait.clear();
        snap.wait.record(3 * kMicro, 20);
        QCOMPARE(compareWithTheory(s, snap).measuredProbWait, 0.5);
    }
};

QTEST_GUILESS_MAIN(TestQueueingTheory)
#include "tst_queueing_theory.moc"
