// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/cli.h"
#include "app/headless.h"

#include <QApplication>
#include <QCoreApplication>
#include <QTextStream>

#include <memory>

using namespace poollab;

int main(int argc, char* argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const CommandLine cl = parseCommandLine(arguments);
    QTextStream out(stdout);
    QTextStream err(stderr);
    switch (cl.action) {
    case CommandLine::Action::Error:
        err << "poollab: " << cl.error << "\n";
        return 2;
    case CommandLine::Action::Help:
        out << cl.helpText;
        return 0;
    case CommandLine::Action::Version:
        out << "poollab " << POOLLAB_VERSION << "\n";
        return 0;
    case CommandLine::Action::Headless: {
        QCoreApplication app(argc, argv);
        return runHeadless(cl);
    }
    case CommandLine::Action::Window:
        break;
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("PoolLab"));
    QApplication::setOrganizationName(QStringLiteral("PoolLab"));
    QApplication::setApplicationVersion(QStringLiteral(POOLLAB_VERSION));
    err << "poollab: the window is not built yet; use --headless\n";
    return 2;
}
