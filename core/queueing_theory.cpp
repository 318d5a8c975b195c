// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/queueing_theory.h"

#include "core/distribution.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace poollab {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Stop summing a geometric tail once it cannot change a double.
constexpr double kNegligible = 1e-18;

std::string format(const char* fmt, double value)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, fmt, value);
    return buffer;
}

double relativeError(double measured, double predicted)
{
    return predicted != 0 && std::isfinite(predicted) ? (measured - predicted) / predicted : 0.0;
}

} // namespace

double erlangB(int servers, double a)
{
    // Each step is a ratio in [0, 1]: no factorials, no overflow. For a far below c
    // it underflows gracefully towards 0, which is the right limit.
    double b = 1.0;
    for (int k = 1; k <= servers; ++k)
        b = a * b / (static_cast<double>(k) + a * b);
    return b;
}

double erlangC(int servers, double a)
{
    if (a >= servers)
        return 1.0;
    const double b = erlangB(servers, a);
    const double rho = a / servers;
    return b / (1.0 - rho * (1.0 - b));
}

QueueMetrics mmc(double lambda, double mu, int servers)
{
    QueueMetrics m;
    m.lambda = lambda;
    m.mu = mu;
    m.servers = servers;
    m.offeredLoad = lambda / mu;
    m.rho = m.offeredLoad / servers;
    m.stable = m.rho < 1.0;
    m.throughput = lambda;
    if (!m.stable) {
        m.probWait = 1.0;
        m.utilization = 1.0;
        m.meanWait = m.meanResponse = m.meanQueueLength = m.meanInSystem = kInf;
        m.throughput = servers * mu; // what the servers can do; the rest piles up
        return m;
    }
    m.probWait = erlangC(servers, m.offeredLoad);
    m.meanWait = m.probWait / (servers * mu - lambda);
    m.meanResponse = m.meanWait + 1.0 / mu;
    m.meanQueueLength = lambda * m.meanWait;
    m.meanInSystem = lambda * m.meanResponse;
    m.utilization = m.rho;
    return m;
}

QueueMetrics mmck(double lambda, double mu, int servers, std::int64_t limit)
{
    QueueMetrics m;
    m.lambda = lambda;
    m.mu = mu;
    m.servers = servers;
    m.limit = std::max<std::int64_t>(limit, servers);
    m.offeredLoad = lambda / mu;
    m.rho = m.offeredLoad / servers;
    m.stable = true;
    const std::int64_t positions = m.limit - servers; // queue places: states c .. c + positions
    const double b = erlangB(servers, m.offeredLoad);
    const double rho = m.rho;

    // p(c + j) is proportional to rho^j and the states below c sum to p(c) (1/B - 1).
    // Weights are taken relative to the largest queue state (j = 0 when rho <= 1,
    // j = positions when rho > 1) so that none overflows whatever K and c are.
    double lower = 0;     // states below c, relative to the reference
    double queueSum = 0;  // sum over j of the weights of states c + j
    double queueJobs = 0; // sum over j of j * weight: Lq before normalising
    double full = 0;      // weight of state K
    if (rho <= 1.0) {
        lower = b > 0 ? 1.0 / b - 1.0 : kInf;
        double t = 1.0;
        const double tail = rho < 1.0 ? 1.0 / (1.0 - rho) : kInf;
        for (std::int64_t j = 0; j <= positions; ++j) {
            queueSum += t;
            queueJobs += static_cast<double>(j) * t;
            // The rest is at most t rho / (1 - rho) (times (j + 1/(1-rho)) for Lq).
            const double rest = t * tail;
            if (rest < kNegligible * queueSum &&
                rest * (static_cast<double>(j) + tail) < kNegligible * queueJobs)
                break;
            t *= rho;
        }
        full = std::pow(rho, static_cast<double>(positions));
    } else {
        const double sigma = 1.0 / rho;
        const double tail = 1.0 / (1.0 - sigma);
        double u = 1.0; // weight of state K - i, i = 0 .. positions
        double gaps = 0;
        for (std::int64_t i = 0; i <= positions; ++i) {
            queueSum += u;
            gaps += static_cast<double>(i) * u;
            const double rest = u * tail;
            if (rest < kNegligible * queueSum && rest * (static_cast<double>(i) + tail) < kNegligible * gaps)
                break;
            u *= sigma;
        }
        queueJobs = static_cast<double>(positions) * queueSum - gaps;
        // rho > 1 means a > c, where B is well away from 0.
        lower = std::exp(static_cast<double>(positions) * std::log(sigma)) * (1.0 - b) / b;
        full = 1.0;
    }
    const double norm = lower + queueSum;
    const double atLeastC = queueSum / norm;
    m.blocking = full / norm;
    m.throughput = lambda * (1.0 - m.blocking);
    m.meanQueueLength = queueJobs / norm;
    const double busy = m.throughput / mu;
    m.meanInSystem = m.meanQueueLength + busy;
    m.utilization = busy / servers;
    m.probWait = m.blocking < 1.0 ? std::max(0.0, atLeastC - m.blocking) / (1.0 - m.blocking) : 1.0;
    m.meanWait = m.throughput > 0 ? m.meanQueueLength / m.throughput : 0.0;
    m.meanResponse = m.meanWait + 1.0 / mu;
    return m;
}

