// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/experiment.h"
#include "core/scenario_fields.h"
#include "io/scenario_file.h"
#include "io/sweep_csv.h"
#include "tests/chart_pixels.h"
#include "ui/chart_legend.h"
#include "ui/engine_factory.h"
#include "ui/experiment_chart.h"
#include "ui/experiment_view.h"
#include "ui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QAreaSeries>
#include <QChartView>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QMenuBar>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScatterSeries>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

#include <cmath>
#include <limits>

using namespace poollab;

namespace {

// M/M/c at 10 jobs/s with a mean service of 200 ms (2 Erlangs): 1 and 2 workers are
// unstable, 3 and 4 are not. Small enough to run in a moment.
Scenario mmc(std::int64_t jobs = 300)
{
    Scenario s;
    s.name = "small M/M/c";
    s.timeMode = TimeMode::Real; // the view runs it in virtual time all the same
    s.workers = 2;
    s.queueCapacity = 100000;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 10;
    s.latency = "exp(200ms)";
    s.jobs = static_cast<std::uint64_t>(jobs);
    s.seed = 11;
    return s;
}

std::size_t indexOf(const char* key)
{
    return static_cast<std::size_t>(findExperimentMeasure(key) - experimentMeasures().data());
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// The workers 1:4 sweep, 3 replications, mean wait below 100 ms.
void setSmallSweep(ExperimentView& view)
{
    view.setBaseScenario(mmc());
    QVERIFY(view.setSweepField(QStringLiteral("workers")));
    view.setRange(QStringLiteral("1"), QStringLiteral("4"), QStringLiteral("1"));
    view.setReplications(3);
    view.setWarmup(QStringLiteral("0s"));
    QVERIFY(view.setMeasure(QStringLiteral("wait.mean")));
    view.setTarget(QStringLiteral("<"), QStringLiteral("100"));
}

} // namespace

class TstExperimentView : public QObject
{
    Q_OBJECT

private slots:
    void inputsBecomeTheCommandLinesTexts()
    {
        ExperimentView view;
        setSmallSweep(view);
        QCOMPARE(view.sweepText(), QStringLiteral("workers=1:4:1"));
        QCOMPARE(view.targetText(), QStringLiteral("wait.mean<100ms")); // the measure's unit added
        view.setTarget(QStringLiteral("<"), QStringLiteral("2s"));      // a unit of its own is kept
        QCOMPARE(view.targetText(), QStringLiteral("wait.mean<2s"));
        QVERIFY(view.setMeasure(QStringLiteral("loss")));
        view.setTarget(QStringLiteral("<"), QStringLiteral("1"));
        QCOMPARE(view.targetText(), QStringLiteral("loss<1%")); // a share is a percentage
        view.setValueList(QStringLiteral(" 4, 8 ,16 "));
        QCOMPARE(view.sweepText(), QStringLiteral("workers=4,8,16"));
        view.setTarget(QString(), QString());
        QVERIFY(view.targetText().isEmpty());
        QString error;
        const std::optional<ExperimentSpec> spec = view.spec(&error);
        QVERIFY2(spec, qPrintable(error));
        QCOMPARE(spec->sweep->values, (std::vector<double>{4, 8, 16}));
        QVERIFY(!spec->target);
        QCOMPARE(spec->scenario.timeMode, TimeMode::Virtual);
        QCOMPARE(spec->scenario.seed, std::uint64_t{11});
    }

    // The main window's preset changed while the dialog stayed open: Run takes the new
    // scenario but runs the range the user typed (it once ran a suggested one instead).
    void runKeepsTheTypedRangeWhenTheWindowsScenarioChanged()
    {
        Scenario window = mmc(50);
        window.name = "first";
        window.workers = 20;
        ExperimentView view;
        view.setScenarioSource([&window] { return window; });
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.sweepText(), QStringLiteral("workers=10:40:5")); // suggested around 20
        auto* from = view.findChild<QLineEdit*>(QStringLiteral("sweepFrom"));
        auto* to = view.findChild<QLineEdit*>(QStringLiteral("sweepTo"));
        auto* step = view.findChild<QLineEdit*>(QStringLiteral("sweepStep"));
        for (const auto& [edit, text] : {std::pair{from, "46"}, std::pair{to, "52"}, std::pair{step, "1"}}) {
            edit->selectAll();
            QTest::keyClicks(edit, QLatin1String(text)); // typed, as a user does
        }
        view.setReplications(2);
        view.setTarget(QString(), QString());
        window.name = "second"; // another preset picked in the main window
        window.workers = 8;
        window.rate = 12;
        QVERIFY(view.start());
        QCOMPARE(view.sweepText(), QStringLiteral("workers=46:52:1"));
        QCOMPARE(view.baseScenario().name, std::string("second"));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QCOMPARE(view.resultSpec()->sweep->values, (std::vector<double>{46, 47, 48, 49, 50, 51, 52}));
        QCOMPARE(view.result()->points[0].scenario.rate, 12.0);
        QVERIFY(view.findChild<QLabel*>(QStringLiteral("sweepFieldHelp"))
                    ->text()
                    .endsWith(QStringLiteral("The window's scenario has 8.")));
        // Shown again on yet another scenario: the typed range still stands...
        view.hide();
        window.name = "third";
        view.show();
        QCOMPARE(view.sweepText(), QStringLiteral("workers=46:52:1"));
        // ...until another field is chosen, whose suggestion is the new starting point.
        QVERIFY(view.setSweepField(QStringLiteral("queue_capacity")));
        QVERIFY(view.setSweepField(QStringLiteral("workers")));
        QCOMPARE(view.sweepText(), QStringLiteral("workers=4:16:2")); // around 8
        view.hide();
        window.name = "fourth";
        window.workers = 20;
        view.show(); // not typed: another scenario suggests again
        QCOMPARE(view.sweepText(), QStringLiteral("workers=10:40:5"));
    }

