// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/duration.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace poollab {

std::optional<Nanos> parseDuration(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    if (text.empty())
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || !std::isfinite(value) || std::signbit(value))
        return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    double scale = 0;
    if (unit == "ns")
        scale = 1;
    else if (unit == "us" || unit == "\u00b5s")
        scale = 1e3;
    else if (unit == "ms")
        scale = 1e6;
    else if (unit == "s")
        scale = 1e9;
    else if (unit == "m" || unit == "min")
        scale = 60e9;
    else if (unit == "h")
        scale = 3600e9;
    else if (unit.empty() && value == 0)
        scale = 1;
    else
        return std::nullopt;
    const double ns = value * scale;
    if (ns > 9.2e18)
        return std::nullopt;
    return static_cast<Nanos>(std::llround(ns));
}

std::string formatDuration(Nanos ns)
{
    struct Unit
    {
        std::uint64_t scale;
        const char* name;
    };
    static constexpr Unit units[] = {{3600 * kSecond, "h"}, {60 * kSecond, "m"}, {kSecond, "s"},
                                     {kMilli, "ms"},        {kMicro, "us"},      {1, "ns"}};
    if (ns == 0)
        return "0ms";
    // On the magnitude, unsigned: -INT64_MIN does not fit a Nanos, and no step below
    // multiplies, so no value can overflow.
    const std::string sign = ns < 0 ? "-" : "";
    const std::uint64_t mag =
        ns < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    for (const Unit& u : units) {
        if (mag % u.scale == 0)
            return sign + std::to_string(mag / u.scale) + u.name;
        // Up to three decimals reads better than a smaller unit ("1.5s", not "1500ms").
        if ((u.scale == kSecond || u.scale == kMilli) && mag >= u.scale && mag % (u.scale / 1000) == 0) {
            std::string s = std::to_string(mag / u.scale) + '.';
            const std::string thousandths = std::to_string(mag % u.scale / (u.scale / 1000));
            s += std::string(3 - thousandths.size(), '0') + thousandths;
            while (s.back() == '0')
                s.pop_back();
            return sign + s + u.name;
        }
    }
    return sign + std::to_string(mag) + "ns";
}

} // namespace poollab
