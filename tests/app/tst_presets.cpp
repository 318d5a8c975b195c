// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/presets.h"
#include "core/distribution.h"
#include "core/queueing_theory.h"
#include "core/real_engine.h"
#include "core/virtual_engine.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace poollab;

namespace {

const QStringList kExpectedIds = {
    QStringLiteral("signup-burst"),
    QStringLiteral("backpressure"),
    QStringLiteral("overload-reject"),
    QStringLiteral("handoff"),
    QStringLiteral("mmc-queue"),
    QStringLiteral("cpu-vs-io"),
    QStringLiteral("rate-limited-email"),
    QStringLiteral("retry-storm"),
    QStringLiteral("coordinated-omission"),
};

Scenario preset(const QString& id)
{
    Scenario s;
    QString error;
    if (!loadPreset(id, s, &error))
        qWarning("%s", qPrintable(error));
    return s;
}

// Service capacity in jobs/s of a preset with a constant latency.
double capacity(const Scenario& s)
{
    const auto d = LatencyDistribution::parse(s.latency, nullptr);
    return d ? s.workers * 1e9 / d->meanNs() : 0.0;
}

} // namespace

class TestPresets : public QObject
{
    Q_OBJECT

private slots:
    void reachableFromTheResourceLibrary()
    {
        QVERIFY(QFile::exists(QStringLiteral(":/presets/signup-burst.json")));
    }

    void listIsCompleteAndInTeachingOrder()
    {
        const QList<PresetInfo> presets = listPresets();
        QStringList ids;
        for (const PresetInfo& p : presets) {
            ids << p.id;
            QVERIFY2(!p.title.isEmpty(), qPrintable(p.id));
            QVERIFY2(p.description.size() >= 200, qPrintable(p.id)); // says what to watch
        }
        QCOMPARE(ids, kExpectedIds);
        QCOMPARE(presets.first().title, QStringLiteral("Signup burst"));
    }

    void everySourceFileIsCompiledIn()
    {
        // A preset added to resources/presets/ must reach the binary (and this list).
        QDir dir(QStringLiteral(POOLLAB_SOURCE_DIR "/resources/presets"));
        QStringList onDisk;
        for (const QString& file : dir.entryList({QStringLiteral("*.json")}, QDir::Files))
            onDisk << file.chopped(5);
        QStringList expected = kExpectedIds;
        expected.sort();
        QCOMPARE(onDisk, expected);
        for (const QString& id : kExpectedIds) {
            QFile source(dir.filePath(id + QStringLiteral(".json")));
            QFile compiled(QStringLiteral(":/presets/") + id + QStringLiteral(".json"));
            QVERIFY(source.open(QIODevice::ReadOnly));
            QVERIFY(compiled.open(QIODevice::ReadOnly));
            QCOMPARE(compiled.readAll(), source.readAll());
        }
    }

    void eachLoadsAndValidates_data()
    {
        QTest::addColumn<QString>("id");
        for (const QString& id : kExpectedIds)
            QTest::newRow(qPrintable(id)) << id;
    }

