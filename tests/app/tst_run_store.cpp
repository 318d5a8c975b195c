// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/csv_export.h"
#include "io/run_store.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace poollab;
using namespace Qt::StringLiterals;

namespace {

// Samples whose doubles do not print short (0.1 + 0.2, a third, a denormal), so a
// lossy store would show in the regenerated CSV.
std::vector<Sample> awkwardSamples(int n)
{
    std::vector<Sample> out;
    for (int i = 0; i < n; ++i) {
        Sample s;
        s.runNs = (i + 1) * kSecond + 123;
        s.intervalNs = kSecond + i;
        s.arrivalsPerSec = 0.1 + 0.2 + i;
        s.completionsPerSec = 1.0 / 3.0 * i;
        s.failuresPerSec = std::numeric_limits<double>::denorm_min();
        s.rejectionsPerSec = 1e300;
        s.dropsPerSec = -0.0;
        s.retriesPerSec = 2.5;
        s.cancellationsPerSec = 7;
        s.queueDepth = std::int64_t{1} << 40;
        s.queueCapacity = 100;
        s.busyWorkers = i % 5;
        s.throttledWorkers = 1;
        s.workers = 4;
        s.inFlight = -3;
        s.utilization = 0.987654321012345;
        s.total = {static_cast<std::uint64_t>(i), 11, 22, 33, 44, 5.5};
        s.wait = {1, 2, 3, 4, 5, 6.25};
        s.service = {7, 8, 9, 10, 11, 0.1};
        s.throttle = {12, 13, 14, 15, 16, 1e-9};
        s.totals.submitted = std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(i);
        s.totals.rejected = 2;
        s.totals.refused = 3;
        s.totals.dropped = 4;
        s.totals.succeeded = 5;
        s.totals.failed = 6;
        s.totals.cancelled = 7;
        s.totals.attempts = 8;
        s.totals.retries = 9;
        s.totals.timedOut = 10;
        s.totals.throttled = 11;
        s.totals.arrivedToBusy = 12;
        out.push_back(s);
    }
    return out;
}

StoredRun sampleRun(const QString& name, int samples = 5)
{
    StoredRun run;
    run.name = name;
    run.startUnixS = 1764547200.125;
    run.timeMode = TimeMode::Virtual;
    run.scenario.name = "store test";
    run.scenario.workers = 7;
    run.scenario.queueCapacity = 33;
    run.scenario.seed = 9007199254740991; // the largest seed a scenario file takes
    run.scenario.timeMode = TimeMode::Virtual;
    run.summaryJson =
        "{\n  \"format\": \"poollab-summary/1\",\n  \"submitted\": 1234,\n  \"throughput_per_s\": "
        "98.5,\n  \"latency_ms\": {\"total\": {\"p99\": 12.75}}\n}\n";
    run.summaryCsv = "Type,Name\r\nwait,x\r\n";
    run.samples = awkwardSamples(samples);
    run.changes = {{1.5, u"workers"_s, u"4"_s, u"8"_s}, {3.25, u"rate"_s, u"100"_s, u"é200"_s}};
    run.pauses = {{2.0, 2.5}};
    for (Nanos v : {Nanos{50}, Nanos{1'000}, Nanos{1'234'567}, Nanos{99'000'000}})
        run.total.record(v, 3);
    run.wait.record(17);
    run.service.record(123'456'789);
    run.totalUncorrected.record(1'000, 2);
    run.totalUncorrected.record(77'000'000);
    return run;
}

// A new store in a folder of its own, removed with it.
struct TempStore
{
    QTemporaryDir dir;
    QString path = dir.filePath(u"runs.sqlite"_s);
    RunStore store;
    QString error;
    bool open() { return store.open(path, &error); }
};

// A PRAGMA of a file, read through a connection of its own.
QVariant pragmaOf(const QString& path, const QString& pragma)
{
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"pragma"_s);
        db.setDatabaseName(path);
        QSqlQuery q(db);
        if (db.open() && q.exec(u"PRAGMA "_s + pragma) && q.next())
            value = q.value(0);
    }
    QSqlDatabase::removeDatabase(u"pragma"_s);
    return value;
}

// Runs SQL on a file through a connection of its own (to build files of other kinds).
bool execOn(const QString& path, const QStringList& statements)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
        db.setDatabaseName(path);
        ok = db.open();
        {
            QSqlQuery q(db);
            for (const QString& sql : statements)
                ok = ok && q.exec(sql);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(u"raw"_s);
    return ok;
}

QByteArray bytesOf(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeBytes(const QString& path, const QByteArray& data)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(data), data.size());
}

// A PoolLab database with one run, checkpointed into the main file (no -wal left).
void makeStore(const QString& path)
{
    RunStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY2(store.save(sampleRun(u"kept"_s, 50), &error) > 0, qPrintable(error));
    store.close();
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
}

void compareHistograms(const Histogram& a, const Histogram& b)
{
    QCOMPARE(a.count(), b.count());
    QCOMPARE(a.sum(), b.sum());
    QCOMPARE(a.min(), b.min());
    QCOMPARE(a.max(), b.max());
    QCOMPARE(a.exactExtremes(), b.exactExtremes());
    QVERIFY(a.buckets() == b.buckets());
    QCOMPARE(a.percentile(99), b.percentile(99));
}

} // namespace

class TestRunStore : public QObject
{
    Q_OBJECT

private slots:
    void newFileIsCreatedAtSchemaOne();
    void roundTripFieldByField();
    void listReadsTheListColumns();
    void unknownIdIsReported();
    void renameAndRemove();
    void emptyFileBecomesSchemaOne_data();
    void emptyFileBecomesSchemaOne();
    void refusedFileIsNotModified_data();
    void refusedFileIsNotModified();
    void fullDiskLosesNoEarlierRun();
    void histogramsMergeAfterTheRoundTrip();
    void histogramFormatOneReadsBack();
    void reopensAPathWithOddCharacters();
    void defaultNameIsScenarioAndStart();
    void readOnlyOpenWritesNothing();
    void readOnlyOpenOfAnEmptyFile_data();
    void readOnlyOpenOfAnEmptyFile();
    void readOnlyOpenSeesAWriterCome();
    void readOnlyOpenOfAnOlderSchemaSaysWhatToDo();
};

void TestRunStore::newFileIsCreatedAtSchemaOne()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"sub/folder/runs.sqlite"_s);
    RunStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY(store.isOpen());
    QCOMPARE(store.path(), path);
    QVERIFY(QFileInfo::exists(path));
    store.close();

    QCOMPARE(pragmaOf(path, u"user_version"_s).toInt(), RunStore::kSchemaVersion);
    QCOMPARE(pragmaOf(path, u"application_id"_s).toInt(), RunStore::kApplicationId);
    QCOMPARE(pragmaOf(path, u"journal_mode"_s).toString(), u"wal"_s);
}

