// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"

#include "app/presets.h"
#include "core/backoff.h"
#include "core/distribution.h"
#include "core/duration.h"
#include "io/atomic_file.h"
#include "io/run_store.h"
#include "io/scenario_fields.h"
#include "io/scenario_file.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QHostAddress>

#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace poollab {

namespace {

constexpr int kHelpWidth = 80;
constexpr int kHelpIndent = 6;

// One command-line option: its names (the first is the one documented), the
// placeholder for its value (empty for a switch) and its help.
struct OptionDef
{
    QStringList names;
    QString valueName;
    QString help;
};

struct Section
{
    QString heading;
    std::vector<OptionDef> options;
    QString intro = {}; // a paragraph before the heading
};

QString latin(const char* s)
{
    return QString::fromLatin1(s);
}

QString quoted(const QString& text)
{
    return QLatin1Char('\'') + elided(text) + QLatin1Char('\'');
}

// The field time_mode is documented as --time (issue #6); --time-mode, the table's
// own spelling, stays an alias because scripts already use it.
QStringList flagNames(const ScenarioField& f)
{
    const QString own = cliFlagName(f);
    if (own == QLatin1String("time-mode"))
        return {QStringLiteral("time"), own};
    return {own};
}

bool isRate(const ScenarioField& f)
{
    return f.type == FieldType::Number && QLatin1String(f.unit).endsWith(QLatin1String("/s"));
}

QString valueNameOf(const ScenarioField& f)
{
    switch (f.type) {
    case FieldType::Integer:
        return QStringLiteral("N");
    case FieldType::Number:
        return isRate(f) ? QStringLiteral("RATE") : QStringLiteral("NUMBER");
    case FieldType::Duration:
        return QStringLiteral("DURATION");
    case FieldType::Choice: {
        QStringList words;
        for (const char* w : f.choices)
            words << latin(w);
        return words.join(QLatin1Char('|'));
    }
    case FieldType::Latency:
        return QStringLiteral("SPEC");
    case FieldType::Text:
        return QStringLiteral("TEXT");
    }
    return {};
}

QString rateSpellings()
{
    return QStringLiteral("also written 50/s, or 3000/m per minute");
}

// What the command line says about a field beyond the table's help: other
// spellings it accepts and rules of its own.
QString cliHelpOf(const ScenarioField& f)
{
    QString help = fieldHelpText(f);
    if (isRate(f))
        help += QStringLiteral(" In %1, %2.").arg(latin(f.unit), rateSpellings());
    if (f.type == FieldType::Latency)
        help += QStringLiteral(" Forms: %1.").arg(latin(LatencyDistribution::acceptedForms()));
    if (QLatin1String(f.key) == QLatin1String("jobs"))
        help += QStringLiteral(" With --duration and no --jobs: no job limit.");
    const QStringList names = flagNames(f);
    if (names.size() > 1)
        help += QStringLiteral(" Also accepted as --%1.").arg(names.mid(1).join(QStringLiteral(", --")));
    return help;
}

// "3000/m" -> "50", "50/s" -> "50": a rate as the table's plain number per second.
QString perSecondText(const QString& text)
{
    QString number = text;
    if (number.endsWith(QLatin1String("/s")))
        return number.chopped(2);
    const int suffix = number.endsWith(QLatin1String("/min")) ? 4
                       : number.endsWith(QLatin1String("/m")) ? 2
                                                              : 0;
    if (suffix == 0)
        return number;
    number.chop(suffix);
    const QByteArray bytes = number.toLatin1();
    double v = 0;
    const auto [end, ec] = std::from_chars(bytes.constData(), bytes.constData() + bytes.size(), v);
    if (bytes.isEmpty() || ec != std::errc() || end != bytes.constData() + bytes.size())
        return text; // fails below, naming the value as typed
    return QString::number(v / 60, 'g', 17);
}

// Parses one flag's value into its field; error reads "--flag: '<value>' ...".
bool applyField(const ScenarioField& f, const QString& flag, const QString& typed, Scenario& s,
                QString& error)
{
    const QString text = f.type == FieldType::Text ? typed : typed.trimmed();
    const QString converted = isRate(f) ? perSecondText(text) : text;
    QString why;
    const auto value = parseFieldText(f, converted, &why);
    if (!value) {
        if (f.type == FieldType::Choice) {
            why = QStringLiteral("%1 is not allowed; allowed: %2").arg(quoted(typed), allowedText(f));
        } else if (why.startsWith(quoted(converted))) {
            // Name the value as typed ("'3000000/m'"), not as converted.
            why = quoted(typed) + why.mid(quoted(converted).size());
            if (isRate(f))
                why += QStringLiteral(" %1 (%2)").arg(latin(f.unit), rateSpellings());
        }
        error = QStringLiteral("--%1: %2").arg(flag, why);
        return false;
    }
    f.set(s, *value);
    return true;
}

// Cross-field messages name fields as in a file ('jobs'); on the command line they
// name the flags (--jobs).
QString withFlagNames(QString message)
{
    for (const ScenarioField& f : scenarioFields())
        message.replace(quoted(latin(f.key)), QStringLiteral("--") + flagNames(f).first());
    return message;
}

QString wrap(const QString& text, int indent, int width)
{
    const QString pad(indent, QLatin1Char(' '));
    QString out;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && indent + line.size() + 1 + word.size() > width) {
            out += pad + line + QLatin1Char('\n');
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        out += pad + line + QLatin1Char('\n');
    return out;
}

QString optionLine(const OptionDef& o)
{
    QString line = QStringLiteral("  --") + o.names.first();
    if (!o.valueName.isEmpty())
        line += QStringLiteral(" <") + o.valueName + QLatin1Char('>');
    for (const QString& alias : o.names.mid(1)) {
        if (alias.size() == 1)
            line += QStringLiteral(", -") + alias;
    }
    return line;
}

OptionDef option(std::initializer_list<const char*> names, const char* valueName, const QString& help)
{
    OptionDef d;
    for (const char* n : names)
        d.names << latin(n);
    d.valueName = latin(valueName);
    d.help = help;
    return d;
}

QString measureList()
{
    QStringList keys;
    for (const ExperimentMeasure& m : experimentMeasures())
        keys << latin(m.key);
    return keys.join(QStringLiteral(", "));
}

// Issue #15: replications, warm-up, sweeps and a sizing target.
Section experimentSection()
{
    return {
        QStringLiteral("Experiments (with --headless)"),
        {option({"replications"}, "N",
                QStringLiteral("Run the scenario N times in virtual time, with seeds SEED, SEED+1, ..., in "
                               "parallel on every core, and report each measure as its mean over the runs "
                               "with a 95 % Student-t interval (the summary JSON's \"ci95\"). Allowed: 2 to "
                               "%1. Default: a single run; with --sweep, %2 per value. Not with --time "
                               "real.")
                    .arg(kMaxReplications)
                    .arg(kDefaultSweepReplications)),
         option({"warmup"}, "DURATION",
                QStringLiteral("Leave out the latencies of jobs planned to arrive before DURATION of run "
                               "time, and measure throughput, utilization and loss over the rest of the run; "
                               "counts stay whole-run. Virtual time only. Allowed: 0ms to 24h. Default: "
                               "0ms.")),
         option(
             {"sweep"}, "FIELD=FROM:TO:STEP|FIELD=V1,V2,...",
             QStringLiteral("Run the replications at each value of one numeric scenario field (workers, "
                            "queue_capacity, rate, timeout, ...; durations with a unit), with the same "
                            "seeds at every value, e.g. workers=1:20:1 or rate=50,80,90. Each value must be "
                            "in the field's range; at most %1 values.")
                 .arg(kMaxSweepPoints)),
         option({"sweep-csv"}, "FILE|-",
                QStringLiteral("With --sweep: write one row per value: the value, then each measure's mean, "
                               "low and high, and the theory's value where it applies, then, last, each "
                               "measure's KEY.observed (how many replications observed it: its mean's "
                               "count after a --warmup) (docs/CSV.md), to FILE or to stdout with -.")),
         option(
             {"target"}, "GOAL",
             QStringLiteral("With --sweep: the goal, MEASURE<VALUE or MEASURE>VALUE, e.g. 'wait.mean<100ms', "
                            "'total.p99<2s', 'loss<1%' or "
                            "'utilization>0.8'. PoolLab names the smallest value whose whole 95 % interval "
                            "meets it, or says that none does (exit status 0). Measures: %1. Times take a "
                            "unit (us, ms, s, m, h); shares a % or a fraction.")
                 .arg(measureList()))}};
}

// The headless outputs' options; o makes an OptionDef (see sections()).
template <typename MakeOption> Section outputSection(const MakeOption& o)
{
    return {
        QStringLiteral("Output (with --headless)"),
        {o({"csv"}, "FILE|-",
           QStringLiteral("Write the time series as CSV: one row per sample interval (docs/CSV.md), to FILE "
                          "(streamed to FILE.partial while the run lasts) or to stdout with -.")),
         o({"summary-csv"}, "FILE|-",
           QStringLiteral(
               "Write the summary as CSV: one row per latency metric (docs/CSV.md), to FILE or to stdout "
               "with -.")),
         o({"summary-json"}, "FILE|-",
           QStringLiteral("Write the summary as JSON (with the queueing-theory comparison) to FILE, or to "
                          "stdout with - (then no human summary is printed).")),
         o({"trace"}, "FILE",
           QStringLiteral("Write the run's jobs as a Chrome trace (JSON; open it in ui.perfetto.dev or "
                          "chrome://tracing): one track per worker with each attempt's service and token "
                          "wait, each job's queue wait, and queue depth, busy workers and in-flight "
                          "counters. Times in microseconds from the run's start.")),
         o({"trace-limit"}, "N",
           QStringLiteral("With --trace: write the first N jobs (every attempt of each). Allowed: 1 to "
                          "%1. Default: %2. Memory while it runs and writes: about 400 bytes a job kept "
                          "(1,000,000: ~400 MB; the maximum: ~4 GB); the file about 150 bytes an attempt.")
               .arg(CommandLine::kMaxTraceLimit)
               .arg(CommandLine::kDefaultTraceLimit)),
         o({"hdr"}, "FILE",
           QStringLiteral("Write the final latency histogram (--hdr-kind) as HdrHistogram's percentile "
                          "distribution text (.hgrm, milliseconds), which the HdrHistogram plotter opens.")),
         o({"hdr-kind"}, "KIND",
           QStringLiteral("With --hdr: which latency. Allowed: %1 (total counts from the planned arrival, "
                          "total-uncorrected from the actual submission). Default: total.")
               .arg(hdrKindChoices())),
         o({"quiet"}, "",
           QStringLiteral("Print nothing but errors and what --summary-json - asks for: no progress, no "
                          "summary."))}};
}

std::vector<Section> sections()
{
    const auto o = [](std::initializer_list<const char*> names, const char* valueName, const QString& help) {
        OptionDef d;
        for (const char* n : names)
            d.names << latin(n);
        d.valueName = latin(valueName);
        d.help = help;
        return d;
    };
    std::vector<Section> out;
    out.push_back(
        {QStringLiteral("General"),
         {o({"help", "h"}, "", QStringLiteral("Show this help and exit.")),
          o({"version"}, "", QStringLiteral("Show the version and exit.")),
          o({"headless"}, "",
            QStringLiteral("Run without a window: run the scenario to its end, print a summary and "
                           "write the files asked for. Without it the window opens.")),
          o({"start"}, "", QStringLiteral("Window: start the run at once.")),
          o({"pace"}, "1|10|100|1000|max",
            QStringLiteral("Window, virtual time: simulated seconds per real second, or max for as "
                           "fast as it goes. Default: 10.")),
          o({"theme"}, "light|dark", QStringLiteral("Window: the colour theme. Default: as last used.")),
          o({"chart-window"}, "30s|1m|5m|all",
            QStringLiteral("Window: the charts' time window, the last 30 s, 1 min or 5 min, or the whole "
                           "run. Default: as last used (1 min at first).")),
          o({"tab"}, "charts|timeline|percentiles|runs",
            QStringLiteral("Window: the tab shown in the middle of the window: the charts, the worker "
                           "timeline, the latency percentile chart or the Runs list (with --grab, the "
                           "tab the screenshot shows). Default: charts.")),
          o({"grab"}, "FILE.png",
            QStringLiteral("Window: save a screenshot of the window to FILE.png when the run ends "
                           "(with --start; without it, once the window is shown) and exit. The "
                           "window opens at 1280x800 (smaller on a smaller screen) without the "
                           "remembered settings, so the picture is the same on every machine. "
                           "Exit status 1 if the file cannot be written.")),
          o({"grab-at"}, "DURATION",
            QStringLiteral("With --grab and --start: take the screenshot at this much run time "
                           "(simulated time in virtual mode) instead of at the end, e.g. 90s. "
                           "Allowed: 0ms to 24h."))}});
    out.push_back(
        {QStringLiteral("Scenario source"),
         {o({"preset"}, "NAME",
            QStringLiteral(
                "Start from a built-in preset (see --list-presets); the flags below override it.")),
          o({"list-presets"}, "",
            QStringLiteral("List the built-in presets (id, title, what it shows) and exit.")),
          o({"scenario"}, "FILE",
            QStringLiteral(
                "Start from a scenario file (JSON, \"format\": \"poollab-scenario/1\", as written by "
                "--save-scenario or the window); the flags below override it. Not with --preset.")),
          o({"save-scenario"}, "FILE|-",
            QStringLiteral("Write the effective scenario (preset or file, then flags) to FILE, or to stdout "
                           "with -. Without --headless: save and exit, nothing runs. With --headless: save, "
                           "then run."))}});
    out.push_back(outputSection(o));
    out.push_back(experimentSection());
    out.push_back(
        {QStringLiteral("Run history"),
         {o({"record"}, "",
            QStringLiteral("With --headless: keep the run in the runs database (--runs-db): its scenario, "
                           "summary, time series, live changes and final latency histograms. The summary "
                           "JSON then ends with \"run_id\". Exit status 1 if it cannot be stored (the "
                           "files asked for are still written).")),
          o({"run-name"}, "NAME",
            QStringLiteral("With --record: the run's name. Default: the scenario's name and the start time, "
                           "e.g. 'Retry storm 2026-12-01 07:30:00'.")),
          o({"runs-db"}, "FILE",
            QStringLiteral("The runs database (SQLite) that --record, the window and every poollab runs "
                           "command use. Default: runs.sqlite in PoolLab's data folder "
                           "(~/.local/share/PoolLab/PoolLab on Linux). A file that is not a PoolLab runs "
                           "database, is corrupt or was written by a newer PoolLab is refused (exit "
                           "status 1) and left as it is."))},
         QStringLiteral("Recorded runs are listed, shown, exported, compared and deleted with poollab runs "
                        "list|show|export|compare|delete; poollab runs --help says how.")});
    out.push_back(
        {QStringLiteral("Metrics endpoint"),
         {o({"metrics-port"}, "P",
            QStringLiteral(
                "Serve Prometheus metrics at http://ADDRESS:P/metrics while the run lasts (--headless) or "
                "while the window is open (as Run > Serve Prometheus metrics). Allowed: a whole number "
                "from 1 to 65535. Default: off.")),
          o({"metrics-address"}, "A",
            QStringLiteral("The address --metrics-port binds. Default: 127.0.0.1 (this machine only).")),
          o({"metrics-linger"}, "DURATION",
            QStringLiteral("With --headless: keep serving metrics for DURATION after the run ends, so that a "
                           "scraper gets the final totals, e.g. 5s. Allowed: 0ms to 1h. Default: 0ms."))}});
    // One section per field group, in table order.
    const QString intro = QStringLiteral(
        "Scenario settings. Each is also a key of a scenario file, with _ for - (--queue-capacity "
        "is queue_capacity); a flag overrides what --preset or --scenario says.");
    for (const ScenarioField& f : scenarioFields()) {
        const QString heading = QString::fromUtf8(f.group);
        if (out.back().heading != heading)
            out.push_back({heading, {}, &f == scenarioFields().data() ? intro : QString()});
        if (QLatin1String(f.key) == QLatin1String("backoff_base")) {
            const Scenario defaults;
            out.back().options.push_back(o(
                {"backoff"}, "exp(BASE,CAP)",
                QStringLiteral("Sets --backoff-base and --backoff-cap at once, BASE <= CAP. Default: %1.")
                    .arg(QString::fromStdString(formatBackoff(defaults.backoffBase, defaults.backoffCap)))));
        }
        out.back().options.push_back({flagNames(f), valueNameOf(f), cliHelpOf(f)});
    }
    return out;
}

// The prose both --help and the man page open with.
const QString kSummary = QStringLiteral("build a worker pool, throw load at it, watch it behave");
const QString kDescription =
    QStringLiteral("Without --headless it opens the window; with it, it runs one scenario and reports.");
const QString kConventions = QStringLiteral(
    "Durations take a unit: us, ms, s, m, h (250us, 50ms, 1.5s). Rates are per second: 50, 50/s, or "
    "3000/m per minute.");
const QString kExitStatus = QStringLiteral(
    "Exit status: 0 done, 1 a failure while running (e.g. a file that cannot be written, a "
    "runs database that cannot be used; for poollab lesson check an answer wrong or missing), 2 "
    "bad input (for poollab runs also an unknown run id), 130, 143 or 129 cancelled by a second SIGINT "
    "(Ctrl-C), SIGTERM or SIGHUP.");

QString helpText(const std::vector<Section>& all)
{
    QString text =
        QStringLiteral("PoolLab ") + QStringLiteral(POOLLAB_VERSION) + QStringLiteral(": ") + kSummary +
        QStringLiteral(".\n\nUsage: poollab [options]\n"
                       "       poollab runs list|show|export|compare|delete ... (see poollab runs "
                       "--help)\n"
                       "       poollab lesson list|show|check ... (see poollab lesson --help)\n\n");
    text += wrap(kDescription, 0, kHelpWidth);
    text += wrap(kConventions + QLatin1Char(' ') + kExitStatus, 0, kHelpWidth);
    for (const Section& s : all) {
        if (!s.intro.isEmpty())
            text += QLatin1Char('\n') + wrap(s.intro, 0, kHelpWidth);
        text += QLatin1Char('\n') + s.heading + QStringLiteral(":\n");
        for (const OptionDef& o : s.options)
            text += optionLine(o) + QLatin1Char('\n') + wrap(o.help, kHelpIndent, kHelpWidth);
    }
    return text;
}

// roff needs a backslash doubled, and a line that starts with . or ' protected.
QString roffEscape(QString text)
{
    text.replace(QLatin1Char('\\'), QStringLiteral("\\e"));
    text.replace(QLatin1Char('-'), QStringLiteral("\\-"));
    if (text.startsWith(QLatin1Char('.')) || text.startsWith(QLatin1Char('\'')))
        text.prepend(QStringLiteral("\\&"));
    return text;
}

QString rangeError(const QString& flag, const QString& value, const QString& allowed)
{
    return QStringLiteral("--%1: '%2' is out of range; allowed: %3").arg(flag, value, allowed);
}

// The parsed options, by name.
struct Flags
{
    const QCommandLineParser& p;
    bool isSet(const char* name) const { return p.isSet(latin(name)); }
    QString value(const char* name) const { return p.value(latin(name)); }
};

// Each step below reads one kind of flag into cl and returns what is wrong, or
// nothing.

QString checkRepeatedFlags(const Flags& flags, const std::vector<Section>& all)
{
    const QCommandLineParser& p = flags.p;
    // A flag given twice would silently keep its last value: say so instead.
    for (const Section& s : all) {
        for (const OptionDef& d : s.options) {
            const QStringList values = p.values(d.names.first());
            if (d.valueName.isEmpty() || values.size() < 2)
                continue;
            QStringList shown;
            for (const QString& v : values)
                shown << quoted(v);
            return QStringLiteral("--%1 is given %2 times (%3): give it once")
                .arg(d.names.first())
                .arg(values.size())
                .arg(shown.join(QStringLiteral(", ")));
        }
    }
    return {};
}

// --grab, --grab-at, --chart-window, --theme, --pace, --tab.
QString readWindowFlags(const Flags& flags, bool headless, CommandLine& cl)
{
    for (const char* flag : {"grab", "grab-at", "pace", "theme", "chart-window", "tab"}) {
        if (headless && flags.isSet(flag))
            return QStringLiteral("--%1 is for the window; not with --headless").arg(latin(flag));
    }
    cl.grabPath = flags.value("grab");
    if (flags.isSet("grab") && !cl.grabPath.endsWith(QLatin1String(".png"), Qt::CaseInsensitive))
        return QStringLiteral("--grab: '%1' is not allowed; allowed: a file name ending in .png")
            .arg(cl.grabPath);
    if (flags.isSet("grab-at")) {
        if (!flags.isSet("grab") || !flags.isSet("start"))
            return QStringLiteral("--grab-at needs --grab FILE.png and --start");
        const QString text = flags.value("grab-at");
        const auto ns = parseDuration(text.trimmed().toStdString());
        if (!ns || *ns < 0 || *ns > 24 * 3600 * kSecond)
            return rangeError(QStringLiteral("grab-at"), text,
                              QStringLiteral("a duration from 0ms to 24h with a unit (us, ms, s, m, h), "
                                             "e.g. 90s"));
        cl.grabAtNs = *ns;
    }
    if (flags.isSet("chart-window")) {
        const QString text = flags.value("chart-window").trimmed();
        static const std::pair<const char*, int> windows[] = {
            {"30s", 30}, {"1m", 60}, {"5m", 300}, {"all", 0}};
        for (const auto& [name, seconds] : windows)
            if (text == QLatin1String(name))
                cl.chartWindowS = seconds;
        if (cl.chartWindowS < 0)
            return QStringLiteral("--chart-window: '%1' is not allowed; allowed: 30s, 1m, 5m, all")
                .arg(flags.value("chart-window"));
    }
    if (flags.isSet("tab")) {
        cl.tab = flags.value("tab").trimmed();
        const QStringList tabs{QStringLiteral("charts"), QStringLiteral("timeline"),
                               QStringLiteral("percentiles"), QStringLiteral("runs")};
        if (!tabs.contains(cl.tab))
            return QStringLiteral("--tab: '%1' is not allowed; allowed: %2")
                .arg(flags.value("tab"), tabs.join(QStringLiteral(", ")));
    }
    if (flags.isSet("theme")) {
        cl.theme = flags.value("theme").trimmed();
        if (cl.theme != QLatin1String("light") && cl.theme != QLatin1String("dark"))
            return QStringLiteral("--theme: '%1' is not allowed; allowed: light, dark")
                .arg(flags.value("theme"));
    }
    if (flags.isSet("pace")) {
        const QString text = flags.value("pace").trimmed();
        static const std::pair<const char*, double> paces[] = {
            {"1", 1}, {"10", 10}, {"100", 100}, {"1000", 1000}, {"max", 0}};
        for (const auto& [name, factor] : paces)
            if (text == QLatin1String(name))
                cl.pace = factor;
        if (cl.pace < 0)
            return QStringLiteral("--pace: '%1' is not allowed; allowed: 1, 10, 100, 1000, max")
                .arg(flags.value("pace"));
    }
    return {};
}

// --trace, --trace-limit, --hdr, --hdr-kind.
QString readTraceFlags(const Flags& flags, CommandLine& cl)
{
    for (const char* flag : {"trace", "hdr"}) {
        if (flags.isSet(flag) && isStdoutName(flags.value(flag)))
            return QStringLiteral("--%1: a file name is needed (not -)").arg(latin(flag));
    }
    if (flags.isSet("trace-limit")) {
        if (!flags.isSet("trace"))
            return QStringLiteral("--trace-limit needs --trace FILE");
        const QString text = flags.value("trace-limit");
        bool ok = false;
        const qlonglong n = text.trimmed().toLongLong(&ok);
        const QString allowed =
            QStringLiteral("a whole number from 1 to %1").arg(CommandLine::kMaxTraceLimit);
        if (!ok)
            return QStringLiteral("--trace-limit: %1 is not a whole number; allowed: %2")
                .arg(quoted(text), allowed);
        if (n < 1 || static_cast<std::uint64_t>(n) > CommandLine::kMaxTraceLimit)
            return rangeError(QStringLiteral("trace-limit"), text, allowed);
        cl.traceLimit = static_cast<std::uint64_t>(n);
    }
    if (flags.isSet("hdr-kind")) {
        if (!flags.isSet("hdr"))
            return QStringLiteral("--hdr-kind needs --hdr FILE");
        if (!parseHdrKind(flags.value("hdr-kind"), cl.hdrKind))
            return QStringLiteral("--hdr-kind: %1 is not allowed; allowed: %2")
                .arg(quoted(flags.value("hdr-kind")), hdrKindChoices());
    }
    cl.tracePath = flags.value("trace");
    cl.hdrPath = flags.value("hdr");
    return {};
}

// --csv, --summary-csv, --summary-json, --quiet, --save-scenario, --trace, --hdr and
// where they go.
QString readOutputFlags(const Flags& flags, bool headless, CommandLine& cl)
{
    for (const char* flag :
         {"csv", "summary-csv", "summary-json", "quiet", "trace", "trace-limit", "hdr", "hdr-kind"}) {
        if (!headless && flags.isSet(flag))
            return QStringLiteral("--%1 needs --headless (the window exports from its File menu)")
                .arg(latin(flag));
    }
    for (const char* flag :
         {"csv", "summary-csv", "summary-json", "save-scenario", "scenario", "sweep-csv", "trace", "hdr"}) {
        if (flags.isSet(flag) && flags.value(flag).isEmpty())
            return QStringLiteral("--%1: a file name is needed").arg(latin(flag));
    }
    if (QString why = readTraceFlags(flags, cl); !why.isEmpty())
        return why;
    // Two outputs into one file would leave only the last one written, and an output
    // over the scenario file would replace the input with a result.
    const NamedPath outputs[] = {{latin("csv"), cl.csvPath},
                                 {latin("summary-csv"), cl.summaryCsvPath},
                                 {latin("summary-json"), cl.summaryJsonPath},
                                 {latin("save-scenario"), cl.saveScenarioPath},
                                 {latin("sweep-csv"), flags.value("sweep-csv")},
                                 {latin("trace"), cl.tracePath},
                                 {latin("hdr"), cl.hdrPath}};
    std::vector<NamedPath> given;
    for (const NamedPath& o : outputs) {
        if (!o.path.isEmpty())
            given.push_back(o);
    }
    // --csv streams to FILE.partial first: that file is written too.
    if (!cl.csvPath.isEmpty() && !isOwnStdout(cl.csvPath))
        given.push_back({latin("csv"), StreamingFile::partialPathFor(cl.csvPath)});
    if (!cl.tracePath.isEmpty())
        given.push_back({latin("trace"), StreamingFile::partialPathFor(cl.tracePath)});
    std::vector<NamedPath> inputs;
    if (flags.isSet("scenario"))
        inputs.push_back({latin("scenario"), flags.value("scenario")});
    // Without --runs-db the default file is the one at stake (read, or written by --record).
    inputs.push_back(flags.isSet("runs-db") ? NamedPath{latin("runs-db"), flags.value("runs-db")}
                                            : NamedPath{latin("runs-db (default)"), RunStore::defaultPath()});
    if (const QString why = findPathCollision(given, inputs); !why.isEmpty())
        return why;
    return {};
}

// The starting point: a preset, a scenario file or the defaults.
QString readStartingScenario(const Flags& flags, CommandLine& cl)
{
    Scenario& s = cl.scenario;
    cl.preset = flags.value("preset");
    cl.scenarioPath = flags.value("scenario");
    if (flags.isSet("preset") && flags.isSet("scenario"))
        return QStringLiteral("--preset and --scenario cannot be used together: start from one of them "
                              "and change it with flags");
    if (flags.isSet("preset")) {
        QStringList ids;
        for (const PresetInfo& info : listPresets())
            ids << info.id;
        QString why;
        if (!ids.contains(cl.preset))
            return QStringLiteral("--preset: unknown preset '%1'; valid presets: %2")
                .arg(cl.preset, ids.join(QStringLiteral(", ")));
        if (!loadPreset(cl.preset, s, &why))
            return QStringLiteral("--preset: ") + why;
    }
    if (flags.isSet("scenario")) {
        QString why;
        if (!loadScenarioFile(cl.scenarioPath, s, &why))
            return QStringLiteral("--scenario: ") + why;
    }
    return {};
}

QString readScenarioFlags(const Flags& flags, CommandLine& cl)
{
    const QCommandLineParser& p = flags.p;
    Scenario& s = cl.scenario;
    // Each flag over what the file or preset said.
    QString err;
    if (flags.isSet("backoff")) {
        std::string why;
        if (!parseBackoff(flags.value("backoff").toStdString(), s.backoffBase, s.backoffCap, &why))
            return QStringLiteral("--backoff: ") + QString::fromStdString(why);
    }
    const QStringList typedNames = p.optionNames(); // as typed, so errors name the alias used
    for (const ScenarioField& f : scenarioFields()) {
        const QStringList names = flagNames(f);
        if (!p.isSet(names.first()))
            continue;
        QString typed = names.first();
        for (const QString& n : typedNames) {
            if (names.contains(n))
                typed = n;
        }
        if (!applyField(f, typed, p.value(names.first()), s, err))
            return err;
    }
    // A duration alone means "for that long", not "1000 jobs or that long".
    if (flags.isSet("duration") && !flags.isSet("jobs")) {
        s.jobs = 0;
        // Name what was typed, not the --jobs the rule above emptied.
        if (s.arrival == ArrivalKind::Burst)
            return QStringLiteral("--duration %1 without --jobs means no job limit, but --arrival burst "
                                  "submits all its jobs at once and needs a count: add --jobs N (a whole "
                                  "number from 1 to %2) or choose a rate with --arrival constant, "
                                  "poisson, ramp or spike")
                .arg(elided(flags.value("duration").trimmed()))
                .arg(static_cast<qint64>(findScenarioField(u"jobs")->max));
    }
    if (const QString why = crossCheckScenario(s); !why.isEmpty())
        return withFlagNames(why);
    if (cl.pace >= 0 && s.timeMode != TimeMode::Virtual)
        return QStringLiteral("--pace applies to virtual time only: add --time virtual");
    return {};
}

// --record, --run-name, --runs-db.
QString readRunFlags(const Flags& flags, bool headless, CommandLine& cl)
{
    cl.record = flags.isSet("record");
    cl.runName = flags.value("run-name");
    cl.runsDbPath = flags.value("runs-db");
    if (cl.record && !headless)
        return QStringLiteral("--record needs --headless (the window records every finished run itself)");
    if (flags.isSet("run-name") && !cl.record)
        return QStringLiteral("--run-name needs --record");
    if (flags.isSet("run-name") && cl.runName.trimmed().isEmpty())
        return QStringLiteral("--run-name: a name is needed");
    if (flags.isSet("runs-db") && cl.runsDbPath.isEmpty())
        return QStringLiteral("--runs-db: a file name is needed");
    return {};
}

// --sweep and --target, each value checked against the field's range and the whole
// scenario at that value.
QString readSweepAndTarget(const Flags& flags, CommandLine& cl)
{
    if (flags.isSet("sweep")) {
        Sweep sweep;
        std::string why;
        if (!parseSweep(flags.value("sweep").toStdString(), sweep, why))
            return QStringLiteral("--sweep: ") + QString::fromStdString(why);
        for (double v : sweep.values) {
            Scenario at = cl.scenario;
            at.timeMode = TimeMode::Virtual; // as the experiment runs it: up to 100000 workers
            applySweepValue(*sweep.field, v, at);
            if (const QString bad = validateScenario(at); !bad.isEmpty())
                return QStringLiteral("--sweep: at %1=%2: %3")
                    .arg(latin(sweep.field->key), QString::fromStdString(formatSweepValue(*sweep.field, v)),
                         withFlagNames(bad));
        }
        cl.sweep = std::move(sweep);
    }
    if (flags.isSet("target")) {
        cl.targetText = flags.value("target");
        Target target;
        std::string why;
        if (!parseTarget(cl.targetText.toStdString(), target, why))
            return QStringLiteral("--target: ") + QString::fromStdString(why);
        if (!cl.sweep)
            return QStringLiteral("--target needs --sweep FIELD=FROM:TO:STEP (the values to choose from)");
        cl.target = target;
    }
    if (flags.isSet("sweep-csv") && !cl.sweep)
        return QStringLiteral("--sweep-csv needs --sweep FIELD=FROM:TO:STEP");
    return {};
}

// --replications, --warmup, --sweep, --sweep-csv, --target.
QString readExperimentFlags(const Flags& flags, bool headless, CommandLine& cl)
{
    for (const char* flag : {"replications", "warmup", "sweep", "sweep-csv", "target"}) {
        if (!headless && flags.isSet(flag))
            return QStringLiteral("--%1 needs --headless").arg(latin(flag));
    }
    if (flags.isSet("replications")) {
        const QString text = flags.value("replications");
        bool ok = false;
        const qlonglong n = text.trimmed().toLongLong(&ok);
        const QString allowed = QStringLiteral("a whole number from 2 to %1").arg(kMaxReplications);
        if (!ok)
            return QStringLiteral("--replications: %1 is not a whole number; allowed: %2")
                .arg(quoted(text), allowed);
        if (n < 2 || n > kMaxReplications)
            return rangeError(QStringLiteral("replications"), elided(text), allowed);
        cl.replications = static_cast<int>(n);
    }
    if (flags.isSet("warmup")) {
        const QString text = flags.value("warmup");
        const auto ns = parseDuration(text.trimmed().toStdString());
        const QString allowed =
            QStringLiteral("a duration from 0ms to 24h with a unit (us, ms, s, m, h), e.g. 60s");
        if (!ns)
            return QStringLiteral("--warmup: %1 is not a duration; allowed: %2").arg(quoted(text), allowed);
        if (*ns > 24 * 3600 * kSecond)
            return rangeError(QStringLiteral("warmup"), elided(text), allowed);
        cl.warmup = *ns;
    }
    if (QString why = readSweepAndTarget(flags, cl); !why.isEmpty())
        return why;
    cl.sweepCsvPath = flags.value("sweep-csv");
    if (cl.sweep && cl.replications == 0)
        cl.replications = kDefaultSweepReplications;
    if (!cl.isExperiment()) {
        if (cl.warmup > 0 && cl.scenario.timeMode != TimeMode::Virtual)
            return QStringLiteral("--warmup applies to virtual time only: add --time virtual");
        return {};
    }
    // An experiment runs in virtual time, whatever the preset or file says; asking for
    // real threads is a contradiction.
    if (flags.isSet("time") && cl.scenario.timeMode == TimeMode::Real)
        return QStringLiteral("--replications and --sweep run in virtual time: not with --time real");
    for (const char* flag : {"csv", "summary-csv", "record", "metrics-port"}) {
        if (flags.isSet(flag))
            return QStringLiteral("--%1 is for a single run; an experiment (--replications, --sweep) writes "
                                  "--summary-json and --sweep-csv")
                .arg(latin(flag));
    }
    cl.scenario.timeMode = TimeMode::Virtual;
    return {};
}

// `poollab runs` verbs: usage and what each does (runs --help and the man page).
std::span<const std::pair<const char*, const char*>> runsVerbHelp()
{
    static constexpr std::pair<const char*, const char*> verbs[] = {
        {"list [--json]", "The runs, newest first: id, name, start, time mode, workers, queue, jobs, "
                          "throughput, total p99 and samples."},
        {"show ID [--json]", "One run: its scenario, summary and number of samples."},
        {"export ID --csv FILE [--summary-csv FILE]",
         "Write the run's time series and summary CSV byte for byte as --csv and --summary-csv wrote them; "
         "- is stdout. Files are replaced atomically."},
        {"compare ID ID... [--json]",
         "The runs' summaries side by side, the first as the baseline: each measure with its difference and "
         "% difference from the baseline."},
        {"delete ID", "Delete a run."},
    };
    return verbs;
}

const QStringList kRunsVerbs = {QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("export"),
                                QStringLiteral("compare"), QStringLiteral("delete")};

// The ids after a runs verb, each a whole number from 1 up.
QString readRunIds(const QString& verb, const QStringList& words, CommandLine& cl)
{
    for (const QString& word : words) {
        bool ok = false;
        const qlonglong id = word.trimmed().toLongLong(&ok);
        if (!ok || id < 1)
            return QStringLiteral("runs %1: %2 is not a run id; allowed: a whole number from 1 to %3 (see "
                                  "poollab runs list)")
                .arg(verb, quoted(word))
                .arg(std::numeric_limits<qint64>::max());
        cl.runIds.push_back(id);
    }
    return {};
}

// What each verb takes besides --runs-db: its ids and flags.
QString checkRunsVerb(const QCommandLineParser& p, const QString& verb, CommandLine& cl)
{
    const qsizetype ids = static_cast<qsizetype>(cl.runIds.size());
    const bool exporting = verb == QLatin1String("export");
    if ((verb == QLatin1String("list") && ids != 0) ||
        (verb != QLatin1String("list") && verb != QLatin1String("compare") && ids != 1) ||
        (verb == QLatin1String("compare") && ids < 2)) {
        const QString wanted = verb == QLatin1String("list")      ? QStringLiteral("no run id")
                               : verb == QLatin1String("compare") ? QStringLiteral("two run ids or more")
                                                                  : QStringLiteral("one run id");
        return QStringLiteral("runs %1 takes %2, not %3 (see poollab runs --help)")
            .arg(verb, wanted)
            .arg(ids);
    }
    if (p.isSet(QStringLiteral("json")) && (exporting || verb == QLatin1String("delete")))
        return QStringLiteral("runs %1: --json is for list, show and compare").arg(verb);
    for (const char* flag : {"csv", "summary-csv"}) {
        if (p.isSet(latin(flag)) && !exporting)
            return QStringLiteral("runs %1: --%2 is for runs export").arg(verb, latin(flag));
        if (p.isSet(latin(flag)) && p.value(latin(flag)).isEmpty())
            return QStringLiteral("runs export: --%1: a file name is needed").arg(latin(flag));
    }
    if (exporting && cl.csvPath.isEmpty() && cl.summaryCsvPath.isEmpty())
        return QStringLiteral("runs export needs --csv FILE and/or --summary-csv FILE");
    const NamedPath outputs[] = {{latin("csv"), cl.csvPath}, {latin("summary-csv"), cl.summaryCsvPath}};
    std::vector<NamedPath> given;
    for (const NamedPath& o : outputs)
        if (!o.path.isEmpty())
            given.push_back(o);
    std::vector<NamedPath> inputs;
    inputs.push_back(!cl.runsDbPath.isEmpty()
                         ? NamedPath{latin("runs-db"), cl.runsDbPath}
                         : NamedPath{latin("runs-db (default)"), RunStore::defaultPath()});
    return findPathCollision(given, inputs);
}

// What `poollab runs` and `poollab lesson` share before their own checks: the
// subcommand's word taken out, --help/-h, --json and the options that take a value
// parsed, a flag given twice refused, the verb taken; each error names the subcommand
// and its --help.
class SubcommandParser
{
public:
    SubcommandParser(QString name, QString helpText, CommandLine::Action action, QString CommandLine::*verb)
        : m_name(std::move(name)), m_action(action), m_verb(verb)
    {
        cl.helpText = std::move(helpText);
        p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
        p.addOption(QCommandLineOption(QStringList{QStringLiteral("help"), QStringLiteral("h")}));
        p.addOption(QCommandLineOption(QStringLiteral("json")));
    }
    // options: each flag with its value's name ("FILE"). False when cl is what to
    // return: a parse error, or --help asked (the verb "help").
    bool parse(QStringList arguments, std::initializer_list<std::pair<const char*, const char*>> options)
    {
        for (const auto& [flag, valueName] : options)
            p.addOption(QCommandLineOption(latin(flag), QString(), latin(valueName)));
        arguments.removeAt(1); // the subcommand's word
        if (!p.parse(arguments)) {
            fail(m_name + QStringLiteral(": ") + p.errorText() +
                 QStringLiteral(" (see poollab %1 --help)").arg(m_name));
            return false;
        }
        if (p.isSet(QStringLiteral("help"))) {
            cl.action = m_action;
            cl.*m_verb = QStringLiteral("help");
            return false;
        }
        return true;
    }
    CommandLine fail(const QString& message)
    {
        cl.action = CommandLine::Action::Error;
        cl.error = message;
        return cl;
    }
    // "--csv is given 2 times: give it once"; empty when given at most once.
    QString givenTwice(const char* flag) const
    {
        const qsizetype times = p.values(latin(flag)).size();
        if (times <= 1)
            return {};
        return QStringLiteral("--%1 is given %2 times: give it once").arg(latin(flag)).arg(times);
    }
    // The first word, one of verbs (set in cl); the words after it are left in words.
    // False (cl an error) without one.
    bool takeVerb(const QStringList& verbs, QStringList& words)
    {
        words = p.positionalArguments();
        if (words.isEmpty()) {
            fail(QStringLiteral("%1: a subcommand is needed: %2 (see poollab %1 --help)")
                     .arg(m_name, verbs.join(QStringLiteral(", "))));
            return false;
        }
        const QString verb = words.takeFirst();
        if (!verbs.contains(verb)) {
            fail(QStringLiteral("%1: unknown subcommand %2; allowed: %3")
                     .arg(m_name, quoted(verb), verbs.join(QStringLiteral(", "))));
            return false;
        }
        cl.*m_verb = verb;
        return true;
    }
    // cl, read whole.
    CommandLine done()
    {
        cl.action = m_action;
        return cl;
    }

