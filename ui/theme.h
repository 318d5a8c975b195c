// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QChart>
#include <QIcon>
#include <QStyle>

class QApplication;

namespace poollab {

enum class Theme { Light, Dark };

// Fusion with a light or dark palette, so the app looks the same on every desktop.
void applyTheme(Theme theme);
QChart::ChartTheme chartThemeFor(Theme theme);
// A style's standard icon in the theme's text colour: Fusion's media icons are black,
// which vanishes on the dark theme's near-black toolbar.
QIcon themedIcon(QStyle::StandardPixmap icon, Theme theme);
// The colour of stored-run slot `index` (0..4, then again): hues the live series do
// not use (pink, lime, cyan, ochre, stone), darker on light, lighter on dark. The Runs
// tab gives each overlaid run (and the baseline) a slot of its own while it is shown.
QColor overlayColor(int index, Theme theme);

// Plain text broken into lines of at most `columns` characters (at spaces; a longer
// word stays whole). Rich text and text with line breaks of its own come back as they are.
QString wrapToolTip(const QString& text, int columns = 60);
// From now on every tooltip in the application shows wrapped: tooltips are set in many
// places and change at run time, so they are wrapped when shown.
void installToolTipWrapping();

} // namespace poollab
