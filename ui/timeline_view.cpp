// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/timeline_view.h"

#include <QHBoxLayout>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

constexpr int kMargin = 4;
constexpr int kRunStartMs = 0;           // the scroll bar counts milliseconds of the run from its start
constexpr int kGap = 4;                  // between the lanes, the strip and the axis
constexpr int kMaxLane = 40;             // px: lanes grow no taller
constexpr int kBarGapFrom = 4;           // px: bars this wide end one column early, so back-to-back ones part
constexpr double kMinBarPx = 4;          // average px per bar below which they merge into density
constexpr std::size_t kMaxBars = 50'000; // painted one by one at most

QString instantText(Nanos t)
{
    return QStringLiteral("%1 s").arg(toSeconds(t), 0, 'f', 6);
}

QString durationText(Nanos d)
{
    return d >= kSecond ? QStringLiteral("%1 s").arg(toSeconds(d), 0, 'f', 6)
                        : QStringLiteral("%1 ms").arg(toMillis(d), 0, 'f', 3);
}

// A tick step of 1, 2 or 5 times a power of ten, about `target` ns.
Nanos niceStep(double target)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(target, 1.0))));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= target)
            return std::max<Nanos>(1, static_cast<Nanos>(m * magnitude));
    return static_cast<Nanos>(10 * magnitude);
}

QString tickText(Nanos t, Nanos step)
{
    const int decimals = std::clamp(static_cast<int>(std::ceil(-std::log10(toSeconds(step)) - 1e-9)), 0, 6);
    return QStringLiteral("%1 s").arg(toSeconds(t), 0, 'f', decimals);
}

} // namespace

// ---------------------------------------------------------------------------------------
// TimelineEvents

TimelineEvents::TimelineEvents(std::size_t capacity) : m_capacity(std::max<std::size_t>(capacity, 1)) {}

void TimelineEvents::clear()
{
    m_ring.clear();
    m_head = 0;
    m_seen = 0;
    m_missed = 0;
    m_coveredFrom = 0;
}

void TimelineEvents::noteMissed(std::uint64_t count, Nanos from)
{
    m_missed += count;
    m_coveredFrom = std::max(m_coveredFrom, from);
}

void TimelineEvents::append(const std::vector<AttemptEvent>& events)
{
    m_seen += events.size();
    auto next = events.begin();
    // Until full, at the end; then over the oldest, in runs up to the ring's end (copies
    // of 100,000 events a refresh at 100,000 workers: no test or modulo per event).
    if (m_ring.size() < m_capacity) {
        const auto n = static_cast<std::ptrdiff_t>(
            std::min(m_capacity - m_ring.size(), static_cast<std::size_t>(events.end() - next)));
        if (m_ring.capacity() < m_ring.size() + static_cast<std::size_t>(n))
            m_ring.reserve(std::min(m_capacity, std::max({std::size_t{1024}, m_ring.size() * 2,
                                                          m_ring.size() + static_cast<std::size_t>(n)})));
        m_ring.insert(m_ring.end(), next, next + n);
        next += n;
    }
    while (next != events.end()) {
        const auto n = static_cast<std::ptrdiff_t>(
            std::min(m_capacity - m_head, static_cast<std::size_t>(events.end() - next)));
        const auto at = m_ring.begin() + static_cast<std::ptrdiff_t>(m_head);
        for (auto it = at; it != at + n; ++it)
            m_coveredFrom = std::max(m_coveredFrom, it->ended);
        std::copy(next, next + n, at);
        next += n;
        m_head = (m_head + static_cast<std::size_t>(n)) % m_capacity;
    }
}

// ---------------------------------------------------------------------------------------
// TimelineView

TimelineView::TimelineView(std::size_t capacity, QWidget* parent) : QWidget(parent), m_events(capacity)
{
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setFocusPolicy(Qt::WheelFocus);
}

QColor TimelineView::colorOf(TimelinePhase phase)
{
    switch (phase) {
    case TimelinePhase::TokenWait:
        return {0xf5, 0x9e, 0x0b};
    case TimelinePhase::Service:
        return {0x2e, 0xa0, 0x43};
    case TimelinePhase::Failed:
        return {0xdc, 0x26, 0x26};
    case TimelinePhase::TimedOut:
        return {0x93, 0x33, 0xea};
    case TimelinePhase::Cancelled:
        return {0x6b, 0x72, 0x80};
    }
    return {};
}

TimelinePhase TimelineView::phaseOf(AttemptEnd end)
{
    switch (end) {
    case AttemptEnd::Succeeded:
        return TimelinePhase::Service;
    case AttemptEnd::Failed:
    case AttemptEnd::Retrying:
        return TimelinePhase::Failed;
    case AttemptEnd::TimedOut:
        return TimelinePhase::TimedOut;
    case AttemptEnd::Cancelled:
        return TimelinePhase::Cancelled;
    }
    return TimelinePhase::Service;
}

QColor TimelineView::queueWaitColor()
{
    return {0x25, 0x63, 0xeb};
}

QColor TimelineView::omissionColor()
{
    return {0xdb, 0x27, 0x77};
}

QColor TimelineView::depthColor()
{
    return {0x60, 0xa5, 0xfa};
}

