// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/csv_export.h"
#include "io/lesson_file.h"
#include "io/run_store.h"
#include "io/summary_json.h"
#include "ui/chart_panel.h"
#include "ui/engine_factory.h"
#include "ui/lessons_panel.h"
#include "ui/main_window.h"
#include "ui/runs_panel.h"
#include "ui/summary_panel.h"
#include "ui/theme.h"
#include "ui/worker_view.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsTextItem>
#include <QHelpEvent>
#include <QImage>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QScrollArea>
#include <QSettings>
#include <QSignalSpy>
#include <QSizeGrip>
#include <QSpinBox>
#include <QSplitter>
#include <QSplitterHandle>
#include <QStatusBar>
#include <QStyleOptionComboBox>
#include <QTabBar>
#include <QTableView>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolBar>
#include <QToolTip>

#include <cmath>
#include <QXYSeries>
#include <thread>

using namespace poollab;

namespace {

Scenario steadyLoad()
{
    Scenario s;
    s.name = "test";
    s.workers = 4;
    s.queueCapacity = 1000;
    s.arrival = ArrivalKind::Constant;
    s.rate = 400;
    s.latency = "2ms";
    s.jobs = 0; // until stopped
    s.duration = 0;
    return s;
}

// What the fake engines below share: a run that starts and stops, settings applied.
class FakeEngine : public Engine
{
public:
    explicit FakeEngine(const Scenario& s) : m_scenario(s) {}
    void start() override { m_state = PoolState::Running; }
    void pause() override {}
    void resume() override {}
    void drain() override { m_state = PoolState::Stopped; }
    void cancel() override { m_state = PoolState::Stopped; }
    void apply(const Scenario& s) override { m_scenario = s; }
    bool finished() const override { return m_state == PoolState::Stopped; }
    bool waitFinished(Nanos) override { return true; }
    const Scenario& scenario() const override { return m_scenario; }

protected:
    Scenario m_scenario;
    PoolState m_state = PoolState::Idle;
};

// An engine whose clock is the test's: each snapshot is 100 ms later, with steady
// counts (100 jobs succeed in each 100 ms), so an hour-long run takes no real time.
// The first snapshot, the one start() takes, is time 0 with nothing done yet.
class SimulatedEngine final : public FakeEngine
{
public:
    using FakeEngine::FakeEngine;
    void snapshot(Snapshot& out) const override
    {
        ++m_ticks;
        out.state = m_state;
        out.runNs = (m_ticks - 1) * 100 * kMilli;
        out.elapsedNs = out.runNs;
        out.counters.submitted = static_cast<std::uint64_t>(m_ticks - 1) * 100;
        out.counters.succeeded = out.counters.submitted;
        out.queued = m_ticks % 50;
        out.queueCapacity = m_scenario.queueCapacity;
        out.workers = m_scenario.workers;
        out.busyWorkers = m_scenario.workers / 2;
        out.total.record(5 * kMilli, 100);
        fillWorkerCells(
            out.workerCells,
            std::vector<WorkerState>(static_cast<std::size_t>(m_scenario.workers), WorkerState::Busy));
    }
    TimeMode timeMode() const override { return TimeMode::Virtual; }

private:
    mutable Nanos m_ticks = 0;
};

// A real-time engine whose clock the test sets: one job succeeds per millisecond of it.
class ManualClockEngine final : public FakeEngine
{
public:
    ManualClockEngine(const Scenario& s, const Nanos* clock) : FakeEngine(s), m_clock(clock) {}
    void snapshot(Snapshot& out) const override
    {
        out.state = m_state;
        out.runNs = *m_clock;
        out.elapsedNs = *m_clock;
        out.counters.submitted = static_cast<std::uint64_t>(*m_clock / kMilli);
        out.counters.succeeded = out.counters.submitted;
        out.workers = m_scenario.workers;
    }
    TimeMode timeMode() const override { return TimeMode::Real; }

private:
    const Nanos* m_clock;
};

// Two presets as the app's: one names its time mode (virtual), one does not.
QList<PresetEntry> testPresets()
{
    Scenario burst;
    burst.name = "Signup burst";
    burst.description = "A newsletter goes out and 10,000 people sign up at once; each signup takes 500 ms "
                        "(sending a welcome mail, say) and 20 workers handle them. All 10,000 jobs arrive in "
                        "the first instant, so the queue starts full and drains in a straight line. Watch "
                        "the queue depth fall steadily and the wait percentiles climb.";
    burst.workers = 20;
    burst.queueCapacity = 10000;
    burst.arrival = ArrivalKind::Burst;
    burst.jobs = 10000;
    burst.latency = "500ms";
    Scenario mmc;
    mmc.name = "M/M/c queue";
    mmc.description = "The textbook queue: Poisson arrivals, exponential service, c = 10 workers.";
    mmc.workers = 10;
    mmc.arrival = ArrivalKind::Poisson;
    mmc.rate = 80;
    mmc.latency = "exp(100ms)";
    mmc.jobs = 8000;
    mmc.timeMode = TimeMode::Virtual;
    PresetEntry a{QStringLiteral("signup-burst"), QStringLiteral("Signup burst"),
                  QString::fromStdString(burst.description), burst};
    PresetEntry b{QStringLiteral("mmc-queue"), QStringLiteral("M/M/c queue"),
                  QString::fromStdString(mmc.description), mmc};
    b.setsTimeMode = true;
    return {a, b};
}

// Picks a preset from the box as a user does (activated, not only the index).
void pickPreset(MainWindow& w, int index)
{
    auto* box = w.controls()->findChild<QComboBox*>(QStringLiteral("preset"));
    QVERIFY(box);
    box->setCurrentIndex(index + 1);
    emit box->activated(index + 1);
}

// A real-time engine whose clock and finished-job count the test sets.
class CountingEngine final : public FakeEngine
{
public:
    CountingEngine(const Scenario& s, const Nanos* clock, const std::uint64_t* done)
        : FakeEngine(s), m_clock(clock), m_done(done)
    {}
    void snapshot(Snapshot& out) const override
    {
        out.state = m_state;
        out.runNs = *m_clock;
        out.counters.submitted = m_scenario.jobs; // a burst: everything is in
        out.counters.succeeded = *m_done;
        out.queued = static_cast<std::int64_t>(m_scenario.jobs - *m_done);
        out.workers = m_scenario.workers;
    }
    TimeMode timeMode() const override { return TimeMode::Real; }

private:
    const Nanos* m_clock;
    const std::uint64_t* m_done;
};

// Where a widget shows: its rectangle in the window, cut to every scroll area's
// viewport on the way (content scrolled out of sight is not clipped, it is reachable).
QRect visibleRectInWindow(const QWidget* widget, const QWidget* window, bool& inScrollArea)
{
    QRect r(widget->mapTo(window, QPoint(0, 0)), widget->size());
    inScrollArea = false;
    for (const QWidget* p = widget->parentWidget(); p && p != window; p = p->parentWidget()) {
        if (qobject_cast<const QScrollArea*>(p))
            inScrollArea = true;
    }
    return r;
}

// Every text the window shows in full at its size: labels as wide as their text (or
// wrapped to a height that holds it), buttons and combo boxes wide enough for theirs,
// and nothing beyond the window's right edge. Returns what does not fit.
QStringList clippedTexts(const QWidget& window)
{
    QStringList problems;
    const auto name = [](const QWidget* w, const QString& text) {
        return QStringLiteral("%1 '%2'").arg(QString::fromLatin1(w->metaObject()->className()), text);
    };
    const QRect windowRect = window.rect();
    for (const QWidget* w : window.findChildren<QWidget*>()) {
        if (!w->isVisibleTo(&window) || w->width() <= 0)
            continue;
        bool scrolled = false;
        const QRect r = visibleRectInWindow(w, &window, scrolled);
        if (const auto* label = qobject_cast<const QLabel*>(w); label && !label->text().isEmpty()) {
            if (label->wordWrap()) {
                if (label->height() + 1 < label->heightForWidth(label->width()))
                    problems << name(w, label->text()) + QStringLiteral(": %1 px high, needs %2")
                                                             .arg(label->height())
                                                             .arg(label->heightForWidth(label->width()));
            } else if (label->width() + 1 < label->sizeHint().width()) {
                problems << name(w, label->text()) + QStringLiteral(": %1 px wide, needs %2")
                                                         .arg(label->width())
                                                         .arg(label->sizeHint().width());
            }
        } else if (const auto* combo = qobject_cast<const QComboBox*>(w)) {
            QStyleOptionComboBox option;
            option.initFrom(combo);
            option.editable = combo->isEditable();
            const QRect field = combo->style()->subControlRect(QStyle::CC_ComboBox, &option,
                                                               QStyle::SC_ComboBoxEditField, combo);
            const int needed = combo->fontMetrics().horizontalAdvance(combo->currentText());
            if (field.width() + 1 < needed)
                problems << name(w, combo->currentText()) +
                                QStringLiteral(": text field %1 px, needs %2").arg(field.width()).arg(needed);
        } else if (const auto* button = qobject_cast<const QAbstractButton*>(w);
                   button && !button->text().isEmpty()) {
            if (button->width() + 1 < button->sizeHint().width())
                problems << name(w, button->text()) + QStringLiteral(": %1 px wide, needs %2")
                                                          .arg(button->width())
                                                          .arg(button->sizeHint().width());
        } else if (const auto* header = qobject_cast<const ChartHeader*>(w)) {
            // A chart's title and legend: every entry whole, every line of them shown.
            if (header->height() < header->heightForWidth(header->width()))
                problems << name(w, header->title()) + QStringLiteral(": %1 px high, needs %2")
                                                           .arg(header->height())
                                                           .arg(header->heightForWidth(header->width()));
            const std::vector<PlacedLegendEntry> placed = header->placed();
            for (std::size_t i = 0; i < placed.size(); ++i) {
                const QString& text = header->entries()[i].text;
                if (placed[i].text.width() < header->fontMetrics().horizontalAdvance(text))
                    problems << name(w, text) + QStringLiteral(": legend entry %1 px wide, needs %2")
                                                    .arg(placed[i].text.width())
                                                    .arg(header->fontMetrics().horizontalAdvance(text));
            }
        } else if (const auto* summary = qobject_cast<const SummaryPanel*>(w)) {
            // Its rows are painted: as high as they need, each label and value whole
            // inside the panel, a value beside its label clear of it.
            if (summary->height() < summary->heightForWidth(summary->width()))
                problems << name(w, QString()) + QStringLiteral(": %1 px high, needs %2")
                                                     .arg(summary->height())
                                                     .arg(summary->heightForWidth(summary->width()));
            const QFontMetrics fm = summary->fontMetrics();
            const auto rows = summary->rows();
            for (int i = 0; i < rows.size(); ++i) {
                const auto& [label, value] = rows[i];
                const QRect labelBox = summary->labelRect(i);
                const QRect valueBox = summary->valueRect(i);
                const QRect text = fm.boundingRect(valueBox, Qt::TextWordWrap | Qt::AlignRight, value);
                if (labelBox.width() < fm.horizontalAdvance(label) || labelBox.right() >= summary->width())
                    problems << name(w, label) + QStringLiteral(": label cut");
                if (!valueBox.contains(text) || valueBox.right() >= summary->width() ||
                    valueBox.bottom() >= summary->height())
                    problems << name(w, value) + QStringLiteral(": value cut");
                if (valueBox.top() == labelBox.top() && text.left() <= labelBox.right())
                    problems << name(w, value) + QStringLiteral(": over its label");
            }
        } else if (const auto* view = qobject_cast<const QChartView*>(w)) {
            if (w->height() < w->minimumHeight())
                problems << name(w, w->objectName()) +
                                QStringLiteral(": squeezed to %1 px high").arg(w->height());
            // What Qt Charts draws itself (axis titles and labels): whole, not elided.
            for (const QGraphicsItem* item : view->scene()->items()) {
                const auto* text = dynamic_cast<const QGraphicsTextItem*>(item);
                if (text && text->isVisible() &&
                    (text->toPlainText().contains(QChar(0x2026)) ||
                     text->toPlainText().contains(QStringLiteral("..."))))
                    problems << name(w, text->toPlainText()) + QStringLiteral(": elided in the chart");
            }
        } else if (const auto* bar = qobject_cast<const QProgressBar*>(w)) {
            if (bar->width() < bar->fontMetrics().horizontalAdvance(bar->text()) + 8)
                problems << name(w, bar->text()) + QStringLiteral(": %1 px wide").arg(bar->width());
        }
        // Outside the window: cut, unless a scroll area holds it (then it scrolls into view).
        if (!scrolled && !windowRect.contains(r) && w->parentWidget() && !w->isWindow())
            problems << name(w, w->objectName()) + QStringLiteral(": at %1,%2 %3x%4, outside the window")
                                                       .arg(r.x())
                                                       .arg(r.y())
                                                       .arg(r.width())
                                                       .arg(r.height());
    }
    return problems;
}

// Qt's own parts of a widget (a scroll area's bars and viewport, a tab bar's scroll
// buttons, a splitter's handles): they are placed by Qt, sometimes over each other.
bool isQtInternal(const QWidget* w)
{
    const QWidget* p = w->parentWidget();
    if (w->objectName().startsWith(QLatin1String("qt_")) || qobject_cast<const QSplitterHandle*>(w) ||
        qobject_cast<const QSizeGrip*>(w))
        return true;
    if (qobject_cast<const QTabBar*>(p) || qobject_cast<const QAbstractSpinBox*>(p) ||
        qobject_cast<const QComboBox*>(p) || qobject_cast<const QToolBar*>(p) ||
        qobject_cast<const QMenuBar*>(p) || qobject_cast<const QAbstractScrollArea*>(p))
        return true;
    // Inside a view's viewport (a chart's, a table's): the view draws and places it.
    const QWidget* area = p ? p->parentWidget() : nullptr;
    return p && p->objectName() == QLatin1String("qt_scrollarea_viewport") && area &&
           !qobject_cast<const QScrollArea*>(area);
}

// Every visible widget inside its parent and clear of its visible siblings: nothing
// drawn over another or cut by its parent's edge. A scroll area's content may be
// larger than the area (it scrolls); what is inside the content must fit the content.
QStringList overlapProblems(const QWidget& window)
{
    QStringList problems;
    const auto name = [](const QWidget* w) {
        QString text = w->objectName();
        if (const auto* label = qobject_cast<const QLabel*>(w))
            text = label->text().left(40);
        else if (const auto* button = qobject_cast<const QAbstractButton*>(w))
            text = button->text();
        return QStringLiteral("%1 '%2'").arg(QString::fromLatin1(w->metaObject()->className()), text);
    };
    for (const QWidget* w : window.findChildren<QWidget*>()) {
        const QWidget* p = w->parentWidget();
        if (!p || w->isWindow() || !w->isVisibleTo(&window) || w->size().isEmpty() || isQtInternal(w))
            continue;
        const bool scrolledContent = p->objectName() == QLatin1String("qt_scrollarea_viewport");
        if (!scrolledContent && !p->rect().contains(w->geometry()))
            problems << name(w) + QStringLiteral(": at %1,%2 %3x%4, outside its parent %5 (%6x%7)")
                                      .arg(w->x())
                                      .arg(w->y())
                                      .arg(w->width())
                                      .arg(w->height())
                                      .arg(name(p))
                                      .arg(p->width())
                                      .arg(p->height());
        bool after = false;
        for (const QObject* o : p->children()) {
            if (o == w) {
                after = true;
                continue;
            }
            const auto* sibling = qobject_cast<const QWidget*>(o);
            if (!after || !sibling || sibling->isWindow() || !sibling->isVisibleTo(&window) ||
                sibling->size().isEmpty() || isQtInternal(sibling))
                continue;
            if (w->geometry().intersects(sibling->geometry()))
                problems << name(w) + QStringLiteral(" overlaps ") + name(sibling);
        }
    }
    return problems;
}

// `count` stored runs of a 60 s burst with 10 to 10 x count workers, in a new database.
QString storedRuns(const QTemporaryDir& dir, int count)
{
    const QString path = dir.filePath(QStringLiteral("runs.sqlite"));
    RunStore store;
    QString error;
    if (!store.open(path, &error))
        return {};
    for (int r = 1; r <= count; ++r) {
        StoredRun run;
        run.name = QStringLiteral("signup burst with %1 workers, the longest name a run gets").arg(10 * r);
        run.scenario.workers = 10 * r;
        Snapshot last;
        for (int i = 1; i <= 60; ++i) {
            Sample s;
            s.runNs = i * kSecond;
            s.intervalNs = kSecond;
            s.completionsPerSec = 20.0 * r;
            s.queueDepth = std::max(0, 1200 - 20 * r * i);
            s.total.count = 1;
            s.total.p99 = (60 - i) * kSecond / r;
            run.samples.push_back(s);
        }
        last.runNs = 60 * kSecond;
        last.counters.submitted = last.counters.succeeded = 1200;
        run.summaryJson = summaryToJson(RunSummary::from(last, "virtual"));
        run.summaryCsv = summaryToCsv(last, last.runNs);
        if (store.save(run, &error) == 0)
            return {};
    }
    return path;
}

int seriesSize(MainWindow& w, const QString& name)
{
    for (QXYSeries* s : w.charts()->allSeries())
        if (s->name() == name)
            return static_cast<int>(s->count());
    return -1;
}

} // namespace

