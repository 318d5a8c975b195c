// SPDX-License-Identifier: GPL-3.0-or-later
// The lock-free job queue under the pool: FIFO order, the logical capacity, the held
// and closed flags, growth, and exactly-once delivery with many producers and
// consumers while the ring grows underneath them.
#include "core/job_queue.h"

#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace poollab;
using Status = JobQueue::Status;

namespace {

Job jobWithId(std::uint64_t id)
{
    Job job;
    job.id = id;
    return job;
}

// The pool's protocol around the queue: growth and waiting for a grower go through
// one mutex.
struct Guarded
{
    explicit Guarded(std::size_t ringSize = 2) : queue(ringSize) {}
    JobQueue queue;
    std::mutex mutex;

    Status push(std::uint64_t id, std::uint64_t capacity)
    {
        for (;;) {
            const Status status = queue.push(jobWithId(id), capacity);
            if (status == Status::NeedsGrowth) {
                std::lock_guard lock(mutex);
                queue.growIfFull();
            } else if (status == Status::Frozen) {
                std::lock_guard lock(mutex);
            } else {
                return status;
            }
        }
    }
    Status pop(Job& out)
    {
        for (;;) {
            const Status status = queue.pop(out);
            if (status != Status::Frozen)
                return status;
            std::lock_guard lock(mutex);
        }
    }
};

} // namespace

class TestJobQueue : public QObject
{
    Q_OBJECT

private slots:
    void fifoAcrossGrowth();
    void capacityIsExact_data();
    void capacityIsExact();
    void heldStopsPopsOnly();
    void closedStopsPushesOnly();
    void positionsCountEveryPop();
    void concurrentExactlyOnce_data();
    void concurrentExactlyOnce();
    void concurrentPushesStopAtCapacity();
};

void TestJobQueue::fifoAcrossGrowth()
{
    Guarded g;
    QCOMPARE(g.queue.physicalSize(), std::size_t{2});
    for (std::uint64_t i = 0; i < 1000; ++i)
        QCOMPARE(g.push(i, 1'000'000), Status::Ok);
    QCOMPARE(g.queue.size(), std::uint64_t{1000});
    QCOMPARE(g.queue.physicalSize(), std::size_t{1024});
    Job job;
    for (std::uint64_t i = 0; i < 1000; ++i) {
        QCOMPARE(g.pop(job), Status::Ok);
        QCOMPARE(job.id, i);
    }
    QCOMPARE(g.pop(job), Status::Empty);
    QCOMPARE(g.queue.size(), std::uint64_t{0});
}

void TestJobQueue::capacityIsExact_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("physical");
    QTest::newRow("below the ring") << 5 << 64;
    QTest::newRow("equal to the ring") << 64 << 64;
    QTest::newRow("above the ring: grows") << 100 << 4;
    QTest::newRow("one") << 1 << 2;
}

void TestJobQueue::capacityIsExact()
{
    QFETCH(int, capacity);
    QFETCH(int, physical);
    Guarded g(static_cast<std::size_t>(physical));
    const auto cap = static_cast<std::uint64_t>(capacity);
    for (std::uint64_t i = 0; i < cap; ++i)
        QCOMPARE(g.push(i, cap), Status::Ok);
    QCOMPARE(g.push(999, cap), Status::Full);
    QCOMPARE(g.queue.size(), cap);
    // A smaller capacity holds pushes back and drops nothing.
    QCOMPARE(g.push(999, cap > 1 ? cap - 1 : 1), Status::Full);
    Job job;
    QCOMPARE(g.pop(job), Status::Ok);
    QCOMPARE(job.id, std::uint64_t{0});
    QCOMPARE(g.push(cap, cap), Status::Ok);
    QCOMPARE(g.push(cap + 1, cap), Status::Full);
    QCOMPARE(g.queue.size(), cap);
}

void TestJobQueue::heldStopsPopsOnly()
{
    Guarded g;
    QCOMPARE(g.push(1, 10), Status::Ok);
    g.queue.setHeld(true);
    QVERIFY(g.queue.held());
    Job job;
    QCOMPARE(g.queue.pop(job), Status::Held);
    QCOMPARE(g.push(2, 10), Status::Ok); // producers still get in
    QCOMPARE(g.push(3, 10), Status::Ok); // and growth keeps the flag
    QVERIFY(g.queue.held());
    QCOMPARE(g.queue.pop(job), Status::Held);
    QCOMPARE(g.queue.pop(job, true), Status::Ok); // drop-oldest and cancel reach past it
    QCOMPARE(job.id, std::uint64_t{1});
    g.queue.setHeld(false);
    QCOMPARE(g.pop(job), Status::Ok);
    QCOMPARE(job.id, std::uint64_t{2});
}

