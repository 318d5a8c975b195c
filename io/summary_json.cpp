// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/summary_json.h"

#include "core/experiment.h"
#include "core/scenario_fields.h"
#include "io/json_writer.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

namespace poollab {

namespace {
void writeLatency(JsonWriter& w, const char* key, const LatencyStats& s)
{
    w.beginObject(key);
    w.value("count", s.count);
    w.value("mean", s.mean);
    w.value("min", s.min);
    w.value("p50", s.p50);
    w.value("p90", s.p90);
    w.value("p95", s.p95);
    w.value("p99", s.p99);
    w.value("p999", s.p999);
    w.value("max", s.max);
    w.endObject();
}

void writeSummaryKeys(JsonWriter& w, const RunSummary& r)
{
    w.value("format", "poollab-summary/1");
    w.value("time_mode", QString::fromStdString(r.timeMode));
    w.value("elapsed_s", r.elapsedS);
    w.value("workers", r.workers);
    w.value("queue_capacity", r.queueCapacity);
    w.value("overflow", QString::fromUtf8(toString(r.overflow).data()));
    const Counters& c = r.counters;
    w.value("submitted", c.submitted);
    w.value("succeeded", c.succeeded);
    w.value("failed", c.failed);
    w.value("rejected", c.rejected);
    w.value("dropped", c.dropped);
    w.value("cancelled", c.cancelled);
    w.value("queued", r.queued);
    w.value("in_flight", r.inFlight);
    w.value("attempts", c.attempts);
    w.value("retries", c.retries);
    w.value("timed_out", c.timedOut);
    w.value("throttled", c.throttled);
    w.value("arrived_to_busy", c.arrivedToBusy);
    w.value("throughput_per_s", r.throughputPerS);
    w.value("utilization", r.utilization);
    w.beginObject("latency_ms");
    writeLatency(w, "wait", r.wait);
    writeLatency(w, "service", r.service);
    writeLatency(w, "total", r.total);
    writeLatency(w, "throttle", r.throttle);
    // Last, so that the keys before it keep their places.
    writeLatency(w, "total_uncorrected", r.totalUncorrected);
    w.endObject();
}

// An unstable queue predicts unbounded waits: JsonWriter writes those as null, so
// the relative error is null too rather than a misleading number.
// Theory numbers keep significant digits: a blocking probability of 9.8e-5 or 3e-10
// must not print as 0.000098 or 0.
// An experiment adds whether the measure's 95 % interval holds the prediction
// (insideKey: the experiment measure to look at; null without a finite prediction).
struct Inside
{
    const ExperimentPoint* point = nullptr;
    std::optional<bool> of(const char* measureKey) const
    {
        const ExperimentMeasure* m = findExperimentMeasure(measureKey);
        if (!point || !m || !m->predicted)
            return std::nullopt;
        const std::optional<double> predicted = m->predicted(point->theory.metrics);
        if (!predicted)
            return std::nullopt;
        const auto index = static_cast<std::size_t>(m - experimentMeasures().data());
        if (!point->estimates[index].known())
            return std::nullopt;
        return point->estimates[index].ci95.contains(*predicted);
    }
};

void writeMeasure(JsonWriter& w, const char* key, double predicted, double measured, double error,
                  const Inside& inside = {}, const char* measureKey = nullptr)
{
    w.beginObject(key);
    w.significant("predicted", predicted);
    w.significant("measured", measured);
    if (std::isfinite(predicted))
        w.significant("relative_error", error);
    else
        w.null("relative_error");
    if (inside.point) {
        if (const std::optional<bool> in = inside.of(measureKey))
            w.value("inside_ci95", *in);
        else
            w.null("inside_ci95");
    }
    w.endObject();
}

void writeTheory(JsonWriter& w, const TheoryComparison& t, const Inside& inside = {})
{
    const TheoryPrediction& p = t.prediction;
    w.beginObject("theory");
    w.value("applies", p.applies);
    if (p.applies) {
        const QueueMetrics& m = p.metrics;
        w.value("model", QString::fromStdString(p.model));
        w.value("stability", QString::fromStdString(stabilityText(m)));
        w.significant("lambda_per_s", m.lambda);
        w.significant("mu_per_s", m.mu);
        w.value("servers", m.servers);
        w.value("limit", m.limit);
        w.significant("rho", m.rho);
        w.beginObject("measures");
        writeMeasure(w, "prob_wait", m.probWait, t.measuredProbWait,
                     relativeDifference(t.measuredProbWait, m.probWait), inside, "wait.prob");
        writeMeasure(w, "mean_wait_s", m.meanWait, t.measuredMeanWait, t.meanWaitError, inside, "wait.mean");
        writeMeasure(w, "mean_response_s", m.meanResponse, t.measuredMeanResponse, t.meanResponseError,
                     inside, "total.mean");
        writeMeasure(w, "utilization", m.utilization, t.measuredUtilization, t.utilizationError, inside,
                     "utilization");
        writeMeasure(w, "blocking", m.blocking, t.measuredBlocking, t.blockingError, inside, "loss");
        writeMeasure(w, "throughput_per_s", m.throughput, t.measuredThroughput,
                     relativeDifference(t.measuredThroughput, m.throughput), inside, "throughput");
        w.endObject();
    } else {
        w.value("reason", QString::fromStdString(p.reason));
    }
    // Little's law needs no model: it holds for any system that empties, so it is
    // reported whenever the run knows its time-average L.
    if (t.hasLittle) {
        const LittleCheck& l = t.little;
        w.beginObject("little");
        w.significant("mean_in_system", l.meanInSystem);
        w.significant("arrival_rate_per_s", l.arrivalRate);
        w.significant("mean_response_s", l.meanResponse);
        w.significant("lambda_w", l.lambdaW);
        w.significant("relative_error", l.relativeError);
        w.endObject();
    } else {
        w.null("little");
    }
    w.endObject();
}
// ---- experiments (issue #15)

template <typename Get> Estimate over(const std::vector<RunSummary>& runs, Get get)
{
    std::vector<double> values;
    values.reserve(runs.size());
    for (const RunSummary& r : runs)
        values.push_back(get(r));
    return estimate(values);
}

// null when some replication observed nothing (Estimate::known)
void writeInterval(JsonWriter& w, const char* key, const Estimate& e)
{
    if (e.known() && std::isfinite(e.ci95.low) && std::isfinite(e.ci95.high))
        w.interval(key, e.ci95.low, e.ci95.high);
    else
        w.null(key);
}

// "ci95": the shape of the usual keys it covers, each value [low, high]; null for a
// figure some replication did not observe (PointObserved), as for the measures.
void writeIntervals(JsonWriter& w, const ExperimentPoint& p)
{
    const std::vector<RunSummary>& runs = p.runs;
    const int all = static_cast<int>(runs.size());
    const auto interval = [&](const char* key, int observed, auto get) {
        if (observed < all)
            w.null(key);
        else
            writeInterval(w, key, over(runs, get));
    };
    const PointObserved& seen = p.observed;
    w.beginObject("ci95");
    interval("elapsed_s", all, [](const RunSummary& r) { return r.elapsedS; });
    interval("throughput_per_s", seen.window, [](const RunSummary& r) { return r.throughputPerS; });
    interval("utilization", seen.window, [](const RunSummary& r) { return r.utilization; });
    interval("loss_fraction", seen.arrivals, [](const RunSummary& r) { return r.lossFraction; });
    interval("prob_wait", seen.arrivals, [](const RunSummary& r) { return r.probWait; });
    w.beginObject("latency_ms");
    const std::tuple<const char*, LatencyStats RunSummary::*, int> kinds[] = {
        {"wait", &RunSummary::wait, seen.wait},
        {"service", &RunSummary::service, seen.service},
        {"total", &RunSummary::total, seen.total},
        {"throttle", &RunSummary::throttle, seen.throttle}};
    static constexpr std::pair<const char*, double LatencyStats::*> stats[] = {
        {"mean", &LatencyStats::mean}, {"min", &LatencyStats::min}, {"p50", &LatencyStats::p50},
        {"p90", &LatencyStats::p90},   {"p95", &LatencyStats::p95}, {"p99", &LatencyStats::p99},
        {"p999", &LatencyStats::p999}, {"max", &LatencyStats::max}};
    for (const auto& [kind, member, observed] : kinds) {
        w.beginObject(kind);
        for (const auto& [stat, field] : stats)
            interval(stat, observed, [m = member, f = field](const RunSummary& r) { return (r.*m).*f; });
        w.endObject();
    }
    w.endObject();
    w.endObject();
}

// "observed": how many replications each mean of the usual keys is over, in their shape
// (a latency with no job after the warm-up, a rate over an empty window: not observed).
void writeObserved(JsonWriter& w, const PointObserved& seen)
{
    w.beginObject("observed");
    w.value("throughput_per_s", seen.window);
    w.value("utilization", seen.window);
    w.value("loss_fraction", seen.arrivals);
    w.value("prob_wait", seen.arrivals);
    w.beginObject("latency_ms");
    w.value("wait", seen.wait);
    w.value("service", seen.service);
    w.value("total", seen.total);
    w.value("throttle", seen.throttle);
    w.value("total_uncorrected", seen.totalUncorrected);
    w.endObject();
    w.endObject();
}

// The theory object with the replications' means as "measured".
TheoryComparison comparisonOf(const ExperimentPoint& p)
{
    TheoryComparison t;
    t.prediction = p.theory;
    const QueueMetrics& m = p.theory.metrics;
    const RunSummary& r = p.mean;
    t.measuredProbWait = r.probWait;
    t.measuredMeanWait = r.wait.mean / 1000;
    t.measuredMeanResponse = r.total.mean / 1000;
    t.measuredUtilization = r.utilization;
    t.measuredBlocking = r.lossFraction;
    t.measuredThroughput = r.throughputPerS;
    t.meanWaitError = relativeDifference(t.measuredMeanWait, m.meanWait);
    t.meanResponseError = relativeDifference(t.measuredMeanResponse, m.meanResponse);
    t.utilizationError = relativeDifference(t.measuredUtilization, m.utilization);
    t.blockingError = relativeDifference(t.measuredBlocking, m.blocking);
    return t;
}

// One object per point: its value and every experiment measure's mean, interval and
// (where the formulas give one) theory value.
void writeSweep(JsonWriter& w, const ExperimentResult& result, const Sweep& sweep)
{
    w.value("sweep_field", sweep.field->key);
    w.beginArray("sweep");
    const auto measures = experimentMeasures();
    for (const ExperimentPoint& p : result.points) {
        w.beginObject();
        w.significant("value", p.value, 15);
        w.beginObject("measures");
        for (std::size_t i = 0; i < measures.size(); ++i) {
            w.beginObject(measures[i].key);
            w.value("mean", p.estimates[i].mean);
            writeInterval(w, "ci95", p.estimates[i]);
            w.value("observed", p.estimates[i].observed);
            if (p.theory.applies && measures[i].predicted) {
                if (const auto v = measures[i].predicted(p.theory.metrics))
                    w.value("theory", *v);
            }
            w.endObject();
        }
        w.endObject();
        w.endObject();
    }
    w.endArray();
}

void writeTarget(JsonWriter& w, const ExperimentSpec& spec, const ExperimentResult& result)
{
    const Target& t = *spec.target;
    w.beginObject("target");
    w.value("measure", t.measure->key);
    w.value("op", t.below ? "<" : ">");
    w.value("limit", t.limit);
    w.value("unit", t.measure->unit);
    w.endObject();
    if (!result.answer) {
        w.null("answer");
        return;
    }
    const ExperimentPoint& p = result.points[*result.answer];
    const auto index = static_cast<std::size_t>(t.measure - experimentMeasures().data());
    w.beginObject("answer");
    w.value("field", spec.sweep->field->key);
    w.significant("value", p.value, 15);
    w.value("measure", t.measure->key);
    w.value("mean", p.estimates[index].mean);
    writeInterval(w, "ci95", p.estimates[index]);
    w.endObject();
}
} // namespace

QByteArray experimentSummaryToJson(const ExperimentSpec& spec, const ExperimentResult& result,
                                   const QString& scenarioName)
{
    JsonWriter w;
    w.beginObject();
    const ExperimentPoint* headline =
        result.points.empty() ? nullptr : &result.points[result.answer.value_or(0)];
    if (headline) {
        writeSummaryKeys(w, headline->mean);
        w.value("loss_fraction", headline->mean.lossFraction);
        w.value("prob_wait", headline->mean.probWait);
    } else {
        w.value("format", "poollab-summary/1");
        w.value("time_mode", "virtual");
    }
    w.value("replications", std::clamp(spec.replications, 1, kMaxReplications));
    w.value("warmup_s", toSeconds(spec.warmup));
    w.value("first_seed", static_cast<std::uint64_t>(spec.scenario.seed));
    if (result.cancelled)
        w.value("cancelled", true);
    if (headline) {
        writeIntervals(w, *headline);
        writeObserved(w, headline->observed);
    }
    w.value("scenario", scenarioName);
    if (headline)
        writeTheory(w, comparisonOf(*headline), Inside{headline});
    if (spec.sweep)
        writeSweep(w, result, *spec.sweep);
    if (spec.target && spec.sweep)
        writeTarget(w, spec, result);
    w.endObject();
    return w.finish();
}

QByteArray summaryJsonWithRunId(const QByteArray& summaryJson, std::int64_t runId)
{
    // summaryToJson() closes its object with "\n}\n" and indents top-level keys by two.
    const qsizetype end = summaryJson.lastIndexOf("\n}");
    if (end < 0)
        return summaryJson;
    return summaryJson.left(end) + ",\n  \"run_id\": " + QByteArray::number(static_cast<qint64>(runId)) +
           summaryJson.mid(end);
}

double relativeDifference(double measured, double predicted)
{
    return predicted != 0 ? (measured - predicted) / predicted : 0.0;
}

QByteArray summaryToJson(const RunSummary& r)
{
    JsonWriter w;
    w.beginObject();
    writeSummaryKeys(w, r);
    w.endObject();
    return w.finish();
}

QByteArray summaryToJson(const RunSummary& r, const QString& scenarioName, const TheoryComparison& theory)
{
    JsonWriter w;
    w.beginObject();
    writeSummaryKeys(w, r);
    if (r.warmupS > 0) // --warmup on a single run
        w.value("warmup_s", r.warmupS);
    w.value("scenario", scenarioName);
    writeTheory(w, theory);
    w.endObject();
    return w.finish();
}

} // namespace poollab
