// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"

#include "pool_test_support.h"

#include <QTest>

#include <atomic>
#include <ctime>
#include <numeric>
#include <thread>

using namespace poollab;
using poollab::test::Ledger;
using poollab::test::makeJob;

Q_DECLARE_METATYPE(poollab::OverflowPolicy)

namespace {

constexpr int kLongWaitMs = 20'000; // a ceiling for QTRY waits; reaching it is a hang

Snapshot finish(Pool& pool)
{
    pool.drain();
    if (!pool.waitUntilStopped(60 * kSecond))
        qFatal("pool did not stop after drain");
    return pool.snapshot();
}

void verifyFinalAccounting(const Snapshot& s, const Ledger& ledger, std::uint64_t submitted)
{
    QVERIFY(s.invariantHolds());
    QCOMPARE(s.counters.submitted, submitted);
    QCOMPARE(s.queued, 0);
    QCOMPARE(s.inFlight, 0);
    QCOMPARE(s.busyWorkers, 0);
    QVERIFY(ledger.eachEndedOnce(submitted));
    QCOMPARE(ledger.total(), submitted);
    QCOMPARE(s.counters.succeeded, ledger.count(Outcome::Succeeded));
    QCOMPARE(s.counters.failed, ledger.count(Outcome::Failed));
    QCOMPARE(s.counters.rejected, ledger.count(Outcome::Rejected));
    QCOMPARE(s.counters.dropped, ledger.count(Outcome::Dropped));
    QCOMPARE(s.counters.cancelled, ledger.count(Outcome::Cancelled));
}

// Always fails until attempt `succeedOn` (0 = never), with a fixed retry delay.
class ScriptedPolicy : public AttemptPolicy
{
public:
    ScriptedPolicy(int maxAttempts, int succeedOn, Nanos delay)
        : m_maxAttempts(maxAttempts), m_succeedOn(succeedOn), m_delay(delay)
    {}
    void planAttempt(Job& job) const override { job.fails = m_succeedOn == 0 || job.attempt < m_succeedOn; }
    Nanos retryDelay(const Job& job) const override { return job.attempt < m_maxAttempts ? m_delay : -1; }

private:
    int m_maxAttempts;
    int m_succeedOn;
    Nanos m_delay;
};

class CountingGate : public StartGate
{
public:
    Nanos acquire(const std::stop_token& stop) override
    {
        if (stop.stop_requested())
            return -1;
        return m_calls.fetch_add(1) % 2 == 0 ? 2 * kMilli : 0; // every other start "waited" 2 ms
    }
    std::atomic<int> m_calls{0};
};

} // namespace

class TestPool : public QObject
{
    Q_OBJECT

private slots:
    void everyJobEndsExactlyOnce_data();
    void everyJobEndsExactlyOnce();
    void resizeUnderLoadCompletesEveryJob();
    void drainFinishesEverything();
    void cancelAccountsForEverything();
    void cancelWakesBlockedProducers();
    void submitAfterStopIsRefused();
    void pauseHoldsTheQueue();
    void pauseHoldsADrainingQueue();
    void handOffWaitsForAWorker();
    void handOffRejectsWithoutAReadyWorker();
    void rejectCountsExact();
    void dropOldestCountsExact();
    void capacityShrinkDropsNothing();
    void destroyingRunningPoolsNeitherHangsNorLoses();
    void invariantHoldsWhileRunning_data();
    void invariantHoldsWhileRunning();
    void latencyCountsFromPlannedArrival();
    void sleepPushedEarlyRunsFromItsPlannedArrival();
    void cpuJobsBurnCpu();
    void retriesGoThroughTheDelayQueue_data();
    void retriesGoThroughTheDelayQueue();
    void timeoutCutsAnAttempt();
    void startGateIsConsulted();
    void utilizationCountsBusyTime();
    void utilizationStaysAtMostOneAfterAShrink();
};

