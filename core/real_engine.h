// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/engine.h"
#include "core/load_generator.h"
#include "core/pool.h"
#include "core/token_bucket_gate.h"
#include "core/workload.h"

#include <memory>
#include <mutex>

namespace poollab {

// A run on real threads: a Pool of workers, the WorkloadPolicy deciding what each
// attempt does, a TokenBucketGate when starts are rate-limited, and a LoadGenerator
// thread submitting the scenario's arrivals.
class RealEngine : public Engine
{
public:
    // Throws std::invalid_argument when the scenario's latency spec does not parse.
    explicit RealEngine(const Scenario& scenario);
    ~RealEngine() override;

    void start() override;
    void pause() override;
    void resume() override;
    void drain() override;
    void cancel() override;
    // A latency spec that does not parse is ignored (the previous one stays).
    void apply(const Scenario& changed) override;

    void snapshot(Snapshot& out) const override;
    bool finished() const override;
    bool waitFinished(Nanos timeoutNs = -1) override;

    const Scenario& scenario() const override { return m_scenario; }
    TimeMode timeMode() const override { return TimeMode::Real; }
    void setAttemptEventLog(std::shared_ptr<AttemptEventLog> log) override;

    // system_clock at the pool's creation, in ns since the Unix epoch: pool time 0 as
    // a wall-clock instant, for timestamps in exports.
    Nanos wallEpochUnixNs() const { return m_wallEpochUnixNs; }
    std::uint64_t plannedJobs() const;
    std::uint64_t submitted() const { return m_generator->submitted(); }
    const LoadGenerator& generator() const { return *m_generator; }

private:
    void stopGenerator(bool cancelPool);

    Scenario m_scenario;
    std::unique_ptr<LoadGenerator> m_generator; // outlives the pool: the pool calls it back
    std::unique_ptr<Pool> m_pool;
    std::shared_ptr<TokenBucketGate> m_gate;
    Nanos m_wallEpochUnixNs = 0;
    std::mutex m_controlMutex; // serialises start/drain/cancel/apply from several threads
};

// Throws std::invalid_argument when the scenario's latency spec does not parse.
std::unique_ptr<Engine> makeRealEngine(const Scenario& scenario);

} // namespace poollab
