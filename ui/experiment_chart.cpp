// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/experiment_chart.h"

#include "ui/axis_steps.h"

#include "core/scenario_fields.h"
#include "ui/chart_legend.h"

#include <QApplication>
#include <QAreaSeries>
#include <QChartView>
#include <QGraphicsLayout>
#include <QLineSeries>
#include <QLocale>
#include <QPainter>
#include <QScatterSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace poollab {

namespace {

// The width of the band of an interval alone, as a share of the swept values' span.
constexpr double kLoneBandWidth = 0.015;

// Range and ticks at once, with no moment where the old interval meets the new range.
void setAxis(QValueAxis* axis, double min, double max, double step)
{
    axis->setTickInterval(std::max(axis->max() - axis->min(), max - min));
    axis->setRange(min, max);
    axis->setTickAnchor(std::floor(min / step) * step);
    axis->setTickInterval(step);
    axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimalsFor(step)));
}

// The label of the answer, placed beside its marker inside the plot.
class AnswerChartView : public QChartView
{
public:
    AnswerChartView(QChart* chart, const ExperimentChart* owner) : QChartView(chart), m_owner(owner)
    {
        setRenderHint(QPainter::Antialiasing, true); // sloped lines and a star, unlike the live charts' steps
        setMinimumHeight(160);
    }
    QRectF box() const { return m_box; }

protected:
    void drawForeground(QPainter* painter, const QRectF& rect) override
    {
        QChartView::drawForeground(painter, rect);
        m_box = {};
        const QScatterSeries* answer = m_owner->answerSeries();
        const QString text = m_owner->answerLabel();
        if (answer->count() == 0 || text.isEmpty())
            return;
        const QRectF plot = chart()->plotArea();
        const QPointF at = chart()->mapToPosition(answer->at(0), const_cast<QScatterSeries*>(answer));
        painter->save();
        QFont font = painter->font();
        font.setBold(true);
        painter->setFont(font);
        const QFontMetricsF fm(font);
        QRectF box(0, 0, fm.horizontalAdvance(text) + 10, fm.height() + 4);
        // Above and to the right of the star; to the left when it would leave the plot,
        // below when there is no room above.
        box.moveBottomLeft(at + QPointF(10, -10));
        if (box.right() > plot.right())
            box.moveRight(at.x() - 10);
        if (box.left() < plot.left())
            box.moveLeft(plot.left() + 2);
        if (box.top() < plot.top())
            box.moveTop(at.y() + 10);
        QColor fill = palette().color(QPalette::Base);
        fill.setAlpha(220);
        painter->setPen(QPen(answer->color(), 1.5));
        painter->setBrush(fill);
        painter->drawRoundedRect(box, 3, 3);
        painter->setPen(palette().color(QPalette::Text));
        painter->drawText(box, Qt::AlignCenter, text);
        painter->restore();
        m_box = box;
    }

private:
    const ExperimentChart* m_owner;
    QRectF m_box;
};

} // namespace

QString fieldAxisTitle(const ScenarioField& field)
{
    const QString label = QString::fromUtf8(field.label);
    if (field.type == FieldType::Duration)
        return label + QStringLiteral(" (s)");
    if (field.unit[0] != '\0')
        return QStringLiteral("%1 (%2)").arg(label, QString::fromUtf8(field.unit));
    return label;
}

QString describeSweepValue(const ScenarioField& field, double value)
{
    const QString label = QString::fromUtf8(field.label).toLower();
    if (field.type == FieldType::Duration) // as --sweep takes it: "1.5s"
        return label + QLatin1Char(' ') + QString::fromStdString(formatSweepValue(field, value));
    const QString number = field.type == FieldType::Integer
                               ? QLocale().toString(static_cast<qlonglong>(std::llround(value)))
                               : QLocale().toString(value, 'g', 6);
    if (field.unit[0] != '\0')
        return number + QLatin1Char(' ') + QString::fromUtf8(field.unit);
    // "13 workers", "400 jobs"; "queue capacity 20", "seed 3".
    if (label.endsWith(QLatin1Char('s')))
        return number + QLatin1Char(' ') + label;
    return label + QLatin1Char(' ') + number;
}

