// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/theme.h"

#include <QApplication>
#include <QHelpEvent>
#include <QPainter>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>
#include <QTextDocument>
#include <QToolTip>
#include <QWidget>

#include <array>

namespace poollab {

void applyTheme(Theme theme)
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (theme == Theme::Light) {
        QApplication::setPalette(QApplication::style()->standardPalette());
        return;
    }
    QPalette p;
    const QColor window(0x23, 0x26, 0x2e);
    const QColor base(0x1a, 0x1c, 0x22);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor accent(0x3b, 0x82, 0xf6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window);
    p.setColor(QPalette::ToolTipBase, QColor(0x30, 0x33, 0x3c));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x88, 0x8c, 0x94));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x2d, 0x31, 0x3a));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::red);
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Light, QColor(0x3a, 0x3e, 0x48));
    p.setColor(QPalette::Midlight, QColor(0x33, 0x37, 0x40));
    p.setColor(QPalette::Mid, QColor(0x4a, 0x4e, 0x58));
    p.setColor(QPalette::Dark, QColor(0x15, 0x17, 0x1c));
    p.setColor(QPalette::Shadow, Qt::black);
    for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7e, 0x86));
    QApplication::setPalette(p);
}

QChart::ChartTheme chartThemeFor(Theme theme)
{
    return theme == Theme::Dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
}

QColor overlayColor(int index, Theme theme)
{
    // Five: four runs overlaid and a pinned baseline beside them (percentile chart).
    static constexpr std::array<QRgb, 5> light{0xbe185d, 0x4d7c0f, 0x0e7490, 0xa16207, 0x57534e};
    static constexpr std::array<QRgb, 5> dark{0xf472b6, 0xa3e635, 0x22d3ee, 0xfacc15, 0xd6d3d1};
    const auto i = static_cast<std::size_t>(index < 0 ? 0 : index) % light.size();
    return QColor::fromRgb(theme == Theme::Dark ? dark[i] : light[i]);
}

QIcon themedIcon(QStyle::StandardPixmap which, Theme theme)
{
    const QIcon standard = QApplication::style()->standardIcon(which);
    if (theme == Theme::Light)
        return standard;
    // Only icons drawn dark (the media and reload glyphs) are redrawn; coloured ones
    // (a yellow folder) show on either theme as they are.
    {
        const QImage image = standard.pixmap(QSize(16, 16)).toImage();
        double lightness = 0;
        double weight = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                lightness += c.alphaF() * c.lightnessF();
                weight += c.alphaF();
            }
        if (weight == 0 || lightness / weight > 0.45)
            return standard;
    }
    const QColor colour = QApplication::palette().color(QPalette::ButtonText);
    QIcon tinted;
    for (const QSize size : {QSize(16, 16), QSize(24, 24), QSize(32, 32), QSize(48, 48)}) {
        for (const QIcon::Mode mode : {QIcon::Normal, QIcon::Disabled}) {
            QPixmap pixmap = standard.pixmap(size, mode);
            if (pixmap.isNull())
                continue;
            // Keep the shape (alpha), replace the colour.
            QPainter painter(&pixmap);
            painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
            painter.fillRect(pixmap.rect(),
                             mode == QIcon::Disabled
                                 ? QApplication::palette().color(QPalette::Disabled, QPalette::ButtonText)
                                 : colour);
            painter.end();
            tinted.addPixmap(pixmap, mode);
        }
    }
    return tinted;
}

QString wrapToolTip(const QString& text, int columns)
{
    if (text.size() <= columns || Qt::mightBeRichText(text) || text.contains(QLatin1Char('\n')))
        return text;
    QStringList lines;
    QString line;
    for (const QString& word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > columns) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join(QLatin1Char('\n'));
}

namespace {

class ToolTipWrapper : public QObject
{
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() != QEvent::ToolTip || !watched->isWidgetType())
            return false;
        auto* widget = static_cast<QWidget*>(watched);
        const QString tip = widget->toolTip();
        const QString wrapped = wrapToolTip(tip);
        if (tip.isEmpty() || wrapped == tip)
            return false; // the widget shows it as usual
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), wrapped, widget, {},
                           widget->toolTipDuration());
        return true;
    }
};

} // namespace

void installToolTipWrapping()
{
    static ToolTipWrapper* wrapper = nullptr;
    if (wrapper || !qApp)
        return;
    wrapper = new ToolTipWrapper(qApp);
    qApp->installEventFilter(wrapper);
}

} // namespace poollab
