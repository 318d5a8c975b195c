// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/run_compare.h"
#include "io/summary_json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace poollab;
using namespace Qt::StringLiterals;

namespace {

// Two summaries with round figures, so every difference is exact.
RunSummary baselineSummary()
{
    RunSummary s;
    s.timeMode = "virtual";
    s.elapsedS = 10;
    s.workers = 4;
    s.queueCapacity = 100;
    s.counters.submitted = 1000;
    s.counters.succeeded = 1000;
    s.counters.failed = 0;
    s.counters.rejected = 0;
    s.counters.dropped = 0;
    s.counters.retries = 40;
    s.throughputPerS = 100;
    s.utilization = 0.5;
    s.wait = {1000, 2, 0, 1, 4, 6, 8, 9, 10};
    s.service = {1000, 50, 10, 50, 60, 70, 80, 90, 100};
    s.total = {1000, 52, 10, 51, 64, 80, 99, 105, 110};
    return s;
}

RunSummary otherSummary()
{
    RunSummary s = baselineSummary();
    s.elapsedS = 8;
    s.counters.submitted = 1200;
    s.counters.succeeded = 1197;
    s.counters.failed = 3;
    s.counters.retries = 30;
    s.throughputPerS = 150;
    s.utilization = 0.75;
    s.wait.mean = 1;
    s.total.p99 = 60;
    return s;
}

const ComparedMeasure& row(const RunComparison& c, const QString& key)
{
    for (const ComparedMeasure& r : c.rows)
        if (r.key == key)
            return r;
    static ComparedMeasure none;
    return none;
}

} // namespace

class TestRunCompare : public QObject
{
    Q_OBJECT

private slots:
    void figures_data();
    void figures();
    void rowsInTheDocumentedOrder();
    void textTableIsAligned();
    void jsonKeysInFixedOrder();
    void badSummaryNamesTheRun();
};

void TestRunCompare::figures_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<double>("baseline");
    QTest::addColumn<double>("other");
    QTest::addColumn<double>("difference");
    QTest::addColumn<double>("percent"); // -1000: no ratio (baseline 0)

    QTest::newRow("throughput") << u"throughput_per_s"_s << u"jobs/s"_s << 100.0 << 150.0 << 50.0 << 50.0;
    QTest::newRow("utilization") << u"utilization_pct"_s << u"%"_s << 50.0 << 75.0 << 25.0 << 50.0;
    QTest::newRow("elapsed") << u"elapsed_s"_s << u"s"_s << 10.0 << 8.0 << -2.0 << -20.0;
    QTest::newRow("submitted") << u"submitted"_s << u"jobs"_s << 1000.0 << 1200.0 << 200.0 << 20.0;
    QTest::newRow("succeeded") << u"succeeded"_s << u"jobs"_s << 1000.0 << 1197.0 << 197.0 << 19.7;
    QTest::newRow("failed") << u"failed"_s << u"jobs"_s << 0.0 << 3.0 << 3.0 << -1000.0;
    QTest::newRow("retries") << u"retries"_s << u"attempts"_s << 40.0 << 30.0 << -10.0 << -25.0;
    QTest::newRow("wait mean") << u"wait_mean_ms"_s << u"ms"_s << 2.0 << 1.0 << -1.0 << -50.0;
    QTest::newRow("total p99") << u"total_p99_ms"_s << u"ms"_s << 99.0 << 60.0 << -39.0
                               << -39.393939393939394;
    QTest::newRow("service max") << u"service_max_ms"_s << u"ms"_s << 100.0 << 100.0 << 0.0 << 0.0;
    QTest::newRow("throttle p50") << u"throttle_p50_ms"_s << u"ms"_s << 0.0 << 0.0 << 0.0 << -1000.0;
}

void TestRunCompare::figures()
{
    QFETCH(QString, key);
    QFETCH(QString, unit);
    QFETCH(double, baseline);
    QFETCH(double, other);
    QFETCH(double, difference);
    QFETCH(double, percent);
    const CompareInput runs[] = {{3, u"before"_s, summaryToJson(baselineSummary())},
                                 {7, u"after"_s, summaryToJson(otherSummary())}};
    QString error;
    const auto c = compareRuns(std::span<const CompareInput>(runs), &error);
    QVERIFY2(c, qPrintable(error));
    QCOMPARE(c->ids, (std::vector<std::int64_t>{3, 7}));
    const ComparedMeasure& r = row(*c, key);
    QCOMPARE(r.key, key);
    QCOMPARE(r.unit, unit);
    QCOMPARE(r.values, (std::vector<double>{baseline, other}));
    QCOMPARE(r.difference, (std::vector<double>{0.0, difference}));
    if (percent == -1000.0) {
        QVERIFY(!r.percent[0] && !r.percent[1]);
    } else {
        QVERIFY(r.percent[0] && r.percent[1]);
        QCOMPARE(*r.percent[0], 0.0);
        QCOMPARE(*r.percent[1], percent);
    }
}

