// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/metrics_exposition.h"

#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <cmath>
#include <limits>

using namespace poollab;

namespace {

const QString kGoldenPath = QStringLiteral(POOLLAB_SOURCE_DIR "/tests/app/data/metrics_golden.txt");

// Every field set to a distinct value, so that a family reading the wrong field shows.
Snapshot syntheticSnapshot()
{
    Snapshot s;
    s.elapsedNs = 12'500 * kMilli;
    s.runNs = 12 * kSecond;
    s.state = PoolState::Running;
    s.counters.submitted = 1000;
    s.counters.rejected = 7;
    s.counters.refused = 2;
    s.counters.dropped = 5;
    s.counters.succeeded = 900;
    s.counters.failed = 30;
    s.counters.cancelled = 3;
    s.counters.attempts = 1012;
    s.counters.retries = 40;
    s.counters.timedOut = 4;
    s.counters.throttled = 12;
    s.counters.arrivedToBusy = 410;
    s.queued = 40;
    s.inFlight = 15;
    s.backingOff = 2;
    s.queueCapacity = 100;
    s.workers = 8;
    s.liveWorkers = 9;
    s.busyWorkers = 6;
    s.throttledWorkers = 1;
    s.busyNs = 48'500 * kMilli;
    s.workerNs = 96 * kSecond;
    s.wait.record(0, 100);
    s.wait.record(150 * kMicro, 50);
    s.wait.record(3 * kMilli, 20);
    s.wait.record(75 * kSecond);      // past the last bound: only in +Inf
    s.service.record(1 * kMilli, 10); // exactly on a bound: see boundExactness()
    s.service.record(20 * kMilli, 800);
    s.service.record(400 * kMilli, 100);
    s.total.record(30 * kMilli, 900);
    s.total.record(1'200 * kMilli, 30);
    return s; // throttle stays empty: an empty histogram is exposed too
}

MetricsRunInfo syntheticInfo()
{
    // Quote, backslash and line feed, plus UTF-8, all through the label escaping.
    return {QString::fromUtf8("say \"hi\" C:\\pool\nline 2 \xc3\xa9"), QStringLiteral("virtual")};
}

} // namespace

class TestMetricsExposition : public QObject
{
    Q_OBJECT

private slots:
    void escapeLabelValue_data();
    void escapeLabelValue();
    void escapeHelp_data();
    void escapeHelp();
    void formatValue_data();
    void formatValue();
    void formatBound_data();
    void formatBound();
    void writerEscapes();
    void bounds();
    void boundExactness_data();
    void boundExactness();
    void golden();
    void structure();
    void invariantHoldsInExposition();
};

void TestMetricsExposition::escapeLabelValue_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("plain") << QByteArray("success") << QByteArray("success");
    QTest::newRow("quote") << QByteArray("a\"b") << QByteArray("a\\\"b");
    QTest::newRow("backslash") << QByteArray("a\\b") << QByteArray("a\\\\b");
    QTest::newRow("newline") << QByteArray("a\nb") << QByteArray("a\\nb");
    QTest::newRow("all three") << QByteArray("\"\\\n") << QByteArray("\\\"\\\\\\n");
    QTest::newRow("escaped-looking text") << QByteArray("\\n") << QByteArray("\\\\n");
    QTest::newRow("tab and CR untouched") << QByteArray("a\tb\rc") << QByteArray("a\tb\rc");
    QTest::newRow("utf-8 untouched") << QByteArray("\xc3\xa9t\xc3\xa9") << QByteArray("\xc3\xa9t\xc3\xa9");
}

void TestMetricsExposition::escapeLabelValue()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(poollab::escapeLabelValue(input), expected);
}

void TestMetricsExposition::escapeHelp_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("Jobs submitted.") << QByteArray("Jobs submitted.");
    QTest::newRow("backslash") << QByteArray("C:\\x") << QByteArray("C:\\\\x");
    QTest::newRow("newline") << QByteArray("one\ntwo") << QByteArray("one\\ntwo");
    // HELP text does not escape quotes (only label values do).
    QTest::newRow("quote untouched") << QByteArray("a \"b\"") << QByteArray("a \"b\"");
}

void TestMetricsExposition::escapeHelp()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(escapeMetricHelp(input), expected);
}

