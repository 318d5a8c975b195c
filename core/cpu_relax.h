// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <thread>

namespace poollab {

// One look of a busy-wait: the CPU's pause instruction (it frees the core's shared
// resources for the other hyperthread and saves power), or a yield where there is none.
inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

} // namespace poollab
