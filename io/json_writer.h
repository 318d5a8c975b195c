// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace poollab {

// A small streaming JSON writer that keeps keys in the order they are written
// (QJsonObject sorts them) and formats numbers without the locale.
class JsonWriter
{
public:
    void beginObject(const char* key = nullptr);
    void endObject();
    void value(const char* key, double v);
    // With `digits` significant digits rather than rounded to a micro-unit: for
    // quantities that may be tiny (a probability of 3e-10) or large.
    void significant(const char* key, double v, int digits = 6);
    void value(const char* key, std::uint64_t v);
    void value(const char* key, std::int64_t v);
    void value(const char* key, int v) { value(key, static_cast<std::int64_t>(v)); }
    void value(const char* key, bool v);
    void value(const char* key, const QString& v);
    void value(const char* key, const char* v) { value(key, QString::fromUtf8(v)); }
    void null(const char* key);
    // "key": [low, high] on one line, as value() writes numbers.
    void interval(const char* key, double low, double high);
    // An array of objects (beginObject() with no key inside it).
    void beginArray(const char* key);
    void endArray();
    QByteArray finish(); // the document with a trailing newline

    static QByteArray number(double v);
    // Shortest form with at most `digits` significant digits ("0.020459", "9.8e-05",
    // "80"); null when not finite.
    static QByteArray significantNumber(double v, int digits);
    static QByteArray quoted(const QString& s);

private:
    void prefix(const char* key);

    QByteArray m_out;
    int m_depth = 0;
    bool m_first = true;
};

} // namespace poollab
