// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/runs_command.h"

#include "app/headless.h"
#include "core/duration.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "io/json_writer.h"
#include "io/run_compare.h"
#include "io/scenario_file.h"
#include "io/summary_json.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace poollab {

namespace {

QString localTime(double unixS)
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixS * 1000))
        .toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString utcTime(double unixS)
{
    return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(unixS * 1000), Qt::UTC)
        .toString(Qt::ISODateWithMs);
}

QString modeName(TimeMode mode)
{
    return mode == TimeMode::Virtual ? u"virtual"_s : u"real"_s;
}

// A JSON document of ours (two-space indent, trailing newline) as the value of a key
// one level down.
QByteArray nested(QByteArray json)
{
    while (json.endsWith('\n'))
        json.chop(1);
    return json.replace("\n", "\n  ");
}

QByteArray field(const char* key, const QByteArray& value, bool last = false)
{
    return "  \"" + QByteArray(key) + "\": " + value + (last ? "\n" : ",\n");
}

QByteArray str(const QString& s)
{
    return JsonWriter::quoted(s);
}

struct Session
{
    const CommandLine& cl;
    QTextStream& err;
    QString verb;
};

// Opens the database a verb works on; 1 when it cannot. A file that is not there
// holds no runs: a read does not create it. Every verb but delete only reads, and
// opens it read-only: no migration and no write lock, so a read-only file or folder
// reads and a writer never holds the verb up.
int openStore(const Session& s, RunStore& store, bool* missing, bool useLocks = false)
{
    const QString path = s.cl.runsDbPath.isEmpty() ? RunStore::defaultPath() : s.cl.runsDbPath;
    *missing = !QFileInfo::exists(path);
    if (*missing)
        return kExitDone;
    QString why;
    const bool ok = s.verb == u"delete"_s ? store.open(path, &why, RunStore::Writing::Delete)
                                          : store.openReadOnly(path, &why, useLocks);
    if (!ok) {
        s.err << "poollab: runs " << s.verb << ": " << why << "\n";
        return kExitFailure;
    }
    return kExitDone;
}

QString dbPathOf(const CommandLine& cl)
{
    return cl.runsDbPath.isEmpty() ? RunStore::defaultPath() : cl.runsDbPath;
}

// What a verb read, before anything is written: the list or the runs it names, or
// the exit status and the message of why not.
struct Reading
{
    int code = kExitDone;
    QString message;
    std::vector<StoredRunInfo> list;
    std::vector<StoredRun> runs;
};

Reading readVerb(const Session& s, const RunStore& store, bool missing)
{
    Reading r;
    if (s.cl.runsVerb == u"list"_s) {
        if (!missing)
            r.list = store.list(&r.message);
        if (!r.message.isEmpty())
            r.code = kExitFailure;
        return r;
    }
    // Every id the command names must be there: an unknown one is bad input (2).
    for (std::int64_t id : s.cl.runIds) {
        if (missing || !store.contains(id)) {
            r.code = kExitBadInput;
            r.message = u"no run %1 in %2 (see poollab runs list)"_s.arg(id).arg(dbPathOf(s.cl));
            return r;
        }
    }
    if (s.cl.runsVerb == u"delete"_s)
        return r;
    for (std::int64_t id : s.cl.runIds) {
        auto run = store.load(id, &r.message);
        if (!run) {
            r.code = kExitFailure;
            return r;
        }
        r.runs.push_back(std::move(*run));
    }
    return r;
}

// Reads what the verb needs. A file read without locks that changed meanwhile (a
// writer came) is read again; the last try goes through SQLite's locks.
int readStore(const Session& s, RunStore& store, bool* missing, Reading& reading)
{
    constexpr int kTries = 4;
    for (int attempt = 0; attempt < kTries; ++attempt) {
        if (const int code = openStore(s, store, missing, attempt == kTries - 1); code != kExitDone)
            return code;
        reading = readVerb(s, store, *missing);
        if (*missing || store.unchangedSinceOpen())
            break;
    }
    if (reading.code != kExitDone)
        s.err << "poollab: runs " << s.verb << ": " << reading.message << "\n";
    return reading.code;
}