void TestPool::everyJobEndsExactlyOnce_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("capacity");
    QTest::addColumn<OverflowPolicy>("overflow");
    QTest::addColumn<int>("jobs");
    QTest::addColumn<int>("latencyUs");
    QTest::newRow("block") << 4 << 10 << OverflowPolicy::Block << 5000 << 0;
    QTest::newRow("block hand-off") << 3 << 0 << OverflowPolicy::Block << 1000 << 0;
    QTest::newRow("reject") << 4 << 5 << OverflowPolicy::Reject << 3000 << 50;
    QTest::newRow("drop-oldest") << 4 << 5 << OverflowPolicy::DropOldest << 3000 << 50;
    QTest::newRow("reject hand-off") << 2 << 0 << OverflowPolicy::Reject << 2000 << 0;
    QTest::newRow("drop-oldest hand-off") << 2 << 0 << OverflowPolicy::DropOldest << 2000 << 0;
    QTest::newRow("more workers than cores") << 64 << 16 << OverflowPolicy::Block << 5000 << 0;
}

void TestPool::everyJobEndsExactlyOnce()
{
    QFETCH(int, workers);
    QFETCH(int, capacity);
    QFETCH(OverflowPolicy, overflow);
    QFETCH(int, jobs);
    QFETCH(int, latencyUs);
    Ledger ledger(static_cast<std::size_t>(jobs));
    Pool pool(ledger.config(workers, capacity, overflow));
    pool.start();
    std::uint64_t accepted = 0;
    for (int i = 0; i < jobs; ++i)
        accepted += pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), latencyUs * kMicro)) ==
                    SubmitResult::Accepted;
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, static_cast<std::uint64_t>(jobs));
    QCOMPARE(s.counters.succeeded + s.counters.dropped, accepted);
    if (overflow == OverflowPolicy::Block)
        QCOMPARE(s.counters.succeeded, static_cast<std::uint64_t>(jobs));
    QCOMPARE(s.counters.attempts, s.counters.succeeded);
    QCOMPARE_ENUM(s.state, PoolState::Stopped);
}

void TestPool::resizeUnderLoadCompletesEveryJob()
{
    constexpr int kJobs = 1000;
    Ledger ledger(kJobs);
    Pool pool(ledger.config(10, kJobs));
    pool.pause();
    pool.start();
    for (int i = 0; i < kJobs; ++i)
        QCOMPARE_ENUM(pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 2 * kMilli)),
                      SubmitResult::Accepted);
    QCOMPARE(pool.snapshot().queued, kJobs);
    pool.resume();

    const struct
    {
        std::uint64_t after;
        int workers;
    } steps[] = {{100, 8}, {300, 5}, {600, 15}};
    for (const auto& step : steps) {
        QTRY_VERIFY_WITH_TIMEOUT(pool.snapshot().completed() >= step.after, kLongWaitMs);
        pool.setWorkerCount(step.workers);
        QCOMPARE(pool.workerCount(), step.workers);
        // Shrinking waits for retiring workers to finish their job; growing is at once.
        QTRY_COMPARE_WITH_TIMEOUT(pool.snapshot().liveWorkers, step.workers, kLongWaitMs);
    }
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, kJobs);
    QCOMPARE(s.counters.succeeded, std::uint64_t{kJobs});
    QCOMPARE(s.liveWorkers, 0);
    QCOMPARE(s.workerCells.slotCount, 15);
}

void TestPool::drainFinishesEverything()
{
    Ledger ledger(101);
    Pool pool(ledger.config(4, 100));
    pool.start();
    for (int i = 0; i < 100; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), kMilli));
    pool.drain();
    QVERIFY(pool.state() == PoolState::Draining || pool.state() == PoolState::Stopped);
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 100, 0)), SubmitResult::Closed);
    QVERIFY(pool.waitUntilStopped(60 * kSecond));
    const Snapshot s = pool.snapshot();
    verifyFinalAccounting(s, ledger, 101);
    QCOMPARE(s.counters.succeeded, 100u);
    QCOMPARE(s.counters.rejected, 1u);
    QCOMPARE(s.counters.refused, 1u);
}