ExperimentChart::ExperimentChart(QWidget* parent) : QWidget(parent)
{
    m_chart = new QChart;
    m_chart->legend()->hide(); // the header above draws it, wrapped
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->setMargins(QMargins(4, 4, 12, 4));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->setBackgroundRoundness(0);

    m_xAxis = new QValueAxis;
    m_yAxis = new QValueAxis;
    for (QValueAxis* axis : {m_xAxis, m_yAxis}) {
        axis->setTickType(QValueAxis::TicksDynamic);
        axis->setTruncateLabels(false);
    }
    m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);

    // The band's edges belong to the area series, which does not own them.
    m_low = new QLineSeries(this);
    m_high = new QLineSeries(this);
    m_bands.push_back(new QAreaSeries(m_high, m_low));
    m_bands.front()->setName(tr("95 % interval"));
    m_theory = new QLineSeries;
    m_target = new QLineSeries;
    m_means.push_back(new QLineSeries);
    m_means.front()->setName(tr("mean over replications"));
    m_answer = new QScatterSeries;
    m_answer->setName(tr("answer"));
    m_answer->setMarkerShape(QScatterSeries::MarkerShapeStar);
    m_answer->setMarkerSize(22);
    // clear() below adds the series to the chart (setSegments).

    m_header = new ChartHeader(QString());
    m_view = new AnswerChartView(m_chart, this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    setTheme(Theme::Light);
    clear();
}

QRectF ExperimentChart::answerLabelBox() const
{
    return static_cast<const AnswerChartView*>(m_view)->box();
}

void ExperimentChart::setTheme(Theme theme)
{
    m_theme = theme;
    m_chart->setTheme(chartThemeFor(theme));
    m_chart->setBackgroundRoundness(0);
    // The window's own colours, as the live charts have them.
    m_chart->setBackgroundBrush(QApplication::palette().color(QPalette::Base));
    m_chart->setPlotAreaBackgroundVisible(false);
    m_chart->legend()->hide(); // setTheme() may show it again
    styleSeries();             // setTheme() recolours the series
    m_view->viewport()->update();
}

void ExperimentChart::styleSeries()
{
    // The mean and its band share a hue; theory, target and answer each their own,
    // lighter on the dark theme.
    const bool dark = m_theme == Theme::Dark;
    const QColor mean = dark ? QColor(0x60, 0xa5, 0xfa) : QColor(0x25, 0x63, 0xeb);
    const QColor theory = dark ? QColor(0xfb, 0xbf, 0x24) : QColor(0xd9, 0x77, 0x06);
    const QColor target = dark ? QColor(0xf8, 0x71, 0x71) : QColor(0xdc, 0x26, 0x26);
    const QColor answer = dark ? QColor(0x4a, 0xde, 0x80) : QColor(0x16, 0xa3, 0x4a);
    const auto pen = [](QColor colour, qreal width, Qt::PenStyle style = Qt::SolidLine) {
        QPen p(colour, width, style);
        p.setCosmetic(true);
        return p;
    };
    QColor fill = mean;
    fill.setAlpha(dark ? 70 : 55);
    QColor edge = mean;
    edge.setAlpha(110);
    for (QAreaSeries* band : m_bands) {
        band->setBrush(fill);
        band->setPen(pen(edge, 1));
    }
    for (QLineSeries* line : m_means) {
        line->setPen(pen(mean, 2));
        line->setPointsVisible(true);
        line->setMarkerSize(4); // a radius for a line series' points (a scatter's is a diameter)
    }
    m_theory->setPen(pen(theory, 2, Qt::DashLine));
    m_target->setPen(pen(target, 1.5, Qt::DashDotLine));
    m_answer->setColor(answer);
    m_answer->setBorderColor(dark ? QColor(0x05, 0x2e, 0x16) : QColor(0xf0, 0xfd, 0xf4));
    refreshLegend(m_target->count() > 0);
}

void ExperimentChart::refreshLegend(bool hasTarget)
{
    std::vector<LegendEntry> entries;
    entries.push_back({meanSeries()->name(), meanSeries()->pen().color()});
    entries.push_back({bandSeries()->name(), bandSeries()->brush().color()});
    if (m_theory->count() > 0)
        entries.push_back({m_theoryName, m_theory->pen().color()});
    if (hasTarget)
        entries.push_back({m_targetName, m_target->pen().color()});
    if (m_answer->count() > 0)
        entries.push_back({m_answer->name(), m_answer->color()});
    m_header->setEntries(std::move(entries));
}

