// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/pool.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QDir>
#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

using namespace poollab;

namespace {

// Every member set away from its default, so a field the file format forgets shows.
Scenario everyFieldChanged()
{
    Scenario s;
    s.name = "Täst, \"quoted\" \\ name";
    s.description = "Line one\nline two\twith tab and ünïcode ✓";
    s.workers = 17;
    s.queueCapacity = 0;
    s.overflow = OverflowPolicy::DropOldest;
    s.jobKind = JobKind::Cpu;
    s.latency = "bimodal(20ms,2s,0.01)";
    s.arrival = ArrivalKind::Spike;
    s.rate = 123.456789012345;
    s.rateEnd = 0.1;
    s.rampDuration = 1500 * kMilli;
    s.spikeRate = 999999.5;
    s.spikeStart = 250 * kMicro;
    s.spikeDuration = 3 * 60 * kSecond;
    s.clients = 33;
    s.thinkTime = 7 * kMilli;
    s.jobs = 1'000'000'000;
    s.duration = 2 * 3600 * kSecond;
    s.failureRate = 1e-7;
    s.timeout = 750 * kMilli;
    s.maxAttempts = 100;
    s.backoffBase = 3 * kMilli;
    s.backoffCap = 45 * kSecond;
    s.jitter = Jitter::Decorrelated;
    s.rateLimit = 12.5;
    s.burst = 1'000'000;
    s.seed = 9007199254740991ull;
    s.timeMode = TimeMode::Virtual;
    s.sampleInterval = 250 * kMilli;
    return s;
}

void compareScenarios(const Scenario& a, const Scenario& b)
{
    QCOMPARE(a.name, b.name);
    QCOMPARE(a.description, b.description);
    QCOMPARE(a.workers, b.workers);
    QCOMPARE(a.queueCapacity, b.queueCapacity);
    QCOMPARE(int(a.overflow), int(b.overflow)); // poollab::toString hides QTest's
    QCOMPARE(int(a.jobKind), int(b.jobKind));   // poollab::toString hides QTest's
    QCOMPARE(a.latency, b.latency);
    QCOMPARE(int(a.arrival), int(b.arrival)); // poollab::toString hides QTest's
    QCOMPARE(a.rate, b.rate);                 // exact: doubles must survive bit for bit
    QCOMPARE(a.rateEnd, b.rateEnd);
    QCOMPARE(a.rampDuration, b.rampDuration);
    QCOMPARE(a.spikeRate, b.spikeRate);
    QCOMPARE(a.spikeStart, b.spikeStart);
    QCOMPARE(a.spikeDuration, b.spikeDuration);
    QCOMPARE(a.clients, b.clients);
    QCOMPARE(a.thinkTime, b.thinkTime);
    QCOMPARE(a.jobs, b.jobs);
    QCOMPARE(a.duration, b.duration);
    QCOMPARE(a.failureRate, b.failureRate);
    QCOMPARE(a.timeout, b.timeout);
    QCOMPARE(a.maxAttempts, b.maxAttempts);
    QCOMPARE(a.backoffBase, b.backoffBase);
    QCOMPARE(a.backoffCap, b.backoffCap);
    QCOMPARE(int(a.jitter), int(b.jitter)); // poollab::toString hides QTest's
    QCOMPARE(a.rateLimit, b.rateLimit);
    QCOMPARE(a.burst, b.burst);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(int(a.timeMode), int(b.timeMode)); // poollab::toString hides QTest's
    QCOMPARE(a.sampleInterval, b.sampleInterval);
}

const QByteArray kHead = "{\n  \"format\": \"poollab-scenario/1\",\n";

} // namespace

class TestScenarioFile : public QObject
{
    Q_OBJECT

private slots:
    void tableHasTheIssueKeys()
    {
        QStringList keys;
        for (const ScenarioField& f : scenarioFields())
            keys << QString::fromLatin1(f.key);
        const QStringList expected =
            QStringLiteral("name description workers queue_capacity overflow job_kind latency "
                           "arrival rate rate_end ramp_duration spike_rate spike_start "
                           "spike_duration clients think_time jobs duration failure_rate timeout "
                           "max_attempts backoff_base backoff_cap jitter rate_limit burst seed "
                           "time_mode sample_interval")
                .split(QLatin1Char(' '));
        QCOMPARE(keys, expected);
        QCOMPARE(cliFlagName(*findScenarioField(u"queue_capacity")), QStringLiteral("queue-capacity"));
        QVERIFY(findScenarioField(u"queue-capacity") == nullptr);
    }