int write(const Session& s, const QByteArray& data)
{
    QString why;
    if (!writeToStdout(data, &why)) {
        s.err << "poollab: runs " << s.verb << ": " << why << "\n";
        return kExitFailure;
    }
    return kExitDone;
}

int exportRun(const Session& s, const StoredRun& run)
{
    int code = kExitDone;
    const auto out = [&](const char* flag, const QString& path, const QByteArray& data) {
        QString why;
        if (!path.isEmpty() && !writeFileAtomically(path, data, &why)) {
            s.err << "poollab: runs export: --" << flag << ": " << why << "\n";
            code = kExitFailure;
        }
    };
    out("csv", s.cl.csvPath, timeSeriesToCsv(run.samples, run.startUnixS));
    out("summary-csv", s.cl.summaryCsvPath, run.summaryCsv);
    return code;
}

// The output of a verb that read what it needed (`reading`).
int runVerb(const Session& s, RunStore& store, const Reading& reading)
{
    const CommandLine& cl = s.cl;
    if (cl.runsVerb == u"list"_s) {
        if (cl.runsJson)
            return write(s, runsListJson(reading.list));
        if (reading.list.empty())
            return write(s, u"No runs in %1.\n"_s.arg(dbPathOf(cl)).toUtf8());
        return write(s, runsListText(reading.list).toUtf8());
    }
    if (cl.runsVerb == u"delete"_s) {
        QString why;
        if (!store.remove(cl.runIds.front(), &why)) {
            s.err << "poollab: runs delete: " << why << "\n";
            return kExitFailure;
        }
        return kExitDone;
    }
    const std::vector<StoredRun>& runs = reading.runs;
    if (cl.runsVerb == u"show"_s)
        return write(s, cl.runsJson ? runShowJson(runs.front()) : runShowText(runs.front()).toUtf8());
    if (cl.runsVerb == u"export"_s)
        return exportRun(s, runs.front());
    // compare
    QString why;
    const auto comparison = compareRuns(std::span<const StoredRun>(runs), &why);
    if (!comparison) {
        s.err << "poollab: runs compare: " << why << "\n";
        return kExitFailure;
    }
    return write(s, cl.runsJson ? comparisonToJson(*comparison) : comparisonToText(*comparison).toUtf8());
}

} // namespace

QString runsListText(std::span<const StoredRunInfo> runs)
{
    std::vector<QStringList> table;
    table.push_back({u"ID"_s, u"Name"_s, u"Started"_s, u"Time"_s, u"Workers"_s, u"Queue"_s, u"Jobs"_s,
                     u"Throughput/s"_s, u"Total p99 ms"_s, u"Samples"_s});
    for (const StoredRunInfo& r : runs)
        table.push_back({QString::number(r.id), r.name, localTime(r.startUnixS), modeName(r.timeMode),
                         QString::number(r.workers), QString::number(r.queueCapacity),
                         QString::number(r.jobs), QString::number(r.throughputPerS, 'f', 1),
                         QString::number(r.totalP99Ms, 'f', 2), QString::number(r.sampleCount)});
    // Numbers right-aligned; the id is a number too.
    return alignedTable(table, {false, true, true, true, false, false, false, false, false, false});
}

