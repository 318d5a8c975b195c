// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/attempt_event.h"
#include "core/interval_record.h"
#include "ui/chart_legend.h"
#include "ui/timeline_density.h"

#include <QImage>
#include <QWidget>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QScrollBar;
class QToolButton;

namespace poollab {

// What a piece of an attempt's bar shows: the rate-limit token wait after a worker took
// the job, then its service, coloured by how the attempt ended.
enum class TimelinePhase : std::uint8_t { TokenWait, Service, Failed, TimedOut, Cancelled };
inline constexpr int kTimelinePhases = 5;

// The view's own window of attempt events: a ring of `capacity` events in the order they
// were read, the oldest overwritten. Memory is fixed at capacity x sizeof(AttemptEvent)
// once full, however long the run.
class TimelineEvents
{
public:
    explicit TimelineEvents(std::size_t capacity);

    void clear();
    void append(const std::vector<AttemptEvent>& events);
    std::size_t size() const { return m_ring.size(); }
    std::size_t capacity() const { return m_capacity; }
    // Events ever appended; past capacity the oldest are gone.
    std::uint64_t seen() const { return m_seen; }
    // `count` events the engine's log overwrote before they were read: never appended.
    // What the view shows is whole only from `from` on (the oldest event read after them).
    void noteMissed(std::uint64_t count, Nanos from);
    std::uint64_t missed() const { return m_missed; }
    bool dropped() const { return m_seen > m_capacity || m_missed > 0; }
    // The i-th held event, oldest first.
    const AttemptEvent& at(std::size_t i) const
    {
        const std::size_t index = m_head + i; // no modulo: a division per event cost a paint dearly
        return m_ring[index < m_ring.size() ? index : index - m_ring.size()];
    }
    // Bytes the ring holds (its storage, not what is used of it).
    std::size_t memoryBytes() const { return m_ring.capacity() * sizeof(AttemptEvent); }
    // From when the held events tell the whole story: the end of the last event that
    // was overwritten here, or of the first read after some were missed (0 while none
    // were). Earlier, lanes would look idle that were not.
    Nanos coveredFrom() const { return m_coveredFrom; }

private:
    std::vector<AttemptEvent> m_ring;
    std::size_t m_capacity;
    std::size_t m_head = 0; // the oldest event, once the ring is full
    std::uint64_t m_seen = 0;
    std::uint64_t m_missed = 0;
    Nanos m_coveredFrom = 0;
};

// One lane per worker and one bar per attempt: the token wait, then the service
// coloured by its end (service, failed attempt, timeout, cancelled); hovering or
// clicking a job draws its queue wait (enqueue to a worker taking it) and, when the
// producer submitted it late, the gap from its planned arrival (coordinated omission).
// A queue-depth strip from the run's record runs below the lanes.
//
// Past kMinLane px per worker the lanes group (each row a group of workers, shaded by
// the share of its time busy), and when bars would be narrower than a few pixels they
// merge into density: the cost of a paint is set by the pixels and the events held,
// not by the workers or the job rate. It reads the engine's event log on the window's
// refresh (refresh(), copySince), never per job.
class TimelineView : public QWidget
{
    Q_OBJECT

public:
    static constexpr std::size_t kDefaultCapacity = 200'000;
    static constexpr int kMinLane = 3;        // px per worker lane; below it, lanes group
    static constexpr int kGroupRow = 2;       // px per row of grouped lanes
    static constexpr Nanos kMinSpan = kMilli; // the closest zoom
    static constexpr Nanos kDefaultSpan = 10 * kSecond;
    static constexpr int kStripHeight = 48; // the queue-depth strip

    explicit TimelineView(std::size_t capacity = kDefaultCapacity, QWidget* parent = nullptr);

