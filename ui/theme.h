// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QChart>

class QApplication;

namespace poollab {

enum class Theme { Light, Dark };

// Fusion with a light or dark palette, so the app looks the same on every desktop.
void applyTheme(Theme theme);
QChart::ChartTheme chartThemeFor(Theme theme);

} // namespace poollab
