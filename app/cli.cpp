// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"

#include "core/arrival.h"
#include "core/backoff.h"
#include "core/distribution.h"
#include "core/duration.h"
#include "core/pool.h"
#include "core/workload.h"

#include <QCommandLineParser>
#include <QHostAddress>

#include <charconv>
#include <cmath>

namespace poollab {

namespace {

constexpr double kMaxRate = 1'000'000; // jobs/s: far beyond what one machine's pool does
constexpr Nanos kHour = 3600 * kSecond;
constexpr Nanos kDay = 24 * kHour;
constexpr long long kMaxJobs = 1'000'000'000;
constexpr long long kMaxClients = 100'000;
constexpr long long kMaxBurst = 1'000'000;
constexpr long long kMaxSeed = 9007199254740991LL; // 2^53 - 1: what a JSON scenario file reads back exactly

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

QString dur(Nanos ns)
{
    return fromStd(formatDuration(ns));
}

QString num(double v)
{
    return QString::number(v, 'g', 10);
}

QString rangeError(const QString& flag, const QString& value, const QString& allowed)
{
    return QStringLiteral("--%1: '%2' is out of range; allowed: %3").arg(flag, value, allowed);
}

bool readInt(const QCommandLineParser& p, const QString& flag, long long lo, long long hi, long long& out,
             QString& error)
{
    if (!p.isSet(flag))
        return true;
    const QString text = p.value(flag);
    bool ok = false;
    const long long v = text.trimmed().toLongLong(&ok);
    if (!ok || v < lo || v > hi) {
        error = rangeError(flag, text, QStringLiteral("a whole number from %1 to %2").arg(lo).arg(hi));
        return false;
    }
    out = v;
    return true;
}

std::optional<double> toNumber(const QString& text)
{
    // Not QString::toDouble's locale rules: '.' is the separator everywhere.
    const QByteArray latin = text.trimmed().toLatin1();
    double v = 0;
    const auto [end, ec] = std::from_chars(latin.constData(), latin.constData() + latin.size(), v);
    if (latin.isEmpty() || ec != std::errc() || end != latin.constData() + latin.size() || !std::isfinite(v))
        return std::nullopt;
    return v;
}

bool readNumber(const QCommandLineParser& p, const QString& flag, double lo, double hi, double& out,
                QString& error)
{
    if (!p.isSet(flag))
        return true;
    const QString text = p.value(flag);
    const auto v = toNumber(text);
    if (!v || *v < lo || *v > hi) {
        error = rangeError(flag, text, QStringLiteral("a number from %1 to %2").arg(num(lo), num(hi)));
        return false;
    }
    out = *v;
    return true;
}

// "50/s", "3000/m", "50" (per second).
bool readRate(const QCommandLineParser& p, const QString& flag, double lo, double hi, double& out,
              QString& error)
{
    if (!p.isSet(flag))
        return true;
    const QString text = p.value(flag);
    QString number = text.trimmed();
    double perSecond = 1;
    if (number.endsWith(QLatin1String("/s"))) {
        number.chop(2);
    } else if (number.endsWith(QLatin1String("/m")) || number.endsWith(QLatin1String("/min"))) {
        number.chop(number.endsWith(QLatin1String("/m")) ? 2 : 4);
        perSecond = 1.0 / 60;
    }
    const auto v = toNumber(number);
    const double rate = v ? *v * perSecond : -1;
    if (!v || rate < lo || rate > hi) {
        error = rangeError(
            flag, text,
            QStringLiteral("a rate from %1/s to %2/s, written 50/s, 3000/m or 50").arg(num(lo), num(hi)));
        return false;
    }
    out = rate;
    return true;
}

bool readDuration(const QCommandLineParser& p, const QString& flag, Nanos lo, Nanos hi, Nanos& out,
                  QString& error)
{
    if (!p.isSet(flag))
        return true;
    const QString text = p.value(flag);
    const auto v = parseDuration(text.toStdString());
    if (!v || *v < lo || *v > hi) {
        error = rangeError(flag, text,
                           QStringLiteral("a duration from %1 to %2 with a unit (us, ms, s, m, h), e.g. 50ms")
                               .arg(dur(lo), dur(hi)));
        return false;
    }
    out = *v;
    return true;
}

} // namespace

CommandLine parseCommandLine(const QStringList& arguments)
{
    CommandLine cl;
    Scenario& s = cl.scenario;
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "PoolLab: build a worker pool, throw load at it, watch it behave.\n"
        "Without --headless it opens the window; with it, it runs one scenario and reports.\n"
        "Durations take a unit: us, ms, s, m, h (e.g. 250us, 50ms, 1.5s). Rates are per second: 50/s or 50 "
        "(3000/m per minute also works)."));
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const auto opt = [&](const char* name, const QString& help, const char* valueName = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), help);
        if (valueName)
            o.setValueName(QString::fromLatin1(valueName));
        p.addOption(o);
    };
    const QString rateRange = QStringLiteral("0..%1/s").arg(num(kMaxRate));
    opt("help", QStringLiteral("Show this help and exit."));
    opt("version", QStringLiteral("Show the version and exit."));
    opt("headless", QStringLiteral("Run without a window: run the scenario, print progress and a summary."));
    opt("start", QStringLiteral("Window: start the run at once."));
    // Workers & queue
    opt("workers",
        QStringLiteral("Worker count, 1..%1. Default %2.").arg(PoolConfig::kMaxWorkers).arg(s.workers), "N");
    opt("queue-capacity",
        QStringLiteral("Queue capacity, 0..%1; 0 is a direct hand-off (an unbuffered channel). Default %2.")
            .arg(PoolConfig::kMaxQueueCapacity)
            .arg(s.queueCapacity),
        "Q");
    opt("overflow",
        QStringLiteral("What a full queue does to a new job: block (the producer waits), reject (refused and "
                       "counted), drop-oldest (the oldest queued job is dropped). Default block."),
        "POLICY");
    // Job
    opt("latency",
        QStringLiteral("Service time of each attempt: %1. Durations 0..1h; lognormal sigma 0..4; bimodal "
                       "slow fraction 0..1. Default %2.")
            .arg(QLatin1String(LatencyDistribution::acceptedForms()), fromStd(s.latency)),
        "SPEC");
    opt("job-kind",
        QStringLiteral("sleep (waits, like I/O) or cpu (burns a core for the latency). Default sleep."),
        "KIND");
    // Arrivals
    opt("arrival",
        QStringLiteral("How jobs arrive: burst (all --jobs at once), constant (evenly at --rate), poisson "
                       "(exponential gaps, mean 1/--rate), ramp (--rate to --rate-end over --ramp-duration), "
                       "spike (--rate, with --spike-rate from --spike-start for --spike-duration), closed "
                       "(--clients each submit their next job --think-time after the previous one ends). "
                       "Default burst."),
        "KIND");
    opt("rate",
        QStringLiteral("Arrival rate (constant, poisson; ramp start; spike base), %1, above 0 for constant "
                       "and poisson. Default %2/s.")
            .arg(rateRange, num(s.rate)),
        "R/s");
    opt("rate-end",
        QStringLiteral("Ramp: the rate at the end of the ramp, %1. Default %2/s.")
            .arg(rateRange, num(s.rateEnd)),
        "R/s");
    opt("ramp-duration",
        QStringLiteral("Ramp: how long the ramp takes, 0..24h. Default %1.").arg(dur(s.rampDuration)), "D");
    opt("spike-rate",
        QStringLiteral("Spike: the rate inside the spike window, %1. Default %2/s.")
            .arg(rateRange, num(s.spikeRate)),
        "R/s");
    opt("spike-start",
        QStringLiteral("Spike: when the spike begins, 0..24h after the start. Default %1.")
            .arg(dur(s.spikeStart)),
        "D");
    opt("spike-duration",
        QStringLiteral("Spike: how long the spike lasts, 0..24h. Default %1.").arg(dur(s.spikeDuration)),
        "D");
    opt("clients",
        QStringLiteral("Closed model: clients, each with one job in the system at a time, 1..%1. Default %2.")
            .arg(kMaxClients)
            .arg(s.clients),
        "K");
    opt("think-time",
        QStringLiteral("Closed model: a client's pause between its jobs, 0..1h. Default %1.")
            .arg(dur(s.thinkTime)),
        "D");
    // Run length
    opt("jobs",
        QStringLiteral("Jobs to submit, 0..%1; 0 = no limit (then --duration must be set). Default %2, or no "
                       "limit when --duration is given.")
            .arg(kMaxJobs)
            .arg(s.jobs),
        "N");
    opt("duration",
        QStringLiteral("How long to submit jobs, 0..24h; 0 = no limit. The run ends at --jobs or --duration, "
                       "whichever comes first. Default 0."),
        "D");
    // Failures & retries
    opt("failure-rate",
        QStringLiteral("Probability that an attempt fails, 0..1. Default %1.").arg(num(s.failureRate)), "P");
    opt("timeout",
        QStringLiteral("Per-attempt timeout, 0..1h; an attempt that would run longer is cut there and counts "
                       "as timed out (and failed). 0 = none. Default 0."),
        "D");
    opt("max-attempts",
        QStringLiteral("Attempts per job, the first included, 1..%1; 1 = no retries. Default %2.")
            .arg(WorkloadPolicy::kMaxAttempts)
            .arg(s.maxAttempts),
        "N");
    opt("backoff",
        QStringLiteral("Retry delay exp(BASE,CAP): BASE before the first retry, doubling per retry up to "
                       "CAP; 0 <= BASE <= CAP <= 1h. Default %1.")
            .arg(fromStd(formatBackoff(s.backoffBase, s.backoffCap))),
        "exp(BASE,CAP)");
    opt("jitter",
        QStringLiteral("Randomness in retry delays (AWS definitions): none, full (0..delay), equal "
                       "(delay/2..delay), decorrelated (BASE..3 x previous, capped). Default %1.")
            .arg(QLatin1String(toString(s.jitter).data())),
        "MODE");
    // Rate limit
    opt("rate-limit",
        QStringLiteral("Token bucket on job starts, shared by all workers, %1; 0 = off. Default off.")
            .arg(rateRange),
        "R/s");
    opt("burst",
        QStringLiteral("Token bucket size (starts allowed back to back), 1..%1. Default %2.")
            .arg(kMaxBurst)
            .arg(s.burst),
        "B");
    opt("seed",
        QStringLiteral("Random seed, 0..%1: the same seed gives the same jobs. Default %2.")
            .arg(kMaxSeed)
            .arg(s.seed),
        "N");
    opt("time-mode",
        QStringLiteral(
            "real (worker threads on the wall clock) or virtual (a simulation in simulated time, as "
            "fast as it runs: exact timings, any worker count). Default real."),
        "MODE");
    // Output
    opt("summary-json", QStringLiteral("Write the run summary as JSON to FILE, or to stdout with -."),
        "FILE");
    opt("quiet", QStringLiteral("Headless: print nothing but errors and what --summary-json - asks for."));
    // Metrics endpoint
    opt("metrics-port",
        QStringLiteral("Headless: serve Prometheus metrics at http://ADDRESS:P/metrics, P 1..65535. "
                       "Default off."),
        "P");
    opt("metrics-address",
        QStringLiteral("The address --metrics-port binds. Default 127.0.0.1 (this machine only)."), "A");
    opt("metrics-linger",
        QStringLiteral("Keep serving metrics for D after the run ends, so that a scraper gets the final "
                       "totals, e.g. 5s. Default 0s."),
        "D");

    if (!p.parse(arguments)) {
        cl.action = CommandLine::Action::Error;
        cl.error = p.errorText();
        return cl;
    }
    cl.helpText = p.helpText();
    if (p.isSet(QStringLiteral("help"))) {
        cl.action = CommandLine::Action::Help;
        return cl;
    }
    if (p.isSet(QStringLiteral("version"))) {
        cl.action = CommandLine::Action::Version;
        return cl;
    }
    if (!p.positionalArguments().isEmpty()) {
        cl.action = CommandLine::Action::Error;
        cl.error =
            QStringLiteral("unexpected argument '%1' (see --help)").arg(p.positionalArguments().first());
        return cl;
    }
    cl.action =
        p.isSet(QStringLiteral("headless")) ? CommandLine::Action::Headless : CommandLine::Action::Window;
    cl.startImmediately = p.isSet(QStringLiteral("start"));
    cl.quiet = p.isSet(QStringLiteral("quiet"));
    cl.summaryJsonPath = p.value(QStringLiteral("summary-json"));

    QString& err = cl.error;
    const auto fail = [&cl] {
        cl.action = CommandLine::Action::Error;
        return cl;
    };
    const auto flag = [](const char* name) { return QString::fromLatin1(name); };
    const auto readIntInto = [&](const char* name, long long lo, long long hi, auto& field) {
        long long v = static_cast<long long>(field);
        if (!readInt(p, flag(name), lo, hi, v, err))
            return false;
        field = static_cast<std::remove_reference_t<decltype(field)>>(v);
        return true;
    };
    const auto readChoice = [&](const char* name, const QString& allowed, auto parse) {
        if (!p.isSet(flag(name)))
            return true;
        const QString text = p.value(flag(name));
        if (!parse(text.toStdString())) {
            err = rangeError(flag(name), text, allowed);
            return false;
        }
        return true;
    };

    if (!readIntInto("workers", 1, PoolConfig::kMaxWorkers, s.workers) ||
        !readIntInto("queue-capacity", 0, PoolConfig::kMaxQueueCapacity, s.queueCapacity) ||
        !readChoice("overflow", QStringLiteral("block, reject, drop-oldest"),
                    [&](const std::string& t) { return parseOverflowPolicy(t, s.overflow); }) ||
        !readChoice("job-kind", QStringLiteral("sleep, cpu"),
                    [&](const std::string& t) { return parseJobKind(t, s.jobKind); }) ||
        !readChoice("arrival", QStringLiteral("burst, constant, poisson, ramp, spike, closed"),
                    [&](const std::string& t) { return parseArrivalKind(t, s.arrival); }) ||
        !readRate(p, flag("rate"), 0, kMaxRate, s.rate, err) ||
        !readRate(p, flag("rate-end"), 0, kMaxRate, s.rateEnd, err) ||
        !readDuration(p, flag("ramp-duration"), 0, kDay, s.rampDuration, err) ||
        !readRate(p, flag("spike-rate"), 0, kMaxRate, s.spikeRate, err) ||
        !readDuration(p, flag("spike-start"), 0, kDay, s.spikeStart, err) ||
        !readDuration(p, flag("spike-duration"), 0, kDay, s.spikeDuration, err) ||
        !readIntInto("clients", 1, kMaxClients, s.clients) ||
        !readDuration(p, flag("think-time"), 0, kHour, s.thinkTime, err) ||
        !readDuration(p, flag("duration"), 0, kDay, s.duration, err) ||
        !readNumber(p, flag("failure-rate"), 0, 1, s.failureRate, err) ||
        !readDuration(p, flag("timeout"), 0, kHour, s.timeout, err) ||
        !readIntInto("max-attempts", 1, WorkloadPolicy::kMaxAttempts, s.maxAttempts) ||
        !readChoice("jitter", QStringLiteral("none, full, equal, decorrelated"),
                    [&](const std::string& t) { return parseJitter(t, s.jitter); }) ||
        !readRate(p, flag("rate-limit"), 0, kMaxRate, s.rateLimit, err) ||
        !readIntInto("burst", 1, kMaxBurst, s.burst) || !readIntInto("seed", 0, kMaxSeed, s.seed) ||
        !readChoice("time-mode", QStringLiteral("real, virtual"), [&](const std::string& t) {
            if (t != "real" && t != "virtual")
                return false;
            s.timeMode = t == "real" ? TimeMode::Real : TimeMode::Virtual;
            return true;
        }))
        return fail();

    // A duration alone means "for that long", not "1000 jobs or that long".
    if (p.isSet(flag("duration")) && !p.isSet(flag("jobs")))
        s.jobs = 0;
    if (!readIntInto("jobs", 0, kMaxJobs, s.jobs))
        return fail();

    if (p.isSet(flag("latency"))) {
        const QString text = p.value(flag("latency"));
        std::string why;
        if (!LatencyDistribution::parse(text.toStdString(), &why)) {
            err = QStringLiteral("--latency: ") + fromStd(why);
            return fail();
        }
        s.latency = text.trimmed().toStdString();
    }
    if (p.isSet(flag("backoff"))) {
        const QString text = p.value(flag("backoff"));
        std::string why;
        if (!parseBackoff(text.toStdString(), s.backoffBase, s.backoffCap, &why)) {
            err = QStringLiteral("--backoff: ") + fromStd(why);
            return fail();
        }
    }

    if (!readIntInto("metrics-port", 1, 65535, cl.metricsPort) ||
        !readDuration(p, flag("metrics-linger"), 0, kHour, cl.metricsLinger, err))
        return fail();
    if (p.isSet(flag("metrics-address"))) {
        const QString text = p.value(flag("metrics-address"));
        if (QHostAddress(text).isNull()) {
            err = rangeError(flag("metrics-address"), text,
                             QStringLiteral("an IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1"));
            return fail();
        }
        cl.metricsAddress = text;
    }
    if (cl.metricsPort == 0 && (p.isSet(flag("metrics-address")) || p.isSet(flag("metrics-linger")))) {
        err = QStringLiteral("--metrics-address and --metrics-linger need --metrics-port (1..65535)");
        return fail();
    }

    // Checks that one flag's range cannot express.
    if (s.jobs == 0 && s.duration == 0) {
        err = QStringLiteral("--jobs and --duration are both 0: set at least one (--jobs 1..%1, or "
                             "--duration e.g. 30s)")
                  .arg(kMaxJobs);
        return fail();
    }
    if (s.arrival == ArrivalKind::Burst && s.jobs == 0) {
        err = QStringLiteral("--arrival burst submits --jobs at once: --jobs must be 1..%1").arg(kMaxJobs);
        return fail();
    }
    if ((s.arrival == ArrivalKind::Constant || s.arrival == ArrivalKind::Poisson) && s.rate <= 0) {
        err = rangeError(flag("rate"), num(s.rate),
                         QStringLiteral("above 0 up to %1/s for --arrival %2")
                             .arg(num(kMaxRate), QLatin1String(toString(s.arrival).data())));
        return fail();
    }
    if (s.arrival == ArrivalKind::Ramp && s.rate <= 0 && s.rateEnd <= 0) {
        err =
            QStringLiteral("--rate and --rate-end are both 0: a ramp needs one of them above 0 (up to %1/s)")
                .arg(num(kMaxRate));
        return fail();
    }
    return cl;
}

} // namespace poollab
