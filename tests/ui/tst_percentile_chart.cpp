// SPDX-License-Identifier: GPL-3.0-or-later
// The HDR percentile chart: its points are the histogram's percentiles (the summary's
// numbers), on a log axis of 1/(1-p) labelled 50 % ... 99.99 %, and stored runs overlay.
#include "ui/percentile_chart.h"

#include "core/summary.h"
#include "ui/theme.h"

#include <QCategoryAxis>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QLineSeries>
#include <QSet>
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

    // Stored runs: their total by default, in the order given.
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
        QCOMPARE(chart.header()->entries().size(), std::size_t{4});
        QCOMPARE(chart.header()->entries()[1].text, QStringLiteral("Stored runs, their total (dashed):"));
        QCOMPARE(chart.header()->entries()[2].text, QStringLiteral("run 1 \u00b7 20 workers"));
        QVERIFY(chart.overlaySelector()->isEnabled());
        chart.setRuns({});
        QVERIFY(!chart.overlaySelector()->isEnabled());
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
        chart.setOverlayKind(PercentileChart::OverlayKind::All);
        for (const double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Total), toMillis(a.total.percentile(p)));
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Wait), toMillis(a.wait.percentile(p)));
            QCOMPARE(chart.runValueAt(0, p, PercentileChart::Service), toMillis(a.service.percentile(p)));
        }
        QCOMPARE(chart.header()->entries().back().text, QStringLiteral("run 3"));
        // Its wait only.
        chart.setOverlayKind(PercentileChart::OverlayKind::Wait);
        QVERIFY(std::isnan(chart.runValueAt(0, 50, PercentileChart::Total)));
        QCOMPARE(chart.runValueAt(0, 50, PercentileChart::Wait), toMillis(a.wait.percentile(50)));
        QVERIFY(std::isnan(chart.runValueAt(0, 50, PercentileChart::Service)));
    }

    // Four curves of the live run and three a stored run crowd the chart: the selector
    // picks which of the runs' curves are drawn, each run in its colour on the other
    // charts, each kind in its dash, and the legend names each run once.
    void overlayKindSelector_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QStringList>("drawn");
        QTest::addColumn<QString>("kindsEntry");
        const QString a = QStringLiteral("run 1 \u00b7 20 workers");
        const QString b = QStringLiteral("run 2 \u00b7 40 workers (baseline)");
        const auto names = [&](const QStringList& kinds) {
            QStringList out;
            for (const QString& run : {a, b})
                for (const QString& kind : kinds)
                    out << run + QStringLiteral(", ") + kind;
            return out;
        };
        QTest::newRow("total") << 0 << names({QStringLiteral("total")})
                               << QStringLiteral("Stored runs, their total (dashed):");
        QTest::newRow("wait") << 1 << names({QStringLiteral("wait")})
                              << QStringLiteral("Stored runs, their wait (dotted):");
        QTest::newRow("service") << 2 << names({QStringLiteral("service")})
                                 << QStringLiteral("Stored runs, their service (dash-dot):");
        QTest::newRow("all three")
            << 3 << names({QStringLiteral("total"), QStringLiteral("wait"), QStringLiteral("service")})
            << QStringLiteral("Stored runs (total dashed, wait dotted, service dash-dot):");
    }

    void overlayKindSelector()
    {
        QFETCH(int, index);
        QFETCH(QStringList, drawn);
        QFETCH(QString, kindsEntry);
        PercentileChart chart;
        const Histogram total = uniform(kMilli, 10 * kMilli, 1000);
        const Histogram wait = uniform(0, 4 * kMilli, 1000);
        const Histogram service = uniform(kMilli, 6 * kMilli, 1000);
        chart.setHistograms({&total, &wait, &service, &total});
        const std::vector<HistogramRun> runs{
            {QStringLiteral("run 1 \u00b7 20 workers"), 0, exponential(20 * kMilli, 2000),
             exponential(8 * kMilli, 2000, 5), exponential(12 * kMilli, 2000, 7)},
            {QStringLiteral("run 2 \u00b7 40 workers (baseline)"), 1, exponential(10 * kMilli, 2000, 11),
             exponential(3 * kMilli, 2000, 13), exponential(7 * kMilli, 2000, 17)}};
        chart.setRuns(runs);
        QCOMPARE(chart.overlaySelector()->count(), 4);
        QCOMPARE(chart.overlayKind(), PercentileChart::OverlayKind::Total); // by default
        chart.overlaySelector()->setCurrentIndex(index);
        QCOMPARE(static_cast<int>(chart.overlayKind()), index);

        // The run series drawn, their names, colours and dashes; the others empty.
        QCOMPARE(chart.runSeries().size(), std::size_t{6});
        QStringList names;
        for (std::size_t i = 0; i < chart.runSeries().size(); ++i) {
            const QLineSeries* series = chart.runSeries()[i];
            const auto kind = static_cast<PercentileChart::Curve>(i % PercentileChart::kRunCurves);
            QCOMPARE(series->isVisible(), chart.runCurveShown(kind));
            if (!series->isVisible()) {
                QVERIFY(series->points().isEmpty());
                continue;
            }
            names << series->name();
            QCOMPARE(series->pen().color(),
                     overlayColor(runs[i / PercentileChart::kRunCurves].colorIndex, Theme::Light));
            QCOMPARE(series->pen().style(), PercentileChart::runPenStyle(kind));
            const HistogramRun& run = runs[i / PercentileChart::kRunCurves];
            const Histogram& h = kind == PercentileChart::Total  ? run.total
                                 : kind == PercentileChart::Wait ? run.wait
                                                                 : run.service;
            QCOMPARE(chart.runValueAt(i / PercentileChart::kRunCurves, 99, kind), toMillis(h.percentile(99)));
        }
        QCOMPARE(names, drawn);
        // The live run's four curves stay; 4 + 3 x 2 series in all.
        QCOMPARE(chart.chart()->series().size(), 10);
        for (int c = 0; c < PercentileChart::CurveCount; ++c)
            QVERIFY(chart.series(static_cast<PercentileChart::Curve>(c))->isVisible());

        // The legend: the live curves, then a line saying what the dashes mean and one entry a run.
        const std::vector<LegendEntry>& entries = chart.header()->entries();
        QCOMPARE(entries.size(), std::size_t{4 + 1 + 2});
        QCOMPARE(entries[4].text, kindsEntry);
        QVERIFY(entries[4].startsLine);
        QVERIFY(!entries[4].swatch.isValid());
        QCOMPARE(entries[5].text, runs[0].label);
        QCOMPARE(entries[5].swatch, overlayColor(0, Theme::Light));
        QCOMPARE(entries[6].text, runs[1].label);
        QCOMPARE(entries[6].swatch, overlayColor(1, Theme::Light));
        // Distinct colours for up to four runs.
        QSet<QRgb> colours;
        for (int i = 0; i < 4; ++i)
            colours.insert(overlayColor(i, Theme::Light).rgb());
        QCOMPARE(colours.size(), 4);
    }

    // docs/screenshot-percentiles-overlays.png (with POOLLAB_SHOT_DIR set): the live
    // run and four stored runs, all three kinds, then their totals.
    void overlaysScreenshot()
    {
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (out.isEmpty())
            QSKIP("POOLLAB_SHOT_DIR is not set");
        PercentileChart chart;
        chart.resize(1100, 650);
        const Histogram total = exponential(20 * kMilli, 20'000, 21);
        const Histogram wait = exponential(8 * kMilli, 20'000, 22);
        const Histogram service = exponential(12 * kMilli, 20'000, 23);
        chart.setHistograms({&total, &wait, &service, &service});
        std::vector<HistogramRun> runs;
        for (int i = 0; i < 4; ++i) {
            const Nanos scale = (i + 2) * 5 * kMilli;
            runs.push_back({QStringLiteral("run %1 \u00b7 %2 workers").arg(i + 1).arg(10 * (i + 1)), i,
                            exponential(scale * 2, 20'000, 30 + i), exponential(scale, 20'000, 40 + i),
                            exponential(scale, 20'000, 50 + i)});
        }
        chart.setRuns(runs);
        for (const auto& [kind, name] : {std::pair{PercentileChart::OverlayKind::All, "all"},
                                         std::pair{PercentileChart::OverlayKind::Total, "total"}}) {
            chart.setOverlayKind(kind);
            QVERIFY(chart.grab().save(
                QDir(out).filePath(QStringLiteral("percentiles-overlays-%1.png").arg(QLatin1String(name)))));
        }
        for (const HistogramRun& run : runs)
            qInfo().noquote() << run.label << "total p50" << toMillis(run.total.percentile(50)) << "p99"
                              << toMillis(run.total.percentile(99));
    }
};

QTEST_MAIN(TstPercentileChart)
#include "tst_percentile_chart.moc"