void ExperimentChart::clear(const QString& title)
{
    setSegments({}, {}, {});
    for (QXYSeries* series : std::initializer_list<QXYSeries*>{m_theory, m_target, m_answer})
        series->clear();
    m_answerLabel.clear();
    m_header->setTitle(title.isEmpty() ? tr("Experiment: pick a field, a measure and a target, then Run")
                                       : title);
    m_xAxis->setTitleText(QString());
    m_yAxis->setTitleText(QString());
    setAxis(m_xAxis, 0, 1, 0.25);
    setAxis(m_yAxis, 0, 1, 0.25);
    refreshLegend(false);
    m_view->viewport()->update();
}

namespace {

// Unbroken runs of finite points, in x order: a NaN y ends one.
QList<QList<QPointF>> runsOf(const QList<QPointF>& points)
{
    QList<QList<QPointF>> runs;
    bool broken = true;
    for (const QPointF& p : points) {
        if (!std::isfinite(p.y())) {
            broken = true;
            continue;
        }
        if (broken)
            runs.append(QList<QPointF>());
        runs.last().append(p);
        broken = false;
    }
    return runs;
}

// A run of one value (its neighbours have no interval) is an area of one point, which
// QAreaSeries does not draw: it becomes a narrow band, `halfWidth` either side of it.
QList<QList<QPointF>> widenSingles(QList<QList<QPointF>> runs, double halfWidth)
{
    for (QList<QPointF>& run : runs)
        if (run.size() == 1)
            run = {run.front() - QPointF(halfWidth, 0), run.front() + QPointF(halfWidth, 0)};
    return runs;
}

} // namespace

void ExperimentChart::setSegments(const QList<QList<QPointF>>& lowRuns, const QList<QList<QPointF>>& highRuns,
                                  const QList<QList<QPointF>>& meanRuns)
{
    for (QAbstractSeries* series : m_chart->series())
        m_chart->removeSeries(series); // ours again: deleted below or added back
    // The first segment of each stays (it holds the name the legend shows); the others
    // are made for this result. An extra band owns its edges.
    for (std::size_t i = 1; i < m_bands.size(); ++i)
        delete m_bands[i];
    for (std::size_t i = 1; i < m_means.size(); ++i)
        delete m_means[i];
    m_bands.resize(1);
    m_means.resize(1);
    m_low->replace(lowRuns.value(0));
    m_high->replace(highRuns.value(0));
    m_means.front()->replace(meanRuns.value(0));
    for (qsizetype i = 1; i < lowRuns.size(); ++i) {
        auto* band = new QAreaSeries;
        auto* high = new QLineSeries(band);
        auto* low = new QLineSeries(band);
        high->replace(highRuns.value(i));
        low->replace(lowRuns.value(i));
        band->setUpperSeries(high);
        band->setLowerSeries(low);
        m_bands.push_back(band);
    }
    for (qsizetype i = 1; i < meanRuns.size(); ++i) {
        m_means.push_back(new QLineSeries);
        m_means.back()->replace(meanRuns.value(i));
    }
    std::vector<QAbstractSeries*> order(m_bands.begin(), m_bands.end());
    order.push_back(m_theory);
    order.push_back(m_target);
    order.insert(order.end(), m_means.begin(), m_means.end());
    order.push_back(m_answer);
    for (QAbstractSeries* series : order) {
        m_chart->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(m_yAxis);
    }
    styleSeries();
}

