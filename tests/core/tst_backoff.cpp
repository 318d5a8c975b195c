// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/backoff.h"

#include <QTest>

using namespace poollab;

Q_DECLARE_METATYPE(poollab::Jitter)

class TestBackoff : public QObject
{
    Q_OBJECT

private slots:
    void ceilingDoublesUpToCap()
    {
        const BackoffConfig c{100 * kMilli, 1 * kSecond, Jitter::None};
        QCOMPARE(backoffCeiling(c, 1), 100 * kMilli);
        QCOMPARE(backoffCeiling(c, 2), 200 * kMilli);
        QCOMPARE(backoffCeiling(c, 3), 400 * kMilli);
        QCOMPARE(backoffCeiling(c, 4), 800 * kMilli);
        QCOMPARE(backoffCeiling(c, 5), 1 * kSecond);
        QCOMPARE(backoffCeiling(c, 64), 1 * kSecond);
        QCOMPARE(backoffCeiling(c, 100000), 1 * kSecond); // no overflow
        // A base above the cap is the cap.
        QCOMPARE(backoffCeiling(BackoffConfig{5 * kSecond, kSecond, Jitter::None}, 1), kSecond);
    }

    void delaysWithinBounds_data()
    {
        QTest::addColumn<Jitter>("jitter");
        QTest::addColumn<qint64>("baseArg");
        QTest::addColumn<qint64>("capArg");
        QTest::newRow("none") << Jitter::None << qint64(100 * kMilli) << qint64(10 * kSecond);
        QTest::newRow("full") << Jitter::Full << qint64(100 * kMilli) << qint64(10 * kSecond);
        QTest::newRow("equal") << Jitter::Equal << qint64(100 * kMilli) << qint64(10 * kSecond);
        QTest::newRow("decorrelated") << Jitter::Decorrelated << qint64(100 * kMilli) << qint64(10 * kSecond);
        QTest::newRow("full tiny cap") << Jitter::Full << qint64(kMilli) << qint64(3 * kMilli);
        QTest::newRow("decorrelated tiny cap")
            << Jitter::Decorrelated << qint64(kMilli) << qint64(2 * kMilli);
        QTest::newRow("equal zero base") << Jitter::Equal << qint64(0) << qint64(kSecond);
    }
    void delaysWithinBounds()
    {
        QFETCH(Jitter, jitter);
        QFETCH(qint64, baseArg);
        QFETCH(qint64, capArg);
        const Nanos base = baseArg;
        const Nanos cap = capArg;
        const BackoffConfig c{base, cap, jitter};
        Rng rng(17);
        bool sawBelowCeiling = false;
        for (int job = 0; job < 2000; ++job) {
            Nanos previous = 0;
            for (int attempt = 1; attempt <= 30; ++attempt) {
                const Nanos d = backoffDelay(c, attempt, previous, rng);
                const Nanos ceiling = backoffCeiling(c, attempt);
                QVERIFY(d >= 0);
                QVERIFY2(d <= cap, qPrintable(QString::number(d)));
                switch (jitter) {
                case Jitter::None:
                    QCOMPARE(d, ceiling);
                    break;
                case Jitter::Full:
                    QVERIFY(d <= ceiling);
                    break;
                case Jitter::Equal:
                    QVERIFY(d >= ceiling / 2 && d <= ceiling);
                    break;
                case Jitter::Decorrelated: {
                    const Nanos prev = previous > 0 ? previous : base;
                    QVERIFY(d >= std::min(base, cap));
                    QVERIFY(d <= std::min(cap, 3 * prev));
                    break;
                }
                }
                sawBelowCeiling |= d < ceiling;
                previous = d;
            }
        }
        // Jitter that never jitters would pass the bounds above: make sure it does.
        if (jitter != Jitter::None && base > 0)
            QVERIFY(sawBelowCeiling);
    }

