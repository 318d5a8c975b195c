// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Running the built poollab (POOLLAB_BINARY) as a user would, for the tests that do.

#include <QByteArray>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace poollab::binary {

struct Result
{
    int exitCode = -1; // -1: it crashed or did not finish in time (then it is killed)
    QByteArray out;
    QString err;
};

// Runs program with args and waits up to a minute for it (exitCode -1 if it crashed or hung).
inline Result runProgram(const QString& program, const QStringList& args,
                         const QString& workingDirectory = {},
                         const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    if (!workingDirectory.isEmpty())
        p.setWorkingDirectory(workingDirectory);
    p.setProcessEnvironment(env);
    p.start(program, args);
    Result r;
    if (!p.waitForFinished(60'000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

inline Result run(const QStringList& args, const QString& workingDirectory = {},
                  const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    return runProgram(QStringLiteral(POOLLAB_BINARY), args, workingDirectory, env);
}

// A file's bytes; empty if it cannot be read.
inline QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace poollab::binary
