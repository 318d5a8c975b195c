// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/headless.h"

#include "app/metrics_server.h"
#include "app/summary_json.h"
#include "core/duration.h"
#include "core/load_generator.h"
#include "core/real_engine.h"
#include "core/summary.h"
#include "core/virtual_engine.h"

#include <QFile>
#include <QSaveFile>
#include <QTextStream>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace poollab {

namespace {

QString fmt(double v, int decimals = 1)
{
    return QString::number(v, 'f', decimals);
}

QString humanSummary(const RunSummary& r)
{
    const Counters& c = r.counters;
    QString s;
    QTextStream t(&s);
    t << "PoolLab run (" << QString::fromStdString(r.timeMode) << " time): " << r.workers
      << " workers, queue " << r.queueCapacity << " (" << QString::fromUtf8(toString(r.overflow).data())
      << ")\n";
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
    const auto row = [&t](const char* name, const LatencyStats& l) {
        t << "    " << QString::fromLatin1(name).leftJustified(10)
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
    return s;
}

// Draws a one-line progress bar on a terminal's stderr once a run has lasted ~2 s.
class Progress
{
public:
    explicit Progress(bool enabled) : m_enabled(enabled && isatty(STDERR_FILENO)) {}
    // target: the jobs the run will submit (0 if unknown); duration: its submitting
    // time (0 if none), for runs whose job count is open.
    void update(const Snapshot& s, std::uint64_t target, Nanos duration)
    {
        if (!m_enabled || s.runNs < 2 * kSecond)
            return;
        const double done = static_cast<double>(s.completed() + s.counters.rejected + s.counters.dropped +
                                                s.counters.cancelled);
        const double fraction = target     ? std::min(1.0, done / static_cast<double>(target))
                                : duration ? std::min(1.0, toSeconds(s.runNs) / toSeconds(duration))
                                           : 0.0;
        const double elapsed = toSeconds(s.runNs);
        const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
        const int width = 30;
        const int filled = static_cast<int>(fraction * width);
        std::fprintf(stderr, "\r[%s%s] %5.1f%%  %llu/%llu  %.1fs elapsed  ETA %.1fs ",
                     std::string(static_cast<std::size_t>(filled), '#').c_str(),
                     std::string(static_cast<std::size_t>(width - filled), '.').c_str(), fraction * 100,
                     static_cast<unsigned long long>(done), static_cast<unsigned long long>(target), elapsed,
                     eta);
        std::fflush(stderr);
        m_drawn = true;
    }
    void finish()
    {
        if (m_drawn)
            std::fprintf(stderr, "\n");
    }

private:
    bool m_enabled;
    bool m_drawn = false;
};

} // namespace

int runHeadless(const CommandLine& cl)
{
    const Scenario& sc = cl.scenario;
    QTextStream out(stdout);
    QTextStream err(stderr);

    const bool virtualTime = sc.timeMode == TimeMode::Virtual;
    std::unique_ptr<Engine> engine;
    try {
        engine = virtualTime ? makeVirtualEngine(sc) : makeRealEngine(sc);
    } catch (const std::invalid_argument& e) {
        // The command line checks the spec first; a scenario from elsewhere may not.
        err << "poollab: " << QString::fromUtf8(e.what()) << "\n";
        return 2;
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
            return 1;
        }
        if (!cl.quiet) {
            err << "poollab: serving metrics at " << metrics.url() << "\n";
            err.flush();
        }
    }

    // Draw progress on a thread of its own while the engine runs.
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;
    Progress progress(!cl.quiet);
    std::thread sampler([&] {
        Snapshot snap;
        std::unique_lock lock(mutex);
        while (!cv.wait_for(lock, std::chrono::nanoseconds(sc.sampleInterval), [&] { return done; })) {
            engine->snapshot(snap);
            progress.update(snap, target, sc.duration);
        }
    });

    engine->start();
    engine->waitFinished();
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    cv.notify_all();
    sampler.join();
    progress.finish();

    Snapshot finalSnapshot;
    engine->snapshot(finalSnapshot);
    const RunSummary summary = RunSummary::from(finalSnapshot, virtualTime ? "virtual" : "real");
    const QByteArray json = summaryToJson(summary);
    if (cl.summaryJsonPath == QLatin1String("-")) {
        out << json;
        out.flush();
    } else {
        if (!cl.quiet) {
            out << humanSummary(summary);
            out.flush();
        }
        if (!cl.summaryJsonPath.isEmpty()) {
            QSaveFile file(cl.summaryJsonPath);
            if (!file.open(QIODevice::WriteOnly) || file.write(json) != json.size() || !file.commit()) {
                err << "poollab: cannot write --summary-json " << cl.summaryJsonPath << ": "
                    << file.errorString() << "\n";
                return 1;
            }
        }
    }
    if (metrics.isRunning() && cl.metricsLinger > 0)
        std::this_thread::sleep_for(std::chrono::nanoseconds(cl.metricsLinger));
    return 0;
}

} // namespace poollab
