// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/real_engine.h"
#include "core/summary.h"
#include "core/virtual_engine.h"
#include "io/atomic_file.h"
#include "io/trace_writer.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>

using namespace poollab;

namespace {

// Microseconds with three decimals, back to whole nanoseconds.
Nanos ns(const QJsonValue& micros)
{
    return std::llround(micros.toDouble() * 1000.0);
}

struct Run
{
    Snapshot snapshot;
    std::vector<AttemptEvent> events;
    std::uint64_t lost = 0;
};

Run runWithEvents(Engine& engine)
{
    auto log = std::make_shared<AttemptEventLog>(1'000'000, AttemptEventLog::Mode::KeepFirst);
    engine.setAttemptEventLog(log);
    engine.start();
    if (!engine.waitFinished(120 * kSecond))
        qFatal("the run did not finish");
    Run run;
    engine.snapshot(run.snapshot);
    log->copySince(0, run.events);
    run.lost = log->lost();
    return run;
}

TraceInfo infoOf(const Scenario& s, const Run& run)
{
    TraceInfo info;
    info.scenarioName = QString::fromStdString(s.name);
    info.workers = s.workers;
    info.runNs = run.snapshot.runNs;
    info.lostEvents = run.lost;
    return info;
}

QJsonObject parse(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("trace does not parse: %s at %d", qPrintable(error.errorString()), error.offset);
    return doc.object();
}

Scenario busyScenario()
{
    // Backpressure, retries, timeouts and a rate limit: every kind of slice.
    Scenario s;
    s.name = "Trace \"test\"";
    s.workers = 3;
    s.queueCapacity = 4;
    s.latency = "exp(8ms)";
    s.arrival = ArrivalKind::Poisson;
    s.rate = 300;
    s.jobs = 1500;
    s.failureRate = 0.1;
    s.timeout = 30 * kMilli;
    s.maxAttempts = 3;
    s.backoffBase = 5 * kMilli;
    s.rateLimit = 320;
    s.burst = 3;
    s.seed = 5;
    return s;
}

// Checks the trace's structure; service: the sum of the service slices' durations, in ns.
void checkTrace(const QJsonObject& root, const Scenario& s, const Run& run, Nanos& service)
{
    const QJsonArray events = root.value(QStringLiteral("traceEvents")).toArray();
    QString processName;
    std::map<int, QString> threadNames;
    std::map<int, std::vector<std::pair<Nanos, Nanos>>> slicesByTid;
    std::map<QString, int> counters;
    std::map<QString, std::vector<Nanos>> openAsync; // cat/name/id -> begin times
    int asyncPairs = 0, serviceSlices = 0, tokenSlices = 0;
    service = 0;
    for (const QJsonValue& v : events) {
        const QJsonObject e = v.toObject();
        const QString ph = e.value(QStringLiteral("ph")).toString();
        const QString name = e.value(QStringLiteral("name")).toString();
        QCOMPARE(e.value(QStringLiteral("pid")).toInt(), 1);
        if (ph == QStringLiteral("M")) {
            const QString value =
                e.value(QStringLiteral("args")).toObject().value(QStringLiteral("name")).toString();
            if (name == QStringLiteral("process_name"))
                processName = value;
            else if (name == QStringLiteral("thread_name"))
                threadNames[e.value(QStringLiteral("tid")).toInt()] = value;
        } else if (ph == QStringLiteral("X")) {
            const Nanos ts = ns(e.value(QStringLiteral("ts")));
            const Nanos dur = ns(e.value(QStringLiteral("dur")));
            if (dur < 0 || ts < 0)
                qFatal("negative slice");
            slicesByTid[e.value(QStringLiteral("tid")).toInt()].push_back({ts, ts + dur});
            const QJsonObject args = e.value(QStringLiteral("args")).toObject();
            if (e.value(QStringLiteral("cat")).toString() == QStringLiteral("service")) {
                ++serviceSlices;
                service += dur;
                if (name != QStringLiteral("job %1").arg(args.value(QStringLiteral("id")).toInteger()))
                    qFatal("slice name %s", qPrintable(name));
                if (!args.contains(QStringLiteral("attempt")) || !args.contains(QStringLiteral("outcome")))
                    qFatal("service slice without attempt or outcome");
            } else {
                QCOMPARE(name, QStringLiteral("token wait"));
                ++tokenSlices;
            }
        } else if (ph == QStringLiteral("b") || ph == QStringLiteral("e")) {
            const QString key = e.value(QStringLiteral("cat")).toString() + QLatin1Char('/') + name +
                                QLatin1Char('/') + QString::number(e.value(QStringLiteral("id")).toInteger());
            if (ph == QStringLiteral("b")) {
                openAsync[key].push_back(ns(e.value(QStringLiteral("ts"))));
            } else {
                auto& open = openAsync[key];
                if (open.empty())
                    qFatal("async end without a begin: %s", qPrintable(key));
                if (ns(e.value(QStringLiteral("ts"))) < open.back())
                    qFatal("async end before its begin: %s", qPrintable(key));
                open.pop_back();
                ++asyncPairs;
            }
        } else if (ph == QStringLiteral("C")) {
            ++counters[name];
            const double value = e.value(QStringLiteral("args")).toObject().begin().value().toDouble();
            if (value < 0 || (name == QStringLiteral("busy workers") && value > s.workers))
                qFatal("counter %s at %f", qPrintable(name), value);
        } else {
            qFatal("unexpected phase %s", qPrintable(ph));
        }
    }
    QCOMPARE(processName, QStringLiteral("PoolLab — ") + QString::fromStdString(s.name));
    for (int w = 0; w < s.workers; ++w)
        QCOMPARE(threadNames[w + 1], QStringLiteral("worker %1").arg(w));
    // No two slices on one track overlap.
    for (auto& [tid, slices] : slicesByTid) {
        std::sort(slices.begin(), slices.end());
        for (std::size_t i = 1; i < slices.size(); ++i)
            if (slices[i].first < slices[i - 1].second)
                qFatal("tid %d: slices overlap at %lld", tid, static_cast<long long>(slices[i].first));
    }
    for (const auto& [key, open] : openAsync)
        if (!open.empty())
            qFatal("async begin without an end: %s", qPrintable(key));
    QCOMPARE(std::uint64_t(serviceSlices), run.snapshot.counters.attempts);
    QVERIFY(asyncPairs > 0); // queue waits and held-back spans
    QCOMPARE(tokenSlices > 0, s.rateLimit > 0);
    for (const char* counter : {"queue depth", "busy workers", "in flight"})
        QVERIFY2(counters[QString::fromLatin1(counter)] > 0, counter);
}

double traceUtilization(const QJsonObject& root, Nanos service)
{
    const QJsonObject other = root.value(QStringLiteral("otherData")).toObject();
    const double elapsedNs = static_cast<double>(ns(other.value(QStringLiteral("elapsed_us"))));
    return static_cast<double>(service) / (elapsedNs * other.value(QStringLiteral("workers")).toDouble());
}

} // namespace

