// SPDX-License-Identifier: GPL-3.0-or-later
// The run history from the command line: the built binary records, lists, shows,
// exports, compares and deletes runs, as a user would run it.
#include "io/run_store.h"
#include "tests/app/binary_run.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace poollab;
using namespace Qt::StringLiterals;

namespace {

using binary::readAll;
using binary::Result;

Result run(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    return binary::run(args, {}, env);
}

// Runs SQL on a file through a connection of its own (to make files of other kinds).
void execSql(const QString& path, const QStringList& statements)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        for (const QString& sql : statements)
            QVERIFY2(q.exec(sql), qPrintable(sql));
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
}

// A short virtual run of a preset that retries and fails: every column has data.
QStringList quickRun(const QString& db)
{
    return {
        u"--headless"_s, u"--preset"_s, u"retry-storm"_s, u"--time"_s, u"virtual"_s, u"--jobs"_s, u"300"_s,
        u"--quiet"_s,    u"--record"_s, u"--runs-db"_s,   db};
}

// poollab run by a user who may not write what the file's permissions forbid: as
// root, without the capabilities that let root write any file (setpriv, util-linux).
Result runAsReader(const QStringList& args)
{
    if (::geteuid() != 0)
        return run(args);
    return binary::runProgram(u"setpriv"_s,
                              QStringList{u"--bounding-set"_s, u"-dac_override,-dac_read_search,-fowner"_s,
                                          u"--"_s, QStringLiteral(POOLLAB_BINARY)} +
                                  args);
}

} // namespace

class TestRunsCli : public QObject
{
    Q_OBJECT

private slots:
    void recordThenExportGivesTheSameBytes_data();
    void recordThenExportGivesTheSameBytes();
    void summaryJsonEndsWithRunId();
    void listShowAndDelete();
    void compareTwoRuns();
    void unknownIdExitsTwo_data();
    void unknownIdExitsTwo();
    void badFileIsRefusedByEveryCommand_data();
    void badFileIsRefusedByEveryCommand();
    void eightProcessesRecordAtOnce();
    void twoStoresInOneProcessKeepTheirLocks();
    void defaultDatabaseIsInAppData();
    void usageErrors_data();
    void usageErrors();
    void readOnlyDatabaseIsRead_data();
    void readOnlyDatabaseIsRead();
    void readersDoNotWaitForAWriter();
    void emptyFileHoldsNoRuns();
};

void TestRunsCli::recordThenExportGivesTheSameBytes_data()
{
    QTest::addColumn<QStringList>("runArgs");
    QTest::addColumn<int>("lines"); // of the CSV: the header and a row per sample interval
    QTest::newRow("virtual") << quickRun({}).mid(0, 7) << 9; // 7.2 s at 1 s
    // Real threads: 400 jobs at 200/s, rows every 100 ms from the monitor's snapshots.
    QTest::newRow("real") << QStringList{u"--headless"_s, u"--workers"_s, u"4"_s,   u"--jobs"_s,
                                         u"400"_s,        u"--latency"_s, u"5ms"_s, u"--arrival"_s,
                                         u"constant"_s,   u"--rate"_s,    u"200"_s, u"--sample-interval"_s,
                                         u"100ms"_s}
                          << 0;
}

void TestRunsCli::recordThenExportGivesTheSameBytes()
{
    QFETCH(QStringList, runArgs);
    QFETCH(int, lines);
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    const QString csv = dir.filePath(u"run.csv"_s);
    const QString summaryCsv = dir.filePath(u"summary.csv"_s);
    Result r = run(runArgs + QStringList{u"--quiet"_s, u"--record"_s, u"--runs-db"_s, db, u"--csv"_s, csv,
                                         u"--summary-csv"_s, summaryCsv});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    if (lines > 0)
        QCOMPARE(readAll(csv).count('\n'), lines);
    else
        QVERIFY(readAll(csv).count('\n') > 10); // real time: about 20 rows, as the machine allows

    const QString csv2 = dir.filePath(u"export.csv"_s);
    const QString summaryCsv2 = dir.filePath(u"export-summary.csv"_s);
    r = run({u"runs"_s, u"export"_s, u"1"_s, u"--csv"_s, csv2, u"--summary-csv"_s, summaryCsv2,
             u"--runs-db"_s, db});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(readAll(csv2), readAll(csv));
    QCOMPARE(readAll(summaryCsv2), readAll(summaryCsv));
    // "-" is stdout.
    r = run({u"runs"_s, u"export"_s, u"1"_s, u"--csv"_s, u"-"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, readAll(csv));
}

void TestRunsCli::summaryJsonEndsWithRunId()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    const Result r = run(quickRun(db) + QStringList{u"--summary-json"_s, u"-"_s});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.endsWith("  },\n  \"run_id\": 2\n}\n"));
    const QJsonObject o = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(o.value(u"run_id"_s).toInteger(), 2);
    // The other keys keep their order: format first, the theory before the id.
    QVERIFY(r.out.startsWith("{\n  \"format\": \"poollab-summary/1\",\n  \"time_mode\": \"virtual\","));
    QVERIFY(r.out.indexOf("\"theory\"") < r.out.indexOf("\"run_id\""));
    QVERIFY(o.contains(u"scenario"_s));
}

