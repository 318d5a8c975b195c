// SPDX-License-Identifier: GPL-3.0-or-later
// Replays saved fuzz inputs (fuzz/regressions, the seed corpus) through the fuzz
// target's entry point, in the normal build: each input that once broke a parser
// stays a test. Usage: fuzz_replay FILE|DIR...
#include "fuzz/fuzz_entry.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QStringList files;
    for (const QString& arg : QCoreApplication::arguments().mid(1)) {
        const QFileInfo info(arg);
        if (info.isDir()) {
            for (const QFileInfo& f : QDir(arg).entryInfoList(QDir::Files, QDir::Name))
                files << f.filePath();
        } else {
            files << arg;
        }
    }
    QTextStream out(stdout);
    for (const QString& path : std::as_const(files)) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            QTextStream(stderr) << "fuzz_replay: cannot read " << path << ": " << f.errorString() << "\n";
            return 1;
        }
        const QByteArray data = f.readAll();
        out << "replay " << path << " (" << data.size() << " bytes)\n";
        out.flush(); // a crash below then names its input
        poollab::fuzzOneInput(reinterpret_cast<const std::uint8_t*>(data.constData()),
                              static_cast<std::size_t>(data.size()));
    }
    out << "fuzz_replay: " << files.size() << " inputs, no broken promise\n";
    return files.isEmpty() ? 1 : 0;
}
