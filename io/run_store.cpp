// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/run_store.h"

#include "io/scenario_file.h"

#include <QAtomicInteger>
#include <QDataStream>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QVariant>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

using namespace Qt::StringLiterals;

namespace poollab {

namespace {

// What the packed blobs of a run are in: bump when a field is added (and read the old
// one too), so a stored run always reads back.
constexpr int kSampleFormat = 1;
// Histograms: 1 = wait, service, total, throttle; 2 = then total uncorrected (#16). A
// row keeps its own format, so runs stored before read back (total uncorrected empty).
constexpr int kHistogramFormat = 2;
// The bucket layout the stored counts are in (core/histogram.h): counts only mean
// something in the layout they were taken in.
const QString kHistogramLayout = u"log-linear %1+%2/2^%3"_s.arg(HistogramLayout::kLinear)
                                     .arg(HistogramLayout::kSubBuckets)
                                     .arg(HistogramLayout::kMaxMsb + 1);

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return u"poollab-runs-%1"_s.arg(counter.fetchAndAddRelaxed(1));
}

QDataStream& beginStream(QDataStream& s)
{
    s.setVersion(QDataStream::Qt_6_4);
    s.setByteOrder(QDataStream::LittleEndian);
    s.setFloatingPointPrecision(QDataStream::DoublePrecision);
    return s;
}

void writeLatency(QDataStream& s, const IntervalLatency& l)
{
    s << quint64(l.count) << qint64(l.p50) << qint64(l.p95) << qint64(l.p99) << qint64(l.max) << l.mean;
}

void readLatency(QDataStream& s, IntervalLatency& l)
{
    quint64 count = 0;
    qint64 p50 = 0, p95 = 0, p99 = 0, max = 0;
    s >> count >> p50 >> p95 >> p99 >> max >> l.mean;
    l.count = count;
    l.p50 = p50;
    l.p95 = p95;
    l.p99 = p99;
    l.max = max;
}

void writeCounters(QDataStream& s, const Counters& c)
{
    for (std::uint64_t v : {c.submitted, c.rejected, c.refused, c.dropped, c.succeeded, c.failed, c.cancelled,
                            c.attempts, c.retries, c.timedOut, c.throttled, c.arrivedToBusy})
        s << quint64(v);
}

void readCounters(QDataStream& s, Counters& c)
{
    for (std::uint64_t* v :
         {&c.submitted, &c.rejected, &c.refused, &c.dropped, &c.succeeded, &c.failed, &c.cancelled,
          &c.attempts, &c.retries, &c.timedOut, &c.throttled, &c.arrivedToBusy}) {
        quint64 x = 0;
        s >> x;
        *v = x;
    }
}

// Every Sample field in declaration order, doubles as IEEE 754 binary64 and integers
// as 64 bits: the time series CSV regenerates from it byte for byte.
QByteArray packSamples(const std::vector<Sample>& samples)
{
    QByteArray out;
    out.reserve(static_cast<qsizetype>(samples.size()) * 400);
    QDataStream s(&out, QIODevice::WriteOnly);
    beginStream(s);
    s << quint64(samples.size());
    for (const Sample& x : samples) {
        s << qint64(x.runNs) << qint64(x.intervalNs) << x.arrivalsPerSec << x.completionsPerSec
          << x.failuresPerSec << x.rejectionsPerSec << x.dropsPerSec << x.retriesPerSec
          << x.cancellationsPerSec << qint64(x.queueDepth) << qint64(x.queueCapacity) << qint64(x.busyWorkers)
          << qint64(x.throttledWorkers) << qint64(x.workers) << qint64(x.inFlight) << x.utilization;
        writeLatency(s, x.total);
        writeLatency(s, x.wait);
        writeLatency(s, x.service);
        writeLatency(s, x.throttle);
        writeCounters(s, x.totals);
    }
    return out;
}

bool unpackSamples(const QByteArray& data, std::vector<Sample>& samples)
{
    QDataStream s(data);
    beginStream(s);
    quint64 n = 0;
    s >> n;
    // Each sample takes well over 100 bytes: a larger count is a damaged blob.
    if (n > static_cast<quint64>(data.size()) / 100)
        return false;
    samples.resize(n);
    for (Sample& x : samples) {
        qint64 runNs = 0, intervalNs = 0, queueDepth = 0, capacity = 0, busy = 0, throttled = 0, workers = 0,
               inFlight = 0;
        s >> runNs >> intervalNs >> x.arrivalsPerSec >> x.completionsPerSec >> x.failuresPerSec >>
            x.rejectionsPerSec >> x.dropsPerSec >> x.retriesPerSec >> x.cancellationsPerSec >> queueDepth >>
            capacity >> busy >> throttled >> workers >> inFlight >> x.utilization;
        x.runNs = runNs;
        x.intervalNs = intervalNs;
        x.queueDepth = queueDepth;
        x.queueCapacity = static_cast<int>(capacity);
        x.busyWorkers = static_cast<int>(busy);
        x.throttledWorkers = static_cast<int>(throttled);
        x.workers = static_cast<int>(workers);
        x.inFlight = inFlight;
        readLatency(s, x.total);
        readLatency(s, x.wait);
        readLatency(s, x.service);
        readLatency(s, x.throttle);
        readCounters(s, x.totals);
    }
    return s.status() == QDataStream::Ok && s.atEnd();
}

// The final histograms (kHistogramFormat): sum, extremes and the non-zero buckets as
// (index, count).
QByteArray packHistograms(const StoredRun& run)
{
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    beginStream(s);
    for (const Histogram* h : {&run.wait, &run.service, &run.total, &run.throttle, &run.totalUncorrected}) {
        s << h->sum() << qint64(h->min()) << qint64(h->max()) << h->exactExtremes();
        const auto& b = h->buckets();
        quint32 used = 0;
        for (std::uint64_t c : b)
            used += c != 0;
        s << used;
        for (std::size_t i = 0; i < b.size(); ++i)
            if (b[i])
                s << quint32(i) << quint64(b[i]);
    }
    return out;
}

bool unpackHistograms(const QByteArray& data, int format, StoredRun& run)
{
    QDataStream s(data);
    beginStream(s);
    std::vector<std::uint64_t> buckets(HistogramLayout::kBuckets);
    std::vector<Histogram*> kept = {&run.wait, &run.service, &run.total, &run.throttle};
    if (format >= 2)
        kept.push_back(&run.totalUncorrected);
    for (Histogram* h : kept) {
        double sum = 0;
        qint64 min = 0, max = 0;
        bool exact = true;
        quint32 used = 0;
        s >> sum >> min >> max >> exact >> used;
        if (used > static_cast<quint32>(HistogramLayout::kBuckets))
            return false;
        std::fill(buckets.begin(), buckets.end(), 0);
        for (quint32 i = 0; i < used; ++i) {
            quint32 index = 0;
            quint64 count = 0;
            s >> index >> count;
            if (index >= static_cast<quint32>(HistogramLayout::kBuckets))
                return false;
            buckets[index] = count;
        }
        h->assign(buckets, sum, min, max, exact);
    }
    return s.status() == QDataStream::Ok && s.atEnd();
}

QByteArray packMarks(const StoredRun& run)
{
    QByteArray out;
    QDataStream s(&out, QIODevice::WriteOnly);
    beginStream(s);
    s << quint32(run.changes.size());
    for (const StoredChange& c : run.changes)
        s << c.seconds << c.key << c.from << c.to;
    s << quint32(run.pauses.size());
    for (const StoredPause& p : run.pauses)
        s << p.from << p.to;
    return out;
}

bool unpackMarks(const QByteArray& data, StoredRun& run)
{
    QDataStream s(data);
    beginStream(s);
    quint32 n = 0;
    s >> n;
    if (n > static_cast<quint32>(data.size()))
        return false;
    run.changes.resize(n);
    for (StoredChange& c : run.changes)
        s >> c.seconds >> c.key >> c.from >> c.to;
    s >> n;
    if (n > static_cast<quint32>(data.size()))
        return false;
    run.pauses.resize(n);
    for (StoredPause& p : run.pauses)
        s >> p.from >> p.to;
    return s.status() == QDataStream::Ok && s.atEnd();
}

QString modeText(TimeMode mode)
{
    return mode == TimeMode::Virtual ? u"virtual"_s : u"real"_s;
}

TimeMode modeFrom(const QString& text)
{
    return text == u"virtual"_s ? TimeMode::Virtual : TimeMode::Real;
}

const QString kReadOnlyReason = u"the file or its folder is read-only: runs cannot be saved to it"_s;

// The reason SQLite gave, with what a user can do about the common ones.
QString reasonOf(const QSqlError& e)
{
    const QString code = e.nativeErrorCode();
    if (code == u"13"_s)
        return u"the disk or the database is full (%1)"_s.arg(e.databaseText());
    if (code == u"5"_s || code == u"6"_s)
        return u"the database is locked by another process (%1)"_s.arg(e.databaseText());
    if (code == u"11"_s)
        return u"the database is corrupt (%1)"_s.arg(e.databaseText());
    // A read-only file, or a folder where its -wal and -shm cannot be created.
    if ((code.toInt() & 0xff) == 8) // SQLITE_READONLY and its extended codes
        return kReadOnlyReason + u" (%1)"_s.arg(e.databaseText());
    const QString text = e.databaseText().isEmpty() ? e.text() : e.databaseText();
    return text.isEmpty() ? u"unknown SQLite error"_s : text;
}

void setError(QString* error, const QString& text)
{
    if (error)
        *error = text;
}

std::optional<qint64> pragmaInt(QSqlDatabase& db, const QString& pragma, QString* why)
{
    QSqlQuery q(db);
    if (!q.exec(u"PRAGMA "_s + pragma) || !q.next()) {
        if (why)
            *why = reasonOf(q.lastError());
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

// Tables of any kind: a SQLite file without any (and no ids set) may become ours.
std::optional<qint64> tableCount(QSqlDatabase& db, QString* why)
{
    QSqlQuery q(db);
    if (!q.exec(u"SELECT count(*) FROM sqlite_master"_s) || !q.next()) {
        if (why)
            *why = reasonOf(q.lastError());
        return std::nullopt;
    }
    return q.value(0).toLongLong();
}

// Schema version 1: the run's list columns in `runs` (so the list reads no blob), the
// bulky parts in `run_data`.
bool migrateTo1(QSqlDatabase& db, QString* why)
{
    const QString statements[] = {
        u"CREATE TABLE runs ("
        "id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "name TEXT NOT NULL,"
        "start_unix_s REAL NOT NULL,"
        "time_mode TEXT NOT NULL,"
        "scenario_name TEXT NOT NULL,"
        "seed INTEGER NOT NULL,"
        "workers INTEGER NOT NULL,"
        "queue_capacity INTEGER NOT NULL,"
        "jobs INTEGER NOT NULL,"
        "throughput_per_s REAL NOT NULL,"
        "total_p99_ms REAL NOT NULL,"
        "sample_count INTEGER NOT NULL)"_s,
        u"CREATE TABLE run_data ("
        "run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,"
        "scenario_json BLOB NOT NULL,"
        "summary_json BLOB NOT NULL,"
        "summary_csv BLOB NOT NULL,"
        "sample_format INTEGER NOT NULL,"
        "samples BLOB NOT NULL,"
        "marks BLOB NOT NULL,"
        "histogram_format INTEGER NOT NULL,"
        "histogram_layout TEXT NOT NULL,"
        "histograms BLOB NOT NULL)"_s,
    };
    QSqlQuery q(db);
    for (const QString& sql : statements) {
        if (!q.exec(sql)) {
            *why = reasonOf(q.lastError());
            return false;
        }
    }
    return true;
}

// One function per schema step: steps[v] takes a database from version v to v + 1.
using MigrationStep = bool (*)(QSqlDatabase&, QString*);
constexpr MigrationStep kMigrations[] = {migrateTo1};
static_assert(std::size(kMigrations) == RunStore::kSchemaVersion);

// SQLite's signature in the first 16 bytes of every database file.
constexpr char kSqliteHeader[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                    'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};

// What the checks read through one read-only connection: false with *error naming the
// file. `immutable` reads the file as it is on disk, taking no lock and creating no
// -wal or -shm beside it; otherwise SQLite's locks and the writers' WAL are used.
bool checkContents(const QString& path, bool immutable, QString* error)
{
    const QString name = nextConnectionName();
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        if (immutable) {
            db.setDatabaseName(
                QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toString(QUrl::FullyEncoded) +
                u"?immutable=1"_s);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"_s);
        } else {
            db.setDatabaseName(path);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"_s);
        }
        QString why;
        if (!db.open()) {
            setError(error, u"%1: cannot open: %2"_s.arg(path, reasonOf(db.lastError())));
        } else if (const auto appId = pragmaInt(db, u"application_id"_s, &why); !appId) {
            setError(error, u"%1: cannot read: %2"_s.arg(path, why));
        } else if (const auto version = pragmaInt(db, u"user_version"_s, &why); !version) {
            setError(error, u"%1: cannot read: %2"_s.arg(path, why));
        } else if (const auto tables = tableCount(db, &why); !tables) {
            setError(error, u"%1: cannot read: %2"_s.arg(path, why));
        } else if (*appId != RunStore::kApplicationId && (*appId != 0 || *tables != 0 || *version != 0)) {
            // An empty SQLite file (no tables, no ids) may become a runs database.
            setError(error, u"%1: not a PoolLab runs database"_s.arg(path));
        } else if (*version > RunStore::kSchemaVersion) {
            setError(error, u"%1: written by a newer PoolLab (schema %2, this one reads up to %3)"_s.arg(path)
                                .arg(*version)
                                .arg(RunStore::kSchemaVersion));
        } else {
            QSqlQuery q(db);
            if (!q.exec(u"PRAGMA quick_check"_s)) {
                setError(error, u"%1: corrupt: %2"_s.arg(path, reasonOf(q.lastError())));
            } else if (!q.next() || q.value(0).toString() != u"ok"_s) {
                setError(error, u"%1: corrupt (quick_check: %2)"_s.arg(path, q.value(0).toString()));
            } else {
                ok = true;
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

// The file's size and modification time to the nanosecond, and whether a -wal is
// beside it: if none of that moved while it was read, no writer touched it.
struct FileState
{
    bool wal = false;
    qint64 size = -1;
    qint64 mtimeNs = -1;
    bool operator==(const FileState&) const = default;
    QString key() const { return u"%1:%2:%3"_s.arg(wal).arg(size).arg(mtimeNs); }
};

FileState fileState(const QString& path)
{
    FileState s;
    s.wal = QFileInfo::exists(path + u"-wal"_s);
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) == 0) {
        s.size = st.st_size;
        s.mtimeNs = static_cast<qint64>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    }
    return s;
}

// The checks that come before any write: a file that fails one is left as it was.
// A file nobody has open (no -wal beside it) is read as immutable, since a read-only
// connection to a WAL database would leave -wal and -shm files next to it. Another
// process may start writing meanwhile (its checkpoint moves pages under an immutable
// reader), so that read counts only if the file did not change during it; else it
// is read again, at last through SQLite's locks.
bool checkExistingFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, u"%1: cannot read: %2"_s.arg(path, file.errorString()));
        return false;
    }
    const QByteArray head = file.read(16);
    file.close();
    if (head != QByteArray::fromRawData(kSqliteHeader, 16)) {
        setError(error, u"%1: not a SQLite database"_s.arg(path));
        return false;
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
        const FileState before = fileState(path);
        if (before.wal)
            break;
        const bool ok = checkContents(path, true, error);
        if (fileState(path) == before)
            return ok;
    }
    return checkContents(path, false, error);
}

// Whether runs can be saved to the file: it and, unless a -wal is there already, its
// folder (where SQLite creates the -wal and -shm) writable. SQLite would otherwise
// open a read-only file read-only, and the run would fail only when saved.
// ::access, or what a test asks in its place (RunStore::setAccessForTests()).
std::atomic<int (*)(const char*, int)> accessCheck{&::access};

bool checkWritable(const QString& path, RunStore::Writing purpose, QString* error)
{
    const auto access = accessCheck.load();
    const QFileInfo info(path);
    const QString folder = info.absolutePath();
    const QString refused = purpose == RunStore::Writing::Delete ? u"runs cannot be deleted from it"_s
                                                                 : u"runs cannot be saved to it"_s;
    if (info.exists() && access(QFile::encodeName(path).constData(), W_OK) != 0) {
        setError(error, u"%1: the file is read-only: %2 (poollab runs list, show, export and compare read it "
                        "as it is)"_s.arg(path, refused));
        return false;
    }
    if (QFileInfo(folder).isDir() && !QFileInfo::exists(path + u"-wal"_s) &&
        access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0) {
        setError(error, u"%1: its folder %2 is read-only, and SQLite keeps a -wal and -shm file beside "
                        "the database: %3 (poollab runs list, show, export and compare read it as it "
                        "is)"_s.arg(path, folder, refused));
        return false;
    }
    return true;
}

// The runs files this process has a connection to. Closing any descriptor of a
// database file drops every POSIX lock the process holds on it (SQLite's "How To
// Corrupt", 2.2): the checks above read the file through one of their own, so they
// must not run while another RunStore here (the Runs tab and the window's recorder
// share a file) has it open, or another process could checkpoint and delete the WAL
// this one still writes to. A file open here already passed them; the re-check under
// the write lock still runs.
struct OpenFiles
{
    std::mutex mutex; // held through open() and close(): opens are rare
    QHash<QString, int> counts;
};

OpenFiles& openFiles()
{
    static OpenFiles files;
    return files;
}

QString fileKey(const QString& path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

// Qt's SQLite driver is a separate package on Debian; say which one when it is missing.
bool haveSqliteDriver(const QString& path, QString* error)
{
    if (QSqlDatabase::isDriverAvailable(u"QSQLITE"_s))
        return true;
    setError(error, u"%1: cannot open: the Qt SQLite driver (QSQLITE) is not installed "
                    "(Debian/Ubuntu: libqt6sql6-sqlite)"_s.arg(path));
    return false;
}

} // namespace

QString defaultRunName(const Scenario& scenario, double startUnixS)
{
    const QString start = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(startUnixS * 1000))
                              .toString(u"yyyy-MM-dd HH:mm:ss"_s);
    return (scenario.name.empty() ? u"run"_s : QString::fromStdString(scenario.name)) + u' ' + start;
}

RunStore::RunStore() = default;

RunStore::~RunStore()
{
    close();
}

void RunStore::close()
{
    if (m_connection.isEmpty())
        return;
    std::lock_guard lock(openFiles().mutex);
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    m_connection.clear();
    if (--openFiles().counts[m_fileKey] <= 0)
        openFiles().counts.remove(m_fileKey);
    m_fileKey.clear();
    m_readOnly = false;
    m_empty = false;
    m_immutable = false;
    m_openedState.clear();
}

bool RunStore::isOpen() const
{
    return !m_connection.isEmpty();
}

QString RunStore::path() const
{
    return m_path;
}

void RunStore::setAccessForTests(int (*access)(const char* path, int mode))
{
    accessCheck = access ? access : &::access;
}

bool RunStore::open(const QString& path, QString* error, Writing purpose)
{
    close();
    m_refusedAsReadOnly = false;
    if (!haveSqliteDriver(path, error))
        return false;
    const QFileInfo info(path);
    if (info.exists() && info.isDir()) {
        setError(error, u"%1: is a folder, not a runs database"_s.arg(path));
        return false;
    }
    std::lock_guard lock(openFiles().mutex);
    const bool openHere = openFiles().counts.value(fileKey(path)) > 0;
    if (!openHere && info.exists() && info.size() > 0 && !checkExistingFile(path, error))
        return false;
    if (!openHere && !checkWritable(path, purpose, error)) {
        m_refusedAsReadOnly = true;
        return false;
    }
    if (!info.exists() && !QDir().mkpath(info.absolutePath())) {
        setError(error, u"%1: cannot create its folder %2"_s.arg(path, info.absolutePath()));
        return false;
    }

    const QString name = nextConnectionName();
    QString why;
    bool ok = false;
    bool refused = false; // what the checks above refuse, found again under the write lock
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
        ok = db.open();
        if (!ok)
            why = reasonOf(db.lastError());
        QSqlQuery q(db);
        // WAL lets readers go on while one process writes; the busy timeout makes the
        // writers queue rather than fail.
        if (ok && !(q.exec(u"PRAGMA journal_mode=WAL"_s) && q.next())) {
            ok = false;
            why = reasonOf(q.lastError());
        }
        q.finish();
        if (ok)
            q.exec(u"PRAGMA synchronous=NORMAL"_s);
        // IMMEDIATE takes the write lock now: two processes creating the file at once
        // migrate one after the other, and the second finds the first one's schema.
        if (ok && !q.exec(u"BEGIN IMMEDIATE"_s)) {
            ok = false;
            why = reasonOf(q.lastError());
        }
        if (ok) {
            const auto appId = pragmaInt(db, u"application_id"_s, &why);
            const auto version = pragmaInt(db, u"user_version"_s, &why);
            const auto tables = tableCount(db, &why);
            ok = appId && version && tables;
            if (ok && *appId != kApplicationId && (*appId != 0 || *tables != 0 || *version != 0)) {
                ok = false;
                refused = true;
                why = u"not a PoolLab runs database"_s;
            } else if (ok && *version > kSchemaVersion) {
                ok = false;
                refused = true;
                why = u"written by a newer PoolLab (schema %1, this one reads up to %2)"_s.arg(*version).arg(
                    kSchemaVersion);
            }
            for (qint64 v = ok ? *version : kSchemaVersion; ok && v < kSchemaVersion; ++v)
                ok = kMigrations[v](db, &why);
            if (ok && *version < kSchemaVersion) {
                ok = q.exec(u"PRAGMA application_id=%1"_s.arg(kApplicationId)) &&
                     q.exec(u"PRAGMA user_version=%1"_s.arg(kSchemaVersion));
                if (!ok)
                    why = reasonOf(q.lastError());
            }
            if (ok && !q.exec(u"COMMIT"_s)) {
                ok = false;
                why = reasonOf(q.lastError());
            }
            if (!ok)
                q.exec(u"ROLLBACK"_s);
        }
        q.finish();
        if (!ok)
            db.close();
    }
    if (!ok) {
        QSqlDatabase::removeDatabase(name);
        m_refusedAsReadOnly = why.startsWith(kReadOnlyReason); // SQLite found it read-only
        setError(error, (refused ? u"%1: %2"_s : u"%1: cannot open: %2"_s).arg(path, why));
        return false;
    }
    registerOpen(path, name);
    return true;
}

