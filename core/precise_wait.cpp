// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/precise_wait.h"

#include <algorithm>
#include <ctime>
#include <sys/prctl.h>
#include <thread>

namespace poollab {

namespace {
Nanos threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<Nanos>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}
} // namespace

PreciseWaiter::PreciseWaiter(std::stop_token stop)
    : m_stop(std::move(stop)), m_callback(m_stop, std::function<void()>([this] { wake(); }))
{}

void PreciseWaiter::wake()
{
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
}

void PreciseWaiter::tightenTimerSlack()
{
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
}

bool PreciseWaiter::sleepUntil(Nanos steadyDeadline, bool shareCore)
{
    constexpr Nanos kMargin = 10 * kMicro;
    constexpr Nanos kMaxEarly = kMilli;
    const Nanos wakeAt = steadyDeadline - std::min(m_lateNs + kMargin, kMaxEarly);
    if (wakeAt > steadyNowNs()) {
        std::unique_lock lock(m_mutex);
        const std::chrono::steady_clock::time_point until{std::chrono::nanoseconds(wakeAt)};
        if (m_cv.wait_until(lock, until, [this] { return m_woken; }))
            return false;
        const Nanos late = std::max<Nanos>(0, steadyNowNs() - wakeAt);
        m_lateNs = late > m_lateNs ? late : m_lateNs - (m_lateNs - late) / 32;
    }
    while (steadyNowNs() < steadyDeadline) {
        if (m_stop.stop_requested())
            return false;
        if (shareCore)
            std::this_thread::yield();
        else
            cpuRelax();
    }
    return !m_stop.stop_requested();
}

bool PreciseWaiter::burnCpu(Nanos cpuNs)
{
    const std::stop_token& stop = m_stop;
    const Nanos until = threadCpuNs() + cpuNs;
    volatile std::uint64_t sink = 0;
    while (threadCpuNs() < until) {
        if (stop.stop_requested())
            return false;
        // A little real work between clock reads, so most of the time is spent computing.
        std::uint64_t x = sink;
        for (int i = 0; i < 2000; ++i)
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        sink = x;
    }
    return true;
}

} // namespace poollab
