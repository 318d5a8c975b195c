// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/rng.h"

#include <QTest>

#include <cmath>
#include <set>

using namespace poollab;

class TestRng : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedSameSequence()
    {
        Rng a(42), b(42), c(43);
        bool differs = false;
        for (int i = 0; i < 1000; ++i) {
            const std::uint64_t x = a.next();
            QCOMPARE(x, b.next());
            differs |= x != c.next();
        }
        QVERIFY(differs);
    }

    void splitMixKnownValues()
    {
        // Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c).
        std::uint64_t s = 0;
        QCOMPARE(splitMix64(s), 0xE220A8397B1DCDAFull);
        QCOMPARE(splitMix64(s), 0x6E789E6AA1B965F4ull);
    }

    void mixSeedDependsOnEveryArgument()
    {
        const std::uint64_t base = mixSeed(1, 2, 3, 4);
        QCOMPARE(mixSeed(1, 2, 3, 4), base);
        std::set<std::uint64_t> seen{base,
                                     mixSeed(9, 2, 3, 4),
                                     mixSeed(1, 9, 3, 4),
                                     mixSeed(1, 2, 9, 4),
                                     mixSeed(1, 2, 3, 9),
                                     mixSeed(2, 1, 3, 4),
                                     mixSeed(1, 3, 2, 4)};
        QCOMPARE(seen.size(), std::size_t{7});
    }

    void uniformRangeAndMoments()
    {
        Rng rng(7);
        const int n = 200'000;
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; ++i) {
            const double u = rng.uniform();
            QVERIFY(u >= 0.0 && u < 1.0);
            sum += u;
            sumSq += u * u;
        }
        const double mean = sum / n;
        const double var = sumSq / n - mean * mean;
        QVERIFY2(std::abs(mean - 0.5) < 0.005, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(var - 1.0 / 12) < 0.002, qPrintable(QString::number(var)));
    }

    void exponentialMean()
    {
        Rng rng(11);
        const int n = 200'000;
        double sum = 0;
        int belowMedian = 0;
        for (int i = 0; i < n; ++i) {
            const double x = rng.exponential(3.0);
            QVERIFY(x >= 0 && std::isfinite(x));
            sum += x;
            belowMedian += x < 3.0 * std::log(2.0);
        }
        QVERIFY(std::abs(sum / n - 3.0) < 0.03);
        QVERIFY(std::abs(belowMedian / double(n) - 0.5) < 0.005);
    }

    void normalMoments()
    {
        Rng rng(13);
        const int n = 200'000;
        double sum = 0, sumSq = 0;
        int withinOne = 0;
        for (int i = 0; i < n; ++i) {
            const double x = rng.normal();
            QVERIFY(std::isfinite(x));
            sum += x;
            sumSq += x * x;
            withinOne += std::abs(x) < 1.0;
        }
        QVERIFY(std::abs(sum / n) < 0.01);
        QVERIFY(std::abs(sumSq / n - 1.0) < 0.015);
        QVERIFY(std::abs(withinOne / double(n) - 0.6827) < 0.005);
    }
};

QTEST_APPLESS_MAIN(TestRng)
#include "tst_rng.moc"
