// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/queueing_theory.h"
#include "core/summary.h"
#include "core/virtual_engine.h"

#include <QElapsedTimer>
#include <QTest>

#include <cmath>
#include <ctime>
#include <thread>

using namespace poollab;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

Scenario signup()
{
    Scenario s;
    s.workers = 20;
    s.queueCapacity = 100;
    s.overflow = OverflowPolicy::Block;
    s.latency = "500ms";
    s.arrival = ArrivalKind::Burst;
    s.jobs = 10'000;
    return s;
}

Scenario mmcScenario(int workers, double rho, std::uint64_t jobs)
{
    Scenario s;
    s.workers = workers;
    s.queueCapacity = 1'000'000;
    s.latency = "exp(10ms)";
    s.arrival = ArrivalKind::Poisson;
    s.rate = rho * workers * 100.0;
    s.jobs = jobs;
    s.seed = 7;
    return s;
}

Snapshot run(VirtualEngine& engine)
{
    engine.start();
    if (!engine.waitFinished(60 * kSecond))
        qFatal("virtual run did not finish");
    return engine.snapshot();
}

bool sampleInvariant(const Sample& s)
{
    const Counters& c = s.totals;
    return s.queueDepth >= 0 && s.inFlight >= 0 &&
           c.submitted == c.succeeded + c.failed + c.rejected + c.dropped + c.cancelled +
                              static_cast<std::uint64_t>(s.queueDepth) +
                              static_cast<std::uint64_t>(s.inFlight);
}

// Batch means over the run's samples: the ratio num/den over the whole run and its
// standard error from `batches` equal groups of samples, which absorbs the strong
// correlation between successive waits in a busy queue.
struct Estimate
{
    double value = 0;
    double stderr_ = 0;
};
template <typename Num, typename Den>
Estimate batchRatio(const std::vector<Sample>& samples, int batches, Num num, Den den)
{
    std::vector<double> values;
    double allNum = 0, allDen = 0;
    const std::size_t per = samples.size() / static_cast<std::size_t>(batches);
    for (int b = 0; b < batches; ++b) {
        double n = 0, d = 0;
        for (std::size_t i = b * per; i < (b + 1) * per; ++i) {
            n += num(samples[i]);
            d += den(samples[i]);
        }
        allNum += n;
        allDen += d;
        if (d > 0)
            values.push_back(n / d);
    }
    Estimate e;
    e.value = allNum / allDen;
    double mean = 0;
    for (double v : values)
        mean += v;
    mean /= static_cast<double>(values.size());
    double var = 0;
    for (double v : values)
        var += (v - mean) * (v - mean);
    var /= static_cast<double>(values.size() - 1);
    e.stderr_ = std::sqrt(var / static_cast<double>(values.size()));
    return e;
}

void compareSummaries(const RunSummary& a, const RunSummary& b)
{
    QCOMPARE(a.timeMode, b.timeMode);
    QCOMPARE(a.elapsedS, b.elapsedS);
    QCOMPARE(a.workers, b.workers);
    QCOMPARE(a.queueCapacity, b.queueCapacity);
    QVERIFY(a.overflow == b.overflow);
    QCOMPARE(a.counters.submitted, b.counters.submitted);
    QCOMPARE(a.counters.rejected, b.counters.rejected);
    QCOMPARE(a.counters.refused, b.counters.refused);
    QCOMPARE(a.counters.dropped, b.counters.dropped);
    QCOMPARE(a.counters.succeeded, b.counters.succeeded);
    QCOMPARE(a.counters.failed, b.counters.failed);
    QCOMPARE(a.counters.cancelled, b.counters.cancelled);
    QCOMPARE(a.counters.attempts, b.counters.attempts);
    QCOMPARE(a.counters.retries, b.counters.retries);
    QCOMPARE(a.counters.timedOut, b.counters.timedOut);
    QCOMPARE(a.counters.throttled, b.counters.throttled);
    QCOMPARE(a.queued, b.queued);
    QCOMPARE(a.inFlight, b.inFlight);
    QCOMPARE(a.throughputPerS, b.throughputPerS);
    QCOMPARE(a.utilization, b.utilization);
    for (const auto& [x, y] : {std::pair{&a.wait, &b.wait}, std::pair{&a.service, &b.service},
                               std::pair{&a.total, &b.total}, std::pair{&a.throttle, &b.throttle}}) {
        QCOMPARE(x->count, y->count);
        QCOMPARE(x->mean, y->mean);
        QCOMPARE(x->min, y->min);
        QCOMPARE(x->p50, y->p50);
        QCOMPARE(x->p90, y->p90);
        QCOMPARE(x->p95, y->p95);
        QCOMPARE(x->p99, y->p99);
        QCOMPARE(x->p999, y->p999);
        QCOMPARE(x->max, y->max);
    }
}

} // namespace