void TestRunsCli::listShowAndDelete()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    QCOMPARE(run(quickRun(db) + QStringList{u"--run-name"_s, u"before"_s}).exitCode, 0);
    QCOMPARE(
        run(quickRun(db) + QStringList{u"--run-name"_s, u"after \"40\""_s, u"--workers"_s, u"40"_s}).exitCode,
        0);

    Result r = run({u"runs"_s, u"list"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = QString::fromUtf8(r.out).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith(
        u"ID  Name        Started              Time     Workers  Queue  Jobs  Throughput/s  "
        u"Total p99 ms  Samples"_s));
    QVERIFY2(lines[1].startsWith(u" 2  after \"40\"  "_s), qPrintable(lines[1]));
    QVERIFY2(lines[2].startsWith(u" 1  before      "_s), qPrintable(lines[2]));
    // Aligned: every row is as long as the header, up to the last column's digits.
    QCOMPARE(lines[1].size(), lines[0].size());
    QCOMPARE(lines[2].size(), lines[0].size());
    QVERIFY(lines[1].contains(u" virtual       40  10000   300 "_s));

    r = run({u"runs"_s, u"list"_s, u"--json"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("{\n  \"format\": \"poollab-runs/1\",\n  \"runs\": [\n    {\"id\": 2, \"name\": "
                             "\"after \\\"40\\\"\", \"start_unix_s\": "));
    const QJsonArray runs = QJsonDocument::fromJson(r.out).object().value(u"runs"_s).toArray();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs[1].toObject().value(u"name"_s).toString(), u"before"_s);
    QCOMPARE(runs[1].toObject().value(u"jobs"_s).toInteger(), 300);
    QCOMPARE(runs[1].toObject().value(u"workers"_s).toInteger(), 8);
    QCOMPARE(runs[0].toObject().value(u"workers"_s).toInteger(), 40);
    QCOMPARE(runs[1].toObject().value(u"time_mode"_s).toString(), u"virtual"_s);

    r = run({u"runs"_s, u"show"_s, u"1"_s, u"--json"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject shown = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(shown.value(u"format"_s).toString(), u"poollab-run/1"_s);
    QCOMPARE(shown.value(u"id"_s).toInteger(), 1);
    QCOMPARE(shown.value(u"samples"_s).toInteger(), runs[1].toObject().value(u"samples"_s).toInteger());
    QCOMPARE(shown.value(u"scenario"_s).toObject().value(u"format"_s).toString(), u"poollab-scenario/1"_s);
    QCOMPARE(shown.value(u"scenario"_s).toObject().value(u"jobs"_s).toInteger(), 300);
    QCOMPARE(shown.value(u"summary"_s).toObject().value(u"submitted"_s).toInteger(), 300);
    QCOMPARE(shown.value(u"summary"_s).toObject().value(u"run_id"_s).toInteger(), 1);

    r = run({u"runs"_s, u"show"_s, u"2"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("Run 2: after \"40\"\n  started    "));
    QVERIFY(r.out.contains("\n  time mode  virtual\n  scenario   Retry storm (seed "));
    QVERIFY(r.out.contains("\nScenario:\n{\n  \"format\": \"poollab-scenario/1\""));
    QVERIFY(r.out.contains("\nSummary:\n{\n  \"format\": \"poollab-summary/1\""));

    r = run({u"runs"_s, u"delete"_s, u"1"_s, u"--runs-db"_s, db});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = run({u"runs"_s, u"list"_s, u"--json"_s, u"--runs-db"_s, db});
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"runs"_s).toArray().size(), 1);
    QCOMPARE(run({u"runs"_s, u"show"_s, u"1"_s, u"--runs-db"_s, db}).exitCode, 2);
}

void TestRunsCli::compareTwoRuns()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    const QString json1 = dir.filePath(u"1.json"_s);
    const QString json2 = dir.filePath(u"2.json"_s);
    QCOMPARE(run(quickRun(db) + QStringList{u"--summary-json"_s, json1}).exitCode, 0);
    QCOMPARE(run(quickRun(db) + QStringList{u"--workers"_s, u"40"_s, u"--summary-json"_s, json2}).exitCode,
             0);
    const Result r = run({u"runs"_s, u"compare"_s, u"1"_s, u"2"_s, u"--json"_s, u"--runs-db"_s, db});
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QJsonObject c = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(c.value(u"baseline"_s).toInteger(), 1);
    // The figures are those of the two summaries written: total p99 and its change.
    const auto p99 = [](const QString& path) {
        return QJsonDocument::fromJson(readAll(path))
            .object()
            .value(u"latency_ms"_s)
            .toObject()
            .value(u"total"_s)
            .toObject()
            .value(u"p99"_s)
            .toDouble();
    };
    const double a = p99(json1);
    const double b = p99(json2);
    QVERIFY(a > b); // 40 workers wait less than 8
    for (const QJsonValue& v : c.value(u"measures"_s).toArray()) {
        const QJsonObject m = v.toObject();
        if (m.value(u"key"_s).toString() != u"total_p99_ms"_s)
            continue;
        QCOMPARE(m.value(u"values"_s).toArray()[0].toDouble(), a);
        QCOMPARE(m.value(u"values"_s).toArray()[1].toDouble(), b);
        QCOMPARE(m.value(u"difference"_s).toArray()[1].toDouble(), std::round((b - a) * 1e6) / 1e6);
        QCOMPARE(m.value(u"percent"_s).toArray()[1].toDouble(), std::round((b - a) / a * 100 * 1e6) / 1e6);
        return;
    }
    QFAIL("no total_p99_ms row");
}