    void rangesMatchTheEngine()
    {
        const ScenarioField* workers = findScenarioField(u"workers");
        QCOMPARE(workers->min, 1.0);
        QCOMPARE(workers->max, double(Scenario::kMaxVirtualWorkers));
        const ScenarioField* capacity = findScenarioField(u"queue_capacity");
        QCOMPARE(capacity->min, 0.0);
        QCOMPARE(capacity->max, double(PoolConfig::kMaxQueueCapacity));
        QCOMPARE(allowedText(*workers), QStringLiteral("a whole number from 1 to 100000"));
        QCOMPARE(allowedText(*findScenarioField(u"overflow")),
                 QStringLiteral("one of: block, reject, drop-oldest"));
        QCOMPARE(allowedText(*findScenarioField(u"timeout")),
                 QStringLiteral("a duration from 0ms to 1h with a unit (us, ms, s, m, h), e.g. \"50ms\""));
        QCOMPARE(allowedText(*findScenarioField(u"failure_rate")), QStringLiteral("a number from 0 to 1"));
        QCOMPARE(fieldHelpText(*workers),
                 QStringLiteral(
                     "Worker count: how many jobs run at once (real threads: up to 4096; virtual time: up "
                     "to 100000). Allowed: a whole "
                     "number from 1 to 100000. Default: 4."));
        QCOMPARE(fieldHelpText(*findScenarioField(u"name")),
                 QStringLiteral("A short title for the scenario. Allowed: text of at most 200 characters."));
        for (const ScenarioField& f : scenarioFields())
            QVERIFY2(QByteArray(f.help).endsWith('.'), f.key); // fieldHelpText() appends sentences
    }

    void defaultsAreValid()
    {
        QCOMPARE(validateScenario(Scenario{}), QString());
        for (const ScenarioField& f : scenarioFields()) {
            QString why;
            QVERIFY2(checkFieldValue(f, f.get(Scenario{}), &why), f.key);
        }
    }

    void roundTripEveryField()
    {
        const Scenario original = everyFieldChanged();
        QCOMPARE(validateScenario(original), QString());
        const QByteArray json = scenarioToJson(original);
        Scenario loaded;
        QString error;
        QVERIFY2(scenarioFromJson(json, loaded, &error), qPrintable(error));
        compareScenarios(loaded, original);
        QCOMPARE(scenarioToJson(loaded), json); // stable: saving again changes nothing

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        QVERIFY2(saveScenarioFile(path, original, &error), qPrintable(error));
        Scenario fromFile;
        QVERIFY2(loadScenarioFile(path, fromFile, &error), qPrintable(error));
        compareScenarios(fromFile, original);
    }

    void savedFileIsReadable()
    {
        Scenario s;
        s.rate = 1'000'000;
        s.failureRate = 0.25;
        const QByteArray json = scenarioToJson(s);
        QVERIFY(json.startsWith("{\n  \"format\": \"poollab-scenario/1\",\n  \"name\": \"\",\n"));
        QVERIFY(json.contains("\n  \"rate\": 1000000,\n"));
        QVERIFY(json.contains("\n  \"failure_rate\": 0.25,\n"));
        QVERIFY(json.contains("\n  \"backoff_cap\": \"10s\",\n"));
        QVERIFY(json.contains("\n  \"overflow\": \"block\",\n"));
        QVERIFY(json.endsWith("\"sample_interval\": \"1s\"\n}\n"));
    }

    void absentKeysKeepTheirValues()
    {
        Scenario s = everyFieldChanged();
        QString error;
        QVERIFY2(scenarioFromJson(kHead + "  \"workers\": 3\n}", s, &error), qPrintable(error));
        QCOMPARE(s.workers, 3);
        Scenario expected = everyFieldChanged();
        expected.workers = 3;
        compareScenarios(s, expected);
    }

