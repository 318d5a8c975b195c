// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/sampler.h"
#include "core/snapshot.h"
#include "io/atomic_file.h"
#include "io/csv_writer.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <span>

namespace poollab {

// CSV exports of a run. The columns and their meaning are documented in docs/CSV.md;
// their order is stable (new columns are only ever appended).

// Time series: a header row, then one row per Sample (per sample interval).
// runStartUnixS is the wall-clock time the run started, in Unix seconds (e.g.
// QDateTime::currentMSecsSinceEpoch() / 1000.0 at start()): the timestamp column is
// that plus the sample's runNs.
QStringList timeSeriesCsvColumns();
void appendTimeSeriesCsvHeader(CsvWriter& csv);
void appendTimeSeriesCsvRow(CsvWriter& csv, const Sample& sample, double runStartUnixS);
QByteArray timeSeriesToCsv(std::span<const Sample> samples, double runStartUnixS);
bool exportTimeSeriesCsv(const QString& path, std::span<const Sample> samples, double runStartUnixS,
                         QString* error);

// The time series written while a run lasts, so that a killed run keeps its rows: a
// regular file goes to PATH.partial, flushed on every flush(), and finish() renames
// it over PATH; stdout ("-"), a device or a FIFO is written in place (StreamingFile).
// The bytes are those timeSeriesToCsv() gives for the same samples.
class TimeSeriesCsvStream
{
public:
    explicit TimeSeriesCsvStream(double runStartUnixS) : m_runStartUnixS(runStartUnixS) {}
    // Opens the file and queues the header row; *error is the reason on failure.
    bool open(const QString& path, QString* error);
    bool isOpen() const { return m_file.isOpen(); }
    void append(const Sample& sample);
    // Writes the queued rows; false once a write has failed.
    bool flush() { return m_file.flush(); }
    // Writes the rest and puts the file in place; *error is the reason on failure.
    bool finish(QString* error) { return m_file.commit(error); }

private:
    StreamingFile m_file;
    double m_runStartUnixS;
};

// Summary in the spirit of Locust's stats.csv: one row per metric (wait, service,
// throttle per attempt; total per job) and an Aggregated row over all submitted jobs.
// runNs is the run's length: the rates are counts over it.
QStringList summaryCsvColumns();
QByteArray summaryToCsv(const Snapshot& finalSnapshot, Nanos runNs);
bool exportSummaryCsv(const QString& path, const Snapshot& finalSnapshot, Nanos runNs, QString* error);

} // namespace poollab