void TestRunStore::roundTripFieldByField()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    const StoredRun run = sampleRun(u"first"_s, 600);
    const std::int64_t id = store.save(run, &error);
    QVERIFY2(id > 0, qPrintable(error));

    const auto back = store.load(id, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->id, id);
    QCOMPARE(back->name, run.name);
    QCOMPARE(back->startUnixS, run.startUnixS);
    QCOMPARE(back->timeMode, run.timeMode);
    QVERIFY(back->scenario == run.scenario);
    QCOMPARE(back->summaryJson, run.summaryJson);
    QCOMPARE(back->summaryCsv, run.summaryCsv);
    QCOMPARE(back->samples.size(), run.samples.size());
    QCOMPARE(back->changes, run.changes);
    QCOMPARE(back->pauses, run.pauses);
    compareHistograms(back->wait, run.wait);
    compareHistograms(back->service, run.service);
    compareHistograms(back->total, run.total);
    compareHistograms(back->throttle, run.throttle);
    compareHistograms(back->totalUncorrected, run.totalUncorrected);
    // The bytes --csv wrote come back: every Sample field is kept exactly.
    QCOMPARE(timeSeriesToCsv(back->samples, back->startUnixS), timeSeriesToCsv(run.samples, run.startUnixS));
    const Sample& a = back->samples.back();
    const Sample& b = run.samples.back();
    QCOMPARE(std::signbit(back->samples[0].dropsPerSec), true);
    QCOMPARE(a.failuresPerSec, b.failuresPerSec);
    QCOMPARE(a.totals.submitted, b.totals.submitted);
    QCOMPARE(a.queueDepth, b.queueDepth);
    QCOMPARE(a.inFlight, b.inFlight);
    QCOMPARE(a.throttle.mean, b.throttle.mean);
    QCOMPARE(a.totals.arrivedToBusy, b.totals.arrivedToBusy);
}

