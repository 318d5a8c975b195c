// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/real_engine.h"

#include "core/scenario_fields.h"

#include <chrono>
#include <stdexcept>

namespace poollab {

RealEngine::RealEngine(const Scenario& scenario) : m_scenario(scenario)
{
    std::string error;
    auto policy = WorkloadPolicy::make(scenario, &error);
    if (!policy)
        throw std::invalid_argument(error);
    m_generator = std::make_unique<LoadGenerator>(scenario);
    PoolConfig config;
    config.workers = scenario.workers;
    config.queueCapacity = scenario.queueCapacity;
    config.overflow = scenario.overflow;
    LoadGenerator* generator = m_generator.get();
    config.onJobDone = [generator](const Job& job, Outcome outcome) { generator->jobDone(job, outcome); };
    m_wallEpochUnixNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    m_pool = std::make_unique<Pool>(std::move(config));
    m_pool->setAttemptPolicy(std::move(policy));
    if (scenario.rateLimit > 0) {
        m_gate =
            std::make_shared<TokenBucketGate>(scenario.rateLimit, scenario.burst, m_pool->epochSteadyNs());
        m_pool->setStartGate(m_gate);
    }
}

RealEngine::~RealEngine()
{
    // The generator may be blocked in submit(): cancelling the pool frees it.
    m_generator->requestStop();
    m_pool->cancel();
    m_generator->join();
    m_pool.reset(); // joins the workers; their last callbacks still reach the generator
    m_generator.reset();
}

void RealEngine::start()
{
    std::lock_guard lock(m_controlMutex);
    if (m_pool->state() != PoolState::Idle)
        return;
    m_pool->start();
    m_generator->start(*m_pool);
}

void RealEngine::setAttemptEventLog(std::shared_ptr<AttemptEventLog> log)
{
    m_pool->setAttemptEventLog(std::move(log));
}

void RealEngine::pause()
{
    std::lock_guard lock(m_controlMutex);
    m_generator->pause();
    m_pool->pause();
}

void RealEngine::resume()
{
    std::lock_guard lock(m_controlMutex);
    m_pool->resume();
    m_generator->resume();
}

void RealEngine::stopGenerator(bool cancelPool)
{
    m_generator->requestStop();
    if (cancelPool)
        m_pool->cancel();
    else
        m_pool->drain();
    m_generator->join();
}

void RealEngine::drain()
{
    std::lock_guard lock(m_controlMutex);
    stopGenerator(false);
}

void RealEngine::cancel()
{
    std::lock_guard lock(m_controlMutex);
    stopGenerator(true);
}

void RealEngine::apply(const Scenario& changed)
{
    std::lock_guard lock(m_controlMutex);
    Scenario next = changed;
    const Scenario& old = m_scenario;
    if (next.workers != old.workers)
        m_pool->setWorkerCount(next.workers);
    if (next.queueCapacity != old.queueCapacity)
        m_pool->setQueueCapacity(next.queueCapacity);
    if (next.overflow != old.overflow)
        m_pool->setOverflowPolicy(next.overflow);

    const ScenarioDiff changes = diff(old, next);
    const bool policyChanged = changes.has(AffectsWorkload);
    if (policyChanged) {
        auto policy = WorkloadPolicy::make(next);
        if (!policy) {
            next.latency = old.latency;
            policy = WorkloadPolicy::make(next);
        }
        m_pool->setAttemptPolicy(std::move(policy));
    }

    if (changes.has(AffectsRateLimit)) {
        if (next.rateLimit > 0) {
            if (m_gate) {
                m_gate->setRate(next.rateLimit, next.burst);
            } else {
                m_gate =
                    std::make_shared<TokenBucketGate>(next.rateLimit, next.burst, m_pool->epochSteadyNs());
                m_pool->setStartGate(m_gate);
            }
        } else if (m_gate) {
            m_pool->setStartGate(nullptr);
            m_gate->setRate(0, next.burst); // frees workers already waiting on it
            m_gate.reset();
        }
    }

    if (changes.has(AffectsArrivals))
        m_generator->apply(next);
    m_scenario = next;
}

void RealEngine::snapshot(Snapshot& out) const
{
    m_pool->snapshot(out);
}

bool RealEngine::finished() const
{
    return m_pool->state() == PoolState::Stopped;
}

bool RealEngine::waitFinished(Nanos timeoutNs)
{
    return m_pool->waitUntilStopped(timeoutNs);
}

std::uint64_t RealEngine::plannedJobs() const
{
    return LoadGenerator::plannedJobs(m_scenario);
}

std::unique_ptr<Engine> makeRealEngine(const Scenario& scenario)
{
    return std::make_unique<RealEngine>(scenario);
}

} // namespace poollab
