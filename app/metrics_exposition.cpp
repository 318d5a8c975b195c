// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/metrics_exposition.h"

#include <array>
#include <charconv>
#include <cmath>

namespace poollab {

namespace {

constexpr std::array<Nanos, 18> kLatencyBoundsNs = {
    100 * kMicro, 250 * kMicro,   500 * kMicro, 1 * kMilli,   2'500 * kMicro, 5 * kMilli,
    10 * kMilli,  25 * kMilli,    50 * kMilli,  100 * kMilli, 250 * kMilli,   500 * kMilli,
    1 * kSecond,  2'500 * kMilli, 5 * kSecond,  10 * kSecond, 30 * kSecond,   60 * kSecond,
};

QByteArray escape(QByteArrayView text, bool quote)
{
    QByteArray out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '"':
            out.append(quote ? QByteArrayView("\\\"") : QByteArrayView("\""));
            break;
        default:
            out.append(c);
        }
    }
    return out;
}

QByteArray toChars(double value, std::chars_format format)
{
    // Fixed notation of a large double needs ~310 digits; bounds and values here are small,
    // but the buffer covers every double.
    std::array<char, 400> buffer{};
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value, format);
    if (result.ec != std::errc())
        return formatMetricValue(value);
    return QByteArray(buffer.data(), result.ptr - buffer.data());
}

} // namespace

QByteArray escapeMetricHelp(QByteArrayView text)
{
    return escape(text, false);
}

QByteArray escapeLabelValue(QByteArrayView text)
{
    return escape(text, true);
}

QByteArray formatMetricValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    std::array<char, 32> buffer{}; // the shortest round-trip form is at most 24 characters
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    return QByteArray(buffer.data(), result.ptr - buffer.data());
}

QByteArray formatBucketBound(double value)
{
    if (std::isnan(value) || std::isinf(value))
        return formatMetricValue(value);
    return toChars(value, std::chars_format::fixed);
}

std::span<const Nanos> metricsLatencyBoundsNs()
{
    return kLatencyBoundsNs;
}

void MetricsTextWriter::family(QByteArrayView name, QByteArrayView type, QByteArrayView help)
{
    m_out.append("# HELP ").append(name).append(' ').append(escapeMetricHelp(help)).append('\n');
    m_out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
}

void MetricsTextWriter::sample(QByteArrayView name, QByteArrayView labels, QByteArrayView value)
{
    m_out.append(name);
    if (!labels.isEmpty())
        m_out.append('{').append(labels).append('}');
    m_out.append(' ').append(value).append('\n');
}

void MetricsTextWriter::sample(QByteArrayView name, QByteArrayView labels, std::uint64_t value)
{
    // Integers go out as integers: a double would round counters past 2^53.
    sample(name, labels, QByteArray::number(static_cast<qulonglong>(value)));
}

void MetricsTextWriter::sample(QByteArrayView name, QByteArrayView labels, std::int64_t value)
{
    sample(name, labels, QByteArray::number(static_cast<qlonglong>(value)));
}

void MetricsTextWriter::sample(QByteArrayView name, QByteArrayView labels, double value)
{
    sample(name, labels, formatMetricValue(value));
}

void MetricsTextWriter::histogramSeconds(QByteArrayView name, const Histogram& histogram)
{
    const QByteArray bucket = name.toByteArray() + "_bucket";
    for (const Nanos bound : kLatencyBoundsNs) {
        // Exact to the engine's bucket resolution: values in the engine bucket that
        // straddles the bound (at most 1/64 of it wide) count in the next bound up.
        sample(bucket, label("le", formatBucketBound(toSeconds(bound))), histogram.countAtOrBelow(bound));
    }
    // +Inf is the count itself, so _bucket{le="+Inf"} == _count as the format requires.
    sample(bucket, label("le", "+Inf"), histogram.count());
    sample(QByteArray(name.toByteArray() + "_sum"), {}, histogram.sum() / 1e9);
    sample(QByteArray(name.toByteArray() + "_count"), {}, histogram.count());
}

QByteArray MetricsTextWriter::label(QByteArrayView name, QByteArrayView value)
{
    return name.toByteArray() + "=\"" + escapeLabelValue(value) + '"';
}

