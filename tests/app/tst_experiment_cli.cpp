// SPDX-License-Identifier: GPL-3.0-or-later
// Experiments from the command line (issue #15): --replications, --warmup, --sweep,
// --sweep-csv and --target, parsed and run through the built binary.
#include "app/cli.h"
#include "app/experiment_report.h"
#include "core/experiment.h"
#include "core/queueing_theory.h"
#include "core/scenario_fields.h"
#include "io/sweep_csv.h"
#include "tests/app/binary_run.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace poollab;

namespace {

using binary::readAll;
using binary::Result;
using binary::run;

QStringList words(const char* text)
{
    return QString::fromUtf8(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

CommandLine parse(const char* args)
{
    return parseCommandLine(QStringList{QStringLiteral("poollab"), QStringLiteral("--headless")} +
                            words(args));
}

// Poisson 10/s with exp(1s) service: a = 10 Erlangs. Erlang C's mean wait is 95.1 ms
// with 13 workers and 43.5 ms with 14.
const char* const kSizing =
    "--arrival poisson --rate 10 --latency exp(1s) --queue-capacity 1000000 --jobs 20000 "
    "--warmup 100s --sweep workers=11:20:1";

QJsonObject json(const QByteArray& bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON: %s", qPrintable(error.errorString()));
    return doc.object();
}

} // namespace

class TestExperimentCli : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        const CommandLine sweep = parse("--sweep queue-capacity=0,10");
        QVERIFY2(sweep.action == CommandLine::Action::Headless, qPrintable(sweep.error));
        QVERIFY(sweep.isExperiment());
        QCOMPARE(sweep.replications, kDefaultSweepReplications);
        QCOMPARE(QLatin1String(sweep.sweep->field->key), QLatin1String("queue_capacity"));
        // An experiment runs in virtual time whatever the scenario says.
        QCOMPARE(static_cast<int>(sweep.scenario.timeMode), static_cast<int>(TimeMode::Virtual));
        // Virtual time's limits, not real threads' (4096), even without --time virtual.
        const CommandLine many = parse("--sweep workers=100,5000");
        QVERIFY2(many.action == CommandLine::Action::Headless, qPrintable(many.error));
        const CommandLine replications = parse("--replications 7 --warmup 2m");
        QCOMPARE(replications.replications, 7);
        QCOMPARE(replications.warmup, 120 * kSecond);
        QVERIFY(!replications.sweep);
        const CommandLine single = parse("--time virtual --warmup 5s");
        QVERIFY2(single.action == CommandLine::Action::Headless, qPrintable(single.error));
        QVERIFY(!single.isExperiment());
        QCOMPARE(single.warmup, 5 * kSecond);
    }

