// SPDX-License-Identifier: GPL-3.0-or-later
// What one refresh of the window costs the GUI thread: snapshot -> sampler -> the three
// charts -> worker view -> summary, then painting, at 10, 1,000 and 100,000 workers
// (virtual time, so the worker count is not limited by threads). And the share of a
// core the GUI thread uses while a loaded run goes: 1,000 real workers at 20,000 jobs/s
// and 10,000 virtual workers at 1000x pace.
// Run offscreen: QT_QPA_PLATFORM=offscreen bench/bench_window
#include "bench/window_fixture.h"

#include <QElapsedTimer>

#include <benchmark/benchmark.h>

using namespace poollab;
using namespace poollab::bench;

namespace {

// One refresh as the window's timer does it, for a record that has gained a row since
// the last one (as a live run's, in the worst case): every series, axis and label has
// something new to draw. The run goes on in virtual time at full pace until the record
// is longer than the charts' window (the default last minute), so that each new row
// scrolls the time axes, then at 20x; the bench's own ticks stand in for the window's
// timer, and the wait for the next row is not timed.
// whole = 0: the tick, then the repaints it scheduled, delivered at once (what the
// window paints: the chart views, the worker view, the summary and the status bar).
// whole = 1: the tick, then a synchronous repaint of the whole window, controls too,
// which the window never does on a tick (what this bench timed before; kept to compare
// with the earlier figures in docs/PERFORMANCE.md).
void BM_WindowRefresh(benchmark::State& state)
{
    const int workers = static_cast<int>(state.range(0));
    const bool whole = state.range(1) != 0;
    auto window = makeWindow();
    window->setScenario(loaded(workers, TimeMode::Virtual));
    RunController* controller = window->controller();
    controller->setPace(0);
    if (!controller->start()) {
        state.SkipWithError("the run did not start");
        return;
    }
    constexpr double kPastWindow = 61; // s: the charts' default window is the last 60 s
    QElapsedTimer wall;
    wall.start();
    while (toSeconds(controller->snapshot().runNs) < kPastWindow && wall.elapsed() < 240'000)
        spin(50);
    controller->setPace(20);
    controller->setTickInterval(3'600'000); // the bench ticks
    spin(50);
    const double firstSimS = toSeconds(controller->snapshot().runNs);
    if (firstSimS < kPastWindow) {
        state.SkipWithError("the run did not pass the charts' window in 4 minutes");
        return;
    }
    PaintCounter counter;
    qApp->installEventFilter(&counter);
    double tickCpu = 0;
    double paintCpu = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const std::size_t rows = recordRows(controller);
        QElapsedTimer waited;
        waited.start();
        while (recordRows(controller) == rows && waited.elapsed() < 5000)
            spin(2);
        state.ResumeTiming();
        // Where the time goes: the tick (snapshot, sampler, every widget's update) and the paint.
        const double t0 = threadCpuSeconds();
        controller->tick();
        const double t1 = threadCpuSeconds();
        if (whole) {
            window->repaint();
        } else {
            // The chart scenes post their changes, which post the views' update
            // requests, which paint: three rounds deliver all of it.
            for (int round = 0; round < 3; ++round)
                QCoreApplication::sendPostedEvents();
        }
        tickCpu += t1 - t0;
        paintCpu += threadCpuSeconds() - t1;
    }
    qApp->removeEventFilter(&counter);
    const auto n = static_cast<double>(state.iterations());
    state.counters["cpu_ms"] = 1e3 * (tickCpu + paintCpu) / n;
    state.counters["tick_cpu_ms"] = 1e3 * tickCpu / n;
    state.counters["paint_cpu_ms"] = 1e3 * paintCpu / n;
    state.counters["paints"] = counter.paints / n; // widgets painted per refresh
    state.counters["sim_s_first"] = firstSimS;
    state.counters["sim_s"] = toSeconds(controller->snapshot().runNs);
    controller->cancel();
}

// The share of one core the GUI thread uses while a run goes, over 5 s of wall time.
void guiCpuShare(benchmark::State& state, const Scenario& scenario, double pace)
{
    for (auto _ : state) {
        auto window = makeWindow();
        window->setScenario(scenario);
        window->controller()->setPace(pace);
        if (!window->controller()->start()) {
            state.SkipWithError("the run did not start");
            return;
        }
        spin(1000); // warm-up: thread start, first samples
        const double cpu0 = threadCpuSeconds();
        QElapsedTimer wall;
        wall.start();
        spin(5000);
        const double share = (threadCpuSeconds() - cpu0) / (static_cast<double>(wall.nsecsElapsed()) * 1e-9);
        state.counters["gui_core_pct"] = 100 * share;
        window->controller()->cancel();
        spin(100);
    }
}

void BM_GuiCpu_Real1000Workers20kJobsPerS(benchmark::State& state)
{
    Scenario s = loaded(1000, TimeMode::Real);
    s.latency = "exp(40ms)"; // 1000 workers x 1/40 ms = 25,000/s of capacity
    s.rate = 20'000;
    guiCpuShare(state, s, 1);
}

void BM_GuiCpu_Virtual10kWorkersPace1000(benchmark::State& state)
{
    guiCpuShare(state, loaded(10'000, TimeMode::Virtual), 1000);
}

} // namespace

BENCHMARK(BM_WindowRefresh)
    ->Iterations(40)
    ->ArgsProduct({{10, 1000, 100'000}, {0, 1}})
    ->ArgNames({"workers", "whole"})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GuiCpu_Real1000Workers20kJobsPerS)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(BM_GuiCpu_Virtual10kWorkersPace1000)->Iterations(1)->Unit(benchmark::kSecond);

int main(int argc, char** argv)
{
    return poollab::bench::runWindowBenchmarks(argc, argv);
}
