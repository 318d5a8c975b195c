// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/lesson_file.h"
#include "ui/controls_panel.h"
#include "ui/run_controller.h"
#include "ui/theme.h"

#include <QKeySequence>
#include <QMainWindow>

#include <functional>
#include <span>

class QAction;
class QDialog;
class QPainter;
class QLabel;
class QMenu;
class QProgressBar;
class QScrollArea;
class QSplitter;
class QTabWidget;

namespace poollab {

class ChartPanel;
class ExperimentView;
class LessonsPanel;
class PercentileChart;
class RunRecorder;
class RunsPanel;
class SummaryPanel;
class TimelinePanel;
class WorkerView;

// What the window needs from the application layer (ui/ cannot link app/): filled in
// by main(); a missing hook disables its action.
struct WindowHooks
{
    EngineFactory makeEngine;
    std::function<QList<PresetEntry>()> presets;
    // Return false with a message in error.
    std::function<bool(const QString& path, Scenario& out, QString& error)> loadScenario;
    std::function<bool(const QString& path, const Scenario& scenario, QString& error)> saveScenario;
    // The run's samples: one per sample interval for the whole run, as the command
    // line's --csv has them (RunController::intervalSamples()).
    std::function<bool(const QString& path, std::span<const Sample> samples, double runStartUnixS,
                       QString& error)>
        exportCsv;
    // Serves Prometheus metrics on 127.0.0.1:port from snapshots the function hands
    // out (called on the server's own thread); port 0 stops serving.
    std::function<bool(quint16 port, std::function<void(Snapshot&)> snapshot, QString& error)> serveMetrics;
    // The lessons the Lessons tab offers (docs/LESSONS.md); none without it.
    std::function<std::vector<Lesson>()> lessons;
};

class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(WindowHooks hooks, QWidget* parent = nullptr);
    ~MainWindow() override;

    RunController* controller() const { return m_controller; }
    ChartPanel* charts() const { return m_charts; }
    SummaryPanel* summary() const { return m_summary; }
    WorkerView* workerView() const { return m_workers; }
    ControlsPanel* controls() const { return m_controls; }
    RunsPanel* runs() const { return m_runs; }
    LessonsPanel* lessons() const { return m_lessons; }
    TimelinePanel* timeline() const { return m_timeline; }
    PercentileChart* percentiles() const { return m_percentiles; }
    // The charts, the timeline, the percentile chart, the Runs panel and the Lessons
    // panel share the middle of the window as tabs.
    QTabWidget* centreTabs() const { return m_tabs; }
    // Shows a centre tab by name: "charts", "timeline", "percentiles" or "runs" (false
    // for another name).
    bool showTab(const QString& name);
    QAction* action(const QString& name) const; // "start", "pause", "drain", "stop", "reset", ...
    // Run > Experiment…: a window of its own beside this one (made on first use), whose
    // experiments start from this window's scenario.
    void openExperiment();
    ExperimentView* experimentView();
    QDialog* experimentDialog() const { return m_experimentDialog; }

    void setScenario(const Scenario& scenario);
    bool selectPreset(const QString& name);
    Theme theme() const { return m_theme; }
    void setTheme(Theme theme);

    // The file operations behind the toolbar, without their dialogs (for tests and
    // scripts). Each returns false and shows the error instead of throwing it away.
    bool openScenarioFile(const QString& path);
    bool saveScenarioFile(const QString& path);
    bool exportCsvFile(const QString& path);
    // The current or last run's attempt events (RunController::attemptEvents(), the
    // newest 100,000) as a Chrome/Perfetto trace, as --trace writes it.
    bool exportTraceFile(const QString& path);
    // The charts with a title, the scenario's key settings and the summary. PNG or SVG
    // as the name's extension says; a name without one gets format's ("png" or "svg",
    // as the dialog's filter chose; PNG if none) appended.
    bool exportChartImage(const QString& path, const QString& format = {});
    QString lastExportPath() const { return m_lastExportPath; }
    // What the export dialog offers: poollab-<preset>-<date>.png.
    QString suggestedImageName() const;
    // The scenario's key settings in one line, as exported images carry them.
    QString scenarioLine() const;
    // Serves /metrics on 127.0.0.1:port (0 stops); false with the error shown.
    bool serveMetrics(quint16 port);
    quint16 metricsPort() const { return m_metricsPort; }
    // The runs database every finished run is recorded in (main() passes --runs-db or
    // the default). When it cannot be opened the window works on, with the Runs panel
    // disabled and saying why; without a call nothing is recorded.
    void setRunsDatabase(const QString& path);
    // Run > Record finished runs (kept in QSettings).
    bool isRecording() const;
    void setRecording(bool on);
    QString lastError() const { return m_lastError; }
    // Presentation mode (View menu, Ctrl+Plus / Ctrl+Minus / Ctrl+0): the whole window's
    // font and the charts' lines at `scale` times their size, for a projector. 1 is off.
    void setPresentationScale(double scale);
    double presentationScale() const { return m_presentationScale; }

