// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/engine.h"
#include "core/interval_record.h"
#include "core/sampler.h"
#include "core/time_series.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace poollab {

using EngineFactory = std::function<std::unique_ptr<Engine>(const Scenario&)>;

// A live change of a parameter, where it happened on the run's clock.
struct ChangeMarker
{
    double seconds = 0;
    QString key;  // which control, so that a burst of steps on one merges into one marker
    QString from; // the value before the first step
    QString to;
    QString label() const;
};

// A pause on the run's clock. On real threads the clock goes on while paused; in
// virtual time it stands still, so a pause there is an instant (from == to).
struct PauseSpan
{
    double from = 0;
    double to = 0;
    bool open = true; // still paused: `to` follows the run's clock
};

// The one reader of the engine on the GUI thread: a timer takes one snapshot per tick
// and turns it into a sample; widgets draw from what it holds. Nothing here runs per job.
class RunController : public QObject
{
    Q_OBJECT

public:
    static constexpr int kDefaultTickMs = 100;
    static constexpr std::size_t kMaxMarkers = 64;
    // The attempt events the window keeps of a run: the newest this many (a ring of
    // ~7 MB), for the timeline and File > Export trace.
    static constexpr std::size_t kAttemptEventCapacity = 100'000;

    explicit RunController(EngineFactory factory, QObject* parent = nullptr);
    ~RunController() override;

    const Scenario& scenario() const { return m_scenario; }
    // Sets the scenario; during a run the engine applies it at once and the change is
    // marked on the charts under `key` with from/to texts.
    void setScenario(const Scenario& scenario, const QString& key = {}, const QString& from = {},
                     const QString& to = {});

    // Returns false (and emits failed) when the engine refuses the scenario.
    bool start();
    void pause();
    void resume();
    void drain();
    void cancel();
    // Cancels a run still going and waits (at most `timeoutNs`) for its engine to
    // finish, then ticks once: the run ends as a stopped one (runFinished, so it is
    // recorded) rather than vanish with the window. False if it did not finish in time.
    bool cancelAndFinish(Nanos timeoutNs);
    // Forgets the run (stopping it if needed) and its history; keeps the scenario.
    void reset();

    bool hasRun() const { return m_engine != nullptr; }
    bool isActive() const { return m_engine && !m_finished; } // started and not finished
    bool isPaused() const { return m_paused; }
    bool isFinished() const { return m_finished; }
    bool drainRequested() const { return m_drainRequested; }
    TimeMode timeMode() const { return m_engine ? m_engine->timeMode() : m_scenario.timeMode; }

    const Snapshot& snapshot() const { return m_snapshot; }
    // The current (or last) run's attempt events, made with its engine and kept after
    // it ends; null before a run and after reset(). Readers copy what is new on their
    // own timer (AttemptEventLog::copySince).
    std::shared_ptr<AttemptEventLog> attemptEvents() const { return m_attemptEvents; }
    // How many worker cells the window can show: each tick's snapshot groups the
    // workers into at most that many (0: none).
    void setWorkerCellLimit(int limit) { m_workerCellLimit = limit; }
    // Whether a tick has seen the run's clock move: from then on there is a run to export.
    bool hasRunTime() const { return m_lastRunNs > 0; }
    // The snapshot of the last tick, for readers on other threads (the metrics endpoint):
    // they never touch the engine, which a Reset may replace under them.
    void copyLatestSnapshot(Snapshot& out) const;
    // The whole run at full resolution, for export: one sample per sample interval of
    // the scenario, then a last, shorter one up to the end of the run. The same rows
    // the command line's --csv writes (during a run: the intervals completed so far).
    std::vector<Sample> intervalSamples() const;
    // Calls `read` with the run's record (the rows intervalSamples() copies) without
    // copying it: the charts take the part they draw. Empty before a run.
    void withRecord(const std::function<void(const IntervalRecord&)>& read) const;
    const std::deque<ChangeMarker>& markers() const { return m_markers; }
    const std::deque<PauseSpan>& pauses() const { return m_pauses; }
    // Time-averaged jobs in the system (queued + in flight) over the run: L of Little's law.
    double averageInSystem() const;
    // Fraction of a finite run that is done (0 when the run has no limit known here):
    // jobs with an outcome against the job limit, or run time (simulated in virtual
    // time) against the duration. A stopped run keeps the fraction it reached.
    double progress() const;
    // Wall-clock seconds until the run ends, from the work left and the recent rate:
    // the jobs still to resolve over the outcomes per second of the last few seconds,
    // or the duration left; in virtual time divided by the pace achieved. NaN when it
    // cannot be told yet (no rate measured, no limit, paused).
    double remainingSeconds() const;
    // The same in run time: simulated seconds in virtual time (as the run's elapsed
    // time is counted), wall-clock seconds with real threads.
    double remainingRunSeconds() const;
    // Virtual time: simulated seconds per wall-clock second over the last ~2 s (0
    // before there is a measurement).
    double achievedPace() const;
    bool cancelRequested() const { return m_cancelRequested; }

    // Virtual engine only: simulated seconds per second, 0 = as fast as possible.
    void setPace(double factor);
    double pace() const { return m_pace; }
    // Wall-clock time the run started, in Unix seconds (for CSV timestamps).
    double runStartUnixS() const { return m_runStartUnixS; }

    // The wall clock remainingSeconds() and achievedPace() measure with (ns, any
    // origin); tests set their own.
    void setWallClock(std::function<qint64()> clock) { m_wallClock = std::move(clock); }

    void setTickInterval(int ms) { m_timer.setInterval(ms); }
    int tickInterval() const { return m_timer.interval(); }

public slots:
    // One snapshot, one sample; public so that tests can drive it.
    void tick();

signals:
    void ticked();
    void stateChanged();
    void runFinished();
    void failed(const QString& message);

private:
    void addMarker(const QString& key, const QString& from, const QString& to);
    // Recent progress, one entry per tick: what remainingSeconds() and achievedPace()
    // take their rates from (a few seconds of them; the charts' series is theirs).
    struct Progress
    {
        qint64 wallNs;
        Nanos runNs;
        std::uint64_t resolved; // jobs with an outcome
    };
    void recordProgress();
    std::deque<Progress> m_progress;
    void closePause();

    EngineFactory m_factory;
    Scenario m_scenario;
    Scenario m_applied; // what the engine runs: m_scenario less an edit it refused
    std::unique_ptr<Engine> m_engine;
    std::shared_ptr<AttemptEventLog> m_attemptEvents;
    QTimer m_timer;
    Snapshot m_snapshot;
    int m_workerCellLimit = 0;
    mutable std::mutex m_publishedMutex;
    Snapshot m_published; // a copy of m_snapshot for other threads
    // The export record is the engine's (Engine::record): the ticks' snapshots feed it
    // on real threads. Sample intervals shorter than a tick get snapshots of their own,
    // as often as the command line's monitor takes them.
    QTimer m_recordTimer;
    Snapshot m_recordSnapshot;
    std::deque<ChangeMarker> m_markers;
    std::deque<PauseSpan> m_pauses;
    bool m_paused = false;
    bool m_finished = false;
    bool m_drainRequested = false;
    bool m_cancelRequested = false;
    Nanos m_lastRunNs = 0;
    double m_pace = 10;
    double m_runStartUnixS = 0;
    std::function<qint64()> m_wallClock;
};

} // namespace poollab
