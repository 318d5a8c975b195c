// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/main_window.h"

#include "core/duration.h"
#include "core/queueing_theory.h"
#include "io/csv_export.h"
#include "io/run_store.h"
#include "io/summary_json.h"
#include "io/trace_writer.h"
#include "ui/chart_panel.h"
#include "ui/experiment_view.h"
#include "ui/lessons_panel.h"
#include "ui/percentile_chart.h"
#include "ui/run_recorder.h"
#include "ui/runs_panel.h"
#include "ui/summary_panel.h"
#include "ui/timeline_view.h"
#include "ui/worker_view.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDialog>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGroupBox>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QSvgGenerator>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace poollab {

namespace {

// The progress bar counts in tenths of a percent.
constexpr int kProgressSteps = 1000;

QString lastScenarioPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) +
           QStringLiteral("/last-scenario.json");
}

QWidget* framed(const QString& title, QWidget* content)
{
    auto* box = new QGroupBox(title);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(content);
    return box;
}

} // namespace

MainWindow::MainWindow(WindowHooks hooks, QWidget* parent) : QMainWindow(parent), m_hooks(std::move(hooks))
{
    setWindowTitle(QStringLiteral("PoolLab"));
    setMinimumSize(1024, 640);
    installToolTipWrapping();
    m_controller = new RunController(m_hooks.makeEngine, this);

    m_controls = new ControlsPanel;
    if (m_hooks.presets)
        m_controls->setPresets(m_hooks.presets());
    auto* controlsScroll = new QScrollArea;
    controlsScroll->setWidget(m_controls);
    controlsScroll->setWidgetResizable(true);
    controlsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    controlsScroll->setMinimumWidth(m_controls->minimumSizeHint().width() +
                                    style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 2);
    controlsScroll->setFrameShape(QFrame::NoFrame);

    m_charts = new ChartPanel(m_controller);
    m_workers = new WorkerView;
    m_summary = new SummaryPanel(m_controller);

    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(framed(tr("Workers"), m_workers));
    // Scrolls rather than squeezes its rows when the window is short (1024x640 and
    // high-DPI scaling); its values wrap rather than widen it.
    auto* summaryScroll = new QScrollArea;
    summaryScroll->setWidget(m_summary);
    summaryScroll->setWidgetResizable(true);
    summaryScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    summaryScroll->setFrameShape(QFrame::NoFrame);
    // Its labels in full and the values' narrowest, with room for the scroll bar.
    summaryScroll->setMinimumWidth(m_summary->minimumSizeHint().width() +
                                   style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 2);
    right->addWidget(framed(tr("Summary"), summaryScroll));
    m_controlsScroll = controlsScroll;
    m_summaryScroll = summaryScroll;
    m_sideColumn = right;
    right->setStretchFactor(0, 1);
    right->setStretchFactor(1, 0);
    right->setChildrenCollapsible(false);

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->setObjectName(QStringLiteral("columns"));
    m_splitter->addWidget(controlsScroll);
    // The Runs panel is a tab beside the charts: it needs their width for its columns,
    // and the side columns keep their place.
    m_runs = new RunsPanel;
    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("centreTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_charts, tr("Charts"));
    createViewTabs();
    m_tabs->addTab(m_runs, tr("Runs"));
    createLessonsTab();
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setChildrenCollapsible(false);
    setCentralWidget(m_splitter);
    // The charts take what the side columns leave: the summary as wide as its rows
    // want (they wrap only in narrower windows), the controls at their narrowest.
    m_splitter->setSizes({controlsScroll->minimumWidth(), 100000,
                          m_summary->preferredWidth() + summaryScroll->minimumWidth() -
                              m_summary->minimumSizeHint().width() + 16});

    createStatusBar();

    createActions();

    connect(m_controls, &ControlsPanel::scenarioEdited, this, &MainWindow::onScenarioEdited);
    connect(m_controls, &ControlsPanel::paceChanged, m_controller, &RunController::setPace);
    connect(m_controls, &ControlsPanel::notice, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_controls, &ControlsPanel::presetChosen, this, [this](int index) {
        const PresetEntry& p = m_controls->presets().at(index);
        const Scenario before = m_controller->scenario();
        Scenario chosen = p.scenario;
        if (!p.setsTimeMode)
            chosen.timeMode = before.timeMode; // a preset about pools, not about clocks
        if (m_controller->isActive()) {
            // Applied live and marked on the charts, as any other change.
            m_controller->setScenario(chosen, QStringLiteral("preset"), QString::fromStdString(before.name),
                                      p.name);
            m_controls->setScenario(chosen);
            updateTitle();
        } else {
            setScenario(chosen); // a finished run's charts go with it
        }
    });
    m_controller->setWorkerCellLimit(m_workers->cellLimit());
    connect(m_controller, &RunController::ticked, this, [this] {
        const Snapshot& s = m_controller->snapshot();
        m_workers->setCells(s.workerCells, s.workers, s.state);
        m_controller->setWorkerCellLimit(m_workers->cellLimit()); // from the next tick: the view's size now
        refreshViewTabs();
        // The pool moves to draining (or stops) on its own: keep the buttons right.
        if (s.state != m_lastState) {
            m_lastState = s.state;
            updateActions();
            return;
        }
        action(QStringLiteral("exportCsv"))
            ->setEnabled(bool(m_hooks.exportCsv) && m_controller->hasRunTime());
        action(QStringLiteral("exportTrace"))->setEnabled(canExportTrace());
        updateStatus();
    });
    connect(m_controller, &RunController::stateChanged, this, &MainWindow::updateActions);
    connectRunHistory();
    connect(m_controller, &RunController::failed, this,
            [this](const QString& message) { showError(tr("Cannot start the run"), message); });
    setScenario(Scenario{});
    updateActions();
    updateStatus();
}

void MainWindow::createStatusBar()
{
    m_stateLabel = new QLabel;
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_progress = new QProgressBar;
    m_progress->setMaximum(kProgressSteps); // from 0
    m_progress->setMaximumWidth(360);
    // Room for the longest it says without cutting it.
    m_progress->setMinimumWidth(m_progress->fontMetrics().horizontalAdvance(
                                    tr("Drained \u00b7 100,000,000 of 100,000,000 submitted")) +
                                24);
    m_progress->setTextVisible(true);
    statusBar()->addWidget(m_stateLabel, 1);
    statusBar()->addPermanentWidget(m_progress);
}

void MainWindow::createViewTabs()
{
    m_timeline = new TimelinePanel;
    m_timeline->setObjectName(QStringLiteral("timeline"));
    m_timeline->view()->setRecordReader(
        [this](const std::function<void(const IntervalRecord&)>& read) { m_controller->withRecord(read); });
    m_percentiles = new PercentileChart;
    m_percentiles->setObjectName(QStringLiteral("percentiles"));
    m_tabs->addTab(m_timeline, tr("Timeline"));
    m_tabs->addTab(m_percentiles, tr("Percentiles"));
    m_tabs->setTabToolTip(m_tabs->indexOf(m_timeline),
                          tr("Every attempt on its worker's lane: token wait, service, failures, timeouts; "
                             "hover a job for its queue wait and times"));
    m_tabs->setTabToolTip(m_tabs->indexOf(m_percentiles),
                          tr("Latency against percentile (HdrHistogram style), with the runs ticked in the "
                             "Runs tab"));
    connect(m_tabs, &QTabWidget::currentChanged, this, &MainWindow::refreshViewTabs);
}

void MainWindow::refreshViewTabs()
{
    const Snapshot& s = m_controller->snapshot();
    TimelineView* view = m_timeline->view();
    view->setEventLog(m_controller->attemptEvents()); // a new run's log clears the view
    if (m_tabs->currentWidget() == m_timeline) {
        m_timeline->refresh(s.runNs, s.workers);
    } else {
        view->readLog(); // hidden, it still takes what is new before the run's ring overwrites it
    }
    if (m_tabs->currentWidget() == m_percentiles) {
        const bool run = m_controller->hasRun();
        m_percentiles->setHistograms({run ? &s.total : nullptr, run ? &s.wait : nullptr,
                                      run ? &s.service : nullptr, run ? &s.totalUncorrected : nullptr});
    }
}

bool MainWindow::showTab(const QString& name)
{
    const QHash<QString, QWidget*> tabs{{QStringLiteral("charts"), m_charts},
                                        {QStringLiteral("timeline"), m_timeline},
                                        {QStringLiteral("percentiles"), m_percentiles},
                                        {QStringLiteral("runs"), m_runs}};
    QWidget* tab = tabs.value(name);
    if (!tab)
        return false;
    m_tabs->setCurrentWidget(tab);
    return true;
}

// Every finished run recorded; the Runs tab's overlays, re-opened scenarios and notices.
void MainWindow::connectRunHistory()
{
    connect(m_controller, &RunController::stateChanged, this, [this] {
        // The scenario a run started with: what the recorded run re-opens (its live
        // changes are kept as its markers).
        if (!m_controller->hasRun())
            m_runStarted = false;
        else if (m_controller->isActive() && !m_runStarted) {
            m_runStarted = true;
            m_runScenario = m_controller->scenario();
        }
    });
    connect(m_controller, &RunController::runFinished, this, &MainWindow::recordFinishedRun);
    connect(m_runs, &RunsPanel::overlaysChanged, this, [this] {
        m_charts->setOverlays(m_runs->overlays());
        m_percentiles->setRuns(m_runs->histogramRuns());
    });
    connect(m_runs, &RunsPanel::scenarioChosen, this, [this](const Scenario& scenario) {
        if (m_controller->isActive()) {
            showError(tr("Cannot open the run's scenario"),
                      tr("Stop the run first: its settings are in use."));
            return;
        }
        setScenario(scenario);
        m_tabs->setCurrentWidget(m_charts);
    });
    connect(m_runs, &RunsPanel::notice, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    // A run that was not saved marks the Runs tab, wherever the user is, until one is.
    connect(m_runs, &RunsPanel::saveWarningChanged, this, [this](const QString& warning) {
        const int tab = m_tabs->indexOf(m_runs);
        m_tabs->setTabText(tab, warning.isEmpty() ? tr("Runs") : tr("Runs \u26a0"));
        m_tabs->setTabToolTip(tab, warning);
    });
}

MainWindow::~MainWindow()
{
    // The endpoint reads snapshots through m_controller: stop it before that goes.
    if (m_metricsPort != 0 && m_hooks.serveMetrics) {
        QString ignored;
        m_hooks.serveMetrics(0, {}, ignored);
    }
}

QAction* MainWindow::action(const QString& name) const
{
    return m_actions.value(name);
}

void MainWindow::createActions()
{
    QToolBar* bar = addToolBar(tr("Run"));
    bar->setObjectName(QStringLiteral("runToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setMovable(false);
    QMenu* runMenu = menuBar()->addMenu(tr("&Run"));
    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    menuBar()->insertMenu(runMenu->menuAction(), fileMenu);
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));

    for (QAction* a : createRunActions())
        bar->addAction(a), runMenu->addAction(a);
    bar->addSeparator();
    for (QAction* a : createFileActions())
        bar->addAction(a), fileMenu->addAction(a);
    fileMenu->addAction(createTraceAction());
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    runMenu->addSeparator();
    runMenu->addAction(createExperimentAction());
    runMenu->addSeparator();
    runMenu->addAction(createMetricsAction());
    createRunsActions(runMenu);
    createThemeActions(viewMenu);
    createPresentationActions(viewMenu);
}

QAction* MainWindow::makeAction(const QString& name, const QString& text, QStyle::StandardPixmap icon,
                                const QKeySequence& key, const QString& tip,
                                const std::function<void()>& slot)
{
    auto* a = new QAction(themedIcon(icon, m_theme), text, this);
    a->setObjectName(name);
    m_icons.insert(name, icon);
    a->setShortcut(key);
    a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    a->setStatusTip(tip);
    connect(a, &QAction::triggered, this, slot);
    m_actions.insert(name, a);
    return a;
}

QList<QAction*> MainWindow::createRunActions()
{
    QAction* start = makeAction(QStringLiteral("start"), tr("Start"), QStyle::SP_MediaPlay, Qt::Key_F5,
                                tr("Start a run of the scenario"), [this] { m_controller->start(); });
    QAction* pause = makeAction(
        QStringLiteral("pause"), tr("Pause"), QStyle::SP_MediaPause, Qt::Key_F6,
        tr("Pause: freeze the run (no arrivals, no new starts; the queue holds); again to resume"), [this] {
            if (m_controller->isPaused())
                m_controller->resume();
            else
                m_controller->pause();
        });
    QAction* drain = makeAction(QStringLiteral("drain"), tr("Drain"), QStyle::SP_MediaSeekForward, Qt::Key_F7,
                                tr("Drain: stop arrivals, finish every job already accepted, then stop"),
                                [this] { m_controller->drain(); });
    QAction* stop = makeAction(
        QStringLiteral("stop"), tr("Stop"), QStyle::SP_MediaStop, QKeySequence(Qt::SHIFT | Qt::Key_F5),
        tr("Stop: cancel queued and running jobs now"), [this] { m_controller->cancel(); });
    QAction* reset = makeAction(
        QStringLiteral("reset"), tr("Reset"), QStyle::SP_BrowserReload, QKeySequence(Qt::CTRL | Qt::Key_R),
        tr("Reset: forget the run, keep the settings"), [this] { m_controller->reset(); });
    return {start, pause, drain, stop, reset};
}

QList<QAction*> MainWindow::createFileActions()
{
    QAction* open = makeAction(QStringLiteral("open"), tr("Open…"), QStyle::SP_DialogOpenButton,
                               QKeySequence::Open, tr("Open a scenario file"), [this] {
                                   const QString path =
                                       QFileDialog::getOpenFileName(this, tr("Open scenario"), m_lastDir,
                                                                    tr("Scenarios (*.json);;All files (*)"));
                                   if (!path.isEmpty())
                                       openScenarioFile(path);
                               });
    QAction* save = makeAction(QStringLiteral("save"), tr("Save…"), QStyle::SP_DialogSaveButton,
                               QKeySequence::Save, tr("Save the settings as a scenario file"), [this] {
                                   const QString path = QFileDialog::getSaveFileName(
                                       this, tr("Save scenario"), m_lastDir, tr("Scenarios (*.json)"));
                                   if (!path.isEmpty())
                                       saveScenarioFile(path);
                               });
    QAction* csv =
        makeAction(QStringLiteral("exportCsv"), tr("Export CSV…"), QStyle::SP_FileIcon,
                   QKeySequence(Qt::CTRL | Qt::Key_E), tr("Export the run's time series as CSV"), [this] {
                       const QString path =
                           QFileDialog::getSaveFileName(this, tr("Export CSV"), m_lastDir, tr("CSV (*.csv)"));
                       if (!path.isEmpty())
                           exportCsvFile(path);
                   });
    QAction* image = makeAction(
        QStringLiteral("exportImage"), tr("Export chart…"), QStyle::SP_DesktopIcon,
        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), tr("Export the charts as a PNG or SVG image"),
        [this] {
            const QString png = tr("PNG image (*.png)");
            const QString svg = tr("SVG image (*.svg)");
            QString filter = png;
            const QString path = QFileDialog::getSaveFileName(this, tr("Export chart image"),
                                                              QDir(m_lastDir).filePath(suggestedImageName()),
                                                              png + QStringLiteral(";;") + svg, &filter);
            if (!path.isEmpty())
                exportChartImage(path, filter == svg ? QStringLiteral("svg") : QStringLiteral("png"));
        });
    open->setEnabled(bool(m_hooks.loadScenario));
    save->setEnabled(bool(m_hooks.saveScenario));
    return {open, save, csv, image};
}

QAction* MainWindow::createTraceAction()
{
    auto* trace = new QAction(tr("Export &trace…"), this);
    trace->setObjectName(QStringLiteral("exportTrace"));
    trace->setStatusTip(
        tr("Export the run's jobs as a Chrome trace, for ui.perfetto.dev or chrome://tracing"));
    trace->setEnabled(false);
    m_actions.insert(trace->objectName(), trace);
    connect(trace, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export trace"), m_lastDir, tr("Chrome trace (*.json)"));
        if (!path.isEmpty())
            exportTraceFile(path);
    });
    return trace;
}

