// SPDX-License-Identifier: GPL-3.0-or-later
// The charts show exactly what was measured: every point of every series is a row of
// the run's record (what Export CSV and --csv write), drawn as a step over its
// interval, on every engine and pace and at every time window.
#include "core/virtual_engine.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/theme.h"

#include "tests/chart_pixels.h"
#include <QApplication>
#include <QMultiMap>
#include <QPaintEvent>
#include <QScreen>

#include <QGraphicsTextItem>
#include <QTest>
#include <QXYSeries>

#include <cmath>
#include <map>
#include <set>

using namespace poollab;

namespace {

double startOf(const Sample& r)
{
    return toSeconds(r.runNs - r.intervalNs);
}
double endOf(const Sample& r)
{
    return toSeconds(r.runNs);
}

// A small run with something in every series: retries, failures, a queue.
Scenario smallRun(TimeMode mode)
{
    Scenario s;
    s.timeMode = mode;
    s.workers = 4;
    s.queueCapacity = 1000;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 300;
    s.jobs = 300;
    s.latency = "exp(10ms)";
    s.failureRate = 0.2;
    s.maxAttempts = 3;
    s.backoffBase = 20 * kMilli;
    s.sampleInterval = 100 * kMilli;
    return s;
}

// Overloaded, rejecting, failing, retrying and rate-limited: every series has data.
Scenario busyRun()
{
    Scenario s;
    s.timeMode = TimeMode::Virtual;
    s.workers = 4;
    s.queueCapacity = 20;
    s.overflow = OverflowPolicy::Reject;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 100;
    s.jobs = 0;
    s.duration = 30 * kSecond;
    s.latency = "exp(50ms)";
    s.failureRate = 0.2;
    s.maxAttempts = 3;
    s.rateLimit = 70;
    s.burst = 5;
    return s;
}

// Pixels that differ between two images of one size (every pixel when the sizes differ).
int pixelsDiffering(const QImage& a, const QImage& b)
{
    if (a.size() != b.size())
        return a.width() * a.height();
    int differing = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            differing += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
    return differing;
}

// The paint events each widget it watches gets.
class PaintLog : public QObject
{
public:
    QMultiMap<QObject*, QRegion> regions;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            regions.insert(watched, static_cast<QPaintEvent*>(event)->region());
        return false;
    }
};

QString kindName(ChartPanel::LatencyKind kind)
{
    return QString::number(static_cast<int>(kind));
}

} // namespace

class TstChartPanel : public QObject
{
    Q_OBJECT

private:
    static void runToEnd(RunController& c)
    {
        QVERIFY(c.start());
        QTRY_VERIFY_WITH_TIMEOUT(c.isFinished(), 60000);
    }

    // Shows the panel (1000x800) and runs its controller's scenario to the end at full pace.
    static void showAndRunToEnd(RunController& c, ChartPanel& panel)
    {
        c.setPace(0);
        panel.resize(1000, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        runToEnd(c);
    }

    // The window the panel shows, as the record defines it.
    static std::pair<double, double> windowOf(const std::vector<Sample>& rows, int seconds)
    {
        const double end = rows.empty() ? 0 : endOf(rows.back());
        if (seconds == 0)
            return {0, end};
        const double x1 = std::max<double>(seconds, end);
        return {x1 - seconds, x1};
    }

    // The points of a series and of its line's continuations after gaps.
    static QList<QPointF> allPoints(const ChartPanel& panel, const QXYSeries* series)
    {
        QList<QPointF> points;
        for (const QXYSeries* segment : panel.segmentsOf(series))
            points << segment->points();
        return points;
    }

    // No segment of a line is drawn across a row without a value in the column (an
    // interval in which nothing finished has no latency): the line breaks there. With
    // `wholeBuckets` (downsampled), only across rows that fill a bucket of `bucketS`
    // seconds on their own: inside a bucket the extremes are joined.
    static void checkGaps(const ChartPanel& panel, const QXYSeries* series, const std::vector<Sample>& rows,
                          double bucketS = 0)
    {
        const Column column = panel.columnOf(series);
        const QList<QXYSeries*> segments = panel.segmentsOf(series);
        // Runs of rows without a value: [start, end] of each.
        std::vector<std::pair<double, double>> gaps;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (!std::isnan(columnValue(rows[i], column)))
                continue;
            const double start = i == 0 ? startOf(rows[0]) : std::max(startOf(rows[i]), endOf(rows[i - 1]));
            if (!gaps.empty() && gaps.back().second == start)
                gaps.back().second = endOf(rows[i]);
            else
                gaps.emplace_back(start, endOf(rows[i]));
        }
        for (const auto& [from, to] : gaps) {
            if (to - from < 2 * bucketS)
                continue;
            for (const QXYSeries* segment : segments) {
                if (segment->count() == 0)
                    continue;
                const double first = segment->points().first().x();
                const double last = segment->points().last().x();
                QVERIFY2(!(first < from && last > to),
                         qPrintable(series->name() + QStringLiteral(": a segment %1..%2 spans rows without a "
                                                                    "value %3..%4")
                                                         .arg(first)
                                                         .arg(last)
                                                         .arg(from)
                                                         .arg(to)));
            }
        }
    }

