// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/queueing_theory.h"
#include "ui/run_controller.h"

#include <QWidget>

#include <optional>
#include <vector>

namespace poollab {

// Totals per outcome, throughput, utilization, mean wait and service, and Little's
// law (L against λ·W): the numbers a run ends on, live while it runs. Its rows are
// painted by the panel itself, all in one paint: as a QLabel each, every changed
// value repainted and laid out its own text document, and the form laid out again.
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
    // Where the label and the value of a row (in the order of rows()) are drawn at the
    // panel's width, and the tooltip shown over a point (for tests).
    QRect labelRect(int row) const;
    QRect valueRect(int row) const;
    QString toolTipAt(const QPoint& pos) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    void update();

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct Row
    {
        QString key;
        QString label;
        QString value;
        QString tip;      // over the label (and the value, unless it has its own)
        QString valueTip; // over the value
    };
    struct Placed
    {
        QRect label;
        QRect value;
    };
    void addRow(const QString& key, const QString& label, const QString& tip);
    void setValue(const char* key, const QString& text);
    void setValueTip(const char* key, const QString& tip);
    Row* row(const char* key);
    // The rows laid out at a width: beside their labels when they fit, else under them
    // (wrapped if need be), as QFormLayout::WrapLongRows did.
    std::vector<Placed> place(int width) const;
    int labelColumn() const;
    int spacing() const;
    // Predicted (Erlang C, M/M/c/K) beside measured, or why the formulas do not apply.
    void updateTheory(const Snapshot& snapshot, double averageL);

    const RunController* m_controller;
    // What queueing theory predicts for m_predictedFor: made when the scenario
    // changes, so a tick does not parse the latency spec again.
    std::optional<Scenario> m_predictedFor;
    TheoryPrediction m_prediction;
    std::vector<Row> m_rows;
    bool m_changed = false; // a value changed since the last repaint
};

QString formatSeconds(double seconds);

} // namespace poollab
