// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/metrics_server.h"

#include <QMetaObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <exception>

#include <sys/socket.h>

namespace poollab {

namespace {

// Set on a socket once its response is queued: its timer then bounds the send.
constexpr char kRespondedProperty[] = "poollab_responded";

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    }
    return "Error";
}

constexpr QByteArrayView kTextPlain = "text/plain; charset=utf-8";

// The end of the header section: the index just past the blank line, or -1. Bare
// LF line ends are accepted, as HTTP/1.1 recommends for robustness.
qsizetype headerEnd(QByteArrayView data)
{
    const qsizetype crlf = data.indexOf("\r\n\r\n");
    const qsizetype lf = data.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf))
        return crlf + 4;
    return lf >= 0 ? lf + 2 : -1;
}

// Our side is done: the client reads the response, then end of stream.
void halfClose(QTcpSocket* socket)
{
    if (socket->state() == QAbstractSocket::ConnectedState)
        ::shutdown(static_cast<int>(socket->socketDescriptor()), SHUT_WR);
}

} // namespace

MetricsServer::MetricsServer(SnapshotFunction snapshotFn, MetricsServerOptions options, QObject* parent)
    : QObject(parent), m_snapshotFn(std::move(snapshotFn)), m_options(std::move(options))
{}

MetricsServer::~MetricsServer()
{
    close();
}

bool MetricsServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (!m_tcp) {
        m_tcp = new QTcpServer(this);
        connect(m_tcp, &QTcpServer::newConnection, this, &MetricsServer::acceptPending);
    }
    if (m_tcp->isListening())
        m_tcp->close();
    if (!m_tcp->listen(address, port)) {
        if (error)
            *error = QStringLiteral("cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(m_tcp->errorString());
        return false;
    }
    return true;
}

void MetricsServer::close()
{
    if (m_tcp)
        m_tcp->close();
    const QList<QTcpSocket*> sockets = std::exchange(m_connections, {}).keys();
    m_perPeer.clear();
    for (QTcpSocket* socket : sockets) {
        socket->disconnect(this);
        socket->abort();
        delete socket;
    }
}

bool MetricsServer::isListening() const
{
    return m_tcp && m_tcp->isListening();
}

quint16 MetricsServer::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

void MetricsServer::acceptPending()
{
    while (QTcpSocket* socket = m_tcp->nextPendingConnection()) {
        const QHostAddress peer = socket->peerAddress();
        if (m_perPeer.value(peer) >= std::max(1, m_options.maxConnectionsPerPeer))
            evictOldest(&peer);
        if (m_connections.size() >= std::max(1, m_options.maxConnections))
            evictOldest(nullptr);
        m_connections.insert(socket, {peer, m_nextSerial++});
        ++m_perPeer[peer];
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { forget(socket); });
        connect(socket, &QTcpSocket::errorOccurred, this, [this, socket] {
            // A reset by the peer, say: nothing left to answer.
            if (socket->state() == QAbstractSocket::UnconnectedState)
                forget(socket);
        });
        // One deadline for the whole request (not per read), so that a client trickling
        // a byte at a time cannot hold a connection open.
        auto* timer = new QTimer(socket);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, socket] { timedOut(socket); });
        timer->start(m_options.readTimeoutMs);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readRequest(socket); });
        if (socket->bytesAvailable() > 0)
            readRequest(socket);
    }
}

void MetricsServer::readRequest(QTcpSocket* socket)
{
    // The request stays in the socket's buffer until it is complete; peek a little
    // past the cap so that "exactly at the cap" and "over it" differ.
    const QByteArray data = socket->peek(m_options.maxRequestBytes + 1);
    const qsizetype end = headerEnd(data);
    if (end >= 0 && end <= m_options.maxRequestBytes) {
        handleRequest(socket, QByteArrayView(data).first(end));
        return;
    }
    if (socket->bytesAvailable() > m_options.maxRequestBytes)
        respond(socket, 431, kTextPlain, "request too large\n");
}

void MetricsServer::handleRequest(QTcpSocket* socket, QByteArrayView head)
{
    qsizetype lineEnd = head.indexOf('\n');
    QByteArrayView line = head.first(lineEnd);
    if (line.endsWith('\r'))
        line.chop(1);
    const QList<QByteArray> parts = line.toByteArray().split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || !parts[1].startsWith('/') ||
        !parts[2].startsWith("HTTP/1.")) {
        respond(socket, 400, kTextPlain, "malformed request line\n");
        return;
    }
    const QByteArray& method = parts[0];
    QByteArrayView path = parts[1];
    if (const qsizetype query = path.indexOf('?'); query >= 0)
        path = path.first(query);
    if (path != "/metrics") {
        respond(socket, 404, kTextPlain, "not found; metrics are at /metrics\n");
        return;
    }
    const bool isHead = method == "HEAD";
    if (method != "GET" && !isHead) {
        respond(socket, 405, kTextPlain, "method not allowed\n", "Allow: GET, HEAD\r\n");
        return;
    }
    QByteArray body;
    try {
        m_snapshotFn(m_snapshot);
        body = renderMetrics(m_snapshot, m_options.runInfo);
    } catch (const std::exception& e) {
        respond(socket, 500, kTextPlain, QByteArray("snapshot failed: ") + e.what() + '\n');
        return;
    }
    m_scrapes.fetch_add(1, std::memory_order_relaxed);
    respond(socket, 200, kPrometheusContentType, body, {}, !isHead);
}

