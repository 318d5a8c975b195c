// SPDX-License-Identifier: GPL-3.0-or-later
// The window mode's start, run as a user would: the built binary.
#include <QProcess>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kWaitMs = 30'000; // generous for the sanitizer build

// The status of GET /metrics on 127.0.0.1:port, or -1 when nothing answers.
int scrape(quint16 port)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(1000))
        return -1;
    socket.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray data;
    while (socket.waitForReadyRead(2000))
        data += socket.readAll();
    data += socket.readAll();
    return data.startsWith("HTTP/1.1 ") ? data.mid(9, 3).toInt() : -1;
}

quint16 freePort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

} // namespace

class TestMain : public QObject
{
    Q_OBJECT

private slots:
    // Issue #19 case 10: without a display Qt aborted (status 134) with its own message.
    void windowWithoutDisplay()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(name));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(POOLLAB_BINARY), {QStringLiteral("--preset"), QStringLiteral("handoff")});
        QVERIFY(p.waitForFinished(kWaitMs));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QCOMPARE(QString::fromUtf8(p.readAllStandardError()),
                 QStringLiteral("poollab: no display (DISPLAY/WAYLAND_DISPLAY unset); use --headless or "
                                "xvfb-run\n"));
        QCOMPARE(p.readAllStandardOutput(), QByteArray());
    }

    // Issue #19 case 10: --metrics-port was ignored in window mode; now the window
    // serves it from the start, as Run > Serve Prometheus metrics does.
    void windowServesMetricsPort()
    {
        const quint16 port = freePort();
        QVERIFY(port != 0);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess p;
        p.setProcessEnvironment(env);
        // Its own runs database: the window opens one, never the user's here.
        QTemporaryDir dir;
        p.start(QStringLiteral(POOLLAB_BINARY),
                {QStringLiteral("--metrics-port"), QString::number(port), QStringLiteral("--runs-db"),
                 dir.filePath(QStringLiteral("runs.sqlite"))});
        QVERIFY(p.waitForStarted(kWaitMs));
        QTRY_COMPARE_WITH_TIMEOUT(scrape(port), 200, kWaitMs);
        p.terminate();
        QVERIFY(p.waitForFinished(kWaitMs));
    }

    void windowMetricsPortTaken()
    {
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::LocalHost, 0));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        QProcess p;
        p.setProcessEnvironment(env);
        QTemporaryDir dir;
        p.start(QStringLiteral(POOLLAB_BINARY),
                {QStringLiteral("--metrics-port"), QString::number(taken.serverPort()),
                 QStringLiteral("--runs-db"), dir.filePath(QStringLiteral("runs.sqlite"))});
        QVERIFY(p.waitForFinished(kWaitMs));
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        // (Qt may warn about XDG_RUNTIME_DIR first.)
        QVERIFY2(err.contains(QStringLiteral("poollab: --metrics-port: cannot listen on 127.0.0.1:%1: ")
                                  .arg(taken.serverPort())),
                 qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestMain)
#include "tst_main.moc"
