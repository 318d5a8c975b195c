// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/precise_wait.h"

#include <algorithm>
#include <atomic>
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
    constexpr Nanos kShortSpin = 50 * kMicro;
    // With a core to itself a waiter wakes early by the worst recent lateness and
    // spins the rest. Sharing cores, spinning would steal the CPU the other waiters
    // need to wake on time: it wakes early by the mean lateness instead, so that its
    // wake-ups land on the deadline on average, and only spins a short remainder.
    const Nanos early =
        shareCore ? std::min(m_meanLateNs, kMaxEarly) : std::min(m_lateNs + kMargin, kMaxEarly);
    const Nanos wakeAt = steadyDeadline - early;
    if (wakeAt > steadyNowNs()) {
        if (!waitUntil(wakeAt))
            return false;
        const Nanos late = std::max<Nanos>(0, steadyNowNs() - wakeAt);
        m_lateNs = late > m_lateNs ? late : m_lateNs - (m_lateNs - late) / 32;
        m_meanLateNs += (late - m_meanLateNs) / 16;
    }
    const Nanos remaining = steadyDeadline - steadyNowNs();
    if (remaining <= 0)
        return !m_stop.stop_requested();
    // Spin only while a core is free for it: a thousand waiters spinning would want
    // ten cores' worth of spinning and make every sleep late.
    if ((shareCore && remaining > kShortSpin) || !tryStartSpinning())
        return waitUntil(steadyDeadline) && !m_stop.stop_requested();
    bool stopped = false;
    while (steadyNowNs() < steadyDeadline) {
        if (m_stop.stop_requested()) {
            stopped = true;
            break;
        }
        if (shareCore)
            std::this_thread::yield();
        else
            cpuRelax();
    }
    stopSpinning();
    return !stopped && !m_stop.stop_requested();
}

bool PreciseWaiter::waitUntil(Nanos steadyDeadline)
{
    std::unique_lock lock(m_mutex);
    const std::chrono::steady_clock::time_point until{std::chrono::nanoseconds(steadyDeadline)};
    return !m_cv.wait_until(lock, until, [this] { return m_woken; });
}

namespace {
std::atomic<int> g_spinners{0};
const int g_maxSpinners = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
} // namespace

bool PreciseWaiter::tryStartSpinning()
{
    int now = g_spinners.load(std::memory_order_relaxed);
    while (now < g_maxSpinners) {
        if (g_spinners.compare_exchange_weak(now, now + 1, std::memory_order_relaxed))
            return true;
    }
    return false;
}

void PreciseWaiter::stopSpinning()
{
    g_spinners.fetch_sub(1, std::memory_order_relaxed);
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
