// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/interval_recorder.h"

namespace poollab {

void IntervalRecorder::start(const Snapshot& runStart, Nanos interval)
{
    clear();
    m_sampler.setRunStart(runStart);
    m_started = true;
    m_interval = interval;
    m_nextNs = interval > 0 ? interval : kNoBoundary;
}

void IntervalRecorder::clear()
{
    m_sampler.reset();
    m_record.clear();
    m_interval = 0;
    m_nextNs = kNoBoundary;
    m_lastRowNs = 0;
    m_lastNs = 0;
    m_jobNs = 0;
    m_started = false;
    m_complete = false;
}

void IntervalRecorder::setInterval(Nanos interval)
{
    m_interval = interval;
    if (!m_complete)
        m_nextNs = interval > 0 ? m_lastRowNs + interval : kNoBoundary;
}

bool IntervalRecorder::add(const Snapshot& s)
{
    if (!m_started || m_complete)
        return false;
    const Nanos now = s.runNs;
    if (now > m_lastNs) {
        m_jobNs += static_cast<double>(s.queued + s.inFlight) * static_cast<double>(now - m_lastNs);
        m_lastNs = now;
    }
    if (s.finished()) {
        m_complete = true;
        m_nextNs = kNoBoundary;
        if (now <= m_lastRowNs && m_record.appended() > 0)
            return false; // the last row already ends here
    } else if (now < m_nextNs) {
        return false;
    }
    appendRow(s);
    return true;
}

void IntervalRecorder::appendRow(const Snapshot& s)
{
    Sample row;
    if (m_sampler.add(s, row))
        m_record.append(row);
    m_lastRowNs = s.runNs;
    // Keep the grid: a late snapshot does not shift later rows.
    if (m_interval > 0 && !m_complete)
        while (m_nextNs <= s.runNs)
            m_nextNs += m_interval;
}

double IntervalRecorder::meanInSystem() const
{
    return m_lastNs > 0 ? m_jobNs / static_cast<double>(m_lastNs) : 0.0;
}

} // namespace poollab
