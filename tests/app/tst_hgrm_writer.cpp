// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/virtual_engine.h"
#include "io/hgrm_writer.h"

#include <QRegularExpression>
#include <QTest>

#include <cmath>

using namespace poollab;

namespace {

struct Row
{
    double value;
    double percentile;
    qint64 count;
};

std::vector<Row> rowsOf(const QStringList& lines)
{
    static const QRegularExpression row(
        QStringLiteral(R"(^ *(\d+\.\d{3}) (\d\.\d{12}) +(\d+)( +(\d+\.\d{2}|inf))?$)"));
    std::vector<Row> rows;
    for (const QString& line : lines) {
        const auto m = row.match(line);
        if (m.hasMatch())
            rows.push_back({m.captured(1).toDouble(), m.captured(2).toDouble(), m.captured(3).toLongLong()});
    }
    return rows;
}

} // namespace

class TestHgrmWriter : public QObject
{
    Q_OBJECT

private slots:
    void formatIsHdrHistograms()
    {
        Histogram h;
        for (Nanos us = 1; us <= 10'000; ++us)
            h.record(us * kMicro);
        const QString text = QString::fromUtf8(histogramToHgrm(h));
        const QStringList lines = text.split(QLatin1Char('\n'));
        QCOMPARE(lines[0], QStringLiteral("       Value     Percentile TotalCount 1/(1-Percentile)"));
        QCOMPARE(lines[1], QString());
        QCOMPARE(lines[2], QStringLiteral("       0.001 0.000000000000          1           1.00"));
        // Every line but the header, the blank and the footer is a row.
        const std::vector<Row> rows = rowsOf(lines);
        QCOMPARE(int(rows.size()), lines.size() - 2 - 3 - 1); // header, blank, footer, final newline
        // HdrHistogram's levels, 5 ticks per half distance: 10 % steps to 50 %, 5 % to
        // 75 %, 2.5 % to 87.5 %, ...
        const double levels[] = {0,      0.1, 0.2,    0.3,   0.4,    0.5,     0.55, 0.6,
                                 0.65,   0.7, 0.75,   0.775, 0.8,    0.825,   0.85, 0.875,
                                 0.8875, 0.9, 0.9125, 0.925, 0.9375, 0.94375, 0.95, 0.95625};
        for (std::size_t i = 0; i < std::size(levels); ++i)
            QVERIFY2(std::abs(rows[i].percentile - levels[i]) < 1e-12, qPrintable(QString::number(i)));
        // Values and counts never go down; the count reaches each level.
        for (std::size_t i = 1; i < rows.size(); ++i) {
            QVERIFY(rows[i].value >= rows[i - 1].value);
            QVERIFY(rows[i].count >= rows[i - 1].count);
            QVERIFY(rows[i].count >= std::ceil(rows[i].percentile * 10'000 - 1e-6));
        }
        QCOMPARE(lines[lines.size() - 5], QStringLiteral("      10.000 1.000000000000      10000"));
        QVERIFY(lines[lines.size() - 4].startsWith(QStringLiteral("#[Mean    =        5.00")));
        QVERIFY(lines[lines.size() - 4].contains(QStringLiteral(", StdDeviation   =        2.88")));
        QCOMPARE(lines[lines.size() - 3],
                 QStringLiteral("#[Max     =       10.000, Total count    =        10000]"));
        QCOMPARE(lines[lines.size() - 2],
                 QStringLiteral("#[Buckets =           37, SubBuckets     =          128]"));
        QCOMPARE(lines.last(), QString());
    }

    void emptyHistogramHasHeaderAndFooter()
    {
        const QString text = QString::fromUtf8(histogramToHgrm(Histogram()));
        QCOMPARE(text, QStringLiteral("       Value     Percentile TotalCount 1/(1-Percentile)\n\n"
                                      "#[Mean    =        0.000, StdDeviation   =        0.000]\n"
                                      "#[Max     =        0.000, Total count    =            0]\n"
                                      "#[Buckets =           37, SubBuckets     =          128]\n"));
    }

    void kindsParse()
    {
        HdrKind kind = HdrKind::Total;
        QVERIFY(parseHdrKind(QStringLiteral("total-uncorrected"), kind));
        QVERIFY(kind == HdrKind::TotalUncorrected);
        QVERIFY(!parseHdrKind(QStringLiteral("p99"), kind));
        QCOMPARE(hdrKindChoices(), QStringLiteral("total|wait|service|total-uncorrected"));
        QCOMPARE(toString(HdrKind::Wait), QStringLiteral("wait"));
    }

    // exp(10 ms): p99 = 10 ms x ln(100) = 46.05 ms. 200,000 draws put the sample's p99
    // within ~0.5 % of it, and a bucket is at most 1/128 off: 2 % holds both.
    void exponentialServiceHasItsP99()
    {
        Scenario s;
        s.workers = 100;
        s.queueCapacity = 1'000'000;
        s.latency = "exp(10ms)";
        s.arrival = ArrivalKind::Burst;
        s.jobs = 200'000;
        s.seed = 3;
        VirtualEngine engine(s);
        engine.start();
        QVERIFY(engine.waitFinished(120 * kSecond));
        const Histogram service = engine.snapshot().service;
        const double p99 = 10.0 * std::log(100.0);
        QVERIFY(std::abs(static_cast<double>(service.percentile(99)) / 1e6 - p99) < 0.02 * p99);
        const std::vector<Row> rows =
            rowsOf(QString::fromUtf8(histogramToHgrm(service)).split(QLatin1Char('\n')));
        // The rows around 99 %: the plotter draws the curve through them.
        const auto above =
            std::find_if(rows.begin(), rows.end(), [](const Row& r) { return r.percentile >= 0.99; });
        QVERIFY(above != rows.begin() && above != rows.end());
        QVERIFY2(std::prev(above)->value <= p99 * 1.02 && above->value >= p99 * 0.98,
                 qPrintable(QStringLiteral("%1 .. %2").arg(std::prev(above)->value).arg(above->value)));
        // Each row reads as the summary's percentile at its level does.
        for (const auto row : {std::prev(above), above})
            QCOMPARE(row->value,
                     std::round(static_cast<double>(service.percentile(row->percentile * 100)) / 1e3) / 1e3);
        QCOMPARE(rows.back().percentile, 1.0);
        QCOMPARE(rows.back().count, qint64{200'000});
    }
};

QTEST_GUILESS_MAIN(TestHgrmWriter)
#include "tst_hgrm_writer.moc"