void TimelineView::setEventLog(std::shared_ptr<const AttemptEventLog> log)
{
    if (log == m_log)
        return;
    m_log = std::move(log);
    clear();
}

void TimelineView::clear()
{
    m_events.clear();
    m_density.invalidate();
    m_next = 0;
    m_now = 0;
    m_workers = 0;
    m_lanes = 1;
    m_selected.reset();
    m_hovered.reset();
    m_depth.clear();
    m_end = m_span;
    layoutRows();
    update();
}

void TimelineView::appendEvents(const std::vector<AttemptEvent>& events)
{
    int lanes = m_workers;
    for (const AttemptEvent& e : events)
        lanes = std::max(lanes, e.worker + 1);
    if (lanes != m_lanes) {
        m_lanes = std::max(1, lanes);
        layoutRows();
        m_density.invalidate(); // regrouped: made again on the next paint
    }
    // Into the density as they come (the ring keeps only its last `capacity` of them).
    // The ones the ring overwrites stay in it, before its coveredFrom(), which is not drawn.
    if (m_density.isValid()) {
        const std::size_t kept = std::min(events.size(), m_events.capacity());
        for (std::size_t i = events.size() - kept; i < events.size(); ++i)
            addToDensity(events[i]);
    }
    m_events.append(events);
}

void TimelineView::readLog()
{
    m_density.invalidate();
    readNew(m_now);
}

void TimelineView::rebuildDensity()
{
    m_density.invalidate();
    update();
}

void TimelineView::readNew(Nanos now)
{
    if (!m_log)
        return;
    m_scratch.clear();
    const std::uint64_t from = m_next;
    m_next = m_log->copySince(m_next, m_scratch);
    // The sequence moved past what was copied: the log overwrote those before this read.
    // A real pool's workers push their events in batches (kAttemptEventBatch), so a
    // later event may have ended before an earlier one: the first copied is no bound.
    // One that is: among 2 x workers x batch + 1 copied events, some worker pushed three
    // batches, the second after every missed event was pushed (so after it ended), and
    // the third's events ended after that. With fewer copied, the latest of them.
    const std::uint64_t missed = m_next - from - m_scratch.size();
    if (missed > 0) {
        const auto window = std::min<std::size_t>(
            m_scratch.size(), 2 * static_cast<std::size_t>(std::max(1, m_workers)) * kAttemptEventBatch + 1);
        Nanos missedBefore = m_scratch.empty() ? now : m_scratch.front().ended;
        for (std::size_t i = 1; i < window; ++i)
            missedBefore = std::max(missedBefore, m_scratch[i].ended);
        m_events.noteMissed(missed, missedBefore);
    }
    appendEvents(m_scratch);
    m_scratch.clear();
}

void TimelineView::refresh(Nanos now, int workers)
{
    m_workers = std::max(m_workers, workers);
    const Nanos before = m_now;
    m_now = std::max<Nanos>(now, 0);
    if (m_following)
        m_end = std::max(m_now, m_span);
    clampRange();
    // The density moves on with the view before the new attempts go in, so that they
    // land in its columns.
    if (m_density.isValid() && !m_density.follow(visibleFrom()))
        m_density.invalidate();
    readNew(before);
    update();
    emit viewChanged();
}

void TimelineView::setVisibleRange(Nanos from, Nanos to)
{
    m_following = false;
    m_span = std::max(kMinSpan, to - from);
    m_end = from + m_span;
    clampRange();
    update();
    emit viewChanged();
}

void TimelineView::setFollowing(bool on)
{
    m_following = on;
    if (on)
        m_end = std::max(m_now, m_span);
    clampRange();
    update();
    emit viewChanged();
}

void TimelineView::zoomBy(double factor, std::optional<Nanos> anchor)
{
    const Nanos longest = std::max(m_now, kDefaultSpan);
    const Nanos span =
        std::clamp(static_cast<Nanos>(std::llround(static_cast<double>(m_span) * factor)), kMinSpan, longest);
    if (m_following) {
        m_span = span;
        m_end = std::max(m_now, m_span);
    } else {
        const Nanos at = anchor.value_or(m_end - m_span / 2);
        const double keep = static_cast<double>(m_end - at) / static_cast<double>(m_span);
        m_end = at + static_cast<Nanos>(std::llround(keep * static_cast<double>(span)));
        m_span = span;
    }
    clampRange();
    update();
    emit viewChanged();
}

void TimelineView::showWholeRun()
{
    m_span = std::max(m_now, kMinSpan);
    setFollowing(true);
}

void TimelineView::clampRange()
{
    // Not before the run's start; not past the live edge (or the span, before it).
    m_end = std::clamp(m_end, m_span, std::max(m_now, m_span));
}

QRect TimelineView::lanesRect() const
{
    const QFontMetrics fm(font());
    const int gutter = fm.horizontalAdvance(QStringLiteral("100,000")) + 2 * kMargin;
    const int bottom = height() - kMargin - legendHeight() - fm.height() - kGap - kStripHeight - kGap;
    return QRect(QPoint(gutter, kMargin), QPoint(width() - kMargin - 1, std::max(kMargin, bottom - 1)));
}

QRect TimelineView::stripRect() const
{
    const QRect lanes = lanesRect();
    return {lanes.left(), lanes.bottom() + 1 + kGap, lanes.width(), kStripHeight};
}