void TestRunsCli::unknownIdExitsTwo_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("show") << QStringList{u"show"_s, u"9"_s};
    QTest::newRow("export") << QStringList{u"export"_s, u"9"_s, u"--csv"_s, u"-"_s};
    QTest::newRow("compare") << QStringList{u"compare"_s, u"1"_s, u"9"_s};
    QTest::newRow("delete") << QStringList{u"delete"_s, u"9"_s};
}

void TestRunsCli::unknownIdExitsTwo()
{
    QFETCH(QStringList, args);
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    const Result r = run(QStringList{u"runs"_s} + args + QStringList{u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.err, u"poollab: runs %1: no run 9 in %2 (see poollab runs list)\n"_s.arg(args[0], db));
    QVERIFY(r.out.isEmpty());
}

void TestRunsCli::badFileIsRefusedByEveryCommand_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("prefix");
    QTest::newRow("record") << QStringList{u"--headless"_s, u"--time"_s, u"virtual"_s,
                                           u"--jobs"_s,     u"5"_s,      u"--record"_s}
                            << u"poollab: --record: "_s;
    QTest::newRow("list") << QStringList{u"runs"_s, u"list"_s} << u"poollab: runs list: "_s;
    QTest::newRow("list --json") << QStringList{u"runs"_s, u"list"_s, u"--json"_s}
                                 << u"poollab: runs list: "_s;
    QTest::newRow("show") << QStringList{u"runs"_s, u"show"_s, u"1"_s} << u"poollab: runs show: "_s;
    QTest::newRow("export") << QStringList{u"runs"_s, u"export"_s, u"1"_s, u"--csv"_s, u"-"_s}
                            << u"poollab: runs export: "_s;
    QTest::newRow("compare") << QStringList{u"runs"_s, u"compare"_s, u"1"_s, u"2"_s}
                             << u"poollab: runs compare: "_s;
    QTest::newRow("delete") << QStringList{u"runs"_s, u"delete"_s, u"1"_s} << u"poollab: runs delete: "_s;
}