bool MainWindow::canExportTrace() const
{
    return m_controller->attemptEvents() && m_controller->hasRunTime();
}

QAction* MainWindow::createMetricsAction()
{
    auto* metrics = new QAction(tr("Serve Prometheus &metrics…"), this);
    metrics->setObjectName(QStringLiteral("serveMetrics"));
    metrics->setCheckable(true);
    metrics->setEnabled(bool(m_hooks.serveMetrics));
    metrics->setStatusTip(tr("Serve the run's metrics for Prometheus at http://127.0.0.1:PORT/metrics"));
    connect(metrics, &QAction::triggered, this, [this, metrics](bool on) {
        if (!on) {
            serveMetrics(0);
            return;
        }
        bool ok = false;
        const int port = QInputDialog::getInt(this, tr("Serve Prometheus metrics"),
                                              tr("Port on 127.0.0.1 (Prometheus scrapes /metrics):"), 9464, 1,
                                              65535, 1, &ok);
        if (!ok || !serveMetrics(static_cast<quint16>(port)))
            metrics->setChecked(false);
    });
    m_actions.insert(metrics->objectName(), metrics);
    return metrics;
}

QAction* MainWindow::createExperimentAction()
{
    auto* experiment = new QAction(tr("E&xperiment…"), this);
    experiment->setObjectName(QStringLiteral("experiment"));
    experiment->setShortcut(Qt::Key_F8);
    experiment->setStatusTip(
        tr("Run the scenario many times at each value of one setting, with 95 % intervals, "
           "and find the smallest value that meets a target"));
    connect(experiment, &QAction::triggered, this, &MainWindow::openExperiment);
    m_actions.insert(experiment->objectName(), experiment);
    return experiment;
}

