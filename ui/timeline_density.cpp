// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/timeline_density.h"

#include <QColor>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace poollab {

namespace {

constexpr std::array<std::int64_t, 2> kClean{std::numeric_limits<std::int64_t>::max(),
                                             std::numeric_limits<std::int64_t>::min()};

} // namespace

void TimelineDensity::reset(const Geometry& geometry, Nanos from)
{
    m_geometry = geometry;
    m_valid = true;
    m_geometry.columns = std::max(1, geometry.columns);
    m_geometry.rows = std::max(1, geometry.rows);
    m_geometry.perRow = std::max(1, geometry.perRow);
    // The largest power of two (columns by shifts, not divisions) whose sums stay below 2^30
    // in a cell (255 x q x its workers): exact in uint32, finer than any pixel.
    m_shift = 0;
    while ((std::int64_t{255} << (m_shift + 1)) * m_geometry.perRow < (std::int64_t{1} << 30) && m_shift < 30)
        ++m_shift;
    m_q = std::int64_t{1} << m_shift;
    m_scale = static_cast<double>(m_q) * m_geometry.columns /
              static_cast<double>(std::max<Nanos>(1, geometry.span));
    // A quarter of the view more than it shows, for attempts that end past the live edge
    // (the engine runs on after its snapshot) and for the view's next moves.
    m_capacity = m_geometry.columns + 1 + std::max(64, m_geometry.columns / 4);
    m_start = firstColumn(from);
    m_cutOff = false;
    const QColor base = QColor::fromRgb(m_geometry.base);
    m_background = {base.redF(), base.greenF(), base.blueF()};
    const auto rows = static_cast<std::size_t>(m_geometry.rows);
    m_cells.assign(rows * static_cast<std::size_t>(m_capacity), Cell{});
    m_pending.assign(rows * static_cast<std::size_t>(m_capacity + 2), Cell{});
    m_pendingRange.assign(rows, kClean);
    m_dirty.assign(rows, {m_start, m_start + m_capacity});
    const QSize size(static_cast<int>(m_capacity), std::max(1, m_geometry.rows * m_geometry.rowHeight));
    if (m_image.size() != size)
        m_image = QImage(size, QImage::Format_RGB32);
}

std::int64_t TimelineDensity::position(Nanos t) const
{
    // Rounded half up by truncation (llround is a call; run times are never negative): the
    // same time gives the same position whatever the view. Clamped: deep in a very long
    // run at a deep zoom (12 days at 1 ms across) t x columns x q / span leaves int64,
    // and converting such a double is undefined; 2^62 leaves room for the columns' and
    // q's arithmetic on top. Times past it all land there (nothing drawn, no garbage).
    constexpr double kMaxPosition = 0x1p62;
    return static_cast<std::int64_t>(std::clamp(static_cast<double>(t) * m_scale + 0.5, 0.0, kMaxPosition));
}

std::int64_t TimelineDensity::firstColumn(Nanos from) const
{
    // The px at x shows the column its middle falls in: from + (x + 1/2) columns.
    const std::int64_t p = position(from);
    const std::int64_t column = p >> m_shift; // an arithmetic shift: the floor
    return column + (2 * (p - column * m_q) >= m_q ? 1 : 0);
}

bool TimelineDensity::follow(Nanos from)
{
    if (!m_valid)
        return false;
    const std::int64_t first = firstColumn(from);
    if (first < m_start)
        return false;
    if (first == m_start)
        return true;
    // On to the view's first column at once, so that the columns ahead of it are as many
    // as can be, for what ends past its live edge before the next move.
    if (first - m_start >= m_capacity || m_cutOff)
        return false;
    flush();
    // The columns left behind become the ones ahead: empty, their pixels the background.
    for (int row = 0; row < m_geometry.rows; ++row) {
        for (std::int64_t column = m_start; column < first; ++column)
            cell(row, column) = Cell{};
        markDirty(row, m_start + m_capacity, first + m_capacity);
    }
    m_start = first;
    return true;
}

void TimelineDensity::add(int row, Nanos from, Nanos to, QRgb colour)
{
    if (!m_valid || row < 0 || row >= m_geometry.rows)
        return;
    std::int64_t p0 = position(from);
    std::int64_t p1 = position(to);
    p0 = std::max(p0, m_start * m_q);
    if (const std::int64_t end = (m_start + m_capacity) * m_q; p1 > end) {
        p1 = end;
        m_cutOff = true; // what lies past the cells is lost: moving on must start over
    }
    if (p1 <= p0)
        return;
    const Cell unit{static_cast<std::uint32_t>(qRed(colour)), static_cast<std::uint32_t>(qGreen(colour)),
                    static_cast<std::uint32_t>(qBlue(colour)), 1};
    Cell* d = &m_pending[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_capacity + 2)];
    // Arithmetic modulo 2^32: the sums are exact whenever the cells' values fit, whatever
    // the differences on the way.
    const auto put = [&unit, d](std::int64_t index, std::int64_t amount) {
        const auto a = static_cast<std::uint32_t>(amount);
        Cell& c = d[index];
        for (std::size_t k = 0; k < 4; ++k)
            c[k] += a * unit[k];
    };
    const std::int64_t c0 = p0 >> m_shift;
    const std::int64_t c1 = p1 >> m_shift;
    const std::int64_t i0 = c0 - m_start;
    const std::int64_t i1 = c1 - m_start;
    if (c0 == c1) {
        put(i0, p1 - p0);
        put(i0 + 1, p0 - p1);
    } else {
        const std::int64_t first = (c0 + 1) * m_q - p0;
        const std::int64_t last = p1 - c1 * m_q;
        put(i0, first);
        put(i0 + 1, m_q - first);
        put(i1, last - m_q);
        put(i1 + 1, -last);
    }
    auto& range = m_pendingRange[static_cast<std::size_t>(row)];
    range = {std::min(range[0], i0), std::max(range[1], i1 + 1)};
}

