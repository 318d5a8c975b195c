// SPDX-License-Identifier: GPL-3.0-or-later
// Seeded random sequences of start, pause, resume, resize, capacity and policy
// changes, drain and cancel, with producers running throughout. Checks that the
// accounting invariant holds in every snapshot, that nothing hangs, and that every
// job ends exactly once. POOLLAB_STRESS_SEQUENCES sets how many (the TSan run uses more).

#include "core/pool.h"

#include "pool_test_support.h"

#include <QTest>

#include <atomic>
#include <random>
#include <thread>

using namespace poollab;
using poollab::test::Ledger;
using poollab::test::makeJob;

class TestPoolStress : public QObject
{
    Q_OBJECT

private slots:
    void randomSequences();
};

void TestPoolStress::randomSequences()
{
    const int sequences = qEnvironmentVariableIsSet("POOLLAB_STRESS_SEQUENCES")
                              ? qEnvironmentVariableIntValue("POOLLAB_STRESS_SEQUENCES")
                              : 100;
    constexpr int kProducers = 3;
    constexpr int kJobsPerProducer = 400;
    constexpr int kJobs = kProducers * kJobsPerProducer;
    for (int sequence = 0; sequence < sequences; ++sequence) {
        std::mt19937 rng(static_cast<unsigned>(sequence) * 7919u + 1);
        const auto pick = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        Ledger ledger(kJobs);
        const auto overflow = static_cast<OverflowPolicy>(pick(0, 2));
        auto pool = std::make_unique<Pool>(ledger.config(pick(1, 12), pick(0, 30), overflow));
        std::atomic<int> submitted{0};
        std::vector<std::thread> producers;
        for (int p = 0; p < kProducers; ++p) {
            producers.emplace_back([&, p] {
                for (int i = 0; i < kJobsPerProducer; ++i) {
                    const auto id = static_cast<std::uint64_t>(p * kJobsPerProducer + i);
                    ++submitted;
                    if (pool->submit(makeJob(*pool, id, (id % 5) * 20 * kMicro)) == SubmitResult::Closed) {
                        // Once closed, every later submit is refused too: account for them.
                        for (int j = i + 1; j < kJobsPerProducer; ++j) {
                            ++submitted;
                            pool->submit(
                                makeJob(*pool, static_cast<std::uint64_t>(p * kJobsPerProducer + j), 0));
                        }
                        return;
                    }
                }
            });
        }
        int broken = 0;
        Snapshot s;
        const int operations = pick(5, 40);
        bool ended = false;
        for (int op = 0; op < operations && !ended; ++op) {
            switch (pick(0, 9)) {
            case 0:
                pool->start();
                break;
            case 1:
                pool->pause();
                break;
            case 2:
                pool->resume();
                break;
            case 3:
            case 4:
                pool->setWorkerCount(pick(1, 16));
                break;
            case 5:
                pool->setQueueCapacity(pick(0, 40));
                break;
            case 6:
                pool->setOverflowPolicy(static_cast<OverflowPolicy>(pick(0, 2)));
                break;
            case 7:
                if (pick(0, 3) == 0) {
                    pool->drain();
                    ended = true;
                }
                break;
            case 8:
                if (pick(0, 5) == 0) {
                    pool->cancel();
                    ended = true;
                }
                break;
            default:
                break;
            }
            pool->snapshot(s);
            broken += s.invariantHolds() ? 0 : 1;
            // Let the pool run a little between operations, without sleeping.
            std::this_thread::yield();
        }
        // Every sequence ends: half drain, half cancel (after whatever the ops did).
        if (pick(0, 1))
            pool->drain();
        else
            pool->cancel();
        const bool stopped = pool->waitUntilStopped(60 * kSecond);
        for (auto& t : producers)
            t.join();
        pool->snapshot(s);
        QVERIFY2(stopped, qPrintable(QStringLiteral("sequence %1 hung").arg(sequence)));
        QCOMPARE(broken, 0);
        QVERIFY(s.invariantHolds());
        QCOMPARE(s.counters.submitted, std::uint64_t{kJobs});
        QCOMPARE(submitted.load(), kJobs);
        QCOMPARE(s.queued, 0);
        QCOMPARE(s.inFlight, 0);
        QVERIFY2(ledger.eachEndedOnce(kJobs), qPrintable(QStringLiteral("sequence %1").arg(sequence)));
        pool.reset();
    }
}

QTEST_GUILESS_MAIN(TestPoolStress)
#include "tst_pool_stress.moc"