ExperimentView* MainWindow::experimentView()
{
    if (m_experiment)
        return m_experiment;
    // A window of its own, not a tab: its inputs and chart want the width the side
    // columns take here, and it can stay open beside the live run.
    m_experimentDialog = new QDialog(this);
    m_experimentDialog->setObjectName(QStringLiteral("experimentDialog"));
    m_experimentDialog->setWindowTitle(tr("PoolLab — Experiment"));
    m_experiment = new ExperimentView;
    m_experiment->setTheme(m_theme);
    m_experiment->setScenarioSource([this] { return m_controller->scenario(); });
    m_experiment->setBaseScenario(m_controller->scenario());
    auto* layout = new QVBoxLayout(m_experimentDialog);
    layout->addWidget(m_experiment);
    // Closing it while it runs cancels it, as closing the window cancels a run: an
    // experiment nobody sees should not keep every core busy. The status bar says so,
    // then how it ended (the values that finished).
    connect(m_experimentDialog, &QDialog::finished, this, [this] {
        if (!m_experiment->isRunning())
            return;
        m_experiment->cancel();
        statusBar()->showMessage(tr("Experiment cancelled: its window was closed."), 15000);
    });
    connect(m_experiment, &ExperimentView::finished, this, [this] {
        if (!m_experimentDialog->isVisible())
            statusBar()->showMessage(tr("Experiment: %1").arg(m_experiment->answerText()), 15000);
    });
    m_experimentDialog->resize(QSize(1000, 720).boundedTo(screen()->availableSize()));
    return m_experiment;
}

void MainWindow::openExperiment()
{
    experimentView();
    m_experimentDialog->show();
    m_experimentDialog->raise();
    m_experimentDialog->activateWindow();
}

void MainWindow::createRunsActions(QMenu* runMenu)
{
    auto* record = new QAction(tr("&Record finished runs"), this);
    record->setObjectName(QStringLiteral("recordRuns"));
    record->setCheckable(true);
    record->setChecked(true);
    record->setStatusTip(tr("Keep every run that ends (done, stopped or drained) in the runs database"));
    connect(record, &QAction::toggled, this,
            [](bool on) { QSettings().setValue(QStringLiteral("runs/record"), on); });
    runMenu->addAction(record);
    m_actions.insert(record->objectName(), record);
}

