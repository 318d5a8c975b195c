// SPDX-License-Identifier: GPL-3.0-or-later
// The headless command line end to end: the built poollab binary, run as a user
// would, its exit codes, messages and the files it writes.
#include "app/cli.h"
#include "app/csv_export.h"
#include "app/presets.h"
#include "app/scenario_fields.h"
#include "app/scenario_file.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <csignal>

using namespace poollab;

namespace {

struct Result
{
    int exitCode = -1;
    QByteArray out;
    QString err;
};

Result run(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(POOLLAB_BINARY), args);
    Result r;
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// RFC 4180: quoted fields may hold ',', '"' (doubled) and line breaks; rows end in CRLF.
QList<QStringList> parseCsv(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes);
    QList<QStringList> rows;
    QStringList row;
    QString field;
    bool inQuotes = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inQuotes) {
            if (c == QLatin1Char('"') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                field += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                inQuotes = false;
            } else {
                field += c;
            }
        } else if (c == QLatin1Char('"')) {
            inQuotes = true;
        } else if (c == QLatin1Char(',')) {
            row << field;
            field.clear();
        } else if (c == QLatin1Char('\r') && i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n')) {
            row << field;
            field.clear();
            rows << row;
            row.clear();
            ++i;
        } else {
            field += c;
        }
    }
    if (!field.isEmpty() || !row.isEmpty())
        rows << (row << field); // a last row without CRLF: would fail the CRLF check below
    return rows;
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QJsonObject parseJson(const QByteArray& bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    return error.error == QJsonParseError::NoError ? doc.object() : QJsonObject();
}

} // namespace

class TestHeadless : public QObject
{
    Q_OBJECT

private slots:
    void virtualPresetWritesCsvs();
    void realRunWritesCsv();
    void theoryApplies();
    void theoryDoesNotApply();
    void theoryKeepsSignificantDigits();
    void awkwardNameRoundTrips();
    void badInput_data();
    void badInput();
    void unwritableOutput_data();
    void unwritableOutput();
    void listPresetsListsAll();
    void saveScenarioRoundTrips();
    void saveScenarioAloneRunsNothing();
    void ctrlC_data();
    void ctrlC();
};

void TestHeadless::virtualPresetWritesCsvs()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString csv = dir.filePath(QStringLiteral("series.csv"));
    const QString summaryCsv = dir.filePath(QStringLiteral("summary.csv"));
    const QString json = dir.filePath(QStringLiteral("summary.json"));
    const Result r = run({QStringLiteral("--headless"), QStringLiteral("--preset"),
                          QStringLiteral("signup-burst"), QStringLiteral("--time"), QStringLiteral("virtual"),
                          QStringLiteral("--csv"), csv, QStringLiteral("--summary-csv"), summaryCsv,
                          QStringLiteral("--summary-json"), json, QStringLiteral("--quiet")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.isEmpty(), r.out.constData()); // --quiet
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));

    const QJsonObject summary = parseJson(readAll(json));
    QCOMPARE(summary.value(QStringLiteral("scenario")).toString(), QStringLiteral("Signup burst"));
    QCOMPARE(summary.value(QStringLiteral("time_mode")).toString(), QStringLiteral("virtual"));
    const qint64 succeeded = summary.value(QStringLiteral("succeeded")).toInteger();
    const qint64 failed = summary.value(QStringLiteral("failed")).toInteger();
    QCOMPARE(succeeded + failed, qint64{10000});
    const double elapsed = summary.value(QStringLiteral("elapsed_s")).toDouble();
    QCOMPARE_GT(elapsed, 240.0); // 10,000 x 500 ms over 20 workers: 250 s

    const QByteArray seriesBytes = readAll(csv);
    QVERIFY(seriesBytes.endsWith("\r\n"));
    const QList<QStringList> rows = parseCsv(seriesBytes);
    QVERIFY(!rows.isEmpty());
    QCOMPARE(rows.first(), timeSeriesCsvColumns());
    const qsizetype columns = timeSeriesCsvColumns().size();
    const auto column = [&](const char* name) { return timeSeriesCsvColumns().indexOf(QLatin1String(name)); };
    // One row per second of simulated time, the last one shorter.
    QCOMPARE(rows.size() - 1, qsizetype(std::ceil(elapsed)));
    double completions = 0;
    double lastElapsed = 0;
    for (qsizetype i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows[i].size(), columns);
        const double interval = rows[i][column("interval_s")].toDouble();
        completions += rows[i][column("completions_per_s")].toDouble() * interval;
        lastElapsed = rows[i][column("elapsed_s")].toDouble();
    }
    QCOMPARE(lastElapsed, elapsed);
    QCOMPARE(std::llround(completions), succeeded + failed);
    QCOMPARE(rows.last()[column("succeeded")].toLongLong(), succeeded);

    const QList<QStringList> summaryRows = parseCsv(readAll(summaryCsv));
    QCOMPARE(summaryRows.size(), 6);
    QCOMPARE(summaryRows.first(), summaryCsvColumns());
    for (const QStringList& row : summaryRows)
        QCOMPARE(row.size(), summaryCsvColumns().size());
    QCOMPARE(summaryRows.last().at(1), QStringLiteral("Aggregated"));
    QCOMPARE(summaryRows.last().at(2).toLongLong(), summary.value(QStringLiteral("submitted")).toInteger());
}