int TimelineView::legendHeight() const
{
    // Laid out again only when the width or the font changed: every xOf() asks (through
    // lanesRect()), and laying out its texts per bar cost a paint of bars seconds.
    if (width() == m_legendFor.first && font() == m_legendFor.second)
        return m_legendHeight;
    const std::vector<PlacedLegendEntry> placed =
        flowLegend(QFontMetrics(font()), width() - 2 * kMargin, legendEntries(), false);
    m_legendFor = {width(), font()};
    m_legendHeight = placed.empty() ? 0 : flowLegendHeight(placed) + kMargin;
    return m_legendHeight;
}

QStringList TimelineView::legendTexts() const
{
    return {tr("token wait"),
            tr("service"),
            tr("failed attempt"),
            tr("timeout"),
            tr("cancelled"),
            tr("queue wait (hover or click a job)"),
            tr("planned arrival \u2192 submitted (coordinated omission)"),
            tr("queue depth")};
}

std::vector<LegendEntry> TimelineView::legendEntries() const
{
    const QStringList texts = legendTexts();
    const std::array<QColor, 8> swatches{colorOf(TimelinePhase::TokenWait),
                                         colorOf(TimelinePhase::Service),
                                         colorOf(TimelinePhase::Failed),
                                         colorOf(TimelinePhase::TimedOut),
                                         colorOf(TimelinePhase::Cancelled),
                                         queueWaitColor(),
                                         omissionColor(),
                                         depthColor()};
    std::vector<LegendEntry> entries;
    for (int i = 0; i < texts.size(); ++i)
        entries.push_back({texts[i], swatches[static_cast<std::size_t>(i)], false});
    return entries;
}

void TimelineView::resizeEvent(QResizeEvent*)
{
    layoutRows();
}

void TimelineView::layoutRows()
{
    const int height = std::max(1, lanesRect().height());
    m_lanes = std::max({1, m_lanes, m_workers});
    if (m_lanes * kMinLane <= height) {
        m_perRow = 1;
        m_rows = m_lanes;
        m_rowHeight = std::min(kMaxLane, height / m_lanes);
        return;
    }
    // Grouped: as many rows of kGroupRow px as fit, each a run of consecutive workers.
    const int fit = std::max(1, height / kGroupRow);
    m_perRow = (m_lanes + fit - 1) / fit;
    m_rows = (m_lanes + m_perRow - 1) / m_perRow;
    m_rowHeight = kGroupRow;
}

QRect TimelineView::rowRect(int row) const
{
    const QRect lanes = lanesRect();
    return {lanes.left(), lanes.top() + row * m_rowHeight, lanes.width(), m_rowHeight};
}

double TimelineView::xOf(Nanos t) const
{
    return static_cast<double>(t - visibleFrom()) * lanesRect().width() / static_cast<double>(m_span);
}

Nanos TimelineView::timeAt(double x) const
{
    return visibleFrom() + static_cast<Nanos>(std::llround(x * static_cast<double>(m_span) /
                                                           std::max(1, lanesRect().width())));
}

std::pair<int, int> TimelineView::barColumns(Nanos from, Nanos to) const
{
    const auto x0 = static_cast<int>(std::lround(xOf(from)));
    const int x1 = std::max(x0 + 1, static_cast<int>(std::lround(xOf(to))));
    return {x0, x1 - x0 >= kBarGapFrom ? x1 - 2 : x1 - 1};
}

void TimelineView::collectVisible()
{
    m_visible.clear();
    const Nanos from = visibleFrom();
    const Nanos to = visibleTo();
    for (std::size_t i = 0; i < m_events.size(); ++i) {
        const AttemptEvent& e = m_events.at(i);
        if (e.worker >= 0 && e.ended >= from && e.taken < to)
            m_visible.push_back(static_cast<std::uint32_t>(i));
    }
    const double width = std::max(1, lanesRect().width());
    const double perLanePx = width * m_lanes / std::max<double>(1.0, static_cast<double>(m_visible.size()));
    m_bars = m_perRow == 1 && m_visible.size() <= kMaxBars && perLanePx >= kMinBarPx;
}

double TimelineView::rowBusyFraction(int row) const
{
    if (row < 0 || row >= m_rows)
        return 0;
    const int first = row * m_perRow;
    const int workers = std::min(m_perRow, m_lanes - first);
    const Nanos from = visibleFrom();
    const Nanos to = visibleTo();
    double busy = 0;
    for (std::size_t i = 0; i < m_events.size(); ++i) {
        const AttemptEvent& e = m_events.at(i);
        if (e.worker < first || e.worker >= first + workers)
            continue;
        busy += static_cast<double>(std::max<Nanos>(0, std::min(e.ended, to) - std::max(e.started, from)));
    }
    return busy / (static_cast<double>(workers) * static_cast<double>(m_span));
}

double TimelineView::paintedShare(int row) const
{
    if (m_bars || row < 0 || row >= m_rows)
        return 0;
    return m_density.meanShare(row);
}