    void fitsTheSmallestScreenTheWindowFits()
    {
        // The main window fits 1024x640; its Experiment window must too, with its frame.
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        w.openExperiment();
        const QSize least = w.experimentDialog()->minimumSizeHint();
        QVERIFY2(least.width() <= 1000 && least.height() <= 600,
                 qPrintable(QStringLiteral("%1x%2").arg(least.width()).arg(least.height())));
    }

    void onlyFieldsTheCommandLineSweeps()
    {
        ExperimentView view;
        auto* box = view.findChild<QComboBox*>(QStringLiteral("sweepField"));
        QVERIFY(box);
        QStringList keys;
        for (int i = 0; i < box->count(); ++i)
            keys << box->itemData(i).toString();
        // Numeric fields, durations included; not the seed (replications own it), not
        // words or text.
        for (const char* key : {"workers", "queue_capacity", "rate", "jobs", "think_time", "failure_rate"})
            QVERIFY2(keys.contains(QLatin1String(key)), key);
        for (const char* key : {"seed", "overflow", "latency", "name", "time_mode"})
            QVERIFY2(!keys.contains(QLatin1String(key)), key);
        QCOMPARE(box->currentData().toString(), QStringLiteral("workers"));
        // Measures: all of experimentMeasures(), in order.
        auto* measures = view.findChild<QComboBox*>(QStringLiteral("measure"));
        QCOMPARE(measures->count(), static_cast<int>(experimentMeasures().size()));
        QCOMPARE(measures->itemData(0).toString(), QString::fromUtf8(experimentMeasures()[0].key));
    }

