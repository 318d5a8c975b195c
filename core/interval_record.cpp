// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/interval_record.h"

#include <algorithm>

namespace poollab {

IntervalRecord::IntervalRecord(std::size_t capacity, std::size_t envelopeBuckets)
    // Even, so that pairs merge cleanly.
    : m_capacity(std::max<std::size_t>(2, capacity + (capacity & 1))), m_envelope(envelopeBuckets)
{}

void IntervalRecord::clear()
{
    m_rows.clear();
    m_perRow = 1;
    m_inLastRow = 0;
    m_appended = 0;
    m_baseIntervalNs = 0;
    m_envelope.clear();
}

void IntervalRecord::append(const Sample& row)
{
    if (m_sink)
        m_sink(row);
    m_envelope.add(row);
    if (m_appended++ == 0)
        m_baseIntervalNs = row.intervalNs;
    if (m_inLastRow > 0 && m_inLastRow < m_perRow) {
        mergeSamples(m_rows.back(), row);
        ++m_inLastRow;
        return;
    }
    if (m_rows.size() == m_capacity) {
        // Full: halve the resolution of what is there.
        const std::size_t half = m_rows.size() / 2;
        for (std::size_t i = 0; i < half; ++i) {
            Sample merged = m_rows[2 * i];
            mergeSamples(merged, m_rows[2 * i + 1]);
            m_rows[i] = merged;
        }
        m_rows.resize(half);
        m_perRow *= 2;
    }
    if (m_rows.empty())
        m_rows.reserve(std::min<std::size_t>(m_capacity, 4096));
    m_rows.push_back(row);
    m_inLastRow = 1;
}

} // namespace poollab
