// SPDX-License-Identifier: GPL-3.0-or-later
// The window's Export CSV against the command line's --csv: the same rows, one per
// sample interval of the whole run, however long the run.
#include "core/virtual_engine.h"
#include "io/csv_export.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QXYSeries>

#include <cmath>
#include <vector>

using namespace poollab;

namespace {

WindowHooks csvHooks()
{
    WindowHooks h;
    h.makeEngine = makeEngineFor;
    // What main() plugs in.
    h.exportCsv = [](const QString& path, std::span<const Sample> samples, double startUnixS,
                     QString& error) { return exportTimeSeriesCsv(path, samples, startUnixS, &error); };
    return h;
}

// What runHeadless() does for a virtual-time scenario before it writes --csv.
std::vector<Sample> commandLineSamples(const Scenario& scenario)
{
    const std::unique_ptr<Engine> engine = makeVirtualEngine(scenario);
    engine->start();
    engine->waitFinished();
    std::vector<Sample> samples;
    static_cast<const VirtualEngine&>(*engine).samples(samples);
    return samples;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Data rows of a time-series CSV, split into cells (no cell of it is quoted).
QList<QList<QByteArray>> dataRows(const QByteArray& csv)
{
    QList<QByteArray> lines = csv.split('\n');
    QList<QList<QByteArray>> rows;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (lines[i].isEmpty())
            continue;
        QByteArray line = lines[i];
        line.chop(1); // the CR
        rows << line.split(',');
    }
    return rows;
}

int column(const char* name)
{
    return static_cast<int>(timeSeriesCsvColumns().indexOf(QLatin1String(name)));
}

Scenario base()
{
    Scenario s;
    s.timeMode = TimeMode::Virtual;
    s.seed = 7;
    return s;
}

} // namespace

class TstWindowExport : public QObject
{
    Q_OBJECT

private slots:
    void virtualRunMatchesTheCommandLine_data()
    {
        // Each runs more sample intervals than a chart has downsampling buckets.
        QTest::addColumn<Scenario>("scenario");
        {
            Scenario s = base();
            s.arrival = ArrivalKind::Poisson;
            s.rate = 50;
            s.latency = "exp(50ms)";
            s.workers = 4;
            s.queueCapacity = 1000;
            s.jobs = 0;
            s.duration = 20 * 60 * kSecond;
            QTest::newRow("poisson, 20 min, 1 s rows") << s;
        }
        {
            // 10,000 x 500 ms over 20 workers: 250 s, in quarter seconds.
            Scenario s = base();
            s.arrival = ArrivalKind::Burst;
            s.jobs = 10000;
            s.latency = "500ms";
            s.workers = 20;
            s.queueCapacity = 10000;
            s.sampleInterval = 250 * kMilli;
            QTest::newRow("burst, 250 ms rows") << s;
        }
        {
            Scenario s = base();
            s.arrival = ArrivalKind::Spike;
            s.rate = 20;
            s.spikeRate = 400;
            s.spikeStart = 30 * kSecond;
            s.spikeDuration = 10 * kSecond;
            s.latency = "20ms";
            s.workers = 2;
            s.queueCapacity = 50;
            s.overflow = OverflowPolicy::Reject;
            s.failureRate = 0.1;
            s.maxAttempts = 3;
            s.backoffBase = 50 * kMilli;
            s.jobs = 0;
            s.duration = 120 * kSecond;
            s.sampleInterval = 100 * kMilli;
            QTest::newRow("spike with rejects and retries, 100 ms rows") << s;
        }
    }
    void virtualRunMatchesTheCommandLine()
    {
        QFETCH(Scenario, scenario);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MainWindow w(csvHooks());
        w.setScenario(scenario);
        RunController* c = w.controller();
        c->setPace(0); // as fast as the simulation goes, as the command line runs it
        QVERIFY(c->start());
        QTRY_VERIFY_WITH_TIMEOUT(c->isFinished(), 60000);
        w.charts()->update();
        for (QXYSeries* series : w.charts()->allSeries()) // the charts stay bounded
            QVERIFY(series->count() <= ChartPanel::kMaxPoints);

        const QString path = dir.filePath(QStringLiteral("window.csv"));
        QVERIFY2(w.exportCsvFile(path), qPrintable(w.lastError()));
        const QByteArray window = readAll(path);
        // The same scenario and seed give the same run: byte for byte what --csv writes
        // (with the window's start time, as the timestamps count from it).
        const QByteArray commandLine = timeSeriesToCsv(commandLineSamples(scenario), c->runStartUnixS());
        QCOMPARE(window.size(), commandLine.size());
        QVERIFY(window == commandLine);

        // One row per sample interval, the last one ending with the run; the counts add up.
        const QList<QList<QByteArray>> data = dataRows(window);
        const Snapshot& end = c->snapshot();
        const Nanos interval = scenario.sampleInterval;
        QCOMPARE(data.size(), qsizetype((end.runNs + interval - 1) / interval));
        QVERIFY(data.size() > ChartPanel::kMaxBuckets); // more rows than a chart has buckets
        QCOMPARE(data.last()[column("elapsed_s")].toDouble(), std::round(toSeconds(end.runNs) * 1e6) / 1e6);
        double completions = 0;
        double rejections = 0;
        double retries = 0;
        for (const QList<QByteArray>& row : data) {
            const double interval = row[column("interval_s")].toDouble();
            completions += row[column("completions_per_s")].toDouble() * interval;
            rejections += row[column("rejections_per_s")].toDouble() * interval;
            retries += row[column("retries_per_s")].toDouble() * interval;
        }
        const Counters& n = end.counters;
        QCOMPARE(std::llround(completions), qint64(n.succeeded + n.failed));
        QCOMPARE(std::llround(rejections), qint64(n.rejected));
        QCOMPARE(std::llround(retries), qint64(n.retries));
        QCOMPARE(data.last()[column("succeeded")].toULongLong(), n.succeeded);
    }