    // Every point is the start or end of a row of the record that has that value, and
    // the window's extremes are all there (min/max downsampling keeps them).
    static void checkDownsampled(const QList<QPointF>& points, const QString& name, Column column,
                                 const std::vector<Sample>& rows, double x0, double x1)
    {
        std::map<qint64, std::vector<double>> valuesAt; // x in ns -> values of rows touching it
        double lo = INFINITY, hi = -INFINITY;
        for (const Sample& r : rows) {
            const double v = columnValue(r, column);
            if (std::isnan(v) || endOf(r) <= x0 || startOf(r) >= x1)
                continue;
            valuesAt[r.runNs - r.intervalNs].push_back(v);
            valuesAt[r.runNs].push_back(v);
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        QVERIFY2(points.size() <= ChartPanel::kMaxPoints, qPrintable(name));
        double plo = INFINITY, phi = -INFINITY;
        for (const QPointF& p : points) {
            const auto it = valuesAt.find(std::llround(p.x() * 1e9));
            QVERIFY2(it != valuesAt.end(), qPrintable(name + QStringLiteral(" x=%1").arg(p.x())));
            QVERIFY2(std::find(it->second.begin(), it->second.end(), p.y()) != it->second.end(),
                     qPrintable(name + QStringLiteral(" x=%1 y=%2").arg(p.x()).arg(p.y())));
            plo = std::min(plo, p.y());
            phi = std::max(phi, p.y());
        }
        if (!valuesAt.empty()) {
            QCOMPARE(phi, hi);
            QCOMPARE(plo, lo);
        }
    }

private slots:
    void initTestCase() { applyTheme(Theme::Light); }

    void chartsDrawTheRecordRowForRow_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("pace"); // virtual only; 0 = as fast as possible
        QTest::newRow("real") << int(TimeMode::Real) << 0.0;
        QTest::newRow("virtual 1x") << int(TimeMode::Virtual) << 1.0;
        QTest::newRow("virtual 1000x") << int(TimeMode::Virtual) << 1000.0;
        QTest::newRow("virtual max") << int(TimeMode::Virtual) << 0.0;
    }
    void chartsDrawTheRecordRowForRow()
    {
        QFETCH(int, mode);
        QFETCH(double, pace);
        RunController c(makeEngineFor);
        c.setScenario(smallRun(static_cast<TimeMode>(mode)));
        c.setPace(pace);
        ChartPanel panel(&c);
        runToEnd(c);
        const std::vector<Sample> rows = c.intervalSamples();
        QVERIFY(rows.size() >= 3);
        // The record covers [0, elapsed] with no gap: each row starts where the last ended.
        // (On real threads the first row also holds the few ms before the run's clock
        // started, while the workers came up, as the CSV's first interval_s does.)
        QVERIFY(rows.front().runNs - rows.front().intervalNs <= 0);
        QVERIFY(rows.front().runNs - rows.front().intervalNs > -100 * kMilli);
        // The last row of a real run reaches back a little (its interval is on the pool's
        // clock, which runs on after the run's clock stops): it is drawn from where the
        // row before ends.
        const auto startAt = [&](std::size_t i) {
            return i == 0 ? startOf(rows[0]) : std::max(startOf(rows[i]), endOf(rows[i - 1]));
        };
        for (std::size_t i = 1; i + 1 < rows.size(); ++i)
            QCOMPARE(rows[i].runNs - rows[i].intervalNs, rows[i - 1].runNs);
        QVERIFY(rows.back().runNs - rows.back().intervalNs <= rows[rows.size() - 2].runNs);
        int checked = 0;
        for (const auto kind : {ChartPanel::LatencyKind::Total, ChartPanel::LatencyKind::Wait,
                                ChartPanel::LatencyKind::Service}) {
            panel.setLatencyKind(kind);
            for (const int window : ChartPanel::kWindows) {
                panel.setWindowSeconds(window);
                const auto [x0, x1] = windowOf(rows, window);
                QCOMPARE(panel.throughputChart()->axes(Qt::Horizontal).first()->property("min").toDouble(),
                         x0);
                QCOMPARE(panel.throughputChart()->axes(Qt::Horizontal).first()->property("max").toDouble(),
                         x1);
                for (const QXYSeries* series : panel.allSeries()) {
                    const Column column = panel.columnOf(series);
                    if (column == Column::QueueCapacity && series->count() == 0) {
                        // The only one that stays empty: off the queue's scale, said in the legend.
                        QCOMPARE(series->name(),
                                 QStringLiteral("capacity %1 (off scale)").arg(QLocale().toString(1000)));
                        continue;
                    }
                    QList<QPointF> expected;
                    for (std::size_t i = 0; i < rows.size(); ++i) {
                        const double v = columnValue(rows[i], column);
                        if (std::isnan(v))
                            continue;
                        expected << QPointF(startAt(i), v) << QPointF(endOf(rows[i]), v);
                    }
                    // The line breaks where rows have no value; its segments together are the rows.
                    const QList<QPointF> points = allPoints(panel, series);
                    checkGaps(panel, series, rows);
                    QVERIFY2(points == expected,
                             qPrintable(series->name() + QStringLiteral(" window ") +
                                        QString::number(window) + QStringLiteral(" kind ") + kindName(kind)));
                    ++checked;
                }
            }
        }
        QCOMPARE(checked, 3 * 4 * (int(panel.allSeries().size()) - 1)); // capacity 1000 is off scale
        // The run did retry and fail: those series are not empty lines of zeros.
        std::uint64_t retries = rows.back().totals.retries;
        QVERIFY(retries > 0);
    }