void TestRunStore::listReadsTheListColumns()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    const std::int64_t first = store.save(sampleRun(u"first"_s, 3), &error);
    const std::int64_t second = store.save(sampleRun(u"second"_s, 4), &error);
    QVERIFY2(first > 0 && second > first, qPrintable(error));
    const auto runs = store.list(&error);
    QCOMPARE(runs.size(), std::size_t{2});
    QCOMPARE(runs[0].id, second); // newest first
    QCOMPARE(runs[0].name, u"second"_s);
    QCOMPARE(runs[0].sampleCount, std::int64_t{4});
    QCOMPARE(runs[1].id, first);
    QCOMPARE(runs[1].startUnixS, 1764547200.125);
    QCOMPARE(runs[1].timeMode, TimeMode::Virtual);
    QCOMPARE(runs[1].workers, 7);
    QCOMPARE(runs[1].queueCapacity, 33);
    QCOMPARE(runs[1].jobs, std::uint64_t{1234});
    QCOMPARE(runs[1].throughputPerS, 98.5);
    QCOMPARE(runs[1].totalP99Ms, 12.75);
    QCOMPARE(runs[1].sampleCount, std::int64_t{3});
    QCOMPARE(runs[1].scenarioName, u"store test"_s);
}

void TestRunStore::unknownIdIsReported()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    const QString& path = t.path;
    QVERIFY(!store.contains(42));
    QVERIFY(!store.load(42, &error));
    QCOMPARE(error, u"no run 42 in %1"_s.arg(path));
}

void TestRunStore::renameAndRemove()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    const QString& path = t.path;
    const std::int64_t a = store.save(sampleRun(u"a"_s), &error);
    const std::int64_t b = store.save(sampleRun(u"b"_s), &error);
    QVERIFY(store.rename(a, u"renamed"_s, &error));
    const auto renamed = store.load(a, &error);
    QVERIFY2(renamed, qPrintable(error));
    QCOMPARE(renamed->name, u"renamed"_s);
    QVERIFY(store.remove(a, &error));
    QVERIFY(!store.contains(a));
    QVERIFY(store.contains(b));
    QVERIFY(!store.remove(a, &error));
    QCOMPARE(error, u"no run %1 in %2"_s.arg(a).arg(path));
    QVERIFY(!store.rename(a, u"x"_s, &error));
    QCOMPARE(store.list(&error).size(), std::size_t{1});
}

void TestRunStore::emptyFileBecomesSchemaOne_data()
{
    QTest::addColumn<bool>("sqlite");
    QTest::newRow("0 bytes") << false;
    QTest::newRow("SQLite, no tables, user_version 0") << true;
}

void TestRunStore::emptyFileBecomesSchemaOne()
{
    QFETCH(bool, sqlite);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.sqlite"_s);
    if (sqlite)
        QVERIFY(execOn(path, {u"PRAGMA user_version=0"_s, u"VACUUM"_s})); // a valid, empty database
    else
        writeBytes(path, {});
    QCOMPARE(QFileInfo::exists(path), true);
    RunStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QVERIFY2(store.save(sampleRun(u"first"_s), &error) > 0, qPrintable(error));
    store.close();
    QCOMPARE(pragmaOf(path, u"user_version"_s).toInt(), 1);
    QCOMPARE(pragmaOf(path, u"application_id"_s).toInt(), RunStore::kApplicationId);
}

void TestRunStore::refusedFileIsNotModified_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("message"); // after "PATH: "
    QTest::newRow("text file") << u"text"_s << u"not a SQLite database"_s;
    QTest::newRow("SQLite header cut short") << u"short"_s << u"not a SQLite database"_s;
    QTest::newRow("another program's SQLite") << u"foreign"_s << u"not a PoolLab runs database"_s;
    QTest::newRow("another application_id") << u"other-id"_s << u"not a PoolLab runs database"_s;
    QTest::newRow("newer schema") << u"newer"_s
                                  << u"written by a newer PoolLab (schema 7, this one reads up to 1)"_s;
    QTest::newRow("corrupt page") << u"corrupt"_s << u"corrupt"_s;
}

