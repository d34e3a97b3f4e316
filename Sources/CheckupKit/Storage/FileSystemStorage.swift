import Foundation

/// Stores check files in a local directory (`"type": "fs"`), the embedded default.
///
/// Layout, as the original: one `<unix-nanos>-check.json` per stored round and an `index.json`
/// mapping each file name to when it was stored. Every file is written to a temporary file in
/// the same directory, synced and then linked or renamed into place, so a crash never leaves a
/// truncated file; the index is updated under an `flock` on `.index.lock`, and each update also
/// adds any check file the index lacks, so several processes storing at once lose nothing.
public struct FileSystemStorage: Storage, StorageReader, Maintainer, Equatable {
    /// The directory holding the check files (`dir`).
    public var directory: String
    /// The URL the directory is served at, for the status page (`url`; checkup itself does not read it).
    public var url: String
    /// Check files older than this are deleted by `maintain()` (`check_expiry`); zero keeps them all.
    public var checkExpiry: Duration

    /// Creates fs storage.
    public init(directory: String, url: String = "", checkExpiry: Duration = .zero) {
        self.directory = directory
        self.url = url
        self.checkExpiry = checkExpiry
    }

    static let indexName = "index.json"
    static let lockName = ".index.lock"
    static let tempPrefix = AtomicFile.tempPrefix

    /// Whether `name` is a check file's name: digits, then `-check.json`.
    public static func isCheckFileName(_ name: String) -> Bool {
        guard name.hasSuffix("-check.json") else { return false }
        let digits = name.dropLast("-check.json".count)
        return !digits.isEmpty && digits.count <= 20 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Writes `results` as a new check file and adds it to the index.
    /// - Throws: `CheckupError` (`.storage`) naming the path that could not be written.
    public func store(_ results: [CheckResult]) async throws {
        _ = try storeFile(results)
    }

    /// Stores `results` and returns the new file's name, `<now>-check.json` (or the next free
    /// nanosecond), recorded in the index as stored at `now` (UTC Unix nanoseconds).
    @discardableResult
    public func storeFile(_ results: [CheckResult], at now: Int64 = CheckResult.now()) throws(CheckupError) -> String {
        try makeDirectory()
        let data = CheckResult.checkFileData(results)
        let temp: String
        do {
            temp = try AtomicFile.writeTemporary(data, in: directory)
        } catch {
            // Nothing is left behind: the temporary file is removed, no check file is made.
            throw CheckupError(.storage, "storing a round in \(directory): \(error.message.split(separator: ": ").last ?? "")")
        }
        defer { unlink(temp) }
        var stamp = now
        var name = ""
        while true {
            name = "\(stamp)-check.json"
            // link() never replaces an existing file: two writers in the same nanosecond get two names.
            if link(temp, path(name)) == 0 { break }
            let code = errno
            if code != EEXIST { throw failure("storing \(path(name))", code) }
            stamp += 1
        }
        syncDirectory()
        try withIndexLock { (index: inout [String: Int64]) throws(CheckupError) in index[name] = now }
        return name
    }

    /// Deletes check files older than `checkExpiry` (only files named `<digits>-check.json`) and
    /// their index entries, drops index entries whose file is gone, and removes temporary files
    /// left by crashed writers. Does nothing when `checkExpiry` is zero.
    public func maintain() async throws {
        try maintain(now: CheckResult.now())
    }

    func maintain(now: Int64) throws(CheckupError) {
        guard checkExpiry > .zero else { return }
        let expiry = checkExpiry.nanoseconds
        try withIndexLock { (index: inout [String: Int64]) throws(CheckupError) in
            for name in try listDirectory() {
                if Self.isCheckFileName(name) {
                    let storedAt = index[name] ?? Self.prefixTime(name)
                    if now &- storedAt > expiry {
                        if unlink(path(name)) != 0 && errno != ENOENT { throw failure("deleting \(path(name))", errno) }
                        index[name] = nil
                    }
                } else if name.hasPrefix(Self.tempPrefix) {
                    var st = stat()
                    if stat(path(name), &st) == 0, Int64(st.st_mtim.tv_sec) < now / 1_000_000_000 - 3600 {
                        unlink(path(name))
                    }
                }
            }
        }
    }

    /// The index: check file name → store time in UTC Unix nanoseconds. A missing index is empty.
    public func index() async throws -> [String: Int64] {
        try readIndex()
    }

    /// The index, with every check file in the directory it lacks (time from the file's name),
    /// less the entries whose file is gone.
    public func allCheckFiles() async throws -> [String: Int64] {
        var files = (try? readIndex()) ?? [:]
        let present = Set(try listDirectory().filter(Self.isCheckFileName))
        for name in present where files[name] == nil { files[name] = Self.prefixTime(name) }
        for name in files.keys where !present.contains(name) { files[name] = nil }
        return files
    }

    /// The check files in the directory: `allCheckFiles()`'s names without reading the index
    /// (whose entries without a file it drops anyway), which for 12,960 files was the rebuild's
    /// largest allocation.
    public func checkFileNames() async throws -> [String] {
        try listDirectory().filter(Self.isCheckFileName)
    }

    /// Reads one check file named in the index.
    /// - Throws: `CheckupError` when the name is not a check file's name or the file is unreadable.
    public func fetch(_ name: String) async throws -> [CheckResult] {
        guard Self.isCheckFileName(name) else {
            throw CheckupError(.storage, "\(name): not a check file name")
        }
        guard let data = FileManager.default.contents(atPath: path(name)) else {
            throw CheckupError(.storage, "\(path(name)): cannot be read")
        }
        return try CheckResult.decodeCheckFile(data, name: path(name))
    }

    /// The bytes of `index.json` for `index`: keys sorted, trailing newline (Go's `json.Encoder`).
    static func indexData(_ index: [String: Int64]) -> Data {
        let pairs = index.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) }
        var data = JSONValue.object(JSONObject(pairs)).encoded()
        data.append(0x0A)
        return data
    }

    // MARK: - Files

    func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private func failure(_ what: String, _ code: Int32) -> CheckupError { AtomicFile.failure(what, code) }

    private func makeDirectory() throws(CheckupError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CheckupError(.storage, "creating directory \(directory): \((error as NSError).localizedDescription)")
        }
    }

    /// fsyncs the store's directory, so that a link into it lasts.
    private func syncDirectory() { AtomicFile.syncFolder(directory) }

    private func listDirectory() throws(CheckupError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw CheckupError(.storage, "reading directory \(directory): \((error as NSError).localizedDescription)")
        }
    }

    static func prefixTime(_ name: String) -> Int64 {
        Int64(name.prefix { $0.isASCII && $0.isNumber }) ?? 0
    }

    private func readIndex() throws(CheckupError) -> [String: Int64] {
        guard let data = FileManager.default.contents(atPath: path(Self.indexName)) else { return [:] }
        // The usual index, all integers, read straight into the dictionary (it is read and written
        // with every store and lists every check file); anything else the lenient way below.
        if let index = try? JSONDecoder().decode([String: Int64].self, from: data) { return index }
        guard let value = try? JSONValue.parse(data), let object = value.objectValue else {
            throw CheckupError(.storage, "\(path(Self.indexName)): not a JSON object of file names and times")
        }
        var index: [String: Int64] = [:]
        for (name, v) in object.pairs {
            switch v {
            case .int(let t): index[name] = t
            case .double(let d): index[name] = Int64(d)
            default: throw CheckupError(.storage, "\(path(Self.indexName)): \(name): \(v.shortText) is not a time")
            }
        }
        return index
    }

    /// Runs `update` on the index while holding the directory's lock, after adding any check
    /// file the index lacks and dropping entries whose file is gone, then writes the index back.
    private func withIndexLock(_ update: (inout [String: Int64]) throws(CheckupError) -> Void) throws(CheckupError) {
        try withLock(Self.lockName) { () throws(CheckupError) in try updateIndex(update) }
    }

    /// Runs `body` while holding an `flock` on the file `name` in the directory.
    private func withLock<T>(_ name: String, _ body: () throws(CheckupError) -> T) throws(CheckupError) -> T {
        let lockPath = path(name)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw failure("opening \(lockPath)", errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw failure("locking \(lockPath)", errno) }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    private func updateIndex(_ update: (inout [String: Int64]) throws(CheckupError) -> Void) throws(CheckupError) {
        // An unreadable index is rebuilt from the check files rather than blocking every store.
        let existed = FileManager.default.fileExists(atPath: path(Self.indexName))
        var index = (try? readIndex()) ?? [:]
        let before = index
        let files = Set(try listDirectory().filter(Self.isCheckFileName))
        for name in files where index[name] == nil { index[name] = Self.prefixTime(name) }
        for name in index.keys where !files.contains(name) { index[name] = nil }
        try update(&index)
        if index != before || !existed {
            try AtomicFile.replace(path(Self.indexName), with: Self.indexData(index))
        }
    }
}