    void longRunsAreDownsampledByMinAndMax_data()
    {
        QTest::addColumn<int>("window");
        for (const int window : ChartPanel::kWindows)
            QTest::newRow(qPrintable(QStringLiteral("window %1 s").arg(window))) << window;
    }
    void longRunsAreDownsampledByMinAndMax()
    {
        QFETCH(int, window);
        Scenario s = busyRun();
        s.duration = 400 * kSecond;
        s.sampleInterval = 10 * kMilli; // 40,000 rows: far more than the charts draw
        RunController c(makeEngineFor);
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        runToEnd(c);
        const std::vector<Sample> rows = c.intervalSamples();
        QVERIFY(rows.size() >= 40000); // and then the drain of what was queued
        panel.setWindowSeconds(window);
        const auto [x0, x1] = windowOf(rows, window);
        // At 10 ms rows many intervals finish nothing: the latency lines break there.
        int broken = 0;
        for (const QXYSeries* series : panel.allSeries())
            broken += panel.segmentsOf(series).size() > 1;
        if (window == 30)
            QVERIFY(broken >= 3); // p50, p95 and p99
        for (const QXYSeries* series : panel.allSeries()) {
            const QList<QPointF> points = allPoints(panel, series);
            if (!points.isEmpty())
                checkDownsampled(points, series->name(), panel.columnOf(series), rows, x0, x1);
            // The whole run's envelope has 256 to 512 buckets of equal rows.
            checkGaps(panel, series, rows,
                      window > 0 ? window / double(ChartPanel::kMaxBuckets) : (x1 - x0) / 200);
        }
    }

