// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/sampler.h"
#include "io/csv_export.h"
#include "io/csv_writer.h"

#include <QDir>
#include <QFile>
#include <QLocale>
#include <QTemporaryDir>
#include <QTest>

#include <clocale>
#include <cmath>
#include <vector>

using namespace poollab;

namespace {

using Rows = QList<QStringList>;

// A strict RFC 4180 reader: CRLF row ends, quoted fields with doubled quotes. Fails
// the test (returns nothing) on anything else, so a sloppy writer shows.
Rows parseCsv(const QByteArray& data, bool* ok)
{
    Rows rows;
    QStringList row;
    QByteArray field;
    *ok = false;
    qsizetype i = 0;
    const qsizetype n = data.size();
    while (i < n) {
        if (data[i] == '"') {
            ++i;
            for (;;) {
                if (i >= n)
                    return {}; // unterminated quote
                if (data[i] == '"') {
                    if (i + 1 < n && data[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += data[i++];
            }
        } else {
            while (i < n && data[i] != ',' && data[i] != '\r' && data[i] != '\n') {
                if (data[i] == '"')
                    return {}; // a quote inside an unquoted field
                field += data[i++];
            }
        }
        row << QString::fromUtf8(field);
        field.clear();
        if (i < n && data[i] == ',') {
            ++i;
            continue;
        }
        if (i + 1 < n && data[i] == '\r' && data[i + 1] == '\n') {
            i += 2;
            rows << row;
            row.clear();
            continue;
        }
        return {}; // a bare LF or CR, or no row end at the end of the data
    }
    *ok = true;
    return rows;
}

double number(const QString& text)
{
    bool ok = false;
    const double v = text.toDouble(&ok); // QString::toDouble is always the C locale
    return ok ? v : std::nan("");
}

// A run whose numbers are known exactly: `completions[i]` jobs finish in interval i
// (of intervalsMs[i]), of which every third fails; arrivals, rejections and retries
// follow fixed patterns.
std::vector<Sample> syntheticSeries()
{
    const Nanos intervalsMs[] = {1000, 250, 300, 700, 1000, 1000, 333, 1};
    const int completions[] = {0, 7, 13, 0, 101, 57, 5, 1};
    Sampler sampler;
    Snapshot snap;
    snap.queueCapacity = 100;
    snap.workers = 4;
    Sample sample;
    std::vector<Sample> series;
    if (sampler.add(snap, sample)) // the first snapshot only sets the baseline
        return {};
    for (std::size_t i = 0; i < std::size(intervalsMs); ++i) {
        snap.elapsedNs += intervalsMs[i] * kMilli;
        snap.runNs = snap.elapsedNs;
        const auto done = static_cast<std::uint64_t>(completions[i]);
        snap.counters.submitted += done + 3;
        snap.counters.rejected += i % 2;
        snap.counters.retries += 2 * i;
        snap.counters.failed += done / 3;
        snap.counters.succeeded += done - done / 3;
        snap.counters.arrivedToBusy += done / 2;
        snap.queued = static_cast<std::int64_t>(i);
        if (i % 2 == 0) // token waits in every other interval
            snap.throttle.record(5 * kMilli, i + 1);
        for (std::uint64_t k = 0; k < done; ++k) {
            snap.total.record(static_cast<Nanos>(20 + k) * kMilli);
            snap.wait.record(static_cast<Nanos>(k) * kMilli);
            snap.service.record(20 * kMilli);
        }
        if (!sampler.add(snap, sample))
            return {};
        series.push_back(sample);
    }
    return series;
}

} // namespace

class TestCsvExport : public QObject
{
    Q_OBJECT

private slots:
    void escape_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QByteArray>("csv");
        QTest::newRow("plain") << QStringLiteral("wait") << QByteArray("wait");
        QTest::newRow("empty") << QString() << QByteArray();
        QTest::newRow("comma") << QStringLiteral("a,b") << QByteArray("\"a,b\"");
        QTest::newRow("quote") << QStringLiteral("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
        QTest::newRow("newline") << QStringLiteral("two\nlines") << QByteArray("\"two\nlines\"");
        QTest::newRow("crlf") << QStringLiteral("a\r\nb") << QByteArray("\"a\r\nb\"");
        QTest::newRow("formula =") << QStringLiteral("=SUM(A1)") << QByteArray("'=SUM(A1)");
        QTest::newRow("formula + with comma") << QStringLiteral("+1,2") << QByteArray("\"'+1,2\"");
        QTest::newRow("formula -") << QStringLiteral("-2") << QByteArray("'-2");
        QTest::newRow("formula @") << QStringLiteral("@cmd") << QByteArray("'@cmd");
        QTest::newRow("leading tab") << QStringLiteral("\tx") << QByteArray("'\tx");
        QTest::newRow("= later is fine") << QStringLiteral("a=b") << QByteArray("a=b");
        QTest::newRow("unicode") << QStringLiteral("Täst ✓") << QByteArray("T\xc3\xa4st \xe2\x9c\x93");
    }

    void escape()
    {
        QFETCH(QString, text);
        QFETCH(QByteArray, csv);
        QCOMPARE(CsvWriter::escape(text), csv);
    }

    void awkwardNamesReadBack()
    {
        const QStringList names = {QStringLiteral("plain"),      QStringLiteral("a,b"),
                                   QStringLiteral("\"quoted\""), QStringLiteral("multi\r\nline"),
                                   QStringLiteral("=1+1"),       QStringLiteral("")};
        CsvWriter csv;
        for (const QString& name : names) {
            csv.text(name);
            csv.number(1.5, 3);
            csv.endRow();
        }
        QCOMPARE(csv.rows(), int(names.size()));
        bool ok = false;
        const Rows rows = parseCsv(csv.data(), &ok);
        QVERIFY(ok);
        QCOMPARE(rows.size(), names.size());
        for (qsizetype i = 0; i < names.size(); ++i) {
            QCOMPARE(rows[i].size(), 2);
            const QString expected =
                names[i].startsWith(QLatin1Char('=')) ? QLatin1Char('\'') + names[i] : names[i];
            QCOMPARE(rows[i][0], expected);
            QCOMPARE(rows[i][1], QStringLiteral("1.5"));
        }
    }

    void formatNumber_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("zero") << 0.0 << 3 << QByteArray("0");
        QTest::newRow("negative zero") << -0.0 << 3 << QByteArray("0");
        QTest::newRow("rounds to zero") << -0.0001 << 3 << QByteArray("0");
        QTest::newRow("trims zeros") << 12.5 << 6 << QByteArray("12.5");
        QTest::newRow("integer") << 40.0 << 6 << QByteArray("40");
        QTest::newRow("rounds") << 2.0 / 3.0 << 3 << QByteArray("0.667");
        QTest::newRow("negative") << -1.25 << 3 << QByteArray("-1.25");
        QTest::newRow("large, no exponent") << 1e15 << 3 << QByteArray("1000000000000000");
        QTest::newRow("timestamp") << 1764265688.123456 << 3 << QByteArray("1764265688.123");
        QTest::newRow("nan is empty") << std::nan("") << 3 << QByteArray();
        QTest::newRow("inf is empty") << HUGE_VAL << 3 << QByteArray();
    }

    void formatNumber()
    {
        QFETCH(double, value);
        QFETCH(int, decimals);
        QFETCH(QByteArray, text);
        QCOMPARE(CsvWriter::formatNumber(value, decimals), text);
    }

    void timeSeriesReadsBackAndAddsUp()
    {
        const std::vector<Sample> series = syntheticSeries();
        QCOMPARE(series.size(), std::size_t{8});
        const double start = 1764265688.5;
        const QByteArray data = timeSeriesToCsv(series, start);
        bool ok = false;
        const Rows rows = parseCsv(data, &ok);
        QVERIFY(ok);
        QCOMPARE(rows.size(), qsizetype(series.size()) + 1);
        const QStringList header = timeSeriesCsvColumns();
        QCOMPARE(rows[0], header);
        QCOMPARE(header.size(), 37);
        QCOMPARE(header.first(), QStringLiteral("timestamp"));
        // Columns added later come last, so readers that index by position keep working.
        QCOMPARE(header[32], QStringLiteral("retries"));
        QCOMPARE(header.mid(33),
                 QStringList({QStringLiteral("throttle_p50_ms"), QStringLiteral("throttle_p95_ms"),
                              QStringLiteral("throttle_p99_ms"), QStringLiteral("arrived_to_busy")}));
        for (const QStringList& row : rows)
            QCOMPARE(row.size(), header.size());

        const auto col = [&header](const char* name) {
            const auto i = header.indexOf(QLatin1String(name));
            if (i < 0)
                qFatal("no column %s", name);
            return i;
        };
        // Rate x interval, summed over the rows, gives back each running total.
        const struct
        {
            const char* rate;
            const char* total;
        } pairs[] = {{"arrivals_per_s", "submitted"},
                     {"failures_per_s", "failed"},
                     {"rejections_per_s", "rejected"},
                     {"retries_per_s", "retries"}};
        for (const auto& pair : pairs) {
            double sum = 0;
            for (qsizetype r = 1; r < rows.size(); ++r)
                sum += number(rows[r][col(pair.rate)]) * number(rows[r][col("interval_s")]);
            const double total = number(rows.last()[col(pair.total)]);
            QVERIFY2(std::fabs(sum - total) < 1e-4, pair.rate);
        }
        double completed = 0;
        for (qsizetype r = 1; r < rows.size(); ++r)
            completed += number(rows[r][col("completions_per_s")]) * number(rows[r][col("interval_s")]);
        const Counters& last = series.back().totals;
        QCOMPARE(std::llround(completed), static_cast<long long>(last.succeeded + last.failed));
        QCOMPARE(last.succeeded + last.failed, std::uint64_t{184});
        QVERIFY(std::fabs(completed - 184) < 1e-4);

        // Row by row, the columns hold what the sample says.
        QCOMPARE(rows[1][col("timestamp")], QStringLiteral("1764265689.5"));
        QCOMPARE(rows[2][col("elapsed_s")], QStringLiteral("1.25"));
        QCOMPARE(rows[2][col("interval_s")], QStringLiteral("0.25"));
        QCOMPARE(rows[2][col("completions_per_s")], QStringLiteral("28"));
        QCOMPARE(rows[3][col("completions_per_s")], QStringLiteral("43.333333"));
        QCOMPARE(rows[3][col("queue_depth")], QStringLiteral("2"));
        QCOMPARE(rows[3][col("queue_capacity")], QStringLiteral("100"));
        QCOMPARE(rows[3][col("workers")], QStringLiteral("4"));
        // Interval percentiles are bucket midpoints kept within the interval's min and
        // max: every service time is 20 ms, so that is exact; p99 of the 13 waits (0 to
        // 12 ms) is the last rank, read from its bucket like any other rank (an interval
        // knows its extremes only to the bucket): the midpoint of [11.927552, 12.058623] ms.
        QCOMPARE(rows[3][col("service_p50_ms")], QStringLiteral("20"));
        QCOMPARE(rows[3][col("wait_p99_ms")], QStringLiteral("11.993"));
        // No completions in interval 1 (row 1) and 4: no latency, not a 0 ms latency.
        QCOMPARE(rows[1][col("total_p50_ms")], QString());
        QCOMPARE(rows[4][col("service_p99_ms")], QString());
        QCOMPARE(rows.last()[col("submitted")], QStringLiteral("208"));
        // Token waits: 5 ms in intervals 0, 2, 4, 6 (rows 1, 3, 5, 7), none in the others.
        QCOMPARE(rows[1][col("throttle_p50_ms")], QStringLiteral("5"));
        QCOMPARE(rows[3][col("throttle_p99_ms")], QStringLiteral("5"));
        QCOMPARE(rows[2][col("throttle_p50_ms")], QString());
        QCOMPARE(rows[8][col("throttle_p95_ms")], QString());
        QCOMPARE(rows.last()[col("arrived_to_busy")], QString::number(last.arrivedToBusy));
        QCOMPARE(last.arrivedToBusy, std::uint64_t{0 + 3 + 6 + 0 + 50 + 28 + 2 + 0});
    }

    void numbersIgnoreTheLocale()
    {
        // The C library's locale may not be installed; Qt's always is.
        const char* previous = std::setlocale(LC_ALL, nullptr);
        const QByteArray saved = previous ? QByteArray(previous) : QByteArray("C");
        std::setlocale(LC_ALL, "de_DE.UTF-8");
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(QLocale().decimalPoint(), QStringLiteral(","));
        const std::vector<Sample> series = syntheticSeries();
        const QByteArray timeSeries = timeSeriesToCsv(series, 0.5);
        Snapshot snap;
        snap.total.record(1500 * kMicro);
        snap.counters.submitted = 1;
        snap.counters.succeeded = 1;
        const QByteArray summary = summaryToCsv(snap, 2 * kSecond);
        QLocale::setDefault(QLocale::c());
        std::setlocale(LC_ALL, saved.constData());

        bool ok = false;
        const Rows rows = parseCsv(timeSeries, &ok);
        QVERIFY(ok);
        for (const QStringList& row : rows)
            QCOMPARE(row.size(), 37); // a decimal comma would add columns
        QCOMPARE(rows[3][timeSeriesCsvColumns().indexOf(QStringLiteral("completions_per_s"))],
                 QStringLiteral("43.333333"));
        const Rows summaryRows = parseCsv(summary, &ok);
        QVERIFY(ok);
        QCOMPARE(summaryRows[4][summaryCsvColumns().indexOf(QStringLiteral("mean_ms"))],
                 QStringLiteral("1.5"));
        QCOMPARE(summaryRows[4][summaryCsvColumns().indexOf(QStringLiteral("per_s"))], QStringLiteral("0.5"));
    }

    void summaryRows()
    {
        Snapshot snap;
        // 1000 waits of 2 ms and 10 of 50 ms: every percentile falls on an exact value.
        snap.wait.record(2 * kMilli, 1000);
        snap.wait.record(50 * kMilli, 10);
        snap.service.record(20 * kMilli, 1010);
        snap.total.record(30 * kMilli, 900);
        snap.total.record(70 * kMilli, 100);
        // The producer was held up: from their actual submission the jobs took 30 ms.
        snap.totalUncorrected.record(30 * kMilli, 1000);
        snap.counters.submitted = 1100;
        snap.counters.succeeded = 950;
        snap.counters.failed = 50;
        snap.counters.retries = 10;
        snap.counters.rejected = 60;
        snap.counters.dropped = 40;
        bool ok = false;
        const Rows rows = parseCsv(summaryToCsv(snap, 4 * kSecond), &ok);
        QVERIFY(ok);
        const QStringList header = summaryCsvColumns();
        QCOMPARE(rows.size(), 7);
        QCOMPARE(rows[0], header);
        QCOMPARE(
            header.join(QLatin1Char(',')),
            QStringLiteral("type,name,count,failures,median_ms,mean_ms,min_ms,max_ms,per_s,failures_per_s,"
                           "p50_ms,p66_ms,p75_ms,p80_ms,p90_ms,p95_ms,p98_ms,p99_ms,p99_9_ms,p99_99_ms,"
                           "p100_ms"));
        for (const QStringList& row : rows)
            QCOMPARE(row.size(), header.size());
        const QString join = QStringLiteral(",");
        // Percentiles are bucket midpoints clamped to the exact min and max: 2 ms reads
        // 2.007, 30 ms 30.015, 70 ms 69.73; 20 ms (min = max) and p100 are exact, and so
        // is p99.99 of the 1000 totals: its rank is the last, the exact maximum.
        // Mean of wait: (2000 + 500) / 1010 = 2.4752...
        QCOMPARE(rows[1].join(join),
                 QStringLiteral("attempt,wait,1010,60,2.007,2.475,2,50,252.5,15,"
                                "2.007,2.007,2.007,2.007,2.007,2.007,2.007,2.007,50,50,50"));
        QCOMPARE(rows[2].join(join), QStringLiteral("attempt,service,1010,60,20,20,20,20,252.5,15,"
                                                    "20,20,20,20,20,20,20,20,20,20,20"));
        QCOMPARE(rows[3].join(join), QStringLiteral("start,throttle,0,0,,,,,0,0,,,,,,,,,,,"));
        QCOMPARE(rows[4].join(join),
                 QStringLiteral("job,total,1000,50,30.015,34,30,70,250,12.5,"
                                "30.015,30.015,30.015,30.015,30.015,69.73,69.73,69.73,69.73,70,70"));
        QCOMPARE(rows[5].join(join), QStringLiteral("job,total_uncorrected,1000,50,30,30,30,30,250,12.5,"
                                                    "30,30,30,30,30,30,30,30,30,30,30"));
        QCOMPARE(rows[6].join(join),
                 QStringLiteral(",Aggregated,1100,150,30.015,34,30,70,275,37.5,"
                                "30.015,30.015,30.015,30.015,30.015,69.73,69.73,69.73,69.73,70,70"));
    }

    void exportWritesTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("series.csv"));
        const std::vector<Sample> series = syntheticSeries();
        QString error;
        QVERIFY2(exportTimeSeriesCsv(path, series, 0, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), timeSeriesToCsv(series, 0));
        const QString summaryPath = dir.filePath(QStringLiteral("summary.csv"));
        QVERIFY2(exportSummaryCsv(summaryPath, Snapshot{}, kSecond, &error), qPrintable(error));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList({QStringLiteral("series.csv"), QStringLiteral("summary.csv")}));
    }

    void failedExportLeavesNothing_data()
    {
        QTest::addColumn<QString>("relative"); // inside a fresh temporary directory
        QTest::newRow("missing directory") << QStringLiteral("missing/out.csv");
        QTest::newRow("parent is a file") << QStringLiteral("file/out.csv");
        QTest::newRow("target is a directory") << QStringLiteral("dir");
        QTest::newRow("no name") << QString();
    }

    void failedExportLeavesNothing()
    {
        QFETCH(QString, relative);
        QTemporaryDir tmp;
        QDir dir(tmp.path());
        QVERIFY(dir.mkdir(QStringLiteral("dir")));
        QFile file(dir.filePath(QStringLiteral("file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write("keep"), qint64(4));
        file.close();
        const QStringList before = dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);

        const QString path = relative.isEmpty() ? QString() : dir.filePath(relative);
        QString error;
        QVERIFY(!exportTimeSeriesCsv(path, syntheticSeries(), 0, &error));
        if (path.isEmpty()) {
            QCOMPARE(error, QStringLiteral("cannot write: no file name given"));
        } else {
            // The path, then the reason.
            QVERIFY2(error.startsWith(QStringLiteral("cannot write ") + path + QStringLiteral(": ")),
                     qPrintable(error));
            QVERIFY2(error.size() > QStringLiteral("cannot write : ").size() + path.size(),
                     qPrintable(error));
        }
        error.clear();
        QVERIFY(!exportSummaryCsv(path, Snapshot{}, kSecond, &error));
        QVERIFY(!error.isEmpty());

        QCOMPARE(dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), before);
        QVERIFY(QDir(dir.filePath(QStringLiteral("dir"))).isEmpty());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep"));
    }
};

QTEST_GUILESS_MAIN(TestCsvExport)
#include "tst_csv_export.moc"