    QCommandLineParser p;
    CommandLine cl;

private:
    QString m_name;
    CommandLine::Action m_action;
    QString CommandLine::*m_verb;
};

// `poollab runs VERB [ID...] [--runs-db FILE] [--json] [--csv FILE] [--summary-csv FILE]`.
CommandLine parseRunsCommand(const QStringList& arguments)
{
    SubcommandParser sub(QStringLiteral("runs"), runsHelpText(), CommandLine::Action::Runs,
                         &CommandLine::runsVerb);
    if (!sub.parse(arguments, {{"runs-db", "FILE"}, {"csv", "FILE"}, {"summary-csv", "FILE"}}))
        return sub.cl;
    for (const char* flag : {"runs-db", "csv", "summary-csv"}) {
        if (QString why = sub.givenTwice(flag); !why.isEmpty())
            return sub.fail(why);
    }
    QStringList words;
    if (!sub.takeVerb(kRunsVerbs, words))
        return sub.cl;
    const QCommandLineParser& p = sub.p;
    CommandLine& cl = sub.cl;
    cl.runsJson = p.isSet(QStringLiteral("json"));
    cl.runsDbPath = p.value(QStringLiteral("runs-db"));
    cl.csvPath = p.value(QStringLiteral("csv"));
    cl.summaryCsvPath = p.value(QStringLiteral("summary-csv"));
    if (p.isSet(QStringLiteral("runs-db")) && cl.runsDbPath.isEmpty())
        return sub.fail(QStringLiteral("--runs-db: a file name is needed"));
    if (QString why = readRunIds(cl.runsVerb, words, cl); !why.isEmpty())
        return sub.fail(why);
    if (QString why = checkRunsVerb(p, cl.runsVerb, cl); !why.isEmpty())
        return sub.fail(why);
    return sub.done();
}

// `poollab lesson` verbs: usage and what each does (lesson --help and the man page).
std::span<const std::pair<const char*, const char*>> lessonVerbHelp()
{
    static constexpr std::pair<const char*, const char*> verbs[] = {
        {"list [--json] [--lessons-dir DIR]",
         "The built-in lessons, then those in DIR (*.json): name, level, steps, questions and title."},
        {"show NAME|FILE [--json] [--lessons-dir DIR]", "One lesson: its steps' text, scenarios, questions "
                                                        "and explanations. --json gives every step with its "
                                                        "scenario and questions."},
        {"check NAME|FILE --answers FILE [--json] [--lessons-dir DIR]",
         "Grade an answers file ({\"question-id\": value}) against the lesson's scenarios run in virtual "
         "time "
         "with their seeds: each verdict with the measured value and the tolerance. Exit 0 all right, 1 any "
         "wrong or missing, 2 bad input."},
    };
    return verbs;
}

const QStringList kLessonVerbs = {QStringLiteral("list"), QStringLiteral("show"), QStringLiteral("check")};

// What each lesson verb takes: list nothing, show and check one lesson, check --answers.
QString checkLessonVerb(const QCommandLineParser& p, const QString& verb, const QStringList& words,
                        CommandLine& cl)
{
    const bool list = verb == QLatin1String("list");
    if (list && !words.isEmpty())
        return QStringLiteral("lesson list takes no lesson, not %1 (see poollab lesson --help)")
            .arg(quoted(words.first()));
    if (!list && words.size() != 1)
        return QStringLiteral("lesson %1 takes one lesson NAME or FILE, not %2 (see poollab lesson list)")
            .arg(verb)
            .arg(words.size());
    if (!list)
        cl.lessonTarget = words.first();
    const bool checking = verb == QLatin1String("check");
    if (p.isSet(QStringLiteral("answers")) && !checking)
        return QStringLiteral("lesson %1: --answers is for lesson check").arg(verb);
    if (checking && cl.answersPath.isEmpty())
        return QStringLiteral("lesson check needs --answers FILE.json ({\"question-id\": value, ...})");
    return {};
}

// `poollab lesson VERB [NAME|FILE] [--lessons-dir DIR] [--json] [--answers FILE]`.
CommandLine parseLessonCommand(const QStringList& arguments)
{
    SubcommandParser sub(QStringLiteral("lesson"), lessonHelpText(), CommandLine::Action::Lesson,
                         &CommandLine::lessonVerb);
    if (!sub.parse(arguments, {{"lessons-dir", "DIR"}, {"answers", "FILE"}}))
        return sub.cl;
    const QCommandLineParser& p = sub.p;
    for (const char* flag : {"lessons-dir", "answers"}) {
        if (QString why = sub.givenTwice(flag); !why.isEmpty())
            return sub.fail(why);
        if (p.isSet(latin(flag)) && p.value(latin(flag)).isEmpty())
            return sub.fail(
                QStringLiteral("--%1: a %2 name is needed")
                    .arg(latin(flag), flag[0] == 'a' ? QStringLiteral("file") : QStringLiteral("folder")));
    }
    QStringList words;
    if (!sub.takeVerb(kLessonVerbs, words))
        return sub.cl;
    CommandLine& cl = sub.cl;
    cl.runsJson = p.isSet(QStringLiteral("json"));
    cl.lessonsDir = p.value(QStringLiteral("lessons-dir"));
    cl.answersPath = p.value(QStringLiteral("answers"));
    if (!cl.lessonsDir.isEmpty() && !QFileInfo(cl.lessonsDir).isDir())
        return sub.fail(QStringLiteral("--lessons-dir: %1 is not a folder").arg(quoted(cl.lessonsDir)));
    if (QString why = checkLessonVerb(p, cl.lessonVerb, words, cl); !why.isEmpty())
        return sub.fail(why);
    return sub.done();
}

// The metrics endpoint.
QString readMetricsFlags(const Flags& flags, bool headless, CommandLine& cl)
{
    if (flags.isSet("metrics-port")) {
        const QString text = flags.value("metrics-port");
        bool ok = false;
        const qlonglong port = text.trimmed().toLongLong(&ok);
        if (!ok)
            return QStringLiteral("--metrics-port: %1 is not a whole number; allowed: a whole number "
                                  "from 1 to 65535")
                .arg(quoted(text));
        if (port < 1 || port > 65535)
            return rangeError(QStringLiteral("metrics-port"), text,
                              QStringLiteral("a whole number from 1 to 65535"));
        cl.metricsPort = static_cast<int>(port);
    }
    if (flags.isSet("metrics-linger")) {
        const QString text = flags.value("metrics-linger");
        const auto ns = parseDuration(text.toStdString());
        const QString allowed =
            QStringLiteral("a duration from 0ms to 1h with a unit (us, ms, s, m, h), e.g. 50ms");
        if (!ns)
            return QStringLiteral("--metrics-linger: %1 is not a duration; allowed: %2")
                .arg(quoted(text), allowed);
        if (*ns > 3600 * kSecond)
            return rangeError(QStringLiteral("metrics-linger"), elided(text), allowed);
        cl.metricsLinger = *ns;
    }
    if (flags.isSet("metrics-address")) {
        const QString text = flags.value("metrics-address");
        if (QHostAddress(text).isNull())
            return QStringLiteral("--metrics-address: %1 is not an IP address; allowed: an IPv4 or IPv6 "
                                  "address, e.g. 127.0.0.1 or ::1")
                .arg(quoted(text));
        cl.metricsAddress = text;
    }
    if (cl.metricsPort == 0 && (flags.isSet("metrics-address") || flags.isSet("metrics-linger")))
        return QStringLiteral("--metrics-address and --metrics-linger need --metrics-port (1..65535)");
    if (!headless && flags.isSet("metrics-linger"))
        return QStringLiteral("--metrics-linger needs --headless (the window serves metrics until it "
                              "closes)");
    return {};
}

} // namespace