    void eachLoadsAndValidates()
    {
        QFETCH(QString, id);
        Scenario s;
        s.workers = 999; // a preset starts from the defaults, not from what was there
        QString error;
        QVERIFY2(loadPreset(id, s, &error), qPrintable(error));
        QCOMPARE(validateScenario(s), QString());
        QVERIFY(s.workers != 999);
        QVERIFY(LatencyDistribution::parse(s.latency, nullptr).has_value());
        // Strictly valid as a scenario file too (the loader above is the same one).
        QFile file(QStringLiteral(":/presets/") + id + QStringLiteral(".json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        Scenario again;
        QVERIFY2(scenarioFromJson(file.readAll(), again, &error), qPrintable(error));
    }

    void presetsShowWhatTheySay()
    {
        const Scenario burst = preset(QStringLiteral("signup-burst"));
        QCOMPARE(burst.jobs, std::uint64_t{10'000});
        QCOMPARE(burst.workers, 20);
        QCOMPARE(burst.latency, std::string("500ms"));
        QCOMPARE(int(burst.arrival), int(ArrivalKind::Burst));

        const Scenario back = preset(QStringLiteral("backpressure"));
        QCOMPARE(int(back.overflow), int(OverflowPolicy::Block));
        QVERIFY(back.queueCapacity > 0);
        QVERIFY(back.rate > capacity(back)); // producers faster than the workers

        const Scenario reject = preset(QStringLiteral("overload-reject"));
        QCOMPARE(int(reject.overflow), int(OverflowPolicy::Reject));
        QVERIFY(reject.rate > capacity(reject));

        const Scenario storm = preset(QStringLiteral("retry-storm"));
        QVERIFY(storm.failureRate > 0);
        QVERIFY(storm.maxAttempts > 1);
        QCOMPARE(int(storm.arrival), int(ArrivalKind::Spike));
        QVERIFY(storm.rate < capacity(storm));      // fine before the trigger...
        QVERIFY(storm.spikeRate > capacity(storm)); // ...overloaded by it

        const Scenario email = preset(QStringLiteral("rate-limited-email"));
        QVERIFY(email.rateLimit > 0);
        QVERIFY(email.rate > email.rateLimit);

        const Scenario cpu = preset(QStringLiteral("cpu-vs-io"));
        QCOMPARE(int(cpu.jobKind), int(JobKind::Cpu));
        QVERIFY(cpu.workers >= 16);

        QCOMPARE(preset(QStringLiteral("handoff")).queueCapacity, 0);

        const Scenario mmc = preset(QStringLiteral("mmc-queue"));
        QCOMPARE(int(mmc.arrival), int(ArrivalKind::Poisson));
        const auto service = LatencyDistribution::parse(mmc.latency, nullptr);
        QVERIFY(service && service->isExponential());
        QVERIFY(mmc.rate < capacity(mmc)); // stable: utilization below 1
    }

    void mmcDescriptionQuotesTheTheory()
    {
        // The numbers a learner compares against must be what the formulas give.
        const Scenario s = preset(QStringLiteral("mmc-queue"));
        const TheoryPrediction p = predict(s);
        QVERIFY2(p.applies, p.reason.c_str());
        QCOMPARE(p.model, std::string("M/M/c"));
        const QString text = QString::fromStdString(s.description);
        const QString expected[] = {
            QString::number(s.workers) + QStringLiteral(" workers"),
            QString::number(p.metrics.rho * 100, 'f', 0) + QStringLiteral(" %"),
            QString::number(p.metrics.probWait * 100, 'f', 1) + QStringLiteral(" % of jobs wait"),
            QStringLiteral("mean wait is ") + QString::number(p.metrics.meanWait * 1000, 'f', 1) +
                QStringLiteral(" ms"),
            QStringLiteral("system ") + QString::number(p.metrics.meanResponse * 1000, 'f', 1) +
                QStringLiteral(" ms"),
            QStringLiteral("queue length ") + QString::number(p.metrics.meanQueueLength, 'f', 1),
        };
        for (const QString& phrase : expected)
            QVERIFY2(text.contains(phrase), qPrintable(phrase));
    }

    void unknownPreset()
    {
        Scenario s;
        QString error;
        QVERIFY(!loadPreset(QStringLiteral("nope"), s, &error));
        QVERIFY2(
            error.startsWith(QStringLiteral("no preset named 'nope'; available: signup-burst, backpressure")),
            qPrintable(error));
    }

    // The window keeps its time mode for a preset that names none (all of them today:
    // mmc-queue only mentions time_mode in its description).
    void presetSetsKeyReadsTheFilesKeys()
    {
        QVERIFY(presetSetsKey(QStringLiteral("signup-burst"), QStringLiteral("workers")));
        QVERIFY(presetSetsKey(QStringLiteral("mmc-queue"), QStringLiteral("rate")));
        for (const PresetInfo& p : listPresets())
            QVERIFY2(!presetSetsKey(p.id, QStringLiteral("time_mode")), qPrintable(p.id));
        QVERIFY(!presetSetsKey(QStringLiteral("nope"), QStringLiteral("workers")));
    }

    // One worker, a queue of 2 under block, an arrival every 10 ms, 2 ms jobs of which
    // one in a thousand stalls for 1 s. Virtual time is exact for the seed: seven stalls.
    void coordinatedOmissionHidesTheStalls()
    {
        Scenario s = preset(QStringLiteral("coordinated-omission"));
        s.timeMode = TimeMode::Virtual;
        VirtualEngine engine(s);
        engine.start();
        QVERIFY(engine.waitFinished(60 * kSecond));
        const Snapshot snap = engine.snapshot();
        QCOMPARE(snap.counters.succeeded, std::uint64_t{10'000});
        QCOMPARE(snap.totalUncorrected.count(), std::uint64_t{10'000});
        QCOMPARE(snap.service.count() - snap.service.countAtOrBelow(500 * kMilli),
                 std::uint64_t{7}); // the stalls
        // Corrected (from the planned arrival): every job the stalls held up counts.
        QCOMPARE(snap.total.percentile(99), Nanos{994'050'047});
        QCOMPARE(snap.total.percentile(90), Nanos{2'007'039});
        // Uncorrected (from the actual submission): the stalls are a few jobs each,
        // below the 1 % a p99 looks at; they show only further out.
        QCOMPARE(snap.totalUncorrected.percentile(99), Nanos{8'028'159});
        QCOMPARE(snap.totalUncorrected.percentile(99.9), Nanos{994'050'047});
        QVERIFY(snap.total.percentile(99) > 100 * snap.totalUncorrected.percentile(99));
        QVERIFY(snap.totalUncorrected.sum() < snap.total.sum());
    }

    void eachRunsBrieflyAndAccountsForEveryJob_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<int>("jobs");
        // Cut to about one wave of work each, so all of them take a few seconds.
        QTest::newRow("signup-burst") << QStringLiteral("signup-burst") << 20;
        QTest::newRow("backpressure") << QStringLiteral("backpressure") << 30;
        QTest::newRow("overload-reject") << QStringLiteral("overload-reject") << 30;
        QTest::newRow("handoff") << QStringLiteral("handoff") << 10;
        QTest::newRow("mmc-queue") << QStringLiteral("mmc-queue") << 20;
        QTest::newRow("cpu-vs-io") << QStringLiteral("cpu-vs-io") << 8;
        QTest::newRow("rate-limited-email") << QStringLiteral("rate-limited-email") << 10;
        QTest::newRow("retry-storm") << QStringLiteral("retry-storm") << 10;
        QTest::newRow("coordinated-omission") << QStringLiteral("coordinated-omission") << 50;
    }

    void eachRunsBrieflyAndAccountsForEveryJob()
    {
        QFETCH(QString, id);
        QFETCH(int, jobs);
        Scenario s = preset(id);
        s.jobs = static_cast<std::uint64_t>(jobs);
        s.timeMode = TimeMode::Real;
        const std::unique_ptr<Engine> engine = makeRealEngine(s);
        engine->start();
        QVERIFY2(engine->waitFinished(60 * kSecond), "the run did not finish");
        Snapshot snap;
        engine->snapshot(snap);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.submitted, std::uint64_t(jobs));
        QCOMPARE(snap.queued, std::int64_t{0});
        QCOMPARE(snap.inFlight, std::int64_t{0});
        QCOMPARE(snap.counters.cancelled, std::uint64_t{0});
        QCOMPARE(snap.counters.succeeded + snap.counters.failed + snap.counters.rejected +
                     snap.counters.dropped,
                 std::uint64_t(jobs));
    }
};

QTEST_GUILESS_MAIN(TestPresets)
#include "tst_presets.moc"