const AttemptEvent* TimelineView::eventAt(QPoint pos) const
{
    const QRect lanes = lanesRect();
    if (m_perRow != 1 || !lanes.contains(pos))
        return nullptr;
    const int row = (pos.y() - lanes.top()) / std::max(1, m_rowHeight);
    const int x = pos.x() - lanes.left();
    const AttemptEvent* best = nullptr;
    for (std::size_t i = m_events.size(); i-- > 0;) {
        const AttemptEvent& e = m_events.at(i);
        if (e.worker != row)
            continue;
        const auto [x0, x1] = barColumns(e.taken, e.ended);
        if (x >= x0 && x <= std::max(x1, x0))
            return &e;
        // A bar narrower than a few px is hard to hit: the nearest within 2 px will do.
        if (!best && x >= x0 - 2 && x <= x1 + 2)
            best = &e;
    }
    return best;
}

QString TimelineView::describe(const AttemptEvent& e)
{
    QString outcome;
    switch (e.end) {
    case AttemptEnd::Succeeded:
        outcome = tr("succeeded");
        break;
    case AttemptEnd::Failed:
        outcome = tr("failed (no attempt left)");
        break;
    case AttemptEnd::Retrying:
        outcome = tr("failed, to be retried");
        break;
    case AttemptEnd::TimedOut:
        outcome = tr("timed out");
        break;
    case AttemptEnd::Cancelled:
        outcome = tr("cancelled");
        break;
    }
    QStringList lines;
    lines << tr("job %1, attempt %2, worker %3").arg(e.jobId).arg(e.attempt).arg(e.worker);
    lines << tr("planned arrival %1").arg(instantText(e.planned));
    // Held back (coordinated omission) only when late past kHeldBackFrom: a real
    // producer thread wakes a little late in every run, backpressure or not.
    if (producerHeldBack(e.planned, e.submitted))
        lines << tr("submitted %1 (%2 late: held back, coordinated omission)")
                     .arg(instantText(e.submitted), durationText(e.submitted - e.planned));
    else if (e.submitted != e.planned)
        lines << tr("submitted %1 (%2 late: the producer woke late)")
                     .arg(instantText(e.submitted), durationText(e.submitted - e.planned));
    lines << tr("enqueued %1").arg(instantText(e.enqueued));
    // The summary's wait counts a first attempt from its planned arrival: say both when they differ.
    if (e.attempt == 1 && e.enqueued != e.planned)
        lines << tr("taken %1 (queue wait %2; %3 since the planned arrival)")
                     .arg(instantText(e.taken), durationText(e.taken - e.enqueued),
                          durationText(e.taken - e.planned));
    else
        lines << tr("taken %1 (queue wait %2)").arg(instantText(e.taken), durationText(e.taken - e.enqueued));
    if (e.started != e.taken)
        lines << tr("started %1 (token wait %2)")
                     .arg(instantText(e.started), durationText(e.started - e.taken));
    else
        lines << tr("started %1").arg(instantText(e.started));
    lines << tr("ended %1 (service %2)").arg(instantText(e.ended), durationText(e.ended - e.started));
    lines << tr("outcome: %1").arg(outcome);
    return lines.join(QLatin1Char('\n'));
}

QString TimelineView::hoverText(QPoint pos) const
{
    if (const AttemptEvent* e = eventAt(pos))
        return describe(*e);
    const QRect lanes = lanesRect();
    if (m_perRow == 1 || !lanes.contains(pos))
        return {};
    // Grouped lanes: what the row's cell under the pointer holds.
    const int row = (pos.y() - lanes.top()) / m_rowHeight;
    if (row >= m_rows)
        return {};
    const int first = row * m_perRow;
    const int last = std::min(m_lanes, first + m_perRow) - 1;
    const int column = pos.x() - lanes.left();
    const double share = m_bars ? 0.0 : m_density.share(row, column);
    const Nanos from = timeAt(column);
    const Nanos to = timeAt(column + 1);
    return tr("workers %1\u2013%2, %3 to %4: %5 % of their time in attempts")
        .arg(first)
        .arg(last)
        .arg(instantText(from), instantText(to))
        .arg(std::min(1.0, static_cast<double>(share)) * 100, 0, 'f', 1);
}

void TimelineView::selectJob(std::optional<std::uint64_t> jobId)
{
    m_selected = jobId;
    update();
}

bool TimelineView::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = hoverText(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void TimelineView::wheelEvent(QWheelEvent* event)
{
    const QPoint delta = event->angleDelta();
    if (delta.x() != 0 || event->modifiers() & Qt::ShiftModifier) {
        // Sideways (or Shift): scroll by a tenth of the view per notch.
        const int notches = delta.x() != 0 ? delta.x() : delta.y();
        const Nanos from =
            visibleFrom() - static_cast<Nanos>(notches / 120.0 * 0.1 * static_cast<double>(m_span));
        setVisibleRange(from, from + m_span);
    } else if (delta.y() != 0) {
        const double x = event->position().x() - lanesRect().left();
        zoomBy(std::pow(0.8, delta.y() / 120.0), timeAt(x));
    }
    event->accept();
}

void TimelineView::mousePressEvent(QMouseEvent* event)
{
    m_pressAt = event->pos();
    m_pressEnd = m_end;
    m_dragging = false;
}

void TimelineView::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton) {
        // Dragging pans the view (and stops following).
        const int dx = event->pos().x() - m_pressAt.x();
        if (std::abs(dx) > 3 || m_dragging) {
            m_dragging = true;
            const Nanos end =
                m_pressEnd - static_cast<Nanos>(static_cast<double>(dx) * static_cast<double>(m_span) /
                                                std::max(1, lanesRect().width()));
            setVisibleRange(end - m_span, end);
        }
        return;
    }
    const AttemptEvent* e = eventAt(event->pos());
    const std::optional<std::uint64_t> hovered = e ? std::optional(e->jobId) : std::nullopt;
    if (hovered != m_hovered) {
        m_hovered = hovered;
        update();
    }
}

