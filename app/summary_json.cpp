// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/summary_json.h"

#include "app/json_writer.h"

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
} // namespace

QByteArray summaryToJson(const RunSummary& r)
{
    JsonWriter w;
    w.beginObject();
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
    w.value("throughput_per_s", r.throughputPerS);
    w.value("utilization", r.utilization);
    w.beginObject("latency_ms");
    writeLatency(w, "wait", r.wait);
    writeLatency(w, "service", r.service);
    writeLatency(w, "total", r.total);
    writeLatency(w, "throttle", r.throttle);
    w.endObject();
    w.endObject();
    return w.finish();
}

} // namespace poollab