    void aSmallSweepRunsToTheEndAndIsDrawnAsComputed()
    {
        ExperimentView view;
        view.resize(900, 640);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        setSmallSweep(view);
        QString error;
        const std::optional<ExperimentSpec> spec = view.spec(&error);
        QVERIFY2(spec, qPrintable(error));
        QVERIFY(view.start());
        QVERIFY(view.isRunning());
        QVERIFY(!view.runButton()->isEnabled());
        QVERIFY(view.cancelButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QVERIFY(view.runButton()->isEnabled());
        QVERIFY(!view.cancelButton()->isEnabled());
        QVERIFY(view.errorText().isEmpty());
        QVERIFY2(view.progressText().startsWith(QStringLiteral("Done \u00b7 12 runs in ")),
                 qPrintable(view.progressText()));

        // The same numbers as the engine gives for the same spec (common seeds: deterministic).
        const ExperimentResult expected = runExperiment(*spec);
        const ExperimentResult* r = view.result();
        QVERIFY(r);
        QVERIFY(!r->cancelled);
        QCOMPARE(r->points.size(), std::size_t{4});
        const std::size_t m = indexOf("wait.mean");
        for (std::size_t i = 0; i < 4; ++i) {
            QCOMPARE(r->points[i].value, double(i + 1));
            QCOMPARE(r->points[i].estimates[m].mean, expected.points[i].estimates[m].mean);
            QCOMPARE(r->points[i].estimates[m].ci95.low, expected.points[i].estimates[m].ci95.low);
            QCOMPARE(r->points[i].estimates[m].ci95.high, expected.points[i].estimates[m].ci95.high);
        }
        QCOMPARE(r->answer, expected.answer);
        QVERIFY(r->answer); // 4 workers wait about 17 ms, well under 100 ms

        // The chart: exactly the points' means and intervals, the band between them.
        ExperimentChart* chart = view.chart();
        QCOMPARE(chart->meanSeries()->count(), 4);
        QCOMPARE(chart->bandSeries()->upperSeries(), chart->highSeries());
        QCOMPARE(chart->bandSeries()->lowerSeries(), chart->lowSeries());
        for (int i = 0; i < 4; ++i) {
            const Estimate& e = r->points[static_cast<std::size_t>(i)].estimates[m];
            QCOMPARE(chart->meanSeries()->at(i), QPointF(i + 1, e.mean));
            QCOMPARE(chart->lowSeries()->at(i), QPointF(i + 1, e.ci95.low));
            QCOMPARE(chart->highSeries()->at(i), QPointF(i + 1, e.ci95.high));
            QVERIFY(e.ci95.low <= e.mean && e.mean <= e.ci95.high);
        }
        // Theory where it applies: 3 and 4 workers (1 and 2 are unstable: no finite wait).
        QCOMPARE(chart->theorySeries()->count(), 2);
        for (int i = 0; i < 2; ++i) {
            const ExperimentPoint& p = r->points[static_cast<std::size_t>(i + 2)];
            QVERIFY(p.theory.applies);
            QCOMPARE(chart->theorySeries()->at(i), QPointF(i + 3, p.theory.metrics.meanWait * 1000));
        }
        // The target across the whole axis.
        QCOMPARE(chart->targetSeries()->count(), 2);
        QCOMPARE(chart->targetSeries()->at(0), QPointF(chart->xAxis()->min(), 100));
        QCOMPARE(chart->targetSeries()->at(1), QPointF(chart->xAxis()->max(), 100));
        // Every point and the target inside the axes.
        QVERIFY(chart->xAxis()->min() < 1 && chart->xAxis()->max() > 4);
        QVERIFY(chart->yAxis()->max() > 100);
        for (int i = 0; i < 4; ++i)
            QVERIFY(chart->highSeries()->at(i).y() <= chart->yAxis()->max());

        // The answer: a marker at its value and mean, a label, a sentence.
        const ExperimentPoint& a = r->points[*r->answer];
        QCOMPARE(chart->answerSeries()->count(), 1);
        QCOMPARE(chart->answerSeries()->at(0), QPointF(a.value, a.estimates[m].mean));
        const QString estimate = estimateText(*findExperimentMeasure("wait.mean"), a.estimates[m]);
        QCOMPARE(chart->answerLabel(), QStringLiteral("%1 workers: %2").arg(a.value).arg(estimate));
        QVERIFY(
            view.answerText().startsWith(QStringLiteral("%1 workers is the smallest value that meets mean "
                                                        "wait < 100 ms: %2")
                                             .arg(a.value)
                                             .arg(estimate)));
        QVERIFY(view.answerText().contains(QStringLiteral("Theory (M/M/c) predicts")));
        auto* sentence = view.findChild<QLabel*>(QStringLiteral("experimentAnswer"));
        QCOMPARE(sentence->text(), view.answerText());
        // The label is drawn inside the plot, beside its marker.
        chart->view()->viewport()->repaint();
        QTRY_VERIFY(!chart->answerLabelBox().isEmpty());
        QVERIFY(chart->chart()->plotArea().adjusted(-1, -1, 1, 1).contains(chart->answerLabelBox()));
        // The legend names what is drawn.
        QStringList legend;
        for (const LegendEntry& e : chart->header()->entries())
            legend << e.text;
        QCOMPARE(legend, (QStringList{QStringLiteral("mean over replications"),
                                      QStringLiteral("95 % interval"), QStringLiteral("theory (M/M/c)"),
                                      QStringLiteral("target < 100 ms"), QStringLiteral("answer")}));
    }

    // A sweep whose middle values have no estimate: at 3 no replication observed the
    // measure (no mean), at 4 some did not (a mean, no interval). The band breaks at 3
    // and 4, the mean line at 3: nothing is drawn across them, as series and as pixels.
    void theBandAndTheLineBreakWhereThereIsNoEstimate()
    {
        const double none = std::numeric_limits<double>::quiet_NaN();
        const std::size_t m = indexOf("wait.mean");
        ExperimentResult result;
        const auto point = [&](double x, double mean, double low, double high, int observed) {
            ExperimentPoint p;
            p.value = x;
            p.runs.resize(3);
            p.estimates.resize(experimentMeasures().size());
            p.estimates[m] = Estimate{mean, {low, high}, observed, 3 - observed};
            result.points.push_back(p);
        };
        point(1, 40, 30, 50, 3);
        point(2, 42, 32, 52, 3);
        point(3, none, none, none, 0);
        point(4, 45, none, none, 2);
        point(5, 40, 30, 50, 3);
        point(6, 38, 28, 48, 3);
        const ScenarioField* workers = findScenarioField("workers");
        ExperimentChart chart;
        chart.resize(900, 500);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.plot(result, workers, *findExperimentMeasure("wait.mean"), std::nullopt);

        // As series: two band segments (1-2, 5-6), two line segments (1-2, 4-6).
        QCOMPARE(chart.bandSegments().size(), 2u);
        QCOMPARE(chart.bandSegments()[0]->upperSeries()->points(), (QList<QPointF>{{1, 50}, {2, 52}}));
        QCOMPARE(chart.bandSegments()[0]->lowerSeries()->points(), (QList<QPointF>{{1, 30}, {2, 32}}));
        QCOMPARE(chart.bandSegments()[1]->upperSeries()->points(), (QList<QPointF>{{5, 50}, {6, 48}}));
        QCOMPARE(chart.bandSegments()[1]->lowerSeries()->points(), (QList<QPointF>{{5, 30}, {6, 28}}));
        QCOMPARE(chart.meanSegments().size(), 2u);
        QCOMPARE(chart.meanSegments()[0]->points(), (QList<QPointF>{{1, 40}, {2, 42}}));
        QCOMPARE(chart.meanSegments()[1]->points(), (QList<QPointF>{{4, 45}, {5, 40}, {6, 38}}));
        QCOMPARE(chart.meanSeries(), chart.meanSegments()[0]);
        QCOMPARE(chart.bandSeries(), chart.bandSegments()[0]);
        // Every value keeps its place on x, the one without an estimate too.
        QVERIFY(chart.xAxis()->min() < 1 && chart.xAxis()->max() > 6);

        // As pixels: a strip of the plot at x from 2.3 to 3.7 has neither the line's
        // colour nor the band's; one from 4.3 to 4.7 the line's only; 5.3 to 5.7 both.
        chart.view()->viewport()->repaint();
        QApplication::processEvents();
        const QImage image = chart.view()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        if (!qEnvironmentVariableIsEmpty("POOLLAB_GAP_PNG"))
            image.save(qEnvironmentVariable("POOLLAB_GAP_PNG"));
        QChart* c = chart.chart();
        const auto at = [&](double x, double y) {
            return chart.view()->mapFromScene(c->mapToScene(c->mapToPosition(QPointF(x, y))));
        };
        const QRect plot = chart.view()
                               ->mapFromScene(c->mapRectToScene(c->plotArea()))
                               .boundingRect()
                               .adjusted(1, 1, -1, -1);
        const auto strip = [&](double x0, double x1) {
            return QRect(QPoint(at(x0, 0).x(), plot.top()), QPoint(at(x1, 0).x(), plot.bottom()));
        };
        // Where a band would be, below the line (its antialiased edge is bluish too).
        const auto bandStrip = [&](double x0, double x1) { return QRect(at(x0, 39), at(x1, 31)); };
        // The band's fill as drawn (over the background): a quarter of the way up the
        // band at 1.5, away from its edges and from the mean line.
        const QRgb band = image.pixel(at(1.5, 36));
        const QRgb line = chart.meanSeries()->pen().color().rgb();
        QVERIFY2(band != image.pixel(at(3, 36)), "the band's fill is not the background");
        QCOMPARE(test::pixelsNear(image, strip(2.3, 3.7), line), 0);
        QCOMPARE(test::pixelsNear(image, strip(2.3, 3.7), band, 6), 0);
        QVERIFY(test::pixelsNear(image, strip(4.3, 4.7), line) > 5);
        QCOMPARE(test::pixelsNear(image, bandStrip(4.3, 4.7), band, 6), 0);
        QVERIFY(test::pixelsNear(image, strip(5.3, 5.7), line) > 5);
        const QRect filled = bandStrip(5.3, 5.7);
        QVERIFY(test::pixelsNear(image, filled, band, 6) > filled.width() * filled.height() / 2);

        // A result where every value has an estimate is one segment again.
        result.points.erase(result.points.begin() + 2, result.points.begin() + 4);
        chart.plot(result, workers, *findExperimentMeasure("wait.mean"), std::nullopt);
        QCOMPARE(chart.bandSegments().size(), 1u);
        QCOMPARE(chart.meanSegments().size(), 1u);
        QCOMPARE(chart.meanSeries()->count(), 4);
    }

    void anIntervalAloneIsDrawn_data()
    {
        QTest::addColumn<bool>("meansAround"); // the values around it have a mean, else nothing
        QTest::newRow("alone") << false;
        QTest::newRow("between means") << true;
    }
    // A sweep whose middle value alone has an interval: its band, one point, is drawn
    // as a narrow band about it (a QAreaSeries of one point draws nothing), and its
    // mean, alone too when nothing is observed around it, as a marker.
    void anIntervalAloneIsDrawn()
    {
        QFETCH(bool, meansAround);
        const double none = std::numeric_limits<double>::quiet_NaN();
        const std::size_t m = indexOf("wait.mean");
        ExperimentResult result;
        for (int x = 1; x <= 5; ++x) {
            ExperimentPoint p;
            p.value = x;
            p.runs.resize(3);
            p.estimates.resize(experimentMeasures().size());
            if (x == 3)
                p.estimates[m] = Estimate{45, {35, 55}, 3, 0};
            else
                p.estimates[m] =
                    meansAround ? Estimate{44, {none, none}, 2, 1} : Estimate{none, {none, none}, 0, 3};
            result.points.push_back(p);
        }
        ExperimentChart chart;
        chart.resize(900, 500);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.plot(result, findScenarioField("workers"), *findExperimentMeasure("wait.mean"), std::nullopt);

        // As series: one band, 1.5 % of the values' span wide, centred on 3.
        const double half = (5 - 1) * 0.015 / 2;
        QCOMPARE(chart.bandSegments().size(), 1u);
        QCOMPARE(chart.bandSeries()->upperSeries()->points(),
                 (QList<QPointF>{{3 - half, 55}, {3 + half, 55}}));
        QCOMPARE(chart.bandSeries()->lowerSeries()->points(),
                 (QList<QPointF>{{3 - half, 35}, {3 + half, 35}}));
        QCOMPARE(chart.meanSegments().size(), 1u);
        QCOMPARE(chart.meanSeries()->points(),
                 meansAround ? (QList<QPointF>{{1, 44}, {2, 44}, {3, 45}, {4, 44}, {5, 44}})
                             : (QList<QPointF>{{3, 45}}));

        // As pixels: the band's colour between the interval's low and the mean at 3, and
        // not beside it; the mean's marker at (3, 45).
        chart.view()->viewport()->repaint();
        QApplication::processEvents();
        const QImage image = chart.view()->grab().toImage().convertToFormat(QImage::Format_RGB32);
        if (!qEnvironmentVariableIsEmpty("POOLLAB_LONE_PNG"))
            image.save(qEnvironmentVariable("POOLLAB_LONE_PNG").arg(QLatin1String(QTest::currentDataTag())));
        QChart* c = chart.chart();
        const auto at = [&](double x, double y) {
            return chart.view()->mapFromScene(c->mapToScene(c->mapToPosition(QPointF(x, y))));
        };
        // 1 to 3 pixels right of x = 3, from 36 to 41 (the marker's radius is 4 pixels):
        // the band's fill (over the background) but for a grid line; none of it at 2.5.
        const QRect band(at(3, 41) + QPoint(1, 0), at(3, 36) + QPoint(3, 0)); // beside the grid line at 3
        QVERIFY(band.height() > 10);
        const QRgb fill = image.pixel(at(3, 38) + QPoint(2, 0));
        QVERIFY2(fill != image.pixel(at(2.5, 38)), "the band's fill is not the background");
        const int filled = test::pixelsNear(image, band, fill, 6);
        QVERIFY2(filled >= band.width() * (band.height() - 2),
                 qPrintable(QStringLiteral("%1 of %2x%3").arg(filled).arg(band.width()).arg(band.height())));
        QCOMPARE(test::pixelsNear(image, band.translated(at(2.5, 0).x() - at(3, 0).x(), 0), fill, 6), 0);
        const QRgb line = chart.meanSeries()->pen().color().rgb();
        const QPoint mean = at(3, 45);
        QVERIFY(test::pixelsNear(image, QRect(mean - QPoint(3, 3), mean + QPoint(3, 3)), line) > 10);
    }

    void noValueMeetingTheTargetIsSaidPlainly()
    {
        ExperimentView view;
        setSmallSweep(view);
        view.setRange(QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("1"));
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QVERIFY(view.result() && !view.result()->answer);
        QCOMPARE(view.chart()->answerSeries()->count(), 0);
        QVERIFY(view.chart()->answerLabel().isEmpty());
        QCOMPARE(
            view.answerText(),
            QStringLiteral("No value from 1 workers to 2 workers meets mean wait < 100 ms with its whole "
                           "95 % interval."));
    }

    void cancelKeepsTheFinishedPointsAndReenablesTheInputs()
    {
        ExperimentView view;
        view.show();
        // Long enough to be cancelled half way: 40 points of 20 replications of 50,000 jobs.
        view.setBaseScenario(mmc(50000));
        view.setRange(QStringLiteral("3"), QStringLiteral("42"), QStringLiteral("1"));
        view.setReplications(20);
        view.setTarget(QString(), QString());
        // Two threads, whatever the machine: 25 runs done then means the first value's 20
        // are (runs are handed out in order and take about as long as each other); with
        // one thread per core, 20 cores would still be on the first value's runs.
        view.setThreads(2);
        QVERIFY(view.start());
        // The window keeps going while it runs: the timer shows progress.
        QTRY_VERIFY_WITH_TIMEOUT(view.runsDone() >= 25, 60000);
        QVERIFY(view.isRunning());
        QVERIFY(view.progressText().contains(QStringLiteral(" of 800 runs \u00b7 ETA ")));
        view.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 20000);
        const ExperimentResult* r = view.result();
        QVERIFY(r);
        QVERIFY(r->cancelled);
        QVERIFY(r->points.size() >= 1);
        QVERIFY(r->points.size() < 40);
        QVERIFY(view.progressText().startsWith(QStringLiteral("Cancelled \u00b7 ")));
        QVERIFY(view.answerText().startsWith(
            QStringLiteral("Cancelled: %1 of 40 values finished.").arg(r->points.size())));
        // The finished points are drawn, and the inputs are back.
        QCOMPARE(view.chart()->meanSeries()->count(), static_cast<int>(r->points.size()));
        QVERIFY(view.runButton()->isEnabled());
        QVERIFY(!view.cancelButton()->isEnabled());
        QVERIFY(view.findChild<QComboBox*>(QStringLiteral("sweepField"))->isEnabled());
        QVERIFY(view.findChild<QPushButton*>(QStringLiteral("exportSweepCsv"))->isEnabled());
    }

