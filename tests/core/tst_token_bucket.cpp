// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/rng.h"
#include "core/token_bucket.h"
#include "core/token_bucket_gate.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace poollab;

namespace {

// Every window [s_i, s_j] holds j - i + 1 starts; it may hold at most b + r * T.
bool admitsAtMost(const std::vector<Nanos>& sortedStarts, double rate, double burst, QString& why)
{
    for (std::size_t i = 0; i < sortedStarts.size(); ++i) {
        for (std::size_t j = i; j < sortedStarts.size(); ++j) {
            const double window = toSeconds(sortedStarts[j] - sortedStarts[i]);
            const double count = static_cast<double>(j - i + 1);
            if (count > burst + rate * window + 1e-6) {
                why = QStringLiteral("%1 starts in %2 s").arg(count).arg(window);
                return false;
            }
        }
    }
    return true;
}

} // namespace

class TestTokenBucket : public QObject
{
    Q_OBJECT

private slots:
    void burstThenRate()
    {
        // The "done when" case: 500 starts, 100/s, burst 10, demanded at once.
        TokenBucket bucket(100, 10, 0);
        std::vector<Nanos> starts;
        for (int i = 0; i < 500; ++i)
            starts.push_back(bucket.reserve(0));
        for (int i = 0; i < 10; ++i)
            QCOMPARE(starts[i], Nanos{0});
        for (int i = 10; i < 500; ++i)
            QCOMPARE(starts[i], (i - 9) * 10 * kMilli);
        QCOMPARE(starts.back(), 4900 * kMilli);
    }

