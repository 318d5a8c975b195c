// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/runs_panel.h"

#include "io/csv_export.h"
#include "io/run_compare.h"

#include <QAbstractTableModel>
#include <QAction>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTime>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>
#include <array>
#include <cmath>

namespace poollab {

// The list's rows: one per stored run, newest first; the name column carries the
// overlay tick and is edited in place to rename.
class RunsModel : public QAbstractTableModel
{
public:
    enum ColumnId { Name, Date, Workers, Queue, Jobs, Throughput, TotalP99, ColumnCount };
    static constexpr int kSortRole = Qt::UserRole;

    explicit RunsModel(RunsPanel* panel) : QAbstractTableModel(panel), m_panel(panel) {}

    void setRuns(std::vector<StoredRunInfo> runs)
    {
        beginResetModel();
        m_runs = std::move(runs);
        endResetModel();
    }
    const std::vector<StoredRunInfo>& runs() const { return m_runs; }
    void changed() { emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1)); }

    int rowCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : static_cast<int>(m_runs.size());
    }
    int columnCount(const QModelIndex& parent = {}) const override
    {
        return parent.isValid() ? 0 : ColumnCount;
    }

    QVariant headerData(int section, Qt::Orientation orientation, int role) const override
    {
        if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
            return {};
        const std::array<QString, ColumnCount> names{
            RunsPanel::tr("Name"), RunsPanel::tr("Date"),   RunsPanel::tr("Workers"),  RunsPanel::tr("Queue"),
            RunsPanel::tr("Jobs"), RunsPanel::tr("Jobs/s"), RunsPanel::tr("Total p99")};
        return section >= 0 && section < ColumnCount ? QVariant(names[static_cast<std::size_t>(section)])
                                                     : QVariant();
    }

    QVariant data(const QModelIndex& index, int role) const override
    {
        if (!index.isValid() || index.row() >= rowCount())
            return {};
        const StoredRunInfo& r = m_runs[static_cast<std::size_t>(index.row())];
        const QLocale locale;
        const bool baseline = r.id == m_panel->baseline();
        if (role == Qt::CheckStateRole && index.column() == Name) {
            const std::vector<std::int64_t> ticked = m_panel->overlaid();
            return std::find(ticked.begin(), ticked.end(), r.id) != ticked.end() ? Qt::Checked
                                                                                 : Qt::Unchecked;
        }
        if (role == Qt::FontRole && baseline) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        if (role == Qt::ToolTipRole && index.column() == Name)
            return RunsPanel::tr(
                       "Run %1, \u201c%2\u201d%3. Tick to overlay it on the charts; double-click to "
                       "rename.")
                .arg(r.id)
                .arg(r.name, baseline ? RunsPanel::tr(", the baseline") : QString());
        if (role == Qt::TextAlignmentRole)
            return index.column() <= Date ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                          : QVariant(Qt::AlignRight | Qt::AlignVCenter);
        const bool display = role == Qt::DisplayRole;
        const bool sort = role == kSortRole;
        if (role == Qt::EditRole && index.column() == Name)
            return r.name;
        if (!display && !sort)
            return {};
        switch (index.column()) {
        case Name:
            if (sort)
                return r.name.toLower();
            return baseline ? RunsPanel::tr("%1 (baseline)").arg(r.name) : r.name;
        case Date:
            if (sort)
                return r.startUnixS;
            return QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(r.startUnixS * 1000))
                .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case Workers:
            return sort ? QVariant(r.workers) : QVariant(locale.toString(r.workers));
        case Queue:
            return sort ? QVariant(r.queueCapacity) : QVariant(locale.toString(r.queueCapacity));
        case Jobs:
            return sort ? QVariant(static_cast<qulonglong>(r.jobs))
                        : QVariant(locale.toString(static_cast<qulonglong>(r.jobs)));
        case Throughput:
            return sort ? QVariant(r.throughputPerS) : QVariant(locale.toString(r.throughputPerS, 'f', 1));
        case TotalP99:
            return sort ? QVariant(r.totalP99Ms) : QVariant(locale.toString(r.totalP99Ms, 'f', 1) + u" ms");
        default:
            return {};
        }
    }

    Qt::ItemFlags flags(const QModelIndex& index) const override
    {
        Qt::ItemFlags f = QAbstractTableModel::flags(index);
        if (index.column() == Name)
            f |= Qt::ItemIsUserCheckable;
        if (index.column() == Name && !m_panel->isReadOnly()) // a read-only database is not renamed
            f |= Qt::ItemIsEditable;
        return f;
    }

    bool setData(const QModelIndex& index, const QVariant& value, int role) override
    {
        if (!index.isValid() || index.column() != Name)
            return false;
        const std::int64_t id = m_runs[static_cast<std::size_t>(index.row())].id;
        if (role == Qt::CheckStateRole)
            return m_panel->setOverlaid(id, value.toInt() == Qt::Checked);
        if (role == Qt::EditRole)
            return m_panel->renameRun(id, value.toString());
        return false;
    }

