// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/interim_engine.h"

#include "core/distribution.h"
#include "core/pool.h"

#include <atomic>
#include <thread>

namespace poollab {

namespace {

Nanos meanLatency(const std::string& spec)
{
    const auto d = LatencyDistribution::parse(spec, nullptr);
    return d ? static_cast<Nanos>(d->meanNs()) : 0;
}

PoolConfig configFor(const Scenario& s)
{
    PoolConfig c;
    c.workers = s.workers;
    c.queueCapacity = s.queueCapacity;
    c.overflow = s.overflow;
    return c;
}

class InterimEngine final : public Engine
{
public:
    explicit InterimEngine(const Scenario& s)
        : m_scenario(s), m_pool(configFor(s)), m_latency(meanLatency(s.latency)), m_rate(s.rate)
    {}
    ~InterimEngine() override
    {
        m_producer.request_stop();
        m_pool.cancel();
    }

    void start() override
    {
        m_pool.start();
        // The producer reads its own copy: apply() rewrites m_scenario on the GUI thread.
        m_producer = std::jthread([this, s = m_scenario](std::stop_token stop) { produce(s, stop); });
    }
    void pause() override { m_pool.pause(); }
    void resume() override { m_pool.resume(); }
    void drain() override
    {
        m_producer.request_stop();
        m_pool.drain();
    }
    void cancel() override
    {
        m_producer.request_stop();
        m_pool.cancel();
    }
    void apply(const Scenario& s) override
    {
        if (s.workers != m_scenario.workers)
            m_pool.setWorkerCount(s.workers);
        if (s.queueCapacity != m_scenario.queueCapacity)
            m_pool.setQueueCapacity(s.queueCapacity);
        if (s.overflow != m_scenario.overflow)
            m_pool.setOverflowPolicy(s.overflow);
        m_latency = meanLatency(s.latency);
        m_rate = s.rate;
        m_scenario = s;
    }
    void snapshot(Snapshot& out) const override { m_pool.snapshot(out); }
    bool finished() const override { return m_pool.state() == PoolState::Stopped; }
    bool waitFinished(Nanos timeoutNs) override { return m_pool.waitUntilStopped(timeoutNs); }
    const Scenario& scenario() const override { return m_scenario; }
    TimeMode timeMode() const override { return TimeMode::Real; }

private:
    void produce(const Scenario& s, const std::stop_token& stop)
    {
        const bool burst = s.arrival == ArrivalKind::Burst;
        const std::uint64_t jobs = s.jobs;
        const Nanos end = s.duration > 0 ? m_pool.now() + s.duration : 0;
        Nanos next = m_pool.now();
        for (std::uint64_t i = 0; (jobs == 0 || i < jobs) && !stop.stop_requested(); ++i) {
            if (!burst) {
                const double rate = m_rate.load();
                next += rate > 0 ? static_cast<Nanos>(1e9 / rate) : kSecond;
                const Nanos wait = next - m_pool.now();
                if (wait > 0)
                    std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
            }
            if (end && m_pool.now() >= end)
                break;
            Job job;
            job.id = i;
            job.arrivalNs = next;
            job.serviceNs = m_latency.load();
            job.kind = s.jobKind;
            if (m_pool.submit(job) == SubmitResult::Closed)
                return;
        }
        m_pool.drain();
    }

    Scenario m_scenario;
    Pool m_pool;
    std::atomic<Nanos> m_latency;
    std::atomic<double> m_rate;
    std::jthread m_producer;
};

} // namespace

std::unique_ptr<Engine> makeInterimEngine(const Scenario& scenario)
{
    return std::make_unique<InterimEngine>(scenario);
}

} // namespace poollab