bool MainWindow::isRecording() const
{
    return action(QStringLiteral("recordRuns"))->isChecked();
}

void MainWindow::setRecording(bool on)
{
    action(QStringLiteral("recordRuns"))->setChecked(on);
}

void MainWindow::setRunsDatabase(const QString& path)
{
    delete m_recorder;
    m_recorder = nullptr;
    if (!m_runs->openStore(path) || m_runs->isReadOnly()) // read-only: browsed, not recorded into
        return;
    m_recorder = new RunRecorder(this);
    connect(m_recorder, &RunRecorder::opened, this, [this](bool ok, const QString& error) {
        if (!ok)
            m_runs->setUnavailable(error);
    });
    connect(m_recorder, &RunRecorder::saved, this, [this](qint64 id, const QString& error) {
        m_runs->setSaveResult(id, error); // a failure stays in the Runs tab until a save works
        if (id == 0) {
            statusBar()->showMessage(tr("The run was not recorded: %1").arg(error), 8000);
            return;
        }
        m_runs->refresh();
        statusBar()->showMessage(tr("Recorded as run %1").arg(id), 4000);
    });
    m_recorder->open(path);
}

void MainWindow::recordFinishedRun()
{
    const bool started = m_runStarted;
    m_runStarted = false;
    if (!m_recorder || !isRecording() || !started || !m_controller->hasRunTime())
        return;
    // What the exports would write: the CSV's rows, the summary as --summary-json and
    // --summary-csv write it, the markers and pauses, the final histograms. Copied
    // here (no engine is touched on the recorder's thread), written there.
    const Snapshot& last = m_controller->snapshot();
    const TimeMode mode = m_controller->timeMode();
    StoredRun run;
    run.startUnixS = m_controller->runStartUnixS();
    run.name = defaultRunName(m_runScenario, run.startUnixS); // as --record names it
    run.timeMode = mode;
    run.scenario = m_runScenario;
    const RunSummary summary = RunSummary::from(last, mode == TimeMode::Virtual ? "virtual" : "real");
    run.summaryJson =
        summaryToJson(summary, QString::fromStdString(m_controller->scenario().name),
                      compareWithTheory(m_controller->scenario(), last, m_controller->averageInSystem()));
    run.summaryCsv = summaryToCsv(last, last.runNs);
    run.samples = m_controller->intervalSamples();
    for (const ChangeMarker& m : m_controller->markers())
        run.changes.push_back({m.seconds, m.key, m.from, m.to});
    for (const PauseSpan& p : m_controller->pauses())
        run.pauses.push_back({p.from, p.to});
    run.wait = last.wait;
    run.service = last.service;
    run.total = last.total;
    run.throttle = last.throttle;
    run.totalUncorrected = last.totalUncorrected;
    m_recorder->save(std::move(run));
}

void MainWindow::createThemeActions(QMenu* viewMenu)
{
    auto* themes = new QActionGroup(this);
    QAction* light = viewMenu->addAction(tr("&Light theme"), this, [this] { setTheme(Theme::Light); });
    QAction* dark = viewMenu->addAction(tr("&Dark theme"), this, [this] { setTheme(Theme::Dark); });
    light->setObjectName(QStringLiteral("lightTheme"));
    dark->setObjectName(QStringLiteral("darkTheme"));
    for (QAction* a : {light, dark})
        a->setCheckable(true), themes->addAction(a), m_actions.insert(a->objectName(), a);
    light->setChecked(true);
    // Ctrl+T turns dark on and off again: a shortcut on the "Dark" radio item could only
    // ever turn it on.
    viewMenu->addSeparator();
    QAction* toggle = viewMenu->addAction(tr("&Toggle dark theme"), this, [this] {
        setTheme(m_theme == Theme::Dark ? Theme::Light : Theme::Dark);
    });
    toggle->setObjectName(QStringLiteral("toggleTheme"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_actions.insert(toggle->objectName(), toggle);
}

void MainWindow::createLessonsTab()
{
    m_lessons = new LessonsPanel(m_controller);
    m_tabs->addTab(m_lessons, tr("Lessons"));
    if (m_hooks.lessons)
        m_lessons->setLessons(m_hooks.lessons());
    // One pace, two boxes: the controls' Pace is the window's (it sets the controller's),
    // and the Lessons tab's shows it and sets it.
    m_lessons->setPace(m_controller->pace());
    connect(m_controls, &ControlsPanel::paceChanged, m_lessons, &LessonsPanel::setPace);
    connect(m_lessons, &LessonsPanel::paceChanged, m_controls, &ControlsPanel::setPace);
    connect(m_lessons, &LessonsPanel::runRequested, this, [this](const Scenario& scenario) {
        if (m_controller->isActive()) {
            showError(tr("Cannot run the step"), tr("Stop the run first: its settings are in use."));
            return;
        }
        setScenario(scenario); // the controls show the step's settings; the pace is the window's
        m_lessons->setStepSettingsShown(true);
        if (m_controller->start())
            m_tabs->setCurrentWidget(m_charts);
    });
    // The controls show the step the learner reads (its workers, not the last preset's)
    // when the learner moves to it or to the Lessons tab, unless that would overwrite
    // the learner's own work: then "Load this step's settings" does it on request.
    connect(m_lessons, &LessonsPanel::stepShown, this, &MainWindow::showStepInControls);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (const std::optional<Scenario> step = m_lessons->stepScenario())
            showStepInControls(*step);
    });
    connect(m_lessons, &LessonsPanel::loadRequested, this, [this](const Scenario& scenario) {
        if (m_controller->isActive())
            return;
        setScenario(scenario); // asked for: a finished run's charts go with the old settings
        m_lessons->setStepSettingsShown(true);
    });
    // The verdicts are on the Lessons tab: back to it when the step's run ends.
    connect(m_lessons, &LessonsPanel::runGraded, this, [this] { m_tabs->setCurrentWidget(m_lessons); });
}

void MainWindow::showStepInControls(const Scenario& scenario)
{
    if (!isVisible() || m_tabs->currentWidget() != m_lessons)
        return;
    // Edited controls ("(modified)") and a run on screen, going, finished or stopped,
    // are the learner's: loading the step would overwrite or clear them unasked.
    const bool keepUsersWork = m_controls->isModified() || m_controller->hasRun();
    if (!keepUsersWork && m_controller->scenario() != scenario)
        setScenario(scenario);
    m_lessons->setStepSettingsShown(m_controller->scenario() == scenario);
}