void TestRunCompare::rowsInTheDocumentedOrder()
{
    const CompareInput runs[] = {{1, u"a"_s, summaryToJson(baselineSummary())}};
    QString error;
    const auto c = compareRuns(std::span<const CompareInput>(runs), &error);
    QVERIFY2(c, qPrintable(error));
    QStringList keys;
    for (const ComparedMeasure& r : c->rows)
        keys << r.key;
    QStringList expected{u"throughput_per_s"_s, u"utilization_pct"_s, u"elapsed_s"_s,
                         u"submitted"_s,        u"succeeded"_s,       u"failed"_s,
                         u"rejected"_s,         u"dropped"_s,         u"retries"_s};
    for (const char* kind : {"wait", "service", "total", "throttle"})
        for (const char* m : {"mean", "p50", "p95", "p99", "max"})
            expected << u"%1_%2_ms"_s.arg(QLatin1StringView(kind), QLatin1StringView(m));
    QCOMPARE(keys, expected);
}

void TestRunCompare::textTableIsAligned()
{
    const CompareInput runs[] = {{3, u"before"_s, summaryToJson(baselineSummary())},
                                 {7, u"after"_s, summaryToJson(otherSummary())}};
    const auto c = compareRuns(std::span<const CompareInput>(runs), nullptr);
    QVERIFY(c);
    const QStringList lines = comparisonToText(*c).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 1 + 29);
    QCOMPARE(lines[0], u"Measure        Unit      #3 before (baseline)  #7 after  diff       %"_s);
    QCOMPARE(lines[1], u"Throughput     jobs/s                     100       150   +50  +50.0%"_s);
    QCOMPARE(lines[6], u"Failed         jobs                         0         3    +3     n/a"_s);
    QCOMPARE(lines[23], u"Total p99      ms                          99        60   -39  -39.4%"_s);
}

void TestRunCompare::jsonKeysInFixedOrder()
{
    const CompareInput runs[] = {{3, u"before"_s, summaryToJson(baselineSummary())},
                                 {7, u"after \"x\""_s, summaryToJson(otherSummary())}};
    const auto c = compareRuns(std::span<const CompareInput>(runs), nullptr);
    QVERIFY(c);
    const QByteArray json = comparisonToJson(*c);
    QVERIFY(json.startsWith(
        "{\n  \"format\": \"poollab-compare/1\",\n  \"baseline\": 3,\n  \"runs\": [\n"
        "    {\"id\": 3, \"name\": \"before\"},\n    {\"id\": 7, \"name\": \"after \\\"x\\\"\"}\n"
        "  ],\n  \"measures\": [\n    {\"key\": \"throughput_per_s\", \"label\": \"Throughput\", "
        "\"unit\": \"jobs/s\", \"values\": [100, 150], \"difference\": [0, 50], \"percent\": [0, "
        "50]},\n"));
    QVERIFY(
        json.contains("{\"key\": \"failed\", \"label\": \"Failed\", \"unit\": \"jobs\", \"values\": [0, 3], "
                      "\"difference\": [0, 3], \"percent\": [null, null]}"));
    QJsonParseError e;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &e);
    QCOMPARE(e.error, QJsonParseError::NoError);
    QCOMPARE(doc.object().value(u"measures"_s).toArray().size(), 29);
}

void TestRunCompare::badSummaryNamesTheRun()
{
    const CompareInput runs[] = {{3, u"before"_s, summaryToJson(baselineSummary())}, {9, u"broken"_s, "{"}};
    QString error;
    QVERIFY(!compareRuns(std::span<const CompareInput>(runs), &error));
    QCOMPARE(error, u"run 9 (broken): its summary is not poollab-summary/1 JSON"_s);
}

QTEST_GUILESS_MAIN(TestRunCompare)
#include "tst_run_compare.moc"
