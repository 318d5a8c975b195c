// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/experiment.h"

#include "core/duration.h"
#include "core/scenario_fields.h"
#include "core/trim.h"
#include "core/virtual_engine.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

namespace poollab {

namespace {

// ---------------------------------------------------------------- measures

std::optional<double> finite(double v)
{
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

// M/M/c with an unbounded queue (FCFS): P(wait > t) = C e^-(c mu - lambda) t, so the
// q-quantile of the wait is 0 while C <= 1 - q, else ln(C / (1 - q)) / (c mu - lambda).
std::optional<double> mmcWaitQuantileMs(const QueueMetrics& m, double q)
{
    const double drain = m.servers * m.mu - m.lambda;
    if (m.limit != 0 || !m.stable || drain <= 0)
        return std::nullopt;
    if (m.probWait <= 1 - q)
        return 0.0;
    return finite(std::log(m.probWait / (1 - q)) / drain * 1000);
}

// Whether a replication observed anything for a measure (see RunSummary::windowEmpty):
// a latency needs a job that arrived after the warm-up; a rate needs a window after it.
bool waitSeen(const RunSummary& r)
{
    return r.wait.count > 0;
}
bool totalSeen(const RunSummary& r)
{
    return r.total.count > 0;
}
bool serviceSeen(const RunSummary& r)
{
    return r.service.count > 0;
}
bool windowSeen(const RunSummary& r)
{
    return !r.windowEmpty;
}
bool arrivalsSeen(const RunSummary& r)
{
    return !r.windowEmpty && r.windowSubmitted > 0;
}
bool always(const RunSummary&)
{
    return true;
}

// clang-format off
const ExperimentMeasure kMeasures[] = {
    {"wait.mean", "mean wait", "ms", [](const RunSummary& r) { return r.wait.mean; },
     [](const QueueMetrics& m) { return finite(m.meanWait * 1000); }, waitSeen},
    {"wait.p50", "median wait", "ms", [](const RunSummary& r) { return r.wait.p50; },
     [](const QueueMetrics& m) { return mmcWaitQuantileMs(m, 0.50); }, waitSeen},
    {"wait.p95", "p95 wait", "ms", [](const RunSummary& r) { return r.wait.p95; },
     [](const QueueMetrics& m) { return mmcWaitQuantileMs(m, 0.95); }, waitSeen},
    {"wait.p99", "p99 wait", "ms", [](const RunSummary& r) { return r.wait.p99; },
     [](const QueueMetrics& m) { return mmcWaitQuantileMs(m, 0.99); }, waitSeen},
    {"wait.prob", "share that waited", "", [](const RunSummary& r) { return r.probWait; },
     [](const QueueMetrics& m) { return finite(m.probWait); }, arrivalsSeen},
    {"total.mean", "mean response", "ms", [](const RunSummary& r) { return r.total.mean; },
     [](const QueueMetrics& m) { return finite(m.meanResponse * 1000); }, totalSeen},
    {"total.p50", "median response", "ms", [](const RunSummary& r) { return r.total.p50; }, nullptr, totalSeen},
    {"total.p95", "p95 response", "ms", [](const RunSummary& r) { return r.total.p95; }, nullptr, totalSeen},
    {"total.p99", "p99 response", "ms", [](const RunSummary& r) { return r.total.p99; }, nullptr, totalSeen},
    {"service.mean", "mean service", "ms", [](const RunSummary& r) { return r.service.mean; },
     [](const QueueMetrics& m) { return m.mu > 0 ? std::optional<double>(1000 / m.mu) : std::nullopt; }, serviceSeen},
    {"throughput", "throughput", "jobs/s", [](const RunSummary& r) { return r.throughputPerS; },
     [](const QueueMetrics& m) { return finite(m.throughput); }, windowSeen},
    {"utilization", "utilization", "", [](const RunSummary& r) { return r.utilization; },
     [](const QueueMetrics& m) { return finite(m.utilization); }, windowSeen},
    {"loss", "loss", "", [](const RunSummary& r) { return r.lossFraction; },
     [](const QueueMetrics& m) { return finite(m.blocking); }, arrivalsSeen},
    {"elapsed", "run time", "s", [](const RunSummary& r) { return r.elapsedS; }, nullptr, always},
};
// clang-format on

std::string measureKeys()
{
    std::string keys;
    for (const ExperimentMeasure& m : kMeasures)
        keys += (keys.empty() ? "" : ", ") + std::string(m.key);
    return keys;
}

// A whole plain decimal number ("2.5", "100", "1e3"); no sign, no unit.
std::optional<double> parseNumber(std::string_view text)
{
    double v = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string quote(std::string_view s)
{
    return "'" + std::string(s) + "'";
}

// "100" and "ms" from "100ms": the number's characters, then the rest.
std::pair<std::string_view, std::string_view> splitUnit(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() &&
           ((text[i] >= '0' && text[i] <= '9') || text[i] == '.' || text[i] == 'e' || text[i] == 'E' ||
            ((text[i] == '-' || text[i] == '+') && i > 0 && (text[i - 1] == 'e' || text[i - 1] == 'E'))))
        ++i;
    // "1e" followed by no digit: the 'e' belongs to nothing; let the number fail.
    return {text.substr(0, i), trimBlanks(text.substr(i))};
}

// The limit of a target in its measure's unit, or an error.
bool parseLimit(const ExperimentMeasure& m, std::string_view text, double& limit, std::string& error)
{
    const std::string_view unit(m.unit);
    const auto [numberText, suffix] = splitUnit(text);
    const auto number = parseNumber(numberText);
    if (!number) {
        error = quote(text) + " is not a number with a unit; e.g. " + m.key +
                (unit == "ms" || unit == "s" ? "<100ms"
                 : unit.empty()              ? "<5%"
                                             : "<100");
        return false;
    }
    if (unit == "ms" || unit == "s") {
        // "100 ms" as "100ms": a space before the unit is allowed for every measure.
        const auto ns = parseDuration(std::string(numberText) + std::string(suffix));
        if (!ns) {
            error = std::string(m.key) + " is a time: " + quote(text) +
                    " needs a unit, one of us, ms, s, m, h (e.g. " + m.key + "<100ms)";
            return false;
        }
        limit = unit == "ms" ? toMillis(*ns) : toSeconds(*ns);
        return true;
    }
    if (unit.empty()) {
        if (suffix == "%")
            limit = *number / 100;
        else if (suffix.empty())
            limit = *number;
        else {
            error = std::string(m.key) + " is a share: " + quote(text) +
                    " must be a percentage (5%) or a fraction (0.05)";
            return false;
        }
        if (limit > 1) {
            error = std::string(m.key) + " is a share: " + quote(text) +
                    " is out of range; allowed: 0% to 100% (0 to 1)";
            return false;
        }
        return true;
    }
    // A rate: a plain number or with /s.
    if (!suffix.empty() && suffix != "/s") {
        error = std::string(m.key) + " is in " + m.unit + ": " + quote(text) +
                " must be a plain number or end in /s";
        return false;
    }
    limit = *number;
    return true;
}

// ---------------------------------------------------------------- sweeps

bool sweepable(const ScenarioField& f)
{
    return (f.type == FieldType::Integer || f.type == FieldType::Number || f.type == FieldType::Duration) &&
           std::string_view(f.key) != "seed";
}

std::string sweepableKeys()
{
    std::string keys;
    for (const ScenarioField& f : scenarioFields()) {
        if (sweepable(f))
            keys += (keys.empty() ? "" : ", ") + std::string(f.key);
    }
    return keys;
}

std::string formatNumber(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

// The allowed range in the user's words: "1 to 100000", "0 or 0.001 to 1000000 jobs/s", "0ms to 24h".
std::string allowedRange(const ScenarioField& f)
{
    if (f.type == FieldType::Duration)
        return formatDuration(static_cast<Nanos>(f.min)) + " to " + formatDuration(static_cast<Nanos>(f.max));
    const std::string unit = *f.unit ? std::string(" ") + f.unit : std::string();
    const double above = minimumAboveZero(f);
    if (above > 0 && f.min <= 0)
        return "0 or " + formatNumber(above) + " to " + formatNumber(f.max) + unit;
    return formatNumber(f.min) + " to " + formatNumber(f.max) + unit;
}

// One value as typed, in the field's unit (Duration: seconds), or an error.
bool parseSweepValue(const ScenarioField& f, std::string_view text, double& value, std::string& error)
{
    text = trimBlanks(text);
    if (f.type == FieldType::Duration) {
        const auto ns = parseDuration(text);
        if (!ns) {
            error = quote(text) + " is not a duration; " + f.key +
                    " takes a duration with a unit (us, ms, s, m, h), e.g. 500ms";
            return false;
        }
        value = toSeconds(*ns);
        return true;
    }
    const auto v = parseNumber(text);
    if (!v || (f.type == FieldType::Integer && *v != std::floor(*v))) {
        error = quote(text) + " is not " + (f.type == FieldType::Integer ? "a whole number" : "a number") +
                "; " + f.key + " takes " + (f.type == FieldType::Integer ? "whole numbers" : "numbers");
        return false;
    }
    value = *v;
    return true;
}

bool inRange(const ScenarioField& f, double value)
{
    if (f.type == FieldType::Duration) {
        const double ns = std::round(value * 1e9);
        return ns >= f.min && ns <= f.max;
    }
    if (value < f.min || value > f.max)
        return false;
    const double above = minimumAboveZero(f);
    return !(above > 0 && value > 0 && value < above);
}

// FROM:TO:STEP, inclusive of TO (within a rounding of the step).
bool expandRange(const ScenarioField& f, std::string_view spec, std::vector<double>& values,
                 std::string& error)
{
    std::string_view parts[3];
    std::size_t start = 0;
    for (int i = 0; i < 3; ++i) {
        const std::size_t colon = i < 2 ? spec.find(':', start) : std::string_view::npos;
        if (i < 2 && colon == std::string_view::npos) {
            error = quote(spec) + " is not FROM:TO:STEP; e.g. " + f.key + "=1:20:1";
            return false;
        }
        parts[i] = spec.substr(start, i < 2 ? colon - start : std::string_view::npos);
        start = colon + 1;
    }
    if (parts[2].find(':') != std::string_view::npos) {
        error = quote(spec) + " is not FROM:TO:STEP: it has more than three parts";
        return false;
    }
    double from = 0, to = 0, step = 0;
    if (!parseSweepValue(f, parts[0], from, error) || !parseSweepValue(f, parts[1], to, error) ||
        !parseSweepValue(f, parts[2], step, error))
        return false;
    if (step <= 0) {
        error = "the step " + quote(trimBlanks(parts[2])) + " must be above 0";
        return false;
    }
    if (to < from) {
        error = "FROM " + quote(trimBlanks(parts[0])) + " is above TO " + quote(trimBlanks(parts[1])) +
                "; give them in rising order";
        return false;
    }
    const double count = std::floor((to - from) / step + 1e-9) + 1;
    if (count > static_cast<double>(kMaxSweepPoints)) {
        error = quote(spec) + " makes " + formatNumber(count) + " points; allowed: at most " +
                std::to_string(kMaxSweepPoints) + " (a larger STEP)";
        return false;
    }
    for (int i = 0; i < static_cast<int>(count); ++i) {
        const double v = from + i * step;
        // 0.1 + 2 * 0.1 is 0.30000000000000004: keep what the user would have typed.
        values.push_back(f.type == FieldType::Integer ? std::round(v) : std::round(v * 1e9) / 1e9);
    }
    return true;
}

bool readSweepValues(const ScenarioField& f, std::string_view spec, std::vector<double>& values,
                     std::string& error)
{
    if (spec.find(':') != std::string_view::npos)
        return expandRange(f, spec, values, error);
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = spec.find(',', start);
        const std::string_view item =
            spec.substr(start, comma == std::string_view::npos ? comma : comma - start);
        double v = 0;
        if (trimBlanks(item).empty()) {
            error = quote(spec) + " has an empty value; give FROM:TO:STEP or v1,v2,...";
            return false;
        }
        if (!parseSweepValue(f, item, v, error))
            return false;
        values.push_back(v);
        if (comma == std::string_view::npos)
            break;
        start = comma + 1;
    }
    if (values.size() > kMaxSweepPoints) {
        error = "too many values (" + std::to_string(values.size()) + "); allowed: at most " +
                std::to_string(kMaxSweepPoints);
        return false;
    }
    return true;
}

// ---------------------------------------------------------------- statistics

// P(|T| <= t) for Student's t with df degrees of freedom, by the finite series for
// whole df (Abramowitz & Stegun 26.7.3 and 26.7.4): no lgamma (which writes a global).
double studentTwoSided(double t, int df)
{
    const double theta = std::atan(t / std::sqrt(static_cast<double>(df)));
    const double c2 = std::cos(theta) * std::cos(theta);
    const double s = std::sin(theta);
    if (df % 2 == 0) {
        double term = 1;
        double sum = 1;
        for (int k = 2; k <= df - 2; k += 2) {
            term *= c2 * (k - 1) / k;
            sum += term;
        }
        return s * sum;
    }
    if (df == 1)
        return 2 * theta / M_PI;
    double term = std::cos(theta);
    double sum = term;
    for (int k = 3; k <= df - 2; k += 2) {
        term *= c2 * (k - 1) / k;
        sum += term;
    }
    return 2 / M_PI * (theta + s * sum);
}

// ---------------------------------------------------------------- runs

// The mean of get(r) over the runs where seen(r), NaN when there are none: a replication
// that observed nothing has no value, not 0.
template <typename Get, typename Seen>
double meanOverSeen(const std::vector<RunSummary>& runs, Get get, Seen seen, int* observed = nullptr)
{
    double sum = 0;
    int n = 0;
    for (const RunSummary& r : runs) {
        if (seen(r)) {
            sum += static_cast<double>(get(r));
            ++n;
        }
    }
    if (observed)
        *observed = n;
    return n > 0 ? sum / n : std::numeric_limits<double>::quiet_NaN();
}

// Every figure of a latency averaged over the runs that observed one (count > 0); the
// count itself over every run, rounded to the nearest whole.
LatencyStats meanLatency(const std::vector<RunSummary>& runs, LatencyStats RunSummary::*which, int& observed)
{
    LatencyStats m;
    const auto seen = [which](const RunSummary& r) { return (r.*which).count > 0; };
    for (double LatencyStats::*stat :
         {&LatencyStats::mean, &LatencyStats::min, &LatencyStats::p50, &LatencyStats::p90, &LatencyStats::p95,
          &LatencyStats::p99, &LatencyStats::p999, &LatencyStats::max})
        m.*stat = meanOverSeen(
            runs, [which, stat](const RunSummary& r) { return (r.*which).*stat; }, seen, &observed);
    m.count = static_cast<std::uint64_t>(std::llround(meanOverSeen(
        runs, [which](const RunSummary& r) { return (r.*which).count; }, always)));
    return m;
}

RunSummary meanSummary(const std::vector<RunSummary>& runs, PointObserved& observed)
{
    RunSummary m = runs.front();
    const auto avg = [&](auto get) { return meanOverSeen(runs, get, always); };
    const auto count = [&](std::uint64_t Counters::*field) {
        return static_cast<std::uint64_t>(
            std::llround(avg([field](const RunSummary& r) { return r.counters.*field; })));
    };
    for (std::uint64_t Counters::*field :
         {&Counters::submitted, &Counters::rejected, &Counters::refused, &Counters::dropped,
          &Counters::succeeded, &Counters::failed, &Counters::cancelled, &Counters::attempts,
          &Counters::retries, &Counters::timedOut, &Counters::throttled, &Counters::arrivedToBusy})
        m.counters.*field = count(field);
    m.elapsedS = avg([](const RunSummary& r) { return r.elapsedS; });
    m.queued = std::llround(avg([](const RunSummary& r) { return r.queued; }));
    m.inFlight = std::llround(avg([](const RunSummary& r) { return r.inFlight; }));
    m.throughputPerS = meanOverSeen(
        runs, [](const RunSummary& r) { return r.throughputPerS; }, windowSeen, &observed.window);
    m.utilization = meanOverSeen(
        runs, [](const RunSummary& r) { return r.utilization; }, windowSeen);
    m.lossFraction = meanOverSeen(
        runs, [](const RunSummary& r) { return r.lossFraction; }, arrivalsSeen, &observed.arrivals);
    m.probWait = meanOverSeen(
        runs, [](const RunSummary& r) { return r.probWait; }, arrivalsSeen);
    m.wait = meanLatency(runs, &RunSummary::wait, observed.wait);
    m.service = meanLatency(runs, &RunSummary::service, observed.service);
    m.total = meanLatency(runs, &RunSummary::total, observed.total);
    m.throttle = meanLatency(runs, &RunSummary::throttle, observed.throttle);
    m.totalUncorrected = meanLatency(runs, &RunSummary::totalUncorrected, observed.totalUncorrected);
    return m;
}

// One replication on the calling thread's watch: false if cancelled (or stopped, when
// another thread failed) first.
bool runReplication(const Scenario& scenario, Nanos warmup, const std::atomic<bool>* cancel,
                    const std::atomic<bool>& stop, RunSummary& out)
{
    VirtualEngine engine(scenario);
    engine.setWarmup(warmup);
    engine.start();
    // A cancel is looked at every 20 ms; a run usually ends long before.
    while (!engine.waitFinished(20 * kMilli)) {
        if ((cancel && cancel->load(std::memory_order_relaxed)) || stop.load(std::memory_order_relaxed)) {
            engine.cancel();
            return false;
        }
    }
    const Snapshot snap = engine.snapshot();
    out = RunSummary::from(snap, "virtual");
    if (warmup > 0)
        applyWarmup(out, snap, engine.warmupMark());
    return true;
}

void finishPoint(ExperimentPoint& p)
{
    p.mean = meanSummary(p.runs, p.observed);
    p.estimates.clear();
    std::vector<double> values;
    for (const ExperimentMeasure& m : kMeasures) {
        values.clear();
        for (const RunSummary& r : p.runs) {
            if (m.observed(r))
                values.push_back(m.measured(r));
        }
        // A replication that saw nothing has no value, not 0: the mean is over those
        // that did (NaN when none did: null in the JSON, empty in the CSV), and the point
        // has no interval and never meets a target.
        Estimate e = estimate(values);
        e.unobserved = static_cast<int>(p.runs.size() - values.size());
        if (e.unobserved) {
            const double none = std::numeric_limits<double>::quiet_NaN();
            e.ci95 = {none, none};
        }
        p.estimates.push_back(e);
    }
    p.theory = predict(p.scenario);
}

} // namespace

// ---------------------------------------------------------------- public

std::span<const ExperimentMeasure> experimentMeasures()
{
    return kMeasures;
}

const ExperimentMeasure* findExperimentMeasure(std::string_view key)
{
    for (const ExperimentMeasure& m : kMeasures) {
        if (key == m.key)
            return &m;
    }
    return nullptr;
}

double studentT975(int df)
{
    df = std::max(df, 1);
    // A run of experiments asks for the same df again and again.
    thread_local int cachedDf = 0;
    thread_local double cachedT = 0;
    if (df == cachedDf)
        return cachedT;
    double lo = 0, hi = 1000; // t(0.975, 1) = 12.7
    for (int i = 0; i < 100 && hi - lo > 1e-12; ++i) {
        const double mid = (lo + hi) / 2;
        (studentTwoSided(mid, df) < 0.95 ? lo : hi) = mid;
    }
    cachedDf = df;
    cachedT = (lo + hi) / 2;
    return cachedT;
}

Estimate estimate(std::span<const double> values)
{
    Estimate e;
    e.observed = static_cast<int>(values.size());
    if (values.empty()) {
        const double none = std::numeric_limits<double>::quiet_NaN();
        e.mean = none;
        e.ci95 = {none, none};
        return e;
    }
    double sum = 0;
    for (double v : values)
        sum += v;
    const auto n = static_cast<double>(values.size());
    e.mean = sum / n;
    if (values.size() < 2) {
        e.ci95 = {e.mean, e.mean};
        return e;
    }
    double squares = 0;
    for (double v : values)
        squares += (v - e.mean) * (v - e.mean);
    const double half = studentT975(static_cast<int>(values.size()) - 1) * std::sqrt(squares / (n - 1) / n);
    e.ci95 = {e.mean - half, e.mean + half};
    return e;
}

bool parseTarget(std::string_view text, Target& out, std::string& error)
{
    const std::string_view all = trimBlanks(text);
    const std::size_t op = all.find_first_of("<>");
    if (op == std::string_view::npos) {
        error = quote(all) +
                " is not MEASURE<VALUE or MEASURE>VALUE; e.g. wait.mean<100ms, total.p99<2s, loss<1%";
        return false;
    }
    const std::string_view key = trimBlanks(all.substr(0, op));
    std::string_view rest = all.substr(op + 1);
    if (!rest.empty() && rest.front() == '=')
        rest.remove_prefix(1); // "<=" reads as "<": an interval is never exactly on the limit
    const ExperimentMeasure* m = findExperimentMeasure(key);
    if (!m) {
        error = "unknown measure " + quote(key) + "; allowed: " + measureKeys();
        return false;
    }
    const std::string_view limitText = trimBlanks(rest);
    if (limitText.empty()) {
        error = quote(all) + " has no value after '" + all[op] + "'; e.g. " + m->key + all[op] +
                (std::string_view(m->unit) == "ms" ? "100ms" : "0.5");
        return false;
    }
    double limit = 0;
    if (!parseLimit(*m, limitText, limit, error))
        return false;
    out.measure = m;
    out.below = all[op] == '<';
    out.limit = limit;
    return true;
}

bool parseSweep(std::string_view text, Sweep& out, std::string& error)
{
    const std::string_view all = trimBlanks(text);
    const std::size_t eq = all.find('=');
    if (eq == std::string_view::npos) {
        error = quote(all) + " is not FIELD=FROM:TO:STEP or FIELD=v1,v2,...; e.g. workers=1:20:1";
        return false;
    }
    std::string key(trimBlanks(all.substr(0, eq)));
    std::replace(key.begin(), key.end(), '-', '_'); // the flag's spelling works too
    const ScenarioField* f = findScenarioField(key);
    if (!f || !sweepable(*f)) {
        error = (f && std::string_view(f->key) == "seed")
                    ? std::string("seed cannot be swept: replications use seed, seed+1, ... at every point")
                    : (f ? quote(key) + " is not a numeric field" : "unknown field " + quote(key)) +
                          "; allowed: " + sweepableKeys();
        return false;
    }
    std::vector<double> values;
    if (!readSweepValues(*f, trimBlanks(all.substr(eq + 1)), values, error)) {
        error = std::string(f->key) + ": " + error;
        return false;
    }
    for (double v : values) {
        if (!inRange(*f, v)) {
            error = std::string(f->key) + ": " + formatSweepValue(*f, v) +
                    " is out of range; allowed: " + allowedRange(*f);
            return false;
        }
    }
    std::sort(values.begin(), values.end());
    if (const auto twice = std::adjacent_find(values.begin(), values.end()); twice != values.end()) {
        error = std::string(f->key) + ": " + formatSweepValue(*f, *twice) + " is given twice";
        return false;
    }
    out.field = f;
    out.values = std::move(values);
    return true;
}

void applySweepValue(const ScenarioField& field, double value, Scenario& scenario)
{
    switch (field.type) {
    case FieldType::Integer:
        field.set(scenario, FieldValue(static_cast<std::int64_t>(std::llround(value))));
        break;
    case FieldType::Duration:
        field.set(scenario, FieldValue(static_cast<std::int64_t>(std::llround(value * 1e9))));
        break;
    case FieldType::Number:
        field.set(scenario, FieldValue(value));
        break;
    default:
        break;
    }
}

std::string formatSweepValue(const ScenarioField& field, double value)
{
    if (field.type == FieldType::Duration)
        return formatDuration(static_cast<Nanos>(std::llround(value * 1e9)));
    return formatNumber(value);
}

ExperimentResult runExperiment(const ExperimentSpec& spec, const std::function<void(int, int)>& progress,
                               const std::atomic<bool>* cancel)
{
    ExperimentResult result;
    const int replications = std::clamp(spec.replications, 1, kMaxReplications);
    const std::size_t pointCount = spec.sweep ? spec.sweep->values.size() : 1;
    std::vector<ExperimentPoint> points(pointCount);
    for (std::size_t p = 0; p < pointCount; ++p) {
        points[p].scenario = spec.scenario;
        points[p].scenario.timeMode = TimeMode::Virtual;
        if (spec.sweep) {
            points[p].value = spec.sweep->values[p];
            applySweepValue(*spec.sweep->field, points[p].value, points[p].scenario);
        }
        points[p].runs.resize(static_cast<std::size_t>(replications));
        for (int r = 0; r < replications; ++r)
            points[p].seeds.push_back(spec.scenario.seed + static_cast<std::uint64_t>(r));
    }

    // Tasks point by point, replication by replication: each writes its own slot, so
    // the numbers do not depend on the thread count or on which thread ran what.
    const int total = static_cast<int>(pointCount) * replications;
    std::vector<char> done(static_cast<std::size_t>(total), 0);
    std::atomic<int> next{0};
    std::atomic<int> finished{0};
    std::mutex progressMutex; // progress(done, total) arrives in order
    // An exception on a pool thread would end the program (std::terminate): the first
    // one is kept, every thread stops, and it is rethrown here after the join.
    std::atomic<bool> stop{false};
    std::exception_ptr failure;
    std::mutex failureMutex;
    const auto runTasks = [&] {
        for (int task = next++; task < total; task = next++) {
            if ((cancel && cancel->load(std::memory_order_relaxed)) || stop.load(std::memory_order_relaxed))
                return;
            ExperimentPoint& point = points[static_cast<std::size_t>(task / replications)];
            const auto r = static_cast<std::size_t>(task % replications);
            Scenario sc = point.scenario;
            sc.seed = point.seeds[r];
            if (!runReplication(sc, spec.warmup, cancel, stop, point.runs[r]))
                return;
            done[static_cast<std::size_t>(task)] = 1;
            if (progress) {
                std::lock_guard lock(progressMutex);
                progress(++finished, total);
            }
        }
    };
    const auto work = [&] {
        try {
            runTasks();
        } catch (...) {
            std::lock_guard lock(failureMutex);
            if (!failure)
                failure = std::current_exception();
            stop.store(true);
        }
    };
    int threads = spec.threads > 0 ? spec.threads : static_cast<int>(std::thread::hardware_concurrency());
    threads = std::clamp(threads, 1, std::max(1, total));
    {
        std::vector<std::jthread> pool;
        for (int t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
    }
    if (failure)
        std::rethrow_exception(failure);

    // Only whole points, and only the first ones: a later point without an earlier
    // one cannot be "the smallest value that meets the target".
    for (std::size_t p = 0; p < pointCount; ++p) {
        const auto first = done.begin() + static_cast<std::ptrdiff_t>(p) * replications;
        if (!std::all_of(first, first + replications, [](char c) { return c != 0; })) {
            result.cancelled = true;
            break;
        }
        finishPoint(points[p]);
        result.points.push_back(std::move(points[p]));
    }
    if (spec.target && spec.target->measure) {
        const auto index = static_cast<std::size_t>(spec.target->measure - kMeasures);
        for (std::size_t p = 0; p < result.points.size(); ++p) {
            if (spec.target->metBy(result.points[p].estimates[index])) {
                result.answer = p;
                break;
            }
        }
    }
    return result;
}

std::string unobservedWarning(const ExperimentSpec& spec, const ExperimentResult& result)
{
    int endedBefore = 0;   // the run never reached the warm-up's end
    int arrivedBefore = 0; // it did, but no job arrived after it (a burst)
    int replications = 0;
    std::string where;
    int wherePoints = 0;
    for (const ExperimentPoint& p : result.points) {
        bool any = false;
        for (const RunSummary& r : p.runs) {
            ++replications;
            if (r.windowEmpty) {
                ++endedBefore;
                any = true;
            } else if (r.windowSubmitted == 0 || r.total.count == 0 || r.wait.count == 0) {
                ++arrivedBefore;
                any = true;
            }
        }
        if (any && spec.sweep && ++wherePoints <= 6)
            where += (where.empty() ? "" : ", ") +
                     (wherePoints == 6 ? std::string("...") : formatSweepValue(*spec.sweep->field, p.value));
    }
    if (endedBefore + arrivedBefore == 0)
        return {};
    const std::string warmup = formatDuration(spec.warmup);
    std::string text = std::to_string(endedBefore + arrivedBefore) + " of " + std::to_string(replications) +
                       " replications observed nothing after the warm-up (" + warmup + ")";
    if (spec.sweep)
        text += " at " + std::string(spec.sweep->field->key) + " " + where;
    text += ": ";
    if (arrivedBefore)
        text += "in " + std::to_string(arrivedBefore) + " every arrival was before the warm-up";
    if (arrivedBefore && endedBefore)
        text += ", ";
    if (endedBefore)
        text += "in " + std::to_string(endedBefore) + " the run ended before the warm-up";
    text += "; those measures have no interval there (null) and meet no target, and their means are "
            "over the replications that observed them (null when none did); use a shorter warm-up";
    if (endedBefore)
        text += " or more jobs";
    return text;
}

} // namespace poollab