    void badInputNamesTheProblemAndDoesNotStart_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("step");
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("warmup");
        QTest::addColumn<QString>("measure");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("expected");
        const QString ok = QStringLiteral("1");
        QTest::newRow("from out of range")
            << QStringLiteral("0") << QStringLiteral("4") << ok << QString() << QString() << "wait.mean"
            << QString() << "Sweep: workers: 0 is out of range; allowed: 1 to 100000";
        QTest::newRow("step 0") << ok << QStringLiteral("4") << QStringLiteral("0") << QString() << QString()
                                << "wait.mean" << QString() << "Sweep: workers: the step '0' must be above 0";
        QTest::newRow("not a number")
            << ok << QStringLiteral("four") << ok << QString() << QString() << "wait.mean" << QString()
            << "Sweep: workers: 'four' is not a whole number";
        QTest::newRow("list out of range")
            << QString() << QString() << QString() << QStringLiteral("4,200000") << QString() << "wait.mean"
            << QString() << "Sweep: workers: 200000 is out of range; allowed: 1 to 100000";
        QTest::newRow("warm-up") << ok << QStringLiteral("4") << ok << QString() << QStringLiteral("soon")
                                 << "wait.mean" << QString()
                                 << "Warm-up: 'soon' is not a duration; allowed: a duration from 0ms to 24h";
        QTest::newRow("target without a value")
            << ok << QStringLiteral("4") << ok << QString() << QString() << "wait.mean" << QStringLiteral(" ")
            << "Target: enter the value the mean wait (ms) must stay below";
        QTest::newRow("target not a number")
            << ok << QStringLiteral("4") << ok << QString() << QString() << "wait.mean"
            << QStringLiteral("soon") << "Target: 'soon' is not a number with a unit; e.g. wait.mean<100ms";
        QTest::newRow("share above 100 %")
            << ok << QStringLiteral("4") << ok << QString() << QString() << "loss" << QStringLiteral("150")
            << "Target: loss is a share: '150%' is out of range; allowed: 0% to 100%";
    }
    void badInputNamesTheProblemAndDoesNotStart()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, step);
        QFETCH(QString, list);
        QFETCH(QString, warmup);
        QFETCH(QString, measure);
        QFETCH(QString, target);
        QFETCH(QString, expected);
        ExperimentView view;
        view.show();
        view.setBaseScenario(mmc());
        if (list.isEmpty())
            view.setRange(from, to, step);
        else
            view.setValueList(list);
        view.setWarmup(warmup);
        QVERIFY(view.setMeasure(measure));
        view.setTarget(target.isNull() ? QString() : QStringLiteral("<"), target);
        QVERIFY(!view.start());
        QVERIFY(!view.isRunning());
        QVERIFY(!view.result());
        QVERIFY2(view.errorText().startsWith(expected), qPrintable(view.errorText()));
        auto* label = view.findChild<QLabel*>(QStringLiteral("experimentError"));
        QVERIFY(label->isVisible());
        // Corrected, it starts, and the error goes.
        view.setRange(QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("1"));
        view.setWarmup(QStringLiteral("1s"));
        view.setTarget(QString(), QString());
        QVERIFY(view.start());
        QVERIFY(view.errorText().isEmpty());
        QVERIFY(!label->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
    }

    void aWarmupLongerThanTheRunsIsPointedOut()
    {
        ExperimentView view;
        setSmallSweep(view);
        view.setRange(QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("1"));
        view.setWarmup(QStringLiteral("10m")); // 300 jobs at 10/s last about 30 s
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QVERIFY2(view.answerText().endsWith(
                     QStringLiteral("6 of 6 replications observed nothing after the warm-up (10m) at "
                                    "workers 3, 4: in 6 the run ended before the warm-up; those "
                                    "measures have no interval there (null) and meet no target, and "
                                    "their means are over the replications that observed them (null "
                                    "when none did); use a shorter warm-up or more jobs.")),
                 qPrintable(view.answerText()));
    }

    void aDurationFieldIsSweptInSeconds()
    {
        // A closed model: 10 clients thinking between jobs; more thinking, less throughput.
        Scenario s = mmc(0);
        s.arrival = ArrivalKind::Closed;
        s.clients = 10;
        s.thinkTime = kSecond;
        s.duration = 60 * kSecond;
        s.workers = 10; // no wait: each client's cycle is its think time and a 200 ms job
        ExperimentView view;
        view.show();
        view.setBaseScenario(s);
        QVERIFY(view.setSweepField(QStringLiteral("think_time")));
        view.setRange(QStringLiteral("500ms"), QStringLiteral("2s"), QStringLiteral("500ms"));
        view.setReplications(5);
        QVERIFY(view.setMeasure(QStringLiteral("throughput")));
        view.setTarget(QStringLiteral(">"), QStringLiteral("6"));
        QCOMPARE(view.targetText(), QStringLiteral("throughput>6")); // a rate takes a plain number
        QVERIFY2(view.start(), qPrintable(view.errorText()));
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        const ExperimentResult* r = view.result();
        QCOMPARE(r->points.size(), std::size_t{4});
        ExperimentChart* chart = view.chart();
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(r->points[static_cast<std::size_t>(i)].scenario.thinkTime, (i + 1) * 500 * kMilli);
            QCOMPARE(chart->meanSeries()->at(i).x(), 0.5 * (i + 1)); // seconds, as --sweep-csv has them
        }
        QCOMPARE(chart->xAxis()->titleText(), QStringLiteral("Think time (s)"));
        QCOMPARE(chart->yAxis()->titleText(), QStringLiteral("throughput (jobs/s)"));
        // 10 clients at 1/(0.2 s + think): 14.3 jobs/s at 500ms, 8.3 at 1s, 5.9 at 1.5s.
        const std::size_t m = indexOf("throughput");
        for (std::size_t i = 0; i < 4; ++i)
            QVERIFY(std::abs(r->points[i].estimates[m].mean - 10 / (0.2 + 0.5 * double(i + 1))) < 0.2);
        QVERIFY(r->answer);
        QCOMPARE(r->points[*r->answer].value, 0.5); // the smallest value meeting the target
        QVERIFY(chart->answerLabel().startsWith(QStringLiteral("think time 500ms: ")));
    }

    void aPointThatIsNoScenarioIsRefused()
    {
        // Poisson arrivals at rate 0 arrive never: the scenario checks say so for that point.
        ExperimentView view;
        view.setBaseScenario(mmc());
        QVERIFY(view.setSweepField(QStringLiteral("rate")));
        view.setValueList(QStringLiteral("0,5"));
        QVERIFY(!view.start());
        QVERIFY2(view.errorText().startsWith(QStringLiteral("At 0 jobs/s: ")), qPrintable(view.errorText()));
    }

    void exportsTheChartAsPng()
    {
        ExperimentView view;
        view.resize(900, 640);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        setSmallSweep(view);
        QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("exportExperimentImage"))->isEnabled());
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QVERIFY(view.findChild<QPushButton*>(QStringLiteral("exportExperimentImage"))->isEnabled());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("experiment"));
        QVERIFY2(view.exportImage(path), qPrintable(view.lastError()));
        QImage image(path + QStringLiteral(".png")); // the extension is added
        QVERIFY(!image.isNull());
        // The chart under a line saying what ran.
        QCOMPARE(image.width(), qRound(view.plotArea()->width() * view.plotArea()->devicePixelRatioF()));
        QVERIFY(image.height() > view.plotArea()->height() * view.plotArea()->devicePixelRatioF());
        // Nothing but the file: the write went through a temporary that was renamed.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("experiment.png")});
        QVERIFY(!view.exportImage(dir.filePath(QStringLiteral("no such folder/x.png"))));
        QVERIFY(view.lastError().contains(QStringLiteral("no such folder")));
    }

    void exportsTheSweepCsvTheCommandLineWrites()
    {
        ExperimentView view;
        setSmallSweep(view);
        view.setWarmup(QStringLiteral("2s"));
        QVERIFY(!view.exportSweepCsv(QDir::temp().filePath(QStringLiteral("never.csv"))));
        QCOMPARE(view.lastError(), QStringLiteral("Nothing to export: run an experiment first."));
        QVERIFY(view.start());
        QTRY_VERIFY_WITH_TIMEOUT(!view.isRunning(), 60000);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sweep.csv"));
        QVERIFY2(view.exportSweepCsv(path), qPrintable(view.lastError()));
        const QByteArray bytes = readAll(path);
        QCOMPARE(bytes, sweepToCsv(*view.resultSpec()->sweep, *view.result()));
        QVERIFY(bytes.startsWith("workers,wait.mean,wait.mean.low,wait.mean.high,"));
        QCOMPARE(bytes.count("\r\n"), 5); // the header and the four points

        // The command line, given the same scenario and the texts the inputs make.
        const QString scenario = dir.filePath(QStringLiteral("scenario.json"));
        QFile file(scenario);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(scenarioToJson(view.baseScenario()));
        file.close();
        const QString cliCsv = dir.filePath(QStringLiteral("cli.csv"));
        QProcess cli;
        cli.start(QStringLiteral(POOLLAB_BINARY),
                  {QStringLiteral("--headless"), QStringLiteral("--scenario"), scenario,
                   QStringLiteral("--sweep"), view.sweepText(), QStringLiteral("--replications"),
                   QStringLiteral("3"), QStringLiteral("--warmup"), QStringLiteral("2s"),
                   QStringLiteral("--target"), view.targetText(), QStringLiteral("--sweep-csv"), cliCsv,
                   QStringLiteral("--quiet")});
        QVERIFY(cli.waitForFinished(60000));
        QVERIFY2(cli.exitCode() == 0, cli.readAllStandardError().constData());
        QCOMPARE(readAll(cliCsv), bytes);
    }

    void theRunMenuOpensItOnTheWindowsScenario()
    {
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        Scenario s = mmc();
        s.name = "the window's own";
        s.workers = 6;
        w.setScenario(s);
        QAction* open = w.action(QStringLiteral("experiment"));
        QVERIFY(open);
        QCOMPARE(open->shortcut(), QKeySequence(Qt::Key_F8));
        QMenu* runMenu = nullptr;
        for (QAction* a : w.menuBar()->actions())
            if (a->menu() && a->text() == QStringLiteral("&Run"))
                runMenu = a->menu();
        QVERIFY(runMenu && runMenu->actions().contains(open));
        QVERIFY(!w.experimentDialog());
        open->trigger();
        QVERIFY(w.experimentDialog() && w.experimentDialog()->isVisible());
        ExperimentView* view = w.experimentView();
        QCOMPARE(view->baseScenario().name, std::string("the window's own"));
        QCOMPARE(view->baseScenario().workers, 6);
        QCOMPARE(view->baseScenario().timeMode, TimeMode::Virtual);
        QCOMPARE(view->sweepText(), QStringLiteral("workers=3:12:1")); // half to twice the window's 6
        // An edit in the window is what the next experiment starts from.
        s.rate = 7;
        w.setScenario(s);
        view->setRange(QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("1"));
        view->setReplications(2);
        QVERIFY(view->start());
        QCOMPARE(view->baseScenario().rate, 7.0);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRunning(), 60000);
        QCOMPARE(view->result()->points[0].scenario.rate, 7.0);
        // Hidden (not closed) while it runs, it says how it ended in the window's status bar.
        w.experimentDialog()->hide();
        QVERIFY(view->start());
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRunning(), 60000);
        QCOMPARE(w.statusBar()->currentMessage(), QStringLiteral("Experiment: ") + view->answerText());
        QVERIFY(!view->result()->cancelled);
        // The theme follows the window's.
        w.setTheme(Theme::Dark);
        QCOMPARE(view->chart()->chart()->theme(), QChart::ChartThemeDark);
        w.setTheme(Theme::Light);
    }

    void closingTheDialogCancelsTheExperiment()
    {
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        w.setScenario(mmc(50000));
        w.openExperiment();
        ExperimentView* view = w.experimentView();
        view->setRange(QStringLiteral("3"), QStringLiteral("42"), QStringLiteral("1"));
        view->setReplications(1000); // 40,000 runs: long after the test if it went on
        view->setTarget(QString(), QString());
        QVERIFY(view->start());
        QTRY_VERIFY_WITH_TIMEOUT(view->runsDone() > 0, 60000);
        w.experimentDialog()->close(); // the title bar's close button
        QVERIFY(!w.experimentDialog()->isVisible());
        QCOMPARE(w.statusBar()->currentMessage(),
                 QStringLiteral("Experiment cancelled: its window was closed."));
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRunning(), 20000);
        QVERIFY(view->result()->cancelled);
        QVERIFY(view->result()->points.size() < 40);
        QCOMPARE(w.statusBar()->currentMessage(), QStringLiteral("Experiment: ") + view->answerText());
        QVERIFY(view->answerText().startsWith(QStringLiteral("Cancelled: ")));
    }

    void closingTheWindowStopsARunningExperiment()
    {
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        auto w = std::make_unique<MainWindow>(hooks);
        w->setScenario(mmc(50000));
        w->openExperiment();
        ExperimentView* view = w->experimentView();
        view->setRange(QStringLiteral("3"), QStringLiteral("42"), QStringLiteral("1"));
        // 40,000 runs of 50,000 jobs: many minutes on any machine if it were not stopped.
        view->setReplications(1000);
        QVERIFY(view->start());
        QTRY_VERIFY_WITH_TIMEOUT(view->runsDone() > 0, 60000);
        QCOMPARE(view->runsTotal(), 40000);
        QPointer<ExperimentView> alive(view);
        QElapsedTimer closing;
        closing.start();
        w.reset(); // the view cancels and waits for its thread: nothing outlives the window
        QVERIFY(alive.isNull());
        // A cancel is looked at every 20 ms of a run: the close takes a moment, where
        // joining without cancelling would take the whole experiment. Generous for
        // sanitizers and a loaded machine.
        QVERIFY2(closing.elapsed() < 10000, qPrintable(QString::number(closing.elapsed())));
    }

    // The README's picture (scripts/experiment-screenshot.sh), the README's second sizing
    // question asked in the window: signups arriving at 90 a second (Poisson), 500 ms each
    // on average (exponential); how many workers keep the p99 wait under 1 s? The signup
    // preset with the README command's flags. Saved into POOLLAB_SHOT_DIR when it is set.
    void readmeScreenshot()
    {
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (out.isEmpty())
            QSKIP("POOLLAB_SHOT_DIR is not set");
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        const bool dark = qEnvironmentVariable("POOLLAB_SHOT_THEME") == QLatin1String("dark");
        w.setTheme(dark ? Theme::Dark : Theme::Light);
        Scenario s;
        s.name = "Signup burst";
        s.workers = 20;
        s.queueCapacity = 1000000;
        s.latency = "exp(500ms)";
        s.arrival = ArrivalKind::Poisson;
        s.rate = 90;
        s.jobs = 500000;
        s.seed = 1;
        w.setScenario(s);
        w.openExperiment();
        QDialog* dialog = w.experimentDialog();
        dialog->resize(1000, 700);
        ExperimentView* view = w.experimentView();
        view->setRange(QStringLiteral("46"), QStringLiteral("52"), QStringLiteral("1"));
        view->setReplications(10);
        view->setWarmup(QStringLiteral("60s"));
        QVERIFY(view->setMeasure(QStringLiteral("wait.p99")));
        view->setTarget(QStringLiteral("<"), QStringLiteral("1s"));
        QVERIFY(view->start());
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRunning(), 300000);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QCoreApplication::processEvents();
        const QString name = dark ? QStringLiteral("screenshot-experiment-dark.png")
                                  : QStringLiteral("screenshot-experiment.png");
        QVERIFY(dialog->grab().save(QDir(out).filePath(name)));
        // What the picture should show, to check it against.
        const ExperimentResult* r = view->result();
        const ExperimentMeasure* p99 = findExperimentMeasure("wait.p99");
        const std::size_t m = indexOf("wait.p99");
        for (const ExperimentPoint& p : r->points)
            qInfo("%g workers: %.1f [%.1f, %.1f] theory %.1f", p.value, p.estimates[m].mean,
                  p.estimates[m].ci95.low, p.estimates[m].ci95.high,
                  p.theory.applies ? p99->predicted(p.theory.metrics).value_or(-1) : -1.0);
        qInfo("%s", qPrintable(view->answerText()));
        // The README's command line answers 48 (666.1 ms [625.7, 706.4]) with the same seeds.
        QVERIFY(r->answer);
        QCOMPARE(r->points[*r->answer].value, 48.0);
    }
};

QTEST_MAIN(TstExperimentView)
#include "tst_experiment_view.moc"