void TimelineView::mouseReleaseEvent(QMouseEvent* event)
{
    if (!m_dragging) {
        const AttemptEvent* e = eventAt(event->pos());
        selectJob(e ? std::optional(e->jobId) : std::nullopt);
    }
    m_dragging = false;
}

void TimelineView::leaveEvent(QEvent*)
{
    if (m_hovered) {
        m_hovered.reset();
        update();
    }
}

void TimelineView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    const QRect lanes = lanesRect();
    p.fillRect(lanes, palette().color(QPalette::Base));
    layoutRows();
    if (m_perRow == 1) {
        collectVisible();
    } else { // grouped lanes are always density: no need to walk the ring
        m_visible.clear();
        m_bars = false;
    }
    if (m_perRow == 1 && m_rowHeight >= 6) { // every other lane shaded, so lanes read as rows
        for (int row = 1; row < m_rows; row += 2)
            p.fillRect(rowRect(row), palette().color(QPalette::AlternateBase));
    }
    paintGrid(p, lanes);
    if (m_bars) {
        m_density.invalidate(); // not kept up while bars are drawn
        paintBars(p);
    } else {
        paintDensity(p);
    }
    paintNotHeld(p);
    for (const std::optional<std::uint64_t>& job : {m_selected, m_hovered})
        if (job)
            paintWaits(p, *job);
    paintSelection(p);
    paintLaneLabels(p);
    // The strip follows the view: read the record again when the range (or the record) moved.
    if (m_recordReader) {
        std::int64_t rows = -1;
        m_recordReader(
            [&rows](const IntervalRecord& record) { rows = static_cast<std::int64_t>(record.appended()); });
        const std::array<std::int64_t, 4> now{visibleFrom(), visibleTo(), lanesRect().width(), rows};
        if (now != m_depthFor)
            m_recordReader([this](const IntervalRecord& record) { readQueueDepth(record); });
    }
    paintStrip(p);
    paintAxis(p);
    if (m_events.size() == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(lanes, Qt::AlignCenter | Qt::TextWordWrap,
                   tr("No attempts yet. Start a run: each attempt appears as a bar when it ends."));
    }
    const std::vector<LegendEntry> entries = legendEntries();
    const std::vector<PlacedLegendEntry> placed =
        flowLegend(fontMetrics(), width() - 2 * kMargin, entries, false);
    paintLegend(p, QPoint(kMargin, height() - legendHeight()), entries, placed,
                palette().color(QPalette::Text));
}

void TimelineView::paintBars(QPainter& p)
{
    const QRect lanes = lanesRect();
    p.save();
    p.setClipRect(lanes);
    const int gap = m_rowHeight >= 6 ? 1 : 0;
    for (const std::uint32_t index : m_visible) {
        const AttemptEvent& e = m_events.at(index);
        if (e.worker >= m_rows)
            continue;
        const QRect row = rowRect(e.worker);
        const int top = row.top() + gap;
        const int height = row.height() - 2 * gap;
        const auto [x0, x1] = barColumns(e.taken, e.ended);
        // The token wait, then the service up to the bar's end.
        const int split = std::clamp(static_cast<int>(std::lround(xOf(e.started))), x0, x1 + 1);
        if (split > x0)
            p.fillRect(QRect(lanes.left() + x0, top, split - x0, height), colorOf(TimelinePhase::TokenWait));
        if (x1 >= split)
            p.fillRect(QRect(lanes.left() + split, top, x1 - split + 1, height), colorOf(phaseOf(e.end)));
    }
    p.restore();
}

void TimelineView::addToDensity(const AttemptEvent& e)
{
    // Each phase's colour made once (a QColor per piece cost a third of a paint).
    static const std::array<QRgb, kTimelinePhases> kColours = [] {
        std::array<QRgb, kTimelinePhases> colours{};
        for (int i = 0; i < kTimelinePhases; ++i)
            colours[static_cast<std::size_t>(i)] = colorOf(static_cast<TimelinePhase>(i)).rgb();
        return colours;
    }();
    const int row = rowOf(e);
    if (row < 0 || row >= m_rows)
        return;
    if (e.started > e.taken)
        m_density.add(row, e.taken, e.started, kColours[static_cast<std::size_t>(TimelinePhase::TokenWait)]);
    m_density.add(row, e.started, e.ended, kColours[static_cast<std::size_t>(phaseOf(e.end))]);
}