    // Exit status 2, nothing on stdout, and the first line of stderr names the flag,
    // the field or measure and what is allowed.
    void badInputExits2_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("sweep below range")
            << "--sweep workers=0:4:1"
            << "poollab: --sweep: workers: 0 is out of range; allowed: 1 to 100000";
        QTest::newRow("sweep above range")
            << "--sweep failure_rate=0.5,1.5"
            << "poollab: --sweep: failure_rate: 1.5 is out of range; allowed: 0 to 1";
        QTest::newRow("sweep duration range")
            << "--sweep timeout=30m:2h:30m"
            << "poollab: --sweep: timeout: 90m is out of range; allowed: 0ms to 1h";
        QTest::newRow("sweep unknown field")
            << "--sweep wrokers=1:4:1"
            << "poollab: --sweep: unknown field 'wrokers'; allowed: workers, queue_capacity,";
        QTest::newRow("sweep a choice")
            << "--sweep overflow=block"
            << "poollab: --sweep: 'overflow' is not a numeric field; allowed: workers,";
        QTest::newRow("sweep the seed")
            << "--sweep seed=1:3:1"
            << "poollab: --sweep: seed cannot be swept: replications use seed, seed+1, ...";
        QTest::newRow("sweep syntax") << "--sweep workers"
                                      << "poollab: --sweep: 'workers' is not FIELD=FROM:TO:STEP";
        QTest::newRow("sweep step") << "--sweep workers=1:4:0"
                                    << "poollab: --sweep: workers: the step '0' must be above 0";
        QTest::newRow("sweep not whole") << "--sweep workers=2.5"
                                         << "poollab: --sweep: workers: '2.5' is not a whole number";
        QTest::newRow("sweep breaks the scenario")
            << "--sweep jobs=0,100"
            << "poollab: --sweep: at jobs=0: --jobs and --duration are both 0";
        QTest::newRow("target unknown measure")
            << "--sweep workers=1:4:1 --target wait.avg<1s"
            << "poollab: --target: unknown measure 'wait.avg'; allowed: wait.mean, wait.p50,";
        QTest::newRow("target without unit")
            << "--sweep workers=1:4:1 --target wait.mean<100"
            << "poollab: --target: wait.mean is a time: '100' needs a unit, one of us, ms, s, m, h";
        QTest::newRow("target share range")
            << "--sweep workers=1:4:1 --target loss<200%"
            << "poollab: --target: loss is a share: '200%' is out of range; allowed: 0% to 100% (0 to 1)";
        QTest::newRow("target syntax")
            << "--sweep workers=1:4:1 --target total.p99=2s"
            << "poollab: --target: 'total.p99=2s' is not MEASURE<VALUE or MEASURE>VALUE";
        QTest::newRow("target without sweep") << "--target wait.mean<1s"
                                              << "poollab: --target needs --sweep FIELD=FROM:TO:STEP";
        QTest::newRow("replications range")
            << "--replications 1"
            << "poollab: --replications: '1' is out of range; allowed: a whole number from 2 to 1000";
        QTest::newRow("replications word") << "--replications many"
                                           << "poollab: --replications: 'many' is not a whole number";
        QTest::newRow("replications real time")
            << "--replications 5 --time real"
            << "poollab: --replications and --sweep run in virtual time: not with --time real";
        QTest::newRow("warmup real time")
            << "--warmup 10s"
            << "poollab: --warmup applies to virtual time only: add --time virtual";
        QTest::newRow("warmup range")
            << "--time virtual --warmup 25h"
            << "poollab: --warmup: '25h' is out of range; allowed: a duration from 0ms to 24h";
        QTest::newRow("sweep-csv without sweep") << "--replications 3 --sweep-csv s.csv"
                                                 << "poollab: --sweep-csv needs --sweep FIELD=FROM:TO:STEP";
        QTest::newRow("time series with an experiment")
            << "--replications 3 --csv t.csv"
            << "poollab: --csv is for a single run; an experiment";
    }
    void badInputExits2()
    {
        QFETCH(QString, args);
        QFETCH(QString, message);
        const Result r = run(QStringList{QStringLiteral("--headless")} + args.split(QLatin1Char(' ')));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    // The sizing question end to end: the answer is Erlang C's, in the JSON and in the
    // one sentence (stderr, since stdout holds the JSON).
    void sizingAnswer()
    {
        int theory = 0;
        for (int c = 11; c <= 20 && theory == 0; ++c)
            if (mmc(10, 1, c).meanWait < 0.060)
                theory = c;
        QCOMPARE(theory, 14);
        const Result r =
            run(words(kSizing) + QStringList{QStringLiteral("--headless"), QStringLiteral("--target"),
                                             QStringLiteral("wait.mean<60ms"),
                                             QStringLiteral("--summary-json"), QStringLiteral("-")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        const QJsonObject answer = o[QLatin1String("answer")].toObject();
        QCOMPARE(answer[QLatin1String("field")].toString(), QStringLiteral("workers"));
        QCOMPARE(answer[QLatin1String("value")].toDouble(), double(theory));
        QCOMPARE(answer[QLatin1String("measure")].toString(), QStringLiteral("wait.mean"));
        const QJsonArray ci = answer[QLatin1String("ci95")].toArray();
        QCOMPARE(ci.size(), 2);
        QVERIFY(ci[1].toDouble() < 60);
        QVERIFY(ci[0].toDouble() <= answer[QLatin1String("mean")].toDouble());
        // The usual keys are the answer's point, as means over the replications.
        QCOMPARE(o[QLatin1String("workers")].toInt(), theory);
        QCOMPARE(o[QLatin1String("replications")].toInt(), 10);
        QCOMPARE(o[QLatin1String("warmup_s")].toDouble(), 100.0);
        QCOMPARE(o[QLatin1String("sweep")].toArray().size(), 10);
        const QJsonObject ci95 = o[QLatin1String("ci95")].toObject();
        for (const char* key : {"throughput_per_s", "utilization", "loss_fraction"})
            QCOMPARE(ci95[QLatin1String(key)].toArray().size(), 2);
        const QJsonObject latency = ci95[QLatin1String("latency_ms")].toObject();
        QCOMPARE(latency[QLatin1String("wait")].toObject()[QLatin1String("mean")].toArray().size(), 2);
        QCOMPARE(latency[QLatin1String("total")].toObject()[QLatin1String("p99")].toArray().size(), 2);
        const QJsonObject measures =
            o[QLatin1String("theory")].toObject()[QLatin1String("measures")].toObject();
        QVERIFY(measures[QLatin1String("mean_wait_s")].toObject()[QLatin1String("inside_ci95")].isBool());
        QVERIFY(measures[QLatin1String("blocking")].toObject()[QLatin1String("inside_ci95")].toBool());
        QVERIFY2(
            r.err.startsWith(QStringLiteral(
                "The smallest worker count whose mean wait stays under 60 ms (whole 95 % interval) is 14: ")),
            qPrintable(r.err));
    }

    void noValueMeetsTheTarget()
    {
        const Result r =
            run(words("--headless --preset mmc-queue --jobs 2000 --sweep workers=10,11 --replications 3 "
                      "--target wait.mean<1us"));
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).trimmed().split(QLatin1Char('\n'));
        QVERIFY2(
            lines.last().startsWith(QStringLiteral("No worker count from 10 to 11 keeps the mean wait under "
                                                   "0.001 ms (whole 95 % interval); the closest, 11, ")),
            qPrintable(lines.last()));
        const Result j =
            run(words("--headless --preset mmc-queue --jobs 2000 --sweep workers=10,11 --replications 3 "
                      "--target wait.mean<1us --summary-json - --quiet"));
        QCOMPARE(j.exitCode, 0);
        QVERIFY(json(j.out)[QLatin1String("answer")].isNull());
        QVERIFY(j.err.isEmpty()); // --quiet: not even the sentence
    }

    // One row per value, the columns sweepCsvColumns() names; the value column first.
    void sweepCsv()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sweep.csv"));
        const Result r = run(words("--headless --preset mmc-queue --jobs 2000 --replications 2 --sweep-csv") +
                             QStringList{path, QStringLiteral("--sweep"), QStringLiteral("workers=12,9,10")});
        QCOMPARE(r.exitCode, 0);
        const QStringList rows =
            QString::fromUtf8(readAll(path)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 4);
        Sweep sweep;
        std::string error;
        QVERIFY(parseSweep("workers=9,10,12", sweep, error));
        QCOMPARE(rows[0], sweepCsvColumns(sweep).join(QLatin1Char(',')));
        // 53 columns as before, then one KEY.observed per measure (14).
        QCOMPARE(rows[0].count(QLatin1Char(',')) + 1, 67);
        QCOMPARE(rows[0].section(QLatin1Char(','), 52, 53),
                 QStringLiteral("elapsed.high,wait.mean.observed"));
        QCOMPARE(rows[0].section(QLatin1Char(','), 66), QStringLiteral("elapsed.observed"));
        QStringList values;
        for (int i = 1; i < 4; ++i) {
            QCOMPARE(rows[i].count(QLatin1Char(',')) + 1, 67);
            values << rows[i].section(QLatin1Char(','), 0, 0);
            // No warm-up: every replication observed every measure.
            QCOMPARE(rows[i].section(QLatin1Char(','), 53),
                     QStringList(14, QStringLiteral("2")).join(QLatin1Char(',')));
        }
        QCOMPARE(values, (QStringList{QStringLiteral("9"), QStringLiteral("10"), QStringLiteral("12")}));
        // wait.mean.theory at 10 workers is the preset's Erlang C mean wait, 20.459 ms.
        const int theoryColumn = sweepCsvColumns(sweep).indexOf(QStringLiteral("wait.mean.theory"));
        QCOMPARE(rows[2].section(QLatin1Char(','), theoryColumn, theoryColumn).left(6),
                 QStringLiteral("20.459"));
    }

    // Without the new flags nothing changes; with --warmup alone one run is trimmed.
    void singleRunKeys()
    {
        const Result plain = run(words("--headless --preset mmc-queue --time virtual --summary-json -"));
        QCOMPARE(plain.exitCode, 0);
        const QJsonObject o = json(plain.out);
        for (const char* key : {"replications", "warmup_s", "ci95", "sweep", "answer", "loss_fraction"})
            QVERIFY2(!o.contains(QLatin1String(key)), key);
        QCOMPARE(o[QLatin1String("latency_ms")]
                     .toObject()[QLatin1String("wait")]
                     .toObject()[QLatin1String("count")]
                     .toInt(),
                 8000);
        const Result trimmed =
            run(words("--headless --preset mmc-queue --time virtual --warmup 50s --summary-json -"));
        QCOMPARE(trimmed.exitCode, 0);
        const QJsonObject t = json(trimmed.out);
        QCOMPARE(t[QLatin1String("warmup_s")].toDouble(), 50.0);
        QCOMPARE(t[QLatin1String("submitted")].toInt(), 8000); // counts stay whole-run
        const int observed = t[QLatin1String("latency_ms")]
                                 .toObject()[QLatin1String("total")]
                                 .toObject()[QLatin1String("count")]
                                 .toInt();
        // Poisson 80/s for 100 s: about half the jobs are planned after 50 s.
        QVERIFY2(observed > 3500 && observed < 4500, qPrintable(QString::number(observed)));
        QVERIFY(t[QLatin1String("theory")].toObject()[QLatin1String("little")].isNull());
    }

    // The table on stdout, a line per measure, the sentence last.
    // Every signup arrives in the first second: after a 1 s warm-up no latency is
    // observed. Those values have no estimate (null, empty cells) and are no answer; it
    // once answered 38 with "0 ms [0, 0]".
    void aBurstBeforeTheWarmupIsNotObserved()
    {
        QTemporaryDir dir;
        const QString csvPath = dir.filePath(QStringLiteral("sweep.csv"));
        const Result r = run(words("--headless --preset signup-burst --warmup 1s --sweep workers=38:40:1 "
                                   "--replications 2 --target wait.p99<1s --summary-json -") +
                             QStringList{QStringLiteral("--sweep-csv"), csvPath});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        QVERIFY(o[QLatin1String("answer")].isNull());
        const QJsonObject first =
            o[QLatin1String("sweep")].toArray()[0].toObject()[QLatin1String("measures")].toObject();
        QVERIFY(first[QLatin1String("wait.p99")].toObject()[QLatin1String("mean")].isNull());
        QVERIFY(first[QLatin1String("wait.p99")].toObject()[QLatin1String("ci95")].isNull());
        QVERIFY(first[QLatin1String("throughput")].toObject()[QLatin1String("mean")].toDouble() > 0);
        const QString err = r.err;
        QVERIFY2(
            err.contains(QStringLiteral(
                "poollab: warning: 6 of 6 replications observed nothing after the warm-up (1s) at workers "
                "38, 39, 40: in 6 every arrival was before the warm-up;")),
            qPrintable(err));
        QVERIFY2(
            err.contains(QStringLiteral("No worker count from 38 to 40 keeps the p99 wait under 1 s (whole "
                                        "95 % interval); no value observed the p99 wait (see the warning).")),
            qPrintable(err));
        const QStringList rows = QString::fromUtf8(readAll(csvPath)).split(QLatin1Char('\n'));
        const QStringList header = rows[0].split(QLatin1Char(','));
        const QStringList cells = rows[1].split(QLatin1Char(','));
        QCOMPARE(cells[header.indexOf(QStringLiteral("wait.p99"))], QString());
        QCOMPARE(cells[header.indexOf(QStringLiteral("wait.p99.low"))], QString());
        QVERIFY(!cells[header.indexOf(QStringLiteral("throughput"))].isEmpty());
    }

    // Two jobs at Poisson 1/s after a 1.5 s warm-up: 5 of the 12 replications observe a
    // latency (seeds 1 to 12), the others see every arrival before it. A mean is over
    // those 5, the same number in the usual keys, the sweep and the CSV; "observed" and
    // KEY.observed say so; no interval where a replication saw nothing.
    void aMeanIsOverTheReplicationsThatObserved()
    {
        QTemporaryDir dir;
        const QString csvPath = dir.filePath(QStringLiteral("sweep.csv"));
        const Result r = run(words("--headless --time virtual --workers 1 --rate 1 --arrival poisson "
                                   "--latency exp(1s) --jobs 2 --warmup 1.5s --replications 12 "
                                   "--sweep workers=1,2 --summary-json -") +
                             QStringList{QStringLiteral("--sweep-csv"), csvPath});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = json(r.out);
        const QJsonObject observed = o[QLatin1String("observed")].toObject();
        const int waited = observed[QLatin1String("latency_ms")].toObject()[QLatin1String("wait")].toInt();
        QCOMPARE(waited, 5);
        QCOMPARE(observed[QLatin1String("latency_ms")].toObject()[QLatin1String("throttle")].toInt(), 0);
        QCOMPARE(observed[QLatin1String("loss_fraction")].toInt(), 5);
        const double mean = o[QLatin1String("latency_ms")]
                                .toObject()[QLatin1String("wait")]
                                .toObject()[QLatin1String("mean")]
                                .toDouble();
        QVERIFY(mean > 0);
        QVERIFY(o[QLatin1String("latency_ms")]
                    .toObject()[QLatin1String("throttle")]
                    .toObject()[QLatin1String("mean")]
                    .isNull());
        QVERIFY(o[QLatin1String("ci95")]
                    .toObject()[QLatin1String("latency_ms")]
                    .toObject()[QLatin1String("wait")]
                    .toObject()[QLatin1String("mean")]
                    .isNull());
        QCOMPARE(o[QLatin1String("ci95")].toObject()[QLatin1String("elapsed_s")].toArray().size(), 2);
        const QJsonObject first =
            o[QLatin1String("sweep")].toArray()[0].toObject()[QLatin1String("measures")].toObject();
        const QJsonObject waitMean = first[QLatin1String("wait.mean")].toObject();
        QCOMPARE(waitMean[QLatin1String("observed")].toInt(), 5);
        QCOMPARE(waitMean[QLatin1String("mean")].toDouble(), mean);
        QVERIFY(waitMean[QLatin1String("ci95")].isNull());
        QCOMPARE(first[QLatin1String("elapsed")].toObject()[QLatin1String("observed")].toInt(), 12);
        const double measured = o[QLatin1String("theory")]
                                    .toObject()[QLatin1String("measures")]
                                    .toObject()[QLatin1String("mean_wait_s")]
                                    .toObject()[QLatin1String("measured")]
                                    .toDouble();
        QCOMPARE(qRound64(measured * 1e6), qRound64(mean * 1e3)); // seconds, 6 significant digits
        const QStringList rows = QString::fromUtf8(readAll(csvPath)).split(QStringLiteral("\r\n"));
        const QStringList header = rows[0].split(QLatin1Char(','));
        const QStringList cells = rows[1].split(QLatin1Char(','));
        QCOMPARE(cells[header.indexOf(QStringLiteral("wait.mean.observed"))], QStringLiteral("5"));
        QCOMPARE(cells[header.indexOf(QStringLiteral("wait.mean"))].toDouble(), mean);
        QCOMPARE(cells[header.indexOf(QStringLiteral("wait.mean.low"))], QString());
        QCOMPARE(cells[header.indexOf(QStringLiteral("elapsed.observed"))], QStringLiteral("12"));
        // The table gives the mean and says what it is over.
        const Result table = run(words("--headless --time virtual --workers 1 --rate 1 --arrival poisson "
                                       "--latency exp(1s) --jobs 2 --warmup 1.5s --replications 12"));
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(QString::fromUtf8(table.out).contains(QRegularExpression(
                     QStringLiteral("\n  wait\\.mean +ms +[0-9.]+ +\\(5 of 12 observed\\)"))),
                 table.out.constData());
    }

    // The sentence names the swept field as a noun, for a count, a rate and a duration.
    void theAnswerReadsNaturally_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("sentence");
        QTest::newRow("workers") << "--sweep workers=1:3:1 --target wait.mean<1s"
                                 << "The smallest worker count whose mean wait stays under 1 s (whole 95 % "
                                    "interval) is 1: ";
        QTest::newRow("rate") << "--sweep rate=1,5 --target throughput>3"
                              << "The smallest rate whose throughput stays above 3 jobs/s (whole 95 % "
                                 "interval) is 5: ";
        QTest::newRow("duration") << "--sweep backoff_base=10ms,20ms --target wait.mean<1s"
                                  << "The smallest backoff base whose mean wait stays under 1 s (whole 95 % "
                                     "interval) is 10ms: ";
    }
    void theAnswerReadsNaturally()
    {
        QFETCH(QString, args);
        QFETCH(QString, sentence);
        const Result r = run(words("--headless --arrival poisson --rate 5 --latency exp(100ms) --workers 2 "
                                   "--jobs 500 --replications 3 --summary-json -") +
                             args.split(QLatin1Char(' ')));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.startsWith(sentence), qPrintable(r.err));
    }

    // After an interrupt the sentence speaks of the values that finished, not of the
    // whole sweep as if it had been covered.
    void anInterruptedSweepSaysSo()
    {
        ExperimentSpec spec;
        spec.scenario = parse("--arrival poisson --rate 5 --latency exp(100ms) --jobs 300").scenario;
        spec.replications = 2;
        Sweep sweep;
        Target target;
        std::string error;
        QVERIFY(parseSweep("workers=9:12:1", sweep, error));
        QVERIFY(parseTarget("throughput>1000", target, error));
        spec.sweep = sweep;
        spec.target = target;
        ExperimentResult result = runExperiment(spec);
        QVERIFY(!result.answer);
        QCOMPARE(answerSentence(spec, result).left(31), QStringLiteral("No worker count from 9 to 12 ke"));
        result.points.resize(1); // as a cancel after the first value leaves it
        result.cancelled = true;
        const QString sentence = answerSentence(spec, result);
        QVERIFY2(
            sentence.startsWith(QStringLiteral("Interrupted: none of the 1 value that finished keeps the "
                                               "throughput above 1000 jobs/s (whole 95 % interval); "
                                               "the closest, 9, gives ")),
            qPrintable(sentence));
    }

    // A single run with --warmup says so in its first line, as an experiment does.
    void aSingleRunNamesItsWarmup()
    {
        const Result r = run(words("--headless --preset mmc-queue --time virtual --jobs 3000 --warmup 20s"));
        QCOMPARE(r.exitCode, 0);
        const QString first = QString::fromUtf8(r.out).section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(first.endsWith(QStringLiteral("(block), warm-up 20s")), qPrintable(first));
        const Result plain = run(words("--headless --preset mmc-queue --time virtual --jobs 3000"));
        QVERIFY(!QString::fromUtf8(plain.out)
                     .section(QLatin1Char('\n'), 0, 0)
                     .contains(QStringLiteral("warm-up")));
    }

    void humanTable()
    {
        const Result r = run(words("--headless --preset mmc-queue --jobs 2000 --replications 4"));
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.startsWith(QStringLiteral(
                     "PoolLab experiment \"M/M/c queue\" (virtual time): 4 replications, seeds 1 to 4\n")),
                 qPrintable(out));
        for (const ExperimentMeasure& m : experimentMeasures())
            QVERIFY2(out.contains(QStringLiteral("\n  ") + QLatin1String(m.key) + QLatin1Char(' ')), m.key);
    }
};

QTEST_GUILESS_MAIN(TestExperimentCli)
#include "tst_experiment_cli.moc"