void TestRunStore::refusedFileIsNotModified()
{
    QFETCH(QString, kind);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.sqlite"_s);
    if (kind == u"text"_s) {
        writeBytes(path, "time,value\n1,2\n");
    } else if (kind == u"short"_s) {
        writeBytes(path, "SQLite format");
    } else if (kind == u"foreign"_s) {
        QVERIFY(execOn(path, {u"CREATE TABLE notes (body TEXT)"_s, u"INSERT INTO notes VALUES ('hello')"_s}));
    } else if (kind == u"other-id"_s) {
        QVERIFY(execOn(path, {u"PRAGMA application_id=1234"_s}));
    } else if (kind == u"newer"_s) {
        makeStore(path);
        QVERIFY(execOn(path, {u"PRAGMA user_version=7"_s}));
    } else {
        makeStore(path);
        // Scribble over the middle of the second page (the runs table's b-tree): the
        // header stays intact, the structure does not.
        QByteArray bytes = bytesOf(path);
        QVERIFY(bytes.size() > 3 * 4096);
        for (int i = 4096 + 8; i < 4096 + 200; ++i)
            bytes[i] = static_cast<char>(0xa5);
        writeBytes(path, bytes);
    }
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    const QByteArray before = bytesOf(path);
    const QDateTime mtime = QFileInfo(path).lastModified();
    QVERIFY(QFileInfo(path).size() > 0);

    RunStore store;
    QString error;
    QVERIFY(!store.open(path, &error));
    QVERIFY(!store.isOpen());
    QVERIFY2(error.startsWith(path + u": "_s + message), qPrintable(error));
    // Never modified: same bytes, size and time, and no journal left beside it.
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(QFileInfo(path).size(), before.size());
    QCOMPARE(QFileInfo(path).lastModified(), mtime);
    QVERIFY(!QFileInfo::exists(path + u"-wal"_s));
    QVERIFY(!QFileInfo::exists(path + u"-journal"_s));
}

void TestRunStore::fullDiskLosesNoEarlierRun()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    const QString& path = t.path;
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        ids.push_back(store.save(sampleRun(u"run %1"_s.arg(i), 100), &error));
        QVERIFY2(ids.back() > 0, qPrintable(error));
    }
    // No room for one more page: the next save hits SQLITE_FULL half-way through.
    const qint64 pages = pragmaOf(path, u"page_count"_s).toLongLong();
    QVERIFY(pages > 0);
    QCOMPARE(store.setMaxPageCount(pages), pages);

    error.clear();
    QCOMPARE(store.save(sampleRun(u"too big"_s, 2000), &error), std::int64_t{0});
    QVERIFY2(error.startsWith(u"cannot save the run to %1: the disk or the database is full"_s.arg(path)),
             qPrintable(error));
    // Every earlier run is there and whole; the failed one left nothing.
    const auto runs = store.list(&error);
    QCOMPARE(runs.size(), std::size_t{3});
    for (std::int64_t id : ids) {
        const auto run = store.load(id, &error);
        QVERIFY2(run, qPrintable(error));
        QCOMPARE(run->samples.size(), std::size_t{100});
        QCOMPARE(timeSeriesToCsv(run->samples, run->startUnixS),
                 timeSeriesToCsv(sampleRun({}, 100).samples, run->startUnixS));
    }
    // With room again, saving works and the ids go on.
    store.setMaxPageCount(1'000'000);
    const std::int64_t next = store.save(sampleRun(u"after"_s, 10), &error);
    QVERIFY2(next > ids.back(), qPrintable(error));
    // Reopened from the file: the same three plus the new one.
    store.close();
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.list(&error).size(), std::size_t{4});
}