class TstMainWindow : public QObject
{
    Q_OBJECT

private:
    WindowHooks hooks(EngineFactory factory = makeEngineFor)
    {
        WindowHooks h;
        h.makeEngine = std::move(factory);
        h.exportCsv = [](const QString& path, std::span<const Sample> samples, double, QString& error) {
            QFile f(path);
            if (!f.open(QIODevice::WriteOnly)) {
                error = f.errorString();
                return false;
            }
            f.write("run_s,completed_per_s\n");
            for (const Sample& s : samples)
                f.write(QByteArray::number(toSeconds(s.runNs)) + ',' +
                        QByteArray::number(s.completionsPerSec) + '\n');
            return true;
        };
        h.loadScenario = [](const QString& path, Scenario&, QString& error) {
            error = QStringLiteral("line 3, column 14: 'workers' must be a whole number from 1 to 4096 (%1)")
                        .arg(path);
            return false;
        };
        return h;
    }

private slots:
    void metricsSettingServesTheRunsSnapshots()
    {
        // The endpoint itself is app/'s (tested there); the window must hand it a
        // snapshot source that works from another thread and stop it when it goes.
        quint16 servedPort = 0;
        std::function<void(Snapshot&)> source;
        WindowHooks h = hooks();
        h.serveMetrics = [&](quint16 port, std::function<void(Snapshot&)> snapshot, QString& error) {
            if (port == 1) {
                error = QStringLiteral("port 1 is taken");
                return false;
            }
            servedPort = port;
            source = std::move(snapshot);
            return true;
        };
        {
            MainWindow w(h);
            QVERIFY(w.action(QStringLiteral("serveMetrics"))->isEnabled());
            Scenario sc = steadyLoad();
            sc.jobs = 40;
            sc.duration = 0;
            w.setScenario(sc);
            w.controller()->start();
            QVERIFY(w.serveMetrics(9464));
            QCOMPARE(servedPort, quint16{9464});
            QVERIFY(w.action(QStringLiteral("serveMetrics"))->isChecked());
            QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
            Snapshot fromOtherThread;
            std::thread reader([&] { source(fromOtherThread); });
            reader.join();
            QCOMPARE(fromOtherThread.counters.submitted, 40u);
            QCOMPARE(fromOtherThread.counters.succeeded, w.controller()->snapshot().counters.succeeded);
            QVERIFY(!w.serveMetrics(1));
            QVERIFY(w.lastError().contains(QStringLiteral("port 1 is taken")));
            QCOMPARE(w.metricsPort(), quint16{0});
            QVERIFY(w.serveMetrics(9465));
        }
        QCOMPARE(servedPort, quint16{0}); // the window stopped it on its way out
    }