    // File > Export trace: the run's attempt events (the controller's ring) as --trace
    // writes them: a slice per attempt, on the worker that ran it.
    void exportTraceWritesTheRunsAttempts()
    {
        QTemporaryDir dir;
        MainWindow w(csvHooks());
        Scenario s = base();
        s.workers = 3;
        s.latency = "exp(20ms)";
        s.arrival = ArrivalKind::Poisson;
        s.rate = 100;
        s.jobs = 500;
        w.setScenario(s);
        RunController* c = w.controller();
        c->setPace(0);
        QVERIFY(!w.findChild<QAction*>(QStringLiteral("exportTrace"))->isEnabled()); // no run yet
        QVERIFY(c->start());
        QTRY_VERIFY_WITH_TIMEOUT(c->isFinished(), 60000);
        QVERIFY(w.findChild<QAction*>(QStringLiteral("exportTrace"))->isEnabled());
        const QString path = dir.filePath(QStringLiteral("window.trace.json"));
        QVERIFY2(w.exportTraceFile(path), qPrintable(w.lastError()));
        const QJsonArray events =
            QJsonDocument::fromJson(readAll(path)).object().value(QStringLiteral("traceEvents")).toArray();
        int service = 0;
        for (const QJsonValue& v : events) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("cat")).toString() == QStringLiteral("service")) {
                ++service;
                const int tid = e.value(QStringLiteral("tid")).toInt();
                QVERIFY(tid >= 1 && tid <= s.workers);
            }
        }
        QCOMPARE(std::uint64_t(service), c->snapshot().counters.attempts);
        QCOMPARE(c->attemptEvents()->pushed(), c->snapshot().counters.attempts);
    }

    void realRunExportsEveryInterval()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Scenario s;
        s.arrival = ArrivalKind::Constant;
        s.rate = 200;
        s.latency = "2ms";
        s.workers = 4;
        s.jobs = 300; // 1.5 s
        s.sampleInterval = 250 * kMilli;
        MainWindow w(csvHooks());
        w.setScenario(s);
        RunController* c = w.controller();
        QVERIFY(c->start());
        QTRY_VERIFY_WITH_TIMEOUT(c->isFinished(), 30000);

        const QString path = dir.filePath(QStringLiteral("real.csv"));
        QVERIFY2(w.exportCsvFile(path), qPrintable(w.lastError()));
        const QByteArray csv = readAll(path);
        const QByteArray header = timeSeriesCsvColumns().join(QLatin1Char(',')).toUtf8() + QByteArray("\r\n");
        QVERIFY(csv.startsWith(header));
        const QList<QList<QByteArray>> data = dataRows(csv);
        const Snapshot& end = c->snapshot();
        // A row at each interval boundary the run passed (on the first tick after it, as
        // the command line takes them), and a last one up to the end.
        const double runS = toSeconds(end.runNs);
        QVERIFY2(data.size() >= 2 && data.size() <= qsizetype(std::ceil(runS / 0.25)),
                 qPrintable(QStringLiteral("%1 rows over %2 s").arg(data.size()).arg(runS)));
        double completions = 0;
        double previous = 0;
        for (qsizetype i = 0; i < data.size(); ++i) {
            const double elapsed = data[i][column("elapsed_s")].toDouble();
            QVERIFY(elapsed > previous);
            if (i + 1 < data.size())
                QVERIFY(elapsed >= 0.25 * double(i + 1));
            previous = elapsed;
            completions +=
                data[i][column("completions_per_s")].toDouble() * data[i][column("interval_s")].toDouble();
        }
        QCOMPARE(previous, std::round(runS * 1e6) / 1e6);
        QCOMPARE(std::llround(completions), qint64{300});
        QCOMPARE(data.last()[column("succeeded")].toInt(), 300);
    }
};

QTEST_MAIN(TstWindowExport)
#include "tst_window_export.moc"