QByteArray runsListJson(std::span<const StoredRunInfo> runs)
{
    QByteArray out = "{\n  \"format\": \"poollab-runs/1\",\n  \"runs\": [";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const StoredRunInfo& r = runs[i];
        out += i ? ",\n    {" : "\n    {";
        out += "\"id\": " + QByteArray::number(static_cast<qint64>(r.id)) + ", \"name\": " + str(r.name) +
               ", \"start_unix_s\": " + JsonWriter::number(r.startUnixS) +
               ", \"started\": " + str(utcTime(r.startUnixS)) +
               ", \"time_mode\": " + str(modeName(r.timeMode)) + ", \"scenario\": " + str(r.scenarioName) +
               ", \"workers\": " + QByteArray::number(r.workers) +
               ", \"queue_capacity\": " + QByteArray::number(r.queueCapacity) +
               ", \"jobs\": " + QByteArray::number(static_cast<quint64>(r.jobs)) +
               ", \"throughput_per_s\": " + JsonWriter::number(r.throughputPerS) +
               ", \"total_p99_ms\": " + JsonWriter::number(r.totalP99Ms) +
               ", \"samples\": " + QByteArray::number(static_cast<qint64>(r.sampleCount)) + "}";
    }
    out += runs.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

QString runShowText(const StoredRun& run)
{
    const Scenario& sc = run.scenario;
    QString text = u"Run %1: %2\n"_s.arg(run.id).arg(run.name);
    const std::vector<QStringList> facts = {
        {u"  started"_s, localTime(run.startUnixS)},
        {u"  time mode"_s, modeName(run.timeMode)},
        {u"  scenario"_s,
         u"%1 (seed %2)"_s.arg(sc.name.empty() ? u"(no name)"_s : QString::fromStdString(sc.name))
             .arg(sc.seed)},
        {u"  samples"_s, u"%1 (every %2)"_s.arg(run.samples.size())
                             .arg(QString::fromStdString(formatDuration(sc.sampleInterval)))},
        {u"  changes"_s, QString::number(run.changes.size())},
        {u"  pauses"_s, QString::number(run.pauses.size())},
    };
    text += alignedTable(facts, {true, true});
    text += u"\nScenario:\n"_s + QString::fromUtf8(scenarioToJson(sc));
    text += u"\nSummary:\n"_s + QString::fromUtf8(summaryJsonWithRunId(run.summaryJson, run.id));
    return text;
}

QByteArray runShowJson(const StoredRun& run)
{
    QByteArray changes = "[";
    for (std::size_t i = 0; i < run.changes.size(); ++i) {
        const StoredChange& c = run.changes[i];
        changes += (i ? ", " : "") + QByteArray("{\"seconds\": ") + JsonWriter::number(c.seconds) +
                   ", \"key\": " + str(c.key) + ", \"from\": " + str(c.from) + ", \"to\": " + str(c.to) + "}";
    }
    changes += "]";
    QByteArray pauses = "[";
    for (std::size_t i = 0; i < run.pauses.size(); ++i)
        pauses += (i ? ", " : "") + QByteArray("{\"from\": ") + JsonWriter::number(run.pauses[i].from) +
                  ", \"to\": " + JsonWriter::number(run.pauses[i].to) + "}";
    pauses += "]";
    QByteArray out = "{\n";
    out += field("format", "\"poollab-run/1\"");
    out += field("id", QByteArray::number(static_cast<qint64>(run.id)));
    out += field("name", str(run.name));
    out += field("start_unix_s", JsonWriter::number(run.startUnixS));
    out += field("started", str(utcTime(run.startUnixS)));
    out += field("time_mode", str(modeName(run.timeMode)));
    out += field("samples", QByteArray::number(static_cast<qulonglong>(run.samples.size())));
    out += field("changes", changes);
    out += field("pauses", pauses);
    out += field("scenario", nested(scenarioToJson(run.scenario)));
    out += field("summary", nested(summaryJsonWithRunId(run.summaryJson, run.id)), true);
    return out + "}\n";
}

int runRunsCommand(const CommandLine& cl)
{
    QTextStream err(stderr);
    if (cl.runsVerb == u"help"_s) {
        QTextStream(stdout) << cl.helpText;
        return kExitDone;
    }
    const Session session{cl, err, cl.runsVerb};
    RunStore store;
    bool missing = false;
    Reading reading;
    if (const int code = readStore(session, store, &missing, reading); code != kExitDone)
        return code;
    const int code = runVerb(session, store, reading);
    err.flush();
    return code;
}

} // namespace poollab
