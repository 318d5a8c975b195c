// SPDX-License-Identifier: GPL-3.0-or-later
// One scenario on both engines: real threads (RealEngine) and virtual time
// (VirtualEngine) apply the same rules (core/admission.h, core/attempt.h, ...), so
// they must come to the same outcomes.
//
// Deterministic cases are those whose outcomes do not depend on the order of events
// closer together than real threads' timing jitter: no overload (block, a queue
// larger than the run, arrivals spaced wider than a job), failures and backoffs
// (drawn from the seed per job and attempt, whichever engine runs them), a rate limit
// that every start waits for. Their outcome counts must be identical.
//
// Random cases are overloads of a small queue (capacity 0 or 2 under reject or
// drop-oldest): whether a job finds room depends on whether a worker took the job
// before it a few microseconds earlier or later, which virtual time decides exactly
// and real threads by the scheduler. Their counts must agree within a tolerance,
// stated per row (see tolerances below).
#include "core/real_engine.h"
#include "core/virtual_engine.h"
#include "real_time_retry.h"

#include <QTest>

#include <cstdlib>
#include <memory>
#include <utility>

using namespace poollab;

Q_DECLARE_METATYPE(poollab::Scenario)

namespace {

constexpr int kWorkers = 2;

// The counts both engines report for a finished run.
struct Outcomes
{
    std::uint64_t submitted, succeeded, failed, rejected, refused, dropped, cancelled;
    std::uint64_t retries, attempts, timedOut, throttled;
};

Outcomes outcomesOf(const Snapshot& s)
{
    const Counters& c = s.counters;
    return {c.submitted, c.succeeded, c.failed,   c.rejected, c.refused,  c.dropped,
            c.cancelled, c.retries,   c.attempts, c.timedOut, c.throttled};
}

// The counts timing decides (who wins the race for room) within `tolerance` jobs,
// the others identical.
bool agrees(const Outcomes& r, const Outcomes& v, int tolerance)
{
    const auto near = [tolerance](std::uint64_t a, std::uint64_t b) {
        return std::llabs(static_cast<long long>(a) - static_cast<long long>(b)) <= tolerance;
    };
    return near(r.succeeded, v.succeeded) && near(r.rejected, v.rejected) && near(r.dropped, v.dropped) &&
           near(r.attempts, v.attempts) && r.failed == v.failed && r.retries == v.retries &&
           r.timedOut == v.timedOut && r.throttled == v.throttled;
}

QByteArray line(const char* engine, const Outcomes& o)
{
    return QByteArray(engine) + ": succeeded " + QByteArray::number(o.succeeded) + " failed " +
           QByteArray::number(o.failed) + " rejected " + QByteArray::number(o.rejected) + " dropped " +
           QByteArray::number(o.dropped) + " retries " + QByteArray::number(o.retries) + " attempts " +
           QByteArray::number(o.attempts) + " timed out " + QByteArray::number(o.timedOut) + " throttled " +
           QByteArray::number(o.throttled);
}

// Runs s to its end on the engine of `mode`.
Snapshot runOn(TimeMode mode, const Scenario& s)
{
    const bool real = mode == TimeMode::Real;
    const std::unique_ptr<Engine> engine = real ? makeRealEngine(s) : makeVirtualEngine(s);
    engine->start();
    if (!engine->waitFinished(60 * kSecond))
        qFatal("the %s run did not finish", real ? "real" : "virtual");
    Snapshot end;
    engine->snapshot(end);
    return end;
}

Scenario withRetries(Scenario s, double failureRate, int maxAttempts, Nanos backoffBase, Nanos backoffCap,
                     Jitter jitter)
{
    s.failureRate = failureRate;
    s.maxAttempts = maxAttempts;
    s.backoffBase = backoffBase;
    s.backoffCap = backoffCap;
    s.jitter = jitter;
    return s;
}

// Short real runs: 2 workers, jobs of a few ms, a few dozen jobs (tens of ms each).
Scenario base(ArrivalKind arrival)
{
    Scenario s;
    s.workers = kWorkers;
    s.seed = 7;
    s.arrival = arrival;
    s.duration = 0;
    s.sampleInterval = 0;
    switch (arrival) {
    case ArrivalKind::Burst: // 12 at t = 0, each holding a worker 10 ms: 60 ms under block
        s.latency = "10ms";
        s.jobs = 12;
        break;
    case ArrivalKind::Constant: // one every 10 ms, done in 1: never two in the system
        s.latency = "1ms";
        s.rate = 100;
        s.jobs = 8;
        break;
    default: // Poisson at 400/s of 4 ms jobs: 1.6 erlangs on 2 workers, ~50 ms
        s.latency = "4ms";
        s.rate = 400;
        s.jobs = 20;
        break;
    }
    return s;
}

QByteArray nameOf(const Scenario& s)
{
    return QByteArray(toString(s.overflow).data()) + " q=" + QByteArray::number(s.queueCapacity) + " " +
           QByteArray(toString(s.arrival).data());
}

} // namespace

