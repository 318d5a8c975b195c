// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the window benchmarks share (bench_window, bench_timeline_window): the GUI
// thread's CPU clock, running the event loop, the loaded scenario, a shown window and
// a paint counter, and main().
#include "core/interval_record.h"
#include "core/scenario.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/run_controller.h"

#include <QApplication>
#include <QEvent>
#include <QEventLoop>
#include <QObject>
#include <QTimer>

#include <benchmark/benchmark.h>

#include <ctime>
#include <memory>

namespace poollab::bench {

// CPU time of the calling thread (the GUI thread's, not the engine's).
inline double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Runs the event loop for `ms` of wall time.
inline void spin(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// M/M/c at 80 % utilization with c = workers and a 100 ms mean service time.
inline Scenario loaded(int workers, TimeMode mode = TimeMode::Virtual)
{
    Scenario s;
    s.name = "bench";
    s.timeMode = mode;
    s.workers = workers;
    s.queueCapacity = 100'000;
    s.arrival = ArrivalKind::Poisson;
    s.rate = 0.8 * workers / 0.1;
    s.latency = "exp(100ms)";
    s.jobs = 0;
    s.duration = 3600 * kSecond;
    return s;
}

// The window as the app makes it, 1600 x 1000, shown.
inline std::unique_ptr<MainWindow> makeWindow()
{
    WindowHooks hooks;
    hooks.makeEngine = makeEngineFor;
    auto window = std::make_unique<MainWindow>(hooks);
    window->resize(1600, 1000);
    window->show();
    return window;
}

inline std::size_t recordRows(const RunController* controller)
{
    std::size_t rows = 0;
    controller->withRecord([&](const IntervalRecord& record) { rows = record.size(); });
    return rows;
}

// Counts the paint events delivered to what it is installed on, to say what a refresh
// repainted.
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

// The benchmarks' main(): offscreen unless QT_QPA_PLATFORM says otherwise.
inline int runWindowBenchmarks(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

} // namespace poollab::bench
