// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/distribution.h"
#include "core/scenario.h"
#include "core/snapshot.h"

#include <cstdint>
#include <string>

namespace poollab {

// Steady-state measures of a Markovian queue with c identical servers. Times are in
// seconds, rates per second. For an unstable M/M/c (rho >= 1) only lambda, mu, c,
// offeredLoad and rho are meaningful; the rest are +infinity (waits, lengths) or 1
// (probability of waiting, utilization).
struct QueueMetrics
{
    double lambda = 0;          // arrival rate
    double mu = 0;              // service rate of one server (1 / mean service time)
    int servers = 0;            // c
    std::int64_t limit = 0;     // K: most jobs in the system (c + queue capacity); 0 = unbounded
    double offeredLoad = 0;     // a = lambda / mu, in Erlangs
    double rho = 0;             // a / c: the load per server offered (may be >= 1)
    bool stable = false;        // a steady state exists (always for M/M/c/K)
    double blocking = 0;        // share of arrivals turned away (M/M/c/K), 0 for M/M/c
    double throughput = 0;      // accepted arrivals per second: lambda * (1 - blocking)
    double probWait = 0;        // an accepted arrival finds every server busy (Erlang C for M/M/c)
    double meanWait = 0;        // Wq: queue wait of an accepted job
    double meanResponse = 0;    // W = Wq + 1/mu
    double meanQueueLength = 0; // Lq
    double meanInSystem = 0;    // L
    double utilization = 0;     // busy share of each server: throughput / (c mu)
};

// Erlang B, the loss probability of M/M/c/c, by the recurrence
// B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1)), which stays in [0, 1] for any c.
double erlangB(int servers, double offeredLoad);
// Erlang C, the probability that an arrival to M/M/c waits. 1 when a >= c.
double erlangC(int servers, double offeredLoad);

// M/M/c with an unbounded queue. servers >= 1, lambda > 0, mu > 0.
QueueMetrics mmc(double lambda, double mu, int servers);
// M/M/c/K, K = servers + queue capacity >= servers: an arrival that finds K jobs in
// the system is blocked. Stable for any load.
QueueMetrics mmck(double lambda, double mu, int servers, std::int64_t limit);

// Plain words on stability: "stable: rho = 0.900 < 1", or what happens if not.
std::string stabilityText(const QueueMetrics& m);

// Whether a scenario is one the formulas describe and, if it is, what they predict.
struct TheoryPrediction
{
    bool applies = false;
    std::string model;  // "M/M/c" or "M/M/c/K"
    std::string reason; // why not: "formulas do not apply: ..." (empty when they apply)
    QueueMetrics metrics;
};
// Applies to Poisson arrivals, exponential service, no failures, timeouts or rate
// limit, one worker count. Overflow block is M/M/c: the producer holds a job back
// but it keeps its planned arrival, so waits count as if the queue were unbounded.
// Overflow reject is M/M/c/K with K = workers + queue capacity. Drop-oldest is
// neither.
// Parses the scenario's latency spec, then as below.
TheoryPrediction predict(const Scenario& scenario);
// With the spec already parsed (the window predicts once per scenario, not per tick).
TheoryPrediction predict(const Scenario& scenario, const LatencyDistribution& latency);

// Little's law, L = lambda W, checked on measured quantities.
struct LittleCheck
{
    double meanInSystem = 0;  // L, measured (time average of jobs in the system)
    double arrivalRate = 0;   // lambda, measured (jobs that entered per second)
    double meanResponse = 0;  // W, measured (seconds in the system per job)
    double lambdaW = 0;       // lambda * W
    double relativeError = 0; // |L - lambda W| / max(L, lambda W); 0 when both are 0
};
LittleCheck littleCheck(double meanInSystem, double arrivalRate, double meanResponse);

// Predicted next to measured for one finished run: what the summary's "theory"
// object reports.
struct TheoryComparison
{
    TheoryPrediction prediction;
    // Measured, from the final snapshot (times in seconds).
    double measuredLambda = 0;       // submitted per second of run time
    double measuredThroughput = 0;   // accepted (not rejected) per second
    double measuredBlocking = 0;     // rejected / submitted
    double measuredProbWait = 0;     // share of accepted arrivals that found no idle worker (not retries)
    double measuredMeanWait = 0;     // mean queue wait per attempt
    double measuredMeanResponse = 0; // mean total time per completed job
    double measuredUtilization = 0;  // busy / available worker time
    // Relative differences (measured - predicted) / predicted, 0 if predicted is 0.
    double meanWaitError = 0;
    double meanResponseError = 0;
    double utilizationError = 0;
    double blockingError = 0;
    // Little's law, when the caller knows the time-average L (hasLittle false if not).
    bool hasLittle = false;
    LittleCheck little;
};
// meanInSystem < 0 means unknown (no Little's check).
TheoryComparison compareWithTheory(const Scenario& scenario, const Snapshot& finalSnapshot,
                                   double meanInSystem = -1);
// The same with the prediction made beforehand.
TheoryComparison compareWithTheory(const TheoryPrediction& prediction, const Snapshot& finalSnapshot,
                                   double meanInSystem = -1);

} // namespace poollab
