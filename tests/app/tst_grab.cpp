// SPDX-License-Identifier: GPL-3.0-or-later
// --grab: the window's screenshot from the command line, as the README's images are
// made. The flags are checked by parsing; the picture by running the built binary.
#include "app/cli.h"

#include <QGuiApplication>
#include <QImage>
#include <QProcess>
#include <QScreen>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace poollab;

namespace {

struct Result
{
    int exitCode = -1;
    QString err;
};

Result run(const QStringList& args, const QString& configDir)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), configDir); // never the user's settings
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(POOLLAB_BINARY), args);
    if (!p.waitForFinished(120000))
        p.kill();
    Result r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

QStringList L(std::initializer_list<const char*> words)
{
    QStringList out;
    for (const char* w : words)
        out << QString::fromUtf8(w);
    return out;
}

CommandLine parse(QStringList args)
{
    args.prepend(QStringLiteral("poollab"));
    return parseCommandLine(args);
}

// The size the window opens at for --grab on this (offscreen) screen.
QSize grabWindowSize()
{
    return QSize(1280, 800)
        .boundedTo(QGuiApplication::primaryScreen()->availableSize())
        .expandedTo(QSize(1024, 640)); // the window's minimum
}

} // namespace

class TestGrab : public QObject
{
    Q_OBJECT

private slots:
    void flagsParse()
    {
        const CommandLine cl =
            parse(L({"--preset", "signup-burst", "--time", "virtual", "--pace", "max", "--start", "--grab",
                     "shot.png", "--grab-at", "90s", "--theme", "dark"}));
        QCOMPARE(cl.action, CommandLine::Action::Window);
        QCOMPARE(cl.error, QString());
        QCOMPARE(cl.grabPath, QStringLiteral("shot.png"));
        QCOMPARE(cl.grabAtNs, 90 * kSecond);
        QCOMPARE(cl.pace, 0.0);
        QCOMPARE(cl.theme, QStringLiteral("dark"));
        QVERIFY(cl.startImmediately);
        const CommandLine plain = parse(L({"--grab", "shot.PNG"}));
        QCOMPARE(plain.action, CommandLine::Action::Window);
        QCOMPARE(plain.grabAtNs, Nanos{-1});
        QCOMPARE(plain.pace, -1.0);
        QCOMPARE(parse(L({"--time", "virtual", "--pace", "1000"})).pace, 1000.0);
        QCOMPARE(plain.tab, QString());
        QCOMPARE(parse(L({"--tab", "timeline", "--grab", "t.png"})).tab, QStringLiteral("timeline"));
        QCOMPARE(parse(L({"--tab", "percentiles"})).tab, QStringLiteral("percentiles"));
    }

    void badFlagsNameTheFlagAndWhatIsAllowed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::newRow("not png")
            << L({"--grab", "shot.jpg"})
            << QStringLiteral("--grab: 'shot.jpg' is not allowed; allowed: a file name ending in .png");
        QTest::newRow("no name") << L({"--grab", ""})
                                 << QStringLiteral(
                                        "--grab: '' is not allowed; allowed: a file name ending in .png");
        QTest::newRow("headless") << L({"--headless", "--grab", "a.png"})
                                  << QStringLiteral("--grab is for the window; not with --headless");
        QTest::newRow("grab-at alone")
            << L({"--grab-at", "5s"}) << QStringLiteral("--grab-at needs --grab FILE.png and --start");
        QTest::newRow("grab-at without start")
            << L({"--grab", "a.png", "--grab-at", "5s"})
            << QStringLiteral("--grab-at needs --grab FILE.png and --start");
        QTest::newRow("grab-at no unit")
            << L({"--start", "--grab", "a.png", "--grab-at", "5"})
            << QStringLiteral(
                   "--grab-at: '5' is out of range; allowed: a duration from 0ms to 24h with a unit (us, "
                   "ms, s, m, h), e.g. 90s");
        QTest::newRow("grab-at too long")
            << L({"--start", "--grab", "a.png", "--grab-at", "25h"})
            << QStringLiteral(
                   "--grab-at: '25h' is out of range; allowed: a duration from 0ms to 24h with a unit (us, "
                   "ms, s, m, h), e.g. 90s");
        QTest::newRow("pace 7") << L({"--time", "virtual", "--pace", "7"})
                                << QStringLiteral(
                                       "--pace: '7' is not allowed; allowed: 1, 10, 100, 1000, max");
        QTest::newRow("pace in real time")
            << L({"--pace", "10"})
            << QStringLiteral("--pace applies to virtual time only: add --time virtual");
        QTest::newRow("theme") << L({"--theme", "blue"})
                               << QStringLiteral("--theme: 'blue' is not allowed; allowed: light, dark");
        QTest::newRow("tab") << L({"--tab", "trace"})
                             << QStringLiteral("--tab: 'trace' is not allowed; allowed: charts, timeline, "
                                               "percentiles, runs");
        QTest::newRow("tab headless") << L({"--headless", "--tab", "timeline"})
                                      << QStringLiteral("--tab is for the window; not with --headless");
    }
    void badFlagsNameTheFlagAndWhatIsAllowed()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const CommandLine cl = parse(args);
        QCOMPARE(cl.action, CommandLine::Action::Error);
        QCOMPARE(cl.error, error);
    }

    // The README's way: a virtual run as fast as it goes, grabbed at its end.
    void grabWritesTheWindowWhenTheRunEnds()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        const Result r = run(
            L({"--preset", "signup-burst", "--time", "virtual", "--pace", "max", "--start", "--grab"}) << png,
            dir.filePath(QStringLiteral("config")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), grabWindowSize());
        // Not blank: a window with text, charts and a worker grid has many colours.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QString::number(colours.size())));
        // Only the picture: no settings were remembered or written.
        QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("config/PoolLab"))));
    }

    // A real-time run of four minutes, grabbed 1 s in: it exits long before the end.
    void grabAtTakesItMidRun()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("mid.png"));
        const Result r = run(L({"--preset", "signup-burst", "--start", "--grab"})
                                 << png << L({"--grab-at", "1s", "--theme", "dark"}),
                             dir.filePath(QStringLiteral("config")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QImage image(png);
        QCOMPARE(image.size(), grabWindowSize());
        // The dark theme: the window's background is dark.
        QVERIFY(QColor(image.pixel(image.width() / 2, image.height() - 5)).lightnessF() < 0.3);
    }

    void exitStatusSaysWhatWentWrong()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("config"));
        const Result unwritable =
            run(L({"--preset", "signup-burst", "--time", "virtual", "--pace", "max", "--start", "--grab"})
                    << dir.filePath(QStringLiteral("missing/shot.png")),
                config);
        QCOMPARE(unwritable.exitCode, 1);
        QVERIFY2(unwritable.err.contains(QStringLiteral("--grab: cannot write")), qPrintable(unwritable.err));
        const Result bad = run(L({"--grab", "shot.png", "--time", "virtual", "--pace", "7"}), config);
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(QStringLiteral("--pace: '7' is not allowed")), qPrintable(bad.err));
    }
};

QTEST_MAIN(TestGrab)
#include "tst_grab.moc"