QString manPageText()
{
    const auto line = [](const QString& text) -> QString { return roffEscape(text) + QLatin1Char('\n'); };
    QString page = QStringLiteral(".TH POOLLAB 1 \"\" \"PoolLab %1\" \"User Commands\"\n")
                       .arg(QStringLiteral(POOLLAB_VERSION));
    page += QStringLiteral(".SH NAME\n") + line(QStringLiteral("poollab - ") + kSummary);
    page += QStringLiteral(".SH SYNOPSIS\n.B poollab\n[\\fIoptions\\fR]\n");
    page +=
        QStringLiteral(".SH DESCRIPTION\n") +
        line(QStringLiteral("PoolLab is a workbench for worker pools: N workers taking jobs from a bounded "
                            "queue, under load, changed while it runs, on real threads or in virtual "
                            "time. ") +
             kDescription) +
        QStringLiteral(".PP\n") + line(kConventions);
    for (const Section& s : sections()) {
        page += QStringLiteral(".SH ") + line(s.heading.toUpper());
        if (!s.intro.isEmpty())
            page += line(s.intro);
        for (const OptionDef& o : s.options) {
            QString head =
                QStringLiteral("\\fB\\-\\-") + roffEscape(o.names.first()) + QStringLiteral("\\fR");
            if (!o.valueName.isEmpty())
                head += QStringLiteral(" \\fI") + roffEscape(o.valueName) + QStringLiteral("\\fR");
            for (const QString& alias : o.names.mid(1)) {
                if (alias.size() == 1)
                    head += QStringLiteral(", \\fB\\-") + roffEscape(alias) + QStringLiteral("\\fR");
            }
            page += QStringLiteral(".TP\n") + head + QLatin1Char('\n') + line(o.help);
        }
    }
    page += QStringLiteral(".SH RUNS SUBCOMMANDS\n") +
            line(QStringLiteral("poollab runs VERB [ID...] [--runs-db FILE] works on the recorded runs:"));
    for (const auto& [usage, help] : runsVerbHelp())
        page += QStringLiteral(".TP\n\\fBpoollab runs ") + roffEscape(latin(usage)) +
                QStringLiteral("\\fR\n") + line(latin(help));
    page += QStringLiteral(".SH LESSON SUBCOMMANDS\n") +
            line(QStringLiteral("poollab lesson VERB works on lessons, graded predict-run-compare exercises "
                                "(docs/LESSONS.md):"));
    for (const auto& [usage, help] : lessonVerbHelp())
        page += QStringLiteral(".TP\n\\fBpoollab lesson ") + roffEscape(latin(usage)) +
                QStringLiteral("\\fR\n") + line(latin(help));
    page += QStringLiteral(".SH EXIT STATUS\n") + line(kExitStatus);
    page += QStringLiteral(".SH EXAMPLES\n");
    for (const char* example :
         {"poollab --list-presets",
          "poollab --headless --preset signup-burst --time virtual --summary-json -",
          "poollab --headless --preset retry-storm --csv run.csv --summary-csv summary.csv",
          "poollab --headless --preset retry-storm --time virtual --record --run-name before",
          "poollab runs list", "poollab runs compare 1 2",
          "poollab --headless --preset mmc-queue --sweep workers=8:14:1 --warmup 60s --target "
          "'wait.p99<100ms'",
          "poollab lesson list", "poollab lesson check littles-law --answers answers.json",
          "poollab --preset mmc-queue --start"})
        page += QStringLiteral(".PP\n.nf\n") + line(latin(example)) + QStringLiteral(".fi\n");
    page += QStringLiteral(".SH LICENSE\nGPL\\-3.0\\-or\\-later.\n");
    return page;
}

