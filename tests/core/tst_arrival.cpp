// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/arrival.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <vector>

using namespace poollab;

namespace {

std::vector<Nanos> drain(ArrivalSchedule& schedule, Rng& rng, std::size_t max = 10'000'000)
{
    std::vector<Nanos> out;
    for (Nanos t; out.size() < max && (t = schedule.next(rng)) >= 0;)
        out.push_back(t);
    return out;
}

std::size_t countIn(const std::vector<Nanos>& ts, Nanos from, Nanos to)
{
    std::size_t n = 0;
    for (Nanos t : ts)
        n += t >= from && t < to;
    return n;
}

Scenario open(ArrivalKind kind, double rate, std::uint64_t jobs, Nanos duration)
{
    Scenario s;
    s.arrival = kind;
    s.rate = rate;
    s.jobs = jobs;
    s.duration = duration;
    return s;
}

} // namespace

class TestArrival : public QObject
{
    Q_OBJECT

private slots:
    void names()
    {
        for (ArrivalKind k : {ArrivalKind::Burst, ArrivalKind::Constant, ArrivalKind::Poisson,
                              ArrivalKind::Ramp, ArrivalKind::Spike, ArrivalKind::Closed}) {
            ArrivalKind parsed = ArrivalKind::Burst;
            QVERIFY(parseArrivalKind(toString(k), parsed));
            QCOMPARE(static_cast<int>(parsed), static_cast<int>(k));
        }
        ArrivalKind parsed;
        QVERIFY(!parseArrivalKind("uniform", parsed));
    }

    void burstAllAtZero()
    {
        ArrivalSchedule schedule(open(ArrivalKind::Burst, 0, 500, 0));
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        QCOMPARE(ts.size(), std::size_t{500});
        for (Nanos t : ts)
            QCOMPARE(t, Nanos{0});
        QCOMPARE(schedule.next(rng), Nanos{-1});
    }

    void constantIsEvenlySpaced()
    {
        ArrivalSchedule schedule(open(ArrivalKind::Constant, 50, 0, 30 * kSecond));
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        QCOMPARE(ts.size(), std::size_t{1500}); // 50/s for 30 s, the first at 0
        for (std::size_t i = 0; i < ts.size(); ++i)
            QCOMPARE(ts[i], static_cast<Nanos>(i) * 20 * kMilli);
    }

    void limitWhicheverFirst_data()
    {
        QTest::addColumn<qulonglong>("jobs");
        QTest::addColumn<qint64>("durationMs");
        QTest::addColumn<int>("expected");
        QTest::newRow("jobs first") << qulonglong(10) << qint64(1000) << 10;
        QTest::newRow("duration first") << qulonglong(1000) << qint64(1000) << 100;
        QTest::newRow("jobs only") << qulonglong(7) << qint64(0) << 7;
        QTest::newRow("duration only") << qulonglong(0) << qint64(250) << 25;
    }
    void limitWhicheverFirst()
    {
        QFETCH(qulonglong, jobs);
        QFETCH(qint64, durationMs);
        QFETCH(int, expected);
        ArrivalSchedule schedule(open(ArrivalKind::Constant, 100, jobs, durationMs * kMilli));
        Rng rng(1);
        QCOMPARE(drain(schedule, rng).size(), static_cast<std::size_t>(expected));
        QCOMPARE(schedule.emitted(), static_cast<std::uint64_t>(expected));
    }

