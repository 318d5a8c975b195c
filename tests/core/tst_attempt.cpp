// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt.h"
#include "core/pool.h"

#include <QTest>

using namespace poollab;

Q_DECLARE_METATYPE(poollab::AttemptVerdict)

namespace {

// A policy that plans what the test gives it and allows `maxAttempts`, backing off
// 10 ms times the failed attempt's number.
class FixedPolicy : public AttemptPolicy
{
public:
    FixedPolicy(Nanos service, Nanos timeout, bool fails, int maxAttempts)
        : m_service(service), m_timeout(timeout), m_fails(fails), m_maxAttempts(maxAttempts)
    {}
    void planAttempt(Job& job) const override
    {
        job.serviceNs = m_service;
        job.timeoutNs = m_timeout;
        job.fails = m_fails;
    }
    Nanos retryDelay(const Job& job) const override
    {
        return job.attempt >= m_maxAttempts ? -1 : 10 * kMilli * job.attempt;
    }

private:
    Nanos m_service, m_timeout;
    bool m_fails;
    int m_maxAttempts;
};

} // namespace

class TestAttempt : public QObject
{
    Q_OBJECT

private slots:
    // What an attempt holds its worker for and what it comes to, as both engines run it.
    void planAndEnd_data()
    {
        QTest::addColumn<Nanos>("service");
        QTest::addColumn<Nanos>("timeout");
        QTest::addColumn<bool>("fails");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<Nanos>("hold");
        QTest::addColumn<bool>("timesOut");
        QTest::addColumn<AttemptVerdict>("end");
        QTest::addColumn<Nanos>("due"); // Retry: 1 s (the end) + the backoff
        const Nanos ms = kMilli;
        QTest::newRow("succeeds") << 5 * ms << Nanos(0) << false << 1 << 5 * ms << false
                                  << AttemptVerdict::Succeeded << Nanos(0);
        QTest::newRow("within its timeout")
            << 5 * ms << 5 * ms << false << 1 << 5 * ms << false << AttemptVerdict::Succeeded << Nanos(0);
        QTest::newRow("times out, retried")
            << 9 * ms << 4 * ms << false << 1 << 4 * ms << true << AttemptVerdict::Retry << kSecond + 10 * ms;
        QTest::newRow("fails, retried") << 5 * ms << Nanos(0) << true << 2 << 5 * ms << false
                                        << AttemptVerdict::Retry << kSecond + 20 * ms;
        QTest::newRow("fails, none left")
            << 5 * ms << Nanos(0) << true << 3 << 5 * ms << false << AttemptVerdict::Failed << Nanos(0);
        QTest::newRow("times out, none left")
            << 9 * ms << 4 * ms << true << 3 << 4 * ms << true << AttemptVerdict::Failed << Nanos(0);
        QTest::newRow("negative service holds nothing") << -5 * ms << Nanos(0) << false << 1 << Nanos(0)
                                                        << false << AttemptVerdict::Succeeded << Nanos(0);
    }
    void planAndEnd()
    {
        QFETCH(Nanos, service);
        QFETCH(Nanos, timeout);
        QFETCH(bool, fails);
        QFETCH(int, attempt);
        QFETCH(Nanos, hold);
        QFETCH(bool, timesOut);
        QFETCH(AttemptVerdict, end);
        QFETCH(Nanos, due);
        const FixedPolicy policy(service, timeout, fails, 3);
        Job job;
        job.attempt = static_cast<std::uint16_t>(attempt);
        const AttemptPlan plan = planAttempt(&policy, job);
        QCOMPARE(plan.holdNs, hold);
        QCOMPARE(plan.timesOut, timesOut);
        const AttemptResult result = endAttempt(&policy, plan, kSecond, job);
        QCOMPARE(result.end, end);
        QCOMPARE(result.timedOut, timesOut);
        QCOMPARE(result.retryDue, due);
        // A retry moves the job on to its next attempt; other ends leave it.
        QCOMPARE(int(job.attempt), end == AttemptVerdict::Retry ? attempt + 1 : attempt);
    }

    // Without a policy a job runs as it was given, and a failed attempt is final.
    void withoutPolicy()
    {
        Job job;
        job.serviceNs = 3 * kMilli;
        job.fails = true;
        const AttemptPlan plan = planAttempt(nullptr, job);
        QCOMPARE(plan.holdNs, 3 * kMilli);
        QVERIFY(!plan.timesOut);
        QCOMPARE(endAttempt(nullptr, plan, kSecond, job).end, AttemptVerdict::Failed);
        QCOMPARE(int(job.attempt), 1);
    }
};

QTEST_GUILESS_MAIN(TestAttempt)
#include "tst_attempt.moc"
