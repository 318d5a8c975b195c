// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/atomic_file.h"

#include <QSaveFile>

namespace poollab {

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error)
{
    QSaveFile file(path);
    const auto fail = [&] {
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        file.cancelWriting();
        return false;
    };
    if (path.isEmpty()) {
        if (error)
            *error = QStringLiteral("cannot write: no file name given");
        return false;
    }
    if (!file.open(QIODevice::WriteOnly))
        return fail();
    if (file.write(data) != data.size())
        return fail();
    if (!file.commit()) {
        // commit() has already removed the temporary file.
        if (error)
            *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace poollab
