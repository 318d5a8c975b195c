// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/job.h"

#include <cstddef>
#include <vector>

namespace poollab {

// FIFO ring of jobs for one thread: the virtual-time engine's queue (the real pool's
// is the lock-free JobQueue). Storage grows by doubling
// up to what is needed and is then reused, so steady running allocates nothing.
class JobRing
{
public:
    bool empty() const { return m_size == 0; }
    std::size_t size() const { return m_size; }

    void push(const Job& job)
    {
        if (m_size == m_slots.size())
            grow();
        m_slots[(m_head + m_size) & (m_slots.size() - 1)] = job;
        ++m_size;
    }
    Job pop()
    {
        Job job = m_slots[m_head];
        m_head = (m_head + 1) & (m_slots.size() - 1);
        --m_size;
        return job;
    }
    template <typename F> void drainInto(F&& sink)
    {
        while (!empty())
            sink(pop());
    }

private:
    void grow()
    {
        std::vector<Job> bigger(m_slots.empty() ? 64 : m_slots.size() * 2);
        for (std::size_t i = 0; i < m_size; ++i)
            bigger[i] = m_slots[(m_head + i) & (m_slots.size() - 1)];
        m_slots.swap(bigger);
        m_head = 0;
    }

    std::vector<Job> m_slots; // size is a power of two
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace poollab