void TestMetricsExposition::formatValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("zero") << 0.0 << QByteArray("0");
    QTest::newRow("one") << 1.0 << QByteArray("1");
    QTest::newRow("half") << 0.5 << QByteArray("0.5");
    QTest::newRow("tenth") << 0.1 << QByteArray("0.1");
    QTest::newRow("small") << 1e-5 << QByteArray("1e-05");
    QTest::newRow("large integer") << 123456789.0 << QByteArray("123456789");
    QTest::newRow("negative") << -2.25 << QByteArray("-2.25");
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
}

void TestMetricsExposition::formatValue()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(formatMetricValue(value), expected);
}

void TestMetricsExposition::formatBound_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("100us") << 0.0001 << QByteArray("0.0001");
    QTest::newRow("2.5ms") << 0.0025 << QByteArray("0.0025");
    QTest::newRow("1s") << 1.0 << QByteArray("1");
    QTest::newRow("60s") << 60.0 << QByteArray("60");
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
}

void TestMetricsExposition::formatBound()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(formatBucketBound(value), expected);
}

void TestMetricsExposition::writerEscapes()
{
    MetricsTextWriter w;
    w.family("x_total", "counter", "Line one\nback\\slash \"quoted\"");
    w.sample("x_total", MetricsTextWriter::label("path", "C:\\a\"b\nc"),
             std::uint64_t{18446744073709551615ULL});
    w.sample("x_total", {}, 0.25);
    QCOMPARE(w.take(), QByteArray("# HELP x_total Line one\\nback\\\\slash \"quoted\"\n"
                                  "# TYPE x_total counter\n"
                                  "x_total{path=\"C:\\\\a\\\"b\\nc\"} 18446744073709551615\n"
                                  "x_total 0.25\n"));
}

void TestMetricsExposition::bounds()
{
    const auto b = metricsLatencyBoundsNs();
    QCOMPARE(b.size(), std::size_t{18});
    QCOMPARE(b.front(), 100 * kMicro);
    QCOMPARE(b.back(), 60 * kSecond);
    for (std::size_t i = 1; i < b.size(); ++i)
        QVERIFY2(b[i - 1] < b[i], "bounds must ascend");
}