void TimelineDensity::markDirty(int row, std::int64_t from, std::int64_t to)
{
    auto& dirty = m_dirty[static_cast<std::size_t>(row)];
    dirty = {std::min(dirty[0], from), std::max(dirty[1], to)};
}

void TimelineDensity::flush()
{
    for (int row = 0; row < m_geometry.rows; ++row) {
        auto& range = m_pendingRange[static_cast<std::size_t>(row)];
        if (range[0] > range[1])
            continue;
        Cell* d = &m_pending[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_capacity + 2)];
        Cell running{};
        for (std::int64_t i = range[0]; i <= range[1]; ++i) {
            for (std::size_t k = 0; k < 4; ++k)
                running[k] += d[i][k];
            d[i] = Cell{};
            if (i < m_capacity) { // past the stored columns the sums are back to 0
                Cell& c = cell(row, m_start + i);
                for (std::size_t k = 0; k < 4; ++k)
                    c[k] += running[k];
            }
        }
        markDirty(row, m_start + range[0], m_start + std::min(range[1], m_capacity));
        range = kClean;
    }
}

QRgb TimelineDensity::pixel(int row, const Cell& c) const
{
    const int workers = std::max(1, std::min(m_geometry.perRow, m_geometry.lanes - row * m_geometry.perRow));
    const double whole = static_cast<double>(m_q) * workers; // a cell all its workers filled
    const double filled = c[3] / whole;
    if (filled <= 1e-6)
        return m_geometry.base | 0xff000000u;
    // The phases' mean colour over the background, as much as the cell is filled.
    const double share = std::min(filled, 1.0);
    const double scale = filled > 1 ? 1 / filled : 1;
    std::array<int, 3> rgb{};
    for (std::size_t k = 0; k < 3; ++k) {
        const double v = m_background[k] * (1 - share) + c[k] / (255.0 * whole) * scale;
        rgb[k] = static_cast<int>(v * 255 + 0.5);
    }
    return qRgb(rgb[0], rgb[1], rgb[2]);
}

void TimelineDensity::render()
{
    if (!m_valid)
        return;
    flush();
    const int height = m_geometry.rowHeight;
    for (int row = 0; row < m_geometry.rows; ++row) {
        auto& dirty = m_dirty[static_cast<std::size_t>(row)];
        const std::int64_t from = std::max(dirty[0], m_start);
        const std::int64_t to = std::min(dirty[1], m_start + m_capacity);
        dirty = kClean;
        if (from >= to)
            continue;
        // The row's first line, then copies of it (scanLine() once: it detaches each time).
        auto* line = reinterpret_cast<QRgb*>(m_image.scanLine(row * height));
        const std::size_t stride = static_cast<std::size_t>(m_image.bytesPerLine()) / sizeof(QRgb);
        for (std::int64_t column = from; column < to; ++column) {
            const QRgb px = pixel(row, cell(row, column));
            const std::size_t x = slot(column);
            for (int y = 0; y < height; ++y)
                line[x + static_cast<std::size_t>(y) * stride] = px;
        }
    }
}

int TimelineDensity::draw(QPainter& p, QPoint topLeft, int height, Nanos from, Nanos hiddenUntil)
{
    const std::int64_t first = firstColumn(from);
    m_drawnFirst = first;
    std::int64_t start = first;
    if (hiddenUntil != kNone) {
        const std::int64_t covered = position(hiddenUntil);
        start = std::max(start, (covered + m_q - 1) >> m_shift); // the first column all after it
    }
    const auto skipped = static_cast<int>(std::min<std::int64_t>(start - first, m_geometry.columns));
    m_drawnSkipped = skipped;
    const int count = m_geometry.columns - skipped;
    if (count <= 0)
        return m_geometry.columns;
    const int h = std::min(height, m_image.height());
    const auto s = static_cast<int>(slot(start));
    const int part = std::min(count, static_cast<int>(m_capacity) - s);
    p.drawImage(QPoint(topLeft.x() + skipped, topLeft.y()), m_image, QRect(s, 0, part, h));
    if (count > part)
        p.drawImage(QPoint(topLeft.x() + skipped + part, topLeft.y()), m_image, QRect(0, 0, count - part, h));
    return skipped;
}

double TimelineDensity::share(int row, int x) const
{
    if (!m_valid || row < 0 || row >= m_geometry.rows || x < m_drawnSkipped || x >= m_geometry.columns)
        return 0;
    const int workers = std::max(1, std::min(m_geometry.perRow, m_geometry.lanes - row * m_geometry.perRow));
    return cell(row, m_drawnFirst + x)[3] / (static_cast<double>(m_q) * workers);
}

double TimelineDensity::meanShare(int row) const
{
    double sum = 0;
    for (int x = 0; x < m_geometry.columns; ++x)
        sum += share(row, x);
    return sum / std::max(1, m_geometry.columns);
}

std::size_t TimelineDensity::memoryBytes() const
{
    return (m_cells.capacity() + m_pending.capacity()) * sizeof(Cell) +
           static_cast<std::size_t>(m_image.sizeInBytes());
}

} // namespace poollab