    void poissonCount_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<qulonglong>("seed");
        QTest::newRow("50/s 100s") << 50.0 << qint64(100) << qulonglong(1);
        QTest::newRow("1000/s 20s") << 1000.0 << qint64(20) << qulonglong(2);
        QTest::newRow("3/s 2000s") << 3.0 << qint64(2000) << qulonglong(3);
    }
    void poissonCount()
    {
        QFETCH(double, rate);
        QFETCH(qint64, seconds);
        QFETCH(qulonglong, seed);
        ArrivalSchedule schedule(open(ArrivalKind::Poisson, rate, 0, seconds * kSecond));
        Rng rng(seed);
        const auto ts = drain(schedule, rng);
        const double expected = rate * static_cast<double>(seconds);
        // Poisson: sd = sqrt(expected); 4 sd is a bound a correct generator meets.
        QVERIFY2(std::abs(static_cast<double>(ts.size()) - expected) < 4 * std::sqrt(expected),
                 qPrintable(QStringLiteral("%1 arrivals, expected %2").arg(ts.size()).arg(expected)));
        // Exponential gaps: the share shorter than the mean is 1 - 1/e.
        std::size_t shortGaps = 0;
        for (std::size_t i = 1; i < ts.size(); ++i) {
            QVERIFY(ts[i] >= ts[i - 1]);
            shortGaps += static_cast<double>(ts[i] - ts[i - 1]) < 1e9 / rate;
        }
        QVERIFY(std::abs(shortGaps / double(ts.size() - 1) - (1 - std::exp(-1.0))) < 0.02);
        // Seeded: the same again.
        ArrivalSchedule again(open(ArrivalKind::Poisson, rate, 0, seconds * kSecond));
        Rng rng2(seed);
        QCOMPARE(drain(again, rng2), ts);
    }

    void rampGetsItsIntegral()
    {
        Scenario s = open(ArrivalKind::Ramp, 10, 0, 20 * kSecond);
        s.rateEnd = 110;
        s.rampDuration = 10 * kSecond;
        ArrivalSchedule schedule(s);
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        // 10 s ramping 10 -> 110 (600 arrivals) then 10 s at 110 (1100).
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 0, 10 * kSecond)) - 600) <= 1);
        QVERIFY(std::abs(static_cast<double>(ts.size()) - 1700) <= 1);
        // First second: integral of 10 + 10t over [0,1] = 15.
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 0, kSecond)) - 15) <= 1);
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 9 * kSecond, 10 * kSecond)) - 105) <= 1);
        QCOMPARE(schedule.rateAt(5 * kSecond), 60.0);
        QCOMPARE(schedule.rateAt(15 * kSecond), 110.0);
    }

    void rampDownToZeroEnds()
    {
        Scenario s = open(ArrivalKind::Ramp, 100, 0, 0);
        s.rateEnd = 0;
        s.rampDuration = 2 * kSecond;
        ArrivalSchedule schedule(s);
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        QVERIFY(std::abs(static_cast<double>(ts.size()) - 100) <= 1); // the triangle's area
        QVERIFY(ts.back() <= 2 * kSecond);
    }

    void spikeWindow()
    {
        Scenario s = open(ArrivalKind::Spike, 10, 0, 10 * kSecond);
        s.spikeRate = 500;
        s.spikeStart = 4 * kSecond;
        s.spikeDuration = 2 * kSecond;
        ArrivalSchedule schedule(s);
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 0, 4 * kSecond)) - 40) <= 1);
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 4 * kSecond, 6 * kSecond)) - 1000) <= 1);
        QVERIFY(std::abs(static_cast<double>(countIn(ts, 6 * kSecond, 10 * kSecond)) - 40) <= 1);
        QCOMPARE(schedule.rateAt(5 * kSecond), 500.0);
        QCOMPARE(schedule.rateAt(7 * kSecond), 10.0);
    }

    // Issue #19 case 7: rates far below the app's minimum made llround overflow and a
    // run submit 0 or 1 job. Whatever the rate, arrivals are plain instants or the end.
    void extremeRates_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("expected");  // arrivals out of 10
        QTest::addColumn<qint64>("second"); // -1 when there is none
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const auto constant = static_cast<int>(ArrivalKind::Constant);
        const auto poisson = static_cast<int>(ArrivalKind::Poisson);
        QTest::newRow("constant at the minimum") << constant << 0.001 << 10 << qint64(1'000'000'000'000);
        // 1 / 1e-9 is 999999999.99999988 s in doubles.
        QTest::newRow("constant 1e-9/s") << constant << 1e-9 << 10 << qint64(999'999'999'999'999'872);
        QTest::newRow("constant 1e-12/s") << constant << 1e-12 << 1 << qint64(-1);
        QTest::newRow("constant 1e-300/s") << constant << 1e-300 << 1 << qint64(-1);
        QTest::newRow("constant denormal") << constant << 5e-324 << 1 << qint64(-1);
        QTest::newRow("constant nan") << constant << nan << 1 << qint64(-1);
        QTest::newRow("constant inf")
            << constant << std::numeric_limits<double>::infinity() << 1 << qint64(-1);
        QTest::newRow("poisson 1e-300/s") << poisson << 1e-300 << 0 << qint64(-1);
        QTest::newRow("poisson max double")
            << poisson << std::numeric_limits<double>::max() << 10 << qint64(0);
    }
    void extremeRates()
    {
        QFETCH(int, kind);
        QFETCH(double, rate);
        QFETCH(int, expected);
        QFETCH(qint64, second);
        ArrivalSchedule schedule(open(static_cast<ArrivalKind>(kind), rate, 10, 0));
        Rng rng(1);
        const auto ts = drain(schedule, rng);
        QCOMPARE(int(ts.size()), expected);
        for (std::size_t i = 1; i < ts.size(); ++i)
            QVERIFY(ts[i] >= ts[i - 1]);
        if (ts.size() >= 2)
            QCOMPARE(ts[1], Nanos{second});
        QCOMPARE(schedule.next(rng), Nanos{-1});
    }

    void closedHasNoSchedule()
    {
        ArrivalSchedule schedule(open(ArrivalKind::Closed, 10, 100, 0));
        Rng rng(1);
        QCOMPARE(schedule.next(rng), Nanos{-1});
    }

    void liveRateChangeWithdrawsPending()
    {
        ArrivalSchedule schedule(open(ArrivalKind::Constant, 1, 0, 0));
        Rng rng(1);
        QCOMPARE(schedule.next(rng), Nanos{0});
        QCOMPARE(schedule.next(rng), kSecond); // planned, not yet due at 100 ms
        Scenario faster = open(ArrivalKind::Constant, 100, 0, 0);
        QVERIFY(schedule.apply(faster, 100 * kMilli));
        QCOMPARE(schedule.emitted(), std::uint64_t{1});
        // Re-planned under 100/s: 10 ms after the last one is past, so at once.
        QCOMPARE(schedule.next(rng), 100 * kMilli);
        QCOMPARE(schedule.next(rng), 110 * kMilli);
        // An arrival already due is kept.
        QVERIFY(!schedule.apply(open(ArrivalKind::Constant, 10, 0, 0), 200 * kMilli));
        QCOMPARE(schedule.next(rng), 210 * kMilli);
        // A job limit applied live counts what was emitted already.
        QVERIFY(schedule.apply(open(ArrivalKind::Constant, 10, 4, 0), 200 * kMilli));
        QCOMPARE(schedule.next(rng), 210 * kMilli);
        QCOMPARE(schedule.next(rng), Nanos{-1});
    }
};

QTEST_APPLESS_MAIN(TestArrival)
#include "tst_arrival.moc"