private:
    RunsPanel* m_panel;
    std::vector<StoredRunInfo> m_runs;
};

namespace {

QString number(double v)
{
    const QLocale locale;
    if (!std::isfinite(v))
        return QStringLiteral("\u2014");
    const double a = std::abs(v);
    return locale.toString(v, 'f', a == std::floor(a) ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3);
}

} // namespace

RunsPanel::RunsPanel(QWidget* parent) : QWidget(parent)
{
    m_model = new RunsModel(this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RunsModel::kSortRole);
    m_proxy->setFilterKeyColumn(-1); // any column: a name, a date, a worker count
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_reason = new QLabel;
    m_reason->setObjectName(QStringLiteral("runsReason"));
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_saveWarning = new QLabel;
    m_saveWarning->setObjectName(QStringLiteral("runsSaveWarning"));
    m_saveWarning->setWordWrap(true);
    m_saveWarning->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_saveWarning->setStyleSheet(QStringLiteral("QLabel { color: #dc2626; font-weight: bold; }"));
    m_saveWarning->hide();

    m_content = new QWidget;
    m_filter = new QLineEdit;
    m_filter->setObjectName(QStringLiteral("runsFilter"));
    m_filter->setPlaceholderText(tr("Filter: name, date, workers…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_table = new QTableView;
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsModel::Date, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false); // one line a run; a long name is elided, its tooltip has it whole
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RunsModel::Name, QHeaderView::Stretch);
    m_table->horizontalHeader()->setMinimumSectionSize(40);

    m_comparison = new QStandardItemModel(this);
    m_compareView = new QTableView;
    m_compareView->setObjectName(QStringLiteral("runsComparison"));
    m_compareView->setModel(m_comparison);
    m_compareView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_compareView->verticalHeader()->hide();
    for (QTableView* view : {m_table, m_compareView}) {
        view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    }
    m_compareView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_compareTitle = new QLabel;
    m_compareTitle->setWordWrap(true);
    auto* compareBox = new QWidget;
    auto* compareLayout = new QVBoxLayout(compareBox);
    compareLayout->setContentsMargins(0, 0, 0, 0);
    compareLayout->addWidget(m_compareTitle);
    compareLayout->addWidget(m_compareView, 1);

    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(m_table);
    split->addWidget(compareBox);
    split->setChildrenCollapsible(false);

    auto* bar = new QToolBar;
    bar->setObjectName(QStringLiteral("runsToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    createActions();
    for (const char* name : {"reopen", "baseline", "rename", "export", "delete"})
        bar->addAction(m_actions.value(QLatin1String(name)));

    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    contentLayout->addWidget(m_filter);
    contentLayout->addWidget(bar);
    contentLayout->addWidget(split, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_reason);
    layout->addWidget(m_saveWarning);
    layout->addWidget(m_content, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RunsPanel::updateActions);
    setUnavailable(tr("No runs database is open."));
}

RunsPanel::~RunsPanel() = default;

void RunsPanel::createActions()
{
    const auto add = [this](const QString& name, const QString& text, const QString& tip,
                            const std::function<void()>& slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(name);
        a->setToolTip(tip);
        a->setStatusTip(tip);
        connect(a, &QAction::triggered, this, slot);
        m_actions.insert(name, a);
    };
    add(QStringLiteral("reopen"), tr("Open scenario"), tr("Put the selected run's scenario in the controls"),
        [this] { reopenScenario(selectedId()); });
    add(QStringLiteral("baseline"), tr("Pin baseline"),
        tr("Compare every other run with the selected one (again to unpin)"), [this] {
            const std::int64_t id = selectedId();
            setBaseline(id == m_baseline ? 0 : id);
        });
    add(QStringLiteral("rename"), tr("Rename"), tr("Rename the selected run"), [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            m_table->edit(current.siblingAtColumn(RunsModel::Name));
    });
    add(QStringLiteral("export"), tr("Export CSV…"),
        tr("Write the selected run's time series as --csv wrote it"), [this] {
            const std::int64_t id = selectedId();
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export run CSV"), QDir::home().filePath(QStringLiteral("run-%1.csv").arg(id)),
                tr("CSV (*.csv)"));
            if (!path.isEmpty() && !exportRunCsv(id, path))
                QMessageBox::warning(this, tr("Cannot export the run"), m_lastError);
        });
    add(QStringLiteral("delete"), tr("Delete…"), tr("Delete the selected run from the runs database"),
        [this] {
            const std::int64_t id = selectedId();
            const StoredRunInfo* r = info(id);
            if (!r)
                return;
            if (QMessageBox::question(
                    this, tr("Delete run"),
                    tr("Delete run %1, \u201c%2\u201d? This cannot be undone.").arg(id).arg(r->name)) ==
                    QMessageBox::Yes &&
                !removeRun(id))
                QMessageBox::warning(this, tr("Cannot delete the run"), m_lastError);
        });
}

QAction* RunsPanel::action(const QString& name) const
{
    return m_actions.value(name);
}

void RunsPanel::updateActions()
{
    const std::int64_t id = selectedId();
    const bool one = m_store.isOpen() && id != 0;
    for (QAction* a : std::as_const(m_actions))
        a->setEnabled(one);
    if (m_store.isReadOnly()) { // read, not written: neither renamed nor deleted from
        m_actions.value(QStringLiteral("rename"))->setEnabled(false);
        m_actions.value(QStringLiteral("delete"))->setEnabled(false);
    }
    m_actions.value(QStringLiteral("baseline"))
        ->setText(one && id == m_baseline ? tr("Unpin baseline") : tr("Pin baseline"));
}

std::int64_t RunsPanel::selectedId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return 0;
    const int row = m_proxy->mapToSource(rows.first()).row();
    return row >= 0 && row < m_model->rowCount() ? m_model->runs()[static_cast<std::size_t>(row)].id : 0;
}