bool RunStore::registerOpen(const QString& path, const QString& connection)
{
    m_connection = connection;
    m_path = path;
    m_fileKey = fileKey(path); // the file exists now: its canonical path
    ++openFiles().counts[m_fileKey];
    return true;
}

bool RunStore::openReadOnly(const QString& path, QString* error, bool useLocks)
{
    close();
    if (!haveSqliteDriver(path, error))
        return false;
    const QFileInfo info(path);
    if (!info.exists()) {
        setError(error, u"%1: no such file"_s.arg(path));
        return false;
    }
    if (info.isDir()) {
        setError(error, u"%1: is a folder, not a runs database"_s.arg(path));
        return false;
    }
    std::lock_guard lock(openFiles().mutex);
    // Open here already (and checked then): a connection without locks would drop the
    // other one's when it closes its descriptor (see OpenFiles), so this one takes them too.
    const bool openHere = openFiles().counts.value(fileKey(path)) > 0;
    if (!openHere && info.size() > 0 && !checkExistingFile(path, error))
        return false;
    const FileState before = fileState(path);
    // No -wal beside it: nobody has it open, and it is read as it is on disk (no lock
    // taken, nothing created beside it: a read-only folder reads too). Otherwise WAL
    // readers' locks, which no writer holds up.
    const bool immutable = !openHere && !useLocks && !before.wal;
    const QString name = nextConnectionName();
    QString why;
    std::optional<qint64> appId, version, tables;
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        if (immutable) {
            db.setDatabaseName(QUrl::fromLocalFile(info.absoluteFilePath()).toString(QUrl::FullyEncoded) +
                               u"?immutable=1"_s);
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI"_s);
        } else {
            db.setDatabaseName(path);
            // A WAL reader waits only while another connection recovers or resets the WAL.
            db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"_s);
        }
        ok = db.open();
        if (!ok)
            why = reasonOf(db.lastError());
        if (ok) {
            appId = pragmaInt(db, u"application_id"_s, &why);
            version = pragmaInt(db, u"user_version"_s, &why);
            tables = tableCount(db, &why);
            ok = appId && version && tables;
        }
        if (!ok)
            db.close();
    }
    const auto refuse = [&](const QString& text) {
        QSqlDatabase::removeDatabase(name);
        setError(error, text);
        return false;
    };
    if (!ok)
        return refuse(u"%1: cannot open: %2"_s.arg(path, why));
    if (*appId != kApplicationId && (*appId != 0 || *tables != 0 || *version != 0))
        return refuse(u"%1: not a PoolLab runs database"_s.arg(path));
    if (*version > kSchemaVersion)
        return refuse(u"%1: written by a newer PoolLab (schema %2, this one reads up to %3)"_s.arg(path)
                          .arg(*version)
                          .arg(kSchemaVersion));
    const bool empty = *version == 0 && *tables == 0; // never written to: no runs yet
    if (!empty && *version < kSchemaVersion)
        // Reading it would need the migration, which writes: say how to get it.
        return refuse(u"%1: an older PoolLab's runs database (schema %2, this one reads %3): it is read "
                      "without changing it, so record a run into it once (poollab --headless --record "
                      "--runs-db %1, or the window) to update it"_s.arg(path)
                          .arg(*version)
                          .arg(kSchemaVersion));
    registerOpen(path, name);
    m_readOnly = true;
    m_empty = empty;
    m_immutable = immutable;
    m_openedState = before.key();
    return true;
}

