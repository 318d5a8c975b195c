// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/run_store.h"
#include "ui/chart_overlay.h"
#include "ui/percentile_chart.h"

#include <QWidget>

#include <map>
#include <optional>
#include <set>

class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;

namespace poollab {

class RunsModel;

// The runs kept in the runs database: a filtered list (name, date, workers, queue,
// jobs, throughput, total p99), renaming (in place), deleting, exporting a run's CSV
// and re-opening its scenario; one run pinned as the baseline, up to four ticked to be
// overlaid on the charts, and a table comparing their summaries with the baseline's.
// Reads and edits through its own connection on the GUI thread (the list is small);
// recording, which writes whole runs, is RunRecorder's, on a thread of its own.
class RunsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit RunsPanel(QWidget* parent = nullptr);
    ~RunsPanel() override;

    // Opens the database and lists it; when it cannot (not a PoolLab database, corrupt,
    // newer schema, unreadable), the panel is disabled and says why. A read-only one is
    // opened read-only (isReadOnly()): listed, with a line saying runs are not kept.
    bool openStore(const QString& path);
    // Disabled, saying why (no database given, or it could not be opened).
    void setUnavailable(const QString& reason);
    bool isStoreOpen() const { return m_store.isOpen(); }
    // Opened read-only (the file or its folder is): listed, never written.
    bool isReadOnly() const { return m_store.isOpen() && m_store.isReadOnly(); }
    QString storePath() const { return m_store.path(); }
    QString reason() const;
    // Lists the database again (after a run was recorded by another connection).
    void refresh();

    const std::vector<StoredRunInfo>& runs() const;
    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* visibleRuns() const { return m_proxy; }
    QLineEdit* filterBox() const { return m_filter; }
    QStandardItemModel* comparison() const { return m_comparison; }
    QAction* action(const QString& name) const;

    // Each false with lastError() naming the run and what went wrong.
    bool renameRun(std::int64_t id, const QString& name);
    bool removeRun(std::int64_t id); // without asking: the Delete action asks first
    bool exportRunCsv(std::int64_t id, const QString& path);
    bool reopenScenario(std::int64_t id); // emits scenarioChosen
    // Up to ChartOverlay::kMaxRuns runs; a fifth is refused (false).
    bool setOverlaid(std::int64_t id, bool on);
    std::vector<std::int64_t> overlaid() const; // in the order ticked
    // 0 unpins.
    void setBaseline(std::int64_t id);
    std::int64_t baseline() const { return m_baseline; }
    QString lastError() const { return m_lastError; }

    // The ticked runs as the charts draw them, in the order ticked.
    std::vector<OverlayRun> overlays() const;
    // Their final histograms for the percentile chart, in the same order and colours,
    // then the pinned baseline when it is not ticked.
    std::vector<HistogramRun> histogramRuns() const;
    // "run 12 · 40 workers": how the legends name a stored run.
    static QString overlayLabel(const StoredRunInfo& info);
    // The overlayColor() slot of an overlaid run or the baseline (-1: neither). A run
    // keeps its slot while it is shown; a freed slot goes to the next run shown.
    int colorSlot(std::int64_t id) const;

    // How the window's last save of a finished run went: a failure stays in a warning
    // line above the list, naming the file and the error, until a save succeeds.
    void setSaveResult(std::int64_t id, const QString& error);
    QString saveWarning() const;

signals:
    void overlaysChanged();
    void scenarioChosen(const Scenario& scenario);
    void notice(const QString& message);
    // The save warning shown, or empty when it went (setSaveResult()).
    void saveWarningChanged(const QString& warning);

private:
    void createActions();
    void updateActions();
    void updateComparison();
    void updateSlots();
    // Forgets the overlays, the baseline and the comparison (another database).
    void forgetShownRuns();
    std::int64_t selectedId() const;
    const StoredRun* loaded(std::int64_t id); // loads and keeps it; null with lastError()
    const StoredRunInfo* info(std::int64_t id) const;
    bool fail(const QString& message);

    RunStore m_store;
    RunsModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_table;
    QLabel* m_reason;
    QLabel* m_saveWarning;
    QLineEdit* m_filter;
    QWidget* m_content;
    QLabel* m_compareTitle;
    QTableView* m_compareView;
    QStandardItemModel* m_comparison;
    QHash<QString, QAction*> m_actions;
    std::vector<std::int64_t> m_overlaid;
    std::int64_t m_baseline = 0;
    std::map<std::int64_t, StoredRun> m_loaded; // the overlaid runs and the baseline
    std::map<std::int64_t, int> m_slots;        // their colour slots
    QString m_lastError;
};

} // namespace poollab
