import Foundation

/// Files written whole or not at all: the data goes to a temporary file in the same folder
/// (`O_EXCL`, writes retried on `EINTR`, `fsync`), which is then renamed or linked into place and
/// the folder synced, so a crash leaves the old file or the new one, never half of either.
enum AtomicFile {
    /// Temporary files start with this, so a cleaner can recognise the ones a crash left behind.
    static let tempPrefix = ".checkup-tmp-"

    /// Replaces (or creates) `path` with `data`.
    /// - Parameter durable: sync the file and its folder, so that the new file survives a power
    ///   cut. Files derived again every round (the badges, the feeds) skip it: the rename still
    ///   makes the change all or nothing, and syncing thousands of them a round took half a second.
    /// - Throws: `CheckupError` (`.storage`) naming the file and the system's reason.
    static func replace(_ path: String, with data: Data, durable: Bool = true) throws(CheckupError) {
        let folder = folder(of: path)
        let temp = try writeTemporary(data, in: folder, sync: durable)
        if rename(temp, path) != 0 {
            let code = errno
            unlink(temp)
            throw failure("writing \(path)", code)
        }
        if durable { syncFolder(folder) }
    }

    /// Writes `data` to a new temporary file in `folder` (synced unless `sync` is false) and
    /// returns its path; the caller links or renames it into place and removes it.
    static func writeTemporary(_ data: Data, in folder: String, sync: Bool = true) throws(CheckupError) -> String {
        let temp = (folder.isEmpty ? "" : folder.hasSuffix("/") ? folder : folder + "/")
            + "\(tempPrefix)\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 { throw failure("writing \(temp)", errno) }
        defer { close(fd) }
        var failed: Int32 = 0
        data.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, base + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = errno
                    return
                }
                offset += n
            }
        }
        if failed == 0 && sync && fsync(fd) != 0 { failed = errno }
        if failed != 0 {
            unlink(temp)
            throw failure("writing \(temp)", failed)
        }
        return temp
    }

    /// fsyncs a folder, so that a rename or link into it lasts.
    static func syncFolder(_ folder: String) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }

    /// The folder a path is in; empty for a bare name.
    static func folder(of path: String) -> String { (path as NSString).deletingLastPathComponent }

    /// An error for `what` with the system's words for `code` (an `errno`).
    static func failure(_ what: String, _ code: Int32) -> CheckupError {
        CheckupError(.storage, "\(what): \(String(cString: strerror(code)))")
    }
}