bool RunStore::unchangedSinceOpen() const
{
    return !m_immutable || fileState(m_path).key() == m_openedState;
}

std::int64_t RunStore::save(const StoredRun& run, QString* error)
{
    if (!isOpen()) {
        setError(error, u"no runs database is open"_s);
        return 0;
    }
    if (m_readOnly) {
        setError(error, u"cannot save the run to %1: it is open for reading only"_s.arg(m_path));
        return 0;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // The list columns come from the summary as written, so the list never parses it.
    const QJsonObject summary = QJsonDocument::fromJson(run.summaryJson).object();
    const QJsonObject total = summary.value(u"latency_ms"_s).toObject().value(u"total"_s).toObject();

    QSqlQuery q(db);
    auto fail = [&](const QSqlError& e) {
        const QString why = reasonOf(e);
        q.finish();
        QSqlQuery(db).exec(u"ROLLBACK"_s);
        setError(error, u"cannot save the run to %1: %2"_s.arg(m_path, why));
        return std::int64_t{0};
    };
    if (!q.exec(u"BEGIN IMMEDIATE"_s))
        return fail(q.lastError());
    // A prepare that fails says why (no such table...), where exec would only say
    // "Parameter count mismatch".
    if (!q.prepare(
            u"INSERT INTO runs (name, start_unix_s, time_mode, scenario_name, seed, workers, queue_capacity, "
            "jobs, throughput_per_s, total_p99_ms, sample_count) VALUES (?,?,?,?,?,?,?,?,?,?,?)"_s))
        return fail(q.lastError());
    q.addBindValue(run.name);
    q.addBindValue(run.startUnixS);
    q.addBindValue(modeText(run.timeMode));
    q.addBindValue(QString::fromStdString(run.scenario.name));
    q.addBindValue(static_cast<qint64>(run.scenario.seed)); // bit pattern kept; read back as unsigned
    q.addBindValue(run.scenario.workers);
    q.addBindValue(run.scenario.queueCapacity);
    q.addBindValue(static_cast<qint64>(summary.value(u"submitted"_s).toInteger()));
    q.addBindValue(summary.value(u"throughput_per_s"_s).toDouble());
    q.addBindValue(total.value(u"p99"_s).toDouble());
    q.addBindValue(static_cast<qint64>(run.samples.size()));
    if (!q.exec())
        return fail(q.lastError());
    const std::int64_t id = q.lastInsertId().toLongLong();
    if (!q.prepare(u"INSERT INTO run_data (run_id, scenario_json, summary_json, summary_csv, sample_format, "
                   u"samples, "
                   "marks, histogram_format, histogram_layout, histograms) VALUES (?,?,?,?,?,?,?,?,?,?)"_s))
        return fail(q.lastError());
    q.addBindValue(static_cast<qint64>(id));
    q.addBindValue(scenarioToJson(run.scenario));
    // Bound as blobs (not text) so an empty CSV is stored as an empty blob, not NULL.
    q.addBindValue(run.summaryJson.isNull() ? QByteArray("") : run.summaryJson);
    q.addBindValue(run.summaryCsv.isNull() ? QByteArray("") : run.summaryCsv);
    q.addBindValue(kSampleFormat);
    q.addBindValue(packSamples(run.samples));
    q.addBindValue(packMarks(run));
    q.addBindValue(kHistogramFormat);
    q.addBindValue(kHistogramLayout);
    q.addBindValue(packHistograms(run));
    if (!q.exec())
        return fail(q.lastError());
    if (!q.exec(u"COMMIT"_s))
        return fail(q.lastError());
    return id;
}

std::vector<StoredRunInfo> RunStore::list(QString* error) const
{
    std::vector<StoredRunInfo> out;
    if (!isOpen()) {
        setError(error, u"no runs database is open"_s);
        return out;
    }
    if (m_empty)
        return out;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(u"SELECT id, name, start_unix_s, time_mode, workers, queue_capacity, jobs, throughput_per_s, "
                "total_p99_ms, sample_count, scenario_name FROM runs ORDER BY id DESC"_s)) {
        setError(error, u"cannot list the runs in %1: %2"_s.arg(m_path, reasonOf(q.lastError())));
        return out;
    }
    while (q.next()) {
        StoredRunInfo& i = out.emplace_back();
        i.id = q.value(0).toLongLong();
        i.name = q.value(1).toString();
        i.startUnixS = q.value(2).toDouble();
        i.timeMode = modeFrom(q.value(3).toString());
        i.workers = q.value(4).toInt();
        i.queueCapacity = q.value(5).toInt();
        i.jobs = static_cast<std::uint64_t>(q.value(6).toLongLong());
        i.throughputPerS = q.value(7).toDouble();
        i.totalP99Ms = q.value(8).toDouble();
        i.sampleCount = q.value(9).toLongLong();
        i.scenarioName = q.value(10).toString();
    }
    return out;
}