void TestRunStore::histogramsMergeAfterTheRoundTrip()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    RunStore& store = t.store;
    QString& error = t.error;
    StoredRun a = sampleRun(u"a"_s);
    StoredRun b = sampleRun(u"b"_s);
    b.total.clear();
    for (Nanos v = 1'000; v <= 1'000'000; v += 1'000)
        b.total.record(v);
    const auto la = store.load(store.save(a, &error), &error);
    const auto lb = store.load(store.save(b, &error), &error);
    QVERIFY2(la && lb, qPrintable(error));
    Histogram merged = la->total;
    merged.merge(lb->total);
    Histogram expected = a.total;
    expected.merge(b.total);
    compareHistograms(merged, expected);
    QCOMPARE(merged.percentile(50), expected.percentile(50));
    QCOMPARE(merged.count(), std::uint64_t{12 + 1000});
}

// A run stored before the uncorrected total was kept (histogram format 1: four
// histograms) reads back with the four and an empty fifth.
void TestRunStore::histogramFormatOneReadsBack()
{
    TempStore t;
    QVERIFY2(t.open(), qPrintable(t.error));
    StoredRun run = sampleRun(u"old"_s);
    run.totalUncorrected.clear();
    const std::int64_t id = t.store.save(run, &t.error);
    QVERIFY2(id > 0, qPrintable(t.error));
    t.store.close();
    // An empty histogram packs as sum, min, max, exact and a zero count: 29 bytes.
    QVERIFY(execOn(t.path, {u"UPDATE run_data SET histogram_format = 1, "
                            "histograms = substr(histograms, 1, length(histograms) - 29)"_s}));
    QVERIFY2(t.open(), qPrintable(t.error));
    const auto back = t.store.load(id, &t.error);
    QVERIFY2(back, qPrintable(t.error));
    compareHistograms(back->total, run.total);
    compareHistograms(back->service, run.service);
    QCOMPARE(back->totalUncorrected.count(), std::uint64_t{0});
    // A format this PoolLab does not know is refused, not misread.
    t.store.close();
    QVERIFY(execOn(t.path, {u"UPDATE run_data SET histogram_format = 3"_s}));
    QVERIFY2(t.open(), qPrintable(t.error));
    QVERIFY(!t.store.load(id, &t.error));
}

// The read-only check opens the file by URI: spaces, '#', '?' and '%' must survive.
void TestRunStore::reopensAPathWithOddCharacters()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"my runs #1 ?50%.sqlite"_s);
    makeStore(path);
    RunStore store;
    QString error;
    QVERIFY2(store.open(path, &error), qPrintable(error));
    QCOMPARE(store.list(&error).size(), std::size_t{1});
    // The database and its WAL files, under the name as given.
    const QStringList expected{u"my runs #1 ?50%.sqlite"_s, u"my runs #1 ?50%.sqlite-shm"_s,
                               u"my runs #1 ?50%.sqlite-wal"_s};
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files, QDir::Name), expected);
}

void TestRunStore::defaultNameIsScenarioAndStart()
{
    // Local time, as the list shows it.
    const double start =
        static_cast<double>(QDateTime(QDate(2026, 12, 1), QTime(7, 30, 0)).toMSecsSinceEpoch()) / 1000.0 +
        0.25;
    Scenario s;
    s.name = "Retry storm";
    QCOMPARE(defaultRunName(s, start), u"Retry storm 2026-12-01 07:30:00"_s);
    s.name.clear();
    QCOMPARE(defaultRunName(s, start), u"run 2026-12-01 07:30:00"_s);
}

// Opened read-only, a database lists and loads its runs, and nothing is written: no
// byte, no modification time, no -wal or -shm beside it; every write is refused.
void TestRunStore::readOnlyOpenWritesNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.sqlite"_s);
    makeStore(path);
    const QByteArray before = bytesOf(path);
    const QDateTime mtime = QFileInfo(path).lastModified();
    RunStore store;
    QString error;
    QVERIFY2(store.openReadOnly(path, &error), qPrintable(error));
    QVERIFY(store.isReadOnly());
    const auto runs = store.list(&error);
    QCOMPARE(runs.size(), std::size_t{1});
    QCOMPARE(runs.front().name, u"kept"_s);
    const auto run = store.load(runs.front().id, &error);
    QVERIFY2(run, qPrintable(error));
    QCOMPARE(run->samples.size(), std::size_t{50});
    QVERIFY(store.contains(runs.front().id));
    QCOMPARE(store.save(sampleRun(u"more"_s), &error), std::int64_t{0});
    QCOMPARE(error, u"cannot save the run to %1: it is open for reading only"_s.arg(path));
    QVERIFY(!store.rename(runs.front().id, u"x"_s, &error));
    QVERIFY(!store.remove(runs.front().id, &error));
    QVERIFY(error.contains(u"open for reading only"_s));
    QVERIFY(store.unchangedSinceOpen());
    store.close();
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(QFileInfo(path).lastModified(), mtime);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"runs.sqlite"_s});
}

