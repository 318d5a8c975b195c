// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/attempt_timeline.h"

#include <QTest>

using namespace poollab;

class TestAttemptTimeline : public QObject
{
    Q_OBJECT

private slots:
    // Times in microseconds. The previous attempt was planned to end at plannedFree and
    // ended at actualFree; the job was planned at enqueue, pushed at pushed and taken at
    // taken. The start keeps the pick-up (taken minus when the job could be taken) and
    // drops the producer's and the previous sleep's lateness.
    void startKeepsOnlyThePickUp_data()
    {
        QTest::addColumn<qint64>("plannedFree");
        QTest::addColumn<qint64>("actualFree");
        QTest::addColumn<qint64>("enqueue");
        QTest::addColumn<qint64>("pushed");
        QTest::addColumn<qint64>("taken");
        QTest::addColumn<qint64>("start");
        QTest::newRow("idle worker, producer on time") << 0LL << 0LL << 1000LL << 1000LL << 1030LL << 1030LL;
        QTest::newRow("idle worker, producer late") << 0LL << 0LL << 1000LL << 1100LL << 1130LL << 1030LL;
        // Taken before its planned arrival: it starts at that plus the pick-up, as when the
        // producer is on time or late (a start at the take made early pushes pull every
        // later job on this worker early, and real time read below virtual time).
        QTest::newRow("idle worker, producer early") << 0LL << 0LL << 1000LL << 950LL << 980LL << 1030LL;
        QTest::newRow("queued behind an on-time end")
            << 2000LL << 2000LL << 1000LL << 1000LL << 2001LL << 2001LL;
        QTest::newRow("queued behind a late sleep")
            << 2000LL << 2100LL << 1000LL << 1000LL << 2101LL << 2001LL;
        QTest::newRow("arrives while a late sleep runs on")
            << 2000LL << 2100LL << 2050LL << 2050LL << 2101LL << 2051LL;
        QTest::newRow("pushed late after a late sleep")
            << 2000LL << 2100LL << 2050LL << 2150LL << 2180LL << 2080LL;
        // The previous sleep woke 50 us early: the next job starts at its planned end
        // plus the pick-up, not 49 us before it.
        QTest::newRow("queued behind an early wake-up")
            << 2000LL << 1950LL << 1000LL << 1000LL << 1951LL << 2001LL;
        QTest::newRow("arrives while an early-woken worker waits out its plan")
            << 2000LL << 1950LL << 1970LL << 1970LL << 1980LL << 2010LL;
        QTest::newRow("taken at once") << 0LL << 0LL << 1000LL << 1000LL << 1000LL << 1000LL;
    }
    void startKeepsOnlyThePickUp()
    {
        QFETCH(qint64, plannedFree);
        QFETCH(qint64, actualFree);
        QFETCH(qint64, enqueue);
        QFETCH(qint64, pushed);
        QFETCH(qint64, taken);
        QFETCH(qint64, start);
        AttemptTimeline t;
        t.reset(0);
        t.finish(plannedFree * kMicro, actualFree * kMicro);
        QCOMPARE(t.start(enqueue * kMicro, pushed * kMicro, taken * kMicro), start * kMicro);
    }

    void busyStartsWhenThePreviousAttemptEnded()
    {
        AttemptTimeline t;
        t.reset(0);
        t.finish(2000, 2100);
        QCOMPARE(t.busyFrom(2001), Nanos{2100}); // overlaps the late end: busy from that
        QCOMPARE(t.busyFrom(2200), Nanos{2200});
    }

    // finish() keeps the plan whichever way the sleep missed it: a caller whose attempt's
    // length is real (CPU work, a cancel) passes the end as the plan.
    void finishKeepsThePlannedEnd()
    {
        AttemptTimeline t;
        t.reset(500);
        QCOMPARE(t.plannedFree, Nanos{500});
        QCOMPARE(t.actualFree, Nanos{500});
        t.finish(3000, 2980); // woke 20 ns early
        QCOMPARE(t.plannedFree, Nanos{3000});
        QCOMPARE(t.actualFree, Nanos{2980});
        t.finish(5000, 5030); // woke 30 ns late
        QCOMPARE(t.plannedFree, Nanos{5000});
        QCOMPARE(t.actualFree, Nanos{5030});
        t.finish(5500, 5500); // cancelled half-way: the caller passes its end
        QCOMPARE(t.plannedFree, Nanos{5500});
        QCOMPARE(t.actualFree, Nanos{5500});
    }

    // Ten queued jobs of 100 us whose sleeps end early or late (us, for even and odd
    // jobs), each taken 1 us after the previous one ended: the starts keep to 101 us apart
    // (the pick-up kept) either way. Before, a late end was left out but an early one
    // moved every later start earlier.
    void sleepMissesDoNotAccumulate_data()
    {
        QTest::addColumn<int>("evenMiss");
        QTest::addColumn<int>("oddMiss");
        QTest::newRow("each 20 us late") << 20 << 20;
        QTest::newRow("each 20 us early") << -20 << -20;
        QTest::newRow("alternately early and late") << -20 << 20;
    }
    void sleepMissesDoNotAccumulate()
    {
        QFETCH(int, evenMiss);
        QFETCH(int, oddMiss);
        AttemptTimeline t;
        t.reset(0);
        Nanos taken = 0;
        for (int k = 0; k < 10; ++k) {
            const Nanos start = t.start(0, 0, taken);
            QCOMPARE(start, k * 101 * kMicro);
            const Nanos end = start + (100 + (k % 2 ? oddMiss : evenMiss)) * kMicro; // aimed at start + 100
            t.finish(start + 100 * kMicro, std::max(end, taken));
            taken = t.actualFree + kMicro;
        }
    }
};

QTEST_APPLESS_MAIN(TestAttemptTimeline)
#include "tst_attempt_timeline.moc"
