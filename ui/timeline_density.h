// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/attempt_event.h"

#include <QImage>
#include <QPoint>
#include <QRgb>

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

class QPainter;

namespace poollab {

// The timeline's density picture (grouped lanes, or bars merged when there are more
// attempts than pixels), kept between paints so that a refresh of a view following a
// live run costs the attempts that ended since the last one, not all those held.
//
// Columns are cells of a grid anchored at the run's start (span / columns ns each), so
// a view that moves on by whole columns finds its cells where they were: the stored
// columns are a ring, and moving shifts its start. Each cell holds, per row, the time
// its attempts fill, in integers (fixed point: q() units a column), weighted by their
// phases' colours: sums of integers do not depend on the order they were added in, so
// the cells after any number of refreshes are those one rebuild from the same attempts
// makes, to the bit, and so are the pixels made from them.
//
// Attempts are only ever added: one the view's ring overwrote stays in the cells, but
// it ended before the ring's coveredFrom(), and the picture is drawn from the first
// column after that on (what is before is the "not kept" shading).
class TimelineDensity
{
public:
    // What the cells are for: any change starts them over.
    struct Geometry
    {
        Nanos span = 0;
        int columns = 0;
        int rows = 0;
        int perRow = 1;
        int lanes = 1;
        int rowHeight = 1;
        QRgb base = 0;
        bool operator==(const Geometry&) const = default;
    };

    bool matches(const Geometry& geometry) const { return m_valid && geometry == m_geometry; }
    bool isValid() const { return m_valid; }
    void invalidate() { m_valid = false; }
    // Empty cells for `geometry`, stored from the column of `from` on.
    void reset(const Geometry& geometry, Nanos from);
    // Moves the stored columns on so that the view from `from` is in them. False when it
    // cannot (the view went back, or further than the cells reach, or an attempt was cut
    // off past their end): reset() then.
    bool follow(Nanos from);
    // A piece of an attempt (its token wait, or its service) into its row's cells, in its
    // phase's colour (a row outside: none).
    void add(int row, Nanos from, Nanos to, QRgb colour);
    // Sums what was added into the cells and repaints the pixels of the cells that changed.
    void render();
    // Draws the view from `from` at `topLeft` (at most `height` px), leaving out the
    // columns up to the one `hiddenUntil` falls in (the ring's coveredFrom(); none: kNone).
    // Returns the px from the left where the picture starts.
    int draw(QPainter& p, QPoint topLeft, int height, Nanos from, Nanos hiddenUntil);
    static constexpr Nanos kNone = std::numeric_limits<Nanos>::min();

    // The share of the row's worker time in the view's column `x` (px from its left) /
    // over all its columns, as last drawn (0 where it was not drawn).
    double share(int row, int x) const;
    double meanShare(int row) const;
    // Bytes the cells and the image hold.
    std::size_t memoryBytes() const;
    std::int64_t q() const { return m_q; }
    int columns() const { return m_geometry.columns; }

private:
    using Cell = std::array<std::uint32_t, 4>;  // r, g, b weighted time; time (modulo 2^32)
    std::int64_t position(Nanos t) const;       // fixed point, columns x q() from the run's start
    std::int64_t firstColumn(Nanos from) const; // the column the view's first px shows
    std::size_t slot(std::int64_t column) const
    {
        const std::int64_t m = column % m_capacity;
        return static_cast<std::size_t>(m < 0 ? m + m_capacity : m);
    }
    Cell& cell(int row, std::int64_t column)
    {
        return m_cells[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_capacity) + slot(column)];
    }
    const Cell& cell(int row, std::int64_t column) const
    {
        return m_cells[static_cast<std::size_t>(row) * static_cast<std::size_t>(m_capacity) + slot(column)];
    }
    void flush();
    void markDirty(int row, std::int64_t from, std::int64_t to);
    QRgb pixel(int row, const Cell& c) const;

    Geometry m_geometry;
    bool m_valid = false;
    std::int64_t m_q = 1; // 2^m_shift
    int m_shift = 0;
    double m_scale = 0;                   // fixed-point units per ns
    std::array<double, 3> m_background{}; // the base colour's r, g, b in [0, 1]
    std::int64_t m_capacity = 1;          // columns stored
    std::int64_t m_start = 0;             // the first stored column
    bool m_cutOff = false;                // an attempt went on past the stored columns
    std::vector<Cell> m_cells;            // per row, the stored columns (a ring)
    // What was added since the last render(), as differences per row from m_start (one
    // spare column); the range of each row's that is not zero.
    std::vector<Cell> m_pending;
    std::vector<std::array<std::int64_t, 2>> m_pendingRange;
    std::vector<std::array<std::int64_t, 2>> m_dirty; // per row, the columns whose pixels are stale
    QImage m_image;                                   // a px column per stored column, the same ring
    std::int64_t m_drawnFirst = 0;                    // the column the last draw began with
    int m_drawnSkipped = 0;                           // and the px it left out (not kept)
};

} // namespace poollab
