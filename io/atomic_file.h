// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <span>

namespace poollab {

// "-": the name every output flag takes for stdout.
bool isStdoutName(const QString& path);

// "-", or a path to the pipe, terminal or device that is this process's stdout
// (/dev/stdout, /dev/fd/1): written through file descriptor 1, which works where
// opening the path again would be refused (a pipe another user created).
bool isOwnStdout(const QString& path);

// Writes data to path so that the user's data is never half-written or clobbered:
//  - "-" (and any path to this process's stdout, isOwnStdout()) is stdout;
//  - an existing character device, FIFO or socket (/dev/null, /dev/stdout, a named
//    pipe) is written in place: replacing it would put a regular file where the
//    device was;
//  - anything else is replaced atomically through QSaveFile (readers see the old file
//    or the whole new one, never a part; a failed write leaves nothing behind),
//    following symlinks to the file they name, and keeping an existing file's
//    permission bits (a read-only file stays read-only) and, where allowed, owner.
// On failure returns false and sets *error to "cannot write PATH: REASON".
bool writeFileAtomically(const QString& path, const QByteArray& data, QString* error);

// The same, but *reason is the reason alone (for messages that name the flag too).
bool writeOutputFile(const QString& path, const QByteArray& data, QString* reason);

// Writes all of data to stdout (file descriptor 1, unbuffered). EPIPE and other
// errors come back as false with *error = "cannot write to stdout: REASON"; SIGPIPE
// must be ignored for a closed pipe to be reported rather than kill the process.
bool writeToStdout(const QByteArray& data, QString* error);

// A file written bit by bit while a run lasts, then put in place at the end:
//  - a regular (or new) file goes to DESTINATION.partial, next to it (after
//    following symlinks), flushed on every flush(); commit() renames it over the
//    destination, keeping the destination's permission bits. A kill -9 leaves the
//    .partial file with everything flushed until then;
//  - "-", a character device, FIFO or socket is written in place as it goes.
// After the first write error nothing more is written; commit() reports it and
// removes the .partial file.
class StreamingFile
{
public:
    StreamingFile() = default;
    ~StreamingFile(); // abandons an uncommitted .partial file
    StreamingFile(const StreamingFile&) = delete;
    StreamingFile& operator=(const StreamingFile&) = delete;

    // "PATH.partial" for a regular file's destination (symlinks followed).
    static QString partialPathFor(const QString& destination);

    bool open(const QString& path, QString* error);
    bool isOpen() const { return m_fd >= 0; }
    bool inPlace() const { return m_inPlace; }
    // Queues bytes; they go to the file at the next flush().
    void write(const QByteArray& data);
    // Writes what is queued. False once a write has failed.
    bool flush();
    bool failed() const { return !m_error.isEmpty(); }
    // Flushes, syncs and renames the .partial file over the destination.
    bool commit(QString* error);
    // Removes the .partial file (if any) and closes.
    void abandon();

private:
    void setError(int errnoValue);

    int m_fd = -1;
    bool m_inPlace = false;
    bool m_ownsFd = false;
    QString m_path;        // as given, for messages
    QString m_destination; // resolved
    QString m_partial;
    QByteArray m_pending;
    QString m_error;
};

// One file a flag names, for collision checks.
struct NamedPath
{
    QString flag; // without the dashes, e.g. "summary-json"
    QString path;
};

// Before a run: does any output name the same file as an input or another output?
// Files are compared by identity (device and inode, after symlinks; for a file not
// there yet, its folder's identity and its name), so "a.csv", "./a.csv", a symlink
// to it and a hard link all collide. "-" is stdout: two outputs there collide, and
// so do "-" and a path to the same pipe or file. Character devices (/dev/null) may
// take several outputs. Returns the message naming both flags, or an empty string.
QString findPathCollision(std::span<const NamedPath> outputs, std::span<const NamedPath> inputs);

} // namespace poollab
