// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"

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

    void timeMode()
    {
        QCOMPARE(static_cast<int>(parse(QString()).scenario.timeMode), static_cast<int>(TimeMode::Real));
        const CommandLine cl = parse(QStringLiteral("--time-mode virtual"));
        QVERIFY(cl.action == CommandLine::Action::Headless);
        QCOMPARE(static_cast<int>(cl.scenario.timeMode), static_cast<int>(TimeMode::Virtual));
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
        QTest::addColumn<QString>("expected"); // a part of the message
        QTest::newRow("arrival") << "--arrival often"
                                 << "--arrival: 'often' is out of range; allowed: burst, constant";
        QTest::newRow("rate word") << "--rate fast"
                                   << "--rate: 'fast' is out of range; allowed: a rate from 0/s to 1000000/s";
        QTest::newRow("rate zero constant") << "--arrival constant --rate 0"
                                            << "--rate: '0' is out of range; allowed: above 0";
        QTest::newRow("rate too high") << "--rate 2000000/s"
                                       << "--rate: '2000000/s'";
        QTest::newRow("latency") << "--latency exp(5)"
                                 << "accepted forms: 500ms, uniform(100ms,900ms)";
        QTest::newRow("failure rate")
            << "--failure-rate 1.01"
            << "--failure-rate: '1.01' is out of range; allowed: a number from 0 to 1";
        QTest::newRow("timeout") << "--timeout 5"
                                 << "--timeout: '5' is out of range; allowed: a duration from 0ms to 1h";
        QTest::newRow("max attempts")
            << "--max-attempts 101"
            << "--max-attempts: '101' is out of range; allowed: a whole number from 1 to 100";
        QTest::newRow("backoff order") << "--backoff exp(2s,1s)"
                                       << "--backoff: backoff 'exp(2s,1s)': BASE is longer than CAP";
        QTest::newRow("backoff form") << "--backoff 100ms"
                                      << "expected exp(BASE,CAP)";
        QTest::newRow("jitter")
            << "--jitter some"
            << "--jitter: 'some' is out of range; allowed: none, full, equal, decorrelated";
        QTest::newRow("rate limit") << "--rate-limit -1"
                                    << "--rate-limit: '-1' is out of range";
        QTest::newRow("burst") << "--burst 0"
                               << "--burst: '0' is out of range; allowed: a whole number from 1 to 1000000";
        QTest::newRow("seed") << "--seed x"
                              << "--seed: 'x' is out of range; allowed: a whole number from 0 to";
        QTest::newRow("clients")
            << "--clients 0"
            << "--clients: '0' is out of range; allowed: a whole number from 1 to 100000";
        QTest::newRow("think time") << "--think-time 2h"
                                    << "--think-time: '2h' is out of range";
        QTest::newRow("ramp duration") << "--ramp-duration 25h"
                                       << "--ramp-duration: '25h' is out of range";
        QTest::newRow("spike start") << "--spike-start soon"
                                     << "--spike-start: 'soon'";
        QTest::newRow("spike duration") << "--spike-duration -1s"
                                        << "--spike-duration: '-1s'";
        QTest::newRow("spike rate") << "--spike-rate 1e9"
                                    << "--spike-rate: '1e9'";
        QTest::newRow("rate end") << "--rate-end x/s"
                                  << "--rate-end: 'x/s'";
        QTest::newRow("duration") << "--duration 2d"
                                  << "--duration: '2d' is out of range";
        QTest::newRow("no limit") << "--jobs 0"
                                  << "--jobs and --duration are both 0";
        QTest::newRow("burst needs jobs") << "--jobs 0 --duration 1s"
                                          << "--arrival burst submits --jobs at once";
        QTest::newRow("time mode") << "--time-mode fast"
                                   << "--time-mode: 'fast' is out of range; allowed: real, virtual";
        QTest::newRow("ramp of zeros") << "--arrival ramp --rate 0 --rate-end 0"
                                       << "a ramp needs one of them above 0";
    }
    void badValues()
    {
        QFETCH(QString, args);
        QFETCH(QString, expected);
        const CommandLine cl = parse(args);
        QVERIFY(cl.action == CommandLine::Action::Error);
        QVERIFY2(cl.error.contains(expected), qPrintable(cl.error));
    }

    void helpDocumentsEveryFlag_data()
    {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("rangeOrDefault");
        QTest::newRow("arrival") << "--arrival"
                                 << "Default burst.";
        QTest::newRow("rate") << "--rate"
                              << "Default 100/s.";
        QTest::newRow("duration") << "--duration"
                                  << "0..24h";
        QTest::newRow("latency") << "--latency"
                                 << "Default 50ms.";
        QTest::newRow("failure-rate") << "--failure-rate"
                                      << "0..1. Default 0.";
        QTest::newRow("timeout") << "--timeout"
                                 << "0..1h";
        QTest::newRow("max-attempts") << "--max-attempts"
                                      << "1..100";
        QTest::newRow("backoff") << "--backoff"
                                 << "Default exp(100ms,10s).";
        QTest::newRow("jitter") << "--jitter"
                                << "Default full.";
        QTest::newRow("rate-limit") << "--rate-limit"
                                    << "Default off.";
        QTest::newRow("burst") << "--burst"
                               << "1..1000000. Default 1.";
        QTest::newRow("seed") << "--seed"
                              << "Default 1.";
        QTest::newRow("rate-end") << "--rate-end"
                                  << "Default 100/s.";
        QTest::newRow("ramp-duration") << "--ramp-duration"
                                       << "Default 10s.";
        QTest::newRow("spike-rate") << "--spike-rate"
                                    << "Default 1000/s.";
        QTest::newRow("spike-start") << "--spike-start"
                                     << "Default 5s.";
        QTest::newRow("spike-duration") << "--spike-duration"
                                        << "Default 2s.";
        QTest::newRow("clients") << "--clients"
                                 << "1..100000. Default 10.";
        QTest::newRow("think-time") << "--think-time"
                                    << "Default 0ms.";
    }
    void helpDocumentsEveryFlag()
    {
        QFETCH(QString, flag);
        QFETCH(QString, rangeOrDefault);
        const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--help")});
        QVERIFY(cl.action == CommandLine::Action::Help);
        // The option's own entry: its line and the wrapped lines under it, up to the next option.
        const QStringList lines = cl.helpText.split(QLatin1Char('\n'));
        QString entry;
        for (const QString& line : lines) {
            if (line.startsWith(QLatin1String("  --"))) {
                if (!entry.isEmpty())
                    break;
                if (line.startsWith(QLatin1String("  ") + flag + QLatin1Char(' ')))
                    entry = line;
            } else if (!entry.isEmpty()) {
                entry += line;
            }
        }
        QVERIFY2(!entry.isEmpty(), qPrintable(flag));
        QVERIFY2(entry.simplified().contains(rangeOrDefault), qPrintable(entry.simplified()));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