void TestPool::cancelAccountsForEverything()
{
    constexpr int kJobs = 1000;
    Ledger ledger(kJobs);
    Pool pool(ledger.config(4, kJobs));
    pool.start();
    for (int i = 0; i < kJobs; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 3600 * kSecond));
    QTRY_COMPARE_WITH_TIMEOUT(pool.snapshot().busyWorkers, 4, kLongWaitMs);
    pool.cancel();
    // The four hour-long waits are interrupted, not waited out.
    QVERIFY(pool.waitUntilStopped(30 * kSecond));
    const Snapshot s = pool.snapshot();
    verifyFinalAccounting(s, ledger, kJobs);
    QCOMPARE(s.counters.cancelled, std::uint64_t{kJobs});
    QCOMPARE(s.counters.succeeded, 0u);
    QCOMPARE(s.counters.attempts, 4u);
    QVERIFY(s.service.max() < 30 * kSecond);
}

void TestPool::cancelWakesBlockedProducers()
{
    Ledger ledger(2);
    Pool pool(ledger.config(1, 1));
    pool.pause();
    pool.start();
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 0, 0)), SubmitResult::Accepted);
    std::atomic<int> result{-1};
    // The queue is full and the pool paused: this producer cannot get in until cancel.
    std::thread producer([&] { result = static_cast<int>(pool.submit(makeJob(pool, 1, 0))); });
    QCOMPARE(result.load(), -1);
    pool.cancel();
    producer.join();
    QCOMPARE_ENUM(result.load(), SubmitResult::Closed);
    QVERIFY(pool.waitUntilStopped(10 * kSecond));
    const Snapshot s = pool.snapshot();
    verifyFinalAccounting(s, ledger, 2);
    QCOMPARE(s.counters.cancelled, 1u);
    QCOMPARE(s.counters.refused, 1u);
}

void TestPool::submitAfterStopIsRefused()
{
    Ledger ledger(3);
    Pool pool(ledger.config(2, 10));
    pool.start();
    pool.submit(makeJob(pool, 0, 0));
    finish(pool);
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 1, 0)), SubmitResult::Closed);
    pool.cancel(); // a no-op once stopped
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 2, 0)), SubmitResult::Closed);
    const Snapshot s = pool.snapshot();
    verifyFinalAccounting(s, ledger, 3);
    QCOMPARE(s.counters.succeeded, 1u);
    QCOMPARE(s.counters.rejected, 2u);
    QCOMPARE(s.counters.refused, 2u);
    QCOMPARE(ledger.count(Outcome::Rejected), 2u);
}

void TestPool::pauseHoldsTheQueue()
{
    Ledger ledger(50);
    Pool pool(ledger.config(4, 100));
    pool.start();
    pool.pause();
    QCOMPARE_ENUM(pool.state(), PoolState::Paused);
    for (int i = 0; i < 50; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0));
    Snapshot s = pool.snapshot();
    QCOMPARE_ENUM(s.state, PoolState::Paused);
    QCOMPARE(s.queued, 50);
    QCOMPARE(s.counters.attempts, 0u);
    QVERIFY(s.invariantHolds());
    pool.resume();
    QCOMPARE_ENUM(pool.state(), PoolState::Running);
    s = finish(pool);
    verifyFinalAccounting(s, ledger, 50);
    QCOMPARE(s.counters.succeeded, 50u);
}

void TestPool::pauseHoldsADrainingQueue()
{
    // A burst's producer drains as soon as everything is submitted; pausing must still
    // hold what is left, and an explicit drain resumes.
    Ledger ledger(30);
    Pool pool(ledger.config(1, 100));
    pool.start();
    for (int i = 0; i < 30; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 2 * kMilli));
    pool.drain();
    pool.pause();
    QCOMPARE_ENUM(pool.state(), PoolState::Paused);
    const std::int64_t held = pool.snapshot().queued;
    // The job running when the pause came finishes; nothing else starts.
    QTRY_COMPARE_WITH_TIMEOUT(pool.snapshot().inFlight, 0, kLongWaitMs);
    Snapshot s = pool.snapshot();
    QCOMPARE(s.queued, held);
    QCOMPARE_ENUM(s.state, PoolState::Paused);
    QVERIFY(s.completed() < 30);
    pool.drain(); // an explicit drain resumes
    QVERIFY(pool.waitUntilStopped(60 * kSecond));
    s = pool.snapshot();
    verifyFinalAccounting(s, ledger, 30);
    QCOMPARE(s.counters.succeeded, 30u);
}

