// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/precise_wait.h"

#include "core/cpu_relax.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <sys/prctl.h>
#include <thread>

#if defined(__linux__)
#include <cerrno>
#include <climits>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace poollab {

namespace {
Nanos threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<Nanos>(ts.tv_sec) * kSecond + ts.tv_nsec;
}
} // namespace

PreciseWaiter::PreciseWaiter(std::stop_token stop)
    : m_stop(std::move(stop)), m_callback(m_stop, std::function<void()>([this] { wake(); }))
{}

void PreciseWaiter::wake()
{
#if defined(__linux__)
    m_stopped.store(1, std::memory_order_release);
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&m_stopped), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr,
            nullptr, 0);
#else
    {
        std::lock_guard lock(m_mutex);
        m_woken = true;
    }
    m_cv.notify_all();
#endif
}

void PreciseWaiter::tightenTimerSlack()
{
    setTimerSlack(1);
}

void PreciseWaiter::setTimerSlack(Nanos slack)
{
    prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(slack), 0UL, 0UL, 0UL);
}

bool PreciseWaiter::sleepUntil(Nanos steadyDeadline, bool shareCore)
{
    constexpr Nanos kMargin = 10 * kMicro;
    constexpr Nanos kMaxEarly = kMilli;
    // Sharing cores with other waiters, the CPU is what makes wake-ups late: one timed
    // wait per sleep and no spinning, and the kernel's usual 50 us timer slack, which
    // lets one timer interrupt serve neighbouring deadlines. With 1000 waiters on two
    // cores that took the mean lateness of a 10 ms sleep from 1.0-1.8 ms to 0.1-0.4 ms.
    // With a core to itself a waiter wants precision: 1 ns slack, a wake-up early by
    // the worst recent lateness, and a spin for the rest.
    const Nanos slack = shareCore ? 50 * kMicro : 1;
    if (slack != m_slackNs) {
        setTimerSlack(slack);
        m_slackNs = slack;
    }
    if (shareCore)
        return waitAimingEarly(steadyDeadline) && !m_stop.stop_requested();
    const Nanos wakeAt = steadyDeadline - std::min(m_lateNs + kMargin, kMaxEarly);
    if (wakeAt > steadyNowNs()) {
        if (!waitUntil(wakeAt))
            return false;
        const Nanos late = std::max<Nanos>(0, steadyNowNs() - wakeAt);
        m_lateNs = late > m_lateNs ? late : m_lateNs - (m_lateNs - late) / 32;
    }
    const Nanos remaining = steadyDeadline - steadyNowNs();
    if (remaining <= 0)
        return !m_stop.stop_requested();
    // Spin only while a core is free for it (at most one spinner per core).
    if (!tryStartSpinning())
        return waitAimingEarly(steadyDeadline) && !m_stop.stop_requested();
    bool stopped = false;
    while (steadyNowNs() < steadyDeadline) {
        if (m_stop.stop_requested()) {
            stopped = true;
            break;
        }
        cpuRelax();
    }
    stopSpinning();
    return !stopped && !m_stop.stop_requested();
}

bool PreciseWaiter::waitAimingEarly(Nanos steadyDeadline)
{
    // A timed wait ends late by a fairly steady amount (the timer slack, then the wait
    // for a core): ~0.1 ms on a quiet 2-core machine with 10 workers, more when it is
    // busy. Every job then lasted that much longer than planned, which raised
    // utilization and, several times more, queue waits. Aim early by the mean recent
    // lateness, so that waits end on time on average; never by more than half of what
    // is left, so a short wait is not skipped.
    const Nanos now = steadyNowNs();
    const Nanos left = steadyDeadline - now;
    if (left <= 0)
        return m_stopped.load(std::memory_order_acquire) == 0 && !m_stop.stop_requested();
    const Nanos aim = steadyDeadline - std::clamp<Nanos>(m_meanLateNs, 0, left / 2);
    if (!waitUntil(aim))
        return false;
    // Lateness against the aim: what the kernel and the scheduler added.
    const Nanos late = std::clamp<Nanos>(steadyNowNs() - aim, 0, kMaxLateSample);
    m_meanLateNs += (late - m_meanLateNs) / 16;
    return true;
}

bool PreciseWaiter::waitUntil(Nanos steadyDeadline)
{
#if defined(__linux__)
    // A futex on the stop flag with an absolute CLOCK_MONOTONIC (steady_clock) deadline:
    // a condition variable costs a second system call per wait, because glibc marks
    // the mutex contended when a wait re-takes it, so every unlock wakes the kernel.
    const timespec until{static_cast<time_t>(steadyDeadline / kSecond),
                         static_cast<long>(steadyDeadline % kSecond)};
    while (m_stopped.load(std::memory_order_acquire) == 0) {
        const long result = syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&m_stopped),
                                    FUTEX_WAIT_BITSET_PRIVATE, 0, &until, nullptr, FUTEX_BITSET_MATCH_ANY);
        if (result == -1 && errno == ETIMEDOUT)
            break;
        if (result == -1 && errno != EINTR && errno != EAGAIN) {
            // No futex (a seccomp filter, say): sleep in short steps, still stoppable.
            while (m_stopped.load(std::memory_order_acquire) == 0 && steadyNowNs() < steadyDeadline)
                std::this_thread::sleep_for(
                    std::chrono::nanoseconds(std::min<Nanos>(steadyDeadline - steadyNowNs(), kMilli)));
            break;
        }
        // Woken, interrupted by a signal, or the flag changed: look again.
    }
    return m_stopped.load(std::memory_order_acquire) == 0;
#else
    std::unique_lock lock(m_mutex);
    const std::chrono::steady_clock::time_point until{std::chrono::nanoseconds(steadyDeadline)};
    return !m_cv.wait_until(lock, until, [this] { return m_woken; });
#endif
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
