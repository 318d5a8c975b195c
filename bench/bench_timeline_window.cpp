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
#include "bench/window_fixture.h"
#include "ui/timeline_view.h"

#include <QElapsedTimer>
#include <QTabWidget>

#include <benchmark/benchmark.h>

using namespace poollab;
using namespace poollab::bench;

namespace {

// One refresh as the window's timer does it, once the record has gained a row (the
// wait is not timed): the tick, then the repaints it posted, delivered at once.
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
    const std::unique_ptr<MainWindow> owner = makeWindow();
    MainWindow& window = *owner;
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
    PaintCounter counter; // to say that a refresh paints the timeline once
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
        view.rebuildDensity(); // all of it, as on a zoom (a refresh only adds what is new)
        view.render(&image);
    }
    state.counters["rows_painted"] = view.rowCount();
    state.counters["bars"] = view.drawsBars();
}

// The view alone following a run, as a refresh of the tab: `workers` lanes at 80 %
// busy with 100 ms attempts, 8 attempts per worker a second, 1 s of them read per
// refresh (at most 100,000: what the window's log holds), then one paint.
//   new_per_refresh   attempts read per refresh
void BM_TimelineFollow(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    const std::size_t perSecond = std::min<std::size_t>(100'000, static_cast<std::size_t>(workers) * 8);
    TimelineView view;
    view.resize(1000, 700);
    QImage image(view.size(), QImage::Format_RGB32);
    std::vector<AttemptEvent> batch(perSecond);
    std::uint64_t job = 0;
    Nanos now = 0;
    const auto nextSecond = [&] {
        for (std::size_t i = 0; i < perSecond; ++i) {
            AttemptEvent& e = batch[i];
            e.jobId = ++job;
            e.worker = static_cast<int>(job % static_cast<std::uint64_t>(workers));
            e.ended = now + static_cast<Nanos>(i) * kSecond / static_cast<Nanos>(perSecond);
            e.taken = e.started = e.ended - 100 * kMilli;
        }
        now += kSecond;
        view.appendEvents(batch);
        view.refresh(now, workers);
    };
    for (int second = 0; second < 12; ++second) // past the 10 s in view, the ring full
        nextSecond();
    view.render(&image);
    const int rebuilds = view.densityRebuilds();
    for (auto _ : state) {
        nextSecond();
        view.render(&image);
    }
    state.counters["new_per_refresh"] = static_cast<double>(perSecond);
    state.counters["rebuilds"] = view.densityRebuilds() - rebuilds;
    state.counters["rows_painted"] = view.rowCount();
}

} // namespace

BENCHMARK(BM_TimelinePaint)->Arg(1000)->Arg(100'000)->ArgName("workers")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelineFollow)->Arg(1000)->Arg(100'000)->ArgName("workers")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_TimelineRefresh)
    ->Iterations(40)
    ->Arg(1000)
    ->Arg(100'000)
    ->ArgName("workers")
    ->Unit(benchmark::kMillisecond);

int main(int argc, char** argv)
{
    return poollab::bench::runWindowBenchmarks(argc, argv);
}
