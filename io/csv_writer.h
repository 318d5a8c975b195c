// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace poollab {

// Builds RFC 4180 CSV: fields separated by ',', rows ended by CRLF, a field quoted
// when it holds ',', '"', CR or LF (with '"' doubled). Numbers are written with '.'
// as the decimal separator whatever the locale. Text that a spreadsheet would run as
// a formula (starting with = + - @, tab or CR) gets a leading ' so it shows as text.
class CsvWriter
{
public:
    void text(const QString& value);
    void number(double value, int maxDecimals); // trailing zeros trimmed; NaN/inf: empty
    void integer(std::int64_t value);
    void unsignedInteger(std::uint64_t value);
    void empty();
    void endRow();

    const QByteArray& data() const { return m_out; }
    int rows() const { return m_rows; }

    static QByteArray escape(const QString& value);
    static QByteArray formatNumber(double value, int maxDecimals);

private:
    void separator();

    QByteArray m_out;
    int m_rows = 0;
    bool m_rowStarted = false;
};

} // namespace poollab
