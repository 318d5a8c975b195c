// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/queueing_theory.h"
#include "io/csv_export.h"
#include "io/run_compare.h"
#include "io/run_store.h"
#include "io/summary_json.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/percentile_chart.h"
#include "ui/runs_panel.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardItemModel>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace poollab;

namespace {

// A small virtual-time burst: done in a moment, the same every time.
Scenario quickBurst(int workers = 4)
{
    Scenario s;
    s.name = "quick burst";
    s.timeMode = TimeMode::Virtual;
    s.workers = workers;
    s.queueCapacity = 1000;
    s.arrival = ArrivalKind::Burst;
    s.jobs = 400;
    s.latency = "10ms";
    s.sampleInterval = 100 * kMilli;
    s.seed = 7;
    return s;
}

// A stored run with made-up rows: `rows` seconds, completions at `rate`/s, a queue
// falling from 100, and a total p99 of `p99Ms`.
StoredRun storedRun(const QString& name, int workers, double rate, int rows, double p99Ms)
{
    StoredRun run;
    run.name = name;
    run.startUnixS = 1'764'000'000 + workers;
    run.timeMode = TimeMode::Virtual;
    run.scenario = quickBurst(workers);
    Snapshot last;
    for (int i = 1; i <= rows; ++i) {
        Sample s;
        s.runNs = i * kSecond;
        s.intervalNs = kSecond;
        s.completionsPerSec = rate;
        s.arrivalsPerSec = rate;
        s.queueDepth = std::max(0, 100 - i * 10);
        s.queueCapacity = 1000;
        s.workers = workers;
        s.busyWorkers = workers;
        s.total.count = static_cast<std::uint64_t>(rate);
        s.total.p99 = static_cast<Nanos>(p99Ms * kMilli);
        s.wait.count = s.total.count;
        s.wait.p99 = s.total.p99 / 5; // most of it is service
        s.totals.submitted = static_cast<std::uint64_t>(rate * i);
        s.totals.succeeded = s.totals.submitted;
        run.samples.push_back(s);
    }
    last.runNs = rows * kSecond;
    last.elapsedNs = last.runNs;
    last.workers = workers;
    last.counters.submitted = static_cast<std::uint64_t>(rate * rows);
    last.counters.succeeded = last.counters.submitted;
    last.total.record(static_cast<Nanos>(p99Ms * kMilli), last.counters.succeeded);
    run.total = last.total;
    run.summaryJson = summaryToJson(RunSummary::from(last, "virtual"));
    run.summaryCsv = summaryToCsv(last, last.runNs);
    return run;
}

WindowHooks hooks()
{
    WindowHooks h;
    h.makeEngine = makeEngineFor;
    return h;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int rowOf(const RunsPanel* panel, std::int64_t id)
{
    for (std::size_t i = 0; i < panel->runs().size(); ++i)
        if (panel->runs()[i].id == id)
            return static_cast<int>(i);
    return -1;
}

// Two made-up runs in a fresh database, 20 workers at 40/s (a) and 40 workers at 80/s
// (b), and a window on it.
struct TwoRuns
{
    QTemporaryDir dir;
    std::int64_t a = 0;
    std::int64_t b = 0;
    QString path = dir.filePath(QStringLiteral("runs.sqlite"));
    MainWindow w{hooks()};

    TwoRuns()
    {
        {
            RunStore store;
            QString error;
            if (!store.open(path, &error))
                qFatal("%s", qPrintable(error));
            a = store.save(storedRun(QStringLiteral("twenty"), 20, 40, 30, 250), &error);
            b = store.save(storedRun(QStringLiteral("forty"), 40, 80, 15, 125), &error);
        }
        w.setRunsDatabase(path);
    }
};

// access(2) as a user who is neither the owner nor in the group would be answered,
// from the permission bits: root, who runs the tests, passes every check. Only
// writing (W_OK, with X_OK for a folder) is asked.
int accessAsOthers(const char* path, int mode)
{
    struct stat st
    {};
    if (::stat(path, &st) != 0)
        return -1;
    const bool allowed =
        (!(mode & W_OK) || (st.st_mode & S_IWOTH)) && (!(mode & X_OK) || (st.st_mode & S_IXOTH));
    return allowed ? 0 : -1;
}

// While it lives, RunStore::open() asks accessAsOthers().
struct AccessAsOthers
{
    AccessAsOthers() { RunStore::setAccessForTests(&accessAsOthers); }
    ~AccessAsOthers() { RunStore::setAccessForTests(nullptr); }
};

} // namespace

class TstRunsPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        // The window writes its record setting; never into the user's settings.
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    }

    // A run that ends in the window is in the database, as the exports have it.
    // The window closed while `started` still runs: the run is kept as a stopped one.
    static void closingKeepsTheRun(MainWindow& w, const QString& path, const Scenario& started)
    {
        const std::uint64_t doneBefore = w.controller()->snapshot().completed();
        QVERIFY(w.close());
        QVERIFY(!w.controller()->hasRun()); // reset: no worker outlives the window
        QTRY_COMPARE(w.runs()->visibleRuns()->rowCount(), 1);
        RunStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        const std::optional<StoredRun> run = store.load(w.runs()->runs().front().id, &error);
        QVERIFY2(run, qPrintable(error));
        QCOMPARE(run->scenario, started);
        QVERIFY(!run->samples.empty());
        QVERIFY(run->samples.back().totals.succeeded >= doneBefore);
        QCOMPARE(run->changes.size(), std::size_t{1});
        QCOMPARE(run->changes.front().key, QStringLiteral("workers"));
        QVERIFY(run->samples.back().runNs < started.duration); // cut short by the close
    }

    void finishedRunIsRecorded_data()
    {
        QTest::addColumn<QString>("ending");
        QTest::newRow("done") << QStringLiteral("done");
        QTest::newRow("stopped") << QStringLiteral("stop");
        QTest::newRow("drained") << QStringLiteral("drain");
        QTest::newRow("window closed") << QStringLiteral("close");
    }
    void finishedRunIsRecorded()
    {
        QFETCH(QString, ending);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        QVERIFY(w.runs()->isStoreOpen());
        QCOMPARE(w.runs()->visibleRuns()->rowCount(), 0);
        Scenario started = quickBurst();
        if (ending != QLatin1String("done")) {
            // Open-ended at 1x: it ends when stopped or drained, after a pause and a live change.
            started.arrival = ArrivalKind::Poisson;
            started.rate = 100;
            started.jobs = 0;
            started.duration = 1000 * kSecond;
        }
        w.setScenario(started);
        RunController* c = w.controller();
        c->setPace(ending == QLatin1String("done") ? 0 : 1);
        QVERIFY(c->start());
        if (ending != QLatin1String("done")) {
            QTRY_VERIFY(c->snapshot().completed() >= 10);
            c->pause();
            c->resume();
            Scenario more = started;
            more.workers = 6;
            c->setScenario(more, QStringLiteral("workers"), QStringLiteral("4"), QStringLiteral("6"));
            QTRY_VERIFY(c->snapshot().completed() >= 20);
            if (ending == QLatin1String("stop"))
                c->cancel();
            else if (ending == QLatin1String("drain"))
                c->drain();
            else // quitting mid-run: the run ends as a stopped one and is kept
                return closingKeepsTheRun(w, path, started);
        }
        QTRY_VERIFY(c->isFinished());
        QTRY_COMPARE(w.runs()->visibleRuns()->rowCount(), 1);

        const StoredRunInfo info = w.runs()->runs().front();
        QCOMPARE(info.workers, 4);
        QCOMPARE(info.jobs, c->snapshot().counters.submitted);
        RunStore store;
        QString error;
        QVERIFY2(store.open(path, &error), qPrintable(error));
        const std::optional<StoredRun> run = store.load(info.id, &error);
        QVERIFY2(run, qPrintable(error));
        QCOMPARE(run->scenario, started); // as it started: the change is a marker
        QCOMPARE(run->timeMode, TimeMode::Virtual);
        QCOMPARE(run->startUnixS, c->runStartUnixS());
        QVERIFY(!run->samples.empty());
        // Byte for byte what Export CSV writes for the run.
        QCOMPARE(timeSeriesToCsv(run->samples, run->startUnixS),
                 timeSeriesToCsv(c->intervalSamples(), c->runStartUnixS()));
        QCOMPARE(run->summaryCsv, summaryToCsv(c->snapshot(), c->snapshot().runNs));
        // As --summary-json writes it for that final snapshot.
        QCOMPARE(run->summaryJson,
                 summaryToJson(RunSummary::from(c->snapshot(), "virtual"), QStringLiteral("quick burst"),
                               compareWithTheory(c->scenario(), c->snapshot(), c->averageInSystem())));
        QVERIFY(run->summaryJson.contains("\"format\": \"poollab-summary/1\""));
        QCOMPARE(run->total.count(), c->snapshot().total.count());
        QCOMPARE(run->name, defaultRunName(started, c->runStartUnixS())); // as --record names it
        QVERIFY(run->name.startsWith(QStringLiteral("quick burst ")));
        QCOMPARE(run->changes.size(), c->markers().size());
        QCOMPARE(run->pauses.size(), c->pauses().size());
        if (ending == QLatin1String("done")) {
            QCOMPARE(run->total.count(), std::uint64_t{400});
        } else {
            const auto workers = std::find_if(run->changes.begin(), run->changes.end(),
                                              [](const StoredChange& m) { return m.key == u"workers"; });
            QVERIFY(workers != run->changes.end());
            QCOMPARE(workers->from, QStringLiteral("4"));
            QCOMPARE(workers->to, QStringLiteral("6"));
            QCOMPARE(run->pauses.size(), std::size_t{1});
            QCOMPARE(run->pauses[0].from, c->pauses().front().from);
        }
    }

    // Recording off: the run is not kept; on again, the next one is.
    void recordingCanBeTurnedOff()
    {
        QTemporaryDir dir;
        MainWindow w(hooks());
        w.setRunsDatabase(dir.filePath(QStringLiteral("runs.sqlite")));
        w.setScenario(quickBurst());
        w.controller()->setPace(0);
        w.setRecording(false);
        QCOMPARE(QSettings().value(QStringLiteral("runs/record")).toBool(), false);
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        w.setRecording(true);
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        QTRY_COMPARE(w.runs()->visibleRuns()->rowCount(), 1);
        // The first run's save, had there been one, was queued before the second's.
        QCOMPARE(w.runs()->runs().size(), std::size_t{1});
    }

    void renameFilterAndDelete()
    {
        TwoRuns f;
        auto& [dir, a, b, path, w] = f;
        RunsPanel* p = w.runs();
        QCOMPARE(p->visibleRuns()->rowCount(), 2);
        // In place, as a double-click's editor commits it.
        const QModelIndex name = p->visibleRuns()->index(0, 0);
        QVERIFY(p->visibleRuns()->setData(name, QStringLiteral("  before the change "), Qt::EditRole));
        QCOMPARE(p->runs()[static_cast<std::size_t>(rowOf(p, b))].name, QStringLiteral("before the change"));
        QVERIFY(!p->renameRun(a, QStringLiteral("   ")));
        QVERIFY(p->renameRun(a, QStringLiteral("after")));
        RunStore store;
        QString error;
        QVERIFY(store.open(path, &error));
        QCOMPARE(store.load(a, &error)->name, QStringLiteral("after"));

        p->filterBox()->setText(QStringLiteral("BEFORE"));
        QCOMPARE(p->visibleRuns()->rowCount(), 1);
        QCOMPARE(p->visibleRuns()->index(0, 0).data(Qt::EditRole).toString(),
                 QStringLiteral("before the change"));
        p->filterBox()->clear();

        QVERIFY(p->setOverlaid(a, true));
        QVERIFY(p->removeRun(a));
        QCOMPARE(p->visibleRuns()->rowCount(), 1);
        QVERIFY(!store.contains(a));
        QVERIFY(store.contains(b));
        QVERIFY(p->overlaid().empty()); // a deleted run leaves the charts
        QVERIFY(w.charts()->overlaySeries(0).isEmpty());
    }

    // Ticked runs on every chart, each in its own colour and named in the legend,
    // their lines at the stored numbers.
    void overlaysOnAllThreeCharts_data()
    {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }
    void overlaysOnAllThreeCharts()
    {
        QFETCH(bool, dark);
        TwoRuns f;
        auto& [dir, a, b, path, w] = f;
        w.setTheme(dark ? Theme::Dark : Theme::Light);
        ChartPanel* charts = w.charts();
        const qsizetype live = charts->throughputChart()->series().size();
        QVERIFY(w.runs()->setOverlaid(a, true));
        QVERIFY(w.runs()->setOverlaid(b, true));
        const QStringList names{QStringLiteral("run %1 \u00b7 20 workers").arg(a),
                                QStringLiteral("run %1 \u00b7 40 workers").arg(b)};
        for (int chart = 0; chart < 3; ++chart) {
            const QList<QLineSeries*> lines = charts->overlaySeries(chart);
            QCOMPARE(lines.size(), 2);
            QStringList legend;
            for (const LegendEntry& e : charts->header(chart)->entries())
                legend << e.text;
            for (int r = 0; r < 2; ++r) {
                QCOMPARE(lines[r]->name(), names[r]);
                QVERIFY2(legend.contains(names[r]), qPrintable(legend.join(u',')));
                QCOMPARE(lines[r]->pen().color(), overlayColor(r, dark ? Theme::Dark : Theme::Light));
                // Not a live series' colour.
                for (QXYSeries* s : charts->allSeries())
                    QVERIFY(s->pen().color() != lines[r]->pen().color());
            }
        }
        QCOMPARE(charts->throughputChart()->series().size(), live + 2);
        // Aligned on elapsed time, at the stored values: 40/s for 30 s and 80/s for 15 s;
        // the queue from 90 down; p99 250 and 125 ms.
        const QList<QPointF> twenty = charts->overlaySeries(0)[0]->points();
        QCOMPARE(twenty.first(), QPointF(0, 40));
        QCOMPARE(twenty.last(), QPointF(30, 40));
        QCOMPARE(charts->overlaySeries(0)[1]->points().last(), QPointF(15, 80));
        QCOMPARE(charts->overlaySeries(1)[0]->points().first(), QPointF(0, 90));
        QCOMPARE(charts->overlaySeries(2)[1]->points().first(), QPointF(0, 125));
        QVERIFY(charts->latencyChart()->axes(Qt::Vertical).first()->property("max").toDouble() >= 250);

        // Unticking one removes its line and its legend entry; the other keeps its colour.
        QVERIFY(w.runs()->setOverlaid(a, false));
        for (int chart = 0; chart < 3; ++chart) {
            QCOMPARE(charts->overlaySeries(chart).size(), 1);
            QCOMPARE(charts->overlaySeries(chart)[0]->name(), names[1]);
            QCOMPARE(charts->overlaySeries(chart)[0]->pen().color(),
                     overlayColor(1, dark ? Theme::Dark : Theme::Light));
        }
        QCOMPARE(charts->throughputChart()->series().size(), live + 1);

        // The latency line follows the latency the chart shows: 125 ms total, 25 ms wait.
        charts->setLatencyKind(ChartPanel::LatencyKind::Wait);
        QCOMPARE(charts->overlaySeries(2)[0]->points().first(), QPointF(0, 25));
        charts->setLatencyKind(ChartPanel::LatencyKind::Total);
        QCOMPARE(charts->overlaySeries(2)[0]->points().first(), QPointF(0, 125));
        // A theme switch recolours the lines and their legend entries.
        const Theme other = dark ? Theme::Light : Theme::Dark;
        w.setTheme(other);
        for (int chart = 0; chart < 3; ++chart) {
            QCOMPARE(charts->overlaySeries(chart)[0]->pen().color(), overlayColor(1, other));
            QCOMPARE(charts->header(chart)->entries().back().swatch, overlayColor(1, other));
        }
    }

    void atMostFourRunsOverlaid()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        {
            RunStore store;
            QString error;
            QVERIFY(store.open(path, &error));
            for (int i = 1; i <= 5; ++i)
                QVERIFY(store.save(storedRun(QStringLiteral("r%1").arg(i), i, 10.0 * i, 5, 10), &error) > 0);
        }
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        std::vector<std::int64_t> ids;
        for (const StoredRunInfo& r : w.runs()->runs())
            ids.push_back(r.id);
        for (int i = 0; i < 4; ++i)
            QVERIFY(w.runs()->setOverlaid(ids[static_cast<std::size_t>(i)], true));
        QVERIFY(!w.runs()->setOverlaid(ids[4], true));
        QVERIFY(w.runs()->lastError().contains(QStringLiteral("At most 4")));
        QCOMPARE(w.charts()->overlaySeries(1).size(), 4);
        // Four runs are named short in the legends (lines are scarce at 1024x640); the
        // series keep the long name.
        QStringList legend;
        for (const LegendEntry& e : w.charts()->header(2)->entries())
            legend << e.text;
        for (int i = 0; i < 4; ++i) {
            const StoredRunInfo& run = w.runs()->runs()[static_cast<std::size_t>(i)];
            QVERIFY2(legend.contains(QStringLiteral("run %1").arg(run.id)), qPrintable(legend.join(u',')));
            QCOMPARE(w.charts()->overlaySeries(2)[i]->name(), RunsPanel::overlayLabel(run));
        }
    }

    // A run keeps its colour while it stays overlaid, whichever runs are ticked or
    // unticked beside it, on the three charts, their legends and the percentile chart; a
    // freed colour goes to the next run ticked, and the baseline has one of its own.
    void overlayColoursStayWithTheRun()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        std::vector<std::int64_t> ids; // r1..r5, in the order saved
        {
            RunStore store;
            QString error;
            QVERIFY(store.open(path, &error));
            for (int i = 1; i <= 5; ++i)
                ids.push_back(
                    store.save(storedRun(QStringLiteral("r%1").arg(i), i, 10.0 * i, 5, 10), &error));
        }
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        RunsPanel* p = w.runs();
        // Every chart that draws the run draws it in overlayColor(slot).
        const auto colours = [&](const std::vector<std::pair<std::int64_t, int>>& expected) {
            QCOMPARE(p->overlaid().size(), expected.size());
            for (std::size_t r = 0; r < expected.size(); ++r) {
                const auto [id, slot] = expected[r];
                QCOMPARE(p->overlaid()[r], id);
                QCOMPARE(p->colorSlot(id), slot);
                const QColor colour = overlayColor(slot, Theme::Light);
                for (int chart = 0; chart < 3; ++chart) {
                    QCOMPARE(w.charts()->overlaySeries(chart)[static_cast<qsizetype>(r)]->pen().color(),
                             colour);
                    QCOMPARE(
                        w.charts()
                            ->header(chart)
                            ->entries()[w.charts()->header(chart)->entries().size() - expected.size() + r]
                            .swatch,
                        colour);
                }
                const std::vector<QLineSeries*>& curves = w.percentiles()->runSeries();
                QVERIFY(curves.size() >= (r + 1) * PercentileChart::kRunCurves);
                QCOMPARE(curves[r * PercentileChart::kRunCurves]->pen().color(), colour);
            }
        };
        for (int i = 0; i < 3; ++i)
            QVERIFY(p->setOverlaid(ids[static_cast<std::size_t>(i)], true));
        colours({{ids[0], 0}, {ids[1], 1}, {ids[2], 2}});
        QVERIFY(p->setOverlaid(ids[0], false));
        colours({{ids[1], 1}, {ids[2], 2}});
        QCOMPARE(p->colorSlot(ids[0]), -1);
        QVERIFY(p->setOverlaid(ids[3], true)); // the freed slot
        colours({{ids[1], 1}, {ids[2], 2}, {ids[3], 0}});
        QVERIFY(p->setOverlaid(ids[4], true));
        colours({{ids[1], 1}, {ids[2], 2}, {ids[3], 0}, {ids[4], 3}});
        // The baseline, not ticked: the percentile chart draws it last, in a fifth colour.
        p->setBaseline(ids[0]);
        QCOMPARE(p->colorSlot(ids[0]), 4);
        const std::vector<QLineSeries*>& curves = w.percentiles()->runSeries();
        QCOMPARE(curves.size(), std::size_t{5 * PercentileChart::kRunCurves});
        QCOMPARE(curves[4 * PercentileChart::kRunCurves]->pen().color(), overlayColor(4, Theme::Light));
        colours({{ids[1], 1}, {ids[2], 2}, {ids[3], 0}, {ids[4], 3}});
        // Ticked once there is room, it keeps its colour.
        QVERIFY(p->setOverlaid(ids[1], false));
        QVERIFY(p->setOverlaid(ids[0], true));
        colours({{ids[2], 2}, {ids[3], 0}, {ids[4], 3}, {ids[0], 4}});
        // Five colours are all different.
        QSet<QRgb> distinct;
        for (int slot = 0; slot < 5; ++slot)
            distinct << overlayColor(slot, Theme::Light).rgb() << overlayColor(slot, Theme::Dark).rgb() + 1;
        QCOMPARE(distinct.size(), 10);
    }

    // Another database: the runs overlaid, the baseline and the comparison from the
    // first one go (its run ids may be in the second one too, other runs).
    void anotherDatabaseClearsTheOverlays()
    {
        TwoRuns f;
        auto& [dir, a, b, path, w] = f;
        RunsPanel* p = w.runs();
        p->setBaseline(a);
        QVERIFY(p->setOverlaid(b, true));
        QVERIFY(p->comparison()->rowCount() > 0);
        QCOMPARE(w.charts()->overlaySeries(0).size(), 1);
        QVERIFY(!w.percentiles()->runSeries().empty());
        QSignalSpy changed(p, &RunsPanel::overlaysChanged);
        // The second file has runs of the same ids, other runs.
        const QString other = dir.filePath(QStringLiteral("other.sqlite"));
        {
            RunStore store;
            QString error;
            QVERIFY(store.open(other, &error));
            QCOMPARE(store.save(storedRun(QStringLiteral("x"), 3, 5, 10, 50), &error), a);
            QCOMPARE(store.save(storedRun(QStringLiteral("y"), 6, 9, 10, 50), &error), b);
        }
        w.setRunsDatabase(other);
        QCOMPARE(p->storePath(), other);
        QCOMPARE(p->runs().size(), std::size_t{2});
        QVERIFY(p->overlaid().empty());
        QCOMPARE(p->baseline(), std::int64_t{0});
        QCOMPARE(p->colorSlot(a), -1);
        QCOMPARE(p->comparison()->rowCount(), 0);
        QVERIFY(w.charts()->overlaySeries(0).isEmpty());
        QVERIFY(w.charts()->overlaySeries(2).isEmpty());
        QVERIFY(w.percentiles()->runSeries().empty());
        QCOMPARE(changed.size(), 1);
        // Ticked again, a run comes from the new file.
        QVERIFY(p->setOverlaid(b, true));
        QCOMPARE(w.charts()->overlaySeries(0)[0]->points().first(), QPointF(0, 9));
        // A file that cannot be opened clears them too.
        const QString junk = dir.filePath(QStringLiteral("junk.sqlite"));
        {
            QFile j(junk);
            QVERIFY(j.open(QIODevice::WriteOnly));
            j.write(QByteArray(4096, 'x'));
        }
        w.setRunsDatabase(junk);
        QVERIFY(!p->isStoreOpen());
        QVERIFY(p->overlaid().empty());
        QVERIFY(w.charts()->overlaySeries(0).isEmpty());
    }

    // A finished run the window could not save: a warning in the Runs tab, naming the
    // file and the error, that stays (past the status bar's message) until a save works.
    void failedSaveStaysInTheRunsTab()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        RunsPanel* p = w.runs();
        auto* warning = p->findChild<QLabel*>(QStringLiteral("runsSaveWarning"));
        QVERIFY(warning);
        QVERIFY(!warning->isVisibleTo(p));
        QVERIFY(p->saveWarning().isEmpty());
        // Another process takes the table away: the save fails (and rolls back).
        const auto exec = [&](const QString& sql) {
            {
                QSqlDatabase db =
                    QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
            }
            QSqlDatabase::removeDatabase(QStringLiteral("other"));
        };
        exec(QStringLiteral("ALTER TABLE run_data RENAME TO run_data_away"));
        w.setScenario(quickBurst());
        w.controller()->setPace(0);
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        QTRY_VERIFY(warning->isVisibleTo(p));
        QVERIFY2(warning->text().contains(QStringLiteral("not saved")), qPrintable(warning->text()));
        QVERIFY2(warning->text().contains(path), qPrintable(warning->text()));
        QVERIFY2(warning->text().contains(QStringLiteral("no such table: run_data")),
                 qPrintable(warning->text()));
        QCOMPARE(p->saveWarning(), warning->text());
        // Seen from the other tabs too: the Runs tab is marked, its tooltip says why.
        QTabWidget* tabs = w.centreTabs();
        QCOMPARE(tabs->tabText(tabs->indexOf(p)), QStringLiteral("Runs \u26a0"));
        QCOMPARE(tabs->tabToolTip(tabs->indexOf(p)), warning->text());
        // It stays: another list refresh, a tab switch, time passing do not clear it.
        p->refresh();
        tabs->setCurrentWidget(p);
        QCOMPARE(p->saveWarning(), warning->text());
        QCOMPARE(p->runs().size(), std::size_t{0});
        // The next save that works clears it.
        exec(QStringLiteral("ALTER TABLE run_data_away RENAME TO run_data"));
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        QTRY_COMPARE(p->runs().size(), std::size_t{1});
        QVERIFY(!warning->isVisibleTo(p));
        QVERIFY(p->saveWarning().isEmpty());
        QCOMPARE(tabs->tabText(tabs->indexOf(p)), QStringLiteral("Runs"));
        QVERIFY(tabs->tabToolTip(tabs->indexOf(p)).isEmpty());
    }

    // A stored run with intervals in which nothing finished: its latency line breaks
    // there, as the live one does, instead of joining across them; the others do not.
    void overlayLatencyBreaksWhereNothingFinished()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
        StoredRun run = storedRun(QStringLiteral("gaps"), 4, 10, 10, 100);
        // Nothing finished in seconds 3-4 and 8: no latency there.
        for (const int i : {2, 3, 7}) {
            Sample& s = run.samples[static_cast<std::size_t>(i)];
            s.completionsPerSec = 0;
            s.total = {};
            s.wait = {};
            s.service = {};
        }
        std::int64_t id = 0;
        {
            RunStore store;
            QString error;
            QVERIFY(store.open(path, &error));
            id = store.save(run, &error);
            QVERIFY2(id > 0, qPrintable(error));
        }
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        QVERIFY(w.runs()->setOverlaid(id, true));
        ChartPanel* charts = w.charts();
        const QList<QLineSeries*> latency = charts->overlaySegments(2, 0);
        QCOMPARE(latency.size(), 3);
        QCOMPARE(latency[0], charts->overlaySeries(2)[0]);
        // Steps of each row with a value: 0-2 s, 4-7 s, 8-10 s.
        QCOMPARE(latency[0]->points(), (QList<QPointF>{{0, 100}, {1, 100}, {1, 100}, {2, 100}}));
        QCOMPARE(latency[1]->points().first(), QPointF(4, 100));
        QCOMPARE(latency[1]->points().last(), QPointF(7, 100));
        QCOMPARE(latency[2]->points(), (QList<QPointF>{{8, 100}, {9, 100}, {9, 100}, {10, 100}}));
        for (QLineSeries* piece : latency) {
            QCOMPARE(piece->pen(), latency[0]->pen());
            QCOMPARE(piece->name(), latency[0]->name());
            QCOMPARE(piece->chart(), charts->latencyChart());
        }
        // One legend entry for the run, whatever its pieces.
        int entries = 0;
        for (const LegendEntry& e : charts->header(2)->entries())
            entries += e.text == latency[0]->name();
        QCOMPARE(entries, 1);
        // Completions at 0 are a value: that line is whole.
        QCOMPARE(charts->overlaySegments(0, 0).size(), 1);
        QCOMPARE(charts->overlaySegments(0, 0)[0]->points().size(), 20);
        // The wait line breaks at the same places; the total again after it.
        charts->setLatencyKind(ChartPanel::LatencyKind::Wait);
        QCOMPARE(charts->overlaySegments(2, 0).size(), 3);
        QCOMPARE(charts->overlaySegments(2, 0)[2]->points().first(), QPointF(8, 20));
        charts->setLatencyKind(ChartPanel::LatencyKind::Total);
        QCOMPARE(charts->overlaySegments(2, 0).size(), 3);
        // Unticked, every piece leaves the chart.
        const qsizetype withRun = charts->latencyChart()->series().size();
        QVERIFY(w.runs()->setOverlaid(id, false));
        QCOMPARE(charts->latencyChart()->series().size(), withRun - 3);
    }

    // The comparison table: each measure for the baseline and the other run, with the
    // difference and the % difference, as run_compare reckons them.
    void comparisonAgainstTheBaseline()
    {
        TwoRuns f;
        auto& [dir, a, b, path, w] = f;
        RunsPanel* p = w.runs();
        p->setBaseline(a);
        QVERIFY(p->setOverlaid(b, true));
        QStandardItemModel* t = p->comparison();
        QCOMPARE(t->columnCount(), 5); // measure, baseline, run, difference, %
        QCOMPARE(t->horizontalHeaderItem(1)->text(), QStringLiteral("run %1").arg(a));
        QCOMPARE(t->horizontalHeaderItem(2)->text(), QStringLiteral("run %1").arg(b));
        int throughput = -1;
        for (int row = 0; row < t->rowCount(); ++row)
            if (t->item(row, 0)->text().startsWith(QStringLiteral("Throughput")))
                throughput = row;
        QVERIFY(throughput >= 0);
        QCOMPARE(t->item(throughput, 1)->text(), QStringLiteral("40"));
        QCOMPARE(t->item(throughput, 2)->text(), QStringLiteral("80"));
        QCOMPARE(t->item(throughput, 3)->text(), QStringLiteral("+40"));
        QCOMPARE(t->item(throughput, 4)->text(), QStringLiteral("+100.0 %"));
        // Every measure run_compare has is a row.
        RunStore store;
        QString error;
        QVERIFY(store.open(path, &error));
        const std::vector<StoredRun> runs{*store.load(a, &error), *store.load(b, &error)};
        QCOMPARE(t->rowCount(),
                 static_cast<int>(compareRuns(std::span<const StoredRun>(runs), &error)->rows.size()));
    }

    void exportAndReopen()
    {
        TwoRuns f;
        auto& [dir, a, b, path, w] = f;
        const QString csv = dir.filePath(QStringLiteral("a.csv"));
        QVERIFY2(w.runs()->exportRunCsv(a, csv), qPrintable(w.runs()->lastError()));
        const StoredRun expected = storedRun(QStringLiteral("twenty"), 20, 40, 30, 250);
        QCOMPARE(readAll(csv), timeSeriesToCsv(expected.samples, expected.startUnixS));
        QVERIFY(w.runs()->reopenScenario(b));
        QCOMPARE(w.controller()->scenario(), quickBurst(40));
        QCOMPARE(w.centreTabs()->currentWidget(), static_cast<QWidget*>(w.charts()));
    }

    // A file that is not a runs database: the window opens, the panel is disabled and
    // says why, and the file is left as it was.
    void badFileDisablesThePanel()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("junk.sqlite"));
        QByteArray junk;
        for (int i = 0; i < 4096; ++i)
            junk += static_cast<char>((i * 131 + 7) % 256);
        {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(junk);
        }
        MainWindow w(hooks());
        w.setRunsDatabase(path);
        RunsPanel* p = w.runs();
        QVERIFY(!p->isStoreOpen());
        QVERIFY(!p->table()->isEnabled());
        QVERIFY(!p->filterBox()->isEnabled());
        auto* reason = p->findChild<QLabel*>(QStringLiteral("runsReason"));
        QVERIFY(reason && reason->isVisibleTo(p));
        QVERIFY2(reason->text().contains(path), qPrintable(reason->text()));
        QCOMPARE(p->reason(), reason->text());
        QCOMPARE(readAll(path), junk);
        // The window works on, and a finished run is not recorded anywhere.
        w.setScenario(quickBurst());
        w.controller()->setPace(0);
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        QCOMPARE(readAll(path), junk);
    }

    void readOnlyDatabaseIsBrowsed_data()
    {
        QTest::addColumn<bool>("folder"); // the folder read-only, else the file (chmod 444)
        QTest::newRow("file 444") << false;
        QTest::newRow("folder 555") << true;
    }
    // A database handed out read-only: the Runs tab lists it, overlays, compares and
    // exports its runs, says that it is read-only and runs are not recorded, renames
    // and deletes nothing, and a finished run writes nothing beside it.
    void readOnlyDatabaseIsBrowsed()
    {
        QFETCH(bool, folder);
        QTemporaryDir home;
        const QString dir = home.filePath(QStringLiteral("handed-out"));
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QStringLiteral("/runs.sqlite");
        std::int64_t a = 0;
        std::int64_t b = 0;
        {
            RunStore store;
            QString error;
            QVERIFY2(store.open(path, &error), qPrintable(error));
            a = store.save(storedRun(QStringLiteral("twenty"), 20, 40, 30, 250), &error);
            b = store.save(storedRun(QStringLiteral("forty"), 40, 80, 15, 125), &error);
            QVERIFY2(a && b, qPrintable(error));
        }
        // Writable by anyone but the one locked: the message names that one.
        const QFile::Permissions all = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup |
                                       QFile::WriteGroup | QFile::ReadOther | QFile::WriteOther;
        const QFile::Permissions search = QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;
        QVERIFY(QFile::setPermissions(path, all));
        QVERIFY(QFile::setPermissions(dir, all | search));
        const QString locked = folder ? dir : path;
        const QFile::Permissions writable = QFile::permissions(locked);
        QVERIFY(QFile::setPermissions(
            locked, folder ? QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther
                           : QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        const QByteArray bytes = readAll(path);
        MainWindow w(hooks());
        {
            const AccessAsOthers asOthers;
            w.setRunsDatabase(path);
        }
        RunsPanel* p = w.runs();
        QVERIFY2(p->isStoreOpen(), qPrintable(p->reason()));
        QVERIFY(p->isReadOnly());
        QVERIFY(p->table()->isEnabled());
        QCOMPARE(p->runs().size(), std::size_t{2});
        const QString why =
            folder ? QStringLiteral("%1: its folder %2 is read-only, and SQLite keeps a -wal and "
                                    "-shm file beside the database: runs cannot be saved to it")
                         .arg(path, dir)
                   : QStringLiteral("%1: the file is read-only: runs cannot be saved to it").arg(path);
        auto* reason = p->findChild<QLabel*>(QStringLiteral("runsReason"));
        QVERIFY(reason && reason->isVisibleTo(p));
        QVERIFY2(
            reason->text().startsWith(QStringLiteral("The runs database is read-only: runs are not recorded, "
                                                     "and cannot be renamed or deleted (") +
                                      why),
            qPrintable(reason->text()));
        // Overlaid, compared and exported as a writable one is.
        QVERIFY(p->setOverlaid(b, true));
        QCOMPARE(p->overlays().size(), std::size_t{1});
        p->setBaseline(a);
        QVERIFY(p->comparison()->rowCount() > 0);
        QCOMPARE(p->comparison()->horizontalHeaderItem(2)->text(), QStringLiteral("run %1").arg(b));
        const QString csv = home.filePath(QStringLiteral("a.csv"));
        QVERIFY2(p->exportRunCsv(a, csv), qPrintable(p->lastError()));
        const StoredRun expected = storedRun(QStringLiteral("twenty"), 20, 40, 30, 250);
        QCOMPARE(readAll(csv), timeSeriesToCsv(expected.samples, expected.startUnixS));
        // Neither renamed nor deleted, from the actions, the cell or the calls.
        p->table()->selectRow(
            p->visibleRuns()->mapFromSource(p->visibleRuns()->sourceModel()->index(rowOf(p, a), 0)).row());
        QVERIFY(p->action(QStringLiteral("export"))->isEnabled());
        QVERIFY(p->action(QStringLiteral("reopen"))->isEnabled());
        QVERIFY(!p->action(QStringLiteral("rename"))->isEnabled());
        QVERIFY(!p->action(QStringLiteral("delete"))->isEnabled());
        const QModelIndex name = p->visibleRuns()->sourceModel()->index(rowOf(p, a), 0);
        QVERIFY(!(name.flags() & Qt::ItemIsEditable));
        QVERIFY(name.flags() & Qt::ItemIsUserCheckable);
        QVERIFY(!p->renameRun(a, QStringLiteral("renamed")));
        QCOMPARE(p->lastError(), QStringLiteral("Run %1: the runs database is read-only").arg(a));
        QVERIFY(!p->removeRun(a));
        QCOMPARE(p->runs().size(), std::size_t{2});
        // A finished run is not recorded: nothing written, no -wal beside it.
        w.setScenario(quickBurst());
        w.controller()->setPace(0);
        QVERIFY(w.controller()->start());
        QTRY_VERIFY(w.controller()->isFinished());
        QCOMPARE(p->runs().size(), std::size_t{2});
        QCOMPARE(readAll(path), bytes);
        QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{QStringLiteral("runs.sqlite")});
        QVERIFY(QFile::setPermissions(locked, writable)); // so that the folder can be removed
    }

    // Not a check: makes the README's pictures of two runs overlaid (the charts, then
    // the Runs tab) from a database scripts/runs-screenshot.sh fills. Skipped unless
    // POOLLAB_SHOT_DB names that database and POOLLAB_SHOT_DIR the folder for the PNGs
    // (POOLLAB_SHOT_THEME=dark: the dark theme's, named -dark.png).
    void readmeScreenshots()
    {
        const QString db = qEnvironmentVariable("POOLLAB_SHOT_DB");
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (db.isEmpty() || out.isEmpty())
            QSKIP("POOLLAB_SHOT_DB and POOLLAB_SHOT_DIR are not set");
        // The preset box names the runs' preset, as the app's list would.
        std::optional<StoredRun> first;
        {
            RunStore store;
            QString error;
            QVERIFY2(store.open(db, &error), qPrintable(error));
            first = store.load(store.list(&error).back().id, &error);
            QVERIFY2(first, qPrintable(error));
        }
        WindowHooks h = hooks();
        const Scenario presetScenario = first->scenario;
        h.presets = [presetScenario] {
            return QList<PresetEntry>{{QStringLiteral("signup-burst"),
                                       QString::fromStdString(presetScenario.name),
                                       QString::fromStdString(presetScenario.description), presetScenario}};
        };
        MainWindow w(h);
        w.resize(1280, 800);
        const bool dark = qEnvironmentVariable("POOLLAB_SHOT_THEME") == QLatin1String("dark");
        w.setTheme(dark ? Theme::Dark : Theme::Light);
        w.setRunsDatabase(db);
        RunsPanel* p = w.runs();
        QVERIFY2(p->runs().size() >= 2, qPrintable(p->reason()));
        // The list is newest first: the older run is the baseline.
        const std::int64_t before = p->runs()[1].id;
        const std::int64_t after = p->runs()[0].id;
        p->setBaseline(before);
        QVERIFY(p->setOverlaid(before, true));
        QVERIFY(p->setOverlaid(after, true));
        w.charts()->setWindowSeconds(0);
        QVERIFY(p->reopenScenario(before));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCoreApplication::processEvents();
        QVERIFY(w.grab().save(QDir(out).filePath(dark ? QStringLiteral("screenshot-runs-overlaid-dark.png")
                                                      : QStringLiteral("screenshot-runs-overlaid.png"))));
        w.centreTabs()->setCurrentWidget(p);
        p->table()->selectRow(0);
        QCoreApplication::processEvents();
        QVERIFY(w.grab().save(QDir(out).filePath(dark ? QStringLiteral("screenshot-runs-panel-dark.png")
                                                      : QStringLiteral("screenshot-runs-panel.png"))));
    }
};

QTEST_MAIN(TstRunsPanel)
#include "tst_runs_panel.moc"
