// SPDX-License-Identifier: GPL-3.0-or-later
// The metrics endpoint's command-line flags: --metrics-port, --metrics-address, --metrics-linger.
#include "app/cli.h"

#include <QTest>

using namespace poollab;

class TestMetricsCli : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
};

void TestMetricsCli::defaults()
{
    const CommandLine cl = parseCommandLine({QStringLiteral("poollab"), QStringLiteral("--headless")});
    QCOMPARE(cl.action, CommandLine::Action::Headless);
    QCOMPARE(cl.metricsPort, 0);
    QCOMPARE(cl.metricsAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(cl.metricsLinger, Nanos{0});
}

void TestMetricsCli::valid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("address");
    QTest::addColumn<qint64>("linger");
    QTest::newRow("port only") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9477")}
                               << 9477 << QStringLiteral("127.0.0.1") << qint64{0};
    QTest::newRow("lowest port") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("1")} << 1
                                 << QStringLiteral("127.0.0.1") << qint64{0};
    QTest::newRow("highest port") << QStringList{QStringLiteral("--metrics-port=65535")} << 65535
                                  << QStringLiteral("127.0.0.1") << qint64{0};
    QTest::newRow("all three") << QStringList{QStringLiteral("--metrics-port"),    QStringLiteral("9000"),
                                              QStringLiteral("--metrics-address"), QStringLiteral("::1"),
                                              QStringLiteral("--metrics-linger"),  QStringLiteral("2.5s")}
                               << 9000 << QStringLiteral("::1") << qint64{2'500 * kMilli};
    QTest::newRow("any address") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9000"),
                                                QStringLiteral("--metrics-address"),
                                                QStringLiteral("0.0.0.0")}
                                 << 9000 << QStringLiteral("0.0.0.0") << qint64{0};
}

void TestMetricsCli::valid()
{
    QFETCH(QStringList, args);
    QFETCH(int, port);
    QFETCH(QString, address);
    QFETCH(qint64, linger);
    const CommandLine cl =
        parseCommandLine(QStringList{QStringLiteral("poollab"), QStringLiteral("--headless")} + args);
    QVERIFY2(cl.action == CommandLine::Action::Headless, qPrintable(cl.error));
    QCOMPARE(cl.metricsPort, port);
    QCOMPARE(cl.metricsAddress, address);
    QCOMPARE(cl.metricsLinger, linger);
}

void TestMetricsCli::invalid_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("error");
    const QString portRange = QStringLiteral("a whole number from 1 to 65535");
    QTest::newRow("port 0") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("0")}
                            << QStringLiteral("--metrics-port: '0' is out of range; allowed: ") + portRange;
    QTest::newRow("port 65536") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("65536")}
                                << QStringLiteral("--metrics-port: '65536' is out of range; allowed: ") +
                                       portRange;
    QTest::newRow("port text") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("http")}
                               << QStringLiteral("--metrics-port: 'http' is not a whole number; allowed: ") +
                                      portRange;
    QTest::newRow("bad address") << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9000"),
                                                QStringLiteral("--metrics-address"),
                                                QStringLiteral("localhost")}
                                 << QStringLiteral(
                                        "--metrics-address: 'localhost' is not an IP address; allowed: an "
                                        "IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1");
    QTest::newRow("linger without unit")
        << QStringList{QStringLiteral("--metrics-port"), QStringLiteral("9000"),
                       QStringLiteral("--metrics-linger"), QStringLiteral("5")}
        << QStringLiteral(
               "--metrics-linger: '5' is not a duration; allowed: a duration from 0ms to 1h with a unit "
               "(us, ms, s, m, h), e.g. 50ms");
    QTest::newRow("address without port")
        << QStringList{QStringLiteral("--metrics-address"), QStringLiteral("127.0.0.1")}
        << QStringLiteral("--metrics-address and --metrics-linger need --metrics-port (1..65535)");
    QTest::newRow("linger without port")
        << QStringList{QStringLiteral("--metrics-linger"), QStringLiteral("1s")}
        << QStringLiteral("--metrics-address and --metrics-linger need --metrics-port (1..65535)");
}

void TestMetricsCli::invalid()
{
    QFETCH(QStringList, args);
    QFETCH(QString, error);
    const CommandLine cl =
        parseCommandLine(QStringList{QStringLiteral("poollab"), QStringLiteral("--headless")} + args);
    QCOMPARE(cl.action, CommandLine::Action::Error);
    QCOMPARE(cl.error, error);
}

QTEST_GUILESS_MAIN(TestMetricsCli)
#include "tst_metrics_cli.moc"
