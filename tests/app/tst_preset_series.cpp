// SPDX-License-Identifier: GPL-3.0-or-later
// What a preset's description tells a learner to watch is in the window: each phrase
// below names a series (or a latency view) that the charts must have, and a preset
// that speaks of something the window does not show fails here.
#include "app/presets.h"
#include "core/virtual_engine.h"
#include "io/csv_export.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"

#include "tests/chart_pixels.h"
#include <QComboBox>
#include <QDir>

#include <QTest>
#include <QXYSeries>

using namespace poollab;

namespace {

struct Phrase
{
    const char* phrase; // lower case, as it may appear in a description
    const char* shown;  // the legend name of a series, or a latency view's item text
};

// Phrases that name something on the charts. Keep this table in step with the
// descriptions: a new thing to watch needs a row here.
const Phrase kPhrases[] = {
    {"queue depth", "queue depth"},
    {"the queue grows", "queue depth"},
    {"retries per second", "retries/s"},
    {"retries", "retries/s"},
    {"rejections", "rejected + dropped/s"},
    {"rejected", "rejected + dropped/s"},
    {"dropped", "rejected + dropped/s"},
    {"throttled", "throttled workers"},
    {"busy", "busy workers"},
    {"completions", "completed/s"},
    {"completion rate", "completed/s"},
    {"arrival rate", "arrived/s"},
    {"throughput", "completed/s"},
    {"in flight", "in flight"},
    {"in-flight", "in flight"},
    {"p50", "p50"},
    {"p95", "p95"},
    {"p99", "p99"},
    {"percentiles", "p99"},
    {"service time", "Service (on a worker)"},
    {"the wait", "Wait (in the queue)"},
    {"total latency", "Total (arrival to outcome)"},
    {"p99 uncorrected", "Total + p99 uncorrected"},
    // Not charted (yet): a description that promises them fails.
    {"throttle wait", "throttle wait"},
    {"token wait", "token wait"},
};

} // namespace