void TimelineView::paintDensity(QPainter& p)
{
    const QRect lanes = lanesRect();
    const TimelineDensity::Geometry geometry{
        m_span,      std::max(1, lanes.width()),           m_rows, m_perRow, m_lanes,
        m_rowHeight, palette().color(QPalette::Base).rgb()};
    if (m_density.matches(geometry) && m_density.follow(visibleFrom())) {
        ++m_densityUpdates; // only what was read since the last paint is new
    } else {
        ++m_densityRebuilds;
        m_density.reset(geometry, visibleFrom());
        for (std::size_t i = 0; i < m_events.size(); ++i)
            addToDensity(m_events.at(i));
    }
    m_density.render();
    // Up to where the ring covers, the cells may hold attempts it no longer does: not drawn
    // (paintNotHeld shades it).
    const Nanos hidden = m_events.dropped() ? m_events.coveredFrom() : TimelineDensity::kNone;
    m_densityLeft = m_density.draw(p, lanes.topLeft(), lanes.height(), visibleFrom(), hidden);
}

void TimelineView::paintNotHeld(QPainter& p)
{
    if (!m_events.dropped() || m_events.coveredFrom() <= visibleFrom())
        return;
    const QRect lanes = lanesRect();
    int x = static_cast<int>(std::lround(std::min<double>(xOf(m_events.coveredFrom()), lanes.width())));
    if (!m_bars) // up to where the density's drawing starts
        x = std::max(x, m_densityLeft);
    const QRect gone(lanes.left(), lanes.top(), x, lanes.height());
    QColor shade = palette().color(QPalette::Window);
    shade.setAlpha(220);
    p.fillRect(gone, shade);
    p.fillRect(gone, QBrush(palette().color(QPalette::Mid), Qt::BDiagPattern));
    p.setPen(palette().color(QPalette::Text));
    const QString why = m_events.missed() > 0
                            ? tr("Older attempts are not kept: %1 were overwritten in the run's event log "
                                 "before the view read them.")
                                  .arg(QLocale().toString(static_cast<qulonglong>(m_events.missed())))
                            : tr("Older attempts are not kept: the view holds the last %1.")
                                  .arg(QLocale().toString(static_cast<qulonglong>(m_events.capacity())));
    p.drawText(gone.adjusted(kMargin, kMargin, -kMargin, -kMargin), Qt::AlignCenter | Qt::TextWordWrap, why);
}

