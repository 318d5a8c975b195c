// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QImage>
#include <QRect>

#include <cstdlib>

namespace poollab::test {

// Pixels in `area` of `image` within `tolerance` (summed over R, G and B) of `colour`:
// whether a series' line shows in a rendered chart.
inline int pixelsNear(const QImage& image, const QRect& area, QRgb colour, int tolerance = 24)
{
    int found = 0;
    for (int y = area.top(); y <= area.bottom(); ++y)
        for (int x = area.left(); x <= area.right(); ++x) {
            const QRgb p = image.pixel(x, y);
            if (std::abs(qRed(p) - qRed(colour)) + std::abs(qGreen(p) - qGreen(colour)) +
                    std::abs(qBlue(p) - qBlue(colour)) <=
                tolerance)
                ++found;
        }
    return found;
}

} // namespace poollab::test
