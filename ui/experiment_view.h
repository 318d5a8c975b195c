// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/experiment.h"
#include "ui/theme.h"

#include <QElapsedTimer>
#include <QWidget>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTimer;

namespace poollab {

class ExperimentChart;

// The window's Experiment view (issue #15): the scenario of the window run N times in
// virtual time at each value of one swept field, the measure's mean and 95 % interval
// plotted against the field, queueing theory beside it, and the smallest value whose
// whole interval meets a target. The inputs become the command line's --sweep and
// --target texts and go through the same parsers (parseSweep, parseTarget), so both
// accept and refuse the same things with the same words.
//
// runExperiment() runs on a thread of its own; its progress callback only stores
// counts in atomics, which a timer on the GUI thread reads (never a signal per run),
// so the window stays responsive and Cancel stops it within a run. A cancelled
// experiment keeps and draws the points that finished.
class ExperimentView : public QWidget
{
    Q_OBJECT

public:
    explicit ExperimentView(QWidget* parent = nullptr);
    ~ExperimentView() override; // cancels a running experiment and waits for it

    // The scenario every point starts from (the window's); each run is in virtual time.
    // Another scenario (by name) suggests a range around its value, unless the range
    // was typed (setRange or by hand) since the field was chosen.
    void setBaseScenario(const Scenario& scenario);
    const Scenario& baseScenario() const { return m_base; }
    // Asked for the base scenario again when the view is shown (as setBaseScenario) and
    // before each run (which changes the base and the field's help, never the inputs).
    void setScenarioSource(std::function<Scenario()> source) { m_source = std::move(source); }
    void setTheme(Theme theme);

    // The inputs, as a user sets them (for tests and scripts). Keys as the command line
    // spells them: "workers", "wait.mean".
    bool setSweepField(const QString& key);
    void setRange(const QString& from, const QString& to, const QString& step);
    void setValueList(const QString& values); // "4, 8, 16": switches to a list
    void setReplications(int replications);
    void setWarmup(const QString& duration);
    // Threads the runs share; 0 (the default) is one per core (ExperimentSpec::threads).
    void setThreads(int threads) { m_threads = std::max(0, threads); }
    bool setMeasure(const QString& key);
    // comparison "<" or ">", or empty for no target; value as typed ("100", "2s", "1%").
    void setTarget(const QString& comparison, const QString& value);

    // What the inputs ask for, or nullopt with *error naming the input and what it allows.
    std::optional<ExperimentSpec> spec(QString* error) const;
    // The --sweep and --target texts the inputs make ("workers=1:20:1", "wait.mean<100ms").
    QString sweepText() const;
    QString targetText() const;

    // Starts in the background; false with the error shown under the inputs (bad input,
    // or one is running already).
    bool start();
    void cancel();
    bool isRunning() const { return m_run != nullptr; }
    int runsDone() const;
    int runsTotal() const;
    // The last experiment that ended (finished or cancelled), with what it was asked.
    const ExperimentResult* result() const { return m_result ? &*m_result : nullptr; }
    const ExperimentSpec* resultSpec() const { return m_result ? &m_resultSpec : nullptr; }

    QString errorText() const;
    QString progressText() const;
    // The plain sentence under the chart: the answer, or that no value meets the target.
    QString answerText() const;
    ExperimentChart* chart() const { return m_chart; }
    QPushButton* runButton() const { return m_runButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    // The part of the view an exported image shows: the chart and the sentence.
    QWidget* plotArea() const { return m_plotArea; }

    // The sweep CSV (what --sweep-csv writes) and the chart as a PNG, written
    // atomically; false with lastError() saying why.
    bool exportSweepCsv(const QString& path);
    bool exportImage(const QString& path);
    QString lastError() const { return m_lastError; }

signals:
    void finished();

protected:
    void showEvent(QShowEvent* event) override;

private:
    struct Running;

    QWidget* createInputs();
    QHBoxLayout* createSweepRow();
    QWidget* createOutputs();
    void onFieldChosen();
    void suggestRange(); // From/To/Step around the base scenario's value of the field
    void adoptScenario(const Scenario& scenario); // the base and its texts, not the inputs
    void updateFieldHelp();
    void onMeasureChosen();
    void setInputsEnabled(bool enabled);
    void showError(const QString& message);
    void poll();
    void finish();
    void updateBaseText();
    QString answerSentence() const; // answerText() without the warm-up's warning
    QString imageCaption() const;   // above an exported image: what ran
    const ScenarioField* chosenField() const;
    const ExperimentMeasure* chosenMeasure() const;

    Scenario m_base;
    std::function<Scenario()> m_source;
    Theme m_theme = Theme::Light;

    QLabel* m_baseText;
    QComboBox* m_field;
    QLabel* m_fieldHelp;
    QComboBox* m_valuesKind; // a range or a list
    QStackedWidget* m_values;
    QLineEdit* m_from;
    QLineEdit* m_to;
    QLineEdit* m_step;
    QLineEdit* m_list;
    bool m_rangeEdited = false; // From/To/Step typed since the last suggestion
    int m_threads = 0;
    QSpinBox* m_replications;
    QLineEdit* m_warmup;
    QComboBox* m_measure;
    QComboBox* m_comparison;
    QLineEdit* m_targetValue;
    QLabel* m_targetUnit;
    QPushButton* m_runButton;
    QPushButton* m_cancelButton;
    QProgressBar* m_progress;
    QLabel* m_error;
    QWidget* m_plotArea;
    ExperimentChart* m_chart;
    QLabel* m_answer;
    QPushButton* m_exportCsv;
    QPushButton* m_exportImage;
    QTimer* m_poll;
    QElapsedTimer m_clock;

    std::unique_ptr<Running> m_run;
    std::optional<ExperimentResult> m_result;
    ExperimentSpec m_resultSpec;
    ExperimentSpec m_runningSpec;
    QString m_runningSweepValues; // "46:52:1", as typed
    QString m_resultSweepValues;
    const ExperimentMeasure* m_runningMeasure = nullptr; // what the chart plots
    const ExperimentMeasure* m_resultMeasure = nullptr;
    QString m_lastError;
    QString m_lastDir;
};

} // namespace poollab