void TestJobQueue::closedStopsPushesOnly()
{
    Guarded g;
    QCOMPARE(g.push(1, 10), Status::Ok);
    g.queue.close();
    QVERIFY(g.queue.closed());
    QCOMPARE(g.push(2, 10), Status::Closed);
    // A retry re-enters a closed (draining) queue.
    QCOMPARE(g.queue.push(jobWithId(3), 10, true, nullptr, [] {}), Status::Ok);
    Job job;
    QCOMPARE(g.pop(job), Status::Ok);
    QCOMPARE(job.id, std::uint64_t{1});
    QCOMPARE(g.pop(job), Status::Ok);
    QCOMPARE(job.id, std::uint64_t{3});
    int drained = 0;
    QCOMPARE(g.queue.drainAll([&](const Job&) { ++drained; }), std::size_t{0});
    QCOMPARE(drained, 0);
}

void TestJobQueue::positionsCountEveryPop()
{
    // A hand-off producer waits until popped() passes the position its push got.
    Guarded g(8);
    std::uint64_t position = 0;
    int claimed = 0;
    for (std::uint64_t i = 0; i < 5; ++i) {
        QCOMPARE(g.queue.push(jobWithId(i), 100, false, &position, [&] { ++claimed; }), Status::Ok);
        QCOMPARE(position, i);
    }
    QCOMPARE(claimed, 5);
    Job job;
    QCOMPARE(g.queue.popped(), std::uint64_t{0});
    QCOMPARE(g.pop(job), Status::Ok);
    QCOMPARE(g.queue.popped(), std::uint64_t{1});
    std::vector<std::uint64_t> rest;
    QCOMPARE(g.queue.drainAll([&](const Job& j) { rest.push_back(j.id); }), std::size_t{4});
    QCOMPARE(rest, (std::vector<std::uint64_t>{1, 2, 3, 4}));
    QCOMPARE(g.queue.popped(), std::uint64_t{5});
}

void TestJobQueue::concurrentExactlyOnce_data()
{
    QTest::addColumn<int>("producers");
    QTest::addColumn<int>("consumers");
    QTest::addColumn<int>("capacity");
    QTest::newRow("1x1, small") << 1 << 1 << 4;
    QTest::newRow("4x4, grows to 4096") << 4 << 4 << 4096;
    QTest::newRow("8x2, capacity 1") << 8 << 2 << 1;
    QTest::newRow("2x8, large") << 2 << 8 << 100'000;
}

void TestJobQueue::concurrentExactlyOnce()
{
    QFETCH(int, producers);
    QFETCH(int, consumers);
    QFETCH(int, capacity);
    constexpr std::uint64_t kPerProducer = 20'000;
    const std::uint64_t total = kPerProducer * static_cast<std::uint64_t>(producers);
    Guarded g;
    std::vector<std::atomic<int>> seen(total);
    std::atomic<std::uint64_t> popped{0};
    std::atomic<int> orderErrors{0};

    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            for (std::uint64_t i = 0; i < kPerProducer; ++i) {
                const std::uint64_t id = static_cast<std::uint64_t>(p) * kPerProducer + i;
                while (g.push(id, static_cast<std::uint64_t>(capacity)) == Status::Full)
                    std::this_thread::yield();
            }
        });
    }
    for (int c = 0; c < consumers; ++c) {
        threads.emplace_back([&] {
            // FIFO: one consumer sees each producer's jobs in the order pushed.
            std::vector<std::int64_t> last(static_cast<std::size_t>(producers), -1);
            Job job;
            while (popped.load() < total) {
                if (g.pop(job) != Status::Ok) {
                    std::this_thread::yield();
                    continue;
                }
                popped.fetch_add(1);
                seen[job.id].fetch_add(1);
                const auto producer = static_cast<std::size_t>(job.id / kPerProducer);
                const auto index = static_cast<std::int64_t>(job.id % kPerProducer);
                if (index <= last[producer])
                    orderErrors.fetch_add(1);
                last[producer] = index;
            }
        });
    }
    for (auto& t : threads)
        t.join();

    QCOMPARE(popped.load(), total);
    QCOMPARE(orderErrors.load(), 0);
    std::uint64_t once = 0;
    for (const auto& s : seen)
        once += s.load() == 1 ? 1 : 0;
    QCOMPARE(once, total);
    QCOMPARE(g.queue.size(), std::uint64_t{0});
    QVERIFY(g.queue.physicalSize() >= std::min<std::size_t>(static_cast<std::size_t>(capacity), 2));
}

void TestJobQueue::concurrentPushesStopAtCapacity()
{
    // With nobody popping, racing producers get exactly `capacity` jobs in.
    constexpr std::uint64_t kCapacity = 777;
    Guarded g;
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> full{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < 4; ++p) {
        threads.emplace_back([&, p] {
            for (std::uint64_t i = 0; i < 500; ++i) {
                const Status status = g.push(static_cast<std::uint64_t>(p) * 1000 + i, kCapacity);
                (status == Status::Ok ? accepted : full).fetch_add(1);
            }
        });
    }
    for (auto& t : threads)
        t.join();
    QCOMPARE(accepted.load(), kCapacity);
    QCOMPARE(full.load(), 2000 - kCapacity);
    QCOMPARE(g.queue.size(), kCapacity);
}

QTEST_GUILESS_MAIN(TestJobQueue)
#include "tst_job_queue.moc"
