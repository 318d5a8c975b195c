// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/summary.h"

#include <QByteArray>

namespace poollab {

// The summary as one JSON object ("format": "poollab-summary/1"), keys in a fixed
// order, numbers written the same whatever the locale.
QByteArray summaryToJson(const RunSummary& summary);

} // namespace poollab
