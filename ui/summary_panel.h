// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/queueing_theory.h"
#include "ui/run_controller.h"

#include <QMap>
#include <QWidget>

#include <optional>

class QLabel;

namespace poollab {

// Totals per outcome, throughput, utilization, mean wait and service, and Little's
// law (L against λ·W): the numbers a run ends on, live while it runs.
class SummaryPanel : public QWidget
{
    Q_OBJECT

public:
    explicit SummaryPanel(const RunController* controller, QWidget* parent = nullptr);
    // The displayed text of one row ("succeeded", "throughput", "little", ...), for tests.
    QString value(const QString& key) const;
    // Every row as shown, label and value, in order (for exported images).
    QList<QPair<QString, QString>> rows() const;
    // Wide enough for every row on one line, the longest values included ("arrivals are
    // not Poisson"): what the window gives it when there is room.
    int preferredWidth() const;

public slots:
    void update();

private:
    void addRow(const QString& key, const QString& label, const QString& tip);
    // Predicted (Erlang C, M/M/c/K) beside measured, or why the formulas do not apply.
    void updateTheory(const Snapshot& snapshot, double averageL);

    const RunController* m_controller;
    // What queueing theory predicts for m_predictedFor: made when the scenario
    // changes, so a tick does not parse the latency spec again.
    std::optional<Scenario> m_predictedFor;
    TheoryPrediction m_prediction;
    QMap<QString, QLabel*> m_values;
    QList<QPair<QLabel*, QLabel*>> m_rows;
};

QString formatSeconds(double seconds);

} // namespace poollab