    void everySeriesWithItsOwnDataShowsItsColour_data()
    {
        QTest::addColumn<int>("theme");
        QTest::newRow("light") << int(Theme::Light);
        QTest::newRow("dark") << int(Theme::Dark);
    }
    void everySeriesWithItsOwnDataShowsItsColour()
    {
        QFETCH(int, theme);
        applyTheme(static_cast<Theme>(theme));
        RunController c(makeEngineFor);
        c.setScenario(busyRun());
        c.setPace(0);
        ChartPanel panel(&c);
        panel.setChartTheme(chartThemeFor(static_cast<Theme>(theme)));
        panel.setWindowSeconds(0);
        panel.resize(1200, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        runToEnd(c);
        panel.update();
        QApplication::processEvents();

        for (int v = 0; v < 3; ++v) {
            MarkedChartView* view = panel.view(v);
            QChart* chart = view->chart();
            const QImage image = view->grab().toImage().convertToFormat(QImage::Format_RGB32);
            // Only the plot: the legend shows every colour anyway.
            const QRect plot = view->mapFromScene(chart->mapRectToScene(chart->plotArea()))
                                   .boundingRect()
                                   .adjusted(1, 1, -1, -1);
            QSet<QRgb> colours;
            for (QAbstractSeries* abstract : chart->series()) {
                auto* series = qobject_cast<QXYSeries*>(abstract);
                QVERIFY(series);
                const QRgb colour = series->pen().color().rgb();
                QVERIFY2(!colours.contains(colour),
                         qPrintable(series->name() + QStringLiteral(": colour shared")));
                colours.insert(colour);
                if (!series->isVisible() || series->count() == 0)
                    continue;
                bool sameAsAnother = false;
                for (QAbstractSeries* other : chart->series())
                    if (other != series && qobject_cast<QXYSeries*>(other)->points() == series->points())
                        sameAsAnother = true;
                if (sameAsAnother)
                    continue;
                const int found = test::pixelsNear(image, plot, colour);
                QVERIFY2(found >= 5, qPrintable(series->name() + QStringLiteral(": %1 pixels").arg(found)));
            }
        }
        // The percentile lines really differ here (the point of drawing three).
        const auto seriesNamed = [&](const QString& name) {
            for (QXYSeries* s : panel.allSeries())
                if (s->name() == name)
                    return s;
            return static_cast<QXYSeries*>(nullptr);
        };
        QVERIFY(seriesNamed(QStringLiteral("p95"))->points() != seriesNamed(QStringLiteral("p99"))->points());
        applyTheme(Theme::Light);
    }

    void plotAreasLineUp()
    {
        RunController c(makeEngineFor);
        Scenario s = busyRun();
        s.queueCapacity = 100000; // a wide label on one axis only
        s.overflow = OverflowPolicy::Block;
        c.setScenario(s);
        ChartPanel panel(&c);
        showAndRunToEnd(c, panel);
        panel.update();
        const auto left = [&](int i) { return panel.view(i)->chart()->plotArea().left(); };
        const auto right = [&](int i) { return panel.view(i)->chart()->plotArea().right(); };
        QTRY_VERIFY(std::abs(left(0) - left(1)) < 1 && std::abs(left(1) - left(2)) < 1);
        QTRY_VERIFY(std::abs(right(0) - right(1)) < 1 && std::abs(right(1) - right(2)) < 1);
        QVERIFY(panel.view(0)->chart()->plotArea().width() > 500);
    }

    // A refresh that changes the charts repaints each one once, whole, with what the
    // record now says; one that changes nothing repaints none. (Qt's own minimal updates
    // used to repaint each chart a second time through a clip of many rectangles.)
    void aRefreshRepaintsEachChangedChartOnceAndWhole()
    {
        RunController c(makeEngineFor);
        c.setScenario(busyRun()); // 30 s
        ChartPanel panel(&c);
        showAndRunToEnd(c, panel);
        const auto deliver = [] {
            for (int round = 0; round < 3; ++round)
                QCoreApplication::sendPostedEvents();
        };
        deliver();

        // What the screen shows of a chart's viewport (the offscreen platform's backing store).
        const auto shown = [&](int v) {
            QWidget* viewport = panel.view(v)->viewport();
            const QPoint at = viewport->mapTo(&panel, QPoint(0, 0));
            return panel.screen()
                ->grabWindow(panel.winId(), at.x(), at.y(), viewport->width(), viewport->height())
                .toImage()
                .convertToFormat(QImage::Format_RGB32);
        };
        std::array<QImage, 3> before;
        for (int v = 0; v < 3; ++v)
            before[static_cast<std::size_t>(v)] = shown(v);

        PaintLog log;
        for (int v = 0; v < 3; ++v)
            panel.view(v)->viewport()->installEventFilter(&log);
        panel.setWindowSeconds(30); // 0-60 s to 0-30 s: every chart changes
        deliver();
        for (int v = 0; v < 3; ++v) {
            QWidget* viewport = panel.view(v)->viewport();
            QCOMPARE(log.regions.count(viewport), 1);
            QCOMPARE(log.regions.value(viewport), QRegion(viewport->rect()));
            // On screen is what the chart draws now (rendered afresh; a few antialiased
            // pixels may round apart), not the 0-60 s view, which differs in thousands.
            const QImage now = viewport->grab().toImage().convertToFormat(QImage::Format_RGB32);
            const int changed = pixelsDiffering(before[static_cast<std::size_t>(v)], now);
            QVERIFY2(changed > 1000,
                     qPrintable(QStringLiteral("chart %1: %2 pixels changed").arg(v).arg(changed)));
            const int off = pixelsDiffering(shown(v), now);
            QVERIFY2(off <= 10, qPrintable(QStringLiteral("chart %1: %2 pixels differ").arg(v).arg(off)));
        }
        log.regions.clear();
        panel.update(); // the same record and window: nothing to draw
        deliver();
        QCOMPARE(log.regions.size(), 0);
    }

    void queueAxisScalesToTheQueue()
    {
        RunController c(makeEngineFor);
        Scenario s = smallRun(TimeMode::Virtual);
        s.queueCapacity = 100000;
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        runToEnd(c);
        panel.setWindowSeconds(0);
        QXYSeries* capacity = nullptr;
        double depthMax = 0;
        for (QXYSeries* series : panel.allSeries()) {
            if (panel.columnOf(series) == Column::QueueCapacity)
                capacity = series;
            if (panel.columnOf(series) == Column::QueueDepth)
                for (const QPointF& p : series->points())
                    depthMax = std::max(depthMax, p.y());
        }
        QVERIFY(depthMax > 0);
        QCOMPARE(capacity->count(), 0);
        const auto* axis = qobject_cast<QValueAxis*>(capacity->attachedAxes().last());
        QVERIFY(axis->max() >= depthMax);
        QVERIFY(axis->max() < 2 * depthMax + 2); // not 100,000: the queue's own scale
        QCOMPARE(capacity->name(), QStringLiteral("capacity %1 (off scale)").arg(QLocale().toString(100000)));
    }

    // A burst's arrivals run far above the completions the rate axis is scaled to: the
    // legend gives their peak instead of the line ending at the top as if that were it.
    void arrivalsOffTheScaleSayTheirPeak()
    {
        RunController c(makeEngineFor);
        Scenario s = smallRun(TimeMode::Virtual);
        s.arrival = ArrivalKind::Burst;
        s.jobs = 2000;
        s.queueCapacity = 2000;
        s.failureRate = 0;
        s.sampleInterval = kSecond;
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        runToEnd(c);
        panel.setWindowSeconds(0);
        QXYSeries* arrivals = nullptr;
        for (QXYSeries* series : panel.allSeries())
            if (panel.columnOf(series) == Column::Arrivals)
                arrivals = series;
        QVERIFY(arrivals);
        double peak = 0;
        for (const QPointF& p : arrivals->points())
            peak = std::max(peak, p.y());
        QCOMPARE(peak, 2000.0); // every job in the first 1 s row
        const auto* axis = qobject_cast<QValueAxis*>(arrivals->attachedAxes().last());
        QVERIFY(axis->max() < peak);
        QCOMPARE(arrivals->name(), QStringLiteral("arrived/s (peak 2k)"));
    }

    // The coordinated-omission story: with the total latency the chart can draw the p99
    // uncorrected beside the p99, from the record's rows; other kinds have no such line.
    void uncorrectedP99IsDrawnBesideTheTotal()
    {
        RunController c(makeEngineFor);
        Scenario s;
        s.timeMode = TimeMode::Virtual;
        s.workers = 1;
        s.queueCapacity = 2;
        s.arrival = ArrivalKind::Constant;
        s.rate = 100;
        s.latency = "bimodal(2ms,1s,0.001)";
        s.jobs = 3000;
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        runToEnd(c);
        panel.setWindowSeconds(0);
        QCOMPARE(panel.allSeries().size(), 14); // hidden by default
        panel.setShowUncorrected(true);
        QVERIFY(panel.showsUncorrected());
        QCOMPARE(panel.allSeries().size(), 15);
        const QXYSeries* uncorrected = panel.allSeries().last();
        QCOMPARE(uncorrected->name(), QStringLiteral("p99 uncorrected"));
        QCOMPARE(panel.columnOf(uncorrected), Column::UncorrectedP99);
        QCOMPARE(panel.header(2)->entries().back().text, QStringLiteral("p99 uncorrected"));
        const std::vector<Sample> rows = c.intervalSamples();
        QList<QPointF> expected;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const double v = columnValue(rows[i], Column::UncorrectedP99);
            const double from = i == 0 ? startOf(rows[0]) : std::max(startOf(rows[i]), endOf(rows[i - 1]));
            if (!std::isnan(v))
                expected << QPointF(from, v) << QPointF(endOf(rows[i]), v);
        }
        QCOMPARE(allPoints(panel, uncorrected), expected);
        // During a stall the corrected p99 climbs past the uncorrected one.
        bool apart = false;
        for (const Sample& r : rows)
            apart = apart || columnValue(r, Column::TotalP99) > 10 * columnValue(r, Column::UncorrectedP99);
        QVERIFY(apart);
        panel.setLatencyKind(ChartPanel::LatencyKind::Wait);
        QVERIFY(!panel.showsUncorrected());
        QCOMPARE(panel.allSeries().size(), 14);
        QVERIFY(panel.header(2)->entries().back().text != QStringLiteral("p99 uncorrected"));
    }