void MainWindow::createPresentationActions(QMenu* viewMenu)
{
    m_baseFont = QApplication::font();
    viewMenu->addSeparator();
    auto* presentation = new QAction(tr("&Presentation mode"), this);
    presentation->setObjectName(QStringLiteral("presentationMode"));
    presentation->setCheckable(true);
    presentation->setStatusTip(tr("Larger text and chart lines, for a projector (Ctrl+Plus / Ctrl+Minus to "
                                  "adjust, Ctrl+0 to reset)"));
    connect(presentation, &QAction::triggered, this,
            [this](bool on) { setPresentationScale(on ? 1.5 : 1.0); });
    QAction* larger = new QAction(tr("&Larger"), this);
    larger->setObjectName(QStringLiteral("presentationLarger"));
    larger->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Plus), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    connect(larger, &QAction::triggered, this, [this] { setPresentationScale(m_presentationScale + 0.25); });
    QAction* smaller = new QAction(tr("&Smaller"), this);
    smaller->setObjectName(QStringLiteral("presentationSmaller"));
    smaller->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus));
    connect(smaller, &QAction::triggered, this, [this] { setPresentationScale(m_presentationScale - 0.25); });
    QAction* reset = new QAction(tr("&Normal size"), this);
    reset->setObjectName(QStringLiteral("presentationReset"));
    reset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(reset, &QAction::triggered, this, [this] { setPresentationScale(1.0); });
    for (QAction* a : {presentation, larger, smaller, reset}) {
        viewMenu->addAction(a);
        m_actions.insert(a->objectName(), a);
    }
}

void MainWindow::setPresentationScale(double scale)
{
    m_presentationScale = std::clamp(scale, 1.0, 3.0);
    QFont font = m_baseFont;
    if (font.pointSizeF() > 0)
        font.setPointSizeF(m_baseFont.pointSizeF() * m_presentationScale);
    else
        font.setPixelSize(static_cast<int>(std::lround(m_baseFont.pixelSize() * m_presentationScale)));
    QApplication::setFont(font);
    m_charts->setPresentationScale(m_presentationScale);
    // The side columns' least widths were measured in the old font.
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 2;
    for (QWidget* side : {static_cast<QWidget*>(m_controls), static_cast<QWidget*>(m_summary)})
        if (side->layout())
            side->layout()->activate();
    m_controlsScroll->setMinimumWidth(m_controls->minimumSizeHint().width() + scrollBar);
    m_summaryScroll->setMinimumWidth(m_summary->minimumSizeHint().width() + scrollBar);
    action(QStringLiteral("presentationMode"))->setChecked(m_presentationScale > 1.0);
    action(QStringLiteral("presentationSmaller"))->setEnabled(m_presentationScale > 1.0);
    const bool presenting = m_presentationScale > 1.0;
    // The state's sentence wraps rather than runs off the status bar in the large font.
    m_stateLabel->setWordWrap(presenting);
    if (presenting && !m_presentationScroll) {
        // The columns' widths the user set, to come back to (the tabs and the least
        // widths of presentation mode are for this screen and this font); kept if
        // presentation mode comes back before they were restored.
        if (m_normalSplitterState.isEmpty())
            m_normalSplitterState = m_splitter->saveState();
        // The middle scrolls when the window is smaller than it needs (a projector's
        // 1024x768 at 200 %) rather than squeezing the charts and rows into each other.
        takeCentralWidget();
        m_presentationScroll = new QScrollArea;
        m_presentationScroll->setObjectName(QStringLiteral("presentationScroll"));
        m_presentationScroll->setFrameShape(QFrame::NoFrame);
        m_presentationScroll->setWidgetResizable(true);
        m_presentationScroll->setWidget(m_splitter);
        setCentralWidget(m_presentationScroll);
    } else if (!presenting && m_presentationScroll) {
        setSideColumnsInTabs(false);
        takeCentralWidget();
        m_presentationScroll->takeWidget();
        delete m_presentationScroll;
        m_presentationScroll = nullptr;
        setCentralWidget(m_splitter);
        m_splitter->show();
    }
    // Once the new font has reached every widget and its layout.
    if (!m_reflowPosted) {
        m_reflowPosted = true;
        QTimer::singleShot(0, this, &MainWindow::reflowForPresentation);
    }
}

void MainWindow::reflowForPresentation()
{
    m_reflowPosted = false;
    const int scrollBar = style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 2;
    m_controlsScroll->setMinimumWidth(m_controls->minimumSizeHint().width() + scrollBar);
    m_summaryScroll->setMinimumWidth(m_summary->minimumSizeHint().width() + scrollBar);
    if (m_presentationScale <= 1.0) {
        setSideColumnsInTabs(false);
        // Now that the least widths are the normal font's again, the user's widths fit.
        if (!m_normalSplitterState.isEmpty()) {
            m_splitter->restoreState(m_normalSplitterState);
            m_normalSplitterState.clear();
        }
        return;
    }
    // The middle needs room for the charts' toolbar and legends and a lesson's rows:
    // some 80 characters of the enlarged font (three columns at 150 % from about 1500
    // pixels wide).
    const int centre = 80 * fontMetrics().averageCharWidth();
    setSideColumnsInTabs(m_controlsScroll->minimumWidth() + m_summaryScroll->minimumWidth() + centre >
                         width());
}

void MainWindow::setSideColumnsInTabs(bool inTabs)
{
    if (inTabs == m_sideColumnsInTabs)
        return;
    m_sideColumnsInTabs = inTabs;
    QWidget* current = m_tabs->currentWidget();
    if (inTabs) {
        m_tabs->insertTab(0, m_controlsScroll, tr("Controls"));
        m_tabs->addTab(m_sideColumn, tr("Workers and summary"));
    } else {
        m_tabs->removeTab(m_tabs->indexOf(m_controlsScroll));
        m_tabs->removeTab(m_tabs->indexOf(m_sideColumn));
        m_splitter->insertWidget(0, m_controlsScroll);
        m_splitter->addWidget(m_sideColumn);
        m_controlsScroll->show(); // a tab page left hidden stays hidden otherwise
        m_sideColumn->show();
        m_splitter->setStretchFactor(0, 0);
        m_splitter->setStretchFactor(1, 1);
        m_splitter->setStretchFactor(2, 0);
        m_splitter->setSizes({m_controlsScroll->minimumWidth(), 100000, m_summaryScroll->minimumWidth()});
    }
    m_tabs->setCurrentWidget(current);
}

void MainWindow::resizeEvent(QResizeEvent* event)
{
    QMainWindow::resizeEvent(event);
    if (m_presentationScale > 1.0 && !m_reflowPosted) {
        m_reflowPosted = true;
        QTimer::singleShot(0, this, &MainWindow::reflowForPresentation);
    }
}

