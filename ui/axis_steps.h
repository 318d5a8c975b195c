// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cmath>

namespace poollab {

// A "round" step near v: 1, 2, 2.5 or 5 times a power of ten.
inline double niceStep(double v)
{
    if (!(v > 0))
        return 1;
    const double mag = std::pow(10.0, std::floor(std::log10(v)));
    for (const double step : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (v <= step * mag * (1 + 1e-9))
            return step * mag;
    return 10 * mag;
}

// As many decimals as the step needs to label every tick apart: 0.25 needs two.
inline int decimalsFor(double step)
{
    int decimals = 0;
    while (decimals < 9 &&
           std::abs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) >
               1e-6 * step * std::pow(10.0, decimals))
        ++decimals;
    return decimals;
}

} // namespace poollab
