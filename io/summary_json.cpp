// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/summary_json.h"

#include "io/json_writer.h"

#include <cmath>

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
void writeMeasure(JsonWriter& w, const char* key, double predicted, double measured, double error)
{
    w.beginObject(key);
    w.significant("predicted", predicted);
    w.significant("measured", measured);
    if (std::isfinite(predicted))
        w.significant("relative_error", error);
    else
        w.null("relative_error");
    w.endObject();
}

void writeTheory(JsonWriter& w, const TheoryComparison& t)
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
                     relativeDifference(t.measuredProbWait, m.probWait));
        writeMeasure(w, "mean_wait_s", m.meanWait, t.measuredMeanWait, t.meanWaitError);
        writeMeasure(w, "mean_response_s", m.meanResponse, t.measuredMeanResponse, t.meanResponseError);
        writeMeasure(w, "utilization", m.utilization, t.measuredUtilization, t.utilizationError);
        writeMeasure(w, "blocking", m.blocking, t.measuredBlocking, t.blockingError);
        writeMeasure(w, "throughput_per_s", m.throughput, t.measuredThroughput,
                     relativeDifference(t.measuredThroughput, m.throughput));
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
} // namespace

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
    w.value("scenario", scenarioName);
    writeTheory(w, theory);
    w.endObject();
    return w.finish();
}

} // namespace poollab