void TestPool::handOffWaitsForAWorker()
{
    Ledger ledger(2);
    Pool pool(ledger.config(1, 0));
    pool.pause();
    pool.start();
    std::atomic<bool> returned[2] = {false, false};
    std::atomic<bool> takenWhenReturned[2] = {false, false};
    std::atomic<bool> accepted[2] = {false, false};
    std::atomic<int> returnedSoFar{0};
    std::vector<std::thread> producers;
    for (int i = 0; i < 2; ++i) {
        producers.emplace_back([&, i] {
            accepted[i] =
                pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0)) == SubmitResult::Accepted;
            // Returned only once a worker took it: the r-th producer back sees at least
            // r jobs running or done (not merely the other producer's).
            const int r = returnedSoFar.fetch_add(1) + 1;
            const Snapshot s = pool.snapshot();
            takenWhenReturned[i] = s.inFlight + static_cast<std::int64_t>(s.completed()) >= r;
            returned[i] = true;
        });
    }
    // An unbuffered channel holds one job in hand-off, never more.
    QTRY_COMPARE_WITH_TIMEOUT(pool.snapshot().queued, 1, kLongWaitMs);
    QCOMPARE(pool.snapshot().queued, 1);
    QVERIFY(!returned[0] && !returned[1]); // paused: nobody can take it
    pool.resume();
    for (auto& t : producers)
        t.join();
    QVERIFY(accepted[0] && accepted[1]);
    QVERIFY(takenWhenReturned[0] && takenWhenReturned[1]);
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 2);
    QCOMPARE(s.counters.succeeded, 2u);
}

void TestPool::handOffRejectsWithoutAReadyWorker()
{
    Ledger ledger(1000);
    Pool pool(ledger.config(1, 0, OverflowPolicy::Reject));
    pool.pause();
    pool.start();
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 0, 0)), SubmitResult::Rejected);
    pool.resume();
    std::uint64_t next = 1;
    // Once the worker is waiting, a job is handed over. (qWaitFor, not QTRY: the
    // predicate has a side effect and must not be evaluated again once true.)
    QVERIFY(QTest::qWaitFor([&] { return pool.submit(makeJob(pool, next++, 0)) == SubmitResult::Accepted; },
                            kLongWaitMs));
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, next);
    QCOMPARE(s.counters.succeeded, 1u);
    QCOMPARE(s.counters.rejected, next - 1);
}

void TestPool::rejectCountsExact()
{
    Ledger ledger(25);
    std::vector<std::uint64_t> rejectedIds;
    Pool pool(ledger.config(2, 10, OverflowPolicy::Reject));
    pool.pause();
    pool.start();
    for (int i = 0; i < 25; ++i) {
        const SubmitResult r = pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0));
        QCOMPARE_ENUM(r, i < 10 ? SubmitResult::Accepted : SubmitResult::Rejected);
    }
    pool.resume();
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 25);
    QCOMPARE(s.counters.succeeded, 10u);
    QCOMPARE(s.counters.rejected, 15u);
    QCOMPARE(s.counters.refused, 0u);
}

void TestPool::dropOldestCountsExact()
{
    std::mutex mutex;
    std::vector<std::uint64_t> dropped;
    std::vector<std::uint64_t> succeeded;
    PoolConfig config;
    config.workers = 2;
    config.queueCapacity = 10;
    config.overflow = OverflowPolicy::DropOldest;
    config.onJobDone = [&](const Job& job, Outcome outcome) {
        std::lock_guard lock(mutex);
        (outcome == Outcome::Dropped ? dropped : succeeded).push_back(job.id);
    };
    Pool pool(config);
    pool.pause();
    pool.start();
    for (int i = 0; i < 25; ++i)
        QCOMPARE_ENUM(pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0)), SubmitResult::Accepted);
    pool.resume();
    const Snapshot s = finish(pool);
    QVERIFY(s.invariantHolds());
    QCOMPARE(s.counters.dropped, 15u);
    QCOMPARE(s.counters.succeeded, 10u);
    std::sort(succeeded.begin(), succeeded.end());
    std::vector<std::uint64_t> oldest(15), newest(10);
    std::iota(oldest.begin(), oldest.end(), 0);
    std::iota(newest.begin(), newest.end(), 15);
    QCOMPARE(dropped, oldest); // dropped in arrival order, oldest first
    QCOMPARE(succeeded, newest);
}

