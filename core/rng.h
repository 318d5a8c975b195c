// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>
#include <cstdint>

namespace poollab {

// SplitMix64 step: a strong 64-bit mixer, used to seed and to combine seeds.
constexpr std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// A seed that is a pure function of (seed, job id, attempt, stream), so an attempt's
// parameters do not depend on which thread or engine runs it, nor in what order.
constexpr std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t jobId, std::uint64_t attempt,
                                std::uint64_t stream)
{
    std::uint64_t s = seed;
    std::uint64_t h = splitMix64(s);
    s = h ^ jobId;
    h = splitMix64(s);
    s = h ^ attempt;
    h = splitMix64(s);
    s = h ^ stream;
    return splitMix64(s);
}

// xoshiro256** (Blackman & Vigna): fast, small, good enough for simulation. Not
// thread-safe: one per thread or per attempt.
class Rng
{
public:
    explicit Rng(std::uint64_t seed)
    {
        std::uint64_t s = seed;
        for (auto& word : m_s)
            word = splitMix64(s);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    // [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Exponential with the given mean; 1 - u lies in (0, 1], so the log is finite.
    double exponential(double mean) { return -mean * std::log(1.0 - uniform()); }

    // Standard normal by Box-Muller. The second variate is not cached, so a draw
    // consumes exactly two words whatever came before: easier to reason about.
    double normal()
    {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t m_s[4];
};

} // namespace poollab
