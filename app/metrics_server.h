// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "app/metrics_exposition.h"
#include "core/snapshot.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

class QTcpServer;
class QTcpSocket;
class QThread;

namespace poollab {

// Fills a snapshot of the run; called on the server's thread, so it must be
// thread-safe (Engine::snapshot() and Pool::snapshot() are).
using SnapshotFunction = std::function<void(Snapshot&)>;

struct MetricsServerOptions
{
    qsizetype maxRequestBytes = 8 * 1024; // request line and headers; beyond it: 431
    int readTimeoutMs = 2000;             // the whole request must arrive within this, else 408
    // Open connections, in all and from one peer address. A new connection past either
    // limit makes room by dropping the oldest one (of that peer, or of all): answered
    // ones first, then the longest waiting. A scrape's request arrives at once, so slow
    // or idle clients go and the scraper gets in, and a handful of peers cannot hold
    // every slot.
    int maxConnections = 64;
    int maxConnectionsPerPeer = 8;
    MetricsRunInfo runInfo;
};

// A minimal HTTP/1.1 server for Prometheus scrapes: GET or HEAD /metrics answers
// 200 with the exposition of a fresh snapshot; another path 404; another method
// 405 with Allow; an oversized request 431; a request not complete within the
// read timeout 408; a malformed one 400. Every response says Connection: close and
// closes. Past the connection limits the oldest connection is dropped (see
// MetricsServerOptions). It runs in the thread it lives in (see MetricsEndpoint for its own thread).
class MetricsServer : public QObject
{
    Q_OBJECT
public:
    explicit MetricsServer(SnapshotFunction snapshotFn, MetricsServerOptions options = {},
                           QObject* parent = nullptr);
    ~MetricsServer() override;

    // port 0 picks a free one; see port().
    bool listen(const QHostAddress& address, quint16 port, QString* error = nullptr);
    // Stops listening and aborts open connections.
    void close();
    bool isListening() const;
    quint16 port() const;
    int openConnections() const { return static_cast<int>(m_connections.size()); }
    // Connections dropped to make room for newer ones; readable from any thread.
    std::uint64_t evictions() const { return m_evictions.load(std::memory_order_relaxed); }
    // 200 responses to /metrics so far; readable from any thread.
    std::uint64_t scrapes() const { return m_scrapes.load(std::memory_order_relaxed); }

signals:
    // After each response is queued for sending.
    void responded(int status);

private:
    void acceptPending();
    void readRequest(QTcpSocket* socket);
    void handleRequest(QTcpSocket* socket, QByteArrayView head);
    void respond(QTcpSocket* socket, int status, QByteArrayView contentType, const QByteArray& body,
                 QByteArrayView extraHeaders = {}, bool sendBody = true);
    void timedOut(QTcpSocket* socket);
    void forget(QTcpSocket* socket);
    // Drops the oldest connection (of `peer` only, if given) to make room.
    void evictOldest(const QHostAddress* peer);

    struct Connection
    {
        QHostAddress peer;
        std::uint64_t serial; // accept order
    };

    SnapshotFunction m_snapshotFn;
    MetricsServerOptions m_options;
    QTcpServer* m_tcp = nullptr; // a child, created in listen() so that it belongs to this thread
    QHash<QTcpSocket*, Connection> m_connections;
    QHash<QHostAddress, int> m_perPeer; // open connections by peer address
    std::uint64_t m_nextSerial = 0;
    std::atomic<std::uint64_t> m_evictions{0};
    Snapshot m_snapshot; // reused: snapshot() keeps its buffers
    std::atomic<std::uint64_t> m_scrapes{0};
};

// A MetricsServer on a QThread of its own, with its own event loop: the caller's
// thread may block (a headless producer does) and scrapes are still answered.
class MetricsEndpoint
{
public:
    explicit MetricsEndpoint(MetricsServerOptions options = {});
    ~MetricsEndpoint(); // stops
    MetricsEndpoint(const MetricsEndpoint&) = delete;
    MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

    // Starts the thread and listens; false (with *error set) if it cannot listen.
    // snapshotFn must stay callable until stop() returns.
    bool start(const QHostAddress& address, quint16 port, SnapshotFunction snapshotFn,
               QString* error = nullptr);
    // Closes every connection and joins the thread. Safe to call twice.
    void stop();

    bool isRunning() const { return m_server != nullptr; }
    quint16 port() const { return m_port; } // the bound port (also when 0 was asked)
    QHostAddress address() const { return m_address; }
    QString url() const; // http://ADDRESS:PORT/metrics
    std::uint64_t scrapes() const;

private:
    MetricsServerOptions m_options;
    std::unique_ptr<QThread> m_thread;
    MetricsServer* m_server = nullptr; // lives on m_thread, deleted there when it finishes
    QHostAddress m_address;
    quint16 m_port = 0;
    std::uint64_t m_finalScrapes = 0;
};

} // namespace poollab