void TestRunStore::readOnlyOpenOfAnEmptyFile_data()
{
    QTest::addColumn<bool>("sqlite"); // else 0 bytes
    QTest::newRow("0 bytes") << false;
    QTest::newRow("SQLite without tables") << true;
}

// An empty file holds no runs: read-only, it is not made a runs database (that would
// write), and it lists as empty.
void TestRunStore::readOnlyOpenOfAnEmptyFile()
{
    QFETCH(bool, sqlite);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.sqlite"_s);
    if (sqlite)
        QVERIFY(execOn(path, {u"CREATE TABLE t (x)"_s, u"DROP TABLE t"_s}));
    else
        writeBytes(path, {});
    const QByteArray before = bytesOf(path);
    RunStore store;
    QString error;
    QVERIFY2(store.openReadOnly(path, &error), qPrintable(error));
    QVERIFY(store.list(&error).empty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(!store.contains(1));
    QVERIFY(!store.load(1, &error));
    QCOMPARE(error, u"no run 1 in %1"_s.arg(path));
    store.close();
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"runs.sqlite"_s});
}

// Read without locks (nobody had it open), the file is known to have changed when a
// writer saved into it meanwhile: the reader must read it again.
void TestRunStore::readOnlyOpenSeesAWriterCome()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"runs.sqlite"_s);
    makeStore(path);
    RunStore reader;
    QString error;
    QVERIFY2(reader.openReadOnly(path, &error), qPrintable(error));
    QCOMPARE(reader.list(&error).size(), std::size_t{1});
    QVERIFY(reader.unchangedSinceOpen());
    {
        // Another process's writer: a connection of its own, not a RunStore (which
        // would see this process's reader and share its locks).
        QVERIFY(
            execOn(path, {u"INSERT INTO runs (name, start_unix_s, time_mode, scenario_name, seed, workers, "
                          u"queue_capacity, jobs, throughput_per_s, total_p99_ms, sample_count) VALUES "
                          u"('w', 0, 'real', '', 0, 1, 1, 0, 0, 0, 0)"_s}));
    }
    QVERIFY(!reader.unchangedSinceOpen());
    // Opened again, it reads the new state, through the locks when asked.
    QVERIFY2(reader.openReadOnly(path, &error, true), qPrintable(error));
    QCOMPARE(reader.list(&error).size(), std::size_t{2});
    QVERIFY(reader.unchangedSinceOpen());
}

// A file of an older schema would have to be migrated, which writes: read-only, it
// is refused, naming the file and what to do, and left as it was.
void TestRunStore::readOnlyOpenOfAnOlderSchemaSaysWhatToDo()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"old.sqlite"_s);
    // Ours (application id) at schema 0 with a table of its own: what a PoolLab from
    // before schema 1 would have left.
    QVERIFY(execOn(path, {u"PRAGMA application_id=%1"_s.arg(RunStore::kApplicationId),
                          u"CREATE TABLE runs_v0 (id INTEGER PRIMARY KEY, name TEXT)"_s}));
    const QByteArray before = bytesOf(path);
    RunStore store;
    QString error;
    QVERIFY(!store.openReadOnly(path, &error));
    QCOMPARE(error, u"%1: an older PoolLab's runs database (schema 0, this one reads 1): it is read without "
                    "changing it, so record a run into it once (poollab --headless --record --runs-db %1, "
                    "or the window) to update it"_s.arg(path));
    QVERIFY(!store.isOpen());
    QCOMPARE(bytesOf(path), before);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"old.sqlite"_s});
}

QTEST_GUILESS_MAIN(TestRunStore)
#include "tst_run_store.moc"
