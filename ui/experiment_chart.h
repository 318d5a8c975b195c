// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"
#include "io/measure_text.h"
#include "ui/theme.h"

#include <QChart>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <optional>
#include <vector>

class QAreaSeries;
class QChartView;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace poollab {

class ChartHeader;

// How the Experiment view writes a swept value (measures: io/measure_text.h, shared
// with the command line). Swept values are in the field's unit as the sweep holds them
// (a duration in seconds).
QString fieldAxisTitle(const ScenarioField& field); // "Workers", "Rate (jobs/s)", "Think time (s)"
// "13 workers", "12 jobs/s", "think time 250ms": a swept value with what it is.
QString describeSweepValue(const ScenarioField& field, double value);

// An experiment's measure against the swept field, drawn once per result: the 95 %
// interval as a band (an area between the lows and the highs), the mean as a line with
// points, queueing theory's prediction where its formulas apply, the target as a
// horizontal line, and the answer (the smallest value meeting the target) as a star
// with its label. Measures are in display units (measureScale()). A value with no
// interval (a replication observed nothing) breaks the band, one with no mean (none
// did) the line too: each unbroken run of values is a series of its own, so nothing is
// drawn across a value that has no estimate.
class ExperimentChart : public QWidget
{
    Q_OBJECT

public:
    explicit ExperimentChart(QWidget* parent = nullptr);

    void setTheme(Theme theme);
    // Draws the result's points; the axes are set here, once per result. field is null
    // for an experiment without a sweep (one point, at 0).
    void plot(const ExperimentResult& result, const ScenarioField* field, const ExperimentMeasure& measure,
              const std::optional<Target>& target);
    // Empty, titled for what is about to run.
    void clear(const QString& title = {});

    QChart* chart() const { return m_chart; }
    QChartView* view() const { return m_view; }
    ChartHeader* header() const { return m_header; }
    // The first unbroken run of the mean line and of the band (every value when each
    // has an estimate); meanSegments() and bandSegments() are all of them, in x order.
    QLineSeries* meanSeries() const { return m_means.front(); }
    QLineSeries* lowSeries() const { return m_low; }
    QLineSeries* highSeries() const { return m_high; }
    QAreaSeries* bandSeries() const { return m_bands.front(); }
    const std::vector<QLineSeries*>& meanSegments() const { return m_means; }
    const std::vector<QAreaSeries*>& bandSegments() const { return m_bands; }
    QLineSeries* theorySeries() const { return m_theory; }
    QLineSeries* targetSeries() const { return m_target; }
    QScatterSeries* answerSeries() const { return m_answer; }
    QValueAxis* xAxis() const { return m_xAxis; }
    QValueAxis* yAxis() const { return m_yAxis; }
    // "13 workers: 61.2 ms [58.9, 63.4]", empty without an answer.
    QString answerLabel() const { return m_answerLabel; }
    // Where the label was drawn last, in the view's coordinates (for tests).
    QRectF answerLabelBox() const;

private:
    void styleSeries();
    void refreshLegend(bool hasTarget);
    // Replaces the band's and the line's segments (one run of points each) and adds
    // every series to the chart again, in drawing order: bands, theory, target, lines,
    // answer (the order series are added is the order they are drawn).
    void setSegments(const QList<QList<QPointF>>& lowRuns, const QList<QList<QPointF>>& highRuns,
                     const QList<QList<QPointF>>& meanRuns);
    void setAxes(const QList<QPointF>& drawn, const QList<QPointF>& theory, std::optional<double> target,
                 bool wholeX);

    Theme m_theme = Theme::Light;
    QChart* m_chart;
    QChartView* m_view;
    ChartHeader* m_header;
    QValueAxis* m_xAxis;
    QValueAxis* m_yAxis;
    QLineSeries* m_low; // the first band segment's edges
    QLineSeries* m_high;
    std::vector<QAreaSeries*> m_bands; // never empty: the first holds the legend's name
    std::vector<QLineSeries*> m_means; // never empty
    QLineSeries* m_theory;
    QLineSeries* m_target;
    QScatterSeries* m_answer;
    QString m_answerLabel;
    QString m_targetName;
    QString m_theoryName;
};

} // namespace poollab
