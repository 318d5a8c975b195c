// SPDX-License-Identifier: GPL-3.0-or-later
#include "io/atomic_file.h"

#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace poollab {

namespace {

QString reasonOf(int errnoValue)
{
    return QString::fromLocal8Bit(std::strerror(errnoValue));
}

QByteArray nativePath(const QString& path)
{
    return QFile::encodeName(path);
}

// Follows symlinks to the file they name: its canonical path when it exists, else
// where a chain of links (dangling ones too) ends, so that a new file is created where
// the link points and its folder is the target's. Paths such as /dev/stdout, which
// lead through /proc to a pipe with no path of its own, stay as they are (the kernel
// follows them when the file is opened).
QString resolveSymlinks(const QString& path)
{
    QFileInfo info(path);
    if (info.exists()) {
        const QString canonical = info.canonicalFilePath();
        return canonical.isEmpty() || !QFileInfo::exists(canonical) ? info.absoluteFilePath() : canonical;
    }
    for (int hops = 0; hops < 40 && info.isSymLink(); ++hops)
        info = QFileInfo(info.symLinkTarget());
    return info.absoluteFilePath();
}

bool statPath(const QString& path, struct stat& st)
{
    return ::stat(nativePath(path).constData(), &st) == 0;
}

// Something other than a regular file or a folder: written in place.
bool isSpecial(const struct stat& st)
{
    return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

// Writes all of data to fd; false with errno set on failure.
bool writeAll(int fd, const char* data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, static_cast<size_t>(size));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= n;
    }
    return true;
}

// The new file takes the old one's permission bits, and its owner where allowed
// (root saving over a user's file), so that saving does not change who may read it.
void copyModeOf(const QString& destination, int fd)
{
    struct stat st;
    if (fd < 0 || !statPath(destination, st) || !S_ISREG(st.st_mode))
        return;
    if (::geteuid() == 0)
        (void)!::fchown(fd, st.st_uid, st.st_gid);
    (void)!::fchmod(fd, st.st_mode & 07777);
}

bool writeInPlace(const QString& path, const QByteArray& data, QString* reason)
{
    const int fd = ::open(nativePath(path).constData(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || !writeAll(fd, data.constData(), data.size())) {
        *reason = reasonOf(errno);
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    if (::close(fd) != 0 && errno != EINTR) {
        *reason = reasonOf(errno);
        return false;
    }
    return true;
}

bool replaceAtomically(const QString& path, const QByteArray& data, QString* reason)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(data) != data.size()) {
        *reason = file.errorString();
        file.cancelWriting();
        return false;
    }
    copyModeOf(path, file.handle());
    if (!file.commit()) {
        // commit() has already removed the temporary file.
        *reason = file.errorString();
        return false;
    }
    return true;
}

} // namespace

bool isStdoutName(const QString& path)
{
    return path == QLatin1String("-");
}

bool isOwnStdout(const QString& path)
{
    if (isStdoutName(path))
        return true;
    struct stat st;
    struct stat out;
    return statPath(path, st) && isSpecial(st) && ::fstat(STDOUT_FILENO, &out) == 0 &&
           st.st_dev == out.st_dev && st.st_ino == out.st_ino;
}

bool writeToStdout(const QByteArray& data, QString* error)
{
    if (writeAll(STDOUT_FILENO, data.constData(), data.size()))
        return true;
    if (error)
        *error = QStringLiteral("cannot write to stdout: %1").arg(reasonOf(errno));
    return false;
}

bool writeOutputFile(const QString& path, const QByteArray& data, QString* reason)
{
    QString why;
    bool ok = false;
    if (path.isEmpty()) {
        why = QStringLiteral("no file name given");
    } else if (isOwnStdout(path)) {
        ok = writeAll(STDOUT_FILENO, data.constData(), data.size());
        if (!ok)
            why = reasonOf(errno);
    } else {
        const QString target = resolveSymlinks(path);
        struct stat st;
        ok = statPath(target, st) && isSpecial(st) ? writeInPlace(target, data, &why)
                                                   : replaceAtomically(path, data, &why);
    }
    if (!ok && reason)
        *reason = why;
    return ok;
}

bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error)
{
    QString reason;
    if (writeOutputFile(path, data, &reason))
        return true;
    if (error) {
        if (path.isEmpty())
            *error = QStringLiteral("cannot write: no file name given");
        else if (isStdoutName(path))
            *error = QStringLiteral("cannot write to stdout: %1").arg(reason);
        else
            *error = QStringLiteral("cannot write %1: %2").arg(path, reason);
    }
    return false;
}

// --- StreamingFile ---

StreamingFile::~StreamingFile()
{
    abandon();
}

QString StreamingFile::partialPathFor(const QString& destination)
{
    return resolveSymlinks(destination) + QStringLiteral(".partial");
}