QString presetListText()
{
    QString text;
    for (const PresetInfo& p : listPresets()) {
        text += p.id + QStringLiteral("  ") + p.title + QLatin1Char('\n');
        text += wrap(p.description, 4, kHelpWidth) + QLatin1Char('\n');
    }
    text += QStringLiteral("Run one with: poollab --headless --preset ID (add --time virtual to run it in "
                           "simulated time).\n");
    return text;
}

QString runsHelpText()
{
    QString text = QStringLiteral("Usage: poollab runs VERB [ID...] [--runs-db FILE] [options]\n\n");
    text +=
        wrap(QStringLiteral("The runs kept by poollab --headless --record (and by the window), in the runs "
                            "database: --runs-db FILE, or runs.sqlite in PoolLab's data folder "
                            "(~/.local/share/PoolLab/PoolLab on Linux)."),
             0, kHelpWidth);
    text += QStringLiteral("\nVerbs:\n");
    for (const auto& [usage, help] : runsVerbHelp())
        text += QStringLiteral("  ") + latin(usage) + QLatin1Char('\n') +
                wrap(latin(help), kHelpIndent, kHelpWidth);
    text += QLatin1Char('\n') +
            wrap(QStringLiteral("Exit status: 0 done, 1 a database that cannot be read or written (not a "
                                "PoolLab runs database, corrupt, newer, full), 2 bad input or an unknown run "
                                "id."),
                 0, kHelpWidth);
    return text;
}

