// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace poollab {

// Writes data to path through QSaveFile: readers see the old file or the whole new
// one, never a part, and a failed write leaves nothing behind. On failure returns
// false and sets *error to "cannot write PATH: REASON".
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error);

} // namespace poollab
