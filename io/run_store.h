// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/histogram.h"
#include "core/sampler.h"
#include "core/scenario.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace poollab {

// A live change shown as a marker on the charts (mirrors ui's ChangeMarker, which
// the window converts to and from).
struct StoredChange
{
    double seconds = 0;
    QString key;
    QString from;
    QString to;

    bool operator==(const StoredChange&) const = default;
};

struct StoredPause
{
    double from = 0;
    double to = 0;

    bool operator==(const StoredPause&) const = default;
};

// Everything kept of one finished run.
struct StoredRun
{
    std::int64_t id = 0; // assigned by RunStore::save()
    QString name;
    double startUnixS = 0; // wall clock at start (the CSV's timestamp origin)
    TimeMode timeMode = TimeMode::Real;
    Scenario scenario;      // with its seed; stored as poollab-scenario/1 JSON
    QByteArray summaryJson; // poollab-summary/1, as --summary-json wrote it
    QByteArray summaryCsv;  // as --summary-csv wrote it
    std::vector<Sample>
        samples; // at the sample interval; timeSeriesToCsv(samples, startUnixS) == --csv bytes
    std::vector<StoredChange> changes;
    std::vector<StoredPause> pauses;
    // Final latency histograms, bucket counts, so percentiles can be recomputed and merged.
    Histogram wait, service, total, throttle;
    Histogram totalUncorrected; // empty for runs stored before it was kept (histogram format 1)
};

// One line of the runs list: what the list shows, read without loading the samples.
// workers and queueCapacity are the scenario's (the run's start); jobs, throughput and
// p99 come from the summary.
struct StoredRunInfo
{
    std::int64_t id = 0;
    QString name;
    double startUnixS = 0;
    TimeMode timeMode = TimeMode::Real;
    int workers = 0;
    int queueCapacity = 0;
    std::uint64_t jobs = 0; // submitted
    double throughputPerS = 0;
    double totalP99Ms = 0;
    std::int64_t sampleCount = 0;
    QString scenarioName;
};

// The name a run gets when none is given (--record without --run-name, the window):
// the scenario's name, or "run", and the local start time, "Retry storm 2026-12-01 07:30:00".
QString defaultRunName(const Scenario& scenario, double startUnixS);

// Runs kept in SQLite (Qt SQL, QSQLITE): WAL, a busy timeout, PRAGMA user_version for
// the schema and application_id to tell a PoolLab database. A file that is not one,
// is corrupt or has a newer schema is refused and never modified: it is checked
// through a read-only connection before the read-write one is opened.
//
// A RunStore is used from the thread that opened it (Qt SQL connections are
// thread-affine); several processes may write one file at once.
class RunStore
{
public:
    // PRAGMA application_id of a PoolLab runs database ("PLrn").
    static constexpr std::int32_t kApplicationId = 0x504c726e;
    // PRAGMA user_version this build writes and reads up to.
    static constexpr int kSchemaVersion = 1;

    RunStore();
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    // QStandardPaths::AppDataLocation/runs.sqlite
    static QString defaultPath();

    // What open() is for, named when a read-only file or folder is refused.
    enum class Writing { Save, Delete };
    // Opens (creating it and its folder if missing) and migrates an older schema.
    // false with *error naming the file and what is wrong.
    bool open(const QString& path, QString* error, Writing purpose = Writing::Save);
    // Whether the last open() failed because the file or its folder is read-only (it
    // may still be read with openReadOnly()).
    bool refusedAsReadOnly() const { return m_refusedAsReadOnly; }
    // For tests run as root, whom no permission stops: what open() asks in place of
    // access(2) whether the file and its folder are writable (nullptr: access(2)).
    static void setAccessForTests(int (*access)(const char* path, int mode));
    // Opens an existing file for reading only (list, load, contains): no migration, no
    // write lock, nothing written, so a read-only file or folder reads, and a writer
    // never holds it up. The file is checked as open() checks it; an empty one (0 bytes,
    // or SQLite without tables) holds no runs. A file nobody has open is read as it is
    // on disk, without locks and without creating -wal or -shm beside it: then
    // unchangedSinceOpen() tells whether a writer came meanwhile (read it again if so).
    // `useLocks` reads through SQLite's locks (WAL readers) even then.
    bool openReadOnly(const QString& path, QString* error, bool useLocks = false);
    bool isReadOnly() const { return m_readOnly; }
    // false when the file was read without locks and has changed since it was opened:
    // what was read may mix two states of it.
    bool unchangedSinceOpen() const;
    void close();
    bool isOpen() const;
    QString path() const;

    // One transaction; returns the new id, or 0 with *error (earlier runs untouched).
    std::int64_t save(const StoredRun& run, QString* error);
    // Newest first.
    std::vector<StoredRunInfo> list(QString* error) const;
    // nullopt: unknown id (*error "no run ID in FILE", contains() is false) or error
    std::optional<StoredRun> load(std::int64_t id, QString* error) const;
    bool rename(std::int64_t id, const QString& name, QString* error);
    bool remove(std::int64_t id, QString* error);
    bool contains(std::int64_t id) const;

    // For tests of a full disk: PRAGMA max_page_count on this connection, so that a
    // write past `pages` pages fails with SQLITE_FULL. Returns the limit in force.
    std::int64_t setMaxPageCount(std::int64_t pages);

private:
    bool registerOpen(const QString& path, const QString& connection); // with openFiles() locked
    QString m_connection; // unique QSqlDatabase connection name per RunStore (thread-affine)
    QString m_path;
    QString m_fileKey; // the file as this process's registry of open runs files knows it
    bool m_readOnly = false;
    bool m_refusedAsReadOnly = false;
    bool m_empty = false;     // read-only: a file without our tables, which holds no runs
    bool m_immutable = false; // read-only without locks: the file must stay as it was opened
    QString m_openedState;    // then its size, modification time and -wal, as opened
};

} // namespace poollab