    // Each chart's header lists its series, with their names (as they change: an
    // off-scale capacity) and colours, in the order they were added.
    void headersNameEverySeries()
    {
        RunController c(makeEngineFor);
        Scenario s = smallRun(TimeMode::Virtual);
        s.queueCapacity = 100000;
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        runToEnd(c);
        panel.setWindowSeconds(0);
        const std::array<QChart*, 3> charts{panel.throughputChart(), panel.queueChart(),
                                            panel.latencyChart()};
        std::size_t listed = 0;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!charts[static_cast<std::size_t>(i)]->legend()->isVisible());
            std::vector<LegendEntry> expected;
            for (const QXYSeries* series : panel.allSeries())
                if (series->chart() == charts[static_cast<std::size_t>(i)])
                    expected.push_back({series->name(), series->pen().color()});
            QVERIFY(!expected.empty());
            QVERIFY(panel.header(i)->entries() == expected);
            listed += expected.size();
        }
        QCOMPARE(listed, static_cast<std::size_t>(panel.allSeries().size()));
        QCOMPARE(panel.header(1)->entries()[1].text,
                 QStringLiteral("capacity %1 (off scale)").arg(QLocale().toString(100000)));
        QCOMPARE(panel.header(0)->title(), QStringLiteral("Throughput (jobs/s per sample interval)"));
    }

    // The queue chart's axis titles are whole at any size: the long ones where the
    // plot is high enough, short ones where Qt Charts would elide them.
    void axisTitlesAreNeverElided_data()
    {
        QTest::addColumn<int>("height");
        QTest::addColumn<QString>("left");
        QTest::addColumn<QString>("right");
        QTest::newRow("tall") << 900 << QStringLiteral("jobs queued") << QStringLiteral("workers, jobs");
        QTest::newRow("short") << 330 << QStringLiteral("queued") << QStringLiteral("workers");
    }
    void axisTitlesAreNeverElided()
    {
        QFETCH(int, height);
        QFETCH(QString, left);
        QFETCH(QString, right);
        RunController c(makeEngineFor);
        ChartPanel panel(&c);
        panel.resize(700, height);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.update();
        QCoreApplication::processEvents();
        QStringList titles;
        for (QAbstractAxis* axis : panel.queueChart()->axes(Qt::Vertical))
            titles << axis->titleText();
        QCOMPARE(titles, (QStringList{left, right}));
        QStringList drawn;
        for (const QGraphicsItem* item : panel.view(1)->scene()->items())
            if (const auto* text = dynamic_cast<const QGraphicsTextItem*>(item); text && text->isVisible())
                drawn << text->toPlainText();
        QVERIFY2(drawn.contains(left) && drawn.contains(right), qPrintable(drawn.join(u'|')));
    }

    void axisLabelsAreDistinctAndRound_data()
    {
        QTest::addColumn<bool>("run");
        QTest::newRow("before a run") << false; // empty axes: 0..1
        QTest::newRow("after a run") << true;
    }
    void axisLabelsAreDistinctAndRound()
    {
        QFETCH(bool, run);
        RunController c(makeEngineFor);
        Scenario s = smallRun(TimeMode::Virtual);
        s.latency = "exp(300us)"; // latency well below 1 ms: labels need decimals
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        if (run)
            runToEnd(c);
        const auto check = [](const QStringList& labels) {
            QVERIFY2(labels.size() >= 2 && labels.size() <= 12, qPrintable(labels.join(u',')));
            QVERIFY2(QSet<QString>(labels.begin(), labels.end()).size() == labels.size(),
                     qPrintable(labels.join(u',')));
        };
        for (const int window : ChartPanel::kWindows) {
            panel.setWindowSeconds(window);
            for (QChart* chart : {panel.throughputChart(), panel.queueChart(), panel.latencyChart()})
                for (QAbstractAxis* abstract : chart->axes(Qt::Vertical)) {
                    auto* axis = qobject_cast<QValueAxis*>(abstract);
                    QVERIFY(axis);
                    QStringList labels;
                    for (double t = axis->min(); t <= axis->max() + 1e-9; t += axis->tickInterval())
                        labels << QString::asprintf(qPrintable(axis->labelFormat()), t);
                    check(labels);
                }
            // The time labels the views draw: round steps from 0 across the window.
            const auto* time =
                qobject_cast<QValueAxis*>(panel.throughputChart()->axes(Qt::Horizontal).first());
            QStringList labels;
            const QList<TimeTick>& ticks = panel.timeTicks();
            for (qsizetype i = 0; i < ticks.size(); ++i) {
                labels << ticks[i].text;
                QVERIFY(ticks[i].seconds >= time->min() && ticks[i].seconds <= time->max() + 1e-9);
                if (i > 0) // evenly spaced
                    QCOMPARE_LE(std::abs(ticks[i].seconds - ticks[i - 1].seconds -
                                         (ticks[1].seconds - ticks[0].seconds)),
                                1e-9);
            }
            check(labels);
            QVERIFY2(ticks.front().seconds - time->min() < ticks[1].seconds - ticks[0].seconds,
                     qPrintable(labels.join(u',')));
            QVERIFY2(time->max() - ticks.back().seconds < ticks[1].seconds - ticks[0].seconds,
                     qPrintable(labels.join(u',')));
        }
    }

    // The time axes' labels are drawn by the views (the axes have no ticks of their own):
    // under each plot, centred on their ticks, the same in all three charts, every one.
    void timeLabelsAreDrawnUnderEachPlot()
    {
        RunController c(makeEngineFor);
        c.setScenario(busyRun()); // 30 s
        ChartPanel panel(&c);
        showAndRunToEnd(c, panel);
        for (const int window : {60, 0}) {
            panel.setWindowSeconds(window);
            QStringList expected;
            for (const TimeTick& tick : panel.timeTicks()) {
                expected << tick.text;
                QCOMPARE(tick.text, QStringLiteral("%1 s").arg(tick.seconds)); // whole seconds here
            }
            QCOMPARE(expected.first(), QStringLiteral("0 s"));
            for (int v = 0; v < 3; ++v) {
                MarkedChartView* view = panel.view(v);
                const QImage image = view->grab().toImage();
                QStringList drawn;
                const QRectF plot = view->chart()->plotArea();
                const auto* axis = qobject_cast<QValueAxis*>(view->chart()->axes(Qt::Horizontal).first());
                QVERIFY(axis->labelsVisible());
                for (qsizetype i = 0; i < view->timeLabels().size(); ++i) {
                    const auto& [text, box] = view->timeLabels()[i];
                    drawn << text;
                    const double x = plot.left() + (panel.timeTicks()[i].seconds - axis->min()) /
                                                       (axis->max() - axis->min()) * plot.width();
                    QVERIFY(std::abs(box.center().x() - x) <= 0.5);
                    QVERIFY(box.top() >= plot.bottom() && box.bottom() <= view->height());
                    // Text pixels in the box: the label colour on the background.
                    int ink = 0;
                    for (int y = static_cast<int>(box.top()); y < static_cast<int>(box.bottom()); ++y)
                        for (int px = static_cast<int>(box.left()); px < static_cast<int>(box.right()); ++px)
                            ink += image.pixelColor(px, y).lightness() < 160;
                    QVERIFY2(ink >= 10, qPrintable(text));
                }
                QCOMPARE(drawn, expected);
            }
        }
    }

    void markerLabelsStackInsteadOfOverlapping()
    {
        RunController c(makeEngineFor);
        Scenario s = busyRun();
        s.duration = 3600 * kSecond;
        c.setScenario(s);
        c.setPace(1);
        ChartPanel panel(&c);
        panel.resize(1000, 800);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(c.start());
        QTRY_VERIFY(!c.intervalSamples().empty());
        // Three changes within a second, on different controls: three markers, one place.
        for (const char* key : {"workers", "rate", "latency"}) {
            s.workers += 1;
            c.setScenario(s, QString::fromLatin1(key), QStringLiteral("a"), QStringLiteral("b"));
        }
        QCOMPARE(c.markers().size(), std::size_t{3});
        panel.view(0)->grab();
        const QList<QRectF> boxes = panel.view(0)->labelBoxes();
        QCOMPARE(boxes.size(), 3);
        for (int i = 0; i < boxes.size(); ++i)
            for (int j = i + 1; j < boxes.size(); ++j)
                QVERIFY2(!boxes[i].intersects(boxes[j]),
                         qPrintable(QStringLiteral("%1 and %2").arg(i).arg(j)));
        c.cancel();
    }

    void pausesAreRecordedOnTheRunClock_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("real") << int(TimeMode::Real);
        QTest::newRow("virtual") << int(TimeMode::Virtual);
    }
    void pausesAreRecordedOnTheRunClock()
    {
        QFETCH(int, mode);
        RunController c(makeEngineFor);
        Scenario s = busyRun();
        s.timeMode = static_cast<TimeMode>(mode);
        s.duration = 3600 * kSecond;
        c.setScenario(s);
        c.setPace(1);
        QVERIFY(c.start());
        QTRY_VERIFY(c.snapshot().runNs > 50 * kMilli);
        c.pause();
        QCOMPARE(c.pauses().size(), std::size_t{1});
        QVERIFY(c.pauses().back().open);
        const double from = c.pauses().back().from;
        QCOMPARE(from, toSeconds(c.snapshot().runNs));
        if (static_cast<TimeMode>(mode) == TimeMode::Real) // the wall clock goes on while paused
            QTRY_VERIFY(c.pauses().back().to > from + 0.2);
        c.resume();
        QVERIFY(!c.pauses().back().open);
        QCOMPARE(c.pauses().back().from, from);
        if (static_cast<TimeMode>(mode) == TimeMode::Virtual)
            QCOMPARE(c.pauses().back().to, from); // simulated time stood still
        else
            QVERIFY(c.pauses().back().to > from + 0.2);
        c.cancel();
        c.reset();
        QVERIFY(c.pauses().empty());
    }
};

QTEST_MAIN(TstChartPanel)
#include "tst_chart_panel.moc"