class TestEngineParity : public QObject
{
    Q_OBJECT

private slots:
    // One scenario on both engines. The counts that depend on who won a race
    // (succeeded, rejected, dropped, attempts) may differ by at most `tolerance` jobs
    // (0: identical); the others must be identical.
    void sameOutcomes_data()
    {
        QTest::addColumn<Scenario>("scenario");
        QTest::addColumn<int>("tolerance");
        for (ArrivalKind arrival : {ArrivalKind::Burst, ArrivalKind::Constant, ArrivalKind::Poisson})
            for (OverflowPolicy o :
                 {OverflowPolicy::Block, OverflowPolicy::Reject, OverflowPolicy::DropOldest})
                for (int cap : {0, 2, 100}) {
                    Scenario s = base(arrival);
                    s.overflow = o;
                    s.queueCapacity = cap;
                    // Overload decided by timing: a small queue that does not wait.
                    const bool raced = o != OverflowPolicy::Block && cap < 100;
                    // Tolerances. A burst: virtual time gives each worker its first job
                    // before the next submission, a real worker may take it only after
                    // the queue has filled (or, for a hand-off, be between spinning and
                    // parking, not counted ready): at most one job per worker goes the
                    // other way, so kWorkers. Poisson: arrivals and completions come
                    // within scheduling jitter of each other now and then, and a
                    // different fate of one job changes the room the next ones find;
                    // 6 of 20 jobs: twice the largest difference seen in 30 repeated runs
                    // on a shared 2-core machine under load (0 in 28 of 30 per row, at
                    // most 3), for runs slower still (ThreadSanitizer).
                    // Constant: nothing ever waits, but a hand-off that does not wait needs
                    // a worker counted ready (spinning or parked, like a goroutine parked
                    // in a receive), and at the start one woken as the queue is released
                    // is between waking and waiting for a moment: the first job may find
                    // none and be refused (virtual time has both idle), 1. The 9 ms
                    // between a job's end and the next arrival are for a worker a loaded
                    // machine runs late to get back to waiting (with 3 ms, under
                    // ThreadSanitizer at load 9 on 2 cores, 4 of 10 were refused).
                    const int tolerance = !raced                             ? 0
                                          : arrival == ArrivalKind::Burst    ? kWorkers
                                          : arrival == ArrivalKind::Constant ? (cap == 0 ? 1 : 0)
                                                                             : 6;
                    QTest::newRow(nameOf(s).constData()) << s << tolerance;
                }
        // Failures, timeouts and retries through the delay queue: each attempt's
        // service time, failure and backoff come from (seed, job, attempt).
        {
            Scenario s = base(ArrivalKind::Burst);
            s.jobs = 16;
            s.queueCapacity = 100;
            s.latency = "uniform(1ms,3ms)";
            s.timeout = 2500 * kMicro;
            QTest::newRow("retries block q=100 burst")
                << withRetries(s, 0.3, 3, 2 * kMilli, 8 * kMilli, Jitter::Full) << 0;
        }
        {
            // Retries re-enter a queue of 2 under reject: never rejected for it, and
            // with arrivals 10 ms apart never more than the queue holds anyway.
            Scenario s = base(ArrivalKind::Constant);
            s.rate = 100;
            s.jobs = 8;
            s.latency = "1ms";
            s.overflow = OverflowPolicy::Reject;
            s.queueCapacity = 2;
            QTest::newRow("retries reject q=2 constant")
                << withRetries(s, 0.5, 4, 1 * kMilli, 4 * kMilli, Jitter::Equal) << 0;
        }
        // A rate limit every start after the bucket's first ones waits for: 4 workers
        // with empty jobs book tokens 5 ms apart, so the bucket is booked ahead however
        // late a thread runs, and never fills up again.
        {
            Scenario s = base(ArrivalKind::Burst);
            s.workers = 4;
            s.latency = "0ms";
            s.queueCapacity = 100;
            s.rateLimit = 200;
            s.burst = 2;
            QTest::newRow("rate limit block q=100 burst") << s << 0;
        }
        {
            // Arrivals every 2.5 ms, a token every 10 ms: every job but the first waits,
            // the second for 7.5 ms, later ones longer.
            Scenario s = base(ArrivalKind::Constant);
            s.rate = 400;
            s.jobs = 6;
            s.rateLimit = 100;
            s.burst = 1;
            QTest::newRow("rate limit block q=100 constant") << s << 0;
        }
    }
    void sameOutcomes()
    {
        QFETCH(Scenario, scenario);
        QFETCH(int, tolerance);
        const Snapshot virt = runOn(TimeMode::Virtual, scenario);
        const Outcomes v = outcomesOf(virt);
        QVERIFY(virt.invariantHolds());
        // A busy machine can starve a real run's threads for milliseconds (a sleep
        // ending that late, an arrival submitted that late): then a small queue
        // overflows where virtual time had room, or a token is there for a start that
        // should have waited. Such a run says nothing about the rules, so a row gets up
        // to kTries real runs; an engine that breaks a rule fails every one of them.
        constexpr int kTries = 5;
        const Snapshot real =
            test::fairestOf(
                kTries, 0, [&] { return runOn(TimeMode::Real, scenario); },
                [&](const Snapshot& run) { return agrees(outcomesOf(run), v, tolerance) ? 0.0 : 1.0; })
                .result;
        const Outcomes r = outcomesOf(real);
        QVERIFY(real.invariantHolds());
        const QByteArray both = line("virtual", v) + QByteArray("\n   ") + line("real", r);
        if (tolerance > 0)
            qInfo("%s", both.constData()); // the spread the tolerance is for
        QCOMPARE(r.submitted, scenario.jobs);
        QCOMPARE(v.submitted, scenario.jobs);
        // Whatever the race, no job is cancelled, refused, or lost: each is counted once.
        QCOMPARE(r.succeeded + r.failed + r.rejected + r.dropped, scenario.jobs);
        QCOMPARE(v.succeeded + v.failed + v.rejected + v.dropped, scenario.jobs);
        QCOMPARE(r.cancelled, v.cancelled);
        QCOMPARE(r.refused, v.refused);
        QCOMPARE(r.failed, v.failed);
        QCOMPARE(r.retries, v.retries);
        QCOMPARE(r.timedOut, v.timedOut);
        QCOMPARE(r.throttled, v.throttled);
        QVERIFY2(agrees(r, v, tolerance), both.constData());
        // In a burst virtual workers take their first jobs at once; real ones only lose.
        if (scenario.arrival == ArrivalKind::Burst)
            QVERIFY2(r.succeeded <= v.succeeded, both.constData());
        // The policy decides which kind of loss there is, in both engines alike.
        if (scenario.overflow == OverflowPolicy::Reject || scenario.queueCapacity == 0)
            QCOMPARE(r.dropped + v.dropped, std::uint64_t{0});
        else
            QCOMPARE(r.rejected + v.rejected, std::uint64_t{0});
    }
};

QTEST_GUILESS_MAIN(TestEngineParity)
#include "tst_engine_parity.moc"
