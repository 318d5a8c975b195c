// SPDX-License-Identifier: GPL-3.0-or-later
// A new user's first session, scaled down: a signup burst, more workers mid-run,
// the queue drains. With POOLLAB_SCREENSHOT_DIR set it runs the real signup numbers for
// longer and saves mid-run screenshots of the window in both themes there.
#include "core/duration.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/summary_panel.h"
#include "ui/worker_view.h"

#include <QAction>
#include <QDir>
#include <QLabel>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QXYSeries>

#include <cmath>

using namespace poollab;

class TstWindowStory : public QObject
{
    Q_OBJECT

private slots:
    void signupBurstStory()
    {
        const QString shots = qEnvironmentVariable("POOLLAB_SCREENSHOT_DIR");
        const bool slow = !shots.isEmpty();
        const double scale = slow ? 4.0 : 0.5; // seconds per phase

        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        Scenario s;
        s.name = "Signup burst";
        s.description = "A newsletter goes out and 10,000 people sign up at once; each signup takes 500 ms "
                        "and 20 workers handle them. Watch the queue fall in a straight line.";
        s.workers = 20;
        s.queueCapacity = 10000;
        s.arrival = ArrivalKind::Burst;
        s.jobs = slow ? 10000 : 2000; // fast: ~2.8 s in all
        s.latency = slow ? "500ms" : "50ms";
        hooks.presets = [s] {
            return QList<PresetEntry>{{QStringLiteral("signup-burst"), QStringLiteral("Signup burst"),
                                       QString::fromStdString(s.description), s}};
        };
        MainWindow w(hooks);
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.selectPreset(QStringLiteral("signup-burst")));
        w.charts()->setWindowSeconds(30);
        RunController* c = w.controller();

        w.action(QStringLiteral("start"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(toSeconds(c->snapshot().runNs) >= scale, 60000);
        QCOMPARE(c->snapshot().busyWorkers, 20);
        QCOMPARE(c->snapshot().queued + c->snapshot().inFlight + std::int64_t(c->snapshot().completed()),
                 std::int64_t(s.jobs));

        // The completion rate before the change: 20 workers that each take 50 ms finish
        // at most 400 jobs a second. (The run is too young for a whole 1 s row of the
        // record, and a few 100 ms ticks are too noisy to stand for the rate.)
        const double before = s.workers / toSeconds(parseDuration(s.latency).value_or(0));
        QCOMPARE(before, slow ? 40.0 : 400.0);
        auto* workers = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        workers->setValue(40);
        QTRY_COMPARE(c->snapshot().busyWorkers, 40); // at once: the queue is full of work
        QCOMPARE(c->markers().back().label(), QStringLiteral("workers 20 \u2192 40"));
        // The chart draws the record's 1 s rows: wait for the first row wholly after the
        // change (it ends at the second boundary after the next one).
        const double changedAt = c->markers().back().seconds;
        const auto lastX = [&w] {
            const QList<QPointF> p = w.charts()->allSeries().first()->points();
            return p.isEmpty() ? 0.0 : p.last().x();
        };
        QTRY_VERIFY_WITH_TIMEOUT(lastX() >= std::ceil(changedAt) + 1, 60000);
        // The chart tells it: completions doubled after the marker.
        const auto points = w.charts()->allSeries().first()->points();
        QVERIFY(!points.isEmpty());
        // (Ideally 2x; the margin keeps a slow sanitizer build from failing on timing.)
        QVERIFY2(points.last().y() > 1.3 * before,
                 qPrintable(QStringLiteral("%1 vs %2").arg(points.last().y()).arg(before)));

        if (slow) {
            for (const Theme theme : {Theme::Light, Theme::Dark}) {
                w.setTheme(theme);
                QCoreApplication::processEvents();
                c->tick();
                QCoreApplication::processEvents();
                const QString name = theme == Theme::Dark ? QStringLiteral("screenshot-dark.png")
                                                          : QStringLiteral("screenshot.png");
                QVERIFY(w.grab().save(QDir(shots).filePath(name)));
            }
            w.setTheme(Theme::Light);
        }

        // Every job of the burst is in: the pool is already finishing what it holds, and
        // the window says so rather than offering a Drain that would change nothing.
        QTRY_VERIFY(c->snapshot().state == PoolState::Draining);
        QVERIFY(w.findChild<QLabel*>(QStringLiteral("stateLabel"))
                    ->text()
                    .contains(QStringLiteral("all jobs submitted")));

        if (!slow) {
            // Pause holds what is left even now; Drain resumes and finishes it.
            w.action(QStringLiteral("pause"))->trigger();
            QVERIFY(c->isPaused());
            QTRY_VERIFY(c->snapshot().state == PoolState::Paused);
            QTRY_COMPARE_WITH_TIMEOUT(c->snapshot().inFlight, std::int64_t{0}, 30000);
            const std::int64_t held = c->snapshot().queued;
            QVERIFY(held > 0);
            c->tick();
            QCOMPARE(c->snapshot().queued, held);
            QVERIFY(w.action(QStringLiteral("drain"))->isEnabled());
            w.action(QStringLiteral("drain"))->trigger();
            QVERIFY(!c->isPaused());
        }

        QSignalSpy finished(c, &RunController::runFinished);
        if (slow)
            w.action(QStringLiteral("stop"))->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
        const Counters& n = c->snapshot().counters;
        QCOMPARE(n.submitted, s.jobs);
        if (!slow)
            QCOMPARE(n.succeeded, s.jobs);
        QCOMPARE(w.summary()->value(QStringLiteral("succeeded")),
                 QLocale().toString(qulonglong(n.succeeded)));
        QCOMPARE(w.summary()->value(QStringLiteral("remaining")), QStringLiteral("0.0 s"));
    }
};

QTEST_MAIN(TstWindowStory)
#include "tst_window_story.moc"
