// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/experiment.h"

#include "core/scenario_fields.h"
#include "core/virtual_engine.h"

#include <QTest>

#include <atomic>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <vector>

using namespace poollab;

namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

// Poisson arrivals, exponential service: M/M/c with an unbounded queue.
Scenario mmc(int workers, double rate, const char* latency, std::uint64_t jobs, std::uint64_t seed = 1)
{
    Scenario s;
    s.workers = workers;
    s.queueCapacity = 1'000'000;
    s.latency = latency;
    s.arrival = ArrivalKind::Poisson;
    s.rate = rate;
    s.jobs = jobs;
    s.seed = seed;
    s.timeMode = TimeMode::Virtual;
    return s;
}

std::size_t measureIndex(const char* key)
{
    const ExperimentMeasure* m = findExperimentMeasure(key);
    if (!m)
        qFatal("no measure %s", key);
    return static_cast<std::size_t>(m - experimentMeasures().data());
}

double binomialPmf(int n, int k, double p)
{
    return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) + k * std::log(p) +
                    (n - k) * std::log1p(-p));
}

// The counts a Binomial(n, p) lands in with probability >= 99.9 %: at most 0.05 %
// cut from each tail.
std::pair<int, int> acceptance999(int n, double p)
{
    int lo = 0;
    for (double tail = 0; lo <= n && tail + binomialPmf(n, lo, p) <= 0.0005; ++lo)
        tail += binomialPmf(n, lo, p);
    int hi = n;
    for (double tail = 0; hi >= 0 && tail + binomialPmf(n, hi, p) <= 0.0005; --hi)
        tail += binomialPmf(n, hi, p);
    return {lo, hi};
}

} // namespace

class TestExperiment : public QObject
{
    Q_OBJECT

private slots:
    void studentT_data()
    {
        QTest::addColumn<int>("df");
        QTest::addColumn<double>("expected"); // tables of t(0.975, df)
        QTest::newRow("1") << 1 << 12.7062047;
        QTest::newRow("2") << 2 << 4.3026527;
        QTest::newRow("4") << 4 << 2.7764451;
        QTest::newRow("9") << 9 << 2.2621572;
        QTest::newRow("29") << 29 << 2.0452296;
        QTest::newRow("999") << 999 << 1.9623415;
    }
    void studentT()
    {
        QFETCH(int, df);
        QFETCH(double, expected);
        QCOMPARE_LT(std::abs(studentT975(df) - expected), 1e-6);
    }

    void estimateIsStudentT()
    {
        const std::vector<double> values{1, 2, 3, 4, 5};
        const Estimate e = estimate(values);
        QCOMPARE(e.mean, 3.0);
        // s = sqrt(2.5), standard error s / sqrt(5), t(0.975, 4) = 2.7764451.
        const double half = 2.7764451 * std::sqrt(2.5 / 5);
        QCOMPARE_LT(std::abs(e.ci95.low - (3 - half)), 1e-6);
        QCOMPARE_LT(std::abs(e.ci95.high - (3 + half)), 1e-6);
        const std::vector<double> one{7};
        QCOMPARE(estimate(one).ci95.low, 7.0);
        QCOMPARE(estimate(one).ci95.high, 7.0);
    }

