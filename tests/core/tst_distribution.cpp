// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/distribution.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace poollab;

class TestDistribution : public QObject
{
    Q_OBJECT

private slots:
    void parseValid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("canonical");
        QTest::addColumn<double>("meanMs");
        QTest::addColumn<double>("medianMs");
        QTest::addColumn<bool>("exponential");
        QTest::addColumn<bool>("constant");
        QTest::newRow("constant") << "500ms"
                                  << "500ms" << 500.0 << 500.0 << false << true;
        QTest::newRow("zero") << "0"
                              << "0ms" << 0.0 << 0.0 << false << true;
        QTest::newRow("seconds") << " 1.5s "
                                 << "1.5s" << 1500.0 << 1500.0 << false << true;
        QTest::newRow("uniform") << "uniform(100ms,900ms)"
                                 << "uniform(100ms,900ms)" << 500.0 << 500.0 << false << false;
        QTest::newRow("uniform spaces") << "uniform( 100ms , 900ms )"
                                        << "uniform(100ms,900ms)" << 500.0 << 500.0 << false << false;
        QTest::newRow("exp") << "exp(10ms)"
                             << "exp(10ms)" << 10.0 << 10.0 * std::log(2.0) << true << false;
        QTest::newRow("exponential") << "Exponential(50ms)"
                                     << "exp(50ms)" << 50.0 << 50.0 * std::log(2.0) << true << false;
        // Far from 0 the truncation does not show.
        QTest::newRow("normal") << "normal(50ms,10ms)"
                                << "normal(50ms,10ms)" << 50.0000076 << 50.0 << false << false;
        // normal(0, s) truncated at 0 is half-normal: mean s*sqrt(2/pi), median s*0.6744898.
        QTest::newRow("half-normal") << "normal(0ms,10ms)"
                                     << "normal(0ms,10ms)" << 10.0 * std::sqrt(2 / M_PI) << 6.744897502
                                     << false << false;
        QTest::newRow("lognormal") << "lognormal(50ms,0.5)"
                                   << "lognormal(50ms,0.5)" << 50.0 * std::exp(0.125) << 50.0 << false
                                   << false;
        QTest::newRow("bimodal") << "bimodal(20ms,2s,0.01)"
                                 << "bimodal(20ms,2s,0.01)" << 39.8 << 20.0 << false << false;
        QTest::newRow("bimodal mostly slow") << "bimodal(1ms,3ms,0.75)"
                                             << "bimodal(1ms,3ms,0.75)" << 2.5 << 3.0 << false << false;
        QTest::newRow("micro") << "exp(250us)"
                               << "exp(250us)" << 0.25 << 0.25 * std::log(2.0) << true << false;
    }
    void parseValid()
    {
        QFETCH(QString, spec);
        QFETCH(QString, canonical);
        QFETCH(double, meanMs);
        QFETCH(double, medianMs);
        QFETCH(bool, exponential);
        QFETCH(bool, constant);
        std::string error;
        const auto d = LatencyDistribution::parse(spec.toStdString(), &error);
        QVERIFY2(d, error.c_str());
        QCOMPARE(QString::fromStdString(d->spec()), canonical);
        QVERIFY2(std::abs(d->meanNs() / 1e6 - meanMs) < 1e-6 * std::max(1.0, meanMs),
                 qPrintable(QString::number(d->meanNs() / 1e6, 'g', 12)));
        QVERIFY2(std::abs(d->medianNs() / 1e6 - medianMs) < 1e-6 * std::max(1.0, medianMs),
                 qPrintable(QString::number(d->medianNs() / 1e6, 'g', 12)));
        QCOMPARE(d->isExponential(), exponential);
        QCOMPARE(d->isConstant(), constant);
        // The canonical spelling reads back to the same distribution.
        const auto again = LatencyDistribution::parse(d->spec(), nullptr);
        QVERIFY(again);
        QCOMPARE(again->spec(), d->spec());
        QCOMPARE(again->meanNs(), d->meanNs());
    }

    void parseInvalid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("hint");
        QTest::newRow("empty") << ""
                               << "empty";
        QTest::newRow("no unit") << "500"
                                 << "not a duration";
        QTest::newRow("negative") << "-5ms"
                                  << "not a duration";
        QTest::newRow("unknown") << "gamma(5ms)"
                                 << "unknown distribution 'gamma'";
        QTest::newRow("no paren") << "exp(5ms"
                                  << "missing ')'";
        QTest::newRow("exp two args") << "exp(5ms,6ms)"
                                      << "exp takes one duration";
        QTest::newRow("uniform reversed") << "uniform(900ms,100ms)"
                                          << "low <= high";
        QTest::newRow("uniform one arg") << "uniform(900ms)"
                                         << "uniform takes two";
        QTest::newRow("normal no unit") << "normal(50,10ms)"
                                        << "normal mean";
        QTest::newRow("lognormal sigma") << "lognormal(50ms,-1)"
                                         << "sigma must be a number from 0 to 4";
        QTest::newRow("lognormal sigma unit") << "lognormal(50ms,5ms)"
                                              << "sigma";
        QTest::newRow("bimodal p") << "bimodal(20ms,2s,1.5)"
                                   << "from 0 to 1";
        QTest::newRow("too long") << "2h"
                                  << "longer than 1h";
    }
    void parseInvalid()
    {
        QFETCH(QString, spec);
        QFETCH(QString, hint);
        std::string error;
        QVERIFY(!LatencyDistribution::parse(spec.toStdString(), &error));
        const QString e = QString::fromStdString(error);
        QVERIFY2(e.contains(hint), qPrintable(e));
        QVERIFY2(e.contains(QLatin1String(LatencyDistribution::acceptedForms())), qPrintable(e));
        QVERIFY(!LatencyDistribution::parse(spec.toStdString(), nullptr)); // no error sink: no crash
    }

    void sampleMatchesMeanAndMedian_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<double>("meanTolerance"); // relative
        QTest::addColumn<double>("medianTolerance");
        QTest::newRow("constant") << "7ms" << 0.0 << 0.0;
        QTest::newRow("uniform") << "uniform(100ms,900ms)" << 0.01 << 0.01;
        QTest::newRow("exp") << "exp(10ms)" << 0.01 << 0.015;
        QTest::newRow("normal") << "normal(50ms,10ms)" << 0.005 << 0.005;
        QTest::newRow("half-normal") << "normal(0ms,10ms)" << 0.01 << 0.015;
        QTest::newRow("lognormal") << "lognormal(50ms,0.5)" << 0.01 << 0.01;
        // The slow 1 % dominates the variance: sd of the mean ~1.6 % at this n.
        QTest::newRow("bimodal") << "bimodal(20ms,2s,0.01)" << 0.05 << 0.0;
    }
    void sampleMatchesMeanAndMedian()
    {
        QFETCH(QString, spec);
        QFETCH(double, meanTolerance);
        QFETCH(double, medianTolerance);
        const auto d = LatencyDistribution::parse(spec.toStdString(), nullptr);
        QVERIFY(d);
        const int n = 100'000;
        std::vector<Nanos> xs(n);
        Rng rng(2024);
        double sum = 0;
        for (auto& x : xs) {
            x = d->sample(rng);
            QVERIFY(x >= 0);
            sum += static_cast<double>(x);
        }
        std::nth_element(xs.begin(), xs.begin() + n / 2, xs.end());
        const double mean = sum / n;
        const double median = static_cast<double>(xs[n / 2]);
        QVERIFY2(std::abs(mean - d->meanNs()) <= meanTolerance * d->meanNs() + 1,
                 qPrintable(QStringLiteral("mean %1 vs %2").arg(mean).arg(d->meanNs())));
        QVERIFY2(std::abs(median - d->medianNs()) <= medianTolerance * d->medianNs() + 1,
                 qPrintable(QStringLiteral("median %1 vs %2").arg(median).arg(d->medianNs())));
    }

    void uniformStaysInBounds()
    {
        const auto d = LatencyDistribution::parse("uniform(3ms,4ms)", nullptr);
        Rng rng(5);
        for (int i = 0; i < 10'000; ++i) {
            const Nanos x = d->sample(rng);
            QVERIFY(x >= 3 * kMilli && x <= 4 * kMilli);
        }
    }

    void bimodalTakesOnlyItsTwoValues()
    {
        const auto d = LatencyDistribution::parse("bimodal(1ms,9ms,0.25)", nullptr);
        Rng rng(5);
        int slow = 0;
        const int n = 40'000;
        for (int i = 0; i < n; ++i) {
            const Nanos x = d->sample(rng);
            QVERIFY(x == kMilli || x == 9 * kMilli);
            slow += x == 9 * kMilli;
        }
        QVERIFY(std::abs(slow / double(n) - 0.25) < 0.01);
    }

    void sameSeedSameSamples()
    {
        const auto d = LatencyDistribution::parse("lognormal(5ms,1)", nullptr);
        Rng a(99), b(99), c(100);
        bool differs = false;
        for (int i = 0; i < 1000; ++i) {
            const Nanos x = d->sample(a);
            QCOMPARE(x, d->sample(b));
            differs |= x != d->sample(c);
        }
        QVERIFY(differs);
    }

    void samplesAreCapped()
    {
        const auto d = LatencyDistribution::parse("lognormal(1h,4)", nullptr);
        QVERIFY(d);
        Rng rng(1);
        for (int i = 0; i < 1000; ++i)
            QVERIFY(d->sample(rng) <= LatencyDistribution::kMaxSampleNs);
    }
};

QTEST_APPLESS_MAIN(TestDistribution)
#include "tst_distribution.moc"
