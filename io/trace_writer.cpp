// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/trace_writer.h"

#include "io/atomic_file.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace poollab {

namespace {

// ns as µs with three decimals: exact, so that durations add up to the nanosecond.
QByteArray micros(Nanos ns)
{
    const bool negative = ns < 0;
    const auto abs = static_cast<unsigned long long>(negative ? -ns : ns);
    return QByteArray(negative ? "-" : "") + QByteArray::number(abs / 1000) + '.' +
           QByteArray::number(abs % 1000).rightJustified(3, '0');
}

QByteArray jsonString(const QString& text)
{
    QByteArray out = "\"";
    for (const char c : text.toUtf8()) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            out += "\\u00" + QByteArray::number(static_cast<unsigned char>(c), 16).rightJustified(2, '0');
        } else {
            out += c;
        }
    }
    return out + '"';
}

// Batches lines into pieces of ~1 MB for the sink.
class Lines
{
public:
    explicit Lines(const std::function<void(const QByteArray&)>& sink) : m_sink(sink) {}
    void add(const QByteArray& line)
    {
        m_buffer += m_first ? "\n" : ",\n";
        m_first = false;
        m_buffer += line;
        if (m_buffer.size() > (1 << 20))
            flush();
    }
    void raw(const QByteArray& text) { m_buffer += text; }
    void flush()
    {
        if (!m_buffer.isEmpty())
            m_sink(m_buffer);
        m_buffer.clear();
    }

private:
    const std::function<void(const QByteArray&)>& m_sink;
    QByteArray m_buffer;
    bool m_first = true;
};

void writeMetadata(Lines& lines, const std::vector<AttemptEvent>& events, const TraceInfo& info)
{
    int lanes = info.workers;
    for (const AttemptEvent& e : events)
        lanes = std::max(lanes, e.worker + 1);
    const QString process = QStringLiteral("PoolLab — ") + info.scenarioName;
    lines.add(R"({"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":)" + jsonString(process) +
              "}}");
    for (int w = 0; w < lanes; ++w) {
        const QByteArray tid = QByteArray::number(w + 1);
        lines.add(R"({"name":"thread_name","ph":"M","pid":1,"tid":)" + tid + R"(,"args":{"name":"worker )" +
                  QByteArray::number(w) + "\"}}");
        lines.add(R"({"name":"thread_sort_index","ph":"M","pid":1,"tid":)" + tid +
                  R"(,"args":{"sort_index":)" + tid + "}}");
    }
}

QByteArray slice(const QByteArray& name, const char* cat, const AttemptEvent& e, Nanos from, Nanos to,
                 const QByteArray& args)
{
    return R"({"name":")" + name + R"(","cat":")" + cat + R"(","ph":"X","pid":1,"tid":)" +
           QByteArray::number(e.worker + 1) + ",\"ts\":" + micros(from) + ",\"dur\":" + micros(to - from) +
           ",\"args\":" + args + "}";
}

void asyncPair(Lines& lines, const char* name, const char* cat, const AttemptEvent& e, Nanos from, Nanos to)
{
    const QByteArray common = R"({"name":")" + QByteArray(name) + R"(","cat":")" + cat +
                              R"(","pid":1,"tid":)" + QByteArray::number(e.worker + 1) +
                              ",\"id\":" + QByteArray::number(e.jobId);
    lines.add(common + R"(,"ph":"b","ts":)" + micros(from) + R"(,"args":{"attempt":)" +
              QByteArray::number(e.attempt) + "}}");
    lines.add(common + R"(,"ph":"e","ts":)" + micros(to) + "}");
}

// Per worker in time order; an attempt that would start before the lane's previous
// one ended (the engines never make one) is moved after it, so no slices overlap.
// Sorts pointers, not a copy of the events (a tenth of the memory at a large --trace-limit).
void writeAttempts(Lines& lines, const std::vector<AttemptEvent>& events)
{
    std::vector<const AttemptEvent*> byLane;
    byLane.reserve(events.size());
    for (const AttemptEvent& e : events)
        byLane.push_back(&e);
    std::stable_sort(byLane.begin(), byLane.end(), [](const AttemptEvent* a, const AttemptEvent* b) {
        return a->worker != b->worker ? a->worker < b->worker : a->taken < b->taken;
    });
    int lane = -1;
    Nanos laneEnd = 0;
    for (const AttemptEvent* event : byLane) {
        const AttemptEvent& e = *event;
        if (e.worker != lane) {
            lane = e.worker;
            laneEnd = std::numeric_limits<Nanos>::min();
        }
        const Nanos taken = std::max(e.taken, laneEnd);
        const Nanos started = std::max(e.started, taken);
        const Nanos ended = std::max(e.ended, started);
        laneEnd = ended;
        const QByteArray args =
            "{\"id\":" + QByteArray::number(e.jobId) + ",\"attempt\":" + QByteArray::number(e.attempt);
        if (started > taken)
            lines.add(slice("token wait", "throttle", e, taken, started, args + "}"));
        lines.add(slice(QByteArray("job ") + QByteArray::number(e.jobId), "service", e, started, ended,
                        args + R"(,"outcome":")" + toString(e.end) + "\"}"));
        if (e.attempt == 1 &&
            producerHeldBack(e.planned, e.enqueued)) // not a real producer's usual wake-up lateness
            asyncPair(lines, "held back", "backpressure", e, e.planned, e.enqueued);
        if (e.taken > e.enqueued) // a job taken as it came has no wait to show
            asyncPair(lines, "queue wait", "queue", e, e.enqueued, e.taken);
    }
}

