// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/summary_panel.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QMessageBox>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <QXYSeries>
#include <thread>

using namespace poollab;

namespace {

Scenario steadyLoad()
{
    Scenario s;
    s.name = "test";
    s.workers = 4;
    s.queueCapacity = 1000;
    s.arrival = ArrivalKind::Constant;
    s.rate = 400;
    s.latency = "2ms";
    s.jobs = 0; // until stopped
    s.duration = 0;
    return s;
}

// What the fake engines below share: a run that starts and stops, settings applied.
class FakeEngine : public Engine
{
public:
    explicit FakeEngine(const Scenario& s) : m_scenario(s) {}
    void start() override { m_state = PoolState::Running; }
    void pause() override {}
    void resume() override {}
    void drain() override { m_state = PoolState::Stopped; }
    void cancel() override { m_state = PoolState::Stopped; }
    void apply(const Scenario& s) override { m_scenario = s; }
    bool finished() const override { return m_state == PoolState::Stopped; }
    bool waitFinished(Nanos) override { return true; }
    const Scenario& scenario() const override { return m_scenario; }

protected:
    Scenario m_scenario;
    PoolState m_state = PoolState::Idle;
};

// An engine whose clock is the test's: each snapshot is 100 ms later, with steady
// counts (100 jobs succeed in each 100 ms), so an hour-long run takes no real time.
// The first snapshot, the one start() takes, is time 0 with nothing done yet.
class SimulatedEngine final : public FakeEngine
{
public:
    using FakeEngine::FakeEngine;
    void snapshot(Snapshot& out) const override
    {
        ++m_ticks;
        out.state = m_state;
        out.runNs = (m_ticks - 1) * 100 * kMilli;
        out.elapsedNs = out.runNs;
        out.counters.submitted = static_cast<std::uint64_t>(m_ticks - 1) * 100;
        out.counters.succeeded = out.counters.submitted;
        out.queued = m_ticks % 50;
        out.queueCapacity = m_scenario.queueCapacity;
        out.workers = m_scenario.workers;
        out.busyWorkers = m_scenario.workers / 2;
        out.total.record(5 * kMilli, 100);
        out.workerStates.assign(static_cast<std::size_t>(m_scenario.workers), WorkerState::Busy);
    }
    TimeMode timeMode() const override { return TimeMode::Virtual; }

private:
    mutable Nanos m_ticks = 0;
};

// A real-time engine whose clock the test sets: one job succeeds per millisecond of it.
class ManualClockEngine final : public FakeEngine
{
public:
    ManualClockEngine(const Scenario& s, const Nanos* clock) : FakeEngine(s), m_clock(clock) {}
    void snapshot(Snapshot& out) const override
    {
        out.state = m_state;
        out.runNs = *m_clock;
        out.elapsedNs = *m_clock;
        out.counters.submitted = static_cast<std::uint64_t>(*m_clock / kMilli);
        out.counters.succeeded = out.counters.submitted;
        out.workers = m_scenario.workers;
    }
    TimeMode timeMode() const override { return TimeMode::Real; }

private:
    const Nanos* m_clock;
};

int seriesSize(MainWindow& w, const QString& name)
{
    for (QXYSeries* s : w.charts()->allSeries())
        if (s->name() == name)
            return static_cast<int>(s->count());
    return -1;
}

} // namespace

class TstMainWindow : public QObject
{
    Q_OBJECT

private:
    WindowHooks hooks(EngineFactory factory = makeEngineFor)
    {
        WindowHooks h;
        h.makeEngine = std::move(factory);
        h.exportCsv = [](const QString& path, std::span<const Sample> samples, double, QString& error) {
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly)) {
                error = f.errorString();
                return false;
            }
            f.write("run_s,completed_per_s\n");
            for (const Sample& s : samples)
                f.write(QByteArray::number(toSeconds(s.runNs)) + ',' +
                        QByteArray::number(s.completionsPerSec) + '\n');
            return true;
        };
        h.loadScenario = [](const QString& path, Scenario&, QString& error) {
            error = QStringLiteral("line 3, column 14: 'workers' must be a whole number from 1 to 4096 (%1)")
                        .arg(path);
            return false;
        };
        return h;
    }