void TestPool::capacityShrinkDropsNothing()
{
    Ledger ledger(52);
    Pool pool(ledger.config(2, 100));
    pool.pause();
    pool.start();
    for (int i = 0; i < 50; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0));
    pool.setQueueCapacity(10);
    Snapshot s = pool.snapshot();
    QCOMPARE(s.queued, 50);
    QCOMPARE(s.queueCapacity, 10);
    QCOMPARE(s.counters.dropped, 0u);
    // Under reject, a queue above its new capacity refuses newcomers...
    pool.setOverflowPolicy(OverflowPolicy::Reject);
    QCOMPARE_ENUM(pool.submit(makeJob(pool, 50, 0)), SubmitResult::Rejected);
    // ...and under block it holds them back until the depth falls.
    pool.setOverflowPolicy(OverflowPolicy::Block);
    std::atomic<bool> returned{false};
    std::thread producer([&] {
        pool.submit(makeJob(pool, 51, 0));
        returned = true;
    });
    QVERIFY(!returned);
    pool.resume();
    producer.join();
    s = finish(pool);
    verifyFinalAccounting(s, ledger, 52);
    QCOMPARE(s.counters.succeeded, 51u);
    QCOMPARE(s.counters.rejected, 1u);
    QCOMPARE(s.counters.dropped, 0u);
}

void TestPool::destroyingRunningPoolsNeitherHangsNorLoses()
{
    for (int round = 0; round < 100; ++round) {
        constexpr int kJobs = 40;
        Ledger ledger(kJobs);
        {
            Pool pool(ledger.config(1 + round % 8, 64));
            if (round % 3 != 2)
                pool.start(); // every third pool is destroyed without ever starting
            if (round % 5 == 1)
                pool.pause();
            for (int i = 0; i < kJobs; ++i)
                pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), (i % 4) * kMilli));
        }
        // Whatever state it was in, every job has its one outcome.
        QVERIFY2(ledger.eachEndedOnce(kJobs), qPrintable(QStringLiteral("round %1").arg(round)));
        QCOMPARE(ledger.count(Outcome::Succeeded) + ledger.count(Outcome::Cancelled), std::uint64_t{kJobs});
    }
}

void TestPool::invariantHoldsWhileRunning_data()
{
    QTest::addColumn<OverflowPolicy>("overflow");
    QTest::addColumn<int>("capacity");
    QTest::newRow("block") << OverflowPolicy::Block << 50;
    QTest::newRow("reject") << OverflowPolicy::Reject << 20;
    QTest::newRow("drop-oldest") << OverflowPolicy::DropOldest << 20;
    QTest::newRow("hand-off") << OverflowPolicy::Block << 0;
}

void TestPool::invariantHoldsWhileRunning()
{
    QFETCH(OverflowPolicy, overflow);
    QFETCH(int, capacity);
    constexpr int kJobs = 30'000;
    Ledger ledger(kJobs);
    Pool pool(ledger.config(8, capacity, overflow));
    pool.start();
    Snapshot s;
    pool.snapshot(s); // one snapshot before the producer starts, so the run is seen under way
    int snapshots = 1;
    int broken = s.invariantHolds() ? 0 : 1;
    std::thread producer([&] {
        for (int i = 0; i < kJobs; ++i)
            pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), (i % 3) * 10 * kMicro));
        pool.drain();
    });
    do {
        pool.snapshot(s);
        ++snapshots;
        if (!s.invariantHolds())
            ++broken;
    } while (s.state != PoolState::Stopped);
    producer.join();
    QCOMPARE(broken, 0);
    QVERIFY(snapshots > 1);
    verifyFinalAccounting(pool.snapshot(), ledger, kJobs);
}