    // Window state, theme and the last scenario (QSettings).
    void restoreSettings();
    void saveSettings() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    // The toolbar and menus: run control, files, metrics, themes.
    void createActions();
    void createStatusBar();
    void connectRunHistory();
    // The Timeline and Percentiles tabs, and what refreshes them.
    void createViewTabs();
    // The tab shown reads the run (new attempt events, the histograms) on each tick; a
    // hidden one costs nothing.
    void refreshViewTabs();
    QAction* makeAction(const QString& name, const QString& text, QStyle::StandardPixmap icon,
                        const QKeySequence& key, const QString& tip, const std::function<void()>& slot);
    QList<QAction*> createRunActions();
    QList<QAction*> createFileActions();
    QAction* createMetricsAction();
    QAction* createExperimentAction();
    QAction* createTraceAction();
    bool canExportTrace() const;
    void createThemeActions(QMenu* viewMenu);
    void createPresentationActions(QMenu* viewMenu);
    // Presentation mode's layout for the window's size: the side columns' least widths
    // in the enlarged font; when the three columns do not fit side by side (1280x800,
    // 1024x768), the controls and the workers and summary become tabs beside the
    // charts; and the middle scrolls rather than squeezes when it is still too small.
    void reflowForPresentation();
    void setSideColumnsInTabs(bool inTabs);
    // The Lessons tab: it loads a step's scenario into the window and runs it.
    void createLessonsTab();
    // The step's scenario into the controls while the Lessons tab shows it, when that
    // overwrites nothing of the user's (see docs/LESSONS.md).
    void showStepInControls(const Scenario& scenario);
    void updateActions();
    void updateStatus();
    // "virtual time: asked 1000×, running 22×"; empty for real threads.
    QString paceText() const;
    // How a finished run ended: "Stopped · 4,979 cancelled", "Drained · 1,165 of 8,000 submitted".
    QString outcomeText() const;
    void updateTitle();
    void onScenarioEdited(const Scenario& scenario, const QString& key, const QString& from,
                          const QString& to);
    void showError(const QString& title, const QString& message);
    // Runs panel and recording.
    void createRunsActions(QMenu* runMenu);
    void recordFinishedRun();

public:
    // What an exported image says besides its charts.
    struct ExportTexts
    {
        QString title;    // the window's title: "PoolLab — Signup burst"
        QString settings; // scenarioLine() and the date
        QString summary;  // the outcome and every summary row
    };
    ExportTexts exportTexts() const;

private:
    // Paints the export (header, charts, summary) at the charts' width.
    void paintExport(QPainter& painter, const ExportTexts& texts) const;

    WindowHooks m_hooks;
    RunController* m_controller;
    ControlsPanel* m_controls;
    ChartPanel* m_charts;
    SummaryPanel* m_summary;
    WorkerView* m_workers;
    QSplitter* m_splitter;
    QWidget* m_controlsScroll; // its least width follows the font (presentation mode)
    QWidget* m_summaryScroll;
    QWidget* m_sideColumn;                       // the workers and the summary
    QScrollArea* m_presentationScroll = nullptr; // holds m_splitter in presentation mode
    bool m_sideColumnsInTabs = false;
    // The columns' widths before presentation mode, until they are restored after it.
    QByteArray m_normalSplitterState;
    bool m_reflowPosted = false;
    QTabWidget* m_tabs;
    RunsPanel* m_runs;
    TimelinePanel* m_timeline;
    PercentileChart* m_percentiles;
    RunRecorder* m_recorder = nullptr;     // once a runs database is open
    QDialog* m_experimentDialog = nullptr; // once opened
    ExperimentView* m_experiment = nullptr;
    Scenario m_runScenario; // what the current run started with, as recorded
    LessonsPanel* m_lessons;
    QFont m_baseFont; // the application's font before presentation mode
    double m_presentationScale = 1.0;
    bool m_runStarted = false;
    QLabel* m_stateLabel;
    QProgressBar* m_progress;
    QHash<QString, QAction*> m_actions;
    QHash<QString, QStyle::StandardPixmap> m_icons; // redrawn in the theme's colours
    Theme m_theme = Theme::Light;
    QString m_lastError;
    QString m_lastDir;
    QString m_lastExportPath;
    quint16 m_metricsPort = 0;
    PoolState m_lastState = PoolState::Idle; // to notice the pool changing state on its own
};

} // namespace poollab
