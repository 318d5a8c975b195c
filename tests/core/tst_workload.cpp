// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"
#include "core/workload.h"

#include <QTest>

#include <limits>

#include <cmath>

using namespace poollab;

Q_DECLARE_METATYPE(poollab::Jitter)

namespace {

Scenario retrying(double failureRate, int maxAttempts, Jitter jitter = Jitter::Full)
{
    Scenario s;
    s.latency = "0ms";
    s.failureRate = failureRate;
    s.maxAttempts = maxAttempts;
    s.jitter = jitter;
    s.backoffBase = 0;
    s.backoffCap = 0;
    s.seed = 7;
    return s;
}

struct Expected
{
    std::uint64_t succeeded = 0, failed = 0, retries = 0, attempts = 0, timedOut = 0;
};

// Plays each job through the policy as the pool would: exact counts to compare with.
Expected playOut(const WorkloadPolicy& policy, std::uint64_t jobs)
{
    Expected e;
    for (std::uint64_t id = 0; id < jobs; ++id) {
        Job job;
        job.id = id;
        for (;;) {
            policy.planAttempt(job);
            ++e.attempts;
            const bool timesOut = job.timeoutNs > 0 && job.serviceNs > job.timeoutNs;
            e.timedOut += timesOut;
            if (!timesOut && !job.fails) {
                ++e.succeeded;
                break;
            }
            if (policy.retryDelay(job) < 0) {
                ++e.failed;
                break;
            }
            ++e.retries;
            ++job.attempt;
        }
    }
    return e;
}

Snapshot runOnPool(const Scenario& s, std::uint64_t jobs, int workers)
{
    PoolConfig config;
    config.workers = workers;
    config.queueCapacity = static_cast<int>(jobs);
    Pool pool(config);
    pool.setAttemptPolicy(WorkloadPolicy::make(s));
    pool.start();
    for (std::uint64_t id = 0; id < jobs; ++id) {
        Job job;
        job.id = id;
        job.arrivalNs = pool.now();
        pool.submit(job);
    }
    pool.drain();
    pool.waitUntilStopped();
    return pool.snapshot();
}

} // namespace

class TestWorkload : public QObject
{
    Q_OBJECT

private slots:
    void badLatencyIsRefused()
    {
        Scenario s;
        s.latency = "exp(fast)";
        std::string error;
        QVERIFY(!WorkloadPolicy::make(s, &error));
        QVERIFY(QString::fromStdString(error).contains(QLatin1String("accepted forms")));
    }

    void checkWorkloadNamesTheProblem_data()
    {
        QTest::addColumn<qint64>("base");
        QTest::addColumn<qint64>("cap");
        QTest::addColumn<QString>("latency");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("defaults") << qint64(100 * kMilli) << qint64(10 * kSecond) << "50ms"
                                  << "";
        QTest::newRow("base equals cap") << qint64(kSecond) << qint64(kSecond) << "50ms"
                                         << "";
        QTest::newRow("both 0") << qint64(0) << qint64(0) << "50ms"
                                << "";
        QTest::newRow("base above cap")
            << qint64(5 * kSecond) << qint64(kSecond) << "50ms"
            << "'backoff_base' (5s) is longer than 'backoff_cap' (1s): the base must be at most the cap";
        QTest::newRow("at int64 limits")
            << std::numeric_limits<qint64>::max() << std::numeric_limits<qint64>::min() << "50ms"
            << "'backoff_base' (9223372036854775807ns) is longer than 'backoff_cap' "
               "(-9223372036854775808ns): "
               "the base must be at most the cap";
        QTest::newRow("bad latency") << qint64(0) << qint64(0) << "exp("
                                     << "latency 'exp(': ";
    }
    void checkWorkloadNamesTheProblem()
    {
        QFETCH(qint64, base);
        QFETCH(qint64, cap);
        QFETCH(QString, latency);
        QFETCH(QString, error);
        Scenario s;
        s.backoffBase = base;
        s.backoffCap = cap;
        s.latency = latency.toStdString();
        const QString actual = QString::fromStdString(checkWorkload(s));
        if (error.endsWith(QLatin1String(": ")))
            QVERIFY2(actual.startsWith(error), qPrintable(actual));
        else
            QCOMPARE(actual, error);
    }

    void attemptIsAPureFunction()
    {
        Scenario s;
        s.latency = "exp(10ms)";
        s.failureRate = 0.5;
        s.timeout = 30 * kMilli;
        s.jobKind = JobKind::Cpu;
        const auto a = WorkloadPolicy::make(s);
        const auto b = WorkloadPolicy::make(s);
        int differs = 0;
        for (std::uint64_t id = 0; id < 200; ++id) {
            Job x, y, z;
            x.id = y.id = z.id = id;
            z.attempt = 2;
            a->planAttempt(x);
            b->planAttempt(y);
            b->planAttempt(z);
            QCOMPARE(x.serviceNs, y.serviceNs);
            QCOMPARE(x.fails, y.fails);
            QCOMPARE(x.timeoutNs, 30 * kMilli);
            QCOMPARE(static_cast<int>(x.kind), static_cast<int>(JobKind::Cpu));
            differs += x.serviceNs != z.serviceNs;
        }
        QVERIFY(differs > 190); // another attempt draws afresh
        s.seed = 8;
        const auto c = WorkloadPolicy::make(s);
        Job x, y;
        a->planAttempt(x);
        c->planAttempt(y);
        QVERIFY(x.serviceNs != y.serviceNs);
    }