void TestPool::latencyCountsFromPlannedArrival()
{
    Ledger ledger(3);
    Pool pool(ledger.config(1, 1));
    pool.start();
    const Nanos plannedAt = pool.now();
    for (int i = 0; i < 3; ++i) {
        Job job = makeJob(pool, static_cast<std::uint64_t>(i), 20 * kMilli);
        job.arrivalNs = plannedAt; // all three were due at once; the third is enqueued ~20 ms late
        pool.submit(job);
    }
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 3);
    // The third job waited for two jobs ahead of it, counted from when it was due,
    // not from when the blocked producer got it in.
    QVERIFY2(s.total.max() >= 60 * kMilli, qPrintable(QString::number(s.total.max())));
    QVERIFY2(s.wait.max() >= 40 * kMilli, qPrintable(QString::number(s.wait.max())));
}

// A real-time producer aims early, so a job may be in the queue before its planned
// arrival. A sleep job then runs from its planned arrival plus the pick-up, as virtual
// time runs it from its arrival: started at the take, it ended early and moved every
// later job on its worker earlier (real time measured below virtual time).
void TestPool::sleepPushedEarlyRunsFromItsPlannedArrival()
{
    Ledger ledger(1);
    Pool pool(ledger.config(1, 10));
    pool.start();
    pool.waitUntilReady();
    Job job = makeJob(pool, 0, 20 * kMilli);
    job.arrivalNs = pool.now() + 30 * kMilli; // pushed 30 ms ahead of its arrival
    pool.submit(job);
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 1);
    QCOMPARE(s.counters.succeeded, std::uint64_t{1});
    // Its end is no earlier than arrival + service; before, it was about 10 ms before its
    // arrival. The wait is the pick-up alone, microseconds (at most the 30 ms it was early
    // on a machine slow enough to take that long to wake a worker).
    QVERIFY2(pool.now() >= job.arrivalNs + 20 * kMilli,
             qPrintable(QString::number(pool.now() - job.arrivalNs)));
    QVERIFY2(s.total.min() >= 20 * kMilli, qPrintable(QString::number(s.total.min())));
    QVERIFY2(s.service.min() >= 20 * kMilli, qPrintable(QString::number(s.service.min())));
    QVERIFY2(s.wait.max() < 30 * kMilli, qPrintable(QString::number(s.wait.max())));
}

void TestPool::cpuJobsBurnCpu()
{
    Ledger ledger(2);
    Pool pool(ledger.config(2, 10));
    pool.start();
    const std::clock_t before = std::clock();
    pool.submit(makeJob(pool, 0, 30 * kMilli, JobKind::Cpu));
    pool.submit(makeJob(pool, 1, 30 * kMilli, JobKind::Cpu));
    const Snapshot s = finish(pool);
    const double cpuSeconds = static_cast<double>(std::clock() - before) / CLOCKS_PER_SEC;
    verifyFinalAccounting(s, ledger, 2);
    QVERIFY(s.service.min() >= 30 * kMilli);
    QVERIFY2(cpuSeconds >= 0.060, qPrintable(QString::number(cpuSeconds)));
}

void TestPool::retriesGoThroughTheDelayQueue_data()
{
    QTest::addColumn<int>("maxAttempts");
    QTest::addColumn<int>("succeedOn");
    QTest::addColumn<int>("capacity");
    QTest::newRow("succeeds on the third") << 3 << 3 << 100;
    QTest::newRow("fails for good") << 4 << 0 << 100;
    QTest::newRow("no retries") << 1 << 0 << 100;
    QTest::newRow("retries into a tiny queue") << 5 << 5 << 1;
    QTest::newRow("retries into a hand-off") << 3 << 0 << 0;
}

