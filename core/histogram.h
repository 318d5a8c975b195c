// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/clock.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

namespace poollab {

// Log-linear (HDR-style) bucketing of nanosecond values: exact below 128 ns, then 64
// buckets per power of two. A bucket is at most 1/64 of its lower bound wide and a
// percentile reports the bucket's midpoint, so the relative error is at most 1/128
// (0.78 %) from 1 us to past one hour. Values beyond the last bucket land in it;
// min and max are kept exactly.
struct HistogramLayout
{
    static constexpr int kLinear = 128;
    static constexpr int kSubBuckets = 64;
    static constexpr int kSubBits = 6;
    static constexpr int kMaxMsb = 42; // 2^43 ns ~ 2.4 h
    static constexpr int kBuckets = kLinear + (kMaxMsb - kSubBits) * kSubBuckets;

    static constexpr int indexOf(Nanos value)
    {
        if (value < kLinear)
            return value < 0 ? 0 : static_cast<int>(value);
        const int msb = 63 - __builtin_clzll(static_cast<unsigned long long>(value));
        if (msb > kMaxMsb)
            return kBuckets - 1;
        const int shift = msb - kSubBits;
        return kLinear + (shift - 1) * kSubBuckets + static_cast<int>((value >> shift) - kSubBuckets);
    }
    static constexpr Nanos lowerBound(int index)
    {
        if (index < kLinear)
            return index;
        const int shift = (index - kLinear) / kSubBuckets + 1;
        const Nanos sub = (index - kLinear) % kSubBuckets + kSubBuckets;
        return sub << shift;
    }
    static constexpr Nanos width(int index)
    {
        return index < kLinear ? 1 : Nanos{1} << ((index - kLinear) / kSubBuckets + 1);
    }
};

// A plain (single-threaded) histogram: what readers merge into and compute from. It
// keeps the range of buckets that may hold values, so copies, differences and
// percentiles walk that range rather than all 2,432 buckets: a snapshot per sample
// interval copies four of these, a million times in a long virtual run.
class Histogram
{
public:
    Histogram();
    Histogram(const Histogram&) = default;
    Histogram& operator=(const Histogram& other);

    void record(Nanos value, std::uint64_t times = 1);
    void clear();
    void merge(const Histogram& other);
    // This minus an earlier state of the same cumulative histogram: the values
    // recorded in between. min and max of the interval are bucket bounds.
    Histogram since(const Histogram& earlier) const;
    void assignDifference(const Histogram& later, const Histogram& earlier);
    // For readers of an AtomicHistogram, whose sum its writers keep (HistogramSum).
    void addToSum(double sum) { m_sum += sum; }

    std::uint64_t count() const { return m_count; }
    bool empty() const { return m_count == 0; }
    Nanos min() const { return m_count ? m_min : 0; }
    Nanos max() const { return m_count ? m_max : 0; }
    double sum() const { return m_sum; }
    double mean() const { return m_count ? m_sum / static_cast<double>(m_count) : 0.0; }
    // Nearest-rank percentile, q in [0, 100]. 0 for an empty histogram.
    Nanos percentile(double q) const;
    // Count of values <= bound (for cumulative exposition formats).
    std::uint64_t countAtOrBelow(Nanos bound) const;

    const std::vector<std::uint64_t>& buckets() const { return m_buckets; }
    // false for an interval's difference, whose min and max are bucket bounds.
    bool exactExtremes() const { return m_exactExtremes; }
    // Rebuilds a histogram that was kept as its parts (a stored run): the bucket counts
    // (kBuckets of them; count is their sum), sum and extremes, so that percentiles,
    // mean and merges read back exactly as before.
    void assign(const std::vector<std::uint64_t>& buckets, double sum, Nanos min, Nanos max,
                bool exactExtremes);

private:
    friend class AtomicHistogram;
    void zeroUsed(); // the buckets in [m_lo, m_hi), and the range with them
    void widen(int first, int end)
    {
        m_lo = std::min(m_lo, first);
        m_hi = std::max(m_hi, end);
    }

    std::vector<std::uint64_t> m_buckets;
    // Every non-zero bucket lies in [m_lo, m_hi) (empty: m_lo >= m_hi).
    int m_lo = HistogramLayout::kBuckets;
    int m_hi = 0;
    std::uint64_t m_count = 0;
    double m_sum = 0;
    Nanos m_min = 0;
    Nanos m_max = 0;
    bool m_exactExtremes = true; // min and max are recorded values (not an interval's bucket bounds)
};

// A histogram written by many threads: one relaxed atomic add per value, no lock, no
// allocation. Readers fold it into a Histogram. Each power of two that has been
// written is flagged so a read only walks the ranges that hold data.
//
// It keeps buckets, min and max; the sum (for the mean) would take a second atomic
// add, so each writer keeps its own in a HistogramSum and the reader adds those in.
class AtomicHistogram
{
public:
    AtomicHistogram();
    AtomicHistogram(const AtomicHistogram&) = delete;
    AtomicHistogram& operator=(const AtomicHistogram&) = delete;

    void record(Nanos value)
    {
        const int index = HistogramLayout::indexOf(value);
        m_buckets[index].fetch_add(1, std::memory_order_relaxed);
        const std::uint64_t bit = std::uint64_t{1} << (index / HistogramLayout::kSubBuckets);
        if (!(m_used.load(std::memory_order_relaxed) & bit))
            m_used.fetch_or(bit, std::memory_order_relaxed);
        updateMax(value);
        updateMin(value);
    }
    // Buckets, count, min and max; not the sum (see HistogramSum).
    void addTo(Histogram& out) const;

private:
    void updateMax(Nanos value)
    {
        Nanos seen = m_max.load(std::memory_order_relaxed);
        while (value > seen && !m_max.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
        }
    }
    void updateMin(Nanos value)
    {
        Nanos seen = m_min.load(std::memory_order_relaxed);
        while (value < seen && !m_min.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
        }
    }

    std::array<std::atomic<std::uint64_t>, HistogramLayout::kBuckets> m_buckets;
    alignas(64) std::atomic<std::uint64_t> m_used{0};
    std::atomic<Nanos> m_max{0};
    std::atomic<Nanos> m_min{INT64_MAX};
};

// One writer's sum of the values it recorded into an AtomicHistogram: a plain load
// and store, no atomic add, because nobody else writes it.
class HistogramSum
{
public:
    void add(Nanos value)
    {
        const auto v = static_cast<std::uint64_t>(value < 0 ? 0 : value);
        m_sum.store(m_sum.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
    }
    void addTo(Histogram& out) const
    {
        out.addToSum(static_cast<double>(m_sum.load(std::memory_order_relaxed)));
    }

private:
    std::atomic<std::uint64_t> m_sum{0};
};

} // namespace poollab
