// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/engine.h"

namespace poollab {

void Engine::record(const Snapshot& latest)
{
    std::lock_guard lock(m_recordMutex);
    if (!m_recorder) {
        m_recorder = std::make_unique<IntervalRecorder>();
        m_recorder->setSink(m_recordSink);
    }
    if (m_recorder->started()) {
        m_recorder->add(latest);
        return;
    }
    // Scenarios hold it from 10 ms up; without one, rows of a second.
    const Nanos interval = scenario().sampleInterval > 0 ? scenario().sampleInterval : kSecond;
    m_recorder->start(latest, interval);
}

void Engine::withRecord(const std::function<void(const IntervalRecord&)>& read) const
{
    std::lock_guard lock(m_recordMutex);
    if (m_recorder) {
        read(m_recorder->record());
        return;
    }
    static const IntervalRecord kEmpty;
    read(kEmpty);
}

void Engine::setRecordSink(IntervalRecord::Sink sink)
{
    std::lock_guard lock(m_recordMutex);
    m_recordSink = std::move(sink);
    if (m_recorder)
        m_recorder->setSink(m_recordSink);
}

double Engine::meanInSystem() const
{
    std::lock_guard lock(m_recordMutex);
    return m_recorder ? m_recorder->meanInSystem() : 0.0;
}

std::size_t Engine::samples(std::vector<Sample>& out, std::size_t from) const
{
    std::size_t size = 0;
    withRecord([&](const IntervalRecord& record) {
        const std::span<const Sample> rows = record.rows();
        if (from < rows.size())
            out.insert(out.end(), rows.begin() + static_cast<std::ptrdiff_t>(from), rows.end());
        size = rows.size();
    });
    return size;
}

} // namespace poollab