void TestHeadless::realRunWritesCsv()
{
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("real.csv"));
    const Result r =
        run({QStringLiteral("--headless"), QStringLiteral("--jobs"), QStringLiteral("40"),
             QStringLiteral("--workers"), QStringLiteral("4"), QStringLiteral("--latency"),
             QStringLiteral("5ms"), QStringLiteral("--sample-interval"), QStringLiteral("10ms"),
             QStringLiteral("--csv"), csv, QStringLiteral("--summary-json"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject summary = parseJson(r.out);
    QCOMPARE(summary.value(QStringLiteral("time_mode")).toString(), QStringLiteral("real"));
    QCOMPARE(summary.value(QStringLiteral("succeeded")).toInteger(), qint64{40});
    const QList<QStringList> rows = parseCsv(readAll(csv));
    QVERIFY(rows.size() >= 2); // 40 x 5 ms over 4 workers: ~50 ms, sampled every 10 ms
    QCOMPARE(rows.first(), timeSeriesCsvColumns());
    const auto column = [&](const char* name) { return timeSeriesCsvColumns().indexOf(QLatin1String(name)); };
    double completions = 0;
    for (qsizetype i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows[i].size(), timeSeriesCsvColumns().size());
        completions +=
            rows[i][column("completions_per_s")].toDouble() * rows[i][column("interval_s")].toDouble();
    }
    QCOMPARE(std::llround(completions), qint64{40});
    QCOMPARE(rows.last()[column("succeeded")].toLongLong(), qint64{40});
    // Real time has no exact L; the samples' estimate still gives a Little's check.
    QVERIFY(summary.value(QStringLiteral("theory")).toObject().value(QStringLiteral("little")).isObject());
}

void TestHeadless::theoryApplies()
{
    // 100,000 jobs (a fifth of a second in virtual time): the preset's 8000 leave the
    // mean wait's noise near 15 %, too close to any honest tolerance.
    const Result r =
        run({QStringLiteral("--headless"), QStringLiteral("--preset"), QStringLiteral("mmc-queue"),
             QStringLiteral("--time"), QStringLiteral("virtual"), QStringLiteral("--jobs"),
             QStringLiteral("100000"), QStringLiteral("--summary-json"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject summary = parseJson(r.out);
    QVERIFY2(!summary.isEmpty(), r.out.constData()); // stdout holds the JSON and nothing else
    QCOMPARE(summary.value(QStringLiteral("format")).toString(), QStringLiteral("poollab-summary/1"));
    QCOMPARE(summary.value(QStringLiteral("scenario")).toString(), QStringLiteral("M/M/c queue"));
    const QJsonObject theory = summary.value(QStringLiteral("theory")).toObject();
    QCOMPARE(theory.value(QStringLiteral("applies")).toBool(), true);
    QCOMPARE(theory.value(QStringLiteral("model")).toString(), QStringLiteral("M/M/c"));
    QCOMPARE(theory.value(QStringLiteral("stability")).toString(), QStringLiteral("stable: rho = 0.8 < 1"));
    const QJsonObject measures = theory.value(QStringLiteral("measures")).toObject();
    const QStringList names{QStringLiteral("prob_wait"),       QStringLiteral("mean_wait_s"),
                            QStringLiteral("mean_response_s"), QStringLiteral("utilization"),
                            QStringLiteral("blocking"),        QStringLiteral("throughput_per_s")};
    QCOMPARE(measures.keys().size(), names.size());
    for (const QString& name : names) {
        const QJsonObject m = measures.value(name).toObject();
        QVERIFY2(m.value(QStringLiteral("predicted")).isDouble(), qPrintable(name));
        QVERIFY2(m.value(QStringLiteral("measured")).isDouble(), qPrintable(name));
        QVERIFY2(m.value(QStringLiteral("relative_error")).isDouble(), qPrintable(name));
    }
    // Erlang C: Wq = 20.46 ms. Seeds 1-3 land within 7 % (seed 1: -6.3 %).
    const QJsonObject wait = measures.value(QStringLiteral("mean_wait_s")).toObject();
    const double predicted = wait.value(QStringLiteral("predicted")).toDouble();
    const double measured = wait.value(QStringLiteral("measured")).toDouble();
    QCOMPARE_LT(std::abs(predicted - 0.020459), 1e-6);
    QCOMPARE_LT(std::abs(measured - predicted) / predicted, 0.10);
    QCOMPARE_LT(std::abs(wait.value(QStringLiteral("relative_error")).toDouble() -
                         (measured - predicted) / predicted),
                1e-4); // the JSON rounds each number to 1e-6
    QCOMPARE(
        measures.value(QStringLiteral("blocking")).toObject().value(QStringLiteral("predicted")).toDouble(),
        0.0);
    // Virtual time measures L exactly, so Little's law holds to rounding.
    const QJsonObject little = theory.value(QStringLiteral("little")).toObject();
    QCOMPARE_LT(little.value(QStringLiteral("relative_error")).toDouble(), 1e-4);
    // P(wait) is the share of accepted arrivals that found every worker busy: Erlang
    // C's 0.409 (batch-means SE ~0.008 over 100,000 jobs).
    const QJsonObject probWait = measures.value(QStringLiteral("prob_wait")).toObject();
    QCOMPARE(probWait.value(QStringLiteral("predicted")).toDouble(), 0.40918); // 6 significant digits
    const double share = probWait.value(QStringLiteral("measured")).toDouble();
    QCOMPARE_LT(std::abs(share - 0.40918), 0.04);
    const double counted = summary.value(QStringLiteral("arrived_to_busy")).toDouble() /
                           summary.value(QStringLiteral("submitted")).toDouble();
    QCOMPARE_LT(std::abs(share - counted), 1e-5 * counted); // printed to 6 significant digits
}

// The theory object keeps significant digits: a blocking probability of ~1e-5 must
// not print as 0.000011 (M/M/10/50 at rho 0.8 turns away about one job in 92,000).
void TestHeadless::theoryKeepsSignificantDigits()
{
    const Result r =
        run({QStringLiteral("--headless"), QStringLiteral("--preset"), QStringLiteral("mmc-queue"),
             QStringLiteral("--time"), QStringLiteral("virtual"), QStringLiteral("--overflow"),
             QStringLiteral("reject"), QStringLiteral("--queue-capacity"), QStringLiteral("40"),
             QStringLiteral("--summary-json"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QRegularExpression blocking(
        QStringLiteral("\"blocking\": \\{\\s*\"predicted\": ([-+.0-9e]+),\\s*\"measured\": ([-+.0-9e]+)"));
    const QRegularExpressionMatch m = blocking.match(QString::fromUtf8(r.out));
    QVERIFY2(m.hasMatch(), r.out.constData());
    const QString predicted = m.captured(1);
    QVERIFY2(predicted.contains(QLatin1Char('e')), qPrintable(predicted)); // 1.08783e-05
    const double value = predicted.toDouble();
    QVERIFY2(value > 1e-6 && value < 1e-4, qPrintable(predicted));
    // Six significant digits: the mantissa has them, not six decimals.
    QVERIFY2(predicted.section(QLatin1Char('e'), 0, 0).remove(QLatin1Char('.')).size() >= 5,
             qPrintable(predicted));
    // Still one JSON document, numbers and all.
    const QJsonObject theory = parseJson(r.out).value(QStringLiteral("theory")).toObject();
    QCOMPARE(theory.value(QStringLiteral("measures"))
                 .toObject()
                 .value(QStringLiteral("blocking"))
                 .toObject()
                 .value(QStringLiteral("predicted"))
                 .toDouble(),
             value);
}

void TestHeadless::theoryDoesNotApply()
{
    const Result r =
        run({QStringLiteral("--headless"), QStringLiteral("--preset"), QStringLiteral("signup-burst"),
             QStringLiteral("--time"), QStringLiteral("virtual"), QStringLiteral("--jobs"),
             QStringLiteral("200"), QStringLiteral("--summary-json"), QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject theory = parseJson(r.out).value(QStringLiteral("theory")).toObject();
    QCOMPARE(theory.value(QStringLiteral("applies")).toBool(), false);
    QCOMPARE(theory.value(QStringLiteral("reason")).toString(),
             QStringLiteral("formulas do not apply: arrivals are not Poisson"));
    QVERIFY(!theory.contains(QStringLiteral("measures")));
    QVERIFY(!theory.contains(QStringLiteral("model")));

    // The human summary says the same instead of printing numbers.
    const Result human = run({QStringLiteral("--headless"), QStringLiteral("--preset"),
                              QStringLiteral("signup-burst"), QStringLiteral("--time"),
                              QStringLiteral("virtual"), QStringLiteral("--jobs"), QStringLiteral("200")});
    QCOMPARE(human.exitCode, 0);
    QVERIFY2(human.out.contains("theory       formulas do not apply: arrivals are not Poisson\n"),
             human.out.constData());
}

void TestHeadless::awkwardNameRoundTrips()
{
    const QString name = QStringLiteral("Ré \"quoted\", comma;\ttab\nline two =1+1");
    QTemporaryDir dir;
    const QString saved = dir.filePath(QStringLiteral("awkward.json"));
    const Result r = run({QStringLiteral("--headless"), QStringLiteral("--time"), QStringLiteral("virtual"),
                          QStringLiteral("--jobs"), QStringLiteral("5"), QStringLiteral("--name"), name,
                          QStringLiteral("--save-scenario"), saved, QStringLiteral("--summary-json"),
                          QStringLiteral("-")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(parseJson(r.out).value(QStringLiteral("scenario")).toString(), name);
    Scenario back;
    QString why;
    QVERIFY2(loadScenarioFile(saved, back, &why), qPrintable(why));
    QCOMPARE(QString::fromStdString(back.name), name);
}

void TestHeadless::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message"); // the whole first line of stderr
    const auto args = [](const char* text) { return QString::fromUtf8(text).split(QLatin1Char(' ')); };
    QTest::newRow("workers")
        << args("--workers 0")
        << "poollab: --workers: '0' is out of range; allowed: a whole number from 1 to 100000";
    QTest::newRow("more workers than threads")
        << args("--workers 5000")
        << "poollab: --workers is 5000: real threads allow up to 4096; set --time virtual for up to 100000";
    QTest::newRow("rate")
        << args("--arrival poisson --rate 2000000/s")
        << "poollab: --rate: '2000000/s' is out of range; allowed: 0, or a number from 0.001 to "
           "1000000 jobs/s (also written 50/s, or 3000/m per minute)";
    QTest::newRow("latency") << args("--latency exp(5)") << "poollab: --latency: latency 'exp(5)': ";
    QTest::newRow("time") << args("--time fast")
                          << "poollab: --time: 'fast' is not allowed; allowed: one of: real, virtual";
    QTest::newRow("unknown preset")
        << args("--preset nope")
        << "poollab: --preset: unknown preset 'nope'; valid presets: signup-burst, backpressure, "
           "overload-reject, handoff, mmc-queue, cpu-vs-io, rate-limited-email, retry-storm";
    QTest::newRow("preset and scenario")
        << args("--preset handoff --scenario x.json")
        << "poollab: --preset and --scenario cannot be used together: start from one of them and change it "
           "with flags";
    QTest::newRow("missing scenario")
        << args("--scenario /nonexistent/x.json")
        << "poollab: --scenario: cannot read /nonexistent/x.json: No such file or "
           "directory";
    QTest::newRow("unknown flag") << args("--wrokers 4") << "poollab: Unknown option 'wrokers'. (see --help)";
    QTest::newRow("csv without headless") << QStringList{QStringLiteral("--csv"), QStringLiteral("a.csv")}
                                          << "poollab: --csv needs --headless (the window exports from its "
                                             "File menu)";
}

void TestHeadless::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    if (!args.contains(QStringLiteral("--csv")))
        args.prepend(QStringLiteral("--headless"));
    const Result r = run(args);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.startsWith(message), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
}

void TestHeadless::unwritableOutput_data()
{
    QTest::addColumn<QString>("flag");
    QTest::newRow("csv") << QStringLiteral("--csv");
    QTest::newRow("summary-csv") << QStringLiteral("--summary-csv");
    QTest::newRow("summary-json") << QStringLiteral("--summary-json");
    QTest::newRow("save-scenario") << QStringLiteral("--save-scenario");
}

void TestHeadless::unwritableOutput()
{
    QFETCH(QString, flag);
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("no-such-folder/out.csv"));
    Result r = run({QStringLiteral("--headless"), QStringLiteral("--time"), QStringLiteral("virtual"),
                    QStringLiteral("--jobs"), QStringLiteral("5"), flag, missing});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err, QStringLiteral("poollab: cannot write %1 %2: the folder %3 does not exist\n")
                        .arg(flag, missing, dir.filePath(QStringLiteral("no-such-folder"))));
    QVERIFY(r.out.isEmpty()); // refused before the run
    // A folder where the file should be: nothing written, nothing left beside it.
    r = run({QStringLiteral("--headless"), QStringLiteral("--time"), QStringLiteral("virtual"),
             QStringLiteral("--jobs"), QStringLiteral("5"), flag, dir.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.endsWith(QStringLiteral(": it is a folder\n")), qPrintable(r.err));
    QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden),
             QStringList());
}

void TestHeadless::listPresetsListsAll()
{
    const Result r = run({QStringLiteral("--list-presets")});
    QCOMPARE(r.exitCode, 0);
    const QList<PresetInfo> presets = listPresets();
    QCOMPARE(presets.size(), 8);
    const QString out = QString::fromUtf8(r.out);
    for (const PresetInfo& p : presets) {
        QVERIFY2(
            out.contains(QLatin1Char('\n') + p.id + QStringLiteral("  ") + p.title + QLatin1Char('\n')) ||
                out.startsWith(p.id + QStringLiteral("  ") + p.title + QLatin1Char('\n')),
            qPrintable(p.id));
        // The description's first words, wrapped under it.
        QVERIFY2(out.contains(p.description.section(QLatin1Char(' '), 0, 3)), qPrintable(p.id));
    }
}

void TestHeadless::saveScenarioRoundTrips()
{
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first.json"));
    const QString second = dir.filePath(QStringLiteral("second.json"));
    const QStringList flags{QStringLiteral("--preset"),  QStringLiteral("retry-storm"),
                            QStringLiteral("--workers"), QStringLiteral("7"),
                            QStringLiteral("--rate"),    QStringLiteral("3000/m"),
                            QStringLiteral("--backoff"), QStringLiteral("exp(20ms,2s)")};
    Result r = run(flags + QStringList{QStringLiteral("--save-scenario"), first});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = run({QStringLiteral("--scenario"), first, QStringLiteral("--save-scenario"), second});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(readAll(second), readAll(first));

    // What was saved is what the flags said, over the preset.
    const CommandLine expected = parseCommandLine(QStringList{QStringLiteral("poollab")} + flags);
    QVERIFY2(expected.action == CommandLine::Action::Window, qPrintable(expected.error));
    QCOMPARE(readAll(first), scenarioToJson(expected.scenario));
    QCOMPARE(expected.scenario.workers, 7);
    QCOMPARE(expected.scenario.rate, 50.0);
    QCOMPARE(expected.scenario.backoffBase, 20 * kMilli);
}

void TestHeadless::saveScenarioAloneRunsNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.json"));
    // A run of 10,000 jobs of 500 ms in real time would take minutes: saving alone starts none.
    const Result r = run({QStringLiteral("--preset"), QStringLiteral("signup-burst"),
                          QStringLiteral("--save-scenario"), path});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.isEmpty());
    QVERIFY(r.err.isEmpty());
    Scenario s;
    QString why;
    QVERIFY2(loadScenarioFile(path, s, &why), qPrintable(why));
    QCOMPARE(s.jobs, std::uint64_t{10000});
}

void TestHeadless::ctrlC_data()
{
    QTest::addColumn<int>("interrupts");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("once drains") << 1 << 0;
    QTest::newRow("twice cancels") << 2 << 130;
}

void TestHeadless::ctrlC()
{
    QFETCH(int, interrupts);
    QFETCH(int, exitCode);
    // A free port, so that "serving metrics" on stderr tells the run is under way.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    QTemporaryDir dir;
    const QString json = dir.filePath(QStringLiteral("summary.json"));
    QProcess p;
    p.start(QStringLiteral(POOLLAB_BINARY),
            {QStringLiteral("--headless"), QStringLiteral("--arrival"), QStringLiteral("constant"),
             QStringLiteral("--rate"), QStringLiteral("10/s"), QStringLiteral("--duration"),
             QStringLiteral("60s"), QStringLiteral("--latency"), QStringLiteral("2s"),
             QStringLiteral("--workers"), QStringLiteral("40"), QStringLiteral("--queue-capacity"),
             QStringLiteral("100000"), QStringLiteral("--metrics-port"), QString::number(port),
             QStringLiteral("--summary-json"), json});
    QVERIFY(p.waitForStarted());
    // Reading stderr consumes it: keep what was read (and use qWaitFor, which does
    // not evaluate the condition again once it holds).
    QByteArray err;
    const auto stderrSays = [&](const char* text) {
        return QTest::qWaitFor(
            [&] {
                err += p.readAllStandardError();
                return err.contains(text);
            },
            20000);
    };
    QVERIFY2(stderrSays("serving metrics at"), err.constData());
    for (int i = 0; i < interrupts; ++i) {
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        // The second must come after the first was seen: wait for its note.
        if (i + 1 < interrupts)
            QVERIFY2(stderrSays("interrupted"), err.constData());
    }
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), exitCode);
    const QJsonObject summary = parseJson(readAll(json));
    const qint64 submitted = summary.value(QStringLiteral("submitted")).toInteger();
    QVERIFY(submitted > 0 && submitted < 10 * 60);
    const qint64 accounted = summary.value(QStringLiteral("succeeded")).toInteger() +
                             summary.value(QStringLiteral("failed")).toInteger() +
                             summary.value(QStringLiteral("rejected")).toInteger() +
                             summary.value(QStringLiteral("dropped")).toInteger() +
                             summary.value(QStringLiteral("cancelled")).toInteger();
    QCOMPARE(accounted, submitted);
    if (interrupts == 1)
        QCOMPARE(summary.value(QStringLiteral("cancelled")).toInteger(), 0); // drained: nothing cancelled
    else
        QVERIFY(summary.value(QStringLiteral("cancelled")).toInteger() > 0); // ~20 were running 2 s jobs
}

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
