// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/run_controller.h"

#include "core/virtual_engine.h"

#include <QDateTime>

#include <algorithm>
#include <exception>

namespace poollab {

QString ChangeMarker::label() const
{
    return key % QLatin1Char(' ') % from % QStringLiteral(" \u2192 ") % to;
}

RunController::RunController(EngineFactory factory, QObject* parent)
    : QObject(parent), m_factory(std::move(factory))
{
    m_timer.setInterval(kDefaultTickMs);
    // Precise: the sample interval is what the rates are divided by.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RunController::tick);
    m_recordTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_recordTimer, &QTimer::timeout, this, [this] {
        if (!m_engine || m_finished)
            return;
        m_engine->snapshot(m_recordSnapshot);
        recordInterval(m_recordSnapshot, false); // the tick that sees the end adds the last row
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
    m_engine->apply(scenario);
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
    } catch (const std::exception& e) {
        emit failed(QString::fromUtf8(e.what()));
        return false;
    }
    setPace(m_pace);
    m_runStartUnixS = static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
    m_engine->start();
    m_engine->snapshot(m_snapshot);
    m_sampler.add(m_snapshot, m_sample);       // the baseline
    m_recordSampler.add(m_snapshot, m_sample); // the baseline
    // Scenarios hold it from 10 ms up; 0 would never advance the grid.
    m_recordInterval = m_scenario.sampleInterval > 0 ? m_scenario.sampleInterval : kSecond;
    m_nextRecordNs = m_recordInterval;
    m_lastRunNs = m_snapshot.runNs;
    m_timer.start();
    if (m_recordInterval < Nanos{m_timer.interval()} * kMilli &&
        !dynamic_cast<const VirtualEngine*>(m_engine.get())) {
        m_recordTimer.setInterval(static_cast<int>(std::max<Nanos>(m_recordInterval / kMilli, 1)));
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
    m_engine->resume();
    m_paused = false;
    tick();
    closePause();
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
    tick();
    closePause();
    emit stateChanged();
}

void RunController::reset()
{
    m_timer.stop();
    m_recordTimer.stop();
    if (m_engine && !m_engine->finished())
        m_engine->cancel();
    m_engine.reset();
    m_snapshot = Snapshot{};
    m_sampler.reset();
    m_series.clear();
    m_recordSampler.reset();
    m_record.clear();
    m_nextRecordNs = 0;
    m_markers.clear();
    m_pauses.clear();
    m_paused = false;
    m_finished = false;
    m_drainRequested = false;
    m_jobSeconds = 0;
    m_lastRunNs = 0;
    emit stateChanged();
    emit ticked();
}

void RunController::tick()
{
    if (!m_engine)
        return;
    m_engine->snapshot(m_snapshot);
    {
        std::lock_guard lock(m_publishedMutex);
        m_published = m_snapshot;
    }
    if (m_sampler.add(m_snapshot, m_sample) && m_sample.intervalNs > 0) {
        m_series.add(m_sample);
        const Nanos dt = m_snapshot.runNs - m_lastRunNs;
        if (dt > 0)
            m_jobSeconds += static_cast<double>(m_snapshot.queued + m_snapshot.inFlight) * toSeconds(dt);
    }
    m_lastRunNs = m_snapshot.runNs;
    if (!m_pauses.empty() && m_pauses.back().open)
        m_pauses.back().to = toSeconds(m_snapshot.runNs);
    const bool finished = m_snapshot.finished();
    if (!m_finished)
        recordInterval(m_snapshot, finished);
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

void RunController::recordInterval(const Snapshot& snapshot, bool runEnded)
{
    if (dynamic_cast<const VirtualEngine*>(m_engine.get()))
        return;
    const Nanos now = snapshot.runNs;
    // As runHeadless() does: the first snapshot at or past each boundary ends an
    // interval, and the end of the run ends the last, shorter one.
    const bool due = now >= m_nextRecordNs;
    if (!due && !(runEnded && now > m_recordSampler.previous().runNs))
        return;
    Sample sample;
    if (m_recordSampler.add(snapshot, sample))
        m_record.append(sample);
    // Keep the grid: a late tick does not shift later rows.
    while (m_nextRecordNs <= now)
        m_nextRecordNs += m_recordInterval;
}

std::vector<Sample> RunController::intervalSamples() const
{
    if (const auto* virtualEngine = dynamic_cast<const VirtualEngine*>(m_engine.get())) {
        std::vector<Sample> samples;
        virtualEngine->samples(samples);
        return samples;
    }
    const std::span<const Sample> rows = m_record.rows();
    return {rows.begin(), rows.end()};
}

void RunController::withRecord(const std::function<void(const IntervalRecord&)>& read) const
{
    if (const auto* virtualEngine = dynamic_cast<const VirtualEngine*>(m_engine.get()))
        virtualEngine->withRecord(read);
    else
        read(m_record);
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
    if (auto* virtualEngine = dynamic_cast<VirtualEngine*>(m_engine.get()))
        virtualEngine->setPace(factor);
}

void RunController::copyLatestSnapshot(Snapshot& out) const
{
    std::lock_guard lock(m_publishedMutex);
    out = m_published;
}

double RunController::averageInSystem() const
{
    // The simulation integrates L exactly; the real engine is sampled per tick.
    if (const auto* virtualEngine = dynamic_cast<const VirtualEngine*>(m_engine.get()))
        return virtualEngine->meanInSystem();
    const double seconds = toSeconds(m_snapshot.runNs);
    return seconds > 0 ? m_jobSeconds / seconds : 0.0;
}

double RunController::progress() const
{
    const Snapshot& s = m_snapshot;
    if (m_finished)
        return 1.0;
    double fraction = 0;
    const Counters& c = s.counters;
    if (m_scenario.jobs > 0) {
        const double done = static_cast<double>(s.completed() + c.rejected + c.dropped + c.cancelled);
        fraction = done / static_cast<double>(m_scenario.jobs);
    }
    if (m_scenario.duration > 0)
        fraction =
            std::max(fraction, static_cast<double>(s.runNs) / static_cast<double>(m_scenario.duration));
    return std::clamp(fraction, 0.0, 1.0);
}

} // namespace poollab