class TestTraceWriter : public QObject
{
    Q_OBJECT

private slots:
    void virtualTraceHasTheStructureAndTheUtilization()
    {
        const Scenario s = busyScenario();
        VirtualEngine engine(s);
        const Run run = runWithEvents(engine);
        QCOMPARE(run.lost, std::uint64_t{0});
        const QJsonObject root = parse(traceToJson(run.events, infoOf(s, run)));
        QCOMPARE(root.value(QStringLiteral("displayTimeUnit")).toString(), QStringLiteral("ms"));
        Nanos service = 0;
        checkTrace(root, s, run, service);
        if (QTest::currentTestFailed())
            return;
        // Virtual time: the slices add up to the busy time exactly.
        QCOMPARE(service, run.snapshot.busyNs);
        const double summary = RunSummary::from(run.snapshot, "virtual").utilization;
        QVERIFY2(std::abs(traceUtilization(root, service) - summary) < 1e-12,
                 qPrintable(QStringLiteral("%1 vs %2").arg(traceUtilization(root, service)).arg(summary)));
    }

    void realTraceHasTheStructureAndTheUtilization()
    {
        Scenario s = busyScenario();
        s.jobs = 300;
        s.latency = "exp(3ms)";
        s.rate = 600;
        s.rateLimit = 700;
        RealEngine engine(s);
        const Run run = runWithEvents(engine);
        const QJsonObject root = parse(traceToJson(run.events, infoOf(s, run)));
        Nanos service = 0;
        checkTrace(root, s, run, service);
        if (QTest::currentTestFailed())
            return;
        // The events' service is the busy time but where one was kept from starting
        // before its planned arrival (AttemptEvent on real threads): within 1 %.
        const double summary = RunSummary::from(run.snapshot, "real").utilization;
        QVERIFY2(std::abs(traceUtilization(root, service) - summary) <= 0.01 * summary,
                 qPrintable(QStringLiteral("%1 vs %2").arg(traceUtilization(root, service)).arg(summary)));
    }