bool StreamingFile::open(const QString& path, QString* error)
{
    abandon();
    m_path = path;
    m_error.clear();
    m_pending.clear();
    if (isOwnStdout(path)) {
        m_fd = STDOUT_FILENO;
        m_inPlace = true;
        m_ownsFd = false;
        return true;
    }
    m_destination = resolveSymlinks(path);
    struct stat st;
    m_inPlace = statPath(m_destination, st) && isSpecial(st);
    m_ownsFd = true;
    if (m_inPlace) {
        m_fd = ::open(nativePath(m_destination).constData(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    } else {
        m_partial = m_destination + QStringLiteral(".partial");
        // A leftover from a killed run is replaced, not appended to (and not followed,
        // should it be a link).
        ::unlink(nativePath(m_partial).constData());
        m_fd = ::open(nativePath(m_partial).constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    }
    if (m_fd < 0) {
        if (error)
            *error = reasonOf(errno);
        m_partial.clear();
        return false;
    }
    return true;
}

void StreamingFile::write(const QByteArray& data)
{
    if (m_fd >= 0 && m_error.isEmpty())
        m_pending += data;
}

void StreamingFile::setError(int errnoValue)
{
    if (m_error.isEmpty())
        m_error = reasonOf(errnoValue);
    m_pending.clear();
}

bool StreamingFile::flush()
{
    if (m_fd < 0 || !m_error.isEmpty())
        return m_error.isEmpty();
    if (!writeAll(m_fd, m_pending.constData(), m_pending.size()))
        setError(errno);
    m_pending.clear();
    return m_error.isEmpty();
}

bool StreamingFile::commit(QString* error)
{
    flush();
    if (m_fd >= 0 && m_error.isEmpty() && !m_inPlace) {
        // On disk before it takes the destination's name: a crash after the rename
        // must not leave an empty file there.
        if (::fsync(m_fd) != 0)
            setError(errno);
        copyModeOf(m_destination, m_fd);
    }
    if (m_fd >= 0 && m_ownsFd && ::close(m_fd) != 0 && errno != EINTR)
        setError(errno);
    m_fd = -1;
    if (m_error.isEmpty() && !m_partial.isEmpty() &&
        ::rename(nativePath(m_partial).constData(), nativePath(m_destination).constData()) != 0)
        setError(errno);
    if (m_error.isEmpty()) {
        m_partial.clear();
        return true;
    }
    if (error)
        *error = m_error;
    abandon();
    return false;
}

void StreamingFile::abandon()
{
    if (m_fd >= 0 && m_ownsFd)
        ::close(m_fd);
    m_fd = -1;
    if (!m_partial.isEmpty())
        ::unlink(nativePath(m_partial).constData());
    m_partial.clear();
    m_pending.clear();
}

// --- collisions ---

namespace {

struct Identity
{
    bool stdoutName = false;
    bool exists = false;
    bool charDevice = false;
    dev_t dev = 0;
    ino_t ino = 0;
    QString name; // a new file: its name in the folder dev/ino
};

Identity identityOf(const QString& path)
{
    Identity id;
    struct stat st;
    if (isStdoutName(path)) {
        id.stdoutName = true;
        if (::fstat(STDOUT_FILENO, &st) != 0)
            return id;
    } else {
        const QString target = resolveSymlinks(path);
        if (!statPath(target, st)) {
            const QFileInfo info(target);
            id.name = info.fileName();
            if (!statPath(info.absolutePath(), st))
                id.name = target; // no folder either: the path itself is all there is
            else {
                id.dev = st.st_dev;
                id.ino = st.st_ino;
            }
            return id;
        }
    }
    id.exists = true;
    id.charDevice = S_ISCHR(st.st_mode);
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    return id;
}

bool sameFile(const Identity& a, const Identity& b)
{
    if (a.stdoutName && b.stdoutName)
        return true;
    if (a.exists != b.exists)
        return false;
    if (a.exists)
        return a.dev == b.dev && a.ino == b.ino && !a.charDevice;
    return a.dev == b.dev && a.ino == b.ino && a.name == b.name;
}

} // namespace

QString findPathCollision(std::span<const NamedPath> outputs, std::span<const NamedPath> inputs)
{
    std::vector<Identity> outputIds;
    for (const NamedPath& o : outputs)
        outputIds.push_back(identityOf(o.path));
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const NamedPath& a = outputs[i];
        for (const NamedPath& in : inputs) {
            if (!isStdoutName(a.path) && sameFile(outputIds[i], identityOf(in.path)))
                return QStringLiteral("--%1 '%2' is the file --%3 reads ('%4'): the run would overwrite it; "
                                      "write to another file")
                    .arg(a.flag, a.path, in.flag, in.path);
        }
        for (std::size_t j = i + 1; j < outputs.size(); ++j) {
            const NamedPath& b = outputs[j];
            if (!sameFile(outputIds[i], outputIds[j]))
                continue;
            if (isStdoutName(a.path) && isStdoutName(b.path))
                return QStringLiteral("--%1 and --%2 both write to stdout (-): give one of them a file")
                    .arg(a.flag, b.flag);
            if (QFileInfo(a.path).absoluteFilePath() == QFileInfo(b.path).absoluteFilePath())
                return QStringLiteral("--%1 and --%2 both name '%3': give each output a file of its own")
                    .arg(a.flag, b.flag, a.path);
            return QStringLiteral(
                       "--%1 '%2' and --%3 '%4' are the same file: give each output a file of its own")
                .arg(a.flag, a.path, b.flag, b.path);
        }
    }
    return {};
}

} // namespace poollab