void MetricsServer::respond(QTcpSocket* socket, int status, QByteArrayView contentType,
                            const QByteArray& body, QByteArrayView extraHeaders, bool sendBody)
{
    disconnect(socket, &QTcpSocket::readyRead, this, nullptr);
    socket->setProperty(kRespondedProperty, true);
    QByteArray out;
    out.reserve(body.size() + 256);
    out.append("HTTP/1.1 ")
        .append(QByteArray::number(status))
        .append(' ')
        .append(reasonPhrase(status))
        .append("\r\nContent-Type: ")
        .append(contentType)
        .append("\r\nContent-Length: ")
        .append(QByteArray::number(body.size()))
        .append("\r\nConnection: close\r\n")
        .append(extraHeaders)
        .append("\r\n");
    if (sendBody)
        out.append(body);
    socket->write(out);
    // Lingering close: send the response, shut down our side, and discard what the
    // client still sends until it closes. Closing with unread input would reset the
    // connection and could destroy the response (a 431 to a large request, say).
    socket->readAll();
    connect(socket, &QTcpSocket::readyRead, this, [socket] { socket->readAll(); });
    connect(socket, &QTcpSocket::bytesWritten, this, [socket] {
        if (socket->bytesToWrite() == 0)
            halfClose(socket);
    });
    socket->flush();
    if (socket->bytesToWrite() == 0)
        halfClose(socket);
    // The timer now bounds the send and the linger: a client that neither reads nor
    // closes is cut off instead of holding the socket.
    if (auto* timer = socket->findChild<QTimer*>())
        timer->start(m_options.readTimeoutMs);
    emit responded(status);
}

void MetricsServer::timedOut(QTcpSocket* socket)
{
    if (!m_connections.contains(socket))
        return; // already closed, waiting for deleteLater
    if (socket->property(kRespondedProperty).toBool()) {
        socket->abort();
        forget(socket);
        return;
    }
    respond(socket, 408, kTextPlain, "request not received in time\n");
}

void MetricsServer::evictOldest(const QHostAddress* peer)
{
    QTcpSocket* victim = nullptr;
    std::pair<bool, std::uint64_t> oldest{true, 0}; // (still waiting for its request, serial)
    for (auto it = m_connections.cbegin(); it != m_connections.cend(); ++it) {
        if (peer && it.value().peer != *peer)
            continue;
        const std::pair<bool, std::uint64_t> key{!it.key()->property(kRespondedProperty).toBool(),
                                                 it.value().serial};
        if (!victim || key < oldest) {
            victim = it.key();
            oldest = key;
        }
    }
    if (!victim)
        return;
    victim->disconnect(this);
    victim->abort();
    forget(victim);
    m_evictions.fetch_add(1, std::memory_order_relaxed);
}

void MetricsServer::forget(QTcpSocket* socket)
{
    const auto it = m_connections.constFind(socket);
    if (it != m_connections.cend()) {
        const QHostAddress peer = it.value().peer;
        m_connections.erase(it);
        if (--m_perPeer[peer] <= 0)
            m_perPeer.remove(peer);
        socket->disconnect(this);
        if (auto* timer = socket->findChild<QTimer*>())
            timer->stop();
        socket->deleteLater();
    }
}

MetricsEndpoint::MetricsEndpoint(MetricsServerOptions options) : m_options(std::move(options)) {}

MetricsEndpoint::~MetricsEndpoint()
{
    stop();
}

bool MetricsEndpoint::start(const QHostAddress& address, quint16 port, SnapshotFunction snapshotFn,
                            QString* error)
{
    if (m_server) {
        if (error)
            *error = QStringLiteral("the metrics endpoint is already running");
        return false;
    }
    auto thread = std::make_unique<QThread>();
    thread->setObjectName(QStringLiteral("poollab-metrics"));
    auto* server = new MetricsServer(std::move(snapshotFn), m_options);
    server->moveToThread(thread.get());
    // Deleted on its own thread once the loop has quit: its sockets belong there.
    QObject::connect(thread.get(), &QThread::finished, server, &QObject::deleteLater);
    thread->start();

    bool ok = false;
    quint16 bound = 0;
    QString listenError;
    QMetaObject::invokeMethod(
        server,
        [&] {
            ok = server->listen(address, port, &listenError);
            bound = server->port();
        },
        Qt::BlockingQueuedConnection);
    if (!ok) {
        thread->quit();
        thread->wait();
        if (error)
            *error = listenError;
        return false;
    }
    m_thread = std::move(thread);
    m_server = server;
    m_address = address;
    m_port = bound;
    m_finalScrapes = 0;
    return true;
}

void MetricsEndpoint::stop()
{
    if (!m_server)
        return;
    MetricsServer* server = m_server;
    QMetaObject::invokeMethod(
        server, [server] { server->close(); }, Qt::BlockingQueuedConnection);
    m_finalScrapes = server->scrapes();
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
    m_server = nullptr;
}

QString MetricsEndpoint::url() const
{
    const QString host = m_address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + m_address.toString() + QLatin1Char(']')
                             : m_address.toString();
    return QStringLiteral("http://%1:%2/metrics").arg(host).arg(m_port);
}

std::uint64_t MetricsEndpoint::scrapes() const
{
    return m_server ? m_server->scrapes() : m_finalScrapes;
}

} // namespace poollab
