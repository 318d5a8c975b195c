// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/headless.h"

#include "app/experiment_report.h"
#include "app/lesson_command.h"
#include "app/metrics_server.h"
#include "app/runs_command.h"
#include "core/duration.h"
#include "core/experiment.h"
#include "core/interval_record.h"
#include "core/load_generator.h"
#include "core/queueing_theory.h"
#include "core/real_engine.h"
#include "core/summary.h"
#include "core/virtual_engine.h"
#include "io/atomic_file.h"
#include "io/csv_export.h"
#include "io/hgrm_writer.h"
#include "io/run_store.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"
#include "io/summary_json.h"
#include "io/sweep_csv.h"
#include "io/trace_writer.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QTextStream>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace poollab {

namespace {

// Stop signals (Ctrl-C's SIGINT, SIGTERM, SIGHUP) since the run started, the latest
// of them, and what the monitor thread has made of them (0 running, 1 draining, 2
// cancelled). Lock-free atomics are all a signal handler may touch; the monitor polls
// them and does the work. Signals that land before the monitor acts count as one:
// `timeout` sends SIGTERM to the process and to its group, i.e. twice at once.
std::atomic<int> g_interrupts{0};
std::atomic<int> g_lastSignal{0};
std::atomic<int> g_stage{0};
static_assert(std::atomic<int>::is_always_lock_free);
constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void onInterrupt(int signal)
{
    // Once the jobs are cancelled, another signal ends a run that does not stop, by
    // the signal's default action (sigaction and raise are async-signal-safe).
    if (g_stage.load() >= 2) {
        struct sigaction dfl = {};
        dfl.sa_handler = SIG_DFL;
        sigaction(signal, &dfl, nullptr);
        raise(signal);
        return;
    }
    g_lastSignal.store(signal);
    g_interrupts.fetch_add(1);
}

// Installs onInterrupt for the lifetime of a run, then puts the old handlers back.
class InterruptGuard
{
public:
    InterruptGuard()
    {
        g_interrupts.store(0);
        g_lastSignal.store(0);
        g_stage.store(0);
        struct sigaction sa = {};
        sa.sa_handler = onInterrupt;
        // No SA_RESTART: a signal interrupts an open() waiting for a FIFO reader
        // (writes retry on EINTR themselves).
        sa.sa_flags = 0;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(kStopSignals); ++i)
            m_installed[i] = sigaction(kStopSignals[i], &sa, &m_previous[i]) == 0;
    }
    ~InterruptGuard()
    {
        for (std::size_t i = 0; i < std::size(kStopSignals); ++i) {
            if (m_installed[i])
                sigaction(kStopSignals[i], &m_previous[i], nullptr);
        }
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    struct sigaction m_previous[std::size(kStopSignals)] = {};
    bool m_installed[std::size(kStopSignals)] = {};
};

const char* signalName(int signal)
{
    switch (signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "SIGINT";
    }
}

QString fmt(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

QString theoryLines(const TheoryComparison& t)
{
    const TheoryPrediction& p = t.prediction;
    if (!p.applies)
        return QStringLiteral("  theory       ") + QString::fromStdString(p.reason) + QLatin1Char('\n');
    const QueueMetrics& m = p.metrics;
    QString s;
    QTextStream out(&s);
    out << "  theory       " << QString::fromStdString(p.model) << ", "
        << QString::fromStdString(stabilityText(m)) << "\n";
    const auto row = [&out](const char* name, double predicted, double measured, double scale,
                            const char* unit, int decimals) {
        out << "    " << QString::fromLatin1(name).leftJustified(18) << "predicted "
            << fmt(predicted * scale, decimals).rightJustified(9) << " " << unit << ", measured "
            << fmt(measured * scale, decimals).rightJustified(9) << " " << unit;
        if (std::isfinite(predicted) && predicted != 0)
            out << " (" << fmt(relativeDifference(measured, predicted) * 100, 1) << " %)";
        out << "\n";
    };
    row("P(wait)", m.probWait, t.measuredProbWait, 100, "%", 1);
    row("mean wait", m.meanWait, t.measuredMeanWait, 1000, "ms", 2);
    row("mean response", m.meanResponse, t.measuredMeanResponse, 1000, "ms", 2);
    row("utilization", m.utilization, t.measuredUtilization, 100, "%", 1);
    if (p.model == "M/M/c/K")
        row("blocking", m.blocking, t.measuredBlocking, 100, "%", 2);
    row("throughput", m.throughput, t.measuredThroughput, 1, "/s", 1);
    return s;
}

QString humanSummary(const RunSummary& r, const QString& name, const TheoryComparison& theory)
{
    const Counters& c = r.counters;
    QString s;
    QTextStream t(&s);
    t << "PoolLab run";
    if (!name.isEmpty())
        t << " \"" << name << "\"";
    t << " (" << QString::fromStdString(r.timeMode) << " time): " << r.workers << " workers, queue "
      << r.queueCapacity << " (" << QString::fromUtf8(toString(r.overflow).data()) << ")";
    // As the experiment's header: the latencies and rates below leave the warm-up out.
    if (r.warmupS > 0)
        t << ", warm-up "
          << QString::fromStdString(formatDuration(static_cast<Nanos>(std::llround(r.warmupS * 1e9))));
    t << "\n";
    t << "  elapsed      " << fmt(r.elapsedS, 3) << " s\n";
    t << "  submitted    " << c.submitted << "\n";
    t << "  succeeded    " << c.succeeded << "\n";
    t << "  failed       " << c.failed << "\n";
    t << "  rejected     " << c.rejected << "\n";
    t << "  dropped      " << c.dropped << "\n";
    t << "  cancelled    " << c.cancelled << "\n";
    if (c.retries || c.attempts != c.succeeded + c.failed) {
        t << "  attempts     " << c.attempts << "\n";
        t << "  retries      " << c.retries << "\n";
    }
    if (c.timedOut)
        t << "  timed out    " << c.timedOut << "\n";
    if (c.throttled)
        t << "  throttled    " << c.throttled << "\n";
    t << "  throughput   " << fmt(r.throughputPerS, 1) << " jobs/s\n";
    t << "  utilization  " << fmt(r.utilization * 100, 1) << " %\n";
    t << "  latency (ms)     mean      p50      p95      p99     p99.9      max\n";
    const auto row = [&t](const char* rowName, const LatencyStats& l) {
        t << "    " << QString::fromLatin1(rowName).leftJustified(10)
          << QString::number(l.mean, 'f', 2).rightJustified(9)
          << QString::number(l.p50, 'f', 2).rightJustified(9)
          << QString::number(l.p95, 'f', 2).rightJustified(9)
          << QString::number(l.p99, 'f', 2).rightJustified(9)
          << QString::number(l.p999, 'f', 2).rightJustified(10)
          << QString::number(l.max, 'f', 2).rightJustified(9) << "\n";
    };
    row("wait", r.wait);
    row("service", r.service);
    row("total", r.total);
    // Only when the producer was held up enough to tell (coordinated omission): real
    // threads submit microseconds off the plan in every run.
    const auto apart = [](double a, double b) { return std::abs(a - b) > 0.01 * std::max(std::abs(b), 1.0); };
    if (apart(r.totalUncorrected.p99, r.total.p99) || apart(r.totalUncorrected.mean, r.total.mean))
        row("uncorrected", r.totalUncorrected);
    if (r.throttle.count)
        row("throttle", r.throttle);
    t.flush();
    return s + theoryLines(theory);
}

// One line on a terminal's stderr, redrawn in place, once the work has lasted ~2 s of
// wall-clock time; nothing when stderr is not a terminal. A single run and an
// experiment draw their progress with it.
class ProgressLine
{
public:
    explicit ProgressLine(bool enabled) : m_enabled(enabled && isatty(STDERR_FILENO)) {}
    bool enabled() const { return m_enabled; }
    Nanos wall() const { return steadyNowNs() - m_startNs; }
    // Whether a line is drawn now: enabled, and ~2 s have passed.
    bool due() const { return m_enabled && wall() >= 2 * kSecond; }

    // "[#########.....................]  30.0%  COUNTS  3.1s elapsed  ETA 7s": a bar for
    // work whose end is known; no ETA until something is done (nothing to extrapolate).
    // Numbers as Qt writes them: the same in every locale, a tie (81.25) rounded up.
    void drawBar(double fraction, const std::string& counts)
    {
        const double elapsed = toSeconds(wall());
        const std::string eta =
            fraction > 0 ? std::to_string(std::llround(elapsed * (1 - fraction) / fraction)) + "s" : "--";
        constexpr int kWidth = 30;
        const int filled = static_cast<int>(fraction * kWidth);
        draw(QString::asprintf("[%s%s] %5.1f%%  %s  %.1fs elapsed  ETA %s",
                               std::string(static_cast<std::size_t>(filled), '#').c_str(),
                               std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(),
                               fraction * 100, counts.c_str(), elapsed, eta.c_str())
                 .toLocal8Bit()
                 .constData());
    }
    void draw(const char* line)
    {
        // Pad over the previous, possibly longer, line.
        std::fprintf(stderr, "\r%-78s", line);
        std::fflush(stderr);
        m_drawn = true;
    }
    // Ends the line before anything else goes to stderr.
    void finish()
    {
        if (m_drawn)
            std::fprintf(stderr, "\n");
        m_drawn = false;
    }

private:
    bool m_enabled;
    bool m_drawn = false;
    Nanos m_startNs = steadyNowNs();
};

// A single run's progress: a bar with an ETA when the end is known, else elapsed time
// and the live completion rate.
class Progress
{
public:
    explicit Progress(bool enabled) : m_line(enabled) {}
    bool enabled() const { return m_line.enabled(); }

    // target: the jobs the run will submit (0 if unknown); duration: its submitting
    // time (0 if none), for runs whose job count is open.
    void update(const Snapshot& s, std::uint64_t target, Nanos duration, bool draining)
    {
        const Nanos wall = m_line.wall();
        const double elapsed = toSeconds(wall);
        const std::uint64_t done =
            s.completed() + s.counters.rejected + s.counters.dropped + s.counters.cancelled;
        // Live rate over the last second or so.
        if (wall - m_rateAtNs >= kSecond) {
            m_rate = static_cast<double>(s.completed() - m_rateCompleted) / toSeconds(wall - m_rateAtNs);
            m_rateCompleted = s.completed();
            m_rateAtNs = wall;
        }
        if (!m_line.due())
            return;
        if (!draining && (target || duration)) {
            const double fraction =
                target ? std::min(1.0, static_cast<double>(done) / static_cast<double>(target))
                       : std::min(1.0, toSeconds(s.runNs) / toSeconds(duration));
            m_line.drawBar(fraction,
                           std::to_string(done) + (target ? "/" + std::to_string(target) : " jobs"));
            return;
        }
        char line[200];
        if (draining)
            std::snprintf(
                line, sizeof line, "draining: %lld queued, %lld in flight  %.1fs elapsed  %.1f jobs/s",
                static_cast<long long>(s.queued), static_cast<long long>(s.inFlight), elapsed, m_rate);
        else
            std::snprintf(line, sizeof line, "%llu jobs done  %.1fs elapsed  %.1f jobs/s",
                          static_cast<unsigned long long>(done), elapsed, m_rate);
        m_line.draw(line);
    }
    void finish() { m_line.finish(); }

private:
    ProgressLine m_line;
    Nanos m_rateAtNs = 0;
    std::uint64_t m_rateCompleted = 0;
    double m_rate = 0;
};

// A file an output flag names must be creatable: checked before the run, so that a
// typo does not cost a long run (the write at the end still reports its own errors).
bool outputWritable(const QString& flag, const QString& path, QTextStream& err)
{
    if (path.isEmpty() || isOwnStdout(path))
        return true;
    const QFileInfo info(path);
    QString why;
    if (info.exists() && !info.isFile() && !info.isDir()) {
        // A device or FIFO is written in place: its folder (/dev) need not be writable.
        if (!info.isWritable())
            why = QStringLiteral("it is not writable");
    } else {
        const QFileInfo dir(info.absolutePath());
        if (!dir.exists())
            why =
                QStringLiteral("the folder %1 does not exist").arg(QDir::toNativeSeparators(dir.filePath()));
        else if (!dir.isDir())
            why = QStringLiteral("%1 is not a folder").arg(QDir::toNativeSeparators(dir.filePath()));
        else if (info.isDir())
            why = QStringLiteral("it is a folder");
        else if (!dir.isWritable())
            why =
                QStringLiteral("the folder %1 is not writable").arg(QDir::toNativeSeparators(dir.filePath()));
        else if (info.exists() && !info.isWritable())
            why = QStringLiteral("the file is not writable");
    }
    if (why.isEmpty())
        return true;
    err << "poollab: cannot write --" << flag << " " << path << ": " << why << "\n";
    return false;
}

// A .partial time series that a killed run left (it starts with the CSV header).
bool isLeftoverPartial(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    return f.read(32).startsWith("timestamp,elapsed_s,");
}

// Before a run: the .partial file this run's --csv will replace is named as it goes;
// others beside the outputs are named so that the rows they hold are not forgotten.
void reportLeftoverPartials(const CommandLine& cl, QTextStream& err)
{
    QString own;
    if (!cl.csvPath.isEmpty() && !isStdoutName(cl.csvPath)) {
        own = StreamingFile::partialPathFor(cl.csvPath);
        if (QFileInfo::exists(own) && isLeftoverPartial(own))
            err << "poollab: replacing " << own << ", left by an interrupted run that wrote --csv "
                << cl.csvPath << "\n";
    }
    QStringList folders;
    for (const QString& path : {cl.csvPath, cl.summaryCsvPath, cl.summaryJsonPath, cl.saveScenarioPath}) {
        if (path.isEmpty() || isStdoutName(path))
            continue;
        const QString folder = QFileInfo(path).absolutePath();
        if (!folders.contains(folder))
            folders << folder;
    }
    for (const QString& folder : folders) {
        const QDir dir(folder);
        for (const QString& name : dir.entryList({QStringLiteral("*.partial")}, QDir::Files | QDir::Hidden)) {
            const QString path = dir.filePath(name);
            if (QFileInfo(path).absoluteFilePath() != QFileInfo(own).absoluteFilePath() &&
                isLeftoverPartial(path))
                err << "poollab: warning: " << path
                    << " holds the rows of an interrupted run; rename it to keep them, or delete it\n";
        }
    }
    err.flush();
}

// The rows the engine appends, before its record coarsens, from the thread that
// appends them (the simulation's, or the monitor's on real threads) to the CSV stream.
class RowQueue
{
public:
    IntervalRecord::Sink sink()
    {
        return [state = m_state](const Sample& row) {
            std::lock_guard lock(state->mutex);
            state->rows.push_back(row);
        };
    }
    // --record: every row is kept here too (the stored run's samples).
    void keepRowsIn(std::vector<Sample>* rows) { m_keep = rows; }
    // Appends the rows not taken yet to the stream (if open) and flushes it.
    void moveTo(TimeSeriesCsvStream& csv)
    {
        m_taken.clear();
        {
            std::lock_guard lock(m_state->mutex);
            m_taken.swap(m_state->rows);
        }
        if (m_keep)
            m_keep->insert(m_keep->end(), m_taken.begin(), m_taken.end());
        if (m_taken.empty() || !csv.isOpen())
            return;
        for (const Sample& s : m_taken)
            csv.append(s);
        csv.flush();
    }

private:
    struct State
    {
        std::mutex mutex;
        std::vector<Sample> rows;
    };
    // Shared: the engine keeps the sink as long as it lives.
    std::shared_ptr<State> m_state = std::make_shared<State>();
    std::vector<Sample> m_taken;
    std::vector<Sample>* m_keep = nullptr;
};

// ---- runHeadless(), in its order: prepare outputs, metrics, monitor, report.

// Checks every output before the run and writes --save-scenario's file (its stdout
// waits for the end: files first, stdout last). False: the run must not start.
bool prepareOutputs(const CommandLine& cl, QTextStream& err)
{
    for (const auto& [flag, path] :
         {std::pair{"csv", cl.csvPath}, std::pair{"summary-csv", cl.summaryCsvPath},
          std::pair{"summary-json", cl.summaryJsonPath}, std::pair{"save-scenario", cl.saveScenarioPath},
          std::pair{"trace", cl.tracePath}, std::pair{"hdr", cl.hdrPath}}) {
        if (!outputWritable(QString::fromLatin1(flag), path, err))
            return false;
    }
    reportLeftoverPartials(cl, err);
    if (!cl.saveScenarioPath.isEmpty() && !isStdoutName(cl.saveScenarioPath)) {
        // As saveScenarioFile() would, but its message names the path a second time.
        QString why = validateScenario(cl.scenario);
        if (!why.isEmpty() || !writeOutputFile(cl.saveScenarioPath, scenarioToJson(cl.scenario), &why)) {
            err << "poollab: cannot write --save-scenario " << cl.saveScenarioPath << ": " << why << "\n";
            return false;
        }
    }
    return true;
}

// The time series goes out while the run lasts (a .partial file, or in place), so
// that a killed run keeps all but its last interval: every row as the engine appends it.
bool openTimeSeries(const CommandLine& cl, Engine& engine, TimeSeriesCsvStream& csv, RowQueue& rows,
                    QTextStream& err)
{
    if (!cl.csvPath.isEmpty()) {
        QString why;
        if (!csv.open(cl.csvPath, &why)) {
            err << "poollab: cannot write --csv " << cl.csvPath << ": " << why << "\n";
            return false;
        }
        csv.flush();
    }
    engine.setRecordSink(rows.sink());
    return true;
}

// Serves /metrics from a thread of its own when --metrics-port asks (the engine's
// snapshot() is thread-safe). False: it cannot listen.
bool startMetrics(const CommandLine& cl, MetricsEndpoint& metrics, const Engine& engine, QTextStream& err)
{
    if (cl.metricsPort == 0)
        return true;
    QString why;
    if (!metrics.start(
            QHostAddress(cl.metricsAddress), static_cast<quint16>(cl.metricsPort),
            [&engine](Snapshot& s) { engine.snapshot(s); }, &why)) {
        err << "poollab: --metrics-port: " << why << "\n";
        return false;
    }
    if (!cl.quiet) {
        err << "poollab: serving metrics at " << metrics.url() << "\n";
        err.flush();
    }
    return true;
}

// While the engine runs, a thread that gives its snapshots to the record (real
// threads record from them: Engine::record) and streams the rows, draws progress and
// turns a stop signal into drain or cancel. It wakes at least every 100 ms so a signal
// is acted on at once.
class Monitor
{
public:
    Monitor(Engine& engine, const CommandLine& cl, RowQueue& rows, TimeSeriesCsvStream& csv)
        : m_engine(engine), m_cl(cl), m_rows(rows), m_csv(csv), m_progress(!cl.quiet),
          m_target(LoadGenerator::plannedJobs(cl.scenario))
    {}

    // Starts the run and returns once it has ended, its last row streamed. The final
    // snapshot is the one the summary reports.
    void run(Snapshot& finalSnapshot)
    {
        m_engine.start();
        m_engine.snapshot(m_snap);
        m_engine.record(m_snap); // the run's start
        std::thread thread([this] { watch(); });
        m_engine.waitFinished();
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        thread.join();
        m_progress.finish();
        m_engine.snapshot(finalSnapshot);
        m_engine.record(finalSnapshot); // the last, shorter interval, as virtual time has it
        m_rows.moveTo(m_csv);
    }
    // Stop signals acted on, and the one that cancelled (0 if none did).
    int interrupts() const { return m_handledInterrupts; }
    int cancelSignal() const { return m_cancelSignal; }

private:
    void watch()
    {
        // Virtual time records on its own clock; a snapshot is then only for progress.
        const bool feedsRecord = m_engine.timeMode() == TimeMode::Real;
        const Nanos tick = std::min<Nanos>(m_cl.scenario.sampleInterval, 100 * kMilli);
        std::unique_lock lock(m_mutex);
        while (!m_cv.wait_for(lock, std::chrono::nanoseconds(tick), [this] { return m_done; })) {
            actOnSignals();
            if (feedsRecord || m_progress.enabled()) {
                m_engine.snapshot(m_snap);
                if (feedsRecord)
                    m_engine.record(m_snap);
                m_progress.update(m_snap, m_target, m_cl.scenario.duration, g_stage.load() == 1);
            }
            m_rows.moveTo(m_csv);
        }
    }

    // A first stop signal drains, a second cancels.
    void actOnSignals()
    {
        const int interrupts = g_interrupts.load();
        if (interrupts <= m_handledInterrupts)
            return;
        m_progress.finish();
        const int signal = g_lastSignal.load();
        if (g_stage.load() == 0) {
            if (signal == SIGINT)
                std::fprintf(stderr, "poollab: interrupted: no new jobs; finishing the accepted ones "
                                     "(Ctrl-C again to cancel them)\n");
            else
                std::fprintf(stderr,
                             "poollab: interrupted by %s: no new jobs; finishing the accepted ones "
                             "(a second signal cancels them)\n",
                             signalName(signal));
            m_engine.drain();
            g_stage.store(1);
        } else {
            std::fprintf(stderr, "poollab: cancelled: queued and running jobs end as cancelled\n");
            m_engine.cancel();
            m_cancelSignal = signal;
            g_stage.store(2);
        }
        m_handledInterrupts = interrupts;
    }

    Engine& m_engine;
    const CommandLine& m_cl;
    RowQueue& m_rows;
    TimeSeriesCsvStream& m_csv;
    Progress m_progress;
    const std::uint64_t m_target;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_done = false;
    Snapshot m_snap;
    int m_handledInterrupts = 0;
    int m_cancelSignal = 0;
};

// --record: the runs database, opened before the run so that a bad file costs no run,
// and what the stored run needs besides the final snapshot.
struct Recorder
{
    RunStore store;
    double startUnixS = 0;
    std::vector<Sample> samples;
};

bool openRecorder(const CommandLine& cl, Recorder& recorder, QTextStream& err)
{
    QString why;
    const QString path = cl.runsDbPath.isEmpty() ? RunStore::defaultPath() : cl.runsDbPath;
    if (!recorder.store.open(path, &why)) {
        err << "poollab: --record: " << why << "\n";
        return false;
    }
    return true;
}

// Stores the run; its id, or 0 after saying why on err.
std::int64_t recordRun(const CommandLine& cl, Recorder& recorder, TimeMode mode,
                       const Snapshot& finalSnapshot, const QByteArray& summaryJson,
                       const QByteArray& summaryCsv, QTextStream& err)
{
    StoredRun run;
    run.name = cl.runName.isEmpty() ? defaultRunName(cl.scenario, recorder.startUnixS) : cl.runName;
    run.startUnixS = recorder.startUnixS;
    run.timeMode = mode;
    run.scenario = cl.scenario;
    run.summaryJson = summaryJson;
    run.summaryCsv = summaryCsv;
    run.samples = std::move(recorder.samples);
    run.wait = finalSnapshot.wait;
    run.service = finalSnapshot.service;
    run.total = finalSnapshot.total;
    run.throttle = finalSnapshot.throttle;
    run.totalUncorrected = finalSnapshot.totalUncorrected;
    QString why;
    const std::int64_t id = recorder.store.save(run, &why);
    if (id == 0)
        err << "poollab: --record: " << why << "\n";
    else if (!cl.quiet)
        err << "poollab: recorded as run " << id << " in " << recorder.store.path() << "\n";
    return id;
}

// --trace: the first traceLimit jobs' attempts, every one of them (a job has at most
// maxAttempts), kept from the start of the run however fast it goes.
std::shared_ptr<AttemptEventLog> traceLog(const CommandLine& cl)
{
    if (cl.tracePath.isEmpty())
        return nullptr;
    // Every attempt a job may make (max_attempts is at most WorkloadPolicy::kMaxAttempts):
    // a cap below it would cut the jobs that retry most.
    const auto attempts = static_cast<std::uint64_t>(std::max(cl.scenario.maxAttempts, 1));
    auto log = std::make_shared<AttemptEventLog>(cl.traceLimit * attempts, AttemptEventLog::Mode::KeepFirst);
    log->setJobLimit(cl.traceLimit);
    return log;
}

// --trace and --hdr, after the run. False (with the message written) if one failed.
bool writeEventOutputs(const CommandLine& cl, const AttemptEventLog* log, const Snapshot& finalSnapshot,
                       QTextStream& err)
{
    bool ok = true;
    QString why;
    if (log) {
        std::vector<AttemptEvent> events;
        log->copySince(0, events);
        TraceInfo info;
        info.scenarioName = QString::fromStdString(cl.scenario.name);
        info.workers = finalSnapshot.workers;
        info.runNs = finalSnapshot.runNs;
        info.lostEvents = log->lost();
        info.jobLimit = cl.traceLimit;
        if (!writeTraceFile(cl.tracePath, events, info, &why)) {
            err << "poollab: cannot write --trace " << cl.tracePath << ": " << why << "\n";
            ok = false;
        }
    }
    if (!cl.hdrPath.isEmpty()) {
        const Histogram& h = cl.hdrKind == HdrKind::Wait               ? finalSnapshot.wait
                             : cl.hdrKind == HdrKind::Service          ? finalSnapshot.service
                             : cl.hdrKind == HdrKind::TotalUncorrected ? finalSnapshot.totalUncorrected
                                                                       : finalSnapshot.total;
        if (!writeOutputFile(cl.hdrPath, histogramToHgrm(h), &why)) {
            err << "poollab: cannot write --hdr " << cl.hdrPath << ": " << why << "\n";
            ok = false;
        }
    }
    return ok;
}

// After the run: the summary and the time series' end go to the files, then stdout
// gets what "-" names (at most one output may), else the human summary. Each file is
// written even if another failed, so that one bad path costs only its file and a
// closed stdout costs none. Returns the exit code.
// --warmup on a single run: the rates after it (applyWarmup), and the theory's
// measured side from the same window. Little's law needs L over the same span as W,
// which a trimmed run does not have: it is left out.
void trimToWarmup(const Engine& engine, const Snapshot& finalSnapshot, RunSummary& summary,
                  TheoryComparison& theory)
{
    const auto* virtualEngine = dynamic_cast<const VirtualEngine*>(&engine);
    if (!virtualEngine)
        return;
    applyWarmup(summary, finalSnapshot, virtualEngine->warmupMark());
    const QueueMetrics& m = theory.prediction.metrics;
    theory.measuredUtilization = summary.utilization;
    theory.measuredBlocking = summary.lossFraction;
    theory.measuredProbWait = summary.probWait;
    theory.measuredThroughput = summary.throughputPerS;
    theory.utilizationError = relativeDifference(summary.utilization, m.utilization);
    theory.blockingError = relativeDifference(summary.lossFraction, m.blocking);
    theory.hasLittle = false;
}

int report(const CommandLine& cl, const Engine& engine, const Snapshot& finalSnapshot,
           TimeSeriesCsvStream& csv, const Monitor& monitor, Recorder* recorder,
           const AttemptEventLog* events, QTextStream& err)
{
    const Scenario& sc = cl.scenario;
    if (monitor.interrupts() > 0 && !cl.quiet)
        err << "poollab: the run was cut short; the summary covers what happened until then\n";
    RunSummary summary =
        RunSummary::from(finalSnapshot, engine.timeMode() == TimeMode::Virtual ? "virtual" : "real");
    TheoryComparison theory = compareWithTheory(sc, finalSnapshot, engine.meanInSystem());
    if (cl.warmup > 0)
        trimToWarmup(engine, finalSnapshot, summary, theory);
    const QString name = QString::fromStdString(sc.name);
    QByteArray json = summaryToJson(summary, name, theory);
    const QByteArray summaryCsv = summaryToCsv(finalSnapshot, finalSnapshot.runNs);

    // One stop signal drains: the run ends the way a drain ends it, every accepted job
    // done, so it counts as done. A second cancels jobs: 128 + that signal's number.
    int code = monitor.cancelSignal() != 0 ? 128 + monitor.cancelSignal() : kExitDone;
    // Stored first, so the summary JSON written can name the id it got.
    if (recorder) {
        const std::int64_t id =
            recordRun(cl, *recorder, engine.timeMode(), finalSnapshot, json, summaryCsv, err);
        if (id != 0)
            json = summaryJsonWithRunId(json, id);
        else
            code = kExitFailure;
    }
    const auto check = [&](const char* flag, const QString& path, bool ok, const QString& why) {
        if (!ok) {
            err << "poollab: cannot write --" << flag << " " << path << ": " << why << "\n";
            code = kExitFailure;
        }
    };
    QString why;
    if (!cl.summaryJsonPath.isEmpty() && !isStdoutName(cl.summaryJsonPath))
        check("summary-json", cl.summaryJsonPath, writeOutputFile(cl.summaryJsonPath, json, &why), why);
    if (csv.isOpen())
        check("csv", cl.csvPath, csv.finish(&why), why);
    if (!cl.summaryCsvPath.isEmpty() && !isStdoutName(cl.summaryCsvPath))
        check("summary-csv", cl.summaryCsvPath, writeOutputFile(cl.summaryCsvPath, summaryCsv, &why), why);
    if (!writeEventOutputs(cl, events, finalSnapshot, err))
        code = kExitFailure;

    QByteArray toStdout;
    const char* stdoutFlag = nullptr;
    if (isStdoutName(cl.summaryJsonPath)) {
        toStdout = json;
        stdoutFlag = "summary-json";
    } else if (isStdoutName(cl.summaryCsvPath)) {
        toStdout = summaryCsv;
        stdoutFlag = "summary-csv";
    } else if (isStdoutName(cl.saveScenarioPath)) {
        toStdout = scenarioToJson(sc);
        stdoutFlag = "save-scenario";
    } else if (!isStdoutName(cl.csvPath) && !cl.quiet) {
        toStdout = humanSummary(summary, name, theory).toUtf8();
    }
    if (!toStdout.isEmpty() && !writeToStdout(toStdout, &why)) {
        err << "poollab: "
            << (stdoutFlag ? QStringLiteral("--%1: ").arg(QLatin1String(stdoutFlag)) : QString()) << why
            << "\n";
        code = kExitFailure;
    }
    err.flush();
    return code;
}

// Lingering serves the final totals to a scraper; a stop signal ends it at once.
void lingerForMetrics(const CommandLine& cl, const MetricsEndpoint& metrics, int interrupts)
{
    if (!metrics.isRunning() || cl.metricsLinger <= 0 || interrupts != 0)
        return;
    std::mutex mutex;
    std::condition_variable cv; // never notified: a timed wait that a signal cuts short
    const Nanos end = steadyNowNs() + cl.metricsLinger;
    std::unique_lock lock(mutex);
    for (Nanos now = steadyNowNs(); now < end && g_interrupts.load() == 0; now = steadyNowNs())
        cv.wait_for(lock, std::chrono::nanoseconds(std::min<Nanos>(end - now, 50 * kMilli)));
}

// ---- experiments (issue #15): replications, sweeps and a target, without a window.

// While an experiment runs: a stop signal cancels it (the points that finished are
// reported). Polls the handler's counter every 50 ms.
class ExperimentWatch
{
public:
    explicit ExperimentWatch(std::atomic<bool>& cancel)
        : m_thread([this, &cancel](std::stop_token stop) {
              std::mutex mutex;
              std::condition_variable_any cv;
              std::unique_lock lock(mutex);
              while (!stop.stop_requested()) {
                  cv.wait_for(lock, stop, std::chrono::milliseconds(50), [] { return false; });
                  if (g_interrupts.load() > 0 && m_signal.load() == 0) {
                      m_signal = g_lastSignal.load();
                      // A new line first on a terminal, where a progress line may be drawn.
                      std::fprintf(stderr,
                                   "%spoollab: interrupted: the experiment stops; the summary covers the "
                                   "points that finished\n",
                                   isatty(STDERR_FILENO) ? "\n" : "");
                      g_stage.store(2); // another signal ends the process at once
                      cancel = true;
                  }
              }
          })
    {}
    // The signal that cancelled, 0 if none.
    int signal() const { return m_signal.load(); }

private:
    std::atomic<int> m_signal{0};
    std::jthread m_thread; // last: it reads the members above
};

// Files first (--summary-json, --sweep-csv), then stdout: what "-" names, else the
// table and the answer. The answer's sentence goes to stderr when stdout holds data.
int reportExperiment(const CommandLine& cl, const ExperimentSpec& spec, const ExperimentResult& result,
                     QTextStream& err)
{
    const QString name = QString::fromStdString(cl.scenario.name);
    const QByteArray json = experimentSummaryToJson(spec, result, name);
    const QByteArray sweepCsv = spec.sweep ? sweepToCsv(*spec.sweep, result) : QByteArray();
    int code = kExitDone;
    QString why;
    for (const auto& [flag, path, data] : {std::tuple{"summary-json", cl.summaryJsonPath, json},
                                           std::tuple{"sweep-csv", cl.sweepCsvPath, sweepCsv}}) {
        if (!path.isEmpty() && !isStdoutName(path) && !writeOutputFile(path, data, &why)) {
            err << "poollab: cannot write --" << flag << " " << path << ": " << why << "\n";
            code = kExitFailure;
        }
    }
    if (const std::string warning = unobservedWarning(spec, result); !warning.empty())
        err << "poollab: warning: " << QString::fromStdString(warning) << "\n";
    const QString sentence = answerSentence(spec, result);
    QByteArray toStdout;
    if (isStdoutName(cl.summaryJsonPath))
        toStdout = json;
    else if (isStdoutName(cl.sweepCsvPath))
        toStdout = sweepCsv;
    else if (isStdoutName(cl.saveScenarioPath))
        toStdout = scenarioToJson(cl.scenario);
    else if (!cl.quiet)
        toStdout = (experimentText(spec, result, name) +
                    (sentence.isEmpty() ? QString() : sentence + QLatin1Char('\n')))
                       .toUtf8();
    const bool sentenceOnStdout = !cl.quiet && !isStdoutName(cl.summaryJsonPath) &&
                                  !isStdoutName(cl.sweepCsvPath) && !isStdoutName(cl.saveScenarioPath);
    if (!sentence.isEmpty() && !sentenceOnStdout && !cl.quiet)
        err << sentence << "\n";
    err.flush();
    if (!toStdout.isEmpty() && !writeToStdout(toStdout, &why)) {
        err << "poollab: " << why << "\n";
        code = kExitFailure;
    }
    return code;
}

int runExperimentHeadless(const CommandLine& cl)
{
    QTextStream err(stderr);
    if (!prepareOutputs(cl, err) || !outputWritable(QStringLiteral("sweep-csv"), cl.sweepCsvPath, err))
        return kExitFailure;
    ExperimentSpec spec;
    spec.scenario = cl.scenario;
    spec.scenario.timeMode = TimeMode::Virtual;
    spec.replications = cl.replications;
    spec.warmup = cl.warmup;
    spec.sweep = cl.sweep;
    spec.target = cl.target;
    InterruptGuard interruptGuard;
    std::atomic<bool> cancel{false};
    // Finished runs as a bar, as a single run's progress is drawn (called in order).
    ProgressLine progress(!cl.quiet);
    const auto showProgress = [&progress](int done, int total) {
        if (progress.due() && total > 0)
            progress.drawBar(static_cast<double>(done) / total,
                             std::to_string(done) + "/" + std::to_string(total) + " runs");
    };
    ExperimentResult result;
    int signal = 0;
    {
        ExperimentWatch watch(cancel);
        result = runExperiment(spec, showProgress, &cancel);
        signal = watch.signal();
    }
    progress.finish();
    const int code = reportExperiment(cl, spec, result, err);
    return signal != 0 ? 128 + signal : code;
}

} // namespace

int runHeadless(const CommandLine& cl)
{
    if (cl.isExperiment())
        return runExperimentHeadless(cl);
    const Scenario& sc = cl.scenario;
    QTextStream err(stderr);
    // A database that cannot be used stops everything before a file is written.
    std::unique_ptr<Recorder> recorder;
    if (cl.record) {
        recorder = std::make_unique<Recorder>();
        if (!openRecorder(cl, *recorder, err))
            return kExitFailure;
    }
    if (!prepareOutputs(cl, err))
        return kExitFailure;

    RowQueue rows; // declared before the engine, which holds its sink
    std::unique_ptr<Engine> engine;
    try {
        if (sc.timeMode == TimeMode::Virtual) {
            auto virtualEngine = std::make_unique<VirtualEngine>(sc);
            virtualEngine->setWarmup(cl.warmup);
            engine = std::move(virtualEngine);
        } else {
            engine = makeRealEngine(sc);
        }
    } catch (const std::invalid_argument& e) {
        // The command line checks the spec first; a scenario from elsewhere may not.
        err << "poollab: " << QString::fromUtf8(e.what()) << "\n";
        return kExitBadInput;
    }
    // Declared after the engine, so it stops before the engine goes.
    MetricsServerOptions metricsOptions;
    metricsOptions.runInfo.scenario = QString::fromStdString(sc.name);
    MetricsEndpoint metrics(metricsOptions);
    if (!startMetrics(cl, metrics, *engine, err))
        return kExitFailure;
    const double startUnixS = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    TimeSeriesCsvStream csv(startUnixS);
    if (!openTimeSeries(cl, *engine, csv, rows, err))
        return kExitFailure;
    if (recorder) {
        recorder->startUnixS = startUnixS;
        rows.keepRowsIn(&recorder->samples);
    }

    const std::shared_ptr<AttemptEventLog> events = traceLog(cl);
    if (events)
        engine->setAttemptEventLog(events);

    InterruptGuard interruptGuard; // until the end: a signal also cuts the lingering short
    Monitor monitor(*engine, cl, rows, csv);
    Snapshot finalSnapshot;
    monitor.run(finalSnapshot);
    const int code = report(cl, *engine, finalSnapshot, csv, monitor, recorder.get(), events.get(), err);
    lingerForMetrics(cl, metrics, monitor.interrupts());
    return code;
}

int runWithoutWindow(const CommandLine& cl)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (cl.action) {
    case CommandLine::Action::Error:
        err << "poollab: " << cl.error << "\n";
        return kExitBadInput;
    case CommandLine::Action::Help:
        out << cl.helpText;
        return kExitDone;
    case CommandLine::Action::Version:
        out << "poollab " << POOLLAB_VERSION << "\n";
        return kExitDone;
    case CommandLine::Action::ListPresets:
        out << presetListText();
        return kExitDone;
    case CommandLine::Action::SaveScenario: {
        QString why;
        if (!saveScenarioFile(cl.saveScenarioPath, cl.scenario, &why)) {
            err << "poollab: cannot write --save-scenario " << cl.saveScenarioPath << ": " << why << "\n";
            return kExitFailure;
        }
        return kExitDone;
    }
    case CommandLine::Action::Headless:
        return runHeadless(cl);
    case CommandLine::Action::Runs:
        return runRunsCommand(cl);
    case CommandLine::Action::Lesson:
        return runLessonCommand(cl);
    case CommandLine::Action::Window:
        break;
    }
    return -1;
}

} // namespace poollab
