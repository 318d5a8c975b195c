// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/duration.h"

#include <QTest>

#include <limits>

using namespace poollab;

class TestDuration : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void formatRoundTrips_data();
    void formatRoundTrips();
};

void TestDuration::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("ns");
    QTest::newRow("ms") << QStringLiteral("500ms") << true << qint64(500'000'000);
    QTest::newRow("fraction s") << QStringLiteral("1.5s") << true << qint64(1'500'000'000);
    QTest::newRow("us") << QStringLiteral("250us") << true << qint64(250'000);
    QTest::newRow("ns") << QStringLiteral("7ns") << true << qint64(7);
    QTest::newRow("minutes") << QStringLiteral("2m") << true << qint64(120'000'000'000);
    QTest::newRow("hour") << QStringLiteral("1h") << true << qint64(3'600'000'000'000);
    QTest::newRow("bare zero") << QStringLiteral("0") << true << qint64(0);
    QTest::newRow("zero ms") << QStringLiteral("0ms") << true << qint64(0);
    QTest::newRow("spaces") << QStringLiteral(" 5ms ") << true << qint64(5'000'000);
    QTest::newRow("no unit") << QStringLiteral("50") << false << qint64(0);
    QTest::newRow("negative") << QStringLiteral("-5ms") << false << qint64(0);
    QTest::newRow("bad unit") << QStringLiteral("5 parsecs") << false << qint64(0);
    QTest::newRow("empty") << QString() << false << qint64(0);
    QTest::newRow("nan") << QStringLiteral("nanms") << false << qint64(0);
    QTest::newRow("huge") << QStringLiteral("1e30s") << false << qint64(0);
    QTest::newRow("inf") << QStringLiteral("infs") << false << qint64(0);
    QTest::newRow("negative zero") << QStringLiteral("-0ms") << false << qint64(0);
    // Issue #19 case 6: parsed, then formatted for the range message.
    QTest::newRow("1e8.5 s") << QStringLiteral("100000000.5s") << true << qint64(100'000'000'500'000'000);
    QTest::newRow("largest") << QStringLiteral("9200000000000000000ns") << true
                             << qint64(9'200'000'000'000'000'000);
    QTest::newRow("past int64") << QStringLiteral("9300000000000000000ns") << false << qint64(0);
    QTest::newRow("past int64 in h") << QStringLiteral("2600000h") << false << qint64(0);
}

void TestDuration::parse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, ns);
    const auto parsed = parseDuration(text.toStdString());
    QCOMPARE(parsed.has_value(), valid);
    if (valid)
        QCOMPARE(*parsed, ns);
}

void TestDuration::formatRoundTrips_data()
{
    QTest::addColumn<qint64>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0ms");
    QTest::newRow("500ms") << qint64(500'000'000) << QStringLiteral("500ms");
    QTest::newRow("1.5s") << qint64(1'500'000'000) << QStringLiteral("1.5s");
    QTest::newRow("2s") << qint64(2'000'000'000) << QStringLiteral("2s");
    QTest::newRow("250us") << qint64(250'000) << QStringLiteral("250us");
    QTest::newRow("90s") << qint64(90'000'000'000) << QStringLiteral("90s");
    QTest::newRow("1h") << qint64(3'600'000'000'000) << QStringLiteral("1h");
    QTest::newRow("ms decimals") << qint64(1'234'000) << QStringLiteral("1.234ms");
    QTest::newRow("odd") << qint64(1'234'567) << QStringLiteral("1234567ns");
    QTest::newRow("s with leading zero decimals") << qint64(1'005'000'000) << QStringLiteral("1.005s");
    // Issue #19 case 6: ns * 1000 overflowed here (UBSan: signed overflow).
    QTest::newRow("1e8.5 s") << qint64(100'000'000'500'000'000) << QStringLiteral("100000000.5s");
    QTest::newRow("int64 max") << std::numeric_limits<qint64>::max()
                               << QStringLiteral("9223372036854775807ns");
    QTest::newRow("int64 max ms") << qint64(9'223'372'036'854'000'000) << QStringLiteral("9223372036.854s");
    QTest::newRow("int64 min") << std::numeric_limits<qint64>::min()
                               << QStringLiteral("-9223372036854775808ns");
    QTest::newRow("negative") << qint64(-1'500'000'000) << QStringLiteral("-1.5s");
    QTest::newRow("minus one") << qint64(-1) << QStringLiteral("-1ns");
}

void TestDuration::formatRoundTrips()
{
    QFETCH(qint64, ns);
    QFETCH(QString, text);
    QCOMPARE(QString::fromStdString(formatDuration(ns)), text);
    // Exact spellings read back to the same value.
    if (ns % 1000 == 0 && ns > 0 && ns <= 9'200'000'000'000'000'000)
        QCOMPARE(parseDuration(formatDuration(ns)).value(), ns);
}

QTEST_APPLESS_MAIN(TestDuration)
#include "tst_duration.moc"
