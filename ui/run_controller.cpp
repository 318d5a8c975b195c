// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/run_controller.h"

#include "core/scenario_fields.h"
#include "core/workload.h"

#include <QDateTime>
#include <QElapsedTimer>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

namespace poollab {

QString ChangeMarker::label() const
{
    return key % QLatin1Char(' ') % from % QStringLiteral(" \u2192 ") % to;
}

RunController::RunController(EngineFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory))
{
    m_wallClock = [timer = std::make_shared<QElapsedTimer>()] {
        if (!timer->isValid())
            timer->start();
        return timer->nsecsElapsed();
    };
    m_timer.setInterval(kDefaultTickMs);
    // Precise: the sample interval is what the rates are divided by.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RunController::tick);
    m_recordTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_recordTimer, &QTimer::timeout, this, [this] {
        if (!m_engine || m_finished)
            return;
        m_engine->snapshot(m_recordSnapshot);
        if (!m_recordSnapshot.finished()) // the tick that sees the end adds the last row
            m_engine->record(m_recordSnapshot);
    });
}

RunController::~RunController()
{
    if (m_engine && !m_engine->finished())
        m_engine->cancel();
}

void RunController::setScenario(const Scenario& scenario, const QString& key, const QString& from,
                                const QString& to)
{
    m_scenario = scenario;
    if (!isActive())
        return;
    // A running engine would clamp it quietly; keep the running settings and say why.
    // The latency spec is parsed only when an edit touches the workload.
    if (diff(m_applied, scenario).has(AffectsWorkload)) {
        if (const std::string why = checkWorkload(scenario); !why.empty()) {
            emit failed(tr("Not applied to the running pool: %1").arg(QString::fromStdString(why)));
            return;
        }
    }
    m_engine->apply(scenario);
    m_applied = scenario;
    if (!key.isEmpty())
        addMarker(key, from, to);
    emit ticked();
}

void RunController::addMarker(const QString& key, const QString& from, const QString& to)
{
    const double now = toSeconds(m_snapshot.runNs);
    // Steps of one control within a second are one change: "workers 20 → 40", not 20 markers.
    if (!m_markers.empty() && m_markers.back().key == key && now - m_markers.back().seconds < 1.0) {
        m_markers.back().to = to;
        return;
    }
    m_markers.push_back({now, key, from, to});
    while (m_markers.size() > kMaxMarkers)
        m_markers.pop_front();
}

bool RunController::start()
{
    if (isActive())
        return false;
    reset();
    try {
        m_engine = m_factory(m_scenario);
        m_applied = m_scenario;
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }
    m_attemptEvents = std::make_shared<AttemptEventLog>(kAttemptEventCapacity);
    m_engine->setAttemptEventLog(m_attemptEvents);
    setPace(m_pace);
    m_runStartUnixS = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    m_engine->start();
    m_engine->snapshot(m_snapshot);
    recordProgress();
    m_engine->record(m_snapshot); // the run's start
    m_lastRunNs = m_snapshot.runNs;
    m_timer.start();
    // Virtual time records on its own clock; real time from the snapshots given.
    const Nanos recordInterval = m_scenario.sampleInterval > 0 ? m_scenario.sampleInterval : kSecond;
    if (recordInterval < Nanos{m_timer.interval()} * kMilli && m_engine->timeMode() == TimeMode::Real) {
        m_recordTimer.setInterval(static_cast<int>(std::max<Nanos>(recordInterval / kMilli, 1)));
        m_recordTimer.start();
    }
    emit stateChanged();
    emit ticked();
    return true;
}

void RunController::pause()
{
    if (!isActive() || m_paused)
        return;
    m_engine->pause();
    m_paused = true;
    tick(); // the run's clock at the pause
    const double now = toSeconds(m_snapshot.runNs);
    m_pauses.push_back({now, now, true});
    while (m_pauses.size() > kMaxMarkers)
        m_pauses.pop_front();
    emit stateChanged();
}

