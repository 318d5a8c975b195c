// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/queueing_theory.h"
#include "core/real_engine.h"
#include "core/virtual_engine.h"
#include "real_time_retry.h"

#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

using namespace poollab;

namespace {

Scenario base()
{
    Scenario s;
    s.workers = 4;
    s.queueCapacity = 1000;
    s.latency = "0ms";
    s.arrival = ArrivalKind::Burst;
    s.jobs = 200;
    s.duration = 0;
    return s;
}

Snapshot runToEnd(RealEngine& engine)
{
    engine.start();
    if (!engine.waitFinished(30 * kSecond))
        qFatal("run did not finish");
    Snapshot snap;
    engine.snapshot(snap);
    return snap;
}

} // namespace

class TestRealEngine : public QObject
{
    Q_OBJECT

private slots:
    void badLatencyThrows()
    {
        Scenario s = base();
        s.latency = "fast";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, RealEngine{s});
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, makeRealEngine(s));
    }

    void burstRunsEveryJob()
    {
        RealEngine engine(base());
        QCOMPARE(engine.plannedJobs(), std::uint64_t{200});
        QCOMPARE(static_cast<int>(engine.timeMode()), static_cast<int>(TimeMode::Real));
        const Snapshot snap = runToEnd(engine);
        QVERIFY(engine.finished());
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.submitted, std::uint64_t{200});
        QCOMPARE(snap.counters.succeeded, std::uint64_t{200});
        QCOMPARE(snap.queued, std::int64_t{0});
        QCOMPARE(snap.inFlight, std::int64_t{0});
        QVERIFY(engine.generator().done());
        const Nanos wallNow = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
        QVERIFY(engine.wallEpochUnixNs() <= wallNow && engine.wallEpochUnixNs() > wallNow - 60 * kSecond);
    }

    void latencyCountsFromThePlannedArrival()
    {
        // One worker, a queue of one, blocking: the producer is held back, yet each
        // job's latency counts from t = 0, so the last one waited for all before it.
        Scenario s = base();
        s.workers = 1;
        s.queueCapacity = 1;
        s.overflow = OverflowPolicy::Block;
        s.latency = "2ms";
        s.jobs = 20;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{20});
        QVERIFY2(snap.total.max() >= 40 * kMilli, qPrintable(QString::number(snap.total.max())));
    }

    void durationLimitsAConstantRate()
    {
        Scenario s = base();
        s.arrival = ArrivalKind::Constant;
        s.rate = 400;
        s.jobs = 0;
        s.duration = 100 * kMilli;
        RealEngine engine(s);
        QCOMPARE(engine.plannedJobs(), std::uint64_t{40});
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.submitted, std::uint64_t{40}); // at 0, 2.5 ms, ..., 97.5 ms
        QCOMPARE(snap.counters.succeeded, std::uint64_t{40});
    }

    void lateProducerStillSubmitsWhatWasPlanned()
    {
        // Backpressure holds the producer far behind the schedule (one 10 ms worker,
        // 400 arrivals/s): the duration limits planned times, so all 40 still go, and
        // their latency counts from when they were planned.
        Scenario s = base();
        s.arrival = ArrivalKind::Constant;
        s.rate = 400;
        s.jobs = 0;
        s.duration = 100 * kMilli;
        s.workers = 1;
        s.queueCapacity = 1;
        s.overflow = OverflowPolicy::Block;
        s.latency = "10ms";
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.submitted, std::uint64_t{40});
        QCOMPARE(snap.counters.succeeded, std::uint64_t{40});
        // The last, planned at 97.5 ms, started after 39 jobs of 10 ms.
        QVERIFY2(snap.total.max() >= 390 * kMilli - 97500 * kMicro,
                 qPrintable(QString::number(snap.total.max())));
    }

    void closedModelDurationLimitsPlannedTimes()
    {
        Scenario s = base();
        s.arrival = ArrivalKind::Closed;
        s.clients = 2;
        s.thinkTime = 0;
        s.latency = "10ms";
        s.jobs = 0;
        s.duration = 55 * kMilli;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QVERIFY(snap.invariantHolds());
        // Each client fits about 5 or 6 jobs of 10 ms (and a bit) into 55 ms: not more.
        QVERIFY2(snap.counters.submitted >= 2 && snap.counters.submitted <= 12,
                 qPrintable(QString::number(snap.counters.submitted)));
        QCOMPARE(snap.counters.succeeded, snap.counters.submitted);
        QVERIFY(snap.runNs >= 55 * kMilli);
    }

    void closedModelNeverExceedsK_data()
    {
        QTest::addColumn<int>("clients");
        QTest::addColumn<int>("workers");
        QTest::newRow("K3 on 16 workers") << 3 << 16;
        QTest::newRow("K8 on 2 workers") << 8 << 2;
    }
    void closedModelNeverExceedsK()
    {
        QFETCH(int, clients);
        QFETCH(int, workers);
        Scenario s = base();
        s.arrival = ArrivalKind::Closed;
        s.clients = clients;
        s.workers = workers;
        s.latency = "uniform(0ms,400us)";
        s.jobs = 1500;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.submitted, std::uint64_t{1500});
        QCOMPARE(snap.counters.succeeded, std::uint64_t{1500});
        // The generator's exact count of jobs between submit and outcome (the
        // snapshot's queued + inFlight is not read at one instant, so it can overstate).
        // tst_load_generator checks the same from outside, by job intervals.
        QVERIFY(engine.generator().outstandingHighWater() <= clients);
        QCOMPARE(engine.generator().outstandingHighWater(), std::int64_t{clients}); // and K is reached
    }

    void closedModelThinks()
    {
        Scenario s = base();
        s.arrival = ArrivalKind::Closed;
        s.clients = 2;
        s.thinkTime = 5 * kMilli;
        s.jobs = 20;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{20});
        // Each client: 10 jobs, 9 think times between them.
        QVERIFY2(snap.runNs >= 45 * kMilli, qPrintable(QString::number(snap.runNs)));
    }

    void rateLimitPacesStarts()
    {
        Scenario s = base();
        s.jobs = 60;
        s.rateLimit = 1000;
        s.burst = 10;
        // 10 at once, then 50 more at 1 ms each. Four workers with empty jobs are always
        // waiting for the next token, unless the machine leaves them without a core:
        // then the bucket refills meanwhile and the starts after find a token there
        // (4 of 100 runs under load 6-14 on 2 cores had fewer than 40 wait). Up to
        // kTries runs for one where at most 10 of the 50 did not wait.
        constexpr int kTries = 5;
        const auto fairest = test::fairestOf(
            kTries, 10,
            [&] {
                RealEngine engine(s);
                return runToEnd(engine);
            },
            [](const Snapshot& run) { return 50.0 - static_cast<double>(run.counters.throttled); });
        const Snapshot& snap = fairest.result;
        QCOMPARE(snap.counters.succeeded, std::uint64_t{60});
        // However late the threads, the 60th token is not there before 50 ms.
        QVERIFY2(snap.runNs >= 50 * kMilli - kMicro, qPrintable(QString::number(snap.runNs)));
        QVERIFY2(snap.counters.throttled >= 40, qPrintable(QStringLiteral("%1 throttled, the most of %2 runs")
                                                               .arg(snap.counters.throttled)
                                                               .arg(fairest.runs)));
        QCOMPARE(snap.throttle.count(), snap.counters.throttled);
    }

    // A rate limit holds workers, not the queue: with a worker for every job nothing
    // queues, so the queue wait stays near 0 while the token waits add up. Total
    // latency counts both.
    void tokenWaitIsNotQueueWait()
    {
        Scenario s = base();
        s.workers = 20;
        s.jobs = 20;
        s.rateLimit = 200; // one token per 5 ms
        s.burst = 1;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{20});
        QCOMPARE(snap.wait.count(), std::uint64_t{20});
        QCOMPARE(snap.throttle.count(), snap.counters.throttled);
        QVERIFY(snap.counters.throttled >= 15);
        // The 20th token comes 95 ms after the first.
        QVERIFY2(snap.throttle.max() >= 90 * kMilli, qPrintable(QString::number(snap.throttle.max())));
        QVERIFY2(snap.total.max() >= snap.throttle.max(), qPrintable(QString::number(snap.total.max())));
        // Before, the wait included the token: a mean near 50 ms. A worker takes its job
        // within a scheduling delay (generous: the machine may be busy).
        QVERIFY2(snap.wait.mean() < 0.25 * snap.throttle.mean(),
                 qPrintable(QStringLiteral("wait mean %1 ns, token wait mean %2 ns")
                                .arg(snap.wait.mean())
                                .arg(snap.throttle.mean())));
    }

    // 2 workers and a burst of 6 jobs of 200 ms: the first two find a worker, the other
    // four find both busy (Erlang C's "the arrival waits", counted when it arrives).
    void arrivalsFindingNoIdleWorker()
    {
        Scenario s = base();
        s.workers = 2;
        s.jobs = 6;
        s.latency = "200ms";
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{6});
        // The first two find a worker free, the other four none. Exactly, as in virtual
        // time (tst_virtual_engine::arrivalsFindingNoIdleWorker): the pool decides from
        // one count of jobs queued or held, which a worker's pop does not change (it
        // once read the queue and the held jobs apart, and a pop between the two reads
        // made the third arrival look as if it found an idle worker).
        QCOMPARE(snap.counters.arrivedToBusy, std::uint64_t{4});
    }

    // The mmc-queue preset's model (M/M/10 at rho 0.8, here with exp(25 ms) jobs so that
    // 2,000 arrivals take 6 s): the share of arrivals that find every worker busy is
    // Erlang C's 0.409. The binomial standard error sqrt(p(1-p)/n) assumes independent
    // arrivals; successive ones see nearly the same pool, and 300 virtual-time runs of
    // 2,000 jobs spread 6.0x wider (SD 0.066 against 0.011). Tolerance: 4 of those.
    // Before arrivals were counted, real time measured 1.00 here.
    //
    // A loaded machine wakes workers late, so each job holds its worker longer than
    // drawn, the load rises above 0.8 and more arrivals find every worker busy: 0.46-0.57
    // at load 6-11 on 2 cores. That is the machine, not the count; the run measures it
    // as its mean service time over the virtual twin's, which draws the same service
    // times (0.05-0.1 % longer on a quiet machine, 1.3-8 % at load 6-12). Up to kTries runs
    // for one within kFair; the least late is checked at the rates it ran at, and fails
    // if even it was starved beyond kStarved.
    void mmcQueueProbWaitMatchesErlangC()
    {
        Scenario s = base();
        s.workers = 10;
        s.queueCapacity = 100'000;
        s.latency = "exp(25ms)";
        s.arrival = ArrivalKind::Poisson;
        s.rate = 320;
        s.jobs = 2000;
        s.seed = 1;
        const TheoryPrediction p = predict(s);
        QVERIFY(p.applies);
        // The same seed in virtual time has the same arrivals and service times, so the
        // two engines differ only by real time's delays.
        VirtualEngine twin(s);
        twin.start();
        QVERIFY(twin.waitFinished(60 * kSecond));
        const Snapshot virt = twin.snapshot();
        const double virtualShare = virt.counters.arrivedToBusyShare();

        constexpr int kTries = 3;
        constexpr double kFair = 0.01;
        constexpr double kStarved = 0.10; // Erlang C moves 0.41 -> 0.61: still far from 1
        const auto fairest = test::fairestOf(
            kTries, kFair,
            [&] {
                RealEngine engine(s);
                return runToEnd(engine);
            },
            [&](const Snapshot& run) { return run.service.mean() / virt.service.mean() - 1; });
        const Snapshot& snap = fairest.result;
        qInfo("service %.2f %% longer than drawn, the least late of %d runs", 100 * fairest.lateness,
              fairest.runs);
        QVERIFY2(fairest.lateness <= kStarved,
                 qPrintable(QStringLiteral("the machine starved every run: service %1 % longer than drawn "
                                           "in the least late of %2; P(wait) then says nothing of the pool")
                                .arg(100 * fairest.lateness)
                                .arg(fairest.runs)));
        QCOMPARE(snap.counters.submitted, std::uint64_t{2000});

        // Erlang C at the rates measured: arrivals per second of run time and one over
        // the mean service time (the run's tail of last jobs makes both a little low).
        const TheoryComparison cmp = compareWithTheory(s, snap);
        const double measuredLoad = cmp.measuredLambda * snap.service.mean() / static_cast<double>(kSecond);
        const double measuredC = erlangC(s.workers, measuredLoad);
        const double n = static_cast<double>(snap.counters.submitted);
        const double binomial = std::sqrt(measuredC * (1 - measuredC) / n);
        const double tolerance = 4 * 6.0 * binomial;
        qInfo("P(wait) measured %.4f, Erlang C %.4f at the model's load %.3f, %.4f at the measured %.3f, "
              "tolerance %.3f (binomial SE %.4f)",
              cmp.measuredProbWait, p.metrics.probWait, p.metrics.offeredLoad, measuredC, measuredLoad,
              tolerance, binomial);
        QVERIFY2(std::abs(cmp.measuredProbWait - measuredC) <= tolerance,
                 qPrintable(QString::number(cmp.measuredProbWait)));

        // Against the twin: its share, moved by what the lateness moves Erlang C (0.002
        // on a quiet machine, where the two were 0.001-0.002 apart). Allowed: 4 binomial
        // standard errors (0.044), plus some of the move, as the move is an estimate.
        // Above it, the move again: service time leaves out a late pick-up (a parked
        // worker woken late holds its job before serving it; the share came up to 0.055
        // above the moved one in 60 runs at load 6-12). Below it, half the move: a stall
        // holding several workers at once is in each of their services (0.06 below it
        // in single runs 5-8 % late, moves 0.10-0.15). Counting an arrival as finding an
        // idle worker when all were just busy gives 0.33 here, 0.39-0.41 under load: it
        // still failed 3 of 4 runs at load 10.
        const double a = p.metrics.offeredLoad;
        const double moved =
            std::max(0.0, erlangC(s.workers, a * (1 + fairest.lateness)) - erlangC(s.workers, a));
        const double expected = virtualShare + moved;
        const double above = 4 * binomial + moved;
        const double below = 4 * binomial + moved / 2;
        qInfo("same seed in virtual time: %.4f, moved by the lateness to %.4f, allowed -%.3f/+%.3f",
              virtualShare, expected, below, above);
        QVERIFY2(cmp.measuredProbWait >= expected - below && cmp.measuredProbWait <= expected + above,
                 qPrintable(QStringLiteral("real %1, virtual %2 moved to %3")
                                .arg(cmp.measuredProbWait)
                                .arg(virtualShare)
                                .arg(expected)));
    }

    void retriesAreAccounted()
    {
        Scenario s = base();
        s.jobs = 2000;
        s.failureRate = 0.3;
        s.maxAttempts = 3;
        s.backoffBase = 0;
        s.backoffCap = 0;
        RealEngine engine(s);
        const Snapshot snap = runToEnd(engine);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded + snap.counters.failed, std::uint64_t{2000});
        QCOMPARE(snap.counters.attempts, 2000 + snap.counters.retries);
        QVERIFY(snap.counters.failed > 0 && snap.counters.retries > 0);
    }

    void liveRateChangeTakesEffect()
    {
        Scenario s = base();
        s.arrival = ArrivalKind::Constant;
        s.rate = 1; // 20 jobs would take 19 s
        s.jobs = 20;
        RealEngine engine(s);
        engine.start();
        QTRY_VERIFY(engine.submitted() >= 1);
        Scenario faster = engine.scenario();
        faster.rate = 2000;
        faster.workers = 8;
        engine.apply(faster);
        QVERIFY(engine.waitFinished(5 * kSecond));
        Snapshot snap;
        engine.snapshot(snap);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{20});
        QCOMPARE(snap.workers, 8);
        QCOMPARE(engine.scenario().rate, 2000.0);
    }

    void liveRateLimitRemovalFreesWorkers()
    {
        Scenario s = base();
        s.jobs = 10;
        s.rateLimit = 0.01; // one token, then one per 100 s
        s.burst = 1;
        RealEngine engine(s);
        engine.start();
        QTRY_VERIFY(engine.submitted() == 10);
        Scenario unlimited = engine.scenario();
        unlimited.rateLimit = 0;
        engine.apply(unlimited);
        QVERIFY(engine.waitFinished(5 * kSecond));
        Snapshot snap;
        engine.snapshot(snap);
        QCOMPARE(snap.counters.succeeded, std::uint64_t{10});
    }

    void cancelWhileProducerIsBlocked()
    {
        Scenario s = base();
        s.workers = 1;
        s.queueCapacity = 1;
        s.latency = "1s";
        s.jobs = 100;
        RealEngine engine(s);
        engine.start();
        QTRY_VERIFY(engine.submitted() >= 3); // one running, one queued, one blocked
        engine.cancel();
        // The running 1 s job is interrupted at once, not waited out; the pool stops as
        // soon as its worker has noticed.
        QVERIFY(engine.waitFinished(500 * kMilli));
        QVERIFY(engine.finished());
        Snapshot snap;
        engine.snapshot(snap);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded, std::uint64_t{0});
        QVERIFY(snap.counters.cancelled >= 2);
        QCOMPARE(snap.counters.submitted, engine.submitted());
    }

    void drainStopsProducing()
    {
        Scenario s = base();
        s.arrival = ArrivalKind::Constant;
        s.rate = 100;
        s.jobs = 0;
        s.duration = 3600 * kSecond;
        RealEngine engine(s);
        engine.start();
        QTRY_VERIFY(engine.submitted() >= 2);
        engine.drain();
        QVERIFY(engine.waitFinished(5 * kSecond));
        Snapshot snap;
        engine.snapshot(snap);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded + snap.counters.rejected, engine.submitted());
    }
};

QTEST_GUILESS_MAIN(TestRealEngine)
#include "tst_real_engine.moc"
