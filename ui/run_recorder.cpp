// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/run_recorder.h"

namespace poollab {

RunRecorder::RunRecorder(QObject* parent) : QObject(parent), m_worker(new QObject)
{
    m_thread.setObjectName(QStringLiteral("run recorder"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
}

RunRecorder::~RunRecorder()
{
    // After the saves already queued: the store closes on its own thread.
    QMetaObject::invokeMethod(
        m_worker, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void RunRecorder::open(const QString& path)
{
    QMetaObject::invokeMethod(m_worker, [this, path] {
        auto store = std::make_unique<RunStore>();
        QString error;
        const bool ok = store->open(path, &error);
        m_store = ok ? std::move(store) : nullptr;
        emit opened(ok, error);
    });
}

void RunRecorder::save(StoredRun run)
{
    QMetaObject::invokeMethod(m_worker, [this, run = std::move(run)] {
        QString error;
        std::int64_t id = 0;
        if (m_store)
            id = m_store->save(run, &error);
        else
            error = tr("the runs database is not open");
        emit saved(static_cast<qint64>(id), error);
    });
}

} // namespace poollab