void TestPool::retriesGoThroughTheDelayQueue()
{
    QFETCH(int, maxAttempts);
    QFETCH(int, succeedOn);
    QFETCH(int, capacity);
    constexpr int kJobs = 200;
    Ledger ledger(kJobs);
    Pool pool(ledger.config(4, capacity));
    pool.setAttemptPolicy(std::make_shared<ScriptedPolicy>(maxAttempts, succeedOn, 200 * kMicro));
    pool.start();
    for (int i = 0; i < kJobs; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0));
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, kJobs);
    const std::uint64_t attemptsPerJob =
        succeedOn ? static_cast<std::uint64_t>(succeedOn) : static_cast<std::uint64_t>(maxAttempts);
    QCOMPARE(s.counters.attempts, kJobs * attemptsPerJob);
    QCOMPARE(s.counters.retries, kJobs * (attemptsPerJob - 1));
    QCOMPARE(s.counters.succeeded, succeedOn ? std::uint64_t{kJobs} : 0u);
    QCOMPARE(s.counters.failed, succeedOn ? 0u : std::uint64_t{kJobs}); // once per job, not per attempt
    QCOMPARE(s.total.count(), std::uint64_t{kJobs});
    QCOMPARE(s.wait.count(), s.counters.attempts);
}

void TestPool::timeoutCutsAnAttempt()
{
    Ledger ledger(1);
    Pool pool(ledger.config(1, 1));
    pool.start();
    Job job = makeJob(pool, 0, 3600 * kSecond);
    job.timeoutNs = 5 * kMilli;
    pool.submit(job);
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 1);
    QCOMPARE(s.counters.failed, 1u);
    QCOMPARE(s.counters.timedOut, 1u);
    QVERIFY(s.service.max() >= 5 * kMilli && s.service.max() < kSecond);
}

void TestPool::startGateIsConsulted()
{
    Ledger ledger(10);
    Pool pool(ledger.config(2, 10));
    auto gate = std::make_shared<CountingGate>();
    pool.setStartGate(gate);
    pool.start();
    for (int i = 0; i < 10; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 0));
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 10);
    QCOMPARE(gate->m_calls.load(), 10);
    QCOMPARE(s.counters.throttled, 5u);
    QCOMPARE(s.throttle.count(), 5u);
    QCOMPARE(s.throttle.max(), 2 * kMilli);
}

void TestPool::utilizationCountsBusyTime()
{
    Ledger ledger(10);
    Pool pool(ledger.config(2, 10));
    pool.start();
    for (int i = 0; i < 10; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 20 * kMilli));
    const Snapshot s = finish(pool);
    QVERIFY(s.busyNs >= 200 * kMilli);
    QVERIFY(s.workerNs >= s.busyNs);
    QVERIFY(s.runNs >= 100 * kMilli);
    QVERIFY(s.utilization() > 0.0 && s.utilization() <= 1.0);
}

// Workers above a lowered count finish their job before they retire: that time is busy,
// so it must count as available too, or utilization reads above 100 %.
void TestPool::utilizationStaysAtMostOneAfterAShrink()
{
    Ledger ledger(8);
    Pool pool(ledger.config(4, 8));
    pool.start();
    for (int i = 0; i < 8; ++i)
        pool.submit(makeJob(pool, static_cast<std::uint64_t>(i), 100 * kMilli));
    QTRY_COMPARE(pool.snapshot().busyWorkers, 4);
    pool.setWorkerCount(1); // three retire after their 100 ms job; one does the other four
    QTRY_COMPARE_WITH_TIMEOUT(pool.snapshot().liveWorkers, 1, kLongWaitMs);
    const Snapshot mid = pool.snapshot();
    QVERIFY2(mid.busyNs <= mid.workerNs,
             qPrintable(QStringLiteral("busy %1 > available %2").arg(mid.busyNs).arg(mid.workerNs)));
    const Snapshot s = finish(pool);
    verifyFinalAccounting(s, ledger, 8);
    QVERIFY(s.busyNs >= 800 * kMilli);
    QVERIFY2(s.busyNs <= s.workerNs,
             qPrintable(QStringLiteral("busy %1 > available %2").arg(s.busyNs).arg(s.workerNs)));
    QVERIFY(s.utilization() > 0.9); // the one left was never idle
}

QTEST_GUILESS_MAIN(TestPool)
#include "tst_pool.moc"