    // Issue #19 case 8: the window's backoff controls are not the field table; a base
    // above the cap is refused at start and on a live change, as flags and files do.
    void backoffBaseAboveCapIsRefused_data()
    {
        QTest::addColumn<int>("timeMode");
        QTest::newRow("real") << static_cast<int>(TimeMode::Real);
        QTest::newRow("virtual") << static_cast<int>(TimeMode::Virtual);
    }
    void backoffBaseAboveCapIsRefused()
    {
        QFETCH(int, timeMode);
        MainWindow w(hooks());
        Scenario sc = steadyLoad();
        sc.timeMode = static_cast<TimeMode>(timeMode);
        sc.backoffBase = 5 * kSecond;
        sc.backoffCap = kSecond;
        w.setScenario(sc);
        QVERIFY(!w.controller()->start());
        QVERIFY(!w.controller()->isActive());
        const QString why = QStringLiteral(
            "'backoff_base' (5s) is longer than 'backoff_cap' (1s): the base must be at most the cap");
        QCOMPARE(w.lastError(), why);

        sc.backoffBase = 100 * kMilli;
        w.setScenario(sc);
        QVERIFY(w.controller()->start());
        sc.backoffBase = 2 * kSecond;
        w.controller()->setScenario(sc, QStringLiteral("backoff"), QStringLiteral("100ms"),
                                    QStringLiteral("2s"));
        QCOMPARE(w.lastError(),
                 QStringLiteral("Not applied to the running pool: ") +
                     QStringLiteral("'backoff_base' (2s) is longer than 'backoff_cap' (1s): the "
                                    "base must be at most the cap"));
        QCOMPARE(w.controller()->timeMode(), static_cast<TimeMode>(timeMode)); // still running
        QVERIFY(w.controller()->isActive());
        w.controller()->cancel();
    }