void TestMetricsExposition::boundExactness_data()
{
    // The first le that counts a value. Engine buckets near 1 ms are 8192 ns wide and
    // the one holding 1 ms starts at 999424 ns: values from there up to 1 ms count at
    // the next bound, never the other way (an le bucket never counts a larger value).
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QByteArray>("firstLe");
    QTest::newRow("0") << qint64{0} << QByteArray("0.0001");
    QTest::newRow("99us") << qint64{99 * kMicro} << QByteArray("0.0001");
    QTest::newRow("999423ns") << qint64{999'423} << QByteArray("0.001");
    QTest::newRow("999424ns") << qint64{999'424} << QByteArray("0.0025");
    QTest::newRow("1ms") << qint64{kMilli} << QByteArray("0.0025");
    QTest::newRow("1ms+1ns") << qint64{kMilli + 1} << QByteArray("0.0025");
    QTest::newRow("59s") << qint64{59 * kSecond} << QByteArray("60");
    QTest::newRow("61s") << qint64{61 * kSecond} << QByteArray("+Inf");
}

void TestMetricsExposition::boundExactness()
{
    QFETCH(qint64, value);
    QFETCH(QByteArray, firstLe);
    Snapshot s;
    s.service.record(value);
    const QByteArray text = renderMetrics(s);
    const QRegularExpression re(
        QStringLiteral("^poollab_service_time_seconds_bucket\\{le=\"([^\"]+)\"\\} 1$"),
        QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(text));
    QVERIFY2(m.hasMatch(), text.constData());
    QCOMPARE(m.captured(1).toUtf8(), firstLe);
}

void TestMetricsExposition::golden()
{
    const QByteArray actual = renderMetrics(syntheticSnapshot(), syntheticInfo());
    if (qEnvironmentVariableIsSet("POOLLAB_UPDATE_GOLDEN")) {
        QFile out(kGoldenPath);
        QVERIFY(out.open(QIODevice::WriteOnly));
        out.write(actual);
        QSKIP("golden file rewritten");
    }
    QFile file(kGoldenPath);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(kGoldenPath));
    const QByteArray expected = file.readAll();
    const QList<QByteArray> a = actual.split('\n');
    const QList<QByteArray> e = expected.split('\n');
    for (qsizetype i = 0; i < std::min(a.size(), e.size()); ++i)
        QVERIFY2(a[i] == e[i], qPrintable(QStringLiteral("line %1: got '%2', golden '%3'")
                                              .arg(i + 1)
                                              .arg(QString::fromUtf8(a[i]), QString::fromUtf8(e[i]))));
    QCOMPARE(a.size(), e.size());
    QCOMPARE(actual, expected);
}

// What promtool checks in CI, checked here without it: HELP and TYPE once per family,
// before its samples; samples named after the family; buckets ascending and cumulative,
// ending in +Inf equal to _count.
void TestMetricsExposition::structure()
{
    const QByteArray text = renderMetrics(syntheticSnapshot(), syntheticInfo());
    QVERIFY(text.endsWith('\n'));
    QSet<QByteArray> seen;
    QByteArray family;
    QByteArray type;
    std::uint64_t lastBucket = 0;
    double lastLe = -1;
    std::uint64_t infBucket = 0;
    int families = 0;
    const QRegularExpression sampleRe(
        QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\["
                       "\\\\\"n])*\",?)*\\})? (\\S+)$"));
    for (const QByteArray& line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        if (line.startsWith("# HELP ")) {
            family = line.mid(7, line.indexOf(' ', 7) - 7);
            QVERIFY2(!seen.contains(family), family.constData());
            seen.insert(family);
            QVERIFY2(family.startsWith("poollab_"), family.constData());
            ++families;
            continue;
        }
        if (line.startsWith("# TYPE ")) {
            const QList<QByteArray> parts = line.split(' ');
            QCOMPARE(parts.size(), 4);
            QCOMPARE(parts[2], family);
            type = parts[3];
            QVERIFY(type == "gauge" || type == "counter" || type == "histogram");
            QCOMPARE(type == "counter", family.endsWith("_total"));
            lastLe = -1;
            continue;
        }
        const QRegularExpressionMatch m = sampleRe.match(QString::fromUtf8(line));
        QVERIFY2(m.hasMatch(), line.constData());
        const QByteArray name = m.captured(1).toUtf8();
        const QByteArray value = m.captured(3).toUtf8();
        if (type != "histogram") {
            QCOMPARE(name, family);
            continue;
        }
        bool ok = false;
        if (name == family + "_bucket") {
            const std::uint64_t count = value.toULongLong(&ok);
            QVERIFY(ok);
            const QString le = m.captured(2).section(QLatin1Char('"'), 1, 1);
            const double bound =
                le == QLatin1String("+Inf") ? std::numeric_limits<double>::infinity() : le.toDouble(&ok);
            QVERIFY(ok);
            QVERIFY2(bound > lastLe, line.constData());
            if (lastLe >= 0)
                QVERIFY2(count >= lastBucket, line.constData());
            lastLe = bound;
            lastBucket = count;
            if (std::isinf(bound))
                infBucket = count;
        } else if (name == family + "_count") {
            QCOMPARE(value.toULongLong(&ok), infBucket);
            QVERIFY(std::isinf(lastLe));
        } else {
            QCOMPARE(name, family + "_sum");
        }
    }
    QCOMPARE(families, 21);
}

// The counters of one scrape add up like the snapshot's do.
void TestMetricsExposition::invariantHoldsInExposition()
{
    const Snapshot s = syntheticSnapshot();
    QVERIFY(s.invariantHolds());
    const QByteArray text = renderMetrics(s);
    const auto value = [&text](const char* series) {
        const QByteArray prefix = QByteArray(series) + ' ';
        for (const QByteArray& line : text.split('\n'))
            if (line.startsWith(prefix))
                return line.mid(prefix.size()).toLongLong();
        return -1LL;
    };
    long long outcomes = 0;
    for (const char* o : {"success", "failure", "rejected", "dropped", "cancelled"})
        outcomes +=
            value(QByteArray("poollab_job_outcomes_total{outcome=\"" + QByteArray(o) + "\"}").constData());
    QCOMPARE(value("poollab_jobs_submitted_total"),
             outcomes + value("poollab_queue_depth") + value("poollab_jobs_in_flight"));
    QCOMPARE(value("poollab_jobs_submitted_total"), 1000LL);
}

QTEST_GUILESS_MAIN(TestMetricsExposition)
#include "tst_metrics_exposition.moc"
