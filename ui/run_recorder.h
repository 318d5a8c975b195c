// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "io/run_store.h"

#include <QObject>
#include <QThread>

#include <memory>

namespace poollab {

// Saves finished runs on a thread of its own, with its own RunStore (a Qt SQL
// connection belongs to the thread that opened it), so that writing a long run's
// samples never stalls the window. Saves are done in the order asked; the last ones
// asked are still done when the recorder goes (its destructor waits for them).
class RunRecorder : public QObject
{
    Q_OBJECT

public:
    explicit RunRecorder(QObject* parent = nullptr);
    ~RunRecorder() override;

    // Opens the database on the recorder's thread; opened() tells how that went.
    void open(const QString& path);
    // Stores a copy of the run; saved() gives its id (0 with the error).
    void save(StoredRun run);

signals:
    void opened(bool ok, const QString& error);
    void saved(qint64 id, const QString& error);

private:
    QThread m_thread;
    QObject* m_worker;                 // lives on m_thread; the store is created and destroyed there
    std::unique_ptr<RunStore> m_store; // touched on m_thread only
};

} // namespace poollab