void TestRunsCli::badFileIsRefusedByEveryCommand()
{
    QFETCH(QStringList, args);
    QFETCH(QString, prefix);
    QTemporaryDir dir;
    // Four kinds of file, each refused the same way by this command.
    const QString text = dir.filePath(u"notes.txt"_s);
    {
        QFile f(text);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a database\n");
    }
    const QString foreign = dir.filePath(u"other.sqlite"_s);
    execSql(foreign, {u"CREATE TABLE t (x)"_s});
    const QString newer = dir.filePath(u"newer.sqlite"_s);
    {
        RunStore store;
        QString error;
        QVERIFY(store.open(newer, &error));
    }
    execSql(newer, {u"PRAGMA user_version=2"_s});
    // A runs database whose second page (the runs table) is scribbled over.
    const QString corrupt = dir.filePath(u"corrupt.sqlite"_s);
    QCOMPARE(run(quickRun(corrupt)).exitCode, 0);
    QByteArray bytes = readAll(corrupt);
    QVERIFY(bytes.size() > 3 * 4096);
    bytes.replace(4096 + 8, 192, QByteArray(192, '\xa5'));
    {
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(bytes);
    }

    const std::pair<QString, QString> files[] = {
        {text, u"not a SQLite database\n"_s},
        {foreign, u"not a PoolLab runs database\n"_s},
        {newer, u"written by a newer PoolLab (schema 2, this one reads up to 1)\n"_s},
        {corrupt, u"corrupt (quick_check: "_s}};
    for (const auto& [path, why] : files) {
        const QByteArray before = readAll(path);
        const QDateTime mtime = QFileInfo(path).lastModified();
        const Result r = run(args + QStringList{u"--runs-db"_s, path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith(prefix + path + u": "_s + why), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        QCOMPARE(readAll(path), before);
        QCOMPARE(QFileInfo(path).lastModified(), mtime);
        QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    }
}

// Eight processes record into one new file at once: WAL, the busy timeout and
// BEGIN IMMEDIATE keep every run, each with an id of its own.
void TestRunsCli::eightProcessesRecordAtOnce()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"shared.sqlite"_s);
    std::vector<std::unique_ptr<QProcess>> processes;
    for (int i = 0; i < 8; ++i) {
        auto p = std::make_unique<QProcess>();
        p->start(QStringLiteral(POOLLAB_BINARY),
                 quickRun(db) + QStringList{u"--run-name"_s, u"p%1"_s.arg(i), u"--summary-json"_s, u"-"_s});
        processes.push_back(std::move(p));
    }
    QSet<qint64> ids;
    for (auto& p : processes) {
        QVERIFY(p->waitForFinished(120'000));
        QCOMPARE(p->exitStatus(), QProcess::NormalExit);
        QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
        ids.insert(
            QJsonDocument::fromJson(p->readAllStandardOutput()).object().value(u"run_id"_s).toInteger());
    }
    QCOMPARE(ids.size(), 8);
    QVERIFY(!ids.contains(0));
    const Result r = run({u"runs"_s, u"list"_s, u"--json"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QSet<qint64> listed;
    QSet<QString> names;
    for (const QJsonValue& v : QJsonDocument::fromJson(r.out).object().value(u"runs"_s).toArray()) {
        listed.insert(v.toObject().value(u"id"_s).toInteger());
        names.insert(v.toObject().value(u"name"_s).toString());
    }
    QCOMPARE(listed, ids);
    QCOMPARE(names.size(), 8);
}

// The window opens one file twice (the Runs tab, the recorder's thread). The second
// open's checks must not drop the first's locks (closing any descriptor of the file
// drops them all): another process closing the file would then checkpoint and delete
// the WAL that this one goes on writing, and its later runs would be seen by no one.
void TestRunsCli::twoStoresInOneProcessKeepTheirLocks()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    RunStore panel;
    RunStore recorder;
    QString error;
    QVERIFY2(panel.open(db, &error), qPrintable(error));
    QVERIFY2(recorder.open(db, &error), qPrintable(error));
    QCOMPARE(run({u"runs"_s, u"list"_s, u"--runs-db"_s, db}).exitCode, 0);
    QVERIFY(QFileInfo::exists(db + u"-wal"_s));
    std::optional<StoredRun> stored = panel.load(1, &error);
    QVERIFY2(stored, qPrintable(error));
    stored->name = u"saved after another process closed the file"_s;
    const std::int64_t id = recorder.save(*stored, &error);
    QVERIFY2(id > 0, qPrintable(error));
    // A fresh process sees it.
    const Result shown = run({u"runs"_s, u"show"_s, QString::number(id), u"--runs-db"_s, db});
    QCOMPARE(shown.exitCode, 0);
    QVERIFY(shown.out.contains("saved after another process closed the file"));
}

void TestRunsCli::defaultDatabaseIsInAppData()
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"XDG_DATA_HOME"_s, home.path());
    const Result r =
        run({u"--headless"_s, u"--time"_s, u"virtual"_s, u"--jobs"_s, u"5"_s, u"--record"_s}, env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    const QString path = home.filePath(u"PoolLab/PoolLab/runs.sqlite"_s);
    QVERIFY(QFileInfo::exists(path));
    QVERIFY2(r.err.contains(u"poollab: recorded as run 1 in "_s + path), qPrintable(r.err));
    QCOMPARE(run({u"runs"_s, u"show"_s, u"1"_s}, env).exitCode, 0);
    // No output may replace the default file, as none may replace a --runs-db one.
    QFile db(path);
    QVERIFY(db.open(QIODevice::ReadOnly));
    const QByteArray before = db.readAll();
    db.close();
    for (const QStringList& args : {QStringList{u"runs"_s, u"export"_s, u"1"_s, u"--csv"_s, path},
                                    QStringList{u"--headless"_s, u"--time"_s, u"virtual"_s, u"--jobs"_s,
                                                u"5"_s, u"--record"_s, u"--summary-csv"_s, path}}) {
        const Result refused = run(args, env);
        QCOMPARE(refused.exitCode, 2);
        QVERIFY2(refused.err.contains(u"is the file --runs-db (default) reads ('"_s + path + u"')"_s),
                 qPrintable(refused.err));
    }
    QVERIFY(db.open(QIODevice::ReadOnly));
    QCOMPARE(db.readAll(), before);
}

void TestRunsCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no verb")
        << QStringList{u"runs"_s}
        << u"runs: a subcommand is needed: list, show, export, compare, delete (see poollab "
           u"runs --help)"_s;
    QTest::newRow("unknown verb")
        << QStringList{u"runs"_s, u"drop"_s}
        << u"runs: unknown subcommand 'drop'; allowed: list, show, export, compare, delete"_s;
    QTest::newRow("bad id") << QStringList{u"runs"_s, u"show"_s, u"x1"_s}
                            << u"runs show: 'x1' is not a run id; allowed: a whole number from 1 to "
                               u"9223372036854775807 (see poollab runs list)"_s;
    QTest::newRow("compare one")
        << QStringList{u"runs"_s, u"compare"_s, u"1"_s}
        << u"runs compare takes two run ids or more, not 1 (see poollab runs --help)"_s;
    QTest::newRow("export nothing") << QStringList{u"runs"_s, u"export"_s, u"1"_s}
                                    << u"runs export needs --csv FILE and/or --summary-csv FILE"_s;
    QTest::newRow("record without headless")
        << QStringList{u"--record"_s}
        << u"--record needs --headless (the window records every finished "
           u"run itself)"_s;
    QTest::newRow("run-name without record")
        << QStringList{u"--headless"_s, u"--run-name"_s, u"x"_s} << u"--run-name needs --record"_s;
}

void TestRunsCli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Result r = run(args);
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.err, u"poollab: "_s + message + u'\n');
}

