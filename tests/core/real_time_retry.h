// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the real-time engine tests: a bounded retry for checks that a starved
// machine can spoil. A busy machine wakes threads milliseconds late (a sleep ending
// late, an arrival submitted late, a rate-limit bucket refilling while its workers
// wait for a core): such a run says nothing about the engine's rules, so a test may
// run the scenario again, a bounded number of times. An engine that breaks a rule
// breaks it in every run, so the test still fails, and says how late each run was.

#include <utility>

namespace poollab::test {

template <typename Result> struct FairestRun
{
    Result result;       // the least late of the runs made
    double lateness = 0; // its lateness, as the caller measures it
    int runs = 0;        // how many runs were made
};

// Runs `run()` up to `tries` times, stopping at the first whose `lateness(result)` is
// at most `fair`, and returns the least late run (the first of equals).
template <typename Run, typename Lateness>
auto fairestOf(int tries, double fair, Run run, Lateness lateness) -> FairestRun<decltype(run())>
{
    FairestRun<decltype(run())> best{run(), 0, 1};
    best.lateness = lateness(best.result);
    while (best.lateness > fair && best.runs < tries) {
        auto next = run();
        const double late = lateness(next);
        ++best.runs;
        if (late < best.lateness) {
            best.result = std::move(next);
            best.lateness = late;
        }
    }
    return best;
}

} // namespace poollab::test