    // The log to read from (a new run brings a new one): clears what is held.
    void setEventLog(std::shared_ptr<const AttemptEventLog> log);
    void clear();
    // Reads what the log gained since the last call, moves the live edge to `now` (run
    // time) and, when following, the view with it. `workers`: the lanes to show at least.
    void refresh(Nanos now, int workers);
    // Only reads what the log gained (no repaint): the window calls it while the tab is
    // hidden, so that the engine's ring does not overwrite what the view could hold. It
    // drops the density kept between paints (the next paint makes it again), so that a
    // hidden tab costs the copy only.
    void readLog();
    // The queue-depth strip's steps for the visible range, from the run's record (call
    // after refresh(), with the record held still: Engine::withRecord).
    void takeQueueDepth(const IntervalRecord& record);
    // Or: how to read the run's record (RunController::withRecord), so that the strip is
    // read again whenever the view moves or the record grows, as it is painted.
    using RecordReader = std::function<void(const std::function<void(const IntervalRecord&)>&)>;
    void setRecordReader(RecordReader reader);
    // Attempt events given directly (tests, and readers without a log).
    void appendEvents(const std::vector<AttemptEvent>& events);

    const TimelineEvents& events() const { return m_events; }
    Nanos now() const { return m_now; }
    int lanes() const { return m_lanes; }

    // The visible time range [from, to) in run time.
    Nanos visibleFrom() const { return m_end - m_span; }
    Nanos visibleTo() const { return m_end; }
    Nanos span() const { return m_span; }
    // Shows [from, to) and stops following the live edge.
    void setVisibleRange(Nanos from, Nanos to);
    bool isFollowing() const { return m_following; }
    void setFollowing(bool on);
    // Zooms by `factor` (< 1 in, > 1 out) around `anchor` (run time; while following,
    // around the live edge).
    void zoomBy(double factor, std::optional<Nanos> anchor = std::nullopt);
    // From the run's start to now, following.
    void showWholeRun();

    // Layout, in the view's coordinates.
    QRect lanesRect() const;
    QRect stripRect() const;
    // Workers per painted row: 1 while each worker has a lane of its own.
    int workersPerRow() const { return m_perRow; }
    // Rows painted (lanes, or groups of them) and their height in px.
    int rowCount() const { return m_rows; }
    int rowHeight() const { return m_rowHeight; }
    QRect rowRect(int row) const;
    // Whether bars are drawn one by one (false: merged into density per pixel).
    bool drawsBars() const { return m_bars; }
    // Where a run time falls, in px from the lanes' left (not rounded).
    double xOf(Nanos t) const;
    // The px columns [first, last] an interval's bar fills, as painted one by one.
    std::pair<int, int> barColumns(Nanos from, Nanos to) const;
    // The share of the row's worker time in the visible range spent in service (busy),
    // from the events held.
    double rowBusyFraction(int row) const;
    // The share of the row's worker time its painted cells show filled (density mode, as
    // last painted): the mean over its columns. 0 when bars were drawn.
    double paintedShare(int row) const;
    // The density is kept between paints and gains only the attempts read since the last
    // one; it is made again from all those held when the view zooms, goes back, jumps,
    // resizes, regroups its lanes or changes colours. How often each happened, and
    // making it again on the next paint (tests compare the two pictures).
    int densityRebuilds() const { return m_densityRebuilds; }
    int densityUpdates() const { return m_densityUpdates; }
    void rebuildDensity();

    // The attempt under a point (detail mode), and what hovering it says.
    const AttemptEvent* eventAt(QPoint pos) const;
    static QString describe(const AttemptEvent& event);
    QString hoverText(QPoint pos) const;
    // The job whose waits are drawn (clicked); none: nullopt (engines number jobs from 0).
    void selectJob(std::optional<std::uint64_t> jobId);
    std::optional<std::uint64_t> selectedJob() const { return m_selected; }
    // The job under the mouse, whose waits are drawn too.
    std::optional<std::uint64_t> hoveredJob() const { return m_hovered; }

