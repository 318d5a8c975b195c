// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/json_writer.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace poollab {

QByteArray JsonWriter::number(double v)
{
    if (!std::isfinite(v))
        return QByteArrayLiteral("null");
    // Round to a micro-unit: summaries are for people and diffs, not bit patterns.
    const double rounded = std::round(v * 1e6) / 1e6;
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, rounded == 0 ? 0.0 : rounded);
    return QByteArray(buf, static_cast<int>(end - buf));
}

QByteArray JsonWriter::significantNumber(double v, int digits)
{
    if (!std::isfinite(v))
        return QByteArrayLiteral("null");
    char buf[64];
    // general: fixed or scientific, whichever is shorter, trailing zeros dropped (%g);
    // both are valid JSON numbers.
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v == 0 ? 0.0 : v, std::chars_format::general,
                                         std::clamp(digits, 1, 17));
    return QByteArray(buf, static_cast<int>(end - buf));
}

QByteArray JsonWriter::quoted(const QString& s)
{
    QByteArray out;
    out.reserve(s.size() + 2);
    out += '"';
    for (const char c : s.toUtf8()) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char esc[8];
                std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned char>(c));
                out += esc;
            } else {
                out += c;
            }
        }
    }
    out += '"';
    return out;
}

void JsonWriter::prefix(const char* key)
{
    if (!m_first)
        m_out += ',';
    m_first = false;
    if (m_depth > 0) {
        m_out += '\n';
        m_out += QByteArray(m_depth * 2, ' ');
    }
    if (key) {
        m_out += quoted(QString::fromUtf8(key));
        m_out += ": ";
    }
}

void JsonWriter::beginObject(const char* key)
{
    prefix(key);
    m_out += '{';
    ++m_depth;
    m_first = true;
}

void JsonWriter::endObject()
{
    --m_depth;
    m_out += '\n';
    m_out += QByteArray(m_depth * 2, ' ');
    m_out += '}';
    m_first = false;
}

void JsonWriter::value(const char* key, double v)
{
    prefix(key);
    m_out += number(v);
}

void JsonWriter::significant(const char* key, double v, int digits)
{
    prefix(key);
    m_out += significantNumber(v, digits);
}

void JsonWriter::value(const char* key, std::uint64_t v)
{
    prefix(key);
    m_out += QByteArray::number(static_cast<qulonglong>(v));
}

void JsonWriter::value(const char* key, std::int64_t v)
{
    prefix(key);
    m_out += QByteArray::number(static_cast<qlonglong>(v));
}

void JsonWriter::value(const char* key, bool v)
{
    prefix(key);
    m_out += v ? "true" : "false";
}

void JsonWriter::value(const char* key, const QString& v)
{
    prefix(key);
    m_out += quoted(v);
}

void JsonWriter::null(const char* key)
{
    prefix(key);
    m_out += "null";
}

void JsonWriter::interval(const char* key, double low, double high)
{
    prefix(key);
    m_out += '[' + number(low) + ", " + number(high) + ']';
}

void JsonWriter::beginArray(const char* key)
{
    prefix(key);
    m_out += '[';
    ++m_depth;
    m_first = true;
}

void JsonWriter::endArray()
{
    --m_depth;
    if (!m_first) {
        m_out += '\n';
        m_out += QByteArray(m_depth * 2, ' ');
    }
    m_out += ']';
    m_first = false;
}

QByteArray JsonWriter::finish()
{
    m_out += '\n';
    return m_out;
}

} // namespace poollab