private slots:
    void metricsSettingServesTheRunsSnapshots()
    {
        // The endpoint itself is app/'s (tested there); the window must hand it a
        // snapshot source that works from another thread and stop it when it goes.
        quint16 servedPort = 0;
        std::function<void(Snapshot&)> source;
        WindowHooks h = hooks();
        h.serveMetrics = [&](quint16 port, std::function<void(Snapshot&)> snapshot, QString& error) {
            if (port == 1) {
                error = QStringLiteral("port 1 is taken");
                return false;
            }
            servedPort = port;
            source = std::move(snapshot);
            return true;
        };
        {
            MainWindow w(h);
            QVERIFY(w.action(QStringLiteral("serveMetrics"))->isEnabled());
            Scenario sc = steadyLoad();
            sc.jobs = 40;
            sc.duration = 0;
            w.setScenario(sc);
            w.controller()->start();
            QVERIFY(w.serveMetrics(9464));
            QCOMPARE(servedPort, quint16{9464});
            QVERIFY(w.action(QStringLiteral("serveMetrics"))->isChecked());
            QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
            Snapshot fromOtherThread;
            std::thread reader([&] { source(fromOtherThread); });
            reader.join();
            QCOMPARE(fromOtherThread.counters.submitted, 40u);
            QCOMPARE(fromOtherThread.counters.succeeded, w.controller()->snapshot().counters.succeeded);
            QVERIFY(!w.serveMetrics(1));
            QVERIFY(w.lastError().contains(QStringLiteral("port 1 is taken")));
            QCOMPARE(w.metricsPort(), quint16{0});
            QVERIFY(w.serveMetrics(9465));
        }
        QCOMPARE(servedPort, quint16{0}); // the window stopped it on its way out
    }

    void summaryShowsTheoryBesideMeasurement()
    {
        MainWindow w(hooks());
        Scenario mmc;
        mmc.name = "mmc";
        mmc.workers = 10;
        mmc.queueCapacity = 100000;
        mmc.arrival = ArrivalKind::Poisson;
        mmc.rate = 80;
        mmc.latency = "exp(100ms)";
        mmc.jobs = 20000;
        mmc.timeMode = TimeMode::Virtual;
        w.setScenario(mmc);
        w.controller()->setPace(0);
        w.controller()->start();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
        w.summary()->update();
        // Erlang C for c = 10, a = 8: Wq = 20.5 ms; the measurement follows in brackets.
        const QString wait = w.summary()->value(QStringLiteral("theoryWait"));
        QVERIFY2(wait.startsWith(QStringLiteral("20.5 ms (")), qPrintable(wait));
        const double measured = wait.section(QLatin1Char('('), 1).section(QLatin1Char(')'), 0, 0).toDouble();
        QVERIFY2(std::abs(measured - 20.5) < 0.25 * 20.5, qPrintable(wait));
        QVERIFY(w.summary()->value(QStringLiteral("theoryShare")).startsWith(QStringLiteral("0.41 (")));

        Scenario burst = mmc;
        burst.arrival = ArrivalKind::Burst;
        burst.jobs = 100;
        w.controller()->reset();
        w.setScenario(burst);
        w.controller()->start();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
        w.summary()->update();
        QCOMPARE(w.summary()->value(QStringLiteral("theoryWait")), QStringLiteral("does not apply"));
        QCOMPARE(w.summary()->value(QStringLiteral("theoryShare")),
                 QStringLiteral("arrivals are not Poisson"));
    }

    void startFeedsTheCharts()
    {
        MainWindow w(hooks());
        w.setScenario(steadyLoad());
        QCOMPARE(seriesSize(w, QStringLiteral("completed/s")), 0);
        w.action(QStringLiteral("start"))->trigger();
        QVERIFY(w.controller()->isActive());
        QTRY_VERIFY(seriesSize(w, QStringLiteral("completed/s")) >= 3);
        QTRY_VERIFY(seriesSize(w, QStringLiteral("p99")) >= 1);
        QCOMPARE(seriesSize(w, QStringLiteral("queue depth")), seriesSize(w, QStringLiteral("completed/s")));
        QVERIFY(!w.action(QStringLiteral("start"))->isEnabled());
        w.action(QStringLiteral("stop"))->trigger();
        QTRY_VERIFY(w.controller()->isFinished());
    }

    void raisingWorkersMidRunResizesThePool()
    {
        MainWindow w(hooks());
        w.setScenario(steadyLoad());
        w.controller()->start();
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 4);
        auto* workers = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        QVERIFY(workers);
        workers->setValue(12);
        QCOMPARE(w.controller()->scenario().workers, 12);
        QTRY_COMPARE(w.controller()->snapshot().workers, 12);
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 12);
        QCOMPARE(w.controller()->markers().size(), std::size_t{1});
        QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("workers 4 \u2192 12"));
        // A second step within a second extends the same marker.
        workers->setValue(16);
        QCOMPARE(w.controller()->markers().size(), std::size_t{1});
        QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("workers 4 \u2192 16"));
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 16);
    }

    void pauseHoldsTheQueue()
    {
        MainWindow w(hooks());
        Scenario s = steadyLoad();
        s.workers = 2;
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        QTRY_VERIFY(c->snapshot().completed() > 10);
        w.action(QStringLiteral("pause"))->trigger();
        QVERIFY(c->isPaused());
        QCOMPARE(w.action(QStringLiteral("pause"))->text(), QStringLiteral("Resume"));
        // Pause freezes the run: jobs already running finish, then nothing arrives, starts or
        // completes, and the queue holds. (A snapshot taken after the pause first: an older
        // one may show 0 in flight by chance.)
        QTRY_VERIFY(c->snapshot().state == PoolState::Paused);
        QTRY_COMPARE(c->snapshot().inFlight, std::int64_t{0});
        const std::uint64_t done = c->snapshot().completed();
        const std::uint64_t submitted = c->snapshot().counters.submitted;
        const std::int64_t queued = c->snapshot().queued;
        const std::size_t ticks = c->series().added();
        QTRY_VERIFY(c->series().added() >= ticks + 5);
        QCOMPARE(c->snapshot().completed(), done);
        QCOMPARE(c->snapshot().counters.submitted, submitted);
        QCOMPARE(c->snapshot().queued, queued);
        w.action(QStringLiteral("pause"))->trigger();
        QVERIFY(!c->isPaused());
        QTRY_VERIFY(c->snapshot().completed() > done);
        c->cancel();
    }

    void drainAndStopEndTheRun_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("drain") << QStringLiteral("drain");
        QTest::newRow("stop") << QStringLiteral("stop");
    }
    void drainAndStopEndTheRun()
    {
        QFETCH(QString, action);
        MainWindow w(hooks());
        Scenario s = steadyLoad();
        s.arrival = ArrivalKind::Burst;
        s.jobs = 400;
        s.latency = "10ms";
        s.workers = 4; // 1 s of work in all
        s.queueCapacity = 400;
        w.setScenario(s);
        RunController* c = w.controller();
        QSignalSpy finished(c, &RunController::runFinished);
        c->start();
        QTRY_VERIFY(c->snapshot().completed() >= 8);
        w.action(action)->trigger();
        QTRY_COMPARE(finished.count(), 1);
        const Snapshot& snap = c->snapshot();
        const Counters& n = snap.counters;
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.queued + snap.inFlight, std::int64_t{0});
        QCOMPARE(n.succeeded + n.rejected + n.cancelled, n.submitted);
        if (action == QLatin1String("drain")) {
            QCOMPARE(n.cancelled, std::uint64_t{0}); // everything accepted was finished
        } else {
            QVERIFY(n.cancelled > 0); // ~1 s of queued work was cut short
            QVERIFY(n.succeeded < 400);
        }
        const QLocale locale;
        QCOMPARE(w.summary()->value(QStringLiteral("succeeded")), locale.toString(qulonglong(n.succeeded)));
        QCOMPARE(w.summary()->value(QStringLiteral("cancelled")), locale.toString(qulonglong(n.cancelled)));
        QCOMPARE(w.summary()->value(QStringLiteral("state")), QStringLiteral("stopped"));
        QVERIFY(w.action(QStringLiteral("start"))->isEnabled());
        QVERIFY(!w.action(QStringLiteral("drain"))->isEnabled());
    }

    void historyStaysBoundedOverALongRun()
    {
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        Scenario s = steadyLoad();
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        c->setTickInterval(1000000); // the test drives the ticks
        // An hour and a half at 10 ticks/s, with a live change every minute; redrawing
        // on each tick would only cost time here, so the widgets are told at the end.
        c->blockSignals(true);
        for (int i = 0; i < 54000; ++i) {
            if (i % 600 == 0) {
                s.workers = 4 + (i / 600) % 8;
                c->setScenario(s, QStringLiteral("workers"), QString(), QString::number(s.workers));
            }
            c->tick();
        }
        c->blockSignals(false);
        QCOMPARE(c->series().added(), std::size_t{54000});
        QVERIFY(c->series().recentSize() <= c->series().recentCapacity());
        QVERIFY(c->series().overviewSize() <= c->series().overviewCapacity());
        QCOMPARE(c->markers().size(), RunController::kMaxMarkers);
        for (const int window : ChartPanel::kWindows) {
            w.charts()->setWindowSeconds(window);
            for (QXYSeries* series : w.charts()->allSeries()) {
                // The capacity is not drawn when it is far off the queue's scale.
                QVERIFY2(series->count() > 0 || series->name().endsWith(QLatin1String("(off scale)")),
                         qPrintable(series->name()));
                QVERIFY2(series->count() <= ChartPanel::kMaxPoints, qPrintable(series->name()));
            }
        }
        // The rolling minute of 1 s sample intervals: 60 rows of the record, each a
        // step of two points (the charts draw the record, not the 10 Hz ticks).
        w.charts()->setWindowSeconds(60);
        QCOMPARE(seriesSize(w, QStringLiteral("queue depth")), 120);
        c->cancel();
    }

    void exportHasEverySampleIntervalOfALongRun_data()
    {
        QTest::addColumn<qint64>("intervalMs"); // the scenario's sample interval
        QTest::addColumn<int>("ticks");         // 100 ms of the run each
        QTest::addColumn<int>("fullRows");
        // Every run is far longer than the charts' 512 overview buckets.
        QTest::newRow("1 s, 90 min") << qint64{1000} << 54000 << 5400;
        QTest::newRow("500 ms, 20 min") << qint64{500} << 12000 << 2400;
        QTest::newRow("2 s, 30 min, ending mid-interval") << qint64{2000} << 18005 << 900;
    }
    void exportHasEverySampleIntervalOfALongRun()
    {
        QFETCH(qint64, intervalMs);
        QFETCH(int, ticks);
        QFETCH(int, fullRows);
        std::vector<Sample> exported;
        WindowHooks h = hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); });
        h.exportCsv = [&exported](const QString&, std::span<const Sample> samples, double, QString&) {
            exported.assign(samples.begin(), samples.end());
            return true;
        };
        MainWindow w(h);
        Scenario s = steadyLoad();
        const Nanos interval = intervalMs * kMilli;
        s.sampleInterval = interval;
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        c->setTickInterval(1000000); // the test drives the ticks
        c->blockSignals(true);
        for (int i = 0; i < ticks; ++i)
            c->tick();
        c->blockSignals(false);
        c->cancel(); // one more snapshot: the run has stopped
        QVERIFY(c->isFinished());
        QVERIFY(c->series().overviewSize() <= c->series().overviewCapacity()); // the charts stay bounded

        QVERIFY(w.exportCsvFile(QStringLiteral("run.csv")));
        // One row per sample interval, then the last, shorter one up to the stop.
        QCOMPARE(exported.size(), std::size_t(fullRows) + 1);
        std::uint64_t completions = 0;
        for (std::size_t i = 0; i < exported.size(); ++i) {
            const Sample& row = exported[i];
            if (i < std::size_t(fullRows)) {
                QCOMPARE(row.runNs, Nanos(i + 1) * interval);
                QCOMPARE(row.intervalNs, interval);
            }
            QCOMPARE(row.completionsPerSec, 1000.0);
            completions +=
                static_cast<std::uint64_t>(std::llround(row.completionsPerSec * toSeconds(row.intervalNs)));
        }
        const Sample& last = exported.back();
        QCOMPARE(last.runNs, Nanos(ticks + 1) * 100 * kMilli);
        QCOMPARE(last.intervalNs, last.runNs - Nanos(fullRows) * interval);
        const Counters& totals = c->snapshot().counters;
        QCOMPARE(totals.succeeded, std::uint64_t(ticks + 1) * 100);
        QCOMPARE(completions, totals.succeeded + totals.failed);
        QCOMPARE(last.totals.succeeded, totals.succeeded);
    }

    void sampleIntervalsShorterThanATickGetTheirOwnRows_data()
    {
        QTest::addColumn<qint64>("intervalMs");
        QTest::newRow("10 ms") << qint64{10};
        QTest::newRow("40 ms") << qint64{40};
        QTest::newRow("90 ms") << qint64{90};
    }
    void sampleIntervalsShorterThanATickGetTheirOwnRows()
    {
        QFETCH(qint64, intervalMs);
        const Nanos interval = intervalMs * kMilli;
        Nanos clock = 0;
        std::vector<Sample> exported;
        WindowHooks h =
            hooks([&clock](const Scenario& s) { return std::make_unique<ManualClockEngine>(s, &clock); });
        h.exportCsv = [&exported](const QString&, std::span<const Sample> samples, double, QString&) {
            exported.assign(samples.begin(), samples.end());
            return true;
        };
        MainWindow w(h);
        Scenario s = steadyLoad();
        s.sampleInterval = interval;
        w.setScenario(s);
        RunController* c = w.controller();
        QVERIFY(c->start());
        c->setTickInterval(1000000); // no chart ticks: rows must come on their own
        constexpr int kIntervals = 20;
        for (int k = 1; k <= kIntervals; ++k) {
            clock = k * interval;
            QTRY_COMPARE(c->intervalSamples().size(), std::size_t(k));
        }
        clock += interval / 2;
        c->cancel(); // the tick that sees the end adds the last, half interval
        QVERIFY(c->isFinished());

        QVERIFY(w.exportCsvFile(QStringLiteral("run.csv")));
        QCOMPARE(exported.size(), std::size_t(kIntervals) + 1);
        std::uint64_t completions = 0;
        for (std::size_t i = 0; i < exported.size(); ++i) {
            const Sample& row = exported[i];
            const Nanos length = i < kIntervals ? interval : interval / 2;
            QCOMPARE(row.runNs, Nanos(i) * interval + length);
            QCOMPARE(row.intervalNs, length);
            completions +=
                static_cast<std::uint64_t>(std::llround(row.completionsPerSec * toSeconds(row.intervalNs)));
        }
        QCOMPARE(completions, std::uint64_t(clock / kMilli));
        QCOMPARE(exported.back().totals.succeeded, std::uint64_t(clock / kMilli));
    }

    void workersRangeFollowsTheTimeMode_data()
    {
        QTest::addColumn<bool>("running"); // switched during a run
        QTest::addColumn<TimeMode>("from");
        QTest::addColumn<int>("workers");
        QTest::addColumn<TimeMode>("to");
        QTest::addColumn<int>("maximum");
        QTest::addColumn<int>("workersAfter");
        QTest::addColumn<QString>("range"); // how the tooltip ends
        QTest::addColumn<QString>("message");
        const QString real =
            QStringLiteral("Range 1\u20134096 with real threads (virtual time: up to 100000).");
        const QString virt =
            QStringLiteral("Range 1\u2013100000 in virtual time (real threads: up to 4096).");
        const QString clamped = QStringLiteral("Workers lowered from 20000 to 4096: real threads allow "
                                               "1\u20134096 (virtual time allows up to 100000).");
        QTest::newRow("real to virtual")
            << false << TimeMode::Real << 4096 << TimeMode::Virtual << 100000 << 4096 << virt << QString();
        QTest::newRow("virtual to real, in range")
            << false << TimeMode::Virtual << 4096 << TimeMode::Real << 4096 << 4096 << real << QString();
        QTest::newRow("virtual to real, 20000 workers")
            << false << TimeMode::Virtual << 20000 << TimeMode::Real << 4096 << 4096 << real << clamped;
        // Not covered by the "applied live" message of the edits.
        QTest::newRow("virtual to real during a run, 20000 workers")
            << true << TimeMode::Virtual << 20000 << TimeMode::Real << 4096 << 4096 << real << clamped;
        QTest::newRow("virtual to real, 100000 workers")
            << false << TimeMode::Virtual << 100000 << TimeMode::Real << 4096 << 4096 << real
            << QStringLiteral("Workers lowered from 100000 to 4096: real threads allow 1\u20134096 "
                              "(virtual time allows up to 100000).");
    }
    void workersRangeFollowsTheTimeMode()
    {
        QFETCH(bool, running);
        QFETCH(TimeMode, from);
        QFETCH(int, workers);
        QFETCH(TimeMode, to);
        QFETCH(int, maximum);
        QFETCH(int, workersAfter);
        QFETCH(QString, range);
        QFETCH(QString, message);
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        Scenario s = steadyLoad();
        s.timeMode = from;
        s.workers = workers;
        w.setScenario(s);
        auto* box = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        auto* mode = w.controls()->findChild<QComboBox*>(QStringLiteral("timeMode"));
        QVERIFY(box && mode);
        QCOMPARE(box->maximum(), from == TimeMode::Real ? 4096 : 100000);
        QCOMPARE(box->value(), workers);
        QCOMPARE(w.controls()->scenario().workers, workers);
        if (running)
            QVERIFY(w.controller()->start());

        mode->setCurrentIndex(static_cast<int>(to));
        QCOMPARE(box->minimum(), 1);
        QCOMPARE(box->maximum(), maximum);
        QCOMPARE(box->value(), workersAfter);
        QVERIFY2(box->toolTip().endsWith(range), qPrintable(box->toolTip()));
        QCOMPARE(w.controller()->scenario().timeMode, to);
        QCOMPARE(w.controller()->scenario().workers, workersAfter);
        QCOMPARE(w.statusBar()->currentMessage(), message);
        if (running) {
            // The running engine has the lower count too, and the charts mark both changes.
            QCOMPARE(w.controller()->markers().size(), std::size_t{2});
            QCOMPARE(w.controller()->markers().front().label(), QStringLiteral("workers 20000 \u2192 4096"));
            QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("time virtual \u2192 real"));
            w.controller()->cancel();
        }
    }

    void exportWritesCsvAndImages()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MainWindow w(hooks());
        w.resize(1280, 800);
        w.setScenario(steadyLoad());
        w.controller()->start();
        QTRY_VERIFY(w.controller()->series().added() >= 5);
        w.controller()->cancel();
        QTRY_VERIFY(w.controller()->isFinished());

        const QString csv = dir.filePath(QStringLiteral("run.csv"));
        QVERIFY(w.exportCsvFile(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        // Header, one row per sample interval (the last one shorter), final newline.
        QVERIFY(!w.controller()->intervalSamples().empty());
        QCOMPARE(static_cast<std::size_t>(lines.size()), w.controller()->intervalSamples().size() + 2);

        const QString png = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(w.exportChartImage(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 200 && image.height() >= 200);

        const QString svg = dir.filePath(QStringLiteral("charts.svg"));
        QVERIFY(w.exportChartImage(svg));
        QFile s(svg);
        QVERIFY(s.open(QIODevice::ReadOnly));
        QVERIFY(s.readAll().contains("<svg"));

        QVERIFY(!w.exportChartImage(dir.filePath(QStringLiteral("missing/dir/charts.png"))));
        QVERIFY(w.lastError().contains(QStringLiteral("could not be written")));
    }

    void badScenarioShowsTheError()
    {
        MainWindow w(hooks());
        w.show();
        Scenario s = steadyLoad();
        s.workers = 7;
        w.setScenario(s);
        QVERIFY(!w.openScenarioFile(QStringLiteral("/nowhere/bad.json")));
        QVERIFY(w.lastError().contains(QStringLiteral("line 3, column 14")));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"))) && box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("must be a whole number")));
        QCOMPARE(w.controller()->scenario().workers, 7); // unchanged
        box->accept();
    }

    void everyActionHasItsOwnShortcut()
    {
        MainWindow w(hooks());
        QSet<QString> keys;
        for (const char* name :
             {"start", "pause", "drain", "stop", "reset", "open", "save", "exportCsv", "exportImage"}) {
            QAction* a = w.action(QString::fromLatin1(name));
            QVERIFY2(a, name);
            QVERIFY2(!a->shortcut().isEmpty(), name);
            keys.insert(a->shortcut().toString());
        }
        QCOMPARE(keys.size(), 9);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
