// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"
#include "core/queueing_theory.h"
#include "core/scenario.h"
#include "core/summary.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace poollab {

struct ScenarioField;

// Experiments (issue #15): one scenario run N times in virtual time (seeds seed,
// seed+1, ...), optionally at each value of one numeric field (a sweep, with the same
// seeds at every point: common random numbers), and the smallest value whose whole
// 95 % interval meets a target. Standard C++ and threads: the window and the command
// line both drive it.

// A quantity an experiment estimates from each replication's summary, declared once:
// --target, --sweep-csv's columns, the summary JSON's "ci95" and the window's measure
// picker all come from experimentMeasures().
struct ExperimentMeasure
{
    const char* key;   // as written in --target and the JSON: "wait.mean", "total.p99", "loss", ...
    const char* label; // the window's words: "mean wait"
    const char* unit;  // "ms", "s", "jobs/s", "" (a share: 0..1, written as a % in --target)
    double (*measured)(const RunSummary&);
    // Queueing theory's value of the measure, in the same unit, when the formulas give
    // one (mean wait, mean response, utilization, loss, throughput); nullopt otherwise.
    std::optional<double> (*predicted)(const QueueMetrics&);
    // False when the replication saw nothing to measure: a latency with no job arriving
    // after the warm-up, a rate over an empty window after it.
    bool (*observed)(const RunSummary&);
};
std::span<const ExperimentMeasure> experimentMeasures();
const ExperimentMeasure* findExperimentMeasure(std::string_view key);

// A 95 % Student-t interval over replications.
struct Interval95
{
    double low = 0;
    double high = 0;
    bool contains(double x) const { return low <= x && x <= high; }
};
struct Estimate
{
    // Over the replications that observed the measure (ExperimentMeasure::observed): a
    // replication that saw nothing has no value, not 0. NaN when none did (null in the
    // JSON, empty in the CSV).
    double mean = 0;
    // Only when every replication observed the measure (known()); else NaN: an interval
    // over the replications that happened to see something is not a 95 % interval.
    Interval95 ci95;
    int observed = 0;   // replications the mean is over
    int unobserved = 0; // replications that observed nothing
    bool known() const { return unobserved == 0; }
};
// Mean and 95 % Student-t interval of the values (n >= 2; with n == 1 the interval is
// the value itself; with none, NaN), observed = n.
Estimate estimate(std::span<const double> values);

// "wait.mean<100ms", "total.p99<2s", "loss<1%", "utilization>0.8".
struct Target
{
    const ExperimentMeasure* measure = nullptr;
    bool below = true; // '<' (true) or '>'
    double limit = 0;  // in the measure's unit (a share for '%')
    // Met when the whole interval is on the right side of the limit.
    // A point without an estimate never meets it.
    bool metBy(const Estimate& e) const
    {
        return e.known() && (below ? e.ci95.high < limit : e.ci95.low > limit);
    }
};
// False with a message that names the problem and what is allowed.
bool parseTarget(std::string_view text, Target& out, std::string& error);

// "workers=1:20:1" (from:to:step, inclusive) or "workers=4,8,16". Any numeric field of
// the field table; every value is checked against the field's range.
struct Sweep
{
    const ScenarioField* field = nullptr;
    std::vector<double> values;
};
bool parseSweep(std::string_view text, Sweep& out, std::string& error);
// Values are in the field's own unit: Integer and Number as they are, Duration fields in
// seconds (1.5 for 1500ms). Sorted ascending, no repeats, at most this many:
inline constexpr std::size_t kMaxSweepPoints = 1000;
// The value set into a scenario (Integer rounded, Duration from seconds to ns).
void applySweepValue(const ScenarioField& field, double value, Scenario& scenario);
// As a user writes it: "13", "2.5", "1.5s".
std::string formatSweepValue(const ScenarioField& field, double value);

// The Student-t quantile t(0.975, df): the half width of a 95 % interval is this times
// the standard error. df >= 1.
double studentT975(int degreesOfFreedom);

struct ExperimentSpec
{
    Scenario scenario;          // time mode virtual; its seed is the first replication's
    int replications = 10;      // 2..1000 (1 only inside the window's quick look)
    Nanos warmup = 0;           // latency of jobs that arrive (planned) before this is discarded
    std::optional<Sweep> sweep; // none: one point, the scenario as it is
    std::optional<Target> target;
    int threads = 0; // 0: std::thread::hardware_concurrency()
};
inline constexpr int kMaxReplications = 1000;

// How many of a point's replications observed each group of figures its mean summary
// covers (ExperimentPoint::mean): a latency needs a job that arrived after the warm-up
// (its count > 0), a rate a window after it, a share (loss, waiting) an arrival in that
// window. Counts (submitted, ...) and the run time are over every replication.
struct PointObserved
{
    int wait = 0;
    int service = 0;
    int total = 0;
    int throttle = 0;
    int totalUncorrected = 0;
    int window = 0;   // throughput_per_s, utilization
    int arrivals = 0; // loss_fraction, prob_wait
};

struct ExperimentPoint
{
    double value = 0; // the swept field's value (0 without a sweep)
    Scenario scenario;
    std::vector<RunSummary> runs; // one per replication, in seed order
    // Every figure the mean over runs (what the JSON's usual keys show); a latency or a
    // rate over the runs that observed it (observed), NaN when none did, as the estimates.
    RunSummary mean;
    PointObserved observed;
    std::vector<Estimate> estimates;  // indexed like experimentMeasures()
    TheoryPrediction theory;          // for this point's scenario
    std::vector<std::uint64_t> seeds; // each replication's seed, like runs: the same at every point
};

struct ExperimentResult
{
    std::vector<ExperimentPoint> points; // in sweep order
    std::optional<std::size_t> answer;   // index into points: the smallest value meeting the target
    bool cancelled = false;              // points holds what finished before the cancel
};

// Runs every (point, replication) pair on `threads` threads; each run is one
// single-threaded virtual engine. progress(done, total) is called from the worker
// threads (at most once per finished run). Setting *cancel stops promptly. An exception
// from a run or from progress stops every thread and is rethrown once they are joined.
ExperimentResult runExperiment(const ExperimentSpec& spec,
                               const std::function<void(int done, int total)>& progress = {},
                               const std::atomic<bool>* cancel = nullptr);

// Empty when every replication observed every measure; else what the command line and
// the window warn: how many replications saw nothing after the warm-up, at which
// values, and why (every arrival was before it, or the run ended before it).
std::string unobservedWarning(const ExperimentSpec& spec, const ExperimentResult& result);

} // namespace poollab
