// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/histogram.h"

#include <algorithm>
#include <cmath>

namespace poollab {

static_assert(HistogramLayout::indexOf(127) == 127);
static_assert(HistogramLayout::indexOf(128) == 128);
static_assert(HistogramLayout::lowerBound(HistogramLayout::indexOf(1'000'000)) <= 1'000'000);
static_assert(HistogramLayout::lowerBound(HistogramLayout::indexOf(1'000'000) + 1) > 1'000'000);
static_assert(HistogramLayout::kBuckets / HistogramLayout::kSubBuckets <= 64, "used-mask is 64 bits");

Histogram::Histogram() : m_buckets(HistogramLayout::kBuckets, 0) {}

Histogram& Histogram::operator=(const Histogram& other)
{
    if (this == &other)
        return *this;
    zeroUsed();
    if (other.m_lo < other.m_hi)
        std::copy(other.m_buckets.begin() + other.m_lo, other.m_buckets.begin() + other.m_hi,
                  m_buckets.begin() + other.m_lo);
    m_lo = other.m_lo;
    m_hi = other.m_hi;
    m_count = other.m_count;
    m_sum = other.m_sum;
    m_min = other.m_min;
    m_max = other.m_max;
    m_exactExtremes = other.m_exactExtremes;
    return *this;
}

void Histogram::zeroUsed()
{
    if (m_lo < m_hi)
        std::fill(m_buckets.begin() + m_lo, m_buckets.begin() + m_hi, 0);
    m_lo = HistogramLayout::kBuckets;
    m_hi = 0;
}

void Histogram::record(Nanos value, std::uint64_t times)
{
    if (times == 0)
        return;
    if (value < 0)
        value = 0;
    const int index = HistogramLayout::indexOf(value);
    m_buckets[static_cast<std::size_t>(index)] += times;
    widen(index, index + 1);
    if (m_count == 0) {
        m_min = m_max = value;
    } else {
        m_min = std::min(m_min, value);
        m_max = std::max(m_max, value);
    }
    m_count += times;
    m_sum += static_cast<double>(value) * static_cast<double>(times);
}

void Histogram::clear()
{
    zeroUsed();
    m_count = 0;
    m_sum = 0;
    m_min = m_max = 0;
    m_exactExtremes = true;
}

void Histogram::assign(const std::vector<std::uint64_t>& buckets, double sum, Nanos min, Nanos max,
                       bool exactExtremes)
{
    clear();
    const int n = std::min(static_cast<int>(buckets.size()), HistogramLayout::kBuckets);
    for (int i = 0; i < n; ++i) {
        const std::uint64_t c = buckets[static_cast<std::size_t>(i)];
        if (c == 0)
            continue;
        m_buckets[static_cast<std::size_t>(i)] = c;
        widen(i, i + 1);
        m_count += c;
    }
    if (m_count == 0)
        return;
    m_sum = sum;
    m_min = min;
    m_max = max;
    m_exactExtremes = exactExtremes;
}

void Histogram::merge(const Histogram& other)
{
    if (other.m_count == 0)
        return;
    for (int i = other.m_lo; i < other.m_hi; ++i)
        m_buckets[static_cast<std::size_t>(i)] += other.m_buckets[static_cast<std::size_t>(i)];
    widen(other.m_lo, other.m_hi);
    m_exactExtremes = m_exactExtremes && other.m_exactExtremes;
    if (m_count == 0) {
        m_min = other.m_min;
        m_max = other.m_max;
    } else {
        m_min = std::min(m_min, other.m_min);
        m_max = std::max(m_max, other.m_max);
    }
    m_count += other.m_count;
    m_sum += other.m_sum;
}

void Histogram::assignDifference(const Histogram& later, const Histogram& earlier)
{
    zeroUsed();
    m_count = 0;
    m_sum = later.m_sum - earlier.m_sum;
    int first = -1;
    int last = -1;
    // Only where later has values can the difference be above 0.
    for (int i = later.m_lo; i < later.m_hi; ++i) {
        const auto at = static_cast<std::size_t>(i);
        const std::uint64_t a = later.m_buckets[at];
        const std::uint64_t b = earlier.m_buckets[at];
        m_buckets[at] = a > b ? a - b : 0;
        if (m_buckets[at]) {
            m_count += m_buckets[at];
            if (first < 0)
                first = i;
            last = i;
        }
    }
    if (m_count == 0) {
        m_sum = 0;
        m_min = m_max = 0;
        return;
    }
    widen(first, last + 1);
    // Interval extremes are known to the bucket; clamp them by the exact overall ones.
    m_min = std::max(HistogramLayout::lowerBound(first), later.min());
    m_max = std::min(HistogramLayout::lowerBound(last) + HistogramLayout::width(last) - 1, later.max());
    if (m_max < m_min)
        m_max = m_min;
    // They are bounds, not recorded values: an extreme rank is read from its bucket like
    // any other, or every interval's p99 of fewer than 100 jobs would sit on a bucket edge.
    m_exactExtremes = false;
}

Histogram Histogram::since(const Histogram& earlier) const
{
    Histogram out;
    out.assignDifference(*this, earlier);
    return out;
}

Nanos Histogram::percentile(double q) const
{
    if (m_count == 0)
        return 0;
    q = std::clamp(q, 0.0, 100.0);
    // q x count / 100 in that order, less a hair: 99.9 / 100 x 1000 is 999.0000000000001
    // in doubles, whose ceiling would be rank 1000.
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(m_count) / 100.0 - 1e-9)));
    // The extremes are kept exactly: the first and last ranks are them, not a bucket's
    // midpoint (p99.9 of 500 values is the largest one).
    if (m_exactExtremes && rank >= m_count)
        return m_max;
    if (m_exactExtremes && rank == 1)
        return m_min;
    std::uint64_t seen = 0;
    for (int index = m_lo; index < m_hi; ++index) {
        seen += m_buckets[static_cast<std::size_t>(index)];
        if (seen >= rank) {
            const Nanos mid = HistogramLayout::lowerBound(index) + (HistogramLayout::width(index) - 1) / 2;
            // Never outside what was recorded: a midpoint may lie past min or max.
            return std::clamp(mid, m_min, m_max);
        }
    }
    return m_max;
}

