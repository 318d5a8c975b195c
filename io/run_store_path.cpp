// SPDX-License-Identifier: GPL-3.0-or-later
// The runs database's default path, apart from the store: the command line's output
// checks need it without Qt SQL (the fuzz target builds them alone).
#include "io/run_store.h"

#include <QStandardPaths>

namespace poollab {

QString RunStore::defaultPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/runs.sqlite");
}

} // namespace poollab