void RunController::resume()
{
    if (!isActive() || !m_paused)
        return;
    // The pause ends at the run clock read while still paused: read after the resume,
    // a virtual run would already have moved on (its pause would not stand still).
    tick();
    closePause();
    m_engine->resume();
    m_paused = false;
    tick(); // the state the window shows: running again
    emit stateChanged();
}

void RunController::drain()
{
    if (!isActive())
        return;
    if (m_paused)
        resume(); // a paused pool would never finish what it holds
    m_drainRequested = true;
    m_engine->drain();
    tick();
    emit stateChanged();
}

void RunController::cancel()
{
    if (!isActive())
        return;
    m_engine->cancel();
    m_paused = false;
    m_cancelRequested = true;
    tick();
    closePause();
    emit stateChanged();
}

bool RunController::cancelAndFinish(Nanos timeoutNs)
{
    if (!isActive())
        return true;
    cancel();
    const bool done = m_engine->waitFinished(timeoutNs);
    tick();
    return done && m_finished;
}

void RunController::reset()
{
    m_timer.stop();
    m_recordTimer.stop();
    if (m_engine && !m_engine->finished())
        m_engine->cancel();
    m_engine.reset();
    m_attemptEvents.reset();
    m_snapshot = Snapshot{};
    m_markers.clear();
    m_pauses.clear();
    m_paused = false;
    m_finished = false;
    m_drainRequested = false;
    m_cancelRequested = false;
    m_progress.clear();
    m_lastRunNs = 0;
    emit stateChanged();
    emit ticked();
}

void RunController::tick()
{
    if (!m_engine)
        return;
    m_snapshot.workerCells.limit = m_workerCellLimit;
    m_engine->snapshot(m_snapshot);
    {
        std::lock_guard lock(m_publishedMutex);
        m_published = m_snapshot;
    }
    m_lastRunNs = m_snapshot.runNs;
    recordProgress();
    if (!m_pauses.empty() && m_pauses.back().open)
        m_pauses.back().to = toSeconds(m_snapshot.runNs);
    const bool finished = m_snapshot.finished();
    if (!m_finished)
        m_engine->record(m_snapshot);
    if (finished && !m_finished) {
        m_finished = true;
        m_paused = false;
        closePause();
        m_timer.stop();
        m_recordTimer.stop();
        emit ticked();
        emit stateChanged();
        emit runFinished();
        return;
    }
    emit ticked();
}

std::vector<Sample> RunController::intervalSamples() const
{
    std::vector<Sample> samples;
    if (m_engine)
        m_engine->samples(samples);
    return samples;
}

void RunController::withRecord(const std::function<void(const IntervalRecord&)>& read) const
{
    if (m_engine) {
        m_engine->withRecord(read);
        return;
    }
    static const IntervalRecord kNoRun;
    read(kNoRun);
}

void RunController::closePause()
{
    if (m_pauses.empty() || !m_pauses.back().open)
        return;
    m_pauses.back().to = toSeconds(m_snapshot.runNs);
    m_pauses.back().open = false;
}

void RunController::setPace(double factor)
{
    m_pace = factor;
    if (m_engine)
        m_engine->setPace(factor);
}

void RunController::copyLatestSnapshot(Snapshot& out) const
{
    std::lock_guard lock(m_publishedMutex);
    out = m_published;
}

double RunController::averageInSystem() const
{
    // The simulation integrates L exactly; on real threads it comes from the ticks'
    // snapshots (Engine::record).
    return m_engine ? m_engine->meanInSystem() : 0.0;
}

namespace {

std::uint64_t resolvedJobs(const Snapshot& s)
{
    const Counters& c = s.counters;
    return s.completed() + c.rejected + c.dropped + c.cancelled;
}

// Rates are taken over at least this much of the recent past, in wall-clock time and
// in run time: completions come in batches (20 workers, 500 ms jobs: 20 every half
// second), and a short window would read a batch more or less as a change of rate.
constexpr qint64 kRateWindowWallNs = 3 * kSecond;
constexpr Nanos kRateWindowRunNs = 10 * kSecond;
constexpr std::size_t kMaxProgressEntries = 1200; // two minutes of ticks

} // namespace