void TimelineView::paintWaits(QPainter& p, std::uint64_t jobId)
{
    const QRect lanes = lanesRect();
    p.save();
    p.setClipRect(lanes);
    p.setRenderHint(QPainter::Antialiasing, false);
    for (std::size_t i = 0; i < m_events.size(); ++i) {
        const AttemptEvent& e = m_events.at(i);
        if (e.jobId != jobId || rowOf(e) < 0 || rowOf(e) >= m_rows)
            continue;
        const QRect row = rowRect(rowOf(e));
        const int y = row.center().y();
        const auto x = [&](Nanos t) { return lanes.left() + static_cast<int>(std::lround(xOf(t))); };
        // The bar outlined, the queue wait as a thin line up to it with a tick where it began.
        const auto [x0, x1] = barColumns(e.taken, e.ended);
        p.setPen(QPen(palette().color(QPalette::Text), 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRect(lanes.left() + x0 - 1, row.top(), x1 - x0 + 2, row.height() - 1));
        // Each line on a halo of the background, so that it reads over bars of any colour.
        const auto segment = [&](Nanos from, Nanos to, const QColor& colour, Qt::PenStyle style) {
            p.setPen(QPen(palette().color(QPalette::Base), 4));
            p.drawLine(x(from), y, x(to), y);
            p.drawLine(x(from), row.top() + 1, x(from), row.bottom() - 1);
            p.setPen(QPen(colour, 2, style));
            p.drawLine(x(from), y, x(to), y);
            p.drawLine(x(from), row.top() + 1, x(from), row.bottom() - 1);
        };
        if (e.attempt == 1 && producerHeldBack(e.planned, e.submitted))
            segment(e.planned, e.submitted, omissionColor(), Qt::DashLine);
        if (e.taken > e.enqueued)
            segment(e.enqueued, e.taken, queueWaitColor(), Qt::SolidLine);
    }
    p.restore();
}

const AttemptEvent* TimelineView::selectedEvent() const
{
    // Its latest attempt held: the ring is in the order attempts ended.
    for (std::size_t i = m_events.size(); i-- > 0;)
        if (m_events.at(i).jobId == *m_selected)
            return &m_events.at(i);
    return nullptr;
}

void TimelineView::paintSelection(QPainter& p)
{
    // The clicked job's times stay in a box in a corner of the lanes, away from its bar.
    const AttemptEvent* e = m_selected ? selectedEvent() : nullptr;
    if (!e)
        return;
    const QRect lanes = lanesRect();
    const QString text = describe(*e);
    const QRect inner = fontMetrics().boundingRect(QRect(0, 0, 10000, 10000), 0, text);
    QRect box(0, 0, inner.width() + 2 * kMargin + 2, inner.height() + 2 * kMargin);
    const int below = lanes.top() + m_rows * m_rowHeight + kMargin;
    if (below + box.height() <= lanes.bottom()) {
        // Under the lanes, by the bar.
        const int x = lanes.left() + static_cast<int>(std::lround(xOf(e->taken))) - box.width() / 2;
        box.moveTopLeft(
            QPoint(std::clamp(x, lanes.left() + kMargin, lanes.right() - kMargin - box.width()), below));
    } else {
        const bool barOnTheRight = xOf(e->taken) > lanes.width() / 2.0;
        box.moveTopLeft(barOnTheRight ? QPoint(lanes.left() + kMargin, lanes.top() + kMargin)
                                      : QPoint(lanes.right() - kMargin - box.width(), lanes.top() + kMargin));
    }
    QColor fill = palette().color(QPalette::ToolTipBase);
    fill.setAlpha(235);
    p.fillRect(box, fill);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(box.adjusted(0, 0, -1, -1));
    p.setPen(palette().color(QPalette::ToolTipText));
    p.drawText(box.adjusted(kMargin + 1, kMargin, -kMargin, -kMargin), 0, text);
}

void TimelineView::paintLaneLabels(QPainter& p)
{
    const QRect lanes = lanesRect();
    const QFontMetrics fm = fontMetrics();
    p.setPen(palette().color(QPalette::Text));
    // A label every few rows, so that they never overlap: the first worker of the row.
    const int every = std::max(1, (fm.height() + m_rowHeight - 1) / std::max(1, m_rowHeight));
    const int step = every == 1 ? 1 : (every <= 2 ? 2 : (every <= 5 ? 5 : ((every + 9) / 10) * 10));
    const QLocale locale;
    for (int row = 0; row < m_rows; row += step) {
        const QRect r = rowRect(row);
        const QRect label(kMargin, r.top() + (m_rowHeight - fm.height()) / 2, lanes.left() - 2 * kMargin,
                          fm.height());
        if (label.bottom() > lanes.bottom())
            break;
        p.drawText(label, Qt::AlignRight | Qt::AlignVCenter,
                   locale.toString(static_cast<qlonglong>(row) * m_perRow));
    }
}

void TimelineView::setRecordReader(RecordReader reader)
{
    m_recordReader = std::move(reader);
    m_depthFor = {};
    update();
}

void TimelineView::takeQueueDepth(const IntervalRecord& record)
{
    readQueueDepth(record);
    update();
}

void TimelineView::readQueueDepth(const IntervalRecord& record)
{
    m_depthFor = {visibleFrom(), visibleTo(), lanesRect().width(),
                  static_cast<std::int64_t>(record.appended())};
    const int columns = std::max(1, lanesRect().width());
    m_depth.assign(static_cast<std::size_t>(columns), -1);
    m_depthRowNs = record.rowWidthNs();
    const std::span<const Sample> rows = record.rows();
    const Nanos from = visibleFrom();
    const Nanos to = visibleTo();
    const double columnNs = static_cast<double>(m_span) / columns;
    // Each row holds the depth at its end over its interval, as the charts draw it.
    auto it =
        std::partition_point(rows.begin(), rows.end(), [from](const Sample& s) { return s.runNs <= from; });
    for (; it != rows.end(); ++it) {
        const Nanos start = it->runNs - it->intervalNs;
        if (start >= to)
            break;
        const int c0 = std::max(0, static_cast<int>(static_cast<double>(start - from) / columnNs));
        const int c1 = std::min(
            columns - 1, static_cast<int>(std::ceil(static_cast<double>(it->runNs - from) / columnNs)) - 1);
        for (int c = c0; c <= c1; ++c)
            m_depth[static_cast<std::size_t>(c)] =
                std::max(m_depth[static_cast<std::size_t>(c)], it->queueDepth);
    }
}

void TimelineView::paintStrip(QPainter& p)
{
    const QRect strip = stripRect();
    p.fillRect(strip, palette().color(QPalette::Base));
    paintGrid(p, strip);
    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(strip.adjusted(0, 0, -1, -1));
    // Inside the frame: a column's bar is its depth over the peak in view.
    const QRect inner = strip.adjusted(0, 1, 0, -1);
    const std::int64_t top = m_depth.empty() ? 0 : *std::max_element(m_depth.begin(), m_depth.end());
    if (top > 0) {
        const int columns = std::min(static_cast<int>(m_depth.size()), inner.width());
        for (int c = 0; c < columns; ++c) {
            const std::int64_t d = m_depth[static_cast<std::size_t>(c)];
            if (d <= 0)
                continue;
            const int h = std::max(1, static_cast<int>(std::lround(static_cast<double>(d) * inner.height() /
                                                                   static_cast<double>(top))));
            p.fillRect(QRect(inner.left() + c, inner.bottom() - h + 1, 1, h), depthColor());
        }
    }
    // Its scale in the gutter, where it hides no bar: the peak in view and the record's step.
    p.setPen(palette().color(QPalette::Text));
    const QFontMetrics fm = fontMetrics();
    const QRect gutter(kMargin, strip.top(), strip.left() - 2 * kMargin, strip.height());
    const QStringList lines{
        tr("queue"),
        fm.elidedText(QLocale().toString(static_cast<qlonglong>(top)), Qt::ElideRight, gutter.width()),
        fm.elidedText(tr("per %1").arg(QStringLiteral("%1 s").arg(toSeconds(m_depthRowNs), 0, 'g', 2)),
                      Qt::ElideRight, gutter.width())};
    p.drawText(gutter, Qt::AlignRight | Qt::AlignTop, lines.join(QLatin1Char('\n')));
}

Nanos TimelineView::tickStep() const
{
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("0000.000 s")) + 12;
    return niceStep(static_cast<double>(m_span) * labelWidth /
                    static_cast<double>(std::max(1, lanesRect().width())));
}

