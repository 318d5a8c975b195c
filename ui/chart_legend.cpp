// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/chart_legend.h"

#include <QEvent>
#include <QFontMetrics>
#include <QPainter>

#include <algorithm>

namespace poollab {

namespace {

constexpr int kSwatchGap = 4;  // between a swatch and its text
constexpr int kMargin = 2;     // around the header's title and legend
constexpr int kTitleSpace = 2; // between the title and the legend

} // namespace

std::vector<PlacedLegendEntry> flowLegend(const QFontMetrics& fm, int width,
                                          const std::vector<LegendEntry>& entries, bool centred)
{
    std::vector<PlacedLegendEntry> placed;
    placed.reserve(entries.size());
    const int gap = fm.horizontalAdvance(QLatin1Char(' ')) * 3;
    int x = 0;
    int y = 0;
    std::size_t lineStart = 0;
    const auto centreLine = [&](std::size_t end) {
        if (!centred || end == lineStart)
            return;
        const int right = placed[end - 1].text.right() + 1;
        const int shift = std::max(0, (width - right) / 2);
        for (std::size_t i = lineStart; i < end; ++i) {
            placed[i].swatch.translate(shift, 0);
            placed[i].text.translate(shift, 0);
        }
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const LegendEntry& e = entries[i];
        const int lead = e.swatch.isValid() ? kLegendSwatch + kSwatchGap : 0;
        // +2: horizontalAdvance() rounds, and elidedText() cuts a text a fraction too wide.
        int textWidth = fm.horizontalAdvance(e.text) + 2;
        if (x > 0 && (e.startsLine || x + lead + textWidth > width)) {
            centreLine(i);
            lineStart = i;
            x = 0;
            y += fm.height();
        }
        textWidth = std::min(textWidth, std::max(0, width - lead));
        PlacedLegendEntry p;
        if (e.swatch.isValid())
            p.swatch = QRect(x, y + (fm.height() - kLegendSwatch) / 2, kLegendSwatch, kLegendSwatch);
        p.text = QRect(x + lead, y, textWidth, fm.height());
        placed.push_back(p);
        x += lead + textWidth + gap;
    }
    centreLine(entries.size());
    return placed;
}

int flowLegendHeight(const std::vector<PlacedLegendEntry>& placed)
{
    return placed.empty() ? 0 : placed.back().text.bottom() + 1;
}

void paintLegend(QPainter& p, QPoint origin, const std::vector<LegendEntry>& entries,
                 const std::vector<PlacedLegendEntry>& placed, const QColor& textColor)
{
    const QFontMetrics fm(p.font());
    p.setPen(textColor);
    for (std::size_t i = 0; i < std::min(entries.size(), placed.size()); ++i) {
        if (!placed[i].swatch.isEmpty())
            p.fillRect(placed[i].swatch.translated(origin), entries[i].swatch);
        const QRect r = placed[i].text.translated(origin);
        p.drawText(r, Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(entries[i].text, Qt::ElideRight, r.width()));
    }
}

ChartHeader::ChartHeader(const QString& title, QWidget* parent) : QWidget(parent), m_title(title)
{
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

void ChartHeader::setTitle(const QString& title)
{
    if (title == m_title)
        return;
    m_title = title;
    updateGeometry(); // the size hint is as wide as the title
    update();
}

void ChartHeader::setEntries(std::vector<LegendEntry> entries)
{
    if (entries == m_entries)
        return;
    m_entries = std::move(entries);
    fitHeight();
    update();
}

void ChartHeader::fitHeight()
{
    // Fixed to what the width needs: the box layout around it would otherwise give it
    // its one-line minimum whenever the window is short, and cut the second line.
    const int h = heightForWidth(width());
    if (minimumHeight() != h || maximumHeight() != h)
        setFixedHeight(h);
}

void ChartHeader::resizeEvent(QResizeEvent*)
{
    fitHeight();
}

void ChartHeader::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        fitHeight();
}

QFont ChartHeader::titleFont() const
{
    QFont f = font();
    f.setBold(true);
    return f;
}

int ChartHeader::legendTop() const
{
    return kMargin + QFontMetrics(titleFont()).height() + kTitleSpace;
}

std::vector<PlacedLegendEntry> ChartHeader::placed() const
{
    return flowLegend(fontMetrics(), width() - 2 * kMargin, m_entries, true);
}

int ChartHeader::heightForWidth(int width) const
{
    return legendTop() + flowLegendHeight(flowLegend(fontMetrics(), width - 2 * kMargin, m_entries, true)) +
           kMargin;
}

QSize ChartHeader::sizeHint() const
{
    // As wide as the title or the legend on one line, whichever is wider.
    const std::vector<PlacedLegendEntry> oneLine =
        flowLegend(fontMetrics(), QWIDGETSIZE_MAX, m_entries, false);
    const int legendWidth = oneLine.empty() ? 0 : oneLine.back().text.right() + 1;
    const int width =
        std::max(QFontMetrics(titleFont()).horizontalAdvance(m_title), legendWidth) + 2 * kMargin;
    return {width, heightForWidth(width)};
}

QSize ChartHeader::minimumSizeHint() const
{
    // The layout asks heightForWidth() for the width it gives; this is the least of it.
    return {0, legendTop() + (m_entries.empty() ? 0 : fontMetrics().height()) + kMargin};
}

void ChartHeader::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    // The chart's background (ChartPanel::setChartTheme gives it the palette's Base).
    p.fillRect(rect(), palette().color(QPalette::Base));
    p.setPen(palette().color(QPalette::Text));
    p.setFont(titleFont());
    const QRect titleRect(kMargin, kMargin, width() - 2 * kMargin, QFontMetrics(titleFont()).height());
    p.drawText(titleRect, Qt::AlignHCenter | Qt::AlignVCenter,
               QFontMetrics(titleFont()).elidedText(m_title, Qt::ElideRight, titleRect.width()));
    p.setFont(font());
    paintLegend(p, QPoint(kMargin, legendTop()), m_entries, placed(), palette().color(QPalette::Text));
}

} // namespace poollab