// Summaries live in `summaries/` beside the check files; writes are compare-and-swap under an
// `flock` on `.summaries.lock`, with the SHA-256 of the content as the version tag.
extension FileSystemStorage: SummaryStorage {
    static let summaryLockName = ".summaries.lock"

    public func readSummaryObject(_ key: String) async throws -> (data: Data, tag: String)? {
        try SummaryKey.check(key)
        guard let data = FileManager.default.contents(atPath: path(key)) else { return nil }
        return (data, Digest.hex(Digest.sha256([UInt8](data))))
    }

    public func writeSummaryObject(_ key: String, _ data: Data, ifMatching tag: String?) async throws -> Bool {
        try SummaryKey.check(key)
        try makeDirectory()
        let folder = path(SummaryKey.folder)
        if mkdir(folder, 0o755) != 0 && errno != EEXIST { throw failure("creating directory \(folder)", errno) }
        return try withLock(Self.summaryLockName) { () throws(CheckupError) -> Bool in
            let current = FileManager.default.contents(atPath: path(key)).map { Digest.hex(Digest.sha256([UInt8]($0))) }
            guard current == tag else { return false }
            try AtomicFile.replace(path(key), with: data)
            return true
        }
    }

    public func deleteSummaryObjects(_ keys: [String]) async throws {
        for key in keys {
            try SummaryKey.check(key)
            if unlink(path(key)) != 0 && errno != ENOENT { throw failure("deleting \(path(key))", errno) }
        }
    }
}

extension FileSystemStorage: JSONConfigurable {
    static let typeName = "fs"

    var configObject: JSONObject {
        var w = ConfigWriter()
        w.string("dir", directory, omitEmpty: false)
        w.string("url", url, omitEmpty: false)
        w.duration("check_expiry", checkExpiry)
        return w.object
    }

    init(config c: ConfigReader) throws(CheckupError) {
        self.init(directory: try c.requiredString("dir"), url: try c.string("url") ?? "",
                  checkExpiry: try c.duration("check_expiry"))
    }
}