void TimelineView::paintGrid(QPainter& p, const QRect& area)
{
    QColor grid = palette().color(QPalette::Mid);
    grid.setAlpha(90);
    p.setPen(grid);
    const Nanos step = tickStep();
    for (Nanos t = (visibleFrom() + step - 1) / step * step; t <= visibleTo(); t += step) {
        const int x = lanesRect().left() + static_cast<int>(std::lround(xOf(t)));
        p.drawLine(x, area.top(), x, area.bottom());
    }
}

void TimelineView::paintAxis(QPainter& p)
{
    const QRect lanes = lanesRect();
    const QRect strip = stripRect();
    const QFontMetrics fm = fontMetrics();
    const Nanos step = tickStep();
    p.setPen(palette().color(QPalette::Text));
    for (Nanos t = (visibleFrom() + step - 1) / step * step; t <= visibleTo(); t += step) {
        const int x = lanes.left() + static_cast<int>(std::lround(xOf(t)));
        p.drawLine(x, strip.bottom() + 1, x, strip.bottom() + 3);
        const QString text = tickText(t, step);
        const int w = fm.horizontalAdvance(text);
        p.drawText(QRect(std::min(x - w / 2, lanes.right() - w), strip.bottom() + kGap, w, fm.height()),
                   Qt::AlignCenter, text);
    }
}

// ---------------------------------------------------------------------------------------
// TimelinePanel

TimelinePanel::TimelinePanel(std::size_t capacity, QWidget* parent) : QWidget(parent)
{
    m_view = new TimelineView(capacity);
    const auto button = [this](const QString& text, const QString& tip) {
        auto* b = new QToolButton;
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    m_follow = button(tr("Follow"), tr("Follow the live run (off: the view stays where it is; dragging, "
                                       "scrolling or the scroll bar turn it off)"));
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    QToolButton* in =
        button(tr("Zoom in"), tr("Show half the time (the mouse wheel zooms around the pointer)"));
    QToolButton* out = button(tr("Zoom out"), tr("Show twice the time"));
    QToolButton* whole = button(tr("Whole run"), tr("From the run's start to now, following it"));
    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("timelineStatus"));
    m_status->setWordWrap(true);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_scroll = new QScrollBar(Qt::Horizontal);
    m_scroll->setToolTip(
        tr("Scroll through the run (the view stops following it; at the end it follows again)"));

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    for (QToolButton* b : {m_follow, in, out, whole})
        bar->addWidget(b);
    bar->addWidget(m_status, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_scroll);

    connect(m_follow, &QToolButton::toggled, m_view, [this](bool on) {
        if (!m_syncing)
            m_view->setFollowing(on);
    });
    connect(in, &QToolButton::clicked, m_view, [this] { m_view->zoomBy(0.5); });
    connect(out, &QToolButton::clicked, m_view, [this] { m_view->zoomBy(2.0); });
    connect(whole, &QToolButton::clicked, m_view, &TimelineView::showWholeRun);
    connect(m_view, &TimelineView::viewChanged, this, &TimelinePanel::sync);
    connect(m_scroll, &QScrollBar::valueChanged, this, [this](int value) {
        if (m_syncing)
            return;
        if (value >= m_scroll->maximum()) {
            m_view->setFollowing(true);
            return;
        }
        const Nanos from = static_cast<Nanos>(value) * kMilli;
        m_view->setVisibleRange(from, from + m_view->span());
    });
    sync();
}

void TimelinePanel::refresh(Nanos now, int workers)
{
    m_view->refresh(now, workers); // emits viewChanged: sync()
}

void TimelinePanel::sync()
{
    m_syncing = true;
    const TimelineView* v = m_view;
    const Nanos last = std::max(v->now(), v->visibleTo());
    const auto lastStartMs = static_cast<int>(std::max<Nanos>(0, last - v->span()) / kMilli);
    m_scroll->setRange(kRunStartMs, lastStartMs);
    m_scroll->setPageStep(static_cast<int>(std::max<Nanos>(1, v->span() / kMilli)));
    m_scroll->setSingleStep(std::max(1, m_scroll->pageStep() / 10));
    m_scroll->setValue(static_cast<int>(v->visibleFrom() / kMilli));
    m_follow->setChecked(v->isFollowing());
    const QLocale locale;
    const TimelineEvents& events = v->events();
    QString text = tr("Keeps the last %1 attempts (%2 MB); %3 read")
                       .arg(locale.toString(static_cast<qulonglong>(events.capacity())))
                       .arg(static_cast<double>(events.capacity() * sizeof(AttemptEvent)) / 1e6, 0, 'f', 1)
                       .arg(locale.toString(static_cast<qulonglong>(events.seen())));
    if (events.missed() > 0)
        text += tr(" \u00b7 %1 lost (overwritten in the run's log before read)")
                    .arg(locale.toString(static_cast<qulonglong>(events.missed())));
    if (v->workersPerRow() > 1)
        text += tr(" \u00b7 1 row = %1 workers").arg(locale.toString(v->workersPerRow()));
    if (!v->drawsBars())
        text += tr(" \u00b7 bars merged: more attempts than pixels");
    m_status->setText(text);
    m_syncing = false;
}

} // namespace poollab