    void failureRateIsHonoured()
    {
        const auto policy = WorkloadPolicy::make(retrying(0.2, 1));
        const int n = 100'000;
        int fails = 0;
        for (int id = 0; id < n; ++id) {
            Job job;
            job.id = static_cast<std::uint64_t>(id);
            policy->planAttempt(job);
            fails += job.fails;
        }
        QVERIFY(std::abs(fails / double(n) - 0.2) < 0.005);
    }

    void attemptsNeverExceedMaximum_data()
    {
        QTest::addColumn<int>("maxAttempts");
        QTest::addColumn<Jitter>("jitter");
        QTest::newRow("1 full") << 1 << Jitter::Full;
        QTest::newRow("4 none") << 4 << Jitter::None;
        QTest::newRow("4 equal") << 4 << Jitter::Equal;
        QTest::newRow("7 decorrelated") << 7 << Jitter::Decorrelated;
        QTest::newRow("100 full") << 100 << Jitter::Full;
    }
    void attemptsNeverExceedMaximum()
    {
        QFETCH(int, maxAttempts);
        QFETCH(Jitter, jitter);
        Scenario s = retrying(1.0, maxAttempts, jitter); // every attempt fails
        s.backoffBase = 10 * kMilli;
        s.backoffCap = 1 * kSecond;
        const auto policy = WorkloadPolicy::make(s);
        for (std::uint64_t id = 0; id < 100; ++id) {
            Job job;
            job.id = id;
            int attempts = 0;
            Nanos previous = 0;
            for (;;) {
                policy->planAttempt(job);
                ++attempts;
                QVERIFY(job.fails);
                const Nanos d = policy->retryDelay(job);
                if (d < 0)
                    break;
                QVERIFY(d <= s.backoffCap);
                if (jitter == Jitter::Decorrelated) {
                    // The replayed chain obeys the decorrelated step bound.
                    QVERIFY(d >= s.backoffBase);
                    QVERIFY(d <= std::min(s.backoffCap, 3 * (previous > 0 ? previous : s.backoffBase)));
                }
                previous = d;
                ++job.attempt;
            }
            QCOMPARE(attempts, maxAttempts);
        }
    }

    void poolCountsMatchThePlayedOutPolicy_data()
    {
        QTest::addColumn<double>("failureRate");
        QTest::addColumn<int>("maxAttempts");
        QTest::addColumn<int>("jobs");
        QTest::newRow("p0.2 max4") << 0.2 << 4 << 20'000;
        QTest::newRow("p0.5 max3") << 0.5 << 3 << 5'000;
        QTest::newRow("p1 max2") << 1.0 << 2 << 1'000;
        QTest::newRow("p0") << 0.0 << 5 << 1'000;
    }
    void poolCountsMatchThePlayedOutPolicy()
    {
        QFETCH(double, failureRate);
        QFETCH(int, maxAttempts);
        QFETCH(int, jobs);
        const Scenario s = retrying(failureRate, maxAttempts);
        const Expected e = playOut(*WorkloadPolicy::make(s), static_cast<std::uint64_t>(jobs));
        const Snapshot snap = runOnPool(s, static_cast<std::uint64_t>(jobs), 4);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.submitted, static_cast<std::uint64_t>(jobs));
        QCOMPARE(snap.counters.succeeded, e.succeeded);
        QCOMPARE(snap.counters.failed, e.failed);
        QCOMPARE(snap.counters.retries, e.retries);
        QCOMPARE(snap.counters.attempts, e.attempts);
        QCOMPARE(e.succeeded + e.failed, static_cast<std::uint64_t>(jobs));
        QCOMPARE(e.attempts, static_cast<std::uint64_t>(jobs) + e.retries);
        if (failureRate == 0.2) {
            // 0.2^4 = 0.0016 of jobs fail for good; retries 0.2 + 0.04 + 0.008 = 0.248 per job.
            QVERIFY(std::abs(e.failed / double(jobs) - 0.0016) < 0.0008);
            QVERIFY(std::abs(e.retries / double(jobs) - 0.248) < 0.01);
        }
    }

    void timeoutsAreCountedAndRetried()
    {
        Scenario s = retrying(0.0, 2);
        s.latency = "uniform(0ms,2ms)";
        s.timeout = 1 * kMilli;
        const std::uint64_t jobs = 400;
        const Expected e = playOut(*WorkloadPolicy::make(s), jobs);
        QVERIFY(e.timedOut > 100); // about half of the attempts
        const Snapshot snap = runOnPool(s, jobs, 64);
        QCOMPARE(snap.counters.timedOut, e.timedOut);
        QCOMPARE(snap.counters.failed, e.failed);
        QCOMPARE(snap.counters.retries, e.retries);
    }
};

QTEST_APPLESS_MAIN(TestWorkload)
#include "tst_workload.moc"
