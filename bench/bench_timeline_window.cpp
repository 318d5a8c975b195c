// SPDX-License-Identifier: GPL-3.0-or-later
// What the Timeline tab costs a refresh of the window (issue #16): the GUI thread's CPU
// time per refresh with the timeline shown, against the same refresh with the charts
// shown, measured in the same run, alternating in blocks of five refreshes. 1,000 and 100,000
// virtual workers under M/M/c load at 80 % (as bench_window): each refresh comes when
// the record has gained a row, as at the window's default pace (10x: a 1 s sample
// interval per 100 ms tick), and brings the timeline that interval's attempts to read
// (copySince; at most the log's 100,000) and the 10 s it shows to draw.
//   cpu_ms_charts     the refresh (tick + the repaints it posts) with the Charts tab shown
//   cpu_ms_timeline   the same with the Timeline tab shown (following the run, 10 s in view)
//   ratio             cpu_ms_timeline / cpu_ms_charts
//   events_per_refresh  attempts the timeline read per refresh
// Run offscreen: bench/bench_timeline_window (QT_QPA_PLATFORM defaults to offscreen).
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/timeline_view.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTabWidget>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <ctime>
#include <memory>

using namespace poollab;

namespace {

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// M/M/c at 80 % utilization with c = workers and a 100 ms mean service time.
Scenario loaded(int workers)
{
    Scenario s;
    s.name = "bench";
    s.timeMode = TimeMode::Virtual;
    s.workers = workers;
    s.queueCapacity = 100'000;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 0.8 * workers / 0.1;
    s.latency = "exp(100ms)";
    s.jobs = 0;
    s.duration = 3600 * kSecond;
    return s;
}

std::size_t recordRows(const RunController* controller)
{
    std::size_t rows = 0;
    controller->withRecord([&](const IntervalRecord& record) { rows = record.size(); });
    return rows;
}

// One refresh as the window's timer does it, once the record has gained a row (the
// wait is not timed): the tick, then the repaints it posted, delivered at once.
// Counts the timeline's paints, to say that a refresh paints it once.
class PaintCounter : public QObject
{
public:
    int paints = 0;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Paint)
            ++paints;
        return QObject::eventFilter(watched, event);
    }
};

double timedRefresh(RunController* controller)
{
    const double t0 = threadCpuSeconds();
    controller->tick();
    for (int round = 0; round < 3; ++round)
        QCoreApplication::sendPostedEvents();
    return threadCpuSeconds() - t0;
}

void BM_TimelineRefresh(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    WindowHooks hooks;
    hooks.makeEngine = makeEngineFor;
    MainWindow window(hooks);
    window.resize(1600, 1000);
    window.show();
    window.setScenario(loaded(workers));
    RunController* controller = window.controller();
    controller->setPace(0);
    if (!controller->start()) {
        state.SkipWithError("the run did not start");
        return;
    }
    // Past the timeline's 10 s, so that it scrolls with every refresh; then at up to 20x.
    QElapsedTimer wall;
    wall.start();
    while (toSeconds(controller->snapshot().runNs) < 11 && wall.elapsed() < 240'000)
        spin(50);
    controller->setPace(20);
    controller->setTickInterval(3'600'000); // the bench ticks
    spin(50);
    double cpu[2] = {0, 0};
    int count[2] = {0, 0};
    std::uint64_t events = 0;
    int timelinePaints = 0;
    bool timeline = false;
    PaintCounter counter;
    window.timeline()->view()->installEventFilter(&counter);
    int done = 0;
    for (auto _ : state) {
        state.PauseTiming();
        // Blocks of five refreshes a tab: a switch repaints the whole tab, and the run
        // goes on meanwhile, so switching every time would give the refresh after it
        // several sample intervals to catch up on instead of one.
        if (done++ % 5 == 0) {
            timeline = !timeline;
            window.showTab(timeline ? QStringLiteral("timeline") : QStringLiteral("charts"));
            for (int round = 0; round < 3; ++round) // the switch's own repaint, not timed
                QCoreApplication::sendPostedEvents();
            const std::size_t switched = recordRows(controller);
            while (recordRows(controller) == switched) // and what came in meanwhile
                spin(2);
            controller->tick();
            for (int round = 0; round < 3; ++round)
                QCoreApplication::sendPostedEvents();
        }
        const std::uint64_t before = window.timeline()->view()->events().seen();
        const std::size_t rows = recordRows(controller);
        QElapsedTimer waited;
        waited.start();
        while (recordRows(controller) == rows && waited.elapsed() < 5000)
            spin(2);
        state.ResumeTiming();
        const int paints = counter.paints;
        cpu[timeline] += timedRefresh(controller);
        if (timeline)
            timelinePaints += counter.paints - paints;
        ++count[timeline];
        if (timeline)
            events += window.timeline()->view()->events().seen() - before;
    }
    const double charts = 1e3 * cpu[0] / std::max(1, count[0]);
    const double shown = 1e3 * cpu[1] / std::max(1, count[1]);
    state.counters["cpu_ms_charts"] = charts;
    state.counters["cpu_ms_timeline"] = shown;
    state.counters["ratio"] = charts > 0 ? shown / charts : 0;
    state.counters["timeline_paints"] = static_cast<double>(timelinePaints) / std::max(1, count[1]);
    state.counters["events_per_refresh"] = static_cast<double>(events) / std::max(1, count[1]);
    state.counters["rows_painted"] = window.timeline()->view()->rowCount();
    state.counters["workers_per_row"] = window.timeline()->view()->workersPerRow();
    state.counters["sim_s"] = toSeconds(controller->snapshot().runNs);
    controller->cancel();
}

// The view alone: a paint with its ring full (200,000 attempts of 100 ms on `workers`
// lanes at 80 % busy, all in the 10 s shown), without the engine running beside it.
void BM_TimelinePaint(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    TimelineView view;
    view.resize(1000, 700);
    std::vector<AttemptEvent> events;
    const std::size_t count = TimelineView::kDefaultCapacity;
    for (std::size_t i = 0; i < count; ++i) {
        AttemptEvent e;
        e.jobId = i + 1;
        e.worker = static_cast<int>(i % static_cast<std::size_t>(workers));
        e.taken = e.started = static_cast<Nanos>(i) * 10 * kSecond / static_cast<Nanos>(count);
        e.ended = e.started + 100 * kMilli;
        events.push_back(e);
    }
    view.refresh(10 * kSecond, workers);
    view.appendEvents(events);
    QImage image(view.size(), QImage::Format_RGB32);
    for (auto _ : state) {
        view.render(&image);
    }
    state.counters["rows_painted"] = view.rowCount();
    state.counters["bars"] = view.drawsBars();
}

} // namespace

BENCHMARK(BM_TimelinePaint)->Arg(1000)->Arg(100'000)->ArgName("workers")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelineRefresh)
    ->Iterations(40)
    ->Arg(1000)
    ->Arg(100'000)
    ->ArgName("workers")
    ->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