struct Step
{
    Nanos at;
    int counter; // 0 queue depth, 1 busy workers, 2 in flight
    int delta;
};

// The counters as the events add up: each changes only at the events' instants.
void writeCounters(Lines& lines, const std::vector<AttemptEvent>& events)
{
    std::vector<Step> steps;
    steps.reserve(events.size() * 6);
    // A job is in flight from its first take to the end of its last attempt: one that
    // succeeded, failed, was cancelled, or timed out with no attempt after it. A job
    // whose first attempt is not in the log (a ring that wrapped) is left out; one whose
    // last attempt here is a retry is still backing off.
    std::unordered_map<std::uint64_t, std::uint32_t> lastAttempt;
    for (const AttemptEvent& e : events) {
        std::uint32_t& last = lastAttempt[e.jobId];
        last = std::max(last, e.attempt);
    }
    std::unordered_set<std::uint64_t> firstSeen;
    for (const AttemptEvent& e : events)
        if (e.attempt == 1)
            firstSeen.insert(e.jobId);
    for (const AttemptEvent& e : events) {
        steps.push_back({e.enqueued, 0, +1});
        steps.push_back({e.taken, 0, -1});
        steps.push_back({e.started, 1, +1});
        steps.push_back({e.ended, 1, -1});
        if (!firstSeen.count(e.jobId))
            continue;
        if (e.attempt == 1)
            steps.push_back({e.taken, 2, +1});
        const bool jobEnds =
            e.end == AttemptEnd::TimedOut ? lastAttempt[e.jobId] == e.attempt : e.end != AttemptEnd::Retrying;
        if (jobEnds)
            steps.push_back({e.ended, 2, -1});
    }
    std::stable_sort(steps.begin(), steps.end(), [](const Step& a, const Step& b) { return a.at < b.at; });
    static const char* const kNames[] = {"queue depth", "busy workers", "in flight"};
    static const char* const kArgs[] = {"jobs", "workers", "jobs"};
    long long value[3] = {0, 0, 0};
    long long written[3] = {-1, -1, -1};
    for (std::size_t i = 0; i < steps.size();) {
        const Nanos at = steps[i].at;
        for (; i < steps.size() && steps[i].at == at; ++i)
            value[steps[i].counter] += steps[i].delta;
        for (int c = 0; c < 3; ++c) {
            if (value[c] == written[c])
                continue;
            written[c] = value[c];
            lines.add(R"({"name":")" + QByteArray(kNames[c]) + R"(","ph":"C","pid":1,"ts":)" + micros(at) +
                      R"(,"args":{")" + kArgs[c] + "\":" + QByteArray::number(value[c]) + "}}");
        }
    }
}

} // namespace

void writeTrace(const std::vector<AttemptEvent>& events, const TraceInfo& info,
                const std::function<void(const QByteArray&)>& sink)
{
    Lines lines(sink);
    lines.raw("{\"traceEvents\":[");
    writeMetadata(lines, events, info);
    writeAttempts(lines, events);
    writeCounters(lines, events);
    // A live run's events are copied after its last snapshot: the run lasts at least
    // until the last one ended, on at least the workers they name.
    Nanos elapsed = info.runNs;
    int workers = info.workers;
    for (const AttemptEvent& e : events) {
        elapsed = std::max(elapsed, e.ended);
        workers = std::max(workers, e.worker + 1);
    }
    QByteArray other =
        "\"scenario\":" + jsonString(info.scenarioName) + ",\"workers\":" + QByteArray::number(workers) +
        ",\"elapsed_us\":" + micros(elapsed) +
        ",\"attempts\":" + QByteArray::number(static_cast<qulonglong>(events.size())) +
        ",\"attempts_left_out\":" + QByteArray::number(static_cast<qulonglong>(info.lostEvents)) +
        ",\"trace_limit_jobs\":" + QByteArray::number(static_cast<qulonglong>(info.jobLimit));
    if (info.lostEvents > 0)
        other +=
            ",\"counters_note\":\"the counters (queue depth, busy workers, in flight) add up the attempts "
            "in this trace only, not the ones left out\"";
    lines.raw("\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":{" + other + "}}\n");
    lines.flush();
}

QByteArray traceToJson(const std::vector<AttemptEvent>& events, const TraceInfo& info)
{
    QByteArray out;
    writeTrace(events, info, [&out](const QByteArray& piece) { out += piece; });
    return out;
}

bool writeTraceFile(const QString& path, const std::vector<AttemptEvent>& events, const TraceInfo& info,
                    QString* reason)
{
    StreamingFile file;
    if (!file.open(path, reason))
        return false;
    writeTrace(events, info, [&file](const QByteArray& piece) {
        file.write(piece);
        file.flush();
    });
    return file.commit(reason);
}

} // namespace poollab