std::optional<StoredRun> RunStore::load(std::int64_t id, QString* error) const
{
    if (!isOpen()) {
        setError(error, u"no runs database is open"_s);
        return std::nullopt;
    }
    if (m_empty) {
        setError(error, u"no run %1 in %2"_s.arg(id).arg(m_path));
        return std::nullopt;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    q.setForwardOnly(true);
    q.prepare(u"SELECT r.name, r.start_unix_s, r.time_mode, d.scenario_json, d.summary_json, d.summary_csv, "
              "d.sample_format, d.samples, d.marks, d.histogram_format, d.histogram_layout, d.histograms "
              "FROM runs r JOIN run_data d ON d.run_id = r.id WHERE r.id = ?"_s);
    q.addBindValue(static_cast<qint64>(id));
    if (!q.exec()) {
        setError(error, u"cannot read run %1 from %2: %3"_s.arg(id).arg(m_path, reasonOf(q.lastError())));
        return std::nullopt;
    }
    if (!q.next()) {
        setError(error, u"no run %1 in %2"_s.arg(id).arg(m_path));
        return std::nullopt;
    }
    StoredRun run;
    run.id = id;
    run.name = q.value(0).toString();
    run.startUnixS = q.value(1).toDouble();
    run.timeMode = modeFrom(q.value(2).toString());
    auto damaged = [&](const QString& what) {
        setError(error, u"%1: run %2 is damaged: %3"_s.arg(m_path).arg(id).arg(what));
        return std::nullopt;
    };
    QString why;
    Scenario scenario;
    if (!scenarioFromJson(q.value(3).toByteArray(), scenario, &why))
        return damaged(u"its scenario does not read: "_s + why);
    run.scenario = scenario;
    run.summaryJson = q.value(4).toByteArray();
    run.summaryCsv = q.value(5).toByteArray();
    if (q.value(6).toInt() != kSampleFormat)
        return damaged(u"samples in unknown format %1"_s.arg(q.value(6).toInt()));
    if (!unpackSamples(q.value(7).toByteArray(), run.samples))
        return damaged(u"its samples do not read"_s);
    if (!unpackMarks(q.value(8).toByteArray(), run))
        return damaged(u"its changes and pauses do not read"_s);
    const int histogramFormat = q.value(9).toInt();
    if (histogramFormat < 1 || histogramFormat > kHistogramFormat ||
        q.value(10).toString() != kHistogramLayout)
        return damaged(u"histograms in another layout (%1)"_s.arg(q.value(10).toString()));
    if (!unpackHistograms(q.value(11).toByteArray(), histogramFormat, run))
        return damaged(u"its histograms do not read"_s);
    return run;
}

bool RunStore::rename(std::int64_t id, const QString& name, QString* error)
{
    if (!isOpen()) {
        setError(error, u"no runs database is open"_s);
        return false;
    }
    if (m_readOnly) {
        setError(error, u"cannot rename run %1 in %2: it is open for reading only"_s.arg(id).arg(m_path));
        return false;
    }
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"UPDATE runs SET name = ? WHERE id = ?"_s);
    q.addBindValue(name);
    q.addBindValue(static_cast<qint64>(id));
    if (!q.exec()) {
        setError(error, u"cannot rename run %1 in %2: %3"_s.arg(id).arg(m_path, reasonOf(q.lastError())));
        return false;
    }
    if (q.numRowsAffected() == 0) {
        setError(error, u"no run %1 in %2"_s.arg(id).arg(m_path));
        return false;
    }
    return true;
}

