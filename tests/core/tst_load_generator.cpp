// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/load_generator.h"
#include "core/workload.h"

#include <QTest>

#include <algorithm>
#include <map>
#include <mutex>
#include <vector>

using namespace poollab;

namespace {

struct Record
{
    std::uint64_t id;
    std::uint32_t client;
    Nanos arrival;
    Nanos done;
};

// A Pool fed by a LoadGenerator, with every job's outcome recorded from outside.
struct Rig
{
    explicit Rig(const Scenario& s) : generator(s)
    {
        PoolConfig config;
        config.workers = s.workers;
        config.queueCapacity = s.queueCapacity;
        config.overflow = s.overflow;
        config.onJobDone = [this](const Job& job, Outcome outcome) {
            {
                std::lock_guard lock(mutex);
                records.push_back({job.id, job.tag, job.arrivalNs, pool->now()});
                outcomes[outcome] += 1;
            }
            generator.jobDone(job, outcome); // after the record: the next job follows it
        };
        pool = std::make_unique<Pool>(std::move(config));
        pool->setAttemptPolicy(WorkloadPolicy::make(s));
    }
    ~Rig()
    {
        generator.requestStop();
        pool->cancel();
        generator.join();
        pool.reset();
    }
    void run()
    {
        pool->start();
        generator.start(*pool);
        pool->waitUntilStopped(); // the generator drains the pool at its limit
    }

    LoadGenerator generator;
    std::unique_ptr<Pool> pool;
    std::mutex mutex;
    std::vector<Record> records;
    std::map<Outcome, int> outcomes;
};

// Most intervals [arrival, done] that overlap at one instant.
int maxOverlap(const std::vector<Record>& records)
{
    std::vector<std::pair<Nanos, int>> events;
    for (const Record& r : records) {
        events.push_back({r.arrival, +1});
        events.push_back({r.done, -1});
    }
    // At equal times an end comes before a start: the next job follows the previous.
    std::sort(events.begin(), events.end());
    int now = 0, most = 0;
    for (const auto& [t, delta] : events) {
        now += delta;
        most = std::max(most, now);
    }
    return most;
}

Scenario closed(int clients, int workers, int queue, OverflowPolicy overflow)
{
    Scenario s;
    s.arrival = ArrivalKind::Closed;
    s.clients = clients;
    s.workers = workers;
    s.queueCapacity = queue;
    s.overflow = overflow;
    s.latency = "uniform(0ms,300us)";
    s.jobs = 1200;
    s.duration = 0;
    return s;
}

} // namespace

class TestLoadGenerator : public QObject
{
    Q_OBJECT

private slots:
    void closedConcurrencyNeverExceedsK_data()
    {
        QTest::addColumn<int>("clients");
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("queue");
        QTest::addColumn<int>("overflow");
        QTest::newRow("K4, 16 workers") << 4 << 16 << 100 << int(OverflowPolicy::Block);
        QTest::newRow("K12, 2 workers") << 12 << 2 << 100 << int(OverflowPolicy::Block);
        QTest::newRow("K12, 2 workers, queue 3, reject") << 12 << 2 << 3 << int(OverflowPolicy::Reject);
        QTest::newRow("K6, hand-off") << 6 << 3 << 0 << int(OverflowPolicy::Block);
    }
    void closedConcurrencyNeverExceedsK()
    {
        QFETCH(int, clients);
        QFETCH(int, workers);
        QFETCH(int, queue);
        QFETCH(int, overflow);
        Rig rig(closed(clients, workers, queue, static_cast<OverflowPolicy>(overflow)));
        rig.run();
        std::lock_guard lock(rig.mutex);
        QCOMPARE(rig.records.size(), std::size_t{1200}); // every job had its outcome
        QCOMPARE(rig.generator.submitted(), std::uint64_t{1200});
        // Each client's jobs follow one another: the next arrives after the last is done.
        std::map<std::uint32_t, std::vector<Record>> byClient;
        for (const Record& r : rig.records) {
            QVERIFY(r.client < static_cast<std::uint32_t>(clients));
            byClient[r.client].push_back(r);
        }
        QCOMPARE(byClient.size(), static_cast<std::size_t>(clients));
        for (auto& [client, jobs] : byClient) {
            std::sort(jobs.begin(), jobs.end(), [](const Record& a, const Record& b) { return a.id < b.id; });
            for (std::size_t i = 1; i < jobs.size(); ++i)
                QVERIFY(jobs[i].arrival >= jobs[i - 1].done);
        }
        const int most = maxOverlap(rig.records);
        QVERIFY2(most <= clients, qPrintable(QString::number(most)));
        QVERIFY(most >= std::min(clients, 2)); // clients did overlap
    }

    void openScheduleSubmitsAtPlannedTimes()
    {
        Scenario s;
        s.arrival = ArrivalKind::Constant;
        s.rate = 1000;
        s.jobs = 50;
        s.duration = 0;
        s.workers = 4;
        s.latency = "0ms";
        Rig rig(s);
        rig.run();
        std::lock_guard lock(rig.mutex);
        QCOMPARE(rig.records.size(), std::size_t{50});
        std::sort(rig.records.begin(), rig.records.end(),
                  [](const Record& a, const Record& b) { return a.id < b.id; });
        // Planned 1 ms apart from the run start, whatever the producer's wake-ups did.
        for (std::size_t i = 1; i < rig.records.size(); ++i)
            QCOMPARE(rig.records[i].arrival - rig.records[i - 1].arrival, kMilli);
    }

    void plannedJobs_data()
    {
        QTest::addColumn<int>("arrival");
        QTest::addColumn<qulonglong>("jobs");
        QTest::addColumn<qint64>("durationMs");
        QTest::addColumn<qulonglong>("expected");
        QTest::newRow("burst") << int(ArrivalKind::Burst) << qulonglong(500) << qint64(0) << qulonglong(500);
        QTest::newRow("constant by time")
            << int(ArrivalKind::Constant) << qulonglong(0) << qint64(30'000) << qulonglong(3000);
        QTest::newRow("constant, jobs first")
            << int(ArrivalKind::Constant) << qulonglong(10) << qint64(30'000) << qulonglong(10);
        QTest::newRow("closed by time")
            << int(ArrivalKind::Closed) << qulonglong(0) << qint64(1000) << qulonglong(0);
    }
    void plannedJobs()
    {
        QFETCH(int, arrival);
        QFETCH(qulonglong, jobs);
        QFETCH(qint64, durationMs);
        QFETCH(qulonglong, expected);
        Scenario s;
        s.arrival = static_cast<ArrivalKind>(arrival);
        s.rate = 100;
        s.jobs = jobs;
        s.duration = durationMs * kMilli;
        QCOMPARE(LoadGenerator::plannedJobs(s), static_cast<std::uint64_t>(expected));
    }
};

QTEST_GUILESS_MAIN(TestLoadGenerator)
#include "tst_load_generator.moc"