void ExperimentChart::plot(const ExperimentResult& result, const ScenarioField* field,
                           const ExperimentMeasure& measure, const std::optional<Target>& target)
{
    const auto measures = experimentMeasures();
    const auto index = static_cast<std::size_t>(&measure - measures.data());
    const double ys = measureScale(measure);
    const double none = std::numeric_limits<double>::quiet_NaN();
    QList<QPointF> mean, low, high, theory;
    QString model;
    for (const ExperimentPoint& point : result.points) {
        const double x = point.value;
        const Estimate& e = point.estimates.at(index);
        // NaN where there is no estimate: it breaks the line (no mean: no replication
        // observed the measure) or the band (no interval: some did not).
        mean << QPointF(x, e.mean * ys);
        low << QPointF(x, e.known() ? e.ci95.low * ys : none);
        high << QPointF(x, e.known() ? e.ci95.high * ys : none);
        // Where the formulas apply and give a finite value (an unstable M/M/c waits forever).
        if (!point.theory.applies || !measure.predicted)
            continue;
        if (const std::optional<double> p = measure.predicted(point.theory.metrics); p && std::isfinite(*p)) {
            theory << QPointF(x, *p * ys);
            model = QString::fromStdString(point.theory.model);
        }
    }
    // An interval alone between values without one: a band 1.5 % of the values' span wide.
    double x0 = 0;
    double x1 = 0;
    if (!result.points.empty()) {
        x0 = result.points.front().value;
        x1 = result.points.back().value;
    }
    const double lone = std::max(std::abs(x1 - x0), 1.0) * kLoneBandWidth / 2;
    setSegments(widenSingles(runsOf(low), lone), widenSingles(runsOf(high), lone), runsOf(mean));
    m_theory->replace(theory);
    m_theoryName = tr("theory (%1)").arg(model);
    const QString measureName = QString::fromUtf8(measure.label);
    const QString unit = measureUnit(measure);
    std::optional<double> limit;
    if (target && target->measure == &measure) {
        limit = target->limit * ys;
        m_targetName = tr("target %1 %2")
                           .arg(target->below ? QStringLiteral("<") : QStringLiteral(">"),
                                limitText(measure, target->limit));
    }
    const bool wholeX = !field || field->type == FieldType::Integer;
    setAxes(mean + low + high, theory, limit, wholeX);
    if (limit)
        m_target->replace({QPointF(m_xAxis->min(), *limit), QPointF(m_xAxis->max(), *limit)});
    else
        m_target->clear();
    m_answer->clear();
    m_answerLabel.clear();
    if (result.answer && *result.answer < result.points.size()) {
        const ExperimentPoint& a = result.points[*result.answer];
        m_answer->append(mean[static_cast<qsizetype>(*result.answer)]);
        m_answerLabel = (field ? describeSweepValue(*field, a.value) : tr("the scenario")) +
                        QStringLiteral(": ") + estimateText(measure, a.estimates.at(index));
    }
    m_header->setTitle(field ? tr("%1 (%2) by %3 \u00b7 %4 replications")
                                   .arg(measureName, unit, QString::fromUtf8(field->label).toLower())
                                   .arg(result.points.empty() ? 0 : result.points.front().runs.size())
                             : tr("%1 (%2)").arg(measureName, unit));
    m_xAxis->setTitleText(field ? fieldAxisTitle(*field) : QString());
    m_yAxis->setTitleText(QStringLiteral("%1 (%2)").arg(measureName, unit));
    refreshLegend(limit.has_value());
    m_view->viewport()->update();
}

void ExperimentChart::setAxes(const QList<QPointF>& drawn, const QList<QPointF>& theory,
                              std::optional<double> target, bool wholeX)
{
    double x0 = std::numeric_limits<double>::infinity();
    double x1 = -x0;
    double y0 = x0;
    double y1 = -x0;
    const auto take = [&](const QPointF& p) {
        // A value without an estimate still has its place on x.
        x0 = std::min(x0, p.x());
        x1 = std::max(x1, p.x());
        if (!std::isfinite(p.y()))
            return;
        y0 = std::min(y0, p.y());
        y1 = std::max(y1, p.y());
    };
    for (const QList<QPointF>* list : {&drawn, &theory})
        for (const QPointF& p : *list)
            take(p);
    if (target && std::isfinite(*target)) {
        y0 = std::min(y0, *target);
        y1 = std::max(y1, *target);
    }
    if (!(x1 >= x0))
        x0 = 0, x1 = 1;
    if (!(y1 >= y0))
        y0 = 0, y1 = 1;
    // x: the values with half a tick to spare either side, so the first and last points
    // and their band are not on the frame.
    double xStep = niceStep((x1 - x0) / 8);
    if (wholeX)
        xStep = std::max(1.0, std::round(xStep));
    setAxis(m_xAxis, x0 - xStep / 2, x1 + xStep / 2, xStep);
    // y: from 0 when the values are not far from it (a measure's scale starts there),
    // with room above the highest for the answer's label.
    if (y0 >= 0 && y0 < 0.5 * y1)
        y0 = 0;
    const double span = y1 > y0 ? y1 - y0 : std::max(1.0, std::abs(y1));
    const double yStep = niceStep(span / 5);
    const double yMin = y0 == 0 ? 0 : std::floor((y0 - 0.05 * span) / yStep) * yStep;
    const double yMax = std::ceil((y1 + 0.12 * span) / yStep) * yStep;
    setAxis(m_yAxis, yMin, yMax, yStep);
}

} // namespace poollab
