// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"

#include "core/duration.h"
#include "core/pool.h"

#include <QCommandLineParser>

#include <limits>

namespace poollab {

namespace {

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
    const long long v = text.toLongLong(&ok);
    if (!ok || v < lo || v > hi) {
        error = rangeError(flag, text, QStringLiteral("a whole number from %1 to %2").arg(lo).arg(hi));
        return false;
    }
    out = v;
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
        error = rangeError(
            flag, text,
            QStringLiteral("a duration from %1 to %2 with a unit (us, ms, s, m, h), e.g. 50ms")
                .arg(QString::fromStdString(formatDuration(lo)), QString::fromStdString(formatDuration(hi))));
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
    p.setApplicationDescription(
        QStringLiteral("PoolLab: build a worker pool, throw load at it, watch it behave.\n"
                       "Without --headless it opens the window; with it, it runs one scenario and reports."));
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const auto opt = [&](const char* name, const QString& help, const char* valueName = nullptr) {
        QCommandLineOption o(QString::fromLatin1(name), help);
        if (valueName)
            o.setValueName(QString::fromLatin1(valueName));
        p.addOption(o);
    };
    opt("help", QStringLiteral("Show this help and exit."));
    opt("version", QStringLiteral("Show the version and exit."));
    opt("headless", QStringLiteral("Run without a window: run the scenario, print progress and a summary."));
    opt("start", QStringLiteral("Window: start the run at once."));
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
    opt("jobs", QStringLiteral("Jobs to submit, 1..1000000000. Default %1.").arg(s.jobs), "N");
    opt("latency",
        QStringLiteral("Service time of a job, e.g. 500ms, 0ms, 2s. Default %1.")
            .arg(QString::fromStdString(s.latency)),
        "D");
    opt("job-kind",
        QStringLiteral("sleep (waits, like I/O) or cpu (burns a core for the latency). Default sleep."),
        "KIND");
    opt("summary-json", QStringLiteral("Write the run summary as JSON to FILE, or to stdout with -."),
        "FILE");
    opt("quiet", QStringLiteral("Headless: print nothing but errors and what --summary-json - asks for."));

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
    long long v = 0;
    const auto fail = [&cl] {
        cl.action = CommandLine::Action::Error;
        return cl;
    };
    v = s.workers;
    if (!readInt(p, QStringLiteral("workers"), 1, PoolConfig::kMaxWorkers, v, err))
        return fail();
    s.workers = static_cast<int>(v);
    v = s.queueCapacity;
    if (!readInt(p, QStringLiteral("queue-capacity"), 0, PoolConfig::kMaxQueueCapacity, v, err))
        return fail();
    s.queueCapacity = static_cast<int>(v);
    v = static_cast<long long>(s.jobs);
    if (!readInt(p, QStringLiteral("jobs"), 1, 1'000'000'000, v, err))
        return fail();
    s.jobs = static_cast<std::uint64_t>(v);
    if (p.isSet(QStringLiteral("overflow"))) {
        const QString text = p.value(QStringLiteral("overflow"));
        if (!parseOverflowPolicy(text.toStdString(), s.overflow)) {
            err = rangeError(QStringLiteral("overflow"), text, QStringLiteral("block, reject, drop-oldest"));
            return fail();
        }
    }
    if (p.isSet(QStringLiteral("job-kind"))) {
        const QString text = p.value(QStringLiteral("job-kind"));
        if (!parseJobKind(text.toStdString(), s.jobKind)) {
            err = rangeError(QStringLiteral("job-kind"), text, QStringLiteral("sleep, cpu"));
            return fail();
        }
    }
    Nanos latency = 0;
    if (p.isSet(QStringLiteral("latency"))) {
        if (!readDuration(p, QStringLiteral("latency"), 0, 3600 * kSecond, latency, err))
            return fail();
        s.latency = p.value(QStringLiteral("latency")).toStdString();
    }
    return cl;
}

} // namespace poollab
