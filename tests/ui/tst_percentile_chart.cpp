// SPDX-License-Identifier: GPL-3.0-or-later
// The HDR percentile chart: its points are the histogram's percentiles (the summary's
// numbers), on a log axis of 1/(1-p) labelled 50 % ... 99.99 %, and stored runs overlay.
#include "ui/percentile_chart.h"

#include "core/summary.h"

#include <QCategoryAxis>
#include <QLabel>
#include <QLineSeries>
#include <QTest>

#include <random>

using namespace poollab;

namespace {

// `count` values of an exponential distribution with mean `mean` (a fixed seed).
Histogram exponential(Nanos mean, int count, unsigned seed = 7)
{
    std::mt19937_64 rng(seed);
    std::exponential_distribution<double> exp(1.0 / static_cast<double>(mean));
    Histogram h;
    for (int i = 0; i < count; ++i)
        h.record(static_cast<Nanos>(exp(rng)));
    return h;
}

Histogram uniform(Nanos from, Nanos to, int count)
{
    Histogram h;
    for (int i = 0; i < count; ++i)
        h.record(from + (to - from) * i / std::max(1, count - 1));
    return h;
}

} // namespace

class TstPercentileChart : public QObject
{
    Q_OBJECT

private slots:
    void pointsAreTheHistogramsPercentiles_data()
    {
        QTest::addColumn<Histogram>("histogram");
        QTest::newRow("exp(10ms), 100,000 values") << exponential(10 * kMilli, 100'000);
        QTest::newRow("exp(50ms), 1,000 values") << exponential(50 * kMilli, 1'000, 3);
        QTest::newRow("uniform 1..100 ms, 5,000 values") << uniform(kMilli, 100 * kMilli, 5'000);
        QTest::newRow("7 values") << uniform(2 * kMilli, 9 * kMilli, 7);
    }
    void pointsAreTheHistogramsPercentiles()
    {
        QFETCH(Histogram, histogram);
        PercentileChart chart;
        const Histogram wait = uniform(0, 5 * kMilli, 100);
        chart.setHistograms({&histogram, &wait, &histogram, nullptr});
        const LatencyStats summary = LatencyStats::from(histogram);
        for (const double p : {50.0, 90.0, 99.0, 99.9, 99.99})
            QCOMPARE(chart.valueAt(PercentileChart::Total, p), toMillis(histogram.percentile(p)));
        // The summary's own figures.
        QCOMPARE(chart.valueAt(PercentileChart::Total, 50), summary.p50);
        QCOMPARE(chart.valueAt(PercentileChart::Total, 90), summary.p90);
        QCOMPARE(chart.valueAt(PercentileChart::Total, 99), summary.p99);
        QCOMPARE(chart.valueAt(PercentileChart::Total, 99.9), summary.p999);
        QCOMPARE(chart.valueAt(PercentileChart::Wait, 99), toMillis(wait.percentile(99)));
        // x is log10(1/(1-p)): 99 % at 2, 99.9 % at 3.
        QCOMPARE(PercentileChart::xOf(99), 2.0);
        QVERIFY(std::abs(PercentileChart::xOf(99.9) - 3.0) < 1e-12);
        // A curve never falls as p grows, starts at the minimum and ends at the maximum.
        const QList<QPointF> points = chart.series(PercentileChart::Total)->points();
        QCOMPARE(points.first(), QPointF(0, toMillis(histogram.min())));
        QCOMPARE(points.last().y(), toMillis(histogram.max()));
        for (qsizetype i = 1; i < points.size(); ++i) {
            QVERIFY(points[i].x() > points[i - 1].x());
            QVERIFY(points[i].y() >= points[i - 1].y());
        }
        QVERIFY(!chart.series(PercentileChart::TotalUncorrected)->isVisible());
        QVERIFY(chart.series(PercentileChart::TotalUncorrected)->points().isEmpty());
        QVERIFY(chart.note()->text().contains(QStringLiteral("total %1 ms").arg(summary.p99, 0, 'f', 3)));
    }

    // The check: exp(10ms) has p99 = 10 ms x ln 100 = 46.05 ms, within the
    // histogram's error (0.8 %) and the sample's.
    void exponentialP99()
    {
        const Histogram h = exponential(10 * kMilli, 1'000'000);
        PercentileChart chart;
        chart.setHistograms({&h, nullptr, nullptr, nullptr});
        const double p99 = chart.valueAt(PercentileChart::Total, 99);
        QVERIFY2(std::abs(p99 - 46.0517) / 46.0517 < 0.015, qPrintable(QString::number(p99)));
        QCOMPARE(chart.decades(), 6); // a million values: 99.9999 % is measured too
        QCOMPARE(chart.percentAxis()->categoriesLabels().last(), QStringLiteral("99.9999 %"));
    }

    void axisLabels()
    {
        const Histogram h = uniform(kMilli, 10 * kMilli, 1000);
        PercentileChart chart;
        chart.setHistograms({&h, nullptr, nullptr, nullptr});
        QCOMPARE(chart.percentAxis()->categoriesLabels(),
                 QStringList({QStringLiteral("50 %"), QStringLiteral("90 %"), QStringLiteral("99 %"),
                              QStringLiteral("99.9 %"), QStringLiteral("99.99 %")}));
        QCOMPARE(chart.percentAxis()->endValue(QStringLiteral("90 %")), 1.0);
        QCOMPARE(chart.percentAxis()->endValue(QStringLiteral("99.99 %")), PercentileChart::xOf(99.99));
        QCOMPARE(chart.percentAxis()->max(), 4.0);
        QVERIFY(chart.latencyAxis()->max() >= 10.0);
    }

    // Stored runs: the curves the live run shows (its total here), in the order given.
    void overlaysStoredRuns()
    {
        PercentileChart chart;
        const Histogram live = uniform(kMilli, 10 * kMilli, 1000);
        chart.setHistograms({&live, nullptr, nullptr, nullptr});
        HistogramRun a{QStringLiteral("run 1 \u00b7 20 workers"), 0, exponential(20 * kMilli, 2000), {}, {}};
        HistogramRun b{
            QStringLiteral("run 2 \u00b7 40 workers"), 1, exponential(5 * kMilli, 2000, 9), {}, {}};
        chart.setRuns({a, b});
        QCOMPARE(chart.runSeries().size(), std::size_t{2 * PercentileChart::kRunCurves});
        for (const double p : {50.0, 90.0, 99.0, 99.9}) {
            QCOMPARE(chart.runValueAt(0, p), toMillis(a.total.percentile(p)));
            QCOMPARE(chart.runValueAt(1, p), toMillis(b.total.percentile(p)));
            QVERIFY(std::isnan(chart.runValueAt(0, p, PercentileChart::Wait))); // the live wait is not shown
        }
        QCOMPARE(chart.header()->entries().size(), std::size_t{3});
        QCOMPARE(chart.header()->entries()[1].text, QStringLiteral("run 1 \u00b7 20 workers, total"));
        chart.setRuns({});
        QVERIFY(chart.runSeries().empty());
        QCOMPARE(chart.header()->entries().size(), std::size_t{1});
    }

    // Issue #16 §3: total, wait and service, with the stored runs overlaid: each run's
    // wait and service too, at the points of their own histograms.
    void overlaysStoredRunsWaitAndService_data()
    {
        QTest::addColumn<bool>("live");
        QTest::newRow("with the live run's three curves") << true;
        QTest::newRow("no live run") << false;
    }

    void overlaysStoredRunsWaitAndService()
    {
        QFETCH(bool, live);
        PercentileChart chart;
        const Histogram total = uniform(kMilli, 10 * kMilli, 1000);
        const Histogram wait = uniform(0, 4 * kMilli, 1000);
        const Histogram service = uniform(kMilli, 6 * kMilli, 1000);
        if (live)
            chart.setHistograms({&total, &wait, &service, nullptr});
        else
            chart.setHistograms({nullptr, nullptr, nullptr, nullptr});
        HistogramRun a{QStringLiteral("run 3"), 2, exponential(20 * kMilli, 2000),
                       exponential(8 * kMilli, 2000, 5), exponential(12 * kMilli, 2000, 7)};
        chart.setRuns({a});
        for (const double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Total), toMillis(a.total.percentile(p)));
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Wait), toMillis(a.wait.percentile(p)));
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Service), toMillis(a.service.percentile(p)));
        }
        QStringList texts;
        for (const LegendEntry& e : chart.header()->entries())
            texts << e.text;
        QVERIFY2(texts.contains(QStringLiteral("run 3, wait")) &&
                     texts.contains(QStringLiteral("run 3, service")),
                 qPrintable(texts.join(QLatin1Char('|'))));
        // Only the live wait shown: of the run, only its wait.
        chart.setHistograms({nullptr, &wait, nullptr, nullptr});
        QVERIFY(std::isnan(chart.runValueAt(0, 50, PercentileChart::Total)));
        QCOMPARE(chart.runValueAt(0, 50, PercentileChart::Wait), toMillis(a.wait.percentile(50)));
        QVERIFY(std::isnan(chart.runValueAt(0, 50, PercentileChart::Service)));
    }
};

QTEST_MAIN(TstPercentileChart)
#include "tst_percentile_chart.moc"
