// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/admission.h"

#include <QTest>

using namespace poollab;

Q_DECLARE_METATYPE(poollab::Admission)
Q_DECLARE_METATYPE(poollab::AdmissionView)

class TestAdmission : public QObject
{
    Q_OBJECT

private slots:
    // The admission rule itself, as both engines ask it: policy x capacity.
    void admission_data()
    {
        QTest::addColumn<AdmissionView>("view");
        QTest::addColumn<Admission>("expected");
        const auto row = [](OverflowPolicy o, int cap, int queued, int ready, Admission a) {
            AdmissionView view;
            view.capacity = cap;
            view.overflow = o;
            view.queued = static_cast<std::uint64_t>(queued);
            view.readyWorkers = ready;
            QTest::addRow("%s q=%d queued=%d ready=%d", toString(o).data(), cap, queued, ready) << view << a;
        };
        for (OverflowPolicy o : {OverflowPolicy::Block, OverflowPolicy::Reject, OverflowPolicy::DropOldest}) {
            const Admission full = o == OverflowPolicy::Block    ? Admission::Wait
                                   : o == OverflowPolicy::Reject ? Admission::Reject
                                                                 : Admission::DropOldest;
            for (int cap : {2, 100}) {
                row(o, cap, 0, 0, Admission::Enqueue);
                row(o, cap, cap - 1, 0, Admission::Enqueue);
                row(o, cap, cap, 5, full); // ready workers matter only to a hand-off
            }
            // Capacity 0: block hands off (one job in transit, the producer waits for
            // its taker); the others need a worker ready for it this instant, and a
            // hand-off has no buffer for drop-oldest to shed from.
            const Admission noTaker = o == OverflowPolicy::Block ? Admission::Wait : Admission::Reject;
            row(o, 0, 0, 0, o == OverflowPolicy::Block ? Admission::Enqueue : Admission::Reject);
            row(o, 0, 0, 1, Admission::Enqueue);
            row(o, 0, 1, 1, noTaker);
            row(o, 0, 1, 2, o == OverflowPolicy::Block ? Admission::Wait : Admission::Enqueue);
        }
    }
    void admission()
    {
        QFETCH(AdmissionView, view);
        QFETCH(Admission, expected);
        QCOMPARE(admit(view), expected);
        view.closed = true;
        QCOMPARE(admit(view), Admission::Refuse);
    }

    // A retry re-enters up to the bound, a hand-off's being one job in transit.
    void retryBound()
    {
        QVERIFY(retryMayEnter(0, 0));
        QVERIFY(!retryMayEnter(1, 0));
        QVERIFY(retryMayEnter(1, 2));
        QVERIFY(!retryMayEnter(2, 2));
        QCOMPARE(queueBound(0), std::uint64_t{1});
        QCOMPARE(queueBound(100), std::uint64_t{100});
        QVERIFY(waitsForTaker(0, OverflowPolicy::Block));
        QVERIFY(!waitsForTaker(0, OverflowPolicy::Reject));
        QVERIFY(!waitsForTaker(2, OverflowPolicy::Block));
    }
};

QTEST_GUILESS_MAIN(TestAdmission)
#include "tst_admission.moc"
