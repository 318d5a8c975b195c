// SPDX-License-Identifier: GPL-3.0-or-later
// Writes poollab.1 at build time from the option table --help uses, so the man page
// cannot drift from the program.
#include "app/cli.h"

#include <QFile>
#include <QTextStream>

int main(int argc, char* argv[])
{
    if (argc != 2) {
        QTextStream(stderr) << "usage: poollab_manpage OUTPUT\n";
        return 2;
    }
    QFile out(QString::fromLocal8Bit(argv[1]));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        QTextStream(stderr) << "poollab_manpage: cannot write " << out.fileName() << ": " << out.errorString()
                            << "\n";
        return 1;
    }
    out.write(poollab::manPageText().toUtf8());
    return out.flush() ? 0 : 1;
}