void MainWindow::updateActions()
{
    const bool active = m_controller->isActive();
    // Draining on its own (a burst with everything submitted) leaves nothing for Drain
    // to do, unless the run is paused: then Drain resumes it to finish the queue.
    const bool draining = m_controller->snapshot().state == PoolState::Draining && !m_controller->isPaused();
    action(QStringLiteral("start"))->setEnabled(!active);
    action(QStringLiteral("start"))->setText(m_controller->hasRun() ? tr("Restart") : tr("Start"));
    QAction* pause = action(QStringLiteral("pause"));
    pause->setEnabled(active);
    pause->setText(m_controller->isPaused() ? tr("Resume") : tr("Pause"));
    m_icons.insert(QStringLiteral("pause"),
                   m_controller->isPaused() ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause);
    pause->setIcon(themedIcon(m_icons.value(QStringLiteral("pause")), m_theme));
    action(QStringLiteral("drain"))->setEnabled(active && !draining);
    action(QStringLiteral("stop"))->setEnabled(active);
    action(QStringLiteral("reset"))->setEnabled(m_controller->hasRun());
    action(QStringLiteral("exportCsv"))->setEnabled(bool(m_hooks.exportCsv) && m_controller->hasRunTime());
    action(QStringLiteral("exportTrace"))->setEnabled(canExportTrace());
    updateStatus();
}

QString MainWindow::paceText() const
{
    if (m_controller->timeMode() != TimeMode::Virtual)
        return {};
    const double asked = m_controller->pace();
    const QString askedText = asked > 0 ? QStringLiteral("%1\u00d7").arg(asked, 0, 'f', 0) : tr("max");
    const double achieved = m_controller->achievedPace();
    if (!m_controller->isActive() || m_controller->isPaused() || achieved <= 0)
        return tr("virtual time, pace %1").arg(askedText);
    // Within 10 % of what was asked the asked pace is the truth; otherwise say both.
    if (asked > 0 && achieved >= 0.9 * asked)
        return tr("virtual time, pace %1").arg(askedText);
    const QLocale locale;
    const QString running =
        achieved >= 10 ? locale.toString(achieved, 'f', 0) : locale.toString(achieved, 'f', 1);
    return tr("virtual time: asked %1, running %2\u00d7").arg(askedText, running);
}

QString MainWindow::outcomeText() const
{
    const Counters& c = m_controller->snapshot().counters;
    const QLocale locale;
    const auto count = [&locale](std::uint64_t v) { return locale.toString(static_cast<qulonglong>(v)); };
    if (m_controller->cancelRequested())
        return tr("Stopped \u00b7 %1 cancelled").arg(count(c.cancelled));
    const std::uint64_t jobs = m_controller->scenario().jobs;
    if (m_controller->drainRequested())
        return jobs > 0 ? tr("Drained \u00b7 %1 of %2 submitted").arg(count(c.submitted), count(jobs))
                        : tr("Drained \u00b7 %1 submitted").arg(count(c.submitted));
    return tr("Done \u00b7 %1 jobs").arg(count(c.submitted));
}

void MainWindow::updateStatus()
{
    const Snapshot& s = m_controller->snapshot();
    m_workers->setSimulated(m_controller->timeMode() == TimeMode::Virtual);
    QString state;
    if (!m_controller->hasRun())
        state = tr("Ready. Pick a preset or set the pool up, then Start (F5).");
    else if (m_controller->isPaused())
        state = tr("Paused: nothing arrives or starts, the queue holds. F6 resumes.");
    else
        state = tr("%1 \u00b7 %2 workers \u00b7 queue %3/%4")
                    .arg(s.state == PoolState::Draining && !m_controller->drainRequested()
                             ? tr("all jobs submitted, finishing the queue")
                             : QString::fromUtf8(toString(s.state).data()))
                    .arg(s.workers)
                    .arg(s.queued)
                    .arg(s.queueCapacity);
    if (const QString pace = paceText(); !pace.isEmpty())
        state += QStringLiteral(" \u00b7 ") + pace;
    m_stateLabel->setText(state);
    const Scenario& sc = m_controller->scenario();
    const bool finite = sc.jobs > 0 || sc.duration > 0;
    // A finished run always says how it ended, limited or not.
    m_progress->setVisible(m_controller->hasRun() && (finite || m_controller->isFinished()));
    const double fraction = m_controller->progress();
    m_progress->setValue(static_cast<int>(fraction * kProgressSteps));
    if (m_controller->isFinished()) {
        m_progress->setFormat(outcomeText());
        return;
    }
    // One decimal: a 10-hour run moves a whole percent only every 6 minutes.
    m_progress->setFormat(tr("%1 % \u00b7 ETA %2")
                              .arg(QLocale().toString(fraction * 100, 'f', 1),
                                   formatSeconds(m_controller->remainingSeconds())));
}

void MainWindow::onScenarioEdited(const Scenario& scenario, const QString& key, const QString& from,
                                  const QString& to)
{
    m_controller->setScenario(scenario, key, from, to);
    updateStatus(); // the time mode shows in the status bar and the worker view
    if (const std::optional<Scenario> step = m_lessons->stepScenario())
        m_lessons->setStepSettingsShown(m_controller->scenario() == *step);
    if (m_controller->isActive())
        statusBar()->showMessage(tr("Applied live: %1 %2 \u2192 %3").arg(key, from, to), 4000);
}

void MainWindow::setScenario(const Scenario& scenario)
{
    // A finished run was measured with other settings: its charts and summary would
    // now sit beside settings they never had.
    if (m_controller->hasRun() && !m_controller->isActive())
        m_controller->reset();
    m_controller->setScenario(scenario, QStringLiteral("scenario"), QString(),
                              QString::fromStdString(scenario.name));
    m_controls->setScenario(scenario);
    updateTitle();
    updateStatus();
}

void MainWindow::updateTitle()
{
    const Scenario& scenario = m_controller->scenario();
    setWindowTitle(scenario.name.empty()
                       ? QStringLiteral("PoolLab")
                       : QStringLiteral("PoolLab — %1").arg(QString::fromStdString(scenario.name)));
}

bool MainWindow::selectPreset(const QString& name)
{
    const QList<PresetEntry>& presets = m_controls->presets();
    for (const PresetEntry& p : presets) {
        if (p.name == name) {
            setScenario(p.scenario);
            return true;
        }
    }
    showError(tr("Unknown preset"), tr("There is no preset called '%1'.").arg(name));
    return false;
}