class TestVirtualEngine : public QObject
{
    Q_OBJECT

private slots:
    // 10,000 jobs at once, 20 workers, 500 ms each: 500 rounds, exactly 250 s, whatever
    // the queue does with the backlog under block.
    void signupBurst_data()
    {
        QTest::addColumn<int>("overflow");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<Nanos>("runNs");
        QTest::addColumn<quint64>("succeeded");
        QTest::addColumn<quint64>("rejected");
        QTest::addColumn<quint64>("dropped");
        const auto block = int(OverflowPolicy::Block);
        const auto reject = int(OverflowPolicy::Reject);
        const auto drop = int(OverflowPolicy::DropOldest);
        QTest::newRow("block q=100") << block << 100 << 250 * kSecond << quint64(10'000) << quint64(0)
                                     << quint64(0);
        QTest::newRow("block q=0 hand-off")
            << block << 0 << 250 * kSecond << quint64(10'000) << quint64(0) << quint64(0);
        QTest::newRow("block q=10000")
            << block << 10'000 << 250 * kSecond << quint64(10'000) << quint64(0) << quint64(0);
        // 20 start, 100 wait, the rest find the queue full: 6 rounds.
        QTest::newRow("reject q=100")
            << reject << 100 << 3 * kSecond << quint64(120) << quint64(9'880) << quint64(0);
        QTest::newRow("drop-oldest q=100")
            << drop << 100 << 3 * kSecond << quint64(120) << quint64(0) << quint64(9'880);
        // Unbuffered and not waiting: only the 20 idle workers take one each.
        QTest::newRow("reject q=0 hand-off")
            << reject << 0 << 500 * kMilli << quint64(20) << quint64(9'980) << quint64(0);
        QTest::newRow("drop-oldest q=0 hand-off")
            << drop << 0 << 500 * kMilli << quint64(20) << quint64(9'980) << quint64(0);
    }
    void signupBurst()
    {
        QFETCH(int, overflow);
        QFETCH(int, capacity);
        QFETCH(Nanos, runNs);
        QFETCH(quint64, succeeded);
        QFETCH(quint64, rejected);
        QFETCH(quint64, dropped);
        Scenario s = signup();
        s.overflow = static_cast<OverflowPolicy>(overflow);
        s.queueCapacity = capacity;
        VirtualEngine engine(s);
        QElapsedTimer wall;
        wall.start();
        const Snapshot snap = run(engine);
        const qint64 wallMs = wall.elapsed();
        qInfo("virtual signup burst: %.3f s simulated in %lld ms wall", toSeconds(snap.runNs), wallMs);
        QVERIFY(snap.invariantHolds());
        QVERIFY(snap.state == PoolState::Stopped);
        QCOMPARE(snap.runNs, runNs);
        QCOMPARE(snap.elapsedNs, runNs);
        QCOMPARE(snap.counters.submitted, quint64(10'000));
        QCOMPARE(snap.counters.succeeded, succeeded);
        QCOMPARE(snap.counters.rejected, rejected);
        QCOMPARE(snap.counters.dropped, dropped);
        QCOMPARE(snap.counters.attempts, succeeded);
        QCOMPARE(snap.queued, 0);
        QCOMPARE(snap.inFlight, 0);
        QCOMPARE(snap.service.count(), succeeded);
        QCOMPARE(snap.service.min(), 500 * kMilli);
        QCOMPARE(snap.service.max(), 500 * kMilli);
        QCOMPARE(snap.total.max(), runNs); // the last job arrived at 0
        QCOMPARE(snap.busyNs, static_cast<Nanos>(succeeded) * 500 * kMilli);
        QCOMPARE(snap.workerNs, 20 * runNs);
        QCOMPARE(snap.workerCells.slotCount, 20);
        QCOMPARE(snap.workerCells.shown, 0); // every slot retired
        const RunSummary summary = RunSummary::from(snap, "virtual");
        QCOMPARE(summary.timeMode, std::string("virtual"));
        QCOMPARE(summary.elapsedS, toSeconds(runNs));
        if (!kSanitized && capacity == 100 && overflow == int(OverflowPolicy::Block))
            QVERIFY2(wallMs < 1000, "the signup burst should run in well under a second");
    }

    // The accounting invariant in every sample (a snapshot each simulated second) and
    // at the end, across policies, failures, retries, timeouts and a rate limit.
    void invariantEverywhere_data()
    {
        QTest::addColumn<int>("overflow");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<double>("rateLimit");
        for (int o :
             {int(OverflowPolicy::Block), int(OverflowPolicy::Reject), int(OverflowPolicy::DropOldest)})
            for (int cap : {0, 5})
                for (double limit : {0.0, 150.0}) {
                    const QByteArray name = QByteArray(toString(static_cast<OverflowPolicy>(o)).data()) +
                                            " q=" + QByteArray::number(cap) +
                                            " limit=" + QByteArray::number(limit);
                    QTest::newRow(name.constData()) << o << cap << limit;
                }
    }
    void invariantEverywhere()
    {
        QFETCH(int, overflow);
        QFETCH(int, capacity);
        QFETCH(double, rateLimit);
        Scenario s;
        s.workers = 8;
        s.queueCapacity = capacity;
        s.overflow = static_cast<OverflowPolicy>(overflow);
        s.arrival = ArrivalKind::Poisson;
        s.rate = 200;
        s.latency = "lognormal(30ms,0.8)";
        s.failureRate = 0.2;
        s.timeout = 80 * kMilli;
        s.maxAttempts = 3;
        s.backoffBase = 20 * kMilli;
        s.rateLimit = rateLimit;
        s.burst = 5;
        s.jobs = 20'000;
        s.sampleInterval = 100 * kMilli;
        VirtualEngine engine(s);
        const Snapshot end = run(engine);
        std::vector<Sample> samples;
        engine.samples(samples);
        QVERIFY(samples.size() > 100);
        for (const Sample& sample : samples)
            QVERIFY2(sampleInvariant(sample), qPrintable(QStringLiteral("at %1 ns").arg(sample.runNs)));
        QCOMPARE(samples.back().runNs, end.runNs);
        QCOMPARE(samples.back().totals.succeeded, end.counters.succeeded);
        QVERIFY(end.invariantHolds());
        QCOMPARE(end.counters.submitted, quint64(20'000));
        QCOMPARE(end.queued, 0);
        QCOMPARE(end.inFlight, 0);
        QCOMPARE(end.counters.cancelled, quint64(0));
        QVERIFY(end.counters.failed > 0);
        QVERIFY(end.counters.retries > 0);
        QVERIFY(end.counters.timedOut > 0);
        QCOMPARE(end.counters.attempts, end.counters.succeeded + end.counters.failed + end.counters.retries);
        QCOMPARE(end.wait.count(), end.counters.attempts);
        QCOMPARE(end.total.count(), end.counters.succeeded + end.counters.failed);
        if (rateLimit > 0)
            QVERIFY(end.counters.throttled > 0);
        else
            QCOMPARE(end.counters.throttled, quint64(0));
    }

    // Snapshots taken from this thread while the simulation runs flat out.
    void invariantWhileRunning()
    {
        // Each snapshot holds the simulation back while it copies, so a reader that never
        // stops would starve it (under TSan for minutes): take a bounded number.
        const quint64 jobs = kSanitized ? 20'000 : 200'000;
        const int maxSnapshots = kSanitized ? 300 : 20'000;
        Scenario s = signup();
        s.jobs = jobs;
        s.latency = "exp(5ms)";
        s.failureRate = 0.1;
        s.maxAttempts = 2;
        VirtualEngine engine(s);
        engine.start();
        Snapshot snap;
        int taken = 0;
        while (!engine.finished() && taken < maxSnapshots) {
            engine.snapshot(snap);
            QVERIFY(snap.invariantHolds());
            ++taken;
        }
        QVERIFY(taken > 0);
        QVERIFY(engine.waitFinished(120 * kSecond));
        engine.snapshot(snap);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded + snap.counters.failed, jobs);
        qInfo("%d snapshots while running", taken);
    }

    void sameSeedSameRun()
    {
        Scenario s;
        s.workers = 6;
        s.queueCapacity = 10;
        s.overflow = OverflowPolicy::DropOldest;
        s.arrival = ArrivalKind::Poisson;
        s.rate = 180;
        s.latency = "bimodal(20ms,200ms,0.05)";
        s.failureRate = 0.1;
        s.timeout = 150 * kMilli;
        s.maxAttempts = 4;
        s.jitter = Jitter::Decorrelated;
        s.rateLimit = 170;
        s.burst = 3;
        s.jobs = 30'000;
        s.seed = 42;
        s.sampleInterval = 500 * kMilli;
        const auto once = [](const Scenario& sc, std::vector<Sample>& samples) {
            VirtualEngine engine(sc);
            const Snapshot snap = run(engine);
            engine.samples(samples);
            return RunSummary::from(snap, "virtual");
        };
        std::vector<Sample> a, b, c;
        const RunSummary first = once(s, a);
        const RunSummary second = once(s, b);
        compareSummaries(first, second);
        QCOMPARE(a.size(), b.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].runNs, b[i].runNs);
            QCOMPARE(a[i].queueDepth, b[i].queueDepth);
            QCOMPARE(a[i].totals.succeeded, b[i].totals.succeeded);
            QCOMPARE(a[i].wait.p99, b[i].wait.p99);
        }
        s.seed = 43;
        const RunSummary other = once(s, c);
        QVERIFY(other.total.mean != first.total.mean);
    }

    // M/M/c against Erlang C, with a tolerance from the run itself (batch means).
    void mmcAgreesWithErlangC_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<double>("rho");
        QTest::addColumn<quint64>("jobs");
        const quint64 big = kSanitized ? 200'000 : 1'000'000;
        QTest::newRow("M/M/10 rho=0.9") << 10 << 0.9 << big;
        QTest::newRow("M/M/1 rho=0.7") << 1 << 0.7 << quint64(300'000);
        QTest::newRow("M/M/50 rho=0.8") << 50 << 0.8 << quint64(500'000);
    }
    void mmcAgreesWithErlangC()
    {
        QFETCH(int, workers);
        QFETCH(double, rho);
        QFETCH(quint64, jobs);
        const Scenario s = mmcScenario(workers, rho, jobs);
        const TheoryPrediction p = predict(s);
        QVERIFY2(p.applies, p.reason.c_str());
        VirtualEngine engine(s);
        QElapsedTimer wall;
        wall.start();
        const std::clock_t cpu0 = std::clock();
        const Snapshot snap = run(engine);
        const qint64 wallMs = wall.elapsed();
        const double cpuMs = 1000.0 * static_cast<double>(std::clock() - cpu0) / CLOCKS_PER_SEC;
        qInfo("  (process CPU time %.0f ms: %.1f M events per CPU second)", cpuMs,
              static_cast<double>(engine.events()) / cpuMs / 1e3);
        std::vector<Sample> samples;
        engine.samples(samples);
        const Estimate wait = batchRatio(
            samples, 20, [](const Sample& x) { return x.wait.mean * static_cast<double>(x.wait.count); },
            [](const Sample& x) { return static_cast<double>(x.wait.count); });
        const double measured = snap.wait.mean() / 1e9;
        const double predicted = p.metrics.meanWait;
        const double tolerance = 4 * wait.stderr_ / 1e9 + 0.002 * predicted;
        qInfo(
            "M/M/%d rho=%.2f, %llu jobs: %llu events in %lld ms wall (%.1f M events/s); mean wait %.6f s vs "
            "Erlang C %.6f s (%+.2f %%, tolerance %.2f %%)",
            workers, rho, static_cast<unsigned long long>(jobs),
            static_cast<unsigned long long>(engine.events()), wallMs,
            wallMs > 0 ? static_cast<double>(engine.events()) / wallMs / 1e3 : 0.0, measured, predicted,
            100 * (measured - predicted) / predicted, 100 * tolerance / predicted);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded, jobs);
        QVERIFY2(std::abs(measured - predicted) <= tolerance, "mean wait disagrees with Erlang C");
        if (jobs >= 1'000'000)
            QVERIFY(std::abs(measured - predicted) <= 0.05 * predicted);
        const TheoryComparison cmp = compareWithTheory(s, snap, engine.meanInSystem());
        QVERIFY(std::abs(cmp.measuredProbWait - p.metrics.probWait) < 0.02);
        QVERIFY(std::abs(cmp.utilizationError) < 0.02);
        // Little's law holds exactly for a run that ends empty: the area under the
        // in-system count is the sum of the jobs' times in the system.
        QVERIFY2(cmp.little.relativeError < 1e-9, qPrintable(QString::number(cmp.little.relativeError)));
    }

    // The mmc-queue preset (M/M/10, 80/s, exp(100 ms): rho 0.8): the share of jobs that
    // find no idle worker when they arrive is Erlang C's P(wait), 0.409. A long run on
    // a fixed seed; the tolerance is from batch means, since successive arrivals see
    // much the same pool (the binomial standard error is ~5x too small here).
    void mmcQueueProbWaitMatchesErlangC()
    {
        Scenario s;
        s.workers = 10;
        s.queueCapacity = 100'000;
        s.latency = "exp(100ms)";
        s.arrival = ArrivalKind::Poisson;
        s.rate = 80;
        s.jobs = 200'000;
        s.seed = 1;
        const TheoryPrediction p = predict(s);
        QVERIFY(p.applies);
        QVERIFY(std::abs(p.metrics.probWait - 0.4092) < 1e-4);
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        std::vector<Sample> samples;
        engine.samples(samples);
        std::uint64_t busyBefore = 0, acceptedBefore = 0;
        std::vector<Sample> counted = samples; // per-interval counts in wait.count/total.count
        for (Sample& x : counted) {
            const std::uint64_t accepted = x.totals.submitted - x.totals.rejected;
            x.total.count = x.totals.arrivedToBusy - busyBefore;
            x.wait.count = accepted - acceptedBefore;
            busyBefore = x.totals.arrivedToBusy;
            acceptedBefore = accepted;
        }
        const Estimate share = batchRatio(
            counted, 20, [](const Sample& x) { return static_cast<double>(x.total.count); },
            [](const Sample& x) { return static_cast<double>(x.wait.count); });
        const TheoryComparison cmp = compareWithTheory(s, snap);
        QCOMPARE(cmp.measuredProbWait, static_cast<double>(snap.counters.arrivedToBusy) /
                                           static_cast<double>(snap.counters.submitted));
        const double tolerance = 4 * share.stderr_;
        qInfo("mmc-queue, %llu jobs: P(wait) measured %.4f, Erlang C %.4f, tolerance %.4f (batch SE %.4f)",
              static_cast<unsigned long long>(s.jobs), cmp.measuredProbWait, p.metrics.probWait, tolerance,
              share.stderr_);
        QVERIFY(share.stderr_ > 0 && share.stderr_ < 0.01);
        QVERIFY2(std::abs(cmp.measuredProbWait - p.metrics.probWait) <= tolerance,
                 "P(wait) disagrees with Erlang C");
    }

    // Which arrivals found every worker busy, exactly: 2 workers, a burst of 6 long
    // jobs. Under reject only accepted jobs count, and the share is over them. A retry
    // re-entering the queue is not an arrival.
    void arrivalsFindingNoIdleWorker_data()
    {
        QTest::addColumn<int>("overflow");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("maxAttempts");
        QTest::addColumn<quint64>("accepted");
        QTest::addColumn<quint64>("arrivedToBusy");
        QTest::newRow("block") << int(OverflowPolicy::Block) << 100 << 1 << quint64(6) << quint64(4);
        QTest::newRow("reject, queue 2") << int(OverflowPolicy::Reject) << 2 << 1 << quint64(4) << quint64(2);
        QTest::newRow("drop-oldest, queue 1")
            << int(OverflowPolicy::DropOldest) << 1 << 1 << quint64(6) << quint64(4);
        // The producer waits for each hand-off: jobs 4 and 6 come when a worker has just
        // freed up (they count by what they find when submitted, as in real time).
        QTest::newRow("hand-off, block") << int(OverflowPolicy::Block) << 0 << 1 << quint64(6) << quint64(2);
        QTest::newRow("retries are not arrivals")
            << int(OverflowPolicy::Block) << 100 << 3 << quint64(6) << quint64(4);
    }
    void arrivalsFindingNoIdleWorker()
    {
        QFETCH(int, overflow);
        QFETCH(int, capacity);
        QFETCH(int, maxAttempts);
        QFETCH(quint64, accepted);
        QFETCH(quint64, arrivedToBusy);
        Scenario s;
        s.workers = 2;
        s.queueCapacity = capacity;
        s.overflow = static_cast<OverflowPolicy>(overflow);
        s.latency = "200ms";
        s.arrival = ArrivalKind::Burst;
        s.jobs = 6;
        s.maxAttempts = maxAttempts;
        s.failureRate = maxAttempts > 1 ? 1.0 : 0.0;
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.submitted - snap.counters.rejected, accepted);
        QCOMPARE(snap.counters.arrivedToBusy, arrivedToBusy);
        QCOMPARE(snap.counters.arrivedToBusyShare(),
                 static_cast<double>(arrivedToBusy) / static_cast<double>(accepted));
        if (maxAttempts > 1)
            QCOMPARE(snap.counters.retries, quint64(12));
    }

    // M/M/c/K: the share of arrivals turned away under reject.
    void mmckBlocking_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<double>("rho");
        QTest::newRow("M/M/5/10 rho=1.2") << 5 << 5 << 1.2;
        QTest::newRow("M/M/4/4 Erlang B rho=0.8") << 4 << 0 << 0.8;
        QTest::newRow("M/M/10/30 rho=0.9") << 10 << 20 << 0.9;
    }
    void mmckBlocking()
    {
        QFETCH(int, workers);
        QFETCH(int, capacity);
        QFETCH(double, rho);
        Scenario s = mmcScenario(workers, rho, 300'000);
        s.overflow = OverflowPolicy::Reject;
        s.queueCapacity = capacity;
        const TheoryPrediction p = predict(s);
        QVERIFY(p.applies);
        QCOMPARE(QString::fromStdString(p.model), QStringLiteral("M/M/c/K"));
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        std::vector<Sample> samples;
        engine.samples(samples);
        std::uint64_t rejectedBefore = 0, submittedBefore = 0;
        std::vector<Sample> counted = samples; // per-interval counts in wait.count/total.count
        for (Sample& x : counted) {
            x.total.count = x.totals.rejected - rejectedBefore;
            x.wait.count = x.totals.submitted - submittedBefore;
            rejectedBefore = x.totals.rejected;
            submittedBefore = x.totals.submitted;
        }
        const Estimate blocking = batchRatio(
            counted, 20, [](const Sample& x) { return static_cast<double>(x.total.count); },
            [](const Sample& x) { return static_cast<double>(x.wait.count); });
        const TheoryComparison cmp = compareWithTheory(s, snap);
        const double tolerance = 4 * blocking.stderr_ + 1e-3 * p.metrics.blocking;
        qInfo("blocking %.5f vs M/M/c/K %.5f (tolerance %.5f)", cmp.measuredBlocking, p.metrics.blocking,
              tolerance);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.submitted, quint64(300'000));
        QVERIFY(std::abs(cmp.measuredBlocking - p.metrics.blocking) <= tolerance);
        QVERIFY(std::abs(cmp.measuredMeanWait - p.metrics.meanWait) <= 0.05 * p.metrics.meanWait + 1e-6);
    }

    // One job failing every attempt: 10 ms tries, backoff 100 ms then 200 ms (no jitter).
    void retriesThroughDelayQueue()
    {
        Scenario s;
        s.workers = 1;
        s.jobs = 1;
        s.latency = "10ms";
        s.failureRate = 1.0;
        s.maxAttempts = 3;
        s.backoffBase = 100 * kMilli;
        s.jitter = Jitter::None;
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.attempts, quint64(3));
        QCOMPARE(snap.counters.retries, quint64(2));
        QCOMPARE(snap.counters.failed, quint64(1));
        QCOMPARE(snap.runNs, 330 * kMilli);
        QCOMPARE(snap.total.max(), 330 * kMilli);
        QCOMPARE(snap.wait.max(), Nanos{0}); // a retry's wait counts from its re-queue
        QCOMPARE(snap.busyNs, 30 * kMilli);
    }

    void timeoutsCutAttempts()
    {
        Scenario s;
        s.workers = 2;
        s.jobs = 10;
        s.latency = "50ms";
        s.timeout = 20 * kMilli;
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.timedOut, quint64(10));
        QCOMPARE(snap.counters.failed, quint64(10));
        QCOMPARE(snap.service.max(), 20 * kMilli);
        QCOMPARE(snap.runNs, 100 * kMilli);
    }

    // A token bucket of 10/s, burst 1: starts at 0, 0.1, ..., 1.9 s.
    void rateLimitSpacesStarts()
    {
        Scenario s;
        s.workers = 20;
        s.jobs = 20;
        s.latency = "0ms";
        s.rateLimit = 10;
        s.burst = 1;
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.throttled, quint64(19));
        QCOMPARE(snap.throttle.count(), quint64(19));
        QCOMPARE(snap.throttle.max(), 1900 * kMilli);
        QCOMPARE(snap.runNs, 1900 * kMilli);
        // 20 workers took the 20 jobs at once: no queue wait. The token wait is its own
        // measure, and total latency (planned arrival to outcome) includes it.
        QCOMPARE(snap.wait.count(), quint64(20));
        QCOMPARE(snap.wait.max(), Nanos{0});
        QCOMPARE(snap.total.max(), 1900 * kMilli);
        QCOMPARE(snap.total.mean(), snap.throttle.mean() * 19 / 20);
    }

    // Closed model: each client sends its next job when the last one is done.
    void closedModel_data()
    {
        QTest::addColumn<int>("clients");
        QTest::addColumn<int>("workers");
        QTest::addColumn<Nanos>("think");
        QTest::addColumn<Nanos>("runNs");
        QTest::newRow("5 clients 5 workers") << 5 << 5 << Nanos{0} << 2 * kSecond;
        QTest::newRow("4 clients 2 workers") << 4 << 2 << Nanos{0} << 5 * kSecond;
        QTest::newRow("5 clients, 100 ms think") << 5 << 5 << 100 * kMilli << 3900 * kMilli;
    }
    void closedModel()
    {
        QFETCH(int, clients);
        QFETCH(int, workers);
        QFETCH(Nanos, think);
        QFETCH(Nanos, runNs);
        Scenario s;
        s.arrival = ArrivalKind::Closed;
        s.clients = clients;
        s.thinkTime = think;
        s.workers = workers;
        s.latency = "100ms";
        s.jobs = 100;
        VirtualEngine engine(s);
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.submitted, quint64(100));
        QCOMPARE(snap.counters.succeeded, quint64(100));
        QCOMPARE(snap.runNs, runNs);
    }

    // Live changes at a simulated instant: the signup burst gets 40 workers (or 10) at 100 s.
    void liveWorkerChange_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<Nanos>("runNs");
        QTest::newRow("grow to 40") << 40 << 175 * kSecond;
        QTest::newRow("shrink to 10") << 10 << 400 * kSecond;
    }
    void liveWorkerChange()
    {
        QFETCH(int, workers);
        QFETCH(Nanos, runNs);
        const Scenario s = signup();
        Scenario changed = s;
        changed.workers = workers;
        VirtualEngine engine(s);
        engine.applyAt(100 * kSecond, changed);
        const Snapshot snap = run(engine);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded, quint64(10'000));
        QCOMPARE(snap.runNs, runNs);
        QCOMPARE(snap.workers, workers);
        QCOMPARE(snap.workerNs, 20 * 100 * kSecond + workers * (runNs - 100 * kSecond));
        QCOMPARE(snap.workerCells.slotCount, std::max(20, workers));
    }

    // A shrink mid-job: the 15 workers above the new count finish their job first (until
    // 100.5 s), and that time counts as available, so utilization stays exactly 1.
    void shrinkMidJobKeepsUtilizationAtMostOne()
    {
        const Scenario s = signup();
        Scenario changed = s;
        changed.workers = 5;
        VirtualEngine engine(s);
        engine.applyAt(100 * kSecond + 250 * kMilli, changed);
        engine.start();
        Snapshot snap;
        // Snapshots on the way too, not only the last; a bounded number, as each one
        // holds the simulation back while it copies (an endless reader starves it).
        const int maxSnapshots = kSanitized ? 300 : 20'000;
        for (int taken = 0; taken < maxSnapshots && !engine.finished(); ++taken) {
            engine.snapshot(snap);
            QVERIFY2(snap.busyNs <= snap.workerNs,
                     qPrintable(QStringLiteral("busy %1 > available %2 at %3 ns")
                                    .arg(snap.busyNs)
                                    .arg(snap.workerNs)
                                    .arg(snap.runNs)));
            std::this_thread::yield();
        }
        QVERIFY(engine.waitFinished(120 * kSecond));
        engine.snapshot(snap);
        // 201 rounds of 20 by 100.5 s, then 5,980 jobs on 5 workers: 598 s more.
        const Nanos end = 100 * kSecond + 500 * kMilli + 598 * kSecond;
        QCOMPARE(snap.runNs, end);
        QCOMPARE(snap.workerNs, 20 * (100 * kSecond + 500 * kMilli) + 5 * 598 * kSecond);
        QCOMPARE(snap.busyNs, snap.workerNs);
        QCOMPARE(snap.utilization(), 1.0);
    }

    // A live change of the latency and the queue applies to attempts that start after it.
    void liveLatencyAndQueueChange()
    {
        Scenario s = signup();
        s.jobs = 1'000;
        Scenario changed = s;
        changed.latency = "250ms";
        changed.queueCapacity = 0;
        VirtualEngine engine(s);
        engine.applyAt(5 * kSecond, changed); // 10 rounds of 20 done by then
        const Snapshot snap = run(engine);
        QCOMPARE(snap.counters.succeeded, quint64(1'000));
        QCOMPARE(snap.runNs, 5 * kSecond + 40 * 250 * kMilli);
        QCOMPARE(snap.queueCapacity, 0);
    }

    void paceFollowsWallClock()
    {
        Scenario s = signup();
        s.jobs = 400; // 20 rounds: 10 s simulated
        VirtualEngine engine(s);
        engine.setPace(100); // 0.1 s of wall time
        QCOMPARE(engine.pace(), 100.0);
        QElapsedTimer wall;
        wall.start();
        engine.start();
        Snapshot mid;
        QTRY_VERIFY_WITH_TIMEOUT((engine.snapshot(mid), mid.runNs > 0 && mid.state == PoolState::Running),
                                 5000);
        QVERIFY(mid.runNs < 10 * kSecond);
        QVERIFY(mid.invariantHolds());
        QVERIFY(engine.waitFinished(10 * kSecond));
        QVERIFY2(wall.elapsed() >= 90, qPrintable(QString::number(wall.elapsed())));
        QCOMPARE(engine.snapshot().runNs, 10 * kSecond);
    }

    void pauseFreezesTime()
    {
        Scenario s = signup();
        VirtualEngine engine(s);
        engine.setPace(10);
        engine.start();
        Snapshot a;
        QTRY_VERIFY_WITH_TIMEOUT((engine.snapshot(a), a.runNs > 0), 5000);
        engine.pause();
        engine.snapshot(a);
        QVERIFY(a.state == PoolState::Paused);
        const Nanos frozen = a.runNs;
        QVERIFY(!engine.waitFinished(20 * kMilli)); // a bounded wait, not for synchronisation
        QCOMPARE(engine.snapshot().runNs, frozen);
        engine.resume();
        engine.setPace(0);
        QVERIFY(engine.waitFinished(10 * kSecond));
        QCOMPARE(engine.snapshot().runNs, 250 * kSecond);
    }

    void cancelEndsEverything()
    {
        Scenario s = signup();
        s.failureRate = 0.3;
        s.maxAttempts = 5;
        VirtualEngine engine(s);
        engine.setPace(10);
        engine.start();
        Snapshot a;
        QTRY_VERIFY_WITH_TIMEOUT((engine.snapshot(a), a.counters.succeeded > 0), 5000);
        engine.cancel();
        QVERIFY(engine.waitFinished(5 * kSecond));
        const Snapshot end = engine.snapshot();
        QVERIFY(end.invariantHolds());
        QVERIFY(end.state == PoolState::Stopped);
        QCOMPARE(end.queued, 0);
        QCOMPARE(end.inFlight, 0);
        QVERIFY(end.counters.cancelled >= 20); // at least the running ones and the queue
        QVERIFY(end.counters.submitted < 10'000);
    }

    void drainFinishesAccepted()
    {
        Scenario s = signup();
        VirtualEngine engine(s);
        Scenario stop = s;
        engine.setPace(1000);
        engine.start();
        Snapshot a;
        QTRY_VERIFY_WITH_TIMEOUT((engine.snapshot(a), a.counters.succeeded > 0), 5000);
        engine.drain();
        QVERIFY(engine.waitFinished(10 * kSecond));
        const Snapshot end = engine.snapshot();
        QVERIFY(end.invariantHolds());
        QCOMPARE(end.counters.cancelled, quint64(0));
        QCOMPARE(end.queued, 0);
        QCOMPARE(end.inFlight, 0);
        QCOMPARE(end.counters.succeeded + end.counters.rejected, end.counters.submitted);
    }

    // 100,000 workers: an event heap, not threads.
    void hundredThousandWorkers()
    {
        const std::uint64_t jobs = kSanitized ? 450'000 : 1'000'000;
        Scenario s;
        s.workers = 100'000;
        s.queueCapacity = 100'000;
        s.latency = "exp(1s)";
        s.arrival = ArrivalKind::Poisson;
        s.rate = 95'000;
        s.jobs = jobs;
        VirtualEngine engine(s);
        QElapsedTimer wall;
        wall.start();
        const Snapshot snap = run(engine);
        const qint64 ms = wall.elapsed();
        qInfo("100k workers, %llu jobs: %llu events in %lld ms (%.1f M events/s)",
              static_cast<unsigned long long>(jobs), static_cast<unsigned long long>(engine.events()), ms,
              ms > 0 ? static_cast<double>(engine.events()) / ms / 1e3 : 0.0);
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.counters.succeeded, jobs);
        QCOMPARE(snap.workerCells.slotCount, 100'000);
        QCOMPARE(snap.busyNs, static_cast<Nanos>(snap.service.sum()));
        // With 100,000 workers for 95,000 jobs/s of 1 s each nobody waits: the pool is an
        // M/M/infinity system, busy fraction 0.95 * (1 - e^(-t/1s)) while arrivals last.
        // Averaged over each sample's interval, that is what the samples must show.
        const Nanos lastArrival = static_cast<Nanos>(static_cast<double>(jobs) / s.rate * 1e9);
        std::vector<Sample> samples;
        engine.samples(samples);
        double busy = 0;
        double expected = 0;
        int counted = 0;
        for (const Sample& x : samples) {
            const double b = toSeconds(x.runNs);
            const double a = b - toSeconds(x.intervalNs);
            if (a < 1.0 || x.runNs > lastArrival || x.intervalNs <= 0)
                continue;
            busy += x.utilization;
            expected += 0.95 * (1 - (std::exp(-a) - std::exp(-b)) / (b - a));
            ++counted;
        }
        QVERIFY(counted > 0);
        QVERIFY2(std::abs(busy - expected) / counted < 0.01,
                 qPrintable(QStringLiteral("%1 vs %2").arg(busy / counted).arg(expected / counted)));
    }

    void makeVirtualEngineIsVirtual()
    {
        const std::unique_ptr<Engine> engine = makeVirtualEngine(signup());
        QCOMPARE(engine->timeMode(), TimeMode::Virtual);
        QCOMPARE(engine->scenario().jobs, quint64(10'000));
        QVERIFY(engine->waitFinished());
        QVERIFY(engine->finished());
        Snapshot snap;
        engine->snapshot(snap);
        QCOMPARE(snap.runNs, 250 * kSecond);
    }
};

QTEST_GUILESS_MAIN(TestVirtualEngine)
#include "tst_virtual_engine.moc"