std::uint64_t Histogram::countAtOrBelow(Nanos bound) const
{
    if (bound < 0)
        return 0;
    std::uint64_t total = 0;
    const int last = HistogramLayout::indexOf(bound);
    for (int i = m_lo; i < std::min(last, m_hi); ++i)
        total += m_buckets[static_cast<std::size_t>(i)];
    // The bucket holding the bound counts only if it lies wholly at or below it.
    if (HistogramLayout::lowerBound(last) + HistogramLayout::width(last) - 1 <= bound)
        total += m_buckets[static_cast<std::size_t>(last)];
    return total;
}

AtomicHistogram::AtomicHistogram()
{
    for (auto& b : m_buckets)
        b.store(0, std::memory_order_relaxed);
}

void AtomicHistogram::addTo(Histogram& out) const
{
    std::uint64_t used = m_used.load(std::memory_order_acquire);
    if (used == 0)
        return;
    std::uint64_t seen = 0;
    int first = -1;
    int last = -1;
    while (used) {
        const int range = __builtin_ctzll(used);
        used &= used - 1;
        const int begin = range * HistogramLayout::kSubBuckets;
        const int end = std::min(begin + HistogramLayout::kSubBuckets, HistogramLayout::kBuckets);
        for (int i = begin; i < end; ++i) {
            const std::uint64_t n = m_buckets[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
            out.m_buckets[static_cast<std::size_t>(i)] += n;
            seen += n;
            if (n) {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
    }
    // The count is what this walk saw: the percentiles use the same buckets.
    if (seen == 0)
        return;
    out.widen(first, last + 1);
    // A record racing this read may have filled its bucket before its min or max:
    // keep the extremes within what the buckets say.
    Nanos lo = m_min.load(std::memory_order_relaxed);
    Nanos hi = m_max.load(std::memory_order_relaxed);
    lo = std::max(lo == INT64_MAX ? 0 : lo, HistogramLayout::lowerBound(first));
    hi = std::min(std::max(hi, lo), HistogramLayout::lowerBound(last) + HistogramLayout::width(last) - 1);
    hi = std::max(hi, lo);
    if (out.m_count == 0) {
        out.m_min = lo;
        out.m_max = hi;
    } else {
        out.m_min = std::min(out.m_min, lo);
        out.m_max = std::max(out.m_max, hi);
    }
    out.m_count += seen;
}

} // namespace poollab