QByteArray renderMetrics(const Snapshot& s, const MetricsRunInfo& info)
{
    using W = MetricsTextWriter;
    const Counters& c = s.counters;
    W w;
    w.reserve(8 * 1024);

    w.family("poollab_run_info", "gauge",
             "Always 1. Labels: scenario (the scenario's name) and time_mode (real or virtual).");
    w.sample("poollab_run_info",
             QByteArray(W::label("scenario", info.scenario.toUtf8()) + ',' +
                        W::label("time_mode", info.timeMode.toUtf8())),
             std::int64_t{1});
    w.family("poollab_run_seconds", "gauge", "Seconds since the run started; 0 before it starts.");
    w.sample("poollab_run_seconds", {}, toSeconds(s.runNs));

    w.family("poollab_workers", "gauge", "Target number of workers.");
    w.sample("poollab_workers", {}, std::int64_t{s.workers});
    w.family("poollab_busy_workers", "gauge", "Workers running a job.");
    w.sample("poollab_busy_workers", {}, std::int64_t{s.busyWorkers});
    w.family("poollab_throttled_workers", "gauge",
             "Workers holding a job while they wait for a rate-limit token.");
    w.sample("poollab_throttled_workers", {}, std::int64_t{s.throttledWorkers});
    w.family("poollab_queue_depth", "gauge", "Jobs waiting in the queue.");
    w.sample("poollab_queue_depth", {}, std::int64_t{s.queued});
    w.family("poollab_queue_capacity", "gauge", "Capacity of the queue; 0 is a direct hand-off.");
    w.sample("poollab_queue_capacity", {}, std::int64_t{s.queueCapacity});
    w.family("poollab_jobs_in_flight", "gauge",
             "Jobs taken from the queue and not finished: running, or backing off before a retry.");
    w.sample("poollab_jobs_in_flight", {}, std::int64_t{s.inFlight});

    w.family("poollab_jobs_submitted_total", "counter", "Jobs submitted to the pool, accepted or not.");
    w.sample("poollab_jobs_submitted_total", {}, c.submitted);
    // submitted == the sum over outcomes + queue_depth + jobs_in_flight in every scrape.
    w.family("poollab_job_outcomes_total", "counter", "Jobs that reached their final outcome, by outcome.");
    const std::pair<const char*, std::uint64_t> outcomes[] = {
        {"success", c.succeeded}, {"failure", c.failed},      {"rejected", c.rejected},
        {"dropped", c.dropped},   {"cancelled", c.cancelled},
    };
    for (const auto& [outcome, count] : outcomes)
        w.sample("poollab_job_outcomes_total", W::label("outcome", outcome), count);
    w.family("poollab_attempts_total", "counter", "Attempts started by workers, first tries and retries.");
    w.sample("poollab_attempts_total", {}, c.attempts);
    w.family("poollab_retries_total", "counter", "Failed attempts that were scheduled to be tried again.");
    w.sample("poollab_retries_total", {}, c.retries);
    w.family("poollab_attempt_timeouts_total", "counter", "Attempts cut off by their timeout.");
    w.sample("poollab_attempt_timeouts_total", {}, c.timedOut);
    w.family("poollab_throttled_starts_total", "counter",
             "Job starts that had to wait for a rate-limit token.");
    w.sample("poollab_throttled_starts_total", {}, c.throttled);
    w.family("poollab_arrivals_found_busy_total", "counter",
             "Accepted jobs that found no idle worker when they arrived (retries are not arrivals).");
    w.sample("poollab_arrivals_found_busy_total", {}, c.arrivedToBusy);
    w.family("poollab_worker_busy_seconds_total", "counter",
             "Worker-seconds spent on jobs since the run started.");
    w.sample("poollab_worker_busy_seconds_total", {}, toSeconds(s.busyNs));
    w.family("poollab_worker_available_seconds_total", "counter",
             "Worker-seconds available since the run started (the worker count integrated over time).");
    w.sample("poollab_worker_available_seconds_total", {}, toSeconds(s.workerNs));

    w.family("poollab_job_latency_seconds", "histogram",
             "Per job: from its planned arrival to its final outcome (success or failure).");
    w.histogramSeconds("poollab_job_latency_seconds", s.total);
    w.family("poollab_queue_wait_seconds", "histogram",
             "Per attempt: from arrival (or re-queueing for a retry) to a worker taking the job; "
             "a rate-limit token wait is not included.");
    w.histogramSeconds("poollab_queue_wait_seconds", s.wait);
    w.family("poollab_service_time_seconds", "histogram", "Per attempt: the time spent working.");
    w.histogramSeconds("poollab_service_time_seconds", s.service);
    w.family("poollab_throttle_wait_seconds", "histogram",
             "Per throttled start: the wait for a rate-limit token, after the queue wait.");
    w.histogramSeconds("poollab_throttle_wait_seconds", s.throttle);
    return w.take();
}

} // namespace poollab