void RunController::recordProgress()
{
    const qint64 wall = m_wallClock();
    m_progress.push_back({wall, m_snapshot.runNs, resolvedJobs(m_snapshot)});
    // Keep one entry older than the window, so the window is always covered.
    while (m_progress.size() > kMaxProgressEntries ||
           (m_progress.size() > 2 && wall - m_progress[1].wallNs > kRateWindowWallNs &&
            m_snapshot.runNs - m_progress[1].runNs > kRateWindowRunNs))
        m_progress.pop_front();
}

double RunController::progress() const
{
    const Snapshot& s = m_snapshot;
    double fraction = 0;
    // Cancelled jobs have an outcome but were not done: a Stop does not fill the bar.
    const std::uint64_t done = resolvedJobs(s) - (m_cancelRequested ? s.counters.cancelled : 0);
    if (m_scenario.jobs > 0)
        fraction = static_cast<double>(done) / static_cast<double>(m_scenario.jobs);
    if (m_scenario.duration > 0)
        fraction =
            std::max(fraction, static_cast<double>(s.runNs) / static_cast<double>(m_scenario.duration));
    // A run that ended on its own did all its work; one that was stopped or drained early
    // shows how far it got.
    if (m_finished && !m_cancelRequested && !m_drainRequested)
        return 1.0;
    return std::clamp(fraction, 0.0, 1.0);
}

double RunController::achievedPace() const
{
    if (m_progress.size() < 2)
        return 0;
    const Progress& a = m_progress.front();
    const Progress& b = m_progress.back();
    const qint64 wall = b.wallNs - a.wallNs;
    return wall > 0 ? static_cast<double>(b.runNs - a.runNs) / static_cast<double>(wall) : 0.0;
}

double RunController::remainingSeconds() const
{
    const double run = remainingRunSeconds();
    if (timeMode() != TimeMode::Virtual || !std::isfinite(run) || run == 0)
        return run;
    const double pace = achievedPace();
    return pace > 0 ? run / pace : std::numeric_limits<double>::quiet_NaN();
}

double RunController::remainingRunSeconds() const
{
    constexpr double kUnknown = std::numeric_limits<double>::quiet_NaN();
    if (!m_engine)
        return kUnknown;
    if (m_finished)
        return 0;
    if (m_paused || m_progress.size() < 2)
        return kUnknown;
    const Progress& a = m_progress.front();
    const Progress& b = m_progress.back();
    const double runSpan = toSeconds(b.runNs - a.runNs);
    if (runSpan <= 0)
        return kUnknown;
    // Outcomes per second of run time, lately: after 40 -> 5 workers this falls within
    // seconds, where the average since the start would take minutes to follow.
    const double rate = static_cast<double>(b.resolved - a.resolved) / runSpan;
    const Snapshot& s = m_snapshot;
    const double backlog = static_cast<double>(s.queued + s.inFlight);
    double runLeft = std::numeric_limits<double>::infinity();
    const bool producing = s.state == PoolState::Running || s.state == PoolState::Paused;
    if (!producing) {
        // Draining (everything submitted, or Drain pressed): only what is held is left.
        if (backlog == 0)
            runLeft = 0;
        else if (rate > 0)
            runLeft = backlog / rate;
    } else {
        if (m_scenario.jobs > 0 && rate > 0)
            runLeft =
                static_cast<double>(m_scenario.jobs - std::min(resolvedJobs(s), m_scenario.jobs)) / rate;
        // Producing stops at the duration; what is queued then still has to finish.
        if (m_scenario.duration > 0)
            runLeft = std::min(runLeft, std::max(0.0, toSeconds(m_scenario.duration - s.runNs)) +
                                            (rate > 0 ? backlog / rate : 0.0));
    }
    return std::isfinite(runLeft) ? runLeft : kUnknown;
}

} // namespace poollab