std::string stabilityText(const QueueMetrics& m)
{
    const std::string rho = format("%.4g", m.rho);
    if (m.limit > 0)
        return m.rho < 1.0 ? "stable: rho = " + rho + " < 1"
                           : "rho = " + rho + " >= 1: the queue stays near full and " +
                                 format("%.3g %%", m.blocking * 100) + " of arrivals are turned away";
    if (m.stable)
        return "stable: rho = " + rho + " < 1";
    return "unstable: rho = " + rho +
           " >= 1: arrivals outpace the workers, so the queue and the wait grow without bound";
}

TheoryPrediction predict(const Scenario& s)
{
    std::string error;
    const auto latency = LatencyDistribution::parse(s.latency, &error);
    // The overload looks at the arrivals first; only then does a spec that does not parse matter.
    if (latency || s.arrival != ArrivalKind::Poisson || !(s.rate > 0))
        return predict(s, latency.value_or(LatencyDistribution{}));
    TheoryPrediction p;
    p.reason = "formulas do not apply: the latency spec does not parse: " + error;
    return p;
}

TheoryPrediction predict(const Scenario& s, const LatencyDistribution& latency)
{
    TheoryPrediction p;
    const auto no = [&p](const std::string& why) {
        p.reason = "formulas do not apply: " + why;
        return p;
    };
    if (s.arrival != ArrivalKind::Poisson)
        return no("arrivals are not Poisson");
    if (!(s.rate > 0))
        return no("the arrival rate is not positive");
    if (!latency.isExponential())
        return no("service times are not exponential (latency \"" + s.latency + "\")");
    if (!(latency.meanNs() > 0))
        return no("the mean service time is 0");
    if (s.failureRate > 0)
        return no("attempts fail (failure rate > 0)");
    if (s.timeout > 0)
        return no("attempts have a timeout");
    if (s.rateLimit > 0)
        return no("a rate limit holds starts back");
    if (s.workers < 1)
        return no("there are no workers");
    if (s.overflow == OverflowPolicy::DropOldest)
        return no("drop-oldest overflow pushes queued jobs out, which M/M/c/K does not model");

    const double lambda = s.rate;
    const double mu = 1e9 / latency.meanNs();
    p.applies = true;
    if (s.overflow == OverflowPolicy::Reject) {
        p.model = "M/M/c/K";
        p.metrics =
            mmck(lambda, mu, s.workers, static_cast<std::int64_t>(s.workers) + std::max(0, s.queueCapacity));
    } else {
        p.model = "M/M/c";
        p.metrics = mmc(lambda, mu, s.workers);
    }
    return p;
}

LittleCheck littleCheck(double meanInSystem, double arrivalRate, double meanResponse)
{
    LittleCheck c;
    c.meanInSystem = meanInSystem;
    c.arrivalRate = arrivalRate;
    c.meanResponse = meanResponse;
    c.lambdaW = arrivalRate * meanResponse;
    const double scale = std::max(std::abs(c.meanInSystem), std::abs(c.lambdaW));
    c.relativeError = scale > 0 ? std::abs(c.meanInSystem - c.lambdaW) / scale : 0.0;
    return c;
}

TheoryComparison compareWithTheory(const Scenario& scenario, const Snapshot& snap, double meanInSystem)
{
    return compareWithTheory(predict(scenario), snap, meanInSystem);
}

TheoryComparison compareWithTheory(const TheoryPrediction& prediction, const Snapshot& snap,
                                   double meanInSystem)
{
    TheoryComparison t;
    t.prediction = prediction;
    const double runS = toSeconds(snap.runNs);
    const Counters& c = snap.counters;
    if (runS > 0) {
        t.measuredLambda = static_cast<double>(c.submitted) / runS;
        t.measuredThroughput = static_cast<double>(c.submitted - c.rejected) / runS;
    }
    t.measuredBlocking =
        c.submitted ? static_cast<double>(c.rejected) / static_cast<double>(c.submitted) : 0.0;
    // The engines count each accepted arrival that found no idle worker, Erlang C's
    // definition. A wait above 0 ns would not do: in real time every job waits the
    // microseconds a worker takes to pick it up.
    t.measuredProbWait = c.arrivedToBusyShare();
    t.measuredMeanWait = snap.wait.mean() / 1e9;
    t.measuredMeanResponse = snap.total.mean() / 1e9;
    t.measuredUtilization = snap.utilization();
    if (t.prediction.applies) {
        const QueueMetrics& m = t.prediction.metrics;
        t.meanWaitError = relativeError(t.measuredMeanWait, m.meanWait);
        t.meanResponseError = relativeError(t.measuredMeanResponse, m.meanResponse);
        t.utilizationError = relativeError(t.measuredUtilization, m.utilization);
        t.blockingError = relativeError(t.measuredBlocking, m.blocking);
    }
    if (meanInSystem >= 0) {
        t.hasLittle = true;
        // Jobs that entered the system (accepted) per second, and their time in it.
        t.little = littleCheck(meanInSystem, t.measuredThroughput, t.measuredMeanResponse);
    }
    return t;
}

} // namespace poollab