    void countersFollowTheEvents()
    {
        // Two jobs on one worker: the second queued while the first runs.
        AttemptEvent a;
        a.jobId = 0;
        a.worker = 0;
        a.ended = 10'000;
        AttemptEvent b = a;
        b.jobId = 1;
        b.planned = b.submitted = b.enqueued = 2'000;
        b.taken = b.started = 10'000;
        b.ended = 15'500;
        TraceInfo info;
        info.scenarioName = QStringLiteral("two");
        info.workers = 1;
        info.runNs = 15'500;
        const QJsonArray events =
            parse(traceToJson({a, b}, info)).value(QStringLiteral("traceEvents")).toArray();
        std::map<QString, std::vector<std::pair<Nanos, double>>> series;
        for (const QJsonValue& v : events) {
            const QJsonObject e = v.toObject();
            if (e.value(QStringLiteral("ph")).toString() == QStringLiteral("C"))
                series[e.value(QStringLiteral("name")).toString()].push_back(
                    {ns(e.value(QStringLiteral("ts"))),
                     e.value(QStringLiteral("args")).toObject().begin().value().toDouble()});
        }
        using Steps = std::vector<std::pair<Nanos, double>>;
        QCOMPARE(series[QStringLiteral("queue depth")], (Steps{{0, 0}, {2'000, 1}, {10'000, 0}}));
        QCOMPARE(series[QStringLiteral("busy workers")], (Steps{{0, 1}, {15'500, 0}}));
        QCOMPARE(series[QStringLiteral("in flight")], (Steps{{0, 1}, {15'500, 0}}));
    }

    // "held back" only when the producer was late past kHeldBackFrom (a blocked
    // producer), not for a real producer thread's usual wake-up lateness.
    void heldBackOnlyPastTheThreshold_data()
    {
        QTest::addColumn<qint64>("late");
        QTest::addColumn<bool>("heldBack");
        QTest::newRow("on time") << qint64(0) << false;
        QTest::newRow("woke 262 us late") << qint64(262'000) << false;
        QTest::newRow("just under") << qint64(kHeldBackFrom - 1) << false;
        QTest::newRow("at the threshold") << qint64(kHeldBackFrom) << true;
        QTest::newRow("blocked 40 ms") << qint64(40'000'000) << true;
    }

    void heldBackOnlyPastTheThreshold()
    {
        QFETCH(qint64, late);
        QFETCH(bool, heldBack);
        AttemptEvent e;
        e.worker = 0;
        e.planned = 1'000;
        e.submitted = e.enqueued = e.taken = e.started = 1'000 + late;
        e.ended = e.started + 5'000;
        TraceInfo info;
        info.workers = 1;
        info.runNs = e.ended;
        int pairs = 0;
        for (const QJsonValue& v :
             parse(traceToJson({e}, info)).value(QStringLiteral("traceEvents")).toArray())
            pairs += v.toObject().value(QStringLiteral("name")).toString() == QStringLiteral("held back");
        QCOMPARE(pairs, heldBack ? 2 : 0); // a "b" and an "e"
    }

    // Exported during a live run, the events are copied after the snapshot that gave
    // runNs and workers: the trace's elapsed_us and workers still cover every slice, and
    // a trace that left attempts out says its counters add up only those kept.
    void otherDataCoversEverySlice()
    {
        AttemptEvent e;
        e.worker = 3;
        e.ended = 9'000'000;
        e.started = e.taken = 2'000'000;
        TraceInfo info;
        info.workers = 2;
        info.runNs = 5'000'000; // the last tick's, before the copy
        QJsonObject other = parse(traceToJson({e}, info)).value(QStringLiteral("otherData")).toObject();
        QCOMPARE(other.value(QStringLiteral("elapsed_us")).toDouble(), 9'000.0);
        QCOMPARE(other.value(QStringLiteral("workers")).toInt(), 4);
        QVERIFY(!other.contains(QStringLiteral("counters_note")));
        info.lostEvents = 10;
        info.runNs = 12'000'000;
        other = parse(traceToJson({e}, info)).value(QStringLiteral("otherData")).toObject();
        QCOMPARE(other.value(QStringLiteral("elapsed_us")).toDouble(), 12'000.0);
        QCOMPARE(other.value(QStringLiteral("attempts_left_out")).toInt(), 10);
        QVERIFY(other.value(QStringLiteral("counters_note")).toString().contains(QStringLiteral("only")));
    }

    void fileIsWrittenWhole()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.trace.json"));
        AttemptEvent e;
        e.worker = 0;
        e.ended = 1'234'567;
        TraceInfo info;
        info.workers = 1;
        QString why;
        QVERIFY2(writeTraceFile(path, {e}, info, &why), qPrintable(why));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.contains(
            R"("name":"job 0","cat":"service","ph":"X","pid":1,"tid":1,"ts":0.000,"dur":1234.567)"));
        parse(bytes);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("run.trace.json")});
    }
};

QTEST_GUILESS_MAIN(TestTraceWriter)
#include "tst_trace_writer.moc"
