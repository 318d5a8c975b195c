// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>

namespace poollab {

// Interruptible, precise waits for one thread. The kernel's default timer slack
// (50 us) would blur a 1 ms job; a waiter with a core to itself asks for 1 ns slack,
// sleeps on a futex that a stop request wakes at once, and spins the last stretch.
// Waiters that share cores keep the usual slack and do not spin (see sleepUntil).
//
// The stop callback is registered once per waiter, not once per wait: registering
// on a stop state that every worker shares serialises them on its internal lock.
class PreciseWaiter
{
public:
    explicit PreciseWaiter(std::stop_token stop);
    PreciseWaiter(const PreciseWaiter&) = delete;
    PreciseWaiter& operator=(const PreciseWaiter&) = delete;

    // Call once on the thread that will wait.
    static void tightenTimerSlack();
    static void setTimerSlack(Nanos slack);

    // Waits until the steady-clock instant (steadyNowNs() scale). Returns false if
    // a stop was requested first. shareCore: more waiting threads than cores.
    bool sleepUntil(Nanos steadyDeadline, bool shareCore);
    // Burns this thread's CPU for the given CPU time. Returns false if stopped first.
    bool burnCpu(Nanos cpuNs);

    bool stopRequested() const { return m_stop.stop_requested(); }
    const std::stop_token& token() const { return m_stop; }

private:
    void wake();
    // A timed wait on this waiter's condition variable; false if a stop came first.
    bool waitUntil(Nanos steadyDeadline);
    // waitUntil, aimed early by the mean recent lateness of such waits (see .cpp).
    bool waitAimingEarly(Nanos steadyDeadline);
    // At most one spinner per core across all waiters in the process.
    static bool tryStartSpinning();
    static void stopSpinning();

    std::stop_token m_stop;
    // Set once a stop is requested; on Linux the futex the waits sleep on.
    std::atomic<std::uint32_t> m_stopped{0};
#if !defined(__linux__)
    std::mutex m_mutex; // without a futex: a condition variable the stop callback wakes
    std::condition_variable m_cv;
    bool m_woken = false; // guarded by m_mutex
#endif
    // Upper envelope of recent wake-up lateness: jumps up to a late wake-up, decays slowly.
    Nanos m_lateNs = 100 * kMicro;
    // Mean lateness of recent waits without a spin (exponentially weighted, 1/16); a
    // wake-up later than this is counted as this, so a preempted one does not dominate.
    static constexpr Nanos kMaxLateSample = 2 * kMilli;
    Nanos m_meanLateNs = 0;
    Nanos m_slackNs = -1; // this thread's timer slack as last set here
    std::stop_callback<std::function<void()>> m_callback;
};

} // namespace poollab