    void jitterMeans_data()
    {
        QTest::addColumn<Jitter>("jitter");
        QTest::addColumn<double>("expectedMeanMs"); // for attempt 3 of base 100 ms: ceiling 400 ms
        QTest::newRow("none") << Jitter::None << 400.0;
        QTest::newRow("full") << Jitter::Full << 200.0;
        QTest::newRow("equal") << Jitter::Equal << 300.0;
        // First decorrelated delay: uniform(base, 3*base) = 200 ms on average.
    }
    void jitterMeans()
    {
        QFETCH(Jitter, jitter);
        QFETCH(double, expectedMeanMs);
        const BackoffConfig c{100 * kMilli, 10 * kSecond, jitter};
        Rng rng(3);
        double sum = 0;
        const int n = 50'000;
        for (int i = 0; i < n; ++i)
            sum += toMillis(backoffDelay(c, 3, 0, rng));
        QVERIFY2(std::abs(sum / n - expectedMeanMs) < 0.01 * expectedMeanMs,
                 qPrintable(QString::number(sum / n)));
    }

    void decorrelatedFirstDelay()
    {
        const BackoffConfig c{100 * kMilli, 10 * kSecond, Jitter::Decorrelated};
        Rng rng(3);
        double sum = 0;
        const int n = 50'000;
        for (int i = 0; i < n; ++i) {
            const Nanos d = backoffDelay(c, 1, 0, rng);
            QVERIFY(d >= 100 * kMilli && d <= 300 * kMilli);
            sum += toMillis(d);
        }
        QVERIFY(std::abs(sum / n - 200.0) < 2.0);
    }

    void jitterNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<Jitter>("jitter");
        QTest::newRow("none") << "none" << Jitter::None;
        QTest::newRow("full") << "full" << Jitter::Full;
        QTest::newRow("equal") << "equal" << Jitter::Equal;
        QTest::newRow("decorrelated") << "decorrelated" << Jitter::Decorrelated;
    }
    void jitterNames()
    {
        QFETCH(QString, name);
        QFETCH(Jitter, jitter);
        Jitter parsed = Jitter::None;
        QVERIFY(parseJitter(name.toStdString(), parsed));
        QCOMPARE(static_cast<int>(parsed), static_cast<int>(jitter));
        QCOMPARE(QString::fromLatin1(toString(jitter).data(), toString(jitter).size()), name);
        QVERIFY(!parseJitter("Full ", parsed));
    }

    void parseBackoffSpec_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("base");
        QTest::addColumn<qint64>("cap");
        QTest::newRow("plain") << "exp(100ms,10s)" << true << qint64(100 * kMilli) << qint64(10 * kSecond);
        QTest::newRow("spaces") << " exp( 1ms , 2ms ) " << true << qint64(kMilli) << qint64(2 * kMilli);
        QTest::newRow("equal") << "exp(1s,1s)" << true << qint64(kSecond) << qint64(kSecond);
        QTest::newRow("base > cap") << "exp(2s,1s)" << false << qint64(0) << qint64(0);
        QTest::newRow("no unit") << "exp(100,1s)" << false << qint64(0) << qint64(0);
        QTest::newRow("one arg") << "exp(100ms)" << false << qint64(0) << qint64(0);
        QTest::newRow("other name") << "lin(1ms,2ms)" << false << qint64(0) << qint64(0);
        QTest::newRow("cap too long") << "exp(1s,2h)" << false << qint64(0) << qint64(0);
    }
    void parseBackoffSpec()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, base);
        QFETCH(qint64, cap);
        Nanos b = -1, c = -1;
        std::string error;
        QCOMPARE(parseBackoff(text.toStdString(), b, c, &error), ok);
        if (ok) {
            QCOMPARE(b, base);
            QCOMPARE(c, cap);
            QCOMPARE(formatBackoff(b, c).substr(0, 4), std::string("exp("));
        } else {
            QVERIFY2(QString::fromStdString(error).contains(QLatin1String("exp(BASE,CAP)")), error.c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