    void badFiles_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        // Line 3 lacks its comma: Qt stops just inside the next key, on line 4.
        QTest::newRow("malformed: missing comma")
            << kHead + "  \"workers\": 4\n  \"jobs\": 10\n}"
            << QStringLiteral("t.json:4:4: malformed JSON: unterminated object");
        QTest::newRow("malformed: unterminated string")
            << QByteArray("{\n  \"format\": \"poollab-scenario/1\n}")
            << QStringLiteral("t.json:3:2: malformed JSON: unterminated string");
        QTest::newRow("malformed: column counts characters")
            << QByteArray("{ \"name\": \"äöü\" x }")
            << QStringLiteral("t.json:1:18: malformed JSON: unterminated object");
        QTest::newRow("empty file") << QByteArray()
                                    << QStringLiteral("t.json:1:1: malformed JSON: illegal value");
        QTest::newRow("not an object")
            << QByteArray("[1, 2]")
            << QStringLiteral("t.json:1:1: expected a JSON object { ... } holding the scenario");
        QTest::newRow("wrong type: string for integer")
            << kHead + "  \"workers\": \"four\"\n}"
            << QStringLiteral(
                   "t.json:3:3: 'workers': expected a number, got a string; allowed: a whole number "
                   "from 1 to 100000");
        QTest::newRow("wrong type: fraction for integer")
            << kHead + "  \"workers\": 2.5\n}"
            << QStringLiteral(
                   "t.json:3:3: 'workers': 2.5 is not a whole number; allowed: a whole number from 1 "
                   "to 100000");
        QTest::newRow("wrong type: number for duration")
            << kHead + "  \"timeout\": 5\n}"
            << QStringLiteral(
                   "t.json:3:3: 'timeout': expected a string such as \"500ms\", got a number; "
                   "allowed: a duration from 0ms to 1h with a unit (us, ms, s, m, h), e.g. \"50ms\"");
        QTest::newRow("wrong type: null")
            << kHead + "  \"rate\": null\n}"
            << QStringLiteral(
                   "t.json:3:3: 'rate': expected a number, got null; allowed: 0, or a number from 0.001 to "
                   "1000000");
        QTest::newRow("wrong type: bool for choice")
            << kHead + "  \"overflow\": true\n}"
            << QStringLiteral(
                   "t.json:3:3: 'overflow': expected a string, got true/false; allowed: one of: block, "
                   "reject, drop-oldest");
        QTest::newRow("out of range: workers 0")
            << kHead + "  \"workers\": 0\n}"
            << QStringLiteral(
                   "t.json:3:3: 'workers': 0 is out of range; allowed: a whole number from 1 to 100000");
        QTest::newRow("out of range: huge integer")
            << kHead + "  \"queue_capacity\": 1e300\n}"
            << QStringLiteral("t.json:3:3: 'queue_capacity': 1e+300 is out of range; allowed: a whole number "
                              "from 0 to 10000000");
        QTest::newRow("out of range: failure_rate")
            << kHead + "  \"failure_rate\": 1.5\n}"
            << QStringLiteral(
                   "t.json:3:3: 'failure_rate': 1.5 is out of range; allowed: a number from 0 to 1");
        QTest::newRow("out of range: negative rate")
            << kHead + "  \"rate\": -1\n}"
            << QStringLiteral(
                   "t.json:3:3: 'rate': -1 is out of range; allowed: 0, or a number from 0.001 to 1000000");
        QTest::newRow("out of range: sample_interval")
            << kHead + "  \"sample_interval\": \"1ms\"\n}"
            << QStringLiteral(
                   "t.json:3:3: 'sample_interval': 1ms is out of range; allowed: a duration from 10ms "
                   "to 1h with a unit (us, ms, s, m, h), e.g. \"50ms\"");
        QTest::newRow("bad duration")
            << kHead + "  \"think_time\": \"5 seconds\"\n}"
            << QStringLiteral(
                   "t.json:3:3: 'think_time': \"5 seconds\" is not a duration; allowed: a duration "
                   "from 0ms to 1h with a unit (us, ms, s, m, h), e.g. \"50ms\"");
        QTest::newRow("bad choice")
            << kHead + "  \"overflow\": \"drop\"\n}"
            << QStringLiteral(
                   "t.json:3:3: 'overflow': \"drop\" is not allowed; allowed: one of: block, reject, "
                   "drop-oldest");
        QTest::newRow("text too long")
            << kHead + "  \"name\": \"" + QByteArray(201, 'x') + "\"\n}"
            << QStringLiteral(
                   "t.json:3:3: 'name': text of 201 characters is out of range; allowed: text of at "
                   "most 200 characters");
        QTest::newRow("unknown key with suggestion")
            << kHead + "  \"worker\": 4\n}"
            << QStringLiteral("t.json:3:3: unknown key 'worker' (did you mean 'workers'?)");
        QTest::newRow("unknown key spelled like a flag")
            << kHead + "  \"queue-capacity\": 4\n}"
            << QStringLiteral("t.json:3:3: unknown key 'queue-capacity' (did you mean 'queue_capacity'?)");
        QTest::newRow("unknown key without suggestion")
            << kHead + "  \"colour\": \"blue\"\n}" << QStringLiteral("t.json:3:3: unknown key 'colour'");
        QTest::newRow("unknown nested key is still one key")
            << kHead + "  \"extra\": {\"workers\": 1}\n}"
            << QStringLiteral("t.json:3:3: unknown key 'extra'");
        QTest::newRow("repeated key") << kHead + "  \"workers\": 4,\n  \"workers\": 5\n}"
                                      << QStringLiteral("t.json:4:3: key 'workers' appears more than once");
        QTest::newRow("wrong format tag")
            << QByteArray("{\"format\": \"poollab-scenario/2\", \"workers\": 4}")
            << QStringLiteral("t.json:1:2: 'format': \"poollab-scenario/2\" is not supported; expected "
                              "\"poollab-scenario/1\"");
        QTest::newRow("format of the wrong type")
            << QByteArray("{\"workers\": 4, \"format\": 1}")
            << QStringLiteral(
                   "t.json:1:16: 'format': a number is not supported; expected \"poollab-scenario/1\"");
        QTest::newRow("missing format tag")
            << QByteArray("{\"workers\": 4}")
            << QStringLiteral("t.json:1:1: missing key 'format': a scenario file starts with \"format\": "
                              "\"poollab-scenario/1\"");
        QTest::newRow("no way to end the run")
            << kHead + "  \"jobs\": 0,\n  \"duration\": \"0ms\"\n}"
            << QStringLiteral(
                   "t.json: 'jobs' and 'duration' are both 0: set at least one of them (jobs: a whole "
                   "number from 1 to 1000000000, or duration: e.g. \"30s\")");
        QTest::newRow("more workers than real threads allow")
            << kHead + "  \"workers\": 5000,\n  \"time_mode\": \"real\"\n}"
            << QStringLiteral("t.json: 'workers' is 5000: real threads allow up to 4096; set 'time_mode' "
                              "virtual for up to 100000");
        QTest::newRow("burst without a job count")
            << kHead + "  \"arrival\": \"burst\",\n  \"jobs\": 0,\n  \"duration\": \"10s\"\n}"
            << QStringLiteral(
                   "t.json: 'arrival' burst submits 'jobs' at once: 'jobs' must be a whole number from 1 "
                   "to 1000000000");
        QTest::newRow("constant rate 0")
            << kHead + "  \"arrival\": \"constant\",\n  \"rate\": 0\n}"
            << QStringLiteral(
                   "t.json: 'rate' is 0: 'arrival' constant needs a rate from 0.001 to 1000000 jobs/s");
        QTest::newRow("poisson rate 0")
            << kHead + "  \"arrival\": \"poisson\",\n  \"rate\": 0\n}"
            << QStringLiteral(
                   "t.json: 'rate' is 0: 'arrival' poisson needs a rate from 0.001 to 1000000 jobs/s");
        QTest::newRow("ramp from 0 to 0")
            << kHead + "  \"arrival\": \"ramp\",\n  \"rate\": 0,\n  \"rate_end\": 0\n}"
            << QStringLiteral(
                   "t.json: 'rate' and 'rate_end' are both 0: 'arrival' ramp needs one of them from 0.001 "
                   "to 1000000 jobs/s");
        QTest::newRow("spike of zeros")
            << kHead + "  \"arrival\": \"spike\",\n  \"rate\": 0,\n  \"spike_rate\": 0\n}"
            << QStringLiteral("t.json: 'rate' and 'spike_rate' are both 0: 'arrival' spike needs one of "
                              "them from 0.001 to 1000000 jobs/s");
        // Issue #19 case 7: below the minimum rate, in a file as on the command line.
        QTest::newRow("tiny rate")
            << kHead + "  \"rate\": 1e-12\n}"
            << QStringLiteral("t.json:3:3: 'rate': 1e-12 is out of range; allowed: 0, or a number from "
                              "0.001 to 1000000");
        QTest::newRow("tiny rate limit")
            << kHead + "  \"rate_limit\": 0.0009\n}"
            << QStringLiteral("t.json:3:3: 'rate_limit': 0.0009 is out of range; allowed: 0, or a number "
                              "from 0.001 to 1000000");
        // Issue #19 case 8: the engines clamped it quietly.
        QTest::newRow("backoff base over cap")
            << kHead + "  \"backoff_base\": \"5s\",\n  \"backoff_cap\": \"1s\"\n}"
            << QStringLiteral("t.json: 'backoff_base' (5s) is longer than 'backoff_cap' (1s): the base must "
                              "be at most the cap");
        // Issue #19 case 10: Qt's own words ("unterminated object", "missing name
        // separator") named the wrong problem.
        QTest::newRow("leading zero")
            << kHead + "  \"workers\": 01\n}"
            << QStringLiteral("t.json:3:14: malformed JSON: the number 01 has a leading zero, which JSON "
                              "does not allow; write 1");
        QTest::newRow("negative leading zero")
            << kHead + "  \"rate\": -007.5\n}"
            << QStringLiteral("t.json:3:11: malformed JSON: the number -007.5 has a leading zero, which "
                              "JSON does not allow; write -7.5");
        QTest::newRow("invalid UTF-8 in a key")
            << kHead + "  \"wor\xff\xfekers\": 4\n}"
            << QStringLiteral("t.json:3:7: the file is not valid UTF-8 (byte 0xFF); save it as UTF-8");
        QTest::newRow("invalid UTF-8 in a value")
            << kHead + "  \"name\": \"caf\xe9\"\n}"
            << QStringLiteral("t.json:3:15: the file is not valid UTF-8 (byte 0xE9); save it as UTF-8");
        QTest::newRow("huge bad duration is cut")
            << kHead + "  \"think_time\": \"" + QByteArray(5000, '9') + "\"\n}"
            << QStringLiteral("t.json:3:3: 'think_time': \"%1…\" is not a duration; allowed: a duration from "
                              "0ms to 1h with a unit (us, ms, s, m, h), e.g. \"50ms\"")
                   .arg(QString(40, QLatin1Char('9')));
        QTest::newRow("huge bad choice is cut")
            << kHead + "  \"overflow\": \"" + QByteArray(5000, 'b') + "\"\n}"
            << QStringLiteral("t.json:3:3: 'overflow': \"%1…\" is not allowed; allowed: one of: block, "
                              "reject, drop-oldest")
                   .arg(QString(40, QLatin1Char('b')));
        QTest::newRow("huge unknown key is cut")
            << kHead + "  \"" + QByteArray(100, 'k') + "\": 4\n}"
            << QStringLiteral("t.json:3:3: unknown key '") + QString(40, QLatin1Char('k')) +
                   QStringLiteral("…' (100 characters)");
        QTest::newRow("every problem is listed")
            << QByteArray("{\"format\": \"x\",\n\"workers\": 0,\n\"jobz\": 1}")
            << QStringLiteral(
                   "t.json:1:2: 'format': \"x\" is not supported; expected \"poollab-scenario/1\"\n"
                   "t.json:2:1: 'workers': 0 is out of range; allowed: a whole number from 1 to 100000\n"
                   "t.json:3:1: unknown key 'jobz' (did you mean 'jobs'?)");
    }

    void badFiles()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        Scenario s = everyFieldChanged();
        QString actual;
        QVERIFY(!scenarioFromJson(json, s, &actual, QStringLiteral("t.json")));
        QCOMPARE(actual, error);
        compareScenarios(s, everyFieldChanged()); // a failed load changes nothing
    }

    void crossChecksAllowWhatIsWellDefined()
    {
        Scenario s;
        QString error;
        QVERIFY2(scenarioFromJson(kHead + "  \"arrival\": \"ramp\",\n  \"rate\": 0,\n  \"rate_end\": 50,\n"
                                          "  \"backoff_base\": \"0ms\",\n  \"backoff_cap\": \"0ms\",\n"
                                          "  \"jobs\": 0,\n  \"duration\": \"10s\"\n}",
                                  s, &error),
                 qPrintable(error));
        QCOMPARE(s.rateEnd, 50.0);
        QCOMPARE(s.backoffCap, Nanos{0});
        QCOMPARE(s.jobs, std::uint64_t{0});
    }

    // Issue #19 case 10: a 10 MB key took 11.7 s (edit distances) and was echoed whole.
    void hugeUnknownKeyIsCut()
    {
        const QByteArray key(10 * 1024 * 1024, 'x');
        Scenario s;
        QString error;
        QVERIFY(!scenarioFromJson(kHead + "  \"" + key + "\": 1,\n  \"" + key + "\": 2\n}", s, &error));
        QCOMPARE(error, QStringLiteral("3:3: unknown key '%1…' (10485760 characters)\n"
                                       "4:3: key '%1…' (10485760 characters) appears more than once")
                            .arg(QString(40, QLatin1Char('x'))));
    }

    void badLatencySpecNamesTheField()
    {
        Scenario s;
        QString error;
        QVERIFY(!scenarioFromJson(kHead + "  \"latency\": \"exp(fast)\"\n}", s, &error));
        QVERIFY2(error.startsWith(QStringLiteral("3:3: 'latency': ")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("exp(fast)")), qPrintable(error));
        QCOMPARE(s.latency, Scenario{}.latency);
        QVERIFY(!scenarioFromJson(kHead + "  \"latency\": \"\"\n}", s, &error));
        QVERIFY2(error.startsWith(QStringLiteral("3:3: 'latency': ")), qPrintable(error));
        QVERIFY2(scenarioFromJson(kHead + "  \"latency\": \"uniform(100ms,900ms)\"\n}", s, &error),
                 qPrintable(error));
        QCOMPARE(s.latency, std::string("uniform(100ms,900ms)"));
    }

    void byteOrderMarkIsSkipped()
    {
        Scenario s;
        QString error;
        QVERIFY2(scenarioFromJson("\xEF\xBB\xBF" + kHead + "  \"workers\": 3\n}", s, &error),
                 qPrintable(error));
        QCOMPARE(s.workers, 3);
        QVERIFY(!scenarioFromJson("\xEF\xBB\xBF{\"format\": 1}", s, &error));
        QCOMPARE(error,
                 QStringLiteral("1:2: 'format': a number is not supported; expected \"poollab-scenario/1\""));
    }

    void missingFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("none.json"));
        Scenario s;
        QString error;
        QVERIFY(!loadScenarioFile(path, s, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read ") + path + QStringLiteral(": ")),
                 qPrintable(error));
    }

    void saveRefusesInvalidAndLeavesNothing()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.json"));
        Scenario s;
        s.workers = 0;
        QString error;
        QVERIFY(!saveScenarioFile(path, s, &error));
        QCOMPARE(error, QStringLiteral("not saving ") + path +
                            QStringLiteral(
                                ": 'workers': 0 is out of range; allowed: a whole number from 1 to 100000"));
        QVERIFY(QDir(dir.path()).isEmpty());

        const QString unwritable = dir.filePath(QStringLiteral("missing-dir/s.json"));
        QVERIFY(!saveScenarioFile(unwritable, Scenario{}, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot write ") + unwritable + QStringLiteral(": ")),
                 qPrintable(error));
        QVERIFY(QDir(dir.path()).isEmpty());
    }

    void textPositions_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("offset");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::newRow("start") << QByteArray("abc") << 0 << 1 << 1;
        QTest::newRow("same line") << QByteArray("abc") << 2 << 1 << 3;
        QTest::newRow("after newline") << QByteArray("ab\ncd") << 3 << 2 << 1;
        QTest::newRow("second line") << QByteArray("ab\ncd\nef") << 7 << 3 << 2;
        QTest::newRow("utf-8 counts characters") << QByteArray("\xc3\xa4\xc3\xb6x") << 4 << 1 << 3;
        QTest::newRow("past the end") << QByteArray("ab") << 99 << 1 << 3;
        QTest::newRow("negative") << QByteArray("ab") << -5 << 1 << 1;
    }

    void textPositions()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, offset);
        QFETCH(int, line);
        QFETCH(int, column);
        const TextPosition p = textPosition(text, offset);
        QCOMPARE(p.line, line);
        QCOMPARE(p.column, column);
    }

    void commandLineText_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("formatted"); // empty: expect error
        QTest::addColumn<QString>("error");
        QTest::newRow("workers") << "workers"
                                 << "8"
                                 << "8"
                                 << "";
        QTest::newRow("workers 0") << "workers"
                                   << "0"
                                   << ""
                                   << "'0' is out of range; allowed: a whole number from 1 to 100000";
        QTest::newRow("workers text") << "workers"
                                      << "many"
                                      << ""
                                      << "'many' is not allowed; allowed: a whole number from 1 to 100000";
        QTest::newRow("rate") << "rate"
                              << "2.5"
                              << "2.5"
                              << "";
        QTest::newRow("rate with comma") << "rate"
                                         << "2,5"
                                         << ""
                                         << "'2,5' is not allowed; allowed: 0, or a number from 0.001 to "
                                            "1000000";
        QTest::newRow("duration") << "timeout"
                                  << "1.5s"
                                  << "1.5s"
                                  << "";
        QTest::newRow("duration out of range")
            << "timeout"
            << "2h"
            << ""
            << "'2h' is out of range; allowed: a duration from 0ms to 1h with a unit (us, ms, s, m, h), e.g. "
               "\"50ms\"";
        QTest::newRow("choice") << "overflow"
                                << "drop-oldest"
                                << "drop-oldest"
                                << "";
        QTest::newRow("bad choice")
            << "jitter"
            << "some"
            << ""
            << "\"some\" is not allowed; allowed: one of: none, full, equal, decorrelated";
        QTest::newRow("seed") << "seed"
                              << "9007199254740991"
                              << "9007199254740991"
                              << "";
        QTest::newRow("seed too big")
            << "seed"
            << "9007199254740992"
            << ""
            << "'9007199254740992' is out of range; allowed: a whole number from 0 to 9007199254740991";
    }

    void commandLineText()
    {
        QFETCH(QString, key);
        QFETCH(QString, text);
        QFETCH(QString, formatted);
        QFETCH(QString, error);
        // The C library's and Qt's locale must not change how numbers read.
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        const ScenarioField* field = findScenarioField(key);
        QVERIFY(field);
        QString actualError;
        const auto value = parseFieldText(*field, text, &actualError);
        QLocale::setDefault(QLocale::c());
        if (formatted.isEmpty()) {
            QVERIFY(!value);
            QCOMPARE(actualError, error);
        } else {
            QVERIFY2(value, qPrintable(actualError));
            QCOMPARE(formatFieldValue(*field, *value), formatted);
            Scenario s;
            field->set(s, *value);
            QCOMPARE(formatFieldValue(*field, s), formatted);
        }
    }
};

QTEST_GUILESS_MAIN(TestScenarioFile)
#include "tst_scenario_file.moc"
