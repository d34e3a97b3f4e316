import Foundation

/// A local folder where rounds wait while their store cannot be reached, to be uploaded in order,
/// exactly once, when it is back. Each round is one check file, named as it will be in the store
/// and written whole (a temporary file linked into place), with a `.abstain` file beside it when
/// the round did not vote. The folder is bounded: beyond `maxRounds` rounds or `maxBytes` bytes
/// the oldest rounds are dropped, and the caller reports them. Processes sharing the folder
/// (`every` and cron runs) take turns uploading with an `flock`.
public struct Spool: Sendable, Equatable {
    /// The folder.
    public var directory: String
    /// The most rounds kept (10,000: over a day of rounds every 10 seconds).
    public var maxRounds: Int
    /// The most bytes kept (64 MiB).
    public var maxBytes: Int

    /// The default bounds.
    public static let defaultMaxRounds = 10_000, defaultMaxBytes = 64 << 20

    /// Creates a spool in `directory` (made when first needed).
    public init(directory: String, maxRounds: Int = Spool.defaultMaxRounds, maxBytes: Int = Spool.defaultMaxBytes) {
        self.directory = directory
        self.maxRounds = maxRounds
        self.maxBytes = maxBytes
    }

    /// Where a bucket's rounds wait by default: `checkup/spool/<bucket>` under `XDG_STATE_HOME`,
    /// else under `~/.local/state`, else (no home) under `/var/tmp`.
    public static func defaultDirectory(bucket: String,
                                        environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base: String
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            base = state
        } else if let home = environment["HOME"], home.hasPrefix("/") {
            base = home + "/.local/state"
        } else {
            base = "/var/tmp"
        }
        // The bucket as a file name: nothing but letters, digits, '.', '_' and '-', no leading dot.
        var name = String(bucket.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        return base + "/checkup/spool/" + name
    }

    /// A spooled round.
    public struct Entry: Sendable, Equatable {
        /// The check file's name in the store, `<unix-nanos>-check.json`.
        public var name: String
        /// The check file's bytes.
        public var data: Data
        /// Why the round did not vote; empty when it did.
        public var abstain: String
    }

    /// The names of the rounds waiting, oldest first.
    public func names() -> [String] {
        let all = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return all.filter(FileSystemStorage.isCheckFileName).sorted {
            (FileSystemStorage.prefixTime($0), $0) < (FileSystemStorage.prefixTime($1), $1)
        }
    }

    /// Whether any round waits (one directory read; nothing is made).
    public var isEmpty: Bool { names().isEmpty }

    /// Adds a round under a free name from `stamp` on and returns that name and the names of the
    /// rounds dropped to stay within bounds (oldest first; never the new one).
    /// - Throws: `CheckupError` (`.storage`) when the folder cannot be written.
    @discardableResult
    public func add(_ data: Data, stamp: Int64, abstain: String = "") throws(CheckupError) -> (name: String, dropped: [String]) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckupError(.storage, "creating the spool \(directory): \((error as NSError).localizedDescription)")
        }
        let temp = try AtomicFile.writeTemporary(data, in: directory)
        defer { unlink(temp) }
        var stamp = stamp
        var name = ""
        while true {
            name = "\(stamp)-check.json"
            if !abstain.isEmpty { try AtomicFile.replace(path(name) + ".abstain", with: Data(abstain.utf8)) }
            if link(temp, path(name)) == 0 { break }
            let code = errno
            if !abstain.isEmpty { unlink(path(name) + ".abstain") }
            guard code == EEXIST else { throw AtomicFile.failure("spooling \(path(name))", code) }
            stamp += 1
        }
        AtomicFile.syncFolder(directory)
        return (name, trim())
    }

    /// Reads a waiting round; nil when it is gone (another process uploaded it).
    public func entry(_ name: String) -> Entry? {
        guard let data = FileManager.default.contents(atPath: path(name)) else { return nil }
        let abstain = FileManager.default.contents(atPath: path(name) + ".abstain").map { String(decoding: $0, as: UTF8.self) }
        return Entry(name: name, data: data, abstain: abstain ?? "")
    }

    /// Removes a round once it is in the store.
    public func remove(_ name: String) {
        unlink(path(name))
        unlink(path(name) + ".abstain")
    }

    /// Runs `body` while this process alone uploads from the spool; returns nil without running
    /// it when another process still holds the turn after `patience`.
    public func withTurn<T>(patience: Duration = .seconds(5), _ body: () async throws -> T) async throws -> T? {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let fd = open(path(".lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw AtomicFile.failure("opening \(path(".lock"))", errno) }
        defer { close(fd) }
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, clock.now < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { flock(fd, LOCK_UN) }
        return try await body()
    }

    /// Whether the store had other origins when a round last reached it: then a round that could
    /// not be stored tells the notifiers nothing (this node's results alone never alert there).
    public var wasShared: Bool { access(path(".shared"), F_OK) == 0 }

    /// Remembers whether the store has other origins (a file in the folder, only while it does).
    public func remember(shared: Bool) {
        guard shared != wasShared else { return }
        if shared {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? AtomicFile.replace(path(".shared"), with: Data())
        } else {
            unlink(path(".shared"))
        }
    }

    /// Drops the oldest rounds beyond the bounds; returns their names.
    private func trim() -> [String] {
        var names = names()
        var sizes = names.map { name -> Int in
            var st = stat()
            return stat(path(name), &st) == 0 ? Int(st.st_size) : 0
        }
        var total = sizes.reduce(0, +)
        var dropped: [String] = []
        while names.count > 1 && (names.count > maxRounds || total > maxBytes) {
            let name = names.removeFirst()
            total -= sizes.removeFirst()
            remove(name)
            dropped.append(name)
        }
        return dropped
    }

    func path(_ name: String) -> String { directory.hasSuffix("/") ? directory + name : directory + "/" + name }
}
