// SPDX-License-Identifier: GPL-3.0-or-later
// The timeline: bars at the pixels their times fall on, the hover text of a known job,
// lanes grouped (and their busy share) at 10,000 workers, and a ring that stays its size.
#include "ui/timeline_view.h"

#include "io/scenario_file.h"
#include "ui/engine_factory.h"
#include "ui/main_window.h"
#include "ui/timeline_density.h"

#include <QDir>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>

#include <QScrollBar>
#include <QTest>
#include <QToolButton>

#include <algorithm>
#include <random>

using namespace poollab;

namespace {

constexpr Nanos kMs = kMilli;

AttemptEvent attempt(std::uint64_t job, int worker, Nanos taken, Nanos started, Nanos ended,
                     AttemptEnd end = AttemptEnd::Succeeded)
{
    AttemptEvent e;
    e.jobId = job;
    e.worker = worker;
    e.planned = e.submitted = e.enqueued = taken;
    e.taken = taken;
    e.started = started;
    e.ended = ended;
    e.end = end;
    return e;
}

// A view whose lanes are exactly `columns` px wide showing [0, columns x pxNs): one
// column per pxNs, so every time falls on a known pixel.
void fixScale(TimelineView& view, Nanos pxNs)
{
    view.resize(900, 500);
    const int width = view.lanesRect().width();
    view.setVisibleRange(0, width * pxNs);
    QCOMPARE(view.span(), width * pxNs);
}

QRgb pixelAt(const QImage& image, QPoint p)
{
    return image.pixel(p) & 0xffffff;
}

QRgb rgb(const QColor& c)
{
    return c.rgb() & 0xffffff;
}

// Within one step of 255 per channel: a blend computed in floats.
bool near(QRgb a, QRgb b)
{
    return std::abs(qRed(a) - qRed(b)) <= 1 && std::abs(qGreen(a) - qGreen(b)) <= 1 &&
           std::abs(qBlue(a) - qBlue(b)) <= 1;
}

// Every worker busy one attempt after another from 0 to `until` with gaps between
// them, some with a token wait, some failing, timing out or cancelled; in the order they
// end, as the engines push them.
std::vector<AttemptEvent> busyWorkers(int workers, Nanos meanService, Nanos until)
{
    std::mt19937_64 random(20261201);
    std::exponential_distribution<double> service(1.0 / static_cast<double>(meanService));
    std::uniform_int_distribution<int> percent(0, 99);
    std::vector<AttemptEvent> events;
    std::uint64_t job = 0;
    for (int w = 0; w < workers; ++w) {
        Nanos t = static_cast<Nanos>(service(random) / 2);
        while (t < until) {
            const Nanos wait = percent(random) < 20 ? static_cast<Nanos>(service(random) / 4) : 0;
            const Nanos ended = t + wait + std::max<Nanos>(kMicro, static_cast<Nanos>(service(random)));
            const int p = percent(random);
            const AttemptEnd end = p < 85   ? AttemptEnd::Succeeded
                                   : p < 91 ? AttemptEnd::Retrying
                                   : p < 95 ? AttemptEnd::TimedOut
                                   : p < 98 ? AttemptEnd::Failed
                                            : AttemptEnd::Cancelled;
            events.push_back(attempt(job++, w, t, t + wait, ended, end));
            t = ended + (percent(random) < 30 ? static_cast<Nanos>(service(random) / 3) : 0);
        }
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const AttemptEvent& a, const AttemptEvent& b) { return a.ended < b.ended; });
    return events;
}

// The first pixel where two pictures differ, to say where.
QString firstDifference(const QImage& a, const QImage& b)
{
    if (a.size() != b.size())
        return QStringLiteral("sizes differ");
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (a.pixel(x, y) != b.pixel(x, y))
                return QStringLiteral("at (%1, %2): %3 vs %4")
                    .arg(x)
                    .arg(y)
                    .arg(a.pixel(x, y), 8, 16, QLatin1Char('0'))
                    .arg(b.pixel(x, y), 8, 16, QLatin1Char('0'));
    return {};
}

} // namespace

