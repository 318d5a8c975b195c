// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/csv_writer.h"

#include <charconv>
#include <cmath>

namespace poollab {

QByteArray CsvWriter::escape(const QString& value)
{
    QByteArray utf8 = value.toUtf8();
    // OWASP's advice against CSV injection: such a cell would otherwise be a formula.
    if (!utf8.isEmpty() && QByteArrayView("=+-@\t\r").contains(utf8.front()))
        utf8.prepend('\'');
    if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\r') && !utf8.contains('\n'))
        return utf8;
    utf8.replace("\"", "\"\"");
    return '"' + utf8 + '"';
}

QByteArray CsvWriter::formatNumber(double value, int maxDecimals)
{
    if (!std::isfinite(value))
        return {};
    char buf[128];
    // std::to_chars ignores the locale, unlike printf and QString::arg.
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, maxDecimals);
    if (ec != std::errc())
        return {};
    QByteArray out(buf, static_cast<qsizetype>(end - buf));
    if (out.contains('.')) {
        while (out.endsWith('0'))
            out.chop(1);
        if (out.endsWith('.'))
            out.chop(1);
    }
    if (out == "-0")
        out = "0";
    return out;
}

void CsvWriter::separator()
{
    if (m_rowStarted)
        m_out += ',';
    m_rowStarted = true;
}

void CsvWriter::text(const QString& value)
{
    separator();
    m_out += escape(value);
}

void CsvWriter::number(double value, int maxDecimals)
{
    separator();
    m_out += formatNumber(value, maxDecimals);
}

void CsvWriter::integer(std::int64_t value)
{
    separator();
    m_out += QByteArray::number(static_cast<qint64>(value));
}

void CsvWriter::unsignedInteger(std::uint64_t value)
{
    separator();
    m_out += QByteArray::number(static_cast<quint64>(value));
}

void CsvWriter::empty()
{
    separator();
}

void CsvWriter::endRow()
{
    m_out += "\r\n";
    m_rowStarted = false;
    ++m_rows;
}

} // namespace poollab