void MainWindow::setTheme(Theme theme)
{
    m_theme = theme;
    applyTheme(theme);
    m_charts->setChartTheme(chartThemeFor(theme));
    if (m_experiment)
        m_experiment->setTheme(theme);
    m_percentiles->setChartTheme(chartThemeFor(theme));
    for (auto it = m_icons.cbegin(); it != m_icons.cend(); ++it)
        action(it.key())->setIcon(themedIcon(it.value(), theme));
    action(theme == Theme::Dark ? QStringLiteral("darkTheme") : QStringLiteral("lightTheme"))
        ->setChecked(true);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    m_lastError = message;
    statusBar()->showMessage(message, 8000);
    // Window-modal and non-blocking: a run keeps being drawn behind it.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::openScenarioFile(const QString& path)
{
    m_lastDir = QFileInfo(path).absolutePath();
    if (!m_hooks.loadScenario)
        return false;
    Scenario s;
    QString error;
    if (!m_hooks.loadScenario(path, s, error)) {
        showError(tr("Cannot open scenario"), tr("%1:\n%2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    setScenario(s);
    statusBar()->showMessage(tr("Opened %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::saveScenarioFile(const QString& path)
{
    m_lastDir = QFileInfo(path).absolutePath();
    QString error;
    if (!m_hooks.saveScenario || !m_hooks.saveScenario(path, m_controller->scenario(), error)) {
        showError(tr("Cannot save scenario"), tr("%1:\n%2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::exportTraceFile(const QString& path)
{
    m_lastDir = QFileInfo(path).absolutePath();
    const std::shared_ptr<AttemptEventLog> log = m_controller->attemptEvents();
    QString error = tr("there is no run to export");
    if (log) {
        std::vector<AttemptEvent> events;
        // During a live run a worker may be mid-store: wait for it briefly, and count in
        // the file what could not be copied (not only what the log overwrote).
        const std::uint64_t notCopied = log->copyAll(events, 50 * kMilli);
        const Snapshot& s = m_controller->snapshot();
        TraceInfo info;
        info.scenarioName = QString::fromStdString(m_controller->scenario().name);
        info.workers = s.workers;
        info.runNs = s.runNs;
        info.lostEvents = notCopied;
        if (writeTraceFile(path, events, info, &error)) {
            statusBar()->showMessage(info.lostEvents ? tr("Exported %1 (the newest %2 attempts)")
                                                           .arg(QDir::toNativeSeparators(path))
                                                           .arg(events.size())
                                                     : tr("Exported %1").arg(QDir::toNativeSeparators(path)),
                                     4000);
            return true;
        }
    }
    showError(tr("Cannot export trace"), tr("%1:\n%2").arg(QDir::toNativeSeparators(path), error));
    return false;
}

bool MainWindow::exportCsvFile(const QString& path)
{
    m_lastDir = QFileInfo(path).absolutePath();
    QString error;
    // Not the charts' history, which long runs downsample.
    const std::vector<Sample> samples = m_controller->intervalSamples();
    if (!m_hooks.exportCsv || !m_hooks.exportCsv(path, samples, m_controller->runStartUnixS(), error)) {
        showError(tr("Cannot export CSV"), tr("%1:\n%2").arg(QDir::toNativeSeparators(path), error));
        return false;
    }
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

bool MainWindow::serveMetrics(quint16 port)
{
    if (!m_hooks.serveMetrics)
        return false;
    QString error;
    RunController* controller = m_controller;
    const bool ok = m_hooks.serveMetrics(
        port, [controller](Snapshot& out) { controller->copyLatestSnapshot(out); }, error);
    if (!ok) {
        showError(tr("Cannot serve metrics"), error);
        m_metricsPort = 0;
        return false;
    }
    m_metricsPort = port;
    statusBar()->showMessage(port ? tr("Serving metrics on http://127.0.0.1:%1/metrics").arg(port)
                                  : tr("Metrics endpoint stopped"));
    if (QAction* a = action(QStringLiteral("serveMetrics")))
        a->setChecked(port != 0);
    return true;
}

QString MainWindow::suggestedImageName() const
{
    const Scenario& sc = m_controller->scenario();
    // The preset's id when the scenario is one ("signup-burst"), else its name made
    // file-safe, else "run".
    QString what;
    for (const PresetEntry& p : m_controls->presets())
        if (!sc.name.empty() && p.scenario.name == sc.name)
            what = p.name;
    if (what.isEmpty()) {
        for (const QChar c : QString::fromStdString(sc.name).toLower())
            what += c.isLetterOrNumber() ? c : QLatin1Char('-');
        what = what.split(QLatin1Char('-'), Qt::SkipEmptyParts).join(QLatin1Char('-'));
    }
    if (what.isEmpty())
        what = QStringLiteral("run");
    return QStringLiteral("poollab-%1-%2.png")
        .arg(what, QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
}

QString MainWindow::scenarioLine() const
{
    const Scenario& sc = m_controller->scenario();
    const QLocale locale;
    const auto count = [&locale](std::uint64_t v) { return locale.toString(static_cast<qulonglong>(v)); };
    // -> QString: with QStringBuilder, auto would keep references to temporaries.
    const auto rate = [&locale](double v) -> QString {
        return locale.toString(v, 'g', 6) + QStringLiteral("/s");
    };
    QStringList parts;
    parts << tr("%1 workers").arg(count(static_cast<std::uint64_t>(sc.workers)));
    parts << tr("queue %1 (%2)")
                 .arg(count(static_cast<std::uint64_t>(sc.queueCapacity)),
                      QString::fromUtf8(toString(sc.overflow).data()));
    QString arrivals;
    switch (sc.arrival) {
    case ArrivalKind::Burst:
        arrivals = tr("burst");
        break;
    case ArrivalKind::Constant:
        arrivals = tr("constant %1").arg(rate(sc.rate));
        break;
    case ArrivalKind::Poisson:
        arrivals = tr("Poisson %1").arg(rate(sc.rate));
        break;
    case ArrivalKind::Ramp:
        arrivals = tr("ramp %1 \u2192 %2").arg(rate(sc.rate), rate(sc.rateEnd));
        break;
    case ArrivalKind::Spike:
        arrivals = tr("spike %1 (%2 inside)").arg(rate(sc.rate), rate(sc.spikeRate));
        break;
    case ArrivalKind::Closed:
        arrivals = tr("closed, %1 clients").arg(count(static_cast<std::uint64_t>(sc.clients)));
        break;
    }
    parts << arrivals;
    if (sc.jobs > 0)
        parts << tr("%1 jobs").arg(count(sc.jobs));
    if (sc.duration > 0)
        parts << tr("for %1").arg(QString::fromStdString(formatDuration(sc.duration)));
    parts << tr("service %1 (%2)")
                 .arg(QString::fromStdString(sc.latency), QString::fromUtf8(toString(sc.jobKind).data()));
    if (sc.failureRate > 0)
        parts << tr("%1 % fail, %2 attempts").arg(sc.failureRate * 100, 0, 'g', 3).arg(sc.maxAttempts);
    if (sc.rateLimit > 0)
        parts << tr("rate limit %1").arg(rate(sc.rateLimit));
    parts << (m_controller->timeMode() == TimeMode::Virtual ? tr("virtual time") : tr("real threads"));
    return parts.join(QStringLiteral(" \u00b7 "));
}

namespace {

// The export's layout at a width: a title, the settings, the charts, the summary.
struct ExportLayout
{
    QFont titleFont;
    QFont textFont;
    QRect title;
    QRect settings;
    QPoint charts;
    QRect summary;
    QSize size;
};

constexpr int kExportMargin = 12;

} // namespace

static ExportLayout exportLayout(const QWidget* area, const QFont& base, const QString& title,
                                 const QString& settings, const QString& summary)
{
    ExportLayout l;
    l.textFont = base;
    l.titleFont = base;
    l.titleFont.setBold(true);
    l.titleFont.setPointSizeF(base.pointSizeF() * 1.4);
    const int width = area->width();
    const int inner = width - 2 * kExportMargin;
    const int flags = Qt::TextWordWrap;
    const QFontMetrics tm(l.titleFont);
    const QFontMetrics fm(l.textFont);
    int y = kExportMargin;
    l.title = tm.boundingRect(QRect(kExportMargin, y, inner, 10000), flags, title);
    y = l.title.bottom() + 4;
    l.settings = fm.boundingRect(QRect(kExportMargin, y, inner, 10000), flags, settings);
    y = l.settings.bottom() + kExportMargin;
    l.charts = QPoint(0, y);
    y += area->height() + kExportMargin;
    l.summary = fm.boundingRect(QRect(kExportMargin, y, inner, 10000), flags, summary);
    l.size = QSize(width, l.summary.bottom() + kExportMargin);
    // boundingRect() is as wide as the text: draw in the full width.
    l.title.setWidth(inner);
    l.settings.setWidth(inner);
    l.summary.setWidth(inner);
    return l;
}

static QString summaryText(const SummaryPanel* summary, const QString& outcome)
{
    QStringList parts;
    for (const auto& [label, value] : summary->rows())
        parts << label + QStringLiteral(" ") + value;
    if (!outcome.isEmpty())
        parts.prepend(outcome);
    return parts.join(QStringLiteral(" \u00b7 "));
}

MainWindow::ExportTexts MainWindow::exportTexts() const
{
    ExportTexts t;
    t.title = windowTitle();
    t.settings = scenarioLine() + QStringLiteral(" \u00b7 ") +
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    t.summary = summaryText(m_summary, m_controller->isFinished() ? outcomeText() : QString());
    return t;
}

static ExportLayout exportLayoutFor(const QWidget* area, const QFont& font, const MainWindow::ExportTexts& t)
{
    return exportLayout(area, font, t.title, t.settings, t.summary);
}

void MainWindow::paintExport(QPainter& painter, const ExportTexts& t) const
{
    QWidget* area = m_charts->chartsArea();
    const ExportLayout l = exportLayoutFor(area, font(), t);
    painter.fillRect(QRect(QPoint(0, 0), l.size), palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::WindowText));
    painter.setFont(l.titleFont);
    painter.drawText(l.title, Qt::TextWordWrap, t.title);
    painter.setFont(l.textFont);
    painter.drawText(l.settings, Qt::TextWordWrap, t.settings);
    area->render(&painter, l.charts);
    painter.setPen(palette().color(QPalette::WindowText));
    painter.setFont(l.textFont);
    painter.drawText(l.summary, Qt::TextWordWrap, t.summary);
}

bool MainWindow::exportChartImage(const QString& requested, const QString& format)
{
    // The extension says the format; a name without one gets the filter's.
    QString path = requested;
    QString kind = QFileInfo(path).suffix().toLower();
    if (kind != QLatin1String("png") && kind != QLatin1String("svg")) {
        kind = format.toLower() == QLatin1String("svg") ? QStringLiteral("svg") : QStringLiteral("png");
        path += QLatin1Char('.') + kind;
    }
    m_lastDir = QFileInfo(path).absolutePath();
    const ExportTexts texts = exportTexts();
    const QSize size = exportLayoutFor(m_charts->chartsArea(), font(), texts).size;
    bool ok = false;
    if (kind == QLatin1String("svg")) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(windowTitle());
        svg.setDescription(scenarioLine());
        QPainter painter;
        if (painter.begin(&svg)) {
            paintExport(painter, texts);
            ok = painter.end();
        }
    } else {
        // At the screen's device pixel ratio: sharp on high-DPI screens.
        const qreal dpr = m_charts->chartsArea()->devicePixelRatioF();
        QImage image(size * dpr, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(dpr);
        image.fill(palette().color(QPalette::Window));
        QPainter painter(&image);
        paintExport(painter, texts);
        painter.end();
        ok = image.save(path, "PNG");
    }
    if (!ok) {
        showError(tr("Cannot export chart"),
                  tr("%1 could not be written.").arg(QDir::toNativeSeparators(path)));
        return false;
    }
    m_lastExportPath = path;
    statusBar()->showMessage(tr("Exported %1").arg(QDir::toNativeSeparators(path)), 4000);
    return true;
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(QSize(1280, 800).boundedTo(screen()->availableSize()));
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_lastDir = settings.value(QStringLiteral("window/lastDir"), QDir::homePath()).toString();
    m_charts->setWindowSeconds(settings.value(QStringLiteral("charts/window"), 60).toInt());
    setRecording(settings.value(QStringLiteral("runs/record"), true).toBool());
    setTheme(settings.value(QStringLiteral("window/theme")).toString() == QLatin1String("dark")
                 ? Theme::Dark
                 : Theme::Light);
    m_lessons->restoreProgress();
    if (m_hooks.loadScenario && QFileInfo::exists(lastScenarioPath())) {
        Scenario s;
        QString error;
        if (m_hooks.loadScenario(lastScenarioPath(), s, error))
            setScenario(s);
    }
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    // Presentation mode's columns (in tabs, or at their least widths) are for this
    // session's screen: the widths from before it are the ones to come back to.
    settings.setValue(QStringLiteral("window/splitter"),
                      m_normalSplitterState.isEmpty() ? m_splitter->saveState() : m_normalSplitterState);
    settings.setValue(QStringLiteral("window/lastDir"), m_lastDir);
    settings.setValue(QStringLiteral("charts/window"), m_charts->windowSeconds());
    m_lessons->saveProgress();
    settings.setValue(QStringLiteral("window/theme"),
                      m_theme == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"));
    if (m_hooks.saveScenario) {
        QDir().mkpath(QFileInfo(lastScenarioPath()).absolutePath());
        QString error;
        m_hooks.saveScenario(lastScenarioPath(), m_controller->scenario(), error);
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    // A run still going ends as a stopped one and is recorded as such (the recorder
    // finishes its saves before the window goes); a cancelled real run ends within
    // its jobs' cancellation, so the wait is bounded.
    m_controller->cancelAndFinish(5 * kSecond);
    m_controller->reset(); // no worker outlives the window
    event->accept();
}

} // namespace poollab
