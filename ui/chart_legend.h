// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QRect>
#include <QString>
#include <QWidget>

#include <vector>

class QFontMetrics;
class QPainter;

namespace poollab {

// A legend that wraps its entries into lines instead of cutting their texts: Qt Charts'
// own legend elides every entry to an equal share of one line ("capaci...", "throttl..."
// at 1024 px), which hides exactly what the entries say.
struct LegendEntry
{
    QString text;
    QColor swatch;           // invalid: no swatch
    bool startsLine = false; // begins a line of its own

    bool operator==(const LegendEntry&) const = default;
};

struct PlacedLegendEntry
{
    QRect swatch; // empty when the entry has none
    QRect text;
};

inline constexpr int kLegendSwatch = 10;

// Flows entries into lines at most `width` wide, from y = 0; a text wider than a whole
// line gets the line, and is elided when painted. Centred lines when `centred`.
std::vector<PlacedLegendEntry> flowLegend(const QFontMetrics& fm, int width,
                                          const std::vector<LegendEntry>& entries, bool centred);
int flowLegendHeight(const std::vector<PlacedLegendEntry>& placed);
void paintLegend(QPainter& p, QPoint origin, const std::vector<LegendEntry>& entries,
                 const std::vector<PlacedLegendEntry>& placed, const QColor& textColor);

// A chart's title and legend, above its view: wraps to the width it gets, so at
// 1024 px every series' name shows whole.
class ChartHeader : public QWidget
{
    Q_OBJECT
public:
    explicit ChartHeader(const QString& title, QWidget* parent = nullptr);

    QString title() const { return m_title; }
    void setTitle(const QString& title);
    // Repaints (and asks for a new height) only when they changed.
    void setEntries(std::vector<LegendEntry> entries);
    const std::vector<LegendEntry>& entries() const { return m_entries; }
    // Where each entry lands at the current width (for tests).
    std::vector<PlacedLegendEntry> placed() const;

    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    // A larger font (presentation mode) needs a taller header for the same entries.
    void changeEvent(QEvent* event) override;

private:
    void fitHeight();
    QFont titleFont() const;
    int legendTop() const;

    QString m_title;
    std::vector<LegendEntry> m_entries;
};

} // namespace poollab