class TstTimelineView : public QObject
{
    Q_OBJECT

private slots:
    // Each phase from the pixel its start falls on to the one before its end (a bar
    // this wide gives up its last column so that back-to-back bars part), at 10 ms a px.
    void barsAtTheRightPixels_data()
    {
        QTest::addColumn<int>("end");
        QTest::addColumn<Nanos>("tokenWait");
        QTest::addColumn<QColor>("serviceColor");
        QTest::newRow("service") << int(AttemptEnd::Succeeded) << Nanos{0}
                                 << TimelineView::colorOf(TimelinePhase::Service);
        QTest::newRow("token wait, then service")
            << int(AttemptEnd::Succeeded) << 200 * kMs << TimelineView::colorOf(TimelinePhase::Service);
        QTest::newRow("failed, retried")
            << int(AttemptEnd::Retrying) << Nanos{0} << TimelineView::colorOf(TimelinePhase::Failed);
        QTest::newRow("failed for good")
            << int(AttemptEnd::Failed) << 50 * kMs << TimelineView::colorOf(TimelinePhase::Failed);
        QTest::newRow("timeout") << int(AttemptEnd::TimedOut) << Nanos{0}
                                 << TimelineView::colorOf(TimelinePhase::TimedOut);
        QTest::newRow("cancelled") << int(AttemptEnd::Cancelled) << Nanos{0}
                                   << TimelineView::colorOf(TimelinePhase::Cancelled);
    }
    void barsAtTheRightPixels()
    {
        QFETCH(int, end);
        QFETCH(Nanos, tokenWait);
        QFETCH(QColor, serviceColor);
        TimelineView view;
        view.refresh(0, 4);
        // Worker 2: taken at 1 s, service from 1 s + token wait to 1.7 s. Worker 0: 0.3 s to 0.31 s (1 px).
        view.appendEvents({attempt(7, 2, kSecond, kSecond + tokenWait, 1700 * kMs, AttemptEnd(end)),
                           attempt(8, 0, 300 * kMs, 300 * kMs, 310 * kMs)});
        fixScale(view, 10 * kMs);
        QCOMPARE(view.workersPerRow(), 1);
        QCOMPARE(view.rowCount(), 4);
        const QImage image = view.grab().toImage();
        QVERIFY(view.drawsBars());
        const QRect lanes = view.lanesRect();
        const int y = view.rowRect(2).center().y();
        const auto at = [&](int column) { return pixelAt(image, QPoint(lanes.left() + column, y)); };
        const QRgb base = rgb(view.palette().color(QPalette::Base)); // lanes 1 and 3 are the shaded ones
        QCOMPARE(at(99), base);
        const int split = 100 + static_cast<int>(tokenWait / (10 * kMs));
        for (int column = 100; column < split; ++column)
            QCOMPARE(at(column), rgb(TimelineView::colorOf(TimelinePhase::TokenWait)));
        for (int column = split; column <= 168; ++column)
            QCOMPARE(at(column), rgb(serviceColor));
        QCOMPARE(at(169), base); // the bar's last column, left out
        QCOMPARE(at(170), base);
        QCOMPARE(view.barColumns(kSecond, 1700 * kMs), std::make_pair(100, 168));
        // A 10 ms attempt is one px wide, on lane 0.
        const int y0 = view.rowRect(0).center().y();
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + 30, y0)),
                 rgb(TimelineView::colorOf(TimelinePhase::Service)));
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + 29, y0)), rgb(view.palette().color(QPalette::Base)));
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + 31, y0)), rgb(view.palette().color(QPalette::Base)));
    }

    void hoverShowsTheJob()
    {
        TimelineView view;
        view.refresh(0, 3);
        AttemptEvent e = attempt(1234, 1, 2500 * kMs, 2600 * kMs, 3100 * kMs, AttemptEnd::Retrying);
        e.attempt = 2;
        e.planned = 1000 * kMs;
        e.submitted = 1250 * kMs;
        e.enqueued = 2000 * kMs;
        view.appendEvents({e});
        fixScale(view, 10 * kMs);
        const QString expected =
            QStringLiteral("job 1234, attempt 2, worker 1\n"
                           "planned arrival 1.000000 s\n"
                           "submitted 1.250000 s (250.000 ms late: held back, coordinated omission)\n"
                           "enqueued 2.000000 s\n"
                           "taken 2.500000 s (queue wait 500.000 ms)\n"
                           "started 2.600000 s (token wait 100.000 ms)\n"
                           "ended 3.100000 s (service 500.000 ms)\n"
                           "outcome: failed, to be retried");
        QCOMPARE(TimelineView::describe(e), expected);
        const QPoint onBar(view.lanesRect().left() + 280, view.rowRect(1).center().y());
        QCOMPARE(view.hoverText(onBar), expected);
        QVERIFY(
            view.hoverText(QPoint(view.lanesRect().left() + 400, view.rowRect(1).center().y())).isEmpty());
        QVERIFY(
            view.hoverText(QPoint(view.lanesRect().left() + 280, view.rowRect(0).center().y())).isEmpty());
    }

    // A producer a little late is not called held back (coordinated omission): a real
    // producer thread wakes late by microseconds in every run.
    void hoverSaysHeldBackOnlyPastTheThreshold()
    {
        AttemptEvent e = attempt(3, 0, 0, 0, 10 * kMs);
        e.submitted = e.enqueued = e.taken = e.started = 262 * kMicro;
        QVERIFY(TimelineView::describe(e).contains(
            QStringLiteral("submitted 0.000262 s (0.262 ms late: the producer woke late)")));
        QVERIFY(!TimelineView::describe(e).contains(QStringLiteral("coordinated omission")));
        e.submitted = e.enqueued = e.taken = e.started = 2 * kMs;
        QVERIFY(TimelineView::describe(e).contains(
            QStringLiteral("submitted 0.002000 s (2.000 ms late: held back, coordinated omission)")));
    }

    // A selected job's queue wait is a line from its enqueue to the worker taking it;
    // job 0 (engines number jobs from 0) as well as any other.
    void selectedJobShowsItsQueueWait_data()
    {
        QTest::addColumn<quint64>("job");
        QTest::newRow("job 0") << quint64(0);
        QTest::newRow("job 5") << quint64(5);
    }

    void selectedJobShowsItsQueueWait()
    {
        QFETCH(quint64, job);
        TimelineView view;
        view.refresh(0, 3);
        AttemptEvent e = attempt(job, 1, 2500 * kMs, 2500 * kMs, 3000 * kMs);
        e.planned = 500 * kMs;
        e.submitted = e.enqueued = 1000 * kMs;
        view.appendEvents({e});
        fixScale(view, 10 * kMs);
        const int y = view.rowRect(1).center().y();
        const int left = view.lanesRect().left();
        QImage image = view.grab().toImage();
        QVERIFY(pixelAt(image, QPoint(left + 180, y)) != rgb(TimelineView::queueWaitColor()));
        // Clicked on its bar (2.5 s to 3 s: columns 250 to 299), then hovered.
        const QPoint onBar(left + 270, y);
        QTest::mouseClick(&view, Qt::LeftButton, {}, onBar);
        QCOMPARE(view.selectedJob(), std::optional<std::uint64_t>(job));
        QMouseEvent move(QEvent::MouseMove, QPointF(onBar), view.mapToGlobal(QPointF(onBar)), Qt::NoButton,
                         Qt::NoButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &move); // a hidden widget gets no QTest::mouseMove
        QCOMPARE(view.hoveredJob(), std::optional<std::uint64_t>(job));
        image = view.grab().toImage();
        for (const int column : {110, 150, 240})
            QCOMPARE(pixelAt(image, QPoint(left + column, y)), rgb(TimelineView::queueWaitColor()));
        QCOMPARE(pixelAt(image, QPoint(left + 52, y)),
                 rgb(TimelineView::omissionColor())); // a dash begins at 50
        QVERIFY(pixelAt(image, QPoint(left + 260, y)) != rgb(TimelineView::queueWaitColor()));
        // A click where no bar is selects nothing.
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(left + 150, y));
        QCOMPARE(view.selectedJob(), std::nullopt);
    }

    // 10,000 workers: rows of kGroupRow px, each a run of workers, no more rows than
    // fit; a row's shade and its busy share are what its workers did in the view.
    void aggregatesAt10000Workers()
    {
        constexpr int kWorkers = 10'000;
        TimelineView view;
        view.resize(900, 500);
        view.refresh(0, kWorkers);
        // The view shows W px of 2 ms; even workers are busy its first half, odd ones its first quarter.
        const int width = view.lanesRect().width();
        std::vector<AttemptEvent> events;
        for (int w = 0; w < kWorkers; ++w)
            events.push_back(
                attempt(static_cast<std::uint64_t>(w + 1), w, 0, 0, (w % 2 ? 1 : 2) * width * kMs / 2));
        view.appendEvents(events);
        view.setVisibleRange(0, width * 2 * kMs);
        const QImage image = view.grab().toImage();
        QVERIFY(!view.drawsBars());
        QCOMPARE(view.rowHeight(), TimelineView::kGroupRow);
        QVERIFY2(view.rowCount() <= view.lanesRect().height() / TimelineView::kGroupRow,
                 qPrintable(QString::number(view.rowCount())));
        const int perRow = view.workersPerRow();
        QCOMPARE(perRow, (kWorkers + view.lanesRect().height() / 2 - 1) / (view.lanesRect().height() / 2));
        QCOMPARE(view.rowCount(), (kWorkers + perRow - 1) / perRow);
        QVERIFY(perRow % 2 == 0); // even and odd workers pair up in every full row
        // Busy: half the row busy half the time, half a quarter of it: 0.375.
        QCOMPARE(view.rowBusyFraction(0), 0.375);
        QCOMPARE(view.rowBusyFraction(view.rowCount() / 2), 0.375);
        // Painted: solid service over the first quarter, half service in the second, background after.
        const QRect lanes = view.lanesRect();
        const QColor base = view.palette().color(QPalette::Base);
        const QColor service = TimelineView::colorOf(TimelinePhase::Service);
        const int y = view.rowRect(3).top();
        const auto half = [](double a, double b) {
            return static_cast<int>(std::lround((a * 0.5 + b * 0.5) * 255));
        };
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + width / 8, y)), rgb(service));
        const QRgb halfShade = qRgb(half(base.redF(), service.redF()), half(base.greenF(), service.greenF()),
                                    half(base.blueF(), service.blueF()));
        QVERIFY(near(pixelAt(image, QPoint(lanes.left() + 3 * width / 8, y)), halfShade));
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + 3 * width / 4, y)), rgb(base));
    }

    // The same from the simulation: 10,000 virtual workers under Poisson load, the
    // whole run in view. The rows' busy shares, weighted by their workers, are the
    // run's utilization, and what each row paints is its busy share.
    void aggregatesAVirtualRunOf10000Workers()
    {
        Scenario s;
        s.timeMode = TimeMode::Virtual;
        s.workers = 10'000;
        s.queueCapacity = 100'000;
        s.arrival = ArrivalKind::Poisson;
        s.rate = 80'000;
        s.latency = "exp(100ms)";
        s.jobs = 50'000;
        auto log = std::make_shared<AttemptEventLog>(100'000);
        std::unique_ptr<Engine> engine = makeEngineFor(s);
        engine->setAttemptEventLog(log);
        engine->start();
        QVERIFY(engine->waitFinished());
        Snapshot snapshot;
        engine->snapshot(snapshot);
        QCOMPARE(log->pushed(), std::uint64_t{50'000});

        TimelineView view;
        view.resize(900, 500);
        view.setEventLog(log);
        view.refresh(snapshot.runNs, s.workers);
        QCOMPARE(view.events().size(), std::size_t{50'000});
        view.setVisibleRange(0, snapshot.runNs);
        view.grab(); // paints
        QVERIFY(!view.drawsBars());
        const int rows = view.rowCount();
        QVERIFY2(rows <= view.lanesRect().height() / TimelineView::kGroupRow,
                 qPrintable(QString::number(rows)));
        QCOMPARE(view.workersPerRow(), (10'000 + rows - 1) / rows);
        double busy = 0;
        for (int row = 0; row < rows; ++row) {
            const int workers = std::min(view.workersPerRow(), 10'000 - row * view.workersPerRow());
            busy += view.rowBusyFraction(row) * workers;
            QVERIFY2(std::abs(view.paintedShare(row) - view.rowBusyFraction(row)) < 1e-4,
                     qPrintable(QStringLiteral("row %1: painted %2, busy %3")
                                    .arg(row)
                                    .arg(view.paintedShare(row))
                                    .arg(view.rowBusyFraction(row))));
        }
        const double utilization = busy / 10'000;
        QVERIFY2(std::abs(utilization - snapshot.utilization()) < 1e-9,
                 qPrintable(QStringLiteral("%1 vs %2").arg(utilization).arg(snapshot.utilization())));
        QVERIFY(utilization > 0.3); // a loaded run (80 % while arrivals last), not an empty picture
    }

    // The density kept between paints, gaining only what each refresh read, paints what
    // one made from all the attempts held paints, to the pixel: a view following a run,
    // refresh after refresh (its grid moves by fractions of a column), against a twin
    // reading the same log that makes its density again for every paint. With lanes
    // grouped, bars merged on lanes of their own, attempts lost (the log overwrote them
    // before a read, the view's ring dropped them), and paused, scrolled on and back,
    // zoomed and with another theme.
    // Deep in a very long run at a deep zoom, the density's fixed-point positions (t x
    // columns x q / span) would leave int64 (undefined when converted): clamped. Within
    // the range an attempt over the view's first half fills it; past it, nothing is drawn.
    void densityDeepInALongRun_data()
    {
        QTest::addColumn<Nanos>("from");
        QTest::addColumn<double>("firstHalf");
        QTest::newRow("12 days") << Nanos{12 * 24 * 3600 * kSecond} << 1.0;
        QTest::newRow("1000 days") << Nanos{1000LL * 24 * 3600 * kSecond} << 0.0;
    }

    void densityDeepInALongRun()
    {
        QFETCH(Nanos, from);
        QFETCH(double, firstHalf);
        TimelineDensity density;
        TimelineDensity::Geometry geometry;
        geometry.span = kMs;
        geometry.columns = 100;
        geometry.rows = 1;
        geometry.rowHeight = 4;
        geometry.base = qRgb(255, 255, 255);
        density.reset(geometry, from);
        density.add(0, from, from + kMs / 2, qRgb(0, 0, 255));
        density.render();
        QImage image(geometry.columns, geometry.rowHeight, QImage::Format_RGB32);
        QPainter painter(&image);
        density.draw(painter, QPoint(0, 0), geometry.rowHeight, from, TimelineDensity::kNone);
        for (int x = 1; x < 49; ++x)
            QVERIFY2(std::abs(density.share(0, x) - firstHalf) < 0.01, qPrintable(QString::number(x)));
        for (int x = 51; x < geometry.columns; ++x)
            QCOMPARE(density.share(0, x), 0.0);
    }

    void incrementalDensityPaintsWhatARebuildDoes_data()
    {
        QTest::addColumn<int>("workers");
        QTest::addColumn<Nanos>("meanService");
        QTest::addColumn<int>("logCapacity");
        QTest::addColumn<int>("ringCapacity");
        QTest::addColumn<bool>("moveAround");
        QTest::addColumn<int>("expectedRebuilds");
        QTest::addColumn<bool>("lost");    // in the log, before a read
        QTest::addColumn<bool>("dropped"); // by either: the lanes are shaded up to coveredFrom()
        QTest::newRow("1,000 workers, grouped")
            << 1000 << 400 * kMs << 100'000 << 200'000 << false << 1 << false << false;
        QTest::newRow("10,000 workers, grouped, the ring full")
            << 10'000 << 3 * kSecond << 100'000 << 30'000 << false << 1 << false << true;
        QTest::newRow("100 workers, bars merged, the ring full")
            << 100 << 20 * kMs << 100'000 << 30'000 << false << 1 << false << true;
        QTest::newRow("attempts lost in the log and the ring")
            << 2000 << 300 * kMs << 4000 << 10'000 << false << 1 << true << true;
        // Made again: on the first paint; back past what is kept; zoomed; themed; following
        // again (paused and scrolled on, it moves on).
        QTest::newRow("paused, scrolled, zoomed, themed")
            << 1000 << 400 * kMs << 20'000 << 10'000 << true << 5 << false << true;
    }

    void incrementalDensityPaintsWhatARebuildDoes()
    {
        QFETCH(int, workers);
        QFETCH(Nanos, meanService);
        QFETCH(int, logCapacity);
        QFETCH(int, ringCapacity);
        QFETCH(bool, moveAround);
        QFETCH(int, expectedRebuilds);
        QFETCH(bool, lost);
        QFETCH(bool, dropped);
        constexpr int kRefreshes = 30;
        constexpr Nanos kStep = 700 * kMs; // not a whole number of columns
        const std::vector<AttemptEvent> events = busyWorkers(workers, meanService, (kRefreshes + 2) * kStep);
        auto log = std::make_shared<AttemptEventLog>(static_cast<std::size_t>(logCapacity));
        TimelineView kept(static_cast<std::size_t>(ringCapacity));
        TimelineView rebuilt(static_cast<std::size_t>(ringCapacity));
        for (TimelineView* view : {&kept, &rebuilt}) {
            view->resize(900, 500);
            view->setEventLog(log);
        }
        // What both views are told, in turn: where the run is, and what the user did.
        const auto both = [&](const std::function<void(TimelineView&)>& action) {
            action(kept);
            action(rebuilt);
        };
        std::size_t pushed = 0;
        int barPaints = 0; // few attempts yet: bars, and no density kept
        for (int refresh = 1; refresh <= kRefreshes; ++refresh) {
            const Nanos now = refresh * kStep;
            // The engine runs on after its snapshot: attempts up to 150 ms past `now` are in the log.
            for (; pushed < events.size() && events[pushed].ended <= now + 150 * kMs; ++pushed)
                log->push(events[pushed]);
            both([&](TimelineView& v) { v.refresh(now, workers); });
            if (moveAround) {
                switch (refresh) {
                case 16: // paused: the run goes on, the view stays
                    both([](TimelineView& v) { v.setFollowing(false); });
                    break;
                case 19: // scrolled on by less than a view (the density moves on), then back
                    both([](TimelineView& v) {
                        v.setVisibleRange(v.visibleFrom() + 3 * kSecond, v.visibleTo() + 3 * kSecond);
                    });
                    break;
                case 21:
                    both([](TimelineView& v) {
                        v.setVisibleRange(v.visibleFrom() - 4 * kSecond, v.visibleTo() - 4 * kSecond);
                    });
                    break;
                case 23:
                    both([](TimelineView& v) { v.zoomBy(0.5); });
                    break;
                case 25: // another theme
                    both([](TimelineView& v) {
                        QPalette palette = v.palette();
                        palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
                        v.setPalette(palette);
                    });
                    break;
                case 26:
                    both([](TimelineView& v) { v.setFollowing(true); });
                    break;
                }
            }
            rebuilt.rebuildDensity();
            const QImage a = kept.grab().toImage();
            const QImage b = rebuilt.grab().toImage();
            barPaints += kept.drawsBars() ? 1 : 0;
            QVERIFY2(a == b,
                     qPrintable(QStringLiteral("refresh %1: %2").arg(refresh).arg(firstDifference(a, b))));
            for (int row = 0; row < kept.rowCount(); ++row)
                QCOMPARE(kept.paintedShare(row), rebuilt.paintedShare(row));
        }
        QVERIFY(!kept.drawsBars());
        QCOMPARE(kept.densityRebuilds(), expectedRebuilds);
        QCOMPARE(kept.densityUpdates(), kRefreshes - expectedRebuilds - barPaints);
        QCOMPARE(rebuilt.densityRebuilds(), kRefreshes - barPaints);
        // Not an empty picture: the rows are busy in view, and what is lost is lost.
        QVERIFY2(kept.paintedShare(0) > 0.1, qPrintable(QString::number(kept.paintedShare(0))));
        QCOMPARE(kept.events().missed() > 0, lost);
        QCOMPARE(kept.events().dropped(), dropped);
    }

    // More attempts than the ring holds: it keeps the newest, and its memory stays put.
    void ringIsBounded()
    {
        TimelineEvents ring(1000);
        std::vector<AttemptEvent> batch;
        for (int i = 0; i < 1500; ++i)
            batch.push_back(attempt(static_cast<std::uint64_t>(i + 1), 0, i * kMs, i * kMs, (i + 1) * kMs));
        ring.append(batch);
        QCOMPARE(ring.size(), std::size_t{1000});
        const std::size_t bytes = ring.memoryBytes();
        QCOMPARE(bytes, 1000 * sizeof(AttemptEvent));
        for (int round = 0; round < 20; ++round) {
            for (auto& e : batch) {
                e.jobId += 1500;
                e.taken = e.started = e.taken + 1500 * kMs;
                e.ended += 1500 * kMs;
            }
            ring.append(batch);
        }
        QCOMPARE(ring.size(), std::size_t{1000});
        QCOMPARE(ring.memoryBytes(), bytes);
        QCOMPARE(ring.seen(), std::uint64_t{21 * 1500});
        QCOMPARE(ring.at(0).jobId, std::uint64_t{21 * 1500 - 999});
        QCOMPARE(ring.at(999).jobId, std::uint64_t{21 * 1500});
        QCOMPARE(ring.coveredFrom(), 30'500 * kMs); // the last one overwritten (#30,500) ended there

        // Through a log, on the view's refresh: the same bound.
        auto log = std::make_shared<AttemptEventLog>(4096);
        TimelineView view(1000);
        view.setEventLog(log);
        for (int i = 0; i < 3000; ++i)
            log->push(attempt(static_cast<std::uint64_t>(i + 1), i % 8, i * kMs, i * kMs, (i + 1) * kMs));
        view.refresh(3 * kSecond, 8);
        QCOMPARE(view.events().size(), std::size_t{1000});
        QCOMPARE(view.events().seen(), std::uint64_t{3000});
        QCOMPARE(view.events().at(0).jobId, std::uint64_t{2001});
        view.refresh(3 * kSecond, 8); // nothing new
        QCOMPARE(view.events().seen(), std::uint64_t{3000});
    }

    // The engine's ring overwrote events before the view read them (a hidden tab, or a
    // fast virtual run between two ticks): the view counts them lost, covers only from
    // the first event it read after them, and shades the lanes before that instead of
    // showing them idle.
    void eventsOverwrittenInTheLogAreLost()
    {
        auto log = std::make_shared<AttemptEventLog>(100);
        TimelineView view(1000);
        view.setEventLog(log);
        std::uint64_t job = 0;
        const auto push = [&](int n) {
            for (int i = 0; i < n; ++i, ++job) {
                const Nanos at = static_cast<Nanos>(job) * kMs;
                log->push(attempt(job, 0, at, at, at + kMs));
            }
        };
        push(50);
        view.refresh(50 * kMs, 1);
        QCOMPARE(view.events().missed(), std::uint64_t{0});
        QVERIFY(!view.events().dropped());
        push(300); // jobs 50..349: the log holds only 250..349 at the next read
        view.refresh(350 * kMs, 1);
        QCOMPARE(view.events().seen(), std::uint64_t{150});
        QCOMPARE(view.events().missed(), std::uint64_t{200});
        QVERIFY(view.events().dropped());
        // Events come in batches of kAttemptEventBatch per worker, not in the order they
        // ended: covered from the latest end among the first 2 x 1 x 8 + 1 read after
        // them (jobs 250..266), job 266's.
        QCOMPARE(view.events().coveredFrom(), 267 * kMs);
        QCOMPARE(view.events().at(50).jobId, std::uint64_t{250});

        fixScale(view, kMs);
        const QImage image = view.grab().toImage();
        const QRect lanes = view.lanesRect();
        const int y = view.rowRect(0).center().y();
        const QRgb base = rgb(view.palette().color(QPalette::Base));
        const QRgb service = rgb(TimelineView::colorOf(TimelinePhase::Service));
        // Before 251 ms nothing claims an idle lane, nor the bars of the first 50 jobs.
        for (int column = 0; column < 250; ++column) {
            const QRgb at = pixelAt(image, QPoint(lanes.left() + column, y));
            QVERIFY2(at != base && at != service, qPrintable(QString::number(column)));
        }
        QCOMPARE(pixelAt(image, QPoint(lanes.left() + 300, y)), service); // job 300, read
    }

    void missedEventsAreInThePanelsStatus()
    {
        TimelinePanel panel(1000);
        auto log = std::make_shared<AttemptEventLog>(10);
        panel.view()->setEventLog(log);
        for (std::uint64_t job = 0; job < 25; ++job)
            log->push(attempt(job, 0, Nanos(job) * kMs, Nanos(job) * kMs, Nanos(job + 1) * kMs));
        panel.refresh(25 * kMs, 1);
        QCOMPARE(panel.view()->events().missed(), std::uint64_t{15});
        QVERIFY2(panel.statusLabel()->text().contains(QStringLiteral("15 lost")),
                 qPrintable(panel.statusLabel()->text()));
    }

    void followsZoomsAndScrolls()
    {
        TimelinePanel panel;
        panel.resize(900, 500);
        TimelineView* view = panel.view();
        panel.refresh(100 * kSecond, 4);
        QVERIFY(view->isFollowing());
        QCOMPARE(view->visibleTo(), 100 * kSecond);
        QCOMPARE(view->span(), TimelineView::kDefaultSpan);
        view->zoomBy(0.5);
        QCOMPARE(view->span(), 5 * kSecond);
        QCOMPARE(view->visibleTo(), 100 * kSecond);
        // Paused: the view stays while the run goes on.
        panel.followButton()->click();
        QVERIFY(!view->isFollowing());
        panel.refresh(110 * kSecond, 4);
        QCOMPARE(view->visibleTo(), 100 * kSecond);
        // Scrolled back, then zoomed around a point it keeps in place.
        panel.scrollBar()->setValue(20'000);
        QCOMPARE(view->visibleFrom(), 20 * kSecond);
        view->zoomBy(0.5, 21 * kSecond);
        QCOMPARE(view->visibleFrom(), 20'500 * kMs);
        QCOMPARE(view->span(), 2'500 * kMs);
        view->zoomBy(1e-6);
        QCOMPARE(view->span(), TimelineView::kMinSpan);
        // The scroll bar at its end follows again; the whole run from 0 to now.
        panel.scrollBar()->setValue(panel.scrollBar()->maximum());
        QVERIFY(view->isFollowing());
        QCOMPARE(view->visibleTo(), 110 * kSecond);
        view->showWholeRun();
        QCOMPARE(view->visibleFrom(), Nanos{0});
        QCOMPARE(view->visibleTo(), 110 * kSecond);
    }

    // The strip holds each record row's depth over its interval, scaled to the peak.
    void queueDepthStrip()
    {
        TimelineView view;
        view.refresh(3 * kSecond, 2);
        fixScale(view, 10 * kMs); // 1 s = 100 px
        IntervalRecord record;
        for (int i = 0; i < 3; ++i) {
            Sample s;
            s.runNs = (i + 1) * kSecond;
            s.intervalNs = kSecond;
            s.queueDepth = i * 10; // 0, 10, 20
            record.append(s);
        }
        view.takeQueueDepth(record);
        const QImage image = view.grab().toImage();
        const QRect strip = view.stripRect();
        const auto filled = [&](int column) {
            int n = 0;
            for (int y = strip.top(); y <= strip.bottom(); ++y)
                n += pixelAt(image, QPoint(strip.left() + column, y)) == rgb(TimelineView::depthColor());
            return n;
        };
        const int full = strip.height() - 2;
        QCOMPARE(filled(50), 0);
        QCOMPARE(filled(150), full / 2);
        QCOMPARE(filled(250), full);
    }

    // docs/screenshot-timeline.png (with POOLLAB_SHOT_DIR set; scripts/timeline-screenshots.sh):
    // the coordinated-omission preset around its first stall, the job that waited
    // longest after it selected, so its late submission and queue wait show.
    void readmeScreenshot()
    {
        const QString out = qEnvironmentVariable("POOLLAB_SHOT_DIR");
        if (out.isEmpty())
            QSKIP("POOLLAB_SHOT_DIR is not set");
        Scenario preset;
        QString error;
        QVERIFY2(loadScenarioFile(
                     QStringLiteral(POOLLAB_SOURCE_DIR "/resources/presets/coordinated-omission.json"),
                     preset, &error),
                 qPrintable(error));
        preset.timeMode = TimeMode::Virtual;
        WindowHooks hooks;
        hooks.makeEngine = makeEngineFor;
        hooks.presets = [preset] {
            return QList<PresetEntry>{{QStringLiteral("coordinated-omission"),
                                       QString::fromStdString(preset.name),
                                       QString::fromStdString(preset.description), preset}};
        };
        MainWindow w(hooks);
        w.resize(1280, 800);
        w.setTheme(Theme::Light);
        QVERIFY(w.selectPreset(QStringLiteral("coordinated-omission")));
        w.showTab(QStringLiteral("timeline"));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        RunController* c = w.controller();
        c->setPace(0);
        QVERIFY(c->start());
        QTRY_VERIFY_WITH_TIMEOUT(c->isFinished(), 120'000);
        TimelineView* view = w.timeline()->view();
        // The first stall, and after it the job whose planned arrival it delayed most.
        const AttemptEvent* stall = nullptr;
        for (std::size_t i = 0; i < view->events().size() && !stall; ++i)
            if (view->events().at(i).ended - view->events().at(i).started > 500 * kMilli)
                stall = &view->events().at(i);
        QVERIFY(stall);
        const AttemptEvent* late = stall;
        for (std::size_t i = 0; i < view->events().size(); ++i) {
            const AttemptEvent& e = view->events().at(i);
            if (e.started >= stall->ended && e.started < stall->ended + kSecond &&
                e.submitted - e.planned > late->submitted - late->planned)
                late = &e;
        }
        view->setVisibleRange(stall->started - 400 * kMilli, stall->ended + 1200 * kMilli);
        view->selectJob(late->jobId);
        QCoreApplication::processEvents();
        QVERIFY(w.grab().save(QDir(out).filePath(QStringLiteral("screenshot-timeline.png"))));
        qInfo().noquote() << TimelineView::describe(*late);
    }
};

QTEST_MAIN(TstTimelineView)
#include "tst_timeline_view.moc"