    void summaryShowsTheoryBesideMeasurement()
    {
        MainWindow w(hooks());
        Scenario mmc;
        mmc.name = "mmc";
        mmc.workers = 10;
        mmc.queueCapacity = 100000;
        mmc.arrival = ArrivalKind::Poisson;
        mmc.rate = 80;
        mmc.latency = "exp(100ms)";
        mmc.jobs = 20000;
        mmc.timeMode = TimeMode::Virtual;
        w.setScenario(mmc);
        w.controller()->setPace(0);
        w.controller()->start();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
        w.summary()->update();
        // Erlang C for c = 10, a = 8: Wq = 20.5 ms; the measurement follows in brackets.
        const QString wait = w.summary()->value(QStringLiteral("theoryWait"));
        QVERIFY2(wait.startsWith(QStringLiteral("20.5 ms (")), qPrintable(wait));
        const double measured = wait.section(QLatin1Char('('), 1).section(QLatin1Char(')'), 0, 0).toDouble();
        QVERIFY2(std::abs(measured - 20.5) < 0.25 * 20.5, qPrintable(wait));
        QVERIFY(w.summary()->value(QStringLiteral("theoryShare")).startsWith(QStringLiteral("0.41 (")));

        Scenario burst = mmc;
        burst.arrival = ArrivalKind::Burst;
        burst.jobs = 100;
        w.controller()->reset();
        w.setScenario(burst);
        w.controller()->start();
        QTRY_VERIFY_WITH_TIMEOUT(w.controller()->isFinished(), 30000);
        w.summary()->update();
        QCOMPARE(w.summary()->value(QStringLiteral("theoryWait")), QStringLiteral("does not apply"));
        QCOMPARE(w.summary()->value(QStringLiteral("theoryShare")),
                 QStringLiteral("arrivals are not Poisson"));

        // The painted rows keep their tooltips: the row's over its label, the full reason
        // over the shortened value.
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const SummaryPanel* summary = w.summary();
        const auto rows = summary->rows();
        int row = 0;
        while (row < rows.size() && rows[row].first != QStringLiteral("Theory: P(wait)"))
            ++row;
        QVERIFY(row < rows.size());
        QVERIFY(summary->toolTipAt(summary->labelRect(row).center())
                    .startsWith(QStringLiteral("The predicted share")));
        const QString reason = summary->toolTipAt(summary->valueRect(row).center());
        QVERIFY2(reason.startsWith(QStringLiteral("formulas do not apply: arrivals are not Poisson")),
                 qPrintable(reason));
        QHelpEvent help(QEvent::ToolTip, summary->valueRect(row).center(),
                        summary->mapToGlobal(summary->valueRect(row).center()));
        QCoreApplication::sendEvent(const_cast<SummaryPanel*>(summary), &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), wrapToolTip(reason));
        QToolTip::hideText();
    }

    void startFeedsTheCharts()
    {
        MainWindow w(hooks());
        w.setScenario(steadyLoad());
        QCOMPARE(seriesSize(w, QStringLiteral("completed/s")), 0);
        w.action(QStringLiteral("start"))->trigger();
        QVERIFY(w.controller()->isActive());
        QTRY_VERIFY(seriesSize(w, QStringLiteral("completed/s")) >= 3);
        QTRY_VERIFY(seriesSize(w, QStringLiteral("p99")) >= 1);
        QCOMPARE(seriesSize(w, QStringLiteral("queue depth")), seriesSize(w, QStringLiteral("completed/s")));
        QVERIFY(!w.action(QStringLiteral("start"))->isEnabled());
        w.action(QStringLiteral("stop"))->trigger();
        QTRY_VERIFY(w.controller()->isFinished());
    }

    void raisingWorkersMidRunResizesThePool()
    {
        MainWindow w(hooks());
        w.setScenario(steadyLoad());
        w.controller()->start();
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 4);
        auto* workers = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        QVERIFY(workers);
        workers->setValue(12);
        QCOMPARE(w.controller()->scenario().workers, 12);
        QTRY_COMPARE(w.controller()->snapshot().workers, 12);
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 12);
        QCOMPARE(w.controller()->markers().size(), std::size_t{1});
        QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("workers 4 \u2192 12"));
        // A second step within a second extends the same marker.
        workers->setValue(16);
        QCOMPARE(w.controller()->markers().size(), std::size_t{1});
        QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("workers 4 \u2192 16"));
        QTRY_COMPARE(w.controller()->snapshot().liveWorkers, 16);
    }

    void pauseHoldsTheQueue()
    {
        MainWindow w(hooks());
        Scenario s = steadyLoad();
        s.workers = 2;
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        QTRY_VERIFY(c->snapshot().completed() > 10);
        w.action(QStringLiteral("pause"))->trigger();
        QVERIFY(c->isPaused());
        QCOMPARE(w.action(QStringLiteral("pause"))->text(), QStringLiteral("Resume"));
        // Pause freezes the run: jobs already running finish, then nothing arrives, starts or
        // completes, and the queue holds. (A snapshot taken after the pause first: an older
        // one may show 0 in flight by chance.)
        QTRY_VERIFY(c->snapshot().state == PoolState::Paused);
        QTRY_COMPARE(c->snapshot().inFlight, std::int64_t{0});
        const std::uint64_t done = c->snapshot().completed();
        const std::uint64_t submitted = c->snapshot().counters.submitted;
        const std::int64_t queued = c->snapshot().queued;
        QSignalSpy ticks(c, &RunController::ticked);
        QTRY_VERIFY(ticks.size() >= 5);
        QCOMPARE(c->snapshot().completed(), done);
        QCOMPARE(c->snapshot().counters.submitted, submitted);
        QCOMPARE(c->snapshot().queued, queued);
        w.action(QStringLiteral("pause"))->trigger();
        QVERIFY(!c->isPaused());
        QTRY_VERIFY(c->snapshot().completed() > done);
        c->cancel();
    }

    void drainAndStopEndTheRun_data()
    {
        QTest::addColumn<QString>("action");
        QTest::newRow("drain") << QStringLiteral("drain");
        QTest::newRow("stop") << QStringLiteral("stop");
    }
    void drainAndStopEndTheRun()
    {
        QFETCH(QString, action);
        MainWindow w(hooks());
        Scenario s = steadyLoad();
        s.arrival = ArrivalKind::Burst;
        s.jobs = 400;
        s.latency = "10ms";
        s.workers = 4; // 1 s of work in all
        s.queueCapacity = 400;
        w.setScenario(s);
        RunController* c = w.controller();
        QSignalSpy finished(c, &RunController::runFinished);
        c->start();
        QTRY_VERIFY(c->snapshot().completed() >= 8);
        w.action(action)->trigger();
        QTRY_COMPARE(finished.count(), 1);
        const Snapshot& snap = c->snapshot();
        const Counters& n = snap.counters;
        QVERIFY(snap.invariantHolds());
        QCOMPARE(snap.queued + snap.inFlight, std::int64_t{0});
        QCOMPARE(n.succeeded + n.rejected + n.cancelled, n.submitted);
        if (action == QLatin1String("drain")) {
            QCOMPARE(n.cancelled, std::uint64_t{0}); // everything accepted was finished
        } else {
            QVERIFY(n.cancelled > 0); // ~1 s of queued work was cut short
            QVERIFY(n.succeeded < 400);
        }
        const QLocale locale;
        QCOMPARE(w.summary()->value(QStringLiteral("succeeded")), locale.toString(qulonglong(n.succeeded)));
        QCOMPARE(w.summary()->value(QStringLiteral("cancelled")), locale.toString(qulonglong(n.cancelled)));
        QCOMPARE(w.summary()->value(QStringLiteral("state")), QStringLiteral("stopped"));
        // The outcome, not "100 %": how the run ended and what it left undone.
        QProgressBar* bar = w.findChild<QProgressBar*>();
        if (action == QLatin1String("drain")) {
            // A burst has submitted everything at once, so it is draining on its own and
            // Drain may already be disabled: either way all 400 were done.
            const QStringList outcomes{
                QStringLiteral("Done \u00b7 %1 jobs").arg(locale.toString(400)),
                QStringLiteral("Drained \u00b7 %1 of %1 submitted").arg(locale.toString(400))};
            QVERIFY2(outcomes.contains(bar->text()), qPrintable(bar->text()));
            QCOMPARE(bar->value(), 1000);
        } else {
            QCOMPARE(
                bar->text(),
                QStringLiteral("Stopped \u00b7 %1 cancelled").arg(locale.toString(qulonglong(n.cancelled))));
            // What was done, not 100 % (within the rounding of succeeded / 400 to 1/1000).
            QVERIFY(std::abs(bar->value() - static_cast<int>(n.succeeded * 1000 / 400)) <= 1);
        }
        QVERIFY(w.action(QStringLiteral("start"))->isEnabled());
        QVERIFY(!w.action(QStringLiteral("drain"))->isEnabled());
    }

    void historyStaysBoundedOverALongRun()
    {
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        Scenario s = steadyLoad();
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        c->setTickInterval(1000000); // the test drives the ticks
        // An hour and a half at 10 ticks/s, with a live change every minute; redrawing
        // on each tick would only cost time here, so the widgets are told at the end.
        c->blockSignals(true);
        for (int i = 0; i < 54000; ++i) {
            if (i % 600 == 0) {
                s.workers = 4 + (i / 600) % 8;
                c->setScenario(s, QStringLiteral("workers"), QString(), QString::number(s.workers));
            }
            c->tick();
        }
        c->blockSignals(false);
        QCOMPARE(c->markers().size(), RunController::kMaxMarkers);
        for (const int window : ChartPanel::kWindows) {
            w.charts()->setWindowSeconds(window);
            for (QXYSeries* series : w.charts()->allSeries()) {
                // The capacity is not drawn when it is far off the queue's scale.
                QVERIFY2(series->count() > 0 || series->name().endsWith(QLatin1String("(off scale)")),
                         qPrintable(series->name()));
                QVERIFY2(series->count() <= ChartPanel::kMaxPoints, qPrintable(series->name()));
            }
        }
        // The rolling minute of 1 s sample intervals: 60 rows of the record, each a
        // step of two points (the charts draw the record, not the 10 Hz ticks).
        w.charts()->setWindowSeconds(60);
        QCOMPARE(seriesSize(w, QStringLiteral("queue depth")), 120);
        c->cancel();
    }

    void exportHasEverySampleIntervalOfALongRun_data()
    {
        QTest::addColumn<qint64>("intervalMs"); // the scenario's sample interval
        QTest::addColumn<int>("ticks");         // 100 ms of the run each
        QTest::addColumn<int>("fullRows");
        // Every run has far more rows than a chart has downsampling buckets.
        QTest::newRow("1 s, 90 min") << qint64{1000} << 54000 << 5400;
        QTest::newRow("500 ms, 20 min") << qint64{500} << 12000 << 2400;
        QTest::newRow("2 s, 30 min, ending mid-interval") << qint64{2000} << 18005 << 900;
    }
    void exportHasEverySampleIntervalOfALongRun()
    {
        QFETCH(qint64, intervalMs);
        QFETCH(int, ticks);
        QFETCH(int, fullRows);
        std::vector<Sample> exported;
        WindowHooks h = hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); });
        h.exportCsv = [&exported](const QString&, std::span<const Sample> samples, double, QString&) {
            exported.assign(samples.begin(), samples.end());
            return true;
        };
        MainWindow w(h);
        Scenario s = steadyLoad();
        const Nanos interval = intervalMs * kMilli;
        s.sampleInterval = interval;
        w.setScenario(s);
        RunController* c = w.controller();
        c->start();
        c->setTickInterval(1000000); // the test drives the ticks
        c->blockSignals(true);
        for (int i = 0; i < ticks; ++i)
            c->tick();
        c->blockSignals(false);
        c->cancel(); // one more snapshot: the run has stopped
        QVERIFY(c->isFinished());
        w.charts()->update();
        for (QXYSeries* series : w.charts()->allSeries()) // the charts stay bounded
            QVERIFY(series->count() <= ChartPanel::kMaxPoints);

        QVERIFY(w.exportCsvFile(QStringLiteral("run.csv")));
        // One row per sample interval, then the last, shorter one up to the stop.
        QCOMPARE(exported.size(), std::size_t(fullRows) + 1);
        std::uint64_t completions = 0;
        for (std::size_t i = 0; i < exported.size(); ++i) {
            const Sample& row = exported[i];
            if (i < std::size_t(fullRows)) {
                QCOMPARE(row.runNs, Nanos(i + 1) * interval);
                QCOMPARE(row.intervalNs, interval);
            }
            QCOMPARE(row.completionsPerSec, 1000.0);
            completions +=
                static_cast<std::uint64_t>(std::llround(row.completionsPerSec * toSeconds(row.intervalNs)));
        }
        const Sample& last = exported.back();
        QCOMPARE(last.runNs, Nanos(ticks + 1) * 100 * kMilli);
        QCOMPARE(last.intervalNs, last.runNs - Nanos(fullRows) * interval);
        const Counters& totals = c->snapshot().counters;
        QCOMPARE(totals.succeeded, std::uint64_t(ticks + 1) * 100);
        QCOMPARE(completions, totals.succeeded + totals.failed);
        QCOMPARE(last.totals.succeeded, totals.succeeded);
    }

    void sampleIntervalsShorterThanATickGetTheirOwnRows_data()
    {
        QTest::addColumn<qint64>("intervalMs");
        QTest::newRow("10 ms") << qint64{10};
        QTest::newRow("40 ms") << qint64{40};
        QTest::newRow("90 ms") << qint64{90};
    }
    void sampleIntervalsShorterThanATickGetTheirOwnRows()
    {
        QFETCH(qint64, intervalMs);
        const Nanos interval = intervalMs * kMilli;
        Nanos clock = 0;
        std::vector<Sample> exported;
        WindowHooks h =
            hooks([&clock](const Scenario& s) { return std::make_unique<ManualClockEngine>(s, &clock); });
        h.exportCsv = [&exported](const QString&, std::span<const Sample> samples, double, QString&) {
            exported.assign(samples.begin(), samples.end());
            return true;
        };
        MainWindow w(h);
        Scenario s = steadyLoad();
        s.sampleInterval = interval;
        w.setScenario(s);
        RunController* c = w.controller();
        QVERIFY(c->start());
        c->setTickInterval(1000000); // no chart ticks: rows must come on their own
        constexpr int kIntervals = 20;
        for (int k = 1; k <= kIntervals; ++k) {
            clock = k * interval;
            QTRY_COMPARE(c->intervalSamples().size(), std::size_t(k));
        }
        clock += interval / 2;
        c->cancel(); // the tick that sees the end adds the last, half interval
        QVERIFY(c->isFinished());

        QVERIFY(w.exportCsvFile(QStringLiteral("run.csv")));
        QCOMPARE(exported.size(), std::size_t(kIntervals) + 1);
        std::uint64_t completions = 0;
        for (std::size_t i = 0; i < exported.size(); ++i) {
            const Sample& row = exported[i];
            const Nanos length = i < kIntervals ? interval : interval / 2;
            QCOMPARE(row.runNs, Nanos(i) * interval + length);
            QCOMPARE(row.intervalNs, length);
            completions +=
                static_cast<std::uint64_t>(std::llround(row.completionsPerSec * toSeconds(row.intervalNs)));
        }
        QCOMPARE(completions, std::uint64_t(clock / kMilli));
        QCOMPARE(exported.back().totals.succeeded, std::uint64_t(clock / kMilli));
    }

    void workersRangeFollowsTheTimeMode_data()
    {
        QTest::addColumn<bool>("running"); // switched during a run
        QTest::addColumn<TimeMode>("from");
        QTest::addColumn<int>("workers");
        QTest::addColumn<TimeMode>("to");
        QTest::addColumn<int>("maximum");
        QTest::addColumn<int>("workersAfter");
        QTest::addColumn<QString>("range"); // how the tooltip ends
        QTest::addColumn<QString>("message");
        const QString real =
            QStringLiteral("Range 1\u20134096 with real threads (virtual time: up to 100000).");
        const QString virt =
            QStringLiteral("Range 1\u2013100000 in virtual time (real threads: up to 4096).");
        const QString clamped = QStringLiteral("Workers lowered from 20000 to 4096: real threads allow "
                                               "1\u20134096 (virtual time allows up to 100000).");
        QTest::newRow("real to virtual")
            << false << TimeMode::Real << 4096 << TimeMode::Virtual << 100000 << 4096 << virt << QString();
        QTest::newRow("virtual to real, in range")
            << false << TimeMode::Virtual << 4096 << TimeMode::Real << 4096 << 4096 << real << QString();
        QTest::newRow("virtual to real, 20000 workers")
            << false << TimeMode::Virtual << 20000 << TimeMode::Real << 4096 << 4096 << real << clamped;
        // Not covered by the "applied live" message of the edits.
        QTest::newRow("virtual to real during a run, 20000 workers")
            << true << TimeMode::Virtual << 20000 << TimeMode::Real << 4096 << 4096 << real << clamped;
        QTest::newRow("virtual to real, 100000 workers")
            << false << TimeMode::Virtual << 100000 << TimeMode::Real << 4096 << 4096 << real
            << QStringLiteral("Workers lowered from 100000 to 4096: real threads allow 1\u20134096 "
                              "(virtual time allows up to 100000).");
    }
    void workersRangeFollowsTheTimeMode()
    {
        QFETCH(bool, running);
        QFETCH(TimeMode, from);
        QFETCH(int, workers);
        QFETCH(TimeMode, to);
        QFETCH(int, maximum);
        QFETCH(int, workersAfter);
        QFETCH(QString, range);
        QFETCH(QString, message);
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        Scenario s = steadyLoad();
        s.timeMode = from;
        s.workers = workers;
        w.setScenario(s);
        auto* box = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        auto* mode = w.controls()->findChild<QComboBox*>(QStringLiteral("timeMode"));
        QVERIFY(box && mode);
        QCOMPARE(box->maximum(), from == TimeMode::Real ? 4096 : 100000);
        QCOMPARE(box->value(), workers);
        QCOMPARE(w.controls()->scenario().workers, workers);
        if (running)
            QVERIFY(w.controller()->start());

        mode->setCurrentIndex(static_cast<int>(to));
        QCOMPARE(box->minimum(), 1);
        QCOMPARE(box->maximum(), maximum);
        QCOMPARE(box->value(), workersAfter);
        QVERIFY2(box->toolTip().endsWith(range), qPrintable(box->toolTip()));
        QCOMPARE(w.controller()->scenario().timeMode, to);
        QCOMPARE(w.controller()->scenario().workers, workersAfter);
        QCOMPARE(w.statusBar()->currentMessage(), message);
        if (running) {
            // The running engine has the lower count too, and the charts mark both changes.
            QCOMPARE(w.controller()->markers().size(), std::size_t{2});
            QCOMPARE(w.controller()->markers().front().label(), QStringLiteral("workers 20000 \u2192 4096"));
            QCOMPARE(w.controller()->markers().back().label(), QStringLiteral("time virtual \u2192 real"));
            w.controller()->cancel();
        }
    }

    void exportWritesCsvAndImages()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MainWindow w(hooks());
        w.resize(1280, 800);
        w.setScenario(steadyLoad());
        w.controller()->start();
        QSignalSpy ticks(w.controller(), &RunController::ticked);
        QTRY_VERIFY(ticks.size() >= 5);
        w.controller()->cancel();
        QTRY_VERIFY(w.controller()->isFinished());

        const QString csv = dir.filePath(QStringLiteral("run.csv"));
        QVERIFY(w.exportCsvFile(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        // Header, one row per sample interval (the last one shorter), final newline.
        QVERIFY(!w.controller()->intervalSamples().empty());
        QCOMPARE(static_cast<std::size_t>(lines.size()), w.controller()->intervalSamples().size() + 2);

        const QString png = dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(w.exportChartImage(png));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY(image.width() >= 200 && image.height() >= 200);

        const QString svg = dir.filePath(QStringLiteral("charts.svg"));
        QVERIFY(w.exportChartImage(svg));
        QFile s(svg);
        QVERIFY(s.open(QIODevice::ReadOnly));
        QVERIFY(s.readAll().contains("<svg"));

        QVERIFY(!w.exportChartImage(dir.filePath(QStringLiteral("missing/dir/charts.png"))));
        QVERIFY(w.lastError().contains(QStringLiteral("could not be written")));
    }

    // The format follows the extension, or the dialog's filter when there is none; the
    // image carries a title, the settings and the summary around the charts.
    void exportedImageFollowsFilterAndExtension_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("written");
        QTest::newRow("svg filter, no extension")
            << QStringLiteral("charts") << QStringLiteral("svg") << QStringLiteral("charts.svg");
        QTest::newRow("png filter, no extension")
            << QStringLiteral("charts") << QStringLiteral("png") << QStringLiteral("charts.png");
        QTest::newRow("no filter, no extension")
            << QStringLiteral("charts") << QString() << QStringLiteral("charts.png");
        QTest::newRow("extension wins")
            << QStringLiteral("charts.svg") << QStringLiteral("png") << QStringLiteral("charts.svg");
        QTest::newRow("upper case") << QStringLiteral("CHARTS.PNG") << QStringLiteral("svg")
                                    << QStringLiteral("CHARTS.PNG");
        QTest::newRow("other dot") << QStringLiteral("run.v2") << QStringLiteral("svg")
                                   << QStringLiteral("run.v2.svg");
    }
    void exportedImageFollowsFilterAndExtension()
    {
        QFETCH(QString, name);
        QFETCH(QString, filter);
        QFETCH(QString, written);
        QTemporaryDir dir;
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.setScenario(steadyLoad());
        RunController* c = w.controller();
        QVERIFY(c->start());
        c->setTickInterval(1000000);
        for (int i = 0; i < 20; ++i)
            c->tick();
        c->cancel();
        QVERIFY(w.exportChartImage(dir.filePath(name), filter));
        QCOMPARE(w.lastExportPath(), dir.filePath(written));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{written});
        QFile f(w.lastExportPath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray data = f.readAll();
        const MainWindow::ExportTexts texts = w.exportTexts();
        QCOMPARE(texts.title, QStringLiteral("PoolLab \u2014 test"));
        QVERIFY2(
            texts.settings.startsWith(QStringLiteral("4 workers \u00b7 queue 1,000 (block) \u00b7 constant "
                                                     "400/s \u00b7 service 2ms (sleep) \u00b7 virtual time")),
            qPrintable(texts.settings));
        QVERIFY2(texts.summary.startsWith(QStringLiteral("Stopped \u00b7 0 cancelled \u00b7 State stopped")),
                 qPrintable(texts.summary));
        QVERIFY(texts.summary.contains(QStringLiteral("Throughput (run average) 1,000.0 jobs/s")));
        if (written.endsWith(QLatin1String("svg"), Qt::CaseInsensitive)) {
            QVERIFY(data.contains("<svg"));
            for (const QString& text : {QStringLiteral("PoolLab"), QStringLiteral("Throughput (run average)"),
                                        QStringLiteral("service 2ms")})
                QVERIFY2(QString::fromUtf8(data).contains(text.toHtmlEscaped()), qPrintable(text));
        } else {
            QVERIFY(data.startsWith("\x89PNG"));
            const QImage image = QImage::fromData(data);
            const QSize charts = w.charts()->chartsArea()->size();
            QCOMPARE(image.width(), charts.width());
            // A title and at least two lines of settings and summary around the charts.
            QVERIFY2(image.height() >= charts.height() + 5 * w.fontMetrics().height(),
                     qPrintable(QStringLiteral("%1 vs %2").arg(image.height()).arg(charts.height())));
        }
    }

    void exportDialogSuggestsAName()
    {
        WindowHooks h = hooks();
        h.presets = testPresets;
        MainWindow w(h);
        pickPreset(w, 0);
        const QRegularExpression byPreset(QStringLiteral("^poollab-signup-burst-\\d{8}-\\d{4}\\.png$"));
        QVERIFY2(byPreset.match(w.suggestedImageName()).hasMatch(), qPrintable(w.suggestedImageName()));
        Scenario own = steadyLoad();
        own.name = "My pool: 2 of 3";
        w.setScenario(own);
        const QRegularExpression byName(QStringLiteral("^poollab-my-pool-2-of-3-\\d{8}-\\d{4}\\.png$"));
        QVERIFY2(byName.match(w.suggestedImageName()).hasMatch(), qPrintable(w.suggestedImageName()));
    }

    void badScenarioShowsTheError()
    {
        MainWindow w(hooks());
        w.show();
        Scenario s = steadyLoad();
        s.workers = 7;
        w.setScenario(s);
        QVERIFY(!w.openScenarioFile(QStringLiteral("/nowhere/bad.json")));
        QVERIFY(w.lastError().contains(QStringLiteral("line 3, column 14")));
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox*>(QStringLiteral("errorBox"))) && box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("must be a whole number")));
        QCOMPARE(w.controller()->scenario().workers, 7); // unchanged
        box->accept();
    }

    void formatSecondsUsesOneClock_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("below a minute") << 59.94 << QStringLiteral("59.9 s");
        QTest::newRow("a minute") << 60.0 << QStringLiteral("1:00");
        QTest::newRow("m:ss") << 171.0 << QStringLiteral("2:51");
        QTest::newRow("an hour and a second") << 3601.0 << QStringLiteral("1:00:01");
        QTest::newRow("130:28 was") << 7828.0 << QStringLiteral("2:10:28");
        QTest::newRow("ten hours") << 36000.0 << QStringLiteral("10:00:00");
        QTest::newRow("unknown") << std::nan("") << QStringLiteral("\u2013");
    }
    void formatSecondsUsesOneClock()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(formatSeconds(seconds), text);
    }

    // ETA from the work left and the recent rate: 1 job per ms, 100,000 jobs.
    void etaComesFromTheWorkLeftAndTheRecentRate()
    {
        Nanos clock = 0;
        MainWindow w(
            hooks([&clock](const Scenario& s) { return std::make_unique<ManualClockEngine>(s, &clock); }));
        Scenario s = steadyLoad();
        s.jobs = 100000;
        w.setScenario(s);
        RunController* c = w.controller();
        qint64 wall = 0;
        c->setWallClock([&wall] { return wall; });
        QVERIFY(c->start());
        c->setTickInterval(1000000);
        for (int i = 1; i <= 100; ++i) { // 10 s of run, 10,000 jobs done
            clock = i * 100 * kMilli;
            wall = clock;
            c->tick();
        }
        QCOMPARE(c->remainingSeconds(), 90.0);
        QCOMPARE(w.summary()->value(QStringLiteral("remaining")), QStringLiteral("1:30"));
        QCOMPARE(w.summary()->value(QStringLiteral("elapsed")), QStringLiteral("10.0 s"));
        auto* bar = w.findChild<QProgressBar*>();
        QVERIFY(bar && bar->isVisibleTo(&w));
        QCOMPARE(bar->text(), QStringLiteral("10.0 % \u00b7 ETA 1:30"));
        c->cancel();
        QCOMPARE(bar->text(), QStringLiteral("Stopped \u00b7 0 cancelled"));
        QCOMPARE(c->progress(), 0.1); // how far it got, not 100 %
    }

    // After 40 -> 5 workers the rate falls to an eighth: the estimate follows within
    // seconds, where one from the average since the start (2:23 -> 2:51) did not.
    void etaFollowsALiveDropInRate()
    {
        Nanos clock = 0;
        std::uint64_t done = 0;
        MainWindow w(
            hooks([&](const Scenario& s) { return std::make_unique<CountingEngine>(s, &clock, &done); }));
        Scenario s = steadyLoad();
        s.arrival = ArrivalKind::Burst;
        s.jobs = 20000;
        w.setScenario(s);
        RunController* c = w.controller();
        qint64 wall = 0;
        c->setWallClock([&wall] { return wall; });
        QVERIFY(c->start());
        c->setTickInterval(1000000);
        const auto runFor = [&](int seconds, std::uint64_t perSecond) {
            for (int i = 0; i < seconds * 10; ++i) {
                clock += 100 * kMilli;
                wall += 100 * kMilli;
                done += perSecond / 10;
                c->tick();
            }
        };
        runFor(60, 80); // 40 workers, 0.5 s jobs: 4,800 done
        QCOMPARE(c->remainingRunSeconds(), 15200.0 / 80);
        runFor(15, 10); // 5 workers: 150 more
        // 15,050 left at 10/s: 25:05.
        QCOMPARE(c->remainingRunSeconds(), 15050.0 / 10);
        QCOMPARE(w.summary()->value(QStringLiteral("remaining")), QStringLiteral("25:05"));
        c->cancel();
    }

    // A virtual run at a pace it cannot keep says so: asked 1000x, running 22x.
    void paceShowsAchievedAgainstAsked_data()
    {
        QTest::addColumn<double>("asked");
        QTest::addColumn<double>("achieved");
        QTest::addColumn<QString>("text");
        QTest::newRow("kept") << 10.0 << 10.0 << QStringLiteral("virtual time, pace 10\u00d7");
        QTest::newRow("not kept") << 1000.0 << 22.0
                                  << QStringLiteral("virtual time: asked 1000\u00d7, running 22\u00d7");
        QTest::newRow("max") << 0.0 << 5000.0
                             << QStringLiteral("virtual time: asked max, running %1\u00d7")
                                    .arg(QLocale().toString(5000.0, 'f', 0));
    }
    void paceShowsAchievedAgainstAsked()
    {
        QFETCH(double, asked);
        QFETCH(double, achieved);
        QFETCH(QString, text);
        MainWindow w(hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); }));
        Scenario s = steadyLoad();
        s.timeMode = TimeMode::Virtual;
        s.jobs = 36'000'000; // 10 hours at 1000 jobs/s
        w.setScenario(s);
        RunController* c = w.controller();
        qint64 wall = 0;
        c->setWallClock([&wall] { return wall; });
        c->setPace(asked);
        QVERIFY(c->start());
        c->setTickInterval(1000000);
        // Each snapshot is 100 ms of simulated time.
        for (int i = 0; i < 50; ++i) {
            wall += static_cast<qint64>(100 * kMilli / achieved);
            c->tick();
        }
        QVERIFY2(std::abs(c->achievedPace() - achieved) < 0.01 * achieved,
                 qPrintable(QString::number(c->achievedPace())));
        const QString status = w.findChild<QLabel*>(QStringLiteral("stateLabel"))->text();
        QVERIFY2(status.endsWith(text), qPrintable(status));
        // 5 s of 36,000 s simulated: ETA = the rest at the achieved pace, in wall time.
        const double expected = (36000.0 - 5.0) / achieved;
        QVERIFY2(std::abs(c->remainingSeconds() - expected) < 1e-6 * expected,
                 qPrintable(QString::number(c->remainingSeconds())));
        // The summary counts in simulated time, as its Elapsed does.
        QCOMPARE(c->remainingRunSeconds(), 36000.0 - 5.0);
        QCOMPARE(w.summary()->value(QStringLiteral("remaining")), QStringLiteral("9:59:55"));
        QCOMPARE(w.findChild<QProgressBar*>()->text(),
                 QStringLiteral("0.0 % \u00b7 ETA ") + formatSeconds(expected));
        c->cancel();
    }

    void presetBoxShowsModified()
    {
        WindowHooks h = hooks();
        h.presets = testPresets;
        MainWindow w(h);
        auto* box = w.controls()->findChild<QComboBox*>(QStringLiteral("preset"));
        pickPreset(w, 0);
        QCOMPARE(box->currentText(), QStringLiteral("Signup burst"));
        QVERIFY(!w.controls()->isModified());
        w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"))->setValue(40);
        QVERIFY(w.controls()->isModified());
        QCOMPARE(box->currentText(), QStringLiteral("Signup burst (modified)"));
        QCOMPARE(w.controller()->scenario().workers, 40);
        pickPreset(w, 0); // picking it again starts from the preset
        QCOMPARE(box->currentText(), QStringLiteral("Signup burst"));
        QCOMPARE(w.controller()->scenario().workers, 20);
        w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"))->setValue(30);
        Scenario loaded = steadyLoad();
        w.setScenario(loaded); // as opening a file does
        QVERIFY(!w.controls()->isModified());
        QCOMPARE(box->itemText(1), QStringLiteral("Signup burst"));
    }

    void presetKeepsTheTimeModeUnlessItSetsOne_data()
    {
        QTest::addColumn<TimeMode>("shown");
        QTest::addColumn<int>("preset");
        QTest::addColumn<TimeMode>("after");
        QTest::newRow("virtual kept") << TimeMode::Virtual << 0 << TimeMode::Virtual;
        QTest::newRow("real kept") << TimeMode::Real << 0 << TimeMode::Real;
        QTest::newRow("preset sets virtual") << TimeMode::Real << 1 << TimeMode::Virtual;
    }
    void presetKeepsTheTimeModeUnlessItSetsOne()
    {
        QFETCH(TimeMode, shown);
        QFETCH(int, preset);
        QFETCH(TimeMode, after);
        WindowHooks h = hooks();
        h.presets = testPresets;
        MainWindow w(h);
        Scenario s = steadyLoad();
        s.timeMode = shown;
        w.setScenario(s);
        pickPreset(w, preset);
        QCOMPARE(w.controller()->scenario().timeMode, after);
        QCOMPARE(w.controls()->findChild<QComboBox*>(QStringLiteral("timeMode"))->currentIndex(),
                 static_cast<int>(after));
    }

    void newPresetClearsTheFinishedRun()
    {
        WindowHooks h = hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); });
        h.presets = testPresets;
        MainWindow w(h);
        w.setScenario(steadyLoad());
        RunController* c = w.controller();
        QVERIFY(c->start());
        c->setTickInterval(1000000);
        for (int i = 0; i < 20; ++i)
            c->tick();
        c->cancel();
        QVERIFY(c->isFinished());
        QVERIFY(seriesSize(w, QStringLiteral("queue depth")) > 0);
        pickPreset(w, 0);
        QVERIFY(!c->hasRun());
        QVERIFY(c->intervalSamples().empty());
        QVERIFY(!c->hasRunTime());
        QCOMPARE(seriesSize(w, QStringLiteral("queue depth")), 0);
        QCOMPARE(w.summary()->value(QStringLiteral("state")), QStringLiteral("not started"));
    }

    void workerLegendFollowsTheTimeMode_data()
    {
        QTest::addColumn<TimeMode>("mode");
        QTest::addColumn<QString>("scale");
        QTest::newRow("real") << TimeMode::Real << QStringLiteral("4 threads (target 4)");
        QTest::newRow("virtual") << TimeMode::Virtual << QStringLiteral("4 workers (target 4)");
    }
    void workerLegendFollowsTheTimeMode()
    {
        QFETCH(TimeMode, mode);
        QFETCH(QString, scale);
        MainWindow w(hooks([mode](const Scenario& s) -> std::unique_ptr<Engine> {
            if (mode == TimeMode::Virtual)
                return std::make_unique<SimulatedEngine>(s);
            static Nanos clock = 0;
            return std::make_unique<ManualClockEngine>(s, &clock);
        }));
        Scenario s = steadyLoad();
        s.timeMode = mode;
        w.setScenario(s);
        // Before a run too: the legend follows the mode shown.
        QCOMPARE(w.workerView()->legendTexts().last(), QStringLiteral("not started"));
        QCOMPARE(w.workerView()->cellCount(), 0);
        QVERIFY(w.controller()->start());
        w.controller()->tick();
        const QStringList legend = w.workerView()->legendTexts();
        QVERIFY2(legend.contains(scale) ||
                     (mode == TimeMode::Real && legend.contains(QStringLiteral("0 threads (target 4)"))),
                 qPrintable(legend.join(QStringLiteral(" | "))));
        for (const QString& text : legend + QStringList{w.workerView()->toolTip()})
            QVERIFY2(!(mode == TimeMode::Virtual && text.contains(QStringLiteral("thread"))),
                     qPrintable(text));
        w.controller()->cancel();
    }

    void ctrlTTogglesTheThemeAndIconsFollow()
    {
        MainWindow w(hooks());
        QAction* toggle = w.action(QStringLiteral("toggleTheme"));
        QVERIFY(toggle);
        QCOMPARE(toggle->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_T));
        QCOMPARE(w.theme(), Theme::Light);
        // The lightness of the stop icon's visible pixels.
        const auto lightness = [&w] {
            const QImage image = w.action(QStringLiteral("stop"))->icon().pixmap(16, 16).toImage();
            double sum = 0, weight = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    sum += c.alphaF() * c.lightnessF();
                    weight += c.alphaF();
                }
            return weight > 0 ? sum / weight : -1.0;
        };
        const double light = lightness();
        toggle->trigger();
        QCOMPARE(w.theme(), Theme::Dark);
        QVERIFY(w.action(QStringLiteral("darkTheme"))->isChecked());
        const double dark = lightness();
        QVERIFY2(light < 0.45 && dark > 0.7, qPrintable(QStringLiteral("%1 -> %2").arg(light).arg(dark)));
        toggle->trigger();
        QCOMPARE(w.theme(), Theme::Light);
        QVERIFY(w.action(QStringLiteral("lightTheme"))->isChecked());
        QCOMPARE(lightness(), light);
    }

    void toolTipsWrap()
    {
        const QString one = QStringLiteral("word ").repeated(40).trimmed();
        for (const QString& line : wrapToolTip(one).split(QLatin1Char('\n')))
            QVERIFY2(line.size() <= 60, qPrintable(line));
        QCOMPARE(wrapToolTip(QStringLiteral("short")), QStringLiteral("short"));
        QCOMPARE(wrapToolTip(QStringLiteral("<b>rich</b> ") + one), QStringLiteral("<b>rich</b> ") + one);

        MainWindow w(hooks());
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* workers = w.controls()->findChild<QSpinBox*>(QStringLiteral("workers"));
        QVERIFY(workers->toolTip().size() > 200); // one long line as written
        QHelpEvent help(QEvent::ToolTip, QPoint(5, 5), workers->mapToGlobal(QPoint(5, 5)));
        QCoreApplication::sendEvent(workers, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        QVERIFY(QToolTip::text().count(QLatin1Char('\n')) >= 3);
        for (const QString& line : QToolTip::text().split(QLatin1Char('\n')))
            QVERIFY2(line.size() <= 60, qPrintable(line));
        QToolTip::hideText();
    }

    // Nothing cut off at the smallest window: every label, button and combo box shows its
    // whole text, in a running virtual burst (the longest texts), in both themes.
    void nothingClippedAt1024x640_data()
    {
        QTest::addColumn<Theme>("theme");
        QTest::addColumn<bool>("running");
        // 0 none; 1 four runs overlaid; 2 the Runs tab, two compared; 3 the Runs tab disabled
        QTest::addColumn<int>("runs");
        QTest::newRow("light, idle") << Theme::Light << false << 0;
        QTest::newRow("light, running") << Theme::Light << true << 0;
        QTest::newRow("dark, running") << Theme::Dark << true << 0;
        QTest::newRow("light, running, four runs overlaid") << Theme::Light << true << 1;
        QTest::newRow("dark, runs tab") << Theme::Dark << false << 2;
        QTest::newRow("light, runs tab, not a runs database") << Theme::Light << false << 3;
    }
    void nothingClippedAt1024x640()
    {
        QFETCH(Theme, theme);
        QFETCH(bool, running);
        QFETCH(int, runs);
        WindowHooks h = hooks([](const Scenario& s) { return std::make_unique<SimulatedEngine>(s); });
        h.presets = testPresets;
        MainWindow w(h);
        w.setTheme(theme);
        QTemporaryDir dir;
        if (runs == 3) {
            // The reason the tab is disabled, whole: it names the file and what is wrong.
            QFile junk(dir.filePath(QStringLiteral("a folder with a long name/not a database.sqlite")));
            QVERIFY(QDir().mkpath(QFileInfo(junk).absolutePath()));
            QVERIFY(junk.open(QIODevice::WriteOnly));
            junk.write(QByteArray(8192, 'x'));
            junk.close();
            w.setRunsDatabase(junk.fileName());
            QVERIFY(!w.runs()->isStoreOpen());
            w.centreTabs()->setCurrentWidget(w.runs());
        } else if (runs > 0) {
            w.setRunsDatabase(storedRuns(dir, 4));
            QCOMPARE(w.runs()->runs().size(), std::size_t{4});
            const int overlaid = runs == 1 ? 4 : 2;
            for (int i = 0; i < overlaid; ++i)
                QVERIFY(w.runs()->setOverlaid(w.runs()->runs()[static_cast<std::size_t>(i)].id, true));
            QCOMPARE(w.charts()->overlaySeries(0).size(), overlaid);
            if (runs == 2) {
                w.runs()->setBaseline(w.runs()->runs()[3].id);
                w.runs()->table()->selectRow(0);
                w.centreTabs()->setCurrentWidget(w.runs());
            }
        }
        // What the layout needs at least fits the smallest window.
        QVERIFY2(
            w.minimumSizeHint().width() <= 1024 && w.minimumSizeHint().height() <= 640,
            qPrintable(
                QStringLiteral("%1x%2").arg(w.minimumSizeHint().width()).arg(w.minimumSizeHint().height())));
        w.resize(1024, 640);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        pickPreset(w, 0); // from the box: the description was clipped that way
        if (running) {
            RunController* c = w.controller();
            QVERIFY(c->start());
            c->setTickInterval(1000000);
            for (int i = 0; i < 30; ++i)
                c->tick();
        }
        QCoreApplication::processEvents();
        QCOMPARE(w.size(), QSize(1024, 640));
        const QStringList problems = clippedTexts(w);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        auto* description = w.controls()->findChild<QLabel*>(QStringLiteral("presetDescription"));
        QVERIFY(description->isVisible());
        QVERIFY(description->text().startsWith(QStringLiteral("A newsletter")));
        w.setTheme(Theme::Light);
        w.controller()->reset();
    }

    // Presentation mode on a projector's screen (1280x800, 1024x768), at its first size
    // (View > Presentation mode, 150 %) and two Ctrl+Plus steps on (200 %): every control
    // reachable and whole, nothing over another or cut by its parent, on the Charts tab
    // and on the Lessons tab with a step graded (its verdicts and explanation showing).
    void presentationModeFitsAProjector_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("largerSteps"); // Ctrl+Plus presses after Presentation mode
        QTest::addColumn<bool>("lessons");
        for (const QSize size : {QSize(1280, 800), QSize(1024, 768)})
            for (const int steps : {0, 2})
                for (const bool lessons : {false, true})
                    QTest::addRow("%dx%d, %d%%, %s", size.width(), size.height(), 150 + 25 * steps,
                                  lessons ? "lessons" : "charts")
                        << size << steps << lessons;
    }
    void presentationModeFitsAProjector()
    {
        QFETCH(QSize, size);
        QFETCH(int, largerSteps);
        QFETCH(bool, lessons);
        Q_INIT_RESOURCE(poollab_resources);
        WindowHooks h = hooks();
        h.presets = testPresets;
        h.lessons = [] {
            QStringList problems;
            return loadLessons(QString(), &problems);
        };
        MainWindow w(h);
        // The application's font goes back to normal however the row ends.
        const auto normalSize =
            qScopeGuard([&w] { w.action(QStringLiteral("presentationReset"))->trigger(); });
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int tabsBefore = w.centreTabs()->count();
        w.action(QStringLiteral("presentationMode"))->trigger();
        for (int i = 0; i < largerSteps; ++i)
            w.action(QStringLiteral("presentationLarger"))->trigger();
        QCOMPARE(w.presentationScale(), 1.5 + 0.25 * largerSteps);
        pickPreset(w, 0);
        LessonsPanel* p = w.lessons();
        if (lessons) {
            // The tallest the tab gets: a step of three questions, graded, explained.
            QVERIFY(p->selectLesson(QStringLiteral("backpressure")));
            p->setStep(1);
            p->paceBox()->setCurrentIndex(4); // max
            p->setPrediction(QStringLiteral("reject-count"), QStringLiteral("500"));
            p->setPrediction(QStringLiteral("reject-elapsed"), QStringLiteral("20"));
            p->setPrediction(QStringLiteral("reject-share"), QStringLiteral("half"));
            QVERIFY2(p->runButton()->isEnabled(), qPrintable(p->runButton()->toolTip()));
            p->runButton()->click();
            QVERIFY2(w.controller()->isActive(), qPrintable(w.lastError()));
            QTRY_COMPARE_WITH_TIMEOUT(p->verdicts().size(), std::size_t(3), 30000);
            QVERIFY(p->explanation()->isVisible());
        }
        w.centreTabs()->setCurrentWidget(lessons ? static_cast<QWidget*>(p) : w.charts());
        for (int i = 0; i < 3; ++i) // the layout settles in the new font, then reflows
            QCoreApplication::processEvents();
        // The window is the screen's size: nothing of it is off the screen.
        QCOMPARE(w.size(), size);
        QStringList problems = clippedTexts(w) + overlapProblems(w);
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
        // Normal size again: the three columns are back, the tabs as they were.
        w.action(QStringLiteral("presentationReset"))->trigger();
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(w.centreTabs()->count(), tabsBefore);
        QVERIFY(!w.centreTabs()->isAncestorOf(w.controls()));
        QVERIFY(!w.centreTabs()->isAncestorOf(w.summary()));
        QVERIFY(w.controls()->isVisible());
        QVERIFY(w.summary()->isVisible());
        w.controller()->reset();
    }

    // Presentation mode does not lose the columns' widths the user set: they are back
    // when it ends, and what the window saves while presenting is that normal layout.
    void presentationModeKeepsTheColumnWidths_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("roomToMove"); // 1024 wide leaves each column at its least width
        QTest::newRow("1024x768 (columns become tabs)") << QSize(1024, 768) << false;
        QTest::newRow("1280x800 (columns become tabs)") << QSize(1280, 800) << true;
        QTest::newRow("2400x1400 (three columns stay)") << QSize(2400, 1400) << true;
    }
    void presentationModeKeepsTheColumnWidths()
    {
        QFETCH(QSize, size);
        QFETCH(bool, roomToMove);
        static QTemporaryDir settingsDir; // the whole run's: a closing window saves too
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDir.path());
        MainWindow w(hooks());
        const auto normalSize =
            qScopeGuard([&w] { w.action(QStringLiteral("presentationReset"))->trigger(); });
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* columns = w.findChild<QSplitter*>(QStringLiteral("columns"));
        QVERIFY(columns);
        const QList<int> initial = columns->sizes();
        QCOMPARE(initial.size(), 3);
        // Wider side columns, as dragging the handles makes them.
        columns->setSizes({initial[0] + 40, initial[1] - 90, initial[2] + 50});
        const QList<int> custom = columns->sizes();
        if (roomToMove) {
            QCOMPARE(custom[0], initial[0] + 40);
            QCOMPARE(custom[2], initial[2] + 50);
        }
        const QByteArray customState = columns->saveState();

        w.action(QStringLiteral("presentationMode"))->trigger();
        w.action(QStringLiteral("presentationLarger"))->trigger(); // 175 %: still the same layout to leave
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(w.presentationScale(), 1.75);
        QCOMPARE(w.centreTabs()->isAncestorOf(w.controls()), size.width() < 2000);
        w.saveSettings();
        QCOMPARE(QSettings().value(QStringLiteral("window/splitter")).toByteArray(), customState);

        w.action(QStringLiteral("presentationReset"))->trigger();
        for (int i = 0; i < 3; ++i)
            QCoreApplication::processEvents();
        QCOMPARE(columns->sizes(), custom);
        w.saveSettings();
        QCOMPARE(QSettings().value(QStringLiteral("window/splitter")).toByteArray(), customState);
    }

    void everyActionHasItsOwnShortcut()
    {
        MainWindow w(hooks());
        QSet<QString> keys;
        for (const char* name :
             {"start", "pause", "drain", "stop", "reset", "open", "save", "exportCsv", "exportImage"}) {
            QAction* a = w.action(QString::fromLatin1(name));
            QVERIFY2(a, name);
            QVERIFY2(!a->shortcut().isEmpty(), name);
            keys.insert(a->shortcut().toString());
        }
        QCOMPARE(keys.size(), 9);
    }
};

QTEST_MAIN(TstMainWindow)
#include "tst_main_window.moc"
