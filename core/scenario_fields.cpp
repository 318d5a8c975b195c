// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/scenario_fields.h"

#include "core/pool.h"
#include "core/workload.h"

namespace poollab {

namespace {

constexpr double kHour = 3600.0 * kSecond;
constexpr double kDay = 24 * kHour;
// JSON numbers are doubles: larger integers would not read back exactly.
constexpr double kMaxExactInteger = 9007199254740991.0; // 2^53 - 1

// Choice words, indexed by the enum's value, and the window's words for them.
constexpr const char* kOverflowWords[] = {"block", "reject", "drop-oldest"};
constexpr const char* kOverflowLabels[] = {"Block (backpressure)", "Reject new job", "Drop oldest job"};
constexpr const char* kJobKindWords[] = {"sleep", "cpu"};
constexpr const char* kJobKindLabels[] = {"Sleep (I/O-like)", "CPU (burns a core)"};
constexpr const char* kArrivalWords[] = {"burst", "constant", "poisson", "ramp", "spike", "closed"};
constexpr const char* kArrivalLabels[] = {
    "Burst (all at once)", "Constant rate", "Poisson (random)", "Ramp", "Spike", "Closed (K clients)"};
constexpr const char* kJitterWords[] = {"none", "full", "equal", "decorrelated"};
constexpr const char* kJitterLabels[] = {"None", "Full", "Equal", "Decorrelated"};
constexpr const char* kTimeModeWords[] = {"real", "virtual"};
constexpr const char* kTimeModeLabels[] = {"Real threads", "Virtual (simulated)"};

constexpr ArrivalMask kOpen = arrivalBit(ArrivalKind::Constant) | arrivalBit(ArrivalKind::Poisson) |
                              arrivalBit(ArrivalKind::Ramp) | arrivalBit(ArrivalKind::Spike);
constexpr ArrivalMask kRamp = arrivalBit(ArrivalKind::Ramp);
constexpr ArrivalMask kSpike = arrivalBit(ArrivalKind::Spike);
constexpr ArrivalMask kClosed = arrivalBit(ArrivalKind::Closed);

template <typename E, std::size_t N> FieldValue word(const char* const (&words)[N], E value)
{
    const auto i = static_cast<std::size_t>(value);
    return std::string(i < N ? words[i] : "");
}

template <typename E, std::size_t N> E fromWord(const char* const (&words)[N], const FieldValue& v)
{
    const std::string& s = std::get<std::string>(v);
    for (std::size_t i = 0; i < N; ++i) {
        if (s == words[i])
            return static_cast<E>(i);
    }
    return E{};
}

std::int64_t asInt(const FieldValue& v)
{
    return std::get<std::int64_t>(v);
}

// Accessor pairs for a member of each kind, as capture-less lambdas.
#define POOLLAB_INT(member, T)                                                                               \
    [](const Scenario& s) { return FieldValue(static_cast<std::int64_t>(s.member)); },                       \
        [](Scenario& s, const FieldValue& v) { s.member = static_cast<T>(asInt(v)); }
#define POOLLAB_NUMBER(member)                                                                               \
    [](const Scenario& s) { return FieldValue(s.member); },                                                  \
        [](Scenario& s, const FieldValue& v) { s.member = std::get<double>(v); }
#define POOLLAB_STRING(member)                                                                               \
    [](const Scenario& s) { return FieldValue(s.member); },                                                  \
        [](Scenario& s, const FieldValue& v) { s.member = std::get<std::string>(v); }
#define POOLLAB_CHOICE(member, words, E)                                                                     \
    [](const Scenario& s) { return word(words, s.member); },                                                 \
        [](Scenario& s, const FieldValue& v) { s.member = fromWord<E>(words, v); }

// One field per entry, laid out as a table.
// clang-format off
const ScenarioField kFields[] = {
    {"name", "Scenario", "Name", FieldType::Text, 0, 200, {}, {}, "", "",
     "A short title for the scenario.", "",
     kAllArrivals, AffectsNothing, POOLLAB_STRING(name)},
    {"description", "Scenario", "Description", FieldType::Text, 0, 4000, {}, {}, "", "",
     "What the scenario shows and what to watch.", "",
     kAllArrivals, AffectsNothing, POOLLAB_STRING(description)},

    {"workers", "Workers & queue", "Workers", FieldType::Integer, 1, Scenario::kMaxVirtualWorkers, {}, {}, "", "",
     "Worker count: how many jobs run at once (real threads: up to 4096; virtual time: up to 100000).",
     "Workers taking jobs from the queue. More workers raise throughput until something else (cores, a "
     "rate limit) is the bottleneck. Growing is instant; shrinking lets each retiring worker finish its job.",
     kAllArrivals, AffectsPool, POOLLAB_INT(workers, int)},
    {"queue_capacity", "Workers & queue", "Queue capacity", FieldType::Integer, 0, PoolConfig::kMaxQueueCapacity,
     {}, {}, "jobs", "",
     "Queue capacity; 0 is a direct hand-off (an unbuffered channel).",
     "How many accepted jobs may wait for a worker. A big queue absorbs bursts but turns overload into "
     "long waits; 0 is a direct hand-off. Shrinking below the current depth drops nothing.",
     kAllArrivals, AffectsPool, POOLLAB_INT(queueCapacity, int)},
    {"overflow", "Workers & queue", "When full", FieldType::Choice, 0, 0, kOverflowWords, kOverflowLabels, "", "",
     "What a full queue does to a new job: block (the producer waits), reject (refused and counted), "
     "drop-oldest (the oldest queued job is dropped).",
     "What a full queue does to a new job. Block: the producer waits, so load slows to what the pool can "
     "take. Reject: the new job is refused and counted. Drop oldest: the job that waited longest is thrown "
     "away to make room, which keeps latency fresh.",
     kAllArrivals, AffectsPool, POOLLAB_CHOICE(overflow, kOverflowWords, OverflowPolicy)},

    {"job_kind", "Job", "Job kind", FieldType::Choice, 0, 0, kJobKindWords, kJobKindLabels, "", "",
     "sleep (waits, like I/O) or cpu (burns a core for the service time).",
     "Sleep: a job waits out its service time, as one blocked on I/O does, so many workers overlap well. "
     "CPU: a job burns a core, so workers beyond the number of cores only add contention.",
     kAllArrivals, AffectsWorkload, POOLLAB_CHOICE(jobKind, kJobKindWords, JobKind)},
    {"latency", "Job", "Service time", FieldType::Latency, 1, 200, {}, {}, "", "",
     "Service time of a job: a duration (500ms) or a distribution such as exp(50ms).",
     "The distribution of service times. Variability alone makes queues: at the same mean, exponential "
     "or bimodal service waits far longer than constant service. Bimodal models a rare slow path (a cache "
     "miss, a GC pause) that stalls the workers behind it.",
     kAllArrivals, AffectsWorkload, POOLLAB_STRING(latency)},

    {"arrival", "Arrivals", "Arrivals", FieldType::Choice, 0, 0, kArrivalWords, kArrivalLabels, "", "",
     "How jobs arrive: burst (all at once), constant or poisson at `rate`, ramp from `rate` to "
     "`rate_end`, spike (`spike_rate` for a while), closed (`clients` each with one job at a time).",
     "How jobs arrive. Burst: all of them at t=0. Constant: evenly spaced. Poisson: random gaps with the "
     "given mean rate, as independent users make. Ramp: the rate moves linearly from start to end. Spike: "
     "a base rate with a short high-rate window. Closed: K clients each wait for their job, think, then "
     "send the next; load falls as latency grows.",
     kAllArrivals, AffectsArrivals, POOLLAB_CHOICE(arrival, kArrivalWords, ArrivalKind)},
    {"rate", "Arrivals", "Rate", FieldType::Number, 0, kMaxRate, {}, {}, "jobs/s", "",
     "Arrival rate: constant and poisson; the start of a ramp; the base of a spike.",
     "Mean arrival rate \u03bb (the start rate of a ramp, the base rate of a spike). When \u03bb exceeds "
     "what the workers can finish, the queue grows.",
     kOpen, AffectsArrivals, POOLLAB_NUMBER(rate)},
    {"rate_end", "Arrivals", "End rate", FieldType::Number, 0, kMaxRate, {}, {}, "jobs/s", "",
     "Ramp: the rate reached at the end of ramp_duration.", "",
     kRamp, AffectsArrivals, POOLLAB_NUMBER(rateEnd)},
    {"ramp_duration", "Arrivals", "Ramp time", FieldType::Duration, 0, kDay, {}, {}, "", "",
     "Ramp: how long the ramp takes.",
     "Ramp: how long the rate takes to go from start to end, e.g. 10s.",
     kRamp, AffectsArrivals, POOLLAB_INT(rampDuration, Nanos)},
    {"spike_rate", "Arrivals", "Spike rate", FieldType::Number, 0, kMaxRate, {}, {}, "jobs/s", "",
     "Spike: the rate inside the spike window.", "",
     kSpike, AffectsArrivals, POOLLAB_NUMBER(spikeRate)},
    {"spike_start", "Arrivals", "Spike at", FieldType::Duration, 0, kDay, {}, {}, "", "",
     "Spike: when the spike begins.",
     "Spike: when the spike starts, from the start of the run.",
     kSpike, AffectsArrivals, POOLLAB_INT(spikeStart, Nanos)},
    {"spike_duration", "Arrivals", "Spike length", FieldType::Duration, 0, kDay, {}, {}, "", "",
     "Spike: how long it lasts.", "",
     kSpike, AffectsArrivals, POOLLAB_INT(spikeDuration, Nanos)},
    {"clients", "Arrivals", "Clients", FieldType::Integer, 1, 100'000, {}, {}, "", "",
     "Closed model: clients, each with one job in the system at a time.",
     "Closed model: the number of clients. Each has at most one job in the system, so the queue can "
     "never hold more than K.",
     kClosed, AffectsArrivals, POOLLAB_INT(clients, int)},
    {"think_time", "Arrivals", "Think time", FieldType::Duration, 0, kHour, {}, {}, "", "",
     "Closed model: a client's pause between its jobs.",
     "Closed model: the pause between a client's job finishing and its next one.",
     kClosed, AffectsArrivals, POOLLAB_INT(thinkTime, Nanos)},

    {"jobs", "Run length", "Jobs", FieldType::Integer, 0, 1'000'000'000, {}, {}, "", "no limit",
     "Jobs to submit; 0 = no limit (then duration must be set).",
     "The run ends after this many submissions (0 = no limit; then the duration ends it).",
     kAllArrivals, AffectsArrivals, POOLLAB_INT(jobs, std::uint64_t)},
    {"duration", "Run length", "Duration", FieldType::Duration, 0, kDay, {}, {}, "", "",
     "How long to submit jobs; 0 = no limit (then jobs must be set).",
     "The run stops producing after this long (0 = no limit; then the job count ends it), e.g. 2m.",
     kAllArrivals, AffectsArrivals, POOLLAB_INT(duration, Nanos)},

    {"failure_rate", "Failures & retries", "Failure rate", FieldType::Number, 0, 1, {}, {}, "", "",
     "Probability that an attempt fails.",
     "The chance that an attempt fails (0.1 = 10 %). Failed attempts still occupy a worker; retries add "
     "load on top of the arrivals, which is how retry storms start.",
     kAllArrivals, AffectsWorkload, POOLLAB_NUMBER(failureRate)},
    {"timeout", "Failures & retries", "Timeout", FieldType::Duration, 0, kHour, {}, {}, "", "",
     "Per-attempt timeout; 0 = none.",
     "Per attempt: an attempt running longer is cut off and counts as failed (0 = none). A timeout "
     "shorter than the slow path turns slow jobs into retries.",
     kAllArrivals, AffectsWorkload, POOLLAB_INT(timeout, Nanos)},
    {"max_attempts", "Failures & retries", "Max attempts", FieldType::Integer, 1, WorkloadPolicy::kMaxAttempts,
     {}, {}, "", "",
     "Attempts per job, the first included; 1 = no retries.", "",
     kAllArrivals, AffectsWorkload, POOLLAB_INT(maxAttempts, int)},
    {"backoff_base", "Failures & retries", "Backoff base", FieldType::Duration, 0, kHour, {}, {}, "", "",
     "Retry delay before the first retry; it doubles per retry up to backoff_cap.",
     "The delay before the first retry; it doubles with each further attempt, up to the cap. A retry "
     "waiting out its backoff holds no worker.",
     kAllArrivals, AffectsWorkload, POOLLAB_INT(backoffBase, Nanos)},
    {"backoff_cap", "Failures & retries", "Backoff cap", FieldType::Duration, 0, kHour, {}, {}, "", "",
     "Longest retry delay.", "",
     kAllArrivals, AffectsWorkload, POOLLAB_INT(backoffCap, Nanos)},
    {"jitter", "Failures & retries", "Jitter", FieldType::Choice, 0, 0, kJitterWords, kJitterLabels, "", "",
     "Randomness added to retry delays: none, full, equal, decorrelated.",
     "Randomises backoff delays so that jobs that failed together do not retry together. None: retries "
     "arrive in synchronized waves. Full: uniform in 0..delay. Equal: half fixed, half random. "
     "Decorrelated: random, growing from the last delay.",
     kAllArrivals, AffectsWorkload, POOLLAB_CHOICE(jitter, kJitterWords, Jitter)},

    {"rate_limit", "Rate limit", "Rate limit", FieldType::Number, 0, kMaxRate, {}, {}, "starts/s", "off",
     "Token bucket on job starts; 0 = off.",
     "A token bucket on job starts (0 = off). Workers holding a job wait for a token (amber in the worker "
     "view), so throughput caps at this rate however many workers there are.",
     kAllArrivals, AffectsRateLimit, POOLLAB_NUMBER(rateLimit)},
    {"burst", "Rate limit", "Burst", FieldType::Integer, 1, 1'000'000, {}, {}, "tokens", "",
     "Token bucket size: starts allowed back to back.",
     "The bucket size: how many starts may go at once after a quiet spell.",
     kAllArrivals, AffectsRateLimit, POOLLAB_INT(burst, int)},

    {"seed", "Run", "Seed", FieldType::Integer, 0, kMaxExactInteger, {}, {}, "", "",
     "Random seed: the same seed gives the same jobs.", "",
     kAllArrivals, AffectsWorkload, POOLLAB_INT(seed, std::uint64_t)},
    {"time_mode", "Run", "Time", FieldType::Choice, 0, 0, kTimeModeWords, kTimeModeLabels, "", "",
     "real (threads, wall clock) or virtual (simulated time, as fast as possible).",
     "Real: real threads really sleep or burn CPU; what you see is what this machine does. Virtual: a "
     "simulation of the same pool in simulated time, so an hour-long run or 100,000 workers take seconds. "
     "Takes effect at the next Start.",
     kAllArrivals, AffectsNothing, POOLLAB_CHOICE(timeMode, kTimeModeWords, TimeMode)},
    {"sample_interval", "Run", "Sample interval", FieldType::Duration, 10 * kMilli, kHour, {}, {}, "", "",
     "How often the metrics are sampled (one chart point / CSV row).", "",
     kAllArrivals, AffectsSampling, POOLLAB_INT(sampleInterval, Nanos)},
};
// clang-format on

#undef POOLLAB_INT
#undef POOLLAB_NUMBER
#undef POOLLAB_STRING
#undef POOLLAB_CHOICE

} // namespace

std::span<const ScenarioField> scenarioFields()
{
    return kFields;
}

const ScenarioField* findScenarioField(std::string_view key)
{
    for (const ScenarioField& f : kFields) {
        if (key == f.key)
            return &f;
    }
    return nullptr;
}

FieldValue defaultFieldValue(const ScenarioField& field)
{
    return field.get(Scenario{});
}

double minimumAboveZero(const ScenarioField& field)
{
    return field.type == FieldType::Number && std::string_view(field.unit).ends_with("/s") ? kMinRate : 0.0;
}

ScenarioDiff diff(const Scenario& before, const Scenario& after)
{
    ScenarioDiff d;
    for (const ScenarioField& f : kFields) {
        if (f.get(before) != f.get(after)) {
            d.fields.push_back(&f);
            d.affects |= f.affects;
        }
    }
    return d;
}

} // namespace poollab