bool RunsPanel::openStore(const QString& path)
{
    // Another file: the runs shown from the last one are not in it (its ids may be).
    forgetShownRuns();
    setSaveResult(0, {});
    QString error;
    if (!m_store.open(path, &error)) {
        // A read-only file or folder is still listed, overlaid, compared and exported
        // from; it only keeps no runs.
        QString readError;
        if (!m_store.refusedAsReadOnly() || !m_store.openReadOnly(path, &readError)) {
            setUnavailable(readError.isEmpty() ? error : readError); // why it cannot be read either
            return false;
        }
        m_reason->setText(
            tr("The runs database is read-only: runs are not recorded, and cannot be renamed or "
               "deleted (%1)")
                .arg(error));
        m_reason->show();
    } else {
        m_reason->hide();
    }
    m_content->setEnabled(true);
    refresh();
    return true;
}

void RunsPanel::setUnavailable(const QString& reason)
{
    forgetShownRuns();
    m_reason->setText(tr("Runs are not kept: %1").arg(reason));
    m_reason->show();
    m_content->setEnabled(false);
    m_model->setRuns({});
    updateActions();
}

QString RunsPanel::reason() const
{
    return m_reason->isVisible() || !m_content->isEnabled() ? m_reason->text() : QString();
}

void RunsPanel::refresh()
{
    if (!m_store.isOpen())
        return;
    QString error;
    std::vector<StoredRunInfo> runs = m_store.list(&error);
    if (!error.isEmpty()) {
        // A list that failed (the file busy past the timeout, a disk error) is not "every
        // run deleted": keep the rows, the overlays and the baseline shown until the next.
        emit notice(error);
        return;
    }
    const std::int64_t selected = selectedId();
    m_model->setRuns(std::move(runs));
    // Runs deleted elsewhere (poollab runs delete) leave the overlay and the baseline.
    const auto gone = [this](std::int64_t id) { return info(id) == nullptr; };
    const std::size_t before = m_overlaid.size();
    std::erase_if(m_overlaid, gone);
    const bool baselineGone = m_baseline != 0 && gone(m_baseline);
    if (baselineGone)
        m_baseline = 0;
    std::erase_if(m_loaded, [&](const auto& entry) { return gone(entry.first); });
    updateSlots();
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const int source = m_proxy->mapToSource(m_proxy->index(row, 0)).row();
        if (m_model->runs()[static_cast<std::size_t>(source)].id == selected)
            m_table->selectRow(row);
    }
    updateActions();
    if (before != m_overlaid.size() || baselineGone) {
        updateComparison();
        emit overlaysChanged();
    }
}

const std::vector<StoredRunInfo>& RunsPanel::runs() const
{
    return m_model->runs();
}

const StoredRunInfo* RunsPanel::info(std::int64_t id) const
{
    for (const StoredRunInfo& r : m_model->runs())
        if (r.id == id)
            return &r;
    return nullptr;
}