    void parseTargetAccepts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("measure");
        QTest::addColumn<bool>("below");
        QTest::addColumn<double>("limit");
        QTest::newRow("ms") << "wait.mean<100ms"
                            << "wait.mean" << true << 100.0;
        QTest::newRow("s into ms") << "total.p99<2s"
                                   << "total.p99" << true << 2000.0;
        QTest::newRow("us") << "wait.p95 < 250us"
                            << "wait.p95" << true << 0.25;
        QTest::newRow("percent") << "loss<1%"
                                 << "loss" << true << 0.01;
        QTest::newRow("share") << "utilization>0.8"
                               << "utilization" << false << 0.8;
        QTest::newRow("seconds measure") << "elapsed<2m"
                                         << "elapsed" << true << 120.0;
        QTest::newRow("rate") << "throughput>95/s"
                              << "throughput" << false << 95.0;
        QTest::newRow("<= as <") << "wait.mean<=1s"
                                 << "wait.mean" << true << 1000.0;
        // Spaces around the operator and before the unit, the same for every kind.
        QTest::newRow("spaced time") << "wait.mean < 100 ms"
                                     << "wait.mean" << true << 100.0;
        QTest::newRow("spaced seconds") << "elapsed < 2 m"
                                        << "elapsed" << true << 120.0;
        QTest::newRow("spaced percent") << "utilization > 80 %"
                                        << "utilization" << false << 0.8;
        QTest::newRow("spaced rate") << "throughput > 95 /s"
                                     << "throughput" << false << 95.0;
        QTest::newRow("spaced <=") << "wait.p99 <= 1 s"
                                   << "wait.p99" << true << 1000.0;
    }
    void parseTargetAccepts()
    {
        QFETCH(QString, text);
        QFETCH(QString, measure);
        QFETCH(bool, below);
        QFETCH(double, limit);
        Target t;
        std::string error;
        QVERIFY2(parseTarget(text.toStdString(), t, error), error.c_str());
        QCOMPARE(QString::fromLatin1(t.measure->key), measure);
        QCOMPARE(t.below, below);
        QCOMPARE(t.limit, limit);
    }

    void parseTargetRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("names"); // the message must contain this
        QTest::newRow("no operator") << "wait.mean=100ms"
                                     << "MEASURE<VALUE";
        QTest::newRow("unknown measure") << "wait.avg<100ms"
                                         << "unknown measure 'wait.avg'; allowed: wait.mean";
        QTest::newRow("time without unit") << "wait.mean<100"
                                           << "needs a unit";
        QTest::newRow("share over 100%") << "loss<150%"
                                         << "allowed: 0% to 100%";
        QTest::newRow("share with ms") << "loss<5ms"
                                       << "loss is a share";
        QTest::newRow("no value") << "total.p99<"
                                  << "has no value";
        QTest::newRow("not a number") << "wait.mean<fast"
                                      << "'fast' is not a number";
        QTest::newRow("negative") << "wait.mean<-5ms"
                                  << "is not a number";
        QTest::newRow("rate unit") << "throughput>5ms"
                                   << "must be a plain number or end in /s";
    }
    void parseTargetRefuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, names);
        Target t;
        std::string error;
        QVERIFY(!parseTarget(text.toStdString(), t, error));
        QVERIFY2(QString::fromStdString(error).contains(names), error.c_str());
    }

    void parseSweepAccepts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QList<double>>("values");
        QTest::newRow("range") << "workers=1:5:2"
                               << "workers" << QList<double>{1, 3, 5};
        QTest::newRow("list sorted") << "workers=16,4,8"
                                     << "workers" << QList<double>{4, 8, 16};
        QTest::newRow("number range") << "rate=0.1:0.3:0.1"
                                      << "rate" << QList<double>{0.1, 0.2, 0.3};
        QTest::newRow("flag spelling") << "queue-capacity=0,10"
                                       << "queue_capacity" << QList<double>{0, 10};
        QTest::newRow("duration in s") << "timeout=500ms:1.5s:500ms"
                                       << "timeout" << QList<double>{0.5, 1, 1.5};
        QTest::newRow("one value") << "failure_rate=0.5"
                                   << "failure_rate" << QList<double>{0.5};
    }
    void parseSweepAccepts()
    {
        QFETCH(QString, text);
        QFETCH(QString, field);
        QFETCH(QList<double>, values);
        Sweep sweep;
        std::string error;
        QVERIFY2(parseSweep(text.toStdString(), sweep, error), error.c_str());
        QCOMPARE(QString::fromLatin1(sweep.field->key), field);
        QCOMPARE(QList<double>(sweep.values.begin(), sweep.values.end()), values);
    }

    void parseSweepRefuses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("names");
        QTest::newRow("no =") << "workers"
                              << "FIELD=FROM:TO:STEP";
        QTest::newRow("unknown field") << "wrokers=1:4:1"
                                       << "unknown field 'wrokers'; allowed: workers,";
        QTest::newRow("not numeric") << "overflow=block,reject"
                                     << "'overflow' is not a numeric field";
        QTest::newRow("seed") << "seed=1:5:1"
                              << "seed cannot be swept";
        QTest::newRow("below range") << "workers=0:4:1"
                                     << "workers: 0 is out of range; allowed: 1 to 100000";
        QTest::newRow("above range") << "failure_rate=0.5,2"
                                     << "failure_rate: 2 is out of range; allowed: 0 to 1";
        QTest::newRow("rate gap") << "rate=0.0001,1"
                                  << "allowed: 0 or 0.001 to 1000000 jobs/s";
        QTest::newRow("not whole") << "workers=1.5,2"
                                   << "'1.5' is not a whole number";
        QTest::newRow("duration unit") << "timeout=5,10"
                                       << "'5' is not a duration";
        QTest::newRow("zero step") << "workers=1:4:0"
                                   << "the step '0' must be above 0";
        QTest::newRow("falling") << "workers=8:4:1"
                                 << "FROM '8' is above TO '4'";
        QTest::newRow("too many") << "workers=1:5000:1"
                                  << "makes 5000 points; allowed: at most 1000";
        QTest::newRow("two colons") << "workers=1:4"
                                    << "is not FROM:TO:STEP";
        QTest::newRow("empty item") << "workers=1,,4"
                                    << "has an empty value";
        QTest::newRow("twice") << "workers=4,4"
                               << "workers: 4 is given twice";
    }
    void parseSweepRefuses()
    {
        QFETCH(QString, text);
        QFETCH(QString, names);
        Sweep sweep;
        std::string error;
        QVERIFY(!parseSweep(text.toStdString(), sweep, error));
        QVERIFY2(QString::fromStdString(error).contains(names), error.c_str());
    }

    // Constant arrivals every 10 ms from t = 0, 5 ms of service: after a 5 s warm-up,
    // the jobs planned at 5.00 s and later (500 of them) are the only ones observed,
    // and the rates cover 5 s to the last completion at 9.995 s exactly.
    void warmupTrimsObservationsAndRates()
    {
        Scenario s;
        s.workers = 4;
        s.latency = "5ms";
        s.arrival = ArrivalKind::Constant;
        s.rate = 100;
        s.jobs = 1000;
        VirtualEngine engine(s);
        engine.setWarmup(5 * kSecond);
        engine.start();
        QVERIFY(engine.waitFinished(60 * kSecond));
        const Snapshot snap = engine.snapshot();
        QCOMPARE(snap.counters.submitted, 1000u);
        QCOMPARE(snap.wait.count(), 500u);
        QCOMPARE(snap.service.count(), 500u);
        QCOMPARE(snap.total.count(), 500u);
        const WarmupMark mark = engine.warmupMark();
        QVERIFY(mark.reached);
        QCOMPARE(mark.atNs, 5 * kSecond);
        QCOMPARE(mark.counters.succeeded, 500u);
        RunSummary r = RunSummary::from(snap, "virtual");
        applyWarmup(r, snap, mark);
        QCOMPARE(r.warmupS, 5.0);
        QCOMPARE(r.throughputPerS, 500 / 4.995);
        QCOMPARE(r.utilization, 500 * 0.005 / (4 * 4.995));
        QCOMPARE(r.counters.succeeded, 1000u); // counts stay whole-run
    }

    void warmupZeroChangesNothing()
    {
        const Scenario s = mmc(3, 20, "exp(100ms)", 2000, 5);
        VirtualEngine plain(s);
        plain.start();
        QVERIFY(plain.waitFinished(60 * kSecond));
        VirtualEngine zero(s);
        zero.setWarmup(0);
        zero.start();
        QVERIFY(zero.waitFinished(60 * kSecond));
        const Snapshot a = plain.snapshot();
        const Snapshot b = zero.snapshot();
        QCOMPARE(a.wait.sum(), b.wait.sum());
        QCOMPARE(a.total.buckets(), b.total.buckets());
        QCOMPARE(a.busyNs, b.busyNs);
        QVERIFY(!zero.warmupMark().reached);
    }

    void deterministicWhateverTheThreads()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(2, 15, "exp(100ms)", 3000, 11);
        spec.replications = 6;
        spec.warmup = 10 * kSecond;
        std::string error;
        Sweep sweep;
        QVERIFY(parseSweep("workers=2:4:1", sweep, error));
        spec.sweep = sweep;
        spec.threads = 1;
        const ExperimentResult one = runExperiment(spec);
        spec.threads = 2;
        const ExperimentResult two = runExperiment(spec);
        QCOMPARE(one.points.size(), 3u);
        QCOMPARE(two.points.size(), 3u);
        for (std::size_t p = 0; p < 3; ++p) {
            QCOMPARE(one.points[p].value, two.points[p].value);
            for (std::size_t r = 0; r < 6; ++r) {
                QCOMPARE(one.points[p].runs[r].wait.mean, two.points[p].runs[r].wait.mean);
                QCOMPARE(one.points[p].runs[r].total.p99, two.points[p].runs[r].total.p99);
                QCOMPARE(one.points[p].runs[r].utilization, two.points[p].runs[r].utilization);
            }
            for (std::size_t m = 0; m < experimentMeasures().size(); ++m) {
                QCOMPARE(one.points[p].estimates[m].mean, two.points[p].estimates[m].mean);
                QCOMPARE(one.points[p].estimates[m].ci95.high, two.points[p].estimates[m].ci95.high);
            }
        }
    }

    // Common random numbers: the same seeds at every point, so a field that does not
    // touch arrivals (workers) leaves each replication's arrivals as they were.
    void commonSeedsAcrossPoints()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(2, 15, "exp(100ms)", 0, 40);
        spec.scenario.duration = 120 * kSecond; // a time limit: the arrival count is random
        spec.replications = 5;
        Sweep sweep;
        std::string error;
        QVERIFY(parseSweep("workers=2,3,6", sweep, error));
        spec.sweep = sweep;
        const ExperimentResult result = runExperiment(spec);
        QCOMPARE(result.points.size(), 3u);
        const std::vector<std::uint64_t> seeds{40, 41, 42, 43, 44};
        std::vector<std::uint64_t> arrivals;
        for (const RunSummary& r : result.points[0].runs)
            arrivals.push_back(r.counters.submitted);
        QVERIFY(arrivals[0] != arrivals[1]); // the seeds differ, so do the counts
        for (const ExperimentPoint& p : result.points) {
            QCOMPARE(p.seeds, seeds);
            QCOMPARE(p.scenario.workers, static_cast<int>(p.value));
            for (std::size_t r = 0; r < arrivals.size(); ++r)
                QCOMPARE(p.runs[r].counters.submitted, arrivals[r]);
        }
        // More workers, less wait, in every replication: the differences are not noise.
        for (std::size_t r = 0; r < arrivals.size(); ++r)
            QCOMPARE_GT(result.points[0].runs[r].wait.mean, result.points[1].runs[r].wait.mean);
    }

    // Poisson 10/s, exp(1s): Erlang C's mean wait is 95.1 ms at c = 13 and 43.5 ms at
    // c = 14, so the smallest pool under 60 ms is 14, and the sweep must say so.
    void sizingAnswerMatchesErlangC()
    {
        constexpr double kThresholdMs = 60;
        int theoryAnswer = 0;
        for (int c = 11; c <= 20 && theoryAnswer == 0; ++c) {
            if (mmc(10, 1, c).meanWait * 1000 < kThresholdMs)
                theoryAnswer = c;
        }
        QCOMPARE(theoryAnswer, 14);
        ExperimentSpec spec;
        // Under a sanitizer (10-50x slower) 5,000 jobs a replication; the answer is the
        // same (c = 13's interval stays above 60 ms, c = 14's below).
        spec.scenario = mmc(11, 10, "exp(1s)", kSanitized ? 5'000 : 20'000, 1);
        spec.replications = 10;
        spec.warmup = 100 * kSecond;
        Sweep sweep;
        Target target;
        std::string error;
        QVERIFY(parseSweep("workers=11:20:1", sweep, error));
        QVERIFY(parseTarget("wait.mean<60ms", target, error));
        spec.sweep = sweep;
        spec.target = target;
        const ExperimentResult result = runExperiment(spec);
        QVERIFY(result.answer.has_value());
        const ExperimentPoint& answer = result.points[*result.answer];
        QCOMPARE(answer.value, static_cast<double>(theoryAnswer));
        const std::size_t wait = measureIndex("wait.mean");
        qInfo("answer c = %g: mean wait %.1f ms [%.1f, %.1f], Erlang C %.1f ms", answer.value,
              answer.estimates[wait].mean, answer.estimates[wait].ci95.low, answer.estimates[wait].ci95.high,
              answer.theory.metrics.meanWait * 1000);
        QVERIFY(answer.theory.applies);
        QVERIFY(*experimentMeasures()[wait].predicted(answer.theory.metrics) < kThresholdMs);
    }

    void noPointMeetsTheTarget()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(1, 5, "exp(100ms)", 500, 1);
        spec.replications = 3;
        Sweep sweep;
        Target target;
        std::string error;
        QVERIFY(parseSweep("workers=1,2", sweep, error));
        QVERIFY(parseTarget("wait.mean<1us", target, error));
        spec.sweep = sweep;
        spec.target = target;
        const ExperimentResult result = runExperiment(spec);
        QCOMPARE(result.points.size(), 2u);
        QVERIFY(!result.answer.has_value());
        QVERIFY(!result.cancelled);
    }

    // A burst: every job arrives in the first ~50 ms and the run drains for ~50 s, so a
    // 1 s warm-up leaves no latency to measure. Such a point has no estimate and meets
    // no target (it was once "0 ms [0, 0]", the answer to any '<' target).
    void aPointThatObservedNothingHasNoEstimate_data()
    {
        QTest::addColumn<qint64>("warmupS");
        QTest::addColumn<QString>("cause");
        QTest::newRow("burst") << qint64{1} << "in 4 every arrival was before the warm-up";
        QTest::newRow("short run") << qint64{3600} << "in 4 the run ended before the warm-up";
    }
    void aPointThatObservedNothingHasNoEstimate()
    {
        QFETCH(qint64, warmupS);
        QFETCH(QString, cause);
        ExperimentSpec spec;
        spec.scenario = mmc(1, 1000, "exp(1s)", 50, 1);
        spec.replications = 2;
        spec.warmup = warmupS * kSecond;
        Sweep sweep;
        Target target;
        std::string error;
        QVERIFY(parseSweep("workers=1,2", sweep, error));
        QVERIFY(parseTarget("wait.p99<1s", target, error));
        spec.sweep = sweep;
        spec.target = target;
        const ExperimentResult result = runExperiment(spec);
        QCOMPARE(result.points.size(), 2u);
        QVERIFY(!result.answer.has_value());
        for (const ExperimentPoint& p : result.points) {
            for (const char* key :
                 {"wait.mean", "wait.p99", "total.mean", "service.mean", "loss", "wait.prob"}) {
                const Estimate& e = p.estimates[measureIndex(key)];
                QVERIFY2(!e.known(), key);
                QCOMPARE(e.unobserved, 2);
                QVERIFY(std::isnan(e.mean) && std::isnan(e.ci95.low) && std::isnan(e.ci95.high));
                QCOMPARE(e.observed, 0);
            }
            // The summary means too: no replication observed a latency, so none is 0.
            QCOMPARE(p.observed.wait, 0);
            QVERIFY(std::isnan(p.mean.wait.mean) && std::isnan(p.mean.total.p99));
            QCOMPARE(p.observed.arrivals, 0);
            QVERIFY(std::isnan(p.mean.lossFraction));
            // The run time is always observed; the rates are when the window after the
            // warm-up is not empty (jobs finish in it, with no arrival).
            QVERIFY(p.estimates[measureIndex("elapsed")].known());
            QCOMPARE(p.estimates[measureIndex("throughput")].known(), warmupS == 1);
        }
        const std::string warning = unobservedWarning(spec, result);
        QVERIFY2(QString::fromStdString(warning).startsWith(
                     QStringLiteral(
                         "4 of 4 replications observed nothing after the warm-up (%1) at workers 1, 2: ")
                         .arg(warmupS == 1 ? QStringLiteral("1s") : QStringLiteral("1h"))),
                 warning.c_str());
        QVERIFY2(QString::fromStdString(warning).contains(cause), warning.c_str());
        // Without a warm-up every replication observes every measure: no warning.
        spec.warmup = 0;
        const ExperimentResult whole = runExperiment(spec);
        QVERIFY(whole.points[0].estimates[measureIndex("wait.p99")].known());
        QVERIFY(unobservedWarning(spec, whole).empty());
    }

    // Two jobs at Poisson 1/s and a 1.5 s warm-up: some seeds have both arrivals before
    // it (no latency observed), others do not. A mean is over the replications that
    // observed the measure, never with a 0 for those that did not; the summary means
    // (the JSON's usual keys) are the same numbers; the interval needs every replication.
    void meansAreOverTheReplicationsThatObserved()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(1, 1, "exp(1s)", 2);
        spec.replications = 12;
        spec.warmup = 1500 * kMilli;
        const ExperimentResult result = runExperiment(spec);
        QCOMPARE(result.points.size(), 1u);
        const ExperimentPoint& p = result.points.front();
        const auto measures = experimentMeasures();
        for (std::size_t i = 0; i < measures.size(); ++i) {
            const ExperimentMeasure& m = measures[i];
            double sum = 0;
            int seen = 0;
            for (const RunSummary& r : p.runs) {
                if (m.observed(r)) {
                    sum += m.measured(r);
                    ++seen;
                }
            }
            const Estimate& e = p.estimates[i];
            QCOMPARE(e.observed, seen);
            QCOMPARE(e.unobserved, 12 - seen);
            if (seen > 0)
                QCOMPARE(e.mean, sum / seen);
            else
                QVERIFY(std::isnan(e.mean));
            QCOMPARE(e.known(), seen == 12);
            if (seen < 12)
                QVERIFY2(std::isnan(e.ci95.low) && std::isnan(e.ci95.high), m.key);
        }
        // The case this test is about: some replications observed the wait, not all.
        const Estimate& wait = p.estimates[measureIndex("wait.mean")];
        QVERIFY2(wait.observed > 0 && wait.observed < 12, qPrintable(QString::number(wait.observed)));
        QCOMPARE(p.observed.wait, wait.observed);
        QCOMPARE(p.mean.wait.mean, wait.mean);
        QCOMPARE(p.mean.wait.p99, p.estimates[measureIndex("wait.p99")].mean);
        QCOMPARE(p.observed.total, p.estimates[measureIndex("total.mean")].observed);
        QCOMPARE(p.mean.total.mean, p.estimates[measureIndex("total.mean")].mean);
        QCOMPARE(p.observed.service, p.estimates[measureIndex("service.mean")].observed);
        QCOMPARE(p.mean.service.mean, p.estimates[measureIndex("service.mean")].mean);
        QCOMPARE(p.observed.window, p.estimates[measureIndex("throughput")].observed);
        QCOMPARE(p.mean.throughputPerS, p.estimates[measureIndex("throughput")].mean);
        QCOMPARE(p.mean.utilization, p.estimates[measureIndex("utilization")].mean);
        QCOMPARE(p.observed.arrivals, p.estimates[measureIndex("loss")].observed);
        QCOMPARE(p.mean.lossFraction, p.estimates[measureIndex("loss")].mean);
        QCOMPARE(p.mean.probWait, p.estimates[measureIndex("wait.prob")].mean);
        // Counts are over every replication: each submitted its two jobs.
        QCOMPARE(p.mean.counters.submitted, std::uint64_t{2});
        QCOMPARE(p.mean.total.count,
                 static_cast<std::uint64_t>(std::llround(std::accumulate(p.runs.begin(), p.runs.end(), 0.0,
                                                                         [](double a, const RunSummary& r) {
                                                                             return a + double(r.total.count);
                                                                         }) /
                                                         12)));
        // No job was throttled (no rate limit): no replication observed a throttle latency.
        QCOMPARE(p.observed.throttle, 0);
        QVERIFY(std::isnan(p.mean.throttle.mean));
    }

    void progressAndCancel()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(2, 15, "exp(100ms)", 2000, 1);
        spec.replications = 4;
        Sweep sweep;
        std::string error;
        QVERIFY(parseSweep("workers=2:9:1", sweep, error));
        spec.sweep = sweep;
        spec.threads = 1; // one at a time: the cancel lands after the third run
        std::atomic<bool> cancel{false};
        std::vector<int> seen;
        const ExperimentResult result = runExperiment(
            spec,
            [&](int done, int total) {
                QCOMPARE(total, 32);
                seen.push_back(done);
                if (done == 3)
                    cancel = true;
            },
            &cancel);
        QVERIFY(result.cancelled);
        QCOMPARE(seen, (std::vector<int>{1, 2, 3}));
        QCOMPARE(result.points.size(), 0u); // the first point lacks its fourth run
        cancel = false;
        seen.clear();
        const ExperimentResult whole = runExperiment(
            spec, [&](int done, int) { seen.push_back(done); }, &cancel);
        QVERIFY(!whole.cancelled);
        QCOMPARE(seen.size(), 32u);
        QCOMPARE(seen.back(), 32);
    }

    // An exception on a pool thread (here from progress) reaches the caller after every
    // thread stopped, rather than ending the program with std::terminate.
    void anExceptionOnAPoolThreadReachesTheCaller()
    {
        ExperimentSpec spec;
        spec.scenario = mmc(2, 15, "exp(100ms)", 2000, 1);
        spec.replications = 4;
        Sweep sweep;
        std::string error;
        QVERIFY(parseSweep("workers=2:9:1", sweep, error));
        spec.sweep = sweep;
        spec.threads = 3;
        std::atomic<int> calls{0};
        std::string caught;
        try {
            runExperiment(spec, [&](int done, int) {
                ++calls;
                if (done == 2)
                    throw std::runtime_error("progress failed at 2");
            });
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
        QCOMPARE(caught, std::string("progress failed at 2"));
        QVERIFY(calls.load() < 32); // the others stopped rather than finishing the sweep
    }

    // The 95 % interval covers Erlang C's mean wait in about 95 % of independent
    // experiments. M/M/2 at rho = 0.75 (Poisson 15/s, exp(100ms)): 10 replications of
    // 4,000 jobs each after a 20 s (300-arrival) warm-up, so the start-up bias is gone
    // and each replication mean is close to normal. The count must lie in the 99.9 %
    // binomial acceptance region around 0.95 n. A negative control on the same
    // replications: the normal-quantile interval (1.96 instead of t(0.975, 9) = 2.26,
    // true coverage about 91.8 %) is narrower, so it covers fewer times; the test must
    // tell the two apart, not only accept the right one.
    void intervalCoversErlangC()
    {
        // Under a sanitizer 15 experiments, which keeps the test to a minute there; the
        // bound below widens with the smaller n.
        const int experiments = kSanitized ? 15 : 200;
        const double predicted = mmc(15, 10, 2).meanWait * 1000;
        const std::size_t wait = measureIndex("wait.mean");
        int inside = 0;
        int insideZ = 0; // the normal-quantile interval's count
        const double zOverT = 1.959964 / studentT975(9);
        for (int e = 0; e < experiments; ++e) {
            ExperimentSpec spec;
            // Seeds 1000 apart: no replication shares a seed with another experiment's.
            spec.scenario = mmc(2, 15, "exp(100ms)", 4000, 1 + 1000 * static_cast<std::uint64_t>(e));
            spec.replications = 10;
            spec.warmup = 20 * kSecond;
            const ExperimentResult result = runExperiment(spec);
            QCOMPARE(result.points.size(), 1u);
            const ExperimentPoint& p = result.points[0];
            QCOMPARE(*experimentMeasures()[wait].predicted(p.theory.metrics), predicted);
            const Estimate& est = p.estimates[wait];
            if (est.ci95.contains(predicted))
                ++inside;
            const double halfZ = (est.ci95.high - est.mean) * zOverT;
            if (est.mean - halfZ <= predicted && predicted <= est.mean + halfZ)
                ++insideZ;
        }
        const auto [lo, hi] = acceptance999(experiments, 0.95);
        qInfo("coverage: %d of %d (%.1f %%), accepted %d..%d; normal quantile %d", inside, experiments,
              100.0 * inside / experiments, lo, hi, insideZ);
        QVERIFY2(inside >= lo && inside <= hi,
                 qPrintable(QStringLiteral("%1 of %2").arg(inside).arg(experiments)));
        // Nested intervals on the same data: never more; with 200 experiments (about 3 %
        // between the two, 6 expected) fewer, deterministically for these seeds.
        QVERIFY(insideZ <= inside);
        if (!kSanitized)
            QVERIFY2(inside - insideZ > 0, qPrintable(QStringLiteral("t %1, z %2").arg(inside).arg(insideZ)));
    }
};

QTEST_GUILESS_MAIN(TestExperiment)
#include "tst_experiment.moc"
