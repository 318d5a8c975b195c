// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/headless.h"

#include "app/csv_export.h"
#include "app/metrics_server.h"
#include "app/scenario_file.h"
#include "app/summary_json.h"
#include "core/duration.h"
#include "core/load_generator.h"
#include "core/queueing_theory.h"
#include "core/real_engine.h"
#include "core/sampler.h"
#include "core/summary.h"
#include "core/virtual_engine.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSaveFile>
#include <QTextStream>

#include <atomic>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace poollab {

namespace {

// Ctrl-C presses since the run started. A lock-free atomic is all a signal handler
// may touch; the monitor thread polls it and does the work.
std::atomic<int> g_interrupts{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void onInterrupt(int)
{
    // After the second press the default action returns, so a third ends a run that
    // does not stop (sigaction is async-signal-safe).
    if (g_interrupts.fetch_add(1, std::memory_order_relaxed) + 1 >= 2) {
        struct sigaction dfl = {};
        dfl.sa_handler = SIG_DFL;
        sigaction(SIGINT, &dfl, nullptr);
    }
}

// Installs onInterrupt for the lifetime of a run, then puts the old handler back.
class InterruptGuard
{
public:
    InterruptGuard()
    {
        g_interrupts.store(0);
        struct sigaction sa = {};
        sa.sa_handler = onInterrupt;
        sigemptyset(&sa.sa_mask);
        m_installed = sigaction(SIGINT, &sa, &m_previous) == 0;
    }
    ~InterruptGuard()
    {
        if (m_installed)
            sigaction(SIGINT, &m_previous, nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    struct sigaction m_previous = {};
    bool m_installed = false;
};

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
      << r.queueCapacity << " (" << QString::fromUtf8(toString(r.overflow).data()) << ")\n";
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
    if (r.throttle.count)
        row("throttle", r.throttle);
    t.flush();
    return s + theoryLines(theory);
}

// One line on a terminal's stderr, redrawn in place, once a run has lasted ~2 s of
// wall-clock time: a bar with an ETA when the end is known, else elapsed time and
// the live completion rate.
class Progress
{
public:
    explicit Progress(bool enabled) : m_enabled(enabled && isatty(STDERR_FILENO)) {}
    bool enabled() const { return m_enabled; }

    // target: the jobs the run will submit (0 if unknown); duration: its submitting
    // time (0 if none), for runs whose job count is open.
    void update(const Snapshot& s, std::uint64_t target, Nanos duration, bool draining)
    {
        const Nanos wall = steadyNowNs() - m_startNs;
        const double elapsed = toSeconds(wall);
        const std::uint64_t done =
            s.completed() + s.counters.rejected + s.counters.dropped + s.counters.cancelled;
        // Live rate over the last second or so.
        if (wall - m_rateAtNs >= kSecond) {
            m_rate = static_cast<double>(s.completed() - m_rateCompleted) / toSeconds(wall - m_rateAtNs);
            m_rateCompleted = s.completed();
            m_rateAtNs = wall;
        }
        if (!m_enabled || wall < 2 * kSecond)
            return;
        char line[200];
        if (draining) {
            std::snprintf(
                line, sizeof line, "draining: %lld queued, %lld in flight  %.1fs elapsed  %.1f jobs/s",
                static_cast<long long>(s.queued), static_cast<long long>(s.inFlight), elapsed, m_rate);
        } else if (target || duration) {
            const double fraction =
                target ? std::min(1.0, static_cast<double>(done) / static_cast<double>(target))
                       : std::min(1.0, toSeconds(s.runNs) / toSeconds(duration));
            // No ETA until something is done: nothing to extrapolate from.
            const std::string eta =
                fraction > 0 ? std::to_string(std::llround(elapsed * (1 - fraction) / fraction)) + "s" : "--";
            constexpr int kWidth = 30;
            const int filled = static_cast<int>(fraction * kWidth);
            std::snprintf(line, sizeof line, "[%s%s] %5.1f%%  %llu%s%s  %.1fs elapsed  ETA %s",
                          std::string(static_cast<std::size_t>(filled), '#').c_str(),
                          std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), fraction * 100,
                          static_cast<unsigned long long>(done), target ? "/" : " jobs",
                          target ? std::to_string(target).c_str() : "", elapsed, eta.c_str());
        } else {
            std::snprintf(line, sizeof line, "%llu jobs done  %.1fs elapsed  %.1f jobs/s",
                          static_cast<unsigned long long>(done), elapsed, m_rate);
        }
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
    Nanos m_rateAtNs = 0;
    std::uint64_t m_rateCompleted = 0;
    double m_rate = 0;
};

// A file an output flag names must be creatable: checked before the run, so that a
// typo does not cost a long run (the write at the end still reports its own errors).
bool outputWritable(const QString& flag, const QString& path, QTextStream& err)
{
    if (path.isEmpty() || path == QLatin1String("-"))
        return true;
    const QFileInfo info(path);
    const QFileInfo dir(info.absolutePath());
    QString why;
    if (!dir.exists())
        why = QStringLiteral("the folder %1 does not exist").arg(QDir::toNativeSeparators(dir.filePath()));
    else if (!dir.isDir())
        why = QStringLiteral("%1 is not a folder").arg(QDir::toNativeSeparators(dir.filePath()));
    else if (info.isDir())
        why = QStringLiteral("it is a folder");
    else if (!dir.isWritable())
        why = QStringLiteral("the folder %1 is not writable").arg(QDir::toNativeSeparators(dir.filePath()));
    else if (info.exists() && !info.isWritable())
        why = QStringLiteral("the file is not writable");
    if (why.isEmpty())
        return true;
    err << "poollab: cannot write --" << flag << " " << path << ": " << why << "\n";
    return false;
}

// Mean of queued + in flight over the samples, weighted by their intervals: the
// real engine's estimate of L for Little's law (-1 when there are no samples).
double meanInSystemOf(const std::vector<Sample>& samples)
{
    double area = 0;
    Nanos span = 0;
    for (const Sample& s : samples) {
        area += static_cast<double>(s.queueDepth + s.inFlight) * static_cast<double>(s.intervalNs);
        span += s.intervalNs;
    }
    return span > 0 ? area / static_cast<double>(span) : -1;
}

} // namespace

int runHeadless(const CommandLine& cl)
{
    const Scenario& sc = cl.scenario;
    QTextStream out(stdout);
    QTextStream err(stderr);

    for (const auto& [flag, path] :
         {std::pair{"csv", cl.csvPath}, std::pair{"summary-csv", cl.summaryCsvPath},
          std::pair{"summary-json", cl.summaryJsonPath}, std::pair{"save-scenario", cl.saveScenarioPath}}) {
        if (!outputWritable(QString::fromLatin1(flag), path, err))
            return kExitFailure;
    }
    if (!cl.saveScenarioPath.isEmpty()) {
        QString why;
        if (!saveScenarioFile(cl.saveScenarioPath, sc, &why)) {
            err << "poollab: cannot write --save-scenario " << cl.saveScenarioPath << ": " << why << "\n";
            return kExitFailure;
        }
    }

    const bool virtualTime = sc.timeMode == TimeMode::Virtual;
    std::unique_ptr<Engine> engine;
    try {
        engine = virtualTime ? makeVirtualEngine(sc) : makeRealEngine(sc);
    } catch (const std::invalid_argument& e) {
        // The command line checks the spec first; a scenario from elsewhere may not.
        err << "poollab: " << QString::fromUtf8(e.what()) << "\n";
        return kExitBadInput;
    }
    const std::uint64_t target = LoadGenerator::plannedJobs(sc);

    // Declared after the engine, so it stops before the engine goes. It serves from a
    // thread of its own; the engine's snapshot() is thread-safe.
    MetricsServerOptions metricsOptions;
    metricsOptions.runInfo.scenario = QString::fromStdString(sc.name);
    MetricsEndpoint metrics(metricsOptions);
    if (cl.metricsPort != 0) {
        QString why;
        if (!metrics.start(
                QHostAddress(cl.metricsAddress), static_cast<quint16>(cl.metricsPort),
                [&engine](Snapshot& s) { engine->snapshot(s); }, &why)) {
            err << "poollab: --metrics-port: " << why << "\n";
            return kExitFailure;
        }
        if (!cl.quiet) {
            err << "poollab: serving metrics at " << metrics.url() << "\n";
            err.flush();
        }
    }

    InterruptGuard interruptGuard;
    // A monitor thread, while the engine runs: takes the real engine's samples, one
    // per sample interval, draws progress and turns Ctrl-C into drain or cancel. It
    // wakes at least every 100 ms so a Ctrl-C is acted on at once.
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    std::vector<Sample> samples;
    Sampler sampler;
    Snapshot snap;
    Progress progress(!cl.quiet);
    int handledInterrupts = 0;
    const double runStartUnixS = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    engine->start();
    engine->snapshot(snap);
    if (!virtualTime) {
        Sample unused;
        sampler.add(snap, unused); // the baseline: fills nothing
    }
    std::thread monitor([&] {
        const Nanos tick = std::min<Nanos>(sc.sampleInterval, 100 * kMilli);
        Nanos nextSample = steadyNowNs() + sc.sampleInterval;
        std::unique_lock lock(mutex);
        while (!cv.wait_for(lock, std::chrono::nanoseconds(tick), [&] { return done; })) {
            const int interrupts = g_interrupts.load(std::memory_order_relaxed);
            if (interrupts > handledInterrupts) {
                progress.finish();
                if (handledInterrupts == 0 && interrupts == 1) {
                    std::fprintf(stderr, "poollab: interrupted: no new jobs; finishing the accepted ones "
                                         "(Ctrl-C again to cancel them)\n");
                    engine->drain();
                } else {
                    std::fprintf(stderr, "poollab: cancelled: queued and running jobs end as cancelled\n");
                    engine->cancel();
                }
                handledInterrupts = interrupts;
            }
            const Nanos now = steadyNowNs();
            const bool sampleDue = !virtualTime && now >= nextSample;
            if (sampleDue || progress.enabled()) {
                engine->snapshot(snap);
                if (sampleDue) {
                    Sample sample;
                    if (sampler.add(snap, sample))
                        samples.push_back(sample);
                    // Keep the grid: a late wake-up does not shift later samples.
                    while (nextSample <= now)
                        nextSample += sc.sampleInterval;
                }
                progress.update(snap, target, sc.duration, handledInterrupts == 1);
            }
        }
    });

    engine->waitFinished();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    cv.notify_all();
    monitor.join();
    progress.finish();

    Snapshot finalSnapshot;
    engine->snapshot(finalSnapshot);
    double meanInSystem = -1;
    if (virtualTime) {
        const auto& ve = static_cast<const VirtualEngine&>(*engine);
        ve.samples(samples);
        meanInSystem = ve.meanInSystem();
    } else {
        // The last, shorter interval, as the virtual engine has it too.
        Sample last;
        if (finalSnapshot.runNs > sampler.previous().runNs && sampler.add(finalSnapshot, last))
            samples.push_back(last);
        meanInSystem = meanInSystemOf(samples);
    }
    const int interrupts = handledInterrupts;
    if (interrupts > 0 && !cl.quiet)
        err << "poollab: the run was cut short; the summary covers what happened until then\n";

    const RunSummary summary = RunSummary::from(finalSnapshot, virtualTime ? "virtual" : "real");
    const TheoryComparison theory = compareWithTheory(sc, finalSnapshot, meanInSystem);
    const QString name = QString::fromStdString(sc.name);
    const QByteArray json = summaryToJson(summary, name, theory);
    if (cl.summaryJsonPath == QLatin1String("-")) {
        out << json;
    } else if (!cl.quiet) {
        out << humanSummary(summary, name, theory);
    }
    out.flush();

    // Every file is written even if one fails, so that one bad path costs only its file.
    // One Ctrl-C drains: the run ends the way a drain ends it, every accepted job done,
    // so it counts as done. A second cancels jobs: the run was cut short.
    int code = interrupts > 1 ? kExitInterrupted : kExitDone;
    const auto report = [&](const char* flag, const QString& path, bool ok, const QString& why) {
        if (!ok) {
            err << "poollab: cannot write --" << flag << " " << path << ": " << why << "\n";
            code = kExitFailure;
        }
    };
    QString why;
    if (!cl.summaryJsonPath.isEmpty() && cl.summaryJsonPath != QLatin1String("-")) {
        QSaveFile file(cl.summaryJsonPath);
        const bool ok = file.open(QIODevice::WriteOnly) && file.write(json) == json.size() && file.commit();
        report("summary-json", cl.summaryJsonPath, ok, file.errorString());
    }
    if (!cl.csvPath.isEmpty())
        report("csv", cl.csvPath, exportTimeSeriesCsv(cl.csvPath, samples, runStartUnixS, &why), why);
    if (!cl.summaryCsvPath.isEmpty())
        report("summary-csv", cl.summaryCsvPath,
               exportSummaryCsv(cl.summaryCsvPath, finalSnapshot, finalSnapshot.runNs, &why), why);
    err.flush();

    if (metrics.isRunning() && cl.metricsLinger > 0 && interrupts == 0)
        std::this_thread::sleep_for(std::chrono::nanoseconds(cl.metricsLinger));
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
    case CommandLine::Action::Window:
        break;
    }
    return -1;
}

} // namespace poollab