bool RunsPanel::fail(const QString& message)
{
    m_lastError = message;
    emit notice(message);
    return false;
}

const StoredRun* RunsPanel::loaded(std::int64_t id)
{
    if (const auto it = m_loaded.find(id); it != m_loaded.end())
        return &it->second;
    QString error;
    std::optional<StoredRun> run = m_store.load(id, &error);
    if (!run) {
        fail(error);
        return nullptr;
    }
    return &m_loaded.emplace(id, std::move(*run)).first->second;
}

bool RunsPanel::renameRun(std::int64_t id, const QString& name)
{
    if (m_store.isReadOnly())
        return fail(tr("Run %1: the runs database is read-only").arg(id));
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return fail(tr("Run %1: a name is needed").arg(id));
    QString error;
    if (!m_store.rename(id, trimmed, &error))
        return fail(error);
    if (const auto it = m_loaded.find(id); it != m_loaded.end())
        it->second.name = trimmed;
    refresh();
    updateComparison();
    return true;
}

bool RunsPanel::removeRun(std::int64_t id)
{
    if (m_store.isReadOnly())
        return fail(tr("Run %1: the runs database is read-only").arg(id));
    QString error;
    if (!m_store.remove(id, &error))
        return fail(error);
    refresh();
    emit notice(tr("Deleted run %1").arg(id));
    return true;
}

bool RunsPanel::exportRunCsv(std::int64_t id, const QString& path)
{
    const StoredRun* run = loaded(id);
    if (!run)
        return false;
    QString error;
    // The stored samples through the same writer as --csv: the same bytes.
    if (!exportTimeSeriesCsv(path, run->samples, run->startUnixS, &error))
        return fail(tr("%1: %2").arg(QDir::toNativeSeparators(path), error));
    emit notice(tr("Exported run %1 to %2").arg(id).arg(QDir::toNativeSeparators(path)));
    return true;
}

bool RunsPanel::reopenScenario(std::int64_t id)
{
    const StoredRun* run = loaded(id);
    if (!run)
        return false;
    emit scenarioChosen(run->scenario);
    return true;
}

bool RunsPanel::setOverlaid(std::int64_t id, bool on)
{
    const auto it = std::find(m_overlaid.begin(), m_overlaid.end(), id);
    if (on == (it != m_overlaid.end()))
        return true;
    if (!on) {
        m_overlaid.erase(it);
    } else {
        if (m_overlaid.size() >= ChartOverlay::kMaxRuns)
            return fail(tr("At most %1 runs can be overlaid: untick one first.").arg(ChartOverlay::kMaxRuns));
        if (!loaded(id))
            return false;
        m_overlaid.push_back(id);
    }
    updateSlots();
    m_model->changed();
    updateComparison();
    emit overlaysChanged();
    return true;
}

std::vector<std::int64_t> RunsPanel::overlaid() const
{
    return m_overlaid;
}

void RunsPanel::setBaseline(std::int64_t id)
{
    if (id != 0 && !loaded(id))
        return;
    m_baseline = id;
    updateSlots();
    m_model->changed();
    updateActions();
    updateComparison();
    emit overlaysChanged(); // the percentile chart draws the baseline too
}

QString RunsPanel::overlayLabel(const StoredRunInfo& info)
{
    return tr("run %1 \u00b7 %2 workers").arg(info.id).arg(QLocale().toString(info.workers));
}

std::vector<OverlayRun> RunsPanel::overlays() const
{
    std::vector<OverlayRun> out;
    for (const std::int64_t id : m_overlaid) {
        const auto run = m_loaded.find(id);
        const StoredRunInfo* i = info(id);
        if (run == m_loaded.end() || !i)
            continue;
        out.push_back({overlayLabel(*i), tr("run %1").arg(id), run->second.samples, colorSlot(id)});
    }
    return out;
}

std::vector<HistogramRun> RunsPanel::histogramRuns() const
{
    std::vector<HistogramRun> out;
    std::vector<std::int64_t> ids = m_overlaid;
    if (m_baseline != 0 && std::find(ids.begin(), ids.end(), m_baseline) == ids.end())
        ids.push_back(m_baseline);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto run = m_loaded.find(ids[i]);
        const StoredRunInfo* runInfo = info(ids[i]);
        if (run == m_loaded.end() || !runInfo)
            continue;
        QString label = overlayLabel(*runInfo);
        if (ids[i] == m_baseline)
            label += tr(" (baseline)");
        out.push_back({label, colorSlot(ids[i]), run->second.total, run->second.wait, run->second.service});
    }
    return out;
}