QString lessonHelpText()
{
    QString text = QStringLiteral("Usage: poollab lesson VERB [NAME|FILE] [options]\n\n");
    text += wrap(
        QStringLiteral("Lessons: predict, run, compare. Each step of a lesson has a scenario and questions; "
                       "answers are graded against the scenario run in virtual time with its seed. The "
                       "format is in docs/LESSONS.md."),
        0, kHelpWidth);
    text += QStringLiteral("\nVerbs:\n");
    for (const auto& [usage, help] : lessonVerbHelp())
        text += QStringLiteral("  ") + latin(usage) + QLatin1Char('\n') +
                wrap(latin(help), kHelpIndent, kHelpWidth);
    text +=
        QLatin1Char('\n') +
        wrap(QStringLiteral("Exit status: 0 done (check: every answer right), 1 check: an answer wrong or "
                            "missing, 2 bad input (an unknown lesson, a lesson or answers file that does not "
                            "load, with the file and the field named)."),
             0, kHelpWidth);
    return text;
}

CommandLine parseCommandLine(const QStringList& arguments)
{
    if (arguments.size() > 1 && arguments[1] == QLatin1String("runs"))
        return parseRunsCommand(arguments);
    if (arguments.size() > 1 && arguments[1] == QLatin1String("lesson"))
        return parseLessonCommand(arguments);
    CommandLine cl;
    const std::vector<Section> all = sections();
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    for (const Section& s : all) {
        for (const OptionDef& d : s.options) {
            QCommandLineOption option(d.names, d.help);
            if (!d.valueName.isEmpty())
                option.setValueName(d.valueName);
            p.addOption(option);
        }
    }
    cl.helpText = helpText(all);

    const auto fail = [&cl](const QString& message) {
        cl.action = CommandLine::Action::Error;
        cl.error = message;
        return cl;
    };
    const Flags flags{p};
    if (!p.parse(arguments))
        return fail(p.errorText() + QStringLiteral(" (see --help)"));
    if (flags.isSet("help")) {
        cl.action = CommandLine::Action::Help;
        return cl;
    }
    if (flags.isSet("version")) {
        cl.action = CommandLine::Action::Version;
        return cl;
    }
    if (flags.isSet("list-presets")) {
        cl.action = CommandLine::Action::ListPresets;
        return cl;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(
            QStringLiteral("unexpected argument '%1' (see --help)").arg(p.positionalArguments().first()));

    const bool headless = flags.isSet("headless");
    cl.startImmediately = flags.isSet("start");
    cl.quiet = flags.isSet("quiet");
    cl.csvPath = flags.value("csv");
    cl.summaryCsvPath = flags.value("summary-csv");
    cl.summaryJsonPath = flags.value("summary-json");
    cl.saveScenarioPath = flags.value("save-scenario");
    // In this order: each step may rely on the ones before it.
    if (QString why = checkRepeatedFlags(flags, all); !why.isEmpty())
        return fail(why);
    if (QString why = readWindowFlags(flags, headless, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readOutputFlags(flags, headless, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readStartingScenario(flags, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readScenarioFlags(flags, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readMetricsFlags(flags, headless, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readRunFlags(flags, headless, cl); !why.isEmpty())
        return fail(why);
    if (QString why = readExperimentFlags(flags, headless, cl); !why.isEmpty())
        return fail(why);

    if (headless)
        cl.action = CommandLine::Action::Headless;
    else if (!cl.saveScenarioPath.isEmpty())
        cl.action = CommandLine::Action::SaveScenario;
    else
        cl.action = CommandLine::Action::Window;
    return cl;
}

} // namespace poollab
