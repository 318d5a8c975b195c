// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"
#include "app/presets.h"
#include "core/duration.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QFile>
#include <QTest>

using namespace poollab;

namespace {
CommandLine parse(const QString& args)
{
    QStringList list{QStringLiteral("poollab"), QStringLiteral("--headless")};
    if (!args.isEmpty())
        list += args.split(QLatin1Char(' '));
    return parseCommandLine(list);
}
} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void workloadFlags()
    {
        const CommandLine cl = parse(QStringLiteral(
            "--arrival ramp --rate 50/s --rate-end 3000/m --ramp-duration 5s --duration 30s --latency "
            "lognormal(50ms,0.5) --failure-rate 0.2 --timeout 250ms --max-attempts 4 --backoff exp(10ms,1s) "
            "--jitter decorrelated --rate-limit 100/s --burst 10 --seed 42 --clients 7 --think-time 20ms "
            "--spike-rate 900 --spike-start 1s --spike-duration 2s"));
        QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
        const Scenario& s = cl.scenario;
        QCOMPARE(static_cast<int>(s.arrival), static_cast<int>(ArrivalKind::Ramp));
        QCOMPARE(s.rate, 50.0);
        QCOMPARE(s.rateEnd, 50.0); // 3000 per minute
        QCOMPARE(s.rampDuration, 5 * kSecond);
        QCOMPARE(s.duration, 30 * kSecond);
        QCOMPARE(s.jobs, std::uint64_t{0}); // a duration alone lifts the job limit
        QCOMPARE(s.latency, std::string("lognormal(50ms,0.5)"));
        QCOMPARE(s.failureRate, 0.2);
        QCOMPARE(s.timeout, 250 * kMilli);
        QCOMPARE(s.maxAttempts, 4);
        QCOMPARE(s.backoffBase, 10 * kMilli);
        QCOMPARE(s.backoffCap, kSecond);
        QCOMPARE(static_cast<int>(s.jitter), static_cast<int>(Jitter::Decorrelated));
        QCOMPARE(s.rateLimit, 100.0);
        QCOMPARE(s.burst, 10);
        QCOMPARE(s.seed, std::uint64_t{42});
        QCOMPARE(s.clients, 7);
        QCOMPARE(s.thinkTime, 20 * kMilli);
        QCOMPARE(s.spikeRate, 900.0);
        QCOMPARE(s.spikeStart, kSecond);
        QCOMPARE(s.spikeDuration, 2 * kSecond);
    }

    void timeMode_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<int>("mode");
        QTest::newRow("default") << QString() << int(TimeMode::Real);
        QTest::newRow("--time virtual") << "--time virtual" << int(TimeMode::Virtual);
        QTest::newRow("--time real") << "--time real" << int(TimeMode::Real);
        QTest::newRow("--time-mode virtual") << "--time-mode virtual" << int(TimeMode::Virtual);
    }
    void timeMode()
    {
        QFETCH(QString, args);
        QFETCH(int, mode);
        const CommandLine cl = parse(args);
        QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
        QCOMPARE(static_cast<int>(cl.scenario.timeMode), mode);
    }

    void jobsAndDurationTogether()
    {
        const CommandLine cl = parse(QStringLiteral("--arrival constant --jobs 10 --duration 30s"));
        QVERIFY(cl.action == CommandLine::Action::Headless);
        QCOMPARE(cl.scenario.jobs, std::uint64_t{10});
        QCOMPARE(cl.scenario.duration, 30 * kSecond);
    }

    void badValues_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("expected"); // the whole message
        QTest::newRow("arrival") << "--arrival often"
                                 << "--arrival: 'often' is not allowed; allowed: one of: burst, constant, "
                                    "poisson, ramp, spike, closed";
        QTest::newRow("rate word")
            << "--rate fast"
            << "--rate: 'fast' is not allowed; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("rate zero constant") << "--arrival constant --rate 0"
                                            << "--rate is 0: --arrival constant needs a rate from 0.001 to "
                                               "1000000 jobs/s";
        QTest::newRow("rate too high")
            << "--rate 2000000/s"
            << "--rate: '2000000/s' is out of range; allowed: 0, or a number from 0.001 to "
               "1000000 jobs/s (also written 50/s, or 3000/m per minute)";
        QTest::newRow("rate per minute too high") << "--rate-limit 60000001/m"
                                                  << "--rate-limit: '60000001/m' is out of range; allowed: "
                                                     "0, or a number from 0.001 to 1000000 starts/s (also "
                                                     "written 50/s, or 3000/m per minute)";
        QTest::newRow("latency")
            << "--latency exp(5)"
            << "--latency: latency 'exp(5)': "
               "exp takes one duration (the mean) from 0 to 1h; accepted forms: 500ms, uniform(100ms,900ms), "
               "exp(50ms), normal(50ms,10ms), lognormal(50ms,0.5), bimodal(20ms,2s,0.01); "
               "units us, ms, s";
        QTest::newRow("failure rate")
            << "--failure-rate 1.01"
            << "--failure-rate: '1.01' is out of range; allowed: a number from 0 to 1";
        QTest::newRow("timeout")
            << "--timeout 5"
            << "--timeout: '5' is not allowed; allowed: a duration from 0ms to 1h with a unit "
               "(us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("max attempts")
            << "--max-attempts 101"
            << "--max-attempts: '101' is out of range; allowed: a whole number from 1 to 100";
        QTest::newRow("backoff order")
            << "--backoff exp(2s,1s)"
            << "--backoff: backoff 'exp(2s,1s)': BASE is longer than CAP; expected exp(BASE,CAP), e.g. "
               "exp(100ms,10s), with 0 <= BASE <= CAP <= 1h";
        QTest::newRow("backoff form")
            << "--backoff 100ms"
            << "--backoff: backoff '100ms': not of the form exp(BASE,CAP); expected exp(BASE,CAP), e.g. "
               "exp(100ms,10s), with 0 <= BASE <= CAP <= 1h";
        QTest::newRow("jitter") << "--jitter some"
                                << "--jitter: 'some' is not allowed; allowed: one of: none, full, equal, "
                                   "decorrelated";
        QTest::newRow("rate limit")
            << "--rate-limit -1"
            << "--rate-limit: '-1' is out of range; allowed: 0, or a number from 0.001 to "
               "1000000 starts/s (also written 50/s, or 3000/m per minute)";
        QTest::newRow("burst") << "--burst 0"
                               << "--burst: '0' is out of range; allowed: a whole number from 1 to 1000000";
        QTest::newRow("seed")
            << "--seed x"
            << "--seed: 'x' is not allowed; allowed: a whole number from 0 to 9007199254740991";
        QTest::newRow("clients")
            << "--clients 0"
            << "--clients: '0' is out of range; allowed: a whole number from 1 to 100000";
        QTest::newRow("think time")
            << "--think-time 2h"
            << "--think-time: '2h' is out of range; allowed: a duration from 0ms to 1h "
               "with a unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("ramp duration")
            << "--ramp-duration 25h"
            << "--ramp-duration: '25h' is out of range; allowed: a duration from 0ms "
               "to 24h with a unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("spike start")
            << "--spike-start soon"
            << "--spike-start: 'soon' is not allowed; allowed: a duration from 0ms to 24h "
               "with a unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("spike duration")
            << "--spike-duration -1s"
            << "--spike-duration: '-1s' is not allowed; allowed: a duration from 0ms "
               "to 24h with a unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("spike rate")
            << "--spike-rate 1e9"
            << "--spike-rate: '1e9' is out of range; allowed: 0, or a number from 0.001 to "
               "1000000 jobs/s (also written 50/s, or 3000/m per minute)";
        QTest::newRow("rate end")
            << "--rate-end x/s"
            << "--rate-end: 'x/s' is not allowed; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("duration")
            << "--duration 25h"
            << "--duration: '25h' is out of range; allowed: a duration from 0ms to 24h with a "
               "unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("duration unit")
            << "--duration 2d"
            << "--duration: '2d' is not allowed; allowed: a duration from 0ms to 24h "
               "with a unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("sample interval") << "--sample-interval 1ms"
                                         << "--sample-interval: '1ms' is out of range; allowed: a duration "
                                            "from 10ms to 1h with a unit (us, "
                                            "ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("no limit")
            << "--jobs 0"
            << "--jobs and --duration are both 0: set at least one of them (jobs: a whole "
               "number from 1 to 1000000000, or duration: e.g. \"30s\")";
        QTest::newRow("burst needs jobs") << "--jobs 0 --duration 1s"
                                          << "--arrival burst submits --jobs at once: --jobs must be a whole "
                                             "number from 1 to 1000000000";
        QTest::newRow("time") << "--time fast"
                              << "--time: 'fast' is not allowed; allowed: one of: real, virtual";
        QTest::newRow("time mode") << "--time-mode fast"
                                   << "--time-mode: 'fast' is not allowed; allowed: one of: real, virtual";
        QTest::newRow("ramp of zeros")
            << "--arrival ramp --rate 0 --rate-end 0"
            << "--rate and --rate-end are both 0: --arrival ramp needs one of them from 0.001 "
               "to 1000000 jobs/s";
        QTest::newRow("unknown preset")
            << "--preset nope"
            << "--preset: unknown preset 'nope'; valid presets: signup-burst, backpressure, overload-reject, "
               "handoff, mmc-queue, cpu-vs-io, rate-limited-email, retry-storm, coordinated-omission";
        QTest::newRow("preset and scenario")
            << "--preset handoff --scenario x.json"
            << "--preset and --scenario cannot be used together: start from one "
               "of them and change it with flags";
        QTest::newRow("preset then bad flag") << "--preset mmc-queue --rate 0"
                                              << "--rate is 0: --arrival poisson needs a rate from 0.001 to "
                                                 "1000000 jobs/s";
        QTest::newRow("same file")
            << "--csv out.csv --summary-csv ./out.csv"
            << "--csv and --summary-csv both name 'out.csv': give each output a file of "
               "its own";
        QTest::newRow("empty file name") << "--csv="
                                         << "--csv: a file name is needed";
        QTest::newRow("stray argument") << "signup-burst"
                                        << "unexpected argument 'signup-burst' (see --help)";
        // Issue #19 case 6: formatting this value overflowed (UBSan) and exited 1.
        QTest::newRow("duration past a day")
            << "--duration 100000000.5s"
            << "--duration: '100000000.5s' is out of range; allowed: a duration from 0ms to 24h with a "
               "unit (us, ms, s, m, h), e.g. \"50ms\"";
        QTest::newRow("duration past int64")
            << "--duration 1e10s"
            << "--duration: '1e10s' is not allowed; allowed: a duration from 0ms to 24h with a "
               "unit (us, ms, s, m, h), e.g. \"50ms\"";
        // Issue #19 case 7: tiny rates were taken and misbehaved; each rate field has one
        // minimum, 0.001/s.
        QTest::newRow("tiny rate limit")
            << "--rate-limit 1e-12"
            << "--rate-limit: '1e-12' is out of range; allowed: 0, or a number from 0.001 to 1000000 "
               "starts/s (also written 50/s, or 3000/m per minute)";
        QTest::newRow("tiny rate")
            << "--arrival constant --rate 1e-12 --jobs 3"
            << "--rate: '1e-12' is out of range; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("tiny poisson")
            << "--arrival poisson --rate 1e-300 --jobs 10"
            << "--rate: '1e-300' is out of range; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("tiny per minute")
            << "--spike-rate 0.05/m"
            << "--spike-rate: '0.05/m' is out of range; allowed: 0, or a number from 0.001 to 1000000 "
               "jobs/s (also written 50/s, or 3000/m per minute)";
        QTest::newRow("nan rate")
            << "--rate nan"
            << "--rate: 'nan' is out of range; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("inf rate")
            << "--rate inf"
            << "--rate: 'inf' is out of range; allowed: 0, or a number from 0.001 to 1000000 jobs/s "
               "(also written 50/s, or 3000/m per minute)";
        QTest::newRow("huge jobs")
            << "--jobs 99999999999999999999"
            << "--jobs: '99999999999999999999' is not allowed; allowed: a whole number from 0 to 1000000000";
        QTest::newRow("int64 max jobs")
            << "--jobs 9223372036854775807"
            << "--jobs: '9223372036854775807' is out of range; allowed: a whole number from 0 to 1000000000";
        QTest::newRow("int64 min seed")
            << "--seed -9223372036854775808"
            << "--seed: '-9223372036854775808' is out of range; allowed: a whole number from 0 to "
               "9007199254740991";
        // Every arrival kind refuses a rate that is 0 throughout, the same way.
        QTest::newRow("spike of zeros")
            << "--arrival spike --rate 0 --spike-rate 0"
            << "--rate and --spike-rate are both 0: --arrival spike needs one of them from 0.001 to "
               "1000000 jobs/s";
        QTest::newRow("spike of nothing")
            << "--arrival spike --rate 0 --spike-duration 0ms"
            << "--rate is 0 and --spike-duration is 0: --arrival spike would submit nothing; set --rate "
               "from 0.001 to 1000000 jobs/s or a --spike-duration";
        QTest::newRow("ramp to zero at once")
            << "--arrival ramp --rate 5 --rate-end 0 --ramp-duration 0ms"
            << "--rate-end is 0 and --ramp-duration is 0: --arrival ramp would start at 0; set --rate-end "
               "from 0.001 to 1000000 jobs/s or a --ramp-duration";
        // Issue #19 case 8: refused as exp(5s,1s), but accepted as two flags.
        QTest::newRow("backoff base over cap")
            << "--backoff-base 5s --backoff-cap 1s"
            << "--backoff-base (5s) is longer than --backoff-cap (1s): the base must be at most the cap";
        QTest::newRow("backoff base over default cap")
            << "--backoff-base 20s"
            << "--backoff-base (20s) is longer than --backoff-cap (10s): the base must be at most the cap";
        QTest::newRow("backoff flag then cap")
            << "--backoff exp(1s,2s) --backoff-cap 500ms"
            << "--backoff-base (1s) is longer than --backoff-cap (500ms): the base must be at most the cap";
        // Issue #19 case 10: --jobs was blamed though only --duration was typed.
        QTest::newRow("burst with duration only")
            << "--arrival burst --duration 10s"
            << "--duration 10s without --jobs means no job limit, but --arrival burst submits all its "
               "jobs at once and needs a count: add --jobs N (a whole number from 1 to 1000000000) or "
               "choose a rate with --arrival constant, poisson, ramp or spike";
        QTest::newRow("metrics port word")
            << "--metrics-port abc"
            << "--metrics-port: 'abc' is not a whole number; allowed: a whole number from 1 to 65535";
        QTest::newRow("metrics linger word")
            << "--metrics-port 9477 --metrics-linger soon"
            << "--metrics-linger: 'soon' is not a duration; allowed: a duration from 0ms to 1h with a unit "
               "(us, ms, s, m, h), e.g. 50ms";
        QTest::newRow("metrics linger range")
            << "--metrics-port 9477 --metrics-linger 2h"
            << "--metrics-linger: '2h' is out of range; allowed: a duration from 0ms to 1h with a unit "
               "(us, ms, s, m, h), e.g. 50ms";
        QTest::newRow("metrics address word")
            << "--metrics-port 9477 --metrics-address localhost"
            << "--metrics-address: 'localhost' is not an IP address; allowed: an IPv4 or IPv6 address, e.g. "
               "127.0.0.1 or ::1";
        QTest::newRow("metrics port range")
            << "--metrics-port 70000"
            << "--metrics-port: '70000' is out of range; allowed: a whole number from 1 to 65535";
        QTest::newRow("long value is cut")
            << QStringLiteral("--rate ") + QString(5000, QLatin1Char('5')) + QStringLiteral("x")
            << QStringLiteral("--rate: '") + QString(40, QLatin1Char('5')) +
                   QStringLiteral(
                       "…' is not allowed; allowed: 0, or a number from 0.001 to 1000000 jobs/s (also "
                       "written 50/s, or 3000/m per minute)");
        QTest::newRow("long backoff is cut")
            << QStringLiteral("--backoff exp(") + QString(5000, QLatin1Char('1')) + QStringLiteral("ms,1s)")
            << QStringLiteral("--backoff: backoff 'exp(") + QString(36, QLatin1Char('1')) +
                   QStringLiteral(
                       "...': BASE and CAP must be durations with a unit; expected exp(BASE,CAP), e.g. "
                       "exp(100ms,10s), with 0 <= BASE <= CAP <= 1h");
        QTest::newRow("unknown flag") << "--wrokers 4"
                                      << "Unknown option 'wrokers'. (see --help)";
        QTest::newRow("trace limit zero")
            << "--trace t.json --trace-limit 0"
            << "--trace-limit: '0' is out of range; allowed: a whole number from 1 to 10000000";
        QTest::newRow("trace limit word")
            << "--trace t.json --trace-limit many"
            << "--trace-limit: 'many' is not a whole number; allowed: a whole number from 1 to 10000000";
        QTest::newRow("trace limit alone") << "--trace-limit 5"
                                           << "--trace-limit needs --trace FILE";
        QTest::newRow("trace to stdout") << "--trace -"
                                         << "--trace: a file name is needed (not -)";
        QTest::newRow("hdr kind")
            << "--hdr h.hgrm --hdr-kind p99"
            << "--hdr-kind: 'p99' is not allowed; allowed: total|wait|service|total-uncorrected";
        QTest::newRow("hdr kind alone") << "--hdr-kind wait"
                                        << "--hdr-kind needs --hdr FILE";
    }

    void traceAndHdrFlags()
    {
        const CommandLine defaults = parse(QStringLiteral("--trace t.json --hdr h.hgrm"));
        QVERIFY2(defaults.action == CommandLine::Action::Headless, qPrintable(defaults.error));
        QCOMPARE(defaults.tracePath, QStringLiteral("t.json"));
        QCOMPARE(defaults.traceLimit, std::uint64_t{100'000});
        QCOMPARE(defaults.hdrPath, QStringLiteral("h.hgrm"));
        QVERIFY(defaults.hdrKind == HdrKind::Total);
        const CommandLine given =
            parse(QStringLiteral("--trace t.json --trace-limit 7 --hdr h --hdr-kind total-uncorrected"));
        QCOMPARE(given.traceLimit, std::uint64_t{7});
        QVERIFY(given.hdrKind == HdrKind::TotalUncorrected);
        QVERIFY(parse(QStringLiteral("--help")).helpText.contains(QStringLiteral("Default: 100000")));
    }
    void badValues()
    {
        QFETCH(QString, args);
        QFETCH(QString, expected);
        const CommandLine cl = parse(args);
        QVERIFY(cl.action == CommandLine::Action::Error);
        QCOMPARE(cl.error, expected);
    }

    // Every field of the table, just past its range (or not a word it knows), gives
    // the table's own message under its flag.
    void everyFieldChecked_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        for (const ScenarioField& f : scenarioFields()) {
            QString value;
            switch (f.type) {
            case FieldType::Integer:
                value = QString::number(static_cast<qint64>(f.max) + 1);
                break;
            case FieldType::Number:
                value = QString::number(f.max * 2);
                break;
            case FieldType::Duration:
                value = QString::fromStdString(formatDuration(static_cast<Nanos>(f.max) + kSecond));
                break;
            case FieldType::Choice:
                value = QStringLiteral("bogus");
                break;
            case FieldType::Latency:
                value = QStringLiteral("exp(");
                break;
            case FieldType::Text:
                value = QString(static_cast<qsizetype>(f.max) + 1, QLatin1Char('x'));
                break;
            }
            QString expected;
            if (f.type == FieldType::Latency) {
                expected = QStringLiteral("latency 'exp('");
            } else if (f.type == FieldType::Choice) {
                expected = QStringLiteral("'%1' is not allowed; allowed: %2").arg(value, allowedText(f));
            } else if (f.type == FieldType::Text) {
                // Too long to echo whole: cut after 40 characters.
                expected =
                    QStringLiteral("'%1' is out of range; allowed: %2").arg(elided(value), allowedText(f));
            } else {
                expected = QStringLiteral("'%1' is out of range; allowed: %2").arg(value, allowedText(f));
            }
            const QString flag =
                cliFlagName(f) == QLatin1String("time-mode") ? QStringLiteral("time") : cliFlagName(f);
            QTest::newRow(f.key) << flag << value
                                 << QStringLiteral("--") + flag + QStringLiteral(": ") + expected;
        }
    }
    void everyFieldChecked()
    {
        QFETCH(QString, flag);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        const CommandLine cl = parseCommandLine(
            {QStringLiteral("poollab"), QStringLiteral("--headless"), QStringLiteral("--") + flag, value});
        QVERIFY(cl.action == CommandLine::Action::Error);
        QVERIFY2(cl.error.startsWith(expected), qPrintable(cl.error));
        if (!flag.contains(QLatin1String("rate")) && flag != QLatin1String("latency"))
            QCOMPARE(cl.error, expected); // rates add their spellings, latency its forms
    }

    // Flags override the preset (and the preset, not the defaults, fills the rest).
    void presetThenFlags()
    {
        const CommandLine cl = parse(QStringLiteral("--preset mmc-queue --workers 12 --time virtual"));
        QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
        QCOMPARE(cl.preset, QStringLiteral("mmc-queue"));
        QCOMPARE(cl.scenario.workers, 12);
        QCOMPARE(cl.scenario.latency, std::string("exp(100ms)"));
        QCOMPARE(cl.scenario.rate, 80.0);
        QCOMPARE(cl.scenario.jobs, std::uint64_t{8000});
        QCOMPARE(static_cast<int>(cl.scenario.timeMode), static_cast<int>(TimeMode::Virtual));
        // --duration alone turns the preset's job count into "no limit".
        QCOMPARE(parse(QStringLiteral("--preset mmc-queue --duration 5s")).scenario.jobs, std::uint64_t{0});
    }

    void scenarioFileThenFlags()
    {
        const QString path = QStringLiteral(POOLLAB_SOURCE_DIR "/resources/presets/handoff.json");
        const CommandLine fromFile = parse(QStringLiteral("--scenario ") + path);
        Scenario preset;
        QVERIFY(loadPreset(QStringLiteral("handoff"), preset, nullptr));
        QVERIFY2(fromFile.action == CommandLine::Action::Headless, qPrintable(fromFile.error));
        QVERIFY(fromFile.scenario == preset);
        const CommandLine cl = parse(QStringLiteral("--scenario ") + path + QStringLiteral(" --seed 99"));
        QCOMPARE(cl.scenario.seed, std::uint64_t{99});
        QCOMPARE(cl.scenario.queueCapacity, preset.queueCapacity);
        QCOMPARE(cl.scenarioPath, path);
    }

    void malformedScenarioFile()
    {
        const QString path = QStringLiteral(POOLLAB_SOURCE_DIR "/tests/app/tst_cli.cpp"); // not JSON
        const CommandLine cl = parse(QStringLiteral("--scenario ") + path);
        QVERIFY(cl.action == CommandLine::Action::Error);
        QVERIFY2(cl.error.startsWith(QStringLiteral("--scenario: ") + path +
                                     QStringLiteral(":1:2: malformed JSON: ")),
                 qPrintable(cl.error));
    }

    void actions_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("action");
        QTest::newRow("window") << QStringList{} << int(CommandLine::Action::Window);
        QTest::newRow("help") << QStringList{QStringLiteral("-h")} << int(CommandLine::Action::Help);
        QTest::newRow("help wins") << QStringList{QStringLiteral("--workers"), QStringLiteral("0"),
                                                  QStringLiteral("--help")}
                                   << int(CommandLine::Action::Help);
        QTest::newRow("version") << QStringList{QStringLiteral("--version")}
                                 << int(CommandLine::Action::Version);
        QTest::newRow("list") << QStringList{QStringLiteral("--list-presets")}
                              << int(CommandLine::Action::ListPresets);
        QTest::newRow("save alone") << QStringList{QStringLiteral("--save-scenario"),
                                                   QStringLiteral("s.json")}
                                    << int(CommandLine::Action::SaveScenario);
        QTest::newRow("save and run")
            << QStringList{QStringLiteral("--headless"), QStringLiteral("--save-scenario"),
                           QStringLiteral("s.json")}
            << int(CommandLine::Action::Headless);
        QTest::newRow("csv needs headless") << QStringList{QStringLiteral("--csv"), QStringLiteral("a.csv")}
                                            << int(CommandLine::Action::Error);
        QTest::newRow("window with metrics")
            << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9477")}
            << int(CommandLine::Action::Window);
        QTest::newRow("linger needs headless")
            << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9477"),
                           QStringLiteral("--metrics-linger"), QStringLiteral("5s")}
            << int(CommandLine::Action::Error);
        QTest::newRow("quiet needs headless")
            << QStringList{QStringLiteral("--quiet")} << int(CommandLine::Action::Error);
    }
    void actions()
    {
        QFETCH(QStringList, args);
        QFETCH(int, action);
        const CommandLine cl = parseCommandLine(QStringList{QStringLiteral("poollab")} + args);
        QCOMPARE(int(cl.action), action);
    }

    void outputs()
    {
        const CommandLine cl = parse(QStringLiteral(
            "--csv a.csv --summary-csv s.csv --summary-json - --quiet --save-scenario x.json"));
        QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
        QCOMPARE(cl.csvPath, QStringLiteral("a.csv"));
        QCOMPARE(cl.summaryCsvPath, QStringLiteral("s.csv"));
        QCOMPARE(cl.summaryJsonPath, QStringLiteral("-"));
        QCOMPARE(cl.saveScenarioPath, QStringLiteral("x.json"));
        QVERIFY(cl.quiet);
    }

    // Run history: --record and --run-name with --headless; --runs-db for the window too.
    void runFlags()
    {
        CommandLine cl = parse(QStringLiteral("--record --run-name before --runs-db r.sqlite"));
        QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
        QVERIFY(cl.record);
        QCOMPARE(cl.runName, QStringLiteral("before"));
        QCOMPARE(cl.runsDbPath, QStringLiteral("r.sqlite"));
        cl = parseCommandLine(
            {QStringLiteral("poollab"), QStringLiteral("--runs-db"), QStringLiteral("w.sqlite")});
        QVERIFY2(cl.action == CommandLine::Action::Window, qPrintable(cl.error));
        QCOMPARE(cl.runsDbPath, QStringLiteral("w.sqlite"));
        QVERIFY(!cl.record);
    }

    // poollab runs VERB: the verb, its ids in order and its flags.
    void runsSubcommands()
    {
        const auto runs = [](const char* text) {
            return parseCommandLine(QStringList{QStringLiteral("poollab"), QStringLiteral("runs")} +
                                    QString::fromLatin1(text).split(QLatin1Char(' ')));
        };
        CommandLine cl = runs("compare 3 1 2 --json --runs-db x.sqlite");
        QVERIFY2(cl.action == CommandLine::Action::Runs, qPrintable(cl.error));
        QCOMPARE(cl.runsVerb, QStringLiteral("compare"));
        QCOMPARE(cl.runIds, (std::vector<std::int64_t>{3, 1, 2}));
        QVERIFY(cl.runsJson);
        QCOMPARE(cl.runsDbPath, QStringLiteral("x.sqlite"));
        cl = runs("export 7 --summary-csv s.csv");
        QVERIFY2(cl.action == CommandLine::Action::Runs, qPrintable(cl.error));
        QCOMPARE(cl.runIds, std::vector<std::int64_t>{7});
        QCOMPARE(cl.summaryCsvPath, QStringLiteral("s.csv"));
        QVERIFY(cl.csvPath.isEmpty());
        cl = runs("--help");
        QCOMPARE(cl.runsVerb, QStringLiteral("help"));
        QVERIFY(cl.helpText.startsWith(QStringLiteral("Usage: poollab runs VERB")));
        // Errors exit 2 like every usage error.
        for (const char* bad :
             {"list 1", "show", "delete 1 2", "show 1 --csv a.csv", "export 1 --json --csv a",
              "list --runs-db x --runs-db y", "show 0", "show -- -3"}) {
            cl = runs(bad);
            QVERIFY2(cl.action == CommandLine::Action::Error, bad);
        }
        QCOMPARE(runs("list 1").error,
                 QStringLiteral("runs list takes no run id, not 1 (see poollab runs --help)"));
        QCOMPARE(runs("show 1 --csv a.csv").error, QStringLiteral("runs show: --csv is for runs export"));
    }

    // Each field's entry in --help, under its group's heading, holds the table's help
    // (range and default).
    void helpDocumentsEveryField_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("group");
        QTest::addColumn<QString>("text");
        for (const ScenarioField& f : scenarioFields()) {
            const QString flag =
                cliFlagName(f) == QLatin1String("time-mode") ? QStringLiteral("time") : cliFlagName(f);
            QTest::newRow(f.key) << flag << QString::fromUtf8(f.group) << fieldHelpText(f);
        }
        QTest::newRow("backoff") << "backoff"
                                 << "Failures & retries"
                                 << "Sets --backoff-base and --backoff-cap at once, BASE <= CAP. Default: "
                                    "exp(100ms,10s).";
        QTest::newRow("time alias") << "time"
                                    << "Run"
                                    << "Also accepted as --time-mode.";
        QTest::newRow("rate spellings") << "rate"
                                        << "Arrivals"
                                        << "In jobs/s, also written 50/s, or 3000/m per minute.";
        QTest::newRow("preset") << "preset"
                                << "Scenario source"
                                << "Start from a built-in preset (see --list-presets); the flags below "
                                   "override it.";
    }
    void helpDocumentsEveryField()
    {
        QFETCH(QString, flag);
        QFETCH(QString, group);
        QFETCH(QString, text);
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        QVERIFY(cl.action == CommandLine::Action::Help);
        // The option's own entry: its line and the indented lines under it; and the
        // heading (an unindented "Group:" line) above it.
        QString entry;
        QString heading;
        for (const QString& line : cl.helpText.split(QLatin1Char('\n'))) {
            if (!entry.isEmpty() && !line.startsWith(QLatin1String("      ")))
                break;
            if (!entry.isEmpty())
                entry += QLatin1Char(' ') + line;
            else if (line.startsWith(QStringLiteral("  --") + flag + QLatin1Char(' ')) ||
                     line == QStringLiteral("  --") + flag)
                entry = line;
            else if (line.endsWith(QLatin1Char(':')) && !line.startsWith(QLatin1Char(' ')))
                heading = line.chopped(1);
        }
        QVERIFY2(!entry.isEmpty(), qPrintable(flag));
        QCOMPARE(heading, group);
        QVERIFY2(entry.simplified().contains(text.simplified()), qPrintable(entry.simplified()));
    }

    // docs/CLI.md is the reference: every flag --help shows is documented there.
    void docsListEveryFlag()
    {
        QFile doc(QStringLiteral(POOLLAB_SOURCE_DIR "/docs/CLI.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(doc.readAll());
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        int flags = 0;
        for (const QString& line : cl.helpText.split(QLatin1Char('\n'))) {
            if (!line.startsWith(QLatin1String("  --")))
                continue;
            const QString flag = line.mid(2).section(QLatin1Char(' '), 0, 0).remove(QLatin1Char(','));
            ++flags;
            QVERIFY2(text.contains(QStringLiteral("`") + flag), qPrintable(flag));
        }
        // The table, --backoff and 32 others (--pace, --theme, --tab, --grab, --grab-at, --record,
        // --run-name, --runs-db, --trace, --trace-limit, --hdr, --hdr-kind and the five
        // experiment flags among them).
        QCOMPARE(flags, int(scenarioFields().size()) + 34);
    }

    // --sweep-csv's entry names every kind of column the file has (docs/CSV.md), the
    // observed counts included; the man page is made from the same text.
    void helpNamesTheSweepCsvColumns()
    {
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        const qsizetype at = cl.helpText.indexOf(QStringLiteral("--sweep-csv"));
        QVERIFY(at >= 0);
        // The entry runs to the next option.
        const QString entry =
            cl.helpText.mid(at, cl.helpText.indexOf(QStringLiteral("\n  -"), at) - at).simplified();
        for (const char* column : {"mean", "low", "high", "theory", "KEY.observed", "--warmup"})
            QVERIFY2(entry.contains(QLatin1String(column)), qPrintable(entry));
    }

    // --help opens with what PoolLab is (not Qt's usage line) and the version.
    void helpStartsWithWhatPoolLabIs()
    {
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        QCOMPARE(cl.helpText.section(QLatin1Char('\n'), 0, 0),
                 QStringLiteral("PoolLab " POOLLAB_VERSION
                                ": build a worker pool, throw load at it, watch it behave."));
    }

    // The man page is generated from the same table: every option of --help has an
    // entry (.TP, then the option in bold) followed by its help text, in the same order.
    void manPageHasEveryOption()
    {
        const QString page = manPageText();
        QVERIFY(page.startsWith(QStringLiteral(".TH POOLLAB 1 \"\" \"PoolLab " POOLLAB_VERSION "\"")));
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        qsizetype at = 0;
        int options = 0;
        for (const QString& line : cl.helpText.split(QLatin1Char('\n'))) {
            if (!line.startsWith(QLatin1String("  --")))
                continue;
            const QString flag = line.mid(4).section(QLatin1Char(' '), 0, 0).remove(QLatin1Char(','));
            const QString entry = QStringLiteral(".TP\n\\fB\\-\\-") +
                                  QString(flag).replace(QLatin1Char('-'), QStringLiteral("\\-")) +
                                  QStringLiteral("\\fR");
            const qsizetype found = page.indexOf(entry, at);
            QVERIFY2(found >= 0, qPrintable(flag));
            at = found + entry.size();
            ++options;
        }
        QVERIFY(options > int(scenarioFields().size())); // the table and the other options
        // A help text as roff: the workers field's, with its range and default.
        const ScenarioField* workers = findScenarioField(u"workers");
        QVERIFY(workers);
        QVERIFY(page.contains(fieldHelpText(*workers).replace(QLatin1Char('-'), QStringLiteral("\\-"))));
        QVERIFY(page.contains(QStringLiteral(".SH EXIT STATUS\n")));
    }
    // `poollab runs` and `poollab lesson` share their start (SubcommandParser): a parse
    // error, --help, a flag given twice, no verb and an unknown verb read the same for
    // both, each naming its own subcommand; a good verb is read whole.
    void subcommandsShareTheirStart_data()
    {
        QTest::addColumn<QString>("args");
        QTest::addColumn<QString>("error"); // empty: no error
        QTest::addColumn<QString>("verb");
        for (const QString& sub : {QStringLiteral("runs"), QStringLiteral("lesson")}) {
            const bool runs = sub == QLatin1String("runs");
            const QString file = runs ? QStringLiteral("--csv") : QStringLiteral("--answers");
            const QString verbs = runs ? QStringLiteral("list, show, export, compare, delete")
                                       : QStringLiteral("list, show, check");
            QTest::addRow("%s unknown flag", qPrintable(sub))
                << sub + QStringLiteral(" list --bogus")
                << sub + QStringLiteral(": Unknown option 'bogus'. (see poollab %1 --help)").arg(sub)
                << QString();
            QTest::addRow("%s help", qPrintable(sub))
                << sub + QStringLiteral(" --help") << QString() << QStringLiteral("help");
            QTest::addRow("%s -h", qPrintable(sub))
                << sub + QStringLiteral(" show -h") << QString() << QStringLiteral("help");
            QTest::addRow("%s twice", qPrintable(sub))
                << sub + QStringLiteral(" list %1 a %1 b").arg(file)
                << QStringLiteral("%1 is given 2 times: give it once").arg(file) << QString();
            QTest::addRow("%s no verb", qPrintable(sub))
                << sub + QStringLiteral(" --json")
                << QStringLiteral("%1: a subcommand is needed: %2 (see poollab %1 --help)").arg(sub, verbs)
                << QString();
            QTest::addRow("%s unknown verb", qPrintable(sub))
                << sub + QStringLiteral(" frobnicate")
                << QStringLiteral("%1: unknown subcommand 'frobnicate'; allowed: %2").arg(sub, verbs)
                << QString();
            QTest::addRow("%s list", qPrintable(sub))
                << sub + QStringLiteral(" list --json") << QString() << QStringLiteral("list");
        }
    }
    void subcommandsShareTheirStart()
    {
        QFETCH(QString, args);
        QFETCH(QString, error);
        QFETCH(QString, verb);
        const QStringList words = args.split(QLatin1Char(' '));
        const CommandLine cl = parseCommandLine(QStringList{QStringLiteral("poollab")} + words);
        const bool runs = words.first() == QLatin1String("runs");
        QVERIFY(!cl.helpText.isEmpty());
        if (!error.isEmpty()) {
            QCOMPARE(cl.action, CommandLine::Action::Error);
            QCOMPARE(cl.error, error);
            return;
        }
        QCOMPARE(cl.action, runs ? CommandLine::Action::Runs : CommandLine::Action::Lesson);
        QCOMPARE(runs ? cl.runsVerb : cl.lessonVerb, verb);
        if (verb == QLatin1String("list"))
            QVERIFY(cl.runsJson);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