int RunsPanel::colorSlot(std::int64_t id) const
{
    const auto it = m_slots.find(id);
    return it == m_slots.end() ? -1 : it->second;
}

void RunsPanel::updateSlots()
{
    std::vector<std::int64_t> shown = m_overlaid;
    if (m_baseline != 0 && std::find(shown.begin(), shown.end(), m_baseline) == shown.end())
        shown.push_back(m_baseline);
    std::erase_if(m_slots, [&](const auto& entry) {
        return std::find(shown.begin(), shown.end(), entry.first) == shown.end();
    });
    // A run newly shown takes the lowest slot free; the others keep theirs.
    for (const std::int64_t id : shown) {
        if (m_slots.contains(id))
            continue;
        int slot = 0;
        while (
            std::any_of(m_slots.begin(), m_slots.end(), [slot](const auto& e) { return e.second == slot; }))
            ++slot;
        m_slots[id] = slot;
    }
}

void RunsPanel::forgetShownRuns()
{
    const bool shown = !m_overlaid.empty() || m_baseline != 0;
    m_overlaid.clear();
    m_baseline = 0;
    m_loaded.clear();
    m_slots.clear();
    updateComparison();
    if (shown)
        emit overlaysChanged();
}

void RunsPanel::setSaveResult(std::int64_t id, const QString& error)
{
    if (id != 0 || error.isEmpty()) {
        const bool shown = !m_saveWarning->text().isEmpty();
        m_saveWarning->clear();
        m_saveWarning->hide();
        if (shown)
            emit saveWarningChanged({});
        return;
    }
    const QString path = QDir::toNativeSeparators(m_store.path());
    const QString why =
        path.isEmpty() || error.contains(m_store.path()) ? error : tr("%1: %2").arg(path, error);
    m_saveWarning->setText(tr("\u26a0 The run that ended at %1 was not saved: %2")
                               .arg(QLocale().toString(QTime::currentTime(), QLocale::ShortFormat), why));
    m_saveWarning->setToolTip(tr("Shown until a run is saved again."));
    m_saveWarning->show();
    emit saveWarningChanged(m_saveWarning->text());
}

QString RunsPanel::saveWarning() const
{
    return m_saveWarning->text();
}

void RunsPanel::updateComparison()
{
    m_comparison->clear();
    // The baseline first, then the ticked runs; without a pinned baseline the first
    // ticked run is it.
    std::vector<StoredRun> runs;
    std::vector<std::int64_t> ids;
    if (m_baseline != 0)
        ids.push_back(m_baseline);
    for (const std::int64_t id : m_overlaid)
        if (id != m_baseline)
            ids.push_back(id);
    for (const std::int64_t id : ids)
        if (const auto it = m_loaded.find(id); it != m_loaded.end())
            runs.push_back(it->second);
    if (runs.empty()) {
        m_compareTitle->setText(tr("Comparison: pin a baseline or tick runs to compare their summaries."));
        return;
    }
    QString error;
    const std::optional<RunComparison> c = compareRuns(std::span<const StoredRun>(runs), &error);
    if (!c) {
        m_compareTitle->setText(tr("Comparison: %1").arg(error));
        return;
    }
    m_compareTitle->setText(
        tr("Comparison with the baseline, run %1 \u201c%2\u201d").arg(c->ids[0]).arg(c->names[0]));
    QStringList headers{tr("Measure"), tr("run %1").arg(c->ids[0])};
    for (std::size_t r = 1; r < c->ids.size(); ++r)
        headers << tr("run %1").arg(c->ids[r]) << tr("\u0394") << tr("\u0394 %");
    m_comparison->setHorizontalHeaderLabels(headers);
    for (const ComparedMeasure& m : c->rows) {
        QList<QStandardItem*> row;
        row << new QStandardItem(m.unit.isEmpty() ? m.label : tr("%1 (%2)").arg(m.label, m.unit));
        const auto cell = [](const QString& text) {
            auto* item = new QStandardItem(text);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        row << cell(number(m.values[0]));
        for (std::size_t r = 1; r < m.values.size(); ++r) {
            const double d = m.difference[r];
            row << cell(number(m.values[r]));
            row << cell((d > 0 ? QStringLiteral("+") : QString()) + number(d));
            row << cell(m.percent[r] ? (*m.percent[r] > 0 ? QStringLiteral("+") : QString()) +
                                           QLocale().toString(*m.percent[r], 'f', 1) + QStringLiteral(" %")
                                     : QStringLiteral("\u2014"));
        }
        m_comparison->appendRow(row);
    }
}

} // namespace poollab