bool RunStore::remove(std::int64_t id, QString* error)
{
    if (!isOpen()) {
        setError(error, u"no runs database is open"_s);
        return false;
    }
    if (m_readOnly) {
        setError(error, u"cannot delete run %1 from %2: it is open for reading only"_s.arg(id).arg(m_path));
        return false;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    auto fail = [&](const QString& why) {
        q.finish();
        QSqlQuery(db).exec(u"ROLLBACK"_s);
        setError(error, u"cannot delete run %1 from %2: %3"_s.arg(id).arg(m_path, why));
        return false;
    };
    if (!q.exec(u"BEGIN IMMEDIATE"_s))
        return fail(reasonOf(q.lastError()));
    q.prepare(u"DELETE FROM run_data WHERE run_id = ?"_s);
    q.addBindValue(static_cast<qint64>(id));
    if (!q.exec())
        return fail(reasonOf(q.lastError()));
    q.prepare(u"DELETE FROM runs WHERE id = ?"_s);
    q.addBindValue(static_cast<qint64>(id));
    if (!q.exec())
        return fail(reasonOf(q.lastError()));
    if (q.numRowsAffected() == 0) {
        q.finish();
        QSqlQuery(db).exec(u"ROLLBACK"_s);
        setError(error, u"no run %1 in %2"_s.arg(id).arg(m_path));
        return false;
    }
    if (!q.exec(u"COMMIT"_s))
        return fail(reasonOf(q.lastError()));
    return true;
}

bool RunStore::contains(std::int64_t id) const
{
    if (!isOpen() || m_empty)
        return false;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.prepare(u"SELECT 1 FROM runs WHERE id = ?"_s);
    q.addBindValue(static_cast<qint64>(id));
    return q.exec() && q.next();
}

std::int64_t RunStore::setMaxPageCount(std::int64_t pages)
{
    if (!isOpen())
        return 0;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    return pragmaInt(db, u"max_page_count=%1"_s.arg(pages), nullptr).value_or(0);
}

} // namespace poollab