    static QColor colorOf(TimelinePhase phase);
    static TimelinePhase phaseOf(AttemptEnd end);
    static QColor queueWaitColor();
    static QColor omissionColor();
    static QColor depthColor();
    // The legend's texts, in order.
    QStringList legendTexts() const;

    QSize sizeHint() const override { return {640, 420}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

signals:
    // The visible range or following changed by the user (wheel, drag) or the live edge.
    void viewChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    bool event(QEvent* event) override;

private:
    void layoutRows();
    int legendHeight() const;
    std::vector<LegendEntry> legendEntries() const;
    Nanos timeAt(double x) const;
    void clampRange();
    // Indices (into m_events) of the held attempts that overlap the visible range.
    void collectVisible();
    void paintBars(QPainter& p);
    void paintDensity(QPainter& p);
    void addToDensity(const AttemptEvent& e);
    // What the log gained, into the ring (and the density, while kept); events it lost
    // before this read are dated `now` when none came after them.
    void readNew(Nanos now);
    void paintNotHeld(QPainter& p);
    void paintWaits(QPainter& p, std::uint64_t jobId);
    const AttemptEvent* selectedEvent() const;
    void paintSelection(QPainter& p);
    void paintStrip(QPainter& p);
    void readQueueDepth(const IntervalRecord& record); // without asking for a repaint (from one)
    Nanos tickStep() const;                            // between the time axis' labels
    void paintGrid(QPainter& p, const QRect& area);
    void paintAxis(QPainter& p);
    void paintLaneLabels(QPainter& p);
    int rowOf(const AttemptEvent& e) const { return e.worker < 0 ? -1 : e.worker / m_perRow; }

    TimelineEvents m_events;
    std::shared_ptr<const AttemptEventLog> m_log;
    std::uint64_t m_next = 0; // the log's next sequence number to read
    std::vector<AttemptEvent> m_scratch;
    Nanos m_now = 0;
    Nanos m_end = kDefaultSpan;
    Nanos m_span = kDefaultSpan;
    bool m_following = true;
    int m_workers = 0;
    int m_lanes = 1;
    int m_perRow = 1;
    int m_rows = 1;
    int m_rowHeight = 16;
    bool m_bars = true;
    std::vector<std::uint32_t> m_visible; // bars mode: the held attempts in view
    TimelineDensity m_density;            // density mode, kept between paints
    int m_densityLeft = 0;                // px from the lanes' left where it was drawn from
    int m_densityRebuilds = 0;
    mutable std::pair<int, QFont> m_legendFor{-1, QFont()}; // the width and font legendHeight() is for
    mutable int m_legendHeight = 0;
    int m_densityUpdates = 0;
    std::vector<std::int64_t> m_depth; // per column of the strip, -1: no row there
    Nanos m_depthRowNs = 0;            // the record's row width: the strip's resolution
    RecordReader m_recordReader;
    std::array<std::int64_t, 4> m_depthFor{}; // from, to, width, record rows the strip was read for
    std::optional<std::uint64_t> m_selected;
    std::optional<std::uint64_t> m_hovered;
    QPoint m_pressAt;
    Nanos m_pressEnd = 0;
    bool m_dragging = false;
};

// The Timeline tab: the view, its zoom and follow buttons, a scroll bar over the run,
// and what the view holds ("last 200,000 attempts").
class TimelinePanel : public QWidget
{
    Q_OBJECT

public:
    explicit TimelinePanel(std::size_t capacity = TimelineView::kDefaultCapacity, QWidget* parent = nullptr);

    TimelineView* view() const { return m_view; }
    QScrollBar* scrollBar() const { return m_scroll; }
    QToolButton* followButton() const { return m_follow; }
    QLabel* statusLabel() const { return m_status; }
    // refresh() on the view, then the buttons, scroll bar and status follow.
    void refresh(Nanos now, int workers);

private:
    void sync();

    TimelineView* m_view;
    QToolButton* m_follow;
    QScrollBar* m_scroll;
    QLabel* m_status;
    bool m_syncing = false;
};

} // namespace poollab