void TestRunsCli::readOnlyDatabaseIsRead_data()
{
    QTest::addColumn<bool>("folder"); // the folder read-only, else the file (chmod 444)
    QTest::newRow("file 444") << false;
    QTest::newRow("folder 555") << true;
}

// A database handed out read-only (the file, or the folder it is in): every verb that
// reads it works and writes nothing, not even a -wal beside it; recording into it and
// deleting from it are refused, saying why.
void TestRunsCli::readOnlyDatabaseIsRead()
{
    QFETCH(bool, folder);
    QTemporaryDir home;
    const QString dir = home.filePath(u"handed-out"_s);
    QVERIFY(QDir().mkpath(dir));
    const QString db = dir + u"/runs.sqlite"_s;
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    QCOMPARE(run(quickRun(db) + QStringList{u"--workers"_s, u"40"_s}).exitCode, 0);
    const QList<QStringList> verbs = {{u"list"_s},
                                      {u"list"_s, u"--json"_s},
                                      {u"show"_s, u"1"_s},
                                      {u"show"_s, u"2"_s, u"--json"_s},
                                      {u"export"_s, u"2"_s, u"--csv"_s, u"-"_s},
                                      {u"compare"_s, u"1"_s, u"2"_s},
                                      {u"compare"_s, u"2"_s, u"1"_s, u"--json"_s}};
    QList<QByteArray> expected;
    for (const QStringList& verb : verbs) {
        const Result r = run(QStringList{u"runs"_s} + verb + QStringList{u"--runs-db"_s, db});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        expected << r.out;
    }
    const QString locked = folder ? dir : db;
    const QFile::Permissions writable = QFile::permissions(locked);
    QVERIFY(QFile::setPermissions(locked, folder ? QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther |
                                                       QFile::ExeOther
                                                 : QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
    const QByteArray bytes = readAll(db);
    const QDateTime mtime = QFileInfo(db).lastModified();
    for (qsizetype i = 0; i < verbs.size(); ++i) {
        const Result r = runAsReader(QStringList{u"runs"_s} + verbs[i] + QStringList{u"--runs-db"_s, db});
        QVERIFY2(r.exitCode == 0, qPrintable(verbs[i].join(u' ') + u": "_s + r.err));
        QCOMPARE(r.out, expected[i]);
    }
    const QString csv = home.filePath(u"run.csv"_s); // outside the read-only folder
    QCOMPARE(runAsReader({u"runs"_s, u"export"_s, u"2"_s, u"--csv"_s, csv, u"--runs-db"_s, db}).exitCode, 0);
    QCOMPARE(readAll(csv), expected[4]);
    // Recording and deleting each say what they could not do.
    const auto why = [&](const QString& refused) {
        return folder
                   ? u"%1: its folder %2 is read-only, and SQLite keeps a -wal and -shm file beside the "
                     u"database: %3 (poollab runs list, show, export and compare read it as it is)\n"_s.arg(
                         db, dir, refused)
                   : u"%1: the file is read-only: %2 (poollab runs list, show, export and compare read it "
                     u"as it is)\n"_s.arg(db, refused);
    };
    Result r = runAsReader(quickRun(db) + QStringList{u"--summary-json"_s, u"-"_s});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.startsWith(u"poollab: --record: "_s + why(u"runs cannot be saved to it"_s).chopped(1)),
             qPrintable(r.err));
    QVERIFY(r.out.isEmpty()); // stopped before the run
    r = runAsReader({u"runs"_s, u"delete"_s, u"1"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 1);
    QCOMPARE(r.err, u"poollab: runs delete: "_s + why(u"runs cannot be deleted from it"_s));
    QCOMPARE(readAll(db), bytes);
    QCOMPARE(QFileInfo(db).lastModified(), mtime);
    QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList{u"runs.sqlite"_s});
    QVERIFY(QFile::setPermissions(locked, writable)); // so that the folder can be removed
}

// A writer in the middle of a transaction (holding SQLite's write lock) holds up no
// reader: each reads what was committed, at once (the busy timeout is 10 s).
void TestRunsCli::readersDoNotWaitForAWriter()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    QCOMPARE(run(quickRun(db)).exitCode, 0);
    {
        QSqlDatabase writer = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"writer"_s);
        writer.setDatabaseName(db);
        QVERIFY(writer.open());
        QSqlQuery q(writer);
        QVERIFY(q.exec(u"BEGIN IMMEDIATE"_s));
        QVERIFY(q.exec(u"DELETE FROM runs WHERE id = 1"_s));
        for (const QStringList& verb : {QStringList{u"list"_s, u"--json"_s}, QStringList{u"show"_s, u"1"_s},
                                        QStringList{u"export"_s, u"1"_s, u"--csv"_s, u"-"_s},
                                        QStringList{u"compare"_s, u"1"_s, u"2"_s}}) {
            const Result r = run(QStringList{u"runs"_s} + verb + QStringList{u"--runs-db"_s, db});
            QVERIFY2(r.exitCode == 0, qPrintable(verb.join(u' ') + u": "_s + r.err));
            if (verb.front() == u"list"_s)
                QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"runs"_s).toArray().size(), 2);
        }
        QVERIFY(q.exec(u"ROLLBACK"_s));
        writer.close();
    }
    QSqlDatabase::removeDatabase(u"writer"_s);
}

// An empty file (0 bytes) holds no runs, and reading it does not make it a database.
void TestRunsCli::emptyFileHoldsNoRuns()
{
    QTemporaryDir dir;
    const QString db = dir.filePath(u"runs.sqlite"_s);
    {
        QFile f(db);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    Result r = run({u"runs"_s, u"list"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out, u"No runs in %1.\n"_s.arg(db).toUtf8());
    r = run({u"runs"_s, u"show"_s, u"1"_s, u"--runs-db"_s, db});
    QCOMPARE(r.exitCode, 2);
    QCOMPARE(r.err, u"poollab: runs show: no run 1 in %1 (see poollab runs list)\n"_s.arg(db));
    QCOMPARE(QFileInfo(db).size(), 0);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"runs.sqlite"_s});
}

QTEST_GUILESS_MAIN(TestRunsCli)
#include "tst_runs_cli.moc"