    void windowBound_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<int>("pattern"); // 0 all at once, 1 poisson at 2x rate, 2 bursts with idle gaps
        QTest::newRow("100/s b10 at once") << 100.0 << 10.0 << 0;
        QTest::newRow("100/s b10 poisson") << 100.0 << 10.0 << 1;
        QTest::newRow("100/s b10 bursts") << 100.0 << 10.0 << 2;
        QTest::newRow("3/s b1 poisson") << 3.0 << 1.0 << 1;
        QTest::newRow("7.5/s b4 bursts") << 7.5 << 4.0 << 2;
        QTest::newRow("10000/s b50 poisson") << 10000.0 << 50.0 << 1;
    }
    void windowBound()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(int, pattern);
        TokenBucket bucket(rate, burst, 0);
        Rng rng(8);
        std::vector<Nanos> starts;
        Nanos t = 0;
        const int n = 1500;
        for (int i = 0; i < n; ++i) {
            if (pattern == 1)
                t += static_cast<Nanos>(rng.exponential(0.5e9 / rate));
            else if (pattern == 2 && i % 40 == 0)
                t += static_cast<Nanos>(30e9 / rate); // idle long enough to refill
            const Nanos due = bucket.reserve(t);
            QVERIFY(due >= t);
            starts.push_back(due);
        }
        std::sort(starts.begin(), starts.end());
        QString why;
        QVERIFY2(admitsAtMost(starts, rate, burst, why), qPrintable(why));
        // And the bound is reached: a limiter that admitted nothing would pass too.
        if (pattern == 0)
            QCOMPARE(starts.back(), static_cast<Nanos>(std::ceil((n - burst) * 1e9 / rate)));
    }

    // Issue #19 case 7: --rate-limit 1e-12 gave a gap of 1e21 ns, which overflowed the
    // cast to Nanos (UBSan) and let starts through. Any rate, burst and clock stay
    // defined: instants never go back, never before now, and saturate at 9.2e18.
    void extremeInputs_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<double>("burst");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("second"); // what the second reserve(now) returns
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        const qint64 max = std::numeric_limits<qint64>::max();
        QTest::newRow("minimum rate") << 0.001 << 1.0 << qint64(0) << qint64(1'000'000'000'000);
        QTest::newRow("1e-12/s") << 1e-12 << 1.0 << qint64(0) << qint64(1'000'000'000'000'000'000);
        QTest::newRow("1e-300/s") << 1e-300 << 1.0 << qint64(0) << qint64(1'000'000'000'000'000'000);
        QTest::newRow("denormal rate") << 5e-324 << 1e6 << qint64(0) << qint64(0);
        QTest::newRow("max rate") << 1e6 << 1.0 << qint64(0) << qint64(1000);
        // A gap of 5.6e-300 ns, rounded up: a token is never early.
        QTest::newRow("huge rate") << std::numeric_limits<double>::max() << 1.0 << qint64(0) << qint64(1);
        QTest::newRow("nan rate") << nan << 1.0 << qint64(5) << qint64(5);
        QTest::newRow("inf rate") << inf << 1.0 << qint64(5) << qint64(5);
        QTest::newRow("negative rate") << -1.0 << 1.0 << qint64(5) << qint64(5);
        QTest::newRow("nan burst") << 1.0 << nan << qint64(0) << qint64(1'000'000'000);
        QTest::newRow("inf burst") << 1.0 << inf << qint64(0) << qint64(1'000'000'000);
        QTest::newRow("at int64 max") << 1.0 << 1.0 << max << max;
        QTest::newRow("near the end")
            << 0.001 << 1.0 << qint64(9'199'999'999'000'000'000) << qint64(9'200'000'000'000'000'000);
        // Near -2^63 a double steps by 2048 ns.
        QTest::newRow("negative now")
            << 1.0 << 1.0 << std::numeric_limits<qint64>::min() << qint64(-9'223'372'035'854'776'320);
    }
    void extremeInputs()
    {
        QFETCH(double, rate);
        QFETCH(double, burst);
        QFETCH(qint64, now);
        QFETCH(qint64, second);
        TokenBucket bucket(rate, burst, now);
        QCOMPARE(bucket.reserve(now), Nanos{now});
        QCOMPARE(bucket.reserve(now), Nanos{second});
        Nanos last = second;
        for (int i = 0; i < 100; ++i) {
            const Nanos at = bucket.reserve(now);
            QVERIFY(at >= last);
            QVERIFY(at >= now);
            last = at;
        }
        QVERIFY(std::isfinite(bucket.tokens(now)));
        bucket.setRate(rate, burst, now, true);
        QVERIFY(bucket.reserve(now) >= now);
    }

    void refillsToBurstOnly()
    {
        TokenBucket bucket(10, 5, 0);
        QCOMPARE(bucket.tokens(0), 5.0);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(bucket.reserve(0), Nanos{0});
        QCOMPARE(bucket.tokens(0), 0.0);
        QCOMPARE(bucket.reserve(0), 100 * kMilli); // booked ahead
        QCOMPARE(bucket.tokens(0), -1.0);
        // A long idle spell refills to the burst, not beyond.
        const Nanos later = 3600 * kSecond;
        QCOMPARE(bucket.tokens(later), 5.0);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(bucket.reserve(later), later);
        QCOMPARE(bucket.reserve(later), later + 100 * kMilli);
    }

    void zeroRateIsUnlimited()
    {
        TokenBucket bucket(0, 1, 0);
        for (int i = 0; i < 1000; ++i)
            QCOMPARE(bucket.reserve(5), Nanos{5});
    }

    void setRateCarriesLevel()
    {
        TokenBucket bucket(10, 10, 0);
        for (int i = 0; i < 4; ++i)
            bucket.reserve(0);
        QCOMPARE(bucket.tokens(0), 6.0);
        bucket.setRate(100, 3, 0); // level capped at the new burst
        QCOMPARE(bucket.tokens(0), 3.0);
        for (int i = 0; i < 3; ++i)
            QCOMPARE(bucket.reserve(0), Nanos{0});
        QCOMPARE(bucket.reserve(0), 10 * kMilli); // the new rate
        // Debt carries over unless forgiven.
        bucket.setRate(1, 3, 0);
        QCOMPARE(bucket.tokens(0), -1.0);
        bucket.setRate(1, 3, 0, true);
        QCOMPARE(bucket.tokens(0), 0.0);
        QCOMPARE(bucket.reserve(0), kSecond);
        // Off, then on again: starts full.
        bucket.setRate(0, 2, 0);
        QCOMPARE(bucket.reserve(0), Nanos{0});
        bucket.setRate(1, 2, 0);
        QCOMPARE(bucket.reserve(0), Nanos{0});
        QCOMPARE(bucket.reserve(0), Nanos{0});
        QCOMPARE(bucket.reserve(0), kSecond);
    }

    void concurrentReservationsStayBounded()
    {
        TokenBucket bucket(1000, 5, 0);
        std::vector<Nanos> starts(4 * 500);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i)
                    starts[t * 500 + i] = bucket.reserve(0);
            });
        for (auto& th : threads)
            th.join();
        std::sort(starts.begin(), starts.end());
        // Exactly the sequence a single thread would get: 5 at once, then 1 ms apart.
        for (std::size_t i = 0; i < starts.size(); ++i)
            QCOMPARE(starts[i], i < 5 ? Nanos{0} : static_cast<Nanos>(i - 4) * kMilli);
    }

    void gateWaitsForTokens()
    {
        TokenBucketGate gate(1000, 1);
        std::stop_source stop;
        const Nanos begin = gate.now();
        Nanos waited = 0;
        for (int i = 0; i < 21; ++i) {
            const Nanos w = gate.acquire(stop.get_token());
            QVERIFY(w >= 0);
            waited += w;
        }
        // 20 tokens after the first come 1 ms apart.
        QVERIFY2(gate.now() - begin >= 20 * kMilli - 1, qPrintable(QString::number(gate.now() - begin)));
        QVERIFY(waited > 0);
    }

    void gateStopInterruptsWait()
    {
        TokenBucketGate gate(0.001, 1); // the second token is 1000 s away
        std::stop_source stop;
        QCOMPARE(gate.acquire(stop.get_token()), Nanos{0});
        std::atomic<Nanos> result{0};
        std::thread waiter([&] { result = gate.acquire(stop.get_token()); });
        QTRY_COMPARE(gate.sleepers(), 1);
        stop.request_stop();
        waiter.join();
        QVERIFY(result.load() < 0);
        QCOMPARE(gate.sleepers(), 0);
    }

    void gateRateChangeFreesSleepers()
    {
        TokenBucketGate gate(0.001, 1);
        std::stop_source stop;
        QCOMPARE(gate.acquire(stop.get_token()), Nanos{0});
        std::atomic<int> done{0};
        std::vector<std::thread> waiters;
        for (int i = 0; i < 3; ++i)
            waiters.emplace_back([&] {
                if (gate.acquire(stop.get_token()) >= 0)
                    ++done;
            });
        QTRY_COMPARE(gate.sleepers(), 3);
        gate.setRate(0, 1); // limit removed: everyone goes
        for (auto& w : waiters)
            w.join();
        QCOMPARE(done.load(), 3);
    }
};

QTEST_GUILESS_MAIN(TestTokenBucket)
#include "tst_token_bucket.moc"
