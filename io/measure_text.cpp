// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/measure_text.h"

#include <QCoreApplication>

#include <cmath>

namespace poollab {

namespace {

// Decimals that keep about three significant digits of small values.
int decimalsFor(double v)
{
    const double a = std::abs(v);
    return a >= 100 ? 1 : a >= 1 ? 2 : a >= 0.01 ? 3 : 4;
}

} // namespace

bool isShareMeasure(const ExperimentMeasure& m)
{
    return *m.unit == '\0';
}

double measureScale(const ExperimentMeasure& m)
{
    return isShareMeasure(m) ? 100 : 1;
}

QString measureUnit(const ExperimentMeasure& m)
{
    return isShareMeasure(m) ? QStringLiteral("%") : QString::fromLatin1(m.unit);
}

QString measureNumber(const ExperimentMeasure& m, double value, const QLocale& locale)
{
    if (!std::isfinite(value))
        return QStringLiteral("n/a"); // not observed (see Estimate)
    const double shown = value * measureScale(m);
    return locale.toString(shown, 'f', decimalsFor(shown));
}

QString measureText(const ExperimentMeasure& m, double value, const QLocale& locale)
{
    return measureNumber(m, value, locale) + QLatin1Char(' ') + measureUnit(m);
}

QString intervalText(const ExperimentMeasure& m, const Estimate& e, const QLocale& locale)
{
    if (e.observed == 0)
        return QCoreApplication::translate("ExperimentText", "(not observed)");
    if (!e.known())
        return QCoreApplication::translate("ExperimentText", "(%1 of %2 observed)")
            .arg(e.observed)
            .arg(e.observed + e.unobserved);
    return QStringLiteral("[%1, %2]")
        .arg(measureNumber(m, e.ci95.low, locale), measureNumber(m, e.ci95.high, locale));
}

QString estimateText(const ExperimentMeasure& m, const Estimate& e, const QLocale& locale)
{
    if (e.observed == 0)
        return QCoreApplication::translate("ExperimentText", "not observed");
    return measureText(m, e.mean, locale) + QLatin1Char(' ') + intervalText(m, e, locale);
}

QString limitText(const ExperimentMeasure& m, double limit, const QLocale& locale)
{
    if (QLatin1String(m.unit) == QLatin1String("ms") && limit >= 1000)
        return locale.toString(limit / 1000, 'g', 6) + QStringLiteral(" s");
    return locale.toString(limit * measureScale(m), 'g', 6) + QLatin1Char(' ') + measureUnit(m);
}

} // namespace poollab