class TstPresetSeries : public QObject
{
    Q_OBJECT

private slots:
    void descriptionsSpeakOfWhatTheChartsShow_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("description");
        const QList<PresetInfo> presets = listPresets();
        QCOMPARE(presets.size(), 9);
        for (const PresetInfo& p : presets)
            QTest::newRow(qPrintable(p.id)) << p.id << p.description;
    }
    void descriptionsSpeakOfWhatTheChartsShow()
    {
        QFETCH(QString, id);
        QFETCH(QString, description);
        RunController controller(makeEngineFor);
        ChartPanel panel(&controller);
        QStringList shown;
        for (const QXYSeries* series : panel.allSeries())
            shown << series->name();
        for (const QComboBox* box : panel.findChildren<QComboBox*>())
            for (int i = 0; i < box->count(); ++i)
                shown << box->itemText(i);
        const QString text = description.toLower();
        int named = 0;
        for (const Phrase& p : kPhrases) {
            if (!text.contains(QLatin1String(p.phrase)))
                continue;
            ++named;
            QVERIFY2(shown.contains(QLatin1String(p.shown)),
                     qPrintable(QStringLiteral("'%1' speaks of \"%2\", but the window has no \"%3\"")
                                    .arg(id, QLatin1String(p.phrase), QLatin1String(p.shown))));
        }
        QVERIFY2(named > 0, qPrintable(id + QStringLiteral(": names nothing the charts show")));
    }

    // The hand-off preset says its queue depth is 0 or 1, never more: a producer holds
    // its job in the queue's one slot until a worker takes it.
    void handOffQueueDepthIsZeroOrOne()
    {
        Scenario s;
        QString error;
        QVERIFY2(loadPreset(QStringLiteral("handoff"), s, &error), qPrintable(error));
        QCOMPARE(s.queueCapacity, 0);
        s.timeMode = TimeMode::Virtual;
        VirtualEngine engine(s);
        engine.start();
        QVERIFY(engine.waitFinished(60 * kSecond));
        std::vector<Sample> rows;
        engine.samples(rows);
        QVERIFY(rows.size() > 5);
        std::int64_t deepest = 0;
        for (const Sample& r : rows)
            deepest = std::max(deepest, r.queueDepth);
        QCOMPARE(deepest, std::int64_t{1});
    }

    // The p95 line was invisible at these presets' rates: each percentile line that
    // differs from the others has pixels of its colour in the rendered plot.
    void percentileLinesShowAtThePresetsRates_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("distinct"); // percentile lines that differ from the others
        QTest::newRow("handoff") << QStringLiteral("handoff") << 3;
        // Constant arrivals and service in virtual time: every job takes the same
        // time, so p50 = p95 = p99 in every row of the CSV, and one line is right.
        QTest::newRow("overload-reject") << QStringLiteral("overload-reject") << 0;
        QTest::newRow("mmc-queue") << QStringLiteral("mmc-queue") << 3;
    }
    void percentileLinesShowAtThePresetsRates()
    {
        QFETCH(QString, id);
        QFETCH(int, distinct);
        Scenario s;
        QString error;
        QVERIFY2(loadPreset(id, s, &error), qPrintable(error));
        s.timeMode = TimeMode::Virtual;
        RunController c(makeEngineFor);
        c.setScenario(s);
        c.setPace(0);
        ChartPanel panel(&c);
        panel.setWindowSeconds(0);
        panel.resize(1200, 900);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(c.start());
        QTRY_VERIFY_WITH_TIMEOUT(c.isFinished(), 60000);
        panel.update();
        MarkedChartView* view = panel.view(2);
        QChart* chart = view->chart();
        const QImage image = view->grab().toImage().convertToFormat(QImage::Format_RGB32);
        const QRect plot = view->mapFromScene(chart->mapRectToScene(chart->plotArea()))
                               .boundingRect()
                               .adjusted(1, 1, -1, -1) &
                           image.rect();
        int checked = 0;
        for (QAbstractSeries* abstract : chart->series()) {
            auto* series = qobject_cast<QXYSeries*>(abstract);
            if (!series->isVisible())
                continue; // p99 uncorrected, drawn only when asked for
            QVERIFY(series->count() > 0);
            bool sameAsAnother = false;
            for (QAbstractSeries* other : chart->series())
                if (other != series && qobject_cast<QXYSeries*>(other)->points() == series->points())
                    sameAsAnother = true;
            if (sameAsAnother)
                continue;
            const QRgb colour = series->pen().color().rgb();
            const int found = test::pixelsNear(image, plot, colour);
            QVERIFY2(found >= 5, qPrintable(series->name() + QStringLiteral(": %1 pixels").arg(found)));
            ++checked;
        }
        QCOMPARE(checked, distinct);
    }

    // With POOLLAB_SCREENSHOT_DIR set: the window after a preset's run at each virtual
    // pace, saved as PNG beside the CSV that Export CSV writes, to look at side by side.
    void screenshots_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<double>("pace");
        QTest::addColumn<int>("window");
        QTest::addColumn<bool>("dark");
        QTest::newRow("signup-burst-max-whole") << QStringLiteral("signup-burst") << 0.0 << 0 << false;
        QTest::newRow("signup-burst-1000x-whole") << QStringLiteral("signup-burst") << 1000.0 << 0 << false;
        QTest::newRow("signup-burst-max-30s") << QStringLiteral("signup-burst") << 0.0 << 30 << false;
        QTest::newRow("mmc-queue-max-whole") << QStringLiteral("mmc-queue") << 0.0 << 0 << false;
        QTest::newRow("overload-reject-max-whole") << QStringLiteral("overload-reject") << 0.0 << 0 << false;
        QTest::newRow("retry-storm-max-whole-dark") << QStringLiteral("retry-storm") << 0.0 << 0 << true;
    }
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("POOLLAB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("POOLLAB_SCREENSHOT_DIR is not set");
        QFETCH(QString, id);
        QFETCH(double, pace);
        QFETCH(int, window);
        QFETCH(bool, dark);
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        Scenario s;
        QString error;
        QVERIFY2(loadPreset(id, s, &error), qPrintable(error));
        s.timeMode = TimeMode::Virtual;
        w.setScenario(s);
        w.controller()->setPace(pace);
        w.setTheme(dark ? Theme::Dark : Theme::Light);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.controller()->start());
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 120000);
        w.charts()->setWindowSeconds(window);
        QTest::qWait(300); // let the window paint: this is only for a person to look at
        const QString name = QDir(dir).filePath(QString::fromLatin1(QTest::currentDataTag()));
        QVERIFY(w.grab().save(name + QStringLiteral(".png")));
        const std::vector<Sample> rows = w.controller()->intervalSamples();
        QVERIFY2(exportTimeSeriesCsv(name + QStringLiteral(".csv"), rows, 0, &error), qPrintable(error));
    }

    // With POOLLAB_SCREENSHOT_DIR set: live changes and a pause on real threads, to
    // look at the markers' labels and the shaded pause.
    void screenshotOfChangesAndAPause()
    {
        const QString dir = qEnvironmentVariable("POOLLAB_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("POOLLAB_SCREENSHOT_DIR is not set");
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        MainWindow w(hooks);
        Scenario s;
        QString error;
        QVERIFY2(loadPreset(QStringLiteral("mmc-queue"), s, &error), qPrintable(error));
        s.sampleInterval = 250 * kMilli;
        w.setScenario(s);
        w.resize(1600, 1000);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunController* c = w.controller();
        QVERIFY(c->start());
        w.charts()->setWindowSeconds(30);
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot().runNs > 2 * kSecond, 10000);
        Scenario t = s;
        t.workers = 14;
        c->setScenario(t, QStringLiteral("workers"), QStringLiteral("10"), QStringLiteral("14"));
        t.rate = 100;
        c->setScenario(t, QStringLiteral("rate"), QStringLiteral("80/s"), QStringLiteral("100/s"));
        t.latency = "exp(50ms)";
        c->setScenario(t, QStringLiteral("latency"), QStringLiteral("exp(100ms)"),
                       QStringLiteral("exp(50ms)"));
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot().runNs > 4 * kSecond, 10000);
        c->pause();
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot().runNs > 6 * kSecond, 10000);
        c->resume();
        QTRY_VERIFY_WITH_TIMEOUT(c->snapshot().runNs > 9 * kSecond, 10000);
        QVERIFY(w.grab().save(QDir(dir).filePath(QStringLiteral("changes-and-pause.png"))));
        c->cancel();
    }
};

QTEST_MAIN(TstPresetSeries)
#include "tst_preset_series.moc"
